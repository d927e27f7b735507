"""``symcollapse completion SHELL``: scripts generated from the parser, naming every command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from symcollapse.cli import main
from symcollapse.cli.arguments.completion import SHELLS
from symcollapse.cli.completion import completion_script
from symcollapse.cli.parser import COMMANDS, build_parser


@pytest.mark.parametrize("shell", SHELLS)
def test_the_script_names_every_command(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert script == completion_script(shell)
    for command in COMMANDS:
        assert re.search(rf"\b{command}\b", script), command


def test_bash_script_parses_and_completes_commands(tmp_path):
    script = tmp_path / "symcollapse.bash"
    script.write_text(completion_script("bash"))
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
    words = subprocess.run(
        ["bash", "-c", f'source "{script}"; echo "${{_shtab_symcollapse_subparsers[@]}}"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert set(COMMANDS) <= set(words)


#: CI installs zsh and fish and sets this, so their tests cannot be skipped there.
REQUIRE_SHELLS = os.environ.get("SYMCOLLAPSE_REQUIRE_SHELLS") == "1"


def _shell(name: str) -> str:
    """The path of shell ``name``; skip when it is missing, unless CI requires it."""
    path = shutil.which(name)
    if path is None:
        if REQUIRE_SHELLS:
            pytest.fail(f"{name} is required (SYMCOLLAPSE_REQUIRE_SHELLS=1) but not installed")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_script_parses_in_its_shell(shell, tmp_path):
    script = tmp_path / f"symcollapse.{shell}"
    script.write_text(completion_script(shell))
    assert subprocess.run([_shell(shell), "-n", str(script)], check=False).returncode == 0


def test_zsh_registers_the_completion_function(tmp_path):
    """``eval "$(symcollapse completion zsh)"`` after ``compinit`` binds the command."""
    script = tmp_path / "_symcollapse"
    script.write_text(completion_script("zsh"))
    shown = subprocess.run(
        [_shell("zsh"), "-f", "-c", f'autoload -U compinit; compinit -u -D; eval "$(<{script})"; '
         'print -r -- ${_comps[symcollapse]}'],
        capture_output=True, text=True, check=True, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert shown.stdout.split() == ["_shtab_symcollapse"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("symcollapse der", {"derive"}),
        ("symcollapse derive --entry", {"--entry-style"}),
        ("symcollapse derive --delimiter ", {"bmatrix", "pmatrix"}),
        ("symcollapse verify --method ", {"auto", "exact", "random", "proof"}),
        ("symcollapse dynamics ", {"saxe", "arora"}),
    ],
)
def test_fish_completes_commands_options_and_choices(line, expected, tmp_path):
    script = tmp_path / "symcollapse.fish"
    script.write_text(completion_script("fish"))
    shown = subprocess.run(
        [_shell("fish"), "--no-config", "-c", f"source {script}; complete -C '{line}'"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert {row.split("\t")[0] for row in shown.stdout.splitlines()} >= expected


def test_fish_completes_every_option_of_every_command():
    script = completion_script("fish")
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    for name, command in action.choices.items():
        assert f"-a {name} -d " in script
        lines = [line for line in script.splitlines() if f"subcommand_from {name}'" in line]
        for option in (o for a in command._actions for o in a.option_strings):
            flag = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
            assert any(f"{flag} " in line for line in lines), (name, option)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("symcollapse fold ", "file"),
        ("symcollapse fold m.onnx --export ", "file"),
        ("symcollapse derive 2 1 --values ", "file"),
        ("symcollapse layers --spec-file ", "file"),
        ("symcollapse derive 2 1 --out ", "directory"),
    ],
)
def test_bash_completes_file_and_directory_names(line, kind, tmp_path):
    """A model, a values or spec file and --out complete the names in the current directory."""
    (tmp_path / "model.onnx").write_text("")
    (tmp_path / "figures").mkdir()
    script = tmp_path / "symcollapse.bash"
    script.write_text(completion_script("bash"))
    words = line.split(" ")
    shown = subprocess.run(
        ["bash", "-c", f'source "{script}"; COMP_WORDS=({line}""); COMP_CWORD={len(words) - 1}; '
         f'COMP_LINE="{line}"; COMP_POINT=${{#COMP_LINE}}; _shtab_symcollapse; '
         'printf "%s\\n" "${COMPREPLY[@]}"'],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout.split()  # fmt: skip
    assert "figures" in shown or "figures/" in shown
    assert ("model.onnx" in shown) == (kind == "file")


def test_fish_completes_the_model_file(tmp_path):
    (tmp_path / "model.onnx").write_text("")
    script = tmp_path / "symcollapse.fish"
    script.write_text(completion_script("fish"))
    shown = subprocess.run(
        [_shell("fish"), "--no-config", "-c", f"source {script}; complete -C 'symcollapse fold '"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert "model.onnx" in {row.split("\t")[0] for row in shown.stdout.splitlines()}
