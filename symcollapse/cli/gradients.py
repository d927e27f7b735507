"""``symcollapse gradients D0 ... Dn``: dL/dW_k and dL/db_k of the squared loss, checked."""

from __future__ import annotations

import argparse

from symcollapse.algebra.gradients import gradients
from symcollapse.cli.output import emit, notation_from, stem
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.doc.model import Derivation
from symcollapse.errors import OptionError
from symcollapse.io.progress import Progress
from symcollapse.render.notation import Notation
from symcollapse.spec.roles import default_name

#: Default line width of gradient documents: their entries hold squares, ``(w)^2``, which print
#: wider than the letter count of the line-breaking estimate (80 let 2-3-3-1 overflow by 9pt).
LINE_WIDTH = 72


def run(args: argparse.Namespace) -> int:
    notation = notation_from(args)
    if args.line_width is None and not args.two_column:  # --two-column sets its own
        notation = notation.merged(line_width=LINE_WIDTH)
    with Progress("gradients") as progress:
        progress.stage("differentiating")
        result = gradients(args.widths, max_terms=args.max_terms)
        progress.stage("writing and checking every entry")
        derivation = derive_gradients(result, args.detail, args.convention)
    _check_renamed(notation, derive_gradients(result, "standard", args.convention))
    return emit(args, derivation, notation, stem("gradients", result.network.widths))


def _check_renamed(notation: Notation, document: Derivation) -> None:
    """Refuse a ``--names`` role the gradients documents of this network never write (``L=J``:
    ``L`` is the bottleneck factor; the loss, written ``L``, is the role ``loss``): a name the
    document would ignore is refused with the roles it has, never ignored."""
    default = Notation().names
    given = {role for role, name in notation.names.items() if default.get(role) != name}
    roles = document.roles
    for role in sorted(given - roles):
        written = sorted(r for r in roles if default_name(r) == role)
        hint = f" ({role} is how it writes {written[0]}: {written[0]}=...)" if written else ""
        raise OptionError(
            f"--names renames {role}, which a gradients document of this network does not use"
            f"{hint}; its roles: {', '.join(sorted(roles))}"
        )
