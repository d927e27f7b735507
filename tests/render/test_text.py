from __future__ import annotations

import sympy as sp

from symcollapse import derive
from symcollapse.render.text import render_text


def test_text_has_every_section_and_parses_back():
    derivation = derive((2, 3, 3, 1), detail="full")
    text = render_text(derivation)
    for section in derivation.sections:
        assert f"\n{section.title[0]}\n" in text
    assert "    = W_3*(W_2*W_1*x + W_2*b_1 + b_2) + b_3    [distribute W_2]" in text
    # W_z[1,1] spans several lines; join them and parse the sum back.
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("W_z[1,1] = "))
    body = [lines[start].split(" = ", 1)[1]]
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        body.append(line.strip())
    assert sp.sympify(" ".join(body)) == derivation.collapse.W_z[0, 0]


def test_text_check_line():
    text = render_text(derive((1, 1)))
    assert "f(x) - (W_z*x + b_z) = 0    [expanded entrywise]" in text
