"""The README stays true: its excerpts are in the generated output, CI finds its two commands,
and the command line's page lists every command. (Its code blocks and those of docs/ run in
tests/test_docs.py.)"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _rows(block: str) -> list[str]:
    return [re.sub(r"\s*\\\\$", "", line.rstrip()) for line in block.strip().splitlines()]


def test_excerpts_are_in_the_example_output():
    pattern = r"<!-- excerpt: (\S+) -->\n\$\$\n\\begin\{aligned\}\n(.*?)\\end\{aligned\}"
    excerpts = re.findall(pattern, README, flags=re.S)
    assert excerpts
    for path, block in excerpts:
        generated = (ROOT / path).read_text(encoding="utf-8")
        for row in _rows(block):
            assert row in generated, f"README excerpt row not in {path}: {row}"


def test_commands_are_marked_for_ci():
    for marker in ("example-command", "test-command"):
        assert re.search(rf"<!-- {marker} -->\n```sh\n.+\n```", README)


def test_the_command_table_lists_every_command():
    from symcollapse.cli.parser import COMMANDS

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    table = page[: page.index("The number of monomials")]
    listed = set(re.findall(r"^\| `symcollapse (\w+)", table, flags=re.M))
    assert listed == set(COMMANDS)
