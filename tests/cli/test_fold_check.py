"""``symcollapse fold`` re-reads its own document before writing it: a printer that shows
``W_z`` from a transposed product, or rounded to the wrong float type, is an internal error
(exit 3) and nothing is written; the untouched document is written and passes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from symcollapse.algebra import fold as folding
from symcollapse.cli import fold as fold_command
from symcollapse.cli import main
from symcollapse.derivations import fold as fold_document
from tests.model_files import dense_layers, state_dict

FORMATS = ["latex", "markdown", "github", "json", "typst", "html"]


def model_file(tmp_path, widths: tuple[int, ...]) -> list[str]:
    path = tmp_path / "model.npz"
    np.savez(path, **state_dict(dense_layers(widths, seed=5)))
    return [str(path), "--assume-identity-gaps", "--weight-layout", "out-in"]


def run(tmp_path, capsys, widths: tuple[int, ...], fmt: str, *options: str) -> tuple[int, str]:
    out = tmp_path / "out"
    argv = ["fold", *model_file(tmp_path, widths), "--format", fmt, "--out", str(out)]
    status = main([*argv, *options])
    written = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert (status == 0) == bool(written), written  # written only when it holds
    return status, capsys.readouterr().err


def transposed_product(monkeypatch) -> None:
    """The bug: ``W_z`` printed as ``W_1 W_2``, the product in the wrong order."""
    derive = fold_document.derive_fold

    def wrong(result, *arguments, **keywords):
        layers = result.model.layers[::-1]
        swapped = folding.fold(replace(result.model, layers=layers, input_width=3))
        return derive(replace(result, W_z=swapped.W_z), *arguments, **keywords)

    monkeypatch.setattr(fold_command, "derive_fold", wrong)


def wrong_type(monkeypatch) -> None:
    """The bug: ``W_z`` and ``b_z`` rounded to float16 where the words say float32."""
    numbers, shown = fold_document._numbers_section, fold_document.shown

    def wrong(*arguments):
        with monkeypatch.context() as inside:
            inside.setattr(fold_document, "shown", lambda v, _: shown(v, np.dtype("float16")))
            return numbers(*arguments)

    monkeypatch.setattr(fold_document, "_numbers_section", wrong)


BUGS = {"transposed product": transposed_product, "wrong float type": wrong_type}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bug", sorted(BUGS))
def test_a_printer_bug_is_an_internal_error_and_nothing_is_written(
    tmp_path, capsys, monkeypatch, fmt, bug
):
    BUGS[bug](monkeypatch)
    status, err = run(tmp_path, capsys, (3, 3, 3), fmt)
    assert status == 3, err
    assert "as rendered says something false" in err and "is false: entry" in err, err


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("options", [(), ("--convention", "row"), ("--names", "W=M,x=y")])
def test_without_the_bug_it_is_written(tmp_path, capsys, fmt, options):
    assert run(tmp_path, capsys, (3, 3, 3), fmt, *options)[0] == 0
