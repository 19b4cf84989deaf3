"""The check kind `condition`: a condition on the dossier's facts holds."""

from __future__ import annotations

from datetime import date
from typing import Literal

from permitcheck.i18n import Value
from permitcheck.rulepack import conditions
from permitcheck.rulepack.conditions import Condition
from permitcheck.rulepack.kinds.base import Context, Kind, Outcome, Params, Subject, show
from permitcheck.rulepack.shapes import Reads


class ConditionCheck(Params):
    """A condition on the dossier's facts holds.

    `require` is a condition as `applies.when` writes it. Messages may use `{value}`: the
    subject's value, if it is a single value.
    """

    kind: Literal["condition"]
    require: Condition


def evaluate(check: ConditionCheck, subject: Subject, ctx: Context) -> Outcome:
    value = subject.value
    shown: Value = (
        show(value)
        if isinstance(value, bool | int)
        else (value if isinstance(value, str | date) else None)
    )
    return Outcome("pass" if ctx.holds(check.require) else "fail", {"value": shown})


def reads(check: ConditionCheck, subject: Reads) -> list[Reads]:
    return [subject, *conditions.reads(check.require, ("require",))]


def describe(check: ConditionCheck, subject: str) -> tuple[str, str]:
    return conditions.describe(check.require)


KIND = Kind(
    name="condition",
    params=ConditionCheck,
    placeholders=("value",),
    need=None,
    judge=evaluate,
    words=describe,
    reading=reads,
    judges_absence=True,
)
