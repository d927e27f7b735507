"""Elided products and sums (``W_{n} W_{n-1} \\cdots W_{1}``, ``a_{1} + \\cdots + a_{n}``) at
whole-number indices, continued by their printed pattern.

The printed factors next to the dots are one letter with whole-number indices (once a depth
``n`` is set): those before the dots and those after must form one arithmetic sequence, whose
step the document shows (two factors in a row, ``W_{n+1} W_{n}``: step -1, the same for every
elision of that letter in the document) or, where it shows none, the endpoints give
(``W_{4} \\cdots W_{1}``: down). A sequence of no terms is the empty product ``I`` (the
document's ``W_{n+1} \\cdots W_{n+2} := I``) or the empty sum 0; a sequence the printed terms
contradict (steps that differ, an end the step never reaches) is a :class:`DocumentError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.nodes import Elided, Name, Node, Number, Product, Sum

#: Most terms one elision may stand for (documents are checked at small depths).
MAX_TERMS = 1000

#: Which letter (base and label) an elided sequence runs over.
Letter = tuple[str, str]


def _index(node: Node, letter: Letter | None = None) -> int | None:
    """The whole-number index of ``node`` if it is a name of ``letter`` (any letter if None)."""
    if not isinstance(node, Name) or not node.sub.lstrip("-").isdecimal():
        return None
    if letter is not None and (node.base, node.sup) != letter:
        return None
    return int(node.sub)


def _runs(node: Elided) -> tuple[Letter, list[int], list[int]]:
    """The letter of the sequence and the indices printed before and after the dots."""
    last = node.before[-1]
    letter = (last.base, last.sup) if isinstance(last, Name) and _index(last) is not None else None
    if letter is None or _index(node.after[0], letter) is None:
        raise DocumentError("an elision between terms of no one indexed letter")
    before: list[int] = []
    for term in reversed(node.before):
        if _index(term, letter) is None:
            break
        before.insert(0, _index(term, letter))  # type: ignore[arg-type]
    after: list[int] = []
    for term in node.after:
        if _index(term, letter) is None:
            break
        after.append(_index(term, letter))  # type: ignore[arg-type]
    return letter, before, after


def _shown_step(indices: list[int]) -> int | None:
    """The step two or more indices printed in a row show, or None for one."""
    steps = {b - a for a, b in itertools.pairwise(indices)}
    if len(steps) > 1 or 0 in steps:
        raise DocumentError(f"the indices {indices} next to an elision are no arithmetic sequence")
    return steps.pop() if steps else None


def learn_steps(
    elisions: Iterable[Elided], known: dict[Letter, int] | None = None
) -> dict[Letter, int]:
    """The step each letter's elisions show in the document (two printed terms in a row),
    besides those ``known`` already; a letter shown with two different steps is ambiguous."""
    steps: dict[Letter, int] = dict(known or {})
    for node in elisions:
        letter, before, after = _runs(node)
        for shown in (_shown_step(before), _shown_step(after)):
            if shown is None:
                continue
            if steps.setdefault(letter, shown) != shown:
                name = Name(letter[0], sup=letter[1]).key
                raise DocumentError(
                    f"the elisions of {name} step by {steps[letter]} and by {shown}: ambiguous"
                )
    return steps


def expand(node: Elided, steps: dict[Letter, int]) -> Node:
    """``node`` at whole-number indices as the product or sum it stands for, by the step
    :func:`learn_steps` found for its letter, else by its endpoints."""
    letter, before, after = _runs(node)
    shown = {_shown_step(before), _shown_step(after)} - {None}
    learned = steps.get(letter)
    if len(shown) > 1 or (learned is not None and shown and shown != {learned}):
        raise DocumentError("an elision whose printed terms step differently")
    first, last = before[0], after[-1]
    step: int = learned or (shown.pop() if shown else None) or (1 if last >= first else -1)
    count = (last - first) // step + 1
    if (last - first) % step or count < 0:
        raise DocumentError(
            f"an elision from index {first} to {last} that steps of {step} never reach"
        )
    if count > MAX_TERMS:
        raise DocumentError(f"an elision of {count:,} terms (at most {MAX_TERMS:,} are read)")
    base, sup = letter
    run = [Name(base, str(first + step * i), sup) for i in range(count)]
    terms = [*node.before[: -len(before)], *run, *node.after[len(after) :]]
    if node.sum:
        return terms[0] if len(terms) == 1 else Sum(tuple(terms)) if terms else Number(sp.S(0))
    return terms[0] if len(terms) == 1 else Product(tuple(terms)) if terms else Name("I")


def expand_arguments(before: tuple[Node, ...], after: tuple[Node, ...]) -> tuple[Node, ...]:
    """A function's arguments ``x_{1}, \\dots, x_{8}`` (``before`` and ``after`` the dots) as
    the names they stand for, continued by their printed pattern as :func:`expand` continues
    a product's factors; a :class:`DocumentError` where the pattern does not say."""
    node = expand(Elided(before, after, sum=False), {})
    return node.factors if isinstance(node, Product) else (node,)
