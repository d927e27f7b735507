"""The Coq development of the proof for all depths and widths, printed from its statements.

:func:`development` writes one ``.v`` file over MathComp: a network is a dependent list of
layers (``net d0 dn``: a first layer, then layers added on the output side, each with its own
widths), its output and ``W_z``, ``b_z`` are defined by the recursions of
:data:`~symcollapse.verification.statements.STATEMENTS`, and the theorems state, over any ring,
that the output is ``W_z x + b_z`` and that ``W_z``, ``b_z`` equal their closed forms. The
definitions (the recursions, the fold ``multiply_down``, ``W_n ... W_{k+1}``, the widths and
biases counted by layer) and the statements are printed from the sympy objects the LaTeX proof
shows; the dependent matches and the proof scripts are fixed text, so a changed statement is a
statement Coq must reject.
:mod:`symcollapse.verification.coqc` runs ``coqc`` on it.
"""

from __future__ import annotations

import sympy as sp

from symcollapse.errors import VerificationError
from symcollapse.verification import statements as st
from symcollapse.verification.statements import (
    STATEMENTS,
    LayersAbove,
    MultipliedDown,
    Recursion,
    Statements,
)

#: File name of the development (``Require`` needs a valid module name).
FILE_NAME = "Collapse.v"

#: The sympy names of the proof -> Coq terms, inside a match on the network ``N``.
TERMS: dict[sp.Basic, str] = {
    st.x: "x",
    st.W1: "W1",
    st.b1: "b1",
    st.Wn1: "Wn1",
    st.bn1: "bn1",
    st.fn: "f N x",
    st.Wzn: "Wz N",
    st.bzn: "bz N",
    st.bk: "b N k",
    st.n: "depth N",
    st.k: "k",
}

#: Each recursion's Coq signature and how its match on ``N`` begins and ends.
SIGNATURES = {
    "f": (
        "Fixpoint f d0 dn (N : net d0 dn) (x : 'cV[R]_d0) : 'cV[R]_dn :=\n"
        "  match N in net d0 dn return 'cV[R]_d0 -> 'cV[R]_dn with",
        "fun x => ",
        "  end x.",
    ),
    "Wz": ("Fixpoint Wz d0 dn (N : net d0 dn) : 'M[R]_(dn, d0) :=\n  match N with", "", "  end."),
    "bz": ("Fixpoint bz d0 dn (N : net d0 dn) : 'cV[R]_dn :=\n  match N with", "", "  end."),
}

#: The proof script of each theorem: fixed text, never printed from the statements.
PROOFS = {
    "collapse": (
        "(* induction on the network: the base case holds by the definitions; the step is the\n"
        "   LaTeX inductive step: induction hypothesis, distribute, group *)\n"
        "induction N as [d0' d1 W1 b1 | d0' dn' dn1 N IH Wn1 bn1] => x; first by [].\n"
        "by rewrite /= IH mulmxDr mulmxA addrA."
    ),
    "WzClosedForm": (
        "(* the fold from the output side is A W_z with A = 1: associativity, then 1 W_z = W_z *)\n"
        "by rewrite /product_above multiply_down_mul mul1mx."
    ),
    "bzClosedForm": (
        "induction N as [d0' d1 W1 b1 | d0' dn' dn1 N IH Wn1 bn1].\n"
        "  by rewrite /= big_nat1 /= mul1mx.\n"
        "(* the new last term k = n + 1 is 1 b_{n+1}; W_{n+1} distributes over the others *)\n"
        "rewrite /= big_nat_recr //= eqxx mul1mx IH mulmx_sumr.\n"
        "congr (_ + _); apply: eq_big_nat => k /andP [pos_k lt_k].\n"
        "by case: k pos_k lt_k => // k _ lt_k; rewrite /= (ltn_eqF lt_k) mulmxA."
    ),
}

#: How each theorem quantifies: the network, and for the collapse also the input.
BINDERS = {
    "collapse": "d0 dn (N : net d0 dn) : forall x : 'cV[R]_d0,",
    "WzClosedForm": "d0 dn (N : net d0 dn) :",
    "bzClosedForm": "d0 dn (N : net d0 dn) :",
}


#: The names of the notation's recursion (:data:`~.statements.STATEMENTS` ``.notation``) -> Coq
#: terms, inside its match on the network ``N`` of depth ``n + 1``.
NOTATION_TERMS: dict[sp.Basic, str] = {
    st.identity: "1%:M",
    st.Wn1: "Wn1",
    LayersAbove(st.n, st.k): "product_above_from N k",
}


#: The names of the fold (:data:`~.statements.STATEMENTS` ``.fold``) -> Coq terms: its
#: accumulator ``A`` inside its match, and the identity it starts from.
FOLD_TERMS: dict[sp.Basic, str] = {
    st.A1: "A",
    st.An1: "A",
    st.W1: "W1",
    st.Wn1: "Wn1",
    sp.Identity(st.dn): "1%:M",
}


def term(expr: sp.Basic, names: dict[sp.Basic, str] = TERMS) -> str:
    """``expr`` as a Coq term: ``*m`` for products, ``\\sum_`` for sums over ``k``; ``names``
    gives the terms of the names."""
    if expr in names:
        return names[expr]
    if isinstance(expr, sp.Integer):
        return f"{expr}%N"
    if isinstance(expr, sp.Add) and expr.args[0] == 1:  # an index plus one
        return f"{_argument(expr.args[1], names)}.+1"
    if isinstance(expr, sp.MatMul):
        return " *m ".join(_factor(arg, names) for arg in expr.args)
    if isinstance(expr, sp.MatAdd):
        return " + ".join(term(arg, names) for arg in expr.args)
    if isinstance(expr, LayersAbove) and names is TERMS:
        return f"product_above N {_argument(expr.bottom, names)}"
    if isinstance(expr, MultipliedDown) and names is FOLD_TERMS:
        return f"{STATEMENTS.fold.name} N {_argument(expr.accumulator, names)}"
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        index, low, high = expr.limits[0]
        bounds = f"{term(low, names)} <= {term(index, names)} < {term(high + 1, names)}"
        return f"\\sum_({bounds}) {_factor(expr.function, names)}"
    raise VerificationError(f"no Coq term for {expr!r}")


def _factor(expr: sp.Basic, names: dict[sp.Basic, str] = TERMS) -> str:
    """A factor of ``*m``: in parentheses when it is a sum (application binds tighter)."""
    text = term(expr, names)
    return f"({text})" if isinstance(expr, sp.MatAdd | sp.Sum) else text


def _argument(expr: sp.Basic, names: dict[sp.Basic, str] = TERMS) -> str:
    """An argument of a function: in parentheses unless it is one word."""
    text = term(expr, names)
    return f"({text})" if " " in text else text


def _math(lhs: sp.Basic, rhs: sp.Basic, relation: str = "=") -> str:
    """``lhs = rhs`` as text, for a comment a reader of the LaTeX proof recognises."""
    return f"{sp.sstr(lhs)} {relation} {sp.sstr(rhs)}"


def _fixpoint(recursion: Recursion) -> str:
    head, lead, tail = SIGNATURES[recursion.name]
    base, step = (term(rhs) for _, rhs in (recursion.base, recursion.step))
    return "\n".join(
        [
            f"(* {_math(*recursion.base, ':=')};  {_math(*recursion.step, ':=')} *)",
            head,
            f"  | @First _ _ W1 b1 => {lead}{base}",
            f"  | @Layer _ _ _ N Wn1 bn1 => {lead}{step}",
            tail,
        ]
    )


def _notation(notation: st.Notation) -> str:
    """``product_above_from N k``, ``W_n ... W_{k+1}`` for ``k >= 1``, by the recursion of
    ``notation``: its two right sides printed, its dependent match fixed text."""
    top, step = (term(rhs, NOTATION_TERMS) for _, rhs in (notation.top, notation.step))
    return "\n".join(
        [
            f"(* {_math(*notation.top, ':=')};  {_math(*notation.step, ':=')} (k <= n) *)",
            f"Fixpoint {notation.name} d0 dn (N : net d0 dn) (k : nat) : "
            "'M[R]_(dn, d_above N k) :=",
            "  match N in net d0 dn return 'M[R]_(dn, d_above N k) with",
            f"  | @First _ d1 _ _ => {top}",
            "  | @Layer _ _ dn1 N Wn1 _ =>",
            "      if k == (depth N).+1 as top",
            "      return 'M[R]_(dn1, if top then dn1 else d_above N k)",
            f"      then {top} else {step}",
            "  end.",
        ]
    )


def _fold(fold: st.Fold) -> str:
    """``multiply_down N A``, ``A W_n ... W_1`` from the output side, by the fold's two
    equations, and ``multiply_down_mul``, that it is ``A W_z``: the equations printed, the
    dependent match and the lemma's proof fixed text."""
    first, step = (term(rhs, FOLD_TERMS) for _, rhs in (fold.first, fold.step))
    return "\n".join(
        [
            f"(* {_math(*fold.first, ':=')};  {_math(*fold.step, ':=')} *)",
            f"Fixpoint {fold.name} d0 dn (N : net d0 dn) m : 'M[R]_(m, dn) -> 'M[R]_(m, d0) :=",
            "  match N in net d0 dn return 'M[R]_(m, dn) -> 'M[R]_(m, d0) with",
            f"  | @First _ _ W1 _ => fun A => {first}",
            f"  | @Layer _ _ _ N Wn1 _ => fun A => {step}",
            "  end.",
            "",
            f"Lemma {fold.name}_mul d0 dn (N : net d0 dn) m (A : 'M[R]_(m, dn)) :",
            f"  {fold.name} N A = A *m Wz N.",
            "Proof.",
            "elim: N m A => [d0' d1 W1 b1 | d0' dn' dn1 N IH Wn1 bn1] m A //=.",
            "by rewrite IH mulmxA.",
            "Qed.",
        ]
    )


def _product_above(fold: st.Fold) -> str:
    """``product_above N k``, ``W_n ... W_{k+1}``: the fold from the identity for ``k = 0``
    (the statement ``fold.start``), the notation's recursion for ``k >= 1``."""
    start = term(fold.start[1], FOLD_TERMS)
    return "\n".join(
        [
            f"(* {_math(*fold.start, ':=')} for k = 0; W_n ... W_(k+1) above for k >= 1 *)",
            "Definition product_above d0 dn (N : net d0 dn) (k : nat) : 'M[R]_(dn, d N k) :=",
            f"  match k with 0 => {start} | k.+1 => product_above_from N k.+1 end.",
        ]
    )


#: The widths of the statements' matrices -> Coq terms (the dependent types of ``net``).
WIDTH_TERMS: dict[sp.Basic, str] = {st.d0: "d0", st.d1: "d1", st.dn1: "dn1"}


def _widths() -> str:
    """``d N k``, the width ``d_k``: the input's (``x`` has ``d_0`` entries) for ``k = 0``,
    else the rows of ``W_k``, counted from the first layer: the widths of the statements'
    ``x``, ``W_1`` and ``W_{n+1}``, the matrices the LaTeX proof shows."""
    first, top, given = (term(m.shape[0], WIDTH_TERMS) for m in (st.W1, st.Wn1, st.x))
    return "\n".join(
        [
            "(* The notation of the closed forms, for a network N of depth n: d N k is the width",
            "   d_k, product_above N k is W_n ... W_{k+1} (the identity when k = n), b N k is b_k.",
            "   Layer k + 1 of N is found by counting from the first layer, as in the LaTeX proof.",
            f"   d_k: the rows of W_k, {sp.sstr(st.W1.shape)} for W_1 and "
            f"{sp.sstr(st.Wn1.shape)} for W_(n+1); d_0: x is {sp.sstr(st.x.shape)} *)",
            "Fixpoint d_above d0 dn (N : net d0 dn) (k : nat) : nat :=",
            "  match N with",
            f"  | @First _ d1 _ _ => {first}",
            f"  | @Layer _ _ dn1 N _ _ => if k == (depth N).+1 then {top} else d_above N k",
            "  end.",
            "",
            "Definition d d0 dn (N : net d0 dn) (k : nat) : nat :=",
            f"  if k is 0 then {given} else d_above N k.",
        ]
    )


def _biases(bias_sum: sp.Sum) -> str:
    """``b N k``, the bias ``b_k``: the statements' ``b_1`` and ``b_{n+1}`` counted from the
    first layer; ``b N 0`` is 0, a value the sum of ``bzClosedForm`` (from its first ``k``,
    printed in the comment) does not use, for there is no ``b_0``."""
    ((_, low, _),) = bias_sum.limits
    first, top = term(st.b1), term(st.bn1)
    return "\n".join(
        [
            "(* b_k for k >= 1 *)",
            "Fixpoint b_from d0 dn (N : net d0 dn) (k : nat) : 'cV[R]_(d_above N k) :=",
            "  match N in net d0 dn return 'cV[R]_(d_above N k) with",
            f"  | @First _ _ _ b1 => {first}",
            "  | @Layer _ _ dn1 N _ bn1 =>",
            "      if k == (depth N).+1 as top return 'cV[R]_(if top then dn1 else d_above N k)",
            f"      then {top} else b_from N k",
            "  end.",
            "",
            f"(* b_k; there is no b_0, and the sum of bzClosedForm starts at k = {low} *)",
            "Definition b d0 dn (N : net d0 dn) (k : nat) : 'cV[R]_(d N k) :=",
            "  match k with 0 => 0 | k.+1 => b_from N k.+1 end.",
        ]
    )


def _theorem(statement: st.Theorem) -> str:
    return "\n".join(
        [
            f"(* {_math(statement.lhs, statement.rhs)} *)",
            f"Theorem {statement.name} {BINDERS[statement.name]}",
            f"  {term(statement.lhs)} = {term(statement.rhs)}.",
            "Proof.",
            PROOFS[statement.name],
            "Qed.",
        ]
    )


def development(statements: Statements = STATEMENTS) -> str:
    """The ``.v`` text: network type, recursions, closed-form notation, theorems, assumptions."""
    parts = [
        PREAMBLE,
        *(_fixpoint(r) for r in statements.recursions),
        _widths(),
        _fold(statements.fold),
        _biases(statements.closed_forms[1].rhs),
        _notation(statements.notation),
        _product_above(statements.fold),
        *(_theorem(t) for t in statements.theorems),
        "End Collapse.",
        "\n".join(f"Print Assumptions {t.name}." for t in statements.theorems),
    ]
    return "\n\n".join(parts) + "\n"


PREAMBLE = """\
(* Written by symcollapse (symcollapse prove --format coq).

   A network with identity activations, of any depth n >= 1 and any widths d_0, ..., d_n, over
   any ring R, is affine: f_n(x) = W_z^(n) x + b_z^(n), and W_z^(n), b_z^(n) are the closed forms
   W_n ... W_1 and sum_{k=1}^n (W_n ... W_{k+1}) b_k. The statements below are printed from the
   same sympy objects as the LaTeX proof; each comment above a definition or theorem shows them. *)

From mathcomp Require Import all_ssreflect all_algebra.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Import GRing.Theory.
Local Open Scope ring_scope.

Section Collapse.

(* Any ring: the integers, the rationals, the reals, the integers modulo a prime, ... *)
Variable R : ringType.

(* A network from width d0 to width dn: its first layer (W_1 : d_1 x d_0, b_1 : d_1), or a
   network to width dn followed by one more layer (W_{n+1} : d_{n+1} x d_n, b_{n+1} : d_{n+1}).
   Every layer has its own widths, and matrix shapes are part of the types. *)
Inductive net : nat -> nat -> Type :=
| First (d0 d1 : nat) (W1 : 'M[R]_(d1, d0)) (b1 : 'cV[R]_d1) : net d0 d1
| Layer (d0 dn dn1 : nat) (N : net d0 dn) (Wn1 : 'M[R]_(dn1, dn)) (bn1 : 'cV[R]_dn1) :
    net d0 dn1.

(* The depth n: the number of layers. *)
Fixpoint depth d0 dn (N : net d0 dn) : nat :=
  match N with @First _ _ _ _ => 1%N | @Layer _ _ _ N _ _ => (depth N).+1 end."""
