"""Numbers a document says are stored floats, shown as decimals: what each decimal denotes, and
whether a number it computed is shown as it says.

A document of a trained model (``symcollapse fold``) states its weights as decimals and says in
words what they are: "each decimal stands for the float32 number nearest to it". Each such
decimal then denotes that float exactly (a binary fraction, found here by exact rounding of the
decimal's value, ties to even, subnormals included), and the rows computed from those numbers
(``W_z := W_2 W_1``) are exact. A row that shows a computed value as numbers (``W_z = [...]``)
is held to what the words say of it: "the shortest decimals of the nearest float32 numbers" (the
nearest float32 of the exact value, and no decimal with fewer significant digits rounds to that
float) or "rounded to 3 significant digits" (the exact value rounded, ties to even). A number
equal to the exact value is right under any of these (a JSON field's ``p/q``).

A document that says its weights are not shown ("The weights are not shown: 1,234 numbers, ...")
says why its computed numbers cannot be checked from the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from symcollapse.errors import DocumentError

#: Float types: (bits of precision, least exponent of a normal number, largest exponent).
FORMATS = {"float16": (11, -14, 15), "float32": (24, -126, 127), "float64": (53, -1022, 1023)}

_TYPE = "(" + "|".join(FORMATS) + ")"

#: The words that say a document's stated decimals stand for floats of a type.
DENOTES = re.compile(rf"each decimal stands for the {_TYPE} number nearest to it")

#: The words that say how the numbers computed from them are shown.
SHOWN = re.compile(
    rf"shortest decimals of the nearest {_TYPE} numbers|rounded to (\d{{1,2}}) significant digits"
)

#: The words that say the weights are not shown, and why.
HIDDEN = re.compile(r"[Tt]he weights are not shown: ([^.)]*)[.)]")


def nearest(value: Fraction, kind: str) -> Fraction | None:
    """The number of float type ``kind`` nearest to ``value``, exactly (ties to the even
    significand); None where it rounds to an infinity."""
    precision, least, largest = FORMATS[kind]
    if value == 0:
        return Fraction(0)
    size = abs(value)
    exponent = max(_binary_exponent(size), least)  # below the normal numbers: least's spacing
    quantum = Fraction(2) ** (exponent - precision + 1)
    rounded = round(size / quantum) * quantum  # Fraction's round: ties to even
    if rounded >= Fraction(2) ** (largest + 1):
        return None
    return rounded if value > 0 else -rounded


def _top(size: Fraction) -> int:
    """The ``t`` with ``10^t <= size < 10^(t + 1)`` (``size`` positive)."""
    top = len(str(size.numerator)) - len(str(size.denominator))
    while Fraction(10) ** top > size:
        top -= 1
    while Fraction(10) ** (top + 1) <= size:
        top += 1
    return top


def _scaled(value: Fraction) -> tuple[int, int] | None:
    """``value`` as ``(m, k)`` with ``value = m / 10^k``, ``k`` least; None if it is no
    decimal (its denominator ``2^a 5^b``, then ``k = max(a, b)``)."""
    rest = value.denominator
    twos = (rest & -rest).bit_length() - 1
    rest >>= twos
    fives = 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return None
    places = max(twos, fives)
    return value.numerator * 10**places // value.denominator, places


def significant(value: Fraction) -> int | None:
    """Significant digits of ``value`` written as a decimal (``0.0250`` -> 2, ``100`` -> 1);
    None if it is no decimal."""
    scaled = _scaled(value)
    return None if scaled is None else len(str(abs(scaled[0])).rstrip("0")) or 1


def _interval(number: Fraction, kind: str) -> tuple[Fraction, Fraction, bool]:
    """The reals that round to the positive float ``number`` of type ``kind``: from ``low`` to
    ``high``, both included when its significand is even (ties go to it)."""
    precision, least, _ = FORMATS[kind]
    exponent = max(_binary_exponent(number), least)
    step = Fraction(2) ** (exponent - precision + 1)
    below = step / 2 if number == Fraction(2) ** exponent and exponent > least else step
    return number - below / 2, number + step / 2, (number / step) % 2 == 0


def _binary_exponent(size: Fraction) -> int:
    """The ``e`` with ``2^e <= size < 2^(e + 1)`` (``size`` positive)."""
    exponent = size.numerator.bit_length() - size.denominator.bit_length()
    return exponent - 1 if Fraction(2) ** exponent > size else exponent


def shortest(number: Fraction, kind: str) -> Fraction:
    """The decimal with the fewest significant digits that rounds to the float ``number`` of
    type ``kind`` (of two, the nearer to it; of two as near, the one ending in an even digit)."""
    if number == 0:
        return number
    size = abs(number)
    low, high, closed = _interval(size, kind)
    digits = 1
    while True:
        found = []
        for top in range(_top(low), _top(high) + 1):
            step = Fraction(10) ** (top - digits + 1)
            below = size // step * step
            for candidate in (below, below + step):
                inside = low < candidate < high or (closed and candidate in (low, high))
                if inside and significant(candidate) <= digits:  # type: ignore[operator]
                    found.append(candidate)
        if found:
            best = min(found, key=lambda c: (abs(c - size), _scaled(c)[0] % 2))  # type: ignore[index]
            return best if number > 0 else -best
        digits += 1


@dataclass(frozen=True)
class Stored:
    """What a document says of its numbers: the float type its stated decimals stand for, and
    how it shows the numbers computed from them (the shortest decimals of the nearest numbers
    of ``shown``, or rounded to ``digits`` significant digits)."""

    kind: str
    shown: str | None
    digits: int | None

    def denoted(self, value: sp.Expr | sp.MatrixBase) -> sp.Expr | sp.MatrixBase:
        """``value`` (a number or a matrix of numbers, as printed) with every number the float
        it stands for."""
        if isinstance(value, sp.MatrixBase):
            return value.applyfunc(self.denoted)
        if not value.is_Rational:
            raise DocumentError(f"{value} stands for no {self.kind} number")
        float_value = nearest(Fraction(int(value.p), int(value.q)), self.kind)
        if float_value is None:
            raise DocumentError(f"{value} is beyond the {self.kind} numbers")
        return sp.Rational(float_value.numerator, float_value.denominator)

    def difference(self, exact: sp.Basic, printed: sp.Basic) -> str | None:
        """None if every number ``printed`` shows the number of ``exact`` as the document
        says, else the first that does not."""
        if _shape(exact) != _shape(printed):
            (rows, cols), (shown_rows, shown_cols) = _shape(exact), _shape(printed)
            return f"a {rows}x{cols} matrix against a {shown_rows}x{shown_cols} one"
        for at, (value, shown) in enumerate(zip(_numbers(exact), _numbers(printed), strict=True)):
            wrong = self._wrong(value, shown)
            if wrong:
                cols = _shape(exact)[1]
                return f"entry ({at // cols + 1}, {at % cols + 1}) {wrong}"
        return None

    def _wrong(self, value: sp.Expr, shown: sp.Expr) -> str | None:
        """None if the number ``shown`` shows ``value`` as the document says, else how not."""
        if not (value.is_Rational and shown.is_Rational):
            return f"is {shown}, where the document computes a number"
        exact, printed = Fraction(int(value.p), int(value.q)), Fraction(int(shown.p), int(shown.q))
        if exact == printed:  # exactly right, whatever the rounding (a JSON field's p/q)
            return None
        if self.digits is not None:
            expected = _rounded(exact, self.digits)
            how = f"rounded to {self.digits} significant digits"
            right = printed == expected
        elif self.shown is not None:
            number = nearest(exact, self.shown)
            if number is None:
                return f"has an exact value beyond the {self.shown} numbers"
            expected = shortest(number, self.shown)
            how = f"as the shortest decimal of the nearest {self.shown} number"
            digits = significant(printed)
            right = nearest(printed, self.shown) == number and digits is not None
            right = right and digits <= significant(expected)  # type: ignore[operator]
        else:
            return f"is {_decimal(printed)}, not its exact value (no rounding stated)"
        if right:
            return None
        return f"is {_decimal(printed)}, but its exact value {how} is {_decimal(expected)}"


def stored(prose: str) -> Stored | None:
    """What ``prose`` (a document's words) says of its numbers; None if it says its decimals
    stand for no floats. A document saying it of two types, or two ways of showing the numbers
    computed from them, is unreadable."""
    kinds = set(DENOTES.findall(prose))
    if not kinds:
        return None
    shown = set(SHOWN.findall(prose))
    if len(kinds) > 1 or len(shown) > 1:
        raise DocumentError(
            f"the document says its decimals stand for {' and '.join(sorted(kinds))} numbers, "
            f"and shows the numbers computed from them {len(shown)} ways"
        )
    kind, digits = shown.pop() if shown else ("", "")
    return Stored(kinds.pop(), kind or None, int(digits) if digits else None)


def hidden(prose: str) -> str | None:
    """Why the document does not show its weights, in its words; None if it does not say."""
    found = HIDDEN.search(prose)
    return None if found is None else found[1]


def _rounded(value: Fraction, digits: int) -> Fraction:
    """``value`` rounded to ``digits`` significant digits, ties to even."""
    if value == 0:
        return value
    step = Fraction(10) ** (_top(abs(value)) - digits + 1)
    return round(value / step) * step


def _numbers(value: sp.Basic) -> list[sp.Expr]:
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _shape(value: sp.Basic) -> tuple[int, int]:
    return value.shape if isinstance(value, sp.MatrixBase) else (1, 1)


def _decimal(value: Fraction) -> str:
    """``value`` as the decimal it is, or as ``p/q``."""
    scaled = _scaled(value)
    if scaled is None:
        return str(value)
    digits, places = str(abs(scaled[0])).rjust(scaled[1] + 1, "0"), scaled[1]
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places :]
    return f"{'-' if value < 0 else ''}{whole}{'.' if places else ''}{fraction}"
