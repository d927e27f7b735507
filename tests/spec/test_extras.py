"""Optional dependencies are refused in one line that names the extra installing them."""

from __future__ import annotations

import sys

import pytest

from symcollapse.cli import main
from symcollapse.errors import ToolError
from symcollapse.spec.extras import optional_module


def test_a_present_module_is_imported():
    assert optional_module("json", "dynamics", "anything").__name__ == "json"


@pytest.mark.parametrize(
    ("argv", "module", "purpose"),
    [
        (["dynamics", "saxe"], "scipy.integrate", "dynamics saxe"),
        (["dynamics", "arora", "--depth", "2"], "scipy.linalg", "dynamics arora"),
        (["dynamics", "saxe", "--plot", "curves.png"], "matplotlib", "--plot"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(
    argv, module, purpose, monkeypatch, capsys, tmp_path
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError
    assert main(argv) == 2
    package = module.partition(".")[0]
    assert capsys.readouterr().err == (
        f"symcollapse: error: {purpose} needs {package}, which is not installed; "
        "install it with pip install 'symcollapse[dynamics]'\n"
    )


def test_the_refusal_is_a_typed_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.linalg", None)
    with pytest.raises(ToolError, match=r"^x needs scipy, which is not installed; "):
        optional_module("scipy.linalg", "dynamics", "x")
