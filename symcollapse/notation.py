"""How entries and matrices are written: the one place where notation is decided."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from symcollapse.errors import OptionError

DELIMITERS = ("bmatrix", "pmatrix")


@dataclass(frozen=True)
class Notation:
    """Typesetting choices shared by every renderer.

    ``delimiter``: matrix environment (``bmatrix`` or ``pmatrix``);
    ``index_base``: 1 (mathematics) or 0 (code) for entry indices shown to the reader;
    ``line_width``: printed width, in letters, of one line before a long sum is broken (scripts
    count 0.6; 60 fits an A4 page with 2 cm margins, use about 30 for a two-column paper).
    """

    delimiter: str = "bmatrix"
    index_base: int = 1
    line_width: int = 60

    def __post_init__(self) -> None:
        if self.delimiter not in DELIMITERS:
            raise OptionError(
                f"unknown matrix delimiter {self.delimiter!r}; "
                f"choose one of {', '.join(DELIMITERS)}"
            )
        if self.index_base not in (0, 1):
            raise OptionError(f"index base must be 0 or 1, got {self.index_base!r}")
        if not isinstance(self.line_width, int) or not 10 <= self.line_width <= 1000:
            raise OptionError(
                f"line width must be an integer from 10 to 1000, got {self.line_width!r}"
            )

    def merged(self, **options: Any) -> Notation:
        """A copy with ``options`` changed; unknown names are an error, never ignored."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise OptionError(
                f"unknown notation option {unknown[0]!r}; known: {', '.join(sorted(known))}"
            )
        return replace(self, **options)
