"""Typed errors the API raises; the CLI turns each into one line on stderr and exit status 2."""

from __future__ import annotations


class SymcollapseError(Exception):
    """Base class: every error symcollapse raises on bad input."""


class SpecError(SymcollapseError, ValueError):
    """The network description (widths, layers) is invalid."""


class OptionError(SymcollapseError, ValueError):
    """An option, format or setting is unknown or has an invalid value."""


class SizeLimitError(SymcollapseError):
    """The requested expansion would exceed a size limit the caller can raise."""


class VerificationError(SymcollapseError):
    """An identity that must hold did not; this is a bug in symcollapse, never bad input."""


class ToolError(SymcollapseError):
    """An external program symcollapse calls (pdflatex, pdftoppm) is missing or failed."""


class RegressionError(SymcollapseError, ValueError):
    """Least squares cannot recover ``W_z``, ``b_z``: too few samples or a rank-deficient design."""
