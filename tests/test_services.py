"""The services between the command line and the core: settings in, a value out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from helpers import EXAMPLES, example_without_files, patched, to_yaml
from permitcheck import services
from permitcheck.dates import WorkingCalendar
from permitcheck.problems import Stop
from permitcheck.settings import Settings

# Weekdays only: a calendar the tests define, knowing the years they say.
WEEKDAYS_TO_2026 = WorkingCalendar(lambda day: day.weekday() < 5, until=2026)
WEEKDAYS_TO_2027 = WorkingCalendar(lambda day: day.weekday() < 5, until=2027)
SETTINGS = Settings(today=date(2026, 11, 29), calendar=WEEKDAYS_TO_2026)


def _cancellation(tmp_path: Path, occurred_on: str) -> str:
    data = patched(example_without_files("cancellation"), {"cancellation.occurred_on": occurred_on})
    path = tmp_path / "cancellation.yaml"
    path.write_bytes(to_yaml(data))
    return str(path)


def _deadline_message(settings: Settings, path: str) -> str:
    report = services.check_paths([path], settings)
    assert not report.errors, report.errors
    (found,) = [f for f in report.results[0].findings if f.rule == "nanjing.cancellation.deadline"]
    return found.message.en


def test_the_working_day_calendar_is_a_setting(tmp_path: Path) -> None:
    """A deadline that runs into a year the calendar does not know is a range; with a calendar
    that knows it, a day. The settings carry the calendar to every evaluation."""
    path = _cancellation(tmp_path, "2026-12-28")
    as_of = date(2027, 1, 4)
    unknown = _deadline_message(replace(SETTINGS, as_of=as_of), path)
    assert "2027" in unknown and "not published yet" in unknown
    known = _deadline_message(replace(SETTINGS, as_of=as_of, calendar=WEEKDAYS_TO_2027), path)
    assert "not published" not in known


def test_the_reference_date_rule_is_applied_once_for_every_service() -> None:
    planned = date(2026, 12, 7)
    assert SETTINGS.reference_date(planned) == planned  # planned, not yet passed
    assert SETTINGS.reference_date(date(2026, 11, 1)) == SETTINGS.today  # passed: today
    assert replace(SETTINGS, as_of=date(2027, 1, 2)).reference_date(planned) == date(2027, 1, 2)
    assert SETTINGS.reference_date(None) == SETTINGS.today


def test_check_paths_refuses_to_write_over_a_dossier() -> None:
    path = str(EXAMPLES / "new-permit.yaml")
    with pytest.raises(Stop) as stopped:
        services.check_paths([path], SETTINGS, writes=[path])
    (problem,) = stopped.value.problems
    assert problem.code == "usage" and "never writes over your files" in problem.text.en


def test_check_paths_with_nothing_to_check_names_what_it_skipped(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text("name: not a dossier\n", encoding="utf-8")
    with pytest.raises(Stop) as stopped:
        services.check_paths([str(tmp_path)], SETTINGS)
    first, skipped = stopped.value.problems
    assert "no dossier found (1 YAML file skipped" in first.text.en
    assert skipped.path == str(tmp_path / "other.yaml")


def test_the_problems_of_a_dossier_are_values_in_the_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("permitcheck: 1\napplication: [\n", encoding="utf-8")
    report = services.check_paths([str(bad)], SETTINGS)
    assert report.results == ()
    (problem,) = report.errors
    assert problem.path == str(bad) and problem.location is not None
    assert problem.code == "dossier"


def test_find_window_points_at_the_dossier_when_it_decides(tmp_path: Path) -> None:
    data = patched(example_without_files("new-permit"), {"employer.registered_in": "atlantis"})
    path = tmp_path / "d.yaml"
    path.write_bytes(to_yaml(data))
    with pytest.raises(Stop) as stopped:
        services.find_window(str(path), None, None, SETTINGS)
    (problem,) = stopped.value.problems
    assert problem.path == str(path) and problem.location is not None
    assert problem.code == "dossier"
    # Given on the command line instead, the same district is a usage problem.
    with pytest.raises(Stop) as stopped:
        services.find_window(None, "atlantis", None, SETTINGS)
    assert stopped.value.problems[0].code == "usage"
