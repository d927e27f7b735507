"""``symcollapse check``: exit 0 with a count, 1 naming the first false row, 2 for what it cannot
read; and every document command reads its own document back before writing it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import symcollapse.cli.output as output
from symcollapse.cli import main
from tests.conftest import error_line


@pytest.mark.parametrize("fmt", ["latex", "markdown", "github", "json"])
@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--values", "random", "--seed", "5"),
        ("--names", "W=Theta,b=beta,x=xi,W_z=M"),
        (
            "--entry-style",
            "flat",
            "--index-base",
            "0",
            "--delimiter",
            "pmatrix",
            "--detail",
            "full",
        ),
        ("--entry-style", "upper", "--numbered"),
    ],
)
@pytest.mark.parametrize("widths", [("3", "3", "3"), ("2", "3", "1")])
def test_untouched_documents_pass(tmp_path, capsys, fmt, options, widths) -> None:
    if fmt == "json" and "--names" not in options and options:
        pytest.skip("--format json takes no typesetting options")
    if fmt in ("markdown", "github") and "--numbered" in options:
        pytest.skip("--numbered is LaTeX only")
    assert main(["derive", *widths, "--format", fmt, "--out", str(tmp_path), *options]) == 0
    (path,) = tmp_path.iterdir()
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    checked = re.search(r": (\d+) rows read: (\d+) identities checked under the document's", out)
    assert checked and int(checked[2]) >= 4, out


def test_the_example_documents_pass(capsys) -> None:
    root = Path(__file__).resolve().parents[2] / "output"
    for name in ("example.tex", "example.md", "example.json", "layers-residual.tex"):
        assert main(["check", str(root / name)]) == 0, capsys.readouterr()


def test_a_false_row_is_named(tmp_path, capsys) -> None:
    path = tmp_path / "edited.tex"
    path.write_text(
        "\\section*{Two}\n\\begin{align*}\nA &= \\begin{bmatrix} 1 & 2 \\end{bmatrix} \\\\\n"
        "B &= \\begin{bmatrix} 3 \\\\ 4 \\end{bmatrix} \\label{eq:ab} \\\\\n"
        "A B &= \\begin{bmatrix} 12 \\end{bmatrix} \\label{eq:wrong}\n\\end{align*}\n"
    )
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().out == (
        f'{path}: section "Two", row 3 (eq:wrong) is false: entry (1, 1) differs\n'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no mathematics here", "no displayed equations"),
        ("$$\n\\frac{\\partial L}{\\partial W} = 0\n$$", r"a gradients document without f\(x\)"),
        ("$$\nA = B +\n$$", "cannot read"),
        ('{"sections": 3}', "a JSON document without a list of sections"),
        (
            '{"sections": [{"steps": [{"lhs": "x", "relation": "=", "rhs": "__import__(1)"}]}]}',
            "cannot read",
        ),
    ],
)
def test_an_unreadable_document_is_one_line_exit_2(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "doc.md"
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    line = error_line(capsys)
    assert line.startswith(f"symcollapse: error: {path}: ") and re.search(message, line), line


def test_a_directory_or_a_binary_file_is_refused(tmp_path, capsys) -> None:
    assert main(["check", str(tmp_path)]) == 2
    assert "is a directory" in error_line(capsys)
    (tmp_path / "binary").write_bytes(b"\xff\xfe\x00")
    assert main(["check", str(tmp_path / "binary")]) == 2
    assert "not UTF-8" in error_line(capsys)


@pytest.mark.parametrize("fmt", ["latex", "markdown", "json"])
def test_a_renderer_bug_is_an_internal_error_and_nothing_is_written(
    tmp_path, capsys, monkeypatch, fmt
) -> None:
    extension, render = output.FORMATS[fmt]

    def transposing(derivation, notation, *rest):  # a renderer that swaps w_12 and w_21
        text = render(derivation, notation, *rest)
        swapped = {
            "w^{(1)}_{12}": "w^{(1)}_{21}",
            "w^{(1)}_{21}": "w^{(1)}_{12}",
            "w_1_1_2": "w_1_2_1",
            "w_1_2_1": "w_1_1_2",
        }
        return re.sub(
            "|".join(map(re.escape, swapped)), lambda m: swapped[m.group()], text, count=1
        )

    monkeypatch.setitem(output.FORMATS, fmt, (extension, transposing))
    monkeypatch.setattr(output, "render_json", transposing)
    out = tmp_path / "out"
    assert main(["derive", "2", "2", "--format", fmt, "--out", str(out)]) == 3
    assert "says something false" in error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$$\nA = " + "\\left(" * 5000 + "x" + "\\right)" * 5000 + "\n$$", "nested too deep"),
        ("$$\n\\left(a + b + c\\right)^{200} = 0\n$$", "a power 200 above 4"),
        (
            "$$\nA = \\begin{bmatrix} "
            + " \\\\ ".join([" & ".join(["1"] * 150)] * 150)
            + " \\end{bmatrix}\n$$\n$$\nA A = A\n$$",
            "more than 1,000,000 multiplications",
        ),
    ],
)
def test_hostile_documents_are_refused_before_the_work(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    assert message in error_line(capsys)


@pytest.mark.parametrize("count", [1, 3, 12, 13, 40])
def test_every_row_not_checked_is_listed(tmp_path, capsys, count) -> None:
    """Every row shown but not checked is named on its reason's line, with the count; past
    twelve the rest are counted, never dropped silently."""
    approximate = "".join(f"a_{{{k}}} &\\approx 0.{k} \\\\\n" for k in range(1, count + 1))
    path = tmp_path / "shown.tex"
    path.write_text(
        "\\begin{align*}\nA &\\mathrel{:=} \\begin{bmatrix} 1 & 2 \\end{bmatrix} \\\\\n"
        f"{approximate}A &= \\begin{{bmatrix}} 1 & 2 \\end{{bmatrix}}\n\\end{{align*}}\n"
    )
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = "1 row" if count == 1 else f"{count} rows"
    assert out[0].endswith(f"; {rows} shown but not checked (listed below)"), out
    (line,) = out[1:]
    assert line.startswith(f"  not checked, {rows}: approximate (rounded numbers): "), line
    assert re.findall(r"row (\d+)", line) == [str(k) for k in range(2, min(count, 12) + 2)]
    more = {13: "; and 1 row more", 40: "; and 28 rows more"}
    assert line.endswith(more.get(count, f"row {count + 1}")), line


def test_every_reason_has_a_line(tmp_path, capsys) -> None:
    """A brief fragment (no words, no matrix written out, its sum rows checked at sampled
    widths): each row it cannot decide on the line of its own reason, one line per reason."""
    assert main(["derive", "6", "2", "1", "--detail", "brief", "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.iterdir()
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("; 1 row shown but not checked (listed below)"), out
    reasons = [
        re.fullmatch(r"  not checked, 1 row: (.+): section .*, row \d+", line) for line in out[1:]
    ]
    assert all(reasons) and len({r[1] for r in reasons if r}) == 1, out


def _scalar_terms(fmt: str, a: str, x: str) -> tuple:
    """How ``fmt`` prints the scalar form's term ``a_j x_j`` (as a function of j), ``+``, ``c``."""
    if fmt == "typst":
        return (lambda j: f"{a}_({j}) {x}_({j})"), " + ", "c"
    if fmt == "json":
        return (lambda j: f"{a}[{j}]*{x}_{j}"), " + ", "c"
    if fmt == "html":
        term = (
            "<mrow><msub><mi>{a}</mi><mrow><mn>{j}</mn></mrow></msub>"
            "<msub><mi>{x}</mi><mn>{j}</mn></msub></mrow>"
        )
        return (lambda j: term.format(a=a, x=x, j=j)), "<mo>+</mo>", "<mi>c</mi>"
    return (lambda j: f"{a}_{{{j}}} {x}_{{{j}}}"), " + ", "c"


@pytest.mark.parametrize("fmt", ["latex", "markdown", "github", "typst", "html", "json"])
@pytest.mark.parametrize("convention", ["column", "row"])
@pytest.mark.parametrize("names", [(), ("--names", "a=alpha,x=u")])
def test_the_scalar_form_is_checked(tmp_path, capsys, fmt, convention, names) -> None:
    """``f(x_1, x_2) = a_1 x_1 + a_2 x_2 + c`` with ``a_j := (W_z)_{1j}`` and ``c :=
    (b_z)_1`` in its display: a name changed by hand, a wrong index, a dropped term, the
    intercept dropped or its definition dropped are false, in every format."""
    options = ["--convention", convention, *names]
    assert main(["derive", "2", "3", "1", "--format", fmt, "--out", str(tmp_path), *options]) == 0
    (path,) = tmp_path.iterdir()
    text = path.read_text()
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    assert "not checked" not in capsys.readouterr().out
    a = {"html": "\u03b1", "json": "alpha", "typst": "alpha"}.get(fmt, "\\alpha") if names else "a"
    x = "u" if names else "x"
    term, plus, c = _scalar_terms(fmt, a, x)
    assert term(1) + plus + term(2) + plus + c in text, text
    swapped = term(1).replace(">1<", ">2<", 1) if fmt == "html" else term(1).replace("1", "2", 1)
    edits = {
        "a name changed": (
            term(1),
            term(1).replace(x, "Q") if fmt != "html" else term(1).replace(f">{x}<", ">Q<"),
        ),
        "a wrong index": (term(1), swapped),
        "a dropped term": (plus + term(2), ""),
        "the intercept dropped": (plus + c, ""),
    }
    for what, (old, new) in edits.items():
        assert old != new, what
        path.write_text(text.replace(old, new, 1))
        assert main(["check", str(path)]) == 1, what
        assert "is false" in capsys.readouterr().out, what


#: Documents with numbers --digits rounds, of every command that takes it and rounds there.
ROUNDED = {
    "regress": ("regress", "2", "3", "1"),
    "regress row": ("regress", "2", "2", "2", "--convention", "row"),
    "derive values": ("derive", "2", "2", "--values", "{values}", "--detail", "full"),
    "layers": ("layers", "2 > dense 3 relu > dense 3 relu > dense 1"),
}


@pytest.mark.parametrize("fmt", ["latex", "markdown", "github", "typst", "html", "beamer"])
@pytest.mark.parametrize("command", ROUNDED.values(), ids=ROUNDED.keys())
def test_a_rounded_document_says_so_and_is_held_to_it(tmp_path, capsys, fmt, command) -> None:
    """A document written with ``--digits 3`` says in a row's tag which numbers it rounded, so
    ``check`` (told nothing) holds it to 3 digits: untouched it passes, a number changed beyond
    the rounding is false."""
    values = tmp_path / "values.json"
    values.write_text('{"weights": [[["1/3", "2/7"], ["1/2", "5"]]], "biases": [["1/9", "2"]]}')
    out = tmp_path / "out"
    args = [part.format(values=values) for part in command]
    assert main([*args, "--digits", "3", "--format", fmt, "--out", str(out)]) == 0
    (path,) = out.iterdir()
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    assert "(numbers held to 3 significant digits)" in capsys.readouterr().out
    text = path.read_text()
    assert "digits; numbers shown rounded" not in text  # said once (layers says it itself)
    shown = [m for m in re.finditer(r"(?<![\w.])(\d*\.)(\d+)(?![\w.])", text)]
    three = [m for m in shown if len((m[1] + m[2]).replace(".", "").lstrip("0")) == 3]
    assert three, text
    number = three[-1]  # a rounded one, in the last section that rounds
    at = number.start() + len(number[0]) - len(number[0].lstrip("0."))  # its first digit
    first = int(text[at])
    bumped = str(first + 2 if first < 8 else first - 2)  # wrong far beyond the rounding
    path.write_text(text[:at] + bumped + text[at + 1 :])
    assert main(["check", str(path)]) == 1, (number[0], bumped)


#: The form of each output, ``f_i(x_1, x_2) = (W_z)_{i1} x_1 + (W_z)_{i2} x_2 + (b_z)_i`` for
#: i = 1, 2, as each format prints its terms: (first term, its index swapped, the intercept).
OUTPUT_FORMS = {
    "latex": (
        r"\left(W_{z}\right)_{i1} x_{1}",
        r"\left(W_{z}\right)_{i2} x_{1}",
        r" + \left(b_{z}\right)_{i}",
    ),
    "typst": ("(W_(z))_(i 1) x_(1)", "(W_(z))_(i 2) x_(1)", " + (b_(z))_(i)"),
    "json": ("W_z[i, 1]*x_1", "W_z[i, 2]*x_1", " + b_z[i]"),
}


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "json"])
def test_the_form_of_each_output_is_checked(tmp_path, capsys, fmt) -> None:
    """Several outputs (2-3-2): each output's form is checked for i = 1, 2; a wrong index and
    a dropped intercept are false."""
    assert main(["derive", "2", "3", "2", "--format", fmt, "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.iterdir()
    text = path.read_text()
    first, swapped, intercept = OUTPUT_FORMS.get(fmt, OUTPUT_FORMS["latex"])
    for old, new in ((first, swapped), (intercept, "")):
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
        capsys.readouterr()
        assert main(["check", str(path)]) == 1, old
        assert "is false" in capsys.readouterr().out


#: What check adds to a false row that would hold as rounded numbers.
HINT = "give check the --digits they were rounded to"


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_the_rounding_hint_where_the_documents_rounding_could_explain(tmp_path, capsys, fmt):
    """A ``--digits 3`` page whose words of its rounding were removed is false as exact numbers:
    check says it holds to the digits shown and to give ``--digits``."""
    out = tmp_path / "out"
    spec = "2 > dense 3 relu > dense 1"
    assert main(["layers", spec, "--digits", "3", "--format", fmt, "--out", str(out)]) == 0
    (path,) = out.iterdir()
    path.write_text(path.read_text().replace("significant", "sig."))
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    assert HINT in capsys.readouterr().out


#: A value of a curved network's page "rounded to 15 significant digits" (its row's own tag).
OWN_ROUNDING = re.compile(r"(?<![\d.])(-?0\.0\d{14})(?!\d)")


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
def test_no_rounding_hint_where_rows_round_on_their_own(tmp_path, capsys, fmt):
    """A tanh page's values are rounded to 15 digits by their rows' own tags, held to them: a
    value wrong in its last digits is false, and the page's rounding cannot explain it (it
    states none), so check gives no hint of ``--digits``."""
    out = tmp_path / "out"
    assert main(["layers", "2 > dense 2 tanh > dense 1", "--format", fmt, "--out", str(out)]) == 0
    (path,) = out.iterdir()
    text = path.read_text()
    value = OWN_ROUNDING.search(text)
    assert value is not None and "rounded to 15 significant digits" in text
    wrong = value[1][:-1] + str((int(value[1][-1]) + 3) % 10)  # 3 units off in the last digit
    path.write_text(text.replace(value[1], wrong, 1))
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    said = capsys.readouterr().out
    assert "is false" in said and "--digits" not in said, said


@pytest.mark.parametrize(
    "row", [r"\operatorname{ReLU}(x)", r"\operatorname{ReLU}(W x)", r"\operatorname{rank}(x)"]
)
def test_a_page_with_nothing_read_says_so(tmp_path, capsys, row) -> None:
    """Its one definition undecided (x of no size): shown but not checked, and not counted."""
    path = tmp_path / "page.md"
    path.write_text(f"$$\nf(x) = {row}\n$$\n")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 rows read: 0 identities checked under the document's 0 definitions; 1 row" in out
