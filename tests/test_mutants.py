"""benchmarks/mutants.py stays applicable: each mutant's code is still in the package, once, so
the script never reports "not applicable" for a mutant that merely drifted out of date."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("mutants", ROOT / "benchmarks" / "mutants.py")
assert SPEC and SPEC.loader
mutants = importlib.util.module_from_spec(SPEC)
sys.modules["mutants"] = mutants  # its dataclasses look their module up
SPEC.loader.exec_module(mutants)


@pytest.mark.parametrize("mutant", mutants.MUTANTS, ids=lambda m: m.name)
def test_every_mutant_applies_once(mutant) -> None:
    source = (ROOT / "symcollapse" / mutant.path).read_text()
    assert source.count(mutant.old) == 1
    assert mutant.new != mutant.old
