"""Line breaking of layout boxes: lines fit where there is a place to break, and nothing is lost
or reordered (the lines read in a row are the formula)."""

from __future__ import annotations

import itertools

import pytest

from symcollapse import derive
from symcollapse.render.boxes import NetworkBoxPrinter
from symcollapse.render.mathtree import MINUS, Ident, Num, Op, Row, Script, lines, width


def _items(box):
    """Every leaf box in reading order, parentheses as characters."""
    if isinstance(box, Row):
        return [leaf for item in box.items for leaf in _items(item)]
    if hasattr(box, "body") and box.open == "(":
        return [Op("("), *_items(box.body), Op(")")]
    return [box]


def _breakable(leaves) -> bool:
    """Whether a sign, or a parenthesis after a factor, follows the first leaf."""
    return any(
        isinstance(leaf, Op)
        and leaf.text in ("+", MINUS, "(")
        and not (isinstance(before, Op) and before.text in ("+", MINUS, "("))
        for before, leaf in itertools.pairwise(leaves)
    )


@pytest.mark.parametrize("widths", [(1,) * 14, (3, 4, 4, 2), (2, 5, 1)])
@pytest.mark.parametrize("room", [12.0, 20.0, 34.4])
def test_every_step_breaks_into_fitting_lines_that_read_as_the_formula(widths, room):
    derivation = derive(widths)
    printer = NetworkBoxPrinter(derivation.symbols)
    for section in derivation.sections:
        for step in section.steps:
            box = printer.doprint(step.rhs)
            broken = lines(box, room)
            assert [leaf for line in broken for leaf in _items(line)] == _items(box)
            for line in broken:  # too wide only with nowhere to break (one long product)
                assert width(line) <= room or not _breakable(_items(line)), line


def test_a_continued_line_starts_with_its_sign_or_a_parenthesis():
    sum_ = Row(
        tuple(x for k in range(30) for x in (Op("+" if k % 2 else MINUS), Ident("w"), Num(str(k))))[
            1:
        ],
        sum=True,
    )
    broken = lines(sum_, 10.0)
    assert len(broken) > 1
    assert all(line.items[0].text in ("+", MINUS, "(") for line in broken[1:])


@pytest.mark.parametrize("room", [8.0, 12.0, 20.0])
def test_a_function_keeps_its_parenthesis_on_its_line(room):
    """``sigma_8(W_8 sigma_7(...``: a line may break inside the argument list, never between
    a function and its parenthesis (a line ending in ``sigma_8``, the next one in ``(``)."""
    derivation = derive((1,) * 8, detail="full")
    printer = NetworkBoxPrinter(derivation.symbols)
    rhs = next(s.rhs for s in derivation.sections[0].steps if "Activation" in repr(s.rhs))
    broken = lines(printer.doprint(rhs), room)
    assert len(broken) > 1
    for line, after in itertools.pairwise(broken):
        last = _items(line)[-1]
        assert not (isinstance(last, Script) and _items(after)[0] == Op("(")), (line, after)
