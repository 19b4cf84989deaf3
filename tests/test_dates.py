"""Date parsing, calendar-month windows at month ends and leap days, and China's working days."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from helpers import CALENDAR
from permitcheck import dates


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-15",
        "15 March 2026",
        "15 Mar 2026",
        "March 15, 2026",
        "Mar 15 2026",
        "2026年3月15日",
        " 2026-03-15 ",
        # Year first is unambiguous: no country writes year, day, month.
        "2026/03/15",
        "2026/3/15",
        "2026.03.15",
        "2026-3-15",
    ],
)
def test_accepted_spellings(text: str) -> None:
    assert dates.parse_date(text) == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("03/04/2026", "ambiguous"),
        ("25/04/2026", "ambiguous"),
        ("04.03.2026", "ambiguous"),
        ("2026/13/01", "not a real date"),
        ("2026-02-30", "not a real date"),
        ("2027-02-29", "not a real date"),
        ("30 Febtember 2026", "not a month name"),
        ("tomorrow", "expected a date"),
        ("26-3-5", "ambiguous"),
        # Full-width digits (a Chinese input method): named, with the date to write instead.
        ("２０２６年３月１５日", "digits other than 0-9; write `2026-03-15`"),
        ("\u0662\u0660\u0662\u0666-03-15", "digits other than 0-9; write `2026-03-15`"),
    ],
)
def test_refused_spellings(text: str, reason: str) -> None:
    with pytest.raises(dates.DateSyntaxError, match=reason):
        dates.parse_date(text)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 3, 15), 6, date(2026, 9, 15)),  # same day number
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # month end clamped, never rolled into March
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year February
        (date(2028, 2, 29), 6, date(2028, 8, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # leap day plus a year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 31), 6, date(2027, 6, 30)),
    ],
)
def test_window_end(start: date, months: int, end: date) -> None:
    assert dates.window_end(start, months) == end


def test_exactly_six_months_is_inside_and_one_day_more_is_outside() -> None:
    issued = date(2026, 6, 7)
    last = dates.window_end(issued, 6)
    assert last == date(2026, 12, 7)
    assert last + timedelta(days=1) > dates.window_end(issued, 6)


@pytest.mark.parametrize(
    ("event", "deadline"),
    [
        (date(2026, 9, 28), date(2026, 10, 16)),  # National Day; make-up Saturday 10-10 counts
        (date(2026, 9, 14), date(2026, 9, 28)),  # make-up Sunday 09-20 counts, Mid-autumn 09-25 not
        (date(2026, 2, 9), date(2026, 2, 28)),  # Spring Festival; make-up 02-14 and 02-28 count
        (date(2026, 12, 1), date(2026, 12, 15)),  # ordinary weeks
    ],
)
def test_ten_working_days(event: date, deadline: date) -> None:
    assert dates.add_working_days(event, 10) == deadline


def test_working_days_agree_with_a_second_calendar_for_2026() -> None:
    """Cross-check chinesecalendar against the `holidays` package (which knows make-up days)."""
    cn = holidays.country_holidays("CN", years=2026)
    workdays = {
        d
        for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
        if (d.weekday() < 5 and d not in cn)
    }
    make_up = {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    expected = workdays | make_up
    for offset in range(365):
        day = date(2026, 1, 1) + timedelta(days=offset)
        assert dates.is_working_day(day) == (day in expected), day


def test_unpublished_year_is_never_guessed() -> None:
    with pytest.raises(dates.CalendarUnknown) as raised:
        dates.add_working_days(date(2026, 12, 28), 10, CALENDAR)
    assert raised.value.year == 2027


@pytest.mark.parametrize(
    ("event", "earliest", "latest"),
    [
        # 2026-12-21..29 hold 7 working days: 3 more from 30 December on, when 30 Dec to 3 Jan may
        # all be New Year holidays: between 1 and 6 January (audit 2026, item 8).
        (date(2026, 12, 18), date(2027, 1, 1), date(2027, 1, 6)),
        (date(2026, 12, 28), date(2027, 1, 7), date(2027, 1, 14)),
        # Known to the end: exact, whatever the year after.
        (date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 15)),
    ],
)
def test_a_deadline_into_an_unpublished_year_is_a_range(
    event: date, earliest: date, latest: date
) -> None:
    deadline = dates.working_deadline(event, 10, CALENDAR)
    assert (deadline.earliest, deadline.latest) == (earliest, latest)
    assert (deadline.unknown_year is None) == (earliest == latest)


def test_the_range_holds_the_real_deadline_of_published_years() -> None:
    """Pretending each published year from 2009 to 2026 were not yet published, the range
    computed for every event from the December before to the year's end holds the real 10th
    working day. (Before 2008, May had a golden week of 7 days; the one-off holiday of
    3-4 September 2015 could not have been foreseen: neither is in the bound.)"""
    one_off = (date(2015, 9, 3), date(2015, 9, 4))
    for year in range(2009, 2027):
        pretend = dates.official_calendar(until=year - 1)
        start = date(year - 1, 12, 1)
        for offset in range(31 + 365):
            event = start + timedelta(days=offset)
            if event.year > year or date(year, 12, 31) - event < timedelta(days=20):
                continue  # the real deadline would be in a year not yet published
            real = dates.add_working_days(event, 10)
            if any(event < day <= real for day in one_off):
                continue
            deadline = dates.working_deadline(event, 10, pretend)
            assert deadline.earliest <= real <= deadline.latest, (event, deadline, real)


def test_age_on() -> None:
    assert dates.age_on(date(2008, 12, 7), date(2026, 12, 7)) == 18
    assert dates.age_on(date(2008, 12, 8), date(2026, 12, 7)) == 17
    # Born on a leap day: 18 on 28 February of a common year (the earlier, protective reading:
    # the family member's medical report is asked for rather than forgotten).
    assert dates.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 18
    assert dates.age_on(date(2008, 2, 29), date(2026, 2, 27)) == 17


def test_as_of_takes_a_year_first_date_with_slashes() -> None:
    from helpers import example_file, invoke

    result = invoke("validate", example_file("new-permit"), "--as-of", "2026/12/07")
    assert result.exit_code == 0, result.output
    assert "2026-12-07" in result.output


@given(st.dates(date(101, 1, 1), date(9898, 12, 31)), st.integers(-1200, 1200))
def test_add_months_is_relativedelta(start: date, months: int) -> None:
    # add_months does by hand what dateutil does in general (month ends clamped, leap days):
    # both must agree on every date, the month ends and 29 February included.
    assert dates.add_months(start, months) == start + relativedelta(months=months)


def test_add_months_clamps_month_ends() -> None:
    assert dates.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert dates.add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert dates.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert dates.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    with pytest.raises(ValueError):
        dates.add_months(date(9999, 12, 1), 1)
