"""Matrices a row reads off another, as its reason says: ``W_{z} = [...]`` with the reason
"(rows 2 to the end of Θ, transposed)", ``b_{z} = 8`` with "(row 1 of Θ, transposed)". The
row defines its name by the matrix it shows; the reason's words add a row the reader checks,
``W_{z} = (rows 2 to the end of Θ)^T``, so a matrix read off wrong is a false row, not a
definition taken on trust.
"""

from __future__ import annotations

import re

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.latex import LatexParser, tokenize
from symcollapse.reading.nodes import Node, Row, RowsOf, Transpose
from symcollapse.reading.values import Mismatch, Value

#: The reason's words, markup removed: "rows 2 to the end of \Theta, transposed".
_READ_OFF = re.compile(
    r"^rows? (?P<first>\d+)(?: to (?:(?P<end>the end)|(?P<last>\d+)))? of (?P<name>.+?)"
    r"(?P<transposed>\s*,\s*transposed)?$"
)

#: Markup around a reason's words: ``\text{...}``'s command and braces, ``$``, the parentheses.
_MARKUP = re.compile(r"\\text\b|[{}$]")


def read_off(row: Row, reason: str) -> list[Row]:
    """The row ``row``'s ``reason`` states it reads off a matrix: that, as a row to check."""
    words = " ".join(_MARKUP.sub(" ", reason).split()).strip()
    words = words.removeprefix("(").removesuffix(")").strip().replace(" ,", ",")
    found = _READ_OFF.match(words)
    if found is None or row.lhs is None:
        return []
    try:
        matrix = LatexParser(tokenize(found["name"])).whole()
    except DocumentError:
        return []
    first = int(found["first"])
    last = None if found["end"] else int(found["last"] or first)
    node: Node = RowsOf(matrix, first, last)
    node = Transpose(node) if found["transposed"] else node
    return [Row(row.lhs, "=", node, row.section, row.number, row.label, defines=False)]


def rows_of(matrix: Value, first: int, last: int | None) -> Value:
    """Rows ``first`` to ``last`` (from 1; None: the last) of ``matrix``."""
    if not isinstance(matrix, sp.MatrixBase):
        raise Mismatch("rows of something the document does not write out as a matrix")
    end = matrix.rows if last is None else last
    if not 1 <= first <= end <= matrix.rows:
        raise Mismatch(f"rows {first} to {end} of a {matrix.rows}x{matrix.cols} matrix")
    return matrix[first - 1 : end, :]
