"""``symcollapse fold``'s arguments, with what a state_dict does not record, stated."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from symcollapse.cli.options import (
    DERIVE_FORMATS,
    convention_option,
    document_options,
    typeset_options,
)
from symcollapse.cli.types import Parser, positive, seed
from symcollapse.errors import SymcollapseError
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH
from symcollapse.spec.numerals import parse_rational

#: ``fold``'s ceiling on a model file's size and on the fold's estimated memory, in MB (2**20).
DEFAULT_MAX_MEGABYTES = 1024


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


def add_arguments(parser: Parser) -> None:
    typeset_options(parser)
    convention_option(parser)
    document_options(parser, DERIVE_FORMATS, "text", pdf=False)
    parser.add_argument("model", type=Path, help="model file: .onnx, .safetensors, .npz, .pt")
    parser.add_argument(
        "--export",
        type=Path,
        metavar="FILE",
        help="write the folded model: .onnx, .safetensors, .npz (default: none)",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="an ONNX model not affine as a whole: fold each affine stretch in it, report each; "
        "--export writes the smaller .onnx",
    )
    parser.add_argument("--seed", type=seed, default=0, help="seed of the random inputs")
    parser.add_argument(
        "--max-megabytes",
        type=positive,
        default=DEFAULT_MAX_MEGABYTES,
        help="refuse larger model files and folds",
    )
    _state_dict_options(parser)


def _state_dict_options(parser: Parser) -> None:
    """What a state_dict file does not record, stated (an ONNX file records all of it)."""
    parser.add_argument(
        "--assume-identity-gaps",
        action="store_true",
        help="take parameterless modules between a state_dict's layers (index gaps) as identity",
    )
    parser.add_argument(
        "--bn-eps",
        type=_epsilon,
        help="the eps of a state_dict's batch norms, PyTorch's is 1e-5 (default: refused)",
    )
    parser.add_argument(
        "--weight-layout",
        choices=("out-in", "in-out"),
        help="how a state_dict stores its weights when the shapes allow both: out-in "
        "(torch nn.Linear) or in-out (GPT-2 Conv1D) (default: from the shapes, else refused)",
    )
    parser.add_argument(
        "--layers",
        type=_names,
        metavar="NAMES",
        help="a state_dict's modules in the order they are applied: fc1,fc2 "
        "(default: by index; named modules refused)",
    )
    parser.add_argument(
        "--max-depth",
        type=positive,
        default=DEFAULT_MAX_DEPTH,
        help=f"refuse deeper models (default: {DEFAULT_MAX_DEPTH})",
    )
