"""The roles a symbol can have in a document, which a reader can name (``--names``).

Plain data, without sympy, so that the notation options can be checked before any algebra runs.
A layer kind that introduces a role says so in its own module (``LayerKind.roles``); the kinds'
registry adds it here with :func:`declare` when it loads them.
"""

from __future__ import annotations

from symcollapse.errors import InternalError

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
    "y": "the target output",
    "loss": "the loss of one sample",
    "data_loss": "the loss of a data set",
    "sample": "the index of a sample",
    "samples": "the number of samples",
    "Sigma_xx": "the input correlation of a data set",
    "Sigma_yx": "the output-input correlation of a data set",
    "W_e": "the end-to-end matrix of a product of layers",
    "G": "the gradient of the loss at the end-to-end matrix",
    "after": "the product of the layers after layer j",
    "before": "the product of the layers before layer j",
    "N": "the number of layers of the end-to-end rule",
    "layer": "the index of a layer in the end-to-end rule",
    "tau": "the time constant of gradient flow",
    "t": "the time of gradient flow",
    "U": "the left singular vectors of the output-input correlation",
    "V": "the right singular vectors of the output-input correlation",
    "rotation": "the orthogonal matrix of a decoupled start",
    "singular": "the singular values of the output-input correlation",
    "strengths": "the diagonal strengths of a decoupled start",
    "singular_value": "the singular value of one mode of the output-input correlation",
    "mode_strength": "the strength a network gives one mode, u = a b (u_0 at the start)",
    "first_strength": "the first layer's strength of one mode (a_i: layer i's, deeper)",
    "second_strength": "the second layer's strength of one mode",
    "mode": "the index of a mode",
    "depth": "the number of layers of a deep linear network, its input included",
    "deviation": "the difference between the simulated strength of a mode and eq. 12",
    "velocity_deviation": "the end-to-end rule's velocity minus the chain rule's, at a depth",
    "imbalance": "the difference between neighbouring layers' Gram matrices (zero: balanced)",
}

#: Roles written by default with another name than their own (``loss`` is written ``L``); every
#: other role is written as itself (``W``, ``Sigma_xx``).
DEFAULT_NAMES: dict[str, str] = {
    "loss": "L",
    "data_loss": "L_D",
    "sample": "mu",
    "samples": "P",
    "after": "P",
    "before": "Q",
    "rotation": "R",
    "singular": "S",
    "strengths": "D",
    "layer": "j",
    "singular_value": "s",
    "mode_strength": "u",
    "first_strength": "a",
    "second_strength": "b",
    "mode": "alpha",
    "depth": "N_l",
    "deviation": "Delta",
    "velocity_deviation": "Delta",
    "imbalance": "C",
}


def declare(role: str, meaning: str, by: str) -> None:
    """Add ``role`` (standing for ``meaning``), which the layer kind ``by`` introduces; a
    role that already stands for something else is the kind's bug, not the user's."""
    known = ROLES.setdefault(role, meaning)
    if known != meaning:
        raise InternalError(f"layer kind {by!r} declares role {role!r} taken: {known}")


def default_name(role: str) -> str:
    """The name ``role`` is written with unless the reader renames it."""
    return DEFAULT_NAMES.get(role, role)


#: Longest name a role may be given: a name is a symbol in every equation, and typesetting a
#: 120,000-letter one took a minute; 40 letters fit ``W_{\\mathrm{...}}`` on any line.
MAX_NAME = 40
