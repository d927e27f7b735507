"""``symcollapse derive D0 ... Dn``: the derivation for any widths, symbolic or with numbers."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from symcollapse.algebra.numeric import collapse_values
from symcollapse.cli.options import DEFAULT_ENTRY
from symcollapse.cli.output import emit, notation_from, stem
from symcollapse.derivations.dense import derive
from symcollapse.derivations.numeric import derive_values
from symcollapse.doc.model import Decimals
from symcollapse.errors import OptionError
from symcollapse.io.pdf import compile_pdf, preview_png
from symcollapse.io.progress import Progress
from symcollapse.render.diagram import diagram, render_tikz, tikz_document
from symcollapse.render.diagram_svg import render_svg
from symcollapse.render.notation import Notation
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention
from symcollapse.spec.model_readers import SUFFIXES, read_model
from symcollapse.spec.text import check_text
from symcollapse.spec.values import (
    Values,
    check_count,
    load_values,
    parse_values,
    random_values,
)
from symcollapse.spec.widths import Spec

#: What a document says about numbers read from a file, unless ``--values-label`` says more:
#: a local file name does not belong in an answer pasted from it.
FILE_VALUES_LABEL = "given values"


def parse_entry(
    text: str, widths: Sequence[int], convention: Convention = DEFAULT_CONVENTION
) -> tuple[int, ...]:
    """``"I,J"`` (1-based) -> a 0-based entry ``(output, input)`` of ``W_z`` (``d_n`` rows,
    ``d_0`` columns; in the ``row`` convention ``d_0`` rows, ``d_n`` columns, so ``I`` is the
    input); ``"b_z:I"`` -> ``(I - 1,)``, an entry of ``b_z``."""
    row_form = convention == "row"
    if text.startswith("b_z:"):
        row = text[4:].strip()
        if not (row.isascii() and row.isdigit() and 1 <= int(row) <= widths[-1]):
            raise OptionError(
                f"--diagram-entry {text} is not an entry of b_z, which has {widths[-1]} "
                + ("column(s)" if row_form else "row(s)")
            )
        return (int(row) - 1,)
    parts = text.split(",")
    if len(parts) != 2 or not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
        raise OptionError(f"--diagram-entry takes I,J such as 1,2, got {text!r}")
    i, j = (int(p) for p in parts)
    rows, cols = (widths[0], widths[-1]) if row_form else (widths[-1], widths[0])
    if not (1 <= i <= rows and 1 <= j <= cols):
        raise OptionError(
            f"--diagram-entry {text} is not an entry of W_z, which has {rows} row(s) and "
            f"{cols} column(s)"
        )
    return (j - 1, i - 1) if row_form else (i - 1, j - 1)


#: Resolution of ``--diagram-png``: its edge labels are small type, so twice the page preview's.
DIAGRAM_DPI = 220

#: Longest ``--values-label``: it is a parenthesis in a heading.
MAX_LABEL = 80


def _label(text: str) -> str:
    """``--values-label``, checked: one non-empty line of at most MAX_LABEL printable
    characters (a CR, ESC or bidi override would reach the document or the terminal raw)."""
    label = check_text(text, "--values-label", MAX_LABEL).strip()
    if not label:
        raise OptionError("--values-label is empty; say where the numbers came from")
    return label


def values_from(args: argparse.Namespace, source: str, widths: tuple[int, ...]) -> Values:
    """The numbers ``source`` names for ``widths`` (parsed from ``args.widths``): ``random``
    (seeded by ``--seed``), a model or a JSON file.

    A file's numbers are labelled ``--values-label`` (default FILE_VALUES_LABEL), not by its name.
    """
    if source == "random":
        return random_values(widths, args.seed or 0, max_terms=args.max_terms)
    label = FILE_VALUES_LABEL if args.values_label is None else _label(args.values_label)
    if Path(source).suffix.lower() in SUFFIXES:  # a trained model: its numbers as decimals
        check_count(widths, args.max_terms)  # before reading it
        # derive's widths state an identity-activation network: a parameterless module
        # between or after the file's layers is an identity map by the command's own premise
        model = read_model(Path(source), assume_identity_gaps=True)
        if model.widths != widths:
            shown = " ".join(map(str, model.widths))
            raise OptionError(f"{source} has affine layers of widths {shown}; give those widths")
        weights = [layer.matrix().astype(model.dtype) for layer in model.layers]
        biases = [layer.vector().astype(model.dtype) for layer in model.layers]
        data = {"weights": weights, "biases": biases}
        return parse_values(data, widths, f"{label}, as decimals")
    values = load_values(Path(source), widths, max_terms=args.max_terms)
    return dataclasses.replace(values, source=label)


def diagram_files(
    widths: tuple[int, ...],
    entry: str,
    notation: Notation,
    name: str,
    png: bool = False,
    caption: bool = False,
    labels: bool | None = None,
    convention: Convention = DEFAULT_CONVENTION,
) -> tuple[dict[str, str | bytes], frozenset[str]]:
    """``NAME-paths.tex`` (a tikzpicture to ``\\input``) and ``NAME-paths.svg`` of one entry,
    labelled in ``convention``, and the roles they print; ``labels`` True draws every edge
    label (by default only for layers up to 3 wide)."""
    picture = diagram(
        widths,
        parse_entry(entry, widths, convention),
        notation,
        labels=labels,
        convention=convention,
    )
    files: dict[str, str | bytes] = {
        f"{name}-paths.tex": render_tikz(picture, caption_node=caption),
        f"{name}-paths.svg": render_svg(picture),
    }
    if png:  # for sites that take PNG uploads only; the page is exactly the picture
        whole = tikz_document(picture, caption_node=caption)
        pdf = compile_pdf(whole, f"{name}-paths", "--diagram-png")
        files[f"{name}-paths.png"] = preview_png(pdf, "--diagram-png", DIAGRAM_DPI)
    return files, picture.roles


def _expanding(progress: Progress) -> Callable[[int, int], None]:
    """The expansion's count; once it is complete, the stage after it (the derivation)."""

    def report(done: int, total: int) -> None:
        progress(done, total)
        if done == total:
            progress.stage("writing the derivation")

    return report


def run(args: argparse.Namespace) -> int:
    if args.values_label is not None and args.values in (None, "random"):
        raise OptionError("--values-label goes with --values FILE")
    if args.seed is not None and args.values != "random":
        raise OptionError("--seed goes with --values random")
    notation = notation_from(args)
    spec = Spec(args.widths)  # parsed once, here; the derivation and the files take it
    widths = spec.widths
    name = stem("collapse", widths)
    extra: dict[str, str | bytes] = {}
    drawn: frozenset[str] = frozenset()
    if args.diagram:  # files, so the document goes to a directory too (output/ unless --out)
        labels = True if args.diagram_labels else None
        extra, drawn = diagram_files(
            widths,
            args.diagram_entry,
            notation,
            name,
            args.diagram_png,
            args.diagram_caption,
            labels,
            args.convention,
        )
        args.out = args.out or Path("output")
    elif args.diagram_entry != DEFAULT_ENTRY or (
        args.diagram_png or args.diagram_caption or args.diagram_labels
    ):
        given = {
            "--diagram-png": args.diagram_png,
            "--diagram-caption": args.diagram_caption,
            "--diagram-labels": args.diagram_labels,
        }
        option = next((flag for flag, on in given.items() if on), "--diagram-entry")
        raise OptionError(f"{option} goes with --diagram")
    if args.values is None:
        with Progress("derive") as progress:  # the expansion's count, then the derivation
            progress.stage("expanding")
            derivation = derive(
                spec,
                max_terms=args.max_terms,
                max_depth=args.max_depth,
                progress=_expanding(progress),
                detail=args.detail,
                convention=args.convention,
            )
        return emit(args, derivation, notation, name, extra, roles=drawn)
    with Progress("derive") as progress:
        progress.stage(f"reading the numbers ({args.values})")
        values = values_from(args, args.values, widths)
        progress.stage("multiplying the numbers exactly")
        numeric = collapse_values(values, max_terms=args.max_terms, max_depth=args.max_depth)
        progress.stage("writing the derivation")
        decimal = Path(args.values).suffix.lower() in SUFFIXES  # a model's decimals stay so
        numbers = Decimals() if decimal else None
        derivation = derive_values(numeric, args.detail, numbers, args.convention)
    return emit(args, derivation, notation, name + "-values", extra, roles=drawn)
