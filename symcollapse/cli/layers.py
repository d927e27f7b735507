"""``symcollapse layers SPEC``: a layered network (dense, residual, conv1d, pooling, ...).

The network comes from a layer string (see :mod:`symcollapse.spec.grammar`), ``--spec-file FILE``
or a Python forward function ``--function FILE.py:NAME --widths D0 ... Dn``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path

from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.function import read_function
from symcollapse.cli.output import emit, notation_from
from symcollapse.derivations.function import derive_function
from symcollapse.derivations.layers import derive_layers
from symcollapse.errors import OptionError, SpecError
from symcollapse.io.progress import Progress
from symcollapse.spec.grammar import parse_layers, read_spec_file
from symcollapse.spec.input_files import read_bytes, read_json
from symcollapse.spec.numerals import parse_rationals
from symcollapse.spec.usercode import DEFAULT_TIMEOUT, time_limit, user_code
from symcollapse.spec.widths import MAX_WIDTH
from symcollapse.verification.function import verify_function
from symcollapse.verification.layered import verify_layers

#: Largest forward-function source file read.
MAX_SOURCE_BYTES = 2**20


#: Longest readable part of a file name stem.
MAX_STEM = 80


def stem(description: str) -> str:
    """A file name stem from a layer string, one per description: ``layers-2-dense-3-<digest>``.

    The readable part loses case, punctuation (``residual(dense 3) > dense 1`` and
    ``residual(dense 3 > dense 1)`` read alike) and, past MAX_STEM letters, the tail; so two
    networks would share it and overwrite each other's files. The first 10 hex digits of the
    description's SHA-256 keep every network's files apart.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", description.lower()).strip("-")[:MAX_STEM].rstrip("-")
    digest = hashlib.sha256(description.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"layers-{slug}-{digest}"


def run(args: argparse.Namespace) -> int:
    sources = [args.spec, args.spec_file, args.function]
    if sum(source is not None for source in sources) != 1:
        raise SpecError("give a layer string, --spec-file FILE or --function FILE.py:NAME (one)")
    if args.timeout is not None and args.function is None:
        raise OptionError("--timeout limits user code and goes with --function")
    if (args.widths is None) != (args.function is None):
        raise OptionError("--widths goes with --function, and --function needs --widths")
    notation = notation_from(args)
    options = {
        "max_terms": args.max_terms,
        "seed": args.seed,
        "parameters": None if args.parameters is None else _read_parameters(args.parameters),
        "point": None
        if args.point is None
        else parse_rationals(args.point, "--point", max_count=MAX_WIDTH),
    }
    with Progress("layers") as progress:  # curved activations take seconds: say so
        if args.function is not None:
            seconds = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
            with time_limit(seconds, f"the function {args.function!r}"):
                progress.stage(f"importing {args.function}")
                function = _load_function(args.function)
                progress.stage(f"deriving and checking {function.__name__}")
                read = read_function(function, args.widths, args.convention)
                derivation = derive_function(verify_function(read, **options), args.convention)
            name = stem(f"{function.__name__} {' '.join(args.widths)}")
        else:
            spec = (
                parse_layers(args.spec) if args.spec is not None else read_spec_file(args.spec_file)
            )
            progress.stage("deriving and checking every layer")
            result = analyse(spec, max_terms=args.max_terms)
            checked = verify_layers(result, **options)
            derivation = derive_layers(checked, args.convention, args.digits)
            name = stem(spec.describe())
    return emit(args, derivation, notation, name)


def _load_function(text: str) -> Callable[..., object]:
    """Import ``FILE.py`` and return its function ``NAME``; any failure is one line."""
    path, sep, name = text.rpartition(":")
    if not sep or not path or not name.isidentifier():
        raise SpecError(f"--function takes FILE.py:NAME, got {text!r}")
    read_bytes(path, "--function file", max_bytes=MAX_SOURCE_BYTES)  # a regular file, bounded
    spec = importlib.util.spec_from_file_location(f"symcollapse_user_{Path(path).stem}", path)
    if spec is None or spec.loader is None:
        raise SpecError(f"cannot import {path!r} as Python")
    module = importlib.util.module_from_spec(spec)
    with user_code(f"importing {path!r}"):
        spec.loader.exec_module(module)
    function = getattr(module, name, None)
    if function is None:
        raise SpecError(f"{path!r} has no function {name!r}")
    return function


def _read_parameters(path: Path) -> dict[str, object]:
    """``{name: number}`` from a JSON file; numbers may be strings such as ``"-3/4"``."""
    data = read_json(path, "parameters file")
    if not isinstance(data, dict):
        raise SpecError(f"parameters in {str(path)!r} must be a JSON object of name: number")
    return data
