"""What the document-producing commands share: notation from options, formats, writing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from symcollapse.cli.options import TWO_COLUMN_LINE_WIDTH, Format
from symcollapse.cli.reread import reread
from symcollapse.doc.model import Derivation
from symcollapse.errors import OptionError
from symcollapse.io.output_files import write_files
from symcollapse.io.pdf import pdf_files
from symcollapse.io.progress import Progress
from symcollapse.render.beamer import render_beamer
from symcollapse.render.github import render_github
from symcollapse.render.html import page_roles, render_html
from symcollapse.render.json import render_json
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.render.text import render_text
from symcollapse.render.typst import render_typst, render_typst_document
from symcollapse.spec.roles import MAX_NAME, ROLES
from symcollapse.spec.text import check_text

Renderer = Callable[[Derivation, Notation], str]

#: ``--format`` name -> (file extension, renderer).
FORMATS: dict[Format, tuple[str, Renderer]] = {
    "latex": ("tex", render_fragment),
    "beamer": ("slides.tex", render_beamer),
    "markdown": ("md", render_markdown),
    "github": ("md", render_github),
    "json": ("json", render_json),
    "text": ("txt", render_text),
    "typst": ("typ", render_typst),
    "html": ("html", render_html),
}

#: ``--format`` name -> the renderer of a whole document, for ``--standalone``.
STANDALONE: dict[Format, Renderer] = {"latex": render_document, "typst": render_typst_document}

#: Commands whose documents the reader must read whole (see :mod:`symcollapse.cli.reread`).
STRICT_COMMANDS = {
    "derive",
    "dynamics",
    "example",
    "fold",
    "gradients",
    "layers",
    "prove",
    "regress",
}

#: Notation options that map one to one from ``--option`` to a :class:`Notation` field.
TYPESET_OPTIONS = (
    "delimiter",
    "entry_style",
    "index_base",
    "numbered",
    "line_width",
    "label_prefix",
    "digits",
)


def stem(prefix: str, widths: Sequence[int]) -> str:
    """File name stem such as ``collapse-2-3-3-1``."""
    return "-".join([prefix, *map(str, widths)])


#: Longest ``--names``: every role renamed, each name as long as allowed, with a space around.
MAX_NAMES = sum(len(role) + MAX_NAME + 4 for role in ROLES)


def _names(text: str) -> dict[str, str]:
    """``"x=y,W=M"`` -> ``{"x": "y", "W": "M"}``; the names themselves are checked by Notation.

    An empty ``--names``, an empty name and a role given twice are refused, never ignored;
    so are control characters (even around a name, where they would be stripped as spaces)
    and a text longer than every role renamed at the longest name allowed.
    """
    check_text(text, "--names", MAX_NAMES)
    if not text.strip():
        raise OptionError("--names is empty; give ROLE=NAME pairs separated by commas, e.g. W=M")
    names: dict[str, str] = {}
    for item in text.split(","):
        role, separator, name = (part.strip() for part in item.partition("="))
        if not separator:
            raise OptionError(f"--names takes ROLE=NAME pairs separated by commas, got {item!r}")
        if not name:
            raise OptionError(f"--names gives {role} an empty name, in {item!r}")
        if role in names:
            raise OptionError(
                f"--names renames {role} twice ({role}={names[role]}, {role}={name}); "
                "give each role once"
            )
        names[role] = name
    return names


def notation_from(args: argparse.Namespace, handled: Sequence[str] = ()) -> Notation:
    """The notation the options ask for; ``--format json|text`` takes ``--names`` and refuses
    the typesetting options, never ignores them. ``handled`` options are the command's own
    business (``fold`` rounds its decimals itself, in every document format)."""
    given = {name: getattr(args, name) for name in TYPESET_OPTIONS if name not in handled}
    given = {name: value for name, value in given.items() if value is not None}
    if getattr(args, "two_column", False):
        given["line_width"] = TWO_COLUMN_LINE_WIDTH
    fmt = getattr(args, "format", "latex")
    if fmt in ("json", "text") and given:
        flags = " ".join("--" + name.replace("_", "-") for name in given)
        raise OptionError(
            f"typesetting options apply to latex, markdown, typst and html output, not {fmt}: "
            f"{flags} (of the notation options, {fmt} takes --names)"
        )
    if args.numbered and fmt == "html":
        raise OptionError("--numbered applies to LaTeX and Typst output, not html")
    if args.numbered and fmt in ("markdown", "github"):
        raise OptionError("--numbered applies to LaTeX output (MathJax's aligned has no numbers)")
    if fmt == "beamer" and (args.numbered or getattr(args, "two_column", False)):
        flag = "--numbered" if args.numbered else "--two-column"
        raise OptionError(f"{flag} applies to LaTeX articles, not to slides (--format beamer)")
    if "label_prefix" in given and not args.numbered:  # labels exist only on numbered equations
        raise OptionError("--label-prefix goes with --numbered (LaTeX output)")
    notation = Notation().merged(**given)
    return notation if args.names is None else notation.renamed(_names(args.names))


def check_renamed(command: str, notation: Notation, roles: Collection[str]) -> None:
    """Refuse a ``--names`` role that nothing this command writes prints (``derive --names
    L=J``), before any work is written: a name the output would ignore is refused, never
    ignored (:meth:`Notation.check_used`).

    ``roles`` are those of every file this run writes, and only those: a role the command
    prints only at another ``--detail`` (``a`` of the scalar form, absent at ``full``), in
    another format's extra file, or for other options, is refused here too, since this run's
    files would not show the name; a role any one of its files prints (the diagram's ``h``
    beside a ``--detail full`` derivation, the residual showcase's ``g`` in ``example``)
    is accepted, since the name shows there.
    """
    notation.check_used(roles, f"the {command} output")


def emit(
    args: argparse.Namespace,
    derivation: Derivation,
    notation: Notation,
    name: str,
    extra: Mapping[str, str | bytes] | None = None,
    data: Mapping[str, object] | None = None,
    roles: Collection[str] = (),
) -> int:
    """Write ``derivation`` (and ``extra`` files) as ``--format``, ``--standalone``, ``--pdf`` say.

    Everything goes to stdout, or, with ``--out`` (or ``--pdf``), into files written all at once.
    A terminal sees the stages (writing, re-reading, compiling) on stderr until the output starts.
    ``--names`` must rename a role that something written prints: the document's roles, or
    ``roles``, those the ``extra`` files print (:func:`check_renamed`).
    """
    command = getattr(args, "command", None)
    page = page_roles(derivation) if args.format == "html" else derivation.roles
    check_renamed(command or "symcollapse", notation, page | set(roles))
    extra = dict(extra or {})
    pdf = getattr(args, "pdf", False)
    if getattr(args, "png", False) and not pdf:
        raise OptionError("--png goes with --pdf")
    if pdf and args.format not in ("latex", "beamer"):
        raise OptionError("--pdf goes with --format latex or beamer")
    if args.standalone and args.format not in STANDALONE:
        beamer = " (slides are always a whole document)" if args.format == "beamer" else ""
        raise OptionError(f"--standalone goes with --format {' or '.join(STANDALONE)}{beamer}")
    file = f"{name}.tex" if pdf else f"{name}.{FORMATS[args.format][0]}"
    derivation = derivation.said_rounded(notation.digits)  # the page says what it rounded
    with Progress(command or "symcollapse") as progress:
        progress.stage(f"rendering {file}")
        text = _rendered(args, derivation, notation, data, roles)
        progress.stage(f"re-reading {file}")
        collapse = derivation.collapse
        widths = None if collapse is None else collapse.network.widths
        reread({file: text}, command in STRICT_COMMANDS, notation.digits, widths)
        if pdf:
            progress.stage(f"compiling {file} with pdflatex")
            files = pdf_files(text, name, png=args.png)
    if pdf:
        print(*write_files(args.out or Path("output"), {**files, **extra}))
    elif args.out is None:
        texts = [value for value in extra.values() if isinstance(value, str)]
        if len(texts) < len(extra):  # a diagram's PNG: its command sets --out
            raise OptionError("binary files are written with --out, not to the terminal")
        sys.stdout.write("\n".join([text, *texts]))
    else:
        print(*write_files(args.out, {file: text, **extra}))
    return 0


def _rendered(
    args: argparse.Namespace,
    derivation: Derivation,
    notation: Notation,
    data: Mapping[str, object] | None = None,
    shown_elsewhere: Collection[str] = (),
) -> str:
    """The document text ``--format`` and ``--standalone`` ask for.

    An option that would change nothing is refused, found by rendering without it:
    ``--digits`` that rounds no number (a symbolic derivation, or one whose numbers are all
    exact decimals), and a ``--names`` role that the document has but this format leaves out
    (a LaTeX fragment prints no section's prose, so ``derive --detail full --names d=q``
    would print no ``q``), unless another file written prints it (``shown_elsewhere``). One
    more rendering per renamed role: the price of never ignoring a name.
    """
    render = _renderer(args, data)
    text = render(derivation, notation)
    if notation.digits is not None and text == render(derivation, notation.merged(digits=None)):
        raise OptionError(
            f"--digits {notation.digits} rounds nothing here: every number in this document "
            "is exact as printed; leave --digits out"
        )
    for role in sorted(set(notation.renames) - set(shown_elsewhere)):
        if render(derivation, notation.without(role)) == text:
            raise OptionError(
                f"renaming {role} ({ROLES[role]}) changes nothing: this {args.format} output "
                f"does not print it; its roles, not all printed in {args.format}: "
                f"{', '.join(sorted(derivation.roles))}",
                "names",
            )
    return text


def _renderer(args: argparse.Namespace, data: Mapping[str, object] | None) -> Renderer:
    """The renderer ``--format``, ``--standalone`` and ``--pdf`` ask for (JSON carries ``data``)."""
    if getattr(args, "pdf", False):
        return render_beamer if args.format == "beamer" else render_document
    if args.standalone:
        return STANDALONE[args.format]
    if args.format == "json":
        return lambda derivation, notation: render_json(derivation, notation, data)
    return FORMATS[args.format][1]
