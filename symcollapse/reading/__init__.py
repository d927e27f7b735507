"""Reading printed documents back: the mathematics of a LaTeX, Markdown, Typst, HTML or JSON
document
parsed from its bytes and every row checked under the document's own definitions.

Independent of the code that printed the document by construction: this package imports
nothing of symcollapse but :mod:`symcollapse.errors` (tests/package/test_layers.py holds it to
that), so a renderer's bug cannot hide in the check of its output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.calculus import Gradients, is_calculus
from symcollapse.reading.curved import check_curved, curved
from symcollapse.reading.displays import read_displays
from symcollapse.reading.dynamics import Dynamics, is_dynamics, whole_powers
from symcollapse.reading.entries import misnamed_entries
from symcollapse.reading.forms import MAX_WIDTH
from symcollapse.reading.induction import DEPTHS, check_general, general
from symcollapse.reading.maps import misnamed_map
from symcollapse.reading.mathml import read_html
from symcollapse.reading.meaning import Meaning, Verdict
from symcollapse.reading.nodes import Document, Name, Number
from symcollapse.reading.piecewise import check_piecewise, piecewise
from symcollapse.reading.plain import read_json
from symcollapse.reading.reasons import false_reason
from symcollapse.reading.sampled import check_sampled
from symcollapse.reading.typst import read_typst
from symcollapse.reading.unused import renamed_function, renamed_once, unbound_argument
from symcollapse.reading.values import Rounding

#: Languages :func:`read_document` reads; ``None`` tells JSON from LaTeX and Markdown.
LANGUAGES = (None, "typst", "html")


def language_of(path: str) -> str | None:
    """The language of the document named ``path``, by its extension: ``.typ`` Typst,
    ``.html``/``.htm`` HTML, else None (LaTeX, Markdown or JSON, told apart by the text)."""
    lowered = path.lower()
    if lowered.endswith(".typ"):
        return "typst"
    return "html" if lowered.endswith((".html", ".htm")) else None


def read_document(text: str, language: str | None = None) -> Document:
    """``text`` as a document: Typst or HTML if ``language`` says so, else JSON if it is a JSON
    object, else LaTeX or Markdown."""
    if language not in LANGUAGES:
        raise DocumentError(f"cannot read documents in {language!r}")
    if language == "typst":
        document = read_typst(text)
    elif language == "html":
        document = read_html(text)
    elif text.lstrip().startswith("{"):
        return read_json(text)
    else:
        document = read_displays(text)
    if not document.rows and not document.unchecked:
        raise DocumentError("no displayed equations (align, equation, $$ or ```math) to check")
    return document


def with_widths(document: Document, widths: Sequence[int]) -> Document:
    """``document`` stating the widths ``d_0 = widths[0]``, ... besides its own (a brief LaTeX
    fragment states none, and its rows in sum form need them); a width it states otherwise is
    a contradiction, not a choice."""
    if len(widths) < 2 or not all(
        isinstance(w, int) and not isinstance(w, bool) and 0 < w <= MAX_WIDTH for w in widths
    ):
        raise DocumentError(f"widths are 2 or more whole numbers from 1 to {MAX_WIDTH:,}")
    given = {Name("d", str(k)): Number(sp.Integer(w)) for k, w in enumerate(widths)}
    for lhs, rhs in document.stated:
        if lhs in given and rhs != given[lhs]:
            stated = rhs.value if isinstance(rhs, Number) else "something else"
            raise DocumentError(
                f"the document states {lhs.key} = {stated}, the widths given differ"
            )
    return replace(document, stated=document.stated + tuple(given.items()))


def check_text(
    text: str,
    seed: int = 0,
    digits: int | None = None,
    language: str | None = None,
    widths: Sequence[int] | None = None,
) -> Verdict:
    """Every row of the document ``text`` checked under its own definitions; a document showing
    numbers rounded to ``digits`` significant digits reads each number shown as every value
    that rounds to it, and a row holds where its sides can meet (:mod:`.values`).
    ``language`` ``"typst"`` reads Typst, ``"html"`` the MathML of HTML (see :data:`LANGUAGES`);
    ``widths`` (``d_0, ..., d_n``) are widths the document does not state (:func:`with_widths`)."""
    rounding = None if digits is None else Rounding(digits)
    try:
        document = read_document(text, language)
        if widths is not None:
            document = with_widths(document, widths)
        if (unbound := unbound_argument(document)) is not None:  # f(Q) = ... x ...
            return Verdict(0, 0, document.unchecked, unbound)
        verdict = _rows_checked(document, seed, rounding)
        depths = range(1, DEPTHS[-1] + 2) if general(document) else None  # n + 1: read at
        if verdict.false is None:  # every row holds; what the rows say together: Q_z = ...
            # used by no other row, Q(x) := ... beside f(x), x = [x_1; x_1], and a reason's
            # words ("substitute h^{(2)}, h^{(2)}")
            wrong = renamed_once(document, depths)
            for whole in (renamed_function, misnamed_entries, false_reason):
                wrong = wrong or whole(document)
            if wrong is not None:
                return replace(verdict, false=wrong)
        return verdict
    except RecursionError:  # brackets nested thousands deep: no document of ours does that
        raise DocumentError("brackets nested too deep to read") from None


def _rows_checked(document: Document, seed: int, rounding: Rounding | None) -> Verdict:
    """Every row of ``document`` checked by the reader its kind needs."""
    if is_dynamics(document):  # d/dt: rows cited, measured, or following from others
        return Dynamics(document, seed).check()
    if curved(document):  # tanh, sigmoid: e^{z} in their derivatives
        return check_curved(document, seed, rounding)
    whole_powers(document)  # x^{1/2} is read in dynamics documents only
    if general(document):  # stated for every depth n: checked at some
        return check_general(document, seed, rounding)
    if piecewise(document):  # ReLU: evaluated at points, and its instances
        return check_piecewise(document, seed, rounding)
    if (misnamed := misnamed_map(document)) is not None:  # a conv's kernel w_{0} for w_{1}
        return Verdict(0, 0, document.unchecked, misnamed)
    meaning = Gradients if is_calculus(document) else Meaning
    return check_sampled(document, lambda read: meaning(read, seed, rounding).check())


__all__ = [
    "Document",
    "DocumentError",
    "Verdict",
    "check_text",
    "language_of",
    "read_document",
    "with_widths",
]
