"""symcollapse: symbolic derivations of identity-activation networks collapsing to W_z x + b_z.

>>> from symcollapse import collapse
>>> c = collapse([2, 3, 3, 1])
>>> len(c.W_z[0, 0].args), len(c.b_z[0].args)
(9, 13)
"""

from symcollapse.collapse import Collapse, collapse
from symcollapse.derivation import Derivation, Section, Step, derive
from symcollapse.errors import (
    OptionError,
    RegressionError,
    SizeLimitError,
    SpecError,
    SymcollapseError,
    ToolError,
    VerificationError,
)
from symcollapse.gradient import Descent, descend
from symcollapse.notation import Notation
from symcollapse.numeric import NumericCollapse, collapse_values, derive_values
from symcollapse.regression import Regression, derive_regression, regress
from symcollapse.values import Values, load_values, parse_values, random_values
from symcollapse.verify import Verification, verify

__all__ = [
    "Collapse",
    "Derivation",
    "Descent",
    "Notation",
    "NumericCollapse",
    "OptionError",
    "Regression",
    "RegressionError",
    "Section",
    "SizeLimitError",
    "SpecError",
    "Step",
    "SymcollapseError",
    "ToolError",
    "Values",
    "Verification",
    "VerificationError",
    "collapse",
    "collapse_values",
    "derive",
    "derive_regression",
    "derive_values",
    "descend",
    "load_values",
    "parse_values",
    "random_values",
    "regress",
    "verify",
]
