"""Exact boundaries that mutation testing found unguarded: each is tested on both of its sides."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import CALENDAR, evaluate_data, example_data, findings_of, invoke, patched, to_yaml
from permitcheck import dates
from permitcheck.rulepack import conditions

AS_OF = date(2026, 12, 7)


# `not_in`: a value that is not written is in no list, yet it is not "outside" one either. A rule
# that applies `when: {path: cancellation.reason, not_in: [revoked]}` must not apply to a
# dossier that does not say why the permit ends; `not: {in: ...}` is the form that does.
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"reason": "contract_ended"}, True),
        ({"reason": "revoked"}, False),
        ({}, False),  # missing
        ({"reason": None}, False),  # written as null: missing too
        ({"other": "revoked"}, False),
    ],
)
def test_not_in_is_false_for_a_missing_value(data: dict[str, Any], expected: bool) -> None:
    condition = conditions.Condition.model_validate({"path": "reason", "not_in": ["revoked"]})
    assert conditions.holds(condition, data, AS_OF, None) is expected


def test_not_in_and_not_of_in_differ_on_a_missing_value_only() -> None:
    not_in = conditions.Condition.model_validate({"path": "reason", "not_in": ["revoked"]})
    negated = conditions.Condition.model_validate({"not": {"path": "reason", "in": ["revoked"]}})
    for written in ({"reason": "contract_ended"}, {"reason": "revoked"}):
        assert conditions.holds(not_in, written, AS_OF, None) == conditions.holds(
            negated, written, AS_OF, None
        )
    assert conditions.holds(not_in, {}, AS_OF, None) is False
    assert conditions.holds(negated, {}, AS_OF, None) is True
    # Missing, the fact is undecided rather than decided false.
    assert conditions.undecided(not_in, {}, AS_OF, None) == ["reason"]
    assert conditions.undecided(not_in, {"reason": "revoked"}, AS_OF, None) == []


# The Apostille Convention applies between China and a state from the later of the two
# entry-into-force dates (China: 2023-11-07; Canada: 2024-01-11), that day included. A document
# whose apostille date is not given but which was issued on that day or later cannot carry an
# earlier apostille, so it passes; issued the day before, the apostille date is needed.
_DEGREE = "nanjing.new.degree.authentication"
_RECORD = "nanjing.new.criminal-record.authentication"


def _degree(issued_on: str) -> list[Any]:
    data = patched(
        example_data("new-permit"),
        {"documents.degree.issued_on": issued_on},
        delete=["documents.degree.apostilled_on"],
    )
    return findings_of(evaluate_data(data), _DEGREE)


def _record(**dates: str) -> list[Any]:
    data = patched(
        example_data("new-permit"),
        {
            "documents.criminal_record.issuing_country": "CA",
            "documents.criminal_record.apostille_country": "CA",
            "applicant.nationality": "CA",
            **{f"documents.criminal_record.{key}": value for key, value in dates.items()},
        },
    )
    return findings_of(evaluate_data(data, "2024-03-01"), _RECORD)


def _statuses(found: list[Any]) -> list[str]:
    assert found, "the rule produced no finding"
    return [finding.status for finding in found]


def test_a_document_issued_on_the_day_china_joined_needs_no_apostille_date() -> None:
    assert _statuses(_degree("2023-11-07")) == ["pass"]
    before = _degree("2023-11-06")
    assert _statuses(before) == ["fail"]
    assert (
        "Only the document's issue date (2023-11-06) is given, which is before the "
        "Apostille Convention applied between China and Germany (2023-11-07)"
    ) in before[0].message.en


def test_a_document_issued_on_the_day_a_later_state_joined_needs_no_apostille_date() -> None:
    assert _statuses(_record(issued_on="2024-01-11")) == ["pass"]
    before = _record(issued_on="2024-01-10")
    assert _statuses(before) == ["fail"]
    assert "(2024-01-10) is given, which is before" in before[0].message.en
    assert "between China and Canada (2024-01-11)" in before[0].message.en


def test_an_apostille_dated_on_the_in_force_day_is_accepted() -> None:
    assert _statuses(_record(issued_on="2024-01-02", apostilled_on="2024-01-11")) == ["pass"]
    before = _record(issued_on="2024-01-02", apostilled_on="2024-01-10")
    assert _statuses(before) == ["fail"]
    assert (
        "Apostilled on 2024-01-10, before the Apostille Convention applied" in before[0].message.en
    )


# YAML nesting: 60 levels below the top-level mapping are read; the 61st is refused, located
# at its opening bracket. Through the CLI: `file:line:column: message` on stderr, exit code 2.
_TOO_DEEP = "nesting deeper than 60 levels; a dossier is not that deep"


def _nested(tmp_path: Path, levels: int) -> str:
    path = tmp_path / f"deep-{levels}.yaml"
    path.write_bytes(b"permitcheck: 1\nx: " + b"[" * levels + b"]" * levels + b"\n")
    return str(path)


@pytest.mark.parametrize("levels", [59, 60])
def test_nesting_up_to_the_limit_is_read(tmp_path: Path, levels: int) -> None:
    path = _nested(tmp_path, levels)
    result = invoke("validate", path)
    assert result.exit_code == 2
    # Read: the problems are the unknown key the nesting sits under, and the missing sections.
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{path}:2:1: unknown key 'x';") for line in lines), lines
    assert all("unknown key" in line or "missing required key" in line for line in lines), lines


@pytest.mark.parametrize("levels", [61, 62, 500])
def test_nesting_past_the_limit_is_refused_at_the_first_level_too_deep(
    tmp_path: Path, levels: int
) -> None:
    path = _nested(tmp_path, levels)
    result = invoke("validate", path)
    assert result.exit_code == 2
    # "x: " is 3 columns; the 61st bracket is at column 3 + 61.
    assert result.stderr == f"{path}:2:64: {_TOO_DEEP}\n"


# At most 50 problems of one file are shown, then one line counting the rest, located at the
# first one not shown.
_AMBIGUOUS = (
    "'03/04/2019' is ambiguous: the order of day and month differs between "
    "countries; write the date as YYYY-MM-DD"
)
_LINE = re.compile(r"(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)")


_WRONG = re.compile(r"\bfrom: ('?03/04/2019)")


def _problems(tmp_path: Path, count: int) -> list[re.Match[str]]:
    """The stderr lines of `validate` on a dossier with `count` wrong dates (one per
    work-experience entry), each checked to be located where the next wrong date is written."""
    data = example_data("new-permit")
    entry = data["documents"]["work_experience"][0]
    # Copies, not one dict repeated: YAML would write that as aliases of one node.
    data["documents"]["work_experience"] = [{**entry, "from": "03/04/2019"} for _ in range(count)]
    raw = to_yaml(data)
    path = tmp_path / f"problems-{count}.yaml"
    path.write_bytes(raw)
    written = [
        (number, match.start(1) + 1)
        for number, text in enumerate(raw.decode().splitlines(), start=1)
        for match in _WRONG.finditer(text)
    ]
    assert len(written) == count
    result = invoke("validate", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    lines = [_LINE.fullmatch(line) for line in result.stderr.splitlines()]
    assert all(match is not None and match["path"] == str(path) for match in lines), result.stderr
    found = [match for match in lines if match is not None]
    places = [(int(line["line"]), int(line["column"])) for line in found]
    assert places == written[: len(found)]
    return found


def _shown(lines: list[re.Match[str]], count: int) -> None:
    assert [line["message"] for line in lines[:count]] == [
        f"documents.work_experience[{index}].from: {_AMBIGUOUS}" for index in range(count)
    ]


@pytest.mark.parametrize("count", [1, 49, 50])
def test_up_to_fifty_problems_are_all_shown(tmp_path: Path, count: int) -> None:
    lines = _problems(tmp_path, count)
    assert len(lines) == count
    _shown(lines, count)


@pytest.mark.parametrize(("count", "more"), [(51, 1), (52, 2), (60, 10), (100, 50)])
def test_past_fifty_the_rest_are_counted_in_one_line(tmp_path: Path, count: int, more: int) -> None:
    lines = _problems(tmp_path, count)
    assert len(lines) == 51
    _shown(lines, 50)
    assert lines[50]["message"] == (
        f"{more} more problems in this file are not shown; fix these first"
    )


# The last year a calendar knows. The tests evaluate with helpers.CALENDAR, China's official
# calendar taken as known up to 2026 only: the day the `chinesecalendar` data learns 2027, no
# verdict changes. Here the data is injected (every weekday a working day, every year known),
# so these hold whatever the installed data knows.
def _weekdays(until: int | None) -> dates.WorkingCalendar:
    return dates.WorkingCalendar(lambda day: day.weekday() < 5, until)


def test_a_calendar_knows_no_year_after_its_last_whatever_its_data_says() -> None:
    pinned = _weekdays(2026)
    assert pinned.knows(2026) and not pinned.knows(2027)
    assert pinned.settled(date(2026, 12, 29)) and not pinned.settled(date(2026, 12, 30))
    with pytest.raises(dates.CalendarUnknown) as raised:
        pinned.is_working_day(date(2027, 1, 4))
    assert raised.value.year == 2027
    assert not CALENDAR.knows(2027)


def test_a_deadline_past_the_last_known_year_is_a_range_and_exact_once_known() -> None:
    # From Monday 2026-12-28: the 29th is settled; 30 and 31 December may yet be holidays.
    ranged = dates.working_deadline(date(2026, 12, 28), 10, _weekdays(2026))
    assert (ranged.earliest, ranged.latest, ranged.unknown_year) == (
        date(2027, 1, 7),
        date(2027, 1, 14),
        2027,
    )
    exact = dates.working_deadline(date(2026, 12, 28), 10, _weekdays(2027))
    assert (exact.earliest, exact.latest, exact.unknown_year) == (
        date(2027, 1, 11),
        date(2027, 1, 11),
        None,
    )
