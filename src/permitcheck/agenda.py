"""`permitcheck agenda`: every dated event of the checked dossiers, soonest first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from permitcheck.findings import EVENT_KINDS, DossierResult, Event, Finding
from permitcheck.i18n import Text, Value, render_both, t
from permitcheck.problems import Problem

if TYPE_CHECKING:
    from permitcheck.dossier.discover import Skipped
    from permitcheck.dossier.loader import LoadedDossier
    from permitcheck.dossier.model import Dossier
    from permitcheck.rulepack import steps
    from permitcheck.rulepack.pack import Pack
    from permitcheck.settings import WaiverEntry

# What each kind of time window closes on its last day, by the check that measures it.
_LAST_DAY = {
    "max_age": t("last day it is recent enough", "最后有效日（出具时间要求）"),
    "min_validity": t("last day it is valid long enough", "最后有效日（剩余有效期要求）"),
    "before_date": t("last day", "最后一日"),
    "working_days": t("deadline", "截止日"),
}
_SUBMIT_BY = t(
    "Submit by: the last day every time window holds", "最晚提交：所有时限均满足的最后一日"
)
_SUBMIT_BY_BOUND = t(
    "Submit by, at the latest (a window is not known until its document or date is added)",
    "最迟提交（部分材料或日期尚未填写，相应时限未知，实际可能更早）",
)
_SUBMIT_FIX = t(
    "Hand the dossier in by this day; `permitcheck validate` says what is still missing.",
    "请在此日前提交材料；`permitcheck validate` 列出仍缺少的内容。",
)
_PERMIT_EXPIRES = t(
    "Current work permit expires (its last valid day)", "现有工作许可到期（最后有效日）"
)
_PERMIT_FIX = t(
    "An extension is due at least 30 days before this day; a permit that expires is "
    "cancelled automatically.",
    "延期须在此日前至少30日申请；工作许可到期未延期的自动注销。",
)
_PLANNED = t(
    "Planned submission (`application.submission_date`)",
    "计划提交日（`application.submission_date`）",
)
_PLANNED_FIX = t(
    "Run `permitcheck validate` on the dossier before this day.",
    "请在此日前对档案运行 `permitcheck validate`。",
)
_STEP_DUE = t("Due: {title}", "截止：{title}")
_WAIVER_ENDS = t("Waiver ends: {rule}", "豁免到期：{rule}")
_WAIVER_FIX = t(
    "From this day the finding it waives counts again: fix it, or renew the waiver "
    "(approved by {approver}; written at {origin}).",
    "自此日起，被豁免的检查结果重新生效：请予以纠正，或续期豁免"
    "（批准人 {approver}；位于 {origin}）。",
)
_WINDOW_FIX = t(
    "Hand the dossier in by this day. After it: {fix}",
    "请在此日前提交。逾期后：{fix}",
)
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def events_of(
    result: DossierResult,
    dossier: LoadedDossier,
    pack: Pack,
    reference: date,
    waivers: Sequence[WaiverEntry] = (),
    secrets: Sequence[str] = (),
) -> tuple[Event, ...]:
    """The dated events of one checked dossier: submit by, each time window's last day, the
    current permit's expiry, the steps counted from its dates, its planned submission and the
    end of each waiver that applies to it. `secrets`: numbers to mask in a waiver's words."""
    from permitcheck.rulepack import steps, windows

    model = dossier.model
    employer = model.employer
    authority = windows.acceptance(
        pack, None if employer is None else windows.Employer(employer.level, employer.registered_in)
    ).name
    rules = {rule.id: rule for rule in pack.rules}
    found: list[Event] = []
    table = steps.of(pack) if pack.data_file("steps") is not None else None
    facts = steps.DossierDates.of(model, reference)
    if table is not None and steps.handed_in(table, model.application.type, facts):
        # The dossier shows the application made (a Notification Letter issued): its
        # submission's windows and plan are history; what follows it is still ahead.
        found += _after_submission(model, pack, table, facts, reference)
        found += _waiver_events(waivers, secrets, reference)
        return tuple(sorted(_unique(found), key=_order))
    if result.submit_by is not None:
        setter = result.setter()
        found.append(
            Event(
                day=result.submit_by,
                kind="submit_by",
                label=_SUBMIT_BY_BOUND if result.submit_by_pending else _SUBMIT_BY,
                key="submit_by",
                rule=result.submit_by_rule,
                sources=setter.sources if setter is not None else (),
                fix=_SUBMIT_FIX,
                state="open",
                at_the_latest=bool(result.submit_by_pending),
            )
        )
    for finding in result.findings:
        if finding.window_end is None or finding.status not in ("pass", "warn", "fail"):
            continue
        rule = rules.get(finding.rule)
        fix = finding.fix
        if fix is None and rule is not None:
            fix = _fix_after(rule.fix, {"authority": authority})
        first, latest = finding.deadline_range or (finding.window_end, None)
        found.append(
            Event(
                day=first,
                kind="window",
                label=_window_label(finding, result),
                key=f"{finding.rule}@{finding.subject}",
                rule=finding.rule,
                sources=finding.sources,
                fix=fix,
                state="open" if finding.window_open else "closed",
                latest=latest,
                start=finding.window_start,
            )
        )
    found += _after_submission(model, pack, table, facts, reference)
    planned = model.application.submission_date
    if planned is not None:
        found.append(
            Event(
                day=planned,
                kind="planned",
                label=_PLANNED,
                key="application.submission_date",
                rule=None,
                sources=(),
                fix=_PLANNED_FIX,
                state="planned",
            )
        )
    found += _waiver_events(waivers, secrets, reference)
    return tuple(sorted(_unique(found), key=_order))


def _after_submission(
    model: Dossier,
    pack: Pack,
    table: steps.Steps | None,
    facts: steps.DossierDates,
    reference: date,
) -> list[Event]:
    """The current permit's expiry and the steps counted from the dossier's dates."""
    from permitcheck.rulepack import steps

    found = []
    permit = model.current_permit
    if permit is not None:
        found.append(
            Event(
                day=permit.expiry_date,
                kind="permit_expiry",
                label=_PERMIT_EXPIRES,
                key="current_permit.expiry_date",
                rule=None,
                sources=(),
                fix=_PERMIT_FIX,
                state="open" if permit.expiry_date >= reference else "closed",
            )
        )
    if table is not None:
        by_id = {step.id: step for step in table.steps}
        for window in steps.step_windows(table, facts):
            if window.done:
                continue  # the dossier shows it done: nothing is due any more
            step = by_id[window.step]
            found.append(
                Event(
                    day=window.end,
                    kind="step",
                    label=render_both(_STEP_DUE, {"title": window.title}),
                    key=f"step:{window.step}",
                    rule=f"step:{window.step}",
                    sources=pack.cite(step.sources),
                    fix=step.detail,
                    state="closed" if window.flagged or window.end < reference else "open",
                    start=window.start,
                )
            )
    return found


def _waiver_events(
    waivers: Sequence[WaiverEntry], secrets: Sequence[str], reference: date
) -> list[Event]:
    """The last day of each waiver that applies to the dossier."""
    from permitcheck.dossier.privacy import redact

    found = []
    for number, waiver in enumerate(waivers):
        written = waiver.rule if waiver.subject is None else f"{waiver.rule} ({waiver.subject})"
        approver = redact(waiver.approved_by, secrets)
        origin = redact(waiver.origin, secrets)
        found.append(
            Event(
                day=waiver.expires,
                kind="waiver",
                label=render_both(_WAIVER_ENDS, {"rule": written}),
                key=f"waiver:{number}:{written}",
                rule=waiver.rule if "*" not in waiver.rule else None,
                sources=(),
                fix=render_both(_WAIVER_FIX, {"approver": approver, "origin": origin}),
                state="open" if waiver.expires >= reference else "closed",
            )
        )
    return found


def _window_label(finding: Finding, result: DossierResult) -> Text:
    """`Certificate of no criminal record: last day it is recent enough (Criminal record at
    most 6 months old)`: the document (or list entry), what its last day is, and the rule."""
    group = result.groups.get(finding.group, Text(en=finding.group, zh=finding.group))
    last = _LAST_DAY.get(finding.check, _LAST_DAY["before_date"])
    title = finding.title
    if finding.item is not None:
        group = Text(en=f"{group.en}, {finding.item.en}", zh=f"{group.zh}，{finding.item.zh}")
    return Text(
        en=f"{group.en}: {last.en} ({title.en})",
        zh=f"{group.zh}：{last.zh}（{title.zh}）",
    )


def _fix_after(fix: Text, params: Mapping[str, Value]) -> Text | None:
    """What to do once the window has closed: the rule's fix with the values known before the
    check fails; None if it asks for a value only a failure gives."""
    filled = render_both(fix, params)
    if _PLACEHOLDER.search(filled.en) or _PLACEHOLDER.search(filled.zh):
        return None
    return render_both(_WINDOW_FIX, {"fix": filled})


def _unique(events: Iterable[Event]) -> list[Event]:
    """Each event's key told apart from another of the same dossier with the same key."""
    from dataclasses import replace

    seen: dict[str, int] = {}
    unique = []
    for event in events:
        count = seen.get(event.key, 0)
        seen[event.key] = count + 1
        unique.append(event if count == 0 else replace(event, key=f"{event.key}#{count + 1}"))
    return unique


def _order(event: Event) -> tuple[date, date, int, str]:
    return (event.day, event.latest or event.day, EVENT_KINDS.index(event.kind), event.key)


# ---- the agenda of a run ------------------------------------------------------------------


@dataclass(frozen=True)
class DossierRef:
    """Who an agenda entry is about: the dossier as the report names it, and whom it is for."""

    path: str
    applicant: str
    passport: str | None  # unmasked: renderers mask it unless asked not to
    type: str
    # Names the dossier in calendar UIDs, the same from run to run (see `uid_base`).
    identity: str


@dataclass(frozen=True)
class Entry:
    event: Event
    dossier: DossierRef
    days_left: int  # from the agenda's day; negative once past


@dataclass(frozen=True)
class Span:
    """Which days the agenda lists: from `start` to `end` (None: no bound on that side)."""

    start: date | None = None
    end: date | None = None

    def holds(self, event: Event) -> bool:
        # A tentative deadline is listed when any day it may fall on is in the span.
        if self.start is not None and (event.latest or event.day) < self.start:
            return False
        return self.end is None or event.day <= self.end


@dataclass(frozen=True)
class AgendaView:
    """What `permitcheck agenda` shows: its day, the span, the entries soonest first, and the
    files that could not be read (every other file is still listed)."""

    day: date
    span: Span
    entries: tuple[Entry, ...]
    dossiers: int
    errors: tuple[Problem, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    remind_days: int = 7

    @property
    def overdue(self) -> tuple[Entry, ...]:
        """Windows and steps whose last day has passed without the dossier showing them met."""
        return tuple(e for e in self.entries if e.event.state == "closed")


def build(
    results: Sequence[DossierResult],
    identities: dict[str, str],
    day: date,
    span: Span,
    errors: Sequence[Problem] = (),
    skipped: Sequence[Skipped] = (),
    remind_days: int = 7,
) -> AgendaView:
    """The agenda of the checked dossiers on `day`, the events within `span`, soonest first.
    `identities`: each dossier's stable name for calendar UIDs, by its path."""
    entries = []
    for result in results:
        who = DossierRef(
            path=result.path,
            applicant=result.applicant,
            passport=result.passport,
            type=result.type,
            identity=identities.get(result.path, result.path),
        )
        for event in result.events:
            if span.holds(event):
                entries.append(Entry(event, who, (event.day - day).days))
    entries.sort(key=lambda e: (*_order(e.event)[:2], e.dossier.path, *_order(e.event)[2:]))
    return AgendaView(
        day=day,
        span=span,
        entries=tuple(entries),
        dossiers=len(results),
        errors=tuple(errors),
        skipped=tuple(skipped),
        remind_days=remind_days,
    )


_WITHIN = re.compile(r"([0-9]{1,4})\s*(d|w|m|y|days?|weeks?|months?|years?)?")


def within(text: str, day: date) -> date:
    """The last day of `--within 30d` (also `4w`, `3m`, `1y`, or plain days) counted from
    `day`; ValueError with what is expected."""
    from permitcheck.dates import add_months

    match = _WITHIN.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(text)
    number, unit = int(match[1]), (match[2] or "d")[0]
    if unit == "w":
        return day + timedelta(weeks=number)
    if unit in "my":
        return add_months(day, number * (12 if unit == "y" else 1))
    return day + timedelta(days=number)


def week_of(day: date) -> date:
    """The Monday of the ISO week `day` is in (the agenda's text groups by it)."""
    return day - timedelta(days=day.weekday())
