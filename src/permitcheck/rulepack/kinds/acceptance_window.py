"""The check kind `acceptance_window`: the employer's facts name one acceptance window."""

from __future__ import annotations

from typing import Literal

from permitcheck.rulepack.kinds.base import Context, Kind, Outcome, Params, Subject


class AcceptanceWindow(Params):
    """The employer's level and `registered_in` name one acceptance window of the pack.

    It takes no parameters: the engine resolves the window once per dossier, as `permitcheck
    where` does. Messages may use `{problem}`: why the dossier names no window.
    """

    kind: Literal["acceptance_window"]


def evaluate(check: AcceptanceWindow, subject: Subject, ctx: Context) -> Outcome:
    problem = ctx.acceptance.problem
    return Outcome("pass") if problem is None else Outcome("fail", {"problem": problem})


def describe(check: AcceptanceWindow, subject: str) -> tuple[str, str]:
    return (
        "the employer's `level` and `registered_in` name one of the pack's acceptance "
        "windows (as `permitcheck where` does): a municipal employer states a known "
        "district or zone",
        "用人单位的 `level` 和 `registered_in` 对应规则包中的一个受理窗口（与 "
        "`permitcheck where` 相同）：市级单位须填写可识别的区或园区",
    )


KIND = Kind(
    name="acceptance_window",
    params=AcceptanceWindow,
    placeholders=("problem",),
    need=None,
    judge=evaluate,
    words=describe,
    judges_absence=True,
    needs_windows=True,
)
