"""The proof for all depths and widths, as a document: ``h^(n) = W_z^(n) x + b_z^(n)`` by
induction on ``n``.

Every line comes checked from :mod:`symcollapse.verification.induction`; this module says in
words and mathematics what each part does and how each line was checked. A superscript ``(n)``
names layer ``n`` here as in every other document (``h^(n)`` its output, ``w^(n)_ij`` its
weights): the output of a network of depth ``n`` (``f_n`` in the Coq development) is written
``h^(n)``, and ``W_z^(n)``, ``b_z^(n)`` collapse layers 1 to ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.derivations.convention import in_convention
from symcollapse.display import Displayable
from symcollapse.doc.model import Checked, Derivation, Section, Step, Text, Unchecked
from symcollapse.doc.prose import Code, IndexRange, relation
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.verification import statements as st
from symcollapse.verification.coqc import CoqVerdict
from symcollapse.verification.induction import (
    DEFAULT_INSTANCES,
    MAX_INSTANCES,
    Induction,
    Line,
    check_induction,
)
from symcollapse.verification.statements import STATEMENTS

__all__ = [
    "DEFAULT_INSTANCES",
    "MAX_INSTANCES",
    "SHOWN_DEPTHS",
    "Proof",
    "ProofDerivation",
    "prove",
]

#: The depths whose unrolled closed forms the lemma's proof shows: enough to see the pattern
#: (every depth up to ``instances`` is checked all the same).
SHOWN_DEPTHS = (2, 3)

#: How a standalone LaTeX proof sets a section: a plain section, a theorem's or lemma's proof
#: (amsthm's ``proof``), or the statement of a lemma (amsthm's ``lemma``).
SectionKind = Literal["section", "proof", "lemma"]


@dataclass(frozen=True)
class ProofDerivation(Derivation):
    """The proof's sections with what a theorem layout needs: the ``theorem`` proved (stated
    before the first ``proof`` section) and how each section is set (``kinds``)."""

    theorem: Text = ()
    kinds: tuple[SectionKind, ...] = ()


SYMPY = Checked("sympy, with symbolic widths")
SHAPES = Checked("shapes only, by sympy")
COQ = Checked("Coq, for every depth and all widths")


@dataclass(frozen=True)
class Proof(Displayable):
    """The proof as a renderable :class:`Derivation`, and the checked lines behind it."""

    derivation: Derivation
    induction: Induction

    @property
    def checked(self) -> tuple[str, ...]:
        return self.induction.checked

    @property
    def unchecked(self) -> tuple[tuple[str, str], ...]:
        """What sympy could not check, and why (Coq checks it)."""
        return (
            (
                "closed forms of W_z(n) and b_z(n) for general n",
                "a sympy matrix expression has a fixed number of factors and terms",
            ),
        )


#: The outputs ``f_1``, ``f_n``, ``f_{n+1}`` of the statements, shown as the layer outputs
#: ``h^(1)``, ``h^(n)``, ``h^(n+1)`` (see the module's docstring).
OUTPUTS = {
    output: symbols.matrix("h", output.shape[0], 1, sup=depth)
    for output, depth in ((st.f1, 1), (st.fn, st.n), (st.fn1, st.n + 1))
}


def shown(expr: sp.Basic) -> sp.Basic:
    """``expr`` with the outputs of the statements written as layer outputs ``h^(n)``."""
    return expr.xreplace(OUTPUTS) if isinstance(expr, sp.Basic) else expr


def _step(line: Line, check: Checked | Unchecked | None, reason: Text = ()) -> Step:
    return Step(shown(line.lhs), shown(line.rhs), reason or (line.rule,), line.relation, check)


def _sections(induction: Induction, coq: CoqVerdict | None) -> tuple[Section, ...]:
    n, k = st.n, st.k
    d = st.width
    definitions = Section(
        title=("Definitions",),
        intro=(
            "A network of depth ",
            n,
            " has layers ",
            IndexRange(k, 1, n),
            " with weights ",
            symbols.matrix("W", d(k), d(k - 1), k),
            " (",
            d(k),
            " rows, ",
            d(k - 1),
            " columns) and biases ",
            symbols.matrix("b", d(k), 1, k),
            "; with identity activations the output ",
            OUTPUTS[st.fn],
            " of its layer ",
            n,
            " is defined layer by layer, and the collapsed weight ",
            st.Wzn,
            " and bias ",
            st.bzn,
            " of layers 1 to ",
            n,
            " by the same recursion (a superscript always names a layer)",
            ". All widths are symbols, so every step holds for every choice of widths.",
        ),
        steps=tuple(_step(line, SHAPES) for line in induction.definitions),
    )
    base = Section(
        title=("Base case ", relation(n, "=", 1)),
        intro=("With one layer the network is already affine.",),
        steps=tuple(_step(line, SYMPY if line.checked else None) for line in induction.base),
    )
    hypothesis = STATEMENTS.collapse
    step = Section(
        title=("Inductive step",),
        intro=(
            "Assume ",
            shown(hypothesis.lhs),
            " equals ",
            hypothesis.rhs,
            " for some ",
            relation(n, ">=", 1),
            " (the induction hypothesis). Then:",
        ),
        steps=tuple(_step(line, SYMPY if line.checked else None) for line in induction.step),
    )
    return definitions, base, step, _conclusion(coq), *_lemma(induction, coq)


def coq_claim(coq: CoqVerdict | None) -> str:
    """What coqc did with the development, in words; only a check of this file by the coqc
    found here (with its MathComp) is called machine-checked."""
    if coq is None:
        return "coqc was not run"
    if coq.checked:
        return f"coqc {coq.version} checked their proofs here" + (
            " (a cached verdict for this file, coqc binary and MathComp)" if coq.cached else ""
        )
    if coq.status == "not installed":
        return "coqc not found"
    return f"coqc {coq.version} rejected the Coq development ({coq.error})"


def _lemma(induction: Induction, coq: CoqVerdict | None) -> tuple[Section, Section]:
    """The lemma (the closed forms, with the Coq theorems that state them) and its proof: the
    recursion unrolled at the depths :data:`SHOWN_DEPTHS` (those checked), the pattern."""
    weight, bias = STATEMENTS.closed_forms
    checked = coq is not None and coq.checked
    mark = (
        COQ
        if checked
        else Unchecked(
            (coq_claim(coq), "; checked symbolically for ", relation(st.n, "<=", induction.depths))
        )
    )
    coq_steps = tuple(
        Step(t.lhs, t.rhs, ("Coq theorem ", st.CoqName(t.name)), check=mark)
        for t in STATEMENTS.closed_forms
    )
    depths = [depth for depth in SHOWN_DEPTHS if depth <= induction.depths] or [1]
    instances = tuple(  # the lines come as W_z, b_z for each depth 1, 2, ...
        _step(line, SYMPY, ("unrolled, ", relation(st.n, "=", i // 2 + 1)))
        for i, line in enumerate(induction.instances)
        if i // 2 + 1 in depths
    )
    theorems: Text = (
        "the Coq theorems ",
        st.CoqName(weight.name),
        " and ",
        st.CoqName(bias.name),
        " (with the layer-by-layer output theorem ",
        st.CoqName(STATEMENTS.collapse.name),
        "), written by ",
        Code("symcollapse prove --format coq"),
        ", state exactly these equations",
    )
    if checked:
        claim: Text = (
            "They are machine-checked for every depth ",
            st.n,
            ", all widths and any ring: ",
            *theorems,
            f", and {coq_claim(coq)}, resting on no axiom. sympy cannot check them for general "
            "depth, because a sympy matrix expression has a fixed number of factors and terms; "
            "sympy checked them for every depth from ",
        )
    else:
        claim = (
            "For every depth ",
            st.n,
            ", all widths and any ring, ",
            *theorems,
            f"; they are not machine-checked here: {coq_claim(coq)}. sympy cannot check them "
            "for general depth (a sympy matrix expression has a fixed number of factors and "
            "terms), so they are checked symbolically only, for every depth from ",
        )
    statement = Section(
        title=("Lemma: closed forms",),
        intro=(
            "For every depth ",
            st.n,
            " and all widths, the collapse of layers 1 to ",
            st.n,
            " is the product of their weights, and each bias is carried through the weights of "
            "the layers above it:",
        ),
        steps=coq_steps,
    )
    shown_depths = " and ".join(str(depth) for depth in depths)
    proof = Section(
        title=("Proof of the lemma",),
        intro=(
            *claim,
            sp.Integer(1),
            " to ",
            sp.Integer(induction.depths),
            ", with symbolic widths. Unrolling the recursion shows the pattern, here at "
            f"depth{'s' if len(depths) > 1 else ''} {shown_depths}:",
        ),
        steps=instances,
    )
    return statement, proof


def _conclusion(coq: CoqVerdict | None) -> Section:
    fn, collapsed = shown(STATEMENTS.collapse.lhs), STATEMENTS.collapse.rhs
    checked = coq is not None and coq.checked
    who = "checks it" if checked else f"states it, not checked here: {coq_claim(coq)}"
    return Section(
        title=("Conclusion",),
        intro=(
            "The base case and the inductive step give, by induction on ",
            st.n,
            ", for every depth ",
            relation(st.n, ">=", 1),
            " and all widths (this last step is logic, not a sympy computation; Coq's theorem ",
            st.CoqName(STATEMENTS.collapse.name),
            f" {who}):",
        ),
        steps=(Step(fn, collapsed, ("induction on ", st.n), check=COQ if checked else None),),
    )


def prove(
    instances: int = DEFAULT_INSTANCES,
    coq: CoqVerdict | None = None,
    convention: Convention = DEFAULT_CONVENTION,
) -> Proof:
    """Build the induction proof, checking each line; ``instances`` depths check the lemma.
    ``coq`` is what coqc said of the Coq development: the document calls the lemma
    machine-checked only when coqc checked it here, and otherwise says what was checked.

    ``convention`` ``row`` writes the proof transposed (``W_z^{(n+1)} = W_z^{(n)} W_{n+1}``);
    the Coq development stays in the column form, and the row proof says so.

    Raises :class:`OptionError` unless ``1 <= instances <= MAX_INSTANCES`` or for another
    ``convention``, and
    :class:`VerificationError` if a line fails (a bug, never bad input).
    """
    check_convention(convention)
    induction = check_induction(instances)
    statement = STATEMENTS.collapse
    derivation = ProofDerivation(
        title=("Every identity-activation network is affine: a proof for all depths",),
        sections=_sections(induction, coq),
        symbols={},
        theorem=(
            "For every depth ",
            relation(st.n, ">=", 1),
            " and all widths, a network with identity activations is affine: ",
            relation(shown(statement.lhs), "=", statement.rhs),
            ".",
        ),
        kinds=("section", "proof", "proof", "proof", "lemma", "proof"),
    )
    return Proof(in_convention(derivation, convention), induction)
