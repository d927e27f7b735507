from __future__ import annotations

import os
import stat

import pytest

from symcollapse.errors import OptionError
from symcollapse.io.output_files import check_directory, check_target, write_files


def test_writes_every_file(tmp_path):
    written = write_files(tmp_path / "out", {"a.tex": "A", "b.md": "B"})
    assert [p.name for p in written] == ["a.tex", "b.md"]
    assert (tmp_path / "out" / "a.tex").read_text() == "A"
    assert stat.S_IMODE((tmp_path / "out" / "a.tex").stat().st_mode) == 0o644
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.tex", "b.md"]


def test_failure_leaves_old_files_and_no_temporaries(tmp_path, monkeypatch):
    (tmp_path / "a.tex").write_text("old")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_files(tmp_path, {"a.tex": "new", "b.md": "B"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.tex"]
    assert (tmp_path / "a.tex").read_text() == "old"


def test_a_failed_write_removes_the_directories_it_created(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_files(tmp_path / "new" / "deeper", {"a.tex": "A"})
    assert list(tmp_path.iterdir()) == []


def test_a_refused_write_removes_the_directories_it_created(tmp_path):
    with pytest.raises(OptionError, match="not a plain file name"):
        write_files(tmp_path / "new", {"a.tex": "A", "..": "B"})
    assert list(tmp_path.iterdir()) == []


def test_a_directory_that_was_there_stays(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(OptionError):
        write_files(tmp_path / "out", {"..": "B"})
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("inside", ["", "below/deeper"])
def test_check_directory_refuses_a_file_on_the_path(tmp_path, inside):
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / inside
    with pytest.raises(
        OptionError, match=r"^cannot write into .*: (it|'.*file') is not a directory$"
    ):
        check_directory(target)
    check_directory(tmp_path / "missing" / "deeper")  # creatable: accepted, nothing made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_check_target_refuses_what_write_files_would(tmp_path):
    (tmp_path / "model.onnx").mkdir()
    with pytest.raises(OptionError, match="exists and is not a regular file"):
        check_target(tmp_path / "model.onnx")
    with pytest.raises(OptionError, match="exists and is not a regular file"):
        write_files(tmp_path, {"model.onnx": b""})
    check_target(tmp_path / "other.onnx")
