"""The README's commands for version, completion, GitHub Markdown and diagrams run as printed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from symcollapse.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
CLI = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
(BLOCK,) = re.findall(r"<!-- ux-commands -->\n```sh\n(.*?)```", CLI, flags=re.S)


@pytest.mark.parametrize("line", BLOCK.strip().splitlines())
def test_command_runs_as_printed(line, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    program, *argv = shlex.split(line)
    assert program == "symcollapse"
    assert main(argv) == 0
    assert capsys.readouterr().out


def test_the_picture_it_shows_exists():
    (path,) = re.findall(r"!\[[^]]*\]\((output/[^)]+)\)", README)
    assert (Path(__file__).resolve().parents[2] / path).read_text().startswith("<svg ")
