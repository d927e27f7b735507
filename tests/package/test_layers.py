"""The tree shows the pipeline: every import, at module or function level, points down.

Layers, bottom first: _version, errors, spec, algebra, verification, doc, derivations, render,
reading, io, cli. ``reading`` checks printed documents from their bytes, so it imports nothing
but ``errors``: a renderer's or an algebra's bug cannot hide in its check.
``display.py`` sits at the bottom (value classes inherit its notebook reprs) and is the one
module allowed a lazy import upwards, of the renderers, inside its methods (sympy's
``Printable`` pattern). No import cycles between modules either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "symcollapse"

LAYERS = (
    "_version",
    "errors",
    "display",
    "spec",
    "algebra",
    "verification",
    "doc",
    "derivations",
    "render",
    "reading",
    "io",
    "cli",
    "__init__",
    "__main__",
)

#: (importer, imported) pairs that point up on purpose.
ALLOWED_UP = {("symcollapse.display", "symcollapse.render.display")}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1] if len(parts) > 1 else "__init__")


def _imports() -> dict[str, set[str]]:
    """Module -> the symcollapse modules it imports anywhere (TYPE_CHECKING blocks excluded)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def _layered(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {m: {t for t in targets if t != "symcollapse"} for m, targets in graph.items()}


GRAPH = _layered(_imports())


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    if module in ("symcollapse", "symcollapse.__main__"):
        return
    up = {
        target
        for target in GRAPH[module]
        if _layer(target) > _layer(module) and (module, target) not in ALLOWED_UP
    }
    assert not up, f"{module} imports upwards: {sorted(up)}"


def test_no_cycles() -> None:
    seen: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        seen[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if (module, target) in ALLOWED_UP:  # lazy, inside methods: not part of loading
                continue
            if seen.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in seen:
                visit(target, [*path, target])
        seen[module] = 2

    for module in sorted(GRAPH):
        if module not in seen:
            visit(module, [module])


def test_every_module_has_a_layer() -> None:
    for module in GRAPH:
        _layer(module)


def test_reading_is_independent_of_what_prints() -> None:
    reading = {m: t for m, t in GRAPH.items() if m.startswith("symcollapse.reading")}
    assert reading
    for module, targets in reading.items():
        outside = {
            t for t in targets if not t.startswith(("symcollapse.reading", "symcollapse.errors"))
        }
        assert not outside, f"{module} imports {sorted(outside)}"
