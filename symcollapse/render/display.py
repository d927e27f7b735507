"""What a notebook shows for each result object: its document, rendered as LaTeX or Markdown.

Called lazily by :class:`symcollapse.display.Displayable`; the one place that knows which
derivation belongs to which result type.
"""

from __future__ import annotations

from functools import singledispatch

from symcollapse.algebra.analysis import LayeredCollapse
from symcollapse.algebra.collapsing import Collapse
from symcollapse.algebra.fold import Fold
from symcollapse.algebra.gradients import Gradients
from symcollapse.algebra.numeric import NumericCollapse
from symcollapse.algebra.regression import Regression
from symcollapse.derivations.dense import derive_collapse
from symcollapse.derivations.fold import derive_fold
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.derivations.layers import derive_layers
from symcollapse.derivations.numeric import derive_values
from symcollapse.derivations.proof import Proof
from symcollapse.derivations.regression import derive_regression
from symcollapse.doc.model import Derivation
from symcollapse.render.latex import escape_text, render_display
from symcollapse.render.markdown import _escape, render_markdown
from symcollapse.render.verification import (
    choice_text,
    detail,
    no_bound_text,
    partial_text,
    proof_caveats,
    runtime_check_text,
    stretch_check_lines,
    whole_model_text,
)
from symcollapse.verification.layered import verify_layers
from symcollapse.verification.methods import Verification
from symcollapse.verification.partial import PartialFold
from symcollapse.verification.runtime import RuntimeCheck
from symcollapse.verification.trained import CheckedFold


@singledispatch
def document_of(value: object) -> Derivation:
    """The derivation a notebook shows for ``value``."""
    raise TypeError(f"no document for {type(value).__name__}")


@document_of.register
def _(value: Derivation) -> Derivation:
    return value


@document_of.register
def _(value: Collapse) -> Derivation:
    return derive_collapse(value)


@document_of.register
def _(value: NumericCollapse) -> Derivation:
    return derive_values(value)


@document_of.register
def _(value: Regression) -> Derivation:
    return derive_regression(value)


@document_of.register
def _(value: Proof) -> Derivation:
    return value.derivation


@document_of.register
def _(value: Gradients) -> Derivation:
    return derive_gradients(value)


@document_of.register
def _(value: Fold) -> Derivation:
    return derive_fold(value, None)  # the runtime check needs the model's file or module


@document_of.register
def _(value: LayeredCollapse) -> Derivation:
    return derive_layers(verify_layers(value))


@document_of.register
def _(value: CheckedFold) -> Derivation:
    return derive_fold(value.fold, value.check)  # the document says how it was checked


def _caveats(value: object) -> list[str]:
    """What a result does not show by its derivation alone: a proof's unchecked steps."""
    if isinstance(value, Proof):
        return proof_caveats(value)
    return []


def latex_of(value: object) -> str:
    """``$$...$$`` displays, one per section (Jupyter's ``text/latex``)."""
    if isinstance(value, RuntimeCheck):
        return rf"$$\text{{{escape_text(runtime_check_text(value))}}}$$"
    if isinstance(value, PartialFold):
        lines = [escape_text(line) for line in _partial_lines(value)]
        return "$$" + r" \\ ".join(rf"\text{{{line}}}" for line in lines) + "$$"
    if isinstance(value, Verification):
        details = [rf"\text{{{escape_text(line)}}}" for line in _lines(value)]
        verdict = rf"{_IDENTITY} \quad \text{{{_verdict(value)}}}"
        return "$$" + r" \\ ".join([verdict, *details]) + "$$"
    caveats = "".join(rf"$$\text{{{escape_text(line)}}}$$" for line in _caveats(value))
    return render_display(document_of(value)) + caveats


def markdown_of(value: object) -> str:
    """Markdown with MathJax displays (Jupyter's ``text/markdown``)."""
    if isinstance(value, RuntimeCheck):
        return _escape(runtime_check_text(value)) + "\n"
    if isinstance(value, PartialFold):
        return "\n".join(f"- {_escape(line)}" for line in _partial_lines(value)) + "\n"
    if isinstance(value, Verification):
        head = f"${_IDENTITY}$ **{_verdict(value)}**"
        return "\n".join([head, "", *(f"- {_escape(line)}" for line in _lines(value))]) + "\n"
    caveats = "".join(f"\n> {_escape(line)}\n" for line in _caveats(value))
    return render_markdown(document_of(value)) + caveats


def _partial_lines(value: PartialFold) -> list[str]:
    """The report of a partial fold, then its checks: each stretch's and the whole model's."""
    lines = partial_text(value).splitlines()
    for stretch in value.stretches:
        lines += stretch_check_lines(stretch)
    if value.check is not None:
        lines.append(whole_model_text(value.check))
    elif value.unbounded is not None:
        lines.append(no_bound_text(value.unbounded))
    return lines


#: The identity a verification checks, as a notebook shows it.
_IDENTITY = "f(x) = W_{z} x + b_{z}"


def _verdict(value: Verification) -> str:
    widths = "\u2013".join(map(str, value.widths))
    return f"{'holds' if value.holds else 'FAILS'} for the {widths} network ({value.method})"


def _lines(value: Verification) -> list[str]:
    """The details under the verdict: how it was checked, its size and time, why this route."""
    lines = [f"{value.method} route: {detail(value.evidence)}"]
    lines.append(f"{value.monomials:,} monomials in W_z x + b_z; {value.seconds:.3f} s")
    return [*lines, *([choice_text(value.choice)] if value.choice else [])]
