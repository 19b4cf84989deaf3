"""The check kind `category_points`: the points table supports the category a dossier claims."""

from __future__ import annotations

from typing import Literal

from permitcheck.i18n import Text, Value, t
from permitcheck.rulepack import scoring
from permitcheck.rulepack.kinds.base import Context, Kind, Outcome, Params, Subject
from permitcheck.rulepack.shapes import TEXT

NO_TABLE = t(
    "No points table of the pack is in force on {as_of}: the claimed category cannot be checked.",
    "规则包中没有在 {as_of} 有效的积分表：无法核对所申报的类别。",
)
NO_TABLE_FIX = t(
    "Check the reference date (`--as-of`); `permitcheck category` names the tables the pack has.",
    "请核对参考日期（`--as-of`）；`permitcheck category` 列出规则包中的积分表。",
)


class CategoryPoints(Params):
    """The category at the subject (`application.category`) is supported by the dossier's
    points on the pack's table in force (`data: points`): A from 85, B from 60 in the 2017
    table; C needs none.

    A failure when the stated facts rule the claim out (even the facts not stated, at their
    best, could not reach it); a warning, variant `unconfirmed`, while they could. Messages may
    use `{claimed}`, `{needed}`, `{total}`, `{reachable}` (the total with every missing fact at
    its best), `{open}` (the points still open), `{category}` (the category the stated facts
    give), `{table}`, `{missing}` (the facts not stated, each with what it could add) and
    `{items}` (each item's points).
    """

    kind: Literal["category_points"]


def evaluate(check: CategoryPoints, subject: Subject, ctx: Context) -> Outcome:
    assessment = ctx.points()
    if assessment is None:
        return Outcome("warn", message=NO_TABLE, fix=NO_TABLE_FIX)
    claimed = str(subject.value)
    support = assessment.support(claimed)
    params = describe_assessment(assessment, claimed)
    if support == "supported":
        return Outcome("pass", params)
    if support == "unconfirmed":
        return Outcome("warn", params, variant="unconfirmed")
    return Outcome("fail", params)


def describe_assessment(assessment: scoring.Assessment, claimed: str) -> dict[str, Value]:
    """The placeholders of a message about a claim on the points table."""
    return {
        "claimed": claimed,
        "needed": assessment.needed(claimed),
        "total": assessment.total,
        "reachable": assessment.reachable,
        "open": assessment.reachable - assessment.total,
        "category": assessment.category,
        "table": table_name(assessment),
        "missing": missing(assessment),
        "items": items(assessment),
    }


def table_name(assessment: scoring.Assessment) -> Text:
    table = assessment.table
    return t(
        f"points table {table.version} (in force from {table.effective})",
        f"积分表 {table.version}（自 {table.effective} 起施行）",
    )


def missing(assessment: scoring.Assessment) -> Text:
    """The facts not stated (or known in part), each with the most points it could add."""
    en, zh = [], []
    for scored in assessment.open_items:
        name, path = scored.asks
        en.append(f"{name.en} (`{path}`): up to {scored.up_to}")
        zh.append(f"{name.zh}（`{path}`）：最多 {scored.up_to} 分")
    return t("; ".join(en) or "none", "；".join(zh) or "无")


def items(assessment: scoring.Assessment) -> Text:
    """Each item's points out of its most, in the table's order."""
    en = ", ".join(
        f"{s.item.id.replace('_', ' ')} {s.points}/{s.item.max}" for s in assessment.items
    )
    zh = "，".join(f"{s.item.name.zh} {s.points}/{s.item.max}" for s in assessment.items)
    return t(en, zh)


def describe(check: CategoryPoints, subject: str) -> tuple[str, str]:
    return (
        f"the category at `{subject}` is supported by the dossier's points on the pack's points "
        "table in force on the reference date: a failure when the stated facts rule it out, a "
        "warning while facts not stated could still reach it (`permitcheck category` shows "
        "each item)",
        f"`{subject}` 所申报的类别得到档案按参考日期有效的积分表所计分数的支持：已填事实不可能达到"
        "时为不通过，未填事实仍可能使其达到时为警告（`permitcheck category` 列出各项得分）",
    )


KIND = Kind(
    name="category_points",
    params=CategoryPoints,
    placeholders=(
        "claimed",
        "needed",
        "total",
        "reachable",
        "open",
        "category",
        "table",
        "missing",
        "items",
    ),
    need=TEXT,
    judge=evaluate,
    words=describe,
    variants=("unconfirmed",),
    needs_points=True,
)
