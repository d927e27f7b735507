"""HTML documents read back: the MathML of each ``<math>`` written in the LaTeX the reader parses.

An HTML document shows each display as a table of steps, one ``<tr>`` per row: the left side,
the relation with the right side, and the reason, each a cell; sections are headings, words are
paragraphs. Each ``<math>`` element is parsed with :mod:`xml.etree.ElementTree` and spelled in
LaTeX (``<msub>`` as ``_{}``, an ``<mtable>`` in brackets as a ``bmatrix``, ``<munderover>`` of
``∑`` as a ``\\sum``, ``W_{3,i,k_2}`` as the entry ``(W_3)_{i,k_2}``), and the rows are read by
the LaTeX reader. ``check FILE`` takes files from anywhere, so before parsing a ``<math>`` must
hold no markup declaration (``<!DOCTYPE``, ``<!ENTITY``: no entity can be defined, none expand to
more text, nothing is fetched) and no entity but XML's five and numeric ones.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from symcollapse.errors import DocumentError
from symcollapse.reading.code import code_row
from symcollapse.reading.displays import read_displays
from symcollapse.reading.nodes import Document

#: Operators by their characters, as LaTeX (the invisible ones as nothing).
OPERATORS = {
    "\u2212": "-",  # minus sign
    "-": "-",
    "+": "+",
    "=": "=",
    "≔": ":=",
    "≈": r"\approx",
    "…": r"\dots",
    "⋯": r"\cdots",
    "⋅": r"\cdot",
    "·": r"\cdot",
    "\u00d7": r"\times",
    "∑": r"\sum",
    "∏": r"\prod",
    "∂": r"\partial",
    "\u22a4": r"\top",
    "(": "(",
    ")": ")",
    "[": "[",
    "]": "]",
    ",": ",",
    "/": "/",
    "\u2061": "",
    "\u2062": "",
}

_CAPITALS = (0x393, 0x394, 0x398, 0x39B, 0x39E, 0x3A0, 0x3A3, 0x3A5, 0x3A6, 0x3A8, 0x3A9)

#: Greek letters by their characters.
GREEK = {
    chr(code): name
    for code, name in zip(
        [*range(0x3B1, 0x3C2), *range(0x3C3, 0x3CA), *_CAPITALS],
        r"""\alpha \beta \gamma \delta \epsilon \zeta \eta \theta \iota \kappa \lambda \mu \nu
        \xi \omicron \pi \rho \sigma \tau \upsilon \phi \chi \psi \omega \Gamma \Delta \Theta
        \Lambda \Xi \Pi \Sigma \Upsilon \Phi \Psi \Omega""".split(),  # noqa: SIM905
        strict=True,
    )
}

#: Names that apply to a parenthesis after them (``f(x)``).
FUNCTIONS = {"f", "g", r"\sigma", r"\phi"}

#: Entities a ``<math>`` may hold: XML's own and numeric references.
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)")
_MATH = re.compile(r"<math\b.*?</math>", re.S)
_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)
_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r'<td\b[^>]*class="(lhs|rhs|reason)"[^>]*>(.*?)</td>', re.S)
_PIECE = re.compile(r"<h[1-6]\b[^>]*>.*?</h[1-6]>|<table\b[^>]*>.*?</table>", re.S)

#: Most characters of an HTML document read.
MAX_CHARACTERS = 50_000_000


def _local(tag: str) -> str:
    """A tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def element(source: str) -> ET.Element:
    """One ``<math>`` element parsed, after refusing declarations and unknown entities."""
    if "<!" in source or "<?" in source:
        raise DocumentError("a <math> element with a markup declaration is not read")
    if _ENTITY.search(source):
        raise DocumentError("a <math> element with an entity other than XML's is not read")
    try:
        return ET.fromstring(source)
    except ET.ParseError as error:
        raise DocumentError(f"a <math> element that is not XML ({error})") from None


def spell(node: ET.Element) -> str:
    """``node`` and what is below it in LaTeX."""
    tag, children = _local(node.tag), list(node)
    text = (node.text or "").strip()
    if tag == "mi":
        return GREEK.get(text, text) if len(text) == 1 else rf"\operatorname{{{text}}}"
    if tag == "mn":
        return text
    if tag == "mo":
        if text not in OPERATORS:
            raise DocumentError(f"cannot read the operator {text!r}")
        return OPERATORS[text]
    if tag == "mspace":
        return " "
    if tag == "mtext" and node.get("class") == "code":  # --function's source: its row
        return " = ".join(code_row(node.text or "", latex=True))
    if tag in ("msub", "msup", "msubsup", "munderover", "munder", "mover"):
        return _scripted(tag, children)
    if tag == "mfrac" and len(children) == 2:
        return rf"\frac{{{spell(children[0])}}}{{{spell(children[1])}}}"
    if tag in ("math", "mrow", "mstyle", "semantics", "mpadded"):
        return _row(children)
    raise DocumentError(f"cannot read the MathML element <{tag}>")


def _scripted(tag: str, children: list[ET.Element]) -> str:
    """``<msub>``, ``<msup>``, ``<msubsup>`` and ``∑`` with its range; a subscript of three
    parts with an index letter (``W_{3,i,k_2}``), or of two without a label, is the entry of the
    matrix its first part names."""
    if len(children) != {"msub": 2, "msup": 2, "munder": 2, "mover": 2}.get(tag, 3):
        raise DocumentError(f"a <{tag}> with {len(children)} children")
    base = spell(children[0])
    scripts = [spell(child).replace(" ", "") for child in children[1:]]
    if tag in ("munderover", "munder", "mover"):
        under = scripts[0] if tag != "mover" else ""
        over = scripts[-1] if tag != "munder" else ""
        return base + (f"_{{{under}}}" if under else "") + (f"^{{{over}}}" if over else "")
    sub = scripts[0] if tag != "msup" else None
    sup = scripts[-1] if tag != "msub" else None
    if sub is not None:
        parts = _parts(sub)
        symbolic = any(re.search(r"[a-z]", part) for part in parts)  # W_{z,i,j}, not w_{1,1,2}
        symbolic = symbolic and not any("=" in part for part in parts)  # nor maxpool_{3,s=1}
        if symbolic and (len(parts) >= 3 or (len(parts) == 2 and sup is None and base[0] != "(")):
            return rf"\left({base}_{{{parts[0]}}}\right)_{{{','.join(parts[1:])}}}"
    # a label before the subscript, as LaTeX writes it: W^{3}_{11} (W_{11}^{3} is a power)
    below = f"_{{{sub}}}" if sub is not None else ""
    if sup in ("T", r"\top"):  # W_{2}^{T}: a transpose, after the subscript
        return base + below + f"^{{{sup}}}"
    return base + (f"^{{{sup}}}" if sup else "") + below


def _parts(index: str) -> list[str]:
    """``index`` split at its commas outside braces."""
    parts, depth, current = [], 0, ""
    for char in index:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _row(children: list[ET.Element]) -> str:
    """An ``<mrow>``: a matrix when it is an ``<mtable>`` in brackets, else its children in
    order, a function's parenthesis against its name."""
    tags = [_local(child.tag) for child in children]
    if (norm := _norm(children, tags)) is not None:  # ‖v‖
        return norm
    if len(children) == 3 and tags[1] == "mtable" and tags[0] == tags[2] == "mo":
        kind = {"[": "bmatrix", "(": "pmatrix"}.get((children[0].text or "").strip())
        if kind is None:
            raise DocumentError("a table in brackets that are no matrix's")
        rows = [
            " & ".join(_row(list(cell)) for cell in row if _local(cell.tag) == "mtd")
            for row in children[1]
            if _local(row.tag) == "mtr"
        ]
        return rf"\begin{{{kind}}} " + r" \\ ".join(rows) + rf" \end{{{kind}}}"
    out: list[str] = []
    applied = False
    for child in children:
        if _local(child.tag) == "mo" and (child.text or "").strip() == "\u2061":
            applied = True  # f&#x2061;(x): the group after it is f's argument list, whatever f
            continue
        spelled = spell(child)
        opens = _local(child.tag) == "mrow" and spelled.startswith("(")
        opens = opens or (_local(child.tag) == "mo" and spelled == "(")  # a row broken inside
        if out and opens and (applied or _function(out[-1]) or _lone_argument(child)):
            out[-1] += spelled
        else:
            out += [r"\cdot", spelled] if out and opens and _multiplied(out[-1]) else [spelled]
        applied = False
    text = " ".join(part for part in out if part)
    return re.sub(r"\( ", "(", re.sub(r" \)", ")", text)) if text.startswith("(") else text


def _norm(children: list[ET.Element], tags: list[str]) -> str | None:
    """``<mo>‖</mo> v <mo>‖</mo>``, a row between two norm bars, as
    ``\\left\\lVert v \\right\\rVert``; None for any other row."""
    bars = [
        tag == "mo" and (child.text or "").strip() == "‖"
        for child, tag in zip(children, tags, strict=True)
    ]
    if len(children) < 3 or not (bars[0] and bars[-1]) or any(bars[1:-1]):
        return None
    return r"\left\lVert " + _row(children[1:-1]) + r" \right\rVert"


def _lone_argument(child: ET.Element) -> bool:
    """Whether ``child`` is one name in parentheses, ``(t)``: no printer brackets a lone name
    it multiplies, so after a name it is an argument (``u(t)``)."""
    return [_local(c.tag) for c in child] == ["mo", "mi", "mo"] and _local(child.tag) == "mrow"


def _function(spelled: str) -> bool:
    """Whether ``spelled`` names a function that applies to a parenthesis after it: one of
    :data:`FUNCTIONS`; a name of several letters only where the printer marks the application
    (U+2061, :func:`_multiplied`)."""
    return spelled.split("_")[0] in FUNCTIONS


def _multiplied(spelled: str) -> bool:
    """Whether ``spelled``, before a parenthesis with no mark of application (U+2061), is a
    name of several letters that multiplies it (``QR_{n+1} (QR^{(n)}_{z} x + ...)``, ``--names
    W=QR``): LaTeX takes ``\\operatorname{QR}`` before a parenthesis as a function, so the
    product is spelled ``\\operatorname{QR}_{n+1} \\cdot (...)``."""
    return spelled.startswith(r"\operatorname")


def _math(source: str) -> str:
    """A ``<math>`` element of the document in LaTeX."""
    return spell(element(source))


def _words(fragment: str) -> str:
    """HTML words with their ``<math>`` as ``$...$``, tags dropped, entities decoded."""
    parts, end = [], 0
    for found in _MATH.finditer(fragment):
        parts.append(html.unescape(_TAG.sub("", fragment[end : found.start()])))
        try:
            parts.append(f"${_math(found[0])}$")
        except DocumentError:
            parts.append(" ")
        end = found.end()
    parts.append(html.unescape(_TAG.sub("", fragment[end:])))
    return "".join(parts)


def latex_of(text: str) -> str:
    """The HTML document ``text`` spelled as the LaTeX the reader reads."""
    if len(text) > MAX_CHARACTERS:
        raise DocumentError(f"an HTML document above {MAX_CHARACTERS:,} characters")
    out, end = [], 0
    for piece in _PIECE.finditer(text):
        out.append(_words(text[end : piece.start()]))
        end = piece.end()
        heading = _HEADING.fullmatch(piece[0])
        if heading:
            out.append(f"\n\\section*{{{_words(heading[1]).strip()}}}\n")
            continue
        rows = []
        for row in _ROW.findall(_TABLE.fullmatch(piece[0])[1]):  # type: ignore[index]
            cells = dict(_CELL.findall(row))
            if "rhs" not in cells:
                continue
            left, right = _MATH.search(cells.get("lhs", "")), _MATH.search(cells["rhs"])
            if right is None:
                raise DocumentError("a row of steps without mathematics on its right")
            lhs, rhs = _math(left[0]) if left else "", _math(right[0])
            reason = _words(cells.get("reason", "")).strip()
            if not lhs and not rhs.startswith(("=", ":=", r"\approx")):  # a sum's next line
                rhs = rf"\quad {rhs}"
            rows.append(f"{lhs} &{rhs}" + (rf" \tag*{{{reason}}}" if reason else ""))
        if rows:
            out.append("\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n")
    out.append(_words(text[end:]))
    return "".join(out)


def read_html(text: str) -> Document:
    """The rows of an HTML document (see the module docstring)."""
    return read_displays(latex_of(text))
