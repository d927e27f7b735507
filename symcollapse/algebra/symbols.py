"""Symbols that carry their meaning: every matrix-level symbol has a role and indices, never a
spelling.

``W_{n+1}``, ``W_z^{(n)}`` or ``d_{k-1}`` are not names: a symbol is made by :func:`matrix` or
:func:`scalar` from its role (``"W"``, ``"W_z"``, ``"d"``) and its subscripts and superscript,
which the object holds (a :class:`Role`, in the manner of sympy's ``Indexed``). Printers read the
role from the object (:func:`role_of`) and write it in the notation of the call, so renaming a
role renames it in every document, and what a symbol prints as never depends on what else was
made before it (there is no table). The plain name (``W_1``, ``W_z(n)``, ``d(k - 1)``) is what
sympy's own printers show, and what ``sympy.sympify`` parses back from text output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import sympy as sp
from sympy.core.symbol import Str

from symcollapse.spec.roles import ROLES, default_name


def _tuple(items: Iterable[object]) -> sp.Tuple:
    return items if isinstance(items, sp.Tuple) else sp.Tuple(*items)


class Role(sp.Basic):
    """What a symbol stands for: ``role`` with subscripts ``sub``, a superscript ``(sup)``, and
    an argument (``f(x)`` has ``argument="x"``, itself a role).

    The four parts are the object's sympy arguments (``Str``, and tuples for the optional
    ones), so equality, hashing, ``subs``/``xreplace`` of an index (``k -> 3`` turns ``W_{k+1}``
    into ``W_4``) and pickling work as for any sympy expression.
    """

    def __new__(
        cls,
        role: str | Str,
        sub: Iterable[object] = (),
        sup: object = None,
        argument: object = None,
    ) -> Role:
        name = role if isinstance(role, Str) else Str(role)
        if name.name not in ROLES:
            raise ValueError(f"unknown role {name.name!r}")
        sups = sup if isinstance(sup, sp.Tuple) else sp.Tuple(*(() if sup is None else (sup,)))
        if isinstance(argument, sp.Tuple):
            arguments = argument
        else:
            arguments = sp.Tuple(*(() if argument is None else (Str(str(argument)),)))
        return sp.Basic.__new__(cls, name, _tuple(sub), sups, arguments)

    @property
    def role(self) -> str:
        return str(self.args[0].name)

    @property
    def sub(self) -> tuple[sp.Expr, ...]:
        return self.args[1].args  # the Tuple's own tuple: printers ask for it per entry

    @property
    def sup(self) -> sp.Expr | None:
        return self.args[2][0] if self.args[2] else None

    @property
    def argument(self) -> str | None:
        return str(self.args[3][0].name) if self.args[3] else None

    @property
    def name(self) -> str:
        """The plain name, as :func:`name_of` writes it in the built-in names."""
        return name_of(self)


class RoleMatrix(sp.MatrixSymbol):
    """A matrix-level symbol whose first argument is its :class:`Role` (``W_k``, ``b_z``)."""

    def __new__(cls, meaning: Role, rows: object, cols: object) -> RoleMatrix:
        n, m = sp.sympify(rows), sp.sympify(cols)
        cls._check_dim(n)
        cls._check_dim(m)
        if not isinstance(meaning, Role):
            raise TypeError(f"a role matrix needs a Role, got {meaning!r}")
        return sp.Basic.__new__(cls, meaning, n, m)

    @property
    def meaning(self) -> Role:
        return self.args[0]


class RoleSymbol(sp.Symbol):
    """A scalar symbol with a :class:`Role` (a width ``d_{k-1}``, an index ``k``). A symbol is an
    atom in sympy, so the role is a field, part of its identity (hash and equality) and of its
    pickled form, as ``Dummy`` keeps its index."""

    __slots__ = ("meaning",)
    meaning: Role

    def __new__(cls, meaning: Role, **assumptions: Any) -> RoleSymbol:
        if not isinstance(meaning, Role):
            raise TypeError(f"a role symbol needs a Role, got {meaning!r}")
        cls._sanitize(assumptions, cls)
        obj = sp.Symbol.__xnew__(cls, meaning.name, **assumptions)
        obj.meaning = meaning
        return obj

    def __getnewargs_ex__(self) -> tuple[tuple[Role], dict[str, Any]]:
        return (self.meaning,), self._assumptions_orig

    def _hashable_content(self) -> tuple[Any, ...]:
        return (self.meaning, *self._assumptions0)

    @classmethod
    def class_key(cls) -> tuple[Any, ...]:
        """Sorted among plain symbols, by name: ``2 s t`` stays ``2 s t`` when ``t`` has a
        role and ``s`` has none."""
        return sp.Symbol.class_key()


def _plain(index: sp.Expr) -> bool:
    return bool(index.is_Integer or index.is_Symbol)


def name_of(role: Role, names: Mapping[str, str] | None = None) -> str:
    """The plain name of a symbol: ``W_1``, ``d_k``, ``d(k - 1)``, ``W_z(n)``, ``f_n(x)``;
    with ``names`` (role -> name), in those names (``M_1`` when ``W`` is called ``M``)."""
    names = names or {}
    name = names.get(role.role) or default_name(role.role)
    sub = [_index(i, names) for i in role.sub]
    if role.sub and all(_plain(i) for i in role.sub):
        name += "_" + "_".join(sub)
    elif role.sub:
        name += "(" + ", ".join(sub) + ")"
    if role.sup is not None:
        name += f"({_index(role.sup, names)})"
    if role.argument is not None:
        name += f"({names.get(role.argument) or default_name(role.argument)})"
    return name


def _index(index: sp.Expr, names: Mapping[str, str]) -> str:
    """An index in ``names``: ``P_q`` and ``d(q - 1)`` when the index ``j`` or ``k`` is called
    ``q``, as the sum over it says (``(q, 1, N)``)."""
    atoms = index.atoms(RoleSymbol)
    return str(
        index.xreplace(
            {s: sp.Symbol(names[s.meaning.role]) for s in atoms if s.meaning.role in names}
        )
    )


def _indices(sub: object) -> tuple[sp.Expr, ...]:
    items = sub if isinstance(sub, tuple) else (sub,)
    return tuple(sp.sympify(i) for i in items if i is not None)


def meaning(
    role: str, sub: object = None, *, sup: object = None, argument: str | None = None
) -> Role:
    """The :class:`Role` of ``role`` with subscripts ``sub`` (one index or a tuple)."""
    return Role(role, _indices(sub), None if sup is None else sp.sympify(sup), argument)


def matrix(
    role: str,
    rows: object,
    cols: object = 1,
    sub: object = None,
    *,
    sup: object = None,
    argument: str | None = None,
) -> RoleMatrix:
    """A matrix-level symbol such as ``W_k`` (``matrix("W", d_k, d_{k-1}, k)``)."""
    return RoleMatrix(meaning(role, sub, sup=sup, argument=argument), rows, cols)


def scalar(role: str, sub: object = None, *, sup: object = None, **assumptions: bool) -> RoleSymbol:
    """A scalar symbol such as the width ``d_{k-1}`` (``scalar("d", k - 1)``) or an index ``k``;
    ``assumptions`` as sympy's (``positive=True`` for a time constant)."""
    try:
        return _scalar(role, sub, sup, tuple(sorted(assumptions.items())))
    except TypeError:  # an unhashable index: made afresh
        return RoleSymbol(meaning(role, sub, sup=sup), **assumptions)


@lru_cache(maxsize=4096)
def _scalar(
    role: str, sub: object, sup: object, assumptions: tuple[tuple[str, bool], ...]
) -> RoleSymbol:
    """Made once per role and indices (a document asks for ``k_m`` and ``d_m`` thousands of
    times); sympy caches plain symbols by name in the same way."""
    return RoleSymbol(meaning(role, sub, sup=sup), **dict(assumptions))


def role_of(symbol: sp.Basic) -> Role | None:
    """The role a symbol carries, or None for any other object."""
    return symbol.meaning if isinstance(symbol, RoleMatrix | RoleSymbol) else None


def roles_in(expr: sp.Basic) -> frozenset[str]:
    """Every role used by the symbols in ``expr`` (matrix symbols and scalars alike, and the
    roles in their indices), and by nodes that print a role's letter (a class attribute
    ``ROLE``: the activations' sigma). Computed once per expression: a document asks for the
    roles of its parts many times."""
    try:
        return _roles_cached(expr)
    except TypeError:  # a mutable matrix: not hashable, walked every time
        return _roles(expr)


@lru_cache(maxsize=1024)
def _roles_cached(expr: sp.Basic) -> frozenset[str]:
    return _roles(expr)


def _roles(expr: sp.Basic) -> frozenset[str]:
    """One walk over the distinct nodes of ``expr`` (a shared subtree is visited once)."""
    found: set[str] = set()
    seen: set[int] = set()
    stack: list[Any] = [expr]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        printed = getattr(type(node), "ROLE", None)  # a node that prints a role's letter
        if printed is not None:
            found.add(printed)
        if isinstance(node, Role):
            found.add(node.role)
            if node.argument is not None:
                found.add(node.argument)
        elif isinstance(node, RoleSymbol):
            stack.append(node.meaning)
        if isinstance(node, sp.Basic):
            stack.extend(node.args)
        elif isinstance(node, sp.MatrixBase):  # a mutable matrix holds entries, not args
            stack.extend(node)
    return frozenset(found)
