"""National law the Nanjing FAQ omits (issue 11): the extension lead time of the Administrative
Licensing Law, and the Notification Letter's 6-month validity in `steps` and `timeline`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import example_data, invoke, patched, to_yaml

FORMATS = ["text", "json", "junit", "sarif", "github", "markdown"]


def _extension(tmp_path: Path, expiry: str) -> str:
    path = tmp_path / "extension.yaml"
    data = patched(example_data("extension"), {"current_permit.expiry_date": expiry})
    path.write_bytes(to_yaml(data))
    return str(path)


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize(("as_of", "code", "says"), [
    ("2027-03-02", 1, "an extension must be filed at least 30 days before, by 2027-03-01"),
    ("2027-03-01", 0, "only until 2027-03-01"),   # ready, with the early warning
])
def test_29_days_before_expiry_is_not_ready_30_days_is_and_the_law_is_cited(
        tmp_path: Path, output_format: str, as_of: str, code: int, says: str) -> None:
    dossier = _extension(tmp_path, "2027-03-31")
    result = invoke("validate", dossier, "--as-of", as_of, "-f", output_format)
    assert result.exit_code == code, result.stdout
    assert says in result.stdout
    assert "Administrative Licensing Law" in result.stdout
    assert "Art. 50" in result.stdout
    if output_format != "github":  # workflow annotations carry no rule id
        assert "china.extension.lead-time" in result.stdout


def test_the_lead_time_sets_submit_by_for_an_extension(tmp_path: Path) -> None:
    dossier = _extension(tmp_path, "2027-03-31")
    result = invoke("validate", dossier, "--as-of", "2027-01-10", "-f", "json")
    report = json.loads(result.stdout)["dossiers"][0]
    assert report["submit_by"] == "2027-03-01"
    assert report["submit_by_rule"] == "china.extension.lead-time"
    found = [f for f in report["findings"] if f["rule"] == "china.extension.lead-time"]
    assert [f["status"] for f in found] == ["pass"]
    assert {s["section"] for s in found[0]["sources"]} >= {"Art. 50"}


def test_blocked_with_fail_on_warning_when_filed_too_early(tmp_path: Path) -> None:
    dossier = _extension(tmp_path, "2027-03-31")
    early = invoke("validate", dossier, "--as-of", "2026-12-30")
    assert early.exit_code == 0
    assert "Too early: the national system accepts an extension from 2026-12-31" in early.stdout
    assert invoke("validate", dossier, "--as-of", "2026-12-30",
                  "--fail-on", "warning").exit_code == 1


def test_explain_says_how_the_30_days_are_counted() -> None:
    out = invoke("explain", "china.extension.lead-time").stdout
    assert "the last day is `current_permit.expiry_date` minus 30 calendar days " \
           "(for 2027-03-31, 2027-03-01)" in out
    assert "The Nanjing FAQ lists the materials for an extension (FAQ 4) but sets no filing " \
           "deadline." in out
    assert "[Administrative Licensing Law Art. 50]" in out
    zh = invoke("explain", "china.extension.lead-time", "--lang", "zh").stdout
    assert "减去 30 个日历日（如 2027-03-31 对应 2027-03-01）" in zh
    assert "[行政许可法 Art. 50]" in zh or "行政许可法" in zh
