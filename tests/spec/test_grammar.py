"""The compact layer string: every layer kind reads back, and bad strings are one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.errors import OptionError, SpecError
from symcollapse.spec.activations import activation
from symcollapse.spec.grammar import parse_layers, read_spec_file
from symcollapse.spec.layers import Conv1D, Dense, Dropout, MaxPool, Residual

ROUND_TRIP = [
    "2 > dense 3 relu > residual(dense 3) > dense 1",
    "6 > conv1d k=3 s=2 p=1 > batchnorm > avgpool 2 > dense 1",
    "4 > dense 4 leaky_relu(1/10) > maxpool 2 s=1 > dropout 1/4 > dense 2 tanh",
    "3 > residual(dense 2 > dense 3) > dense 1 sigmoid",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_description_reads_back_to_the_same_spec(text: str) -> None:
    spec = parse_layers(text)
    assert parse_layers(spec.describe()) == spec


def test_parsed_layers() -> None:
    spec = parse_layers(
        " 5 >conv1d k=2 s=1 p=1> dense 2 leaky_relu(0.2) > residual( dense 2 ) "
        "> maxpool 2 > dropout"
    )
    assert spec.layers == (
        Conv1D(2, 1, 1),
        Dense(2, activation("leaky_relu", "1/5")),
        Residual((Dense(2),)),
        MaxPool(2),
        Dropout(),
    )


def test_spec_file_joins_lines_and_drops_comments(tmp_path: Path) -> None:
    path = tmp_path / "net.txt"
    path.write_text("# a residual net\n2 > dense 3\n  > residual(dense 3)  # skip\n> dense 1\n")
    assert read_spec_file(path) == parse_layers("2 > dense 3 > residual(dense 3) > dense 1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2 > dense 3 > convolution 2",
            r"^unknown layer 'convolution'; known: dense, conv1d, avgpool, maxpool, batchnorm, "
            r"dropout, residual\(\.\.\.\)$",
        ),
        ("2 > dense 3 > dense", r"^dense takes UNITS \[ACTIVATION\], got ''$"),
        ("2 > dense three", r"^dense units must be an integer, got 'three'$"),
        (
            "2 > dense 3 softplus",
            r"^unknown activation 'softplus'; known: identity, relu, leaky_relu, tanh, sigmoid$",
        ),
        ("2 > dense 3 relu(", r"^unbalanced '\(' in layer string '2 > dense 3 relu\('$"),
        ("2 > dense 3 > > dense 1", r"^empty layer in layer string '2 > dense 3 > > dense 1'$"),
        ("2", r"^a layer string is 'WIDTH > layer > \.\.\.', got '2'$"),
        ("x > dense 1", r"^input width must be an integer, got 'x'$"),
        ("2 > conv1d s=1", r"^conv1d needs a kernel size k=K$"),
        (
            "2 > conv1d k=3",
            r"^conv1d kernel size 3 is larger than its input of width 2 with padding 0$",
        ),
        ("4 > conv1d k=2 q=1", r"^unknown option 'q=1' for conv1d; known: k=, s=, p=, d=, pe=$"),
        ("4 > conv1d k=2 k=3", r"^option k= given twice for conv1d$"),
        ("4 > avgpool", r"^avgpool needs a window size, e.g. avgpool 2$"),
        ("4 > batchnorm 2", r"^batchnorm takes no arguments, got '2'$"),
        ("4 > dropout half", r"^dropout rate must be a number or a string like '3/4', got 'half'$"),
        ("4 > dropout 1/0", r"^dropout rate has a zero denominator: '1/0'$"),
        ("4 > dense 2 leaky_relu(1/0)", r"^leaky_relu slope alpha has a zero denominator: '1/0'$"),
        ("4 > residual()", r"^a residual block needs at least one layer inside$"),
        (
            "3 > dense 2 > residual(dense 3)",
            r"^a residual block must keep the width: input 2, block output 3$",
        ),
        (
            "3 > residual(dense 3 relu)",
            r"^a residual block holds affine layers only, got dense 3 relu: "
            r"relu is piecewise affine, not affine$",
        ),
    ],
)
def test_bad_layer_strings_are_one_line_spec_errors(text: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_layers(text)


def test_missing_spec_file_is_an_option_error(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(OptionError, match=r"^cannot read spec file '.*missing\.txt': .*$"):
        read_spec_file(path)


WORDS = [
    "2",
    "3",
    "0",
    "-1",
    "x",
    "dense",
    "conv1d",
    "k=2",
    "s=0",
    "p=1",
    "avgpool",
    "maxpool",
    "batchnorm",
    "dropout",
    "0.5",
    "relu",
    "tanh",
    "leaky_relu(1/2)",
    "leaky_relu(2)",
    "residual(",
    ")",
    ">",
    "(",
    "swish",
    "k=9",
    "=",
    "1/0",
    "dropout 1/0",
    "residual()",
    "leaky_relu(1/0)",
]


@given(st.lists(st.sampled_from(WORDS), max_size=12))
@settings(max_examples=300, deadline=None)
def test_any_string_is_a_spec_or_a_spec_error(words: list[str]) -> None:
    """Bad input is a typed error, never another exception."""
    text = " ".join(words)
    try:
        spec = parse_layers(text)
    except SpecError as error:
        assert "\n" not in str(error)
    else:
        assert spec.widths[0] == spec.input_width
