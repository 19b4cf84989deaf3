"""`permitcheck agenda` as text (grouped by week), JSON and Markdown."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any

from permitcheck.agenda import AgendaView, Entry, week_of
from permitcheck.findings import RenderOptions, cite_all
from permitcheck.i18n import Lang, say, t
from permitcheck.render import escape, shared
from permitcheck.render.shared import console as shared_console
from permitcheck.render.shared import display_width, json_document, wrap

_TITLE = t("Agenda", "日程")
_AS_OF = t(
    "as of {day}: {events} event{es} of {n} dossier{s}",
    "参考日期 {day}：{n} 份档案，{events} 项日程",
)
_SPAN = {
    (True, True): t("from {start} to {end}", "自 {start} 至 {end}"),
    (True, False): t("from {start} on", "自 {start} 起"),
    (False, True): t("up to {end}", "截至 {end}"),
}
_WEEK = t("Week of {day}", "{day} 起的一周")
_NOTHING = t("Nothing is due in this span.", "此期间没有到期事项。")
_TODAY = t("today", "今天")
_AHEAD = t("in {n} day{s}", "{n} 天后")
_PAST = t("{n} day{s} ago", "{n} 天前")
_OVERDUE = t("OVERDUE", "已逾期")
_TENTATIVE_MARK = t("tentative", "待定")
_TENTATIVE = t(
    "tentative: between {first} and {latest}, as the holiday calendar it runs into is not "
    "published yet",
    "待定：在 {first} 至 {latest} 之间，所涉年份的节假日安排尚未公布",
)
_BOUND = t("at the latest", "最迟")
_SOURCE = t("source: {cited}", "依据：{cited}")
_RULE = t("rule {rule}", "规则 {rule}")
_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}
_COLUMNS = t(
    "| Date | Days left | Dossier | Applicant | Event | Rule and source |",
    "| 日期 | 剩余天数 | 档案 | 申请人 | 事项 | 规则与依据 |",
)
_ERRORS = t("Could not be read", "无法读取")


def days_left(days: int, lang: Lang) -> str:
    """`today`, `in 3 days`, `2 days ago`."""
    if days == 0:
        return _TODAY.get(lang)
    return say(_AHEAD if days > 0 else _PAST, lang, n=abs(days))


def applicant(entry: Entry, options: RenderOptions) -> str:
    """The applicant as every report shows one: the name, the passport number masked."""
    return shared.applicant(entry.dossier.applicant, entry.dossier.passport, options)


def marks(entry: Entry, lang: Lang, spelled_out: bool = False) -> list[str]:
    """What the day needs said besides the event: `OVERDUE`, `at the latest`, `tentative`;
    `spelled_out`, the tentative range with its reason."""
    event, said = entry.event, []
    if event.state == "closed":
        said.append(_OVERDUE.get(lang))
    if event.at_the_latest:
        said.append(_BOUND.get(lang))
    if event.latest is not None:
        first, latest = event.day.isoformat(), event.latest.isoformat()
        words = say(_TENTATIVE, lang, first=first, latest=latest)
        said.append(words if spelled_out else _TENTATIVE_MARK.get(lang))
    return said


def source(entry: Entry, lang: Lang) -> str:
    """`rule nanjing.new.criminal-record.age; source: FAQ 3(4)`, as far as the event has them."""
    parts = []
    if entry.event.rule is not None:
        parts.append(say(_RULE, lang, rule=entry.event.rule))
    if entry.event.sources:
        parts.append(say(_SOURCE, lang, cited=cite_all(entry.event.sources, lang)))
    return ("；" if lang == "zh" else "; ").join(parts)


def heading(view: AgendaView, lang: Lang) -> str:
    n = view.dossiers
    head = say(
        _AS_OF,
        lang,
        day=view.day.isoformat(),
        events=len(view.entries),
        es="" if len(view.entries) == 1 else "s",
        n=n,
    )
    span = view.span
    if span.start is not None or span.end is not None:
        words = _SPAN[(span.start is not None, span.end is not None)]
        head += ("，" if lang == "zh" else ", ") + say(
            words,
            lang,
            start=span.start.isoformat() if span.start else "",
            end=span.end.isoformat() if span.end else "",
        )
    return head


def uid(entry: Entry) -> str:
    """The event's calendar UID: its dossier's identity and its key, hashed so that no path or
    name is spelled out, the same in every run (importing again updates the event)."""
    digest = hashlib.sha256(f"{entry.dossier.identity}\0{entry.event.key}".encode()).hexdigest()
    return f"{digest[:32]}@permitcheck"


# ---- text ----------------------------------------------------------------------------------


def render_text(view: AgendaView, options: RenderOptions) -> str:
    """A table grouped by week: each event's day, the days left, what it is; under it, the
    dossier, the applicant, the rule and its source. Colour marks what is overdue."""
    from rich.text import Text as RichText

    lang, width = options.lang, max(options.width, 60)
    buffer = io.StringIO()
    console = shared_console(buffer, options.color, width)
    console.print(RichText(f"{_TITLE.get(lang)} — {heading(view, lang)}", style="bold"))
    if not view.entries:
        console.print(_NOTHING.get(lang))
    week: date | None = None
    left = max((display_width(days_left(e.days_left, lang)) for e in view.entries), default=0)
    dated = 10 + 1 + max(display_width(d) for d in _WEEKDAYS[lang])
    indent = 2 + dated + 2 + left + 2
    for entry in view.entries:
        monday = week_of(entry.event.day)
        if monday != week:
            week = monday
            console.print()
            console.print(RichText(say(_WEEK, lang, day=monday.isoformat()), style="bold"))
        event = entry.event
        day = f"{event.day.isoformat()} {_WEEKDAYS[lang][event.day.weekday()]}"
        lead = f"  {_pad(day, dated)}  {_pad(days_left(entry.days_left, lang), left)}  "
        style = "red" if event.state == "closed" else "yellow" if event.latest else ""
        what = escape.text(event.label.get(lang))
        said = marks(entry, lang, spelled_out=True)
        if said:
            what += " [" + ("；" if lang == "zh" else "; ").join(said) + "]"
        for number, line in enumerate(_wrap(what, width - indent)):
            shown = RichText(lead if number == 0 else " " * indent)
            shown.append(line, style=style)
            console.print(shown)
        who = escape.text(f"{entry.dossier.path} · {applicant(entry, options)}")
        cited = source(entry, lang)
        for line in _wrap(f"{who} · {cited}" if cited else who, width - indent):
            console.print(RichText(" " * indent + line, style="dim"))
    return buffer.getvalue()


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def _wrap(text: str, width: int) -> list[str]:
    return wrap(text, max(width, 20))


# ---- JSON ----------------------------------------------------------------------------------


def render_json(view: AgendaView, options: RenderOptions) -> str:
    lang = options.lang
    return json_document(
        {
            "as_of": view.day.isoformat(),
            "from": view.span.start.isoformat() if view.span.start else None,
            "until": view.span.end.isoformat() if view.span.end else None,
            "dossiers": view.dossiers,
            "events": [_entry(entry, options) for entry in view.entries],
            "errors": [
                {
                    "path": problem.path,
                    "message": problem.message_with_position(lang),
                    "location": (
                        {"line": problem.location.line, "column": problem.location.column}
                        if problem.location
                        else None
                    ),
                }
                for problem in view.errors
            ],
            "skipped": len(view.skipped),
        }
    )


def _entry(entry: Entry, options: RenderOptions) -> dict[str, Any]:
    lang, event = options.lang, entry.event
    return {
        "date": event.day.isoformat(),
        "latest": event.latest.isoformat() if event.latest else None,
        "tentative": event.tentative,
        "at_the_latest": event.at_the_latest,
        "days_left": entry.days_left,
        "kind": event.kind,
        "state": event.state,
        "event": event.label.get(lang),
        "path": entry.dossier.path,
        "type": entry.dossier.type,
        "applicant": {
            "name": entry.dossier.applicant,
            "passport": options.number(entry.dossier.passport),
        },
        "rule": event.rule,
        "sources": [{"title": s.title, "section": s.section} for s in dict.fromkeys(event.sources)],
        "fix": event.fix.get(lang) if event.fix else None,
        "uid": uid(entry),
    }


# ---- Markdown ------------------------------------------------------------------------------


def render_markdown(view: AgendaView, options: RenderOptions) -> str:
    """A table per week, for an e-mail, an issue or a job summary."""
    lang = options.lang
    lines = [
        f"## permitcheck {_TITLE.get(lang).lower()}",
        "",
        escape.markdown(heading(view, lang)),
        "",
    ]
    if not view.entries:
        lines += [_NOTHING.get(lang), ""]
    week: date | None = None
    for entry in view.entries:
        monday = week_of(entry.event.day)
        if monday != week:
            if week is not None:
                lines.append("")
            week = monday
            lines += [f"### {say(_WEEK, lang, day=monday.isoformat())}", "", _COLUMNS.get(lang)]
            lines.append("|---|---|---|---|---|---|")
        event = entry.event
        what = escape.markdown(event.label.get(lang), table=True)
        said = marks(entry, lang, spelled_out=True)
        if said:
            what = "**" + escape.markdown(" · ".join(said), table=True) + "** " + what
        cells = [
            f"{event.day.isoformat()} {_WEEKDAYS[lang][event.day.weekday()]}",
            days_left(entry.days_left, lang),
            escape.markdown_code(entry.dossier.path, table=True),
            escape.markdown(applicant(entry, options), table=True),
            what,
            escape.markdown(source(entry, lang), table=True),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if view.errors:
        lines += [f"### {_ERRORS.get(lang)}", ""]
        for problem in view.errors:
            message = escape.markdown_message(problem.message_with_position(lang))
            lines.append(f"- {escape.markdown_code(problem.path or 'permitcheck')} {message}")
        lines.append("")
    return "\n".join(lines)
