"""Reading user files: regular files only, of bounded size, UTF-8, JSON of bounded nesting.

A path can name a FIFO (``open`` blocks forever), a device (``/dev/zero`` never ends), a
directory, or a huge file; each is refused here with one line before anything is read. The
file is checked with ``os.stat`` before it is opened, opened with ``O_NONBLOCK`` (so even a FIFO
swapped in after the check cannot block) and checked again with ``fstat`` on the open
descriptor; at most ``max_bytes + 1`` bytes are read.

Cost model: reading and decoding is linear in the file size (at most :data:`MAX_FILE_BYTES`),
and JSON nesting is measured by one regular-expression pass before ``json.loads`` runs, so the
recursive parser never meets more than :data:`MAX_JSON_DEPTH` levels.
"""

from __future__ import annotations

import json
import os
import re
import stat
from itertools import accumulate
from pathlib import Path

from symcollapse.errors import OptionError, SpecError

#: Largest user file read: 16 MB holds far more numbers than any limit lets a network have.
MAX_FILE_BYTES = 16 * 2**20

#: Deepest JSON nesting accepted: a values file needs 3 levels, a parameters file 1.
MAX_JSON_DEPTH = 32

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _path(path: object, what: str) -> Path:
    if isinstance(path, str | os.PathLike) and not isinstance(path, bytes):
        text = os.fspath(path)
        if isinstance(text, str) and text and "\0" not in text:
            return Path(text)
    raise OptionError(f"{what} must be a file path (str or pathlib.Path), got {path!r:.60}")


def _kind(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in kinds.items() if test(mode)), "not a regular file")


def read_bytes(path: object, what: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``; :class:`OptionError` naming ``what`` otherwise."""
    where = _path(path, what)
    try:
        kind = _kind(os.stat(where).st_mode)
        if kind is not None:
            raise OptionError(f"{what} {str(where)!r} is {kind}, not a regular file")
        fd = os.open(where, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            kind = _kind(info.st_mode)
            if kind is not None:
                raise OptionError(f"{what} {str(where)!r} is {kind}, not a regular file")
            if info.st_size > max_bytes:
                raise OptionError(
                    f"{what} {str(where)!r} has {info.st_size:,} bytes, above the limit of "
                    f"{max_bytes:,}"
                )
            with os.fdopen(fd, "rb", closefd=True) as handle:
                fd = -1
                data = handle.read(max_bytes + 1)
        finally:
            if fd >= 0:
                os.close(fd)
    except OSError as error:
        raise OptionError(f"cannot read {what} {str(where)!r}: {error.strerror}") from None
    if len(data) > max_bytes:  # the file grew after fstat
        raise OptionError(f"{what} {str(where)!r} is larger than the limit of {max_bytes:,} bytes")
    return data


def read_text(path: object, what: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file ``path``; bad bytes are one line naming the position."""
    data = read_bytes(path, what, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(
            f"{what} {str(path)!r} is not UTF-8 text "
            f"(byte {data[error.start]:#04x} at position {error.start})"
        ) from None


def json_depth(text: str) -> int:
    """Deepest nesting of ``[`` and ``{`` in JSON ``text`` (brackets inside strings ignored)."""
    steps = (1 if b in "[{" else -1 for b in _BRACKET.findall(_STRING.sub("", text)))
    return max(accumulate(steps, initial=0))


def parse_json(text: str, what: str, *, max_depth: int = MAX_JSON_DEPTH) -> object:
    """JSON from ``text`` with every number kept as its text (for :mod:`.numbers` to read).

    Integers, decimals and ``NaN``/``Infinity`` all arrive as strings, so one strict grammar
    with a length cap reads them; nesting above ``max_depth`` is refused before parsing.
    """
    depth = json_depth(text)
    if depth > max_depth:
        raise SpecError(f"{what} nests JSON {depth} levels deep, above the limit of {max_depth}")
    try:
        return json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SpecError(f"{what} is not valid JSON: {message}") from None


def read_json(
    path: object, what: str, *, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> object:
    """:func:`parse_json` of the file ``path`` read by :func:`read_text`."""
    text = read_text(path, what, max_bytes=max_bytes)
    return parse_json(text, f"{what} {str(path)!r}", max_depth=max_depth)
