"""Code standards as tests: a docstring opening each module, layering, a light `--version`."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from helpers import ROOT
from permitcheck import __version__

SOURCES = sorted((ROOT / "src" / "permitcheck").rglob("*.py"))


# ruff (lint and format) and mypy --strict run in .ci/run, not here: they check files, not
# behaviour, and take longer than the rest of this module.


def test_every_module_opens_with_a_one_line_docstring() -> None:
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree)
        assert doc, f"{path.name} has no module docstring"
        assert "\n" not in doc.strip(), f"{path.name}: the module docstring is one line"


def test_future_annotations_everywhere() -> None:
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert "from __future__ import annotations" in text, path.name


def test_only_the_cli_touches_stdout_argv_and_exit() -> None:
    # entry.py is the console script's shim in front of cli.py: it answers `--version` alone
    # so that it need not import Typer (see bench/README.md); it is part of the CLI layer.
    for path in SOURCES:
        if path.parent.name == "cli":
            continue
        text = path.read_text(encoding="utf-8")
        for forbidden in (
            r"sys\.argv",
            r"sys\.exit",
            r"sys\.stdout",
            r"(?<![.\w])print\(",
            r"date\.today\(",
            r"datetime\.now\(",
            r"typer\.Exit",
        ):
            assert not re.search(forbidden, text), f"{path.name} uses {forbidden}"


def test_version_imports_nothing_heavy() -> None:
    """`permitcheck --version` answers without Typer, Pydantic, YAML or Rich."""
    script = (
        "import sys; sys.argv = ['permitcheck', '--version']\n"
        "from permitcheck.cli.entry import main\n"
        "main()\n"
        "heavy = sorted(m for m in ('typer', 'pydantic', 'yaml', 'rich', 'click')"
        " if m in sys.modules)\n"
        "print('heavy:', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [f"permitcheck {__version__}", "heavy: []"]
