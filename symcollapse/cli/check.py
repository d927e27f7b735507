"""``symcollapse check DOCUMENT``: read a document back and check every row it displays.

Exit 0 with the count of rows checked; exit 1 naming the first false row by section, row and
label; exit 2 (a :class:`DocumentError`) naming what could not be read.
"""

from __future__ import annotations

import argparse

from symcollapse.errors import DocumentError, SizeLimitError
from symcollapse.io.progress import Progress
from symcollapse.reading import check_text, language_of
from symcollapse.spec.input_files import read_bytes


def run(args: argparse.Namespace) -> int:
    data = read_bytes(args.document, "the document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(f"{args.document}: not UTF-8 text ({error.reason})") from None
    language = language_of(str(args.document))
    try:
        with Progress("check") as progress:  # a big document takes seconds: say so on a terminal
            progress.stage(f"reading and checking {args.document.name}")
            verdict = check_text(text, language=language, widths=args.widths)
    except (DocumentError, SizeLimitError) as error:
        raise type(error)(f"{args.document}: {error}") from None
    if verdict.false:
        print(f"{args.document}: {verdict.false}")
        return 1
    identities = verdict.checked - verdict.definitions
    summary = (
        f"{args.document}: {verdict.checked} rows read: {identities} identities checked under "
        f"the document's {verdict.definitions} definitions"
    )
    summary += "".join(f" ({note})" for note in verdict.notes)  # how some rows were checked
    if verdict.unchecked:
        where, why = verdict.unchecked[0]
        count = len(verdict.unchecked)
        rows = "1 row" if count == 1 else f"{count} rows"
        summary += f"; {rows} shown but not checked ({why}: {where}, ...)"
    if verdict.scope:
        summary += f"; {verdict.scope}"
    print(summary)
    return 0
