"""Argument types of the command line: strict numbers, directories, one-line errors.

Every value the user types goes through the strict input layer (:mod:`symcollapse.spec`); a bad
one is one line on stderr and exit status 2, like every other usage error.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from symcollapse.cli.help import HelpFormatter
from symcollapse.errors import SymcollapseError
from symcollapse.spec.limits import MAX_SEED
from symcollapse.spec.numerals import parse_integer, parse_rational


def one_line(text: str) -> str:
    """``text`` with every control character escaped (a ``\\r`` or ``\\n`` typed into an
    argument must not break the one-line error message that echoes it)."""
    return "".join(
        repr(char)[1:-1] if unicodedata.category(char).startswith("C") else char for char in text
    )


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2.

    Every command's usage errors start ``symcollapse: error:``, as its run errors do.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"symcollapse: error: {one_line(message)}\n")


def integer_at_least(minimum: int, expected: str) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum`` in ASCII digits, one line otherwise."""

    def parse(text: str) -> int:
        try:
            value = parse_integer(text, "the value", signed=True)
        except SymcollapseError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r:.60}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    return parse


positive = integer_at_least(1, "a positive integer")
non_negative = integer_at_least(0, "an integer >= 0")


def seed(text: str) -> int:
    """``--seed``: an integer from 0 to MAX_SEED in ASCII digits."""
    value = non_negative(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected a seed from 0 to 2**64 - 1, got {text!r:.60}")
    return value


def index_base(text: str) -> int:
    """``--index-base``: 0 or 1 in ASCII digits (``int`` would also read a full-width 1)."""
    return integer_at_least(0, "0 or 1")(text)


def learning_rate(text: str) -> float:
    """``--learning-rate``: a positive number in the strict grammar, as a float for numpy."""
    try:
        rate = parse_rational(text, "the learning rate")
    except SymcollapseError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not 0 < rate < 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r:.60}")
    return float(rate)


def directory(text: str) -> Path:
    """``--out``: a non-empty path (an empty one would silently mean the current directory)."""
    if not text.strip() or "\0" in text:
        raise argparse.ArgumentTypeError(f"expected a directory name, got {text!r:.60}")
    return Path(text)
