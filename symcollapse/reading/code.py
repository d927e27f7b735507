"""A forward function's source, as a ``layers --function`` document shows it (JSON's step, a
Typst ``#raw``, an HTML ``<mtext class="code">``): ``def NAME(x): return EXPR`` read with
Python's own parser (:mod:`ast`: parsed, never run) and written in the formula language the
format's reader reads, so that its line is checked against what the document says it computes.

``W[k]`` is the ``k``-th weight matrix ``W_{k}`` (the documents' convention for the code),
``@`` and ``*`` multiply, a call applies a function by its name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from symcollapse.errors import DocumentError
from symcollapse.reading.nodes import Apply, Name, Row, walk

#: The label of the row a function's line states: in the code's own names (``W[k]``, ``x``),
#: which a document with renamed symbols (``--names W=M``) does not define; such a row is
#: shown as not checked, not false.
CODE = "the function's code"

#: Longest source read (a forward function of a document is a few lines).
MAX_SOURCE = 10_000


@dataclass(frozen=True)
class _Style:
    """How a formula language spells a name, an indexed matrix, a product and a call."""

    name: str  # a name of several letters: {}
    indexed: str  # W[k]: {0} the letter, {1} the index
    times: str
    call: str  # {0} the function, {1} its argument
    group: str  # a parenthesized sum: {}


LATEX = _Style(
    r"\mathrm{{{}}}", "{0}_{{{1}}}", r" \cdot ", r"{0}\left({1}\right)", r"\left({}\right)"
)
PLAIN = _Style("{}", "{0}_{1}", "*", "{0}({1})", "({})")


def code_row(source: str, latex: bool) -> tuple[str, str]:
    """The sides of the row ``NAME(x) = EXPR`` the function ``source`` states, in LaTeX
    (``latex``) or in the JSON document's plain formulas."""
    if len(source) > MAX_SOURCE:
        raise DocumentError(f"a function's source above {MAX_SOURCE:,} characters")
    try:
        tree = ast.parse(source.strip())
    except (SyntaxError, ValueError) as error:
        raise DocumentError(f"cannot read the function's source: {error}") from None
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], ast.FunctionDef):
        raise DocumentError("a function's source is one def")
    function = body[0]
    style = LATEX if latex else PLAIN
    arguments = ", ".join(_name(a.arg, style) for a in function.args.args)
    lhs = style.call.format(_name(function.name, style), arguments)
    return lhs, _formula(_returned(function), style)


class _Inline(ast.NodeTransformer):
    """Names assigned before (``h = x @ W[1] + b[1]``) replaced by what they were assigned."""

    def __init__(self, assigned: dict[str, ast.expr]) -> None:
        self.assigned = assigned

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.assigned.get(node.id, node)


def _returned(function: ast.FunctionDef) -> ast.expr:
    """What ``function`` returns, with the names its body assigns first (``h = ...``, one
    name each) written out: its one formula."""
    *assignments, last = function.body
    if not isinstance(last, ast.Return) or last.value is None:
        raise DocumentError(f"cannot read {function.name}: its body does not end in a return")
    assigned: dict[str, ast.expr] = {}
    for statement in assignments:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            raise DocumentError(f"cannot read {function.name}: a statement not `name = formula`")
        assigned[statement.targets[0].id] = _Inline(assigned).visit(statement.value)
    return _Inline(assigned).visit(last.value)


def _name(name: str, style: _Style) -> str:
    if len(name) == 1:
        return name
    return style.name.format(name.replace("_", r"\_")) if style is LATEX else name


def _formula(node: ast.expr, style: _Style) -> str:
    """``node`` in ``style``; a sum inside a product or a difference in parentheses."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        right = _formula(node.right, style)
        if isinstance(node.op, ast.Sub) and _is_sum(node.right):
            right = style.group.format(right)
        return (
            f"{_formula(node.left, style)} {'+' if isinstance(node.op, ast.Add) else '-'} {right}"
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult | ast.Mult):
        factors = [node.left, node.right]
        spelled = [
            style.group.format(_formula(f, style)) if _is_sum(f) else _formula(f, style)
            for f in factors
        ]
        return style.times.join(spelled)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _formula(node.operand, style)
        return "-" + (style.group.format(inner) if _is_sum(node.operand) else inner)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        index = node.slice
        if isinstance(index, ast.Constant) and type(index.value) is int:
            return style.indexed.format(node.value.id, index.value)
    call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords
    if call and len(node.args) == 1:  # type: ignore[attr-defined]
        function = _name(node.func.id, style)  # type: ignore[attr-defined]
        return style.call.format(function, _formula(node.args[0], style))  # type: ignore[attr-defined]
    if isinstance(node, ast.Name):
        return _name(node.id, style)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return str(node.value)
    raise DocumentError(f"cannot read {ast.unparse(node)!r} in a function's source")


def _is_sum(node: ast.expr) -> bool:
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub)


def foreign_code(rows: tuple[Row, ...], i: int) -> bool:
    """Whether row ``i`` is in the chain of a function's code (its first row labelled
    :data:`CODE`) whose argument (``x``) no other row names: the document renamed its input
    (``--names x=u``), so the code's line and the document's differ in names, not in what
    they compute."""
    start, end = i, i + 1
    while start > 0 and rows[start].lhs is None:
        start -= 1
    while end < len(rows) and rows[end].lhs is None:
        end += 1
    head = rows[start].lhs
    if rows[start].label != CODE or not isinstance(head, Apply):
        return False
    if not isinstance(head.argument, Name):
        return False
    others = rows[:start] + rows[end:]
    sides = [side for r in others for side in (r.lhs, r.rhs) if side is not None]
    return not any(n == head.argument for side in sides for n in walk(side))
