"""Values of printed formulas and their algebra: explicit sympy matrices (from the document's
definitions) or expressions in symbols (non-commuting for undefined matrices), combined with
the shape checks a reader of the document would make, and compared up to an optional tolerance.
"""

from __future__ import annotations

from typing import TypeAlias

import sympy as sp

from symcollapse.errors import DocumentError, SizeLimitError

#: No tolerance: rows must hold exactly.
EXACT = sp.Integer(0)

#: ``I`` the document does not define: the identity matrix of whatever size it meets.
IDENTITY = sp.Symbol("I", commutative=False)

#: Most multiplications one matrix product of a document may take to check (a 100x100 product).
MAX_PRODUCT = 10**6

Value: TypeAlias = sp.Matrix | sp.Expr


class Mismatch(Exception):
    """A row whose two sides cannot even be compared (shapes differ); it is false."""


class Undefined(Mismatch):
    """An explicit matrix meets a matrix symbol the document never defines: false in a
    document that defines its matrices (a name changed by hand), unreadable in one that
    defines none (a folded model's ``W_k``)."""


def entry(matrix: Value, index: str, base: int) -> Value:
    """The entry ``index`` (``11``, ``1,11``, ``3``) of ``matrix``, indices from ``base``."""
    if not isinstance(matrix, sp.MatrixBase):
        raise DocumentError(
            f"an entry {index} of something the document does not define as a matrix"
        )
    # Without commas an index pair has one digit each (w_{11}); a vector's index may have two.
    wide = matrix.rows == 1 and matrix.cols > 1  # a row vector: its one index is the column
    tall = max(matrix.rows, matrix.cols) + base > 10 and (matrix.cols == 1 or wide)
    parts = (
        index.split(",") if "," in index else [index] if len(index) != 2 or tall else list(index)
    )
    if not all(p.isdigit() for p in parts) or len(parts) not in (1, 2):
        raise DocumentError(f"cannot read the index {index!r}")
    if len(parts) == 1:
        at = int(parts[0]) - base
        row, col = (0, at) if wide else (at, 0)
    else:
        row, col = (int(p) - base for p in parts)
    if not (0 <= row < matrix.rows and 0 <= col < matrix.cols):
        raise Mismatch(f"the entry {index} of a {matrix.rows}x{matrix.cols} matrix")
    return matrix[row, col]


def scalar(value: Value) -> sp.Expr:
    """``value`` as a number: a 1x1 matrix is its entry."""
    if isinstance(value, sp.MatrixBase):
        if value.shape != (1, 1):
            raise Mismatch(f"a {value.rows}x{value.cols} matrix where a number belongs")
        return value[0, 0]
    return value


def number(value: Value | int) -> Value:
    """A plain ``int`` (a random point's value, kept plain for speed) as a sympy Integer."""
    return sp.Integer(value) if type(value) is int else value


def add(a: Value, b: Value) -> Value:
    """``a + b`` of equal shapes."""
    if type(a) is int and type(b) is int:
        return a + b
    a, b = number(a), number(b)
    a, b = _identity(a, b), _identity(b, a)
    a, b = _same_kind(a, b)
    if isinstance(a, sp.MatrixBase) and a.shape != b.shape:
        raise Mismatch(f"a {a.rows}x{a.cols} matrix plus a {b.rows}x{b.cols} one")
    return a + b


def _identity(value: Value, other: Value) -> Value:
    """``value``, or the identity matrix of ``other``'s size if ``value`` is ``I``."""
    if value == IDENTITY and isinstance(other, sp.MatrixBase) and other.rows == other.cols:
        return sp.eye(other.rows)
    return value


def multiply(a: Value, b: Value) -> Value:
    """``a b`` of fitting shapes."""
    if type(a) is int and type(b) is int:
        return a * b
    a, b = number(a), number(b)
    if a == IDENTITY and isinstance(b, sp.MatrixBase):  # I of the size the product needs,
        a = sp.eye(b.rows)  # square or not what it multiplies (I times a column)
    if b == IDENTITY and isinstance(a, sp.MatrixBase):
        b = sp.eye(a.cols)
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
        if a.cols != b.rows:
            raise Mismatch(f"a {a.rows}x{a.cols} matrix times a {b.rows}x{b.cols} one")
        if a.rows * a.cols * b.cols > MAX_PRODUCT:  # estimated before the work
            raise SizeLimitError(
                f"a {a.rows}x{a.cols} matrix times a {b.rows}x{b.cols} one: more than "
                f"{MAX_PRODUCT:,} multiplications to check"
            )
        return a * b
    for matrix, other in ((a, b), (b, a)):
        if isinstance(matrix, sp.MatrixBase) and not other.is_commutative:
            raise Undefined(
                f"a {matrix.rows}x{matrix.cols} matrix times {other}, which it does not define"
            )
    return a * b


def _same_kind(a: Value, b: Value) -> tuple[Value, Value]:
    """A 1x1 matrix next to a scalar is that scalar's 1x1 matrix."""
    if isinstance(a, sp.MatrixBase) != isinstance(b, sp.MatrixBase):
        matrix, other = (a, b) if isinstance(a, sp.MatrixBase) else (b, a)
        if matrix.shape != (1, 1) or not other.is_commutative:
            kind = Undefined if not other.is_commutative else Mismatch
            raise kind(f"a {matrix.rows}x{matrix.cols} matrix against {other}")
        other = sp.Matrix([[other]])
        return (matrix, other) if matrix is a else (other, matrix)
    return a, b


def difference(left: Value, right: Value, tolerance: sp.Rational = EXACT) -> str | None:
    """None if ``left = right`` holds identically (up to a relative ``tolerance`` in every
    coefficient, for documents that show rounded numbers), else what differs."""
    left, right = _zero(number(left), number(right)), _zero(number(right), number(left))
    left, right = _identity(left, right), _identity(right, left)  # A_2 := I, A_2 = [1 0; 0 1]
    left, right = _same_kind(left, right)
    if not isinstance(left, sp.MatrixBase):
        return None if _equal(left, right, tolerance) else "the two sides differ"
    if left.shape != right.shape:
        return f"a {left.rows}x{left.cols} matrix against a {right.rows}x{right.cols} one"
    for i in range(left.rows):
        for j in range(left.cols):
            if not _equal(left[i, j], right[i, j], tolerance):
                return f"entry ({i + 1}, {j + 1}) differs"
    return None


def _zero(value: Value, other: Value) -> Value:
    """``value``, or the zero matrix of ``other``'s shape if ``value`` is the number 0: a
    check row ``f(x) - (W_z x + b_z) = 0`` says every entry is zero."""
    if isinstance(other, sp.MatrixBase) and not isinstance(value, sp.MatrixBase) and value == 0:
        return sp.zeros(other.rows, other.cols)
    return value


def _equal(a: sp.Expr, b: sp.Expr, tolerance: sp.Rational) -> bool:
    gap = sp.expand(a - b)
    if gap == 0 or not tolerance or not gap.is_commutative:
        return gap == 0
    scale = max([abs(c) for c in _coefficients(sp.expand(a))] + [sp.Integer(1)])
    return all(abs(c) <= tolerance * scale for c in _coefficients(gap))


def _coefficients(polynomial: sp.Expr) -> list[sp.Expr]:
    symbols = sorted(polynomial.free_symbols, key=str)
    if symbols and not polynomial.is_polynomial(*symbols):  # a batch norm's 1/s_{k}
        return sp.Poly(polynomial).coeffs()  # each power of 1/s_{k} a generator of its own
    return sp.Poly(polynomial, *symbols).coeffs() if symbols else [polynomial]
