"""Every document ``derive`` writes is read back whole (``cli/reread.py``): over many shapes
(wide first, wide last, width 1, square, depth 1 to 4, widths up to 12), every format and
level of detail, ``derive`` exits 0. A reader that misreads what the printers write (a Typst
cell's escaped comma ``w_(1 \\, 10)``, a row broken inside a parenthesis, Typst's ``b_(4 , 1)``)
is an internal error, exit 3."""

from __future__ import annotations

import contextlib
import io

import pytest

from symcollapse.cli import main
from tests.reading.documents import check, document

#: Shapes chosen to cover wide first and last layers (two-digit indices), width 1, square
#: layers and every depth from 1 to 4.
SHAPES = [
    (1, 1),
    (12, 1),
    (1, 12),
    (12, 12),
    (10, 11),
    (12, 2, 3),
    (3, 2, 12),
    (1, 12, 1),
    (12, 1, 12),
    (3, 3, 3),
    (2, 3, 3, 1),
    (4, 3, 12),
    (11, 3, 2),
    (5, 1, 7, 2),
    (10, 10, 10),
    (2, 12, 6, 12),
    (12, 4, 10, 2),
    (1, 1, 1, 11),
    (7, 12, 1, 3),
    (11, 7, 4, 2, 8),
    (9, 11, 4, 5, 5),
    (12, 3, 2, 1, 12),
    (1, 2, 3, 4, 5),
    (5, 4, 3, 2, 1),
]
FORMATS = ["latex", "markdown", "typst", "html", "json"]
LEVELS = ["brief", "standard", "full"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("at", range(len(SHAPES)), ids=lambda at: "-".join(map(str, SHAPES[at])))
def test_derive_reads_back_what_it_writes(at: int, fmt: str) -> None:
    widths, level = SHAPES[at], LEVELS[(at + FORMATS.index(fmt)) % len(LEVELS)]
    status, err = _derive(widths, "--format", fmt, "--detail", level)
    assert status == 0, (level, err)


@pytest.mark.parametrize("fmt", ["typst", "html"])
@pytest.mark.parametrize("widths", [(5, 1, 7, 2), (3, 4, 12)])
def test_rows_broken_by_a_narrow_line_read_back(widths: tuple[int, ...], fmt: str) -> None:
    status, err = _derive(widths, "--format", fmt, "--detail", "full", "--line-width", "40")
    assert status == 0, err


def _derive(widths: tuple[int, ...], *options: str) -> tuple[int, str]:
    """``derive`` to standard output: its exit status and what it said on standard error."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(["derive", *map(str, widths), *options])
    return status, err.getvalue()


@pytest.mark.parametrize("fmt", ["typst", "html"])
def test_the_scalar_form_is_checked(tmp_path, capsys, fmt: str) -> None:
    """``f_i(x_1, x_2) = ...`` prints as an application Typst and MathML readers check (it
    printed as ``op("Applied")(f_i, x_1, x_2)``, shown and not checked)."""
    path = document(tmp_path, (2, 3, 3), "standard", fmt)
    status, out = check(path, capsys)
    assert status == 0 and "not checked" not in out, out


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_range_stated_on_a_continued_row_is_read(tmp_path, capsys, fmt: str) -> None:
    """The scalar form of four inputs breaks onto a second row that carries its range ``(i = 1,
    \\dots, 3)``: the range is the whole row's, and the row is checked for every i."""
    path = document(tmp_path, (4, 3), "standard", fmt)
    assert r"&\quad + \left(W_{z}\right)_{i4}" in path.read_text()
    status, out = check(path, capsys)
    assert status == 0 and "not checked" not in out, out


@pytest.mark.parametrize("fmt", ["markdown", "typst", "html"])
@pytest.mark.parametrize("widths", [(12, 2, 3), (2, 3, 3, 1)])
def test_a_brief_document_indexed_from_0_reads_back(widths: tuple[int, ...], fmt: str) -> None:
    """A brief document indexed from 0 shows its indices only in ranges and sums from 0
    (``\\sum_{k_{1}=0}^{d_{1} - 1}``, ``i = 0, \\dots, 2``): read as indexed from 0."""
    status, err = _derive(widths, "--format", fmt, "--detail", "brief", "--index-base", "0")
    assert status == 0, err
