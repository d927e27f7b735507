"""A real headless Chromium, driven over the DevTools protocol on a pipe (``--remote-debugging-
pipe``: messages are NUL-terminated JSON on file descriptors 3 and 4), with no browser download
and no package beyond Debian's ``chromium``."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

REQUIRE_CHROMIUM = os.environ.get("SYMCOLLAPSE_REQUIRE_CHROMIUM") == "1"
#: Generous: a loaded two-core machine starts Chromium in a few seconds.
TIMEOUT = 120.0


def chromium_or_skip() -> str:
    """The browser's path; skips without it unless SYMCOLLAPSE_REQUIRE_CHROMIUM=1 (then fails)."""
    path = shutil.which("chromium")
    if path is None:
        if REQUIRE_CHROMIUM:
            pytest.fail("chromium is required (SYMCOLLAPSE_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("chromium is not installed")
    return path


class Browser:
    """One headless Chromium with one page; ``call`` sends a protocol command to the page."""

    def __init__(self, executable: str, width: int = 1000, height: int = 1400) -> None:
        read_commands, self._write = os.pipe()
        self._read, write_results = os.pipe()
        self._profile = tempfile.mkdtemp(prefix="chromium-")
        flags = ["--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu"]
        flags += [f"--user-data-dir={self._profile}", f"--window-size={width},{height}"]
        flags += ["--no-first-run", "--disable-extensions", "about:blank"]

        def descriptors() -> None:  # the protocol's fixed descriptors 3 (in) and 4 (out)
            commands, results = os.dup(read_commands), os.dup(write_results)
            os.dup2(commands, 3)
            os.dup2(results, 4)

        self._process = subprocess.Popen(
            [executable, *flags],
            pass_fds=(3, 4),  # kept open after preexec_fn made them
            preexec_fn=descriptors,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(read_commands)
        os.close(write_results)
        self._buffer = b""
        self._next = 0
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> Any:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next:
                    assert "error" not in reply, reply["error"]
                    return reply["result"]
            chunk = os.read(self._read, 1 << 20)
            assert chunk, "chromium closed the pipe"
            self._buffer += chunk
        raise AssertionError(f"no answer to {method} within {TIMEOUT} s")

    def call(self, method: str, **params: Any) -> Any:
        return self._send(method, params, self._session)

    def open(self, page: Path) -> None:
        """Load ``page`` and wait until it and its layout are complete."""
        self.call("Page.enable")
        self.call("Page.navigate", url=page.resolve().as_uri())
        deadline = time.monotonic() + TIMEOUT
        while self.evaluate("document.readyState") != "complete":
            assert time.monotonic() < deadline, "the page did not load"
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def hover(self, x: float, y: float) -> None:
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)
        os.close(self._write)
        os.close(self._read)
        shutil.rmtree(self._profile, ignore_errors=True)
