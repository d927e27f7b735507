"""``--convention column|row``: ``derive`` writes the row form (``x W_1 W_2``) in every format;
the document kinds written in the column form only refuse ``row`` in one line, exit 2, before
any work, and take ``column``."""

from __future__ import annotations

import pytest

from symcollapse.cli import main

#: What the row form of 2-3-1 writes where the column form writes W_2 W_1 x, by format.
ROW_FORMS = {
    "latex": r"x W_{1} W_{2}",
    "markdown": r"x W_{1} W_{2}",
    "typst": "x W_(1) W_(2)",
    "json": "x*W_1*W_2",
    "text": "x*W_1*W_2",
}


@pytest.mark.parametrize("detail", ["brief", "standard", "full"])
@pytest.mark.parametrize("fmt", sorted(ROW_FORMS))
def test_derive_writes_the_row_form(capsys, fmt, detail) -> None:
    argv = ["derive", "2", "3", "1", "--format", fmt, "--detail", detail]
    assert main([*argv, "--convention", "row"]) == 0
    row = capsys.readouterr().out
    assert ROW_FORMS[fmt] in row
    assert main(argv) == 0  # the default is the column form
    column = capsys.readouterr().out
    assert ROW_FORMS[fmt] not in column


#: A document command written in the column form only, with arguments it needs.
COLUMN_ONLY = {
    "gradients": ["gradients", "2", "1"],
    "layers": ["layers", "2 > dense 1"],
    "prove": ["prove"],
    "fold": ["fold", "missing.onnx"],
    "dynamics saxe": ["dynamics", "saxe"],
    "dynamics arora": ["dynamics", "arora"],
    "regress": ["regress", "2", "1"],
}


@pytest.mark.parametrize("command", sorted(COLUMN_ONLY))
def test_column_only_documents_refuse_the_row_convention(capsys, command) -> None:
    status = main([*COLUMN_ONLY[command], "--convention", "row"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "column convention only" in err, err


@pytest.mark.parametrize("convention", ["rows", "transposed"])
def test_an_unknown_convention_is_refused(capsys, convention) -> None:
    assert main(["derive", "2", "1", "--convention", convention]) == 2
    assert "--convention: invalid choice" in capsys.readouterr().err
