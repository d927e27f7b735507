"""Running ``coqc`` on a development: a typed verdict, cached by the text and the Coq version.

A verdict is cached under ``$XDG_CACHE_HOME/symcollapse`` (else ``~/.cache/symcollapse``), keyed
by a hash of the ``.v`` text and ``coqc --version``, so ``verify --method proof`` reuses a check
instead of paying a Coq start-up every run. Only a success is cached (a failure or a timeout is
checked again next time), and the cache is read as a small regular file or not at all.
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
from symcollapse.spec.files import read_bytes
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


def _store(path: Path, verdict: CoqVerdict) -> None:
    """Write the verdict atomically; a cache that cannot be written only costs a rerun."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
            json.dump({"status": verdict.status, "error": verdict.error}, handle)
        os.replace(handle.name, path)
    except OSError:
        return


def _load(path: Path, version: str) -> CoqVerdict | None:
    """A stored success, read only from a small regular file (never a FIFO or a device)."""
    try:
        stored = json.loads(read_bytes(path, "coqc verdict", max_bytes=MAX_VERDICT_BYTES))
        status, error = stored["status"], stored["error"]
    except (SymcollapseError, ValueError, KeyError, TypeError):
        return None
    if status != "checked" or error != "":
        return None
    return CoqVerdict(status, version, error, cached=True)


def check(text: str, theorems: int, timeout: float = DEFAULT_TIMEOUT) -> CoqVerdict:
    """Check the development ``text`` with coqc; every one of its ``theorems`` must be closed."""
    if shutil.which("coqc") is None:
        return CoqVerdict("not installed")
    try:
        full = subprocess.run(
            ["coqc", "--print-version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT
        ).stdout
        version = full.split()[0]
    except (subprocess.TimeoutExpired, OSError, IndexError):
        return CoqVerdict("failed", error="coqc --print-version did not answer")
    key = hashlib.sha256(f"{full}\0{theorems}\0{text}".encode()).hexdigest()
    path = cache_dir() / f"coq-{key}.json"
    verdict = _load(path, version)
    if verdict is None:
        try:
            verdict = _run(text, theorems, version, timeout)
        except subprocess.TimeoutExpired:
            return CoqVerdict("failed", version, f"coqc took longer than {timeout:g} s")
        except OSError as error:
            return CoqVerdict("failed", version, f"coqc could not run: {error}")
        if verdict.checked:  # a failure is rechecked every time: the toolchain may be fixed
            _store(path, verdict)
    return verdict
