"""The check kind `min_validity`: a document is still valid so many months ahead."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from permitcheck import dates
from permitcheck.i18n import Value
from permitcheck.rulepack.kinds.base import Context, Kind, Months, Outcome, Params, Subject
from permitcheck.rulepack.shapes import DATE


class MinValidity(Params):
    """The subject date (an expiry) is at least `months` calendar months after the reference.

    Messages may use `{date}` (the expiry), `{needed}` (the earliest expiry that would do),
    `{months}` and `{last_day}` (the last reference date on which it holds).
    """

    kind: Literal["min_validity"]
    months: Months


def evaluate(check: MinValidity, subject: Subject, ctx: Context) -> Outcome:
    value: date = subject.value
    needed = dates.add_months(ctx.as_of, check.months)
    # The last reference date for which the expiry still leaves `months` months.
    last_day = dates.add_months(value, -check.months)
    while dates.add_months(last_day + timedelta(days=1), check.months) <= value:
        last_day += timedelta(days=1)
    params: dict[str, Value] = {
        "date": value,
        "needed": needed,
        "months": check.months,
        "last_day": last_day,
    }
    return Outcome("pass" if value >= needed else "fail", params, window_end=last_day)


def describe(check: MinValidity, subject: str) -> tuple[str, str]:
    s, n = f"`{subject}`", check.months
    return (
        f"{s} is at least {n} calendar months after the reference date",
        f"{s} 不早于参考日期后 {n} 个日历月",
    )


KIND = Kind(
    name="min_validity",
    params=MinValidity,
    placeholders=("date", "needed", "months", "last_day"),
    need=DATE,
    judge=evaluate,
    words=describe,
    time_window=True,
    document_validity=True,
)
