"""The compact layer string of the CLI, e.g. ``"2 > dense 3 relu > residual(dense 3) > dense 1"``.

Grammar (words separated by spaces, layers by ``>``)::

    spec     := WIDTH (">" layer)+
    layer    := "dense" UNITS [activation]
              | "conv1d" "k=" K ["s=" S] ["p=" P]       (one channel; stride 1, padding 0)
              | "avgpool" SIZE ["s=" S]                  (stride defaults to SIZE)
              | "maxpool" SIZE ["s=" S]
              | "batchnorm"                              (at inference)
              | "dropout" [RATE]                         (at inference: the identity)
              | "residual(" layer (">" layer)* ")"       (h + g(h), g affine)
    activation := identity | relu | leaky_relu(ALPHA) | tanh | sigmoid

A spec file holds the same string; lines are joined and ``#`` starts a comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from symcollapse.errors import SpecError
from symcollapse.spec.activations import activation
from symcollapse.spec.files import read_text
from symcollapse.spec.layers import (
    AvgPool,
    BatchNorm,
    Conv1D,
    Dense,
    Dropout,
    Layer,
    LayerSpec,
    MaxPool,
    Residual,
)
from symcollapse.spec.numbers import parse_integer

#: Longest layer string (or spec file, comments dropped) read: far more than any network within
#: the size limits needs, and short enough that every pass over it is instant.
MAX_SPEC_CHARS = 10_000

#: Deepest parentheses: ``residual(dense 3 leaky_relu(1/10))``; residual blocks do not nest.
MAX_NESTING = 2

_RESIDUAL = re.compile(r"^residual\s*\((?P<inner>.*)\)$", re.DOTALL)
_ACTIVATION = re.compile(r"^(?P<name>[a-z_]+)(?:\((?P<alpha>[^()]*)\))?$")


def _split(text: str) -> list[str]:
    """Split on ``>`` outside parentheses; refuse unbalanced or too deep parentheses.

    Parentheses nest at most :data:`MAX_NESTING` deep (an activation inside a residual block),
    so the recursive :func:`parse_layer` can never reach Python's recursion limit.
    """
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise SpecError(
                    f"parentheses nest more than {MAX_NESTING} deep in layer string {text!r:.60}"
                )
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise SpecError(f"unbalanced ')' in layer string {text!r}")
        if char == ">" and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if depth:
        raise SpecError(f"unbalanced '(' in layer string {text!r}")
    parts.append("".join(current).strip())
    if any(not part for part in parts):
        raise SpecError(f"empty layer in layer string {text!r}")
    return parts


def _integer(word: str, what: str) -> int:
    return parse_integer(word, what, minimum=0)


def _options(words: list[str], allowed: tuple[str, ...], layer: str) -> dict[str, int]:
    """``k=2 s=1`` -> ``{"k": 2, "s": 1}``; unknown or repeated keys are errors."""
    options: dict[str, int] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or key not in allowed:
            raise SpecError(
                f"unknown option {word!r} for {layer}; known: {', '.join(a + '=' for a in allowed)}"
            )
        if key in options:
            raise SpecError(f"option {key}= given twice for {layer}")
        options[key] = _integer(value, f"{layer} option {key}")
    return options


def _dense(words: list[str]) -> Dense:
    if not 1 <= len(words) <= 2:
        raise SpecError(f"dense takes UNITS [ACTIVATION], got {' '.join(words)!r}")
    units = _integer(words[0], "dense units")
    if len(words) == 1:
        return Dense(units)
    match = _ACTIVATION.match(words[1])
    if match is None:
        raise SpecError(f"cannot read activation {words[1]!r}")
    return Dense(units, activation(match["name"], match["alpha"]))


def _conv1d(words: list[str]) -> Conv1D:
    options = _options(words, ("k", "s", "p"), "conv1d")
    if "k" not in options:
        raise SpecError("conv1d needs a kernel size k=K")
    return Conv1D(options["k"], options.get("s", 1), options.get("p", 0))


def _pool(kind: type[AvgPool] | type[MaxPool], name: str) -> Callable[[list[str]], Layer]:
    def parse(words: list[str]) -> Layer:
        if not words:
            raise SpecError(f"{name} needs a window size, e.g. {name} 2")
        size = _integer(words[0], f"{name} size")
        return kind(size, _options(words[1:], ("s",), name).get("s"))

    return parse


def _batchnorm(words: list[str]) -> BatchNorm:
    if words:
        raise SpecError(f"batchnorm takes no arguments, got {' '.join(words)!r}")
    return BatchNorm()


def _dropout(words: list[str]) -> Dropout:
    if len(words) > 1:
        raise SpecError(f"dropout takes at most a rate, got {' '.join(words)!r}")
    return Dropout(words[0]) if words else Dropout()


#: First word of a layer -> how to read the rest.
LAYER_RULES: dict[str, Callable[[list[str]], Layer]] = {
    "dense": _dense,
    "conv1d": _conv1d,
    "avgpool": _pool(AvgPool, "avgpool"),
    "maxpool": _pool(MaxPool, "maxpool"),
    "batchnorm": _batchnorm,
    "dropout": _dropout,
}


def parse_layer(text: str) -> Layer:
    """One layer from its text, e.g. ``"conv1d k=3 s=2"`` or ``"residual(dense 3)"``."""
    if not isinstance(text, str) or len(text) > MAX_SPEC_CHARS:
        raise SpecError(f"a layer must be text of at most {MAX_SPEC_CHARS:,} characters")
    residual = _RESIDUAL.match(text)
    if residual is not None:
        if not residual["inner"].strip():
            raise SpecError("a residual block needs at least one layer inside")
        return Residual(tuple(parse_layer(part) for part in _split(residual["inner"])))
    words = text.split()
    if not words:
        raise SpecError("empty layer: give a layer such as 'dense 3'")
    rule = LAYER_RULES.get(words[0])
    if rule is None:
        known = ", ".join([*LAYER_RULES, "residual(...)"])
        raise SpecError(f"unknown layer {words[0]!r}; known: {known}")
    return rule(words[1:])


def parse_layers(text: str) -> LayerSpec:
    """A :class:`LayerSpec` from the compact string; raise :class:`SpecError` when invalid."""
    if not isinstance(text, str):
        raise SpecError(f"a layer string must be text, got {type(text).__name__}")
    if len(text) > MAX_SPEC_CHARS:
        raise SpecError(
            f"the layer string has {len(text):,} characters, above the limit of {MAX_SPEC_CHARS:,}"
        )
    parts = _split(text.strip())
    if len(parts) < 2:
        raise SpecError(f"a layer string is 'WIDTH > layer > ...', got {text!r}")
    width = _integer(parts[0], "input width")
    return LayerSpec(width, tuple(parse_layer(part) for part in parts[1:]))


def read_spec_file(path: str | Path) -> LayerSpec:
    """A layer string from a regular file of bounded size (lines joined, ``#`` comments dropped)."""
    raw = read_text(path, "spec file", max_bytes=16 * MAX_SPEC_CHARS)
    lines = [line.split("#", 1)[0].strip() for line in raw.splitlines()]
    return parse_layers(" ".join(line for line in lines if line))
