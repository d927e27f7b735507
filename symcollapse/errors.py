"""Typed errors the API raises; the CLI turns each into one line on stderr.

:class:`SymcollapseError` is bad input (exit status 2); :class:`InternalError` is a bug in
symcollapse (exit status 3, "please report"), deliberately not a subclass of the first so that
``except SymcollapseError`` never hides a bug as if it were the user's mistake.
"""

from __future__ import annotations

#: Longest error message: one that echoes a megabyte of input is cut in its middle, so the
#: line stays readable and what it was about (start) and what to do (end) both survive.
MAX_MESSAGE = 600


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    cut = len(message) - MAX_MESSAGE + 100
    return f"{message[:350]} ...({cut:,} characters cut)... {message[-150:]}"


class SymcollapseError(Exception):
    """Base class: every error symcollapse raises on bad input.

    ``parameter`` names the API keyword the error is about (``max_terms``, ``learning_rate``),
    so the CLI can name its own flag for it (``--max-terms``) without the algebra knowing flags.
    """

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(_bounded(str(message)))
        self.parameter = parameter


class SpecError(SymcollapseError, ValueError):
    """The network description (widths, layers) is invalid."""


class OptionError(SymcollapseError, ValueError):
    """An option, format or setting is unknown or has an invalid value."""


class SizeLimitError(SymcollapseError):
    """The requested work would exceed a size limit, estimated before any of it is done."""


class InternalError(Exception):
    """Something symcollapse itself got wrong; never caused by bad input."""


class VerificationError(InternalError):
    """An identity that must hold did not; this is a bug in symcollapse, never bad input."""


class ToolError(SymcollapseError):
    """An external program symcollapse calls (pdflatex, pdftoppm) is missing or failed."""


class RegressionError(SymcollapseError, ValueError):
    """Least squares cannot recover ``W_z``, ``b_z``: too few samples or a rank-deficient design."""


class DocumentError(SymcollapseError):
    """A document given to ``symcollapse check`` cannot be read: says what could not be read."""


class SymcollapseWarning(UserWarning):
    """A caveat of a result that is still right: what a reading was told, or rounded (the CLI
    prints these as ``note:`` lines)."""
