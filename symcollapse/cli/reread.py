"""Every document is read back from its own text before it is written: a renderer's bug (an
index swapped, a term dropped, a matrix transposed) is an internal error, and nothing is written.

The reader (:mod:`symcollapse.reading`) parses the printed mathematics and checks every row under
the document's own definitions, sharing no code with the printers. ``strict`` documents must be
read whole (``derive``, the example); the others may hold what the reader does not read (a ReLU,
a derivative, a statement for every depth n), and are then only held to what it reads: nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from symcollapse.errors import DocumentError, InternalError, SizeLimitError
from symcollapse.reading import check_text, language_of

#: Documents' file extensions the reader reads (text and pictures it does not).
READ = (".tex", ".md", ".json", ".typ", ".html")


def reread(
    documents: Mapping[str, str | bytes],
    strict: bool,
    digits: int | None = None,
    widths: Sequence[int] | None = None,
) -> None:
    """Checks each document in ``documents`` (name -> text) by reading it back; with ``digits``
    (``--digits``: numbers shown rounded) the rows need only hold to that precision; ``widths``
    (the network's, as the user gave them) bound the Σ rows of a document that states none (a
    brief fragment), which are otherwise counted as not checked."""
    for name, text in documents.items():
        if not name.endswith(READ) or not isinstance(text, str):
            continue
        try:
            verdict = check_text(text, digits=digits, language=language_of(name), widths=widths)
        except SizeLimitError:  # a product too large to check in time: written unchecked, as
            continue  # before this hook; the renderers' own checks still ran
        except DocumentError as error:
            if strict:
                raise InternalError(f"{name} as rendered cannot be read back: {error}") from None
            continue
        if verdict.false:
            raise InternalError(f"{name} as rendered says something false: {verdict.false}")
