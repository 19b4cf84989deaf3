"""The views of `where`, `steps`, `rules` and `explain`, rendered as text or JSON; no I/O here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from permitcheck.findings import RenderOptions, SourceRef, cite_all
from permitcheck.i18n import (
    COLON,
    COMMA,
    LIST_COMMA,
    PROCEDURES,
    SEMICOLON,
    Lang,
    Text,
    aside,
    joined,
    pick,
    say,
    t,
)
from permitcheck.render import escape
from permitcheck.render.shared import display_width, json_document
from permitcheck.rulepack import conditions
from permitcheck.rulepack.kinds import kind_of
from permitcheck.rulepack.pack import Pack
from permitcheck.rulepack.rule import Rule
from permitcheck.rulepack.sources import Source
from permitcheck.rulepack.steps import Place, Step
from permitcheck.rulepack.windows import Authority, District

_LABELS = {
    "authority": t("Authority", "受理机构"),
    "window": t("Window", "窗口"),
    "building": t("Building", "地点"),
    "address": t("Address", "地址"),
    "hotline": t("Hotline", "咨询电话"),
    "source": t("Source", "依据"),
}
_LEVELS = {
    "municipal": t("municipal employer", "市级用人单位"),
    "provincial": t("provincial or ministerial employer", "省（部）属用人单位"),
}
_SEVERITIES = {"error": t("error", "错误"), "warning": t("warning", "警告")}


def _faq(pack: Pack, sources: Iterable[Source], lang: Lang) -> str:
    """`FAQ 3(4); Civil Code Art. 201`: the sections cited, by document."""
    return cite_all(pack.cite(sources), lang)


def _text(lines: list[str]) -> str:
    """The lines of a text view. Employer and applicant names come from the dossier and the
    rest from a rule pack: each line is escaped whole, so none of them can start a line of its
    own, drive the terminal or be read as a workflow command by CI."""
    return "\n".join(escape.text(line) for line in lines) + "\n"


def _sources_json(pack: Pack, sources: Iterable[Source]) -> list[dict[str, str | None]]:
    return [
        {"title": s.title, "section": s.section, "quote": s.quote, "quote_zh": s.quote_zh}
        for s in pack.cite(sources)
    ]


# A quote in the other language than the document's is permitcheck's rendering, marked so.
_TRANSLATED = {"en": "（译自英文原文）", "zh": " (translated from the Chinese original)"}


def _quote(source: SourceRef, lang: Lang) -> str:
    """A quoted source sentence, marked when it is permitcheck's translation."""
    text = source.quote_in(lang)
    marked = text is not (source.quote_zh if source.original == "zh" else source.quote)
    return f"[{source.cite(lang)}] “{text}”" + (_TRANSLATED[source.original] if marked else "")


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max(display_width(label) for label, _ in rows)
    return [label + " " * (width - display_width(label) + 2) + value for label, value in rows]


# ---- where ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhereView:
    employer: str | None
    level: str
    district_key: str | None
    district: District | None
    authority: Authority
    pack: Pack


def _window_line(authority: Authority, lang: Lang) -> str:
    window = authority.window.get(lang)
    if authority.floor is not None:
        window += COMMA.get(lang) + authority.floor.get(lang)
    return window


def authority_json(authority: Authority, lang: Lang) -> dict[str, Any]:
    return {
        "id": authority.id,
        "name": authority.name.get(lang),
        "window": authority.window.get(lang),
        "floor": authority.floor.get(lang) if authority.floor else None,
        "building": authority.building.get(lang),
        "address": authority.address.get(lang),
        "hotline": list(authority.hotline),
    }


def where_json(view: WhereView, options: RenderOptions) -> str:
    lang = options.lang
    return json_document(
        {
            "employer": view.employer,
            "level": view.level,
            "registered_in": view.district_key,
            "authority": authority_json(view.authority, lang),
            "sources": _sources_json(view.pack, view.authority.sources),
        }
    )


def where_text(view: WhereView, options: RenderOptions) -> str:
    lang, authority = options.lang, view.authority
    who = view.employer or ""
    about: list[str] = []
    if view.district is not None:
        name = view.district.name.get(lang)
        about.append(say(_REGISTERED_IN, lang, name=name, key=view.district_key or ""))
    about.append(_LEVELS[view.level].get(lang))
    heading = joined(COMMA, about, lang)
    lines = [f"{who} — {heading}" if who else heading, ""]
    lines += _table(
        [
            (_LABELS["authority"].get(lang), authority.name.get(lang)),
            (_LABELS["window"].get(lang), _window_line(authority, lang)),
            (_LABELS["building"].get(lang), authority.building.get(lang)),
            (_LABELS["address"].get(lang), authority.address.get(lang)),
            (_LABELS["hotline"].get(lang), joined(LIST_COMMA, authority.hotline, lang)),
            (_LABELS["source"].get(lang), _faq(view.pack, authority.sources, lang)),
        ]
    )
    if view.district is not None and view.district.note is not None:
        lines += ["", view.district.note.get(lang)]
    return _text(lines)


# ---- steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: Step
    authority: Authority | None  # for `registration` and `acceptance` places
    place: Place | None
    also: Place | None
    due: date | None
    due_note: Text | None
    note: Text | None = None  # what the source leaves open about this step for the employer
    flag: Text | None = None  # what the dossier's dates say is wrong with this step
    done: Text | None = None  # the dossier's date that shows the step done
    blocked: Text | None = None  # why the step cannot be done yet (the dossier is not ready)


@dataclass(frozen=True)
class StepsView:
    title: Text
    heading: str | None
    note: Text | None
    steps: tuple[StepView, ...]
    pack: Pack
    procedure: str = "new"
    # From a dossier: whether `validate` finds it ready, and how many findings block it.
    ready: bool | None = None
    blocking: int | None = None


_WHERE = t("Where", "地点")
_NOTE = t("Note", "注意")
_DUE = t("Due", "期限")
_DONE = t("Done", "已办")
_ALSO = t("Also", "另")
_BY = t("by {date}", "最迟于 {date}")  # the day itself included
_REGISTERED_IN = t("registered in {name} ({key})", "注册地：{name}（{key}）")
_RULE_COUNT = t("{n} rule{s}", "共 {n} 条规则")
_UNKNOWN_PLACE = t(
    "the employer's acceptance window (run `permitcheck where`)",
    "用人单位对应的受理窗口（见 `permitcheck where`）",
)


def _place_line(view: StepView, lang: Lang) -> str:
    if view.authority is not None:
        a = view.authority
        return joined(
            COMMA,
            [a.name.get(lang), _window_line(a, lang), a.building.get(lang), a.address.get(lang)],
            lang,
        )
    if view.place is None:
        return _UNKNOWN_PLACE.get(lang)
    return _place_text(view.place, lang)


def _place_text(place: Place, lang: Lang) -> str:
    if place.address is None:
        return place.name.get(lang)
    return place.name.get(lang) + COMMA.get(lang) + place.address.get(lang)


def _due_line(view: StepView, lang: Lang) -> str | None:
    if view.due is None and view.due_note is None:
        return None
    parts = []
    if view.due is not None:
        parts.append(say(_BY, lang, date=view.due.isoformat()))
    if view.due_note is not None:
        parts.append(view.due_note.get(lang))
    return joined(SEMICOLON, parts, lang)


def steps_json(view: StepsView, options: RenderOptions) -> str:
    lang = options.lang
    return json_document(
        {
            "dossier": view.heading,
            "procedure": view.procedure,
            "ready": view.ready,
            "blocking": view.blocking,
            "note": view.note.get(lang) if view.note else None,
            "steps": [
                {
                    "id": s.step.id,
                    "actor": s.step.actor.get(lang),
                    "title": s.step.title.get(lang),
                    "detail": s.step.detail.get(lang),
                    "where": _place_line(s, lang),
                    "authority": authority_json(s.authority, lang) if s.authority else None,
                    "also": _place_text(s.also, lang) if s.also else None,
                    "due": s.due.isoformat() if s.due else None,
                    "due_note": s.due_note.get(lang) if s.due_note else None,
                    "note": s.note.get(lang) if s.note else None,
                    "done": s.done.get(lang) if s.done else None,
                    "flag": s.flag.get(lang) if s.flag else None,
                    "blocked": s.blocked.get(lang) if s.blocked else None,
                    "sources": _sources_json(view.pack, s.step.sources),
                }
                for s in view.steps
            ],
        }
    )


def steps_text(view: StepsView, options: RenderOptions) -> str:
    lang = options.lang
    lines = [view.title.get(lang) + (f" — {view.heading}" if view.heading else "")]
    if view.note is not None:
        lines += ["", view.note.get(lang)]
    for number, s in enumerate(view.steps, start=1):
        step = s.step
        actor = aside(step.actor.get(lang), lang)
        cited = _faq(view.pack, step.sources, lang)
        lines += ["", f"{number}. {step.title.get(lang)}{actor}  [{cited}]"]
        lines.append(f"   {step.detail.get(lang)}")
        colon = COLON.get(lang)
        lines.append(f"   {_WHERE.get(lang)}{colon}{_place_line(s, lang)}")
        if s.also is not None:
            lines.append(f"   {_ALSO.get(lang)}{colon}{_place_text(s.also, lang)}")
        due = _due_line(s, lang)
        if due is not None:
            lines.append(f"   {_DUE.get(lang)}{colon}{due}")
        if s.done is not None:
            lines.append(f"   {_DONE.get(lang)}{colon}{s.done.get(lang)}")
        if s.note is not None:
            lines.append(f"   {_NOTE.get(lang)}{colon}{s.note.get(lang)}")
        if s.blocked is not None:
            lines.append(f"   [!] {s.blocked.get(lang)}")
        if s.flag is not None:
            lines.append(f"   [!] {s.flag.get(lang)}")
    return _text(lines)


# ---- rules and explain ---------------------------------------------------------------------


@dataclass(frozen=True)
class PackInfo:
    """An installed pack as `rules --packs` lists it; `problem`: why it does not load."""

    name: str
    title: Text | None
    city: bool
    extends: tuple[str, ...]
    origin: str
    directory: str
    rules: int
    problem: Text | None = None


@dataclass(frozen=True)
class RulesView:
    pack: Pack | None
    rules: tuple[Rule, ...]  # those asked for, in the pack's order
    packs: tuple[PackInfo, ...] | None = None  # `--packs`: the packs instead of one's rules


_PACK_KINDS = {True: t("city", "城市"), False: t("base", "基础")}
_EXTENDS = t("extends {name}", "扩展 {name}")
_PACK_COUNT = t("{n} pack{s}", "共 {n} 个规则包")
_DISABLED = t("Switched off", "已停用")


def _packs_json(packs: tuple[PackInfo, ...], lang: Lang) -> str:
    return json_document(
        {
            "packs": [
                {
                    "name": info.name,
                    "title": info.title.get(lang) if info.title else None,
                    "city": info.city,
                    "extends": list(info.extends),
                    "origin": info.origin,
                    "directory": info.directory,
                    "rules": info.rules,
                    "problem": info.problem.get(lang) if info.problem else None,
                }
                for info in packs
            ]
        }
    )


def _packs_text(packs: tuple[PackInfo, ...], lang: Lang) -> str:
    rows = []
    for info in packs:
        what = _PACK_KINDS[info.city].get(lang)
        if info.extends:
            what += COMMA.get(lang) + say(_EXTENDS, lang, name=" > ".join(info.extends))
        described = info.problem.get(lang) if info.problem else say(_RULE_COUNT, lang, n=info.rules)
        title = info.title.get(lang) if info.title else "—"
        rows.append((info.name, title, what, described, f"{info.origin}: {info.directory}"))
    widths = [max((display_width(row[c]) for row in rows), default=0) for c in range(4)]
    lines = [
        "  ".join(
            [
                *(
                    cell + " " * (w - display_width(cell))
                    for cell, w in zip(row[:4], widths, strict=True)
                ),
                row[4],
            ]
        )
        for row in rows
    ]
    return _text([*lines, "", say(_PACK_COUNT, lang, n=len(packs))])


def rules_json(view: RulesView, options: RenderOptions) -> str:
    lang = options.lang
    if view.packs is not None:
        return _packs_json(view.packs, lang)
    assert view.pack is not None
    return json_document(
        {
            "pack": view.pack.name,
            "disabled": [
                {"id": rule_id, "reason": reason.get(lang)}
                for rule_id, reason in view.pack.disabled.items()
            ],
            "rules": [
                {
                    "id": rule.id,
                    "severity": rule.severity,
                    "procedures": list(rule.applies.procedures),
                    "title": rule.title.get(lang),
                    "sections": list(dict.fromkeys(s.section for s in rule.sources)),
                }
                for rule in view.rules
            ],
        }
    )


def rules_text(view: RulesView, options: RenderOptions) -> str:
    lang, pack, rules = options.lang, view.pack, view.rules
    if view.packs is not None:
        return _packs_text(view.packs, lang)
    assert pack is not None
    rows = [
        (
            rule.id,
            _SEVERITIES[rule.severity].get(lang),
            _faq(pack, rule.sources, lang),
            rule.title.get(lang),
        )
        for rule in rules
    ]
    widths = [max((display_width(row[column]) for row in rows), default=0) for column in range(3)]
    lines = []
    for row in rows:
        cells = [
            cell + " " * (width - display_width(cell))
            for cell, width in zip(row[:3], widths, strict=True)
        ]
        lines.append("  ".join([*cells, row[3]]))
    count = len(rules)
    lines += ["", say(_RULE_COUNT, lang, n=count)]
    if pack.disabled:
        lines += ["", _DISABLED.get(lang) + COLON.get(lang).rstrip()]
        lines += [f"  {rule_id}: {reason.get(lang)}" for rule_id, reason in pack.disabled.items()]
    return _text(lines)


_EXPLAIN = {
    "checks": t("What it checks", "检查内容"),
    "applies": t("When it applies", "适用情形"),
    "exemptions": t("Exemptions", "豁免情形"),
    "fix": t("How to fix a failure", "不符合时的处理"),
    "sources": t("Sources", "依据"),
    "severity": t("Severity", "级别"),
    "procedures": t("procedures", "办理事项"),
    "categories": t("categories", "类别"),
    "none": t("none", "无"),
    "for_each": t("for each item of", "对以下每一项"),
}


def _applies(rule: Rule, lang: Lang) -> list[str]:
    procedures = joined(
        LIST_COMMA, (PROCEDURES[p].get(lang) for p in rule.applies.procedures), lang
    )
    lines = [f"{_EXPLAIN['procedures'].get(lang)}{COLON.get(lang)}{procedures}"]
    if rule.applies.categories is not None:
        lines.append(
            f"{_EXPLAIN['categories'].get(lang)}{COLON.get(lang)}"
            f"{joined(LIST_COMMA, rule.applies.categories, lang)}"
        )
    if rule.applies.when is not None:
        en, zh = conditions.describe(rule.applies.when)
        lines.append(pick(en, zh, lang))
    if rule.for_each is not None:
        lines.append(f"{_EXPLAIN['for_each'].get(lang)} `{rule.for_each}`")
    return lines


def _documents(pack: Pack, sources: Iterable[Source], lang: Lang) -> list[str]:
    """`FAQ: <title>` for every document cited, so that each short name is explained."""
    titles: dict[str, str] = {}
    for source in sources:
        document = pack.source if source.document is None else pack.documents[source.document]
        assert document is not None  # the loader refuses a citation of no source
        titles.setdefault(document.short.get(lang), pick(document.title, document.title_zh, lang))
    return [f"{short}{COLON.get(lang)}{title}" for short, title in titles.items()]


@dataclass(frozen=True)
class ExplainView:
    pack: Pack
    rule: Rule


def _explain_parts(view: ExplainView, lang: Lang) -> tuple[str, list[str], list[dict[str, Any]]]:
    """What the rule checks, when it applies, and its exemptions, in `lang`."""
    rule = view.rule
    check_en, check_zh = kind_of(rule.check).describe(rule.check, rule.subject_text)
    applies = _applies(rule, lang)
    exemptions: list[dict[str, Any]] = []
    for exemption in rule.exemptions:
        when_en, when_zh = conditions.describe(exemption.when)
        exemptions.append(
            {
                "for": exemption.describe.get(lang),
                "when": pick(when_en, when_zh, lang),
                "message": exemption.message.get(lang),
                "sources": _sources_json(view.pack, exemption.sources),
            }
        )
    return pick(check_en, check_zh, lang), applies, exemptions


def explain_json(view: ExplainView, options: RenderOptions) -> str:
    lang, rule = options.lang, view.rule
    checks_text, applies, exemptions = _explain_parts(view, lang)
    return json_document(
        {
            "id": rule.id,
            "severity": rule.severity,
            "title": rule.title.get(lang),
            "description": rule.description.get(lang),
            "checks": checks_text,
            "applies": applies,
            "exemptions": exemptions,
            "fix": rule.fix.get(lang),
            "sources": _sources_json(view.pack, view.pack.sources_of(rule)),
        }
    )


def explain_text(view: ExplainView, options: RenderOptions) -> str:
    lang, rule, pack = options.lang, view.rule, view.pack
    checks_text, applies, exemptions = _explain_parts(view, lang)
    sources = pack.sources_of(rule)
    lines = [f"{rule.id} — {rule.title.get(lang)}", "", rule.description.get(lang), ""]
    colon = COLON.get(lang)
    lines.append(f"{_EXPLAIN['severity'].get(lang)}{colon}{_SEVERITIES[rule.severity].get(lang)}")
    heading = colon.rstrip()
    lines += ["", f"{_EXPLAIN['checks'].get(lang)}{heading}", f"  {checks_text}"]
    lines += ["", f"{_EXPLAIN['applies'].get(lang)}{heading}"] + [f"  {line}" for line in applies]
    lines += ["", f"{_EXPLAIN['exemptions'].get(lang)}{heading}"]
    if not exemptions:
        lines.append(f"  {_EXPLAIN['none'].get(lang)}")
    for exemption in rule.exemptions:
        when_en, when_zh = conditions.describe(exemption.when)
        lines.append(f"  - {exemption.describe.get(lang)}{colon}{pick(when_en, when_zh, lang)}")
        lines += [f"    {_quote(source, lang)}" for source in pack.cite(exemption.sources)]
    lines += ["", f"{_EXPLAIN['fix'].get(lang)}{heading}", f"  {rule.fix.get(lang)}"]
    lines += ["", f"{_EXPLAIN['sources'].get(lang)}{heading}"]
    lines += [f"  {_quote(source, lang)}" for source in pack.cite(sources)]
    every = [*sources, *(s for e in rule.exemptions for s in e.sources)]
    lines += [f"  {line}" for line in _documents(pack, every, lang)]
    return _text(lines)
