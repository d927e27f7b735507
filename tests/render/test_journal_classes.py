"""The documents a paper author ``\\input``s fit the classes papers are written in.

One document per class (article in one and two columns, amsart, IEEEtran conference, revtex4-2
reprint, acmart sigconf, llncs, elsarticle 5p), compiled once for the whole module: a numbered
derivation in the author's notation (``--names``, ``--numbered``), a deep and a wide one (Σ
terms too wide for a column's line), the gradients at full detail, the proof, the numeric
answer, and the diagram in a ``figure``, each from the command line as an author runs it,
with an ``\\eqref`` to every label. No box may be overfull and every reference must resolve.
A class that is not installed skips its tests, unless SYMCOLLAPSE_REQUIRE_PDFLATEX=1 (CI
installs them with texlive-publishers).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest

from symcollapse.cli import main
from tests.conftest import REQUIRE_PDFLATEX, pdflatex

pytestmark = pytest.mark.latex

#: Class name -> (class file, \documentclass line, whether it sets two columns).
CLASSES = {
    "article": ("article.cls", r"\documentclass{article}", False),
    "article-twocolumn": ("article.cls", r"\documentclass[twocolumn]{article}", True),
    "amsart": ("amsart.cls", r"\documentclass{amsart}", False),
    "IEEEtran": ("IEEEtran.cls", r"\documentclass[conference]{IEEEtran}", True),
    "revtex4-2": ("revtex4-2.cls", r"\documentclass[reprint]{revtex4-2}", True),
    "acmart": ("acmart.cls", r"\documentclass[sigconf,nonacm]{acmart}", True),
    "llncs": ("llncs.cls", r"\documentclass{llncs}", False),
    "elsarticle": ("elsarticle.cls", r"\documentclass[5p]{elsarticle}", True),
}
#: The author's notation: every role the documents show renamed.
NAMES = "W=M,b=c,x=q"
#: A deep and a wide network: Σ terms too wide for a column's line (one sign over their
#: indices; the deep one's summand fits no line at all, and every row is numbered).
DEEP, WIDE = ["2", "3", "3", "3", "3", "1"], ["4", "8", "8", "8", "3"]


def _command(*argv: str) -> str:
    """What ``symcollapse ARGV`` writes on standard output (it must succeed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(list(argv))
    assert status == 0, argv
    return out.getvalue()


def fragments(two_column: bool, directory: Path) -> dict[str, str]:
    """File name -> fragment, each as the command line writes it for this column width."""
    width = ["--two-column"] if two_column else []
    named = ["--names", NAMES, *width, "--numbered"]
    texts = {
        "derive": _command("derive", "2", "3", "3", "1", *named, "--label-prefix", "dense"),
        "gradients": _command(
            "gradients", "2", "3", "3", "1", *named, "--detail", "full", "--label-prefix", "grad"
        ),
        "proof": _command("prove", "--numbered", *width, "--label-prefix", "proof"),
        "values": _command(
            "derive", "2", "3", "1", "--values", "random", *named, "--label-prefix", "values"
        ),
        "deep": _command(
            "derive", *DEEP, *named, "all", "--detail", "brief", "--label-prefix", "deep"
        ),
        "wide": _command("derive", *WIDE, *named, "--detail", "standard", "--label-prefix", "wide"),
    }
    _command("derive", "2", "3", "3", "1", "--names", NAMES, "--diagram", "--out", str(directory))
    texts["diagram"] = (directory / "collapse-2-3-3-1-paths.tex").read_text(encoding="utf-8")
    return texts


def document(documentclass: str, texts: dict[str, str]) -> str:
    """A paper of ``documentclass`` that inputs every fragment and refers to every label."""
    labels = [label for text in texts.values() for label in re.findall(r"\\label\{([^}]*)\}", text)]
    sections = [
        f"\\section{{The {name}}}\nText before.\n\\input{{{name}}}\nText after.\n"
        for name in texts
        if name != "diagram"
    ]
    figure = (
        "\\begin{figure}\n\\centering\n\\input{diagram}\n"
        "\\caption{The paths behind one entry.}\n\\end{figure}\n"
    )
    references = "See " + ", ".join(f"\\eqref{{{label}}}" for label in labels) + ".\n"
    return (
        f"{documentclass}\n\\usepackage{{amsmath,tikz}}\n\\begin{{document}}\n"
        "\\title{Identity networks collapse}\n\\author{A. Author}\n\\maketitle\n"
        + "\n".join(sections)
        + figure
        + references
        + "\\end{document}\n"
    )


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str, int]]:
    """Class name -> (directory, log, number of labels): each class's paper compiled twice (the
    second pass resolves the references). Classes not installed are left out."""
    if shutil.which("pdflatex") is None or shutil.which("kpsewhich") is None:
        return {}
    out = {}
    for name, (cls, documentclass, two_column) in CLASSES.items():
        found = subprocess.run(["kpsewhich", cls], capture_output=True, text=True).stdout
        if not found.strip():
            continue
        directory = tmp_path_factory.mktemp(name)
        texts = fragments(two_column, directory)
        for file, text in texts.items():
            (directory / f"{file}.tex").write_text(text, encoding="utf-8")
        source = document(documentclass, texts)
        pdflatex(directory, source)
        log = pdflatex(directory, source)
        labels = sum(len(re.findall(r"\\label\{", text)) for text in texts.values())
        out[name] = (directory, log, labels)
    return out


def _paper(compiled: dict[str, tuple[Path, str, int]], name: str) -> tuple[Path, str, int]:
    if name not in compiled:
        cls = CLASSES[name][0]
        if REQUIRE_PDFLATEX:
            pytest.fail(f"{cls} is required (SYMCOLLAPSE_REQUIRE_PDFLATEX=1) but not installed")
        pytest.skip(f"{cls} is not installed")
    return compiled[name]


@pytest.mark.parametrize("name", CLASSES)
def test_no_box_is_overfull(compiled, name):
    _, log, _ = _paper(compiled, name)
    overfull = re.findall(r"Overfull \\hbox \(([^)]*)\) ([^\n]*)", log)
    # elsarticle 5p's own page footer is 2.2 pt too wide in an empty document: boxes made while
    # \output builds a page are the class's; ours are made in paragraphs and displays
    ours = [box for box in overfull if "while \\output is active" not in box[1]]
    assert not ours, ours[:5]


@pytest.mark.parametrize("name", CLASSES)
def test_every_reference_resolves(compiled, name):
    directory, log, labels = _paper(compiled, name)
    assert labels >= 10  # the key equations of each fragment, and every row of the proof
    assert "undefined references" not in log and "Reference `" not in log
    text = subprocess.run(
        ["pdftotext", str(directory / "doc.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "??" not in text
    shown = {int(n) for n in re.findall(r"\((\d+)\)", text)}
    assert shown >= set(range(1, labels + 1))  # every number, beside its equation and cited


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def numbers_alone(pdf: Path, labels: int, columns: int) -> list[str]:
    """Equation numbers ``(n)`` set on a line of their own: no other word of their column
    shares their height on the page (amsmath drops a number below a row too wide to hold it).
    Words smaller than the body text (the ``(1)`` of ``w^{(1)}``) are not numbers."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    alone = []
    for page in re.finditer(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', boxes, re.S):
        column = float(page[1]) / columns
        words = [(*map(float, w[:4]), w[4]) for w in _WORD.findall(page[2])]
        if not words:
            continue
        body = statistics.median(y1 - y0 for _, y0, _, y1, _ in words)
        for word in words:
            x0, y0, _, y1, text = word
            number = re.fullmatch(r"\((\d+)\)", text)
            if not number or not 1 <= int(number[1]) <= labels or y1 - y0 < 0.9 * body:
                continue
            beside = [
                other
                for other in words
                if other != word
                and other[0] // column == x0 // column
                and other[1] < y1
                and other[3] > y0
            ]
            if not beside:
                alone.append(text)
    return alone


@pytest.mark.parametrize("name", CLASSES)
def test_no_number_drops_onto_its_own_line(compiled, name):
    directory, _, labels = _paper(compiled, name)
    columns = 2 if CLASSES[name][2] else 1
    assert numbers_alone(directory / "doc.pdf", labels, columns) == []
