"""Each machine format read by its real reader: SARIF by its JSON Schema, JUnit by junitparser,
GitHub workflow commands by their documented syntax, Markdown as GitHub renders tables."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from helpers import EXAMPLES, ROOT, checklist, example_data, invoke, patched, to_yaml, without_files
from permitcheck.render.github import command


def uri_path(uri: str) -> str:
    """The path a SARIF artifact URI names: a file: URI for files outside the working
    directory, else a percent-encoded relative reference."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else unquote(uri)


SCHEMAS = Path(__file__).parent / "data" / "schemas"
EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))
INVALID = "permitcheck.invalid-dossier"
ENV = {
    "NO_COLOR": "",
    "LC_ALL": "",
    "LC_MESSAGES": "",
    "LANG": "C.UTF-8",
    # Never append to a real job summary when the tests themselves run in GitHub Actions.
    "GITHUB_STEP_SUMMARY": "",
}


@pytest.fixture(autouse=True)
def _in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths (`examples/x.yaml`), as a CI job in the repository passes them."""
    monkeypatch.chdir(ROOT)


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return invoke(*args, env=env)


def example(name: str) -> str:
    return f"examples/{name}.yaml"


def write(path: Path, data: dict[str, Any] | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else to_yaml(without_files(data)))
    return str(path)


def json_report(*args: str) -> dict[str, Any]:
    result = run("validate", *args, "--format", "json")
    assert result.exit_code in (0, 1, 2), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def blocks(finding: dict[str, Any], fail_on: str) -> bool:
    if fail_on == "warning":
        return finding["status"] in ("fail", "warn")
    return finding["status"] == "fail"


def shown(report: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(dossier, finding) for every failed or warned finding, in report order."""
    return [
        (dossier, finding)
        for dossier in report["dossiers"]
        for finding in dossier["findings"]
        if finding["status"] in ("fail", "warn")
    ]


@pytest.fixture
def malformed(tmp_path: Path) -> list[str]:
    """Two files that cannot be checked: a YAML syntax error, and one with two problems."""
    syntax = write(tmp_path / "broken" / "syntax.yaml", b"permitcheck: 1\napplication: [\n")
    two = write(
        tmp_path / "broken" / "two-problems.yaml",
        patched(
            example_data("extension"),
            {"applicant.nationalty": "IE", "current_permit.expiry_date": "03/04/2026"},
        ),
    )
    return [syntax, two]


# ---- the vendored schemas --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sarif-2.1.0.json", "github-workflow.json", "pre-commit-hooks.json"]
)
def test_vendored_schemas_are_valid_schemas(name: str) -> None:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert name in readme and "SchemaStore" in readme and "Apache-2.0" in readme


# ---- SARIF -----------------------------------------------------------------------------------


def sarif_validator() -> Any:
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert cls is jsonschema.Draft7Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid_sarif(document: dict[str, Any]) -> None:
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in sarif_validator().iter_errors(document)
    ]
    assert problems == []
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1


def sarif_matches_json(
    document: dict[str, Any], report: dict[str, Any], fail_on: str = "error"
) -> None:
    """Rule metadata, levels and locations of the SARIF log agree with the JSON report."""
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    results = run_["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning")
        assert result["message"]["text"]

    sections: dict[str, set[str]] = {}
    for _, finding in shown(report):
        sections.setdefault(finding["rule"], set()).update(
            source["section"] for source in finding["sources"]
        )
    for rule in rules:
        if rule["id"] == INVALID:
            continue
        assert rule["shortDescription"]["text"].strip(), rule["id"]
        assert rule["fullDescription"]["text"].strip(), rule["id"]
        assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip(), rule["id"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
        for section in sections[rule["id"]]:
            assert f" {section}: “" in rule["help"]["text"], rule["id"]
            assert f" {section}: “" in rule["help"]["markdown"], rule["id"]
    assert set(ids) - {INVALID} == set(sections)

    expected = [
        (
            dossier["path"],
            finding["rule"],
            finding["location"]["line"],
            finding["location"]["column"],
            "error" if blocks(finding, fail_on) else "warning",
            finding["message"],
        )
        for dossier, finding in shown(report)
    ]
    actual = []
    for result in results:
        if result["ruleId"] == INVALID:
            continue
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        actual.append(
            (
                uri_path(physical["artifactLocation"]["uri"]),
                result["ruleId"],
                physical["region"]["startLine"],
                physical["region"]["startColumn"],
                result["level"],
                result["message"]["text"],
            )
        )
    assert [entry[:5] for entry in actual] == [entry[:5] for entry in expected]
    for got, want in zip(actual, expected, strict=True):
        assert got[5].startswith(want[5])

    invalid = [result for result in results if result["ruleId"] == INVALID]
    assert len(invalid) == len(report["errors"])
    if invalid:
        rule = rules[ids.index(INVALID)]
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] == "error"
    for result, error in zip(invalid, report["errors"], strict=True):
        assert result["level"] == "error"
        physical = result["locations"][0]["physicalLocation"]
        assert uri_path(physical["artifactLocation"]["uri"]) == error["path"]
        assert physical["region"] == {
            "startLine": error["location"]["line"],
            "startColumn": error["location"]["column"],
        }
        assert error["message"].endswith(result["message"]["text"])


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_sarif_of_every_example_is_valid_and_agrees_with_json(name: str) -> None:
    result = run("validate", example(name), "--format", "sarif")
    assert result.exit_code == (1 if name == "not-ready" else 0), result.stderr
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    report = json_report(example(name))
    sarif_matches_json(document, report)
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "permitcheck" and driver["version"] == report["version"]


def test_sarif_of_the_not_ready_example_has_errors_with_help() -> None:
    document = json.loads(run("validate", example("not-ready"), "-f", "sarif").stdout)
    results = document["runs"][0]["results"]
    assert sum(1 for r in results if r["level"] == "error") == 9
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    record = rules["nanjing.new.criminal-record.present"]
    assert "FAQ 3(4)" in record["help"]["text"]
    assert "**Fix:**" in record["help"]["markdown"]


def test_sarif_with_malformed_files_is_valid(malformed: list[str]) -> None:
    args = [example("not-ready"), example("change"), *malformed]
    result = run("validate", *args, "--format", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    report = json_report(*args)
    assert len(report["errors"]) == 3
    sarif_matches_json(document, report)
    uris = [
        uri_path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in document["runs"][0]["results"]
        if r["ruleId"] == INVALID
    ]
    assert uris == [malformed[0], malformed[1], malformed[1]]


def test_sarif_of_malformed_files_only_is_valid(malformed: list[str]) -> None:
    result = run("validate", *malformed, "--format", "sarif")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    sarif_matches_json(document, json_report(*malformed))


@pytest.mark.parametrize("fail_on", ["error", "warning"])
def test_sarif_levels_follow_fail_on(tmp_path: Path, fail_on: str) -> None:
    late = write(
        tmp_path / "late.yaml",
        patched(
            example_data("cancellation"),
            {"cancellation.reason": "contract_ended", "cancellation.occurred_on": "2026-11-02"},
        ),
    )
    args = [late, example("not-ready"), "--fail-on", fail_on]
    document = json.loads(run("validate", *args, "-f", "sarif").stdout)
    assert_valid_sarif(document)
    report = json_report(*args)
    sarif_matches_json(document, report, fail_on)
    levels = {
        r["level"]
        for r in document["runs"][0]["results"]
        if uri_path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) == late
    }
    assert levels == {"warning" if fail_on == "error" else "error"}


def test_sarif_in_chinese_is_valid() -> None:
    result = run(
        "validate", example("not-ready"), example("new-permit"), "-f", "sarif", "--lang", "zh"
    )
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert any("依据" in rule["help"]["text"] for rule in rules)


# RFC 3986 URI-reference: only these characters, and `%` followed by two hex digits.
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def test_sarif_uri_is_a_uri_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SARIF's artifactLocation.uri has format uri-reference: a space must be `%20`."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "my dossiers" / "not ready.yaml", example_data("not-ready"))
    document = json.loads(run("validate", "my dossiers", "-f", "sarif").stdout)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert len(uris) == 1
    (uri,) = uris
    assert unquote(uri) == "my dossiers/not ready.yaml"
    assert URI_REFERENCE.match(uri), uri


# ---- JUnit -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "fail_on"), [("en", "error"), ("zh", "error"), ("en", "warning")])
def test_junit_counts_agree_with_json(
    tmp_path: Path, malformed: list[str], lang: str, fail_on: str
) -> None:
    late = write(
        tmp_path / "late.yaml",
        patched(
            example_data("cancellation"),
            {"cancellation.reason": "contract_ended", "cancellation.occurred_on": "2026-11-02"},
        ),
    )
    args = [*(example(name) for name in EXAMPLE_NAMES), late, *malformed]
    junit_file, json_file = tmp_path / "out" / "report.xml", tmp_path / "out" / "report.json"
    result = run(
        "validate",
        *args,
        "--lang",
        lang,
        "--fail-on",
        fail_on,
        "-f",
        "junit",
        "-o",
        str(junit_file),
        "-f",
        "json",
        "-o",
        str(json_file),
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    report = json.loads(json_file.read_text(encoding="utf-8"))
    raw = junit_file.read_bytes()
    root = ET.fromstring(raw)  # well-formed XML
    assert root.tag == "testsuites"

    xml = JUnitXml.fromfile(str(junit_file))
    suites = {suite.name: suite for suite in xml}
    error_paths = sorted({error["path"] for error in report["errors"]})
    assert sorted(suites) == sorted([d["path"] for d in report["dossiers"]] + error_paths)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for dossier in report["dossiers"]:
        suite = suites[dossier["path"]]
        cases = list(suite)
        findings = dossier["findings"]
        want = {
            "tests": len(findings),
            "failures": sum(1 for f in findings if blocks(f, fail_on)),
            "errors": 0,
            "skipped": sum(1 for f in findings if f["status"] == "skip"),
        }
        got = {
            "tests": suite.tests,
            "failures": suite.failures,
            "errors": suite.errors,
            "skipped": suite.skipped,
        }
        assert got == want, dossier["path"]
        kinds = [type(r) for case in cases for r in case.result]
        assert len(cases) == want["tests"]
        assert kinds.count(Failure) == want["failures"]
        assert kinds.count(Skipped) == want["skipped"]
        assert Error not in kinds
        failed = sorted(
            case.classname for case in cases if any(isinstance(r, Failure) for r in case.result)
        )
        assert failed == sorted(f["rule"] for f in findings if blocks(f, fail_on))
        for key in totals:
            totals[key] += want[key]
    for path in error_paths:
        suite = suites[path]
        assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (1, 0, 1, 0)
        (case,) = list(suite)
        (problem,) = case.result
        assert isinstance(problem, Error)
        messages = [e["message"] for e in report["errors"] if e["path"] == path]
        assert problem.message == messages[0]
        assert problem.text == "\n".join(messages)
        totals["tests"] += 1
        totals["errors"] += 1
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (
        totals["tests"],
        totals["failures"],
        totals["errors"],
        totals["skipped"],
    )
    assert totals["failures"] > 0 and totals["errors"] == 2
    if lang == "zh":
        assert "不适用于本档案" in raw.decode("utf-8")


def test_junit_to_stdout_is_well_formed_in_chinese() -> None:
    result = run("validate", example("not-ready"), "-f", "junit", "--lang", "zh")
    assert result.exit_code == 1
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.get("failures") == "9"
    xml = JUnitXml.fromstring(result.stdout.encode("utf-8"))
    (suite,) = list(xml)
    assert suite.name == example("not-ready") and suite.failures == 9


# ---- GitHub workflow commands ----------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice)( [a-zA-Z]+=[^,:]*(,[a-zA-Z]+=[^,:]*)*)?::.*$")


def unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def decode(line: str) -> tuple[str, dict[str, str], str]:
    """(kind, properties, message) of one workflow command, as the runner reads it."""
    match = COMMAND.match(line)
    assert match, line
    kind = match.group(1)
    rest = line[len("::" + kind) :]
    head, _, message = rest.partition("::")
    properties: dict[str, str] = {}
    if head:
        for pair in head.strip().split(","):
            name, _, value = pair.partition("=")
            properties[name] = unescape_property(value)
    return kind, properties, unescape_data(message)


def test_github_command_round_trip() -> None:
    message = "100% sure: a, b\nsecond line\r\nthird %0A literal"
    properties = {
        "file": "dir/a:b,c%.yaml",
        "line": 3,
        "col": 14,
        "title": "Title: one, two (FAQ 3(4), 3(5))\n%",
    }
    line = command("warning", message, **properties)
    assert "\n" not in line and "\r" not in line
    kind, decoded, text = decode(line)
    assert (kind, text) == ("warning", message)
    assert decoded == {name: str(value) for name, value in properties.items()}
    assert decode(command("notice", "plain")) == ("notice", {}, "plain")


def test_github_annotations_agree_with_json(malformed: list[str]) -> None:
    args = [*(example(name) for name in EXAMPLE_NAMES), *malformed]
    result = run("validate", *args, "-f", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert result.stdout.endswith("\n")
    decoded = [decode(line) for line in lines]
    report = json_report(*args)
    expected = [
        (
            "error" if blocks(f, "error") else "warning",
            d["path"],
            str(f["location"]["line"]),
            str(f["location"]["column"]),
            f["message"],
        )
        for d, f in shown(report)
    ]
    expected += [
        ("error", e["path"], str(e["location"]["line"]), str(e["location"]["column"]), None)
        for e in report["errors"]
    ]
    annotations = [
        (kind, props["file"], props["line"], props["col"], message)
        for kind, props, message in decoded
        if kind != "notice"
    ]
    assert [a[:4] for a in annotations] == [e[:4] for e in expected]
    for got, want in zip(annotations, expected, strict=True):
        if want[4] is not None:
            assert got[4].startswith(want[4])
    assert any("\nFix: " in message for *_, message in annotations)
    assert all(props.get("title") for kind, props, _ in decoded)
    notices = [message for kind, _, message in decoded if kind == "notice"]
    ready = sum(1 for d in report["dossiers"] if d["ready"])
    failed_files = len({e["path"] for e in report["errors"]})
    assert notices == [
        f"{ready} of {len(report['dossiers'])} dossiers ready; "
        f"{failed_files} files could not be checked"
    ]


def test_github_step_summary_is_appended(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n\nkept\n", encoding="utf-8")
    args = [example("not-ready"), example("change")]
    markdown = run("validate", *args, "-f", "markdown").stdout
    result = run("validate", *args, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert result.stdout.count("::error ") == 9
    assert summary.read_text(encoding="utf-8") == "# Earlier step\n\nkept\n" + markdown
    run("validate", *args, "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8") == "# Earlier step\n\nkept\n" + markdown * 2


def test_no_step_summary_without_github_format(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("before\n", encoding="utf-8")
    run("validate", example("change"), "-f", "json", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8") == "before\n"


# ---- Markdown --------------------------------------------------------------------------------


def cells(row: str) -> list[str]:
    """The cells of a GFM table row: split at `|` not escaped by a backslash."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def test_markdown_table_row_per_dossier_with_escaped_pipes(tmp_path: Path) -> None:
    piped = write(tmp_path / "team|a" / "ready|1.yaml", example_data("change"))
    data = example_data("change")
    data["applicant"]["na|me"] = "x"
    bad = write(tmp_path / "bad.yaml", data)
    args = [example("not-ready"), example("new-permit"), piped, bad]
    result = run("validate", *args, "-f", "markdown")
    assert result.exit_code == 1
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == "## permitcheck: 2 of 3 dossiers ready; 1 file could not be checked"
    start = lines.index("| | Dossier | Procedure | Result | Submit by |")
    assert lines[start + 1] == "|---|---|---|---|---|"
    rows = []
    for line in lines[start + 2 :]:
        if not line:
            break
        rows.append(cells(line))
    assert all(len(row) == 5 for row in rows)
    report = json_report(*args)
    assert [row[1] for row in rows] == [
        "`" + d["path"].replace("|", "\\|") + "`" for d in report["dossiers"]
    ]
    assert [row[0] for row in rows] == ["✅" if d["ready"] else "❌" for d in report["dossiers"]]
    assert [row[4] for row in rows] == [
        ("?" if d["submit_by_pending"] else "—")
        if d["submit_by"] is None
        else (f"at the latest {d['submit_by']}" if d["submit_by_pending"] else d["submit_by"])
        for d in report["dossiers"]
    ]
    not_ready = next(row for row in rows if row[0] == "❌")
    assert not_ready[3].startswith("not ready (3 missing, 6 to fix)")
    # The error about the key `na|me` is a list item, not a table cell: its `|` is shown as
    # written (escaping it there would show the backslash), on one line.
    (error_line,) = [line for line in lines if line.startswith(f"- `{bad}`")]
    assert "'na|me'" in error_line and "\\|" not in error_line


def test_markdown_details_for_not_ready_dossiers() -> None:
    args = [example("not-ready"), example("new-permit"), example("change")]
    out = run("validate", *args, "-f", "markdown").stdout
    report = json_report(*args)
    opened = re.findall(r"<details><summary><code>(.*?)</code></summary>", out)
    with_problems = [
        d["path"]
        for d in report["dossiers"]
        if any(f["status"] in ("fail", "warn") for f in d["findings"])
    ]
    assert example("not-ready") in with_problems
    assert opened == with_problems
    assert out.count("</details>") == len(with_problems)
    details = out[out.index(f"<code>{example('not-ready')}</code>") :]
    details = details[: details.index("</details>")]
    (dossier,) = [d for d in report["dossiers"] if d["path"] == example("not-ready")]
    failing = [f for f in dossier["findings"] if f["status"] == "fail"]
    assert details.count("- ❌ ") == len(failing) == 9
    for finding in failing:
        assert f"`{finding['rule']}`" in details
        assert finding["message"] in details


# ---- several reports in one run --------------------------------------------------------------


def test_several_formats_with_outputs_and_one_to_stdout(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    args = [example("not-ready"), example("change")]
    result = run(
        "validate",
        *args,
        "-f",
        "json",
        "-o",
        str(out / "r.json"),
        "-f",
        "sarif",
        "-o",
        str(out / "r.sarif"),
        "-f",
        "junit",
        "-o",
        str(out / "junit" / "r.xml"),
        "-f",
        "github",
        "-o",
        str(out / "annotations.txt"),
        "-f",
        "markdown",
    )
    assert result.exit_code == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "annotations.txt",
        "junit/r.xml",
        "r.json",
        "r.sarif",
    ]
    assert result.stdout == run("validate", *args, "-f", "markdown").stdout
    assert result.stdout.startswith("## permitcheck: 1 of 2 dossiers ready")
    for fmt, name in (
        ("json", "r.json"),
        ("sarif", "r.sarif"),
        ("junit", "junit/r.xml"),
        ("github", "annotations.txt"),
    ):
        alone = run("validate", *args, "-f", fmt).stdout
        assert (out / name).read_text(encoding="utf-8") == alone, fmt
    assert_valid_sarif(json.loads((out / "r.sarif").read_text(encoding="utf-8")))
    assert JUnitXml.fromfile(str(out / "junit" / "r.xml")).failures == 9


def test_text_to_stdout_with_json_to_file(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    result = run("validate", example("change"), "-f", "json", "-o", str(target), "-f", "text")
    assert result.exit_code == 0
    assert checklist(result.stdout).splitlines()[-1].startswith("Ready: ")
    assert json.loads(target.read_text(encoding="utf-8"))["dossiers"][0]["ready"] is True


def test_two_formats_to_stdout_is_a_usage_error() -> None:
    result = run("validate", example("change"), "-f", "json", "-f", "sarif")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "only one report can go to standard output" in result.stderr


def test_more_outputs_than_formats_is_a_usage_error(tmp_path: Path) -> None:
    result = run(
        "validate",
        example("change"),
        "-f",
        "json",
        "-f",
        "sarif",
        "-o",
        str(tmp_path / "a"),
        "-o",
        str(tmp_path / "b"),
        "-o",
        str(tmp_path / "c"),
    )
    assert result.exit_code == 2
    assert "more --output files than --format options" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "how", ["same-path", "other-spelling", "symlink", "inside-directory", "matched-by-glob"]
)
def test_output_over_a_dossier_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.chdir(tmp_path)
    dossier = tmp_path / "team" / "d.yaml"
    original = (EXAMPLES / "not-ready.yaml").read_bytes()
    (tmp_path / "team" / "x").mkdir(parents=True)
    dossier.write_bytes(original)
    argument, output = {
        "same-path": ("team/d.yaml", "team/d.yaml"),
        "other-spelling": ("team/d.yaml", str(tmp_path / "team" / "x" / ".." / "d.yaml")),
        "symlink": ("team/d.yaml", "link.yaml"),
        "inside-directory": ("team", "team/d.yaml"),
        "matched-by-glob": ("team/*.yaml", "team/d.yaml"),
    }[how]
    if how == "symlink":
        (tmp_path / "link.yaml").symlink_to(dossier)
    result = run("validate", argument, "-f", "json", "-o", output)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "never writes over your files" in result.stderr
    assert dossier.read_bytes() == original
