"""Windows of a pooling layer, shared by average and max pooling (not a kind itself)."""

from __future__ import annotations

from dataclasses import dataclass, field

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import Layer, count, integer, options


@dataclass(frozen=True)
class Pool(Layer):
    """Windows of ``size`` entries every ``stride`` (default: ``size``) over the input padded
    with ``padding`` positions before and ``padding_end`` (default: ``padding``) after that
    hold nothing; with ``ceil`` a last partial window is kept where it starts inside the input
    or the padding before it (ONNX's and torch's ``ceil_mode``)."""

    size: int
    stride: int | None = None
    padding: int = 0
    padding_end: int | None = field(default=None, kw_only=True)
    ceil: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        count(self.size, "pool size")
        if self.stride is not None:
            count(self.stride, "pool stride")
        if count(self.padding, "pool padding", minimum=0) >= self.size:
            raise SpecError(f"pool padding {self.padding} must be below the size {self.size}")
        if count(self.end, "pool end padding", minimum=0) >= self.size:
            raise SpecError(f"pool end padding {self.end} must be below the size {self.size}")

    @property
    def end(self) -> int:
        """Positions after the input."""
        return self.padding if self.padding_end is None else self.padding_end

    @property
    def step(self) -> int:
        return self.size if self.stride is None else self.stride

    def out_width(self, width: int) -> int:
        spare = width + self.padding + self.end - self.size
        if spare < 0:
            raise SpecError(f"pool size {self.size} is larger than its input of width {width}")
        if not self.ceil:
            return spare // self.step + 1
        out = -(-spare // self.step) + 1
        return out - 1 if (out - 1) * self.step >= width + self.padding else out

    def starts(self, width: int) -> range:
        """Where each output's window starts, the padding before the input at negative
        positions."""
        return range(-self.padding, self.out_width(width) * self.step - self.padding, self.step)

    def windows(self, width: int) -> tuple[range, ...]:
        """Input positions of each output (0-based), padding left out: never empty, since the
        padding is below the size and a ceil window starts inside the input."""
        return tuple(range(max(s, 0), min(s + self.size, width)) for s in self.starts(width))


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
