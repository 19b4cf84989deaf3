"""National law the Nanjing FAQ omits (issue 11): the extension lead time of the Administrative
Licensing Law, and the Notification Letter's 6-month validity in `steps` and `timeline`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, example_data, invoke, patched, to_yaml

FORMATS = ["text", "json", "junit", "sarif", "github", "markdown"]


def _extension(tmp_path: Path, expiry: str) -> str:
    path = tmp_path / "extension.yaml"
    data = patched(example_data("extension"), {"current_permit.expiry_date": expiry})
    path.write_bytes(to_yaml(data))
    return str(path)


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize(
    ("as_of", "code", "says"),
    [
        ("2027-03-02", 1, "an extension must be filed at least 30 days before, by 2027-03-01"),
        ("2027-03-01", 0, "only until 2027-03-01"),  # ready, with the early warning
    ],
)
def test_29_days_before_expiry_is_not_ready_30_days_is_and_the_law_is_cited(
    tmp_path: Path, output_format: str, as_of: str, code: int, says: str
) -> None:
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
    assert (
        invoke("validate", dossier, "--as-of", "2026-12-30", "--fail-on", "warning").exit_code == 1
    )


def test_explain_says_how_the_30_days_are_counted() -> None:
    out = invoke("explain", "china.extension.lead-time").stdout
    assert (
        "the last day is `current_permit.expiry_date` minus 30 calendar days "
        "(for 2027-03-31, 2027-03-01)" in out
    )
    assert (
        "The Nanjing FAQ lists the materials for an extension (FAQ 4) but sets no filing "
        "deadline." in out
    )
    assert "[Administrative Licensing Law Art. 50]" in out
    zh = invoke("explain", "china.extension.lead-time", "--lang", "zh").stdout
    assert "减去 30 个日历日（如 2027-03-31 对应 2027-03-01）" in zh
    assert "[行政许可法 Art. 50]" in zh or "行政许可法" in zh


# ---- The Notification Letter: valid 6 months from issue ------------------------------------


def _new_hire(tmp_path: Path, issued_on: str | None, entry: str | None = None) -> str:
    data = example_data("new-permit")
    if issued_on is not None:
        data["notification_letter"] = {"issued_on": issued_on}
    if entry is not None:
        data["application"]["entry_date"] = entry
    path = tmp_path / "new-hire.yaml"
    path.write_bytes(to_yaml(data))
    return str(path)


def _visa_step(dossier: str, *options: str) -> dict[str, object]:
    result = invoke("steps", dossier, "-f", "json", *options)
    assert result.exit_code == 0, result.stdout
    steps = json.loads(result.stdout)["steps"]
    return next(step for step in steps if step["id"] == "visa")


@pytest.mark.parametrize(
    ("issued_on", "last_day"),
    [
        ("2026-12-14", "2027-06-14"),
        ("2027-08-31", "2028-02-29"),  # the month end clamped, in a leap year
        ("2027-08-29", "2028-02-29"),
        ("2028-02-29", "2028-08-29"),  # from a leap day
        ("2026-08-31", "2027-02-28"),
    ],
)
def test_steps_show_the_letters_last_valid_day(
    tmp_path: Path, issued_on: str, last_day: str
) -> None:
    dossier = _new_hire(tmp_path, issued_on)
    visa = _visa_step(dossier, "--as-of", issued_on)
    assert visa["due"] == last_day
    assert visa["flag"] is None
    text = invoke("steps", dossier, "--as-of", issued_on).stdout
    assert (
        f"Due: by {last_day}; the last valid day, 6 months after the Notification Letter's "
        f"issue on {issued_on}" in text
    )
    assert "Notification Letter template validity" in text
    assert (
        f"最迟于 {last_day}"
        in invoke("steps", dossier, "--as-of", issued_on, "--lang", "zh").stdout
    )


def test_without_the_letter_the_visa_step_says_what_it_is_counted_from(tmp_path: Path) -> None:
    visa = _visa_step(_new_hire(tmp_path, None))
    assert visa["due"] is None and visa["flag"] is None and visa["done"] is None
    assert visa["due_note"] == (
        "counted from the Notification Letter's issue date "
        "(`notification_letter.issued_on` is not in the dossier)"
    )
    # The entry still shows the visa obtained.
    entered = _visa_step(_new_hire(tmp_path, None, "2027-03-01"), "--as-of", "2027-03-05")
    assert entered["done"] == "entered China on 2027-03-01 (`application.entry_date`)"


@pytest.mark.parametrize(
    ("entry", "as_of", "flag"),
    [
        ("2028-02-29", "2028-03-05", None),  # entered on the last valid day
        (
            "2028-03-01",
            "2028-03-05",
            "Late: entry on 2028-03-01 (`application.entry_date`) is "
            "after 2028-02-29, the last day of this step.",
        ),
        (
            "2027-08-30",
            "2028-03-05",
            "Entry on 2027-08-30 (`application.entry_date`) is before 2027-08-31",
        ),
        (None, "2028-02-29", None),  # not entered yet, still in time
        (
            None,
            "2028-03-01",
            "Past: the last day of this step was 2028-02-29, before the reference date 2028-03-01.",
        ),
    ],
)
def test_a_visa_step_dated_after_the_letter_is_flagged(
    tmp_path: Path, entry: str | None, as_of: str, flag: str | None
) -> None:
    dossier = _new_hire(tmp_path, "2027-08-31", entry)
    visa = _visa_step(dossier, "--as-of", as_of)
    assert visa["due"] == "2028-02-29"
    if flag is None:
        assert visa["flag"] is None
    else:
        assert isinstance(visa["flag"], str) and visa["flag"].startswith(flag), visa["flag"]
        text = invoke("steps", dossier, "--as-of", as_of).stdout
        assert f"[!] {flag}" in text
        assert "[!] " in invoke("steps", dossier, "--as-of", as_of, "--lang", "zh").stdout


def test_once_the_letter_is_issued_its_step_is_done(tmp_path: Path) -> None:
    result = invoke(
        "steps", _new_hire(tmp_path, "2027-01-20"), "-f", "json", "--as-of", "2027-02-01"
    )
    notification = json.loads(result.stdout)["steps"][1]
    assert notification["id"] == "notification"
    assert notification["due"] is None
    assert notification["done"] == (
        "the Notification Letter was issued on 2027-01-20 (`notification_letter.issued_on`)"
    )


@pytest.mark.parametrize(
    ("as_of", "status"), [("2028-01-10", "pass"), ("2028-02-20", "warn"), ("2028-03-01", "fail")]
)
def test_the_timeline_shows_the_letters_last_valid_day(
    tmp_path: Path, as_of: str, status: str
) -> None:
    dossier = _new_hire(tmp_path, "2027-08-31")
    data = json.loads(invoke("timeline", dossier, "--as-of", as_of, "-f", "json").stdout)
    visa = [w for w in data["windows"] if w["rule"] == "step:visa"]
    assert visa == [
        {
            "label": "Apply for the work visa",
            "rule": "step:visa",
            "start": "2027-08-31",
            "end": "2028-02-29",
            "status": status,
        }
    ]
    text = invoke("timeline", dossier, "--as-of", as_of).stdout
    line = next(line for line in text.splitlines() if line.startswith("Apply for the work visa"))
    assert "2028-02-29" in line
    without = json.loads(
        invoke("timeline", _new_hire(tmp_path, None), "--as-of", as_of, "-f", "json").stdout
    )
    assert not [w for w in without["windows"] if w["rule"].startswith("step:")]


def test_the_letter_in_the_dossier_is_checked_like_every_key(tmp_path: Path) -> None:
    data = example_data("new-permit")
    data["notification_letter"] = {"issued": "2027-01-20"}
    path = tmp_path / "letter.yaml"
    path.write_bytes(to_yaml(data))
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert "unknown key 'issued' in notification_letter; did you mean 'issued_on'?" in result.stderr
    data["notification_letter"] = {"issued_on": "03/04/2027"}
    path.write_bytes(to_yaml(data))
    result = invoke("validate", str(path))
    assert result.exit_code == 2 and "is ambiguous" in result.stderr


def test_schema_and_init_know_the_letter(tmp_path: Path) -> None:
    schema = json.loads(invoke("schema").stdout)
    assert "notification_letter" in schema["properties"]
    target = tmp_path / "hire.yaml"
    assert invoke("init", str(target), "--type", "new").exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "# notification_letter: {issued_on: " in text
    assert "# entry_date: " in text
    filled = text.replace("# notification_letter:", "notification_letter:")
    assert "notification_letter" in yaml.safe_load(filled)


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (
            "{after: notification_letter.issued_on, months: 6, days: 3}",
            "`due` counts either `days` or `months` after its date",
        ),
        ("{after: notification_letter.issued_on}", "`due` counts either `days` or `months`"),
        ("{after: notification_letter.issued_on, months: 1201}", "must be from 1 to 1,200 months"),
        ("{after: notification_letter.issued, months: 6}", "notification_letter.issued_on"),
    ],
)
def test_a_step_due_that_cannot_be_counted_is_a_located_error(
    tmp_path: Path, due: str, message: str
) -> None:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    steps = root / "nanjing" / "steps.yaml"
    text = steps.read_text(encoding="utf-8")
    old = "due: {after: notification_letter.issued_on, months: 6}"
    assert old in text
    steps.write_text(text.replace(old, f"due: {due}"), encoding="utf-8")
    result = invoke("steps", "--rules", str(root))
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert re.search(r"steps\.yaml:\d+:\d+: ", result.stderr), result.stderr
