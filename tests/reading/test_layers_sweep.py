"""Every document ``symcollapse layers`` writes is read whole (it is a strict command: an
unreadable or false page is exit 3, nothing written) and ``symcollapse check`` passes it: every
layer kind's examples, every activation (and curved and piecewise ones mixed, and ``--function``
documents), in every readable format and every notation option, each with a piecewise and a
curved network. Not a full cross product: each kind meets every format, each example every
network, each notation option several formats, chosen by rotation; and printer mutants (a
wrong mask, a wrong curved derivative, a wrong elided index) make ``layers`` exit 3. Networks
of width 1 somewhere pass too, in both conventions and every format, and their hand edits are
still false."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import product
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.derivations import certificates
from symcollapse.spec.activations import ActivationFunction
from symcollapse.spec.kinds.registry import KINDS
from tests.reading.documents import assert_passes, check
from tests.reading.test_layers_documents import FORMATS, FUNCTIONS
from tests.reading.test_layers_documents import NOTATIONS as LAYERS_NOTATIONS

#: After a kind's example (input width 8): a piecewise and a curved tail.
TAILS = {"piecewise": "dense 3 relu > dense 1", "curved": "dense 2 tanh > dense 1"}

#: Each kind in each format with each tail; its examples taken in turn across the formats.
KIND_CASES = [
    (f"8 > {kind.examples[i % len(kind.examples)]} > {TAILS[tail]}", fmt)
    for kind in KINDS
    for i, fmt in enumerate(FORMATS)
    for tail in sorted(TAILS)
]

#: One network per activation, and curved and piecewise mixed (tanh before a ReLU, a ReLU
#: before a sigmoid, a leaky ReLU between, max pooling after a sigmoid).
ACTIVATIONS = {
    "identity": "2 > dense 3 > dense 2",
    "relu": "2 > dense 3 relu > dense 1",
    "leaky relu": "2 > dense 3 leaky_relu(1/10) > dense 1",
    "tanh": "2 > dense 2 tanh > dense 1",
    "sigmoid": "3 > dense 2 sigmoid > dense 2",
    "maxpool": "4 > dense 4 relu > maxpool 2 > dense 1",
    "tanh then relu": "2 > dense 2 tanh > dense 2 relu > dense 1",
    "relu then sigmoid": "3 > dense 3 relu > dense 2 sigmoid > dense 1",
    "leaky between": "2 > dense 3 tanh > dense 3 leaky_relu(1/10) > dense 2 tanh > dense 1",
    "sigmoid then maxpool": "4 > dense 4 sigmoid > maxpool 2 > dense 1",
    "wide curved": "8 > dense 2 tanh > dense 1",  # f_1(x_1, \dots, x_8)
}

#: Every notation option ``layers`` takes (it has no detail levels): those the layers
#: documents' tests take, the paren entry style, equation numbers and rounding besides.
NOTATIONS = {
    **LAYERS_NOTATIONS,
    # W_z is no role of a curved document (renaming it is refused, exit 2): the merged maps' A is
    "names": ("--names", "x=y,W=M,A=B"),
    "paren": ("--entry-style", "paren"),
    "numbered": ("--numbered", "all"),
    "digits": ("--digits", "4"),
    "row names digits": ("--convention", "row", "--names", "x=u,W=M,b=c", "--digits", "6"),
}

#: The formats the notation options apply to (JSON takes --names and --convention alone;
#: equation numbers are LaTeX's and Typst's).
TYPESET = [f for f in FORMATS if f != "json"]
ONLY = {"numbered": ["latex", "typst"]}
JSON_NOTATIONS = ["names", "row"]  # of LAYERS_NOTATIONS

#: Each notation with a piecewise, a curved, a mixed and a wide curved network, the formats
#: it applies to taken in turn.
NOTATION_NETWORKS = ["relu", "tanh", "tanh then relu", "wide curved"]
NOTATION_CASES = [
    (notation, network, formats[(i + j) % len(formats)])
    for i, notation in enumerate(sorted(NOTATIONS))
    for formats in [ONLY.get(notation, TYPESET)]
    for j, network in enumerate(NOTATION_NETWORKS)
] + [(notation, network, "json") for notation in JSON_NOTATIONS for network in NOTATION_NETWORKS]


def written(tmp_path: Path, argv: list[str]) -> Path:
    """The one document ``layers`` writes for ``argv`` (exit 0: its strict re-read passed)."""
    out = tmp_path / "doc"
    assert main(["layers", *argv, "--out", str(out)]) == 0
    (path,) = out.iterdir()
    return path


@pytest.mark.parametrize(("spec", "fmt"), KIND_CASES)
def test_every_kind_in_every_format(tmp_path, capsys, spec, fmt):
    assert_passes(written(tmp_path, [spec, "--format", fmt]), capsys)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_in_every_format(tmp_path, capsys, activation, fmt):
    assert_passes(written(tmp_path, [ACTIVATIONS[activation], "--format", fmt]), capsys)


@pytest.mark.parametrize(("notation", "network", "fmt"), NOTATION_CASES)
def test_every_notation(tmp_path, capsys, notation, network, fmt):
    argv = [ACTIVATIONS[network], "--format", fmt, *NOTATIONS[notation]]
    assert_passes(written(tmp_path, argv), capsys)


@pytest.mark.parametrize("fmt", TYPESET)
@pytest.mark.parametrize("network", ["relu", "tanh then relu"])
def test_rounded_numbers_at_a_point_say_so(tmp_path, capsys, network, fmt):
    """``--digits`` with an instance at a point: the page says in words what it rounded, so
    ``check`` (not told ``--digits``) holds its numbers to that precision, and passes."""
    argv = [ACTIVATIONS[network], "--format", fmt, "--digits", "3", "--point=1/3,2"]
    path = written(tmp_path, argv)
    assert "rounded to 3" in " ".join(path.read_text().split())
    assert_passes(path, capsys)


#: ``--function`` forward functions: :data:`FUNCTIONS`' and a curved, a mixed and a stepwise
#: one, with the widths each takes.
CURVED_FUNCTIONS = """

def tanh(v):
    return v


def tanh_net(x):
    return W[2] @ tanh(W[1] @ x + b[1]) + b[2]


def mixed_net(x):
    return W[3] @ relu(W[2] @ tanh(W[1] @ x + b[1]) + b[2]) + b[3]


def stepwise_net(x):
    h = tanh(W[1] @ x + b[1])
    return W[2] @ h + b[2]
"""
WIDTHS = {
    "affine_net": "2 3 1",
    "relu_net": "2 3 1",
    "tanh_net": "2 3 1",
    "mixed_net": "2 3 2 1",
    "stepwise_net": "2 3 1",  # a name assigned, then returned: its line read as one formula
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_function_documents(tmp_path, capsys, name, fmt):
    source = tmp_path / "net.py"
    source.write_text(FUNCTIONS + CURVED_FUNCTIONS)
    argv = ["--function", f"{source}:{name}", "--widths", *WIDTHS[name].split(), "--format", fmt]
    assert_passes(written(tmp_path, argv), capsys)


def _identity_relu(original):
    """``find_second_derivative`` computing its number as if every ReLU were the identity (a
    mask of ones, also for a unit whose pre-activation is negative at the point)."""

    def find(result, seed, given=None):
        call = ActivationFunction.__call__
        try:
            ActivationFunction.__call__ = lambda self, v: (
                v if self.name == "relu" else call(self, v)
            )
            return original(result, seed, given)
        finally:
            ActivationFunction.__call__ = call

    return find


def _negated(original):
    """``find_second_derivative`` with its number's sign flipped."""
    return lambda result, seed, given=None: replace(
        found := original(result, seed, given), value=-found.value
    )


#: Printer mutants of a certificate, by what they break: (network, attribute of
#: derivations/certificates.py, its mutant made from the original).
MUTANTS = {
    "wrong mask": (
        "2 > dense 2 tanh > dense 2 relu > dense 1",  # a unit negative at the point
        "find_second_derivative",
        _identity_relu,
    ),
    "sigma'' sign": (
        "2 > dense 2 tanh > dense 2 relu > dense 1",
        "at",
        lambda at: lambda expr, z: -at(expr, z),
    ),
    "number's sign": ("2 > dense 2 sigmoid > dense 1", "find_second_derivative", _negated),
    "last elided index": (
        "8 > dense 2 tanh > dense 1",
        "Applied",
        lambda applied: lambda f, *args: applied(f, *args[:-1]),
    ),
}


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html", "json"])
@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_a_printer_mutant_writes_nothing(tmp_path, capsys, monkeypatch, mutant, fmt):
    """``layers`` is strict: a certificate printed wrong is exit 3, and no file is written."""
    spec, attribute, mutate = MUTANTS[mutant]
    monkeypatch.setattr(certificates, attribute, mutate(getattr(certificates, attribute)))
    out = tmp_path / "doc"
    capsys.readouterr()
    assert main(["layers", spec, "--format", fmt, "--out", str(out)]) == 3
    assert not out.exists() or not any(out.iterdir())
    assert "internal error" in capsys.readouterr().err


#: Each activation's network (a point and a forward function besides) whose every role is renamed.
RENAMED = {
    "relu": [ACTIVATIONS["relu"]],
    "leaky": [ACTIVATIONS["leaky relu"]],
    "maxpool": [ACTIVATIONS["maxpool"]],
    "tanh": [ACTIVATIONS["tanh"]],
    "sigmoid": [ACTIVATIONS["sigmoid"]],
    "mixed": [ACTIVATIONS["tanh then relu"]],
    "point": [ACTIVATIONS["tanh then relu"], "--point=1/3,2"],
    "function": ["--function", "{source}:mixed_net", "--widths", *WIDTHS["mixed_net"].split()],
    "affine function": ["--function", "{source}:affine_net", "--widths", "2", "3", "1"],
}


def _roles(argv: list[str], capsys) -> list[str]:
    """The roles the document of ``argv`` prints, as an unused ``--names`` lists them."""
    capsys.readouterr()
    assert main(["layers", *argv, "--names", "tau=Q"]) == 2
    return re.search(r"its roles: (.*?) \(", capsys.readouterr().err).group(1).split(", ")


@pytest.mark.parametrize("network", sorted(RENAMED))
def test_every_role_renamed_reads_back(tmp_path, capsys, network):
    """Every role the document prints, renamed to a fresh letter and to a Greek name (the
    formats in turn): ``layers`` writes it (its strict re-read passed) or refuses the name
    (exit 2), never an internal error (exit 3: a mask ``D`` renamed, ``f`` in a certificate)."""
    source = tmp_path / "net.py"
    source.write_text(FUNCTIONS + CURVED_FUNCTIONS)
    argv = [a.format(source=source) for a in RENAMED[network]]
    offset = sorted(RENAMED).index(network)  # each network meets the formats at another turn
    for i, (role, new) in enumerate(product(_roles(argv, capsys), ("Q", "psi"))):
        fmt = FORMATS[(i + offset) % len(FORMATS)]
        out = tmp_path / f"{role}-{new}"
        status = main(
            ["layers", *argv, "--names", f"{role}={new}", "--format", fmt, "--out", str(out)]
        )
        assert status in (0, 2), (role, new, fmt, capsys.readouterr().err)


def _last(text: str, old: str, new: str) -> str:
    """``text`` with the last ``old`` made ``new``."""
    at = text.rindex(old)
    return text[:at] + new + text[at + len(old) :]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("network", ["2 > dense 3 relu > dense 1", "8 > dense 3 relu > dense 1"])
def test_a_preactivation_coefficient_edited_is_false(tmp_path, capsys, network, fmt):
    """The pre-activation at the point, ``z_{1} = [2 x_{1} + 4.5 x_{2} ...]`` or entry by
    entry ``(z_{1})_{1} = 2 x_{1} + 4.5 x_{2} + ...`` (a wide input): a coefficient changed is
    false (the entries were definitions nothing checked)."""
    path = written(tmp_path, [network, "--format", fmt])
    old, new = ("9/2*x_2", "11/2*x_2") if fmt == "json" else ("4.5", "5.5")
    path.write_text(_last(path.read_text(), old, new))
    status, out = check(path, capsys)
    assert status == 1, out
    assert "is false: not the pre-activation of layer 1 at the point" in out, out


#: ``f(x)``'s argument in each format, and the same with the argument ``Q`` no row uses.
ARGUMENT = {
    "json": ('"lhs": "f(x)"', '"lhs": "f(Q)"'),
    "html": (
        '<mi>f</mi><mo>&#x2061;</mo><mrow><mo stretchy="false">(</mo><mi>x</mi>',
        '<mi>f</mi><mo>&#x2061;</mo><mrow><mo stretchy="false">(</mo><mi>Q</mi>',
    ),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("network", ["relu", "tanh", "identity"])
def test_a_definition_of_an_argument_its_body_does_not_use(tmp_path, capsys, network, fmt):
    """``f(Q) = W_{2} ReLU(W_{1} x + b_{1}) + b_{2}`` (a hand edit of ``f(x)``) says nothing
    of ``Q``: false or unreadable, never passed."""
    path = written(tmp_path, [ACTIVATIONS[network], "--format", fmt])
    old, new = ARGUMENT.get(fmt, ("f(x)", "f(Q)"))
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status in (1, 2), out


#: Each format's definition row ``A_{1} := W_{1}``, and a row after it defining ``Q_{1}``
#: the same way, a name no other row uses.
UNUSED = {
    "typst": ("  A_(1) &:= W_(1) \\\n", "  Q_(1) &:= W_(1) \\\n"),
    "json": (
        '{\n          "lhs": "A_1",\n          "relation": ":=",',
        '{\n          "lhs": "Q_1",\n          "relation": ":=",\n          "rhs": "W_1",\n'
        '          "reason": [],\n          "check": null\n        },\n        ',
    ),
    "html": (
        '<tr><td class="lhs"><math><msub><mi>A</mi><mn>1</mn></msub></math></td><td class="rhs">'
        "<math><mrow><mo>≔</mo>",
        '<tr><td class="lhs"><math><msub><mi>Q</mi><mn>1</mn></msub></math></td><td class="rhs">'
        "<math><mrow><mo>≔</mo><msub><mi>W</mi><mn>1</mn></msub></mrow></math></td></tr>",
    ),
}
LATEX_UNUSED = ("A_{1} &\\mathrel{:=} W_{1}", "Q_{1} &\\mathrel{:=} W_{1} \\\\\n")


def _define_unused(text: str, fmt: str) -> str:
    """``text`` with a definition of ``Q_{1}`` beside that of ``A_{1}`` (JSON and HTML: before)."""
    old, row = UNUSED.get(fmt, LATEX_UNUSED)
    at = text.index(old)
    if fmt in ("json", "html"):
        return text[:at] + (row if fmt == "html" else row + "{") + text[at + (fmt == "json") :]
    line = text.index("\n", at) + 1
    return text[:line] + row + text[line:]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("network", ["relu", "tanh", "tanh then relu"])
def test_a_name_defined_but_never_used_is_said(tmp_path, capsys, network, fmt):
    """The piecewise and curved verdicts say what the general one says: a row defines Q_{1},
    which no other row uses (every row is true, but the name is a renamed symbol's): false."""
    path = written(tmp_path, [ACTIVATIONS[network], "--format", fmt])
    path.write_text(_define_unused(path.read_text(), fmt))
    status, out = check(path, capsys)
    assert status == 1, out
    assert "defines Q_{1}, which no other row uses" in out, out


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html", "json"])
@pytest.mark.parametrize("network", ["2 > dense {} relu > dense 1", "{} > conv1d k=3 > dense 2"])
@pytest.mark.parametrize("width", [10, 11])
def test_a_layer_of_ten_units_or_more(tmp_path, capsys, width, network, fmt):
    """From 11 units a page writes the mask D_{1} (and the row W_{2}) entry by entry:
    ``(D_{1})_{1,1} = \\delta^{(1)}_{1}``. Its entries were not read as a mask (its symbols
    free numbers, not the point's pattern), so the page's own re-read found it false: exit 3;
    a convolution's entry named by its kernel's tap, ``(T_{1})_{1,2} = \\kappa^{(1)}_{2}``, was
    held to the convention of a map's entries: exit 3."""
    path = written(tmp_path, [network.format(width), "--format", fmt])
    assert_passes(path, capsys)


#: Entries of the wide mask D_{1} edited: (2, 2) given the symbol of (3, 3); (2, 3) made 1.
WIDE_MASK_EDITS = {
    "diagonal": ("_{2,2} &= \\delta^{(1)}_{2}", "_{2,2} &= \\delta^{(1)}_{3}"),
    "off the diagonal": ("_{2,3} &= 0", "_{2,3} &= 1"),
}


@pytest.mark.parametrize("edit", sorted(WIDE_MASK_EDITS))
def test_an_entry_of_a_wide_mask_edited_is_false(tmp_path, capsys, edit):
    """A mask written entry by entry is a mask only as its entries spell one: else false."""
    path = written(tmp_path, ["2 > dense 11 relu > dense 1", "--format", "latex"])
    old, new = WIDE_MASK_EDITS[edit]
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst"])
@pytest.mark.parametrize("width", [9, 12])
def test_a_row_bias_of_ten_units_or_more(tmp_path, capsys, width, fmt):
    """Row convention: from 10 units a page writes the bias b_{1} entry by entry, (b_{1})_{1}
    ... (b_{1})_{12}; its index 10 was read as row 1, column 0: exit 3."""
    spec = f"2 > dense {width} tanh > dense 2 relu > dense 1"
    assert_passes(written(tmp_path, [spec, "--format", fmt, "--convention", "row"]), capsys)


#: Networks with width 1 somewhere (input, hidden, output; every layer), each activation and
#: the layer kinds that take a width of 1. A 1x1 matrix is printed as its one entry (``W_{1} =
#: w^{(1)}_{11}``, the mask ``D_{1} = \delta^{(1)}_{1}``, the kernel's ``T_{1} =
#: \kappa^{(1)}_{1}``), a vector of one as its number (``x = 0.75``, ``u = 3``), an output of
#: one input as ``f_{1}(x_{1})``: each was refused by the page's own re-read (exit 3).
WIDTH_ONE = {
    "input, relu": "1 > dense 2 relu > dense 1",  # f(u + v) of the number u + v
    "every layer, relu": "1 > dense 1 relu > dense 1",  # the 1x1 mask
    "hidden, relu": "2 > dense 1 relu > dense 2",  # JSON's rank(W_z(D)) of a narrow network
    "output, relu": "2 > dense 2 relu > dense 1 relu",
    "two 1x1 masks": "2 > dense 1 relu > dense 1 relu > dense 2",
    "input, leaky": "1 > dense 3 leaky_relu(1/10) > dense 1",
    "every layer, leaky": "1 > dense 1 leaky_relu(1/10) > dense 1",
    "input, tanh": "1 > dense 2 tanh > dense 1",  # f_{1}(x_{1}) at x = 0.75
    "every layer, tanh": "1 > dense 1 tanh > dense 1",
    "input, sigmoid": "1 > dense 2 sigmoid > dense 1",
    "hidden, sigmoid": "2 > dense 1 sigmoid > dense 1",
    "mixed": "1 > dense 2 tanh > dense 2 relu > dense 1",
    "mixed, every layer": "1 > dense 1 relu > dense 1 tanh > dense 1",
    "identity": "1 > dense 1 > dense 2",  # W_{1} x: x a vector of one
    "residual": "1 > residual(dense 1) > dense 2 relu > dense 1",  # I + W_{1}: I of size 1
    "batchnorm": "1 > batchnorm > dense 2 relu > dense 1",
    "conv": "1 > conv1d k=1 > dense 1",  # \kappa_{1} = \kappa^{(1)}_{1}
    "conv, hidden": "2 > conv1d k=2 > dense 1 relu > dense 1",
    "maxpool": "1 > dense 2 relu > maxpool 2 > dense 1",
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("convention", ["column", "row"])
@pytest.mark.parametrize("network", sorted(WIDTH_ONE))
def test_width_one(tmp_path, capsys, network, convention, fmt):
    """A page of width 1 is written (its strict re-read passed) and ``check`` passes it."""
    argv = [WIDTH_ONE[network], "--format", fmt, "--convention", convention]
    assert_passes(written(tmp_path, argv), capsys)


#: Notation options on width-1 networks: the masks and their entries renamed too.
WIDTH_ONE_NOTATIONS = {
    "base0": ("--index-base", "0"),
    "upper": ("--entry-style", "upper"),
    "flat row": ("--entry-style", "flat", "--convention", "row"),
    "names": ("--names", "x=y,W=M,b=c"),
    "mask names": ("--names", "D=Q,delta=m"),  # Q_{1} = m^{(1)}_{1}: a mask by W_{z}(Q)
    "digits": ("--digits", "3"),
    "row upper 0": ("--convention", "row", "--entry-style", "upper", "--index-base", "0"),
}
#: The networks the notations take, the masked ones first (curved pages have no mask to rename).
MASKED = ["every layer, relu", "two 1x1 masks", "input, relu", "every layer, leaky"]
NOTATED = [*MASKED, "input, tanh", "mixed, every layer", "residual", "conv, hidden"]
WIDTH_ONE_NOTATED = [
    (notation, network, formats[(i + j) % len(formats)])
    for i, notation in enumerate(sorted(WIDTH_ONE_NOTATIONS))
    for formats in [FORMATS if "names" in notation else TYPESET]  # JSON takes names alone
    for j, network in enumerate(MASKED if notation == "mask names" else NOTATED)
]


@pytest.mark.parametrize(("notation", "network", "fmt"), WIDTH_ONE_NOTATED)
def test_width_one_notations(tmp_path, capsys, notation, network, fmt):
    """Each notation with each network, the formats it applies to taken in turn."""
    argv = [WIDTH_ONE[network], "--format", fmt, *WIDTH_ONE_NOTATIONS[notation]]
    assert_passes(written(tmp_path, argv), capsys)


#: Hand edits of width-1 pages, each false: (network, format, old, new), the last ``old``
#: made ``new``. The fixes above read these pages; they must not make the reader lenient.
WIDTH_ONE_EDITS = {
    "certificate's value": ("input, relu", "latex", "+ f(0) &= 8", "+ f(0) &= 9"),
    "certificate's weight": (
        "input, relu",
        "latex",
        r"A_{1} &= \begin{bmatrix} 1 \\ 1 \end{bmatrix}",
        r"A_{1} &= \begin{bmatrix} 1 \\ 2 \end{bmatrix}",
    ),
    "certificate's value, all 1x1": ("every layer, relu", "markdown", "&= 5 \\", "&= 4 \\"),
    "1x1 mask at the point": ("every layer, relu", "latex", "D_{1} &= 1 ", "D_{1} &= 0 "),
    "1x1 mask's entry": (
        "every layer, relu",
        "latex",
        r"D_{1} &= \delta^{(1)}_{1}",
        r"D_{1} &= \delta^{(1)}_{2}",
    ),
    "1x1 bias's letter": (
        "every layer, relu",
        "latex",
        "b_{2} &= b^{(2)}_{1}",
        "b_{2} &= q^{(2)}_{1}",
    ),
    "1x1 kernel's layer": (
        "conv",
        "latex",
        r"T_{1} &= \kappa^{(1)}_{1}",
        r"T_{1} &= \kappa^{(2)}_{1}",
    ),
    "1x1 weight at the point": (
        "every layer, relu",
        "typst",
        'A_(1) &= mat(delim: "[", 1.75)',
        'A_(1) &= mat(delim: "[", 2.75)',
    ),
    "curved point": ("input, tanh", "latex", "x &= 0.75", "x &= 0.5"),
    "curved number": ("input, tanh", "markdown", "&= 5.957", "&= 6.957"),
    "JSON rank": (
        "hidden, relu",
        "json",
        '"rhs": "0",\n          "reason": [\n            "at most',
        '"rhs": "1",\n          "reason": [\n            "at most',
    ),
}


@pytest.mark.parametrize("edit", sorted(WIDTH_ONE_EDITS))
def test_a_width_one_page_edited_is_false(tmp_path, capsys, edit):
    """Each edit of a width-1 page is false (exit 1): reading it did not make ``check`` lenient."""
    network, fmt, old, new = WIDTH_ONE_EDITS[edit]
    path = written(tmp_path, [WIDTH_ONE[network], "--format", fmt])
    assert old in path.read_text(), path.read_text()
    path.write_text(_last(path.read_text(), old, new))
    status, out = check(path, capsys)
    assert status == 1, out


#: A 1x1 map's one symbol renamed in every row, the page otherwise consistent (the bias's
#: letter false only against the convention of entries, reading/maps.py): (network, old, new).
WIDTH_ONE_RENAMED = {
    "bias's letter": ("every layer, relu", "b^{(2)}_{1}", "q^{(2)}_{1}"),
    "kernel's layer": ("conv", r"\kappa^{(1)}_{1}", r"\kappa^{(2)}_{1}"),
    "mask's layer": ("every layer, relu", r"\delta^{(1)}_{1}", r"\delta^{(2)}_{1}"),
}


@pytest.mark.parametrize("edit", sorted(WIDTH_ONE_RENAMED))
def test_a_width_one_symbol_renamed_everywhere_is_false(tmp_path, capsys, edit):
    """A 1x1 map printed as its one entry keeps the convention: a mask's ``\\delta`` and a
    kernel's ``\\kappa`` are their own letters, not the map's, but of the map's layer."""
    network, old, new = WIDTH_ONE_RENAMED[edit]
    path = written(tmp_path, [WIDTH_ONE[network], "--format", "latex"])
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    status, out = check(path, capsys)
    assert status == 1, out
