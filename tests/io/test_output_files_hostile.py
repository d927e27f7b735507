"""All-or-nothing output: a blocked target, a failing write, a signal, two runs at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from symcollapse.errors import OptionError
from symcollapse.io import output_files as files
from symcollapse.io.output_files import write_files

NEW = {f"f{i}.txt": f"new {i}\n" for i in range(12)}


def _old(directory: Path) -> dict[str, str]:
    for name in NEW:
        (directory / name).write_text("old\n")
    return {p.name: p.read_text() for p in directory.iterdir()}


def _state(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in directory.iterdir() if p.is_file()}


def test_all_files_are_written(tmp_path: Path) -> None:
    written = write_files(tmp_path / "out", NEW)
    assert [p.name for p in written] == list(NEW)
    assert _state(tmp_path / "out") == NEW


@pytest.mark.parametrize("blocked", ["f0.txt", "f11.txt"])
def test_a_blocked_target_changes_nothing(tmp_path: Path, blocked: str) -> None:
    before = _old(tmp_path)
    (tmp_path / blocked).unlink()
    (tmp_path / blocked).mkdir()
    del before[blocked]
    with pytest.raises(OptionError, match=r"it exists and is not a regular file$"):
        write_files(tmp_path, NEW)
    assert _state(tmp_path) == before  # no target touched, no temporary file left


def test_a_failing_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _old(tmp_path)
    real = os.fdopen
    calls = []

    def disk_full(fd: int, *args: object, **kwargs: object):
        calls.append(fd)
        if len(calls) == 5:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(files.os, "fdopen", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_files(tmp_path, NEW)
    assert _state(tmp_path) == before


def test_an_interrupt_while_staging_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _old(tmp_path)
    real = os.chmod

    def interrupted(path: str, mode: int) -> None:
        real(path, mode)
        if path.endswith(".tmp") and ".f6.txt." in path:
            raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_files(tmp_path, NEW)
    assert _state(tmp_path) == before


def test_a_signal_during_the_renames_waits_until_all_are_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old(tmp_path)
    real = os.replace
    count = []

    def signalled(source: str, target: str) -> None:
        real(source, target)
        count.append(target)
        if len(count) == 3:
            os.kill(os.getpid(), signal.SIGINT)  # blocked: delivered after the last rename

    monkeypatch.setattr(files.os, "replace", signalled)
    with pytest.raises(KeyboardInterrupt):
        write_files(tmp_path, NEW)
    assert len(count) == len(NEW)
    assert _state(tmp_path) == NEW


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\0b"])
def test_names_that_are_not_plain_file_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OptionError, match=r"not a plain file name$"):
        write_files(tmp_path, {"ok.txt": "x", name: "y"})
    assert not (tmp_path / "ok.txt").exists()


def test_a_file_as_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OptionError, match=r"it is not a directory$"):
        write_files(tmp_path / "file", NEW)


def test_concurrent_runs_do_not_mix(tmp_path: Path) -> None:
    """Eight processes write twelve files each into one directory; every file set is whole."""
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from symcollapse.io.output_files import write_files
        tag = sys.argv[2]
        for _ in range(20):
            write_files(Path(sys.argv[1]), {f"f{i}.txt": tag * 2000 for i in range(12)})
        """
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), tag]) for tag in "abcdefgh"
    ]
    assert [run.wait(timeout=120) for run in runs] == [0] * len(runs)
    contents = set(_state(tmp_path).values())
    assert len(contents) == 1  # the last run's files, all twelve of them
    assert len(_state(tmp_path)) == 12
