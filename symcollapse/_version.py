"""The one place the version is written; setup.cfg reads it (``attr:``), so does ``--version``."""

__version__ = "0.2.0"
