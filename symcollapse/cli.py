"""Command line: ``symcollapse example | derive | verify``; bad input is one line and exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from symcollapse.derivation import Derivation, derive
from symcollapse.errors import OptionError, SymcollapseError
from symcollapse.files import write_files
from symcollapse.layers_cli import add_parser as add_layers_parser
from symcollapse.layers_cli import run as run_layers
from symcollapse.layers_cli import showcase_files
from symcollapse.render.json import render_json
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.markdown import render_markdown
from symcollapse.render.text import render_text
from symcollapse.size import DEFAULT_MAX_TERMS
from symcollapse.spec import parse_widths
from symcollapse.verify import verify

#: The commenter's example from the source thread: inputs x_1, x_2, hidden 3 and 3, one output.
EXAMPLE_WIDTHS = (2, 3, 3, 1)

Renderer = Callable[[Derivation], str]


def _json(derivation: Derivation) -> str:
    if derivation.collapse is None:
        raise OptionError("JSON output needs a concrete collapse (widths), not a general proof")
    return render_json(derivation.collapse)


#: ``--format`` name -> (file extension, renderer).
FORMATS: dict[str, tuple[str, Renderer]] = {
    "latex": ("tex", render_fragment),
    "markdown": ("md", render_markdown),
    "json": ("json", _json),
    "text": ("txt", render_text),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _parser() -> _Parser:
    parser = _Parser(
        prog="symcollapse",
        description="Collapse identity-activation networks to W_z x + b_z, with derivations.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    limit = _Parser(add_help=False)
    limit.add_argument(
        "--max-terms",
        type=_positive,
        default=DEFAULT_MAX_TERMS,
        help=f"refuse expansions with more monomials than this (default {DEFAULT_MAX_TERMS:,})",
    )

    example = commands.add_parser(
        "example", parents=[limit], help="the 2-3-3-1 example: .tex, .md and .json files"
    )
    example.add_argument("--out", type=Path, default=Path("output"), help="directory (output/)")

    derive_cmd = commands.add_parser("derive", parents=[limit], help="derivation for any widths")
    derive_cmd.add_argument("widths", nargs="+", metavar="D", help="widths d_0 d_1 ... d_n")
    derive_cmd.add_argument("--format", choices=sorted(FORMATS), default="latex")
    derive_cmd.add_argument(
        "--standalone", action="store_true", help="a complete LaTeX document (with --format latex)"
    )
    derive_cmd.add_argument("--out", type=Path, help="write a file under this directory")

    verify_cmd = commands.add_parser("verify", parents=[limit], help="check f(x) = W_z x + b_z")
    verify_cmd.add_argument("widths", nargs="+", metavar="D", help="widths d_0 d_1 ... d_n")
    add_layers_parser(commands, [limit])
    return parser


def _stem(widths: Sequence[int]) -> str:
    return "collapse-" + "-".join(map(str, widths))


def _example(args: argparse.Namespace) -> int:
    derivation = derive(EXAMPLE_WIDTHS, max_terms=args.max_terms)
    written = write_files(
        args.out,
        {
            "example.tex": render_document(derivation),
            "example.md": render_markdown(derivation),
            "example.json": _json(derivation),
            **showcase_files(args.max_terms),
        },
    )
    for path in written:
        print(path)
    return 0


def _derive(args: argparse.Namespace) -> int:
    if args.standalone and args.format != "latex":
        raise OptionError("--standalone goes with --format latex")
    derivation = derive(args.widths, max_terms=args.max_terms)
    extension, renderer = FORMATS[args.format]
    text = render_document(derivation) if args.standalone else renderer(derivation)
    if args.out is None:
        sys.stdout.write(text)
    else:
        name = f"{_stem(parse_widths(args.widths))}.{extension}"
        print(*write_files(args.out, {name: text}))
    return 0


def _verify(args: argparse.Namespace) -> int:
    result = verify(args.widths, max_terms=args.max_terms)
    print(result.summary())
    return 0 if result.holds else 1


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "example": _example,
    "derive": _derive,
    "verify": _verify,
    "layers": run_layers,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 identity failed, 2 bad input)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SymcollapseError as error:
        print(f"symcollapse: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"symcollapse: error: cannot write output: {error}", file=sys.stderr)
        return 2
