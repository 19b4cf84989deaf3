"""What the renderers share: JSON, the width of Chinese text, the summaries' counted words."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from permitcheck.findings import DossierResult, FailOn, RenderOptions, Report, WaiverNote
from permitcheck.i18n import Lang, aside, say, t
from permitcheck.render import escape

if TYPE_CHECKING:
    from rich.console import Console

_MISSING = t("{n} missing", "缺少 {n} 项")
_TO_FIX = t("{n} to fix", "{n} 项需处理")
_WARNINGS = t("{n} warning{s}", "{n} 项警告")
_TOTAL = t("{ready} of {total} dossier{s} ready", "{total} 份档案中 {ready} 份可以提交")
_NONE_CHECKED = t("no dossier was checked", "未检查任何档案")
_ERRORS = t("{n} file{s} could not be checked", "{n} 个文件无法检查")
_SKIPPED_FILES = t("{n} YAML files skipped (not dossiers)", "跳过 {n} 个非档案 YAML 文件")
_SKIPPED_FILE = t("1 YAML file skipped (not a dossier)", "跳过 1 个非档案 YAML 文件")
_WAIVED = t("{n} finding{s} waived", "{n} 项已豁免")
_CONFIG_WARNINGS = t("{n} configuration warning{s}", "{n} 项配置警告")
_WAIVED_BY = t(
    "waived until {date} by {who}: {reason} ({origin})",
    "豁免至 {date}，批准人 {who}：{reason}（{origin}）",
)


_PASSPORT = t("passport {number}", "护照 {number}")


def applicant(name: str, passport: str | None, options: RenderOptions) -> str:
    """`Maria Keller (passport C01****47)`: an applicant as every report names one, the
    number masked unless the run asks for it."""
    if passport is None:
        return name
    number = options.number(passport) or ""
    return name + aside(say(_PASSPORT, options.lang, number=number), options.lang)


def waived_by(waiver: WaiverNote, lang: Lang) -> str:
    """`waived until 2027-03-31 by HR lead: reason (permitcheck.yaml:12:5)`, as every format
    that shows a waiver in words says it."""
    return say(
        _WAIVED_BY,
        lang,
        date=waiver.expires.isoformat(),
        who=waiver.approved_by,
        reason=waiver.reason,
        origin=waiver.origin,
    )


def json_document(document: Any) -> str:
    """`document` as indented JSON, Chinese as written, every string escaped for terminals."""
    return escape.json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def console(buffer: io.StringIO, color: bool, width: int) -> Console:
    """A Rich console writing to `buffer`: colour only when asked, `width` columns, lines not
    folded by Rich, and no text read as markup, emoji or something to highlight (the caller
    escapes what it prints)."""
    from rich.console import Console

    return Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width,
        highlight=False,
        emoji=False,
        soft_wrap=True,
        markup=False,
    )


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: two for each CJK character."""
    return sum(2 if "\u2e80" <= char <= "\uffef" else 1 for char in text)


def wrap(text: str, width: int, hang: int = 0) -> list[str]:
    """`text` in lines of at most `width` display columns (CJK characters take two), the lines
    after the first indented by `hang`; broken between words, or anywhere in a run without
    spaces (Chinese); nothing is cut off."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width - (hang if lines else 0):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:  # a word wider than the column: broken where it reaches the edge
            if display_width(line + char) > width - (hang if lines else 0):
                lines.append(line)
                line = ""
            line += char
    lines.append(line)
    return [lines[0], *(" " * hang + line for line in lines[1:])]


def problems(result: DossierResult, fail_on: FailOn, lang: Lang) -> list[str]:
    """`3 missing`, `6 to fix`, `1 warning`: what is wrong with a dossier, the parts that
    apply, worded alike in every format."""
    tally = result.tally(fail_on)
    parts = []
    if tally.missing:
        parts.append(say(_MISSING, lang, n=tally.missing))
    if tally.to_fix:
        parts.append(say(_TO_FIX, lang, n=tally.to_fix))
    if tally.warnings:
        parts.append(say(_WARNINGS, lang, n=tally.warnings))
    return parts


def run_summary(report: Report, lang: Lang) -> list[str]:
    """`1 of 2 dossiers ready`, `1 file could not be checked`, `2 YAML files skipped`: the
    parts of a run's summary that apply (the first always)."""
    total = len(report.results)
    ready = sum(1 for r in report.results if r.ready(report.fail_on))
    parts = [say(_TOTAL, lang, ready=ready, total=total) if total else _NONE_CHECKED.get(lang)]
    failed = len({error.path for error in report.errors})
    if failed:
        parts.append(say(_ERRORS, lang, n=failed))
    if report.skipped:
        skipped = len(report.skipped)
        parts.append(
            say(_SKIPPED_FILES, lang, n=skipped) if skipped > 1 else _SKIPPED_FILE.get(lang)
        )
    waived = sum(result.counts().get("waived", 0) for result in report.results)
    if waived:
        parts.append(say(_WAIVED, lang, n=waived))
    if report.warnings:
        parts.append(say(_CONFIG_WARNINGS, lang, n=len(report.warnings)))
    return parts
