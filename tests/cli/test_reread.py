"""The re-read before writing: a brief fragment states no width, so the network's widths bound
its Σ rows, which are then checked, not counted as unchecked."""

from __future__ import annotations

import pytest

from symcollapse.cli import main
from symcollapse.cli.reread import reread
from symcollapse.derivations.dense import derive
from symcollapse.errors import InternalError
from symcollapse.render.latex import render_fragment

SWAPPED = (
    r"w^{(2)}_{k_{2}\,k_{1}} w^{(1)}_{k_{1}\,j}",
    r"w^{(2)}_{k_{1}\,k_{2}} w^{(1)}_{k_{1}\,j}",
)


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 3, 3, 3)])
def test_a_brief_fragments_sum_rows_are_checked_at_the_networks_widths(widths):
    text = render_fragment(derive(list(widths), detail="brief"))
    assert SWAPPED[0] in text
    edited = text.replace(*SWAPPED)
    reread({"f.tex": text}, strict=True, widths=widths)
    for given in (widths, None):  # without widths: at widths sampled where they are hidden
        with pytest.raises(InternalError, match="says something false"):
            reread({"f.tex": edited}, strict=True, widths=given)


def test_derive_rereads_with_its_widths(monkeypatch, capsys):
    """The command hands the network's widths to the re-read (without them a brief fragment's
    Σ rows go unchecked)."""
    import symcollapse.cli.reread as module

    seen = []
    original = module.check_text

    def recording(text, **options):
        seen.append(options.get("widths"))
        return original(text, **options)

    monkeypatch.setattr(module, "check_text", recording)
    assert main(["derive", "2", "3", "3", "1", "--detail", "brief"]) == 0
    assert seen == [(2, 3, 3, 1)]
