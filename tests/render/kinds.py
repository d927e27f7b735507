"""Every document kind as the command line makes it: one argument list per kind, for tests that
check a format on all of them (the model file of ``fold`` is written by the caller's fixture)."""

from __future__ import annotations

import re
from pathlib import Path

#: Kind -> the command (without ``--format``) that writes it; ``{model}`` is an ONNX file.
KINDS: dict[str, list[str]] = {
    "derive": ["derive", "2", "3", "3", "1"],
    "derive-wide": ["derive", "3", "4", "4", "2"],
    "values": ["derive", "2", "3", "1", "--values", "random", "--seed", "3"],
    "layers-relu": ["layers", "2 > dense 3 relu > dense 1"],
    "layers-conv": ["layers", "6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1"],
    "prove": ["prove"],
    "gradients": ["gradients", "2", "3", "1"],
    "fold": ["fold", "{model}"],
    "regress": ["regress", "2", "1"],
    "saxe": ["dynamics", "saxe"],
    "arora": ["dynamics", "arora"],
}


def argv(kind: str, model: Path, *options: str) -> list[str]:
    """The command of ``kind`` with ``options`` after it."""
    return [a.replace("{model}", str(model)) for a in KINDS[kind]] + list(options)


#: Documents (widths, detail, line width) whose sections' reasons fitted beside their rows in
#: some sections and not in others, in Markdown, Typst or text: a document puts them in one place.
MIXED_REASONS = [
    ((2, 3, 3, 1), "full", 80),
    ((3, 4, 4, 2), "standard", 80),
    ((2, 3, 3, 1), "brief", 50),
    ((2, 3, 3, 1), "standard", 50),
    ((2, 3, 1), "full", 50),
]


def reasons_in_one_place(text: str, beside: str, below: str) -> tuple[int, int]:
    """How many reasons of ``text`` are beside their rows and how many below (regular
    expressions, per line); one of the two must be 0."""
    return len(re.findall(beside, text, flags=re.M)), len(re.findall(below, text, flags=re.M))
