"""The README stays true: every `permitcheck` command it shows runs as shown."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import ROOT
from permitcheck.cli.app import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
COMMANDS = [
    line.strip()
    for block in BLOCKS
    for line in block.splitlines()
    if line.strip().startswith("permitcheck ")
]


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 8


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each command, run in a copy of the repository's examples (commands may write files)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    # The rule packs a command may test (`pack test rules/nanjing`), with their cases.
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "tests" / "packs", tmp_path / "tests" / "packs")
    monkeypatch.chdir(tmp_path)
    command, _, redirect = command.partition(" > ")
    args = shlex.split(command)[1:]
    if "DOSSIER.yaml" in args:
        pytest.skip("a usage synopsis, not a command")
    result = CliRunner().invoke(app, args, env={"NO_COLOR": "1", "LANG": "C.UTF-8"})
    # 0 ready / done, 1 not ready (the not-ready example); never 2 (could not run).
    assert result.exit_code in (0, 1), result.output
    if redirect:
        (tmp_path / redirect.strip()).write_text(result.stdout, encoding="utf-8")


def test_quick_start_uses_the_ci_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    quick = re.search(r"## Quick start.*?```sh\n(.*?)```", README, flags=re.S)
    assert quick is not None
    lines = [line for line in quick.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "permitcheck validate examples/" in lines[0]
    assert lines[1] in ci


def _output(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "LANG": "C.UTF-8"})
    return str(result.stdout)


def test_readme_text_outputs_match_the_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs the README shows are what the tool prints."""
    assert _output(monkeypatch, "validate", "examples/not-ready.yaml").splitlines()[-1] in README
    where = _output(monkeypatch, "where", "examples/new-permit.yaml")
    assert f"```text\n{where}```" in README
    chinese = _output(monkeypatch, "validate", "examples/not-ready.yaml", "--lang", "zh")
    assert "\n".join(chinese.splitlines()[:6]) in README


@pytest.mark.parametrize(
    "name",
    ["new-permit", "category-a-commitment", "extension", "change", "cancellation", "not-ready"],
)
def test_readme_shows_the_timeline_of_each_example(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = _output(monkeypatch, "timeline", f"examples/{name}.yaml")
    assert f"```text\n{picture}```" in README
