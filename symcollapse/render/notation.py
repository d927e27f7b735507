"""How entries and matrices are written: the one place where notation is decided.

Every role of :data:`symcollapse.spec.roles.ROLES` can be renamed; which names a reader may
choose is :mod:`symcollapse.render.names`. For a document, :meth:`Notation.resolve` gives each
role present its name and the entries of ``W`` their letter (:func:`entry_letter`): the
reader's names win, and a built-in letter they take moves aside when it can (``W=Theta``
renames the regression's ``Theta`` instead of refusing).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from symcollapse.errors import OptionError
from symcollapse.render.names import GREEK, check_names, spelled
from symcollapse.spec.roles import DEFAULT_NAMES, ROLES, default_name

#: Matrix environments and their brackets (a matrix split over lines writes them itself).
DELIMITERS = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")")}

#: ``entry_style`` name -> how entry (i, j) of the weight matrix of layer k is written.
ENTRY_STYLES = {"paren": "w^{(k)}_{ij}", "upper": "W^{k}_{ij}", "flat": "W_{k,ij}"}

#: Roles with a field of their own (the public API since 0.1); other roles go in ``symbol_names``.
NAME_FIELDS = {"x": "x_name", "W": "W_name", "b": "b_name", "W_z": "W_z_name", "b_z": "b_z_name"}

#: Key of :meth:`Notation.resolve`'s answer for the letter of the entries of ``W``.
ENTRIES = "entries of W"

#: Roles whose name follows the name of another (``W_z`` is ``M_z`` when ``W`` is ``M``).
FOLLOWERS = frozenset({"W_z", "W_e", "b_z"})

#: The base letters of the roles' default names (``L`` of ``loss``): never a spare letter.
_DEFAULTS = frozenset(name.partition("_")[0] for name in DEFAULT_NAMES.values())

_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,39}")

#: Letters a built-in role moves to when the reader's names take its own, by kind of letter
#: (never ``e``: documents print Euler's number, ``e^{2 s t / \tau}``, beside the roles).
_SPARE = {
    "upper": ("B", "C", "E", "G", "H", "K", "M", "N", "Q", "U", "V", "Z"),
    "lower": ("c", "m", "p", "q", "r", "t", "y", "v"),
    "greek": ("xi", "eta", "zeta", "rho", "chi", "psi", "nu"),
    "Greek": ("Xi", "Pi", "Psi", "Phi", "Lambda", "Upsilon"),
}


def _word_latex(word: str) -> str:
    """One letter stays italic, a Greek name becomes its command, longer words go upright."""
    if len(word) == 1 or word.isdigit():
        return word
    if word in GREEK:
        return "\\" + word
    return f"\\mathrm{{{word}}}"


#: Subscripts that name variables, not words: ``Sigma_xx`` correlates ``x`` with ``x``.
VARIABLE_SUBSCRIPTS = frozenset({"xx", "yx"})


def name_latex(name: str) -> str:
    """LaTeX for a name that :class:`Notation` accepted (``W_eff`` -> ``W_{\\mathrm{eff}}``)."""
    base, _, sub = name.partition("_")
    if not sub:
        return _word_latex(base)
    variables = sub in VARIABLE_SUBSCRIPTS or (base == "Sigma" and len(sub) == 2)  # Sigma_tu
    return f"{_word_latex(base)}_{{{sub if variables else _word_latex(sub)}}}"


def _base(name: str) -> str:
    return name.partition("_")[0]


def _data_set_names(names: Mapping[str, str]) -> dict[str, str]:
    """The names of a data set's roles that follow the reader's: the correlations are
    subscripted by the input's and target's letters (``Sigma_uu``, ``Sigma_tu`` when ``x`` is
    ``u`` and ``y`` is ``t``), the data set's loss by the loss's (``E_D``). A name of several
    letters or with its own subscript leaves the built-in name (``Sigma_xx``, ``L_D``)."""
    x, y = names.get("x", "x"), names.get("y", "y")
    followed: dict[str, str] = {}
    if len(x) == 1 and len(y) == 1 and x.isalpha() and y.isalpha():
        followed |= {"Sigma_xx": f"Sigma_{x}{x}", "Sigma_yx": f"Sigma_{y}{x}"}
    loss = names.get("loss")
    if loss is not None and "_" not in loss:
        followed["data_loss"] = f"{loss}_D"
    return followed


def entry_letter(name: str, style: str) -> str:
    """The letter of the entries of a matrix named ``name``: lower case in the paren style
    (``w^{(k)}_{ij}`` of ``W``, ``θ`` of ``Θ``); names of several letters keep their case."""
    paren = style == "paren" and (len(name) == 1 or name in GREEK)
    return name.lower() if paren else name


@dataclass(frozen=True)
class Notation:
    """Typesetting choices shared by every renderer.

    ``delimiter``: matrix environment (``bmatrix`` or ``pmatrix``);
    ``index_base``: 1 (mathematics) or 0 (code) for entry indices shown to the reader;
    ``line_width``: printed width of one line before it is broken, in letters of 0.43 em (80
    fits a 10 pt article; 50, ``--two-column``, a column of a twocolumn article);
    ``entry_style``: ``paren`` (``w^{(k)}_{ij}``), ``upper`` (``W^{k}_{ij}``) or ``flat``
    (``W_{k,ij}``); ``paren`` writes entries with the lower-case weight letter;
    ``x_name`` ... ``b_z_name``: the symbols shown for ``x``, ``W``, ``b``, ``W_z``, ``b_z``
    (letters or Greek names, spelled or in Unicode; never raw LaTeX, so a name cannot break the
    document); ``W_z_name``/``b_z_name`` of None follow ``W``/``b`` (``M`` gives ``M_z``);
    ``symbol_names``: names for the other roles of :data:`~symcollapse.algebra.symbols.ROLES`
    as ``(role, name)`` pairs (``(("Theta", "B"),)``);
    ``numbered``: number the equations of LaTeX output (``align`` instead of ``align*``):
    True numbers the key equations (every row of a document that marks none), ``"all"`` every
    row;
    ``label_prefix``: numbered equations carry ``\\label{<prefix>:<section>.<step>}``;
    ``digits``: show numbers that are not exact decimals rounded to this many significant
    digits (display only: checks and JSON keep the exact values); None shows them exactly.
    """

    delimiter: str = "bmatrix"
    index_base: int = 1
    line_width: int = 80
    entry_style: str = "paren"
    x_name: str = "x"
    W_name: str = "W"
    b_name: str = "b"
    W_z_name: str | None = None
    b_z_name: str | None = None
    numbered: bool | Literal["all"] = False
    symbol_names: tuple[tuple[str, str], ...] = ()
    label_prefix: str = "symcollapse"
    digits: int | None = None

    def __post_init__(self) -> None:
        self._check_layout()
        if self.delimiter not in DELIMITERS:
            raise OptionError(
                f"unknown matrix delimiter {self.delimiter!r}; "
                f"choose one of {', '.join(DELIMITERS)}"
            )
        if type(self.index_base) is not int or self.index_base not in (0, 1):  # not 1.0, True
            raise OptionError(f"index base must be 0 or 1, got {self.index_base!r}")
        if type(self.line_width) is not int or not 10 <= self.line_width <= 1000:
            raise OptionError(
                f"line width must be an integer from 10 to 1000, got {self.line_width!r}"
            )
        if self.entry_style not in ENTRY_STYLES:
            styles = ", ".join(f"{k} ({v})" for k, v in ENTRY_STYLES.items())
            raise OptionError(f"unknown entry style {self.entry_style!r}; choose one of {styles}")
        if not isinstance(self.numbered, bool) and self.numbered != "all":
            raise OptionError(f"numbered must be True, False or 'all', got {self.numbered!r}")
        for role, field_name in NAME_FIELDS.items():
            name = getattr(self, field_name)
            if name is None and role not in ("W_z", "b_z"):  # only those two follow another
                raise OptionError(f"{field_name} must be a name, got None")
            object.__setattr__(self, field_name, spelled(name))
        pairs = self.symbol_names
        if not isinstance(pairs, tuple) or not all(
            isinstance(p, tuple) and len(p) == 2 for p in pairs
        ):
            raise OptionError(f"symbol_names must be (role, name) pairs, got {pairs!r}")
        object.__setattr__(self, "symbol_names", tuple((r, spelled(n)) for r, n in pairs))
        for role, _ in self.symbol_names:
            if role not in ROLES or role in NAME_FIELDS:
                raise OptionError(_unknown_role(role))
        check_names(self.names)
        _check_indices(self.names)

    def _check_layout(self) -> None:
        """``label_prefix``: letters, digits and ``-``, so ``\\label{prefix:...}`` is safe;
        ``digits``: significant digits shown for numbers that are not exact decimals, or None."""
        if not isinstance(self.label_prefix, str) or not _LABEL.fullmatch(self.label_prefix):
            raise OptionError(
                f"label prefix must be letters, digits and -, starting with a letter, "
                f"got {self.label_prefix!r}"
            )
        if self.digits is not None and (type(self.digits) is not int or not 1 <= self.digits <= 50):
            raise OptionError(f"digits must be an integer from 1 to 50, got {self.digits!r}")

    @property
    def names(self) -> dict[str, str]:
        """Role -> the name the reader chose for it (``x``, ``W``, ``b`` always; others if set)."""
        chosen = {role: getattr(self, field) for role, field in NAME_FIELDS.items()}
        chosen = {role: name for role, name in chosen.items() if name is not None}
        return chosen | dict(self.symbol_names)

    def resolve(self, present: set[str]) -> dict[str, str]:
        """Role -> name for a document whose symbols have the roles ``present``.

        The reader's names win; ``W_z``/``b_z`` follow ``W``/``b``; a built-in letter that a
        reader's name (or the entries' letter) takes moves to a spare letter; the letter of the
        entries of ``W`` is under the key ``ENTRIES``. Names are never refused here: the
        reader's own names were checked to differ when the notation was made.
        """
        chosen = self.names
        names = dict(chosen)
        names.setdefault("W_z", chosen["W"] + "_z")
        names.setdefault("b_z", chosen["b"] + "_z")
        names.setdefault("W_e", chosen["W"] + "_e")
        for role, name in _data_set_names(names).items():
            names.setdefault(role, name)
        # W_z, W_e and b_z may share the base of W and b (W_z reads "W sub z"), nothing else may.
        own = {chosen["W"], chosen["b"]}
        taken = {
            _base(name): role
            for role, name in names.items()
            if role in present and not (role in FOLLOWERS and _base(name) in own)
        }
        # The entries of W take the lower-case letter in the paren style, unless the reader
        # gave that letter to another role: then they keep W's own letter (no refusal).
        letter = entry_letter(chosen["W"], self.entry_style)
        if letter != chosen["W"] and taken.get(letter) not in (None, "W"):
            letter = chosen["W"]
        names[ENTRIES] = letter
        if "W" in present:
            taken.setdefault(letter, "W")
        for role in sorted(present - set(names)):
            names[role] = self._spare(role, taken, names, chosen)
            taken.setdefault(_base(names[role]), role)
        _check_distinct(names, present, chosen)
        _check_subscripted(chosen, present)
        return names

    def check_used(self, present: Collection[str], written: str = "this document") -> None:
        """Refuse a reader's name that changes nothing in what is written, whose symbols have
        the roles ``present`` (every file of it: a role one of them prints is used).

        A rename is used when it changes the name of a role present, or the letter of the
        entries of ``W``: ``W=M`` is used by a document of ``W_z`` alone (``M_z``), ``x=u``
        by one of ``Sigma_xx`` (``Sigma_uu``). Anything else would be ignored, so it is
        refused with the roles ``written`` has, never ignored. The renderers do not call
        this: one notation serves several documents (``example`` writes six), each of which
        prints some of the names; the command that writes them checks their union.
        """
        present = set(present)
        shown = self._shown(present)
        for role in sorted(self.renames):
            if self.without(role)._shown(present) != shown:
                continue
            written_as = [r for r in sorted(present) if r != role and default_name(r) == role]
            hint = "".join(f" ({role} is how it writes {r}: {r}=...)" for r in written_as[:1])
            raise OptionError(
                f"renaming {role} ({ROLES[role]}) changes nothing: {written} does not use "
                f"it{hint}; its roles: {', '.join(sorted(present))}",
                "names",
            )

    def _shown(self, present: set[str]) -> dict[str, str]:
        """The names a document of the roles ``present`` prints, and its entries' letter."""
        names = self.resolve(present)
        return {role: name for role, name in names.items() if role in present or role == ENTRIES}

    @property
    def renames(self) -> dict[str, str]:
        """Role -> name for every role the reader named otherwise than by default
        (``W=W`` renames nothing)."""
        default = Notation().names
        return {role: name for role, name in self.names.items() if default.get(role) != name}

    def without(self, role: str) -> Notation:
        """This notation without the reader's name for ``role``."""
        if role in NAME_FIELDS:
            field_name = NAME_FIELDS[role]
            return self.merged(**{field_name: getattr(Notation(), field_name)})
        kept = tuple(pair for pair in self.symbol_names if pair[0] != role)
        return replace(self, symbol_names=kept)

    @staticmethod
    def _spare(
        role: str, taken: dict[str, str], names: dict[str, str], chosen: Mapping[str, str]
    ) -> str:
        """``role``'s own name, or the first spare letter of its kind no other name uses. Two
        built-in names may share a letter when they differ (``Sigma_xx``, ``Sigma_yx``; ``L``,
        ``L_D``); a reader's name takes its letter from every built-in one."""
        own = default_name(role)
        holder = taken.get(_base(own))
        if holder is None or (
            holder not in chosen and names.get(holder) == default_name(holder) != own
        ):
            return own
        kind = (
            ("Greek" if own[0].isupper() else "greek")
            if _base(own) in GREEK
            else ("upper" if own[0].isupper() else "lower")
        )
        for letter in _SPARE[kind]:
            if letter not in taken and letter not in ROLES and letter not in _DEFAULTS:
                return letter
        raise OptionError(f"no spare letter left for {role}, {ROLES[role]}; choose fewer names")

    def merged(self, **options: Any) -> Notation:
        """A copy with ``options`` changed; unknown names are an error, never ignored."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise OptionError(
                f"unknown notation option {unknown[0]!r}; known: {', '.join(sorted(known))}"
            )
        return replace(self, **options)

    def renamed(self, names: dict[str, str]) -> Notation:
        """A copy with the names of some roles (``{"W": "A", "Theta": "B"}``) changed."""
        if not isinstance(names, dict):
            raise OptionError(f"names must be a dict of role: name, got {type(names).__name__}")
        for role, name in names.items():
            if role not in ROLES:
                raise OptionError(_unknown_role(role))
            if not isinstance(name, str):  # None would mean "follow W" for W_z, silently
                raise OptionError(f"the name for {role} must be a string, got {name!r:.60}")
        fields_given = {NAME_FIELDS[r]: n for r, n in names.items() if r in NAME_FIELDS}
        others = dict(self.symbol_names) | {r: n for r, n in names.items() if r not in NAME_FIELDS}
        return self.merged(**fields_given, symbol_names=tuple(sorted(others.items())))


def _check_distinct(names: Mapping[str, str], present: set[str], chosen: Mapping[str, str]) -> None:
    """Two roles of one document printed with one name would read as one symbol: refused
    when a reader's name makes them so (``h=W_z`` beside the collapsed matrix ``W_z``)."""
    holders: dict[str, str] = {}
    for role in sorted(present, key=lambda r: (r not in chosen, r)):
        name = names[role]
        other = holders.setdefault(name, role)
        if other != role and (role in chosen or other in chosen):
            raise OptionError(
                f"naming {other} ({ROLES.get(other, other)}) {name} gives it the name "
                f"{role} ({ROLES.get(role, role)}) has in this document: the two would read "
                f"as one symbol; choose another name for {other}",
                "names",
            )


#: Index roles printed side by side in subscripts (``w_{ij}``, ``W_{n+1}``, ``h^{(k-1)}``).
INDEX_ROLES = ("i", "j", "k", "n")


#: Roles some documents print with a subscript of their own, and how.
SUBSCRIPTED_ROLES = {"h": "h_{1}", "y": "y_{1}, y_{mu}", "sample": "x_{mu}"}


def _check_indices(names: Mapping[str, str]) -> None:
    """An index's name is one Latin letter: in ``w_{ij}`` a Greek or subscripted letter, or
    two letters, cannot be read apart from the index beside it (``w_{i\\omega}``, ``W_{qr+1}``)."""
    for role in INDEX_ROLES:
        name = names.get(role)
        if name is not None and not (len(name) == 1 and name.isascii() and name.isalpha()):
            raise OptionError(
                f"name {name!r} for {role} ({ROLES[role]}) is refused: indices are printed side "
                "by side in subscripts (w_{ij}, W_{n+1}), where only one Latin letter reads "
                "back unambiguously; choose one letter",
                "names",
            )


def _check_subscripted(names: Mapping[str, str], present: set[str]) -> None:
    """A role documents subscript (``h_{1}``) named with a subscript of its own is refused:
    ``q_{r}_{1}`` cannot be written, nor read back."""
    for role in SUBSCRIPTED_ROLES:
        name = names.get(role)
        if role in present and name is not None and "_" in name:
            raise OptionError(
                f"name {name!r} for {role} ({ROLES[role]}) is refused: documents subscript it "
                f"({SUBSCRIPTED_ROLES[role]}), and a subscripted name would carry two "
                "subscripts; choose a name without _",
                "names",
            )


def _unknown_role(role: object) -> str:
    return f"unknown name {role!r} to rename; known: {', '.join(ROLES)}"
