"""``--version``, ``__version__`` and the installed metadata agree; the package says it is typed."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import symcollapse
from symcollapse.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_version_flag_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"symcollapse {symcollapse.__version__}\n"


def test_version_is_written_once():
    assert re.fullmatch(r"\d+\.\d+\.\d+", symcollapse.__version__)
    assert _setup()["metadata"]["version"] == "attr: symcollapse._version.__version__"


def _setup() -> configparser.ConfigParser:
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg", encoding="utf-8")
    return setup


def test_license_and_typing_marker_ship():
    """What setup.cfg declares (``.ci/run`` checks what the built sdist and wheel hold).

    The license is the ``License`` field (``MIT``, an SPDX identifier), which ``pip show``
    displays (pip 23 shows no ``License-Expression``); no ``License ::`` classifier beside it.
    """
    setup = _setup()
    classifiers = [c.strip() for c in setup["metadata"]["classifiers"].strip().splitlines()]
    assert "Typing :: Typed" in classifiers
    assert setup["metadata"]["license"] == "MIT"
    assert not any(c.startswith("License ::") for c in classifiers)
    assert {"3.11", "3.12", "3.13"} <= {
        c.rsplit(" :: ", 1)[1] for c in classifiers if c.startswith("Programming Language")
    }
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n\nCopyright (c) 2026")
    assert (Path(symcollapse.__file__).parent / "py.typed").is_file()
    assert setup["options.package_data"]["symcollapse"].strip() == "py.typed"
    assert setup["metadata"]["license_files"].strip() == "LICENSE"
