"""The regression document says in words which inputs were sampled (the result holds data)."""

from __future__ import annotations

import pytest

from symcollapse.algebra.regression import regress
from symcollapse.derivations.regression import derive_regression


def _intro(result) -> str:
    section = next(s for s in derive_regression(result).sections if s.title == ("The samples",))
    return str(section.intro[0])


@pytest.mark.parametrize(("widths", "seed"), [((2, 1), 4), ((3, 2, 1), 0)])
def test_sampled_and_given_inputs_are_told_apart(widths, seed):
    sampled = regress(list(widths), seed=seed)
    count = sampled.samples
    assert (
        _intro(sampled)
        == f"Sample {count} inputs with integer entries from -3 to 3 (seed {seed}). Row "
    )
    given = regress(sampled.numeric, inputs=sampled.X[:, 1:])
    assert _intro(given) == f"Sample {count} given inputs. Row "
