"""Live torch modules read through their attributes: edges of the API refused in one line."""

from __future__ import annotations

import numpy as np
import pytest

from symcollapse.errors import SpecError
from symcollapse.spec.torch_module import model_from_module
from tests.model_files import require


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda nn: None, r"^expected a torch nn.Module, got NoneType$"),
        (lambda nn: nn.Linear(2, 3, device="meta"), r"^module 0 weight is on the meta device"),
        (lambda nn: nn.Sequential(), r"^the module has no Linear or BatchNorm1d layer to fold$"),
    ],
)
def test_modules_that_hold_no_numbers_are_refused(make, message):
    torch = require("torch", "TORCH")
    module = make(torch.nn)
    with pytest.raises(SpecError, match=message):
        model_from_module(module.eval() if module is not None else None)


@pytest.mark.parametrize(
    ("make", "widths", "dtype"),
    [
        (lambda nn: nn.BatchNorm1d(3, affine=False), (3, 3, 3), "float32"),
        (lambda nn: nn.Linear(2, 4).double(), (2, 4), "float64"),
        (lambda nn: nn.Sequential(nn.Linear(2, 4), nn.Linear(4, 1)).half(), (2, 4, 1), "float16"),
    ],
)
def test_parameter_free_norms_and_precisions(make, widths, dtype):
    torch = require("torch", "TORCH")
    model = model_from_module(make(torch.nn).eval())
    assert model.widths == widths and model.dtype == np.dtype(dtype)
