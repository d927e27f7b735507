"""Every layer kind of the registry has every part, and each part does what it says: adding a
kind that misses one fails here."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from symcollapse.errors import InternalError, SpecError
from symcollapse.spec import roles as spec_roles
from symcollapse.spec.grammar import grammar_lines, parse_layer
from symcollapse.spec.kinds.base import (
    Activation,
    Affine,
    Defined,
    LayerKind,
    Maximum,
    Named,
    Nonlinear,
    Param,
    Shape,
    Skip,
    Sum,
    Term,
    Value,
)
from symcollapse.spec.kinds.registry import (
    BY_WORD,
    KINDS,
    PARAMETER_RANKS,
    describe,
    discovered,
    kind_of,
    refusal,
)
from symcollapse.spec.onnx_conv import CONV_READERS
from symcollapse.spec.onnx_ops import READERS
from symcollapse.spec.roles import ROLES
from tests.model_files import require

EXAMPLES = [(kind, text) for kind in KINDS for text in kind.examples]

#: Parts a kind may leave empty: counterparts it has none of, parameters it has none of, roles
#: it introduces none of, and what it is called as the identity when it never is.
OPTIONAL = ("onnx", "torch", "refuses", "factors", "shifts", "roles", "vanishes")


def test_the_registry_lists_each_kind_once_under_its_word_and_type():
    assert len(BY_WORD) == len({kind.layer_type for kind in KINDS}) == len(KINDS)
    assert [line.split()[0].split("(")[0] for line in grammar_lines()] == list(BY_WORD)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.word for kind in KINDS])
def test_every_kind_has_every_part(kind: LayerKind):
    assert isinstance(kind, LayerKind)
    for part in dataclasses.fields(LayerKind):
        if part.name not in OPTIONAL:
            assert getattr(kind, part.name), f"{kind.word} has no {part.name}"
    assert dataclasses.is_dataclass(kind.layer_type) and kind.layer_type.__dataclass_params__.frozen
    assert callable(getattr(kind.layer_type, "out_width", None))
    assert kind.layer_type.kind is kind
    assert kind.examples and kind.syntax and kind.layer_type.__doc__


@pytest.mark.parametrize(("kind", "text"), EXAMPLES, ids=[text for _, text in EXAMPLES])
def test_each_example_parses_describes_and_reads_back(kind: LayerKind, text: str):
    layer = parse_layer(text)
    assert kind_of(layer) is kind
    assert parse_layer(describe(layer)) == layer
    nonlinear = kind.nonlinear(layer)
    assert nonlinear is None or (isinstance(nonlinear, Nonlinear) and nonlinear.reason)
    shape = kind.cost(layer, 8)
    assert shape is None or (isinstance(shape, Shape) and shape.row_nonzeros >= 1)
    assert layer.out_width(8) >= 1


def test_every_onnx_op_of_a_kind_has_a_reader():
    """``fold`` reads every ONNX counterpart a kind names: what ``layers`` proves affine."""
    ops = {op for kind in KINDS for op in kind.onnx}
    assert ops and set(ops) <= set(READERS) | set(CONV_READERS)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.word for kind in KINDS])
def test_torch_counterparts_are_torch_modules(kind: LayerKind):
    torch = require("torch", "TORCH")
    assert all(isinstance(getattr(torch.nn, name, None), type) for name in kind.torch)


def test_a_kind_reads_only_its_own_words():
    with pytest.raises(SpecError, match=r"^batchnorm takes no arguments, got '3'$"):
        parse_layer("batchnorm 3")
    with pytest.raises(SpecError, match=r"^a residual block is residual\(LAYER > \.\.\.\)"):
        parse_layer("residual dense 3")
    with pytest.raises(SpecError, match=r"^residual blocks do not nest$"):
        parse_layer("residual(residual(dense 2))")
    with pytest.raises(SpecError, match=r"^not a layer: 'dense'$"):
        kind_of("dense")


@pytest.mark.parametrize("kind", KINDS, ids=[kind.word for kind in KINDS])
def test_what_fold_refuses_is_a_form_of_the_kind_that_is_not_affine(kind: LayerKind):
    for op, layer in kind.refuses:
        assert kind_of(layer) is kind and kind.nonlinear(layer) is not None
        assert op not in kind.onnx + kind.torch, f"{op} is both read and refused"
        assert refusal(op) == refusal(op.upper()) == kind.refusal(op)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Relu", "relu is piecewise affine, not affine: symcollapse layers derives it region by"),
        ("ReLU", "relu is piecewise affine, not affine: symcollapse layers derives it region by"),
        ("LeakyReLU", "leaky_relu is piecewise affine, not affine: symcollapse layers derives"),
        ("Tanh", "tanh is not affine: symcollapse layers gives a certificate of that"),
        ("Sigmoid", "sigmoid is not affine: symcollapse layers gives a certificate of that"),
    ],
)
def test_fold_says_why_from_the_kinds_own_reason(name: str, said: str):
    assert (refusal(name) or "").startswith(said)


@pytest.mark.parametrize("name", ["Softmax", "Gemm", "Linear", ""])
def test_fold_has_nothing_to_add_where_no_kind_refuses(name: str):
    assert refusal(name) is None


def _params(value: Value) -> set[str]:
    """The roles of the parameter entries in one entry of an explicit matrix."""
    if isinstance(value, Param):
        return {value.role}
    if isinstance(value, Term):
        return {role for param, _ in value.factors for role in _params(param)}
    if isinstance(value, Sum):
        return {role for term in value.terms for role in _params(term)}
    return set()


def _steps(layer: object, width: int) -> list[tuple[LayerKind, Defined]]:
    """Every definition ``layer``'s maps make, with the kind that made it (a block's layers
    make their own)."""
    found: list[tuple[LayerKind, Defined]] = []
    for data in kind_of(layer).maps(layer, width):
        if isinstance(data, Affine):
            bias = () if data.bias is None else (data.bias,)
            found += [(kind_of(layer), step) for step in (*data.given, data.matrix, *bias)]
        elif isinstance(data, Skip):
            for sub in data.layers:
                found += _steps(sub, width)
                width = sub.out_width(width)
    return found


@pytest.mark.parametrize(("kind", "text"), EXAMPLES, ids=[text for _, text in EXAMPLES])
def test_each_example_computes_maps_that_chain_from_its_input_to_its_output(kind, text):
    layer = parse_layer(text)
    width = 8
    for data in kind.maps(layer, 8):
        if isinstance(data, Affine):
            assert data.matrix.value.cols == width
            width = data.matrix.value.rows
            assert data.bias is None or (data.bias.value.rows, data.bias.value.cols) == (width, 1)
        elif isinstance(data, Maximum):
            assert all(0 <= w.start < w.stop <= width for w in data.windows)
            width = len(data.windows)
        else:
            assert isinstance(data, Activation | Skip)
    assert width == layer.out_width(8)


@pytest.mark.parametrize(("kind", "text"), EXAMPLES, ids=[text for _, text in EXAMPLES])
def test_each_example_names_its_matrices_and_entries_with_declared_roles(kind, text):
    """A matrix-level name is a role of its shape; a parameter entry is a network's ``W``,
    ``b`` or a role its own kind declares (so the algebra ranks and the printers name it)."""
    for maker, step in _steps(parse_layer(text), 8):
        if isinstance(step.name, Named):
            assert step.name.role in ROLES
            assert (step.name.rows, step.name.cols) == (step.value.rows, step.value.cols)
        roles = {role for value in step.value.entries for role in _params(value)}
        assert roles <= {"W", "b", *maker.factors, *maker.shifts}, maker.word


def test_each_parameter_role_is_declared_once_and_named():
    declared = [role for kind in KINDS for role in (*kind.factors, *kind.shifts)]
    assert sorted(declared) == sorted(PARAMETER_RANKS), "a role declared by two kinds"
    assert set(declared) <= set(ROLES) - {"W", "b", "x"}


#: Where a kind's word may be written outside ``spec/kinds``, and why: ``maxpool`` is also the
#: name of the function max pooling applies, which the printers typeset and the reader reads
#: back (the reader imports nothing of the package, so it knows the printed name itself).
ELSEWHERE = {
    "algebra/stages.py": {"maxpool"},
    "derivations/certificates.py": {"maxpool"},
    "render/printer.py": {"maxpool"},
    "render/boxes_functions.py": {"maxpool"},
    "reading/plain.py": {"maxpool"},
    "reading/pooling.py": {"maxpool"},
}


def _words_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in BY_WORD
    }


def test_no_other_module_lists_kinds():
    """A kind is one file: no module outside ``spec/kinds`` writes a kind's word, but those
    :data:`ELSEWHERE` says why."""
    package = Path(__file__).resolve().parents[3] / "symcollapse"
    found = {
        path.relative_to(package).as_posix(): words
        for path in sorted(package.rglob("*.py"))
        if "kinds" not in path.relative_to(package).parts and (words := _words_in(path))
    }
    assert found == ELSEWHERE


def _kinds_package(
    root: Path, name: str, positions: dict[str, int], roles: tuple[tuple[str, str], ...] = ()
) -> str:
    """A package ``name`` under ``root`` whose modules each describe a kind at a position,
    introducing ``roles``."""
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("SHARED = 1\n")  # a module without a kind
    for module, position in positions.items():
        (package / f"{module}.py").write_text(
            "import dataclasses\n"
            "from symcollapse.spec.kinds.registry import BY_WORD\n"
            f"KIND = dataclasses.replace(BY_WORD['dropout'], word={module!r}, "
            f"position={position}, roles={roles!r})\n"
        )
    return name


def test_a_kind_is_found_in_its_own_module_in_its_position(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    name = _kinds_package(tmp_path, "found_kinds", {"early": 9, "late": 2, "middle": 5})
    assert [kind.word for kind in discovered(name)] == ["late", "middle", "early"]
    assert [kind.position for kind in KINDS] == sorted(kind.position for kind in KINDS)


def test_two_kinds_at_one_position_are_refused(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    name = _kinds_package(tmp_path, "clashing_kinds", {"one": 3, "two": 3})
    with pytest.raises(InternalError, match=r"^two layer kinds share a position: \[3, 3\]$"):
        discovered(name)


@pytest.mark.parametrize(
    "roles",
    [(("zeta", "the test factors"),), (("zeta", "the test factors"), ("Zeta", "their matrices"))],
)
def test_the_roles_a_kind_introduces_join_the_roles(tmp_path, monkeypatch, roles):
    """A kind's own roles reach the roles every notation and ``--names`` check reads; one it
    reuses with the same meaning (batch normalisation's ``gamma``) is no clash."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(spec_roles, "ROLES", dict(ROLES))
    reused = (("gamma", ROLES["gamma"]),)
    discovered(_kinds_package(tmp_path, f"role_kinds_{len(roles)}", {"one": 3}, roles + reused))
    assert {role: spec_roles.ROLES[role] for role, _ in roles} == dict(roles)
    assert spec_roles.ROLES["gamma"] == ROLES["gamma"]


@pytest.mark.parametrize("taken", ["W", "gamma", "x"])
def test_a_role_a_kind_gives_another_meaning_is_its_bug(tmp_path, monkeypatch, taken):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(spec_roles, "ROLES", dict(ROLES))
    name = _kinds_package(tmp_path, f"taken_{taken}_kinds", {"one": 3}, ((taken, "mine"),))
    with pytest.raises(InternalError, match=rf"^layer kind 'one' declares role '{taken}' taken: "):
        discovered(name)
    assert spec_roles.ROLES[taken] == ROLES[taken]
