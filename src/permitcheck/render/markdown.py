"""Markdown for a pull-request comment or a job summary: a table, then what to fix."""

from __future__ import annotations

from permitcheck.findings import DossierResult, RenderOptions, Report, cite_all
from permitcheck.i18n import FIX, PROCEDURES, Lang, say, t
from permitcheck.render import escape

_HEAD = t(
    "permitcheck: {ready} of {total} dossiers ready",
    "permitcheck：{total} 份档案中 {ready} 份可以提交",
)
_COLUMNS = t(
    "| | Dossier | Procedure | Result | Submit by |", "| | 档案 | 事项 | 结果 | 最晚提交 |"
)
_READY = t("ready", "可以提交")
_NOT_READY = t("not ready", "尚不能提交")
_PROBLEMS = t("{fails} to fix, {warns} warnings", "{fails} 项需处理，{warns} 项警告")
_ERRORS = t("Could not be checked", "无法检查")
_SKIPPED = t("{n} YAML file{s} skipped (not dossiers).", "跳过 {n} 个非档案 YAML 文件。")
_CLOSED = t("closed: {what}", "已超出时限：{what}")
_LINE = t("line {n}", "第 {n} 行")


def render(report: Report, options: RenderOptions) -> str:
    lang = options.lang
    ready = sum(1 for r in report.results if r.ready(report.fail_on))
    lines = ["## " + say(_HEAD, lang, ready=ready, total=len(report.results)), ""]
    if report.results:
        lines += [_COLUMNS.get(lang), "|---|---|---|---|---|"]
        for result in report.results:
            lines.append(_row(result, report, lang))
        lines.append("")
    for result in report.results:
        lines += _details(result, report, options)
    if report.errors:
        lines += [f"### {_ERRORS.get(lang)}", ""]
        for error in report.errors:
            message = escape.markdown_message(error.message_with_position(lang))
            lines.append(f"- {escape.markdown_code(error.path or 'permitcheck')} {message}")
        lines.append("")
    if report.skipped:
        count = len(report.skipped)
        lines += [
            _SKIPPED.get(lang).replace("{n}", str(count)).replace("{s}", "" if count == 1 else "s"),
            "",
        ]
    return "\n".join(lines)


def _row(result: DossierResult, report: Report, lang: Lang) -> str:
    is_ready = result.ready(report.fail_on)
    counts = result.counts()
    outcome = (_READY if is_ready else _NOT_READY).get(lang)
    if counts["fail"] or counts["warn"]:
        outcome += (
            " ("
            + _PROBLEMS.get(lang)
            .replace("{fails}", str(counts["fail"]))
            .replace("{warns}", str(counts["warn"]))
            + ")"
        )
    closed = [
        result.groups[f.group].get(lang) if f.group in result.groups else f.group
        for f in result.closed()
    ]
    if closed:
        # A closed window is named even when another one still gives a "submit by" date.
        named = ", ".join(escape.markdown(name, table=True) for name in dict.fromkeys(closed))
        outcome += "; " + _CLOSED.get(lang).replace("{what}", named)
    submit_by = result.submit_by.isoformat() if result.submit_by else "—"
    mark = "✅" if is_ready else "❌"
    return (
        f"| {mark} | {escape.markdown_code(result.path, table=True)} | "
        f"{PROCEDURES[result.type].get(lang)} | {outcome} | {submit_by} |"
    )


def _details(result: DossierResult, report: Report, options: RenderOptions) -> list[str]:
    lang = options.lang
    shown = [f for f in result.findings if f.status in ("fail", "warn")]
    if not shown:
        return []
    # The <details> line starts an HTML block, where Markdown is not read: HTML escaping only.
    lines = [f"<details><summary><code>{escape.html(result.path)}</code></summary>", ""]
    for found in shown:
        mark = "❌" if found.blocks(report.fail_on) else "⚠️"
        group = result.groups.get(found.group)
        heading = group.get(lang) if group else found.group
        line_label = say(_LINE, lang, n=found.location.line)
        text = (
            f"- {mark} **{escape.markdown(heading)}**: "
            f"{escape.markdown_message(found.message.get(lang))}"
        )
        if found.fix is not None:
            text += f" *{FIX.get(lang)}:* {escape.markdown_message(found.fix.get(lang))}"
        cited = f"{escape.markdown(cite_all(found.sources, lang))}, " if found.sources else ""
        text += f" ({cited}{escape.markdown_code(found.rule)}, {line_label})"
        lines.append(text)
    lines += ["", "</details>", ""]
    return lines
