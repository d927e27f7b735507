"""What a ``state_dict``'s keys say about its modules, and what they do not.

A key is ``<module path>.<parameter>``. Indices (``0``, ``net.2``, ``0.1``) are the order in which
an ``nn.Sequential`` applies its modules; names (``fc1``, ``fc2``) are not an order: the file does
not record the ``forward`` that calls them. A module without parameters (ReLU, Dropout, Flatten)
leaves no key, only a gap in the indices, and the file does not say which module it was. What
the keys do not say is refused here, naming the option that states it; nothing is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from symcollapse.errors import SpecError

#: The parameters of a Linear layer and of a BatchNorm1d.
PARAMETERS = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
#: Module indices have at most this many digits (an nn.Sequential of a million modules).
MAX_INDEX_DIGITS = 6
#: Most module names quoted in one message.
_SHOWN = 8


@dataclass(frozen=True)
class Order:
    """The module paths in the order they are applied, and the gaps taken as identity maps."""

    paths: tuple[str, ...]
    gaps: tuple[str, ...]


def modules(keys: Iterable[str], source: str) -> dict[str, dict[str, str]]:
    """Module path -> {parameter: key}, in the file's order; refuse keys that are no parameter
    and indices that two spellings could share (``00`` beside ``0``) or too long to be real."""
    grouped: dict[str, dict[str, str]] = {}
    for key in keys:
        path, _, parameter = key.rpartition(".")
        if parameter not in PARAMETERS:
            raise SpecError(
                f"{source}: key {key[:80]!r} is not a Linear or BatchNorm1d parameter "
                f"({', '.join(PARAMETERS[:4])})"
            )
        for part in path.split(".") if path else ():
            if not part:
                raise SpecError(f"{source}: key {key[:80]!r} has an empty module name")
            if _numeric(part) and (len(part) > MAX_INDEX_DIGITS or part != str(int(part))):
                raise SpecError(
                    f"{source}: key {key[:80]!r} has the module index {part[:20]!r}, which is not "
                    f"a plain index of at most {MAX_INDEX_DIGITS} digits"
                )
        grouped.setdefault(path, {})[parameter] = key
    for path in grouped:
        if path and any(other.startswith(path + ".") for other in grouped):
            raise SpecError(f"{source}: module {path!r} holds parameters and also submodules")
    if "" in grouped and len(grouped) > 1:
        raise SpecError(f"{source}: keys without a module name beside named modules")
    return grouped


def _numeric(part: str) -> bool:
    return part.isascii() and part.isdigit()


def _shown(names: Sequence[str]) -> str:
    listed = ",".join(names[:_SHOWN])
    return listed + (f",... ({len(names)} in all)" if len(names) > _SHOWN else "")


def order(
    paths: Sequence[str],
    source: str,
    *,
    layers: Sequence[str] | None = None,
    assume_identity_gaps: bool = False,
) -> Order:
    """The order of application: stated by ``layers``, or read from the indices after the
    common prefix (``net.0``, ``net.2``). Names without indices are refused without ``layers``;
    without ``assume_identity_gaps``, so are gaps in the indices and any module path (a module
    after the last layer leaves no trace), except the keys of a bare layer (``weight``)."""
    if layers is not None:
        return Order(_stated(paths, list(layers), source), ())
    parts = [path.split(".") if path else [] for path in paths]
    common = 0
    while all(len(p) > common + 1 for p in parts) and (
        len({p[common] for p in parts}) == 1 if len(paths) > 1 else not _numeric(parts[0][common])
    ):
        common += 1
    tails = [p[common:] for p in parts]
    if not all(_numeric(part) for tail in tails for part in tail):
        if len(paths) == 1:
            if not assume_identity_gaps:
                raise _after_last(source, paths[0])
            return Order(tuple(paths), ())
        raise SpecError(
            f"{source}: modules {_shown(list(paths))} are named, and a state_dict does not "
            "record the order they are applied in; state it with layers, the names in order",
            parameter="layers",
        )
    indexed = sorted(zip((tuple(int(p) for p in tail) for tail in tails), paths, strict=True))
    gaps = _gaps([index for index, _ in indexed], ".".join(parts[0][:common]))
    if not gaps and not assume_identity_gaps and list(paths) != [""]:
        raise _after_last(source, indexed[-1][1])
    if gaps and not assume_identity_gaps:
        raise SpecError(
            f"{source}: no parameters at module {_shown(gaps)} (an index gap), and a state_dict "
            "does not record what was there (a ReLU changes the function); if each is an "
            "identity map (Identity, Dropout, Flatten of vectors), say so with "
            "assume_identity_gaps",
            parameter="assume_identity_gaps",
        )
    return Order(tuple(path for _, path in indexed), tuple(gaps))


def _after_last(source: str, last: str) -> SpecError:
    return SpecError(
        f"{source}: a state_dict does not record modules without parameters after its last "
        f"layer ({last}), where a ReLU changes the function; if there are none, or each is an "
        "identity map, say so with assume_identity_gaps",
        parameter="assume_identity_gaps",
    )


def _stated(paths: Sequence[str], layers: list[str], source: str) -> tuple[str, ...]:
    """``layers`` as given: every module of the file once, nothing else."""
    unknown = [name for name in layers if name not in paths]
    if unknown:
        raise SpecError(
            f"{source}: layers names {_shown(unknown)}, not a module of the file "
            f"(its modules: {_shown(list(paths))})",
            parameter="layers",
        )
    if len(set(layers)) != len(layers):
        raise SpecError(f"{source}: layers names a module twice", parameter="layers")
    missing = [path for path in paths if path not in layers]
    if missing:
        raise SpecError(
            f"{source}: modules {_shown(missing)} hold parameters but are not in layers",
            parameter="layers",
        )
    return tuple(layers)


def _gaps(indices: list[tuple[int, ...]], prefix: str) -> list[str]:
    """Indices missing below each parent: ``0.*``, ``2.*`` miss ``1``; ``0.0.*``, ``0.2.*``
    miss ``0.1``; ``1.*`` alone misses ``0`` (a module applied before it)."""
    children: dict[tuple[int, ...], list[int]] = {}
    for index in indices:
        for depth in range(len(index)):
            children.setdefault(index[:depth], []).append(index[depth])
    gaps = []
    for parent, present in children.items():
        expected = 0
        for child in sorted(set(present)):
            if child > expected:
                gaps.append(_name(prefix, parent, expected, child - 1))
            expected = child + 1
    return gaps


def _name(prefix: str, parent: tuple[int, ...], first: int, last: int) -> str:
    span = str(first) if first == last else f"{first}-{last}"
    return ".".join([*filter(None, [prefix]), *map(str, parent), span])
