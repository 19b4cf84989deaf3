"""The Rich checklist: findings grouped by document, with marks, fixes and FAQ sections."""

from __future__ import annotations

import io
import re
import shlex
from collections.abc import Iterator

from permitcheck.findings import DossierResult, Finding, RenderOptions, Report, cite_all
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
from permitcheck.render import escape, shared
from permitcheck.settings import FailOn

# Marks: symbols with colour on a terminal, words in plain output (greppable in CI logs).
_MARKS = {
    "fail": ("✗", t("[FAIL]", "[不通过]"), "bold red"),
    "warn": ("!", t("[WARN]", "[警告]"), "bold yellow"),
    "exempt": ("◎", t("[EXEMPT]", "[豁免]"), "cyan"),
    "pass": ("✓", t("[ok]", "[通过]"), "green"),
    "skip": ("–", t("[skip]", "[不适用]"), "dim"),
    "waived": ("~", t("[WAIVED]", "[已豁免]"), "magenta"),
}
# Spaces at the end of a line, among the colour codes there.
_TRAILING = re.compile(r"(?:\x1b\[[0-9;]*m| )*$", re.MULTILINE)
_SYMBOLS = frozenset(symbol for symbol, _, _ in _MARKS.values())
_ORDER = {"fail": 0, "warn": 1, "waived": 2, "exempt": 3, "pass": 4, "skip": 5}
# The checklist's heading names what a new application obtains; the others as everywhere.
_PROCEDURES = {
    **PROCEDURES,
    "new": t("new work permit (Notification Letter)", "新办工作许可（工作许可通知）"),
}
_AS_OF = t("as of", "参考日期")
_SOURCE = {"en": "", "zh": "依据 "}  # before the citations: `[FAQ 3(4)]`, `[依据 FAQ 3(4)]`
_READY = t("Ready", "可以提交")
_NOT_READY = t("Not ready", "尚不能提交")
_EXEMPT = t("{n} by commitment or exemption", "{n} 项以承诺或豁免满足")
_PASSED = t("{n} check{s} passed", "{n} 项通过")
_SUBMIT_BY = t("submit by {date}", "最迟于 {date} 提交")
_SET_BY = t("set by {what}", "取决于{what}")
_DUE_BY = t("due by {date}", "最迟于 {date} 办理")
# When windows are not known yet (documents missing, dates not stated), the date is a bound.
_AT_THE_LATEST = t("submit by: at the latest {date}", "最迟于 {date} 提交（可能提前）")
_PENDING = t("set once added: {what}", "补齐后方可确定期限：{what}")
_NO_DATE_YET = t("no submit-by date yet", "尚无法确定提交期限")
_NOTHING_TO_CHECK = t("no time window applies", "无时限要求")
_CLOSED = t("closed: {what}", "已超出时限：{what}")
_CLOSED_ONE = t("{title} (last day {date})", "{title}（最后一日 {date}）")
_OTHERS_HOLD = t("the other windows hold until {date}", "其余时限至 {date}")
_SKIPPED = t("{n} not applicable", "{n} 项不适用")
_WAIVED_HEADING = t("Waived", "已豁免")
_WAIVED = t("{n} waived", "{n} 项已豁免")
_WARNING = t("warning", "警告")


# Text and its Rich style ("" for none). Segments hold names, paths and messages from the
# dossier as written; both renderings below pass them through escape.text (plain text a line at
# a time), so no control character, new line or workflow command reaches the terminal or the
# CI log.
Segment = tuple[str, str]


def render(report: Report, options: RenderOptions) -> str:
    return "".join(render_parts(report, options))


def render_parts(report: Report, options: RenderOptions) -> Iterator[str]:
    """The checklist in parts, a dossier each, then the run's summary: a batch of thousands is
    written as it is made. Lines are laid out one by one, so the parts make the same text."""
    previous_short = False
    for number, result in enumerate(report.results):
        short = options.quiet and _one_line(result)
        # A blank line between dossiers; one-line verdicts stay together.
        gap = "\n" if number and not (short and previous_short) else ""
        previous_short = short
        piece = result.rendered
        yield gap + (piece if piece is not None else dossier_piece(result, report.fail_on, options))
    lines: list[list[Segment]] = []
    failed_files = {error.path for error in report.errors}
    if len(report.results) + len(failed_files) > 1 or report.skipped:
        line = joined(SEMICOLON, shared.run_summary(report, options.lang), options.lang)
        lines += [[], [(line, "bold")]]
        if options.verbose:
            # Why each YAML file was not checked: a dossier skipped by mistake shows here.
            colon = COLON.get(options.lang)
            lines += [
                [("  " + skipped.path, ""), (colon + skipped.reason.get(options.lang), "dim")]
                for skipped in report.skipped
            ]
    if report.warnings:
        lines.append([])
        for warning in report.warnings:
            where = warning.located(options.lang).removesuffix(warning.text.get(options.lang))
            lines.append(
                [
                    (where, "bold"),
                    (_WARNING.get(options.lang) + COLON.get(options.lang), "bold yellow"),
                    (warning.text.get(options.lang), ""),
                ]
            )
    if lines:
        yield _laid_out(lines, options)


def dossier_piece(result: DossierResult, fail_on: FailOn, options: RenderOptions) -> str:
    """One dossier's checklist; a worker process of a batch renders it."""
    lines: list[list[Segment]] = []
    _dossier(lines, result, fail_on, options)
    return _laid_out(lines, options)


def _laid_out(lines: list[list[Segment]], options: RenderOptions) -> str:
    return _styled(lines, options.width) if options.color else _plain(lines)


def _one_line(result: DossierResult) -> bool:
    """Whether --quiet shows `result` in one line (nothing failed or warned)."""
    counts = result.counts()  # from its verdicts when it was rendered elsewhere
    return not counts["fail"] and not counts["warn"]


def _plain(lines: list[list[Segment]]) -> str:
    """Plain text needs no layout engine: joined directly (fast on large batches)."""
    return "\n".join(escape.text("".join(text for text, _ in line)) for line in lines) + "\n"


def _styled(lines: list[list[Segment]], width: int) -> str:
    """Colour and wrapping for a terminal, rendered by Rich in one pass."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text as RichText

    buffer = io.StringIO()
    # Text.append never reads markup (`[bold]`, `[link=...]`); markup=False says so for the
    # whole console as well.
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for line in lines:
        # A line that starts indented keeps its indent when it wraps; a finding wraps under its
        # message, after the mark (a hanging indent).
        head = 0
        if line and line[0][0] and not line[0][0].strip():
            head = 2 if len(line) > 2 and line[1][0] in _SYMBOLS else 1
        prefix, text = RichText(), RichText()
        for number, (content, style) in enumerate(line):
            part = escape.text(content)
            if number == head and head == 2:
                part = part.lstrip(" ")
            (prefix if number < head else text).append(part, style=style or None)
        if head:
            width = prefix.cell_len + (1 if head == 2 else 0)
            grid = Table.grid()
            grid.add_column(width=width, no_wrap=True)
            # A run without spaces (Chinese) longer than the line is folded, never cut short.
            grid.add_column(overflow="fold")
            grid.add_row(prefix, text)
            console.print(grid)
        else:
            console.print(text)
    # The grid pads its cells to the width: no trailing spaces (before the closing colour code).
    return _TRAILING.sub(lambda end: end[0].replace(" ", ""), buffer.getvalue())


def _dossier(
    lines: list[list[Segment]], result: DossierResult, fail_on: FailOn, options: RenderOptions
) -> None:
    lang = options.lang
    comma = COMMA.get(lang)
    if options.quiet and _one_line(result):
        # Nothing to say but the verdict: one line, as ruff and yamllint say nothing more.
        verdict = _summary(result, fail_on, options)
        lines.append([(result.path, "bold"), (COLON.get(lang), ""), *verdict])
        return
    lines.append(
        [
            (result.path, "bold"),
            (
                f" — {_PROCEDURES[result.type].get(lang)}{comma}"
                f"{result.city_name.get(lang)}{comma}{_AS_OF.get(lang)} "
                f"{result.as_of.isoformat()}",
                "",
            ),
        ]
    )
    who = "" if options.quiet else result.applicant
    if who:
        who = shared.applicant(who, result.passport, options)
        lines.append([(who, "dim")])
    groups: dict[str, list[Finding]] = {}
    waived: list[Finding] = []
    for found in result.findings:
        if found.status == "skip" and not options.verbose:
            continue
        if found.status == "waived":
            waived.append(found)  # shown apart, with who waived it and until when
            continue
        if options.quiet and found.status not in ("fail", "warn"):
            continue
        groups.setdefault(found.group, []).append(found)
    order = {key: number for number, key in enumerate(result.groups)}  # the pack's order
    for key in sorted(groups, key=lambda g: (order.get(g, len(order)), g)):
        lines += [[], [(result.groups[key].get(lang), "bold underline")]]
        for found in sorted(
            groups[key], key=lambda f: (_ORDER[f.status], not f.about_presence, f.rule, f.sort_key)
        ):
            _finding(lines, found, options, result.path)
    if waived:
        lines += [[], [(_WAIVED_HEADING.get(lang), "bold underline")]]
        for found in sorted(waived, key=lambda f: (f.group, f.rule, f.sort_key)):
            _waived(lines, result, found, options)
    lines += [[], _summary(result, fail_on, options)]
    _next_steps(lines, result, fail_on, options)


_NEXT = t("Next steps", "下一步")
_HAND_IN = t("Apply at", "申请地点")
_HOTLINE = t("hotline {numbers}", "咨询电话 {numbers}")
_UNKNOWN_WINDOW = t(
    "the employer's acceptance window (`permitcheck where` names it)",
    "用人单位对应的受理窗口（见 `permitcheck where`）",
)
_BY = t("By", "期限")
_BY_DAY = t("the last day every time window still holds", "各项时限均仍有效的最后一日")
_THEN = t("Then", "之后")
_ALL_STEPS = t("Every step, with places: {command}", "全部步骤及地点：{command}")


def _next_steps(
    lines: list[list[Segment]], result: DossierResult, fail_on: FailOn, options: RenderOptions
) -> None:
    """After a ready dossier's summary: where to hand it in, by when, and what follows."""
    plan = result.next_steps
    # --quiet is for hooks and batches: the verdict and what is wrong, no guidance.
    if plan is None or options.quiet or not result.ready(fail_on):
        return
    lang = options.lang
    colon = COLON.get(lang)
    lines += [[], [(_NEXT.get(lang), "bold underline")]]
    if not plan.handed_in:
        where = plan.where.get(lang) if plan.where else _UNKNOWN_WINDOW.get(lang)
        if plan.hotline:
            hotline = say(_HOTLINE, lang, numbers=LIST_COMMA.get(lang).join(plan.hotline))
            where += COMMA.get(lang) + hotline
        cited = f"  [{_SOURCE[lang]}{cite_all(plan.where_sources, lang)}]"
        lines.append(
            [
                ("  ", ""),
                (labelled(_HAND_IN, where, lang), ""),
                (cited if plan.where else "", "dim"),
            ]
        )
        if plan.submit_by is not None:
            why = [_BY_DAY.get(lang)]
            if plan.set_by is not None:
                why.append(say(_SET_BY, lang, what=plan.set_by.get(lang)))
            by = plan.submit_by.isoformat() + aside(joined(SEMICOLON, why, lang), lang)
            lines.append([("  ", ""), (labelled(_BY, by, lang), "")])
    if plan.after:
        lines.append([("  " + _THEN.get(lang) + colon.rstrip(), "")])
    for step in plan.after:
        line = f"{step.number}. {step.title.get(lang)}{aside(step.actor.get(lang), lang)}"
        if step.where is not None:
            line += colon + step.where.get(lang)
        if step.due is not None:
            line += SEMICOLON.get(lang) + say(_DUE_BY, lang, date=step.due.isoformat())
        lines.append(
            [
                ("    ", ""),
                (line, ""),
                (f"  [{_SOURCE[lang]}{cite_all(step.sources, lang)}]", "dim"),
            ]
        )
    command = f"permitcheck steps {shlex.quote(result.path)}"
    lines.append([("  ", ""), (say(_ALL_STEPS, lang, command=command), "dim")])


def _finding(lines: list[list[Segment]], found: Finding, options: RenderOptions, path: str) -> None:
    lang = options.lang
    symbol, word, style = _MARKS[found.status]
    # An entry of a list is named, so that three certificates are not three anonymous lines.
    item = labelled(found.item, "", lang) if found.item is not None else ""
    line: list[Segment] = [
        ("  ", ""),
        (symbol if options.color else word.get(lang), style),
        (" " + item + found.message.get(lang), ""),
    ]
    if found.status in ("fail", "warn", "exempt") and found.sources:
        line.append((f"  [{_SOURCE[lang]}{cite_all(found.sources, lang)}]", "dim"))
    if options.verbose or found.status in ("fail", "warn"):
        line.append((f"  ({found.rule})", "dim"))
    if found.status in ("fail", "warn"):
        # Where to look, as `file:line` that editors and terminals open.
        line.append((f"  {path}:{found.location.line}", "dim"))
    lines.append(line)
    if found.fix is not None and found.status in ("fail", "warn"):
        lines.append([("      ", ""), (labelled(FIX, "", lang), "bold"), (found.fix.get(lang), "")])


def _waived(
    lines: list[list[Segment]], result: DossierResult, found: Finding, options: RenderOptions
) -> None:
    """A waived finding: where it belongs, what it says, and the waiver behind it."""
    lang = options.lang
    symbol, word, style = _MARKS["waived"]
    item = labelled(found.item, "", lang) if found.item is not None else ""
    heading = _title(result, found, lang) + COLON.get(lang)
    lines.append(
        [
            ("  ", ""),
            (symbol if options.color else word.get(lang), style),
            (" " + heading + item + found.message.get(lang), ""),
            (f"  [{_SOURCE[lang]}{cite_all(found.sources, lang)}]" if found.sources else "", "dim"),
            (f"  ({found.rule})  {result.path}:{found.location.line}", "dim"),
        ]
    )
    if found.waiver is not None:
        text = shared.waived_by(found.waiver, lang)
        lines.append([("      ", ""), (text[:1].upper() + text[1:], "")])


def _title(result: DossierResult, found: Finding, lang: Lang) -> str:
    """The checklist heading a finding is shown under."""
    heading = result.groups.get(found.group)
    return heading.get(lang) if heading else found.group


def _setter(result: DossierResult, lang: Lang) -> str | None:
    """The heading of the document or section whose window sets `submit by`."""
    found = result.setter()
    return None if found is None else _title(result, found, lang)


def _pending(result: DossierResult, lang: Lang) -> str:
    """`set once added: Certificate of no criminal record, Medical examination certificate`:
    the documents whose windows are not known yet ("" for none)."""
    names = list(dict.fromkeys(_title(result, f, lang) for f in result.findings if f.pending))
    if not names:
        return ""
    return say(_PENDING, lang, what=LIST_COMMA.get(lang).join(names))


def _summary(result: DossierResult, fail_on: FailOn, options: RenderOptions) -> list[Segment]:
    lang = options.lang
    counts = result.counts()
    tally = result.tally(fail_on)
    parts = shared.problems(result, fail_on, lang)
    if not (tally.missing or tally.to_fix) and (counts["pass"] or not tally.warnings):
        parts.insert(0, say(_PASSED, lang, n=counts["pass"]))
    if counts["exempt"]:
        parts.append(say(_EXEMPT, lang, n=counts["exempt"]))
    if counts.get("waived"):
        parts.append(say(_WAIVED, lang, n=counts["waived"]))
    tail: list[str] = []
    closed = result.closed()
    if closed:
        # A closed window is always named: another window still open must not hide it.
        named = LIST_COMMA.get(lang).join(
            dict.fromkeys(
                say(
                    _CLOSED_ONE,
                    lang,
                    title=_title(result, found, lang),
                    date=found.window_end.isoformat() if found.window_end else "—",
                )
                for found in closed
            )
        )
        tail.append(say(_CLOSED, lang, what=named))
    pending = _pending(result, lang)
    if result.submit_by is not None and pending:
        holds = _OTHERS_HOLD if closed else _AT_THE_LATEST
        tail += [say(holds, lang, date=result.submit_by.isoformat()), pending]
    elif result.submit_by is not None:
        setter = _setter(result, lang)
        holds = _OTHERS_HOLD if closed else _SUBMIT_BY
        tail.append(
            say(holds, lang, date=result.submit_by.isoformat())
            + (aside(say(_SET_BY, lang, what=setter), lang) if setter else "")
        )
    elif pending:
        tail += [_NO_DATE_YET.get(lang), pending]
    elif not closed:
        tail.append(_NOTHING_TO_CHECK.get(lang))
    if counts["skip"] and options.verbose:
        tail.append(say(_SKIPPED, lang, n=counts["skip"]))
    ready = result.ready(fail_on)
    head = (_READY if ready else _NOT_READY).get(lang)
    semicolon = SEMICOLON.get(lang)
    return [
        (head, "bold green" if ready else "bold red"),
        (COLON.get(lang) + joined(COMMA, parts, lang) + semicolon + semicolon.join(tail), ""),
    ]
