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


@pytest.mark.parametrize("widths", [("2", "3", "3", "1"), ("1", "1"), ("3", "2", "4")])
@pytest.mark.parametrize("form", ["markdown", "latex", "json"])
def test_the_widths_are_parsed_once(widths, form, monkeypatch, capsys):
    """The command parses its widths and hands the parsed spec down: no layer parses them again."""
    import sys

    from symcollapse.cli import main
    from symcollapse.spec import widths as module

    original = module.parse_widths
    calls = []

    def counted(values):
        calls.append(values)
        return original(values)

    for name, loaded in list(sys.modules.items()):  # every module holding the name, not only one
        if name.startswith("symcollapse") and getattr(loaded, "parse_widths", None) is original:
            monkeypatch.setattr(loaded, "parse_widths", counted)
    assert main(["derive", *widths, "--format", form]) == 0
    assert capsys.readouterr().out
    assert calls == [list(widths)]
