"""The names a reader may give the roles: how they are spelled and which ones are refused.

A name is letters, or a Greek letter's name (spelled, ``theta``, or typed, ``θ``), optionally
with ``_`` and a subscript for the roles that carry no index of their own. Never raw LaTeX, so
a name cannot break the document; never two roles with one name; never a name that reads as
one layer's matrix (``W_1`` for ``W_z``). Which name each role of a document then gets is
:meth:`symcollapse.render.notation.Notation.resolve`.
"""

from __future__ import annotations

import re
import unicodedata

from symcollapse.errors import OptionError
from symcollapse.spec.roles import MAX_NAME

#: Greek letters LaTeX has commands for; a name spelled like one is written ``\\theta``.
GREEK = frozenset(
    {
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "eta",
        "theta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "pi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Pi",
        "Sigma",
        "Upsilon",
        "Phi",
        "Psi",
        "Omega",
    }
)

#: Unicode Greek letters -> the names LaTeX spells them with (``Θ`` -> ``Theta``).
UNICODE_GREEK = {
    unicodedata.lookup(
        f"GREEK {'CAPITAL' if name[0].isupper() else 'SMALL'} LETTER "
        + name.upper().replace("LAMBDA", "LAMDA")  # Unicode's spelling
    ): name
    for name in GREEK
}

#: Greek letter names -> their Unicode characters (``Theta`` -> ``Θ``).
GREEK_CHARACTERS = {name: letter for letter, name in UNICODE_GREEK.items()}

#: Roles written without an index of their own, so their names may carry a subscript.
UNINDEXED_ROLES = frozenset(
    {
        *("W_z", "b_z", "X", "Y", "Theta", "L", "R", "u", "v", "h", "g", "epsilon"),
        *(
            "i",
            "j",
            "k",
            "n",
            "y",
            "loss",
            "data_loss",
            "sample",
            "samples",
            "N",
            "layer",
            "tau",
            "t",
        ),
        *("Sigma_xx", "Sigma_yx", "W_e", "G", "U", "V", "rotation", "singular"),
        *("singular_value", "second_strength", "mode", "depth"),
    }
)

#: Euler's number, which documents print as ``e``: no role's name (nor a spare letter's).
EULER = "e"

_NAME = re.compile(r"[A-Za-z]+(?:_[A-Za-z0-9]+)?")

#: Subscripts that make a name read as one layer's matrix or one entry: digits or an index letter.
_LAYER_SUBSCRIPT = re.compile(r"[0-9]+|[ijkmn]")

#: What ``<name of role>_<subscript>`` reads as, for the roles followed by a layer index.
_INDEXED_MEANING = {"x": "the input entry", "W": "the weight matrix", "b": "the bias"}


def spelled(name: object) -> object:
    """Unicode Greek letters spelled out (``Θ_eff`` -> ``Theta_eff``); anything else as given."""
    if not isinstance(name, str):
        return name
    return "".join(UNICODE_GREEK.get(c, c) for c in name)


def check_names(names: dict[str, str]) -> None:
    """Role -> name as the reader chose them: each a plain name, all different, and none that
    reads as a layer's matrix."""
    for role, name in names.items():
        _check_name(role, name)
    if len(set(names.values())) < len(names):
        shown = ", ".join(f"{role}={name}" for role, name in names.items())
        raise OptionError(f"the names must all differ, got {shown}")
    _check_layer_subscripts(names)


def _check_name(role: str, name: object) -> None:
    if isinstance(name, str) and len(name) > MAX_NAME:  # first: a megabyte name is refused at once
        raise OptionError(f"name for {role} has {len(name):,} letters; at most {MAX_NAME} allowed")
    indexed = role not in UNINDEXED_ROLES
    if not isinstance(name, str) or not _NAME.fullmatch(name) or (indexed and "_" in name):
        shape = "letters" if indexed else "letters, optionally _ and a subscript of letters/digits"
        raise OptionError(
            f"name for {role} must be {shape} (Greek names such as theta or Θ allowed), got "
            f"{name!r}; LaTeX commands and special characters are refused, not passed through"
        )
    if name.partition("_")[0] == EULER:
        raise OptionError(
            f"name {name!r} for {role} would read as Euler's number e, which documents print "
            "(e^{2 s t / tau}); choose another letter"
        )


def _check_layer_subscripts(names: dict[str, str]) -> None:
    """``W_z`` named ``W_1`` (or ``M_k`` when ``W`` is ``M``) would read as a layer's matrix;
    so would any role's name (``h=W_1``, ``Theta=x_i``)."""
    for role in sorted(names.keys() - _INDEXED_MEANING.keys()):
        base, _, sub = names[role].partition("_")
        for indexed in ("x", "W", "b"):
            if base == names[indexed] and _LAYER_SUBSCRIPT.fullmatch(sub):
                raise OptionError(
                    f"name {names[role]!r} for {role} would read as "
                    f"{_INDEXED_MEANING[indexed]} {names[role]}; choose another subscript "
                    "than digits or i, j, k, m, n"
                )
