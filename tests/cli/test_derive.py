"""``symcollapse derive``: the options only the command line has."""

from __future__ import annotations

import pytest

from symcollapse.cli.derive import parse_entry
from symcollapse.errors import OptionError


@pytest.mark.parametrize(
    ("text", "widths", "message"),
    [
        ("1", (2, 1), "takes I,J"),
        ("1,x", (2, 1), "takes I,J"),
        ("0,1", (2, 1), "not an entry of W_z"),
        ("1,3", (2, 1), "not an entry of W_z"),
        ("\uff11,1", (2, 1), "takes I,J"),
    ],
)
def test_bad_entries_are_refused(text, widths, message):
    with pytest.raises(OptionError, match=message):
        parse_entry(text, widths)


@pytest.mark.parametrize(
    ("text", "widths", "entry"), [("1,1", (2, 1), (0, 0)), ("2,3", (3, 4, 2), (1, 2))]
)
def test_entries_are_one_based_rows_then_columns(text, widths, entry):
    assert parse_entry(text, widths) == entry
