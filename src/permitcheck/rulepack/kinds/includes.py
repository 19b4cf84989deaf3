"""The check kind `includes`: a list of codes holds the values it must."""

from __future__ import annotations

from typing import Literal

from permitcheck.rulepack.kinds.base import Context, Kind, Outcome, Params, Subject, code_list
from permitcheck.rulepack.shapes import LIST_OF_TEXT, Reads, Where


class Includes(Params):
    """The subject list contains every value of `all`, at least one of `any`, and every value
    of at least one group of `any_group`.

    A list not written is an empty list. Messages may use `{missing}`: the values (or the
    alternatives, `a / b`) the list still lacks.
    """

    kind: Literal["includes"]
    all: list[str] = []
    any: list[str] = []
    any_group: list[list[str]] = []


def evaluate(check: Includes, subject: Subject, ctx: Context) -> Outcome:
    have = set(subject.value or [])
    missing: list[str] = [item for item in check.all if item not in have]
    if check.any and not have.intersection(check.any):
        missing.append(" / ".join(check.any))
    lacking = [[item for item in group if item not in have] for group in check.any_group]
    if lacking and all(lacking):
        # What each alternative still lacks: `residence_permit / latest_entry`.
        missing.append(" / ".join(" + ".join(group) for group in lacking))
    return Outcome("fail", {"missing": missing}) if missing else Outcome("pass")


def reads(check: Includes, subject: Reads) -> list[Reads]:
    found = [subject]
    lists: list[tuple[str | int, list[str]]] = [("all", check.all), ("any", check.any)]
    lists += list(enumerate(check.any_group))
    for name, values in lists:
        where: Where = (name,) if isinstance(name, str) else ("any_group", name)
        found.append(
            Reads(subject.by, where, need=LIST_OF_TEXT, values=tuple(values), values_at=where)
        )
    return found


def describe(check: Includes, subject: str) -> tuple[str, str]:
    s = f"`{subject}`"
    en, zh = f"{s} lists all of {code_list(check.all)}", f"{s} 列明全部：{code_list(check.all)}"
    if check.any:
        en += f", and at least one of {code_list(check.any)}"
        zh += f"，并至少包括以下之一：{code_list(check.any)}"
    if check.any_group:
        groups = " or ".join(" + ".join(f"`{item}`" for item in group) for group in check.any_group)
        groups_zh = "；或".join(
            "、".join(f"`{item}`" for item in group) for group in check.any_group
        )
        en += f", and either {groups}"
        zh += f"，并包括以下任一组：{groups_zh}"
    return en, zh


KIND = Kind(
    name="includes",
    params=Includes,
    placeholders=("missing",),
    need=LIST_OF_TEXT,
    judge=evaluate,
    words=describe,
    reading=reads,
    judges_absence=True,
)
