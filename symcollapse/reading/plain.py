"""The JSON document read back: its steps' plain formulas (``W_3*(W_2*x + b_2)``,
``W_z[1,1]``, ``[[1, -1/2]]``) and its own fields (``symbols``, ``weights``, ``biases``,
``W_z``, ``b_z``) as rows, so that a field contradicting the steps is a false row; its
``widths`` field states the widths ``d_k`` its sums (``Sum(..., (k_1, 1, d_1))``) run to.

The formulas are read by a small recursive-descent parser, never by ``eval`` or sympy's
``parse_expr`` (which evaluates Python): a document is untrusted input.
"""

from __future__ import annotations

import json
import re

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.code import CODE, code_row
from symcollapse.reading.nodes import (
    MAX_NUMBER_EXPONENT,
    Apply,
    Arguments,
    Derivative,
    Document,
    Entry,
    IndexSum,
    MatrixLiteral,
    Name,
    Negative,
    Node,
    Number,
    Power,
    Product,
    Quotient,
    RealPower,
    Row,
    Sum,
    Transpose,
    nodes_of,
)
from symcollapse.reading.schemes import base_case, scheme

#: Max pooling with its window (and stride): ``maxpool[3]``, ``maxpool[3, s=1]``, one token.
POOLING = r"maxpool\[\d+(?:,\s*s=\d+)?\]"

_TOKEN = re.compile(
    rf"\s*({POOLING}|\*\*|:=|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.T\b|[A-Za-z][A-Za-z0-9_]*|[-+*/()\[\],])"
)

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
            if self.peek() == "(":  # u(t)**(2 - 2/(N_l - 1)): not a whole power
                return RealPower(node, self.unary())
            exponent = self.take()
            if not exponent.isdecimal():
                raise DocumentError(f"cannot read the power {exponent!r}")
            node = Power(node, int(exponent))
        return node

    def postfix(self) -> Node:
        node = self.atom()
        while self.peek() in ("[", "(", ".T"):
            if self.peek() == ".T":  # sympy's transpose: (f(x) - y).T
                self.take()
                node = Transpose(node)
            elif isinstance(node, Name) and self._parameter_follows():
                node = self._parameterized(node)
            elif self.take() == "[":
                index = [_index_part(self.take())]
                while self.peek() == ",":
                    index += [self.take(), _index_part(self.take())]
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
        if number := re.fullmatch(r"\d+(?:\.\d+)?(?:[eE]([-+]?\d+))?", text):  # 1e-30: a float
            if number[1] and abs(int(number[1])) > MAX_NUMBER_EXPONENT:
                raise DocumentError(f"cannot read the number {text}: its exponent is too large")
            return Number(sp.Rational(text), whole=text.isdecimal())
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
            return self._index_sum()
        if text == "Derivative" and self.peek() == "(":
            return self._derivative()
        if re.fullmatch(POOLING, text):  # its window as a subscript, as LaTeX writes it
            return Name("maxpool", text[len("maxpool[") : -1].replace(" ", ""))
        if re.fullmatch(r"[A-Za-z]\w*", text):
            base, _, sub = text.partition("_")
            return Name(base, sub)
        raise DocumentError(f"cannot read {text!r}")

    def _parameter_follows(self) -> bool:
        """Whether a function's parameter follows, ``leaky_relu[1/10](...)``: brackets holding
        a fraction or a decimal (never an entry's index), then a parenthesis."""
        if self.peek() != "[" or "]" not in self.tokens[self.at :]:
            return False
        close = self.tokens.index("]", self.at)
        inside = self.tokens[self.at + 1 : close]
        after = self.tokens[close + 1] if close + 1 < len(self.tokens) else ""
        return after == "(" and any("/" in t or "." in t for t in inside)

    def _parameterized(self, function: Name) -> Name:
        """``leaky_relu[1/10]`` as the function ``leaky_relu`` with its parameter as subscript
        (as LaTeX writes ``\\operatorname{LeakyReLU}_{0.1}``)."""
        self.take("[")
        parameter = self.expression()
        self.take("]")
        if isinstance(parameter, Number):
            value = parameter.value
        elif isinstance(parameter, Quotient) and all(
            isinstance(n, Number) for n in (parameter.numerator, parameter.denominator)
        ):
            value = parameter.numerator.value / parameter.denominator.value  # type: ignore[union-attr]
        else:
            raise DocumentError(f"a parameter of {function.key} that is not a number")
        whole = function.base + (f"_{function.sub}" if function.sub else "")
        return Name(whole, str(value))

    def _index_sum(self) -> Node:
        """``Sum(body, (k_2, 1, d_2), (k_1, 1, d_1))`` after ``Sum``: the body summed over each
        index from its low to its high bound, the first index innermost (sympy's order)."""
        self.take("(")
        node = self.expression()
        bounds = 0
        while self.peek() == ",":
            self.take()
            self.take("(")
            index = self.atom()
            if not isinstance(index, Name):
                raise DocumentError("a sum over something that is not an index")
            self.take(",")
            low = self.expression()
            self.take(",")
            node = IndexSum(index, low, self.expression(), node)
            self.take(")")
            bounds += 1
        self.take(")")
        if not bounds:
            raise DocumentError("a sum without the range of its index")
        return node

    def _derivative(self) -> Node:
        """``Derivative(L, W_1)`` after ``Derivative``: ``L`` by every entry of ``W_1``."""
        self.take("(")
        of = self.expression()
        self.take(",")
        if self.peek() == "(":  # Derivative(tanh(z), (z, 2)): a curved activation's
            return self._higher(of)
        by = self.expression()
        self.take(")")
        return Derivative(of, by)

    def _higher(self, of: Node) -> Node:
        """``(z, 2))`` after ``Derivative(tanh(z),``: the derivative of that order, a
        :class:`Derivative` of a :class:`Derivative` (as LaTeX's ``\\frac{d^{2}}{d z^{2}}``)."""
        self.take("(")
        by = self.atom()
        self.take(",")
        order = self.take()
        self.take(")")
        self.take(")")
        if not isinstance(by, Name) or not order.isdecimal() or not 1 < int(order) <= 4:
            raise DocumentError(f"cannot read a derivative of order {order!r}")
        for _ in range(int(order)):
            of = Derivative(of, by)
        return of

    def _row(self) -> tuple[Node, ...]:
        self.take("[")
        cells = [self.expression()]
        while self.peek() == ",":
            self.take()
            cells.append(self.expression())
        self.take("]")
        return tuple(cells)


def _index_part(text: str) -> str:
    """One index of an entry as the reader names indices: ``k_2`` as ``k_{2}`` (the key of the
    sum's index, so that instantiating the sum sets it), ``i`` and ``1`` as they are."""
    base, _, sub = text.partition("_")
    return Name(base, sub).key if sub else text


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
    named = {n.key for n in nodes_of(rows) if isinstance(n, Name)}
    weight, bias = _letters(rows, named)
    fields = list(symbols.items())
    fields += [(f"{weight}_{k}", w) for k, w in enumerate(data.get("weights") or [], 1)]
    fields += [(f"{bias}_{k}", b) for k, b in enumerate(data.get("biases") or [], 1)]
    fields += [
        (f"{letter}_z", data[key])
        for letter, key in zip((weight, bias), MATRIX_FIELDS, strict=True)
        if key in data
    ]
    unread: list[tuple[str, str]] = []
    for number, (key, value) in enumerate(fields, 1):
        try:
            lhs, rhs = parse_plain(key), parse_plain(_matrix(value, row_vectors))
        except DocumentError as error:
            raise DocumentError(f"cannot read the JSON field {key}: {error}") from None
        if isinstance(lhs, Name) and lhs.key in named:  # weights of renamed matrices: by name
            # The symbols field states what each symbol is (x: x_1, x_2): a definition.
            defines = key in symbols and isinstance(symbols, dict)
            rows.append(Row(lhs, "=", rhs, "JSON fields", number, key, defines=defines))
        else:  # counted as shown, not checked: never passed unread
            unread.append((f"the JSON field {key}", "no step names it"))
    widths = _widths(data.get("widths"))
    return Document(tuple(rows), " ".join(prose), tuple(unread), widths)


def _letters(rows: list[Row], named: set[str]) -> tuple[str, str]:
    """The letters the steps name the weights and the biases by (``Theta``, ``beta`` with
    ``--names W=Theta,b=beta``), for the fields ``weights``, ``biases``, ``W_z`` and ``b_z``,
    which are keyed by role: the letters of a collapsed ``_z`` matrix, the weights' the one
    that multiplies from the left (``Theta_3*Theta_2``). ``W`` and ``b`` where the steps name
    them so or their letters cannot be told apart."""
    if {"W_{z}", "b_{z}"} <= named:
        return "W", "b"
    collapsed = {key.removesuffix("_{z}") for key in named if key.endswith("_{z}")}
    left = {
        factor.base
        for node in nodes_of(rows)
        if isinstance(node, Product)
        for factor in node.factors[:-1]
        if isinstance(factor, Name)
    }
    weights, biases = collapsed & left, collapsed - left
    if len(weights) == len(biases) == 1:
        return weights.pop(), biases.pop()
    return "W", "b"


def _widths(widths: object) -> tuple[tuple[Node, Node], ...]:
    """The ``widths`` field, ``[2, 3, 3, 1]``, as what the document states, ``d_0 = 2``, ...:
    the bounds of the sums over the units of a layer (``Sum(..., (k_1, 1, d_1))``)."""
    if widths is None:
        return ()
    if not isinstance(widths, list) or not all(
        isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in widths
    ):
        raise DocumentError("the JSON field widths is not a list of positive whole numbers")
    return tuple((Name("d", str(k)), Number(sp.Integer(w))) for k, w in enumerate(widths))


def _step(step: object, section: str, number: int) -> list[Row]:
    """The row of a step, after the base case its reason states if it is a scheme."""
    if not isinstance(step, dict) or not isinstance(step.get("rhs"), str):
        raise DocumentError("a step without a formula")
    relation = step.get("relation")
    if relation not in ("=", ":="):
        raise DocumentError(f"the relation {relation!r}")
    lhs, reason = step.get("lhs"), _words(step.get("reason"))
    if isinstance(lhs, str) and lhs.lstrip().startswith("def "):  # --function's source
        return _code_rows(lhs, step["rhs"], section, number)
    sides = [parse_plain(lhs) if lhs else None, parse_plain(step["rhs"])]
    over = scheme(reason) if sides[0] is not None else None
    case = base_case(reason) if over else None
    rows = [Row(sides[0], relation, sides[1], section, number, over=over, reason=reason)]  # type: ignore[arg-type]
    if case:
        first, _, second = case.partition("=")
        rows.insert(0, Row(parse_plain(first), "=", parse_plain(second), section, number))
    return rows


def _code_rows(source: str, rhs: str, section: str, number: int) -> list[Row]:
    """A step whose left side is a function's source: the row its code states
    (``relu_net(x) = W_2*relu(W_1*x + b_1) + b_2``), then what it computes, ``= rhs``."""
    name, code = code_row(source, latex=False)
    return [
        Row(parse_plain(name), "=", parse_plain(code), section, number, CODE),
        Row(None, "=", parse_plain(rhs), section, number),
    ]
