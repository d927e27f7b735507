"""Progress on stderr: silent unless the stream is a terminal, erased when done."""

from __future__ import annotations

import io

from symcollapse.io.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal():
    stream = io.StringIO()
    with Progress("expanding", stream=stream, delay=0) as progress:
        progress(1, 3)
    assert stream.getvalue() == ""


def test_silent_for_short_work_on_a_terminal():
    stream = _Terminal()
    with Progress("expanding", stream=stream, delay=3600) as progress:
        progress(1, 3)
    assert stream.getvalue() == ""


def test_reports_in_place_and_erases_on_a_terminal():
    stream = _Terminal()
    with Progress("expanding", stream=stream, delay=0) as progress:
        progress(1, 12)
        progress(12, 12)
    assert stream.getvalue() == (
        "\rexpanding: 1/12" + "\rexpanding: 12/12" + "\r" + " " * 16 + "\r"
    )


def test_stages_show_at_once_on_a_terminal_only():
    """A stage has no count to wait for: it is shown at once, in place, and erased at the end."""
    stream = _Terminal()
    with Progress("fold", stream=stream, delay=3600) as progress:
        progress.stage("reading m.onnx")
        progress.stage("exact integer products")
    line = "fold: exact integer products"
    assert stream.getvalue() == (
        "\rfold: reading m.onnx" + "\r" + line + "\r" + " " * len(line) + "\r"
    )
    quiet = io.StringIO()
    with Progress("fold", stream=quiet, delay=0) as progress:
        progress.stage("reading m.onnx")
    assert quiet.getvalue() == ""


def test_fold_shows_its_stages_on_a_terminal(tmp_path, monkeypatch, capsys):
    """``symcollapse fold`` on a terminal: each stage, then nothing left of them on the line."""
    from symcollapse.cli import main
    from tests.model_files import dense_layers, require, write_onnx

    require("onnx", "ONNX")
    path = write_onnx(dense_layers((2, 3, 1), seed=1), tmp_path / "m.onnx")
    shown: list[str] = []
    monkeypatch.setattr(Progress, "_show", lambda self, line: shown.append(line))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["fold", str(path), "--format", "json"]) == 0
    assert shown[:3] == [
        "fold: reading m.onnx",
        "fold: exact integer products",
        "fold: running the model to check the fold",
    ]
