"""The check kind `max_age`: a document is at most so many months old."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Literal

from dateutil.relativedelta import relativedelta

from permitcheck import dates, i18n
from permitcheck.i18n import Text, Value
from permitcheck.rulepack.kinds.base import (
    Context,
    Kind,
    Months,
    Outcome,
    Params,
    Subject,
    future_date,
)
from permitcheck.rulepack.shapes import DATE


class MaxAge(Params):
    """The subject date is at most `months` calendar months before the reference date.

    That day is included, and a month end that does not exist is clamped; a date after the
    reference date fails. Messages may use `{date}` (the subject date), `{last_day}` (the last
    reference date on which it holds), `{age}` (how old the date is, in months and days) and
    `{months}`.
    """

    kind: Literal["max_age"]
    months: Months


def evaluate(check: MaxAge, subject: Subject, ctx: Context) -> Outcome:
    value: date = subject.value
    future = future_date(value, ctx)
    if future is not None:
        return future
    last_day = dates.window_end(value, check.months)
    params: dict[str, Value] = {
        "date": value,
        "last_day": last_day,
        "months": check.months,
        "age": _age(value, ctx.as_of),
    }
    return Outcome(
        "pass" if ctx.as_of <= last_day else "fail", params, window_end=last_day, window_start=value
    )


@lru_cache(maxsize=4096)
def _age(start: date, end: date) -> Text:
    """How old a document dated `start` is on `end`: remembered, as a batch has one reference
    date and dossiers share issue dates."""
    delta = relativedelta(end, start)
    months = delta.years * 12 + delta.months
    english = f"{months} month{'' if months == 1 else 's'}"
    if delta.days:
        english += f" and {delta.days} day{'' if delta.days == 1 else 's'}"
    chinese = i18n.MONTHS_DAYS_ZH.format(months=months, days=delta.days)
    return Text(en=english, zh=chinese.replace(" 0 天", ""))


def describe(check: MaxAge, subject: str) -> tuple[str, str]:
    s, n = f"`{subject}`", check.months
    return (
        f"{s} is at most {n} calendar months before the reference date (that day "
        "included; a month end that does not exist is clamped)",
        f"{s} 距参考日期不超过 {n} 个日历月（含当日；目标月份无对应日期时取月末）",
    )


KIND = Kind(
    name="max_age",
    params=MaxAge,
    placeholders=("date", "last_day", "age", "months"),
    need=DATE,
    judge=evaluate,
    words=describe,
    time_window=True,
    document_validity=True,
)
