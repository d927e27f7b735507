"""Running a user's Python code (``layers --function FILE.py:NAME``) so that it cannot escape.

Whatever the code raises while it is imported or called, ``SystemExit`` and
``KeyboardInterrupt`` included, becomes one :class:`UserCodeError` line ("your function raised
..."), and a wall-clock limit stops code that never returns (``setitimer`` in the main thread).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from symcollapse.errors import OptionError, SpecError, SymcollapseError

#: Default wall-clock limit in seconds for importing and deriving a user function.
DEFAULT_TIMEOUT = 60

#: Largest limit accepted, so a typo cannot turn the limit off.
MAX_TIMEOUT = 3600


class UserCodeError(SpecError):
    """The user's function (or its module) raised, exited or ran out of time."""


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so the user's ``except Exception`` cannot eat it."""


def raised(error: BaseException, where: str) -> UserCodeError:
    """One line for an exception from the user's code."""
    first = str(error).split("\n", 1)[0][:200]
    detail = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return UserCodeError(f"your function raised {detail} ({where})")


@contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Stop the block after ``seconds`` of wall-clock time with a :class:`UserCodeError`.

    Uses ``SIGALRM``, so the limit applies only in the main thread (elsewhere it is not set).
    """
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
        raise OptionError(f"timeout must be a positive number of seconds, got {seconds!r:.60}")
    if seconds > MAX_TIMEOUT:
        raise OptionError(f"timeout must be at most {MAX_TIMEOUT} seconds, got {seconds}")

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise UserCodeError(
            f"{what} did not finish within {seconds:g} s; raise timeout", parameter="timeout"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def user_code(where: str) -> Iterator[None]:
    """Turn anything the user's code raises into one :class:`UserCodeError` line."""
    try:
        yield
    except (SymcollapseError, _Expired):
        raise
    except (Exception, SystemExit, KeyboardInterrupt) as error:
        raise raised(error, where) from None
