"""Read our LaTeX back into sympy, independently of the printer, to test output by its meaning."""

from __future__ import annotations

import re

import sympy as sp

_FACTOR = re.compile(
    r"w\^\{\((?P<wl>\d+)\)\}_\{(?P<wi>\d+),?(?P<wj>\d+)\}"
    r"|b\^\{\((?P<bl>\d+)\)\}_\{(?P<bi>\d+)\}"
    r"|x_\{(?P<xj>\d+)\}"
)
_ENTRY_ROW = re.compile(r"\\left\((?P<name>[Wb])_\{z\}\\right\)_\{(?P<index>[\d,]+)\} &= ")


def _symbol(match: re.Match[str]) -> sp.Symbol:
    if match["wl"]:
        # One-digit indices are written without a comma: split 'ij' into i and j.
        return sp.Symbol(f"w_{match['wl']}_{match['wi']}_{match['wj']}")
    if match["bl"]:
        return sp.Symbol(f"b_{match['bl']}_{match['bi']}")
    return sp.Symbol(f"x_{match['xj']}")


def parse_sum(tex: str) -> sp.Expr:
    """A sum of products of entry symbols, as printed (``+``/``-`` between whole terms)."""
    tex = tex.replace("&", " ").replace(r"\quad", " ").replace(r"\\", " ")
    total = sp.Integer(0)
    for sign, body in re.findall(r"([+-]?)\s*((?:[wbx][^+-]*))", tex):
        term = sp.Integer(-1 if sign == "-" else 1)
        for match in _FACTOR.finditer(body):
            term *= _symbol(match)
        total += term
    return total


def entry_sums(tex: str) -> dict[str, sp.Expr]:
    """Every ``(W_z)_{ij} = ...`` and ``(b_z)_i = ...`` row, continuation lines included.

    Keys are ``"W_z[i,j]"`` / ``"b_z[i]"`` with the printed (1-based) indices.
    """
    found: dict[str, str] = {}
    current: str | None = None
    for line in tex.splitlines():
        row = re.sub(r"(&& \\left\(.*\\right\)|\\tag\*\{.*\})?\s*(\\\\)?$", "", line.strip())
        match = _ENTRY_ROW.search(row)
        if match:
            index = match["index"]
            if match["name"] == "W" and "," not in index:
                index = f"{index[: len(index) // 2]},{index[len(index) // 2 :]}"
            current = f"{match['name']}_z[{index}]"
            found[current] = row[match.end() :]
        elif current and row.startswith(r"&\quad"):
            found[current] += " " + row
        else:
            current = None
    return {key: parse_sum(value) for key, value in found.items()}
