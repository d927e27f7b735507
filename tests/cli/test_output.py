"""What every document command shares (:mod:`symcollapse.cli.output`): ``--names`` that the
output would ignore, or that would print two roles alike, is refused, in every command."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from symcollapse.cli import main
from tests.model_files import dense_layers, state_dict

#: Every document command, small, and a role its output prints (renamed to a fresh name).
COMMANDS: dict[str, tuple[list[str], str]] = {
    "derive": (["derive", "2", "3", "1"], "W=M"),
    "layers": (["layers", "2 > dense 3 relu > dense 1"], "W=M"),
    "regress": (["regress", "2", "3", "1", "--format", "markdown"], "Theta=B"),
    "gradients": (["gradients", "2", "1"], "loss=E"),
    "arora": (["dynamics", "arora", "--depth", "2"], "W=V"),
    "saxe": (["dynamics", "saxe", "--times", "20", "--format", "markdown"], "tau=q"),
    "prove": (["prove", "--format", "markdown"], "W=M"),
    "fold": (["fold", "MODEL", "--assume-identity-gaps", "--format", "markdown"], "W=M"),
    "example": (["example"], "g=q"),  # g: only the residual showcase prints it
}


@pytest.fixture
def model(tmp_path: Path) -> Path:
    """A 2-3-1 state_dict as ``.npz``, for ``fold``."""
    path = tmp_path / "model.npz"
    np.savez(path, **state_dict(dense_layers((2, 3, 1), seed=3)))
    return path


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The refusal: the last line on stderr (``fold`` and ``prove`` report their checks before
    it), never a traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()[-1]


def _argv(command: str, model: Path, out: Path, names: str) -> list[str]:
    argv, _ = COMMANDS[command]
    return [str(model) if a == "MODEL" else a for a in argv] + ["--out", str(out), "--names", names]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_role_the_output_prints_is_renamed(
    command: str, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = COMMANDS[command][1]
    assert main(_argv(command, model, tmp_path / "out", names)) == 0, capsys.readouterr().err
    text = "".join(p.read_text() for p in (tmp_path / "out").iterdir() if p.suffix != ".png")
    assert names.partition("=")[2] in text


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("names", ["L=J", "kappa=q,L=J"])
def test_a_role_no_file_prints_is_refused(
    command: str, names: str, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``L`` is the bottleneck factor, which none of these prints: one line, exit 2, the
    option and the roles the output has; nothing written."""
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(_argv(command, model, out, names)) == 2
    line = error_line(capsys)
    assert "renaming L (the left bottleneck factor) changes nothing: the " in line, line
    assert "does not use it" in line
    assert "its roles: " in line and line.endswith("(command line: --names)")
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "accepted"),
    [
        (["--detail", "standard", "--names", "a=r"], True),  # the scalar form's coefficients
        (["--detail", "full", "--names", "a=r"], False),  # full writes no scalar form
        (["--detail", "full", "--format", "markdown", "--names", "d=q"], True),
        (["--detail", "full", "--format", "latex", "--names", "d=q"], False),  # prose only
        (["--detail", "full", "--format", "latex", "--standalone", "--names", "d=q"], True),
        (["--detail", "full", "--format", "markdown", "--names", "h=q"], False),
        (["--detail", "full", "--format", "markdown", "--diagram", "--names", "h=q"], True),
        (["--detail", "full", "--format", "html", "--names", "h=q"], True),  # the page's picture
    ],
)
def test_a_role_counts_where_this_run_writes_it(
    argv: list[str], accepted: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role is used when a file this run writes prints it: another ``--detail`` or a format
    that leaves its prose out does not count; the diagram beside the document does."""
    out = tmp_path / "out"
    status = main(["derive", "2", "3", "1", "--out", str(out), *argv])
    assert status == (0 if accepted else 2), capsys.readouterr().err
    if accepted:
        new = argv[-1].partition("=")[2]
        assert any(new in p.read_text() for p in out.iterdir() if p.suffix != ".png")
    else:
        line = error_line(capsys)
        assert "changes nothing" in line and line.endswith("(command line: --names)")
        assert not out.exists()


@pytest.mark.parametrize(
    ("command", "role"),
    [("derive", "h"), ("prove", "h"), ("gradients", "y"), ("regress", "Theta")],
)
@pytest.mark.parametrize("names", ["{role}=W_z", "W=M,{role}=M_z"])
def test_a_name_another_role_prints_is_refused(
    command: str,
    role: str,
    names: str,
    model: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``h=W_z`` beside the collapsed ``W_z`` (or ``M_z`` when ``W`` is ``M``) would read as
    one symbol: refused, whichever command, never printed twice."""
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(_argv(command, model, out, names.format(role=role))) == 2
    line = error_line(capsys)
    assert f"naming {role} (" in line and "the two would read as one symbol" in line, line
    assert line.endswith("(command line: --names)") and not out.exists()


#: The first merged map, moved to ``B``, as each format prints it.
MERGED_B = {
    "latex": r"B_\{1\}",
    "markdown": r"B_\{1\}",
    "typst": r"B_\(1\)",
    "html": r"<mi>B</mi><mn>1</mn>",
    "json": r"B_1",
    "text": r"B_1",
}


@pytest.mark.parametrize("fmt", MERGED_B)
def test_a_built_in_letter_a_name_takes_moves_aside_in_every_format(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``W=A`` in a layers document: the merged maps ``A`` move to a spare letter, so the
    weights and the merged maps never share one."""
    assert main(["layers", "2 > dense 3 relu > dense 1", "--format", fmt, "--names", "W=A"]) == 0
    text = capsys.readouterr().out
    assert len(re.findall(MERGED_B[fmt], text)) == 6  # B_1 where A_1 stood, A_1 now the weights
