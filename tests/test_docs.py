"""Every code block of README.md and docs/*.md runs as printed, and every link leads somewhere.

A page's blocks run in order in one temporary directory of its own, with ``symcollapse`` and
``python`` on the PATH running this checkout (a plain ``symcollapse ...`` line runs in this
process, to spare the start-up): ```` ```sh ```` blocks line by line under ``bash -o pipefail``
(exit status 0), ```` ```console ```` blocks command by command with the output shown compared
(``...`` stands for any text, timings in seconds are not compared), ```` ```python ```` blocks
with ``>>>`` as doctests, other Python blocks as scripts. ``model.onnx`` (a dense 2-3-3-1 ONNX
model) lies in every directory, the file a model recipe names, and ``relu-model.onnx`` (Linear,
Linear, ReLU, Linear, BatchNorm, Linear; 4-8-8-6-3), which ``fold --partial`` takes apart. An
HTML comment before a block tells the test more, and says why:

- ``<!-- docs-test: file NAME -->``: the block is the content of the file NAME, written before
  the page's blocks run (``weights.json``, ``mynet.py``);
- ``<!-- docs-test: needs TOOL -->``: the block needs a Python module or program that may be
  missing (skipped then, unless ``SYMCOLLAPSE_REQUIRE_<TOOL>=1``);
- ``<!-- docs-test: skip: WHY -->``: the block is not run here (keep these rare).
"""

from __future__ import annotations

import contextlib
import doctest
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from symcollapse.cli import main
from tests.model_files import dense_layers, write_onnx
from tests.partial_models import SIX, write_graph

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: Fence languages that are run; others (json, text) are files or shown output.
RUN = ("sh", "console", "python", "py")

DIRECTIVE = re.compile(r"<!-- docs-test: (file|needs|skip):? (.+?) -->")

#: ``SYMCOLLAPSE_REQUIRE_*`` name of a tool a block may need, as the rest of the suite spells it.
REQUIRE = {"torch": "TORCH", "coqc": "COQ", "onnx": "ONNX"}

#: A timing printed by a command: seconds vary from run to run, so they are not compared.
SECONDS = re.compile(r"\b\d+\.\d+ s\b")


@dataclass(frozen=True)
class Block:
    """A fenced code block of a page and the directives written before it."""

    page: Path
    line: int
    lang: str
    text: str
    directives: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def directive(self, kind: str) -> str | None:
        return next((value for k, value in self.directives if k == kind), None)


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of ``page``."""
    return parse(page.read_text(encoding="utf-8"), page)


def parse(text: str, page: Path) -> list[Block]:
    """The fenced blocks of ``text`` (a fence is a line of three backticks and a language), each
    with the directives in the comments just before it."""
    found: list[Block] = []
    directives: list[tuple[str, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = re.fullmatch(r"```(\w*)", line)
        if opening:
            end = lines.index("```", index + 1)
            text = "\n".join(lines[index + 1 : end]) + "\n"
            found.append(Block(page, index + 1, opening[1], text, tuple(directives)))
            directives, index = [], end
        elif line.startswith("<!--"):
            directives += DIRECTIVE.findall(line)
        elif line.strip():
            directives = []
        index += 1
    return found


ALL = [block for page in PAGES for block in blocks(page)]
RUNNABLE = [b for b in ALL if b.lang in RUN and b.directive("file") is None]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_fence_is_found_and_says_its_language(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    found = blocks(page)
    assert all(block.lang for block in found), [b.name for b in found if not b.lang]
    assert len(found) == len(re.findall(r"^```\w+$", text, flags=re.M))


def test_a_directive_belongs_to_the_block_after_it() -> None:
    text = "<!-- docs-test: skip: why -->\n<!-- other -->\n```sh\na\n```\n\nprose\n```sh\nb\n```\n"
    parsed = parse(text, ROOT / "README.md")
    assert [(b.line, b.text, b.directive("skip")) for b in parsed] == [
        (3, "a\n", "why"),
        (8, "b\n", None),
    ]


@dataclass
class Workspace:
    """One directory per page, its blocks run in order at most once each."""

    root: Path
    bin: Path
    done: dict[Block, str | None] = field(default_factory=dict)

    def directory(self, page: Path) -> Path:
        folder = self.root / page.stem
        if not folder.exists():
            folder.mkdir()
            if importlib.util.find_spec("onnx"):
                write_onnx(dense_layers((2, 3, 3, 1), seed=0), folder / "model.onnx")
                write_graph(folder / "relu-model.onnx", SIX, (4, 8, 8, 6, 3))
            for block in blocks(page):
                if block.directive("file"):
                    (folder / block.directive("file")).write_text(block.text, encoding="utf-8")
        return folder

    def run_through(self, block: Block) -> str | None:
        """Runs the page's blocks up to ``block``; what went wrong in ``block``, or None."""
        for earlier in [b for b in RUNNABLE if b.page == block.page]:
            if earlier not in self.done:
                self.done[earlier] = self.run(earlier)
            if earlier == block:
                return self.done[block]
        raise AssertionError(f"{block.name} is not a runnable block")

    @property
    def env(self) -> dict[str, str]:
        path = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        return {**os.environ, "PATH": path, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}

    def run(self, block: Block) -> str | None:
        if block.directive("skip") or _missing(block.directive("needs")):
            return None
        folder = self.directory(block.page)
        if block.lang == "sh":
            for line in block.text.splitlines():
                status, printed = self.command(line, folder)
                if status != 0 or "Traceback" in printed:
                    return f"{line}\nexit status {status}:\n{printed[-2000:]}"
            return None
        if block.lang == "console":
            return self._console(block.text, folder)
        if ">>>" in block.text:
            return _doctest(block, folder)
        script = f"{sys.executable} - <<'PYTHON'\n{block.text}PYTHON\n"
        status, printed = self.command(script, folder)
        return f"exit status {status}:\n{printed[-2000:]}" if status else None

    def command(self, line: str, folder: Path) -> tuple[int, str]:
        """Runs one shell line in ``folder``: its exit status and what it printed (stdout and
        stderr, in order). A plain ``symcollapse`` command runs in this process (no start-up
        and imports to pay again); anything else under ``bash -o pipefail``."""
        argv = _plain(line)
        if argv is None:
            result = subprocess.run(
                ["bash", "-o", "pipefail", "-c", line],
                cwd=folder,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=300,
            )
            return result.returncode, result.stdout
        stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
        cwd = Path.cwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
                status = main(argv)
        finally:
            os.chdir(cwd)
        return status, stream.buffer.getvalue().decode("utf-8")

    def _console(self, text: str, folder: Path) -> str | None:
        for command, shown in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", text, flags=re.M):
            printed = SECONDS.sub("0.000 s", self.command(command, folder)[1])
            checker = doctest.OutputChecker()
            if "Traceback" in printed or not checker.check_output(
                SECONDS.sub("0.000 s", shown), printed, doctest.ELLIPSIS
            ):
                return f"$ {command}\nshown:\n{shown}printed:\n{printed}"
        return None


#: Shell syntax that needs bash: operators, substitutions, redirections.
SHELL = set("();<>|&")


def _plain(line: str) -> list[str] | None:
    """The arguments of ``line`` if it is a plain ``symcollapse ...`` command (a comment may
    follow), else None: bash runs it."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split, lexer.commenters = True, "#"
    words = list(lexer)
    if not words or words[0] != "symcollapse":
        return None
    if any(set(word) <= SHELL or "$" in word or "`" in word for word in words):
        return None
    return words[1:]


def _missing(tool: str | None) -> bool:
    """Whether ``tool`` (a module or a program) is missing where it may be."""
    if tool is None or shutil.which(tool) or importlib.util.find_spec(tool):
        return False
    if os.environ.get(f"SYMCOLLAPSE_REQUIRE_{REQUIRE.get(tool, tool.upper())}") == "1":
        raise AssertionError(f"{tool} is required (SYMCOLLAPSE_REQUIRE_*) but missing")
    return True


def _doctest(block: Block, folder: Path) -> str | None:
    test = doctest.DocTestParser().get_doctest(block.text, {}, block.name, str(block.page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        runner.run(test, out=report.append)
    finally:
        os.chdir(cwd)
    return "".join(report) if runner.failures or not runner.tries else None


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("docs")
    bin = root / "bin"
    bin.mkdir()
    for name, arguments in [("symcollapse", " -m symcollapse"), ("python", "")]:
        (bin / name).write_text(f'#!/bin/sh\nexec "{sys.executable}"{arguments} "$@"\n')
        (bin / name).chmod(0o755)
    (root / "pages").mkdir()
    return Workspace(root / "pages", bin)


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.name for b in RUNNABLE])
def test_block_runs_as_printed(block: Block, workspace: Workspace) -> None:
    needs = block.directive("needs")
    if block.directive("skip"):
        pytest.skip(f"{block.name}: {block.directive('skip')}")
    if _missing(needs):
        pytest.skip(f"{block.name} needs {needs}")
    problem = workspace.run_through(block)
    assert problem is None, f"{block.name}: {problem}"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    return {
        _anchor(h)
        for h in re.findall(r"^#+ (.*)$", re.sub(r"```.*?```", "", text, flags=re.S), flags=re.M)
    }


def test_links_lead_to_files_and_headings() -> None:
    links = [
        (page, link) for page in PAGES for link in re.findall(r"\]\(([^)\s]+)\)", page.read_text())
    ]
    assert len(links) > 20
    for page, link in links:
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name}: {link} does not exist"
        if anchor:
            assert anchor in _anchors(path), f"{page.name}: no heading for #{anchor} in {path.name}"


#: Where a path the pages name may lie: the repository, or the package (``cli/derive.py``).
PACKAGE = ROOT / "symcollapse"
SUBPACKAGES = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


def _named_paths(text: str) -> set[str]:
    """The repository paths a page names in code spans; NAME, KIND ... are placeholders."""
    spans = re.findall(r"`([\w./-]+/[\w.-]*)`", text)
    roots = ("symcollapse", "tests", "benchmarks", "output", ".ci", *SUBPACKAGES)
    return {
        span
        for span in spans
        if span.split("/")[0] in roots and not re.search(r"(?<![a-z])[A-Z]{3,}(?![a-z])", span)
    }


def test_the_paths_the_pages_name_exist() -> None:
    named = {(page, path) for page in PAGES for path in _named_paths(page.read_text())}
    assert len(named) > 30
    for page, path in named:
        assert (ROOT / path).exists() or (PACKAGE / path).exists(), f"{page.name}: {path}"
