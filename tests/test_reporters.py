"""Reporters render a Report to a string: text (plain and coloured) and JSON, byte-stable."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date

import pytest

from helpers import invoke
from permitcheck.findings import DossierResult, Finding, RenderOptions, Report, SourceRef
from permitcheck.i18n import Text
from permitcheck.problems import Location, Problem
from permitcheck.render import formats, render

SOURCE = (
    SourceRef(
        title="FAQ",
        section="3(4)",
        quote="The issuance of a criminal record should be within 6 months.",
    ),
)


def finding(
    rule: str,
    status: str,
    *,
    check: str = "max_age",
    about_presence: bool = False,
    severity: str = "error",
    window: date | None = None,
) -> Finding:
    return Finding(
        rule=rule,
        status=status,
        severity=severity,  # type: ignore[arg-type]
        subject="documents.criminal_record.issued_on",
        title=Text(en="Record at most 6 months old", zh="无犯罪记录证明在6个月内出具"),
        message=Text(en=f"{rule} says {status}", zh=f"{rule} 结果 {status}"),
        fix=Text(en="Get a new one", zh="请重新申请") if status in ("fail", "warn") else None,
        sources=SOURCE,
        location=Location(31, 3),
        group="criminal_record",
        check=check,
        about_presence=about_presence,
        window_end=window,
    )


def result(*findings: Finding) -> DossierResult:
    return DossierResult(
        path="a.yaml",
        type="new",
        city="nanjing",
        city_name=Text(en="Nanjing", zh="南京"),
        as_of=date(2026, 12, 7),
        findings=tuple(findings),
        submit_by=date(2027, 3, 15),
        submit_by_rule="r.age",
        submit_by_subject="documents.criminal_record.issued_on",
        groups={
            "criminal_record": Text(en="Certificate of no criminal record", zh="无犯罪记录证明")
        },
    )


REPORT = Report(
    results=(
        result(
            finding("r.age", "fail"),
            finding("r.present", "pass", check="present", about_presence=True),
            finding("r.skip", "skip"),
            finding("r.exempt", "exempt"),
        ),
    ),
    errors=(Problem(Text(en="expected a date", zh="应为日期"), "b.yaml", Location(4, 7)),),
)


def _json_messages(out: str) -> list[str]:
    data = json.loads(out)
    return [f["message"] for d in data["dossiers"] for f in d["findings"]] + [
        e["message"] for e in data["errors"]
    ]


def _junit_messages(out: str) -> list[str]:
    root = ET.fromstring(out.encode())
    assert root.tag == "testsuites"
    return [e.attrib["message"] for e in root.iter() if "message" in e.attrib]


def _sarif_messages(out: str) -> list[str]:
    data = json.loads(out)
    assert data["version"] == "2.1.0"
    return [r["message"]["text"] for run in data["runs"] for r in run["results"]]


def _github_messages(out: str) -> list[str]:
    lines = out.splitlines()
    commands = [
        re.fullmatch(r"::(?:error|warning|notice)(?: [^:]*)?::(.*)", line) for line in lines
    ]
    assert all(commands), lines  # every line a workflow command, nothing else
    return [match[1] for match in commands if match]


def _html_messages(out: str) -> list[str]:
    from html.parser import HTMLParser

    texts: list[str] = []

    class Reader(HTMLParser):
        def handle_data(self, data: str) -> None:
            texts.append(data)

    assert out.startswith("<!DOCTYPE html>")
    Reader().feed(out)
    return texts


def _markdown_messages(out: str) -> list[str]:
    assert out.startswith("## permitcheck: 0 of 1 dossier ready; 1 file could not be checked\n")
    return out.splitlines()


# How to read each format, written independently of the registry: a format added without a
# reader here, or a reader left for a format that is gone, fails the test below.
READERS: dict[str, Callable[[str], list[str]]] = {
    "text": str.splitlines,
    "json": _json_messages,
    "junit": _junit_messages,
    "sarif": _sarif_messages,
    "github": _github_messages,
    "markdown": _markdown_messages,
    "html": _html_messages,
}


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_format_renders_a_report_its_readers_can_parse(name: str) -> None:
    assert name in formats("report")
    out = render("report", REPORT, name, RenderOptions())
    messages = READERS[name](out)
    # The failing finding reaches the reader; so does the dossier that could not be read,
    # except in text, whose errors the CLI prints on standard error (the report counts them).
    assert any("r.age says fail" in message for message in messages), out
    assert (name == "text") != any("expected a date" in message for message in messages), out


def test_every_registered_format_has_a_reader() -> None:
    assert sorted(formats("report")) == sorted(READERS)


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    result = invoke("validate", "--help")
    assert result.exit_code == 0
    # "Output format: auto, text, ... or markdown;" (auto: text, or github under GitHub Actions)
    offered = re.search(r"Output format: ([a-z, ]+) or ([a-z]+);", " ".join(result.stdout.split()))
    assert offered, result.stdout
    named = [*offered[1].split(", "), offered[2]]
    assert sorted(named) == sorted(["auto", *formats("report")])


@pytest.mark.parametrize("name", ["", "xml", "TEXT", "pdf", "ics"])
def test_an_unknown_format_is_a_key_error(name: str) -> None:
    with pytest.raises(KeyError):
        render("report", REPORT, name, RenderOptions())


def test_plain_text_checklist() -> None:
    text = render("report", REPORT, "text", RenderOptions())
    assert text.splitlines() == [
        "a.yaml — new work permit (Notification Letter), Nanjing, as of 2026-12-07",
        "",
        "Certificate of no criminal record",
        "  [FAIL] r.age says fail  [FAQ 3(4)]  (r.age)  a.yaml:31",
        "      Fix: Get a new one",
        "  [EXEMPT] r.exempt says exempt  [FAQ 3(4)]",
        "  [ok] r.present says pass",
        "",
        "Not ready: 1 to fix, 1 by commitment or exemption; submit by 2027-03-15 "
        "(set by Certificate of no criminal record)",
        "",
        "0 of 1 dossier ready; 1 file could not be checked",
    ]
    assert "\x1b[" not in text


def test_verbose_shows_skipped_rules() -> None:
    text = render("report", REPORT, "text", RenderOptions(verbose=True))
    assert "  [skip] r.skip says skip  (r.skip)" in text
    assert "1 not applicable" in text


def test_coloured_text_uses_marks_and_escapes() -> None:
    text = render("report", REPORT, "text", RenderOptions(color=True, width=60))
    assert "\x1b[" in text and "✗" in text and "✓" in text
    assert "[FAIL]" not in text


def test_chinese_text() -> None:
    text = render("report", REPORT, "text", RenderOptions(lang="zh"))
    assert "无犯罪记录证明" in text
    assert "      处理：请重新申请" in text
    assert "  [不通过] r.age 结果 fail  [依据 FAQ 3(4)]  (r.age)" in text
    assert text.splitlines()[-3] == (
        "尚不能提交：1 项需处理，1 项以承诺或豁免满足；"
        "最迟于 2027-03-15 提交（取决于无犯罪记录证明）"
    )


def test_warnings_do_not_block_by_default() -> None:
    report = Report(results=(result(finding("r.late", "warn")),), errors=())
    assert report.all_ready()
    text = render("report", report, "text", RenderOptions())
    # r.late does not set submit_by (r.age does), so no "set by" is named.
    assert text.splitlines()[-1] == "Ready: 1 warning; submit by 2027-03-15"
    strict = Report(results=report.results, errors=(), fail_on="warning")
    assert not strict.all_ready()
    assert (
        render("report", strict, "text", RenderOptions())
        .splitlines()[-1]
        .startswith("Not ready: 1 to fix")
    )


def test_json_report() -> None:
    out = render("report", REPORT, "json", RenderOptions())
    assert out == render("report", REPORT, "json", RenderOptions())  # byte-stable
    data = json.loads(out)
    dossier = data["dossiers"][0]
    assert dossier["ready"] is False
    assert dossier["counts"] == {
        "fail": 1,
        "warn": 0,
        "pass": 1,
        "exempt": 1,
        "skip": 1,
        "waived": 0,
    }
    assert dossier["submit_by"] == "2027-03-15"
    first = dossier["findings"][0]
    assert first == {
        "rule": "r.age",
        "status": "fail",
        "severity": "error",
        "subject": "documents.criminal_record.issued_on",
        "title": "Record at most 6 months old",
        "message": "r.age says fail",
        "fix": "Get a new one",
        "sources": [{"title": "FAQ", "section": "3(4)"}],
        "location": {"line": 31, "column": 3},
        "waiver": None,
    }
    assert data["errors"] == [
        {
            "path": "b.yaml",
            "message": "line 4, column 7: expected a date",
            "location": {"line": 4, "column": 7},
        }
    ]


def test_json_is_one_finding_per_line() -> None:
    out = render("report", REPORT, "json", RenderOptions())
    finding_lines = [line for line in out.splitlines() if line.startswith('      {"rule": ')]
    assert len(finding_lines) == 4
    assert render("report", Report(results=(), errors=()), "json", RenderOptions()) == (
        '{\n  "tool": "permitcheck",\n  "version": "0.1.0",\n  "dossiers": [],\n'
        '  "errors": [],\n  "warnings": [],\n  "skipped": 0,\n  "rules": {}\n}\n'
    )


def test_json_in_chinese_keeps_the_characters() -> None:
    out = render("report", REPORT, "json", RenderOptions(lang="zh"))
    assert "r.age 结果 fail" in out and "\\u" not in out


def test_finding_of_is_the_same_frozen_finding() -> None:
    # The engine makes findings with Finding.of (no per-field __setattr__): the same values in
    # the same fields, equal, hashable and frozen like one made with Finding(...).
    import dataclasses

    from permitcheck.problems import Location

    values = {
        "rule": "r.one",
        "status": "fail",
        "severity": "warning",
        "subject": "documents.x",
        "title": Text(en="T", zh="题"),
        "message": Text(en="M", zh="信"),
        "fix": None,
        "sources": (),
        "location": Location(3, 4),
        "group": "x",
        "check": "present",
        "about_presence": True,
        "window_end": date(2026, 1, 2),
        "window_start": None,
        "window_open": True,
        "pending": False,
        "item": None,
        "sort_key": ("documents", "x"),
        "waiver": None,
        "deadline_range": (date(2027, 1, 5), date(2027, 1, 12)),
    }
    assert list(values) == [f.name for f in dataclasses.fields(Finding)]
    made = Finding.of(*values.values())
    assert made == Finding(**values) and hash(made) == hash(Finding(**values))
    assert {f.name: getattr(made, f.name) for f in dataclasses.fields(Finding)} == values
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.status = "pass"  # type: ignore[misc]
