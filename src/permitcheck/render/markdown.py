"""Markdown for a pull-request comment or a job summary: a table, then what to fix."""

from __future__ import annotations

from permitcheck.findings import DossierResult, RenderOptions, Report, cite_all
from permitcheck.i18n import (
    COLON,
    COMMA,
    FIX,
    LIST_COMMA,
    PROCEDURES,
    SEMICOLON,
    Lang,
    aside,
    joined,
    labelled,
    say,
    t,
)
from permitcheck.problems import Problem
from permitcheck.render import escape, shared

_COLUMNS = t(
    "| | Dossier | Procedure | Result | Submit by |", "| | 档案 | 事项 | 结果 | 最晚提交 |"
)
_READY = t("ready", "可以提交")
_NOT_READY = t("not ready", "尚不能提交")
_ERRORS = t("Could not be checked", "无法检查")
_CLOSED = t("closed: {what}", "已超出时限：{what}")
_LINE = t("line {n}", "第 {n} 行")
_AT_THE_LATEST = t("at the latest {date}", "最迟 {date}（可能提前）")
_WAIVED = t("Waived", "已豁免")
_WARNINGS = t("Configuration warnings", "配置警告")


def render(report: Report, options: RenderOptions) -> str:
    lang = options.lang
    head = joined(SEMICOLON, shared.run_summary(report, lang), lang)
    lines = ["## permitcheck" + COLON.get(lang) + head, ""]
    if report.results:
        lines += [_COLUMNS.get(lang), "|---|---|---|---|---|"]
        for result in report.results:
            lines.append(_row(result, report, lang))
        lines.append("")
    for result in report.results:
        lines += _details(result, report, options)
    lines += _problems(_ERRORS.get(lang), report.errors, "", lang)
    lines += _problems(_WARNINGS.get(lang), report.warnings, "⚠️ ", lang)
    return "\n".join(lines)


def _problems(heading: str, problems: tuple[Problem, ...], mark: str, lang: Lang) -> list[str]:
    """A section listing problems located in their files (none: no section)."""
    if not problems:
        return []
    lines = [f"### {heading}", ""]
    for problem in problems:
        message = escape.markdown_message(problem.message_with_position(lang))
        lines.append(f"- {mark}{escape.markdown_code(problem.path or 'permitcheck')} {message}")
    return [*lines, ""]


def _row(result: DossierResult, report: Report, lang: Lang) -> str:
    is_ready = result.ready(report.fail_on)
    outcome = (_READY if is_ready else _NOT_READY).get(lang)
    problems = shared.problems(result, report.fail_on, lang)
    if problems:
        outcome += aside(joined(COMMA, problems, lang), lang)
    closed = [
        result.groups[f.group].get(lang) if f.group in result.groups else f.group
        for f in result.closed()
    ]
    if closed:
        # A closed window is named even when another one still gives a "submit by" date.
        named = LIST_COMMA.get(lang).join(
            escape.markdown(name, table=True) for name in dict.fromkeys(closed)
        )
        outcome += SEMICOLON.get(lang) + _CLOSED.get(lang).replace("{what}", named)
    submit_by = result.submit_by.isoformat() if result.submit_by else "—"
    if result.submit_by_pending:  # windows not known yet: the date is only a bound
        submit_by = say(_AT_THE_LATEST, lang, date=submit_by) if result.submit_by else "?"
    mark = "✅" if is_ready else "❌"
    return (
        f"| {mark} | {escape.markdown_code(result.path, table=True)} | "
        f"{PROCEDURES[result.type].get(lang)} | {outcome} | {submit_by} |"
    )


def _details(result: DossierResult, report: Report, options: RenderOptions) -> list[str]:
    lang = options.lang
    shown = [f for f in result.findings if f.status in ("fail", "warn")]
    waived = [f for f in result.findings if f.status == "waived"]
    if not shown and not waived:
        return []
    # The <details> line starts an HTML block, where Markdown is not read: HTML escaping only.
    lines = [f"<details><summary><code>{escape.html(result.path)}</code></summary>", ""]
    for found in shown:
        mark = "❌" if found.blocks(report.fail_on) else "⚠️"
        group = result.groups.get(found.group)
        heading = group.get(lang) if group else found.group
        line_label = say(_LINE, lang, n=found.location.line)
        item = labelled(found.item, "", lang) if found.item is not None else ""
        text = (
            f"- {mark} **{escape.markdown(heading)}**: "
            f"{escape.markdown_message(item + found.message.get(lang))}"
        )
        if found.fix is not None:
            text += f" *{FIX.get(lang)}:* {escape.markdown_message(found.fix.get(lang))}"
        cited = f"{escape.markdown(cite_all(found.sources, lang))}, " if found.sources else ""
        text += f" ({cited}{escape.markdown_code(found.rule)}, {line_label})"
        lines.append(text)
    if waived:
        lines += ["", f"**{_WAIVED.get(lang)}**", ""]
    for found in waived:
        group = result.groups.get(found.group)
        heading = group.get(lang) if group else found.group
        line_label = say(_LINE, lang, n=found.location.line)
        by = shared.waived_by(found.waiver, lang) if found.waiver is not None else ""
        lines.append(
            f"- 〰️ **{escape.markdown(heading)}**: "
            f"{escape.markdown_message(found.message.get(lang))}; "
            f"*{escape.markdown_message(by)}* ({escape.markdown_code(found.rule)}, {line_label})"
        )
    lines += ["", "</details>", ""]
    return lines
