"""``symcollapse dynamics saxe|arora`` from the command line."""

from __future__ import annotations

import json

import pytest

from symcollapse.cli import main
from tests.conftest import error_line


def test_saxe_json_holds_times_and_modes(capsys):
    argv = ["dynamics", "saxe", "--strengths", "3,2,1", "--u0", "0.001", "--tau", "1"]
    assert main([*argv, "--t-max", "6", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["t"]) >= 20
    assert [mode["s"] for mode in data["modes"]] == [3.0, 2.0, 1.0]
    for mode in data["modes"]:
        assert len(mode["closed_form"]) == len(mode["simulated"]) == len(data["t"])
        worst = max(abs(a - b) for a, b in zip(mode["closed_form"], mode["simulated"], strict=True))
        assert worst <= data["max_deviation"] < 1e-5


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("latex", r"\begin{align*}"), ("markdown", "$$"), ("text", "Against the full matrix flow")],
)
def test_saxe_formats(fmt, marker, capsys):
    assert main(["dynamics", "saxe", "--t-max", "4", "--format", fmt]) == 0
    assert marker in capsys.readouterr().out


@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_plot_files(tmp_path, suffix, capsys):
    target = tmp_path / "plots" / f"curves{suffix}"
    assert main(["dynamics", "saxe", "--plot", str(target), "--format", "json"]) == 0
    head = target.read_bytes()[:8]
    assert head.startswith(b"\x89PNG" if suffix == ".png" else b"%PDF")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["modes"]
    assert captured.err == f"{target}\n"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left


def test_standalone_to_a_directory(tmp_path):
    assert (
        main(
            [
                "dynamics",
                "arora",
                "--depth",
                "4",
                "--format",
                "latex",
                "--standalone",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert r"\begin{document}" in (tmp_path / "arora-4.tex").read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["saxe", "--strengths", "3,-1"], "every strength must be a positive number, got -1"),
        (["saxe", "--u0", "3"], "u0 must be below every strength"),
        (["saxe", "--tau", "fast"], "--tau expects a number, got 'fast'"),
        (["saxe", "--t-max", "inf"], "--t-max expects a number, got 'inf'"),
        (["saxe", "--tau", "\u0663"], "--tau expects a number, got '\u0663'"),
        (["saxe", "--strengths", ",".join(["1"] * 13)], "--strengths takes at most 12 values"),
        (["saxe", "--times", "5000"], "the number of times must be from 20 to 2000, got 5000"),
        (["saxe", "--t-max", "1000"], "2 s t-max / tau is 6000, above the limit of 200"),
        (
            ["saxe", "--plot", "curves.svg"],
            "a plot is a .png or .pdf file, got 'curves.svg' (command line: --plot)",
        ),
        (["arora", "--depth", "1"], "expected a depth of at least 2, got 1"),
        (["arora", "--depth", "two"], "expected a depth of at least 2, got 'two'"),
        (["arora", "--depth", "7"], "--depth must be from 2 to 6, got 7"),
        (["saxe", "--names", "t=T"], "name 'T' for t (time) is refused: the documents write"),
        (["arora", "--names", "t=Omega"], "time takes a lower-case name (s, tau)"),
    ],
)
def test_bad_input_is_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["dynamics", *argv]) == 2
    assert message in error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_document_leaves_no_plot(tmp_path, capsys) -> None:
    """--digits that rounds nothing is refused after the simulation: the plot is not written."""
    plot = tmp_path / "curves.png"
    argv = ["dynamics", "saxe", "--plot", str(plot), "--digits", "3", "--format", "markdown"]
    assert main(argv) == 2
    assert "rounds nothing" in error_line(capsys)
    assert not plot.exists()


def test_a_blocked_plot_target_is_refused_before_the_work(tmp_path, capsys) -> None:
    (tmp_path / "curves.png").mkdir()
    assert main(["dynamics", "saxe", "--plot", str(tmp_path / "curves.png")]) == 2
    assert "exists and is not a regular file" in error_line(capsys)


def test_a_role_moved_aside_never_becomes_eulers_e(tmp_path):
    """``--names W=A`` takes ``a``; a(t) moves to a spare letter, never ``e``, which the
    closed form prints as Euler's number (``e^{2 s t / \\tau}``)."""
    assert (
        main(["dynamics", "saxe", "--names", "W=A", "--format", "latex", "--out", str(tmp_path)])
        == 0
    )
    text = (tmp_path / "saxe.tex").read_text(encoding="utf-8")
    assert "e^{" in text
    assert "e(t)" not in text and "a(t)" not in text
