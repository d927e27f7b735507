"""Values of printed formulas and their algebra: explicit sympy matrices (from the document's
definitions) or expressions in symbols (non-commuting for undefined matrices), combined with
the shape checks a reader of the document would make, and compared.

A document whose numbers are shown rounded (``--digits D``) is read by affine arithmetic: each
number shown stands for every value that rounds to it, ``v + r e`` with ``r`` half a unit of its
``D``-th significant digit and ``e`` a :class:`Noise` of its own, anywhere in [-1, 1] (the same
``e`` wherever the same shown number is reused through its name). A row holds where its two
sides can meet: every coefficient ``c(e)`` of their difference has ``|c(0)|`` at most the sum of
the absolute coefficients of its terms in the ``e``: sound (the true values are some ``e`` in
the box, where ``c`` is 0), and as tight as the rounding the row's numbers carry.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

import mpmath  # type: ignore[import-untyped]
import sympy as sp

from symcollapse.errors import DocumentError, SizeLimitError

#: ``I`` the document does not define: the identity matrix of whatever size it meets.
IDENTITY = sp.Symbol("I", commutative=False)

#: Most multiplications one matrix product of a document may take to check (a 100x100 product).
MAX_PRODUCT = 10**6

Value: TypeAlias = sp.Matrix | sp.Expr


class Unbounded(DocumentError):
    """Rounded numbers whose values cannot be bounded (a division by one that may be 0, a
    matrix of them that may be singular): the row is not decided, neither true nor false."""


class Noise(sp.Dummy):
    """The unknown rounding of one shown number: any value in [-1, 1] (a commuting symbol no
    document can name)."""


_noises = itertools.count()

#: Largest and smallest size (in bits, 2^4096) an interval's end is taken exactly at.
MAX_BITS = 4096

#: Digits a constant of no rounded number (``\pi``, ``e``) is bounded to.
NUMBER_DIGITS = 40


@dataclass(frozen=True)
class Rounding:
    """Numbers shown rounded to ``digits`` significant digits (``--digits``), ties any way."""

    digits: int

    def radius(self, shown: sp.Rational) -> sp.Rational:
        """Half a unit of the last of ``digits`` significant digits of ``shown``, from its own
        magnitude (never below the true value's: rounding up to 10.0 only widens); 0 for 0."""
        if shown == 0:
            return sp.Integer(0)
        size = abs(shown)
        top = len(str(int(size))) - 1 if size >= 1 else -len(str(int(1 / size)))
        while sp.Rational(10) ** top > size:  # 1/size's digits can overshoot by one
            top -= 1
        while sp.Rational(10) ** (top + 1) <= size:
            top += 1
        return sp.Rational(10) ** (top - self.digits + 1) / 2

    def shown(self, value: sp.Rational) -> sp.Expr:
        """The values the shown number ``value`` stands for: ``value + r e``."""
        radius = self.radius(value)
        return value + radius * Noise(f"e{next(_noises)}", real=True) if radius else value


def noisy(value: Value) -> bool:
    """Whether ``value`` holds a rounded number's :class:`Noise`."""
    return any(isinstance(s, Noise) for s in getattr(value, "free_symbols", ()))


def midpoint(value: Value) -> Value:
    """``value`` at the numbers as shown (every :class:`Noise` 0): what a bound of a sum, a
    rank or a width reads."""
    if not noisy(value):
        return value
    zero = {s: 0 for s in value.free_symbols if isinstance(s, Noise)}
    return value.xreplace(zero)


def reciprocal(value: sp.Expr) -> sp.Expr:
    """``1 / value`` for a number held by :class:`Noise`: ``c / (c^2 - s^2) + s / (c^2 -
    s^2) e`` encloses ``1 / [c - s, c + s]`` (a fresh ``e``); a value that may be 0 is a
    division by zero."""
    if not noisy(value):
        return 1 / value
    if any(not isinstance(s, Noise) for s in value.free_symbols):
        raise Unbounded("a division by a rounded number beside symbols")
    center, spread = _parts(sp.expand(value)).get(sp.Integer(1), (0, 0))
    if abs(center) <= spread:
        raise Unbounded("a division by a rounded number that may be zero")
    scale = center**2 - spread**2
    return center / scale + spread / scale * Noise(f"e{next(_noises)}", real=True)


def inverse(matrix: sp.Matrix) -> sp.Matrix:
    """The inverse of a square matrix of numbers held by :class:`Noise`: the inverse of its
    midpoint ``M``, each entry widened by ``n^2 d / (1 - n d)`` (``n`` the row-sum norm of
    ``M^{-1}``, ``d`` that of the entries' radii), which bounds ``A^{-1} - M^{-1}`` for every
    ``A`` it stands for; one that may be singular is a division by zero."""
    if any(not isinstance(s, Noise) for s in matrix.free_symbols):
        raise Unbounded("the inverse of a matrix of rounded numbers beside symbols")
    parts = [_parts(sp.expand(cell)).get(sp.Integer(1), (0, 0)) for cell in matrix]
    middle = sp.Matrix(matrix.rows, matrix.cols, [center for center, _ in parts])
    radii = sp.Matrix(matrix.rows, matrix.cols, [spread for _, spread in parts])
    if middle.det() == 0:
        raise Unbounded("the inverse of a matrix of rounded numbers that may be singular")
    inverted = middle.inv()
    norm = max(sum(abs(c) for c in inverted.row(i)) for i in range(matrix.rows))
    spread = max(sum(radii.row(i)) for i in range(matrix.rows))
    if norm * spread >= 1:
        raise Unbounded("the inverse of a matrix of rounded numbers that may be singular")
    widest = norm**2 * spread / (1 - norm * spread)
    return inverted.applyfunc(lambda c: c + widest * Noise(f"e{next(_noises)}", real=True))


def sign_of(value: sp.Expr) -> int | None:
    """The sign of a number held by :class:`Noise`: that of every value it may be, None where
    they differ (0 among them)."""
    if any(not isinstance(s, Noise) for s in value.free_symbols):
        raise Unbounded(f"the sign of {value}, which is not a number")
    low, high = enclosure(value)
    return 1 if low > 0 else -1 if high < 0 else None


def enclosure(value: sp.Expr) -> tuple[sp.Rational, sp.Rational]:
    """Bounds of ``value`` (numbers, :class:`Noise`, ``+``, ``*``, whole powers, ``exp``,
    ``tanh``) over every noise in [-1, 1], by interval arithmetic rounded outward."""
    interval = _interval(sp.expand(value) if value.is_polynomial() else value)
    low, high = interval._mpi_
    return _exact(low, upper=False), _exact(high, upper=True)


def _interval(value: sp.Expr) -> Any:
    """``value`` as an mpmath interval over every noise in [-1, 1]."""
    iv = mpmath.iv
    if isinstance(value, Noise):
        return iv.mpf([-1, 1])
    if value.is_Rational:
        return iv.mpf(int(value.p)) / int(value.q)
    if value.is_Add or value.is_Mul:
        parts = [_interval(a) for a in value.args]
        total = parts[0]
        for part in parts[1:]:
            total = total + part if value.is_Add else total * part
        return total
    if value.is_Pow and value.exp.is_Integer:
        base = _interval(value.base)
        if value.exp < 0:
            if base.a <= 0 <= base.b:
                raise Unbounded("a division by a rounded number that may be zero")
            return (1 / base) ** int(-value.exp)
        return base ** int(value.exp)
    if isinstance(value, sp.exp):
        return iv.exp(_interval(value.args[0]))
    if isinstance(value, sp.tanh):  # increasing: 1 - 2 / (e^{2z} + 1)
        return 1 - 2 / (iv.exp(2 * _interval(value.args[0])) + 1)
    if value.is_number:  # pi, e, a float: to 40 digits, and as much again each side
        middle = sp.Rational(sp.N(value, NUMBER_DIGITS))
        margin = abs(middle) / 10 ** (NUMBER_DIGITS - 2) + sp.Rational(1, 10**NUMBER_DIGITS)
        return _interval(middle - margin) + _interval(2 * margin) * iv.mpf([0, 1])
    raise Unbounded(f"cannot bound {value} over the roundings of its numbers")


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
    return matrix[_position(index, matrix.rows, matrix.cols, base)]


@lru_cache(maxsize=1 << 14)
def _position(index: str, rows: int, cols: int, base: int) -> tuple[int, int]:
    """Where the entry ``index`` is in a ``rows`` x ``cols`` matrix (read once per index: a
    long sum takes the same entries thousands of times)."""
    # Without commas an index pair has one digit each (w_{11}); a vector's index may have two.
    wide = rows == 1 and cols > 1  # a row vector: its one index is the column
    tall = max(rows, cols) + base > 10 and (cols == 1 or wide)
    parts = (
        index.split(",") if "," in index else [index] if len(index) != 2 or tall else list(index)
    )
    if not all(p.isdecimal() for p in parts) or len(parts) not in (1, 2):
        raise DocumentError(f"cannot read the index {index!r}")
    if len(parts) == 1:
        at = int(parts[0]) - base
        row, col = (0, at) if wide else (at, 0)
    else:
        row, col = (int(p) - base for p in parts)
    if not (0 <= row < rows and 0 <= col < cols):
        raise Mismatch(f"the entry {index} of a {rows}x{cols} matrix")
    return row, col


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
    return condense(a + b)


def _identity(value: Value, other: Value) -> Value:
    """``value``, or the identity matrix of ``other``'s size if ``value`` is ``I``."""
    if isinstance(other, sp.MatrixBase) and other.rows == other.cols and value == IDENTITY:
        return sp.eye(other.rows)
    return value


def multiply(a: Value, b: Value) -> Value:
    """``a b`` of fitting shapes."""
    if type(a) is int and type(b) is int:
        return a * b
    a, b = number(a), number(b)
    if isinstance(b, sp.MatrixBase) and a == IDENTITY:  # I of the size the product needs,
        a = sp.eye(b.rows)  # square or not what it multiplies (I times a column)
    if isinstance(a, sp.MatrixBase) and b == IDENTITY:
        b = sp.eye(a.cols)
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
        if a.cols != b.rows:
            raise Mismatch(f"a {a.rows}x{a.cols} matrix times a {b.rows}x{b.cols} one")
        if a.rows * a.cols * b.cols > MAX_PRODUCT:  # estimated before the work
            raise SizeLimitError(
                f"a {a.rows}x{a.cols} matrix times a {b.rows}x{b.cols} one: more than "
                f"{MAX_PRODUCT:,} multiplications to check"
            )
        return condense(a * b)
    for matrix, other in ((a, b), (b, a)):
        if isinstance(matrix, sp.MatrixBase) and not other.is_commutative:
            raise Undefined(
                f"a {matrix.rows}x{matrix.cols} matrix times {other}, which it does not define"
            )
    return condense(a * b)


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


def difference(left: Value, right: Value) -> str | None:
    """None if ``left = right`` holds identically (for some value of every rounded number's
    :class:`Noise`, coefficient by coefficient), else what differs."""
    left, right = _zero(number(left), number(right)), _zero(number(right), number(left))
    left, right = _identity(left, right), _identity(right, left)  # A_2 := I, A_2 = [1 0; 0 1]
    left, right = _same_kind(left, right)
    if not isinstance(left, sp.MatrixBase):
        return None if _equal(left, right) else "the two sides differ"
    if left.shape != right.shape:
        return f"a {left.rows}x{left.cols} matrix against a {right.rows}x{right.cols} one"
    for i in range(left.rows):
        for j in range(left.cols):
            if not _equal(left[i, j], right[i, j]):
                return f"entry ({i + 1}, {j + 1}) differs"
    return None


def _zero(value: Value, other: Value) -> Value:
    """``value``, or the zero matrix of ``other``'s shape if ``value`` is the number 0: a
    check row ``f(x) - (W_z x + b_z) = 0`` says every entry is zero."""
    if isinstance(other, sp.MatrixBase) and not isinstance(value, sp.MatrixBase) and value == 0:
        return sp.zeros(other.rows, other.cols)
    return value


def _equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether ``a = b`` can hold: exactly, or for some noise of the rounded numbers in them,
    every coefficient (in the symbols and matrices that are not noise) on its own."""
    gap = sp.expand(a - b)
    if gap == 0 or not noisy(gap):
        return gap == 0
    return all(abs(center) <= spread for center, spread in _parts(gap).values())


def condense(value: Value) -> Value:
    """``value`` with the noise of each coefficient gathered into one fresh :class:`Noise`
    (``c + s e``, ``s`` the sum of its noise terms' sizes): it stands for at least every value
    it did, and a product of matrices of rounded numbers keeps its size instead of growing
    with every path through them."""
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(condense) if noisy(value) else value
    if not noisy(value):
        return value
    return sp.Add(
        *(
            key * (center + spread * Noise(f"e{next(_noises)}", real=True) if spread else center)
            for key, (center, spread) in _parts(sp.expand(value)).items()
        )
    )


def _parts(polynomial: sp.Expr) -> dict[sp.Expr, tuple[sp.Rational, sp.Rational]]:
    """The expanded ``polynomial`` as its coefficients in what is not noise (matrix symbols
    kept in order): for each, the term free of noise and the most its noise terms add up to."""
    parts: dict[sp.Expr, tuple[sp.Rational, sp.Rational]] = {}
    for term in sp.Add.make_args(polynomial):
        coefficient, rest = term.as_coeff_Mul()
        inside: list[sp.Expr] = []
        outside: list[sp.Expr] = []
        for factor in sp.Mul.make_args(rest) if rest != 1 else ():  # tanh(1/2): a number
            (inside if noisy(factor) or not factor.free_symbols else outside).append(factor)
        key = sp.Mul(*outside)
        center, spread = parts.get(key, (sp.Integer(0), sp.Integer(0)))
        if not inside:
            center += coefficient
        elif all(_power_of_noise(f) for f in inside):
            spread += abs(coefficient)  # |e^k| <= 1
        else:  # tanh(0.5 + r e): its bounds over the box, as a midpoint and a radius
            low, high = enclosure(coefficient * sp.Mul(*inside))
            center, spread = center + (low + high) / 2, spread + (high - low) / 2
        parts[key] = (center, spread)
    return parts


def _power_of_noise(factor: sp.Expr) -> bool:
    """``e`` or ``e^k`` (``k`` a whole number above 0): at most 1 in size."""
    base, exponent = factor.as_base_exp()
    return isinstance(base, Noise) and exponent.is_Integer and exponent > 0


def _exact(bound: tuple[int, int, int, int], upper: bool) -> sp.Rational:
    """An interval's end (mpmath's raw ``(sign, mantissa, exponent, bits)``) exactly, one
    below 2^-:data:`MAX_BITS` in size moved outward to 0 or that power (the sigmoid of a
    random point's 2^40 is 1 / (1 + e^{2^40}))."""
    negative, mantissa, exponent, bits = bound
    if (not mantissa and exponent) or exponent + bits > MAX_BITS:  # mpmath's infinities too
        raise Unbounded("a rounded number's bound beyond every number")
    if mantissa and exponent + bits < -MAX_BITS:
        away = sp.Rational(1, 2**MAX_BITS)
        return (away if upper else 0) if not negative else (0 if upper else -away)
    return (-1) ** negative * sp.Rational(mantissa) * sp.Rational(2) ** exponent
