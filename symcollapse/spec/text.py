"""Strings a user types that reach a document or a terminal: one line of printable text, bounded.

A carriage return starts a new Markdown line, an ESC reaches the reader's terminal, a bidi
override (U+202E) reorders what the reader sees, an undecodable byte of the command line arrives
as a lone surrogate. So every character of Unicode category C (controls C0 and C1 such as NEL,
format characters, surrogates, private use, unassigned) and every line or paragraph separator is
refused, never written; and a length limit keeps a name from costing minutes to typeset.
"""

from __future__ import annotations

import unicodedata

from symcollapse.errors import OptionError

#: Unicode categories refused in user text: all of C, and the line and paragraph separators.
_REFUSED_PREFIXES = ("C", "Zl", "Zp")


def refused_character(text: str) -> str | None:
    """The first character of ``text`` that must not reach output, or None."""
    for char in text:
        if unicodedata.category(char).startswith(_REFUSED_PREFIXES):
            return char
    return None


def shown(value: object) -> str:
    """A short ``repr`` for a message: a 10 MB string must not become a 10 MB error line."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text):,} characters)"


def check_text(text: object, what: str, max_length: int, parameter: str | None = None) -> str:
    """``text`` if it is a string of at most ``max_length`` printable characters on one line.

    Raises :class:`OptionError` naming ``what`` (and the API ``parameter``) otherwise; the
    length is checked first, so a megabyte of input is refused at once.
    """
    if not isinstance(text, str):
        raise OptionError(f"{what} must be a string, got {type(text).__name__}", parameter)
    if len(text) > max_length:
        raise OptionError(
            f"{what} has {len(text):,} characters; at most {max_length} are allowed", parameter
        )
    char = refused_character(text)
    if char is not None:
        name = unicodedata.name(char, f"U+{ord(char):04X}")
        raise OptionError(
            f"{what} contains the control or format character {name} ({char!r}); "
            "give printable text on one line",
            parameter,
        )
    return text
