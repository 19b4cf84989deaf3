"""The check kind `before_date`: the reference date is early enough before a date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import model_validator

from permitcheck import i18n
from permitcheck.basemodel import bilingual_error
from permitcheck.i18n import Value
from permitcheck.rulepack.kinds.base import Context, Days, Kind, Outcome, Params, Subject
from permitcheck.rulepack.shapes import DATE


class BeforeDate(Params):
    """The reference date is at least `days` days before the subject date: by default the day
    before it is the last day (a permit still valid); `days: 30`, a filing due 30 days ahead.

    With `opens`, the window opens `opens` days before the subject date: an earlier reference
    date is a warning (case `too_early`), never a failure. A reference date on the subject date
    itself is the case `on_the_day`; a rule may word both cases in its `variants`.

    Messages may use `{date}` (the subject date), `{last_day}` (the last reference date on which
    it holds), `{days}`, and with `opens`, `{first_day}` (where the window opens) and `{opens}`.
    """

    kind: Literal["before_date"]
    days: Days = 1
    opens: Days | None = None

    @model_validator(mode="after")
    def _opens_before_it_closes(self) -> BeforeDate:
        if self.opens is not None and self.opens <= self.days:
            raise bilingual_error(
                "opens",
                f"`opens` ({self.opens} days before) must be more than `days` "
                f"({self.days}): the window opens before it closes",
                f"`opens`（提前 {self.opens} 天）须大于 `days`（{self.days}）：时限须先开始后截止",
            )
        return self


def evaluate(check: BeforeDate, subject: Subject, ctx: Context) -> Outcome:
    value: date = subject.value
    # Whole calendar days: 30 days before 2027-03-31 is 2027-03-01.
    last_day = value - timedelta(days=check.days)
    params: dict[str, Value] = {"date": value, "last_day": last_day, "days": check.days}
    first_day = None
    if check.opens is not None:
        first_day = value - timedelta(days=check.opens)
        params |= {"first_day": first_day, "opens": check.opens}
    if ctx.as_of <= last_day:
        if first_day is not None and ctx.as_of < first_day:
            # Too early is not too late: the window still holds, so `submit by` is its end.
            return Outcome(
                "warn",
                params,
                window_end=last_day,
                window_start=first_day,
                message=i18n.NOT_OPEN_YET,
                fix=i18n.NOT_OPEN_YET_FIX,
                variant="too_early",
            )
        return Outcome("pass", params, window_end=last_day, window_start=first_day)
    # On the date itself (a permit's last day of validity) what is true differs from after it.
    return Outcome(
        "fail",
        params,
        window_end=last_day,
        window_start=first_day,
        variant="on_the_day" if ctx.as_of == value else None,
    )


def describe(check: BeforeDate, subject: str) -> tuple[str, str]:
    s = f"`{subject}`"
    if check.days == 1 and check.opens is None:
        return (f"the reference date is before {s}", f"参考日期早于 {s}")
    n, sample = check.days, date(2027, 3, 31)
    example = (sample - timedelta(days=n)).isoformat()
    en = (
        f"the reference date is at least {n} days before {s}: the last day is {s} minus "
        f"{n} calendar days (for 2027-03-31, {example}), counted in whole days; later is "
        "too late"
    )
    zh = (
        f"参考日期至少早于 {s} {n} 天：最后一日为 {s} 减去 {n} 个日历日（如 2027-03-31 "
        f"对应 {example}），按整日计算；晚于该日即为过晚"
    )
    if check.opens is not None:
        first = (sample - timedelta(days=check.opens)).isoformat()
        en += (
            f"; a reference date more than {check.opens} days before {s} (before "
            f"{first} for 2027-03-31) is a warning: the window opens then"
        )
        zh += (
            f"；早于 {s} 前 {check.opens} 天（2027-03-31 对应 {first} 之前）给出警告："
            "时限自该日起开始"
        )
    return en, zh


KIND = Kind(
    name="before_date",
    params=BeforeDate,
    placeholders=("date", "last_day", "days", "first_day", "opens"),
    need=DATE,
    judge=evaluate,
    words=describe,
    variants=("on_the_day", "too_early"),
    time_window=True,
)
