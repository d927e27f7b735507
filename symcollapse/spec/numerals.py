"""Strict numerals: the one place user text becomes an ``int`` or an exact ``Fraction``.

Every width, value, parameter, point, slope, rate and seed a user types passes through here, so
the grammar is the same everywhere: ASCII digits only (``str.isdigit`` also accepts ``²`` and
full-width digits, which ``int`` then reads or refuses inconsistently), at most one sign and only
where a sign makes sense, and a length cap checked on the text BEFORE any conversion, so no
numeral can reach Python's int-string limit or ask for a billion-digit exact rational.

Cost model: a numeral of ``c`` characters with exponent ``e`` becomes a rational of at most
``c + |e|`` decimal digits; both are bounded by :data:`MAX_DIGITS`, so every conversion here is
at most a few microseconds.
"""

from __future__ import annotations

import re
from fractions import Fraction

from symcollapse.errors import SpecError
from symcollapse.spec.text import shown

#: Longest numeral (digits of a mantissa plus the size of its exponent) read from text: a
#: thousand digits is far beyond any weight a person types and far below Python's 4,300-digit
#: int-string limit.
MAX_DIGITS = 1000

_INTEGER = re.compile(r"(?P<sign>[+-]?)(?P<digits>[0-9]+)", re.ASCII)
_RATIONAL = re.compile(
    r"[+-]?(?:(?P<p>[0-9]+)/(?P<q>[0-9]+)"
    r"|(?P<mantissa>[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE](?P<exponent>[+-]?[0-9]+))?)",
    re.ASCII,
)


def _too_long(what: str, digits: int) -> SpecError:
    return SpecError(f"{what} has {digits:,} digits, above the limit of {MAX_DIGITS:,}")


def parse_integer(
    value: object,
    what: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    signed: bool = False,
) -> int:
    """An ``int`` from an int or ASCII-digit text; a sign only when ``signed`` (else only ``+``).

    Raises :class:`SpecError` naming ``what`` for anything else, including bools, floats and
    numerals longer than :data:`MAX_DIGITS`; ``minimum``/``maximum`` are inclusive bounds.
    """
    if isinstance(value, bool):
        raise SpecError(f"{what} must be an integer, got {shown(value)}")
    if isinstance(value, int):
        number = value
        if number.bit_length() > MAX_DIGITS * 4:  # 4 bits per digit > log2(10): a safe bound
            raise SpecError(f"{what} has more than {MAX_DIGITS:,} digits")
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_DIGITS + 1:
            raise _too_long(what, len(text))
        match = _INTEGER.fullmatch(text)
        if match is None or (match["sign"] == "-" and not signed):
            raise SpecError(f"{what} must be an integer, got {shown(value)}")
        number = int(text)
    else:
        raise SpecError(f"{what} must be an integer, got {shown(value)}")
    if minimum is not None and number < minimum:
        raise SpecError(f"{what} must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise SpecError(f"{what} = {number} is larger than the maximum {maximum}")
    return number


def parse_rational(value: object, what: str) -> Fraction:
    """An exact ``Fraction`` from an int, a Fraction, a float, or text ``p/q`` or a decimal.

    A float is read as the decimal it prints as (``0.1`` is 1/10). Text allows one sign, ASCII
    digits, ``p/q`` with ``q > 0``, and decimals with an exponent; the digits and the size of
    the exponent together are at most :data:`MAX_DIGITS`, checked before any conversion, so
    ``1e-999999999`` is refused at once instead of being expanded. NaN and infinities are refused.
    """
    if isinstance(value, int | Fraction) and not isinstance(value, bool):
        number = Fraction(value)
        parse_integer(number.numerator, what, signed=True)
        parse_integer(number.denominator, what)
        return number
    text = repr(value) if isinstance(value, float) else value  # 'nan', 'inf' fail the grammar
    if not isinstance(text, str) or isinstance(value, bool):
        raise SpecError(f"{what} must be a number or a string like '3/4', got {shown(value)}")
    text = text.strip()
    if len(text) > MAX_DIGITS + 4:
        raise _too_long(what, len(text))
    match = _RATIONAL.fullmatch(text)
    if match is None:
        raise SpecError(f"{what} must be a number or a string like '3/4', got {shown(value)}")
    if match["q"] is not None:
        if int(match["q"]) == 0:
            raise SpecError(f"{what} has a zero denominator: {shown(value)}")
        return Fraction(int(match["p"]), int(match["q"])) * (-1 if text[0] == "-" else 1)
    exponent = match["exponent"] or "0"
    if len(exponent.lstrip("+-")) > 6 or len(match["mantissa"]) + abs(int(exponent)) > MAX_DIGITS:
        raise SpecError(
            f"{what} = {shown(value)} would have more than {MAX_DIGITS:,} digits written out; "
            "give it as a fraction p/q or a shorter decimal"
        )
    return Fraction(text)


def parse_rationals(text: object, what: str, *, max_count: int) -> tuple[Fraction, ...]:
    """Comma-separated numbers such as ``"-1/2,3"``; at most ``max_count`` of them."""
    if not isinstance(text, str):
        raise SpecError(f"{what} must be comma-separated numbers as text, got {shown(text)}")
    if text.count(",") >= max_count:
        raise SpecError(f"{what} has more than {max_count:,} numbers")
    return tuple(
        parse_rational(part, f"{what} entry {i}") for i, part in enumerate(text.split(","), 1)
    )
