"""User files: regular files only, bounded size, UTF-8, JSON nesting checked before parsing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.errors import OptionError, SpecError
from symcollapse.spec.input_files import json_depth, parse_json, read_json, read_text


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"a": [1, 2.5, "3/4"]}', encoding="utf-8")
    assert read_json(path, "values file") == {"a": ["1", "2.5", "3/4"]}  # numbers kept as text
    assert read_json(str(path), "values file") == {"a": ["1", "2.5", "3/4"]}


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OptionError, match=r"is a FIFO \(named pipe\), not a regular file$"):
        read_text(fifo, "spec file")


@pytest.mark.parametrize(
    ("path", "kind"), [("/dev/zero", "a character device"), ("/dev/null", "a character device")]
)
def test_devices_are_refused(path: str, kind: str) -> None:
    with pytest.raises(OptionError, match=f"is {kind}, not a regular file$"):
        read_text(path, "values file")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match=r"is a directory, not a regular file$"):
        read_text(tmp_path, "values file")


def test_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 101)
    with pytest.raises(OptionError, match=r"has 101 bytes, above the limit of 100$"):
        read_text(path, "values file", max_bytes=100)


@pytest.mark.parametrize("path", [None, 3, b"a", "", "a\0b"])
def test_what_is_not_a_path_is_refused(path: object) -> None:
    with pytest.raises(OptionError, match=r"^values file must be a file path"):
        read_text(path, "values file")


def test_bad_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(SpecError, match=r"is not UTF-8 text \(byte 0xff at position 7\)$"):
        read_text(path, "values file")


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deep_json_is_refused_before_parsing(depth: int) -> None:
    with pytest.raises(SpecError, match=f"^f nests JSON {depth} levels deep, above the limit"):
        parse_json("[" * depth + "]" * depth, "f")


def test_brackets_inside_strings_do_not_count() -> None:
    assert json_depth('["[[[[", {"a": "{{\\"}}"}]') == 2
    assert parse_json('["[[[["]', "f") == ["[[[["]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_json_or_one_typed_line(text: str) -> None:
    try:
        parse_json(text, "f")
    except SpecError as error:
        assert "\n" not in str(error)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.integers() | st.text(max_size=5), st.lists, max_leaves=60))
def test_nested_lists_within_the_limit_parse(data: object) -> None:
    import json

    text = json.dumps(data)
    if json_depth(text) <= 32:
        assert parse_json(text, "f") is not None or data is None
