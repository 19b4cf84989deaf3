"""Date parsing and arithmetic: calendar months, month ends, leap days and China's working days."""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from permitcheck.basemodel import shown

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Digits are 0-9 only (`\d` would take every script's): the JSON Schema, whose patterns editors
# run, says the same, and a full-width ２０２６ gets a hint instead.
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Year first, then month, then day: the order of ISO 8601 and of every country that writes the
# year first (2026/12/01, 2026.12.01); no country writes year, day, month.
_YEAR_FIRST = re.compile(r"([0-9]{4})([./-])([0-9]{1,2})\2([0-9]{1,2})")
_ZH = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
# Month names in any script, so that one in another language is named as that.
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})\.?\s+([^\W\d_]+)\.?,?\s+([0-9]{4})")
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s+([0-9]{1,2}),?\s+([0-9]{4})")
_NUMERIC = re.compile(r"[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}")


class DateSyntaxError(ValueError):
    """A date written in a way that is not accepted, with the reason in English and Chinese."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en = en
        self.zh = zh


def parse_date(text: str) -> date:
    """Read a date: ISO `2026-03-15`, year first `2026/3/15` or `2026.03.15`, `15 March 2026`,
    `March 15, 2026` or `2026年3月15日`.

    Numeric forms that do not start with the year (`03/04/2026`) are refused: 3 April or
    March 4 depends on the writer's country, and a wrong guess shifts a 6-month window by a month.
    """
    value = text.strip()
    match = _ISO.fullmatch(value) or _ZH.fullmatch(value)
    if match:
        return _make(int(match[1]), int(match[2]), int(match[3]), text)
    match = _YEAR_FIRST.fullmatch(value)
    if match:
        return _make(int(match[1]), int(match[3]), int(match[4]), text)
    match = _DAY_MONTH_YEAR.fullmatch(value)
    if match:
        return _make(int(match[3]), _month(match[2], text, match[1], match[3]), int(match[1]), text)
    match = _MONTH_DAY_YEAR.fullmatch(value)
    if match:
        return _make(int(match[3]), _month(match[1], text, match[2], match[3]), int(match[2]), text)
    ascii_digits = _ascii_digits(value)
    if ascii_digits != value:
        try:
            meant = parse_date(ascii_digits)
        except DateSyntaxError:
            pass
        else:
            raise DateSyntaxError(
                f"{shown(text)} has digits other than 0-9; write `{meant.isoformat()}`",
                f"{shown(text)} 含有 0-9 以外的数字（如全角数字）；请写成 `{meant.isoformat()}`",
            )
    if _NUMERIC.fullmatch(value):
        raise DateSyntaxError(
            f"{shown(text)} is ambiguous: the order of day and month differs between countries; "
            "write the date as YYYY-MM-DD",
            f"{shown(text)} 有歧义：各国日、月的书写顺序不同；请写成 YYYY-MM-DD",
        )
    raise DateSyntaxError(
        f"expected a date such as 2026-03-15 (or 15 March 2026, 2026年3月15日), got {shown(text)}",
        f"应为日期，例如 2026-03-15（或 15 March 2026、2026年3月15日），实际为 {shown(text)}",
    )


def _ascii_digits(value: str) -> str:
    """`value` with the digits of every script (full-width, Arabic-Indic, ...) as 0-9."""
    if value.isascii():
        return value
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in value)


def _month(name: str, text: str, day: str, year: str) -> int:
    number = MONTHS.get(name.lower())
    if number is not None:
        return number
    en = f"{shown(name)} in {shown(text)} is not a month name in English"
    zh = f"{shown(text)} 中的 {shown(name)} 不是英文月份名称"
    meant = _foreign_month(name)
    if meant is not None:
        # Named, not accepted: month names of different languages collide (`mar`, `mai`).
        iso = f"{int(year):04d}-{meant[0]:02d}-{int(day):02d}"
        en += f"; it reads as {meant[1]}: write `{iso}`"
        zh += f"；看起来是 {meant[0]} 月：请写成 `{iso}`"
    else:
        en += "; write the date as YYYY-MM-DD"
        zh += "；请写成 YYYY-MM-DD"
    raise DateSyntaxError(en, zh)


# Languages whose month names a dossier written abroad most often uses.
_MONTH_LOCALES = ("de", "fr", "es", "it", "pt", "nl", "ru", "pl", "tr", "sv", "da", "nb", "cs")


def _foreign_month(name: str) -> tuple[int, str] | None:
    """The month (number, English name) that `name` is in one of the languages above, when all
    of them that know the word agree on it."""
    # Imported here: only a date in words that is not English pays for the locale data.
    from babel.dates import get_month_names

    word = name.casefold().rstrip(".")
    found: set[int] = set()
    for locale in _MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for number, month in get_month_names(width, locale=locale).items():
                if month.casefold().rstrip(".") == word:
                    found.add(number)
    if len(found) != 1:
        return None
    number = found.pop()
    english = next(key for key, value in MONTHS.items() if value == number).capitalize()
    return number, english


# Dates a dossier can mean: birth dates after 1900, deadlines and validities before 2200. Outside
# these, a date is a typo (9999-12-31 as "never expires"), and month arithmetic on it would
# overflow Python's calendar, which ends in year 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        value = date(year, month, day)
    except ValueError as exc:
        raise DateSyntaxError(
            f"{shown(text)} is not a real date ({exc})", f"{shown(text)} 不是真实存在的日期"
        ) from None
    check_range(value, text)
    return value


def check_range(value: date, text: str | None = None) -> None:
    """DateSyntaxError when `value` lies outside the years a dossier date can mean."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return
    written = shown(text) if text is not None else value.isoformat()
    raise DateSyntaxError(
        f"{written} is outside the years {FIRST_YEAR}–{LAST_YEAR} a dossier date can mean; "
        "check the date",
        f"{written} 不在档案日期可能的年份范围 {FIRST_YEAR}–{LAST_YEAR} 之内；请核对日期",
    )


def add_months(start: date, months: int) -> date:
    """`start` moved by whole calendar months; a day missing in the target month becomes its last.

    2026-08-31 + 6 months = 2027-02-28; 2028-02-29 + 12 months = 2029-02-28;
    2026-03-31 - 1 month = 2026-02-28.
    """
    # relativedelta(months=...) does the same, in a tenth of the time without its generality:
    # the engine moves a few dates by months for every dossier.
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month + 1, min(start.day, monthrange(year, month + 1)[1]))


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


def _official_is_working(day: date) -> bool:
    import chinese_calendar  # imported here: only the 10-working-day deadlines need it

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarUnknown(day.year) from None


class WorkingCalendar:
    """Which days are working days in mainland China, for the years whose schedule is known.

    The State Council publishes each year's holidays and make-up working weekends late in the
    year before; `is_working` answers for a day or raises CalendarUnknown. A calendar is a
    parameter of the engine, so that tests pin the years they know.
    """

    def __init__(self, is_working: Callable[[date], bool], until: int | None = None):
        self._is_working = is_working
        self._until = until  # the last year taken as known, whatever `is_working` could answer
        self._days: dict[date, bool] = {}
        self._years: dict[int, bool] = {}

    def is_working_day(self, day: date) -> bool:
        if not self.knows(day.year):
            raise CalendarUnknown(day.year)
        if day not in self._days:
            self._days[day] = self._is_working(day)
        return self._days[day]

    def knows(self, year: int) -> bool:
        if self._until is not None and year > self._until:
            return False
        if year not in self._years:
            try:
                self._is_working(date(year, 7, 1))
                self._years[year] = True
            except CalendarUnknown:
                self._years[year] = False
        return self._years[year]

    def settled(self, day: date) -> bool:
        """Whether the day's status is final. The New Year holiday of an unpublished year may
        begin on 30 or 31 December of the year before (as on 2018-12-31), so those two days
        are settled only once the next year is known too."""
        if not self.knows(day.year):
            return False
        return not (day.month == 12 and day.day >= 30 and not self.knows(day.year + 1))


def official_calendar(until: int | None = None) -> WorkingCalendar:
    """China's official calendar (the `chinesecalendar` package), taken as known at most up to
    the year `until` (tests pin it, so that a new release of the data changes no verdict)."""
    return WorkingCalendar(_official_is_working, until)


OFFICIAL = official_calendar()


def is_working_day(day: date, calendar: WorkingCalendar = OFFICIAL) -> bool:
    """Whether `day` is a working day in mainland China, make-up working weekends included."""
    return calendar.is_working_day(day)


def add_working_days(start: date, days: int, calendar: WorkingCalendar = OFFICIAL) -> date:
    """The `days`-th working day after `start` (the day of the event itself is not counted).

    Example: 10 working days after 2026-09-28 end on 2026-10-16 (National Day holidays skipped,
    the make-up Saturday 2026-10-10 counted). Raises CalendarUnknown for an unpublished year.
    """
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            counted += 1
    return current


@dataclass(frozen=True)
class WorkingDeadline:
    """The `days`-th working day after an event: exact, or the range it surely lies in when
    it runs into a year whose holiday calendar is not published (`unknown_year`)."""

    earliest: date
    latest: date
    unknown_year: int | None = None


# Holiday breaks of a year whose schedule is not published, as long as the longest of the
# published years: (first day, last day, weekdays that may be off; None: every weekday).
# New Year from 30 December, Labour Day and National Day have fixed dates; the lunar
# holidays float within their windows, so at most their length may be lost in the window.
_POSSIBLE_BREAKS: tuple[tuple[tuple[int, int], tuple[int, int], int | None], ...] = (
    ((1, 1), (1, 3), None),  # New Year (30 and 31 December: see WorkingCalendar.settled)
    ((1, 20), (2, 28), 7),  # Spring Festival: 8 or 9 days from the eve, 21 Jan to 20 Feb
    ((4, 3), (4, 7), None),  # Qingming
    ((4, 29), (5, 6), None),  # Labour Day
    ((5, 28), (6, 26), 3),  # Dragon Boat Festival
    ((9, 6), (9, 28), 3),  # Mid-Autumn Festival, when apart from National Day
    ((9, 29), (10, 8), None),  # National Day (with Mid-Autumn when they meet)
    ((12, 30), (12, 31), None),  # the next New Year
)


def _latest_possible(first: date, remaining: int) -> date:
    """The latest day the `remaining`-th working day from `first` on (inclusive) can be: only
    Monday to Friday counted, and every holiday break as long and as early as it can be."""
    used: dict[tuple[int, int], int] = {}
    day, counted = first - timedelta(days=1), 0
    while counted < remaining:
        day += timedelta(days=1)
        if day.weekday() >= 5:
            continue
        for number, (begin, end, allowance) in enumerate(_POSSIBLE_BREAKS):
            if begin <= (day.month, day.day) <= end:
                key = (day.year, number)
                if allowance is None or used.get(key, 0) < allowance:
                    used[key] = used.get(key, 0) + 1
                    break
        else:
            counted += 1
    return day


def working_deadline(
    start: date, days: int, calendar: WorkingCalendar = OFFICIAL
) -> WorkingDeadline:
    """The `days`-th working day after `start`, counted on every day whose status is settled;
    where the count runs into an unpublished year, the range the deadline surely lies in.

    Example: 10 working days after 2026-12-18, with 2027 unpublished: 2026-12-21 to 12-29
    hold 7, so the deadline is 3 working days from 2026-12-30 on: not before 2027-01-01 (every
    day a working day), not after 2027-01-06 (New Year 30 Dec to 3 Jan off)."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if not calendar.settled(current):
            remaining = days - counted
            year = current.year if not calendar.knows(current.year) else current.year + 1
            return WorkingDeadline(
                earliest=current + timedelta(days=remaining - 1),
                latest=_latest_possible(current, remaining),
                unknown_year=year,
            )
        if calendar.is_working_day(current):
            counted += 1
    return WorkingDeadline(earliest=current, latest=current)


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
