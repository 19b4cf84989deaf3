"""Date parsing and arithmetic: calendar months, month ends, leap days and China's working days."""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from permitcheck.strict import shown

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")], start=1)
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_NUMERIC = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


class DateSyntaxError(ValueError):
    """A date written in a way that is not accepted, with the reason in English and Chinese."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en = en
        self.zh = zh


def parse_date(text: str) -> date:
    """Read a date: ISO `2026-03-15`, `15 March 2026`, `March 15, 2026` or `2026年3月15日`.

    Numeric forms other than ISO (`03/04/2026`) are refused: 3 April or March 4 depends on the
    writer's country, and a wrong guess shifts a 6-month window by a month.
    """
    value = text.strip()
    match = _ISO.fullmatch(value) or _ZH.fullmatch(value)
    if match:
        return _make(int(match[1]), int(match[2]), int(match[3]), text)
    match = _DAY_MONTH_YEAR.fullmatch(value)
    if match:
        return _make(int(match[3]), _month(match[2], text), int(match[1]), text)
    match = _MONTH_DAY_YEAR.fullmatch(value)
    if match:
        return _make(int(match[3]), _month(match[1], text), int(match[2]), text)
    if _NUMERIC.fullmatch(value):
        raise DateSyntaxError(
            f"{shown(text)} is ambiguous: the order of day and month differs between countries; "
            "write the date as YYYY-MM-DD",
            f"{shown(text)} 有歧义：各国日、月的书写顺序不同；请写成 YYYY-MM-DD")
    raise DateSyntaxError(
        f"expected a date such as 2026-03-15 (or 15 March 2026, 2026年3月15日), got {shown(text)}",
        f"应为日期，例如 2026-03-15（或 15 March 2026、2026年3月15日），实际为 {shown(text)}")


def _month(name: str, text: str) -> int:
    number = _MONTHS.get(name.lower())
    if number is None:
        raise DateSyntaxError(f"{shown(name)} in {shown(text)} is not a month name",
                              f"{shown(text)} 中的 {shown(name)} 不是月份名称")
    return number


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateSyntaxError(f"{shown(text)} is not a real date ({exc})",
                              f"{shown(text)} 不是真实存在的日期") from None


def add_months(start: date, months: int) -> date:
    """`start` moved by whole calendar months; a day missing in the target month becomes its last.

    2026-08-31 + 6 months = 2027-02-28; 2028-02-29 + 12 months = 2029-02-28;
    2026-03-31 - 1 month = 2026-02-28.
    """
    return start + relativedelta(months=months)


def window_end(start: date, months: int) -> date:
    """The last day on which something dated `start` is still "within `months` months".

    A record issued 2026-03-15 is within 6 months up to and including 2026-09-15; issued
    2026-08-31, up to and including 2027-02-28 (the month end is clamped, never rolled forward).
    """
    return add_months(start, months)


class CalendarUnknown(LookupError):
    """China's official holiday calendar for a year has not been published (or is not known)."""

    def __init__(self, year: int):
        super().__init__(f"China's official holiday calendar for {year} is not known yet")
        self.year = year


@lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    """Whether `day` is a working day in mainland China, make-up working weekends included."""
    import chinese_calendar  # imported here: only the 10-working-day deadlines need it

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarUnknown(day.year) from None


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (the day of the event itself is not counted).

    Example: 10 working days after 2026-09-28 end on 2026-10-16 (National Day holidays skipped,
    the make-up Saturday 2026-10-10 counted). Raises CalendarUnknown for an unpublished year.
    """
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def earliest_possible_working_deadline(start: date, days: int) -> date:
    """A date no later than any real `days`-working-day deadline, whatever the calendar says.

    Used when the calendar is unpublished: make-up weekends can turn any weekend day into a
    working day, so only counting every calendar day is certain not to be too late.
    """
    return start + timedelta(days=days)


def weekday_deadline(start: date, days: int) -> date:
    """The `days`-th Monday-to-Friday day after `start`, ignoring holidays (an estimate only)."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            counted += 1
    return current


def reference_date(as_of: date | None, planned: date | None, today: date) -> date:
    """The day every time window is measured on: `--as-of` when given; else the planned
    submission date, unless it has passed (a dossier checked in CI every day must not stay
    "ready" on a day long gone); else today. The caller reads the clock, never this module."""
    if as_of is not None:
        return as_of
    if planned is not None and planned >= today:
        return planned
    return today


def age_on(born: date, day: date) -> int:
    """Completed years of age on `day`."""
    return relativedelta(day, born).years
