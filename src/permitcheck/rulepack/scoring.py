"""Scoring a dossier on the national points table, and whether its claimed category holds."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from permitcheck import dates
from permitcheck.i18n import Text, t
from permitcheck.rulepack.points import (
    NUMBER_FACTS,
    PointsItem,
    PointsTable,
    WorkplaceRegions,
    in_force,
)

Support = Literal["supported", "unconfirmed", "ruled_out"]
Category = Literal["A", "B", "C"]

# Each fact of the table: what to call it, and where the dossier states it.
FACTS: dict[str, tuple[Text, str]] = {
    "annual_salary_rmb": (t("the annual salary", "年薪"), "applicant.annual_salary_rmb"),
    "education": (t("the education", "受教育程度"), "applicant.education"),
    "work_years": (
        t("the years of related work experience", "相关工作经历年限"),
        "applicant.work_years",
    ),
    "months_in_china_per_year": (
        t("the number of months worked in China per year", "年度在华工作月数"),
        "applicant.months_in_china_per_year",
    ),
    "chinese": (t("the HSK level", "HSK等级"), "applicant.chinese"),
    "workplace_region": (t("the place of work", "工作地区"), "applicant.workplace_region"),
    "age": (t("the date of birth", "出生日期"), "applicant.date_of_birth"),
    "extras": (t("the list of extras", "加分项"), "applicant.extras"),
    "provincial_bonus": (t("the provincial bonus", "省级地方加分"), "applicant.provincial_bonus"),
}


@dataclass(frozen=True)
class Fact:
    """A fact as the calculator takes it: its value (a number, or the set of choices), where it
    comes from, how it is shown, and what stays unknown (a certificate without dates)."""

    value: float | frozenset[str] | None
    origin: str | None = None  # the dossier path it comes from
    shown: Text | None = None
    derived: bool = False
    partial: Text | None = None  # known only in part: the points are a lower bound
    note: Text | None = None


@dataclass(frozen=True)
class Scored:
    """One item of the table, scored: its points, the bracket used, the fact it read and the
    most points a fact not stated (or known only in part) could still add."""

    item: PointsItem
    points: int
    bracket: Text | None
    fact: Fact
    up_to: int

    @property
    def missing(self) -> bool:
        return self.fact.value is None

    @property
    def asks(self) -> tuple[Text, str]:
        """What to state for the points still open, and where (`applicant.chinese`)."""
        return FACTS[self.item.fact]


@dataclass(frozen=True)
class Assessment:
    """A dossier scored on the table in force on its reference date."""

    table: PointsTable
    as_of: date
    items: tuple[Scored, ...]
    claimed: str | None
    bases: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(scored.points for scored in self.items)

    @property
    def reachable(self) -> int:
        """The total if every missing fact gave its item's most points."""
        return self.total + sum(scored.up_to for scored in self.items)

    @property
    def category(self) -> Category:
        return self.category_of(self.total)

    def category_of(self, total: int) -> Category:
        thresholds = self.table.thresholds
        return "A" if total >= thresholds.A else "B" if total >= thresholds.B else "C"

    def needed(self, claim: str) -> int:
        """The fewest points of the claimed category (0 for C)."""
        return {"A": self.table.thresholds.A, "B": self.table.thresholds.B}.get(claim, 0)

    def support(self, claim: str | None = None) -> Support:
        """Whether the points (or, for A, a declared basis) support the claim: `unconfirmed`
        while missing facts could still reach it, `ruled_out` when the stated facts cannot."""
        claim = claim or self.claimed
        if claim is None or claim == "C" or (claim == "A" and self.bases):
            return "supported"
        needed = self.needed(claim)
        if self.total >= needed:
            return "supported"
        return "unconfirmed" if self.reachable >= needed else "ruled_out"

    @property
    def open_items(self) -> tuple[Scored, ...]:
        """The items whose points are not settled (a fact missing or known in part)."""
        return tuple(scored for scored in self.items if scored.up_to > 0)


def assess(
    data: Mapping[str, Any],
    tables: Sequence[PointsTable],
    regions: WorkplaceRegions | None,
    as_of: date,
) -> Assessment | None:
    """The dossier (as its model dumps it) scored on the table in force on `as_of` (None when
    none is); `regions`: the places of work the city is in."""
    table = in_force(tables, as_of)
    if table is None:
        return None
    applicant = data.get("applicant") or {}
    application = data.get("application") or {}
    facts = _facts(data, applicant, as_of, regions)
    items = tuple(_score(item, facts[item.fact]) for item in table.items)
    return Assessment(
        table=table,
        as_of=as_of,
        items=items,
        claimed=application.get("category"),
        bases=tuple(application.get("category_a_basis") or ()),
    )


def _score(item: PointsItem, fact: Fact) -> Scored:
    value = fact.value
    if value is None:
        return Scored(item, 0, None, fact, item.max)
    points, bracket = 0, None
    if isinstance(value, frozenset):
        for row in item.brackets:
            if row.values is not None and value & set(row.values) and row.points > points:
                points, bracket = row.points, row.label
    else:
        amount = value / item.unit
        if item.whole:
            amount = math.floor(amount)
        for row in item.brackets:
            if row.covers(amount):
                points, bracket = row.points, row.label
                if row.per_unit is not None and row.min is not None:
                    points += math.floor(amount - row.min) * row.per_unit
                break
    if points > item.max:
        capped = t(
            f"counted up to the item's maximum of {item.max}", f"按该项最高分 {item.max} 分计"
        )
        fact = Fact(fact.value, fact.origin, fact.shown, fact.derived, fact.partial, capped)
        points = item.max
    up_to = item.max - points if fact.partial is not None else 0
    return Scored(item, points, bracket, fact, up_to)


def _facts(
    data: Mapping[str, Any],
    applicant: Mapping[str, Any],
    as_of: date,
    regions: WorkplaceRegions | None,
) -> dict[str, Fact]:
    found: dict[str, Fact] = {}
    for fact, (_, path) in FACTS.items():
        key = path.rsplit(".", 1)[1]
        value = applicant.get(key)
        if fact in NUMBER_FACTS and fact != "age":
            found[fact] = (
                Fact(None) if value is None else Fact(float(value), path, _number(fact, value))
            )
    found["age"] = _age(applicant.get("date_of_birth"), as_of)
    found["education"] = _education(applicant.get("education"), data)
    found["chinese"] = _chinese(applicant.get("chinese"), applicant.get("previous_nationality"))
    found["workplace_region"] = _region(applicant.get("workplace_region"), regions)
    extras = applicant.get("extras")
    found["extras"] = (
        Fact(None)
        if extras is None
        else Fact(frozenset(extras), "applicant.extras", _codes(extras) or t("none", "无"))
    )
    if applicant.get("work_years") is None:
        found["work_years"] = _work_years(data, as_of)
    return found


def _number(fact: str, value: float) -> Text:
    amount = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    if fact == "annual_salary_rmb":
        return t(f"{amount} RMB", f"{amount} 元")
    if fact == "work_years":
        return t(f"{amount} years", f"{amount} 年")
    if fact == "months_in_china_per_year":
        return t(f"{amount} months", f"{amount} 个月")
    return t(amount, amount)


def _codes(values: Sequence[str]) -> Text | None:
    if not values:
        return None
    shown = ", ".join(f"`{value}`" for value in values)
    return t(shown, "、".join(f"`{value}`" for value in values))


def _age(born: object, as_of: date) -> Fact:
    if not isinstance(born, date):
        return Fact(None)
    age = dates.age_on(born, as_of)
    return Fact(
        float(age),
        "applicant.date_of_birth",
        t(f"{age} on {as_of} (born {born})", f"{as_of} 时 {age} 岁（{born} 出生）"),
        derived=True,
    )


# A degree certificate's `level` written as one of the education values is that education;
# anything else (`MSc`, `Diplom`) is not read, rather than guessed.
_LEVELS = ("doctorate", "master", "bachelor")


def _education(stated: object, data: Mapping[str, Any]) -> Fact:
    if isinstance(stated, str):
        return Fact(frozenset({stated}), "applicant.education", t(f"`{stated}`", f"`{stated}`"))
    degree = (data.get("documents") or {}).get("degree")
    level = degree.get("level") if isinstance(degree, dict) else None
    if isinstance(level, str) and level.strip().lower() in _LEVELS:
        value = level.strip().lower()
        return Fact(
            frozenset({value}),
            "documents.degree.level",
            t(f"`{value}`, the degree certificate's level", f"`{value}`，即学位证书所填层次"),
            derived=True,
        )
    return Fact(None)


def _chinese(stated: object, previous_nationality: object) -> Fact:
    facts: set[str] = set()
    shown: list[str] = []
    origin = None
    if isinstance(stated, dict):
        origin = "applicant.chinese"
        if stated.get("hsk") is not None:
            facts.add(f"hsk_{stated['hsk']}")
            shown.append(f"HSK {stated['hsk']}")
        for key in ("formerly_chinese", "degree_taught_in_chinese"):
            if stated.get(key) is True:
                facts.add(key)
                shown.append(f"`{key}`")
    derived = previous_nationality == "CN" and "formerly_chinese" not in facts
    if derived:
        # Formerly of Chinese nationality: the dossier says so where it states nationalities.
        facts.add("formerly_chinese")
        shown.append("`formerly_chinese` (`applicant.previous_nationality: CN`)")
        origin = origin or "applicant.previous_nationality"
    if origin is None:
        return Fact(None)
    text = ", ".join(shown) or "—"
    return Fact(frozenset(facts), origin, t(text, text), derived=derived and len(facts) == 1)


def _region(stated: object, regions: WorkplaceRegions | None) -> Fact:
    if regions is None:
        if not isinstance(stated, str):
            return Fact(None)
        return Fact(
            frozenset({stated}), "applicant.workplace_region", t(f"`{stated}`", f"`{stated}`")
        )
    if isinstance(stated, str) and stated in regions.allowed:
        return Fact(
            frozenset({stated}), "applicant.workplace_region", t(f"`{stated}`", f"`{stated}`")
        )
    # The city is in none of the other regions: what it is in is known without the dossier.
    allowed = frozenset(regions.allowed)
    shown = _codes(sorted(allowed))
    if not isinstance(stated, str):
        return Fact(allowed, None, shown, derived=True, note=regions.reason)
    return Fact(
        allowed,
        "applicant.workplace_region",
        shown,
        derived=True,
        note=t(
            f"`{stated}` is stated, and counts for nothing here: {regions.reason.en}",
            f"档案填写为 `{stated}`，在此不计分：{regions.reason.zh}",
        ),
    )


def _work_years(data: Mapping[str, Any], as_of: date) -> Fact:
    """Related work experience from the work-experience certificates' dates, when the dossier
    does not state `work_years`: overlapping periods count once, and a certificate without
    both dates leaves the item open (its points are then a lower bound)."""
    entries = (data.get("documents") or {}).get("work_experience")
    if not isinstance(entries, list):
        return Fact(None)
    spans: list[tuple[date, date]] = []
    undated = 0
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("commitment") is True:
            continue
        if entry.get("related_to_position") is False:
            continue
        start, end = entry.get("from"), entry.get("to")
        if not isinstance(start, date) or not isinstance(end, date):
            undated += 1
            continue
        end = min(end, as_of)
        if start <= end:
            spans.append((start, end))
    if not spans:
        return Fact(None)
    months, days = 0, 0
    for start, end in _merged(spans):
        span = relativedelta(end + timedelta(days=1), start)
        months += span.years * 12 + span.months
        days += span.days
    # Leftover days make whole months at 31 a month: never more experience than the dates give.
    months += days // 31
    years, rest = divmod(months, 12)
    count = len(spans)
    shown = t(
        f"{years} years {rest} months, from the dates of {count} certificate"
        f"{'s' if count != 1 else ''}",
        f"{years} 年 {rest} 个月（依据 {count} 份证明的日期）",
    )
    partial = (
        t(
            f"{undated} certificate{'s' if undated != 1 else ''} without `from` and `to` not "
            "counted",
            f"{undated} 份证明未填 `from` 和 `to`，未计入",
        )
        if undated
        else None
    )
    return Fact(months / 12, "documents.work_experience", shown, derived=True, partial=partial)


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
