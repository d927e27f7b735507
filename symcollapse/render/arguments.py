"""What every renderer takes, checked at its door: a :class:`Derivation` and a
:class:`Notation` (or None for the defaults), so ``render_document(None)`` or a result object
passed where its derivation belongs is one typed line, not an ``AttributeError`` deep inside."""

from __future__ import annotations

from symcollapse.doc.model import Derivation
from symcollapse.errors import OptionError
from symcollapse.render.notation import Notation


def document_arguments(derivation: object, notation: object) -> Notation:
    """The notation to render with, once ``derivation`` and ``notation`` are of the right type."""
    if not isinstance(derivation, Derivation):
        raise OptionError(
            f"expected a Derivation (from derive, derive_values, derive_layers, ...), got "
            f"{type(derivation).__name__}; a result object renders through its derivation",
            "derivation",
        )
    if notation is None:
        return Notation()
    if not isinstance(notation, Notation):
        raise OptionError(
            f"notation must be a Notation or None, got {type(notation).__name__}", "notation"
        )
    return notation
