"""Hostile command lines: one line on stderr, exit 2 (or 130/143), never a traceback, bounded.

Each case runs the real CLI in a subprocess under an address-space limit of 2 GB and a
timeout, so a hang or a memory blow-up fails the test instead of the machine.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MEMORY = 2 * 2**30
RELU_NET = "2 > dense 2 relu > dense 1"
TIMEOUT = 60


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def bounded(command: Sequence[str | bytes], **options: Any) -> subprocess.CompletedProcess:
    """``command`` in a subprocess with bounded memory and time, its output captured as text
    (unless ``text=False``); ``options`` go to :func:`subprocess.run` (``cwd``, ``env``)."""
    options.setdefault("text", True)
    return subprocess.run(
        command, capture_output=True, timeout=TIMEOUT, preexec_fn=_limit, check=False, **options
    )


def run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``symcollapse ARGV`` in a subprocess with bounded memory and time."""
    return bounded([sys.executable, "-m", "symcollapse", *argv], cwd=cwd)


def assert_one_line(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.fixture
def hostile_files(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "deep.txt").write_text("2 > " + "residual(" * 5000 + "dense 2" + ")" * 5000)
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe")
    (tmp_path / "exit.py").write_text("import sys\nsys.exit(0)\n")
    (tmp_path / "interrupt.py").write_text("raise KeyboardInterrupt\n")
    return tmp_path


CASES = [
    ["verify", "2", "+-3", "1"],
    ["verify", "2", "9" * 5000, "1"],
    ["verify", "2", "\uff13", "1"],
    ["layers", "2 > dense \u00b2"],
    ["layers", "2 > dense \uff13"],
    ["layers", "2 > dense " + "9" * 5000],
    ["layers", "4 > dropout 1e-999999999"],
    ["layers", "2 > dense 2 leaky_relu(1e-999999999) > dense 1"],
    ["layers", "2 > " + "residual(" * 5000 + "dense 2" + ")" * 5000],
    ["layers", "6000 > batchnorm"],
    ["layers", "2" + " > dense 2" * 20],
    ["layers", "2" + " > dropout" * 5000],
    ["layers", "4 > maxpool 2 > dense 1", "--point=1,2,3,4"],
    ["layers", "2 > dense 2 relu > dense 1", "--point=" + ",".join(["1"] * 50_000)],
    ["layers", "2 > dense 2", "--timeout", "5"],
    ["verify", "200", "1000", "--method", "exact"],
    ["verify", "--method", "exact", *["1"] * 12_000],  # deep and narrow: about 22 s
    ["verify", *["1"] * 100_000],
    ["verify", "2", "2", "--method", "exact", "--trials", "5"],
    ["verify", "2", "2", "--method", "proof", "--seed", "1"],
    ["derive", "1", "9999"],
    ["derive", "2", "1", "--out", ""],
    ["derive", "2", "1", "--max-terms", "1" + "0" * 5000],
    ["regress", "2", "1", "--gd", "1000000000"],
    ["regress", "2", "1", "--gd", "10", "--learning-rate", "1e-999999999"],
    ["derive", "2", "1", "--values", "fifo"],
    ["derive", "2", "1", "--values", "/dev/zero"],
    ["derive", "2", "1", "--values", "deep.json"],
    ["derive", "2", "1", "--values", "bad.json"],
    ["derive", "2", "1", "--values", "."],
    ["layers", "--spec-file", "fifo"],
    ["layers", "--spec-file", "deep.txt"],
    ["layers", "2 > dense 2 relu > dense 1", "--parameters", "deep.json"],
    ["layers", "--function", "exit.py:net", "--widths", "2", "1"],
    ["layers", "--function", "interrupt.py:net", "--widths", "2", "1"],
    ["derive", "2", "1", "--index-base", "\uff11"],
    ["layers", "0", "\r0"],  # found by hypothesis: a control character echoed in the message
    ["derive", "2", "1\n2"],
]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(a)[:50] for a in CASES])
def test_known_failures_are_one_line_and_exit_2(argv: list[str], hostile_files: Path) -> None:
    assert_one_line(run(*argv, cwd=hostile_files))


def test_auto_routes_to_random_when_exact_needs_too_much_memory() -> None:
    result = run("verify", "200", "1000")
    assert result.returncode == 0, result.stderr
    assert "random" in result.stdout and "GB of memory for exact verification" in result.stdout


def test_regress_30_1_finishes() -> None:
    result = run("regress", "30", "1")
    assert result.returncode == 0, result.stderr


def test_a_blocked_target_leaves_every_old_file(tmp_path: Path) -> None:
    (tmp_path / "example.json").mkdir()
    assert_one_line(run("example", "--out", str(tmp_path)))
    assert [p.name for p in tmp_path.iterdir()] == ["example.json"]


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signals_are_one_line_and_leave_nothing_half_written(
    tmp_path: Path, signum: int, status: int
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "symcollapse", "derive", "140", "140", "--out", "out"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit,
        cwd=tmp_path,
    )
    time.sleep(1.5)  # inside the work (sympy loaded), not before the handler is installed
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=TIMEOUT)
    if process.returncode == 0:
        pytest.skip("the command finished before the signal arrived")
    assert process.returncode == status
    assert "Traceback" not in stderr and stderr.count("\n") == 1
    assert not list(tmp_path.rglob("*.tmp"))
    written = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert written in ([], ["collapse-140-140.tex"])


COMMANDS = [
    ["verify"],
    ["derive"],
    ["regress"],
    ["layers"],
    ["derive", "2", "1", "--values"],
    ["layers", "2 > dense 2 relu > dense 1", "--point"],
    ["derive", "2", "1", "--max-terms"],
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=st.sampled_from(COMMANDS),
    words=st.lists(
        st.one_of(
            st.text(min_size=1, max_size=30).filter(lambda t: "\0" not in t),
            st.integers(-(10**6), 10**6).map(str),
            st.sampled_from(["1e-999999999", "9" * 5000, "\u00b2", "+-1", "-", "--", ">", "("]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_arbitrary_words_never_give_a_traceback(command: list[str], words: list[str]) -> None:
    result = run(*command, *words)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1, 2), result.stderr
    if result.returncode == 2:
        assert result.stderr.count("\n") == 1, result.stderr


def test_the_readme_limits_example_is_what_the_cli_prints() -> None:
    readme = (Path(__file__).resolve().parents[2] / "docs" / "limits.md").read_text(
        encoding="utf-8"
    )
    section = readme.split("# Limits and hostile input", 1)[1]
    command, printed = section.split("```console\n$ ", 1)[1].split("\n```", 1)[0].split("\n", 1)
    assert command == "python -m symcollapse verify 200 1000 | tail -n 1"
    assert run("verify", "200", "1000").stdout.splitlines()[-1] == printed


def test_internal_errors_are_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from symcollapse.cli import main
    from symcollapse.cli import verify as command
    from symcollapse.errors import VerificationError

    def broken(*args: object, **kwargs: object) -> None:
        raise VerificationError("a step did not hold")

    monkeypatch.setattr(command, "verify", broken)
    assert main(["verify", "2", "1"]) == 3
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert "internal error (VerificationError: a step did not hold)" in stderr
    assert "please report" in stderr


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=200), option=st.sampled_from(["values", "spec", "parameters"]))
def test_arbitrary_bytes_in_any_input_file(tmp_path: Path, content: bytes, option: str) -> None:
    path = tmp_path / "input"
    path.write_bytes(content)
    argv = {
        "values": ["derive", "2", "1", "--values", str(path)],
        "spec": ["layers", "--spec-file", str(path)],
        "parameters": ["layers", RELU_NET, "--parameters", str(path)],
    }[option]
    result = run(*argv)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 2), result.stderr
    if result.returncode == 2:
        assert result.stderr.count("\n") == 1
