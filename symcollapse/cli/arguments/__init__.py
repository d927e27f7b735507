"""What each command accepts: ``arguments/NAME.py`` declares ``symcollapse NAME``'s options.

Kept apart from the commands' ``run`` (``symcollapse/cli/NAME.py``), which import sympy and
numpy, so that building the parser (``--help``, completion, a usage error) loads neither.
Option groups several commands share are declared once, in :mod:`symcollapse.cli.options`.
"""
