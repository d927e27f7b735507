"""The routes check what symcollapse emits: break the path sums, or the names they print, and
each route notices, where comparing the algebra with itself (``compare_routes``) did not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra import polynomials
from symcollapse.errors import VerificationError
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


def _a_path_twice(v: polynomials.Variables, progress=None, outputs=None) -> polynomials.PathSums:
    """The last bias path of output 1 replaced by its first: as many terms, one coefficient 2."""
    sums = CORRECT(v, progress, outputs)
    first = sums.b_z[0].copy()
    first[:, -1] = first[:, 0]
    return polynomials.PathSums(W_z=sums.W_z, b_z=(first, *sums.b_z[1:]))


def _two_factors_of_a_layer(
    v: polynomials.Variables, progress=None, outputs=None
) -> polynomials.PathSums:
    """The first path of W_z[1, 1] also holds another weight of layer 1 (w_1_1_1 or w_1_1_2)."""
    sums = CORRECT(v, progress, outputs)
    paths = sums.W_z[0][0].copy()
    others = [m for row in v.W[1] for m in row]
    extra = next(m for m in others if not polynomials.monomial_ints(paths[:, :1])[0] & m)
    k = extra.bit_length() - 1
    paths[k // 64, 0] |= np.uint64(1 << (k % 64))
    return polynomials.PathSums(W_z=((paths, *sums.W_z[0][1:]), *sums.W_z[1:]), b_z=sums.b_z)


def _its_input_twice(v: polynomials.Variables, progress=None, outputs=None) -> polynomials.PathSums:
    """The first path of W_z[1, 1] also holds x_1, the input W_z[1, 1] multiplies: x_1^2."""
    sums = CORRECT(v, progress, outputs)
    paths = sums.W_z[0][0].copy()
    paths[0, 0] |= np.uint64(v.x[0])  # x_1 is bit 0 in the algebra's numbering
    return polynomials.PathSums(W_z=((paths, *sums.W_z[0][1:]), *sums.W_z[1:]), b_z=sums.b_z)


def _a_factor_without_a_name(
    v: polynomials.Variables, progress=None, outputs=None
) -> polynomials.PathSums:
    """The first bias path of output 1 also holds the last bit of its words, which no symbol
    names (every shape tested leaves some bits of the last word unnamed)."""
    sums = CORRECT(v, progress, outputs)
    first = sums.b_z[0].copy()
    first[-1, 0] |= np.uint64(1 << 63)
    return polynomials.PathSums(W_z=sums.W_z, b_z=(first, *sums.b_z[1:]))


def _one_word_more(v: polynomials.Variables, progress=None, outputs=None) -> polynomials.PathSums:
    """Every path sum a word wider than the names need (empty, but not read as the names)."""
    sums = CORRECT(v, progress, outputs)

    def wider(paths: np.ndarray) -> np.ndarray:
        return np.vstack([paths, np.zeros((1, paths.shape[1]), np.uint64)])

    return polynomials.PathSums(
        W_z=tuple(tuple(map(wider, row)) for row in sums.W_z), b_z=tuple(map(wider, sums.b_z))
    )


def _an_entry_missing(
    v: polynomials.Variables, progress=None, outputs=None
) -> polynomials.PathSums:
    """Row 1 of W_z one entry short (so zip would pair the entries with the wrong inputs)."""
    sums = CORRECT(v, progress, outputs)
    return polynomials.PathSums(W_z=(sums.W_z[0][1:], *sums.W_z[1:]), b_z=sums.b_z)


#: Mutants the route reads differently from a wrong term (see each docstring).
READING_MUTANTS = [
    _two_factors_of_a_layer,
    _its_input_twice,
    _a_factor_without_a_name,
    _one_word_more,
    _an_entry_missing,
]

#: Deep narrow shapes: the reference's digits take several words.
DEEP = [(2, *(1,) * 41, 2), (2, *(1, 2) * 15)]


@pytest.mark.parametrize("widths", [*WIDTHS, *SQUARE, (1, 2, 1), (1, 3, 3)])
@pytest.mark.parametrize("mutant", READING_MUTANTS)
@pytest.mark.parametrize("method", ["exact", "random"])
def test_a_product_the_reference_cannot_hold_fails_each_route(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], mutant, method: str
) -> None:
    assert len(polynomials.variables(widths).names) < 64 * polynomials.variables(widths).words
    monkeypatch.setattr(polynomials, "path_sums", mutant)
    assert not verify(widths, method=method).holds


@pytest.mark.parametrize("widths", [w for w in WIDTHS + SQUARE if len(w) > 2])
@pytest.mark.parametrize("method", ["exact", "random"])
def test_a_path_twice_and_another_missing_fails_each_route(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], method: str
) -> None:
    """As many terms as expected, but one with coefficient 2 and one with 0."""
    monkeypatch.setattr(polynomials, "path_sums", _a_path_twice)
    result = verify(widths, method=method)
    assert not result.holds
    if method == "exact":
        assert result.evidence.compared == result.evidence.expected


@pytest.mark.parametrize("widths", DEEP)
@pytest.mark.parametrize("mutant", [None, *MUTANTS])
def test_digits_over_several_words_are_read_and_compared(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], mutant
) -> None:
    assert emitted.reference.layout(widths).words > 1
    if mutant is not None:
        monkeypatch.setattr(polynomials, "path_sums", mutant)
    assert emitted.exactly_equal(widths)[0] == (mutant is None)


@pytest.mark.parametrize("widths", [*WIDTHS, (3,) * 6, (4, 4, 4, 4), (16, 16, 4), (5, 40, 2)])
@pytest.mark.parametrize("mutant", [None, _swap_an_index, _two_factors_of_a_layer])
def test_both_table_sizes_read_the_same(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], mutant
) -> None:
    """16-bit tables (used when there are enough terms) and 8-bit ones, on the same sums, read
    in blocks of a few paths or all at once; wide layers (16 16 4, 5 40 2) read only the words
    of a path that are not zero."""
    if mutant is not None:
        monkeypatch.setattr(polynomials, "path_sums", mutant)
    results = []
    # and each sum read alone in one block, or all at once in blocks of 5 paths
    for bits, batch, block in ((8, 1, 10**9), (16, 10**9, 5)):
        monkeypatch.setattr(emitted, "CHUNK", bits)
        monkeypatch.setattr(emitted, "SMALL_CHUNK", bits)
        monkeypatch.setattr(emitted, "BATCH", batch)
        monkeypatch.setattr(emitted, "BLOCK", block)
        try:
            results.append(emitted.exactly_equal(widths))
        except VerificationError as error:
            results.append(str(error))
    assert results[0] == results[1]
    holds = isinstance(results[0], tuple) and results[0][0]
    assert holds == (mutant is None)


def _input_for_a_weight_and_a_bias_path_for_it(
    v: polynomials.Variables, progress=None, outputs=None
) -> polynomials.PathSums:
    """Widths of 1: W_z's path w_2 w_1 printed as w_2 x_1 (so x_1^2 w_2 once multiplied by
    x_1), and b_z's path w_2 b_1 printed as w_2 w_1 x_1: as many terms, a wrong polynomial,
    which read without room for the second x_1 would be the right one (x_1^2 carrying into the
    next layer's digit as b_1)."""
    sums = CORRECT(v, progress, outputs)
    (w_1,), (b_1,) = v.W[1][0], v.b[1]
    W_paths, b_paths = sums.W_z[0][0].copy(), sums.b_z[0].copy()
    W_paths[0] ^= np.uint64(w_1 | v.x[0])
    b_paths[0, b_paths[0] & np.uint64(b_1) != 0] ^= np.uint64(b_1 | w_1 | v.x[0])
    return polynomials.PathSums(W_z=((W_paths,),), b_z=(b_paths,))


@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 1, 1, 1)])
@pytest.mark.parametrize("method", ["exact", "random"])
def test_an_input_twice_is_not_read_as_another_layers_entry(
    monkeypatch: pytest.MonkeyPatch, widths: tuple[int, ...], method: str
) -> None:
    monkeypatch.setattr(polynomials, "path_sums", _input_for_a_weight_and_a_bias_path_for_it)
    assert not verify(widths, method=method).holds


#: Shapes for the reading's tables: small ones, and deep narrow ones whose digits take several
#: columns (1 (x50): two digit words, their layer bits above the first and in a column of
#: their own; 2 1 (x61) 2: one layer bit at bit 63 of a digit column, whose carry is lost).
TABLE_SHAPES = st.one_of(
    st.lists(st.integers(1, 4), min_size=2, max_size=5).map(tuple),
    st.sampled_from([(1,) * 50, (2, *(1, 2) * 15), (5, 40, 2), (2, *(1,) * 61, 2)]),
)


@st.composite
def _products(draw: st.DrawFn) -> tuple[tuple[int, ...], int, list[list[int]], list[int]]:
    """Widths, a chunk size, products (each a set of bits, mostly named ones, some without a
    name) and for each the input it is multiplied by (0 for none, as in b_z)."""
    widths = draw(TABLE_SHAPES)
    v = polynomials.variables(widths)
    bits = st.integers(0, len(v.names) - 1) | st.integers(0, 64 * v.words - 1)
    products = draw(st.lists(st.lists(bits, max_size=6, unique=True), min_size=1, max_size=8))
    inputs = draw(
        st.lists(st.integers(0, widths[0]), min_size=len(products), max_size=len(products))
    )
    return widths, draw(st.sampled_from([8, 16])), products, inputs


@settings(max_examples=80, deadline=None)
@given(_products())
def test_the_tables_read_any_product_as_its_digits_or_refuse_it(
    case: tuple[tuple[int, ...], int, list[list[int]], list[int]],
) -> None:
    """Whatever the products: one with a bit that no symbol names is refused, one with two
    factors of a layer (its input counted) is refused, and any other is read as the digits the
    reference's layout gives its factors, read by name here and added up; read one at a time
    and all at once."""
    widths, chunk, products, inputs = case
    v = polynomials.variables(widths)
    lay = emitted.reference.layout(widths)
    reading = emitted._reading(v.names, 64 * v.words, lay)
    bits, tables = emitted._tables(reading, terms=2**16 * 10**6 if chunk == 16 else 0)
    assert bits == chunk
    paths = np.zeros((v.words, len(products)), dtype=np.uint64)
    for t, product in enumerate(products):
        for bit in product:
            paths[bit // 64, t] |= np.uint64(1 << (bit % 64))
    expected: list[list[int] | str] = []
    for product, j in zip(products, inputs, strict=True):
        keys = [
            emitted.reference.parse_name(v.names[bit], widths)
            for bit in product
            if bit < len(v.names)
        ]
        keys += [("x", 0, 0, j)] if j else []
        layers = [key[1] for key in keys]
        digits = [0] * lay.words
        for key in keys:
            digits[lay.word[key[1]]] += lay.code(key) * lay.place[key[1]]
        unnamed = any(bit >= len(v.names) for bit in product)
        two = len(set(layers)) < len(layers)
        expected.append("without a name" if unnamed else "two factors" if two else digits)
    for t, want in enumerate(expected):
        digits = np.zeros((lay.words, 1), dtype=np.int64)
        if isinstance(want, str):
            with pytest.raises(VerificationError, match=want):
                emitted._read(paths[:, t : t + 1], [(1, inputs[t])], reading, bits, tables, digits)
        else:
            emitted._read(paths[:, t : t + 1], [(1, inputs[t])], reading, bits, tables, digits)
            assert digits[:, 0].tolist() == want
    together = np.zeros((lay.words, len(products)), dtype=np.int64)
    runs = [(1, j) for j in inputs]
    if all(isinstance(want, list) for want in expected):
        emitted._read(paths, runs, reading, bits, tables, together)
        assert together.T.tolist() == expected
    else:
        with pytest.raises(VerificationError):
            emitted._read(paths, runs, reading, bits, tables, together)


@pytest.mark.parametrize("widths", [(2, *(1,) * 61, 2), (1, 3, *(1,) * 59, 2)])
def test_two_factors_of_the_layer_at_the_top_bit_are_refused(widths: tuple[int, ...]) -> None:
    """The layer whose bit is bit 63 of its column: two of its factors (two entries, or for an
    input layer of width 1 its entry and the input the path multiplies) carry out of the word,
    leaving fewer bits set than factors; one of them is read as its digit."""
    v = polynomials.variables(widths)
    lay = emitted.reference.layout(widths)
    reading = emitted._reading(v.names, 64 * v.words, lay)
    bits, tables = emitted._tables(reading, terms=0)
    top = next(k for k, (_, shift) in enumerate(reading.layers) if shift == 63)
    entries = [emitted.reference.parse_name(name, widths) for name in v.names]
    named = [bit for bit, key in enumerate(entries) if key[1] == top]
    pair, j = (named[:2], 0) if len(named) > 1 else (named, 1)
    paths = np.zeros((v.words, 2), dtype=np.uint64)
    for bit in pair:
        paths[bit // 64, 0] |= np.uint64(1 << (bit % 64))
    paths[named[0] // 64, 1] |= np.uint64(1 << (named[0] % 64))
    digits = np.zeros((lay.words, 1), dtype=np.int64)
    emitted._read(paths[:, 1:], [(1, 0)], reading, bits, tables, digits)
    assert digits[lay.word[top], 0] == lay.code(entries[named[0]]) * lay.place[top]
    with pytest.raises(VerificationError, match="two factors"):
        emitted._read(paths[:, :1], [(1, j)], reading, bits, tables, digits)
