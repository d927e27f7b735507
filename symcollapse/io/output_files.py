"""Writing output files all-or-nothing: every file of one command new, or none touched.

1. Every target is checked first (a plain name, not a directory or other non-regular file, the
   directory writable), so a blocked target fails the command before anything is written.
2. The directory is locked (``flock`` on the directory itself, no lock file left behind), so two
   runs into one directory take turns instead of mixing their files.
3. Every file is written to a temporary file in the same directory; any failure (a full disk,
   Ctrl-C) removes every temporary file and leaves every target as it was.
4. The renames run with SIGINT and SIGTERM blocked, so a signal cannot land between them; it is
   delivered right after, when all files are in place.
5. Directories the command created for its files are removed again when it fails: a failed run
   leaves nothing behind.

:func:`check_directory` and :func:`check_target` let a command refuse a blocked ``--out`` or
``--export`` before its work, not after it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from symcollapse.errors import OptionError

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends, then arrive as they would have.

    Blocking them in this thread is not enough when other threads exist (a BLAS or ONNX
    runtime pool): the kernel may hand the signal to one of those, and Python then runs the
    handler in the main thread at once. So the handlers are replaced by ones that only record
    the signal, and the recorded signals are raised again when the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be set from the main thread; there the mask still helps
        return
    received: list[int] = []
    handlers = {
        sig: signal.signal(sig, lambda number, _: received.append(number)) for sig in _SIGNALS
    }
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # pending ones are recorded now
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)


def _check_targets(directory: Path, names: list[str]) -> None:
    """Refuse bad names and blocked targets before anything is written."""
    for name in names:
        if not name or name in (".", "..") or "/" in name or "\0" in name:
            raise OptionError(f"cannot write {name!r}: not a plain file name")
        target = directory / name
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            raise OptionError(f"cannot write {str(target)!r}: it exists and is not a regular file")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OptionError(f"cannot write into {str(directory)!r}: permission denied")


def check_directory(directory: Path) -> None:
    """Refuse an output directory that cannot be one: empty name, a non-directory on its path,
    or (when it does not exist yet) a nearest existing folder that is not writable."""
    directory = Path(directory)
    if not str(directory).strip():
        raise OptionError("the output directory name is empty")
    existing = directory
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if os.path.lexists(existing) and not existing.is_dir():
        what = "it" if existing == directory else repr(str(existing))
        raise OptionError(f"cannot write into {str(directory)!r}: {what} is not a directory")
    if existing != directory and not os.access(existing, os.W_OK | os.X_OK):
        raise OptionError(
            f"cannot create {str(directory)!r}: permission denied in {str(existing)!r}"
        )


def check_target(path: Path) -> None:
    """Refuse a file target (``--export``) that :func:`write_files` would refuse, before work."""
    path = Path(path)
    check_directory(path.parent)
    if path.parent.is_dir():
        _check_targets(path.parent, [path.name])


def _make_directory(directory: Path) -> list[Path]:
    """Create ``directory`` and missing parents; the ones created, deepest first."""
    created = []
    missing = directory
    while not os.path.lexists(missing) and missing != missing.parent:
        created.append(missing)
        missing = missing.parent
    directory.mkdir(parents=True, exist_ok=True)
    return created


def write_files(directory: Path, contents: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``{file name: text or bytes}`` under ``directory``, all of them or none.

    Raises :class:`OptionError` for a blocked target, ``OSError`` when the disk refuses; in
    both cases, and on KeyboardInterrupt, no target has changed, no temporary file is left and
    no directory this call created remains.
    """
    directory = Path(directory)
    check_directory(directory)
    created = _make_directory(directory)
    try:
        return _write_all(directory, contents)
    except BaseException:
        for folder in created:  # deepest first; only empty ones, so nobody else's file goes
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _write_all(directory: Path, contents: Mapping[str, str | bytes]) -> list[Path]:
    names = list(contents)
    _check_targets(directory, names)
    lock = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    staged: list[tuple[Path, Path]] = []
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name, text in contents.items():
            fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
            staged.append((Path(temp_name), directory / name))
            with os.fdopen(fd, "wb") as handle:  # bytes as they are: "\n" line ends everywhere
                handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            os.chmod(temp_name, 0o644)  # mkstemp makes 0600; outputs are ordinary readable files
        _check_targets(directory, names)  # again, under the lock
        with _signals_deferred():
            for temp, final in staged:
                os.replace(temp, final)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        os.close(lock)  # releases the flock
    return [final for _, final in staged]
