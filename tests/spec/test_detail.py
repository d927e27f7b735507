"""The detail levels: three names, checked before any algebra."""

from __future__ import annotations

import pytest

from symcollapse.errors import OptionError
from symcollapse.spec.detail import DEFAULT_DETAIL, DETAILS, check_detail


@pytest.mark.parametrize("detail", DETAILS)
def test_each_level_is_accepted(detail: str) -> None:
    assert check_detail(detail) == detail


@pytest.mark.parametrize("bad", ["Brief", "", None, 1, "all"])
def test_anything_else_is_one_option_error(bad: object) -> None:
    with pytest.raises(OptionError, match=r"^detail must be one of brief, standard, full, got "):
        check_detail(bad)


def test_the_default_is_standard() -> None:
    assert DEFAULT_DETAIL == "standard"
