"""Batch runs over a folder of mixed files: counts in every format, discovery, parallel runs,
and personal data (passport and permit numbers) masked in every output."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from junitparser import Error, JUnitXml

from helpers import example_without_files, invoke, patched, to_yaml
from permitcheck import batch
from permitcheck.dossier.privacy import mask
from permitcheck.settings import Settings


def uri_path(uri: str) -> str:
    """The path a SARIF artifact URI names: a file: URI for files outside the working
    directory, else a percent-encoded relative reference."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else unquote(uri)


SCHEMAS = Path(__file__).parent / "data" / "schemas"
READY = ["new-permit", "category-a-commitment", "extension", "change", "cancellation"]
FORMATS = ["text", "json", "junit", "sarif", "github", "markdown"]
INVALID = "permitcheck.invalid-dossier"

base = example_without_files


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return invoke(*args, env=env)


@dataclass
class Folder:
    """A folder of mixed files and what permitcheck must find in it."""

    root: Path
    ready: list[str] = field(default_factory=list)
    not_ready: list[str] = field(default_factory=list)
    malformed: dict[str, int] = field(default_factory=dict)  # path -> errors in the file
    skipped: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    numbers: set[str] = field(default_factory=set)  # every passport and permit number
    passports: dict[str, str] = field(default_factory=dict)  # dossier -> applicant passport
    files: int = 0

    def put(self, relative: str, content: dict[str, Any] | bytes) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else to_yaml(content))
        self.files += 1
        if isinstance(content, dict):
            self.numbers.update(numbers_in(content))
        return str(path)

    @property
    def dossiers(self) -> list[str]:
        return sorted(self.ready + self.not_ready)

    @property
    def errors(self) -> int:
        return sum(self.malformed.values())


def numbers_in(data: dict[str, Any]) -> list[str]:
    """The passport and permit numbers written in dossier data."""
    found = []
    applicant = data.get("applicant", {})
    if isinstance(applicant, dict) and isinstance(applicant.get("passport"), dict):
        found.append(applicant["passport"]["number"])
    for member in data.get("family", []):
        if isinstance(member.get("passport"), dict):
            found.append(member["passport"]["number"])
    if isinstance(data.get("current_permit"), dict):
        found.append(data["current_permit"]["number"])
    flat: list[str] = []
    for number in found:
        flat.extend(number if isinstance(number, list) else [number])
    return [str(number) for number in flat]


def numbered(data: dict[str, Any], serial: int, name: str) -> dict[str, Any]:
    """`data` with its own applicant name and unique passport and permit numbers."""
    changes: dict[str, Any] = {
        "applicant.name": name,
        "applicant.passport.number": f"PQ{serial:05d}K7",
    }
    for index, _ in enumerate(data.get("family", [])):
        changes[f"family[{index}].passport.number"] = f"FM{serial:04d}Z{index}X"
    if "current_permit" in data:
        changes["current_permit.number"] = f"32019907{serial:010d}"
    return patched(data, changes)


NOT_READY_VARIANTS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("new-permit", {}, ["documents.criminal_record"]),
    ("extension", {"documents.application_form.employer_seal": False}, []),
    ("cancellation", {}, ["documents.application_form"]),
    ("change", {}, ["documents.application_form"]),
    ("category-a-commitment", {}, ["documents.employment_contract"]),
]

WORKFLOW = b"""name: CI
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: permitcheck validate dossiers/ --format github
"""
COMPOSE = b"""services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
"""


def build(root: Path) -> Folder:
    """50 files: 20 ready, 10 not ready, 8 malformed (9 errors), 6 other YAML, 2 hidden, 4 not
    YAML."""
    folder = Folder(root)
    serial = 0
    # 20 ready dossiers: each ready example as it is and 3 renamed copies, nested, some .yml.
    for name in READY:
        for copy in range(4):
            serial += 1
            data = base(name) if copy == 0 else numbered(base(name), serial, f"Ready {serial}")
            nest = "/".join(["nested"] * copy)
            suffix = "yml" if copy == 3 else "yaml"
            relative = f"ready/{name}/{nest}/copy-{copy}.{suffix}".replace("//", "/")
            path = folder.put(relative, data)
            folder.ready.append(path)
            folder.passports[path] = data["applicant"]["passport"]["number"]
    # 10 not ready: the not-ready example three times, and 7 failing variants of ready ones.
    for copy in range(3):
        serial += 1
        data = numbered(base("not-ready"), serial, f"Blocked {serial}")
        path = folder.put(f"pending/not-ready-{copy}.yaml", data)
        folder.not_ready.append(path)
        folder.passports[path] = data["applicant"]["passport"]["number"]
    for number in range(7):
        name, set_, delete = NOT_READY_VARIANTS[number % len(NOT_READY_VARIANTS)]
        serial += 1
        data = numbered(patched(base(name), set_, delete), serial, f"Variant {serial}")
        path = folder.put(f"pending/variants/{number % 2}/{name}-{number}.yaml", data)
        folder.not_ready.append(path)
        folder.passports[path] = data["applicant"]["passport"]["number"]
    # 8 malformed dossiers, 9 errors.
    bad: dict[str, tuple[dict[str, Any] | bytes, int]] = {
        "broken/syntax.yaml": (b"permitcheck: 1\napplication: [\n", 1),
        "broken/bad-date.yaml": (
            numbered(
                patched(base("change"), {"change.occurred_on": "03/04/2026"}), 901, "Bad Date"
            ),
            1,
        ),
        "broken/unknown-key.yaml": (
            numbered(patched(base("change"), {"applicant.nationalty": "BR"}), 902, "Unknown Key"),
            1,
        ),
        "broken/deeper/duplicate-key.yaml": (
            # The duplicate, and the sections missing beside it: every problem at once.
            b"permitcheck: 1\napplication:\n  type: new\n  type: extension\n",
            4,
        ),
        # A dossier wrapped in a list: a broken dossier, reported rather than skipped.
        "broken/deeper/top-level-list.yaml": (b"[\npermitcheck: 1\n]\n", 1),
        "broken/two-documents.yaml": (b"permitcheck: 1\n---\npermitcheck: 1\n", 1),
        "broken/two-problems.yaml": (
            numbered(
                patched(
                    base("extension"),
                    {"applicant.nationalty": "IE", "current_permit.expiry_date": "03/04/2026"},
                ),
                903,
                "Two Problems",
            ),
            2,
        ),
        "broken/number-is-a-list.yaml": (
            patched(
                numbered(base("new-permit"), 904, "List"),
                {"applicant.passport.number": ["LQ7734519"]},
            ),
            1,
        ),
    }
    for relative, (content, count) in bad.items():
        path = folder.put(relative, content)
        folder.malformed[path] = count
    folder.numbers.add("LQ7734519")
    # 6 YAML files that are not dossiers.
    others: dict[str, bytes] = {
        "ci/workflow.yml": WORKFLOW,
        "docker-compose.yaml": COMPOSE,
        "empty.yaml": b"",
        "config/indented.yaml": b"tools:\n  permitcheck: 1\n",
        "config/commented.yaml": b"# permitcheck: 1\nname: not a dossier\n",
        "mkdocs.yml": b"site_name: Dossiers\nnav:\n  - Home: index.md\n",
    }
    for relative, content in others.items():
        folder.skipped.append(folder.put(relative, content))
    # 2 files in hidden folders, never read: one is a not-ready dossier with its own numbers.
    hidden = numbered(base("not-ready"), 950, "Hidden")
    folder.ignored.append(folder.put(".git/stash/permit.yaml", hidden))
    folder.ignored.append(folder.put(".github/workflows/ci.yml", WORKFLOW))
    # 4 files that are not YAML, one of them a dossier backup.
    folder.ignored.append(folder.put("README.md", b"# Dossiers\n"))
    folder.ignored.append(folder.put("notes.txt", b"permitcheck: 1\n"))
    folder.ignored.append(
        folder.put("ready/new-permit/copy-0.yaml.bak", numbered(base("not-ready"), 960, "Backup"))
    )
    folder.ignored.append(folder.put("report.json", b"{}\n"))
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    built = build(tmp_path_factory.mktemp("batch") / "dossiers")
    return built


@pytest.fixture(scope="module")
def outputs(folder: Folder) -> dict[str, Any]:
    """`validate <folder>` in every format."""
    return {fmt: run("validate", str(folder.root), "--format", fmt) for fmt in FORMATS}


def test_the_folder_is_what_the_tests_assume(folder: Folder) -> None:
    on_disk = sorted(str(p) for p in folder.root.rglob("*") if p.is_file())
    assert len(on_disk) == folder.files == 50
    assert len(folder.ready) == 20 and len(folder.not_ready) == 10
    assert len(folder.malformed) == 8 and folder.errors == 12
    assert len(folder.skipped) == 6 and len(folder.ignored) == 6
    assert len(folder.numbers) >= 40


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_code_and_errors_on_stderr_in_every_format(
    folder: Folder, outputs: dict[str, Any], fmt: str
) -> None:
    result = outputs[fmt]
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.splitlines()
    if fmt == "github":
        # Annotations on standard output say each error, in the same log: said once.
        assert lines == []
        return
    assert len(lines) == folder.errors
    for line in lines:
        assert re.match(r"^(.*?):\d+:\d+: \S", line), line
    assert sorted({line.split(":")[0] for line in lines}) == sorted(folder.malformed)


def test_json_counts(folder: Folder, outputs: dict[str, Any]) -> None:
    report = json.loads(outputs["json"].stdout)
    assert [d["path"] for d in report["dossiers"]] == folder.dossiers
    assert sorted(d["path"] for d in report["dossiers"] if d["ready"]) == sorted(folder.ready)
    assert sorted(d["path"] for d in report["dossiers"] if not d["ready"]) == sorted(
        folder.not_ready
    )
    per_file: dict[str, int] = {}
    for error in report["errors"]:
        per_file[error["path"]] = per_file.get(error["path"], 0) + 1
        assert error["location"]["line"] >= 1 and error["location"]["column"] >= 1
    assert per_file == folder.malformed
    assert report["skipped"] == len(folder.skipped) == 6
    two = [e["message"] for e in report["errors"] if e["path"].endswith("two-problems.yaml")]
    assert "unknown key 'nationalty'" in two[0] and "'03/04/2026' is ambiguous" in two[1]
    messages: dict[str, str] = {}
    for error in report["errors"]:
        name = Path(error["path"]).name
        messages[name] = messages.get(name, "") + error["message"] + "\n"
    assert "expected a mapping" in messages["top-level-list.yaml"]
    assert "duplicate key 'type'" in messages["duplicate-key.yaml"]
    assert "single document" in messages["two-documents.yaml"]
    assert "invalid YAML" in messages["syntax.yaml"]


def test_text_summary_line(outputs: dict[str, Any]) -> None:
    out = outputs["text"].stdout
    assert out.splitlines()[-1] == (
        "20 of 30 dossiers ready; 8 files could not be checked; 6 YAML files skipped (not dossiers)"
    )
    assert out.count("\nReady: ") + out.startswith("Ready: ") == 20
    assert out.count("\nNot ready: ") == 10


def test_junit_counts(folder: Folder, outputs: dict[str, Any]) -> None:
    raw = outputs["junit"].stdout.encode("utf-8")
    ET.fromstring(raw)
    xml = JUnitXml.fromstring(raw)
    suites = {suite.name: suite for suite in xml}
    assert sorted(suites) == sorted(folder.dossiers + list(folder.malformed))
    broken = sorted(name for name, suite in suites.items() if suite.errors)
    assert broken == sorted(folder.malformed)
    for path in folder.malformed:
        (case,) = list(suites[path])
        (problem,) = case.result
        assert isinstance(problem, Error)
        assert len(problem.text.splitlines()) == folder.malformed[path]
    assert xml.errors == 8
    report = json.loads(outputs["json"].stdout)
    fails = sum(d["counts"]["fail"] for d in report["dossiers"])
    assert xml.failures == fails > 0
    assert sorted(name for name, suite in suites.items() if suite.failures) == sorted(
        folder.not_ready
    )


def test_sarif_counts(folder: Folder, outputs: dict[str, Any]) -> None:
    document = json.loads(outputs["sarif"].stdout)
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    results = document["runs"][0]["results"]
    invalid: dict[str, int] = {}
    for result in results:
        if result["ruleId"] == INVALID:
            uri = uri_path(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            invalid[uri] = invalid.get(uri, 0) + 1
    assert invalid == folder.malformed
    report = json.loads(outputs["json"].stdout)
    shown = sum(d["counts"]["fail"] + d["counts"]["warn"] for d in report["dossiers"])
    assert len(results) == shown + folder.errors


def test_github_counts(folder: Folder, outputs: dict[str, Any]) -> None:
    lines = outputs["github"].stdout.splitlines()
    report = json.loads(outputs["json"].stdout)
    fails = sum(d["counts"]["fail"] for d in report["dossiers"])
    warns = sum(d["counts"]["warn"] for d in report["dossiers"])
    kinds = [re.match(r"^::(error|warning|notice)[ :]", line) for line in lines]
    assert all(kinds), lines
    names = [kind.group(1) for kind in kinds if kind]
    assert names.count("error") == fails + folder.errors
    assert names.count("warning") == warns
    # Counted in files, as the text summary counts them (8 files hold the 9 errors).
    assert lines[-1] == (
        "::notice title=permitcheck::20 of 30 dossiers ready; 8 files could "
        "not be checked; 6 YAML files skipped (not dossiers)"
    )
    for path, count in folder.malformed.items():
        located = [line for line in lines if line.startswith(f"::error file={path},")]
        assert len(located) == count, path


def test_markdown_counts(folder: Folder, outputs: dict[str, Any]) -> None:
    out = outputs["markdown"].stdout
    lines = out.splitlines()
    assert lines[0] == (
        "## permitcheck: 20 of 30 dossiers ready; 8 files could not be checked; "
        "6 YAML files skipped (not dossiers)"
    )
    rows = [line for line in lines if line.startswith(("| ✅ |", "| ❌ |"))]
    assert len(rows) == 30
    assert sum(1 for row in rows if row.startswith("| ❌ |")) == 10
    for path in folder.not_ready:
        assert f"| ❌ | `{path}` |" in out
        assert f"<details><summary><code>{path}</code></summary>" in out
    errors = lines[lines.index("### Could not be checked") + 2 :]
    assert sum(1 for line in errors if line.startswith("- `")) == folder.errors


def test_hidden_and_non_yaml_files_are_never_read(folder: Folder, outputs: dict[str, Any]) -> None:
    for fmt, result in outputs.items():
        for path in folder.ignored:
            assert path not in result.stdout + result.stderr, (fmt, path)
        assert "Hidden" not in result.stdout and "Backup" not in result.stdout


def test_glob_patterns_find_the_same_dossiers(folder: Folder, outputs: dict[str, Any]) -> None:
    root = str(folder.root)
    result = run("validate", f"{root}/**/*.yaml", f"{root}/**/*.yml", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == outputs["json"].stdout
    only_yaml = json.loads(run("validate", f"{root}/**/*.yaml", "-f", "json").stdout)
    assert [d["path"] for d in only_yaml["dossiers"]] == [
        path for path in folder.dossiers if path.endswith(".yaml")
    ]
    assert only_yaml["skipped"] == sum(1 for p in folder.skipped if p.endswith(".yaml"))


def test_parallel_and_serial_runs_give_identical_json(tmp_path: Path) -> None:
    root = tmp_path / "many"
    expected = {"ready": 0, "not_ready": 0, "errors": 0}
    for number in range(110):
        kind = number % 11
        if kind == 10:
            content: bytes = (
                b"permitcheck: 1\napplication: {type: new, submission_date: 03/04/2026}\n"
            )
            expected["errors"] += 1
        elif kind >= 7:
            content = to_yaml(numbered(base("not-ready"), number, f"N {number}"))
            expected["not_ready"] += 1
        else:
            name = READY[kind % len(READY)]
            content = to_yaml(numbered(base(name), number, f"R {number}"))
            expected["ready"] += 1
        target = root / f"group-{number % 4}" / f"dossier-{number:03d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    checked = expected["ready"] + expected["not_ready"]
    assert checked >= batch.PARALLEL_FROM + 30
    serial = run("validate", str(root), "--jobs", "1", "-f", "json")
    parallel = run("validate", str(root), "--jobs", "2", "-f", "json")
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.stdout == serial.stdout
    assert parallel.stderr == serial.stderr
    report = json.loads(parallel.stdout)
    assert len(report["dossiers"]) == checked
    assert sum(1 for d in report["dossiers"] if d["ready"]) == expected["ready"]
    assert len({e["path"] for e in report["errors"]}) == expected["errors"]
    assert len(report["errors"]) > expected["errors"]  # each file has several problems


def test_missing_path_and_empty_pattern_are_located_errors(tmp_path: Path) -> None:
    ready = tmp_path / "ok.yaml"
    ready.write_bytes(to_yaml(base("change")))
    missing = str(tmp_path / "nope.yaml")
    pattern = str(tmp_path / "nothing" / "**" / "*.yaml")
    result = run("validate", str(ready), missing, pattern)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{missing}: no such file",
        f"{pattern}: no YAML file matches this pattern",
    ]
    assert result.stdout.splitlines()[-1] == "1 of 1 dossier ready; 2 files could not be checked"
    report = json.loads(run("validate", str(ready), missing, pattern, "-f", "json").stdout)
    assert [(e["path"], e["location"]) for e in report["errors"]] == [
        (missing, None),
        (pattern, None),
    ]
    assert [d["ready"] for d in report["dossiers"]] == [True]
    # A not-ready dossier still wins: exit 1.
    blocked = tmp_path / "blocked.yaml"
    blocked.write_bytes(to_yaml(base("not-ready")))
    assert run("validate", str(blocked), missing).exit_code == 1


# ---- personal data -------------------------------------------------------------------------


def everything(result: Any, *files: Path) -> str:
    return (
        result.stdout
        + result.stderr
        + "".join(f.read_text(encoding="utf-8") for f in files if f.exists())
    )


def test_no_number_leaks_in_any_format(
    folder: Folder, outputs: dict[str, Any], tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    reports = tmp_path / "reports"
    pairs = [arg for fmt in FORMATS[1:] for arg in ("-f", fmt, "-o", str(reports / fmt))]
    combined = run(
        "validate",
        str(folder.root),
        *pairs,
        "-f",
        "text",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert combined.exit_code == 1
    texts = {fmt: result.stdout + result.stderr for fmt, result in outputs.items()}
    texts["combined"] = everything(combined, summary, *(reports / fmt for fmt in FORMATS[1:]))
    assert summary.read_text(encoding="utf-8").startswith("## permitcheck:")
    for where, text in texts.items():
        leaked = sorted(number for number in folder.numbers if number in text)
        assert leaked == [], where
    # The numbers are there, masked, so the check above is not vacuous.
    some = folder.passports[folder.ready[0]]
    assert f"(passport {mask(some)})" in texts["text"]
    applicants = {
        d["path"]: d["applicant"]["passport"]
        for d in json.loads(outputs["json"].stdout)["dossiers"]
    }
    assert applicants == {path: mask(number) for path, number in folder.passports.items()}


def test_show_personal_data_shows_the_applicant_passport(folder: Folder) -> None:
    text = run("validate", str(folder.root), "--show-personal-data").stdout
    report = json.loads(
        run("validate", str(folder.root), "--show-personal-data", "-f", "json").stdout
    )
    applicants = {d["path"]: d["applicant"]["passport"] for d in report["dossiers"]}
    assert applicants == folder.passports
    for number in folder.passports.values():
        assert f"(passport {number})" in text


LEAKY: dict[str, tuple[str, dict[str, Any], str]] = {
    # case: (example, changes, the number that must not appear)
    "number-list": ("new-permit", {"applicant.passport.number": ["KV5512093"]}, "KV5512093"),
    "number-mapping": (
        "new-permit",
        {"applicant.passport.number": {"value": "KV5512094"}},
        "KV5512094",
    ),
    "number-unquoted-digits": (
        "change",
        {"current_permit.number": 320100209876543210},
        "320100209876543210",
    ),
    "number-float": ("change", {"current_permit.number": 3201002098.765432}, "3201002098"),
    "passport-is-the-number": ("new-permit", {"applicant.passport": "KV5512095"}, "KV5512095"),
    "family-passport-is-the-number": (
        "new-permit",
        {"family[0].passport": "KV5512096"},
        "KV5512096",
    ),
    "permit-is-the-number": (
        "extension",
        {"current_permit": "320100201234512345"},
        "320100201234512345",
    ),
}


@pytest.mark.parametrize("case", sorted(LEAKY))
def test_malformed_number_never_leaks(tmp_path: Path, case: str) -> None:
    name, changes, number = LEAKY[case]
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(to_yaml(patched(base(name), changes)))
    assert number in path.read_text(encoding="utf-8")
    for fmt in FORMATS:
        for lang in ("en", "zh"):
            result = run("validate", str(path), "-f", fmt, "--lang", lang)
            assert result.exit_code == 2, (fmt, result.stdout, result.stderr)
            if fmt == "github":  # the error is an annotation instead (said once)
                assert result.stdout.startswith(f"::error file={path},"), result.stdout
            else:
                assert result.stderr.startswith(f"{path}:"), result.stderr
            assert number not in result.stdout + result.stderr, (fmt, lang, result.stderr)


def test_number_quoted_in_a_finding_is_masked(tmp_path: Path) -> None:
    """A scan named after the passport number: the finding about it must not spell it out."""
    number = "KV5512097"
    data = patched(
        base("new-permit"),
        {
            "applicant.passport.number": number,
            "documents.passport_copy.file": f"scans/passport-{number}.pdf",
        },
    )
    path = tmp_path / "named-scan.yaml"
    path.write_bytes(to_yaml(data))
    texts = {}
    for fmt in FORMATS:
        result = run("validate", str(path), "-f", fmt)
        assert result.exit_code == 1, (fmt, result.stderr)
        texts[fmt] = result.stdout + result.stderr
        assert number not in texts[fmt], fmt
    assert f"scans/passport-{mask(number)}.pdf" in texts["text"]
    shown = run("validate", str(path), "--show-personal-data").stdout
    assert f"scans/passport-{number}.pdf" in shown


def test_a_stop_whose_exception_python_dropped_still_ends_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal handler that runs inside an at-fork hook or a finalizer raises in vain (Python
    prints "Exception ignored" and goes on); the stop it recorded ends the batch at the next
    chunk instead of after every dossier."""
    for index in range(3):
        (tmp_path / f"d{index}.yaml").write_bytes(to_yaml(example_without_files("new-permit")))
    paths = sorted(str(path) for path in tmp_path.glob("*.yaml"))
    monkeypatch.setattr(batch, "_STOP", [])
    checked: list[str] = []
    real = batch.check_one

    def check_and_stop(path: str, settings: Settings, **given: Any) -> object:
        checked.append(path)
        batch.request_stop(143)  # as the handler does, before its exception is dropped
        return real(path, settings, **given)

    monkeypatch.setattr(batch, "check_one", check_and_stop)
    monkeypatch.setattr(batch, "MIN_CHUNK", 1)
    monkeypatch.setattr(batch, "MAX_CHUNK", 1)
    with pytest.raises(SystemExit) as stopped:
        batch.check_all(paths, Settings(today=date(2026, 11, 29), jobs=1))
    assert stopped.value.code == 143
    assert checked == paths[:1]


def test_workers_send_each_json_result_rendered_and_the_report_is_unchanged(
    tmp_path: Path,
) -> None:
    from permitcheck import render
    from permitcheck.findings import RenderOptions

    paths = []
    for number in range(8):
        name = "not-ready" if number % 2 else READY[number % len(READY)]
        target = tmp_path / f"d{number}.yaml"
        target.write_bytes(to_yaml(numbered(base(name), number, f"W {number}")))
        paths.append(str(target))
    settings = Settings(today=date(2026, 11, 29), jobs=1)
    options = RenderOptions(lang="zh")
    for fail_on in ("error", "warning"):
        piece = render.piece("json", options, fail_on)
        assert piece is not None
        whole, _ = batch.check_all(paths, settings)
        sent, _ = batch.check_all(paths, settings, piece=piece)
        for full, light in zip(whole, sent, strict=True):
            # Nothing of the findings travels back, but what the report needs of them.
            assert light.findings == () and light.rendered == piece(full)
            assert light.ready(fail_on) == full.ready(fail_on)
            assert light.tally(fail_on) == full.tally(fail_on)
            assert light.counts() == full.counts() and light.rules() == full.rules()
        assert {result.ready(fail_on) for result in whole} == {True, False}
    # Formats rendered as a whole get whole results.
    assert render.piece("sarif", options, "error") is None


def test_next_steps_are_worked_out_only_for_a_report_that_shows_them(tmp_path: Path) -> None:
    from permitcheck import render
    from permitcheck.findings import DossierResult, RenderOptions

    target = tmp_path / "ready.yaml"
    target.write_bytes(to_yaml(numbered(base("new-permit"), 1, "S 1")))
    settings = Settings(today=date(2026, 11, 29), jobs=1)
    shown = batch.check_one(str(target), settings)
    assert isinstance(shown, DossierResult) and shown.next_steps is not None
    skipped = batch.check_one(str(target), settings, next_steps=False)
    assert isinstance(skipped, DossierResult) and skipped.next_steps is None
    json_piece = render.piece("json", RenderOptions(), "error")
    assert json_piece is not None and not json_piece.needs_next_steps
    assert render.REPORTER_BY_NAME["text"].next_steps


def test_a_json_report_is_written_in_parts_a_dossier_each(tmp_path: Path) -> None:
    """A report of 10,000 dossiers is 140 MB of JSON: it is written as it is made, one part a
    dossier, never held whole; the parts make the same document."""
    from permitcheck import render, services
    from permitcheck.files import write_replacing
    from permitcheck.findings import RenderOptions

    for number in range(3):
        data = numbered(base("new-permit"), number, f"P {number}")
        (tmp_path / f"d{number}.yaml").write_bytes(to_yaml(data))
    report = services.check_paths([str(tmp_path)], Settings(today=date(2026, 11, 29), jobs=1))
    options = RenderOptions()
    parts = list(render.render_parts("report", report, "json", options))
    whole = render.render("report", report, "json", options)
    assert len(parts) == 2 + len(report.results) and "".join(parts) == whole
    assert json.loads(whole)["dossiers"][2]["applicant"]["name"] == "P 2"
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    write_replacing(str(target), iter(parts))
    assert target.read_text(encoding="utf-8") == whole
    # The text checklist too, in every layout; a format rendered whole is one part.
    for layout in (RenderOptions(), RenderOptions(quiet=True), RenderOptions(color=True)):
        text_parts = list(render.render_parts("report", report, "text", layout))
        assert len(text_parts) == 1 + len(report.results)
        assert "".join(text_parts) == render.render("report", report, "text", layout)
    assert list(render.render_parts("report", report, "sarif", options)) == [
        render.render("report", report, "sarif", options)
    ]
