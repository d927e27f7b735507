"""``symcollapse derive``: the options only the command line has."""

from __future__ import annotations

import pytest

from symcollapse.cli import main
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


@pytest.mark.parametrize("detail", ["brief", "standard", "full"])
@pytest.mark.parametrize(
    ("base", "ranges"), [(0, ("0", "1", "d_{1} - 1")), (1, ("1", "2", "d_{1}"))]
)
def test_ranges_and_sums_over_entries_follow_the_index_base(detail, base, ranges, capsys):
    """Entry ranges and Σ bounds are written in the index base at every level; the layer
    count stays 1-based (``W_1`` is the first layer in every notation)."""
    argv = ["derive", "3", "3", "2", "--index-base", str(base), "--detail", detail]
    assert main([*argv, "--format", "markdown"]) == 0  # derive rereads what it wrote
    out = capsys.readouterr().out
    first, last_output, last_unit = ranges
    assert rf"w^{{(1)}}_{{{first}{first}}}" in out or detail != "full"
    if detail != "full":  # the full level writes every entry instead of the Σ forms
        assert rf"\sum_{{k_{{1}}={first}}}^{{{last_unit}}}" in out
    if detail == "standard":  # the level that states the ranges in words
        assert rf"i = {first}, \dots, {last_output}" in out
        assert rf"k_{{1}} = {first}, \dots, {last_unit}" in out
    assert r"k = 1, \dots, 2" in out


@pytest.mark.parametrize("form", ["latex", "markdown", "typst", "html"])
def test_values_in_scientific_notation_are_read_back(form, tmp_path, capsys):
    """Small trained weights print as ``1.164 \\cdot 10^{-5}`` with --digits; the re-read took the
    negative power for an unreadable superscript (exit 3 on real models in every format)."""
    import json

    values = tmp_path / "v.json"
    weights = [[[0.00001234, 2.5], [1.5, -0.3]], [[0.7, 0.000002]]]
    values.write_text(json.dumps({"weights": weights, "biases": [[0.1, -3.5e-7], [0.35]]}))
    argv = ["derive", "2", "2", "1", "--values", str(values), "--format", form, "--digits", "4"]
    assert main(argv) == 0
    assert "10" in capsys.readouterr().out


@pytest.mark.parametrize("power", ["2^{1000000000}", "10^{-1000000000}", "0^{-1}"])
def test_a_document_with_a_huge_or_undefined_power_is_refused_in_a_line(power, tmp_path, capsys):
    document = tmp_path / "doc.md"
    rows = f"a &= {power} \\\\\na &= 3"
    document.write_text(f"$$\n\\begin{{aligned}}\n{rows}\n\\end{{aligned}}\n$$\n")
    status = main(["check", str(document)])
    assert status in (1, 2)
    assert capsys.readouterr().err.count("\n") <= 1


@pytest.mark.parametrize(
    ("widths", "said"),
    [
        (("2", "3", "3", "1"), ["2 entries", "3 units", "1 entry."]),
        (("1", "1", "2"), ["1 entry,", "1 unit", "2 entries."]),
        (("3", "1"), ["3 entries", "1 entry;"]),
    ],
)
def test_the_network_sentence_counts_in_the_right_number(widths, said, capsys):
    assert main(["derive", *widths, "--format", "text"]) == 0
    sentence = " ".join(capsys.readouterr().out.split("Every activation")[0].split())
    for words in said:
        assert words in sentence, sentence
