"""The check kind `working_days`: the reference date is within so many working days of a date."""

from __future__ import annotations

from datetime import date
from typing import Literal

from permitcheck import dates, i18n
from permitcheck.i18n import Value
from permitcheck.rulepack.kinds.base import (
    Context,
    Days,
    Kind,
    Outcome,
    Params,
    Subject,
    future_date,
)
from permitcheck.rulepack.shapes import DATE


class WorkingDays(Params):
    """The reference date is at most `days` Chinese working days after the subject date.

    Working days follow China's official calendar (holidays skipped, make-up working weekends
    counted). A year whose calendar is unpublished is never guessed: the deadline is then a
    range, from `{earliest}` to `{latest}`, and `{year}` names the unpublished year. Messages
    may also use `{date}` (the subject date), `{deadline}` (the last day, or the range's end)
    and `{days}`.
    """

    kind: Literal["working_days"]
    days: Days


def evaluate(check: WorkingDays, subject: Subject, ctx: Context) -> Outcome:
    value: date = subject.value
    future = future_date(value, ctx)
    if future is not None:
        return future
    deadline = dates.working_deadline(value, check.days, ctx.calendar)
    if deadline.unknown_year is None:
        params: dict[str, Value] = {"date": value, "deadline": deadline.latest, "days": check.days}
        return Outcome(
            "pass" if ctx.as_of <= deadline.latest else "fail",
            params,
            window_end=deadline.latest,
            window_start=value,
        )
    earliest, latest = deadline.earliest, deadline.latest
    params = {
        "date": value,
        "days": check.days,
        "year": deadline.unknown_year,
        "earliest": earliest,
        "latest": latest,
        "deadline": latest,
    }
    if ctx.as_of <= earliest:
        # In time whatever the calendar will say; close to the bound, the warning says why
        # the bound is all that is known.
        return Outcome(
            "pass",
            params,
            window_end=earliest,
            window_start=value,
            deadline_range=(earliest, latest),
            closing=(i18n.CALENDAR_UNKNOWN_IN_TIME, i18n.CALENDAR_UNKNOWN_FIX),
        )
    if ctx.as_of <= latest:
        # The answer depends on the unpublished calendar: file at once (submit by today).
        return Outcome(
            "warn",
            params,
            window_end=ctx.as_of,
            window_start=value,
            deadline_range=(earliest, latest),
            message=i18n.CALENDAR_DEPENDS,
            fix=i18n.CALENDAR_DEPENDS_FIX,
        )
    return Outcome(
        "fail",
        params,
        window_end=latest,
        window_start=value,
        deadline_range=(earliest, latest),
        message=i18n.CALENDAR_UNKNOWN_LATE,
    )


def describe(check: WorkingDays, subject: str) -> tuple[str, str]:
    s, n = f"`{subject}`", check.days
    return (
        f"the reference date is at most {n} working days after {s}, on China's official "
        "calendar (holidays skipped, make-up working weekends counted). A year whose "
        "calendar is unpublished is never guessed: the deadline is then the range it "
        "surely lies in; in time up to its first day, a warning within it, late after it",
        f"参考日期不晚于 {s} 后第 {n} 个工作日（按国家法定节假日安排，"
        "节假日不计、调休上班日计入）。未公布安排的年份不作推测：截止日期取其必然所在的"
        "区间；区间首日前提交为按时，区间内给出警告，区间末日后为逾期",
    )


KIND = Kind(
    name="working_days",
    params=WorkingDays,
    placeholders=("date", "deadline", "days", "earliest", "latest", "year"),
    need=DATE,
    judge=evaluate,
    words=describe,
    time_window=True,
)
