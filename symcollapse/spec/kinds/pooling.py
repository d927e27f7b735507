"""Windows of a pooling layer, shared by average and max pooling (not a kind itself)."""

from __future__ import annotations

from dataclasses import dataclass

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import count, integer, options


@dataclass(frozen=True)
class Pool:
    """Windows of ``size`` entries every ``stride`` (default: ``size``) over the input padded
    with ``padding`` positions on each side that hold nothing."""

    size: int
    stride: int | None = None
    padding: int = 0

    def __post_init__(self) -> None:
        count(self.size, "pool size")
        if self.stride is not None:
            count(self.stride, "pool stride")
        if count(self.padding, "pool padding", minimum=0) >= self.size:
            raise SpecError(f"pool padding {self.padding} must be below the size {self.size}")

    @property
    def step(self) -> int:
        return self.size if self.stride is None else self.stride

    def out_width(self, width: int) -> int:
        if self.size > width + 2 * self.padding:
            raise SpecError(f"pool size {self.size} is larger than its input of width {width}")
        return (width + 2 * self.padding - self.size) // self.step + 1

    def windows(self, width: int) -> tuple[range, ...]:
        """Input positions of each output (0-based), padding left out: never empty, since the
        padding is below the size."""
        starts = (i * self.step - self.padding for i in range(self.out_width(width)))
        return tuple(range(max(s, 0), min(s + self.size, width)) for s in starts)


def parse_pool(text: str, word: str, keys: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """``SIZE [key=N ...]`` of a pooling layer."""
    words = text.split()
    if not words:
        raise SpecError(f"{word} needs a window size, e.g. {word} 2")
    return integer(words[0], f"{word} size"), options(words[1:], keys, word)


def describe_pool(word: str, pool: Pool) -> str:
    """``avgpool 2 s=1`` back from the layer."""
    text = f"{word} {pool.size}" + ("" if pool.stride is None else f" s={pool.stride}")
    return text + (f" p={pool.padding}" if pool.padding else "")
