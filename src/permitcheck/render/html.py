"""The printable report (`validate --format html`): one self-contained page per dossier, A4."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from permitcheck import __version__
from permitcheck.findings import DossierResult, Finding, RenderOptions, Report, SourceRef
from permitcheck.i18n import PROCEDURES, Lang, Text, t
from permitcheck.render import escape, shared
from permitcheck.render.timeline import Bar, axis, build

if TYPE_CHECKING:
    from jinja2 import Environment

LANGS: tuple[Lang, ...] = ("en", "zh")
_STATUS = {
    "missing": t("Missing", "缺少"),
    "fail": t("To fix", "需处理"),
    "warn": t("Warning", "警告"),
    "exempt": t("Exempt", "免于提交"),
    "waived": t("Waived", "已豁免"),
}
_BAR = {
    "pass": t("holds", "有效"),
    "warn": t("closes soon", "即将到期"),
    "fail": t("closed", "已过期"),
}


@dataclass(frozen=True)
class Words:
    """How the page says a text: in one language, or in both side by side (`--lang en+zh`)."""

    langs: tuple[Lang, ...]

    def of(self, text: Text | str | None) -> list[tuple[Lang, str]]:
        if text is None:
            return []
        if isinstance(text, str):
            return [(self.langs[0], text)]
        if len(self.langs) > 1 and text.en == text.zh:
            return [(self.langs[0], text.en)]  # a name, a number: said once
        return [(lang, text.get(lang)) for lang in self.langs]


def render(report: Report, options: RenderOptions) -> str:
    """The page: a section per dossier (each starts a new printed page), then the files that
    could not be checked. Every value from a dossier goes through the template engine's
    escaping; the page loads nothing (no script, font, image or style from elsewhere)."""
    langs: tuple[Lang, ...] = LANGS if options.both else (options.lang,)
    words = Words(langs)
    page = {
        "lang": "zh-Hans" if langs == ("zh",) else "en",
        # Chinese punctuation for a page in Chinese only; a page in both reads as English.
        **(
            {"colon": "：", "open": "（", "close": "）", "semicolon": "；"}
            if langs == ("zh",)
            else {"colon": ": ", "open": "(", "close": ")", "semicolon": "; "}
        ),
        "langs": langs,
        "version": __version__,
        "dossiers": [_dossier(result, report, options) for result in report.results],
        "errors": [
            {"path": e.path, "message": {lang: e.message_with_position(lang) for lang in langs}}
            for e in report.errors
        ],
        "warnings": [
            {"path": w.path, "message": {lang: w.message_with_position(lang) for lang in langs}}
            for w in report.warnings
        ],
        "summary": {lang: shared.run_summary(report, lang) for lang in langs},
    }
    template = _environment(words).get_template("report.html.j2")
    return template.render(page=page)


@lru_cache(maxsize=4)
def _environment(words: Words) -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    def inert(value: object) -> object:
        """A value as text (the template's own markup aside): a control character shown as
        its escape, no workflow command readable from it, as in every other format."""
        if isinstance(value, str) and not isinstance(value, Markup):
            return escape.text(value)
        return value

    environment = Environment(
        loader=PackageLoader("permitcheck.render", "templates"),
        # Autoescaping on, whatever the template's name: every value is text until shown.
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=inert,
    )
    environment.filters["words"] = words.of
    environment.globals["T"] = _TEXTS
    return environment


def _dossier(result: DossierResult, report: Report, options: RenderOptions) -> dict[str, Any]:
    fail_on = report.fail_on
    ready = result.ready(fail_on)
    tally = result.tally(fail_on)
    counts = result.counts()
    plan = result.next_steps
    groups: dict[str, list[Finding]] = {}
    for found in result.findings:
        groups.setdefault(found.group, []).append(found)
    order = list(result.groups)
    to_fix, in_order = [], []
    for key in sorted(groups, key=lambda g: order.index(g) if g in order else len(order)):
        listed = groups[key]
        title = result.groups.get(key, Text.model_construct(en=key, zh=key))
        wrong = [f for f in listed if f.status in ("fail", "warn")]
        if wrong:
            wrong.sort(key=lambda f: (f.status != "fail", not f.about_presence, f.rule, f.sort_key))
            to_fix.append({"title": title, "items": [_item(f, result) for f in wrong]})
        fine = [f for f in listed if f.status in ("pass", "exempt")]
        if fine and not wrong:
            in_order.append({"title": title, "items": [_item(f, result) for f in fine]})
    waived = [_item(f, result) for f in result.findings if f.status == "waived"]
    number = options.number(result.passport)
    setter = result.setter()
    return {
        "path": result.path,
        "applicant": result.applicant,
        "passport": number,
        "procedure": PROCEDURES.get(
            result.type, Text.model_construct(en=result.type, zh=result.type)
        ),
        "city": result.city_name,
        "as_of": result.as_of.isoformat(),
        "ready": ready,
        "problems": {lang: shared.problems(result, fail_on, lang) for lang in LANGS},
        "passed": counts["pass"],
        "blocking": tally.missing + tally.to_fix,
        "submit_by": result.submit_by.isoformat() if result.submit_by else None,
        "at_the_latest": bool(result.submit_by_pending),
        "set_by": None if setter is None else setter.title,
        "to_fix": to_fix,
        "waived": waived,
        "in_order": in_order,
        "chart": _chart(result),
        "where": None if plan is None else plan.where,
        "hotline": () if plan is None else plan.hotline,
        "where_sources": () if plan is None else _sources(plan.where_sources),
        "handed_in": plan is not None and plan.handed_in,
        "steps": []
        if plan is None
        else [
            {
                "number": step.number,
                "title": step.title,
                "actor": step.actor,
                "where": step.where,
                "due": step.due.isoformat() if step.due else None,
                "sources": _sources(step.sources),
            }
            for step in plan.after
        ],
    }


def _item(found: Finding, result: DossierResult) -> dict[str, Any]:
    status = "missing" if found.status == "fail" and found.about_presence else found.status
    return {
        "status": status,
        "label": _STATUS.get(status),
        "title": found.title,
        "entry": found.item,
        "message": found.message if found.status != "pass" else None,
        "fix": found.fix if found.status in ("fail", "warn") else None,
        "sources": _sources(found.sources),
        "rule": found.rule,
        "line": f"{result.path}:{found.location.line}" if found.location.line else result.path,
        "waiver": (
            None
            if found.waiver is None
            else Text.model_construct(
                en=shared.waived_by(found.waiver, "en"), zh=shared.waived_by(found.waiver, "zh")
            )
        ),
    }


def _sources(sources: Iterable[SourceRef]) -> list[dict[str, Text]]:
    """Each cited passage once: where it is, and the words."""
    return [
        {
            "cite": Text.model_construct(en=ref.cite("en"), zh=ref.cite("zh")),
            "quote": Text.model_construct(en=ref.quote_in("en"), zh=ref.quote_in("zh")),
        }
        for ref in dict.fromkeys(sources)
    ]


# ---- the chart -----------------------------------------------------------------------------


def _chart(result: DossierResult) -> dict[str, Any] | None:
    """The time windows as bars on one date axis, in percent of its width: each document's,
    then the steps counted from the dossier's dates; the reference date and `submit by` marked."""
    picture = build(result)
    steps = [
        Bar(
            label=event.label,
            rule=event.rule or event.key,
            start=event.start,
            end=event.day,
            status="fail" if event.state == "closed" else "pass",
        )
        for event in result.events
        if event.kind == "step"
    ]
    bars = [*picture.bars, *steps]
    if not bars:
        return None
    left, right = axis(bars, result.as_of, result.submit_by)
    days = max((right - left).days, 1)

    def at(day: date) -> float:
        return round(100 * (min(max(day, left), right) - left).days / days, 2)

    rows = []
    for bar in bars:
        start = at(bar.start) if bar.start is not None else 0.0
        rows.append(
            {
                "label": bar.label,
                "left": start,
                "width": max(at(bar.end) - start, 0.6),
                "status": bar.status,
                "state": _BAR[bar.status],
                "end": bar.end.isoformat(),
                "open_start": bar.start is None or bar.start < left,
                "open_end": bar.end > right,
            }
        )
    # Four spans between five dates: room for each label at A4 width.
    ticks = [
        {"at": at(day), "day": day.isoformat()}
        for day in dict.fromkeys(left + timedelta(days=days * n // 4) for n in range(5))
    ]
    return {
        "rows": rows,
        "ticks": ticks,
        "as_of": at(result.as_of),
        "submit_by": at(result.submit_by) if result.submit_by else None,
        "pending": picture.pending,
    }


_TEXTS: dict[str, Text] = {
    "title": t("Work-permit dossier report", "工作许可申请材料检查报告"),
    "applicant": t("Applicant", "申请人"),
    "passport": t("Passport", "护照"),
    "procedure": t("Procedure", "事项"),
    "city": t("City", "城市"),
    "as_of": t("Checked as of", "参考日期"),
    "dossier": t("Dossier file", "档案文件"),
    "ready": t("Ready to submit", "可以提交"),
    "not_ready": t("Not ready", "尚不能提交"),
    "submit_by": t("Submit by", "最晚提交"),
    "at_the_latest": t(
        "at the latest: a document or its date is missing, and may set an earlier day",
        "最迟日期：部分材料或日期尚未填写，可能使期限提前",
    ),
    "set_by": t("set by", "取决于"),
    "passed": t("checks passed", "项检查通过"),
    "to_fix": t("What to fix, by document", "需处理的事项（按材料）"),
    "nothing_to_fix": t("Nothing to fix.", "没有需处理的事项。"),
    "fix": t("Fix", "处理"),
    "rule": t("Rule", "规则"),
    "where_in_file": t("In the dossier", "档案位置"),
    "waived": t("Waived", "已豁免"),
    "in_order": t("In order", "符合要求"),
    "timeline": t("Time windows", "时限"),
    "chart_note": t(
        "Each bar spans the days on which the requirement holds; the line marks the reference "
        "date, the dashed line the last day to submit.",
        "条形为符合要求的日期范围；实线为参考日期，虚线为最晚提交日。",
    ),
    "last_day": t("last day", "最后一日"),
    "pending": t("Not known until added", "补齐后方可确定"),
    "no_windows": t("No time window applies to this dossier.", "本档案没有适用的时限。"),
    "where": t("Where to go", "办理地点"),
    "unknown_window": t(
        "The employer's acceptance window: the dossier does not name the employer's district; "
        "`permitcheck where` finds it.",
        "用人单位对应的受理窗口：档案未写明用人单位所在区域，可用 `permitcheck where` 查询。",
    ),
    "hotline": t("Hotline", "咨询电话"),
    "handed_in": t(
        "The dossier shows the application made; the steps that follow it:",
        "档案显示已提交申请；后续步骤：",
    ),
    "after": t("After submission", "提交之后"),
    "due": t("due", "期限"),
    "not_checked": t("Files that could not be checked", "无法检查的文件"),
    "warnings": t("Configuration warnings", "配置警告"),
    "made_by": t(
        "Made by permitcheck {version}. Each line cites the official source it rests on.",
        "由 permitcheck {version} 生成。每项均注明所依据的官方文件。",
    ),
}
