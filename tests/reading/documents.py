"""Documents for the reading tests: derived through the command line, and checked by it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from symcollapse.cli import main

#: Square (3-3-3, 2-2) and non-square (2-3-3-1) networks, at every level of detail.
WIDTHS = [(2, 3, 3, 1), (3, 3, 3), (2, 2)]
LEVELS = ["brief", "standard", "full"]

#: Notations every format is read in: plain symbols, numbers, renamed symbols.
NOTATIONS = {
    "plain": (),
    "numbers": ("--values", "random", "--seed", "3"),
    "names": ("--names", "W=Theta,b=beta,x=xi"),
}

#: The held-out hand edits each format's tests make, by the document each is made in:
#: (widths, level, options).
EDITED = {
    "swapped_index": ((2, 3, 3, 1), "standard", ()),
    "dropped_term": ((2, 3, 3, 1), "standard", ()),
    "transposed_matrix": ((3, 3, 3), "full", ("--values", "random")),
    "wrong_number": ((3, 3, 3), "full", ("--values", "random")),
}


def document(tmp_path: Path, widths: tuple[int, ...], level: str, fmt: str, *options: str) -> Path:
    """The document ``derive`` writes for ``widths`` at ``level`` in ``fmt``."""
    out = tmp_path / "doc"
    argv = ["derive", *map(str, widths), "--detail", level, "--format", fmt, "--out", str(out)]
    assert main([*argv, *options]) == 0
    (path,) = out.iterdir()
    return path


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``symcollapse check path``: its exit status and what it printed."""
    capsys.readouterr()
    status = main(["check", str(path)])
    return status, capsys.readouterr().out


def assert_passes(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The untouched document passes, with identities checked."""
    status, out = check(path, capsys)
    assert status == 0, out
    assert re.search(r": \d+ rows read: [1-9]\d* identities checked", out), out


def assert_caught(
    path: Path, capsys: pytest.CaptureFixture[str], edit: Callable[[str], str]
) -> None:
    """The document edited by ``edit`` is false, exit 1, naming the row."""
    text = path.read_text()
    edited = edit(text)
    assert edited != text
    path.write_text(edited)
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out)


#: The formats the document commands write that the reader reads, by their file's extension.
READ_FORMATS = {"latex": ".tex", "markdown": ".md", "github": ".md", "beamer": ".tex"}
READ_FORMATS |= {"typst": ".typ", "html": ".html"}


def written(tmp_path: Path, command: str, fmt: str, *argv: str) -> Path:
    """The document ``command`` (``prove``, ``regress``) writes in ``fmt`` given ``argv``."""
    out = tmp_path / command
    assert main([command, *argv, "--format", fmt, "--out", str(out)]) == 0
    suffix = ".json" if fmt == "json" else READ_FORMATS[fmt]  # prove, regress write no JSON
    (path,) = [p for p in out.iterdir() if p.suffix == suffix]
    return path


def identities(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """How many identities ``symcollapse check`` finds true in ``path`` (it must pass), and
    what it printed."""
    status, out = check(path, capsys)
    assert status == 0, out
    found = re.search(r": \d+ rows read: (\d+) identities checked", out)
    assert found, out
    return int(found[1]), out
