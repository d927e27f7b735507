"""Which way a document writes its vectors, learnt from the document itself, never told.

A column document multiplies a vector from the left (``h^{(k)} = W_{k} h^{(k-1)} + b_{k}``,
``W_{1} x``); a row document from the right (``h^{(k)} = h^{(k-1)} W_{k} + b_{k}``,
``x W_{1}``), as row-vector papers and ``nn.Linear`` write it. The reader sees it in the layer
a scheme states for ``k = 1, ..., n`` (which factor carries the index ``k``), else where the
argument of the function the document defines (``x`` in ``f(x) := ...``) stands in a product:
first, a row; last, a column. A document that shows neither is a column one. In a row
document a vector is one row (``x`` is ``1 x d_0``, ``b_k`` is ``1 x d_k``) and ``W_k`` has
``d_{k-1}`` rows and ``d_k`` columns; its entries' symbols name the same cells
(``w^{(k)}_{ij}`` is row ``i``, column ``j``), so only vectors and shapes change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symcollapse.reading.nodes import Apply, Document, Name, Node, Product, walk


def row_vectors(document: Document) -> bool:
    """Whether ``document`` writes its vectors as rows (see the module's words)."""
    for row in document.rows:
        if row.over is None or row.lhs is None:
            continue
        var = row.over[0]
        for product in _products(row.rhs):
            first, last = product.factors[0], product.factors[-1]
            if _indexed(last, var) and not _indexed(first, var):
                return True
            if _indexed(first, var) and not _indexed(last, var):
                return False
    arguments = {
        row.lhs.argument.key
        for row in document.rows
        if isinstance(row.lhs, Apply) and isinstance(row.lhs.argument, Name)
    }
    for row in document.rows:
        for side in (row.lhs, row.rhs):
            for product in _products(side):
                first, last = product.factors[0], product.factors[-1]
                if isinstance(first, Name) and first.key in arguments:
                    return True
                if isinstance(last, Name) and last.key in arguments:
                    return False
    return False


def _products(node: Node | None) -> list[Product]:
    return [n for n in walk(node) if isinstance(n, Product)] if node is not None else []


def _indexed(node: Node, var: str) -> bool:
    """``W_{k}``: a name subscripted by the scheme's index alone."""
    return isinstance(node, Name) and node.sub == var and not node.sup


def as_vector(entries: Sequence[sp.Expr], rows: bool) -> sp.Matrix:
    """The vector of ``entries``: one row in a row document, else one column."""
    return sp.Matrix([list(entries)]) if rows else sp.Matrix(list(entries))


def layer_shape(rows: bool, width: int, before: int | None) -> tuple[int, int]:
    """The shape of a layer's matrix (``before`` the width of the layer before it) or, with
    ``before`` None, of its vector, in the document's convention."""
    if before is None:
        return (1, width) if rows else (width, 1)
    return (before, width) if rows else (width, before)


def vector_cell(index: str, base: int, rows: bool) -> str:
    """The cell ``"r,c"`` of a vector's entry ``index``."""
    return f"{base},{index}" if rows else f"{index},{base}"


def width_of(matrix: sp.MatrixBase, rows: bool) -> int:
    """The width ``d_k`` a layer's ``W_k`` or ``b_k`` has: its columns in a row document."""
    return matrix.cols if rows else matrix.rows
