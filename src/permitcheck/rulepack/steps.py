"""What comes next: a pack's steps of each procedure (FAQ 2, 4-6), their places and due dates."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from permitcheck import dates
from permitcheck.basemodel import bilingual_error
from permitcheck.i18n import Text, t
from permitcheck.problems import Stop
from permitcheck.rulepack import compiled, windows
from permitcheck.rulepack.conditions import CENTURY, between
from permitcheck.rulepack.kinds.base import MAX_DAYS, MAX_MONTHS
from permitcheck.rulepack.pack import Pack, read_cited
from permitcheck.rulepack.sources import RuleModel, Source

if TYPE_CHECKING:
    from permitcheck.dossier.model import Dossier
    from permitcheck.findings import DossierResult, FailOn, NextSteps


class Place(RuleModel):
    name: Text
    address: Text | None = None


class Registration(RuleModel):
    default: str
    by_authority: dict[str, str] = {}
    # What to tell an employer whose registration place the source does not give, by the id
    # of the authority that accepts its applications.
    notes: dict[str, Text] = {}


DossierDate = Literal["application.entry_date", "notification_letter.issued_on"]


class DueAfter(RuleModel):
    """Due `days` days (the first day not counted) or `months` calendar months (a month end
    that does not exist clamped) after a date of the dossier."""

    after: DossierDate
    # Bounded, so that a due date after any dossier date stays inside the calendar.
    days: Annotated[int, between(1, MAX_DAYS, "days", "天", CENTURY)] | None = None
    months: Annotated[int, between(1, MAX_MONTHS, "months", "个月", CENTURY)] | None = None

    @model_validator(mode="after")
    def _one_count(self) -> DueAfter:
        if (self.days is None) == (self.months is None):
            raise bilingual_error(
                "due",
                "`due` counts either `days` or `months` after its date",
                "`due` 须且只能按 `days` 或 `months` 计算",
            )
        return self


def _due_form(value: Any) -> str:
    return "days_after" if isinstance(value, dict) else "word"


# A mapping is read as `{after, days}` only: its errors are its own, not the word's. (A tag
# that is no key of the data: error locations skip it.)
Due = Annotated[
    Annotated[Literal["submit_by"], Tag("word")] | Annotated[DueAfter, Tag("days_after")],
    Discriminator(_due_form),
]


class Step(RuleModel):
    id: str
    actor: Text
    title: Text
    detail: Text
    where: str
    also: str | None = None
    due: Due | None = None
    # A dossier date that shows the step done by then (a work visa is used at entry): one
    # after the step's last day, or before the date it counts from, is flagged.
    done_by: DossierDate | None = None
    # What to do when the dossier's dates show the step late (said after the flag).
    late: Text | None = None
    sources: list[Source] = Field(min_length=1)


Procedure = Literal["new", "extension", "change", "cancellation"]


class ProcedureSteps(RuleModel):
    """The steps of an extension, a change or a cancellation."""

    title: Text
    steps: list[Step] = Field(min_length=1)


class Steps(RuleModel):
    # The heading of `permitcheck steps` (the city and the FAQ question the steps come from).
    title: Text | None = None
    registration: Registration
    places: dict[str, Place]
    # The steps of a new application.
    steps: list[Step] = Field(min_length=1)
    # The steps of the other procedures, those the source describes.
    procedures: dict[Literal["extension", "change", "cancellation"], ProcedureSteps] = {}

    def of_procedure(self, procedure: str) -> tuple[Text | None, list[Step]] | None:
        """The heading and the steps of `procedure`; None when the pack describes none."""
        if procedure == "new":
            return self.title, self.steps
        found = next((p for key, p in self.procedures.items() if key == procedure), None)
        return None if found is None else (found.title, found.steps)

    def every_step(self) -> list[Step]:
        """The steps of every procedure (for checks that look at each)."""
        return [*self.steps, *(step for p in self.procedures.values() for step in p.steps)]


def of(pack: Pack) -> Steps:
    """The steps of `pack`, validated; every place they name exists."""
    shipped = compiled.table("steps", pack)
    if shipped is not None:
        return shipped  # type: ignore[no-any-return]
    path = pack.needed_data_file("steps", t("steps", "办理步骤"))
    return _steps(path, frozenset(pack.documents), pack.main_source_of("steps"))


def forget_loaded() -> None:
    """Forget the steps files read (a pack edited since)."""
    _steps.cache_clear()


@lru_cache(maxsize=8)
def _steps(path: Path, documents: frozenset[str], main: str | None) -> Steps:
    table = read_cited(Steps, path, documents, "steps", main)
    assert isinstance(table, Steps)
    known = set(table.places) | {"registration", "acceptance"}
    for step in table.every_step():
        for place in filter(None, (step.where, step.also)):
            if place not in known:
                raise Stop.rules(
                    t(
                        f"step {step.id!r} names unknown place {place!r}",
                        f"步骤 {step.id!r} 引用了未知地点 {place!r}",
                    ),
                    str(path),
                )
    return table


def registration_note(pack: Pack, acceptance: windows.Authority | None) -> Text | None:
    """What the source leaves open about registering with this acceptance point, if anything."""
    return of(pack).registration.notes.get(acceptance.id) if acceptance else None


def registration_authority(pack: Pack, acceptance: windows.Authority | None) -> windows.Authority:
    """Where the employer's account is registered by real name (FAQ 2(1))."""
    table, rule = windows.of(pack), of(pack).registration
    wanted = rule.by_authority.get(acceptance.id, rule.default) if acceptance else rule.default
    for authority in table.authorities:
        if authority.id == wanted:
            return authority
    raise Stop.rules(
        t(
            f"registration names unknown authority {wanted!r}",
            f"registration 引用了未知的受理机构 {wanted!r}",
        ),
        pack.directory,
    )


@dataclass(frozen=True)
class Verdict:
    """What `permitcheck validate` says of a dossier that a step handing it in depends on."""

    ready: bool
    blocking: int  # findings that make it not ready
    submit_by: date | None  # the last day every time window of the dossier still holds
    set_by: Text | None = None  # the title of the rule whose window sets `submit_by`
    path: str = ""  # the dossier, as the user named it (for the command to run)

    @classmethod
    def of(cls, result: DossierResult, fail_on: FailOn, path: str) -> Verdict:
        """The verdict of `validate` on the dossier at `path`, whose check gave `result`."""
        setter = result.setter()
        return cls(
            ready=result.ready(fail_on),
            blocking=sum(1 for found in result.findings if found.blocks(fail_on)),
            submit_by=result.submit_by,
            set_by=setter.title if setter else None,
            path=path,
        )


@dataclass(frozen=True)
class DossierDates:
    """The dates of a dossier the steps are counted from, the reference date, and the verdict
    of its check (None: no dossier, or not checked)."""

    as_of: date
    verdict: Verdict | None = None
    entry_date: date | None = None
    letter_issued_on: date | None = None

    @classmethod
    def of(cls, dossier: Dossier, as_of: date, verdict: Verdict | None = None) -> DossierDates:
        """The dates `dossier` states, on the reference date `as_of`."""
        letter = dossier.notification_letter
        return cls(
            as_of=as_of,
            verdict=verdict,
            entry_date=dossier.application.entry_date,
            letter_issued_on=letter.issued_on if letter is not None else None,
        )

    def get(self, name: DossierDate) -> date | None:
        return self.entry_date if name == "application.entry_date" else self.letter_issued_on


@dataclass(frozen=True)
class StepDates:
    """When a step is due (if the dossier says), how that day was counted, and what is wrong
    with the step's dates, if anything."""

    due: date | None
    note: Text | None
    flag: Text | None = None
    done: Text | None = None  # the dossier's date that shows the step done
    # Why the step cannot be done yet (the dossier it hands in is not ready), and what to do.
    blocked: Text | None = None


def _done(step: Step, facts: DossierDates) -> tuple[date | None, Text | None]:
    """The dossier's date that shows `step` done, and how it is shown."""
    if step.done_by is None:
        return None, None
    day = facts.get(step.done_by)
    if day is None:
        return None, None
    said = _DATE_NAMES[step.done_by][2]
    shown_day = day.isoformat()
    return day, t(
        said.en.replace("{day}", shown_day) + f" (`{step.done_by}`)",
        said.zh.replace("{day}", shown_day) + f"（`{step.done_by}`）",
    )


# Each dossier date a step counts from: what it is, the event on that day ("entry on ..."),
# and how it shows a step done.
_DATE_NAMES: dict[str, tuple[Text, Text, Text]] = {
    "application.entry_date": (
        t("the entry date", "入境日期"),
        t("entry", "入境"),
        t("entered China on {day}", "已于 {day} 入境"),
    ),
    "notification_letter.issued_on": (
        t("the Notification Letter's issue date", "工作许可通知签发日期"),
        t("the Notification Letter's issue", "工作许可通知签发"),
        t("the Notification Letter was issued on {day}", "工作许可通知已于 {day} 签发"),
    ),
}


def _submit_by_note(verdict: Verdict) -> Text:
    """How the day a dossier must be handed in was found, and which window sets it."""
    note = t(
        "the last day every time window of the dossier still holds",
        "档案中各项时限均仍有效的最后一日",
    )
    if verdict.set_by is not None:
        note = t(
            f"{note.en}, set by: {verdict.set_by.en}",
            f"{note.zh}，取决于：{verdict.set_by.zh}",
        )
    return t(
        f"{note.en} (see `permitcheck validate`)",
        f"{note.zh}（见 `permitcheck validate`）",
    )


def _blocked(verdict: Verdict) -> Text:
    """What stops a not-ready dossier from being handed in, and where to see it."""
    n = verdict.blocking
    command = f"`permitcheck validate {shlex.quote(verdict.path)}`"
    en = (
        f"Not ready: {n} problem{'' if n == 1 else 's'} to solve first; "
        f"{command} lists {'it' if n == 1 else 'them'}"
    )
    zh = f"尚不能提交：须先解决 {n} 项问题，详见 {command}"
    if verdict.submit_by is not None:
        day = verdict.submit_by.isoformat()
        en += f". The dossier's time windows hold until {day}, if it is ready by then"
        zh += f"。档案各项时限至 {day} 仍有效，须在此前备齐"
    return t(en + ".", zh + "。")


def step_dates(step: Step, facts: DossierDates) -> StepDates:
    """The due date of `step` from the dossier's dates, how it was counted, and a flag when a
    date of the dossier shows the step late (or a date cannot be right)."""
    done, shown_done = _done(step, facts)
    if step.due == "submit_by":
        verdict = facts.verdict
        if done is not None:
            # Done (the letter is issued): the day the package had to go in is moot.
            return StepDates(None, None, done=shown_done)
        if verdict is None:
            return StepDates(None, None)
        if not verdict.ready:
            # A due date would read as if it could be met: what blocks the step instead.
            return StepDates(None, None, blocked=_blocked(verdict))
        if verdict.submit_by is None:
            return StepDates(None, None)
        return StepDates(verdict.submit_by, _submit_by_note(verdict))
    if not isinstance(step.due, DueAfter):
        return StepDates(None, None, done=shown_done)
    after, start = step.due.after, facts.get(step.due.after)
    name, event, _ = _DATE_NAMES[after]
    if start is None:
        return StepDates(
            None,
            t(
                f"counted from {name.en} (`{after}` is not in the dossier)",
                f"自{name.zh}起计算（档案中未填写 `{after}`）",
            ),
            done=shown_done,
        )
    day = start.isoformat()
    if step.due.months is not None:
        n = step.due.months
        due = dates.window_end(start, n)
        note = t(
            f"the last valid day, {n} months after {event.en} on {day} (a month end that "
            "does not exist is clamped)",
            f"有效期最后一日：{event.zh}日 {day} 后 {n} 个月（目标月份无对应日期时取月末）",
        )
    else:
        n = step.due.days or 0
        due = start + timedelta(days=n)
        note = t(
            f"{n} days after {event.en} on {day} (the {event.en} day itself is not counted)",
            f"{event.zh}日 {day} 后第 {n} 日（{event.zh}当日不计入）",
        )
    return StepDates(due, note, _flag(step, start, due, done, facts), shown_done)


def _flag(
    step: Step, start: date, due: date, done: date | None, facts: DossierDates
) -> Text | None:
    """What the dossier's dates say is wrong with a step counted from `start`, due `due`, done
    (as far as the dossier shows) on `done`."""
    first, last, today = start.isoformat(), due.isoformat(), facts.as_of.isoformat()
    if step.done_by is None:
        return None
    field, event = step.done_by, _DATE_NAMES[step.done_by][1]
    then = step.late or t("It must be done again.", "须重新办理。")
    if done is not None and done > due:
        return t(
            f"Late: {event.en} on {done.isoformat()} (`{field}`) is after {last}, the last "
            f"day of this step. Check both dates; if they are right: {then.en}",
            f"逾期：{event.zh}日 {done.isoformat()}（`{field}`）晚于本步骤最后一日 {last}。"
            f"请核对两个日期；如无误：{then.zh}",
        )
    if done is not None and done < start:
        return t(
            f"{event.en[0].upper()}{event.en[1:]} on {done.isoformat()} (`{field}`) is "
            f"before {first}, the date this step is counted from: check both dates.",
            f"{event.zh}日 {done.isoformat()}（`{field}`）早于本步骤的起算日 {first}："
            "请核对两个日期。",
        )
    if done is None and facts.as_of > due:
        return t(
            f"Past: the last day of this step was {last}, before the reference date "
            f"{today}. If it was done by then, write the date of {event.en} (`{field}`); "
            f"if not: {then.en}",
            f"已过期：本步骤最后一日为 {last}，早于参考日期 {today}。如已按时办理，请填写"
            f"{event.zh}日期（`{field}`）；否则：{then.zh}",
        )
    return None


@dataclass(frozen=True)
class StepWindow:
    """A step counted from a date of the dossier, as a window: from that date to its last day."""

    step: str
    title: Text
    start: date
    end: date
    flagged: bool  # the dossier's dates show it late, or cannot be right
    done: bool  # a date of the dossier shows it done


def step_windows(table: Steps, facts: DossierDates) -> list[StepWindow]:
    """The windows of the steps whose start the dossier gives (the Notification Letter's issue,
    the entry), in the order of the steps."""
    found = []
    for step in table.steps:
        if not isinstance(step.due, DueAfter):
            continue
        start = facts.get(step.due.after)
        dated = step_dates(step, facts)
        if start is None or dated.due is None:
            continue
        found.append(
            StepWindow(
                step=step.id,
                title=step.title,
                start=start,
                end=dated.due,
                flagged=dated.flag is not None,
                done=dated.done is not None,
            )
        )
    return found


def place_of(authority: windows.Authority) -> Text:
    """An acceptance window in one line: authority, window, building, address."""
    parts = [authority.name, authority.window, authority.building, authority.address]
    window = authority.window
    if authority.floor is not None:
        window = t(f"{window.en}, {authority.floor.en}", f"{window.zh}，{authority.floor.zh}")
    parts[1] = window
    return t(", ".join(p.en for p in parts), "，".join(p.zh for p in parts))


def _place(table: Steps, name: str, acceptance: windows.Authority | None) -> Text | None:
    if name == "acceptance":
        return place_of(acceptance) if acceptance else None
    found = table.places.get(name)
    if found is None:
        return None  # `registration`: no step after an application registers an account
    if found.address is None:
        return found.name
    return t(f"{found.name.en}, {found.address.en}", f"{found.name.zh}，{found.address.zh}")


def next_steps(pack: Pack, dossier: Dossier, facts: DossierDates) -> NextSteps:
    """For a ready dossier: the acceptance window that serves its employer (as `permitcheck
    where` finds it), the day to hand it in by (`facts.verdict`), and the steps of its
    procedure that follow the application, dated as `permitcheck steps` dates them."""
    from permitcheck.findings import NextStep, NextSteps

    acceptance = None
    if dossier.employer is not None and pack.data_file("windows") is not None:
        found = windows.resolve(
            pack, windows.Employer(dossier.employer.level, dossier.employer.registered_in)
        )
        acceptance = found if isinstance(found, windows.Authority) else None
    table = of(pack)
    listed = _procedure(table, dossier.application.type)
    handing_in = _handing_in(listed)
    after = []
    made = handed_in(table, dossier.application.type, facts)
    if handing_in is not None:
        for number, step in enumerate(listed[handing_in + 1 :], start=handing_in + 2):
            dated = step_dates(step, facts)
            if dated.done is not None:
                continue
            after.append(
                NextStep(
                    number=number,
                    title=step.title,
                    actor=step.actor,
                    where=_place(table, step.where, acceptance),
                    due=dated.due,
                    due_note=dated.note if dated.due else None,
                    sources=pack.cite(step.sources),
                )
            )
    verdict = facts.verdict
    return NextSteps(
        where=place_of(acceptance) if acceptance else None,
        hotline=tuple(acceptance.hotline) if acceptance else (),
        where_sources=pack.cite(acceptance.sources) if acceptance else (),
        submit_by=verdict.submit_by if verdict else None,
        set_by=verdict.set_by if verdict else None,
        after=tuple(after),
        handed_in=made,
    )


def _procedure(table: Steps, procedure: str) -> list[Step]:
    """The steps of `procedure`; those of a new application where the pack describes none."""
    described = table.of_procedure(procedure) or table.of_procedure("new")
    assert described is not None
    return described[1]


def _handing_in(listed: list[Step]) -> int | None:
    """Which of the steps hands the dossier in (`due: submit_by`)."""
    return next((n for n, step in enumerate(listed) if step.due == "submit_by"), None)


def handed_in(table: Steps, procedure: str, facts: DossierDates) -> bool:
    """Whether the dossier's dates show its application made: the step that hands it in
    done (a Notification Letter issued)."""
    listed = _procedure(table, procedure)
    at = _handing_in(listed)
    return at is not None and step_dates(listed[at], facts).done is not None
