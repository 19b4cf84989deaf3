"""Conditions on a dossier's facts (when a rule applies or an exemption holds) and their truth."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from permitcheck import dates
from permitcheck.basemodel import Strict, bilingual_error, shown
from permitcheck.dossier import dotted
from permitcheck.i18n import Text, t
from permitcheck.rulepack.shapes import (
    BOOL,
    DATE,
    DOCUMENT,
    LIST_OF_TEXT,
    NUMBER,
    TEXT,
    Need,
    Reads,
    Where,
)

PATH_PATTERN = r"^[a-z_]+(?:\[\*\])?(?:\.[a-z_]+(?:\[\*\])?)*$"
DottedPath = Annotated[str, Field(pattern=PATH_PATTERN)]
_ON_PATH = (
    "equals",
    "in_",
    "not_in",
    "stated",
    "contains_any",
    "age_at_least",
    "commitment",
    "date",
)
DateComparison = Literal[
    "before_reference", "on_or_before_reference", "after_reference", "on_or_after_reference"
]
_COMBINED = ("all", "any", "not_")


def between(low: int, high: int, unit_en: str, unit_zh: str, span: Text) -> AfterValidator:
    """A bound on a whole number of a rule pack: date arithmetic on dossier dates (years 1900 to
    2200) with any number in range stays within the calendar, so evaluation never overflows."""

    def check(value: int) -> int:
        if low <= value <= high:
            return value
        raise bilingual_error(
            "out_of_range",
            f"must be from {low} to {high:,} {unit_en} ({span.en}), got {shown(value)}",
            f"须在 {low} 到 {high:,} {unit_zh}之间（{span.zh}），实际为 {shown(value)}",
        )

    return AfterValidator(check)


# At most a century: far above any real deadline or validity, far below the calendar's end.
CENTURY = t("a century at most", "至多一百年")
Years = Annotated[int, between(0, 150, "years", "岁", t("a human life", "人的寿命"))]


class Condition(Strict):
    """A fact about the dossier: exactly one operator, on `path` unless it combines others."""

    path: DottedPath | None = Field(
        default=None,
        description=(
            "The dossier path the operator reads (from the top of the dossier; `[*]`: the entry of"
            " `for_each`)."
        ),
    )
    equals: str | int | bool | None = Field(
        default=None, description="The value equals this text, number or true/false."
    )
    in_: list[str] | None = Field(
        default=None, alias="in", description="The value is one of these."
    )
    not_in: list[str] | None = Field(
        default=None, description="The value is written and is none of these."
    )
    # The value at `path` is written (true) or not (false). Named apart from the check kind
    # `present`, which asks more of a document (a document, not only a commitment).
    stated: bool | None = Field(
        default=None, description="The value is written (true) or not (false)."
    )
    contains_any: list[str] | None = Field(
        default=None, description="The list contains at least one of these."
    )
    age_at_least: Years | None = Field(
        default=None,
        description=(
            "The person born on the date at `path` is at least this old on the reference date."
        ),
    )
    # The document at `path` is given as a signed commitment: `{commitment: true}`, or a list
    # of documents with such an entry.
    commitment: bool | None = Field(
        default=None,
        description="The document at `path` is given as a signed commitment (true) or not (false).",
    )
    # The date at `path` compared with the reference date (an event that has happened, a
    # planned day gone by); an unstated date is none of these.
    date: DateComparison | None = Field(
        default=None, description="The date at `path` compared with the reference date."
    )
    all: list[Condition] | None = Field(
        default=None, description="Every one of these conditions holds."
    )
    any: list[Condition] | None = Field(
        default=None, description="At least one of these conditions holds."
    )
    not_: Condition | None = Field(
        default=None, alias="not", description="This condition does not hold."
    )

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        on_path = [name for name in _ON_PATH if getattr(self, name) is not None]
        combined = [name for name in _COMBINED if getattr(self, name) is not None]
        if len(on_path) + len(combined) != 1:
            operators = (
                "equals, in, not_in, stated, contains_any, age_at_least, commitment, "
                "date (with path), or all, any, not"
            )
            raise bilingual_error(
                "condition",
                f"a condition needs exactly one of: {operators}",
                f"条件须且只能包含以下之一：{operators}",
            )
        if on_path and self.path is None:
            raise bilingual_error("condition", "this condition needs a `path`", "此条件需要 `path`")
        if combined and self.path is not None:
            raise bilingual_error(
                "condition",
                "`all`, `any` and `not` take no `path`",
                "`all`、`any` 和 `not` 不能带 `path`",
            )
        return self


def holds(condition: Condition, data: Mapping[str, Any], as_of: date, index: int | None) -> bool:
    """Whether `condition` is true of `data`; `[*]` in paths is bound to `index`."""
    return predicate(condition)(data, as_of, index)


# A condition's truth on (dossier data, reference date, item index).
Predicate = Callable[[Mapping[str, Any], date, "int | None"], bool]


def predicate(condition: Condition) -> Predicate:
    """`condition` made into a function, once per condition: its operator is chosen and its
    path parsed when it is first asked, not each time (the engine asks ~30 times per dossier)."""
    found = _PREDICATES.get(id(condition))
    # The entry holds the condition, so that its id is not reused while it is there.
    if found is None or found[0] is not condition:
        if len(_PREDICATES) >= 4096:  # bounded: a process may load many packs (the tests)
            _PREDICATES.clear()
        found = _PREDICATES[id(condition)] = (condition, _compile(condition))
    return found[1]


_PREDICATES: dict[int, tuple[Condition, Predicate]] = {}


def _compile(condition: Condition) -> Predicate:
    if condition.all is not None:
        every = tuple(predicate(part) for part in condition.all)
        return lambda data, as_of, index: all(part(data, as_of, index) for part in every)
    if condition.any is not None:
        some = tuple(predicate(part) for part in condition.any)
        return lambda data, as_of, index: any(part(data, as_of, index) for part in some)
    if condition.not_ is not None:
        negated = predicate(condition.not_)
        return lambda data, as_of, index: not negated(data, as_of, index)
    assert condition.path is not None  # guaranteed by the model validator
    test = _test(condition)
    path = condition.path
    if "[*]" not in path:
        keys = dotted.parse(path, None)
        return lambda data, as_of, index: test(dotted.get(data, keys), as_of)
    return lambda data, as_of, index: test(dotted.get(data, dotted.parse(path, index)), as_of)


def _test(condition: Condition) -> Callable[[Any, date], bool]:
    """What the operator of a condition on a path asks of the value there."""
    if condition.stated is not None:
        stated = condition.stated
        return lambda value, as_of: (value is not None and value != []) == stated
    if condition.equals is not None:
        equals, kind = condition.equals, type(condition.equals)
        return lambda value, as_of: value is not None and type(value) is kind and value == equals
    if condition.in_ is not None:
        among = condition.in_
        return lambda value, as_of: value in among
    if condition.not_in is not None:
        outside = condition.not_in
        return lambda value, as_of: value is not None and value not in outside
    if condition.contains_any is not None:
        wanted = condition.contains_any
        return lambda value, as_of: (
            isinstance(value, list) and any(item in value for item in wanted)
        )
    if condition.age_at_least is not None:
        years = condition.age_at_least
        return lambda value, as_of: isinstance(value, date) and dates.age_on(value, as_of) >= years
    if condition.commitment is not None:
        commitment = condition.commitment
        return lambda value, as_of: given_as_commitment(value) == commitment
    if condition.date is not None:
        compare = _COMPARE[condition.date]
        return lambda value, as_of: isinstance(value, date) and compare(value, as_of)
    raise AssertionError("unreachable: validated condition without operator")  # pragma: no cover


_COMPARE: dict[str, Callable[[date, date], bool]] = {
    "before_reference": lambda day, as_of: day < as_of,
    "on_or_before_reference": lambda day, as_of: day <= as_of,
    "after_reference": lambda day, as_of: day > as_of,
    "on_or_after_reference": lambda day, as_of: day >= as_of,
}
_DATE_WORDS = {
    "before_reference": ("{path} is before the reference date", "{path} 早于参考日期"),
    "on_or_before_reference": (
        "{path} is on or before the reference date",
        "{path} 不晚于参考日期",
    ),
    "after_reference": ("{path} is after the reference date", "{path} 晚于参考日期"),
    "on_or_after_reference": ("{path} is on or after the reference date", "{path} 不早于参考日期"),
}


def undecided(
    condition: Condition, data: Mapping[str, Any], as_of: date, index: int | None
) -> list[str]:
    """The unstated facts without which `condition` is neither true nor false; [] when the
    dossier decides it. (`stated` and `commitment` are always decided: absence answers them.)"""
    return _decide(condition, data, as_of, index)[1]


def _decide(
    condition: Condition, data: Mapping[str, Any], as_of: date, index: int | None
) -> tuple[bool | None, list[str]]:
    parts = condition.all if condition.all is not None else condition.any
    if parts is not None:
        wanted = condition.all is None  # `any` looks for a true part, `all` for a false one
        results = [_decide(part, data, as_of, index) for part in parts]
        if any(result is wanted for result, _ in results):
            return wanted, []
        missing = [path for result, paths_ in results if result is None for path in paths_]
        return (None, missing) if missing else (not wanted, [])
    if condition.not_ is not None:
        result, missing = _decide(condition.not_, data, as_of, index)
        return (None if result is None else not result), missing
    assert condition.path is not None
    if (
        condition.stated is None
        and condition.commitment is None
        and dotted.get(data, dotted.parse(condition.path, index)) is None
    ):
        return None, [condition.path]
    return holds(condition, data, as_of, index), []


def mentions_commitment(condition: Condition) -> bool:
    """Whether a condition asks for a commitment (an exemption that allows one)."""
    parts = condition.all or condition.any or []
    if parts:
        return any(mentions_commitment(part) for part in parts)
    return condition.commitment is True


def is_commitment(entry: Any) -> bool:
    """Whether a document entry is a signed commitment given instead of the document."""
    return isinstance(entry, dict) and entry.get("commitment") is True


def given_as_commitment(value: Any) -> bool:
    """Whether a document, or an entry of a list of documents, is a signed commitment."""
    if isinstance(value, list):
        return any(is_commitment(entry) for entry in value)
    return is_commitment(value)


def _code(value: object) -> str:
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


def _codes(values: list[str]) -> str:
    return ", ".join(_code(value) for value in values)


def describe(condition: Condition) -> tuple[str, str]:
    """The condition in English and Chinese, for `permitcheck explain`."""
    if condition.all is not None:
        parts = [describe(part) for part in condition.all]
        return (" and ".join(p[0] for p in parts), "，且".join(p[1] for p in parts))
    if condition.any is not None:
        parts = [describe(part) for part in condition.any]
        return (
            "either " + "; or ".join(p[0] for p in parts),
            "以下任一情形：" + "；或".join(p[1] for p in parts),
        )
    if condition.not_ is not None:
        en, zh = describe(condition.not_)
        return (f"not ({en})", f"并非（{zh}）")
    path = f"`{condition.path}`"
    if condition.stated is not None:
        return (
            (f"{path} is given", f"已填写 {path}")
            if condition.stated
            else (f"{path} is not given", f"未填写 {path}")
        )
    if condition.equals is not None:
        return (f"{path} is {_code(condition.equals)}", f"{path} 为 {_code(condition.equals)}")
    if condition.in_ is not None:
        values = _codes(condition.in_)
        return (f"{path} is one of {values}", f"{path} 为以下之一：{values}")
    if condition.not_in is not None:
        values = _codes(condition.not_in)
        return (
            f"{path} is given and is none of {values}",
            f"已填写 {path}，且不为以下任何一项：{values}",
        )
    if condition.contains_any is not None:
        values = _codes(condition.contains_any)
        return (f"{path} includes any of {values}", f"{path} 包含以下任一项：{values}")
    if condition.date is not None:
        return _DATE_WORDS[condition.date][0].format(path=path), _DATE_WORDS[condition.date][
            1
        ].format(path=path)
    if condition.commitment is not None:
        return (
            (f"{path} is given as a signed commitment", f"{path} 以承诺书代替")
            if condition.commitment
            else (f"{path} is not given as a signed commitment", f"{path} 未以承诺书代替")
        )
    years = condition.age_at_least
    return (
        f"the person born on {path} is at least {years} on the reference date",
        f"按参考日期计，{path} 所对应的人已满 {years} 岁",
    )


@cache
def _reader(operator: str) -> Text:
    return t(f"condition `{operator}`", f"条件 `{operator}`")


def reads(condition: Condition, at: Where = ()) -> Iterator[Reads]:
    """What a condition reads from the dossier, each with where it is written (after `at`)."""
    for name, parts in (("all", condition.all), ("any", condition.any)):
        for number, part in enumerate(parts or ()):
            yield from reads(part, (*at, name, number))
    if condition.not_ is not None:
        yield from reads(condition.not_, (*at, "not"))
    if condition.path is None:
        return
    operator = next(name for name in _ON_PATH if getattr(condition, name) is not None)
    key = "in" if operator == "in_" else operator
    by = _reader(key)
    need: Need | None = None
    values: tuple[str, ...] = ()
    listed = True
    if operator == "equals":
        equals = condition.equals
        need = BOOL if isinstance(equals, bool) else NUMBER if isinstance(equals, int) else TEXT
        values, listed = ((equals,) if isinstance(equals, str) else ()), False
    elif operator in ("in_", "not_in"):
        need, values = TEXT, tuple(getattr(condition, operator))
    elif operator == "contains_any":
        need, values = LIST_OF_TEXT, tuple(condition.contains_any or ())
    elif operator in ("age_at_least", "date"):
        need = DATE
    elif operator == "commitment":
        need = DOCUMENT
    yield Reads(
        by=by,
        at=(*at, "path"),
        path=condition.path,
        need=need,
        absolute=True,
        values=values,
        values_at=(*at, key),
        listed=listed,
    )
