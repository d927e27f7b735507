"""JSON for every document, one layout: title and sections (prose as words and mathematics kept
apart), and, when the document comes from a concrete collapse, its data (widths, symbols,
``W_z``, ``b_z``). Every expression is a string that ``sympy.sympify`` parses back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sympy as sp

from symcollapse.algebra.collapsing import Collapse
from symcollapse.algebra.numeric import NumericCollapse
from symcollapse.doc.model import Checked, Derivation, Step, Text, Unchecked
from symcollapse.doc.prose import Code
from symcollapse.render.arguments import document_arguments
from symcollapse.render.notation import Notation
from symcollapse.render.plain import NetworkStrPrinter


def prose_data(parts: Text, printer: NetworkStrPrinter) -> list[str | dict[str, str]]:
    """Words as strings, mathematics as ``{"math": ...}``, so a program can tell them apart."""
    return [
        p
        if isinstance(p, str)
        else {"code": p.text}
        if isinstance(p, Code)
        else {"math": printer.doprint(p)}
        for p in parts
    ]


def _check(step: Step, printer: NetworkStrPrinter) -> dict[str, Any] | None:
    if isinstance(step.check, Checked):
        return {"checked": True, "route": step.check.route}
    if isinstance(step.check, Unchecked):
        return {"checked": False, "why": prose_data(step.check.why, printer)}
    return None


def document_data(derivation: Derivation, notation: Notation | None = None) -> dict[str, Any]:
    """Title, then per section its title, prose and steps (lhs, relation, rhs, reason, check)."""
    printer = NetworkStrPrinter(derivation.symbols, notation, derivation.roles, derivation.numbers)
    data: dict[str, Any] = {
        "title": prose_data(derivation.title, printer),
        "sections": [
            {
                "title": prose_data(section.title, printer),
                "intro": prose_data(section.intro, printer),
                "steps": [
                    {
                        "lhs": None if step.lhs is None else printer.doprint(step.lhs),
                        "relation": step.relation,
                        "rhs": printer.doprint(step.rhs),
                        "reason": prose_data(step.reason, printer),
                        "check": _check(step, printer),
                    }
                    for step in section.steps
                ],
            }
            for section in derivation.sections
        ],
    }
    if derivation.convention != "column":  # its readers read vectors as rows
        data["convention"] = derivation.convention
    if isinstance(derivation.collapse, Collapse):
        data |= collapse_data(derivation.collapse, printer)
    elif isinstance(derivation.collapse, NumericCollapse):
        data |= values_data(derivation.collapse)
    return data


def collapse_data(result: Collapse, printer: NetworkStrPrinter) -> dict[str, Any]:
    """The collapse as plain data: lists of strings, vectors as flat lists, matrices as rows."""

    def rows(matrix: sp.MatrixBase) -> list[list[str]]:
        return [[printer.doprint(e) for e in matrix.row(i)] for i in range(matrix.rows)]

    def vector(matrix: sp.MatrixBase) -> list[str]:
        return [printer.doprint(e) for e in matrix]

    net = result.network
    symbols: dict[str, Any] = {printer.doprint(net.x_symbol): vector(net.x)}
    for W_k, W, b_k, b in zip(
        net.weight_symbols, net.weights, net.bias_symbols, net.biases, strict=True
    ):
        symbols[printer.doprint(W_k)] = rows(W)
        symbols[printer.doprint(b_k)] = vector(b)
    return {
        "widths": list(result.widths),
        "symbols": symbols,
        "W_z": rows(result.W_z),
        "b_z": rows(result.b_z),
        "terms": {
            "per_W_z_entry": result.counts.per_W_z_entry,
            "per_b_z_entry": result.counts.per_b_z_entry,
        },
    }


def values_data(result: NumericCollapse) -> dict[str, Any]:
    """The numbers and the collapsed ``W_z``, ``b_z`` as exact rationals written as strings."""

    def rows(matrix: sp.MatrixBase) -> list[list[str]]:
        return [[str(e) for e in matrix.row(i)] for i in range(matrix.rows)]

    return {
        "widths": list(result.widths),
        "source": result.values.source,
        **result.values.data(),
        "W_z": rows(result.W_z),
        "b_z": rows(result.b_z),
    }


def render_json(
    derivation: Derivation,
    notation: Notation | None = None,
    data: Mapping[str, object] | None = None,
) -> str:
    """The document as JSON, with ``data`` (such as a fold's exact matrices) beside it."""
    notation = document_arguments(derivation, notation)
    return json.dumps(document_data(derivation, notation) | dict(data or {}), indent=2) + "\n"
