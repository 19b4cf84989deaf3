"""The files other tools read: pre-commit hook, GitHub workflow example, JSON Schema, skeletons."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from helpers import EXAMPLES, ROOT, committed_copy, invoke
from permitcheck.cli.app import app
from permitcheck.dossier import yaml_reader

SCHEMAS = Path(__file__).parent / "data" / "schemas"


def _validator(name: str) -> Any:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def run(*args: str) -> Any:
    return invoke(*args, env={"NO_COLOR": "1"})


# ---- pre-commit ----------------------------------------------------------------------------


def test_pre_commit_hooks_file_follows_its_schema() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    errors = list(_validator("pre-commit-hooks.json").iter_errors(hooks))
    assert not errors, [e.message for e in errors]
    (hook,) = hooks
    assert hook["id"] == "permitcheck" and hook["language"] == "python"
    assert hook["entry"].startswith("permitcheck validate --quiet --skip-non-dossiers")


@pytest.fixture(scope="module")
def dossier_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository of dossiers, with a non-dossier YAML file beside them."""
    repo = tmp_path_factory.mktemp("dossiers")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "dossiers").mkdir()
    shutil.copy(EXAMPLES / "change.yaml", repo / "dossiers" / "souza.yaml")
    (repo / "settings.yaml").write_text("name: not a dossier\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    return repo


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project as pre-commit sees a hook repository: its files, committed."""
    return committed_copy(tmp_path_factory.mktemp("hook-repo"))


def _pre_commit(repo: Path, home: Path, hooks: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hooks),
            "permitcheck",
            "--all-files",
            "--color",
            "never",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.slow  # pre-commit builds the hook's environment: pip installs, seconds
def test_pre_commit_runs_the_hook(
    dossier_repository: Path, hook_repository: Path, tmp_path: Path
) -> None:
    """pre-commit itself installs this repository as a hook repository and runs the hook."""
    home = tmp_path / "pre-commit-home"
    passing = _pre_commit(dossier_repository, home, hook_repository)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "permitcheck (China work-permit dossiers)" in passing.stdout
    assert "Passed" in passing.stdout

    shutil.copy(EXAMPLES / "not-ready.yaml", dossier_repository / "dossiers" / "mehta.yaml")
    subprocess.run(["git", "-C", str(dossier_repository), "add", "."], check=True)
    failing = _pre_commit(dossier_repository, home, hook_repository)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Failed" in failing.stdout
    assert "The certificate of no criminal record is missing." in failing.stdout
    assert "Z4455667" not in failing.stdout  # passport numbers stay masked in hook output


# ---- GitHub Actions ------------------------------------------------------------------------

WORKFLOW = ROOT / "examples" / "ci" / "github-actions.yml"


def test_workflow_example_follows_the_github_schema() -> None:
    workflow = yaml.load(WORKFLOW.read_text(encoding="utf-8"), Loader=yaml_reader._Loader)
    errors = list(_validator("github-workflow.json").iter_errors(workflow))
    assert not errors, [e.message for e in errors]


def test_workflow_example_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["permitcheck"]["steps"]
    command = next(step["run"] for step in steps if step.get("name") == "Check dossiers")
    args = shlex.split(command)
    assert args[:2] == ["permitcheck", "validate"]
    shutil.copytree(EXAMPLES, tmp_path / "dossiers")
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(app, args[1:], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1  # the not-ready example fails the job
    assert result.stdout.startswith("::")
    sarif = json.loads((tmp_path / "reports" / "permitcheck.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert (
        (tmp_path / "reports" / "permitcheck.junit.xml")
        .read_text(encoding="utf-8")
        .startswith("<?xml")
    )
    assert summary.read_text(encoding="utf-8").startswith("## permitcheck: 5 of 6 dossiers ready")
    upload = next(step for step in steps if step.get("name") == "Upload to code scanning")
    assert upload["with"]["sarif_file"] == "reports/permitcheck.sarif"


# ---- JSON Schema of the dossier format ---------------------------------------------------


def test_schema_command_matches_the_committed_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    committed = (ROOT / "schema" / "dossier.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "run: permitcheck schema > schema/dossier.schema.json"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_use_and_follow_the_schema(example: Path) -> None:
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/dossier.schema.json"
    schema = json.loads((ROOT / "schema" / "dossier.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    data = yaml_reader.read(str(example), example.read_bytes()).data
    errors = list(validator.iter_errors(data))
    assert not errors, [e.message for e in errors]


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads(run("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml_reader.read("x", (EXAMPLES / "change.yaml").read_bytes()).data
    data["applicant"]["nationalty"] = "BR"
    assert list(validator.iter_errors(data))
    data = yaml_reader.read("x", (EXAMPLES / "change.yaml").read_bytes()).data
    data["applicant"]["nationality"] = "XX"
    assert list(validator.iter_errors(data))


# ---- init ----------------------------------------------------------------------------------

# What a user writes into the blanks (`key: ""`), by section and key.
FILLED = {
    ("employer", "name"): '"Example Co., Ltd."',
    ("employer", "registered_in"): "jianye",
    ("applicant", "name"): '"A. Person"',
    ("applicant", "nationality"): "FR",
    ("current_permit", "number"): '"320100202400000001"',
    ("current_permit", "expiry_date"): "2027-06-30",
    ("change", "occurred_on"): "2026-11-30",
    ("cancellation", "occurred_on"): "2026-11-30",
}
PASSPORT = 'passport: {number: "X1234567", issuing_country: FR, expiry_date: 2032-01-01}'


def fill(text: str) -> str:
    lines, section = [], ""
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            section = line.split(":")[0]
        stripped = line.strip()
        if stripped.startswith('passport: {number: ""'):
            line = "  " + PASSPORT
        elif ': ""' in stripped and not stripped.startswith("#"):
            key = stripped.split(":")[0]
            value = FILLED[(section, key)]
            line = line[: line.index('""')] + value
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["new", "extension", "change", "cancellation"])
def test_init_writes_a_skeleton_to_fill_in(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.yaml"
    result = run("init", str(path), "--type", kind)
    assert result.exit_code == 0
    assert "Created" in result.stderr
    blank = run("validate", str(path))
    assert blank.exit_code == 2  # the blanks are located errors, one per blank
    assert "must not be empty" in blank.stderr
    path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    filled = run("validate", str(path), "--as-of", "2026-12-01")
    assert filled.stderr == ""
    assert filled.exit_code == 1  # not ready: the documents are still commented out
    assert "is missing" in filled.stdout


def test_init_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("mine\n", encoding="utf-8")
    result = run("init", str(path))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert path.read_text(encoding="utf-8") == "mine\n"


def test_init_with_schema_comment(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    run("init", str(path), "--schema", "dossier.schema.json")
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=dossier.schema.json\n"
    )
