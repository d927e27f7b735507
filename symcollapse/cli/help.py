"""What ``--help`` says about each command: a summary, a description and worked examples.

Kept apart from the declarations (:mod:`symcollapse.cli.arguments`) so those stay short; every
example is run by the tests (``tests/cli/test_help.py``), so none can go stale.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class CommandHelp:
    """One command's ``--help`` texts; ``examples`` are argument lists after ``symcollapse``."""

    summary: str
    description: str
    examples: tuple[tuple[str, ...], ...]

    @property
    def epilog(self) -> str:
        lines = ("  symcollapse " + " ".join(example) for example in self.examples)
        return "examples:\n" + "\n".join(lines)


COMMAND_HELP: dict[str, CommandHelp] = {
    "example": CommandHelp(
        "the 2-3-3-1 example: .tex, .md and .json files, and a picture of its paths",
        "Write the 2-3-3-1 example of the source thread (a standalone .tex, a MathJax .md and "
        "a .json), the layered showcase and the diagram of the paths into one directory.",
        (("example",), ("example", "--out", "paper", "--delimiter", "pmatrix")),
    ),
    "derive": CommandHelp(
        "derivation for any widths",
        "Derive f(x) = W_z x + b_z step by step for the widths d_0 ... d_n, with symbols or "
        "with exact numbers, as LaTeX, Markdown, GitHub Markdown, JSON or text.",
        (
            ("derive", "2", "3", "3", "1"),
            ("derive", "2", "3", "1", "--values", "random", "--seed", "7", "--format", "github"),
            ("derive", "2", "3", "3", "1", "--diagram", "--out", "figures"),
        ),
    ),
    "verify": CommandHelp(
        "check f(x) = W_z x + b_z",
        "Check the collapse for the widths d_0 ... d_n without writing a derivation: exactly, "
        "at random points, or by the induction proof.",
        (("verify", "2", "3", "3", "1"), ("verify", "64", "64", "64", "--method", "random")),
    ),
    "check": CommandHelp(
        "check every displayed row of a LaTeX, Markdown or JSON document",
        "Read a document symcollapse wrote (and you may have edited) back from its bytes, learn "
        "the definitions it states and check that every row of every display holds: exit 0 "
        "with the count, 1 naming the first false row, 2 if it cannot be read.",
        (("check", "paper/collapse-2-3-3-1.tex"), ("check", "answer/collapse-2-3-1-values.md")),
    ),
    "prove": CommandHelp(
        "proof by induction for all depths and widths (coq: a Coq development)",
        "Write the proof by induction on the depth that every identity-activation network "
        "collapses, with the closed forms checked at small depths by sympy and for every depth "
        "by Coq (--format coq writes the Coq development; coqc checks it when installed).",
        (
            ("prove", "--format", "markdown"),
            ("prove", "--instances", "3", "--format", "text"),
            ("prove", "--format", "coq", "--out", "proof"),
        ),
    ),
    "gradients": CommandHelp(
        "gradients of the squared loss, at matrix level and entry by entry",
        "Derive the gradients of the squared loss of one sample with respect to every weight "
        "and bias, at matrix level and entry by entry, each entry checked against sympy's "
        "differentiation of the expanded loss; also the data-set form of Saxe et al.",
        (("gradients", "2", "3", "1"), ("gradients", "2", "2", "1", "--format", "markdown")),
    ),
    "dynamics": CommandHelp(
        "training dynamics of deep linear networks: Saxe et al., Arora et al.",
        "Derive and check the exact learning curves of Saxe, McClelland and Ganguli (2014) "
        "against the simulated matrix gradient flow, or the end-to-end dynamics of Arora, Cohen "
        "and Hazan (2018) for balanced layers.",
        (("dynamics", "saxe", "--strengths", "3,2,1"), ("dynamics", "arora", "--depth", "3")),
    ),
    "fold": CommandHelp(
        "fold a trained affine model (ONNX, safetensors, .npz, .pt) exactly to W_z x + b_z",
        "Read a trained model whose layers are all affine, compute W_z and b_z exactly from its "
        "floats, and check them against a runtime that reads the file itself on random inputs. "
        "What a state_dict does not record (modules without parameters, a batch norm's eps, a "
        "layout both orientations fit, the order of named modules) is refused until stated.",
        (
            ("fold", "model.onnx"),
            ("fold", "model.npz", "--assume-identity-gaps", "--format", "json"),
        ),
    ),
    "regress": CommandHelp(
        "recover W_z, b_z from samples by exact least squares",
        "Sample the deep network at integer inputs and recover W_z and b_z by exact least "
        "squares; optionally compare with gradient descent in floating point.",
        (
            ("regress", "2", "3", "1"),
            ("regress", "2", "3", "1", "--gd", "200", "--format", "markdown"),
        ),
    ),
    "layers": CommandHelp(
        "derivation for a layered network: dense, residual, conv1d, pooling, batchnorm",
        "Derive what a network of layers collapses to (or why it does not), from a layer "
        "string, a file or a Python forward function.",
        (
            ("layers", "2 > dense 3 > residual(dense 3) > dense 1"),
            ("layers", "2 > dense 3 relu > dense 1", "--format", "github"),
        ),
    ),
    "completion": CommandHelp(
        "print a shell completion script",
        "Print a completion script for bash, zsh, tcsh or fish, generated from this parser.",
        (("completion", "bash"), ("completion", "fish")),
    ),
}


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows each option's default, unless it is unset (the help then says what happens) or a flag.

    The epilog keeps its line breaks (the examples), the description is refilled.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return super()._fill_text(text, width, indent)
        return argparse.HelpFormatter._fill_text(self, text, width, indent)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "(default" in text or action.default is None or action.default is False:
            return text
        return super()._get_help_string(action) or text
