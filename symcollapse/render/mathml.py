"""MathML Core from layout boxes: what browsers render natively, with no script and no font
download (Chromium, Firefox and Safari implement it).

Only MathML Core elements: ``mi``, ``mn``, ``mo``, ``mtext``, ``mrow``, ``msub``, ``msup``,
``msubsup``, ``munderover``, ``mfrac``, ``mtable``. A row that stands for something (an entry of
``W_z``) carries ``data-entry``, so a page can point at it.
"""

from __future__ import annotations

from html import escape

from symcollapse.render.mathtree import (
    Box,
    Fenced,
    Frac,
    Ident,
    Num,
    Op,
    Row,
    Script,
    Words,
    tall,
)
from symcollapse.render.names import GREEK, GREEK_CHARACTERS

#: The invisible operator between a function and its arguments (U+2061), so that ``f(x)``
#: reads as an application, not a product, to a screen reader and to the layout.
APPLY = "<mo>&#x2061;</mo>"


def _ident(name: str) -> str:
    """One letter in italic (MathML's default for one character), capital Greek and words
    upright, as in print."""
    if name in GREEK:
        letter = GREEK_CHARACTERS[name]
        upright = ' mathvariant="normal"' if name[0].isupper() else ""
        return f"<mi{upright}>{letter}</mi>"
    return f"<mi>{escape(name)}</mi>"


def _fenced(open_: str, body: str, close: str, grow: bool) -> str:
    """Delimiters that grow only around tall content: a stretchy delimiter is drawn from pieces
    and, in a font without a MATH table, sits apart from what it encloses."""
    mo = "<mo>" if grow else '<mo stretchy="false">'
    return f"<mrow>{mo}{escape(open_)}</mo>{body}{mo}{escape(close)}</mo></mrow>"


def mathml(box: Box) -> str:
    """The MathML Core of ``box`` (the content of a ``<math>`` element)."""
    if isinstance(box, Ident):
        return _ident(box.name)
    if isinstance(box, Num):
        return f"<mn>{escape(box.text)}</mn>"
    if isinstance(box, Op):  # a lone parenthesis is one a broken line opened or closes
        flat = ' stretchy="false"' if box.text in ("(", ")") else ""
        return f"<mo{flat}>{escape(box.text)}</mo>"
    if isinstance(box, Words):
        code = ' class="code"' if box.code else ""
        return f"<mtext{code}>{escape(box.text)}</mtext>"
    if isinstance(box, Row):
        tag = "" if box.tag is None else f' class="entry" data-entry="{escape(box.tag)}"'
        between = APPLY if box.applied else ""  # f&#x2061;(x): MathML's function application
        return f"<mrow{tag}>{between.join(map(mathml, box.items))}</mrow>"
    if isinstance(box, Script):
        return _script(box)
    if isinstance(box, Frac):
        return f"<mfrac>{mathml(box.numerator)}{mathml(box.denominator)}</mfrac>"
    if isinstance(box, Fenced):
        return _fenced(box.open, mathml(box.body), box.close, tall(box.body))
    rows = "".join(
        "<mtr>" + "".join(f"<mtd>{mathml(cell)}</mtd>" for cell in row) + "</mtr>"
        for row in box.rows
    )
    return _fenced(box.open, f"<mtable>{rows}</mtable>", box.close, True)


def _script(box: Script) -> str:
    base = mathml(box.base)
    if box.limits:
        base = f'<mo movablelimits="false">{escape(box.base.text)}</mo>'  # type: ignore[union-attr]
        under = mathml(box.sub) if box.sub is not None else "<mrow></mrow>"
        over = mathml(box.sup) if box.sup is not None else "<mrow></mrow>"
        return f"<munderover>{base}{under}{over}</munderover>"
    if box.sub is not None and box.sup is not None:
        return f"<msubsup>{base}{mathml(box.sub)}{mathml(box.sup)}</msubsup>"
    if box.sub is not None:
        return f"<msub>{base}{mathml(box.sub)}</msub>"
    return f"<msup>{base}{mathml(box.sup)}</msup>"  # type: ignore[arg-type]
