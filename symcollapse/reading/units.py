"""Which pieces of a piecewise page's units its random points took: an edit of a ReLU unit's
argument is seen only at a point where the unit is on, one of a max pooling's entry only where
the window picks it. :mod:`symcollapse.reading.piecewise` draws points until every piece of
every unit (each ReLU unit on and off, each window's every entry picked) was taken, up to a
bound estimated from the pieces, and says in the verdict which were never taken there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp

from symcollapse.reading.nodes import Apply, Document, walk

#: How unlikely a piece may be to stay untaken at the extra points drawn, if its unit takes
#: each of its pieces about equally often (random weights: a pre-activation's sign is even).
MISSED = 1e-3

#: The most points a page's symbolic rows are checked at, whatever its units.
MAX_POINTS = 40


@dataclass
class Pieces:
    """Per unit (an activation or max pooling as printed, and an entry or window of it), the
    pieces it has and the ones the points taken so far took."""

    has: dict[tuple[Apply, int], frozenset[object]] = field(default_factory=dict)
    took: dict[tuple[Apply, int], set[object]] = field(default_factory=dict)
    hides: dict[tuple[Apply, int], frozenset[object]] = field(default_factory=dict)
    seen: dict[tuple[Apply, int], set[object]] = field(default_factory=dict)

    def take(
        self,
        node: Apply,
        unit: int,
        at: object,
        piece: object,
        has: frozenset[object],
        hides: frozenset[object],
    ) -> None:
        """Unit ``unit`` of ``node`` took ``piece`` of its pieces ``has`` at a point where its
        argument is ``at``; an edit of its argument is hidden on the pieces ``hides`` (a
        ReLU's zero)."""
        self.has[node, unit] = has
        self.hides[node, unit] = hides
        self.took.setdefault((node, unit), set()).add(piece)
        self.seen.setdefault((node, unit), set()).add(at)

    def update(self, other: Pieces) -> None:
        """The pieces ``other`` (another point's) saw, added to these."""
        for key, pieces in other.took.items():
            self.has[key], self.hides[key] = other.has[key], other.hides[key]
            self.took.setdefault(key, set()).update(pieces)
            self.seen.setdefault(key, set()).update(other.seen[key])

    def missing(self) -> dict[tuple[Apply, int], frozenset[object]]:
        """Per unit with a piece not taken yet, those pieces; not a unit whose argument was
        the same at every point (``maxpool_2([1; 1; 0; 0])``: its pieces fixed by the page)."""
        left = {key: has - self.took[key] for key, has in self.has.items()}
        return {key: p for key, p in left.items() if p and len(self.seen[key]) > 1}

    def draws(self) -> int:
        """The points still to draw so that each untaken piece is taken but with probability
        :data:`MISSED`, a unit's pieces taken equally often: the most any unit needs."""
        sizes = [len(self.has[key]) for key in self.missing()]
        return max((math.ceil(math.log(MISSED) / math.log(1 - 1 / n)) for n in sizes), default=0)

    def notes(self, document: Document, points: int) -> tuple[str, ...]:
        """One line per unit a piece of which, one an edit would show on, no point took."""
        lines = []
        for (node, unit), pieces in self.missing().items():
            shown = pieces - self.hides[node, unit]
            if not shown:
                continue
            row = next(
                r for r in document.rows for s in (r.lhs, r.rhs) if s for n in walk(s) if n == node
            )
            what = " or ".join(sorted(_piece(p) for p in shown))
            lines.append(
                f"{node.function.key} unit {unit + 1} of {row.where} was never {what} at the"
                f" {points} points drawn (its region may be empty): the rows through it are"
                " checked on its other pieces only"
            )
        return tuple(lines)


def _piece(piece: object) -> str:
    """A piece as the note says it: a mask's value (``1``: on) or a window's entry."""
    if isinstance(piece, tuple):
        return f"picking entry {piece[1] + 1}"
    return "on" if piece == 1 else f"below its kink (slope {sp.sympify(piece)})"
