"""Every command's arguments, in one place; imports nothing heavy (no sympy, no numpy)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from symcollapse._version import __version__
from symcollapse.cli.help import COMMAND_HELP, HelpFormatter
from symcollapse.cli.options import (
    detail_option,
    diagram_options,
    document_options,
    limit_option,
    numbers_options,
    typeset_options,
    widths_argument,
)
from symcollapse.cli.types import (
    Parser,
    directory,
    integer_at_least,
    learning_rate,
    positive,
    seed,
)
from symcollapse.errors import SymcollapseError
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TERMS
from symcollapse.spec.numbers import parse_rational
from symcollapse.verification.defaults import (
    DEFAULT_EXACT_MAX_TERMS,
    DEFAULT_TRIALS,
    METHODS,
    RANDOM_MAX_BYTES,
)

#: ``--format`` choices of ``derive`` and of ``prove`` (JSON needs a concrete collapse).
DERIVE_FORMATS = ("beamer", "github", "html", "json", "latex", "markdown", "text", "typst")
DOCUMENT_FORMATS = ("beamer", "github", "html", "latex", "markdown", "text", "typst")

#: ``fold``'s ceiling on a model file's size and on the fold's estimated memory, in MB (2**20).
DEFAULT_MAX_MEGABYTES = 1024

#: The learning rate ``regress --gd`` uses (``symcollapse.algebra.descent`` loads numpy, so not
#: imported).
LEARNING_RATE_HELP = "step size for --gd (default: 3e-4)"


#: Shells ``symcollapse completion`` writes scripts for.
SHELLS = ("bash", "zsh", "tcsh", "fish")


def _epsilon(text: str) -> float:
    """``--bn-eps``: a number >= 0 in the strict grammar (``1e-5``, ``0.001``)."""
    try:
        value = parse_rational(text, "--bn-eps")
    except SymcollapseError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if value < 0 or not math.isfinite(float(value)):
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r:.60}")
    return float(value)


def _names(text: str) -> tuple[str, ...]:
    """``--layers``: module names, comma-separated, none empty."""
    names = tuple(name.strip() for name in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected module names like fc1,fc2, got {text!r:.60}")
    return names


def _state_dict_options(fold: Parser) -> None:
    """What a state_dict file does not record, stated (an ONNX file records all of it)."""
    fold.add_argument(
        "--assume-identity-gaps",
        action="store_true",
        help="take parameterless modules between a state_dict's layers (index gaps) as identity",
    )
    fold.add_argument(
        "--bn-eps",
        type=_epsilon,
        help="the eps of a state_dict's batch norms, PyTorch's is 1e-5 (default: refused)",
    )
    fold.add_argument(
        "--weight-layout",
        choices=("out-in", "in-out"),
        help="how a state_dict stores its weights when the shapes allow both: out-in "
        "(torch nn.Linear) or in-out (GPT-2 Conv1D) (default: from the shapes, else refused)",
    )
    fold.add_argument(
        "--layers",
        type=_names,
        metavar="NAMES",
        help="a state_dict's modules in the order they are applied: fc1,fc2 "
        "(default: by index; named modules refused)",
    )
    fold.add_argument(
        "--max-depth",
        type=positive,
        default=DEFAULT_MAX_DEPTH,
        help=f"refuse deeper models (default: {DEFAULT_MAX_DEPTH})",
    )


def _command(commands: Any, name: str, parents: list[Parser]) -> Parser:
    """A subcommand parser with its summary, description and examples from COMMAND_HELP."""
    text = COMMAND_HELP[name]
    return commands.add_parser(
        name,
        parents=parents,
        help=text.summary,
        description=text.description,
        epilog=text.epilog,
    )


def _dynamics(commands: Any, typeset: Parser) -> None:
    """``dynamics saxe`` and ``dynamics arora``; numbers are checked by the command, not here."""
    dynamics = _command(commands, "dynamics", [])
    models = dynamics.add_subparsers(
        dest="model", required=True, metavar="MODEL", help="saxe or arora"
    )

    def model(name: str, parents: list[Parser], summary: str) -> Parser:
        return models.add_parser(
            name, parents=parents, help=summary, description=summary, formatter_class=HelpFormatter
        )

    saxe = model(
        "saxe",
        [typeset, document_options(DERIVE_FORMATS, "text", pdf=False)],
        "Saxe et al.'s exact learning curves against the full matrix gradient flow",
    )
    saxe.add_argument("--strengths", default="3,2,1", help="singular values s of the data")
    saxe.add_argument("--u0", default="0.001", help="starting strength of every mode")
    saxe.add_argument("--tau", default="1", help="time constant")
    saxe.add_argument("--t-max", default="6", help="last time")
    saxe.add_argument("--times", type=positive, default=61, help="number of times")
    saxe.add_argument("--seed", type=seed, default=0, help="seed of U, V, R")
    saxe.add_argument(
        "--plot", type=Path, metavar="FILE", help="draw the curves: .png or .pdf (default: none)"
    )
    arora = model(
        "arora",
        [typeset, document_options((*DOCUMENT_FORMATS, "json"), "text", pdf=False)],
        "Arora et al.'s end-to-end dynamics of balanced layers, checked for depths 2 to N",
    )
    arora.add_argument("--depth", type=integer_at_least(2, "a depth of at least 2"), default=3)


def build_parser() -> Parser:
    """The ``symcollapse`` parser with every subcommand."""
    parser = Parser(
        prog="symcollapse",
        description="Collapse identity-activation networks to W_z x + b_z, with derivations.",
        epilog="examples:\n  symcollapse example\n  symcollapse derive 2 3 3 1 --format markdown",
    )
    parser.add_argument("--version", action="version", version=f"symcollapse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    expansion = limit_option(
        "--max-terms", DEFAULT_MAX_TERMS, "refuse expansions with more monomials than this"
    )
    depth = limit_option(
        "--max-depth", DEFAULT_MAX_DEPTH, "refuse derivations of more layers than this"
    )
    typeset = typeset_options()

    example = _command(commands, "example", [expansion, typeset])
    example.add_argument("--out", type=directory, default=Path("output"), help="directory")

    derive = _command(
        commands,
        "derive",
        [
            expansion,
            depth,
            typeset,
            numbers_options("symbols"),
            document_options(DERIVE_FORMATS, "latex"),
        ],
    )
    widths_argument(derive)
    detail_option(derive)
    diagram_options(derive)

    verify = _command(
        commands,
        "verify",
        [limit_option("--max-terms", DEFAULT_EXACT_MAX_TERMS, "most monomials to expand exactly")],
    )
    widths_argument(verify)
    verify.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="exact expansion, random points, the induction proof, or auto (exact when the "
        "term count is within --max-terms, else random)",
    )
    verify.add_argument(
        "--trials", type=positive, help=f"random points (default: {DEFAULT_TRIALS} with random)"
    )
    verify.add_argument(
        "--seed",
        type=seed,
        help="seed for the random points (default: fresh randomness on every run)",
    )
    verify.add_argument(
        "--max-megabytes",
        type=positive,
        default=RANDOM_MAX_BYTES // 2**20,
        help="most memory random points may hold, in MB (default: %(default)s)",
    )

    prove = _command(
        commands,
        "prove",
        [typeset, document_options((*DOCUMENT_FORMATS, "coq"), "latex", pdf=False)],
    )
    prove.add_argument(
        "--instances",
        type=positive,
        help="check the closed forms at depths 1..N (default: 6)",
    )

    regress = _command(
        commands,
        "regress",
        [
            expansion,
            depth,
            typeset,
            numbers_options("random"),
            document_options(DOCUMENT_FORMATS, None),
        ],
    )
    widths_argument(regress)
    regress.add_argument("--samples", type=positive, help="number of samples (default: d_0 + 3)")
    regress.add_argument(
        "--gd",
        type=positive,
        metavar="EPOCHS",
        help="also run gradient descent in numpy floats (default: no descent)",
    )
    regress.add_argument("--learning-rate", type=learning_rate, help=LEARNING_RATE_HELP)
    regress.add_argument(
        "--report-every",
        type=positive,
        help="print the --gd distance every N epochs (default: 1)",
    )

    layers = _command(
        commands,
        "layers",
        [
            limit_option(
                "--max-terms", DEFAULT_LAYERED_MAX_TERMS, "refuse merged maps with more terms"
            ),
            typeset,
            document_options(DERIVE_FORMATS, "latex"),
        ],
    )
    layers.add_argument("spec", nargs="?", help='layer string, e.g. "2 > dense 3 relu > dense 1"')
    layers.add_argument(
        "--spec-file", type=Path, help="read the layer string from this file (default: SPEC)"
    )
    layers.add_argument(
        "--function",
        metavar="FILE.py:NAME",
        help="a Python forward function using W[k], b[k], relu/tanh/sigmoid (needs --widths; "
        "default: none)",
    )
    layers.add_argument(
        "--widths",
        nargs="+",
        metavar="D",
        help="widths d_0 ... d_n for --function (default: none)",
    )
    layers.add_argument(
        "--timeout",
        type=positive,
        metavar="SECONDS",
        help="stop --function (importing and deriving the user's code) after this long "
        "(default: 60)",
    )
    layers.add_argument("--seed", type=seed, default=0, help="seed of the random exact checks")
    layers.add_argument(
        "--parameters",
        type=Path,
        help='JSON file {"w_1_1_1": "1/2", ...}: exact weights for the ReLU pattern at a point '
        "(default: symbols)",
    )
    layers.add_argument(
        "--point",
        help="input for the ReLU pattern, comma-separated: --point=-1/2,3 (default: none)",
    )
    fold = _command(
        commands, "fold", [typeset, document_options(DERIVE_FORMATS, "text", pdf=False)]
    )
    fold.add_argument("model", type=Path, help="model file: .onnx, .safetensors, .npz, .pt")
    fold.add_argument(
        "--export",
        type=Path,
        metavar="FILE",
        help="write the folded model: .onnx, .safetensors, .npz (default: none)",
    )
    fold.add_argument(
        "--partial",
        action="store_true",
        help="an ONNX model not affine as a whole: fold each affine stretch in it, report each; "
        "--export writes the smaller .onnx",
    )
    fold.add_argument("--seed", type=seed, default=0, help="seed of the random inputs")
    fold.add_argument(
        "--max-megabytes",
        type=positive,
        default=DEFAULT_MAX_MEGABYTES,
        help="refuse larger model files and folds",
    )
    _state_dict_options(fold)

    check = _command(commands, "check", [])
    check.add_argument("document", type=Path, help="a .tex, .md or .json document")

    completion = _command(commands, "completion", [])
    completion.add_argument("shell", choices=SHELLS, help="the shell to complete in")

    gradients = _command(
        commands,
        "gradients",
        [expansion, typeset, document_options(DERIVE_FORMATS, "latex", pdf=False)],
    )
    widths_argument(gradients)
    detail_option(gradients)
    _dynamics(commands, typeset)
    return parser


def subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of command ``name``."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[name]


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of its subcommands, at any depth."""
    out: set[str] = set()
    for action in parser._actions:
        out |= set(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out |= option_strings(sub)
    return out
