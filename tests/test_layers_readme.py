"""The README section "Which layers collapse" stays true: its API example and CLI excerpts run."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from symcollapse.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Which layers collapse") :]


def test_api_example_runs() -> None:
    (code,) = [block for block in re.findall(r"```py\n(.*?)```", SECTION, re.S) if ">>>" in block]
    test = doctest.DocTestParser().get_doctest(code, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 10


def test_error_example_is_what_the_cli_prints(capsys: pytest.CaptureFixture[str]) -> None:
    command, error = re.findall(
        r"\$ python -m symcollapse (.*)\n(symcollapse: error: .*)", SECTION
    )[0]
    assert main(shlex.split(command)) == 2
    assert capsys.readouterr().err == error + "\n"


def test_text_excerpt_is_in_the_output(capsys: pytest.CaptureFixture[str]) -> None:
    excerpt = SECTION.split("The text output for the residual network begins:\n\n```\n")[1]
    lines = [line for line in excerpt.split("```")[0].splitlines() if line != "..."]
    assert main(["layers", "2 > dense 3 > residual(dense 3) > dense 1", "--format", "text"]) == 0
    output = capsys.readouterr().out.splitlines()
    assert len(lines) >= 4
    assert all(line in output for line in lines)
