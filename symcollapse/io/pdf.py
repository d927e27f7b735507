"""Compiling a standalone document with pdflatex, and an optional PNG preview with pdftoppm.

Compilation happens in a temporary directory; only the finished PDF (and PNG) are moved into the
output directory, atomically, so a failed run leaves no half-written or stale-looking file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from symcollapse.errors import SizeLimitError, ToolError

#: Seconds a single pdflatex or pdftoppm run may take before it is stopped.
TIMEOUT = 120

#: Resolution of the PNG preview (first page), in dots per inch.
PREVIEW_DPI = 110


#: TeX's main memory (``main_memory`` in texmf.cnf of TeX Live), in words.
TEX_MAIN_MEMORY = 5_000_000

#: Words of main memory a standalone document takes before its largest display, and per
#: character of that display's source: amsmath holds a whole ``align*`` while it measures it.
#: Measured (pdflatex, TeX Live 2022, the log's "words of memory" of ``derive W --standalone``):
#: widths 3^6 2,158,330 words with an 85,416-character display, 3^7 2,844,330 with 298,608,
#: 2^10 2,824,330 with 281,435, 5^5 2,679,330 with 243,998; 3^8 (1,111,848 characters) stops
#: with "TeX capacity exceeded". So about 1.85 million words plus 3.6 per character.
TEX_BASE_WORDS = 1_850_000
TEX_WORDS_PER_CHARACTER = 3.6

_DISPLAY = re.compile(r"\\begin\{(align\*?|aligned|equation\*?)\}(.*?)\\end\{\1\}", re.S)


def tex_words(tex: str) -> int:
    """Estimated main memory (words) pdflatex needs for ``tex`` (see TEX_WORDS_PER_CHARACTER)."""
    largest = max((len(match[2]) for match in _DISPLAY.finditer(tex)), default=0)
    return TEX_BASE_WORDS + int(TEX_WORDS_PER_CHARACTER * largest)


def check_tex_memory(tex: str, option: str = "--pdf") -> None:
    """Refuse, before pdflatex runs, a document whose largest display would exceed 90% of
    TeX's main memory ("TeX capacity exceeded" after seconds of work otherwise)."""
    words = tex_words(tex)
    if words > 0.9 * TEX_MAIN_MEMORY:
        raise SizeLimitError(
            f"{option}: the largest display would need about {words:,} words of TeX's memory, "
            f"above 90% of its {TEX_MAIN_MEMORY:,}; write the LaTeX source without {option}, "
            "or derive smaller widths"
        )


def _tool(name: str, option: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolError(f"{option} needs {name}, which is not installed (not found on PATH)")
    return path


def _run(command: list[str], cwd: Path, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"{what} took longer than {TIMEOUT} s and was stopped") from None


def _first_error(log: str) -> str:
    """The first ``! ...`` line of a pdflatex log: the message a LaTeX user looks for."""
    lines = [line for line in log.splitlines() if line.startswith("!")]
    return lines[0] if lines else "no error line in the log"


def compile_pdf(tex: str, stem: str, option: str = "--pdf") -> bytes:
    """Compile a standalone document and return the PDF; raise ToolError when that fails."""
    pdflatex = _tool("pdflatex", option)
    check_tex_memory(tex, option)
    with tempfile.TemporaryDirectory(prefix="symcollapse-") as work:
        source = Path(work) / f"{stem}.tex"
        source.write_text(tex, encoding="utf-8")
        command = [pdflatex, "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape"]
        done = _run([*command, source.name], Path(work), "pdflatex")
        pdf = source.with_suffix(".pdf")
        if done.returncode != 0 or not pdf.exists():
            raise ToolError(f"pdflatex failed on {stem}.tex: {_first_error(done.stdout)}")
        return pdf.read_bytes()


def preview_png(pdf: bytes, option: str = "--png", dpi: int = PREVIEW_DPI) -> bytes:
    """The first page of ``pdf`` as a PNG image (pdftoppm) at ``dpi`` dots per inch."""
    pdftoppm = _tool("pdftoppm", option)
    with tempfile.TemporaryDirectory(prefix="symcollapse-") as work:
        (Path(work) / "page.pdf").write_bytes(pdf)
        command = [pdftoppm, "-png", "-r", str(dpi), "-singlefile", "page.pdf", "page"]
        done = _run(command, Path(work), "pdftoppm")
        png = Path(work) / "page.png"
        if done.returncode != 0 or not png.exists():
            raise ToolError(f"pdftoppm failed: {done.stderr.strip() or 'no output'}")
        return png.read_bytes()


def pdf_files(tex: str, stem: str, *, png: bool = False) -> dict[str, str | bytes]:
    """``stem.tex``, its compiled ``stem.pdf`` and optionally ``stem.png``, ready to write."""
    if png:
        _tool("pdftoppm", "--png")  # refuse before the slow compile, not after it
    pdf = compile_pdf(tex, stem)
    files: dict[str, str | bytes] = {f"{stem}.tex": tex, f"{stem}.pdf": pdf}
    if png:
        files[f"{stem}.png"] = preview_png(pdf)
    return files
