"""The check kind `not_before`: the reference date is not too early before a date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from permitcheck.i18n import Value
from permitcheck.rulepack.kinds.base import Context, Days, Kind, Outcome, Params, Subject
from permitcheck.rulepack.shapes import DATE


class NotBefore(Params):
    """The reference date is at most `days` days before the subject date: a window that opens
    then (the national system accepts an extension from 90 days before the permit expires).
    An earlier reference date fails; a rule with `severity: warning` makes it a warning.

    The window has no end of its own (a deadline is a `before_date` rule beside it). Messages
    may use `{date}` (the subject date), `{first_day}` (the first reference date on which it
    holds) and `{days}`.
    """

    kind: Literal["not_before"]
    days: Days


def evaluate(check: NotBefore, subject: Subject, ctx: Context) -> Outcome:
    value: date = subject.value
    # Whole calendar days: 90 days before 2027-03-31 is 2026-12-31.
    first_day = value - timedelta(days=check.days)
    params: dict[str, Value] = {"date": value, "first_day": first_day, "days": check.days}
    return Outcome("pass" if ctx.as_of >= first_day else "fail", params, window_start=first_day)


def describe(check: NotBefore, subject: str) -> tuple[str, str]:
    s, n, sample = f"`{subject}`", check.days, date(2027, 3, 31)
    first = (sample - timedelta(days=n)).isoformat()
    return (
        f"the reference date is at most {n} days before {s}: the window opens on {s} minus {n} "
        f"calendar days (for 2027-03-31, {first}); earlier is too early",
        f"参考日期不早于 {s} 前 {n} 天：时限自 {s} 减去 {n} 个日历日起开始（如 2027-03-31 对应 "
        f"{first}）；早于该日即为过早",
    )


KIND = Kind(
    name="not_before",
    params=NotBefore,
    placeholders=("date", "first_day", "days"),
    need=DATE,
    judge=evaluate,
    words=describe,
)
