"""The check kind `facts`: fields of a document or section have the expected values."""

from __future__ import annotations

from typing import Literal

from permitcheck import i18n
from permitcheck.i18n import Text
from permitcheck.rulepack.kinds.base import (
    Context,
    Kind,
    Outcome,
    Params,
    Subject,
    code_list,
    show,
)
from permitcheck.rulepack.shapes import BOOL, MAPPING, TEXT, Reads


class Facts(Params):
    """Fields of the subject mapping have the expected values (an absent field fails).

    `expect` maps fields to the value each must have (true, false, or a code); `stated` lists
    fields that must be written, whatever their value; of each group of `stated_any`, at least
    one must be written. Messages may use `{problems}`: every field that is not as expected.
    """

    kind: Literal["facts"]
    expect: dict[str, bool | str] = {}
    stated: list[str] = []
    stated_any: list[list[str]] = []


def evaluate(check: Facts, subject: Subject, ctx: Context) -> Outcome:
    value = subject.value
    problems: list[Text] = []

    def written(name: str) -> bool:
        return isinstance(value, dict) and value.get(name) is not None

    for name in check.stated:
        if not written(name):
            problems.append(i18n.render_both(i18n.IS_NOT_STATED, {"field": name}))
    for group in check.stated_any:
        if not any(written(name) for name in group):
            problems.append(i18n.render_both(i18n.NONE_STATED, {"fields": code_list(group)}))
    for name, expected in check.expect.items():
        actual = value.get(name) if isinstance(value, dict) else None
        if actual is None:
            problems.append(i18n.render_both(i18n.IS_NOT_STATED, {"field": name}))
        elif actual != expected:
            problems.append(
                i18n.render_both(
                    i18n.IS_WRONG,
                    {"field": name, "value": show(actual), "expected": show(expected)},
                )
            )
    if problems:
        return Outcome("fail", {"problems": i18n.join(problems)})
    return Outcome("pass")


def reads(check: Facts, subject: Reads) -> list[Reads]:
    by = subject.by
    found = [subject]
    for name, expected in check.expect.items():
        flag = isinstance(expected, bool)
        found.append(
            Reads(
                by,
                ("expect", name),
                name,
                BOOL if flag else TEXT,
                values=() if flag else (str(expected),),
                values_at=("expect", name),
                listed=False,
                key=True,
            )
        )
    found += [Reads(by, ("stated", number), name) for number, name in enumerate(check.stated)]
    found += [
        Reads(by, ("stated_any", group, number), name)
        for group, names in enumerate(check.stated_any)
        for number, name in enumerate(names)
    ]
    return found


def describe(check: Facts, subject: str) -> tuple[str, str]:
    s = f"`{subject}`"
    wanted = [f"`{name}: {show(value)}`" for name, value in check.expect.items()]
    stated = code_list(check.stated)
    en = f"{s} says " + ", ".join(wanted) if wanted else f"{s} is described"
    zh = f"{s} 须为 " + "、".join(wanted) if wanted else f"{s} 已填写"
    if check.stated:
        en += f"; these are stated: {stated}"
        zh += f"；且已填写：{stated}"
    for group in check.stated_any:
        en += f"; at least one of {code_list(group)} is stated"
        zh += f"；{code_list(group)} 至少填写其一"
    return en, zh


KIND = Kind(
    name="facts",
    params=Facts,
    placeholders=("problems",),
    need=MAPPING,
    judge=evaluate,
    words=describe,
    reading=reads,
)
