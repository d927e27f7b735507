"""The package exports: every one loads on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    "first",
    [
        "",
        "import symcollapse.algebra.collapsing",
        "import symcollapse.derivations.dense",
        "from symcollapse.algebra.collapsing import Collapse",
    ],
)
def test_collapse_is_the_function_whatever_was_imported_first(first):
    code = (
        f"{first}\n"
        "import symcollapse, types\n"
        "from symcollapse import collapse, derive, Collapse, Step\n"
        "assert callable(collapse) and not isinstance(collapse, types.ModuleType)\n"
        "assert symcollapse.collapse is collapse\n"
        "assert collapse([2, 1]).W_z.shape == (1, 2)\n"
        "print(derive.__module__, Collapse.__module__, Step.__name__)"
    )
    assert _python(code) == "symcollapse.derivations.dense symcollapse.algebra.collapsing Step"


def test_every_export_resolves():
    code = "import symcollapse\nprint(all(getattr(symcollapse, n) for n in symcollapse.__all__))"
    assert _python(code) == "True"


#: Prints the modules that running ``{run}`` added to a bare interpreter's.
_LOADED = """
import sys
bare = set(sys.modules)
try:
    {run}
except SystemExit:
    pass
print(*sorted(set(sys.modules) - bare))
"""


def _imported(run: str) -> set[str]:
    """The modules the statement ``run`` loads (in a fresh interpreter)."""
    return set(_python(_LOADED.format(run=run)).splitlines()[-1].split())


def _third_party(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names)


def test_importing_the_package_loads_only_its_light_modules():
    """Neither numpy nor sympy, nor any module of its own: every export loads on first use (so
    the console script's guard is in place before anything of symcollapse runs)."""
    imported = _imported("import symcollapse")
    assert _third_party(imported) == {"symcollapse"}
    assert {m for m in imported if m.startswith("symcollapse")} == {"symcollapse"}


def test_help_loads_neither_numpy_nor_sympy():
    """The command line is built from the options' modules alone; no route, no algebra."""
    main = "import runpy; runpy.run_module('symcollapse', run_name='__main__')"
    imported = _imported(f"sys.argv[1:] = ['--help']; {main}")
    assert _third_party(imported) == {"symcollapse"}
    layers = {m.split(".")[1] for m in imported if m.startswith("symcollapse.")}
    # io.files (standard library only) checks --out before any work
    assert layers <= {"_version", "errors", "spec", "render", "verification", "io", "cli"}
    assert "symcollapse.algebra" not in imported
    assert {m for m in imported if m.startswith("symcollapse.verification.")} == {
        "symcollapse.verification.defaults"
    }


def test_unknown_attribute():
    import symcollapse

    with pytest.raises(AttributeError, match=r"^module 'symcollapse' has no attribute 'nope'$"):
        symcollapse.nope  # noqa: B018
