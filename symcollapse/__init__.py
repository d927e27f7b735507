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
    SizeLimitError,
    SpecError,
    SymcollapseError,
    VerificationError,
)
from symcollapse.notation import Notation
from symcollapse.verify import Verification, verify

__all__ = [
    "Collapse",
    "Derivation",
    "Notation",
    "OptionError",
    "Section",
    "SizeLimitError",
    "SpecError",
    "Step",
    "SymcollapseError",
    "Verification",
    "VerificationError",
    "collapse",
    "derive",
    "verify",
]

# Layered networks (issue 4): which layers keep the collapse, and what the network is otherwise.
from symcollapse.general import LayeredCollapse, analyse
from symcollapse.layered_derivation import derive_layers
from symcollapse.layers import (
    AvgPool,
    BatchNorm,
    Conv1D,
    Dense,
    Dropout,
    LayerSpec,
    MaxPool,
    Residual,
    activation,
    custom_activation,
)
from symcollapse.layerspec import parse_layers
from symcollapse.pyfunc import derive_function

__all__ += [
    "AvgPool",
    "BatchNorm",
    "Conv1D",
    "Dense",
    "Dropout",
    "LayerSpec",
    "LayeredCollapse",
    "MaxPool",
    "Residual",
    "activation",
    "analyse",
    "custom_activation",
    "derive_function",
    "derive_layers",
    "parse_layers",
]
