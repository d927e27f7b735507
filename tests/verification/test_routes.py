"""The exact and random routes import only what the table in verification/methods.py allows:
the reference they check against imports no algebra, and only ``emitted`` reads the subject."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from symcollapse.verification import methods

PACKAGE = Path(methods.__file__).resolve().parent


def _table() -> dict[str, tuple[str, ...]]:
    """Module name -> the modules it may import, from the docstring's table."""
    lines = methods.__doc__.split("\n")
    rules = [n for n, line in enumerate(lines) if re.fullmatch(r"=+ +=+", line)]
    rows: dict[str, str] = {}
    name = ""
    for line in lines[rules[1] + 1 : rules[2]]:
        if not line.startswith(" "):
            name, line = line.split(" ", 1)
        rows[name] = rows.get(name, "") + " " + line.strip()
    allowed = {}
    for name, text in rows.items():
        text = re.sub(r"\([^)]*\)", "", text.split(")", 1)[1])  # route column, then remarks
        items = [item.strip() for item in text.split(",")]
        allowed[name] = tuple(
            "symcollapse." + item if item.startswith("verification.") else item for item in items
        )
    return allowed


def imports(source: str) -> set[str]:
    """Every module ``source`` imports, at any level, TYPE_CHECKING blocks excluded."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def violations(source: str, allowed: tuple[str, ...]) -> list[str]:
    """The imports of ``source`` outside the standard library and ``allowed`` (a module or any
    module below it)."""
    return sorted(
        name
        for name in imports(source)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not any(name == a or name.startswith(a + ".") for a in allowed)
    )


TABLE = _table()


def test_the_table_names_every_module_of_the_routes() -> None:
    assert {"reference", "points", "random", "emitted", "methods"} <= set(TABLE)
    assert TABLE["reference"] == ("numpy", "symcollapse.errors")


@pytest.mark.parametrize("module", sorted(TABLE))
def test_each_route_module_imports_only_what_the_table_allows(module: str) -> None:
    source = (PACKAGE / f"{module}.py").read_text()
    assert violations(source, TABLE[module]) == []


@pytest.mark.parametrize(
    "line",
    [
        "from symcollapse.algebra import polynomials",
        "from symcollapse.algebra.polynomials import path_sums",
        "import sympy",
        "def f():\n    from symcollapse.render import printer",
    ],
)
def test_a_forbidden_import_is_found(line: str) -> None:
    """The check can fail: the reference importing the algebra, sympy or a printer is named."""
    source = (PACKAGE / "reference.py").read_text() + "\n" + line + "\n"
    assert violations(source, TABLE["reference"])
