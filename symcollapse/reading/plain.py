"""The JSON document read back: its steps' plain formulas (``W_3*(W_2*x + b_2)``,
``W_z[1,1]``, ``[[1, -1/2]]``) and its own fields (``symbols``, ``weights``, ``biases``,
``W_z``, ``b_z``) as rows, so that a field contradicting the steps is a false row.

The formulas are read by a small recursive-descent parser, never by ``eval`` or sympy's
``parse_expr`` (which evaluates Python): a document is untrusted input.
"""

from __future__ import annotations

import json
import re

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.latex import NotRead
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Document,
    Entry,
    MatrixLiteral,
    Name,
    Negative,
    Node,
    Number,
    Power,
    Product,
    Quotient,
    Row,
    Sum,
    Unread,
    walk,
)
from symcollapse.reading.schemes import base_case, scheme

_TOKEN = re.compile(r"\s*(\*\*|:=|\d+(?:\.\d+)?|[A-Za-z][A-Za-z0-9_]*|[-+*/()\[\],])")

#: Fields holding one matrix each, as the document's section "fields" rows.
MATRIX_FIELDS = ("W_z", "b_z")


class PlainParser:
    """``expression := term (('+'|'-') term)*``, ``term := unary (('*'|'/') unary)*``,
    ``unary := '-' unary | postfix ('**' integer)?``, ``postfix := atom ('[' index ']' |
    '(' expression ')')*``, ``atom := number | name | '(' expression ')' | '[' rows ']'``."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        at = 0
        text = text.rstrip()
        while at < len(text):
            match = _TOKEN.match(text, at)
            if not match:
                raise DocumentError(f"cannot read {text[at : at + 20]!r}")
            self.tokens.append(match.group(1))
            at = match.end()
        self.at = 0

    def peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        text = self.peek()
        if not text or (expected is not None and text != expected):
            shown = " ".join(self.tokens[self.at : self.at + 6]) or "the end"
            raise DocumentError(f"expected {expected or 'more'} at '{shown}'")
        self.at += 1
        return text

    def whole(self) -> Node:
        node = self.expression()
        if self.peek():
            raise DocumentError(f"cannot read '{' '.join(self.tokens[self.at : self.at + 6])}'")
        return node

    def expression(self) -> Node:
        terms = [self.term()]
        while self.peek() in ("+", "-"):
            sign = self.take()
            term = self.term()
            terms.append(Negative(term) if sign == "-" else term)
        return terms[0] if len(terms) == 1 else Sum(tuple(terms))

    def term(self) -> Node:
        factors = [self.unary()]
        while self.peek() in ("*", "/"):
            operator, right = self.take(), self.unary()
            if operator == "*":
                factors.append(right)
            else:
                left = factors[0] if len(factors) == 1 else Product(tuple(factors))
                factors = [Quotient(left, right)]
        return factors[0] if len(factors) == 1 else Product(tuple(factors))

    def unary(self) -> Node:
        if self.peek() == "-":
            self.take()
            return Negative(self.unary())
        node = self.postfix()
        if self.peek() == "**":
            self.take()
            exponent = self.take()
            if not exponent.isdigit():
                raise DocumentError(f"cannot read the power {exponent!r}")
            node = Power(node, int(exponent))
        return node

    def postfix(self) -> Node:
        node = self.atom()
        while self.peek() in ("[", "("):
            if self.take() == "[":
                index = [self.take()]
                while self.peek() == ",":
                    index += [self.take(), self.take()]
                self.take("]")
                node = Entry(node, "".join(index))
            elif isinstance(node, Name):
                items = [self.expression()]
                while self.peek() == ",":
                    self.take()
                    items.append(self.expression())
                node = Apply(node, items[0] if len(items) == 1 else Arguments(tuple(items)))
                self.take(")")
            else:
                raise DocumentError("cannot read a parenthesis after a value")
        return node

    def atom(self) -> Node:
        text = self.take()
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            return Number(sp.Rational(text))
        if text == "(":
            node = self.expression()
            self.take(")")
            return node
        if text == "[":
            rows = [self._row()]
            while self.peek() == ",":
                self.take()
                rows.append(self._row())
            self.take("]")
            if len({len(r) for r in rows}) != 1:
                raise DocumentError("a matrix with rows of different lengths")
            return MatrixLiteral(tuple(rows))
        if text == "Sum" and self.peek() == "(":
            raise NotRead("sums over an index (Sum) are not read", shown=True)
        if re.fullmatch(r"[A-Za-z]\w*", text):
            base, _, sub = text.partition("_")
            return Name(base, sub)
        raise DocumentError(f"cannot read {text!r}")

    def _row(self) -> tuple[Node, ...]:
        self.take("[")
        cells = [self.expression()]
        while self.peek() == ",":
            self.take()
            cells.append(self.expression())
        self.take("]")
        return tuple(cells)


def parse_plain(text: str) -> Node:
    """One plain formula as a tree."""
    return PlainParser(text).whole()


def _words(items: object) -> str:
    """The prose of a title, intro or reason: strings and ``{"math": ...}`` items."""
    if isinstance(items, list):
        return "".join(
            i if isinstance(i, str) else str(i.get("math", ""))
            for i in items
            if isinstance(i, str | dict)
        )
    return str(items or "")


def _matrix(cells: object, row_vectors: bool) -> str:
    """A field's nested list (a vector as a list: a column, or a row in a document whose
    ``convention`` field says ``row``) as a plain matrix formula."""
    if not isinstance(cells, list) or not cells:
        raise DocumentError("a field that is not a list of entries")
    vector = [list(cells)] if row_vectors else [[c] for c in cells]
    rows = cells if isinstance(cells[0], list) else vector
    return "[" + ", ".join("[" + ", ".join(map(str, row)) + "]" for row in rows) + "]"


def read_json(text: str) -> Document:
    """The steps of a JSON document and its fields, as rows."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise DocumentError(f"not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise DocumentError("a JSON document without a list of sections")
    rows: list[Row] = []
    prose = [_words(data.get("title"))]
    for section in data["sections"]:
        if not isinstance(section, dict):
            raise DocumentError("a section that is not an object")
        title = _words(section.get("title"))
        prose += [title, _words(section.get("intro"))]
        for number, step in enumerate(section.get("steps") or [], 1):
            where = f'section "{title}", row {number}'
            try:
                rows.extend(_step(step, title, number))
            except DocumentError as error:
                raise DocumentError(f"cannot read {where}: {error}") from None
            prose.append(_words(step.get("reason")))
    convention = data.get("convention", "column")
    if convention not in ("column", "row"):
        raise DocumentError(f"the convention {str(convention)[:20]!r}")
    row_vectors = convention == "row"
    symbols = data.get("symbols") or {}
    fields = list(symbols.items())
    fields += [(f"W_{k}", w) for k, w in enumerate(data.get("weights") or [], 1)]
    fields += [(f"b_{k}", b) for k, b in enumerate(data.get("biases") or [], 1)]
    fields += [(key, data[key]) for key in MATRIX_FIELDS if key in data]
    named = {
        n.key
        for row in rows
        for side in (row.lhs, row.rhs)
        if side
        for n in walk(side)
        if isinstance(n, Name)
    }
    for number, (key, value) in enumerate(fields, 1):
        try:
            lhs, rhs = parse_plain(key), parse_plain(_matrix(value, row_vectors))
        except DocumentError as error:
            raise DocumentError(f"cannot read the JSON field {key}: {error}") from None
        if isinstance(lhs, Name) and lhs.key in named:  # weights of renamed matrices: by name
            # The symbols field states what each symbol is (x: x_1, x_2): a definition.
            defines = key in symbols and isinstance(symbols, dict)
            rows.append(Row(lhs, "=", rhs, "JSON fields", number, key, defines=defines))
    return Document(tuple(rows), " ".join(prose))


def _step(step: object, section: str, number: int) -> list[Row]:
    """The row of a step, after the base case its reason states if it is a scheme."""
    if not isinstance(step, dict) or not isinstance(step.get("rhs"), str):
        raise DocumentError("a step without a formula")
    relation = step.get("relation")
    if relation not in ("=", ":="):
        raise DocumentError(f"the relation {relation!r}")
    lhs, reason = step.get("lhs"), _words(step.get("reason"))
    sides = [_side(lhs) if lhs else None, _side(step["rhs"])]
    over = scheme(reason) if sides[0] is not None else None
    case = base_case(reason) if over else None
    rows = [Row(sides[0], relation, sides[1], section, number, over=over)]  # type: ignore[arg-type]
    if case:
        first, _, second = case.partition("=")
        rows.insert(0, Row(parse_plain(first), "=", parse_plain(second), section, number))
    return rows


def _side(text: str) -> Node:
    """One side of a step; a sum over an index as :class:`Unread`."""
    try:
        return parse_plain(text)
    except NotRead as error:
        return Unread(str(error).removesuffix(" are not read"))
