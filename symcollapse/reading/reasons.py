"""The words of a row's reason, where they name what the document defines: "substitute
``h^{(2)}``, ``h^{(1)}`` and ``h^{(0)}``" claims that the row is the previous one with those
definitions put in. The claim is checked from the document alone: each name listed is one the
document defines (a definition row, an instance of a scheme ``h^{(k)} = ...``, its base case),
listed once, and substituted (the previous row leads to it through definitions, and this row
no longer shows it); and every defined name the substitution passes through (one neither row
shows, ``h^{(1)}`` between ``h^{(2)}`` and ``x``) is listed. "distribute ``W_{2}``" claims the
previous row multiplies ``W_{2}`` with a sum and this row does so fewer times; "induction on
``n``" that the row's statement is about ``n``. A reason in other words ("distribute and
group", "merge consecutive affine maps") is not judged here, and neither is one whose names the
reader cannot parse: it is left as it is, never a false alarm.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from symcollapse.errors import DocumentError
from symcollapse.reading.forms import key_of
from symcollapse.reading.latex import LatexParser, tokenize
from symcollapse.reading.nodes import (
    Apply,
    Document,
    Name,
    Node,
    Number,
    Product,
    Row,
    Sum,
    walk,
)
from symcollapse.reading.plain import parse_plain
from symcollapse.reading.schemes import instantiate

#: The verbs of the reasons judged here, each followed by the names it applies to:
#: "substitute A, B and C", "distribute W_{2}", "induction on n".
_VERBS = ("substitute", "distribute", "induction on")

#: What may stand between two listed names.
_SEPARATORS = {",", "and", ", and"}

#: Markdown's words inside a display: ``\text{substitute }``.
_TEXT = re.compile(r"\\text\{([^}]*)\}")


def false_reason(document: Document) -> str | None:
    """The verdict's line for the first row whose reason names what the document contradicts
    (a name it does not define, one named twice, one not substituted, one left out, a matrix
    not distributed); None if every reason judged here holds."""
    defined = _definitions(document.rows)
    for i, row in enumerate(document.rows):
        named = _named(row.reason)
        previous = row.lhs if row.lhs is not None else _previous(document.rows, i)
        if named is None or previous is None:
            continue
        verb, listed = named
        if verb == "induction on":
            wrong = _wrong_induction(listed, row)
        elif verb == "distribute":
            wrong = _wrong_distribution(listed, previous, row.rhs)
        else:
            wrong = _wrong_substitution(listed, previous, row.rhs, defined)
        if wrong is not None:
            return f"{row.where} is false: its reason {wrong}"
    return None


def _definitions(rows: tuple[Row, ...]) -> dict[str, tuple[Node, Node]]:
    """Each name the rows define (the first row of its left side; a scheme's instances) ->
    its left side and its definition."""
    defined: dict[str, tuple[Node, Node]] = {}
    for row in rows:
        if row.lhs is None or row.relation not in ("=", ":="):
            continue
        pairs = [(row.lhs, row.rhs)]
        if row.over is not None:
            var, low, high = row.over
            pairs = [
                (instantiate(row.lhs, var, k), instantiate(row.rhs, var, k))
                for k in range(low, high + 1)
            ]
        for lhs, rhs in pairs:
            key = key_of(lhs)
            if key is not None and key not in defined:
                defined[key] = (lhs, rhs)
    return defined


def _previous(rows: tuple[Row, ...], i: int) -> Node | None:
    """The right side the row ``i`` (``&= ...``) continues from, None where it begins."""
    if i == 0 or rows[i].section != rows[i - 1].section:
        return None
    return rows[i - 1].rhs


def _keys(node: Node) -> set[str]:
    """The keys of the names (and applications, ``h(2)``) in ``node``."""
    return {key for n in walk(node) if (key := key_of(n)) is not None}


def _named(reason: str) -> tuple[str, list[Node]] | None:
    """The verb of a reason "substitute A, B and C" (or "distribute W_{2}") and the names it
    lists, parsed; None for any other reason, or one whose names do not parse."""
    words = reason.strip()
    if words.startswith("(") and words.endswith(")"):
        words = words[1:-1].strip()
    parse: Callable[[str], Node] = _latex
    if _TEXT.search(words):  # Markdown: words in \text{...}, formulas between them
        pieces = _TEXT.sub(lambda found: f"${found[1]}$", words).split("$")
        if pieces[0].strip():
            return None  # a formula first: no verb
        pieces = pieces[1:]
    elif "$" in words:
        pieces = words.split("$")
    else:  # JSON: plain words and formulas, apart by the list's separators
        head = next((verb for verb in _VERBS if words.startswith(f"{verb} ")), "")
        items = re.split(r",\s*and\s+|,\s*|\s+and\s+", words[len(head) :].strip())
        pieces = [head, *[p for item in items for p in (item, ",")]][:-1]
        parse = parse_plain
    verb = pieces[0].strip()
    if len(pieces) < 2 or verb not in _VERBS:
        return None
    texts, formulas = pieces[2::2], pieces[1::2]
    if any(t.strip() not in _SEPARATORS for t in texts[: len(formulas) - 1]):
        return None
    if len(texts) >= len(formulas) and texts[-1].strip():
        return None  # words after the list: "substitute A into B", not judged here
    try:
        return verb, [parse(formula) for formula in formulas]
    except (DocumentError, RecursionError):
        return None


def _latex(formula: str) -> Node:
    """A formula of a reason in LaTeX (and Typst's and HTML's, read as LaTeX)."""
    return LatexParser(tokenize(formula)).whole()


def _wrong_substitution(
    listed: list[Node], previous: Node, current: Node, defined: dict[str, tuple[Node, Node]]
) -> str | None:
    """What is wrong with "substitute ``listed``" between the rows ``previous`` and
    ``current`` under the definitions ``defined``; None if it holds."""
    found = [key_of(node) for node in listed]
    keys = [key for key in found if key is not None]
    if len(keys) < len(found):
        return None  # not a name: not judged
    shown = {key: _shown(node) for key, node in zip(keys, listed, strict=True)}
    before, after = _keys(previous), _keys(current)
    passed: list[str] = []  # the defined names the substitution goes through, in order
    queue = [key for key in sorted(before) if key in defined and key not in after]
    while queue:
        key = queue.pop(0)
        if key in passed:
            continue
        passed.append(key)
        later = _keys(defined[key][1])
        queue += sorted(k for k in later if k in defined and k not in after and k not in passed)
    seen: set[str] = set()
    for key in keys:
        if key not in defined:
            return f"names {shown[key]}, which the document does not define"
        if key in seen:
            return f"names {shown[key]} twice"
        seen.add(key)
        if key not in passed:
            return f"names {shown[key]}, which it does not substitute"
    between = [key for key in passed if key not in before and key not in seen]
    if between:
        return f"does not name {_shown(defined[between[0]][0])}, which it substitutes"
    return None


def _wrong_distribution(listed: list[Node], previous: Node, current: Node) -> str | None:
    """What is wrong with "distribute ``listed``" between the rows ``previous`` and
    ``current``: a matrix the previous row does not multiply with a sum, or one this row still
    multiplies with as many; None if it holds."""
    for node in listed:
        key = key_of(node)
        if key is None:
            return None  # not a name: not judged
        before, after = _over_sums(previous, key), _over_sums(current, key)
        if not before:
            return f"names {_shown(node)}, which the previous row does not multiply with a sum"
        if after >= before:
            return f"names {_shown(node)}, which this row does not distribute"
    return None


def _wrong_induction(listed: list[Node], row: Row) -> str | None:
    """What is wrong with "induction on ``listed``" for ``row``: not one name, or one the
    row's statement does not use (as a name or in an index, ``h^{(n)}``); None if it holds."""
    if len(listed) != 1 or not isinstance(listed[0], Name):
        return None  # not one name: not judged
    var = listed[0].key
    index = re.compile(rf"(?<![A-Za-z\\]){re.escape(var)}(?![A-Za-z])")
    names = [n for side in (row.lhs, row.rhs) if side for n in walk(side) if isinstance(n, Name)]
    if any(n.key == var or index.search(n.sub + n.sup) for n in names):
        return None
    return f"names {var}, which the row's statement does not use"


def _over_sums(node: Node, key: str) -> int:
    """How many times ``node`` multiplies the name ``key`` with a sum beside it, on either
    side (``W_{2} (W_{1} x + b_{1})``; ``(x W_{1} + b_{1}) W_{2}`` in the row convention)."""
    count = 0
    for product in walk(node):
        if not isinstance(product, Product):
            continue
        factors = product.factors
        for k, factor in enumerate(factors):
            beside = factors[max(k - 1, 0) : k] + factors[k + 1 : k + 2]
            if key_of(factor) == key and any(isinstance(b, Sum) for b in beside):
                count += 1
    return count


def _shown(node: Node) -> str:
    """A name as a person reads it: ``h^{(2)}``, JSON's ``h(2)``."""
    if isinstance(node, Apply) and isinstance(node.argument, Name | Number):
        return f"{_shown(node.function)}({_shown(node.argument)})"
    if isinstance(node, Number):
        return str(node.value)
    return node.key if isinstance(node, Name) else repr(node)
