"""A recursive-descent reader of the LaTeX mathematics documents print, into :mod:`nodes`.

Why not sympy's ``parse_latex``: it needs antlr4 (or lark), neither installed nor wanted as a
dependency; it reads ``W_{3} W_{2}`` as commuting scalars, ``w^{(3)}_{11}`` as a power and has
no ``bmatrix``. This reader knows the small language the documents use (and a hand edit of it):
sums, products (``\\cdot``, juxtaposition), ``\\left( \\right)``, ``\\frac``, decimals, matrix
environments, names with subscripts and labels, entries ``\\left(W_{z}\\right)_{11}``,
``^{\\top}``, and function application (a name followed by a parenthesis with no space).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from typing import NamedTuple

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.elision import expand_arguments
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Derivative,
    Elided,
    Entry,
    IndexSum,
    MatrixLiteral,
    Name,
    Negative,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Quotient,
    RealPower,
    Sum,
    Transpose,
)

#: Commands that only space things out.
SPACES = {r"\,", r"\;", r"\!", r"\ ", r"\:", r"\quad", r"\qquad", r"\displaystyle", "~"}

#: Sized delimiters, read as ``\left`` and ``\right``.
SIZED = {
    **{rf"\{size}l": r"\left" for size in ("big", "Big", "bigg", "Bigg")},
    **{rf"\{size}r": r"\right" for size in ("big", "Big", "bigg", "Bigg")},
}

#: Matrix environments (``--delimiter``) and the brackets ``\left``/``\right`` may carry.
MATRICES = {"bmatrix", "pmatrix", "Bmatrix", "matrix", "smallmatrix"}
OPENING = {"(": ")", "[": "]", r"\{": r"\}"}

#: Commands whose braced argument is part of a name: ``\mathrm{id}``, ``\operatorname{ReLU}``.
NAME_COMMANDS = {r"\mathrm", r"\operatorname", r"\mathbf", r"\boldsymbol", r"\mathit"}

#: Functions of a scalar the dynamics documents apply (``\log{\left(x\right)}``).
FUNCTIONS = {r"\log", r"\exp", r"\ln"}
FUNCTIONS.add(r"\tanh")  # a curved activation (``layers "2 > dense 2 tanh > dense 1"``)

#: Superscripts that transpose.
TRANSPOSES = {"T", r"\top", r"\intercal", r"\mathsf{T}", r"\mathrm{T}"}

#: What the reader refuses, by the command that shows it, with what it is.
UNREAD = {
    r"\partial": "derivatives",
    r"\cdots": "elided factors or terms",
    r"\dots": "elided factors or terms",
    r"\ldots": "elided factors or terms",
    r"\sum": "sums over an index",
    r"\prod": "products over an index",
    r"\text": "words inside a formula",
}

#: What is not read, but a row may show without the document being unreadable: the row is
#: reported as shown and not checked (a chain it starts or continues is not checked there).
#: A ``\sum`` with its index's range below and above (``\sum_{k_{1}=1}^{d_{1}}``) is read.
SHOWN = {r"\sum", r"\prod"}

#: Elisions a function's arguments may show (``f(x_{1}, \dots, x_{11})``): the row is shown.
ELIDED = {r"\dots", r"\ldots", r"\cdots"}


class NotRead(DocumentError):
    """Something of :data:`UNREAD`; ``shown``: one of :data:`SHOWN`."""

    def __init__(self, message: str, shown: bool) -> None:
        super().__init__(message)
        self.shown = shown


GREEK = frozenset(
    r"""\alpha \beta \gamma \delta \epsilon \varepsilon \zeta \eta \theta \vartheta \iota \kappa
    \lambda \mu \nu \xi \pi \rho \sigma \tau \upsilon \phi \varphi \chi \psi \omega \Gamma \Delta
    \Theta \Lambda \Xi \Pi \Sigma \Upsilon \Phi \Psi \Omega""".split()  # noqa: SIM905
)


_INDEX = r"[\w,+\-]*"
_GREEK = "|".join(sorted((re.escape(g) for g in GREEK), key=len, reverse=True))

#: A whole indexed name as one token (``w^{(3)}_{11}``, ``W^{1}_{11}``, ``W_{1,11}``,
#: ``\Theta_{1}``, ``W_{z}^{(n)}``): documents are mostly these, read a character at a time
#: they would be ten times as many tokens.
SYMBOL = re.compile(
    rf"(?P<base>[A-Za-z]|(?:{_GREEK})(?![A-Za-z]))"
    rf"(?:\^\{{(?P<label>{_INDEX}|\({_INDEX}\))\}}_\{{(?P<indexed>{_INDEX})\}}"
    rf"|_\{{(?P<sub>{_INDEX})\}}(?:\^\{{(?P<after>\({_INDEX}\))\}})?)"
)
_TOKEN = re.compile(
    re.sub(r"\(\?P<\w+>", "(?:", SYMBOL.pattern) + r"|\\[A-Za-z]+\*?|\\.|\d+(?:\.\d+)?|\s+|.", re.S
)


@functools.cache
def _indexed(text: str) -> tuple[str, str, str]:
    """Base, subscript and label of a whole indexed name (a document repeats each many times)."""
    whole = SYMBOL.fullmatch(text)
    assert whole is not None, text  # a token with "_{" is one of these by construction
    sub = whole["indexed"] if whole["label"] is not None else whole["sub"]
    return whole["base"], sub, whole["label"] or whole["after"] or ""


class Token(NamedTuple):
    """One token, and whether white space came before it: ``f(x)`` applies a function,
    ``W \\left(`` multiplies. (A named tuple: documents have a million tokens.)"""

    text: str
    spaced: bool


def tokenize(tex: str, keep: Collection[str] = ()) -> list[Token]:
    """Tokens of ``tex`` with white space (and spacing commands not in ``keep``) folded into
    the next token's ``spaced``."""
    tokens: list[Token] = []
    spaced = False
    skipped = SPACES.difference(keep)
    for text in _TOKEN.findall(tex):
        if text in skipped or text.isspace():
            spaced = True
        else:
            tokens.append(Token(SIZED.get(text, text), spaced))
            spaced = False
    return tokens


class LatexParser:
    """Parses one expression from a token list; :meth:`whole` insists every token is used."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.texts = [t.text for t in tokens] + [""]  # "" past the end
        self.at = 0
        self.arguments = False  # inside a function's arguments
        self.differentiated = False  # inside what a second derivative differentiates

    def peek(self) -> str:
        return self.texts[self.at]

    def take(self, expected: str | None = None) -> str:
        text = self.peek()
        if not text or (expected is not None and text != expected):
            raise self.error(f"expected {expected or 'more'}")
        self.at += 1
        return text

    def error(self, what: str) -> DocumentError:
        shown = " ".join(t.text for t in self.tokens[self.at : self.at + 8]) or "the end"
        return DocumentError(f"{what} at '{shown}'")

    def whole(self) -> Node:
        node = self.expression()
        if self.peek():
            raise self.error("cannot read")
        return node

    def expression(self) -> Node:
        terms: list[Node] = []
        sign = self._sign()
        while True:
            term = self.term()
            terms.append(Negative(term) if sign < 0 else term)
            if self.peek() not in ("+", "-"):
                break
            sign = self._sign()
            if sign > 0 and self.peek() in ELIDED and not self.arguments:  # a_{1} + \cdots + a_{n}
                return self._elided(terms, sum_=True)
        return terms[0] if len(terms) == 1 else Sum(tuple(terms))

    def _sign(self) -> int:
        sign = 1
        while self.peek() in ("+", "-"):
            sign *= -1 if self.take() == "-" else 1
        return sign

    def term(self) -> Node:
        factors = [self.factor()]
        while True:
            if self.peek() in ELIDED and not self.arguments:  # W_{n} \cdots W_{1}
                return self._elided(factors, sum_=False)
            if self.peek() in (r"\cdot", r"\times"):
                self.take()
                factors.append(self.factor())
            elif self._starts_factor():
                factors.append(self.factor())
            else:
                break
        return factors[0] if len(factors) == 1 else Product(tuple(factors))

    def _starts_factor(self) -> bool:
        text = self.peek()
        return bool(text) and (
            text[0].isalnum()
            or "_{" in text  # a whole indexed name
            or text in ("(", r"\left", r"\begin", r"\frac", r"\tfrac", r"\dfrac", "{")
            or text in GREEK
            or text in NAME_COMMANDS
            or text in UNREAD
            or text in FUNCTIONS
        )

    def factor(self) -> Node:
        node = self.atom()
        while self.peek() in ("^", "_"):
            mark = self.take()
            group = self.group()
            if mark == "_":
                node = Entry(node, group)
            elif group in TRANSPOSES:
                node = Transpose(node)
            elif (
                re.fullmatch(r"\d+", group)
                or (isinstance(node, Number) and re.fullmatch(r"-\d+", group))
                or group == "-1"  # an inverse: \left(X^{T} X\right)^{-1}
            ):  # a whole power, or a number's negative one: 1.234 \cdot 10^{-5}
                node = Power(node, int(group))
            else:
                node = self._real_power(node, group)
        return node

    def group(self) -> str:
        """A braced group (or one token) as text without spaces: ``{(1)}`` -> ``(1)``; the
        parts of an index spaced apart around an indexed index (``{i\\,k_{2}}``, a sum's
        index inside an entry's) are kept apart by a comma: ``i,k_{2}``."""
        if self.peek() != "{":
            return self.take()
        self.take("{")
        depth = 1
        parts: list[str] = []
        while True:
            spaced = self.tokens[self.at].spaced if self.at < len(self.tokens) else False
            text = self.take()
            depth += {"{": 1, "}": -1}.get(text, 0)
            if depth == 0:
                return "".join(parts)
            if spaced and parts and "_{" in parts[-1] + text and "," not in (parts[-1], text):
                parts.append(",")
            parts.append(text)

    def atom(self) -> Node:
        text = self.peek()
        if text == r"\sum" and self.texts[self.at + 1] == "_":
            return self._index_sum()
        if (higher := self._higher()) is not None:  # d^{2}/dz^{2}: a curved activation's
            return higher
        if (calculus := self._calculus()) is not None:  # a derivative, a norm
            return calculus
        if (dynamic := self._dynamics()) is not None:  # d/dt, \log, \exp
            return dynamic
        if text in UNREAD:  # elided arguments f(x_{1}, \dots, x_{11}): a row shown
            shown = text in SHOWN or (self.arguments and text in ELIDED)
            raise NotRead(f"{UNREAD[text]} ({text}) are not read", shown)
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            self.take()
            return Number(sp.Rational(text), whole=text.isdecimal())
        if text in (r"\frac", r"\tfrac", r"\dfrac"):
            self.take()
            return Quotient(self._braced(), self._braced())
        if text == "{":
            return self._braced()
        if text in ("(", r"\left"):
            return self._parenthesized()
        if text == r"\begin":
            return self._matrix()
        if text[:1].isalpha() or text in GREEK or text in NAME_COMMANDS or "_{" in text:
            return self._name()
        raise self.error("cannot read")

    def _index_sum(self) -> Node:
        """``\\sum_{k=1}^{d} body``, or ``\\sum_{k_{1}, \\dots, k_{6}} body`` (each ``k_{m}``
        over the units of layer ``m``, as the documents state): the body is the product that
        follows, up to the next ``+`` or ``-`` (as it is printed and read). Any other form is
        shown, not read."""
        start = self.at
        try:
            self.take(r"\sum")
            self.take("_")
            self.take("{")
            first = self._name()
            if self.peek() == "=":
                self.take("=")
                low: Node | None = self.expression()
                self.take("}")
                self.take("^")
                high = self._braced() if self.peek() == "{" else self.atom()
                limits = [(first, low, high)]
            else:
                limits = [(index, None, Name("d", index.sub)) for index in self._indices(first)]
        except DocumentError:
            self.at = start
            raise NotRead(r"sums over an index (\sum) are not read", shown=True) from None
        body = self.term()
        for index, low, high in reversed(limits):
            body = IndexSum(index, low, high, body)  # type: ignore[arg-type]
        return body

    def _indices(self, first: Node) -> list[Name]:
        """``k_{1}, \\dots, k_{6}}``: the indices of a sum over several, each of the units
        of the layer its subscript numbers."""
        names = [first]
        elided = []
        while self.take() == ",":
            if self.peek() in ELIDED:
                self.take()
                self.take(",")
                elided.append(len(names))
            names.append(self._name())
        if not all(isinstance(n, Name) and n.sub.isdecimal() and not n.sup for n in names):
            raise self.error("cannot read the indices of a sum")
        out: list[Name] = []
        for at, name in enumerate(names):
            if at in elided:  # k_{1}, \dots, k_{6}: k_{2} to k_{5}
                before = out[-1]
                if before.base != name.base or int(before.sub) >= int(name.sub):  # type: ignore[union-attr]
                    raise self.error("cannot read the indices of a sum")
                out += [Name(name.base, str(m)) for m in range(int(before.sub) + 1, int(name.sub))]  # type: ignore[union-attr]
            out.append(name)  # type: ignore[arg-type]
        if len({n.key for n in out}) != len(out):
            raise self.error("an index summed over twice")
        return out

    def _braced(self) -> Node:
        self.take("{")
        node = self.expression()
        self.take("}")
        return node

    def _parenthesized(self, arguments: bool = False) -> Node:
        """A bracketed expression; with ``arguments``, a function's ``x_{1}, x_{2}`` too."""
        left = self.take() == r"\left"
        opening = self.take() if left else "("
        if left and self.peek() == r"\begin" and opening in OPENING:
            return self._split_matrix(opening)
        if opening not in OPENING:
            raise self.error(f"cannot read the bracket {opening!r}")
        node = self.expression()
        if arguments and self.peek() == ",":
            items = [node]
            self.arguments = True
            while self.peek() == ",":
                self.take()
                if self.peek() in ELIDED:  # x_{1}, \dots, x_{8}: the names it stands for
                    items = self._elided_arguments(items)
                    break
                items.append(self.expression())
            self.arguments = False
            node = Arguments(tuple(items))
        if left:
            self.take(r"\right")
        self.take(OPENING[opening])
        return node

    def _differentiated(self, parse: Callable[[], Node]) -> Node:
        """What a second derivative differentiates, by ``parse``: its elided arguments read
        (``f_{1}(x_{1}, \\dots, x_{8})``, held to the inputs by reading/curved.py)."""
        self.differentiated = True
        try:
            return parse()
        finally:
            self.differentiated = False

    def _elided_arguments(self, before: list[Node]) -> list[Node]:
        """The dots of ``f(x_{1}, \\dots, x_{8})`` in a derivative and the arguments after
        them: every argument, the run continued by its printed pattern
        (:func:`~symcollapse.reading.elision.expand_arguments`); one it does not continue
        (``x_{d_{0}}``) is a row shown, not read, as before."""
        dots = self.take()
        shown = NotRead(f"{UNREAD[dots]} ({dots}) are not read", True)
        if self.peek() != "," or not self.differentiated:  # a scalar form's: shown, as before
            raise shown
        after: list[Node] = []
        while self.peek() == ",":
            self.take()
            after.append(self.expression())
        try:
            return list(expand_arguments(tuple(before), tuple(after)))
        except DocumentError:
            raise shown from None

    def _split_matrix(self, opening: str) -> Node:
        """``\\left[ matrix \\right.`` then ``\\left. matrix \\right.`` ... ``\\right]``: a
        wide matrix printed in blocks of columns, one block per line."""
        blocks = [self._matrix()]
        self.take(r"\right")
        while self.take() == ".":
            self.take(r"\left")
            self.take(".")
            blocks.append(self._matrix())
            self.take(r"\right")
        self.at -= 1
        self.take(OPENING[opening])
        heights = {len(block.rows) for block in blocks}  # type: ignore[union-attr]
        if len(heights) != 1:
            raise self.error("blocks of a wide matrix with different numbers of rows")
        rows = zip(*(block.rows for block in blocks), strict=True)  # type: ignore[union-attr]
        return MatrixLiteral(tuple(sum(parts, ()) for parts in rows))

    def _matrix(self) -> Node:
        self.take(r"\begin")
        kind = self.group()
        if kind not in MATRICES:
            raise self.error(f"cannot read the environment {kind!r}")
        rows: list[tuple[Node, ...]] = []
        cells: list[Node] = []
        while True:
            cells.append(self.expression())
            separator = self.take()
            if separator == "&":
                continue
            rows.append(tuple(cells))
            cells = []
            if separator == r"\\":
                if self.peek() == "[":  # \\[3pt]
                    while self.take() != "]":
                        pass
                if self.peek() == r"\end":
                    separator = self.take()
            if separator == r"\end":
                if self.group() != kind:
                    raise self.error(f"{kind} not closed")
                break
            if separator != r"\\":
                raise self.error(f"cannot read {separator!r} in a {kind}")
        if len({len(row) for row in rows}) != 1:
            raise self.error(f"a {kind} with rows of different lengths")
        return MatrixLiteral(tuple(rows))

    def _name(self) -> Node:
        first = self.take()
        base = first + (f"{{{self.group()}}}" if first in NAME_COMMANDS else "")
        sub = sup = ""
        if "_{" in first:
            base, sub, sup = _indexed(first)
        while self.peek() in ("_", "^"):
            if self.peek() == "_" and not sub:
                self.take()
                sub = self.group()
            elif self.peek() == "^" and not sup:
                # A label before the subscript (w^{(1)}_{11}, W^{1}_{11}), or a
                # parenthesized one (W_{z}^{(n)}); anything else is a power or a transpose.
                mark = self.at
                self.take()
                label = self.group()
                if (self.peek() == "_" and not sub) or label.startswith("("):
                    sup = label
                else:
                    self.at = mark
                    break
            else:
                break
        name = Name(base, sub, sup)
        following = self.tokens[self.at] if self.at < len(self.tokens) else None
        named = first == r"\operatorname"  # a function by its name: its parenthesis may be
        # on the next line of a broken row (Typst's, HTML's ``ReLU`` then ``(W_1 x ...``)
        if following and (named or not following.spaced) and following.text in ("(", r"\left"):
            return Apply(name, self._parenthesized(arguments=True))
        after = self.tokens[self.at + 1] if self.at + 1 < len(self.tokens) else None
        if first == r"\operatorname" and self.peek() == "{" and after and after.text == r"\left":
            self.take("{")  # sympy's \operatorname{rank}{\left(W_{z} \right)}
            argument = self._parenthesized(arguments=True)
            self.take("}")
            return Apply(name, argument)
        return name

    def _elided(self, before: list[Node], sum_: bool) -> Node:
        """The rest of a product (``sum_`` False) or sum elided by dots after ``before``: the
        factors (or terms) printed after the dots, one elision each (two would be ambiguous)."""
        self.take()
        after: list[Node] = []
        if sum_:
            if self.take() != "+":
                raise self.error("an elided sum continues with +")
            while True:
                after.append(self.term())
                if self.peek() != "+":
                    break
                self.take()
        else:
            if self.peek() in (r"\cdot", r"\times"):
                self.take()
            while self._starts_factor() or self.peek() in (r"\cdot", r"\times"):
                if self.peek() in ELIDED:
                    raise self.error("two elisions in one product")
                if self.peek() in (r"\cdot", r"\times"):
                    self.take()
                after.append(self.factor())
        if not after or self.peek() in ELIDED or (sum_ and self.peek() == "-"):
            raise self.error("an elision without one pattern to continue")
        return Elided(tuple(before), tuple(after), sum_)

    def _calculus(self) -> Node | None:
        """``\\frac{\\partial L}{\\partial W_{1}}`` as a :class:`Derivative`, and
        ``\\left\\lVert v \\right\\rVert`` (or unsized ``\\lVert v \\rVert``) as a
        :class:`Norm`; None for anything else."""
        texts = self.texts[self.at : self.at + 3]
        if texts[0] in (r"\frac", r"\tfrac", r"\dfrac") and texts[1:] == ["{", r"\partial"]:
            self.take()
            parts = []
            for _ in range(2):
                self.take("{")
                self.take(r"\partial")
                parts.append(self.expression())
                self.take("}")
            return Derivative(parts[0], parts[1])
        sized = texts[:2] == [r"\left", r"\lVert"]
        if sized or texts[0] == r"\lVert":
            self.at += 2 if sized else 1
            node = self.expression()
            if sized:
                self.take(r"\right")
            self.take(r"\rVert")
            return Norm(node)
        return None

    def _real_power(self, base: Node, group: str) -> Node:
        """``base`` to the power ``group`` read as an expression (``\\frac{N - j}{N}``,
        ``\\frac{2 s t}{\\tau}``): a :class:`RealPower`; a superscript that is not an
        expression (``\\prime``) is not read."""
        last = first = self.at - 1  # the group's last token: its tokens are read again
        tokens = self.tokens[last : last + 1]
        if self.texts[last] == "}":
            depth = 0
            while (depth := depth + {"}": 1, "{": -1}.get(self.texts[first], 0)) > 0:
                first -= 1
            tokens = self.tokens[first + 1 : last]
        try:
            exponent = LatexParser(tokens).whole()
        except DocumentError:
            exponent = None
        natural = base == Name("e")  # e^{z}: sympy's exp in a curved activation's derivative
        if exponent is None or (isinstance(exponent, Name) and not natural):  # x^{y}: a label
            raise self.error(f"cannot read the superscript {group!r}")
        return RealPower(base, exponent)

    def _dynamics(self) -> Node | None:
        """``\\frac{d}{d t} W_{1}`` as the :class:`Derivative` of what follows by ``t``;
        ``\\log{\\left(x\\right)}``, ``\\exp(x)`` as an :class:`Apply` of the function; None
        for anything else."""
        texts = self.texts[self.at : self.at + 8]
        if texts[0] in FUNCTIONS:
            function = Name(self.take())
            if self.peek() == "{":
                return Apply(function, self._braced())
            return Apply(function, self.factor())
        operator = ["{", "d", "}", "{", "d", *texts[6:7], "}"]
        if texts[0] in (r"\frac", r"\tfrac", r"\dfrac") and texts[1:] == operator:
            self.at += 8
            by = Name(*_indexed(texts[6])) if "_{" in texts[6] else Name(texts[6])  # t=q_r
            return Derivative(self.factor(), by)
        return None

    def _higher(self) -> Node | None:
        """``\\frac{d^{2}}{d z^{2}} F`` and ``\\frac{\\partial^{2}}{\\partial x_{1}^{2}} F`` (the
        second derivatives of a curved network's document) as a :class:`Derivative` of a
        :class:`Derivative`, one per order; None for anything else."""
        texts = self.texts[self.at : self.at + 8]
        if texts[:3] == [r"\frac", "{", r"\partial"] and texts[3] != "^":
            return self._repeated()
        if texts[:2] != [r"\frac", "{"] or texts[2] not in ("d", r"\partial") or texts[3] != "^":
            return None
        operator = texts[2]
        self.at += 3
        self.take("^")
        order = self.group()
        self.take("}")
        self.take("{")
        self.take(operator)
        by = self._name()
        self.take("^")
        if self.group() != order or not order.isdecimal() or not 1 < int(order) <= 4:
            raise self.error(f"cannot read the derivative of order {order!r}")
        self.take("}")
        node = self._differentiated(self.factor)
        for _ in range(int(order)):
            node = Derivative(node, by)
        return node

    def _repeated(self) -> Node | None:
        """``\\frac{\\partial F}{\\partial z \\partial z}`` (Typst's and MathML's second
        derivative) as a :class:`Derivative` per ``\\partial`` below; None (nothing taken) for
        one ``\\partial`` below, a gradient :meth:`_calculus` reads."""
        start = self.at
        self.at += 3
        by: list[Node] = []
        try:
            of = self._differentiated(self.expression)
            self.take("}")
            self.take("{")
            while self.peek() == r"\partial":
                self.take()
                by.append(self._name())
            self.take("}")
        except DocumentError:
            by = []
        if len(by) < 2:
            self.at = start
            return None
        if len(set(by)) != 1 or len(by) > 4:
            raise self.error("cannot read a mixed derivative")
        for name in by:
            of = Derivative(of, name)
        return of


def parse(tex: str) -> Node:
    """The expression ``tex`` as a tree; :class:`DocumentError` says where it could not be read."""
    return LatexParser(tokenize(tex)).whole()
