"""The README stays true: every command it shows runs as shown, from the repository root of a
fresh clone, and leaves that clone as it was."""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from helpers import ROOT, committed_copy
from permitcheck.cli.app import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

# Every fenced block is of one of these languages; commands are in `sh` blocks only, so that no
# `console` or `bash` block can hold a command that no test runs.
LANGUAGES = {"sh", "text", "json", "yaml"}
SHELL_LINES = [
    re.sub(r"\s+#\s.*$", "", line).strip()  # without the comment that explains the line
    for block in re.findall(r"^```sh\n(.*?)^```$", README, flags=re.S | re.M)
    for line in block.splitlines()
    if line.strip()
]
# A usage synopsis, with placeholders: shown, not run.
SYNOPSES = [line for line in SHELL_LINES if "DOSSIER.yaml" in line]


def _segments(line: str) -> list[str]:
    """The commands of a line joined by `&&`; a subshell `( ... )` is one command."""
    return [line] if line.startswith("(") else [part.strip() for part in line.split(" && ")]


def _is_permitcheck(segment: str) -> bool:
    return re.match(r"^\(?(cd \S+ && )?(\.venv/bin/)?permitcheck ", segment) is not None


SEGMENTS = [s for line in SHELL_LINES if line not in SYNOPSES for s in _segments(line)]
# The permitcheck commands, in README order, as a user types them with the quick start's
# environment active (`.venv/bin/permitcheck` is then `permitcheck`).
COMMANDS = [
    s.replace(".venv/bin/permitcheck", "permitcheck") for s in SEGMENTS if _is_permitcheck(s)
]
# The others: creating the environment, installing, the test suite, lint: what .ci/run runs.
SETUP = [s for s in SEGMENTS if not _is_permitcheck(s)]


def expected_status(command: str) -> int:
    """1 (not ready) where the README says a dossier is not ready: the commands that check the
    not-ready example, by name or as part of the examples folder (also as the CI example's
    configuration names it); 0 for every other command."""
    covers_all = re.search(
        r"(validate|agenda) '?examples/(\*\*/\*\.yaml)?'?( |$)", command
    ) or re.search(r"validate --config examples/ci/permitcheck.yaml", command)
    return 1 if "not-ready" in command or covers_all else 0


def _words(command: str) -> list[str]:
    """The words of a command line as the shell splits them, `(`, `)`, `&&`, `<`, `>` apart."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def outputs(command: str) -> list[str]:
    """The files a command writes: a redirect target, `init`'s file, `--output` files."""
    words = _words(command)
    pairs = list(itertools.pairwise(words))
    written = [after for before, after in pairs if before in (">", "-o", "--output")]
    return written + [after for before, after in pairs if before == "init"]


OUTPUTS = [path for command in COMMANDS for path in outputs(command)]


def test_every_readme_block_has_a_known_language() -> None:
    fences = re.findall(r"^```(\w*)$", README, flags=re.M)
    opening = fences[::2]  # fences alternate: opening (with its language), closing
    assert set(opening) <= LANGUAGES, set(opening) - LANGUAGES
    assert all(fence == "" for fence in fences[1::2])


def test_no_readme_command_is_skipped() -> None:
    """Counted another way: every line of an `sh` block that names permitcheck is a synopsis or
    holds exactly one command the tests run; every other piece is checked against .ci/run."""
    naming = [line for line in SHELL_LINES if re.search(r"\bpermitcheck ", line)]
    assert len(naming) == len(SYNOPSES) + len(COMMANDS)
    # And counted by hand: a command added to the README, or lost from this list, shows here.
    assert len(COMMANDS) == 25


def test_readme_setup_commands_are_what_ci_runs() -> None:
    """The README's other shell commands (environment, install, tests, lint) are, word for word,
    commands of .ci/run (its scratch environment read as `.venv`), or .ci/run itself."""
    ci = re.sub(r'"\$scratch/venv(/bin/\w+)?"', lambda m: ".venv" + (m.group(1) or ""), CI)
    ci_segments = {s for line in ci.splitlines() for s in _segments(line.strip())}
    for segment in SETUP:
        if segment == ".ci/run":
            assert os.access(ROOT / ".ci" / "run", os.X_OK)
        else:
            assert segment in ci_segments, segment


def test_readme_outputs_are_ignored_not_committed() -> None:
    """What the README's commands write at the repository root is ignored by .gitignore and
    collides with no committed file (`init` refuses to overwrite one)."""
    assert {path.split("/")[0] for path in OUTPUTS} >= {"dossier.schema.json", "new-hire.yaml"}
    for path in OUTPUTS:
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} is not in .gitignore"
        tracked = subprocess.run(
            ["git", "ls-files", "--", path.split("/")[0]], cwd=ROOT, capture_output=True, text=True
        )
        assert tracked.stdout == "", f"{path}: committed"


def _invoke(command: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Runs one README command line in process, from `root`: `cd DIR &&` in a subshell, and
    `< FILE` and `> FILE` redirects, are done as the shell does them."""
    words = [word for word in _words(command) if word not in ("(", ")")]
    if words[0] == "cd":
        _cd, directory, _and, *words = words
        assert _and == "&&", command
        root = root / directory
    args: list[str] = []
    redirects: dict[str, Path] = {}
    each = iter(words)
    for word in each:
        if word in ("<", ">"):
            redirects[word] = root / next(each)
        else:
            args.append(word)
    assert args[0] == "permitcheck" and "&&" not in args, command
    monkeypatch.chdir(root)
    stdin = redirects["<"].read_text(encoding="utf-8") if "<" in redirects else None
    env = {"NO_COLOR": "1", "LANG": "C.UTF-8"}
    result = CliRunner().invoke(app, args[1:], input=stdin, env=env)
    if ">" in redirects:
        redirects[">"].write_text(result.stdout, encoding="utf-8")
    return int(result.exit_code)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The quick variant: each command in process, in a copy of what commands read."""
    for folder in ("examples", "schema", "rules", "tests/packs"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    assert _invoke(command, tmp_path, monkeypatch) == expected_status(command)


@pytest.mark.slow  # about twenty permitcheck processes
def test_readme_commands_run_in_a_fresh_clone(tmp_path: Path) -> None:
    """As a user runs them: in order, through bash, each line as written, from the root of a
    fresh clone of this repository (its working tree, uncommitted work included), with the
    `permitcheck` of this environment on the PATH. Each exits as the README says; afterwards
    `git status` is clean, and what the commands wrote is exactly what .gitignore ignores."""
    clone = tmp_path / "permitcheck"
    source = committed_copy(tmp_path / "source")
    subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
    }
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    ran = []
    for command in COMMANDS:
        result = subprocess.run(
            ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == expected_status(command), (command, result.stderr)
        ran.append(command)
    assert ran == COMMANDS

    def status(*options: str) -> list[str]:
        git = ["git", "-C", str(clone), "status", "--porcelain", *options]
        return subprocess.run(git, capture_output=True, text=True, check=True).stdout.splitlines()

    assert status() == []
    written = {path.split("/")[0] + ("/" if "/" in path else "") for path in OUTPUTS}
    assert sorted(status("--ignored")) == sorted(f"!! {path}" for path in written)


def test_quick_start_uses_the_ci_test_command() -> None:
    quick = re.search(r"## Quick start.*?```sh\n(.*?)```", README, flags=re.S)
    assert quick is not None
    lines = [line for line in quick.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "permitcheck validate examples/" in lines[0]
    assert lines[1] in CI


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
    agenda = _output(monkeypatch, "agenda", "examples/", "--as-of", "2026-12-04", "--within", "14d")
    assert f"```text\n{agenda}```" in README


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


def test_readme_shows_the_category_of_the_worked_example(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    scored = _output(monkeypatch, "category", "examples/new-permit.yaml")
    assert f"```text\n{scored}```" in README
    # The commitment on an unsupported Category A claim: the Category A example with no basis
    # and facts worth 68 points.
    data = yaml.safe_load((ROOT / "examples" / "category-a-commitment.yaml").read_text("utf-8"))
    del data["application"]["category_a_basis"]
    data["applicant"].update(
        annual_salary_rmb=300000,
        education="master",
        work_years=10,
        months_in_china_per_year=12,
        chinese={"hsk": 1},
        extras=[],
        provincial_bonus=0,
    )
    dossier = tmp_path / "a.yaml"
    dossier.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    shown = re.search(r"\n(  \[FAIL\] Accepted only for Category A [^\n]*)\n", README)
    assert shown is not None
    lines = _output(monkeypatch, "validate", str(dossier)).splitlines()
    assert any(line.startswith(shown[1] + "  ") for line in lines)
