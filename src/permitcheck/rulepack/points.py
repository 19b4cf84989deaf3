"""The national points table as a pack's data: its items, their brackets, version and sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import pairwise
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from permitcheck.basemodel import bilingual_error
from permitcheck.dossier.model import CategoryABasis, Day, Education, Extra, WorkplaceRegion
from permitcheck.i18n import Text
from permitcheck.rulepack.sources import RuleModel, Source

# The facts a table's items read, and for each fact that is a choice, the values it may take.
# The calculator (permitcheck.points) knows where each comes from in a dossier; a new table
# names the same facts, so a new table is a new data file, not new code.
NumberFact = Literal[
    "annual_salary_rmb", "work_years", "months_in_china_per_year", "age", "provincial_bonus"
]
ChoiceFact = Literal["education", "chinese", "workplace_region", "extras"]
NUMBER_FACTS: frozenset[str] = frozenset(NumberFact.__args__)  # type: ignore[attr-defined]
HSK_LEVELS = range(1, 10)  # HSK 2.0 has 6 levels, HSK 3.0 has 9
# The dossier format's own values; Chinese is scored as the facts its mapping states.
CHOICES: dict[str, tuple[str, ...]] = {
    "education": get_args(Education),
    "chinese": (
        "formerly_chinese",
        "degree_taught_in_chinese",
        *(f"hsk_{level}" for level in HSK_LEVELS),
    ),
    "workplace_region": get_args(WorkplaceRegion),
    "extras": get_args(Extra),
}
Points = Annotated[int, Field(ge=0, le=100)]


class Bracket(RuleModel):
    """One row of an item: the values it covers and the points they give."""

    label: Text = Field(
        description="The bracket as the source writes it (English) and in Chinese (`[35, 45)`)."
    )
    points: Points = Field(description="The points of a value in this bracket.")
    # A number fact: from `min` (inclusive) to `below` (exclusive), in the item's `unit`.
    min: float | None = Field(
        default=None, description="A number fact: the lowest value of the bracket (inclusive)."
    )
    below: float | None = Field(
        default=None, description="A number fact: the value the bracket stops below (exclusive)."
    )
    # `2 years: 5, each full year beyond adds 1`: points rise by this per whole unit above `min`.
    per_unit: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Points added for each whole unit above `min` (up to the item's `max`).",
    )
    values: list[str] | None = Field(
        default=None, description="A choice fact: the values the bracket covers."
    )

    def covers(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (
            self.below is None or value < self.below
        )


class PointsItem(RuleModel):
    """One element of the table (salary, education, age …) and how its fact scores."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="The item's key (`salary`).")
    name: Text = Field(description="The item as the source names it (English) and in Chinese.")
    fact: NumberFact | ChoiceFact = Field(description="The dossier fact the item scores.")
    max: Points = Field(description="The most points the item gives.")
    unit: int = Field(
        default=1,
        ge=1,
        description="A number fact is compared in units of this much (salary: 10,000 RMB).",
    )
    whole: bool = Field(
        default=False, description="A number fact counts in whole units only (full years)."
    )
    brackets: list[Bracket] = Field(min_length=1, description="The item's rows, as the source.")
    note: Text | None = Field(
        default=None, description="Shown with the item's points (how the fact is taken)."
    )
    source: Source = Field(description="The passage of the table the item rests on.")

    @model_validator(mode="after")
    def _brackets_fit_the_fact(self) -> PointsItem:
        number = self.fact in NUMBER_FACTS
        for bracket in self.brackets:
            if bracket.points > self.max:
                raise bilingual_error(
                    "points",
                    f"bracket {bracket.label.en!r} gives {bracket.points} points, above the "
                    f"item's max of {self.max}",
                    f"档位 {bracket.label.en!r} 为 {bracket.points} 分，超过该项最高分 {self.max}",
                )
            if number and bracket.values is not None:
                raise bilingual_error(
                    "points",
                    f"`{self.fact}` is a number: its brackets give `min` and `below`, not `values`",
                    f"`{self.fact}` 是数值：其档位应写 `min` 和 `below`，而非 `values`",
                )
            if not number:
                _choices(self.fact, bracket)
        if number:
            _no_overlap(self.brackets)
        return self


def _choices(fact: str, bracket: Bracket) -> None:
    allowed = CHOICES[fact]
    if bracket.values is None or bracket.min is not None or bracket.below is not None:
        raise bilingual_error(
            "points",
            f"`{fact}` is a choice: each bracket lists its `values` (of {', '.join(allowed)})",
            f"`{fact}` 是选项：每个档位须列出 `values`（可选：{', '.join(allowed)}）",
        )
    unknown = [value for value in bracket.values if value not in allowed]
    if unknown:
        raise bilingual_error(
            "points",
            f"`{fact}` is never {', '.join(unknown)}: its values are {', '.join(allowed)}",
            f"`{fact}` 不会是 {', '.join(unknown)}：可选值为 {', '.join(allowed)}",
        )


def _no_overlap(brackets: Iterable[Bracket]) -> None:
    spans = sorted(
        (
            b.min if b.min is not None else float("-inf"),
            b.below if b.below is not None else float("inf"),
            b.label.en,
        )
        for b in brackets
    )
    for (_, end, first), (start, _, second) in pairwise(spans):
        if start < end:
            raise bilingual_error(
                "points",
                f"brackets {first!r} and {second!r} overlap: a value would score twice",
                f"档位 {first!r} 与 {second!r} 重叠：同一数值会得两次分",
            )


class Thresholds(RuleModel):
    A: Points = Field(description="The fewest points of Category A (85).")
    B: Points = Field(description="The fewest points of Category B (60).")


class Basis(RuleModel):
    """A direct basis of Category A (no points needed), as a dossier declares it."""

    basis: CategoryABasis = Field(
        description="The basis as `application.category_a_basis` names it."
    )
    name: Text = Field(description="What it means, in English and Chinese.")


class Note(RuleModel):
    """Something the table's users must know, with the passage it rests on."""

    text: Text = Field(description="The note, in English and Chinese.")
    source: Source = Field(description="The passage it rests on.")


class PointsTable(RuleModel):
    """A version of the national points table: which applies on a reference date, its items,
    the thresholds of each category and what it rests on."""

    version: str = Field(
        pattern=r"^[a-z0-9][a-z0-9.-]*$", description="The table's version (`2017-interim`)."
    )
    name: Text = Field(description="The table's official name, in English and Chinese.")
    effective: Day = Field(description="The day it applies from.")
    thresholds: Thresholds = Field(description="The fewest points of Categories A and B.")
    items: list[PointsItem] = Field(min_length=1, description="The table's items, in order.")
    bases: list[Basis] = Field(default=[], description="Direct bases of Category A.")
    notes: list[Note] = Field(default=[], description="What the table's users must know.")
    sources: list[Source] = Field(min_length=1, description="What the table as a whole rests on.")

    @model_validator(mode="after")
    def _consistent(self) -> PointsTable:
        if self.thresholds.B >= self.thresholds.A:
            raise bilingual_error(
                "points",
                "thresholds: B must be below A",
                "thresholds：B 类分数线须低于 A 类",
            )
        seen: set[str] = set()
        for item in self.items:
            if item.id in seen:
                raise bilingual_error(
                    "points", f"item {item.id!r} is listed twice", f"项目 {item.id!r} 重复"
                )
            seen.add(item.id)
        return self

    def citations(self) -> list[Source]:
        """Every passage the table cites, for `pack test` to check word for word."""
        return [
            *self.sources,
            *(item.source for item in self.items),
            *(note.source for note in self.notes),
        ]


class WorkplaceRegions(RuleModel):
    """Which places of work of the points table a city is in, so that a dossier's stated
    `workplace_region` is scored only where it can be true."""

    allowed: list[WorkplaceRegion] = Field(
        min_length=1, description="The regions a dossier of this city may state (`[none]`)."
    )
    reason: Text = Field(description="Why, as the points item says it.")


def in_force(tables: Iterable[PointsTable], as_of: date) -> PointsTable | None:
    """The table that applies on `as_of`: the latest to take effect on or before it."""
    found = [table for table in tables if table.effective <= as_of]
    return max(found, key=lambda table: table.effective) if found else None
