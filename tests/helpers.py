"""Shared test helpers: example dossiers as data, patching them, and evaluating them."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from permitcheck import packtest
from permitcheck.dates import official_calendar, parse_date, reference_date
from permitcheck.dossier import loader, yaml_reader
from permitcheck.dossier.loader import LoadedDossier
from permitcheck.engine import evaluate
from permitcheck.findings import DossierResult, Finding
from permitcheck.problems import Problems
from permitcheck.rulepack import pack as rulepack
from permitcheck.rulepack.pack import Pack

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
README = ROOT / "README.md"
# The environment of a CLI test: no colour setting, no locale language, no GitHub summary file
# (the tests that want one set it).
CLI_ENV = {
    "NO_COLOR": "",
    "LC_ALL": "",
    "LC_MESSAGES": "",
    "LANG": "C.UTF-8",
    "GITHUB_STEP_SUMMARY": "",
}


def example_data(name: str) -> dict[str, Any]:
    """The plain data of examples/<name>.yaml (dates stay text, as the loader reads them)."""
    path = EXAMPLES / f"{name}.yaml"
    data = yaml_reader.read(str(path), path.read_bytes()).data
    assert isinstance(data, dict)
    return data


def without_files(value: Any) -> Any:
    """Example data without `file:` scans, so copies elsewhere do not depend on examples/docs."""
    if isinstance(value, dict):
        return {key: without_files(item) for key, item in value.items() if key != "file"}
    if isinstance(value, list):
        return [without_files(item) for item in value]
    return value


def example_without_files(name: str) -> dict[str, Any]:
    """examples/<name>.yaml as plain data, without its `file:` scans."""
    result: dict[str, Any] = without_files(example_data(name))
    return result


def patched(
    data: dict[str, Any], set_: dict[str, Any] | None = None, delete: list[str] | None = None
) -> dict[str, Any]:
    """A deep copy of `data` with dotted paths (`family[0].photo`) set or deleted, as a pack's
    cases patch their base dossiers."""
    result = packtest.patched(data, set_ or {}, delete or [])
    assert isinstance(result, dict), result
    return result


def load_pack(name: str = "nanjing", root: Path | None = None) -> Pack:
    """A rule pack that must load."""
    found = rulepack.load_pack(name, root)
    assert not isinstance(found, tuple), [problem.located() for problem in found]
    return found


def pack_problems(name: str = "nanjing", root: Path | None = None) -> Problems:
    """The problems of a rule pack that must not load."""
    found = rulepack.load_pack(name, root)
    assert isinstance(found, tuple), "the pack loaded"
    return found


def load_bytes(raw: bytes, path: str) -> LoadedDossier:
    """A dossier that must load."""
    found = loader.load_bytes(raw, path)
    assert not isinstance(found, tuple), [problem.located() for problem in found]
    return found


def dossier_problems(raw: bytes, path: str = "d.yaml") -> Problems:
    """The problems of a dossier that must not load."""
    found = loader.load_bytes(raw, path)
    assert isinstance(found, tuple), "the dossier loaded"
    return found


def to_yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


# China's official calendar as published for the years up to 2026: no test changes its verdict
# when the `chinesecalendar` package learns 2027.
CALENDAR = official_calendar(until=2026)


def evaluate_data(
    data: dict[str, Any],
    as_of: str | date | None = None,
    path: str = "case.yaml",
    warn_days: int | None = None,
    today: str | date | None = None,
) -> DossierResult:
    """Evaluate as `validate` does: on `as_of`, else the planned date unless it is before
    `today` (when given), else `today`."""
    # Placed beside the examples, so `file:` paths resolve as they do for the examples.
    dossier = load_bytes(to_yaml(data), str(EXAMPLES / path))
    if isinstance(as_of, str):
        as_of = parse_date(as_of)
    if isinstance(today, str):
        today = parse_date(today)
    planned = dossier.model.application.submission_date
    reference = as_of or planned if today is None else reference_date(as_of, planned, today)
    assert reference is not None, "cases need a submission_date or an as_of"
    pack = rulepack.pack_for(dossier)
    assert not isinstance(pack, tuple), pack
    return evaluate(dossier, pack, reference, warn_days, calendar=CALENDAR)


def findings_of(result: DossierResult, rule: str, subject: str | None = None) -> list[Finding]:
    return [
        f for f in result.findings if f.rule == rule and (subject is None or f.subject == subject)
    ]


def invoke(*args: str, env: dict[str, str] | None = None, **options: Any) -> Any:
    """`permitcheck ARGS` through Typer's runner (`options`: its `input`, `prog_name`);
    whatever happens, never a traceback."""
    from typer.testing import CliRunner

    from permitcheck.cli.app import app

    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, **(env or {})}, **options)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def example_file(name: str) -> str:
    """The absolute path of examples/<name>.yaml."""
    return str(EXAMPLES / f"{name}.yaml")


def checklist(out: str) -> str:
    """The text output of `validate` for one dossier without the "Next steps" block that ends
    it when the dossier is ready: the checklist, the summary line last."""
    for heading in ("\n\nNext steps\n", "\n\n下一步\n"):
        out = out.split(heading)[0]
    return out.rstrip("\n") + "\n"


def readme_block(heading: str, language: str) -> str:
    """The first fenced block of `language` in the README section under `heading`."""
    text = README.read_text(encoding="utf-8")
    # A section ends at the next heading of level 2 or more (a `# comment` in a block is not one).
    section = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^##+ |\Z)", text, flags=re.S | re.M)
    assert section is not None, heading
    block = re.search(rf"^```{language}\n(.*?)^```$", section.group(1), flags=re.S | re.M)
    assert block is not None, (heading, language)
    return block.group(1)


def committed_copy(dest: Path) -> Path:
    """This checkout as a fresh clone has it: the files git tracks or would track (untracked and
    not ignored), as they are in the working tree, committed into a new repository at `dest`.
    So uncommitted work is tested too, and nothing ignored (a `.venv`, outputs) comes along."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in listed.splitlines():
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(dest)]
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "fresh copy"], check=True)
    return dest
