"""Rows stated for a range of an index: ``h^{(k)} = W_k h^{(k-1)} + b_k`` with the reason
``k = 1, \\dots, 3, with h^{(0)} = x`` (or ``k = 1``, one value). The reader reads the range
and the base case from the reason's words as printed, and gives the row one instance per index
value: a definition (``h^{(2)} = W_2 h^{(1)} + b_2``), or a check for a scalar form
(``f_{i}(x_{1}, x_{2}) = ...``); a reason that states no literal range makes no scheme.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sympy as sp

from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Entry,
    IndexSum,
    MatrixLiteral,
    Name,
    Negative,
    Node,
    Number,
    Power,
    Product,
    Quotient,
    Sum,
    Transpose,
)

#: ``k = 1, \dots, 3`` (LaTeX) or ``k = 1, ..., 3`` (JSON): the index and its literal range.
_RANGE = re.compile(
    r"(?<![A-Za-z\\])(?P<var>[a-z])\s*=\s*(?P<lo>\d+)"
    r"(?:\s*,\s*(?:\\l?dots|\.\.\.|…)\s*,\s*(?P<hi>\d+)|(?=\s*(?:[$,)]|\\right|\\text\{,)))"
)

#: The base case after ``with`` (markup around it removed first).
_WITH = re.compile(r"\bwith\s+(?P<case>.+?)\s*$")

#: Markup of a reason that is not part of its formulas.
_MARKUP = re.compile(r"\\text\{[^}]*\}|\$`?|`?\$|\\left\(|\\right\)|^\s*\(|\)\s*$")

#: An index variable, and an offset, inside a printed subscript or label: ``k``, ``k-1``.
_OFFSET = r"(?<![A-Za-z\\])({var})(?:([+-])(\d+))?(?![A-Za-z])"


def scheme(reason: str) -> tuple[str, int, int] | None:
    """The index and its range a reason states (``k = 1, \\dots, 3``), or None."""
    found = _RANGE.search(reason)
    if found is None:
        return None
    low, high = int(found["lo"]), int(found["hi"] or found["lo"])  # k = 1: one value
    return (found["var"], low, high) if low <= high <= 10**4 else None


def base_case(reason: str) -> str | None:
    """The formula after ``with`` in a reason (``h^{(0)} = x``), markup removed, or None."""
    words = reason
    for text in re.findall(r"\\text\{([^}]*)\}", reason):  # Markdown: the words in \text
        words = words.replace(f"\\text{{{text}}}", f" {text} ")
    words = _MARKUP.sub(" ", words).strip()
    found = _WITH.search(words)
    return found["case"].strip() if found else None


@lru_cache(maxsize=1 << 16)
def _index(text: str, var: str, value: int) -> str:
    """``text`` (a subscript or label) with ``var`` and ``var-1`` replaced by numbers; two
    one-character indices (``ij``, ``i1``, the flat ``1,ij``) keep apart by a comma (``2,j``,
    ``2,1``, ``1,2,j``)."""
    head, comma, last = text.rpartition(",")
    if len(last) == 2 and var in last and re.fullmatch(r"[a-z\d]{2}", last):
        pair = ",".join(str(value) if c == var else c for c in last)
        return _index(head, var, value) + comma + pair if comma else pair

    def number(found: re.Match[str]) -> str:
        offset = int(found[3]) if found[3] else 0
        return str(value + (offset if found[2] == "+" else -offset))

    return re.sub(_OFFSET.format(var=re.escape(var)), number, text)


def instantiate(node: Node, var: str, value: int) -> Node:
    """``node`` with the index ``var`` set to ``value`` in every name and index (and numbers
    added up where the index was a formula's operand, ``h(k - 1)`` in plain formulas)."""
    if isinstance(node, Name):
        if node.key == var:
            return Number(sp.Integer(value))
        if var not in node.sub and var not in node.sup:  # most names of a long sum's body
            return node
        return Name(node.base, _index(node.sub, var, value), _index(node.sup, var, value))
    if isinstance(node, Number | MatrixLiteral):
        return node
    if isinstance(node, Entry):
        return Entry(instantiate(node.matrix, var, value), _index(node.index, var, value))
    if isinstance(node, Apply):
        function = instantiate(node.function, var, value)
        return Apply(function, instantiate(node.argument, var, value))  # type: ignore[arg-type]
    if isinstance(node, Arguments):
        return Arguments(tuple(instantiate(n, var, value) for n in node.items))
    if isinstance(node, Sum):
        terms = tuple(instantiate(n, var, value) for n in node.terms)
        return Number(sp.Add(*_numbers(terms))) if all(map(_numeric, terms)) else Sum(terms)
    if isinstance(node, Product):
        return Product(tuple(instantiate(n, var, value) for n in node.factors))
    if isinstance(node, Negative):
        return Negative(instantiate(node.operand, var, value))
    if isinstance(node, Transpose):
        return Transpose(instantiate(node.operand, var, value))
    if isinstance(node, Power):
        return Power(instantiate(node.base, var, value), node.exponent)
    if isinstance(node, IndexSum):
        low = None if node.low is None else instantiate(node.low, var, value)
        high = instantiate(node.high, var, value)
        body = node.body if node.index.key == var else instantiate(node.body, var, value)
        return IndexSum(node.index, low, high, body)
    if isinstance(node, Quotient):
        return Quotient(
            instantiate(node.numerator, var, value), instantiate(node.denominator, var, value)
        )
    return node


def _numeric(node: Node) -> bool:
    return isinstance(node, Number) or (
        isinstance(node, Negative) and isinstance(node.operand, Number)
    )


def _numbers(terms: tuple[Node, ...]) -> list[sp.Rational]:
    return [t.value if isinstance(t, Number) else -t.operand.value for t in terms]  # type: ignore[union-attr]
