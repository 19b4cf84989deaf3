"""`permitcheck category`: a dossier's points on the national table, as text, JSON and Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from permitcheck import __version__
from permitcheck.findings import RenderOptions, SourceRef
from permitcheck.i18n import Lang, Text, aside, say, t
from permitcheck.render import escape
from permitcheck.render.shared import applicant as named
from permitcheck.render.shared import json_document
from permitcheck.rulepack.scoring import Assessment, Scored


@dataclass(frozen=True)
class CategoryView:
    """What `permitcheck category` shows of one dossier: its points item by item on the table
    in force, each item's cited passage, and the claim it makes."""

    path: str
    applicant: str
    passport: str | None
    city_name: Text
    assessment: Assessment
    # The passage each item rests on (by item id), the table's own and each note's.
    cited: Mapping[str, SourceRef]
    table_cited: tuple[SourceRef, ...]
    notes: tuple[tuple[Text, SourceRef], ...]

    @property
    def as_of(self) -> date:
        return self.assessment.as_of


_HEAD = t(
    "{path}: {applicant}, {city}, reference date {as_of}",
    "{path}：{applicant}，{city}，参考日期 {as_of}",
)
_TABLE = t(
    "Table: {name}, version {version}, in force from {effective}",
    "积分表：{name}，版本 {version}，自 {effective} 起施行",
)
_THRESHOLDS = t(
    "Category A from {A} points, B from {B}, C below {B}",
    "A类 {A} 分及以上，B类 {B} 分及以上，C类低于 {B} 分",
)
_BRACKET = t("bracket {bracket}", "档位：{bracket}")
_NO_BRACKET = t("in no bracket of the table", "不在积分表任何档位内")
_NOT_STATED = t("not stated", "未填写")
_TOTAL = t("Total: {total} points: Category {category}", "合计：{total} 分，{category}类")
_REACHABLE = t(
    "Facts not stated could add up to {open} points ({reachable} at most: Category {best})",
    "未填事实最多可再加 {open} 分（至多 {reachable} 分，{best}类）",
)
_MISSING_HEAD = t("Missing facts:", "缺少的事实：")
_MISSING = t(
    "+ up to {n} if {fact} is stated (`{path}`)", "+ 填写{fact}（`{path}`）最多可加 {n} 分"
)
_PARTIAL = t("+ up to {n} more for {fact}: {why}", "+ {fact}最多还可加 {n} 分：{why}")
_BASES_HEAD = t("Direct Category A bases declared:", "声明的A类直接认定依据：")
_NO_BASES = t("Direct Category A bases declared: none", "声明的A类直接认定依据：无")
_CLAIM = {
    "supported": t(
        "Claimed: Category {claimed}; supported.",
        "申报：{claimed}类；有依据支持。",
    ),
    "unconfirmed": t(
        "Claimed: Category {claimed}; not yet supported: {needed} points needed, and the facts "
        "not stated decide it.",
        "申报：{claimed}类；尚无依据支持：需 {needed} 分，取决于未填写的事实。",
    ),
    "ruled_out": t(
        "Claimed: Category {claimed}; ruled out: {needed} points needed, and the stated facts "
        "cannot reach them.",
        "申报：{claimed}类；已被排除：需 {needed} 分，已填事实不可能达到。",
    ),
}
_CLAIM_BASIS = t(
    "Claimed: Category A; rests on the declared basis (the window verifies its proof).",
    "申报：A类；依据所声明的直接认定依据（其证明由受理窗口核实）。",
)
_NO_CLAIM = t(
    "Claimed: no category (`application.category`).", "申报：未填写类别（`application.category`）。"
)
_NOTES_HEAD = t("Notes:", "说明：")


def _claim_line(assessment: Assessment, lang: Lang) -> str:
    claimed = assessment.claimed
    if claimed is None:
        return _NO_CLAIM.get(lang)
    if claimed == "A" and assessment.bases:
        return _CLAIM_BASIS.get(lang)
    support = assessment.support(claimed)
    return say(_CLAIM[support], lang, claimed=claimed, needed=assessment.needed(claimed))


def _fact(scored: Scored, lang: Lang) -> str:
    fact = scored.fact
    if fact.value is None:
        return _NOT_STATED.get(lang)
    shown = fact.shown.get(lang) if fact.shown is not None else "—"
    if fact.origin is not None and f"`{fact.origin}`" not in shown:
        shown += aside(f"`{fact.origin}`", lang)
    return shown


def _bracket(scored: Scored, lang: Lang) -> str:
    if scored.missing:
        return ""
    if scored.bracket is None:
        return _NO_BRACKET.get(lang)
    return say(_BRACKET, lang, bracket=scored.bracket.get(lang))


def _open_lines(assessment: Assessment, lang: Lang) -> list[str]:
    lines = []
    for scored in assessment.open_items:
        name, path = scored.asks
        if scored.missing:
            lines.append(say(_MISSING, lang, n=scored.up_to, fact=name.get(lang), path=path))
        else:
            why = scored.fact.partial.get(lang) if scored.fact.partial is not None else ""
            lines.append(say(_PARTIAL, lang, n=scored.up_to, fact=name.get(lang), why=why))
    return lines


def render_text(view: CategoryView, options: RenderOptions) -> str:
    lang = options.lang
    a = view.assessment
    table = a.table
    out = [
        say(
            _HEAD,
            lang,
            path=view.path,
            applicant=named(view.applicant, view.passport, options),
            city=view.city_name.get(lang),
            as_of=view.as_of.isoformat(),
        ),
        say(
            _TABLE,
            lang,
            name=table.name.get(lang),
            version=table.version,
            effective=table.effective.isoformat(),
        ),
        say(_THRESHOLDS, lang, A=table.thresholds.A, B=table.thresholds.B)
        + "  "
        + _cite(view.table_cited, lang),
        "",
    ]
    for scored in a.items:
        out.append(f"  {scored.points:>2}/{scored.item.max:<2}  {scored.item.name.get(lang)}")
        detail = [part for part in (_fact(scored, lang), _bracket(scored, lang)) if part]
        line = ("；" if lang == "zh" else "; ").join(detail)
        out.append(f"         {line}  [{view.cited[scored.item.id].cite(lang)}]")
        for note in (scored.fact.note, scored.item.note):
            if note is not None:
                out.append(f"         {note.get(lang)}")
    out += ["", say(_TOTAL, lang, total=a.total, category=a.category)]
    if a.open_items:
        out.append(
            say(
                _REACHABLE,
                lang,
                open=a.reachable - a.total,
                reachable=a.reachable,
                best=a.category_of(a.reachable),
            )
        )
    out.append(_claim_line(a, lang))
    if a.bases:
        names = {basis.basis: basis.name for basis in table.bases}
        out.append(_BASES_HEAD.get(lang))
        out += [
            f"  - `{basis}`" + (aside(names[basis].get(lang), lang) if basis in names else "")
            for basis in a.bases
        ]
    else:
        out.append(_NO_BASES.get(lang))
    if a.open_items:
        out += ["", _MISSING_HEAD.get(lang), *(f"  {line}" for line in _open_lines(a, lang))]
    if view.notes:
        out += ["", _NOTES_HEAD.get(lang)]
        out += [f"  - {text.get(lang)}  [{ref.cite(lang)}]" for text, ref in view.notes]
    return "\n".join(escape.text(line) for line in out) + "\n"


def _cite(refs: tuple[SourceRef, ...], lang: Lang) -> str:
    return "[" + "; ".join(dict.fromkeys(ref.cite(lang) for ref in refs)) + "]"


def _source(ref: SourceRef, lang: Lang) -> dict[str, Any]:
    return {"title": ref.title, "section": ref.section, "quote": ref.quote_in(lang)}


def render_json(view: CategoryView, options: RenderOptions) -> str:
    lang = options.lang
    a = view.assessment
    table = a.table
    names = {basis.basis: basis.name for basis in table.bases}
    document = {
        "tool": "permitcheck",
        "version": __version__,
        "path": view.path,
        "as_of": view.as_of.isoformat(),
        "applicant": {"name": view.applicant, "passport": options.number(view.passport)},
        "table": {
            "version": table.version,
            "name": table.name.get(lang),
            "effective": table.effective.isoformat(),
            "thresholds": {"A": table.thresholds.A, "B": table.thresholds.B},
            "sources": [_source(ref, lang) for ref in view.table_cited],
        },
        "total": a.total,
        "category": a.category,
        "reachable": a.reachable,
        "claimed": a.claimed,
        "claim": None if a.claimed is None else a.support(a.claimed),
        "bases": [
            {"basis": basis, "name": names[basis].get(lang) if basis in names else None}
            for basis in a.bases
        ],
        "items": [
            {
                "item": s.item.id,
                "name": s.item.name.get(lang),
                "points": s.points,
                "max": s.item.max,
                "bracket": None if s.bracket is None else s.bracket.get(lang),
                "fact": None if s.fact.shown is None else s.fact.shown.get(lang),
                "from": s.fact.origin,
                "derived": s.fact.derived,
                "note": None if s.fact.note is None else s.fact.note.get(lang),
                "source": _source(view.cited[s.item.id], lang),
            }
            for s in a.items
        ],
        "missing": [
            {
                "item": s.item.id,
                "fact": s.asks[1],
                "up_to": s.up_to,
                "stated": not s.missing,
                "message": line,
            }
            for s, line in zip(a.open_items, _open_lines(a, lang), strict=True)
        ],
        "notes": [
            {"text": text.get(lang), "source": _source(ref, lang)} for text, ref in view.notes
        ],
    }
    return json_document(document)
