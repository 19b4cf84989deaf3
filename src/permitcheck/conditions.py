"""Conditions on a dossier's facts (when a rule applies or an exemption holds) and their truth."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from permitcheck import dates, paths
from permitcheck.strict import Strict

PATH_PATTERN = r"^[a-z_]+(?:\[\*\])?(?:\.[a-z_]+(?:\[\*\])?)*$"
DottedPath = Annotated[str, Field(pattern=PATH_PATTERN)]
_ON_PATH = ("equals", "in_", "not_in", "present", "contains_any", "age_at_least")
_COMBINED = ("all", "any", "not_")


class Condition(Strict):
    """A fact about the dossier: exactly one operator, on `path` unless it combines others."""

    path: DottedPath | None = None
    equals: str | int | bool | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None
    present: bool | None = None
    contains_any: list[str] | None = None
    age_at_least: int | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        on_path = [name for name in _ON_PATH if getattr(self, name) is not None]
        combined = [name for name in _COMBINED if getattr(self, name) is not None]
        if len(on_path) + len(combined) != 1:
            raise PydanticCustomError(
                "condition", "a condition needs exactly one of: equals, in, not_in, present, "
                "contains_any, age_at_least (with path), or all, any, not")
        if on_path and self.path is None:
            raise PydanticCustomError("condition", "this condition needs a `path`")
        if combined and self.path is not None:
            raise PydanticCustomError("condition", "`all`, `any` and `not` take no `path`")
        return self


def holds(condition: Condition, data: Mapping[str, Any], as_of: date, index: int | None) -> bool:
    """Whether `condition` is true of `data`; `[*]` in paths is bound to `index`."""
    if condition.all is not None:
        return all(holds(part, data, as_of, index) for part in condition.all)
    if condition.any is not None:
        return any(holds(part, data, as_of, index) for part in condition.any)
    if condition.not_ is not None:
        return not holds(condition.not_, data, as_of, index)
    assert condition.path is not None  # guaranteed by the model validator
    value = paths.get(data, paths.parse(condition.path, index))
    if condition.present is not None:
        written = value is not None and value != []
        return written == condition.present
    if condition.equals is not None:
        return value is not None and type(value) is type(condition.equals) \
            and value == condition.equals
    if condition.in_ is not None:
        return value in condition.in_
    if condition.not_in is not None:
        return value is not None and value not in condition.not_in
    if condition.contains_any is not None:
        return isinstance(value, list) and any(item in value for item in condition.contains_any)
    if condition.age_at_least is not None:
        return isinstance(value, date) and dates.age_on(value, as_of) >= condition.age_at_least
    raise AssertionError("unreachable: validated condition without operator")  # pragma: no cover
