"""What a state_dict's keys say about the order of its modules, and what they do not."""

from __future__ import annotations

import pytest

from symcollapse.errors import SpecError
from symcollapse.spec.state_dict_keys import modules, order


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["2", "0", "1"], ("0", "1", "2")),
        (["net.1", "net.0"], ("net.0", "net.1")),
        (["0.1", "1", "0.0"], ("0.0", "0.1", "1")),
        (["model.layers.10", "model.layers.9"] + [f"model.layers.{i}" for i in range(9)], None),
        (["fc"], ("fc",)),
        ([""], ("",)),
    ],
)
def test_indices_give_the_order(paths, expected):
    got = order(paths, "m", assume_identity_gaps=True).paths
    assert got == (expected or tuple(sorted(paths, key=lambda p: int(p.rsplit(".", 1)[1]))))


@pytest.mark.parametrize(
    ("paths", "gap"),
    [
        (["0", "2"], "1"),
        (["1"], "0"),
        (["net.1"], "net.0"),
        (["0", "4"], "1-3"),
        (["0.0", "0.2", "1"], "0.1"),
        (["0", "99999"], "1-99998"),
    ],
)
def test_gaps_are_refused_unless_stated(paths, gap):
    with pytest.raises(SpecError, match=rf"^m: no parameters at module {gap} \(an index gap\)"):
        order(paths, "m")
    stated = order(paths, "m", assume_identity_gaps=True)
    assert stated.gaps == (gap,) and set(stated.paths) == set(paths)


@pytest.mark.parametrize("paths", [["fc1", "fc2"], ["encoder.0", "decoder.0"], ["0", "head"]])
def test_names_need_the_stated_order(paths):
    with pytest.raises(SpecError, match=r"are named, and a state_dict does not record the order"):
        order(paths, "m")
    assert order(paths, "m", layers=paths[::-1]).paths == tuple(paths[::-1])


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (["fc1"], r"modules fc2 hold parameters but are not in layers"),
        (["fc1", "fc2", "fc3"], r"layers names fc3, not a module of the file"),
        (["fc1", "fc1", "fc2"], r"layers names a module twice"),
    ],
)
def test_a_stated_order_names_every_module_once(layers, message):
    with pytest.raises(SpecError, match=message):
        order(["fc1", "fc2"], "m", layers=layers)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["0.weight", "00.weight"], r"module index '00', which is not a plain index"),
        (["99999999999999999999.weight"], r"module index '99999999999999999999'"),
        (["0.weight", "0.gamma"], r"key '0.gamma' is not a Linear or BatchNorm1d parameter"),
        (["0..weight"], r"has an empty module name"),
        (["0.weight", "0.1.weight"], r"module '0' holds parameters and also submodules"),
        (["weight", "0.weight"], r"keys without a module name beside named modules"),
    ],
)
def test_keys_that_hide_a_module_are_refused(keys, message):
    with pytest.raises(SpecError, match=message):
        modules(keys, "m")


@pytest.mark.parametrize(
    ("paths", "last"), [(["0", "1"], "1"), (["net.0"], "net.0"), (["fc"], "fc")]
)
def test_nothing_after_the_last_layer_must_be_stated(paths, last):
    """``Sequential(Linear, ReLU)`` saves only ``0.*``: the ReLU after it leaves no trace."""
    message = rf"^m: a state_dict does not record modules .* after its last layer \({last}\)"
    with pytest.raises(SpecError, match=message) as error:
        order(paths, "m")
    assert error.value.parameter == "assume_identity_gaps"
    assert order(paths, "m", assume_identity_gaps=True).paths == tuple(paths)
    assert order([""], "m").paths == ("",)  # a bare layer's own keys: nothing follows it
