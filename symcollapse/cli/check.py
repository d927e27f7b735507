"""``symcollapse check DOCUMENT``: read a document back and check every row it displays.

Exit 0 with the count of rows checked, and every row shown but not checked listed by its
reason; exit 1 naming the first false row by section, row and
label; exit 2 (a :class:`DocumentError`) naming what could not be read.
"""

from __future__ import annotations

import argparse
import re

from symcollapse.cli.arguments.check import MAX_DIGITS
from symcollapse.errors import DocumentError, SizeLimitError
from symcollapse.io.progress import Progress
from symcollapse.reading import check_text, language_of
from symcollapse.spec.input_files import read_bytes

#: A document's own words for the rounding of its numbers: "numbers shown rounded to 3
#: significant digits", also where a reason is wrapped between them (``significant} \\
#: &\qquad \phantom{(}\text{digits``). A row's own rounding ("at the point, rounded to 15
#: significant digits") is not the document's: that row's reader holds it to its tag, and the
#: other rows stay exact.
_BREAK = r"(?:\s|[{}&(]|\\(?:text|qquad|phantom)?)+"
ROUNDING = re.compile(
    rf"shown{_BREAK}rounded{_BREAK}to{_BREAK}(\d{{1,2}}){_BREAK}significant{_BREAK}digits"
)

#: Any rounding in words, the document's ("shown rounded to 3 ...") or a row's own ("at the
#: point, rounded to 15 significant digits").
ANY_ROUNDING = re.compile(rf"rounded{_BREAK}to{_BREAK}\d{{1,2}}{_BREAK}significant{_BREAK}digits")

#: A decimal number as printed (``0.333``, ``-2.67``), not part of a name or a longer number.
DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+(?![\w.])")


def stated_digits(text: str) -> int | None:
    """The rounding ``text`` states in words (the coarsest, if it states several), or None."""
    stated = [int(n) for n in ROUNDING.findall(text) if 1 <= int(n) <= MAX_DIGITS]
    return min(stated, default=None)


def shown_digits(text: str) -> int | None:
    """The most significant digits any decimal in ``text`` shows (``0.0333``: 3), or None:
    what a document rounded by ``--digits`` would have been rounded to, at most. None too where
    a row states a rounding of its own (a curved network's values "rounded to 15 significant
    digits"): those rows' decimals are theirs, held to their tag, and say nothing of how the
    document's other numbers were rounded."""
    if len(ANY_ROUNDING.findall(text)) > len(ROUNDING.findall(text)):
        return None
    decimals = [n.rstrip("0").rstrip(".") for n in DECIMAL.findall(text)]  # 116.0: 3 digits
    shown = [len(number.replace(".", "").lstrip("0")) for number in decimals]
    return min(max(shown, default=0), MAX_DIGITS) or None


def run(args: argparse.Namespace) -> int:
    data = read_bytes(args.document, "the document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(f"{args.document}: not UTF-8 text ({error.reason})") from None
    language = language_of(str(args.document))
    digits = args.digits if args.digits is not None else stated_digits(text)
    try:
        with Progress("check") as progress:  # a big document takes seconds: say so on a terminal
            progress.stage(f"reading and checking {args.document.name}")
            verdict = check_text(text, digits=digits, language=language, widths=args.widths)
            shown = shown_digits(text) if verdict.false and digits is None else None
            if shown is not None:  # false as exact numbers: would it hold as rounded ones?
                rounded = check_text(text, digits=shown, language=language, widths=args.widths)
                shown = None if rounded.false else shown
    except (DocumentError, SizeLimitError) as error:
        raise type(error)(f"{args.document}: {error}") from None
    if verdict.false:
        hint = (
            ""
            if shown is None
            else f" (as exact numbers; it holds to {shown} significant digits: if the "
            "document's numbers are rounded, give check the --digits they were rounded to)"
        )
        print(f"{args.document}: {verdict.false}{hint}")
        return 1
    identities = verdict.checked - verdict.definitions
    summary = (
        f"{args.document}: {verdict.checked} rows read: {identities} identities checked under "
        f"the document's {verdict.definitions} definitions"
    )
    if digits is not None:
        summary += f" (numbers held to {digits} significant digits)"
    summary += "".join(f" ({note})" for note in verdict.notes)  # how some rows were checked
    if verdict.unchecked:
        summary += f"; {_rows(len(verdict.unchecked))} shown but not checked (listed below)"
    if verdict.scope:
        summary += f"; {verdict.scope}"
    print(summary)
    for line in unchecked_lines(verdict.unchecked):
        print(line)
    return 0


#: The rows named on one reason's line before the rest are only counted.
MAX_LISTED = 12


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count} rows"


def unchecked_lines(unchecked: tuple[tuple[str, str], ...]) -> list[str]:
    """Every row shown but not checked, one line per reason (in the order the reasons first
    appear) with its count and the rows, at most :data:`MAX_LISTED` named and the rest
    counted: so that a reader sees each row the verdict does not cover, and why."""
    by_reason: dict[str, list[str]] = {}
    for where, why in unchecked:
        by_reason.setdefault(why, []).append(where)
    lines = []
    for why, rows in by_reason.items():
        named = "; ".join(rows[:MAX_LISTED])
        more = len(rows) - MAX_LISTED
        named += f"; and {_rows(more)} more" if more > 0 else ""
        lines.append(f"  not checked, {_rows(len(rows))}: {why}: {named}")
    return lines
