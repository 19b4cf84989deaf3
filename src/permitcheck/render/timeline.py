"""`permitcheck timeline`: each dated document's validity window as a bar on one date axis."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from permitcheck.findings import DossierResult, Finding, RenderOptions
from permitcheck.i18n import LIST_COMMA, Lang, Text, say, t
from permitcheck.render import escape
from permitcheck.render.shared import console as shared_console
from permitcheck.render.shared import display_width, json_document, wrap

if TYPE_CHECKING:
    from permitcheck.rulepack.steps import StepWindow

# Past this many days before the reference date the axis is cut (a long-closed window is a
# failure in the checklist; the picture is for planning).
_LOOK_BACK = 200
_LOOK_AHEAD = 183
_CONTEXT = 30  # days shown before the reference date when no window starts earlier
_LABEL = 24  # the label column is at least this wide ...
_MIN_SPAN = 32  # ... and wider while the bars keep this many columns

_TITLE = t("Timeline", "时间线")
_AS_OF = t("as of", "参考日期")
_SUBMIT_BY = t("submit by", "最晚提交")
_LAST_DAY = t("last day", "最后一日")
_AT_THE_LATEST = t("submit by, at the latest, {date}", "最迟提交 {date}（可能提前）")
_PENDING = t(
    "Not drawn, not known until added: {what}",
    "尚未绘出（补齐后方可确定）：{what}",
)
_NO_WINDOWS = t("No time window applies to this dossier.", "本档案没有适用的时限。")
_STATUS = {
    "pass": t("holds", "有效"),
    "warn": t("closes soon", "即将到期"),
    "fail": t("closed", "已过期"),
}
_LEGEND = t("bar: the days on which the requirement holds", "条形：符合要求的日期范围")
_OPEN_START = t(
    "(a window whose start is not known is drawn from the left edge)",
    "（起点未知的时限从坐标轴起点画起）",
)


@dataclass(frozen=True)
class Bar:
    """One time window: from `start` (when known) to `end`, the last day it holds."""

    label: Text
    rule: str
    start: date | None
    end: date
    status: str


@dataclass(frozen=True)
class Timeline:
    path: str
    as_of: date
    submit_by: date | None
    bars: tuple[Bar, ...]
    # The windows not known yet (their document is missing, or its date): no bar, and
    # `submit_by` only a bound. Their labels, and the dossier paths of the dates they wait for.
    pending: tuple[Text, ...] = ()
    pending_subjects: tuple[str, ...] = ()


def build(
    result: DossierResult, steps: Sequence[StepWindow] = (), warn_days: int | None = None
) -> Timeline:
    """The bars of every finding with a time window, in the checklist's document order, then
    those of the steps counted from the dossier's dates (`steps`: the work visa within the
    Notification Letter's validity, the residence permit after entry)."""
    order = list(result.groups)
    windows = [
        f
        for f in result.findings
        if f.window_end is not None and f.status in ("pass", "warn", "fail")
    ]
    windows.sort(
        key=lambda f: (order.index(f.group) if f.group in order else len(order), f.rule, f.sort_key)
    )
    counts: dict[str, int] = {}
    for found in windows:
        counts[found.group] = counts.get(found.group, 0) + 1
    bars = tuple(
        Bar(
            label=_label(found, result, counts[found.group] > 1),
            rule=found.rule,
            start=found.window_start,
            end=found.window_end,  # type: ignore[arg-type]
            status=_status(found),
        )
        for found in windows
    )
    bars += tuple(
        Bar(
            label=step.title,
            rule=f"step:{step.step}",
            start=step.start,
            end=step.end,
            status=_step_status(step, result.as_of, warn_days),
        )
        for step in steps
    )
    pending = {
        _label(f, result, False).en: _label(f, result, False) for f in result.findings if f.pending
    }
    return Timeline(
        path=result.path,
        as_of=result.as_of,
        submit_by=result.submit_by,
        bars=bars,
        pending=tuple(pending.values()),
        pending_subjects=result.submit_by_pending,
    )


def _step_status(step: StepWindow, as_of: date, warn_days: int | None) -> str:
    """A step's window: closed when the dossier's dates show it late (or past and not done),
    closing soon within `warn_days` when not done yet, else holding."""
    if step.flagged:
        return "fail"
    if not step.done and warn_days is not None and (step.end - as_of).days <= warn_days:
        return "warn"
    return "pass"


def _status(found: Finding) -> str:
    if not found.window_open:
        return "fail"
    return "warn" if found.status == "warn" else "pass"


def _label(found: Finding, result: DossierResult, shared: bool) -> Text:
    group = result.groups.get(found.group, Text(en=found.group, zh=found.group))
    if not shared:
        return group
    return Text(en=f"{group.en}: {found.title.en}", zh=f"{group.zh}：{found.title.zh}")


def render_json(timeline: Timeline, options: RenderOptions) -> str:
    lang = options.lang
    return json_document(
        {
            "path": timeline.path,
            "as_of": timeline.as_of.isoformat(),
            "submit_by": timeline.submit_by.isoformat() if timeline.submit_by else None,
            "submit_by_pending": list(timeline.pending_subjects),
            "windows": [
                {
                    "label": bar.label.get(lang),
                    "rule": bar.rule,
                    "start": bar.start.isoformat() if bar.start else None,
                    "end": bar.end.isoformat(),
                    "status": bar.status,
                }
                for bar in timeline.bars
            ],
        }
    )


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` display columns, the lines after the first indented
    by two."""
    return wrap(text, width, hang=2)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def render_text(timeline: Timeline, options: RenderOptions) -> str:
    """The picture, at most `options.width` columns; symbols and colour only with colour."""
    lang, color, width = options.lang, options.color, options.width
    from rich.text import Text as RichText

    buffer = io.StringIO()
    # The dossier's path and family members' names (in bar labels) are shown escaped: no
    # control character, new line or workflow command reaches the terminal or the CI log; and
    # no text is read as Rich markup.
    console = shared_console(buffer, color, max(width, 60))
    console.print(RichText(f"{_TITLE.get(lang)} — {escape.text(timeline.path)}", style="bold"))
    if not timeline.bars:
        console.print(_NO_WINDOWS.get(lang))
        return buffer.getvalue()
    tail = 1 + len("2026-01-01") + 1 + max(display_width(s.get(lang)) for s in _STATUS.values())
    room = min(width, 120) - 1 - tail
    # Labels as wide as the longest, as far as the bars keep _MIN_SPAN columns; a longer label
    # wraps onto lines of its own under the label column, never cut.
    longest = max(display_width(escape.text(bar.label.get(lang))) for bar in timeline.bars)
    label_width = min(longest, max(_LABEL, room - _MIN_SPAN))
    # On a narrow terminal the labels give way (they wrap) before the bars go under 20.
    label_width = max(min(label_width, room - 20), 12)
    span = max(room - label_width, 20)
    left, right = _axis(timeline)
    days = max((right - left).days, 1)

    def column(day: date) -> int:
        return round((min(max(day, left), right) - left).days / days * (span - 1))

    fill, empty = ("█", "·") if color else ("#", ".")
    styles = {"pass": "green", "warn": "yellow", "fail": "red"}
    now, due = column(timeline.as_of), column(timeline.submit_by) if timeline.submit_by else None
    # The column after the bars holds each window's last day: its header says so.
    console.print(
        " " * (label_width + 1) + _axis_labels(left, right, span) + " " + _LAST_DAY.get(lang)
    )
    for bar in timeline.bars:
        label, *more = _wrap(escape.text(bar.label.get(lang)), label_width)
        line = RichText(_pad(label, label_width) + " ")
        first = column(bar.start) if bar.start else 0
        last = column(bar.end)
        for position in range(span):
            inside = first <= position <= last
            char = fill if inside else empty
            if position == last and bar.end > right:
                char = "▶" if color else ">"
            if position == first and bar.start is not None and bar.start < left:
                char = "◀" if color else "<"
            style = styles[bar.status] if inside else "dim"
            if position == now:  # the reference date runs through every bar
                char, style = ("│" if color else "|"), "bold"
            elif position == due and not inside:
                char, style = ("┆" if color else ":"), "bold cyan"
            line.append(char, style=style)
        status = _STATUS[bar.status].get(lang)
        line.append(f" {bar.end.isoformat()} {status}", style=styles[bar.status])
        console.print(line)
        for rest in more:
            console.print(RichText(rest))
    up = "▲" if color else "^"
    for mark in _markers(timeline, now, due, label_width, min(width, 120), lang, up):
        console.print(RichText(mark))
    if timeline.pending:
        names = LIST_COMMA.get(lang).join(label.get(lang) for label in timeline.pending)
        for note in _wrap(say(_PENDING, lang, what=escape.text(names)), min(width, 120)):
            console.print(RichText(note, style="yellow"))
    for legend in _wrap(f"{fill} {_LEGEND.get(lang)}", min(width, 120)):
        console.print(RichText(legend, style="dim"))
    if any(bar.start is None for bar in timeline.bars):
        for legend in _wrap(_OPEN_START.get(lang), min(width, 120) - 2):
            console.print(RichText("  " + legend, style="dim"))
    return buffer.getvalue()


def _axis(timeline: Timeline) -> tuple[date, date]:
    return axis(timeline.bars, timeline.as_of, timeline.submit_by)


def axis(bars: Sequence[Bar], as_of: date, submit_by: date | None) -> tuple[date, date]:
    """The first and last day of the date axis: from the earliest start (at most _LOOK_BACK
    days back) to the latest end (at most _LOOK_AHEAD days after the reference date or
    `submit by`), at least a month on either side of the reference date's context."""
    starts = [bar.start for bar in bars if bar.start is not None]
    left = min([*starts, as_of - timedelta(days=_CONTEXT)])
    left = max(left, as_of - timedelta(days=_LOOK_BACK))
    ends = [bar.end for bar in bars]
    anchor = max(as_of, submit_by or as_of)
    right = min(max([*ends, anchor]), anchor + timedelta(days=_LOOK_AHEAD))
    right = max(right, as_of + timedelta(days=30))
    return left, right


def _axis_labels(left: date, right: date, span: int) -> str:
    start, end = left.isoformat(), right.isoformat()
    return start + " " * max(span - len(start) - len(end), 1) + end


def _markers(
    timeline: Timeline,
    now: int,
    due: int | None,
    label_width: int,
    width: int,
    lang: Lang,
    up: str,
) -> list[str]:
    """A line under the reference date's column and one under the submit-by day's, each with
    a mark and its label: after the mark, or before it when that would pass `width`."""
    labelled = [(now, f"{_AS_OF.get(lang)} {timeline.as_of.isoformat()}")]
    if timeline.submit_by is not None and due is not None:
        # While windows are unknown, the day is a bound: a missing document may set an earlier.
        day = timeline.submit_by.isoformat()
        if timeline.pending:
            labelled.append((due, say(_AT_THE_LATEST, lang, date=day)))
        else:
            labelled.append((due, f"{_SUBMIT_BY.get(lang)} {day}"))
    lines = []
    for column, label in labelled:
        at = label_width + 1 + column
        if at + 2 + display_width(label) <= width:
            lines.append(f"{' ' * at}{up} {label}")
        else:
            lines.append(f"{' ' * max(at - 1 - display_width(label), 0)}{label} {up}")
    return lines
