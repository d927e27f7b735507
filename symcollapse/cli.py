"""Command line: ``symcollapse example|derive|verify|prove``; bad input is one line and exit 2."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from symcollapse.errors import OptionError, SymcollapseError
from symcollapse.files import write_files
from symcollapse.progress import Progress
from symcollapse.random_check import DEFAULT_TRIALS
from symcollapse.size import DEFAULT_MAX_TERMS
from symcollapse.spec import parse_widths
from symcollapse.verify import DEFAULT_EXACT_MAX_TERMS, METHODS, verify

if TYPE_CHECKING:
    from symcollapse.derivation import Derivation


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported on first call: ``verify`` runs without loading sympy."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


derive = _lazy("symcollapse.derivation", "derive")
prove = _lazy("symcollapse.proof", "prove")
render_json = _lazy("symcollapse.render.json", "render_json")
render_document = _lazy("symcollapse.render.latex", "render_document")
render_fragment = _lazy("symcollapse.render.latex", "render_fragment")
render_markdown = _lazy("symcollapse.render.markdown", "render_markdown")
render_text = _lazy("symcollapse.render.text", "render_text")

#: The commenter's example from the source thread: inputs x_1, x_2, hidden 3 and 3, one output.
EXAMPLE_WIDTHS = (2, 3, 3, 1)

Renderer = Callable[["Derivation"], str]

#: Output formats of ``prove`` (JSON holds a concrete collapse, which a general proof has not).
PROOF_FORMATS = ("latex", "markdown", "text")


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

    verify_cmd = commands.add_parser("verify", help="check f(x) = W_z x + b_z")
    verify_cmd.add_argument("widths", nargs="+", metavar="D", help="widths d_0 d_1 ... d_n")
    verify_cmd.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="exact expansion, random points, the induction proof, or auto (exact when the "
        "term count is within --max-terms, else random)",
    )
    verify_cmd.add_argument(
        "--max-terms",
        type=_positive,
        default=DEFAULT_EXACT_MAX_TERMS,
        help=f"most monomials to expand exactly (default {DEFAULT_EXACT_MAX_TERMS:,})",
    )
    verify_cmd.add_argument(
        "--trials", type=_positive, default=DEFAULT_TRIALS, help="random points (default 3)"
    )
    verify_cmd.add_argument("--seed", type=int, help="seed for the random points")

    prove_cmd = commands.add_parser("prove", help="proof by induction for all depths and widths")
    prove_cmd.add_argument("--format", choices=PROOF_FORMATS, default="latex")
    prove_cmd.add_argument(
        "--standalone", action="store_true", help="a complete LaTeX document (with --format latex)"
    )
    prove_cmd.add_argument("--out", type=Path, help="write a file under this directory")
    prove_cmd.add_argument(
        "--instances",
        type=_positive,
        help="check the closed forms at depths 1..N (default 6)",
    )
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
        },
    )
    for path in written:
        print(path)
    return 0


def _derive(args: argparse.Namespace) -> int:
    if args.standalone and args.format != "latex":
        raise OptionError("--standalone goes with --format latex")
    with Progress("expanding") as progress:
        derivation = derive(args.widths, max_terms=args.max_terms, progress=progress)
    extension, renderer = FORMATS[args.format]
    text = render_document(derivation) if args.standalone else renderer(derivation)
    if args.out is None:
        sys.stdout.write(text)
    else:
        name = f"{_stem(parse_widths(args.widths))}.{extension}"
        print(*write_files(args.out, {name: text}))
    return 0


def _verify(args: argparse.Namespace) -> int:
    with Progress("expanding") as progress:
        result = verify(
            args.widths,
            method=args.method,
            max_terms=args.max_terms,
            trials=args.trials,
            seed=args.seed,
            progress=progress,
        )
    print(result.summary())
    return 0 if result.holds else 1


def _prove(args: argparse.Namespace) -> int:
    if args.standalone and args.format != "latex":
        raise OptionError("--standalone goes with --format latex")
    proof = prove() if args.instances is None else prove(instances=args.instances)
    extension, renderer = FORMATS[args.format]
    text = render_document(proof.derivation) if args.standalone else renderer(proof.derivation)
    if args.out is None:
        sys.stdout.write(text)
    else:
        print(*write_files(args.out, {f"proof.{extension}": text}))
    print(proof.summary(), file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "example": _example,
    "derive": _derive,
    "verify": _verify,
    "prove": _prove,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 identity failed, 2 bad input)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed as one line
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return COMMANDS[args.command](args)
    except SymcollapseError as error:
        print(f"symcollapse: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"symcollapse: error: cannot write output: {error}", file=sys.stderr)
        return 2
