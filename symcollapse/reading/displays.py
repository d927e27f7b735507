"""The displays of a LaTeX or Markdown document, row by row, with the section each is in.

A display is ``align``/``equation``/``gather`` (starred or not), ``\\[ \\]``, a Markdown
``$$ $$`` block or a GitHub ```` ```math ```` fence, with an ``aligned``/``split`` inside or
not. A row is split at ``&``: left side, relation and right side, then reasons (after ``&&``,
``\\qquad`` or in ``\\tag``) and ``\\label``. A row ``&\\quad + ...`` continues the one above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from symcollapse.errors import DocumentError
from symcollapse.reading.code import CODE
from symcollapse.reading.latex import LatexParser, NotRead, Token, tokenize
from symcollapse.reading.nodes import Document, Node, Row, Unread
from symcollapse.reading.readoff import read_off
from symcollapse.reading.schemes import base_case, scheme

_PIECES = re.compile(
    r"\\(?:sub)*section\*?\{(?P<section>[^}]*)\}"
    r"|^#{1,6}[ \t]+(?P<heading>[^\n]*)$"
    r"|\\begin\{(?P<env>align|equation|gather|multline|flalign)(?P<star>\*?)\}(?P<body>.*?)"
    r"\\end\{(?P=env)(?P=star)\}"
    r"|\\\[(?P<bracket>.*?)\\\]"
    r"|\$\$(?P<dollars>.*?)\$\$"
    r"|^```math[ \t]*\n(?P<fence>.*?)^```",
    re.S | re.M,
)
_INNER = re.compile(r"\\begin\{(aligned|split|gathered)\}(.*)\\end\{\1\}", re.S)
_OVERLAY = re.compile(r"\\(?:uncover|only|onslide|visible)<[^>]*>\{")
#: ``\phantom{(}``: room kept for invisible text (a reason's lines indented under its first word).
_PHANTOM = re.compile(r"\\phantom\{[^{}]*\}")
_INLINE = re.compile(r"(?<![\\$])\$`?([^$`\n]+?)`?\$(?!\$)")
_COMMENT = re.compile(r"(?<!\\)%.*$", re.M)

#: Row commands that carry no mathematics (their argument, if any, is dropped with them).
_DROPPED = {r"\displaybreak": "[", r"\nonumber": "", r"\notag": "", r"\allowbreak": ""}

#: Relations read, as the tokens that print them; ``\approx`` rows are shown, not checked.
RELATIONS = {
    ("=",): "=",
    (r"\mathrel", "{", ":", "=", "}"): ":=",
    (":", "="): ":=",
    (r"\coloneqq",): ":=",
    (r"\approx",): "≈",
}

#: Spacing the row splitter keeps: ``\quad`` starts a continued row, ``\qquad`` a reason.
_KEPT = {r"\quad", r"\qquad"}


@dataclass
class _Raw:
    lhs: list[Token]
    relation: str
    rhs: list[Token]
    section: str
    number: int
    label: str
    reason: str = ""


def read_displays(text: str) -> Document:
    """Every row of every display in ``text`` (LaTeX or Markdown), parsed, in order."""
    text = _defined_applications(_MATH_DELIMITERS.sub("", text))
    section = "(before the first section)"
    numbers: dict[str, int] = {}  # rows so far in each section
    raws: list[_Raw] = []
    prose, stated = [], []
    end = 0
    for piece in _PIECES.finditer(text):
        prose.append(text[end : piece.end()])  # with the reasons in the displays' \text
        stated += _stated(text[end : piece.start()])
        end = piece.end()
        if piece["section"] is not None or piece["heading"] is not None:
            section = (piece["section"] or piece["heading"] or "").strip()
            continue
        body = next(
            piece[g] for g in ("body", "bracket", "dollars", "fence") if piece[g] is not None
        )
        body = _PHANTOM.sub("", _uncovered(_COMMENT.sub("", body)))
        inner = _INNER.search(body)
        for tokens in _rows(tokenize(inner[2] if inner else body, keep=_KEPT)):
            label, tokens = _take_command(tokens, r"\label")
            tag, tokens = _take_command(tokens, r"\tag")
            _row(tokens, raws, section, numbers, label, tag)
    prose.append(text[end:])
    stated += _stated(text[end:])
    rows, unchecked = [], []
    for raw in raws:
        where = Row(None, raw.relation, None, raw.section, raw.number, raw.label).where  # type: ignore[arg-type]
        if raw.relation == "≈":
            unchecked.append((where, "approximate (rounded numbers)"))
            continue
        try:
            lhs = _side(raw.lhs) if raw.lhs else None
            rhs = _side(raw.rhs)
            over = scheme(raw.reason) if lhs is not None else None
            case = base_case(raw.reason) if over else None
            if case:  # h^{(0)} = x: the scheme's base case, a definition of its own
                first, _, second = case.partition("=")
                lhs_case, rhs_case = _side(tokenize(first)), _side(tokenize(second))
                rows.append(Row(lhs_case, "=", rhs_case, raw.section, raw.number, raw.label))
        except DocumentError as error:
            raise DocumentError(f"cannot read {where}: {error}") from None
        rows.append(
            Row(
                lhs,
                raw.relation,
                rhs,
                raw.section,
                raw.number,
                raw.label,
                over=over,
                reason=raw.reason,
            )
        )
        rows += read_off(rows[-1], raw.reason)  # W_z = [...] (rows 2 to the end of Θ)
    return Document(tuple(rows), "".join(prose), tuple(unchecked), tuple(stated))


def _stated(words: str) -> list[tuple[Node, Node]]:
    """The equations the words state in inline math (``$a_{j} = (W_z)_{1j}$``, GitHub's
    ``$`c = (b_z)_1`$``) as (name, value); what the reader cannot read is left as words."""
    found = []
    for math in _INLINE.findall(words):
        sides = math.split("=")
        if len(sides) != 2:
            continue
        try:
            lhs = LatexParser(tokenize(sides[0])).whole()
            rhs = LatexParser(tokenize(sides[1])).whole()
        except DocumentError:
            continue
        found.append((lhs, rhs))
    return found


def _uncovered(body: str) -> str:
    """``body`` without beamer's overlay wrappers: ``\\uncover<2->{X}`` is ``X``."""
    out, at = [], 0
    for found in _OVERLAY.finditer(body):
        if found.start() < at:  # inside a wrapper already removed: its own pass below
            continue
        depth, end = 1, found.end()
        while end < len(body) and depth:
            depth += {"{": 1, "}": -1}.get(body[end], 0) if body[end - 1] != "\\" else 0
            end += 1
        out += [body[at : found.start()], _uncovered(body[found.end() : end - 1])]
        at = end
    return "".join(out) + body[at:]


def _side(tokens: list[Token]) -> Node:
    """One side of a row; what a row may show unread (a sum over an index) as :class:`Unread`."""
    try:
        return LatexParser(_unspaced(tokens)).whole()
    except NotRead as error:
        if not error.shown:
            raise
        return Unread(str(error).removesuffix(" are not read"))


def _rows(tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` split at the ``\\\\`` outside braces and inner environments."""
    rows: list[list[Token]] = [[]]
    depth, skip_option = 0, False
    for token in tokens:
        if skip_option:
            skip_option = token.text != "]"
            continue
        depth += {"{": 1, "}": -1, r"\begin": 1, r"\end": -1}.get(token.text, 0)
        if token.text == r"\\" and depth == 0:
            rows.append([])
            skip_option = False
            continue
        if not rows[-1] and token.text == "[" and len(rows) > 1:  # \\[3pt]
            skip_option = True
            continue
        rows[-1].append(token)
    return [row for row in rows if row]


def _take_command(tokens: list[Token], command: str) -> tuple[str, list[Token]]:
    """The braced argument of ``command`` (``\\label{...}``), and the tokens without it (and
    without the dropped commands of :data:`_DROPPED`)."""
    found, kept, i = "", [], 0
    while i < len(tokens):
        text = tokens[i].text.rstrip("*")
        if text == command or text in _DROPPED:
            i += 1
            opening, closing = ("[", "]") if _DROPPED.get(text) == "[" else ("{", "}")
            if text in _DROPPED and not _DROPPED[text]:
                continue
            if i < len(tokens) and tokens[i].text == opening:
                depth, start = 0, i
                while i < len(tokens):
                    depth += {opening: 1, closing: -1}.get(tokens[i].text, 0)
                    i += 1
                    if depth == 0:
                        break
                if text == command:
                    found = _text(tokens[start + 1 : i - 1])
            continue
        kept.append(tokens[i])
        i += 1
    return found, kept


def _text(tokens: list[Token]) -> str:
    """``tokens`` as text again, with a space where there was white space."""
    return "".join((" " if t.spaced else "") + t.text for t in tokens).strip()


def _split(tokens: list[Token], separator: str) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        depth += {"{": 1, "}": -1, r"\begin": 1, r"\end": -1}.get(token.text, 0)
        if token.text == separator and depth == 0:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _relation(tokens: list[Token]) -> tuple[str, int] | None:
    """The relation ``tokens`` start with and how many tokens print it."""
    texts = tuple(t.text for t in tokens[:5])
    for printed, relation in RELATIONS.items():
        if texts[: len(printed)] == printed:
            return relation, len(printed)
    return None


def _row(
    tokens: list[Token],
    raws: list[_Raw],
    section: str,
    numbers: dict[str, int],
    label: str,
    tag: str,
) -> None:
    """Adds the row ``tokens`` to ``raws`` (``tag``: its reason in ``\\tag``), or continues the
    last one."""
    parts = _split(tokens, "&")
    reason = " ".join([tag, *(_text(part) for part in parts[2:])])
    if len(parts) == 1:  # equation: split at its first relation
        lhs, rest = [], parts[0]
        for i in range(len(rest)):
            if _relation(rest[i:]) and i > 0:
                lhs, rest = rest[:i], rest[i:]
                break
    else:
        lhs, rest = parts[0], parts[1]
    lhs = _chained(lhs, raws, section, numbers, label)
    if not lhs and rest and rest[0].text == r"\qquad":  # a reason on a row of its own
        if raws:
            raws[-1].reason = " ".join([raws[-1].reason, _text(rest[1:])])
        return
    rest, *after = _split(rest, r"\qquad")  # a reason after \qquad
    reason = " ".join([reason, *map(_text, after)])
    if not lhs and rest and rest[0].text == r"\quad":
        if not raws:
            raise DocumentError(f'cannot read section "{section}": a display starts with \\quad')
        raws[-1].rhs.extend(rest[1:])
        raws[-1].label = raws[-1].label or label
        raws[-1].reason = " ".join([raws[-1].reason, reason])  # f_{i}(...) = ..., its range
        return
    found = _relation(rest)
    if found is None:
        shown = " ".join(t.text for t in tokens[:8])
        raise DocumentError(f'cannot read section "{section}": a row without = at "{shown}"')
    relation, width = found
    numbers[section] = numbers.get(section, 0) + 1
    raws.append(_Raw(lhs, relation, rest[width:], section, numbers[section], label, reason))


def _unspaced(tokens: list[Token]) -> list[Token]:
    """``tokens`` with the kept spacing commands folded back into spaces."""
    out: list[Token] = []
    spaced = False
    for token in tokens:
        if token.text in _KEPT:
            spaced = True
            continue
        out.append(Token(token.text, True) if spaced and not token.spaced else token)
        spaced = False
    return out


#: A name (``W_{z}``, ``\beta``) and a parenthesis after it, as Typst and MathML spell them.
_HEAD = r"(?:\\[A-Za-z]+|[A-Za-z])(?:_\{(?:[^{}]|\{[^{}]*\})*\})?"
_OPEN, _CLOSE = r"\s*(?:\\left\(|\()\s*", r"\s*(?:\\right\)|\))"
_DEFINED_AT = re.compile(
    rf"^\s*({_HEAD}){_OPEN}([A-Za-z]){_CLOSE}\s*&?\s*(?::=|\\mathrel\{{:=\}})", re.M
)


def _defined_applications(text: str) -> str:
    """``text`` with ``W_{z} (D)`` written against its parenthesis, as an application, wherever
    the document defines it so (``W_{z} (D) := ...``: a product is never defined); Typst and
    MathML set a space where LaTeX writes ``W_{z}(D)``."""
    for name, argument in {(m[1], m[2]) for m in _DEFINED_AT.finditer(text)}:
        at = re.compile(rf"({re.escape(name)}){_OPEN}({argument}){_CLOSE}")
        text = at.sub(lambda m: f"{m[1]}({m[2]})", text)
    return text


#: ``\mathopen{}`` and ``\mathclose{}`` (latexify's spacing around a call's parenthesis): no
#: mathematics, and a call stays against its parenthesis without them.
_MATH_DELIMITERS = re.compile(r"\s*\\math(?:open|close)\{\}")


def _chained(
    lhs: list[Token], raws: list[_Raw], section: str, numbers: dict[str, int], label: str
) -> list[Token]:
    """A left cell that is itself a row, ``g(x) = W_{2} \\cdot g_{1}(x) &= ...`` (a function's
    line of code, then what it computes): that row added to ``raws`` (labelled :data:`CODE`),
    and no left side left for the rest, which continues it; else ``lhs`` as it is."""
    depth = 0
    for i, token in enumerate(lhs):
        depth += {"{": 1, r"\left": 1, "}": -1, r"\right": -1}.get(token.text, 0)
        found = _relation(lhs[i:]) if depth == 0 and i > 0 else None
        if found is not None:
            relation, width = found
            numbers[section] = numbers.get(section, 0) + 1
            raws.append(
                _Raw(lhs[:i], relation, lhs[i + width :], section, numbers[section], CODE, "")
            )
            return []
    return lhs
