"""The files other tools read: pre-commit hook, GitHub workflow example, JSON Schema, skeletons."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement
from pre_commit import clientlib
from typer.testing import CliRunner

from helpers import EXAMPLES, ROOT, committed_copy, invoke, readme_block
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


def _pre_commit(repo: Path, home: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """`pre-commit COMMAND --all-files` in `repo`, with this environment's `bin` on the PATH (so
    a `language: system` hook finds `permitcheck`, as in a dossier repository where it is
    installed) and pre-commit's cache in `home`."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *command, "--all-files", "--color", "never"],
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
    try_repo = ("try-repo", str(hook_repository), "permitcheck")
    passing = _pre_commit(dossier_repository, home, *try_repo)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "permitcheck (China work-permit dossiers)" in passing.stdout
    assert "Passed" in passing.stdout

    shutil.copy(EXAMPLES / "not-ready.yaml", dossier_repository / "dossiers" / "mehta.yaml")
    subprocess.run(["git", "-C", str(dossier_repository), "add", "."], check=True)
    failing = _pre_commit(dossier_repository, home, *try_repo)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Failed" in failing.stdout
    assert "The certificate of no criminal record is missing." in failing.stdout
    assert "Z4455667" not in failing.stdout  # passport numbers stay masked in hook output


README_PRE_COMMIT = readme_block("pre-commit", "yaml")


def test_readme_pre_commit_config_invents_no_address(tmp_path: Path) -> None:
    """The README's `.pre-commit-config.yaml` works as written: permitcheck has no published
    address or tag, so the config runs the installed `permitcheck` as a local hook, the hook of
    `.pre-commit-hooks.yaml` with no `repo:` or `rev:` to make up."""
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(README_PRE_COMMIT, encoding="utf-8")
    clientlib.load_config(str(config))  # pre-commit's own check of the file; raises if invalid
    (repo,) = yaml.safe_load(README_PRE_COMMIT)["repos"]
    assert repo.keys() == {"repo", "hooks"} and repo["repo"] == "local"
    (hook,) = repo["hooks"]
    (published,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "system"
    assert hook["entry"] == "permitcheck validate --quiet --skip-non-dossiers"
    assert published["entry"].startswith(hook["entry"])
    for key in ("id", "name", "types"):
        assert hook[key] == published[key], key


@pytest.mark.slow  # two pre-commit runs, each a subprocess of permitcheck
def test_readme_pre_commit_config_runs(tmp_path: Path) -> None:
    """The README's config, as written, in a repository of the example dossiers (and their
    scans): the ready ones pass; adding the not-ready example fails, naming what is missing."""
    repo = tmp_path / "dossiers"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for example in EXAMPLES.glob("*.yaml"):
        if example.name != "not-ready.yaml":
            shutil.copy(example, repo / example.name)
    shutil.copytree(EXAMPLES / "docs", repo / "docs")
    (repo / ".pre-commit-config.yaml").write_text(README_PRE_COMMIT, encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    home = tmp_path / "pre-commit-home"

    passing = _pre_commit(repo, home, "run")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert re.search(r"^permitcheck \(China work-permit dossiers\)\.+Passed$", passing.stdout, re.M)

    shutil.copy(EXAMPLES / "not-ready.yaml", repo / "mehta.yaml")
    subprocess.run(["git", "-C", str(repo), "add", "mehta.yaml"], check=True)
    failing = _pre_commit(repo, home, "run")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert re.search(r"^permitcheck \(China work-permit dossiers\)\.+Failed$", failing.stdout, re.M)
    assert "mehta.yaml" in failing.stdout
    assert "The certificate of no criminal record is missing." in failing.stdout


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


def _workflow_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps: list[dict[str, Any]] = workflow["jobs"]["permitcheck"]["steps"]
    return steps


def test_readme_shows_the_workflow_example() -> None:
    assert readme_block("GitHub Actions", "yaml") == WORKFLOW.read_text(encoding="utf-8")


def test_every_run_step_of_the_workflow_is_tested() -> None:
    """The tests here run each command of the workflow: a new `run:` step needs a test too."""
    assert [step["name"] for step in _workflow_steps() if "run" in step] == [
        "Install permitcheck",  # test_workflow_install_line_*
        "Check dossiers",  # test_workflow_example_command_runs
    ]


def _install_requirement(url: str) -> str:
    """The requirement the workflow's install step gives pip, with the repository variable
    PERMITCHECK_GIT_URL set to `url`."""
    step = next(step for step in _workflow_steps() if step.get("name") == "Install permitcheck")
    assert "${{ vars.PERMITCHECK_GIT_URL }}" in step["run"]
    args = shlex.split(step["run"].replace("${{ vars.PERMITCHECK_GIT_URL }}", url))
    assert args[:2] == ["pip", "install"] and len(args) == 3, args
    return args[2]


@pytest.mark.parametrize("pin", ["", "@0123456789abcdef0123456789abcdef01234567"])
def test_workflow_install_line_is_a_requirement(pin: str) -> None:
    """The install line names permitcheck at the variable's URL (a commit appended to pin it),
    and invents no tag or branch of its own."""
    url = "https://git.example.org/team/permitcheck.git" + pin
    requirement = Requirement(_install_requirement(url))
    assert requirement.name == "permitcheck"
    assert requirement.url == f"git+{url}"


@pytest.mark.slow  # pip clones the repository and builds its metadata
@pytest.mark.parametrize("pinned", [False, True], ids=["branch", "commit"])
def test_workflow_install_line_installs(hook_repository: Path, pinned: bool) -> None:
    """pip accepts the install line with the variable set to a fresh clone's URL, as it is and
    with a commit of it appended (nothing is installed: `--dry-run`)."""
    # With a host: the PEP 508 parser of older pips (23.2) refuses `git+file:///path`.
    url = f"file://localhost{hook_repository}"
    if pinned:
        head = subprocess.run(
            ["git", "-C", str(hook_repository), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        url += f"@{head}"
    pip = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-index"]
    result = subprocess.run(
        [*pip, "--no-build-isolation", _install_requirement(url)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Would install permitcheck-" in result.stdout


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
