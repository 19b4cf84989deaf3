"""Where to go and what comes next: the acceptance windows (FAQ 1) and steps (FAQ 2) of a pack."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from permitcheck.checks import MAX_DAYS, NO_EMPLOYER, Acceptance
from permitcheck.conditions import CENTURY, between
from permitcheck.errors import RuleError, UsageError
from permitcheck.i18n import Text, t
from permitcheck.rules import Pack, RuleModel, Source, check_citation, read_rule_file
from permitcheck.strict import codes, shown


class District(RuleModel):
    name: Text
    note: Text | None = None


class Serves(RuleModel):
    level: Literal["municipal", "provincial"]
    registered_in: list[str] | None = None


class Authority(RuleModel):
    id: str
    serves: Serves
    name: Text
    window: Text
    floor: Text | None = None
    building: Text
    address: Text
    hotline: list[str] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)


class Windows(RuleModel):
    districts: dict[str, District] = Field(min_length=1)
    authorities: list[Authority] = Field(min_length=1)


class Place(RuleModel):
    name: Text
    address: Text | None = None


class Registration(RuleModel):
    default: str
    by_authority: dict[str, str] = {}
    # What to tell an employer whose registration place the source does not give, by the id
    # of the authority that accepts its applications.
    notes: dict[str, Text] = {}


class DueAfter(RuleModel):
    after: Literal["application.entry_date"]
    # Bounded, so that a due date after any dossier date stays inside the calendar.
    days: Annotated[int, between(1, MAX_DAYS, "days", "天", CENTURY)]


def _due_form(value: Any) -> str:
    return "days_after" if isinstance(value, dict) else "word"


# A mapping is read as `{after, days}` only: its errors are its own, not the word's. (A tag
# that is no key of the data: error locations skip it.)
Due = Annotated[Annotated[Literal["submit_by"], Tag("word")]
                | Annotated[DueAfter, Tag("days_after")], Discriminator(_due_form)]


class Step(RuleModel):
    id: str
    actor: Text
    title: Text
    detail: Text
    where: str
    also: str | None = None
    due: Due | None = None
    sources: list[Source] = Field(min_length=1)


class Steps(RuleModel):
    registration: Registration
    places: dict[str, Place]
    steps: list[Step] = Field(min_length=1)


def windows(pack: Pack) -> Windows:
    """The acceptance windows of `pack`, validated; authority ids are checked against districts."""
    return _windows(pack.data_file("windows"), frozenset(pack.documents))


def steps(pack: Pack) -> Steps:
    """The steps of `pack`, validated; every place they name exists."""
    return _steps(pack.data_file("steps"), frozenset(pack.documents))


def _read_cited(model: type[RuleModel], path: FsPath, documents: frozenset[str],
                cited: Callable[[Any], Iterator[tuple[tuple[str | int, ...], Source]]]) -> Any:
    """A data file whose citations name only the pack's documents (located errors otherwise)."""
    table, source = read_rule_file(model, path)
    for where, citation in cited(table):
        check_citation(citation, documents, path, source, (*where, "document"))
    return table


def _window_citations(table: Windows) -> Iterator[tuple[tuple[str | int, ...], Source]]:
    for number, authority in enumerate(table.authorities):
        for position, cited in enumerate(authority.sources):
            yield ("authorities", number, "sources", position), cited


def _step_citations(table: Steps) -> Iterator[tuple[tuple[str | int, ...], Source]]:
    for number, step in enumerate(table.steps):
        for position, cited in enumerate(step.sources):
            yield ("steps", number, "sources", position), cited


@lru_cache(maxsize=8)
def _windows(path: FsPath, documents: frozenset[str]) -> Windows:
    table = _read_cited(Windows, path, documents, _window_citations)
    assert isinstance(table, Windows)
    for authority in table.authorities:
        for district in authority.serves.registered_in or []:
            if district not in table.districts:
                raise RuleError(t(f"authority {authority.id!r} serves unknown district "
                                  f"{district!r}", f"受理机构 {authority.id!r} 对应的区域 "
                                  f"{district!r} 未在 districts 中列出"), str(path))
    return table


@lru_cache(maxsize=8)
def _steps(path: FsPath, documents: frozenset[str]) -> Steps:
    table = _read_cited(Steps, path, documents, _step_citations)
    assert isinstance(table, Steps)
    known = set(table.places) | {"registration", "acceptance"}
    for step in table.steps:
        for place in filter(None, (step.where, step.also)):
            if place not in known:
                raise RuleError(t(f"step {step.id!r} names unknown place {place!r}",
                                  f"步骤 {step.id!r} 引用了未知地点 {place!r}"), str(path))
    return table


@dataclass(frozen=True)
class Employer:
    """What decides the window: the employer's level and where it is registered."""

    level: str
    registered_in: str | None


def suggest_district(table: Windows, text: str) -> str | None:
    """The district key meant by `text`, whatever its case: a key (`Jianye`), a name
    (`Jianye District`, `建邺区`) or a near miss (`jiangye`)."""
    spellings: dict[str, str] = {}
    for key, district in table.districts.items():
        for spelling in (key, key.replace("_", " "), district.name.en, district.name.zh,
                         district.name.en.removesuffix(" District")):
            spellings.setdefault(spelling.casefold(), key)
    wanted = " ".join(text.replace("_", " ").split()).casefold()
    if wanted in spellings:
        return spellings[wanted]
    close = difflib.get_close_matches(wanted, list(spellings), n=1, cutoff=0.75)
    return spellings[close[0]] if close else None


def resolve(pack: Pack, employer: Employer) -> Authority | Text:
    """The authority that accepts this employer's applications (FAQ 1), or why none can be
    named. A municipal employer must name a known district: guessing the window from nothing
    would send the user to the wrong building."""
    table = windows(pack)
    known = codes(table.districts)
    district = employer.registered_in
    if district is not None and district not in table.districts:
        close = suggest_district(table, district)
        hint_en = f"did you mean `{close}`? " if close else ""
        hint_zh = f"是否应为 `{close}`？" if close else ""
        return t(f"unknown district or zone {shown(district)} for employer.registered_in; "
                 f"{hint_en}accepted values: {known}",
                 f"employer.registered_in 的区域 {shown(district)} 无法识别；{hint_zh}"
                 f"可用的值：{known}")
    for authority in table.authorities:
        serves = authority.serves
        if serves.level != employer.level:
            continue
        if serves.registered_in is not None and district not in serves.registered_in:
            continue
        if serves.registered_in is None and serves.level == "municipal" and district is None:
            return t(f"a municipal employer needs employer.registered_in (or --registered-in) to "
                     f"find its window; accepted values: {known}",
                     f"市级用人单位须填写 employer.registered_in（或 --registered-in）才能确定受理"
                     f"窗口；可用的值：{known}")
        return authority
    return t(f"no acceptance window in this pack serves level {employer.level!r}",
             f"本规则包中没有受理 {employer.level!r} 级单位的窗口")


def authority_for(pack: Pack, employer: Employer) -> Authority:
    """The authority that accepts this employer's applications (FAQ 1); UsageError if none."""
    found = resolve(pack, employer)
    if isinstance(found, Text):
        raise UsageError(found)
    return found


def acceptance(pack: Pack, employer: Employer | None) -> Acceptance:
    """The window that serves a dossier's employer (None: the dossier names none), as rule
    messages name it, and the problem the check of FAQ 1 reports when there is one."""
    if employer is None:
        return NO_EMPLOYER
    found = resolve(pack, employer)
    if isinstance(found, Text):
        return Acceptance(name=NO_EMPLOYER.name, problem=found)
    return Acceptance(name=t(f"{found.name.en} (hotline {', '.join(found.hotline)})",
                             f"{found.name.zh}（咨询电话 {'、'.join(found.hotline)}）"))


def registration_note(pack: Pack, acceptance: Authority | None) -> Text | None:
    """What the source leaves open about registering with this acceptance point, if anything."""
    return steps(pack).registration.notes.get(acceptance.id) if acceptance else None


def registration_authority(pack: Pack, acceptance: Authority | None) -> Authority:
    """Where the employer's account is registered by real name (FAQ 2(1))."""
    table, rule = windows(pack), steps(pack).registration
    wanted = rule.by_authority.get(acceptance.id, rule.default) if acceptance else rule.default
    for authority in table.authorities:
        if authority.id == wanted:
            return authority
    raise RuleError(t(f"registration names unknown authority {wanted!r}",
                      f"registration 引用了未知的受理机构 {wanted!r}"), pack.directory)


def due_date(step: Step, entry_date: date | None, submit_by: date | None) -> date | None:
    """The date a step is due, where the dossier gives the facts."""
    if step.due == "submit_by":
        return submit_by
    if isinstance(step.due, DueAfter) and entry_date is not None:
        return entry_date + timedelta(days=step.due.days)
    return None
