"""The row convention: a derivation in the column convention, transposed as a whole.

Row-vector papers (and ``nn.Linear``, which computes ``x A^T + b``) write a layer as
``h^{(k)} = h^{(k-1)} W_k + b_k`` with ``W_k`` of ``d_{k-1}`` rows and ``d_k`` columns, whose
entry ``w^{(k)}_{ij}`` joins unit ``i`` of layer ``k-1`` to unit ``j`` of layer ``k``. That
matrix is the transpose of the column convention's ``W_k``, so every row of a column derivation,
transposed, is a row of the row derivation: ``W_n \\cdots W_1 x`` becomes ``x W_1 \\cdots W_n``,
``(W_z)_{ij}`` becomes ``(W_z)_{ji}``, and an entry's indices swap.

The transpose is made here, once, on the sympy objects a derivation holds (renderers never do
algebra): every matrix-level symbol becomes its own :class:`~symcollapse.algebra.symbols.RoleMatrix`
of transposed shape (printed ``W_k`` as before), every product is reversed, every explicit matrix
transposed, every weight entry's symbol swaps its indices (``w_2_1_3`` for ``w_2_3_1``), and the
free indices ``i`` and ``j`` trade places so that ``i`` is still the input's index and the
document reads ``(W_z)_{ij} = \\sum w^{(1)}_{i k_1} \\cdots``. Words that transposition changes
(a product "to its right", "``d_k`` rows and ``d_{k-1}`` columns") are transposed with them
("to its left", "``d_k`` columns and ``d_{k-1}`` rows").
Transposition and a renaming of symbols preserve every identity, so the row derivation holds
because the column one was checked; its documents are read back and checked row by row
before they are written (:mod:`symcollapse.cli.reread`) like any other.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from symcollapse.algebra import sigma, symbols
from symcollapse.algebra.collapsing import Collapse
from symcollapse.algebra.expressions import Activation
from symcollapse.algebra.network import KIND_RANK, Entry, Network
from symcollapse.algebra.numeric import NumericCollapse
from symcollapse.algebra.paths import PathSum
from symcollapse.algebra.stages import Elementwise, Held
from symcollapse.doc.model import Derivation, Section, Step, Text, Unchecked
from symcollapse.doc.prose import Code, Elided
from symcollapse.spec.convention import Convention, check_convention
from symcollapse.verification.statements import LayersAbove

#: What a row document says first, so that its reader knows how to read ``x W``.
STATED: Text = (
    "Vectors are rows and every layer multiplies its input from the right, as ",
    Code("nn.Linear"),
    " does. ",
)

#: Words that transposition turns into others.
TRANSPOSED_WORDS = {
    "to its right": "to its left",
    "from the right": "from the left",
    # a column-convention paper's equation, cited in the row form: its transpose
    "eq. 13 of Saxe et al., as a gradient": "eq. 13 of Saxe et al., transposed, as a gradient",
    ". The paper writes the flow ": ". The paper writes (transposed here) the flow ",
    ", eq. 13).": ", eq. 13, transposed).",
    "Arora et al. 2018, Theorem 1": "Arora et al. 2018, Theorem 1 transposed",
    "Arora et al. 2018, balanced at the start": (
        "Arora et al. 2018, balanced at the start, transposed"
    ),
    # the Coq development is written in the column convention: the proof cites its transpose
    ", state exactly these equations": ", state these equations transposed (the Coq "
    "development is written in the column convention, h = W x + b)",
    "Coq theorem ": "the transpose of Coq theorem ",
    "; Coq's theorem ": "; the transpose of Coq's theorem ",
}
_SHAPES = {"row": "column", "column": "row"}
_SHAPE = re.compile(r"\b(row|column)(s?)\b")


@dataclasses.dataclass(frozen=True, order=True)
class RowEntry(Entry):
    """An entry of a row-convention document: the same entry, ordered from the input
    (``b^{(1)} w^{(2)} w^{(3)}``, ``x W_1 W_2 W_3``): the layer order of the path."""

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.layer, KIND_RANK[self.kind], self.row, self.col)


class RowSymbolicEntry(sigma.SymbolicEntry):
    """An entry with symbolic indices in a row document, printed in path order from the input
    (``w^{(1)}_{i k_1} w^{(2)}_{k_1 j}``)."""

    OUTER_FIRST = False


class RowLayersAbove(LayersAbove):
    """``W_{bottom+1} \\cdots W_top``: the row convention's product of the layers above
    ``bottom``, the transpose of :class:`LayersAbove`, printed from the lowest layer."""

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        rows, cols = super().shape
        return (cols, rows)

    @property
    def ends(self) -> tuple[sp.MatrixSymbol, sp.MatrixSymbol]:
        top, above = super().ends
        return (
            symbols.RoleMatrix(above.meaning, above.cols, above.rows),
            symbols.RoleMatrix(top.meaning, top.cols, top.rows),
        )


class RowElementwise(Elementwise):
    """``name(v)`` of a row vector ``v``: a row of the output's width (an activation or max
    pooling applied to ``h W + b``)."""

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (self.arg.shape[0], self.args[3])


class RowCollapse(Collapse):
    """A collapse whose matrices are those of the row convention (for the data a JSON document
    carries beside its steps): ``x`` a row, ``W_k`` transposed, ``W_z = (W_n \\cdots W_1)^T``."""

    @property
    def W_z(self) -> sp.ImmutableMatrix:
        return _Transposer(self.network.entries).matrix(self.routes.W_z)

    @property
    def b_z(self) -> sp.ImmutableMatrix:
        return _Transposer(self.network.entries).matrix(self.routes.b_z)


def in_convention(derivation: Derivation, convention: Convention) -> Derivation:
    """``derivation`` (in the column convention) written in ``convention``: itself for
    ``column``, its transpose for ``row``. Raises :class:`OptionError` for another value."""
    if check_convention(convention) == "column":
        return derivation
    return _Transposer(derivation.symbols).derivation(derivation)


class _Transposer:
    """The transpose of a column derivation's objects, with the entry symbols of ``entries``."""

    def __init__(self, entries: Mapping[sp.Symbol, Entry]) -> None:
        self.entries = entries
        self.scalars: dict[sp.Basic, sp.Basic] = {
            sigma.row_index(): sigma.column_index(),
            sigma.column_index(): sigma.row_index(),
        }
        #: every entry symbol of the row document and the entry it stands for
        self.row_entries: dict[sp.Symbol, RowEntry] = {}
        for symbol, entry in entries.items():
            cell = (entry.col, entry.row) if entry.kind == "W" else (entry.row, entry.col)
            row = RowEntry(entry.kind, entry.layer, *cell)
            self.scalars[symbol] = sp.Symbol(row.name)
            self.row_entries[sp.Symbol(row.name)] = row

    def derivation(self, derivation: Derivation) -> Derivation:
        sections = tuple(self.section(s) for s in derivation.sections)
        first, *rest = sections
        first = Section(first.title, (*STATED, *first.intro), first.steps)
        texts: dict[str, Any] = {  # the title, and a proof's theorem
            field.name: self.text(getattr(derivation, field.name))
            for field in dataclasses.fields(derivation)
            if field.name in ("title", "theorem")
        }
        return dataclasses.replace(
            derivation,
            **texts,
            sections=(first, *rest),
            symbols=self.row_entries,
            collapse=self.collapse(derivation.collapse),
            convention="row",
        )

    def collapse(
        self, result: Collapse | NumericCollapse | None
    ) -> Collapse | NumericCollapse | None:
        """The data beside the steps, in the row convention."""
        if isinstance(result, Collapse):
            return RowCollapse(self.network(result.network), result.counts, result.routes)
        if isinstance(result, NumericCollapse):
            values = dataclasses.replace(
                result.values,
                weights=tuple(W.T for W in result.values.weights),
                biases=tuple(b.T for b in result.values.biases),
            )
            return dataclasses.replace(
                result,
                network=self.network(result.network),
                values=values,
                W_z=result.W_z.T,
                b_z=result.b_z.T,
                output=result.output.T,
            )
        return result

    def network(self, network: Network) -> Network:
        return dataclasses.replace(
            network,
            x=self.matrix(network.x),
            weights=tuple(self.matrix(W) for W in network.weights),
            biases=tuple(self.matrix(b) for b in network.biases),
        )

    def section(self, section: Section) -> Section:
        return Section(
            self.text(section.title),
            self.text(section.intro),
            tuple(self.step(step) for step in section.steps),
        )

    def step(self, step: Step) -> Step:
        check = step.check
        if isinstance(check, Unchecked):
            check = Unchecked(self.text(check.why))
        return dataclasses.replace(
            step,
            lhs=None if step.lhs is None else self.expr(step.lhs),
            rhs=self.expr(step.rhs),
            reason=self.text(step.reason),
            check=check,
        )

    def text(self, parts: Text) -> Text:
        """Prose transposed: its mathematics, and its words of side and shape."""
        return tuple(self.words(p) if isinstance(p, str) else self.expr(p) for p in parts)

    @staticmethod
    def words(text: str) -> str:
        """ "to its right" as "to its left", "``d_k`` rows and ``d_{k-1}`` columns" as
        "``d_k`` columns and ``d_{k-1}`` rows": what a statement says of the transpose."""
        text = _SHAPE.sub(lambda found: _SHAPES[found[1]] + found[2], text)
        for column, row in TRANSPOSED_WORDS.items():  # after the shapes: these name the column form
            text = text.replace(column, row)
        return text

    def matrix(self, matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(matrix.T.applyfunc(self.scalar))

    def scalar(self, expr: sp.Basic) -> sp.Basic:
        return self.expr(expr)

    def expr(self, expr: Any) -> Any:
        """The transpose of ``expr`` (a matrix expression, an explicit matrix, a scalar or a
        prose object holding them)."""
        if isinstance(expr, PathSum):
            return PathSum(
                tuple(tuple(self.scalars.get(s, s) for s in p[::-1]) for p in expr.products)
            )
        if isinstance(expr, sp.MatrixBase):  # explicit, mutable ones included
            return self.matrix(expr)
        if not isinstance(expr, sp.Basic):
            return expr
        if isinstance(expr, symbols.RoleMatrix):
            return symbols.RoleMatrix(expr.meaning, expr.cols, expr.rows)
        if isinstance(expr, sp.ZeroMatrix):
            return sp.ZeroMatrix(expr.cols, expr.rows)
        if isinstance(expr, sp.MatMul):
            scalars = [a for a in expr.args if not getattr(a, "is_Matrix", False)]
            matrices = [a for a in expr.args if getattr(a, "is_Matrix", False)]
            args = [*map(self.expr, scalars), *map(self.expr, matrices[::-1])]
            if isinstance(expr, Held):  # a nest of masks, kept as written
                return Held(*args, evaluate=False)
            return sp.MatMul(*args, evaluate=False)
        if isinstance(expr, LayersAbove):  # W_n ... W_{k+1} of a symbolic depth
            return RowLayersAbove(*expr.args)
        if isinstance(expr, Elided) and expr.op == "product":  # W_n ... W_1: W_1 ... W_n
            return Elided("product", self.expr(expr.last), self.expr(expr.first))
        if isinstance(expr, Activation):
            return Activation(expr.layer, self.expr(expr.arg))
        if isinstance(expr, Elementwise):  # f(h), maxpool(h): of the row h
            name, arg, parameter, rows = expr.args
            return RowElementwise(name, self.expr(arg), parameter, rows)
        if isinstance(expr, MatrixElement):
            parent, i, j = expr.args
            return self.expr(parent)[self.expr(j), self.expr(i)]
        if isinstance(expr, sigma.SymbolicEntry):
            return self.indexed(expr)
        if expr in self.scalars:
            return self.scalars[expr]
        if isinstance(expr, symbols.RoleSymbol):  # f_i: its indices trade places too
            return symbols.RoleSymbol(self.role(expr.meaning), **expr._assumptions_orig)
        if not expr.args or isinstance(expr, symbols.Role):
            return expr
        args = [self.expr(a) for a in expr.args]
        if isinstance(expr, sp.Add | sp.Mul | sp.Pow | sp.MatAdd | sp.Rel):
            return expr.func(*args, evaluate=False)
        return expr.func(*args)

    def role(self, meaning: symbols.Role) -> symbols.Role:
        sup = None if meaning.sup is None else self.expr(meaning.sup)
        sub = [self.expr(i) for i in meaning.sub]
        return symbols.Role(meaning.role, sub, sup, meaning.args[3])

    def indexed(self, entry: sigma.SymbolicEntry) -> RowSymbolicEntry:
        """A weight's ``w^{(k)}_{ab}`` as ``w^{(k)}_{ba}``, ``(W_z)_{ij}`` as ``(W_z)_{ji}``:
        a two-index entry swaps its indices; then ``i`` and ``j`` trade places."""
        indices = [self.expr(i) for i in entry.indices]
        return RowSymbolicEntry(entry.base, *indices[::-1])
