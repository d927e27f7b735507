"""What the document-producing commands share: notation from options, formats, writing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from symcollapse.cli.options import TWO_COLUMN_LINE_WIDTH
from symcollapse.cli.reread import reread
from symcollapse.doc.model import Derivation
from symcollapse.errors import OptionError
from symcollapse.io.files import write_files
from symcollapse.io.pdf import pdf_files
from symcollapse.render.github import render_github
from symcollapse.render.json import render_json
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.render.text import render_text

Renderer = Callable[[Derivation, Notation], str]

#: ``--format`` name -> (file extension, renderer).
FORMATS: dict[str, tuple[str, Renderer]] = {
    "latex": ("tex", render_fragment),
    "markdown": ("md", render_markdown),
    "github": ("md", render_github),
    "json": ("json", render_json),
    "text": ("txt", render_text),
}

#: Commands whose documents the reader must read whole (see :mod:`symcollapse.cli.reread`).
STRICT_COMMANDS = {"derive", "example"}

#: Notation options that map one to one from ``--option`` to a :class:`Notation` field.
TYPESET_OPTIONS = (
    "delimiter",
    "entry_style",
    "index_base",
    "numbered",
    "line_width",
    "label_prefix",
    "digits",
)


def stem(prefix: str, widths: Sequence[int]) -> str:
    """File name stem such as ``collapse-2-3-3-1``."""
    return "-".join([prefix, *map(str, widths)])


def _names(text: str) -> dict[str, str]:
    """``"x=y,W=M"`` -> ``{"x": "y", "W": "M"}``; the names themselves are checked by Notation.

    An empty ``--names``, an empty name and a role given twice are refused, never ignored.
    """
    if not text.strip():
        raise OptionError("--names is empty; give ROLE=NAME pairs separated by commas, e.g. W=M")
    names: dict[str, str] = {}
    for item in text.split(","):
        role, separator, name = (part.strip() for part in item.partition("="))
        if not separator:
            raise OptionError(f"--names takes ROLE=NAME pairs separated by commas, got {item!r}")
        if not name:
            raise OptionError(f"--names gives {role} an empty name, in {item!r}")
        if role in names:
            raise OptionError(
                f"--names renames {role} twice ({role}={names[role]}, {role}={name}); "
                "give each role once"
            )
        names[role] = name
    return names


def notation_from(args: argparse.Namespace, handled: Sequence[str] = ()) -> Notation:
    """The notation the options ask for; ``--format json|text`` takes ``--names`` and refuses
    the typesetting options, never ignores them. ``handled`` options are the command's own
    business (``fold`` rounds its decimals itself, in every document format)."""
    given = {name: getattr(args, name) for name in TYPESET_OPTIONS if name not in handled}
    given = {name: value for name, value in given.items() if value is not None}
    if getattr(args, "two_column", False):
        given["line_width"] = TWO_COLUMN_LINE_WIDTH
    fmt = getattr(args, "format", "latex")
    if fmt in ("json", "text") and given:
        raise OptionError(
            f"typesetting options apply to latex and markdown output, not {fmt} (--names does)"
        )
    if args.numbered and fmt in ("markdown", "github"):
        raise OptionError("--numbered applies to LaTeX output (MathJax's aligned has no numbers)")
    notation = Notation().merged(**given)
    return notation if args.names is None else notation.renamed(_names(args.names))


def emit(
    args: argparse.Namespace,
    derivation: Derivation,
    notation: Notation,
    name: str,
    extra: Mapping[str, str | bytes] | None = None,
    data: Mapping[str, object] | None = None,
) -> int:
    """Write ``derivation`` (and ``extra`` files) as ``--format``, ``--standalone``, ``--pdf`` say.

    Everything goes to stdout, or, with ``--out`` (or ``--pdf``), into files written all at once.
    """
    extra = dict(extra or {})
    pdf = getattr(args, "pdf", False)
    if getattr(args, "png", False) and not pdf:
        raise OptionError("--png goes with --pdf")
    if (args.standalone or pdf) and args.format != "latex":
        raise OptionError(f"{'--pdf' if pdf else '--standalone'} goes with --format latex")
    strict = getattr(args, "command", None) in STRICT_COMMANDS
    if pdf:
        source = render_document(derivation, notation)
        reread({f"{name}.tex": source}, strict, notation.digits)
        files = pdf_files(source, name, png=args.png)
        print(*write_files(args.out or Path("output"), {**files, **extra}))
        return 0
    extension, renderer = FORMATS[args.format]
    if args.standalone:
        text = render_document(derivation, notation)
    elif args.format == "json":
        text = render_json(derivation, notation, data)
    else:
        text = renderer(derivation, notation)
    reread({f"{name}.{extension}": text}, strict, notation.digits)
    if args.out is None:
        sys.stdout.write("\n".join([text, *extra.values()]) if extra else text)
    else:
        print(*write_files(args.out, {f"{name}.{extension}": text, **extra}))
    return 0
