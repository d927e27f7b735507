"""Validated network widths d_0, ..., d_n: the one input every derivation starts from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from symcollapse.errors import SpecError
from symcollapse.spec.numerals import parse_integer

#: Widths above this are refused before any symbol is made: a layer of more units than this
#: has more weight symbols than a derivation can usefully show or a machine can hold.
MAX_WIDTH = 100_000


def parse_widths(values: Sequence[object]) -> tuple[int, ...]:
    """Turn user input (ints, or strings such as ``"3"``) into widths; raise :class:`SpecError`."""
    if isinstance(values, str | bytes):
        raise SpecError(f"widths must be a sequence of integers, got the string {values!r:.60}")
    if not isinstance(values, Sequence):
        raise SpecError(f"widths must be a sequence of integers, got {type(values).__name__}")
    if len(values) < 2:
        raise SpecError(
            f"need at least two widths (input and output), got {len(values)}: "
            "give d_0 d_1 ... d_n with n >= 1"
        )
    widths = []
    for position, value in enumerate(values):
        widths.append(_parse_width(value, position))
    return tuple(widths)


def _parse_width(value: object, position: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return parse_integer(value, f"width d_{position}", minimum=1, maximum=MAX_WIDTH, signed=True)


@dataclass(frozen=True)
class Spec:
    """Widths ``d_0, ..., d_n`` of a feed-forward network with ``n`` affine layers."""

    widths: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "widths", parse_widths(self.widths))

    @property
    def depth(self) -> int:
        """Number of affine layers ``n``."""
        return len(self.widths) - 1
