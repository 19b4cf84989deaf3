"""The check kind `one_of`: a code is one of the values allowed."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from pydantic import Field

from permitcheck.i18n import Value
from permitcheck.rulepack.kinds.base import (
    Context,
    Kind,
    Outcome,
    Params,
    Subject,
    code_list,
    show,
)
from permitcheck.rulepack.shapes import TEXT, Reads


class OneOf(Params):
    """The subject value is one of `values`.

    Messages may use `{value}` (the value written) and `{allowed}` (the list of `values`).
    """

    kind: Literal["one_of"]
    values: list[str] = Field(min_length=1)


def evaluate(check: OneOf, subject: Subject, ctx: Context) -> Outcome:
    value = subject.value
    params: dict[str, Value] = {"value": show(value), "allowed": list(check.values)}
    return Outcome("pass" if value in check.values else "fail", params)


def reads(check: OneOf, subject: Reads) -> list[Reads]:
    return [replace(subject, values=tuple(check.values), values_at=("values",))]


def describe(check: OneOf, subject: str) -> tuple[str, str]:
    s = f"`{subject}`"
    return (
        f"{s} is one of {code_list(check.values)}",
        f"{s} 为以下之一：{code_list(check.values)}",
    )


KIND = Kind(
    name="one_of",
    params=OneOf,
    placeholders=("value", "allowed"),
    need=TEXT,
    judge=evaluate,
    words=describe,
    reading=reads,
)
