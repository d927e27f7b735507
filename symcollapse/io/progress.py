"""Progress on stderr for expansions that take more than a moment, only when it is a terminal."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

#: Seconds of work before the first report: short expansions stay silent.
DELAY = 0.5


class Progress:
    """A one-line ``label: stage done/total`` report, rewritten in place with ``\\r``.

    Nothing is written unless ``stream`` is a terminal (pipes, files and CI logs stay clean);
    counts wait until ``delay`` seconds have passed, stages show at once; the line is erased when
    the context exits, so a command's output never starts after it.
    """

    def __init__(self, label: str, stream: TextIO | None = None, delay: float = DELAY) -> None:
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.delay = delay
        self.enabled = self.stream.isatty()
        self.start = time.perf_counter()
        self.width = 0
        self.doing = ""

    def stage(self, text: str) -> None:
        """``label: text`` at once (a command's next stage, such as reading a model), so a
        terminal never sits silent through work that has no count to report; later counts are
        counts of this stage."""
        self.doing = text
        if self.enabled:
            self._show(f"{self.label}: {text}")

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.perf_counter() - self.start < self.delay:
            return
        doing = f"{self.doing} " if self.doing else ""
        self._show(f"{self.label}: {doing}{done}/{total}")

    def _show(self, line: str) -> None:
        self.width = max(self.width, len(line))
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
