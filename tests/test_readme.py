"""The README stays true: every `permitcheck` command it shows runs as shown."""

from __future__ import annotations

import json
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


def test_readme_json_example_is_what_the_tool_writes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The JSON report the README shows has the keys, at each level, of a real report, and the
    values it shows are the real ones (quotes under `rules`, not in findings)."""
    block = re.search(r"### JSON report.*?```json\n(.*?)```", README, flags=re.S)
    assert block is not None
    shown = json.loads(block.group(1))
    (tmp_path / "bad.yaml").write_text("a: [\n", encoding="utf-8")
    real = json.loads(
        _output(
            monkeypatch,
            "validate",
            "examples/not-ready.yaml",
            str(tmp_path / "bad.yaml"),
            "-f",
            "json",
        )
    )
    assert set(shown) == set(real)
    dossier, real_dossier = shown["dossiers"][0], real["dossiers"][0]
    assert set(dossier) == set(real_dossier)
    for key in ("path", "ready", "submit_by", "submit_by_pending", "counts", "applicant"):
        assert dossier[key] == real_dossier[key], key
    finding = dossier["findings"][0]
    real_finding = next(f for f in real_dossier["findings"] if f["rule"] == finding["rule"])
    assert set(finding) == set(real_finding)
    assert finding["message"] == real_finding["message"]
    assert finding["location"] == real_finding["location"]
    assert set(finding["sources"][0]) == set(real_finding["sources"][0])
    assert set(shown["errors"][0]) == set(real["errors"][0])
    rule = next(iter(shown["rules"]))
    assert set(shown["rules"][rule]) == set(real["rules"][rule])
    assert set(shown["rules"][rule]["sources"][0]) == set(real["rules"][rule]["sources"][0])
