"""The process the command line runs in: its standard streams and the bytes of its arguments.

Output must not depend on the terminal it lands in: a stdout that cannot encode a character
(``PYTHONIOENCODING=ascii``, latin-1, ``LC_ALL=C`` without UTF-8 mode) gets it transliterated
(an en dash as ``--``, as LaTeX spells it) or escaped (``\\u2211``), never a crash; a closed stdout
is refused before any work (the output would be lost with exit status 0); an argument whose
bytes are not text (UTF-8 or the locale's encoding) is refused, not carried along as a lone
surrogate.
"""

from __future__ import annotations

import codecs
import os
import sys
import unicodedata
from collections.abc import Sequence

from symcollapse.errors import OptionError

#: Characters the documents use, as ASCII spells them (LaTeX reads ``--`` as an en dash).
TRANSLITERATIONS = {
    "\u2013": "--",
    "\u2014": "---",
    "\u2212": "-",
    "\u00d7": "x",
    "\u00b7": ".",
    "\u2026": "...",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2192": "->",
    "\u2190": "<-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u00a0": " ",
}

#: The codec error handler stdout gets when its encoding is not UTF-8.
HANDLER = "symcollapse-transliterate"


def _ascii_form(char: str) -> str:
    """A character as ASCII: the table, else its letters without accents, else ``\\uXXXX``."""
    if char in TRANSLITERATIONS:
        return TRANSLITERATIONS[char]
    decomposed = unicodedata.normalize("NFKD", char)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    if letters and letters.isascii() and letters.isprintable():
        return letters
    return char.encode("ascii", "backslashreplace").decode("ascii")


def _transliterate(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(_ascii_form(char) for char in text), error.end


codecs.register_error(HANDLER, _transliterate)


def _is_utf(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name.startswith("utf")
    except LookupError:
        return False


def robust_streams() -> str | None:
    """Make stdout and stderr safe to write any text to; the reason to stop, or None.

    A closed stderr is replaced by the null device (errors have nowhere to go, but must not
    crash); a closed stdout is a reason to stop: every command writes its result or the list
    of its files there.
    """
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)
    if sys.stdout is None:
        return "standard output is closed; give the command somewhere to write (>FILE or a pipe)"
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not _is_utf(getattr(stream, "encoding", None)):
            reconfigure(errors=HANDLER)
    return None


def decoded_arguments(argv: Sequence[str]) -> list[str]:
    """The arguments as text; bytes the locale could not decode are read as UTF-8, or refused.

    Python hands such bytes over as lone surrogates (U+DC80..U+DCFF): ``Θ`` typed under
    ``LC_ALL=C`` arrives so, and is meant as the UTF-8 it is; a byte that is not UTF-8 either
    (``\\xff``) would crash the encoder when written, and is not what the user meant in a name.
    """
    decoded = []
    for position, argument in enumerate(argv, 1):
        if any("\udc80" <= char <= "\udcff" for char in argument):
            raw = argument.encode(sys.getfilesystemencoding(), "surrogateescape")
            try:
                argument = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise OptionError(
                    f"argument {position} holds the byte 0x{raw[error.start]:02X}, which is "
                    "not text in UTF-8 nor in this locale's encoding; give arguments as UTF-8"
                ) from None
        decoded.append(argument)
    return decoded
