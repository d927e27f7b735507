"""Command line: ``symcollapse example|derive|verify|regress``; bad input is one line, exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from symcollapse.derivation import Derivation, derive
from symcollapse.errors import OptionError, SymcollapseError
from symcollapse.files import write_files
from symcollapse.gradient import DEFAULT_LEARNING_RATE, descend
from symcollapse.notation import DELIMITERS, ENTRY_STYLES, Notation
from symcollapse.numeric import collapse_values, derive_values
from symcollapse.pdf import pdf_files
from symcollapse.regression import derive_regression, regress
from symcollapse.render.json import render_json, render_values_json
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.markdown import render_markdown
from symcollapse.render.text import render_text
from symcollapse.size import DEFAULT_MAX_TERMS
from symcollapse.spec import parse_widths
from symcollapse.values import Values, load_values, random_values
from symcollapse.verify import verify

#: The commenter's example from the source thread: inputs x_1, x_2, hidden 3 and 3, one output.
EXAMPLE_WIDTHS = (2, 3, 3, 1)

Renderer = Callable[[Derivation, Notation], str]


def _json(derivation: Derivation, notation: Notation | None = None) -> str:
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


def _typeset_parser() -> _Parser:
    """Notation options for LaTeX and Markdown; unset ones keep the :class:`Notation` defaults."""
    typeset = _Parser(add_help=False)
    group = typeset.add_argument_group("notation (LaTeX and Markdown output)")
    group.add_argument("--delimiter", choices=DELIMITERS, help="matrix brackets (bmatrix)")
    group.add_argument(
        "--entry-style",
        choices=sorted(ENTRY_STYLES),
        help="weight entries: " + ", ".join(f"{k} {v}" for k, v in ENTRY_STYLES.items()),
    )
    group.add_argument("--index-base", type=int, choices=(0, 1), help="first entry index (1)")
    group.add_argument(
        "--names",
        metavar="ROLE=NAME,...",
        help="rename x, W, b, W_z, b_z, e.g. x=u,W=A,W_z=A_eff (letters or Greek names only)",
    )
    group.add_argument("--numbered", action="store_true", default=None, help="number equations")
    group.add_argument("--line-width", type=_positive, help="break sums longer than this (100)")
    return typeset


def _numbers_parser() -> _Parser:
    numbers = _Parser(add_help=False)
    numbers.add_argument(
        "--values",
        metavar="random|FILE",
        help='exact numbers: "random" (with --seed) or a JSON file {"weights": [...], '
        '"biases": [...]}',
    )
    numbers.add_argument("--seed", type=int, help="seed for random numbers and samples (0)")
    return numbers


def _pdf_parser() -> _Parser:
    pdf = _Parser(add_help=False)
    pdf.add_argument("--pdf", action="store_true", help="compile the document with pdflatex")
    pdf.add_argument("--png", action="store_true", help="with --pdf: a PNG of the first page")
    return pdf


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

    typeset, numbers, pdf = _typeset_parser(), _numbers_parser(), _pdf_parser()
    example = commands.add_parser(
        "example",
        parents=[limit, typeset],
        help="the 2-3-3-1 example: .tex, .md and .json files",
    )
    example.add_argument("--out", type=Path, default=Path("output"), help="directory (output/)")

    derive_cmd = commands.add_parser(
        "derive", parents=[limit, typeset, numbers, pdf], help="derivation for any widths"
    )
    derive_cmd.add_argument("widths", nargs="+", metavar="D", help="widths d_0 d_1 ... d_n")
    derive_cmd.add_argument("--format", choices=sorted(FORMATS), default="latex")
    derive_cmd.add_argument(
        "--standalone", action="store_true", help="a complete LaTeX document (with --format latex)"
    )
    derive_cmd.add_argument("--out", type=Path, help="write a file under this directory")

    verify_cmd = commands.add_parser("verify", parents=[limit], help="check f(x) = W_z x + b_z")
    verify_cmd.add_argument("widths", nargs="+", metavar="D", help="widths d_0 d_1 ... d_n")

    regress_cmd = commands.add_parser(
        "regress",
        parents=[limit, typeset, numbers, pdf],
        help="recover W_z, b_z from samples by exact least squares",
    )
    regress_cmd.add_argument("widths", nargs="+", metavar="D", help="widths d_0 d_1 ... d_n")
    regress_cmd.add_argument("--samples", type=_positive, help="number of samples (d_0 + 3)")
    regress_cmd.add_argument(
        "--format",
        choices=("latex", "markdown", "text"),
        help="text, or latex with --standalone / --pdf",
    )
    regress_cmd.add_argument("--standalone", action="store_true", help="a complete LaTeX document")
    regress_cmd.add_argument("--out", type=Path, help="write files under this directory")
    regress_cmd.add_argument(
        "--gd", type=_positive, metavar="EPOCHS", help="also run gradient descent (numpy floats)"
    )
    regress_cmd.add_argument(
        "--learning-rate", type=float, help=f"for --gd ({DEFAULT_LEARNING_RATE:g})"
    )
    regress_cmd.add_argument(
        "--report-every", type=_positive, help="print the --gd distance every N epochs (1)"
    )
    return parser


def _stem(widths: Sequence[int]) -> str:
    return "collapse-" + "-".join(map(str, widths))


#: Notation options that map one to one from ``--option`` to a :class:`Notation` field.
TYPESET_OPTIONS = ("delimiter", "entry_style", "index_base", "numbered", "line_width")


def _names(text: str) -> dict[str, str]:
    """``"x=u,W=A"`` -> ``{"x": "u", "W": "A"}``; the names themselves are checked by Notation."""
    names = {}
    for item in text.split(","):
        role, separator, name = item.partition("=")
        if not separator:
            raise OptionError(f"--names takes ROLE=NAME pairs separated by commas, got {item!r}")
        names[role.strip()] = name.strip()
    return names


def _notation(args: argparse.Namespace) -> Notation:
    """The notation the options ask for; ``--format json|text`` refuses them, never ignores them."""
    given = {name: getattr(args, name) for name in TYPESET_OPTIONS}
    given = {name: value for name, value in given.items() if value is not None}
    fmt = getattr(args, "format", "latex")
    if fmt in ("json", "text") and (given or args.names):
        raise OptionError(f"notation options apply to latex and markdown output, not {fmt}")
    if args.numbered and fmt == "markdown":
        raise OptionError("--numbered applies to LaTeX output (MathJax's aligned has no numbers)")
    notation = Notation().merged(**given)
    return notation.renamed(_names(args.names)) if args.names else notation


def _values(args: argparse.Namespace, source: str) -> Values:
    """The numbers ``source`` names: ``random`` (seeded by ``--seed``) or a JSON file."""
    if source == "random":
        return random_values(args.widths, args.seed or 0, max_terms=args.max_terms)
    return load_values(Path(source), args.widths, max_terms=args.max_terms)


def _emit(
    args: argparse.Namespace,
    derivation: Derivation,
    notation: Notation,
    stem: str,
    json_text: str,
    extra: dict[str, str],
) -> int:
    """Write the derivation and ``extra`` files as ``--format``, ``--standalone``, ``--pdf`` say."""
    if args.png and not args.pdf:
        raise OptionError("--png goes with --pdf")
    if (args.standalone or args.pdf) and args.format != "latex":
        raise OptionError("--standalone and --pdf go with --format latex")
    if args.pdf:
        files = pdf_files(render_document(derivation, notation), stem, png=args.png)
        print(*write_files(args.out or Path("output"), {**files, **extra}))
        return 0
    extension, renderer = FORMATS[args.format]
    if args.standalone:
        text = render_document(derivation, notation)
    elif args.format == "json":
        text = json_text
    else:
        text = renderer(derivation, notation)
    if args.out is None:
        sys.stdout.write("\n".join([text, *extra.values()]) if extra else text)
    else:
        print(*write_files(args.out, {f"{stem}.{extension}": text, **extra}))
    return 0


def _example(args: argparse.Namespace) -> int:
    notation = _notation(args)
    derivation = derive(EXAMPLE_WIDTHS, max_terms=args.max_terms)
    written = write_files(
        args.out,
        {
            "example.tex": render_document(derivation, notation),
            "example.md": render_markdown(derivation, notation),
            "example.json": _json(derivation),
        },
    )
    for path in written:
        print(path)
    return 0


def _derive(args: argparse.Namespace) -> int:
    if args.seed is not None and args.values != "random":
        raise OptionError("--seed goes with --values random")
    notation = _notation(args)
    stem = _stem(parse_widths(args.widths))
    json_wanted = args.format == "json"
    if args.values is None:
        derivation = derive(args.widths, max_terms=args.max_terms)
        json_text = _json(derivation) if json_wanted else ""
        return _emit(args, derivation, notation, stem, json_text, {})
    numeric = collapse_values(_values(args, args.values), max_terms=args.max_terms)
    json_text = render_values_json(numeric) if json_wanted else ""
    return _emit(args, derive_values(numeric), notation, stem + "-values", json_text, {})


def _regress(args: argparse.Namespace) -> int:
    if args.format is None:  # a terminal summary, unless a document was asked for
        args.format = "latex" if args.standalone or args.pdf else "text"
    if args.gd is None and (args.learning_rate, args.report_every) != (None, None):
        raise OptionError("--learning-rate and --report-every go with --gd")
    notation = _notation(args)
    numeric = collapse_values(_values(args, args.values or "random"), max_terms=args.max_terms)
    seed = args.seed or 0
    result = regress(numeric, samples=args.samples, seed=seed, max_terms=args.max_terms)
    stem = "regress-" + "-".join(map(str, numeric.widths))
    extra = {}
    if args.gd is not None:
        rate = args.learning_rate or DEFAULT_LEARNING_RATE
        descent = descend(result, args.gd, learning_rate=rate, seed=seed)
        extra[f"{stem}-gd.txt"] = descent.report(args.report_every or 1)
    return _emit(args, derive_regression(result), notation, stem, "", extra)


def _verify(args: argparse.Namespace) -> int:
    result = verify(args.widths, max_terms=args.max_terms)
    print(result.summary())
    return 0 if result.holds else 1


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "example": _example,
    "derive": _derive,
    "verify": _verify,
    "regress": _regress,
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
