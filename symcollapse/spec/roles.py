"""The roles a symbol can have in a document, which a reader can name (``--names``).

Plain data, without sympy, so that the notation options can be checked before any algebra runs.
"""

from __future__ import annotations

#: Role -> what it stands for (shown when a name choice cannot be honoured).
ROLES: dict[str, str] = {
    "x": "the input",
    "W": "the weight matrices",
    "b": "the bias vectors",
    "W_z": "the collapsed weight matrix",
    "b_z": "the collapsed bias",
    "f": "the network map",
    "h": "a hidden vector",
    "g": "the map inside a residual block",
    "d": "the widths",
    "sigma": "the activations",
    "i": "a row index",
    "j": "a column or region index",
    "k": "the layer index",
    "n": "the number of layers",
    "X": "the regression's design matrix",
    "Y": "the regression's outputs",
    "Theta": "the regression's solution",
    "A": "the merged affine maps of layered networks",
    "a": "the merged biases of layered networks, or the scalar form's coefficients",
    "c": "the intercept of the scalar form",
    "D": "the activation masks",
    "delta": "the mask entries",
    "z": "the pre-activations",
    "T": "the convolution matrices",
    "P": "the pooling matrices",
    "S": "the batch-normalisation scalings",
    "kappa": "the convolution kernels",
    "gamma": "the batch-normalisation scales",
    "s": "the batch-normalisation deviations",
    "mu": "the batch-normalisation means",
    "beta": "the batch-normalisation shifts",
    "v": "a running variance, or the second certificate input",
    "u": "the first certificate input",
    "epsilon": "the batch-normalisation epsilon",
    "L": "the left bottleneck factor",
    "R": "the right bottleneck factor",
}

#: Longest name a role may be given: a name is a symbol in every equation, and typesetting a
#: 120,000-letter one took a minute; 40 letters fit ``W_{\\mathrm{...}}`` on any line.
MAX_NAME = 40
