"""The routes check what symcollapse emits: break the path sums, or the names they print, and
each route notices, where comparing the algebra with itself (``compare_routes``) did not."""

from __future__ import annotations

import numpy as np
import pytest

from symcollapse.algebra import polynomials
from symcollapse.render.verification import detail
from symcollapse.verification import emitted
from symcollapse.verification import random as rc
from symcollapse.verification.methods import verify

CORRECT = polynomials.path_sums


def _drop_a_bias_path(
    v: polynomials.Variables, progress=None, outputs=None
) -> polynomials.PathSums:
    sums = CORRECT(v, progress, outputs)
    first = sums.b_z[0][:, 1:]  # the first bias path of output 1 is lost (a column of words)
    return polynomials.PathSums(W_z=sums.W_z, b_z=(first, *sums.b_z[1:]))


def _swap_an_index(v: polynomials.Variables, progress=None, outputs=None) -> polynomials.PathSums:
    sums = CORRECT(v, progress, outputs)
    row = sums.W_z[0]
    return polynomials.PathSums(W_z=((row[1], row[0], *row[2:]), *sums.W_z[1:]), b_z=sums.b_z)


MUTANTS = [_drop_a_bias_path, _swap_an_index]
WIDTHS = [(2, 3, 1), (3, 2, 2, 2), (2, 4, 3, 2)]

#: Square (d_0 = d_n) shapes, where a transposition still has the right shape.
SQUARE = [(2, 2), (3, 3, 3), (2, 3, 2), (3, 2, 4, 3)]

#: Shapes with a square layer W_k, whose transposed names still name entries.
SQUARE_LAYER = [(2, 2), (3, 3, 3), (2, 3, 3, 1), (1, 2, 2, 2)]


def _transposed_when_square(
    v: polynomials.Variables, progress=None, outputs=None
) -> polynomials.PathSums:
    """W_z transposed when d_0 = d_n, for all outputs at once (as documents ask for them)."""
    sums = CORRECT(v, progress, outputs)
    if outputs is not None or v.widths[0] != v.widths[-1]:
        return sums
    return polynomials.PathSums(W_z=tuple(zip(*sums.W_z, strict=True)), b_z=sums.b_z)


def _names_transposed_when_square(widths: tuple[int, ...]) -> polynomials.Variables:
    """Each square W_k's symbols named with their indices swapped (w_k_j_i for w_k_i_j)."""
    v = CORRECT_VARIABLES(widths)
    names = list(v.names)
    for k in range(1, len(widths)):
        if widths[k] == widths[k - 1]:
            for i, row in enumerate(v.W[k]):
                for j, mask in enumerate(row):
                    names[mask.bit_length() - 1] = f"w_{k}_{j + 1}_{i + 1}"
    return polynomials.Variables(v.widths, v.x, v.W, v.b, tuple(names))


CORRECT_VARIABLES = polynomials.variables


@pytest.mark.parametrize("widths", WIDTHS)
def test_emitted_value_equals_the_forward_pass(widths: tuple[int, ...]) -> None:
    sums = emitted.emitted_sums(widths)
    point = rc.Point(widths, rc.PRIME, np.random.SeedSequence(4), 0)
    assert sums is not None
    assert emitted.emitted_value(sums, point) == rc.forward_value(point)


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("mutant", MUTANTS)
@pytest.mark.parametrize("method", ["exact", "random"])
def test_each_route_notices_a_broken_path_sum(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], mutant, method: str
) -> None:
    assert verify(widths, method=method).holds
    monkeypatch.setattr(polynomials, "path_sums", mutant)
    assert not verify(widths, method=method).holds


def test_above_the_emitted_limit_the_matrix_form_is_checked() -> None:
    widths = (10, 10, 10, 10, 2)  # 20,000+ terms: not emitted entry by entry
    assert emitted.emitted_sums(widths) is None
    result = verify(widths, method="random", seed=1)
    assert result.holds and "as matrix products" in detail(result.evidence)


def test_the_summary_says_the_emitted_sums_were_evaluated() -> None:
    assert "emitted path sums" in detail(verify((2, 3, 1), method="random").evidence)


@pytest.mark.parametrize("widths", SQUARE)
@pytest.mark.parametrize("method", ["exact", "random"])
def test_a_transposition_the_algebra_cannot_see_fails_each_route(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], method: str
) -> None:
    """Before the routes read the emitted sums by name, both compared the algebra with itself
    (``compare_routes``, one output at a time, and the same bit numbering); under these mutants
    that comparison still holds while the documents print a transposed W_z."""
    assert verify(widths, method=method).holds
    monkeypatch.setattr(polynomials, "path_sums", _transposed_when_square)
    assert polynomials.compare_routes(polynomials.variables(widths))[0]
    assert not verify(widths, method=method).holds


@pytest.mark.parametrize("widths", SQUARE_LAYER)
@pytest.mark.parametrize("method", ["exact", "random"])
def test_entries_printed_under_the_wrong_names_fail_each_route(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], method: str
) -> None:
    monkeypatch.setattr(polynomials, "variables", _names_transposed_when_square)
    assert polynomials.compare_routes(polynomials.variables(widths))[0]
    assert not verify(widths, method=method).holds


@pytest.mark.parametrize("name", ["w_1_3_1", "b_0_1", "x_0", "y_1", "w_1_1"])
def test_a_name_that_is_no_entry_fails_each_route(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    widths = (2, 2, 1)

    def misnamed(widths: tuple[int, ...]) -> polynomials.Variables:
        v = CORRECT_VARIABLES(widths)
        return polynomials.Variables(v.widths, v.x, v.W, v.b, (*v.names[:-1], name))

    monkeypatch.setattr(polynomials, "variables", misnamed)
    assert not verify(widths, method="exact").holds
    assert not verify(widths, method="random").holds
