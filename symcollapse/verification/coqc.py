"""Running ``coqc`` on a development: a typed verdict, cached by the file and the toolchain.

A verdict is cached under ``$XDG_CACHE_HOME/symcollapse`` (else ``~/.cache/symcollapse``), keyed
by the ``.v`` text, the SHA-256 of the ``coqc`` binary, ``coqc --print-version`` and a
fingerprint of the MathComp library that coqc loads (every ``.vo`` file under ``mathcomp`` in
``coqc -where``'s ``user-contrib`` and in ``$COQPATH``: path, size, modification time), so a
cached verdict is re-checked when any of them changed, and a ``coqc`` that cannot load MathComp
never inherits another's verdict. Only a success is cached (a failure or a timeout is checked
again next time); the cache is read as a small regular file or not at all, and a stored verdict
counts only if it names the same toolchain.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from symcollapse.errors import SymcollapseError
from symcollapse.spec.input_files import read_bytes
from symcollapse.verification.coq import FILE_NAME

#: What ``Print Assumptions`` says of a theorem that rests on no axiom and no hypothesis.
CLOSED = "Closed under the global context"

#: Seconds a check may take; the development checks in about two seconds.
DEFAULT_TIMEOUT = 120.0

#: A line ``N : net d0 dn`` of the environment coqc prints before a type error.
HYPOTHESIS = re.compile(r"^[\w']+(?: [\w']+)* : ")

#: A stored verdict is a few dozen bytes; anything larger is not one.
MAX_VERDICT_BYTES = 4096

#: Seconds ``coqc --print-version`` may take (it answers at once).
VERSION_TIMEOUT = 30.0

Status = Literal["checked", "not installed", "failed"]


@dataclass(frozen=True)
class CoqVerdict:
    """``checked``, ``not installed`` or ``failed`` (with the first error line); which coqc.

    Data only: :func:`symcollapse.render.verification.coq_verdict_text` puts it into words."""

    status: Status
    version: str = ""
    error: str = ""
    cached: bool = False

    @property
    def checked(self) -> bool:
        return self.status == "checked"


def cache_dir() -> Path:
    """Where verdicts are kept: ``$XDG_CACHE_HOME/symcollapse`` or ``~/.cache/symcollapse``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "symcollapse"


def first_error(output: str) -> str:
    """``line 56: The term ... has type ...``: where coqc stopped and the first line of why."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Error:"):
            where = lines[i - 1].split(", characters")[0] if i else ""
            where = where.replace(f'File "./{FILE_NAME}", ', "")
            message = line.removeprefix("Error:").strip()
            following = [rest.strip() for rest in lines[i + 1 :] if rest.strip()]
            message = message or (following[0] if following else "")
            if message == "In environment":  # skip the hypotheses ``name : type`` to the reason
                reasons = [line for line in following[1:] if not HYPOTHESIS.match(line)]
                message = reasons[0] if reasons else message
            return f"{where}: {message}" if where else message
    return output.strip().splitlines()[-1] if output.strip() else "coqc failed without output"


def _run(text: str, theorems: int, version: str, timeout: float) -> CoqVerdict:
    with tempfile.TemporaryDirectory(prefix="symcollapse-coq-") as directory:
        (Path(directory) / FILE_NAME).write_text(text, encoding="utf-8")
        command = ["coqc", "-q", FILE_NAME]
        done = subprocess.run(
            command, cwd=directory, capture_output=True, text=True, timeout=timeout
        )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        return CoqVerdict("failed", version, first_error(output))
    closed = output.count(CLOSED)
    if closed != theorems:
        error = f"{closed} of {theorems} theorems are closed under the global context"
        return CoqVerdict("failed", version, error)
    return CoqVerdict("checked", version)


def _store(path: Path, verdict: CoqVerdict, toolchain: dict[str, str]) -> None:
    """Write the verdict atomically; a cache that cannot be written only costs a rerun."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
            json.dump({"status": verdict.status, "error": verdict.error, **toolchain}, handle)
        os.replace(handle.name, path)
    except OSError:
        return


def _load(path: Path, version: str, toolchain: dict[str, str]) -> CoqVerdict | None:
    """A stored success for this toolchain, read only from a small regular file."""
    try:
        stored = json.loads(read_bytes(path, "coqc verdict", max_bytes=MAX_VERDICT_BYTES))
        status, error = stored["status"], stored["error"]
        same = all(stored[name] == value for name, value in toolchain.items())
    except (SymcollapseError, ValueError, KeyError, TypeError):
        return None
    if status != "checked" or error != "" or not same:
        return None
    return CoqVerdict(status, version, error, cached=True)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def mathcomp_fingerprint(where: str) -> str:
    """A hash of the MathComp ``.vo`` files coqc would load (path, size, modification time), or
    ``"none"`` when there are none: the development cannot be checked then."""
    roots = [Path(where) / "user-contrib" / "mathcomp"]
    roots += [Path(p) / "mathcomp" for p in os.environ.get("COQPATH", "").split(os.pathsep) if p]
    files = sorted(
        (str(vo), vo.stat().st_size, vo.stat().st_mtime_ns)
        for root in roots
        if root.is_dir()
        for vo in root.rglob("*.vo")
    )
    return hashlib.sha256(repr(files).encode()).hexdigest() if files else "none"


def _toolchain(binary: str) -> tuple[str, dict[str, str]]:
    """The version text and what identifies the toolchain: binary, version, MathComp."""

    def ask(option: str) -> str:
        return subprocess.run(
            [binary, option], capture_output=True, text=True, timeout=VERSION_TIMEOUT
        ).stdout

    full = ask("--print-version")
    return full, {
        "coqc": _sha256(os.path.realpath(binary)),
        "version": full.strip(),
        "mathcomp": mathcomp_fingerprint(ask("-where").strip()),
    }


def check(text: str, theorems: int, timeout: float = DEFAULT_TIMEOUT) -> CoqVerdict:
    """Check the development ``text`` with coqc; every one of its ``theorems`` must be closed."""
    binary = shutil.which("coqc")
    if binary is None:
        return CoqVerdict("not installed")
    try:
        full, toolchain = _toolchain(binary)
        version = full.split()[0]
    except (subprocess.TimeoutExpired, OSError, IndexError):
        return CoqVerdict("failed", error="coqc --print-version did not answer")
    identity = "\0".join([*toolchain.values(), str(theorems), text])
    path = cache_dir() / f"coq-{hashlib.sha256(identity.encode()).hexdigest()}.json"
    verdict = _load(path, version, toolchain)
    if verdict is None:
        try:
            verdict = _run(text, theorems, version, timeout)
        except subprocess.TimeoutExpired:
            return CoqVerdict("failed", version, f"coqc took longer than {timeout:g} s")
        except OSError as error:
            return CoqVerdict("failed", version, f"coqc could not run: {error}")
        if verdict.checked:  # a failure is rechecked every time: the toolchain may be fixed
            _store(path, verdict, toolchain)
    return verdict
