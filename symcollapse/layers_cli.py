"""The ``layers`` subcommand and the layered showcase that ``symcollapse example`` also writes.

``symcollapse layers "2 > dense 3 relu > residual(dense 3) > dense 1" [--format ...]
[--standalone] [--out DIR]`` or ``--spec-file FILE``: see :mod:`symcollapse.layerspec`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from symcollapse.derivation import Derivation
from symcollapse.errors import OptionError, SpecError
from symcollapse.files import write_files
from symcollapse.layered_derivation import derive_layers
from symcollapse.layerspec import parse_layers, read_spec_file
from symcollapse.pyfunc import derive_function
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.markdown import render_markdown
from symcollapse.render.steps_json import render_steps_json
from symcollapse.render.text import render_text
from symcollapse.size import DEFAULT_MAX_TERMS

#: ``--format`` name -> (file extension, renderer) for layered derivations.
LAYER_FORMATS: dict[str, tuple[str, Callable[[Derivation], str]]] = {
    "latex": ("tex", render_fragment),
    "markdown": ("md", render_markdown),
    "json": ("json", render_steps_json),
    "text": ("txt", render_text),
}

#: The showcase: file stem -> layer string (residual, convolutional, and the 2-3-3-1 ReLU net).
SHOWCASE: dict[str, str] = {
    "layers-residual": "2 > dense 3 > residual(dense 3) > dense 1",
    "layers-conv": "6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1",
    "layers-relu": "2 > dense 3 relu > dense 3 relu > dense 1",
}


def add_parser(
    commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> None:
    """Register ``layers`` on the CLI's subcommands."""
    cmd = commands.add_parser(
        "layers",
        parents=parents,
        help="derivation for a layered network: dense, residual, conv1d, pooling, batchnorm",
    )
    cmd.add_argument("spec", nargs="?", help='layer string, e.g. "2 > dense 3 relu > dense 1"')
    cmd.add_argument("--spec-file", type=Path, help="read the layer string from this file")
    cmd.add_argument(
        "--function",
        metavar="FILE.py:NAME",
        help="a Python forward function using W[k], b[k], relu/tanh/sigmoid (needs --widths)",
    )
    cmd.add_argument("--widths", nargs="+", metavar="D", help="widths d_0 ... d_n for --function")
    cmd.add_argument("--format", choices=sorted(LAYER_FORMATS), default="latex")
    cmd.add_argument(
        "--standalone", action="store_true", help="a complete LaTeX document (with --format latex)"
    )
    cmd.add_argument("--out", type=Path, help="write a file under this directory")
    cmd.add_argument("--seed", type=int, default=0, help="seed of the random exact checks")
    cmd.add_argument(
        "--parameters",
        type=Path,
        help='JSON file {"w_1_1_1": "1/2", ...}: exact weights for the ReLU pattern at a point',
    )
    cmd.add_argument("--point", help="input for the ReLU pattern, comma-separated: --point=-1/2,3")


def stem(description: str) -> str:
    """A file name stem from a layer string: ``layers-2-dense-3-relu-...``."""
    return "layers-" + re.sub(r"[^a-z0-9]+", "-", description.lower()).strip("-")[:80]


def run(args: argparse.Namespace) -> int:
    """``symcollapse layers``: derive, render, print or write atomically."""
    sources = [args.spec, args.spec_file, args.function]
    if sum(source is not None for source in sources) != 1:
        raise SpecError("give a layer string, --spec-file FILE or --function FILE.py:NAME (one)")
    if (args.widths is None) != (args.function is None):
        raise OptionError("--widths goes with --function, and --function needs --widths")
    if args.standalone and args.format != "latex":
        raise OptionError("--standalone goes with --format latex")
    options = {
        "max_terms": args.max_terms,
        "seed": args.seed,
        "parameters": None if args.parameters is None else _read_parameters(args.parameters),
        "point": None if args.point is None else args.point.split(","),
    }
    if args.function is not None:
        function = _load_function(args.function)
        derivation = derive_function(function, args.widths, **options)
        name = stem(function.__name__)
    else:
        spec = parse_layers(args.spec) if args.spec is not None else read_spec_file(args.spec_file)
        derivation = derive_layers(spec, **options)
        name = stem(spec.describe())
    extension, renderer = LAYER_FORMATS[args.format]
    text = render_document(derivation) if args.standalone else renderer(derivation)
    if args.out is None:
        sys.stdout.write(text)
    else:
        print(*write_files(args.out, {f"{name}.{extension}": text}))
    return 0


def _load_function(text: str) -> Callable[..., object]:
    """Import ``FILE.py`` and return its function ``NAME``; any failure is one line."""
    path, sep, name = text.rpartition(":")
    if not sep or not path or not name.isidentifier():
        raise SpecError(f"--function takes FILE.py:NAME, got {text!r}")
    if not Path(path).is_file():
        raise SpecError(f"no such file {path!r}")
    spec = importlib.util.spec_from_file_location(f"symcollapse_user_{Path(path).stem}", path)
    if spec is None or spec.loader is None:
        raise SpecError(f"cannot import {path!r} as Python")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the user's module: report in one line
        raise SpecError(f"cannot import {path!r}: {error}") from None
    function = getattr(module, name, None)
    if function is None:
        raise SpecError(f"{path!r} has no function {name!r}")
    return function


def _read_parameters(path: Path) -> dict[str, object]:
    """``{name: number}`` from a JSON file; numbers may be strings such as ``"-3/4"``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SpecError(f"cannot read parameters from {str(path)!r}: {error}") from None
    if not isinstance(data, dict):
        raise SpecError(f"parameters in {str(path)!r} must be a JSON object of name: number")
    return data


def showcase_files(max_terms: int = DEFAULT_MAX_TERMS) -> dict[str, str]:
    """File name -> text for the showcase: a standalone ``.tex``, ``.md`` and ``.json`` each."""
    files = {}
    for name, text in SHOWCASE.items():
        derivation = derive_layers(parse_layers(text), max_terms=max_terms)
        files[f"{name}.tex"] = render_document(derivation)
        files[f"{name}.md"] = render_markdown(derivation)
        files[f"{name}.json"] = render_steps_json(derivation)
    return files
