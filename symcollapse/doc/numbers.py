"""How a document's exact numbers are shown: as exact decimals, or rounded by ``--digits``.

The printers (:mod:`symcollapse.render.printer`) write what these functions decide, and a
derivation says in words which of its sections ``--digits`` rounded
(:meth:`symcollapse.doc.model.Derivation.said_rounded`): one rule for both.
"""

from __future__ import annotations

from decimal import Context, Decimal

import sympy as sp

#: The longest exact decimal printed as such (a float read exactly has up to ~55 digits).
MAX_DECIMAL_DIGITS = 15


def exact_decimal(number: sp.Rational, most: int | None = MAX_DECIMAL_DIGITS) -> str | None:
    """``number`` as a finite decimal (``-0.125``) when its denominator is ``2^a 5^b`` and the
    decimal has at most ``most`` significant digits (``None``: any number); else None."""
    q = rest = int(number.q)
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return None
    places = next(k for k in range(q.bit_length() + 1) if 10**k % q == 0)
    scaled = abs(int(number.p)) * 10**places // q
    whole, fraction = divmod(scaled, 10**places)
    text = f"{'-' if number < 0 else ''}{whole}.{fraction:0{places}d}"
    return text if most is None or significant(text) <= most else None


def significant(decimal: str) -> int:
    """Significant digits of a decimal string (``0.0250`` -> 3)."""
    return len(decimal.lstrip("-").replace(".", "").lstrip("0")) or 1


def kept_decimal(number: sp.Rational, digits: int | None) -> str | None:
    """The exact decimal a printer writes for the non-integer ``number`` when numbers are
    rounded to ``digits`` (None: not rounded), or None if it writes something else (rounded
    to ``digits``, or a fraction when ``digits`` is None)."""
    decimal = exact_decimal(number)
    return (
        decimal
        if decimal is not None and (digits is None or significant(decimal) <= digits)
        else None
    )


def rounded_by(number: sp.Rational, digits: int) -> bool:
    """Whether ``--digits digits`` shows ``number`` rounded: a non-integer rational that is not
    an exact decimal of at most ``digits`` significant digits."""
    return not number.is_Integer and kept_decimal(number, digits) is None


def rounded_decimal(value: sp.Rational | sp.Float | float, digits: int) -> Decimal:
    """``value`` rounded once, exactly, to ``digits`` significant digits (half to even).
    sympy's ``Float(value, digits)`` rounds twice, to binary and then to decimal, and shows
    about 1.5 % of rationals one unit off in the last digit (396/41141 = 0.0096254... as
    0.00962 at 3 digits); a float is the binary fraction it holds."""
    exact = sp.Rational(value)
    return Context(prec=digits).divide(Decimal(int(exact.p)), Decimal(int(exact.q)))


def rounded(value: sp.Rational | sp.Float | float, digits: int) -> sp.Float:
    """``value`` rounded to ``digits`` significant digits (:func:`rounded_decimal`), as a
    float of that precision, which prints those digits; an infinity or NaN stays itself (a
    rational of one would be 0)."""
    if not sp.sympify(value).is_finite:
        return sp.Float(value)
    return sp.Float(str(rounded_decimal(value, digits)), digits)
