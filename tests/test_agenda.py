"""`permitcheck agenda`: every dated event of many dossiers, filters, formats and calendar files."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from icalendar import Calendar

from helpers import CALENDAR, EXAMPLES, ROOT, example_data, invoke, patched, to_yaml
from permitcheck import services
from permitcheck.agenda import Span, within
from permitcheck.findings import RenderOptions
from permitcheck.render import render
from permitcheck.settings import Settings

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate

AS_OF = "2026-12-04"


def agenda(*args: str) -> Any:
    return invoke("agenda", *args)


def events(*args: str) -> list[dict[str, Any]]:
    result = agenda(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)["events"]
    return found


def day(text: str) -> date:
    return date.fromisoformat(text)


def months_after(text: str, months: int) -> str:
    return (day(text) + relativedelta(months=months)).isoformat()


def of(found: list[dict[str, Any]], stem: str) -> set[tuple[str, str | None, str]]:
    """(kind, rule, date) of the events of the dossier `stem`."""
    return {(e["kind"], e["rule"], e["date"]) for e in found if Path(e["path"]).stem == stem}


# ---- what is listed ------------------------------------------------------------------------


def test_every_kind_of_event_of_the_examples() -> None:
    found = events(str(EXAMPLES), "--as-of", AS_OF)
    new = example_data("new-permit")
    record = new["documents"]["criminal_record"]["issued_on"]
    medical = new["documents"]["medical_exam"]["issued_on"]
    passport = new["applicant"]["passport"]["expiry_date"]
    # FAQ 3(4), 3(5): six months from the issue date; FAQ 3(7): six months' validity left.
    assert of(found, "new-permit") >= {
        ("submit_by", "nanjing.new.criminal-record.age", months_after(record, 6)),
        ("window", "nanjing.new.criminal-record.age", months_after(record, 6)),
        ("window", "nanjing.new.medical-exam.age", months_after(medical, 6)),
        ("window", "nanjing.new.passport.validity", months_after(passport, -6)),
        ("planned", None, new["application"]["submission_date"]),
    }
    # FAQ 5 note: 10 working days from 2026-11-27 (a Friday): two working weeks later.
    assert ("window", "nanjing.change.deadline", "2026-12-11") in of(found, "change")
    assert ("window", "nanjing.cancellation.deadline", "2026-12-04") in of(found, "cancellation")
    for stem in ("extension", "change", "cancellation"):
        expiry = example_data(stem)["current_permit"]["expiry_date"]
        assert ("permit_expiry", None, expiry) in of(found, stem)
    # The national 30-day lead time of an extension (not in the FAQ).
    expiry = example_data("extension")["current_permit"]["expiry_date"]
    lead = (day(expiry) - timedelta(days=30)).isoformat()
    assert ("window", "china.extension.lead-time", lead) in of(found, "extension")
    # Closed windows are listed, overdue, with the days since.
    overdue = [e for e in found if e["state"] == "closed"]
    assert {Path(e["path"]).stem for e in overdue} == {"not-ready"}
    assert all(e["days_left"] < 0 for e in overdue)


def test_soonest_first_over_200_generated_dossiers(tmp_path: Path) -> None:
    generate(tmp_path / "many", 200, seed=7)
    result = agenda(str(EXAMPLES), str(tmp_path / "many"), "--as-of", AS_OF, "-f", "json")
    document = json.loads(result.stdout)
    assert document["dossiers"] == 206 and not document["errors"]
    found = document["events"]
    keys = [(e["date"], e["latest"] or e["date"]) for e in found]
    assert keys == sorted(keys)
    paths = {e["path"] for e in found}
    assert len(paths) == 206  # every dossier has at least its planned submission
    assert {e["kind"] for e in found} == {"submit_by", "window", "permit_expiry", "planned"}
    # Each generated criminal record's last day, worked out here from its file.
    import yaml

    checked = 0
    for path in (tmp_path / "many").glob("*-new-permit.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        issued = str(data["documents"]["criminal_record"]["issued_on"])
        listed = [
            e
            for e in found
            if e["path"] == str(path) and e["rule"] == "nanjing.new.criminal-record.age"
        ]
        assert any(e["kind"] == "window" and e["date"] == months_after(issued, 6) for e in listed)
        checked += 1
    assert checked >= 30
    # Days left are counted from the agenda's day.
    assert all(e["days_left"] == (day(e["date"]) - day(AS_OF)).days for e in found)


def test_the_steps_after_a_notification_letter_and_no_more_submission_dates(
    tmp_path: Path,
) -> None:
    data = patched(
        example_data("new-permit"),
        {
            "notification_letter": {"issued_on": "2026-11-01"},
            "application.entry_date": "2026-11-20",
        },
    )
    shutil.copytree(EXAMPLES / "docs", tmp_path / "docs")
    (tmp_path / "d.yaml").write_bytes(to_yaml(data))
    found = events(str(tmp_path / "d.yaml"), "--as-of", AS_OF)
    # FAQ 2(5): within 30 days of entry (the entry day not counted).
    assert [(e["kind"], e["rule"], e["date"]) for e in found] == [
        ("step", "step:residence_permit", "2026-12-20")
    ]


def test_waivers_end_on_the_agenda_with_numbers_masked(tmp_path: Path) -> None:
    number = example_data("new-permit")["applicant"]["passport"]["number"]
    data = example_data("new-permit")
    data["waivers"] = [
        {
            "rule": "nanjing.new.medical-exam.age",
            "reason": "re-examined",
            "approved_by": f"HR for {number}",
            "expires": "2027-01-10",
        }
    ]
    shutil.copytree(EXAMPLES / "docs", tmp_path / "docs")
    (tmp_path / "d.yaml").write_bytes(to_yaml(data))
    for fmt in ("json", "text", "markdown", "ics"):
        out = agenda(str(tmp_path / "d.yaml"), "--as-of", AS_OF, "-f", fmt).stdout
        assert number not in out.replace("\r\n ", ""), fmt
    found = events(str(tmp_path / "d.yaml"), "--as-of", AS_OF)
    ends = [e for e in found if e["kind"] == "waiver"]
    assert [(e["date"], e["rule"]) for e in ends] == [
        ("2027-01-10", "nanjing.new.medical-exam.age")
    ]
    assert "HR for" in ends[0]["fix"]


def test_a_deadline_in_an_unpublished_year_is_a_range(tmp_path: Path) -> None:
    """With 2027's holidays unknown, 10 working days from 2026-12-24 end between the first
    and the last day they can: listed from the first, tentative, in the calendar too."""
    data = patched(example_data("change"), {"change.occurred_on": "2026-12-24"})
    view = _in_process(data, tmp_path / "d.yaml", "2026-12-28")
    (entry,) = [e for e in view.entries if e.event.key.startswith("nanjing.change.deadline")]
    # 25, 28 and 29 Dec are 3 working days; 30 Dec on is not settled (New Year may start
    # then): the 7 others, from 30 Dec on, end on 5 Jan at the earliest (every day a working
    # day, as a make-up weekend may be), later with the New Year holiday.
    assert entry.event.day == date(2026, 12, 30) + timedelta(days=6)
    assert entry.event.latest is not None and entry.event.latest > entry.event.day
    calendar = Calendar.from_ical(render("agenda", view, "ics", RenderOptions()))
    (item,) = [
        c for c in calendar.walk("VEVENT") if "Change of permit information" in str(c["SUMMARY"])
    ]
    assert str(item["STATUS"]) == "TENTATIVE"
    assert item.decoded("DTSTART") == entry.event.day
    assert item.decoded("DTEND") == entry.event.latest + timedelta(days=1)
    text = str(item["DESCRIPTION"])
    assert entry.event.day.isoformat() in text and entry.event.latest.isoformat() in text


def _in_process(data: dict[str, Any], path: Path, as_of: str) -> Any:
    path.write_bytes(to_yaml(data))
    settings = Settings(today=day(as_of), as_of=day(as_of), calendar=CALENDAR)
    return services.plan_agenda([str(path)], settings, Span())


# ---- filters -------------------------------------------------------------------------------


def test_within_keeps_what_falls_due_by_then_and_what_is_overdue() -> None:
    found = events(str(EXAMPLES), "--as-of", AS_OF, "--within", "30d")
    assert found and all(day(e["date"]) <= day(AS_OF) + timedelta(days=30) for e in found)
    assert any(e["state"] == "closed" for e in found)
    everything = events(str(EXAMPLES), "--as-of", AS_OF)
    assert len(everything) > len(found)
    assert [e for e in everything if day(e["date"]) <= day(AS_OF) + timedelta(days=30)] == found


def test_from_and_until() -> None:
    found = events(str(EXAMPLES), "--as-of", AS_OF, "--from", AS_OF, "--until", "2027-01-31")
    assert found and all(AS_OF <= e["date"] <= "2027-01-31" for e in found)
    assert not any(e["state"] == "closed" for e in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", date(2027, 1, 3)),
        ("30", date(2027, 1, 3)),
        ("2w", date(2026, 12, 18)),
        ("3m", date(2027, 3, 4)),
        ("1 month", date(2027, 1, 4)),
        ("1y", date(2027, 12, 4)),
    ],
)
def test_spans(text: str, expected: date) -> None:
    assert within(text, day(AS_OF)) == expected


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--within", "soon"], "--within soon: expected a number of days"),
        (["--within", "3d", "--until", "2027-01-01"], "give one of them"),
        (["--from", "2027-02-01", "--until", "2027-01-01"], "is after the last day"),
        (["--from", "03/04/2027"], "--from"),
        (["-o", "agenda.pdf"], "no format is known for the extension .pdf"),
    ],
)
def test_usage_errors(args: list[str], words: str) -> None:
    result = agenda(str(EXAMPLES / "change.yaml"), *args)
    assert result.exit_code == 2
    assert words in result.stderr


# ---- exit codes and bad files --------------------------------------------------------------


def test_exit_codes(tmp_path: Path) -> None:
    assert agenda(str(EXAMPLES / "new-permit.yaml"), "--as-of", AS_OF).exit_code == 0
    assert agenda(str(EXAMPLES / "not-ready.yaml"), "--as-of", AS_OF).exit_code == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("permitcheck: 1\napplication: {type: new, city: nanjing\n", encoding="utf-8")
    result = agenda(str(bad), str(EXAMPLES / "change.yaml"), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr  # located
    assert "examples/change.yaml" in result.stdout.replace(str(ROOT) + "/", "")
    document = json.loads(
        agenda(str(bad), str(EXAMPLES / "change.yaml"), "--as-of", AS_OF, "-f", "json").stdout
    )
    assert [e["path"] for e in document["errors"]] == [str(bad)]
    assert document["events"]


# ---- formats -------------------------------------------------------------------------------


def test_text_groups_by_week_and_fits_the_width() -> None:
    for lang in ("en", "zh"):
        out = agenda(str(EXAMPLES), "--as-of", AS_OF, "--lang", lang, "--width", "80").stdout
        lines = out.splitlines()
        weeks = [line for line in lines if line.startswith(("Week of", "20"))]
        mondays = [line.split()[-1] if lang == "en" else line.split()[0] for line in weeks]
        assert all(day(m).weekday() == 0 for m in mondays if m[:2] == "20")
        width = [sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in line) for line in lines]
        assert max(width) <= 80
    out = agenda(str(EXAMPLES / "not-ready.yaml"), "--as-of", AS_OF).stdout
    assert "OVERDUE" in out and "days ago" in out
    assert "Z4455667" not in out and "Z44***67" in out


def test_markdown_tables_per_week() -> None:
    out = agenda(str(EXAMPLES), "--as-of", AS_OF, "-f", "markdown").stdout
    assert out.startswith("## permitcheck agenda")
    assert out.count("### Week of") == out.count("|---|---|---|---|---|---|") >= 5
    rows = [line for line in out.splitlines() if line.startswith("| 20")]
    assert len(rows) == len(events(str(EXAMPLES), "--as-of", AS_OF))
    assert all(line.count(" | ") == 5 for line in rows)


def _calendar(*args: str) -> Calendar:
    # The bytes: Click's runner turns CRLF into LF in `stdout`.
    out = agenda(*args, "-f", "ics").stdout_bytes.decode("utf-8")
    assert "\r\n" in out and "\n" not in out.replace("\r\n", "")  # RFC 5545 line ends
    return Calendar.from_ical(out)


def test_calendar_file_parses_and_every_event_is_complete() -> None:
    calendar = _calendar(str(EXAMPLES), "--as-of", AS_OF)
    items = list(calendar.walk("VEVENT"))
    assert len(items) == len(events(str(EXAMPLES), "--as-of", AS_OF))
    for item in items:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION"):
            assert name in item, name
        assert isinstance(item.decoded("DTSTART"), date)  # all-day
        alarms = [c for c in item.walk("VALARM")]
        if str(item["CATEGORIES"].cats[1]) != "planned" and "OVERDUE" not in str(item["SUMMARY"]):
            assert alarms and alarms[0].decoded("TRIGGER") == timedelta(days=-7)
    uids = [str(item["UID"]) for item in items]
    assert len(uids) == len(set(uids))
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar


def test_calendar_uids_are_stable_across_runs_folders_and_changed_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "dossiers"
    shutil.copytree(EXAMPLES, folder)
    first = agenda(str(folder), "--as-of", AS_OF, "-f", "ics").stdout
    assert agenda(str(folder), "--as-of", AS_OF, "-f", "ics").stdout == first  # same bytes
    monkeypatch.chdir(folder)
    again = _calendar(".", "--as-of", AS_OF)
    uids = {str(c["UID"]) for c in Calendar.from_ical(first).walk("VEVENT")}
    assert {str(c["UID"]) for c in again.walk("VEVENT")} == uids
    # A newer certificate moves the event; importing the file again updates it.
    data = patched(
        example_data("new-permit"), {"documents.criminal_record.issued_on": "2026-11-20"}
    )
    (folder / "new-permit.yaml").write_bytes(to_yaml(data))
    moved = _calendar("new-permit.yaml", "--as-of", AS_OF)
    record = [c for c in moved.walk("VEVENT") if "no criminal record" in str(c["SUMMARY"])]
    assert len(record) == 1 and str(record[0]["UID"]) in uids
    assert record[0].decoded("DTSTART") == date(2027, 5, 20)


def test_output_file_takes_its_format_from_the_extension(tmp_path: Path) -> None:
    target = tmp_path / "agenda.ics"
    result = agenda(str(EXAMPLES / "change.yaml"), "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert Calendar.from_ical(target.read_text(encoding="utf-8")).walk("VEVENT")
    # Never written over a dossier it reads.
    copy = tmp_path / "d.yaml"
    shutil.copy(EXAMPLES / "change.yaml", copy)
    before = copy.read_bytes()
    result = agenda(str(copy), "-f", "ics", "-o", str(copy))
    assert result.exit_code == 2 and copy.read_bytes() == before


def test_passport_numbers_only_when_asked() -> None:
    number = example_data("change")["applicant"]["passport"]["number"]
    for fmt in ("text", "json", "markdown", "ics"):
        out = agenda(str(EXAMPLES / "change.yaml"), "-f", fmt).stdout.replace("\r\n ", "")
        assert number not in out, fmt
    shown = agenda(str(EXAMPLES / "change.yaml"), "-f", "json", "--show-personal-data").stdout
    assert number in shown


def test_chinese_calendar_file() -> None:
    calendar = _calendar(str(EXAMPLES / "change.yaml"), "--as-of", AS_OF, "--lang", "zh")
    summaries = [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")]
    assert any("最晚提交" in s for s in summaries)
    assert str(calendar["X-WR-CALNAME"]) == "permitcheck 日程"


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    data = patched(example_data("change"), {"applicant.name": "Ana <b>|x|</b> [y](z) Souza"})
    (tmp_path / "d.yaml").write_bytes(to_yaml(data))
    markdown = agenda(str(tmp_path / "d.yaml"), "--as-of", AS_OF, "-f", "markdown").stdout
    rows = [line for line in markdown.splitlines() if line.startswith("| 20")]
    assert rows and all(line.count(" | ") == 5 for line in rows)
    assert "<b>" not in markdown and "[y](z)" not in markdown
    calendar = _calendar(str(tmp_path / "d.yaml"), "--as-of", AS_OF)
    assert all("<b>|x|</b>" in str(c["SUMMARY"]) for c in calendar.walk("VEVENT"))


def test_a_value_that_reads_like_a_placeholder_is_kept_as_written(tmp_path: Path) -> None:
    """Words of the user's are filled in once: an approver or a name holding `{origin}` or
    `{when}` is shown as written, not filled in again."""
    data = example_data("change")
    data["applicant"]["name"] = "Ana {when} Souza"
    data["waivers"] = [
        {
            "rule": "nanjing.change.deadline",
            "reason": "agreed {origin}",
            "approved_by": "HR {origin}",
            "expires": "2027-01-10",
        }
    ]
    (tmp_path / "d.yaml").write_bytes(to_yaml(data))
    found = events(str(tmp_path / "d.yaml"), "--as-of", AS_OF)
    (ending,) = [e for e in found if e["kind"] == "waiver"]
    assert "approved by HR {origin};" in ending["fix"]
    calendar = _calendar(str(tmp_path / "d.yaml"), "--as-of", AS_OF)
    reminders = [str(a["DESCRIPTION"]) for a in calendar.walk("VALARM")]
    assert reminders and all(r.startswith("Ana {when} Souza: ") for r in reminders)
    assert all(r.endswith(": in 7 days") for r in reminders)
    # The same in validate's reports: a waiver's reason as written.
    out = invoke("validate", str(tmp_path / "d.yaml"), "--as-of", AS_OF).stdout
    assert "HR {origin}: agreed {origin} (" in out
    shown = invoke("config", "--config", str(_config(tmp_path))).stdout
    assert "approved by HR {subject}: agreed {who}" in shown.replace("\n", " ")


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "permitcheck.yaml"
    path.write_text(
        "waivers:\n  - {rule: r.x, reason: 'agreed {who}', approved_by: 'HR {subject}', "
        "expires: 2027-01-10}\n",
        encoding="utf-8",
    )
    return path
