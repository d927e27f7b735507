"""Hypothesis over the command line's own options: any command, any of its flags (read from the
parser, so a new option is fuzzed the day it is added), hostile values. Each run is the real CLI
in a subprocess, bounded in memory and time as in :mod:`tests.cli.test_hostile`; a small example
budget keeps the test to about a minute."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcollapse.cli.parser import build_parser, option_strings, subcommand
from tests.cli.test_hostile import run

#: Commands with small valid positional arguments; the fuzz adds options to them.
COMMANDS = {
    "derive": ["2", "3", "1"],
    "verify": ["2", "2"],
    "layers": ["2 > dense 2 relu > dense 1"],
    "gradients": ["2", "1"],
    "regress": ["2", "1"],
    "prove": [],
    "dynamics": ["saxe"],
}

#: Flags that print help, run pdflatex or write files (each has its own tests); every run is in
#: a fresh empty directory all the same, so nothing lands in the repository.
SKIPPED = {"-h", "--help", "--version", "--pdf", "--png", "--diagram-png", "--out", "--plot"}
SKIPPED |= {"--export", "--diagram"}

VALUES = st.one_of(
    st.sampled_from(
        [
            "0",
            "1",
            "-1",
            "9" * 400,
            "\u0663",
            "1e-999999999",
            "nan",
            "a\rb",
            "\x1b[31m",
            "\u202e",
            "W=" + "a" * 5000,
            "random",
            "latex",
            "markdown",
            "json",
            "",
        ]
    ),
    st.text(max_size=12).filter(lambda text: "\0" not in text),
    st.integers(-(10**3), 10**7).map(str),
)


def _flags(command: str) -> list[str]:
    parser = subcommand(build_parser(), command)
    return sorted(option_strings(parser) - SKIPPED)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    words = [command, *COMMANDS[command]]
    for flag in draw(st.lists(st.sampled_from(_flags(command)), min_size=1, max_size=3)):
        words.append(flag)
        if draw(st.booleans()):
            words.append(draw(VALUES))
    return words


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(argv=command_lines())
def test_any_options_are_an_answer_or_one_line(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        result = run(*argv, cwd=Path(folder))
        assert not any(Path(folder).iterdir())
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), result.stderr
    if result.returncode == 2:
        assert result.stderr.count("\n") == 1, result.stderr
