"""The compact layer string of the CLI, e.g. ``"2 > dense 3 relu > residual(dense 3) > dense 1"``.

Grammar (words separated by spaces, layers by ``>``)::

    spec  := WIDTH (">" layer)+
    layer := WORD REST

where ``WORD REST`` is one line of :func:`grammar_lines`: each layer kind
(:mod:`symcollapse.spec.kinds`) reads its own rest. A spec file holds the same string; lines are
joined and ``#`` starts a comment.
"""

from __future__ import annotations

import re
from pathlib import Path

from symcollapse.errors import SpecError
from symcollapse.spec.input_files import read_text
from symcollapse.spec.kinds.base import integer
from symcollapse.spec.kinds.registry import BY_WORD, KINDS
from symcollapse.spec.layers import Layer, LayerSpec

#: Longest layer string (or spec file, comments dropped) read: far more than any network within
#: the size limits needs, and short enough that every pass over it is instant.
MAX_SPEC_CHARS = 10_000

#: Deepest parentheses: ``residual(dense 3 leaky_relu(1/10))``; residual blocks do not nest.
MAX_NESTING = 2

_WORD = re.compile(r"^(?P<word>[a-z_][a-z0-9_]*)\s*(?P<rest>.*)$", re.DOTALL)


def _split(text: str) -> list[str]:
    """Split on ``>`` outside parentheses; refuse unbalanced or too deep parentheses.

    Parentheses nest at most :data:`MAX_NESTING` deep (an activation inside a residual block),
    so the recursive :func:`parse_layer` can never reach Python's recursion limit.
    """
    parts: list[str] = []
    current: list[str] = []
    depth = 0
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


def grammar_lines() -> list[str]:
    """One line per layer kind: its word and the syntax of the rest."""
    return [k.word + ("" if k.syntax.startswith("(") else " ") + k.syntax for k in KINDS]


def _sequence(text: str) -> tuple[Layer, ...]:
    return tuple(parse_layer(part) for part in _split(text))


def parse_layer(text: str) -> Layer:
    """One layer from its text, e.g. ``"conv1d k=3 s=2"`` or ``"residual(dense 3)"``."""
    if not isinstance(text, str) or len(text) > MAX_SPEC_CHARS:
        raise SpecError(f"a layer must be text of at most {MAX_SPEC_CHARS:,} characters")
    match = _WORD.match(text.strip())
    if match is None:
        if not text.strip():
            raise SpecError("empty layer: give a layer such as 'dense 3'")
        raise SpecError(f"cannot read layer {text.strip()!r:.60}")
    kind = BY_WORD.get(match["word"])
    if kind is None:
        known = ", ".join(k.word + ("(...)" if k.syntax.startswith("(") else "") for k in KINDS)
        raise SpecError(f"unknown layer {match['word']!r}; known: {known}")
    return kind.parse(match["rest"].strip(), _sequence)


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
    width = integer(parts[0], "input width")
    return LayerSpec(width, tuple(parse_layer(part) for part in parts[1:]))


def read_spec_file(path: str | Path) -> LayerSpec:
    """A layer string from a regular file of bounded size (lines joined, ``#`` comments dropped)."""
    raw = read_text(path, "spec file", max_bytes=16 * MAX_SPEC_CHARS)
    lines = [line.split("#", 1)[0].strip() for line in raw.splitlines()]
    return parse_layers(" ".join(line for line in lines if line))
