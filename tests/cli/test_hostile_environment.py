"""The command line in a hostile environment: odd encodings, a closed stdout, undecodable or
control-character arguments, huge names, Ctrl-C while starting, blocked targets.

Subprocess cases run under the memory and time bounds of :mod:`tests.cli.test_hostile`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from symcollapse import Notation
from symcollapse.cli import main
from symcollapse.cli.environment import TRANSLITERATIONS, _ascii_form
from symcollapse.cli.layers import stem
from symcollapse.cli.output import MAX_NAMES
from symcollapse.errors import OptionError
from tests.cli.test_hostile import TIMEOUT, _limit, assert_one_line, bounded, run
from tests.conftest import error_line

COMMAND = [sys.executable, "-m", "symcollapse"]

ENVIRONMENTS = {
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "C locale": {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
}


def _in(environment: dict[str, str], *argv: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG")}
    return bounded([*COMMAND, *argv], env=env | environment, text=False)


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
@pytest.mark.parametrize("where", list(ENVIRONMENTS))
def test_any_stdout_encoding_gets_the_document_transliterated(where: str, fmt: str) -> None:
    argv = ["derive", "2", "3", "1", "--format", fmt, "--names", "W=Θ"]
    reference = _in({"PYTHONIOENCODING": "utf-8"}, *argv)
    result = _in(ENVIRONMENTS[where], *argv)
    assert result.returncode == 0 and result.stderr == b"", result.stderr
    encoding = "latin-1" if where == "latin-1" else "ascii"
    expected = "".join(
        char if char.encode(encoding, "ignore") else _ascii_form(char)
        for char in reference.stdout.decode("utf-8")
    )
    assert result.stdout.decode(encoding) == expected


def test_transliterations_are_ascii_and_unknown_characters_are_escaped() -> None:
    assert all(text.isascii() for text in TRANSLITERATIONS.values())
    assert _ascii_form("\u2013") == "--" and _ascii_form("é") == "e"
    assert _ascii_form("\u2211") == "\\u2211" and _ascii_form("Θ") == "\\u0398"


def test_a_closed_stdout_is_refused_before_the_work() -> None:
    result = bounded(["sh", "-c", 'exec "$0" -m symcollapse derive 2 1 >&-', sys.executable])
    assert_one_line(result)
    assert "standard output is closed" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        [b"derive", b"2", b"1", b"--names", b"W=\xff"],
        [b"derive", b"2", b"1", b"--out", b"out\xfe"],
        [b"layers", b"2 > dense \xc3"],  # the first byte of a UTF-8 letter, alone
        [b"verify", b"2", b"\x80"],
    ],
)
def test_undecodable_argument_bytes_are_one_line(argv: list[bytes], tmp_path: Path) -> None:
    result = bounded([os.fsencode(sys.executable), b"-m", b"symcollapse", *argv], cwd=tmp_path)
    assert_one_line(result)
    assert "is not text in UTF-8 nor in this locale's encoding" in result.stderr
    assert list(tmp_path.iterdir()) == []


CONTROLS = ["\r", "\x1b[31m", "\x85", "\u202e", "\x07", "\u2028", "\ufeff", "\x9b"]


@pytest.mark.parametrize("control", CONTROLS, ids=[repr(c) for c in CONTROLS])
def test_control_characters_in_a_label_are_refused(
    control: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"weights": [[[1, 2]]], "biases": [[3]]}))
    argv = ["derive", "2", "1", "--values", str(values), "--values-label", f"run{control}7"]
    assert main(argv) == 2
    line = error_line(capsys)
    assert "--values-label contains the control or format character" in line
    assert control not in line


@pytest.mark.parametrize("control", CONTROLS, ids=[repr(c) for c in CONTROLS])
def test_control_characters_in_a_name_are_refused(
    control: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["derive", "2", "1", "--names", f"W=M{control}"]) == 2
    assert control not in error_line(capsys)


def test_a_huge_name_is_refused_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "2", "1", "--names", "W=" + "a" * 120_000]) == 2
    assert error_line(capsys).endswith(
        f"--names has 120,002 characters; at most {MAX_NAMES} are allowed"
    )
    assert main(["derive", "2", "1", "--names", "W=" + "a" * 41]) == 2
    assert error_line(capsys).endswith("name for W has 41 letters; at most 40 allowed")


@pytest.mark.parametrize("field", ["W_name", "x_name", "W_z_name"])
def test_the_api_refuses_a_huge_name(field: str) -> None:
    with pytest.raises(OptionError, match=r"^name for \w+ has 1,000,000 letters; at most 40"):
        Notation(**{field: "a" * 10**6})


@pytest.mark.parametrize("names", [{"W": None}, {"W_z": None}, {"Theta": 3}, None, ["W", "M"]])
def test_renamed_refuses_what_is_not_a_name(names: object) -> None:
    with pytest.raises(OptionError):
        Notation().renamed(names)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["x_name", "W_name", "b_name"])
def test_a_name_of_none_is_refused(field: str) -> None:
    with pytest.raises(OptionError, match=f"^{field} must be a name, got None$"):
        Notation(**{field: None})


def test_ctrl_c_while_starting_is_one_line_and_exit_130() -> None:
    """SIGINT as soon as the command line's own modules load (an event read from
    ``-X importtime``'s lines on stderr, not a sleep): one line, exit status 130."""
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "symcollapse", "derive", "2", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit,
    )
    assert process.stderr is not None
    lines = []
    for line in process.stderr:  # a module main() imports inside its guard
        lines.append(line)
        if line.rstrip().endswith("symcollapse.cli.environment"):
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()
    process.wait(timeout=TIMEOUT)
    messages = [line for line in rest.splitlines() if not line.startswith("import time:")]
    assert process.returncode == 130, "".join(lines) + rest
    assert messages == ["symcollapse: interrupted; no file was left half-written"]


ROOT = Path(__file__).resolve().parents[2]

#: Installed as ``sitecustomize``: Ctrl-C at the import of one module (SYMCOLLAPSE_INTERRUPT_AT),
#: raised there ("raise") or sent to the process as SIGINT ("signal"); an event, not a sleep.
INTERRUPTER = """
import os, signal, sys

class Interrupter:
    def find_spec(self, name, path=None, target=None):
        if name == os.environ["SYMCOLLAPSE_INTERRUPT_AT"]:
            if os.environ["SYMCOLLAPSE_INTERRUPT_HOW"] == "signal":
                os.kill(os.getpid(), signal.SIGINT)
            else:
                raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupter())
"""


def _console_script(then: str = "sys.exit({name}())") -> str:
    """What pip's wrapper for setup.cfg's console script runs: ``from MODULE import NAME``, then
    ``then``."""
    lines = (ROOT / "setup.cfg").read_text().split("console_scripts =", 1)[1].splitlines()
    module, name = lines[1].split("=", 1)[1].strip().split(":")
    return f"import sys\nfrom {module} import {name}\n" + then.format(name=name)


#: Prints symcollapse's modules in the order they were imported.
PRINT_LOADED = "print(*[m for m in sys.modules if m.startswith('symcollapse')])"


def _started(tmp_path: Path, argv: list[str], **environment: str) -> subprocess.Popen[str]:
    (tmp_path / "sitecustomize.py").write_text(INTERRUPTER)
    env = os.environ | environment | {"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, "-c", _console_script(), *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit,
    )


def test_the_entry_point_loads_nothing_before_its_guard():
    """The package and the console script's module run none of symcollapse's other modules."""
    result = bounded([sys.executable, "-c", _console_script(PRINT_LOADED)])
    assert result.stdout.split() == ["symcollapse", "symcollapse.cli"]


@pytest.mark.parametrize(
    ("argv", "modules", "how"),
    [
        (["derive", "--help"], slice(None), "raise"),  # every module of the parser and guard
        (["derive", "--help"], slice(None, None, 8), "signal"),
        (["derive", "2", "1", "--format", "text"], slice(-2, None), "raise"),  # the route's last
        (["derive", "2", "1", "--format", "text"], slice(-1, None), "signal"),
    ],
    ids=["help-raise", "help-signal", "derive-raise", "derive-signal"],
)
def test_ctrl_c_during_any_import_is_one_line_and_exit_130(tmp_path, argv, modules, how):
    run_then_list = "{name}(sys.argv[1:])\n" + PRINT_LOADED
    listed = bounded([sys.executable, "-c", _console_script(run_then_list), *argv], cwd=tmp_path)
    loaded = listed.stdout.split("\n")[-2].split()  # the last line: after the command's output
    assert loaded[:2] == ["symcollapse", "symcollapse.cli"], listed.stderr
    chosen = loaded[2:][modules]
    assert chosen
    for module in chosen:
        process = _started(
            tmp_path, argv, SYMCOLLAPSE_INTERRUPT_AT=module, SYMCOLLAPSE_INTERRUPT_HOW=how
        )
        out, err = process.communicate(timeout=TIMEOUT)
        assert (process.returncode, err, out) == (
            130,
            "symcollapse: interrupted; no file was left half-written\n",
            "",
        ), module


def test_export_target_is_checked_before_the_work(tmp_path: Path) -> None:
    (tmp_path / "folded.onnx").mkdir()
    result = run("fold", "missing.onnx", "--export", str(tmp_path / "folded.onnx"), cwd=tmp_path)
    assert_one_line(result)
    assert "exists and is not a regular file" in result.stderr  # not "missing.onnx"


def test_out_is_checked_before_the_work(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run("derive", "2", "1", "--out", "file/sub", cwd=tmp_path)
    assert_one_line(result)
    assert "'file' is not a directory" in result.stderr


def test_a_failed_run_leaves_no_out_tree(tmp_path: Path) -> None:
    """The names are only known at the end; a blocked one removes the tree the run made."""
    blocked = tmp_path / "new" / "deeper" / "collapse-2-1.tex"
    (tmp_path / "new").mkdir()
    result = run("derive", "2", "1", "--out", str(blocked.parent), cwd=tmp_path)
    assert result.returncode == 0  # a control: the same run with nothing in the way works
    (blocked.parent / "collapse-2-1.tex").unlink()
    blocked.mkdir()
    assert_one_line(run("derive", "2", "1", "--out", str(blocked.parent), cwd=tmp_path))
    assert sorted(p.name for p in blocked.parent.iterdir()) == ["collapse-2-1.tex"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2" + " > dense 2" * 30 + " > dense 1", "2" + " > dense 2" * 30 + " > dense 3"),
        ("2 > residual(dense 2) > dense 2", "2 > residual(dense 2 > dense 2)"),
    ],
)
def test_layer_files_are_unique_per_network(first: str, second: str) -> None:
    assert stem(first) != stem(second)
    assert stem(first) == stem(first) and len(stem(first)) <= len("layers--") + 80 + 10
