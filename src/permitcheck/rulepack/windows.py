"""Where to go: the acceptance windows of a pack (FAQ 1), and which one serves an employer."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from permitcheck.basemodel import codes, shown
from permitcheck.i18n import Text, t
from permitcheck.problems import Stop
from permitcheck.rulepack import compiled
from permitcheck.rulepack.kinds.base import NO_EMPLOYER, Acceptance
from permitcheck.rulepack.pack import Pack, read_cited
from permitcheck.rulepack.sources import RuleModel, Source


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


def of(pack: Pack) -> Windows:
    """The acceptance windows of `pack`, validated; authority ids are checked against districts."""
    shipped = compiled.table("windows", pack)
    if shipped is not None:
        return shipped  # type: ignore[no-any-return]
    path = pack.needed_data_file("windows", t("acceptance windows", "受理窗口"))
    return _windows(path, frozenset(pack.documents), pack.main_source_of("windows"))


def forget_loaded() -> None:
    """Forget the windows files read (a pack edited since)."""
    _windows.cache_clear()


@lru_cache(maxsize=8)
def _windows(path: Path, documents: frozenset[str], main: str | None) -> Windows:
    table = read_cited(Windows, path, documents, "authorities", main)
    assert isinstance(table, Windows)
    for authority in table.authorities:
        for district in authority.serves.registered_in or []:
            if district not in table.districts:
                raise Stop.rules(
                    t(
                        f"authority {authority.id!r} serves unknown district {district!r}",
                        f"受理机构 {authority.id!r} 对应的区域 {district!r} 未在 districts 中列出",
                    ),
                    str(path),
                )
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
        for spelling in (
            key,
            key.replace("_", " "),
            district.name.en,
            district.name.zh,
            district.name.en.removesuffix(" District"),
        ):
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
    table = of(pack)
    known = codes(table.districts)
    district = employer.registered_in
    if district is not None and district not in table.districts:
        close = suggest_district(table, district)
        hint_en = f"did you mean `{close}`? " if close else ""
        hint_zh = f"是否应为 `{close}`？" if close else ""
        return t(
            f"unknown district or zone {shown(district)} for employer.registered_in; "
            f"{hint_en}accepted values: {known}",
            f"employer.registered_in 的区域 {shown(district)} 无法识别；{hint_zh}可用的值：{known}",
        )
    for authority in table.authorities:
        serves = authority.serves
        if serves.level != employer.level:
            continue
        if serves.registered_in is not None and district not in serves.registered_in:
            continue
        if serves.registered_in is None and serves.level == "municipal" and district is None:
            return t(
                f"a municipal employer needs employer.registered_in (or --registered-in) to "
                f"find its window; accepted values: {known}",
                f"市级用人单位须填写 employer.registered_in（或 --registered-in）才能确定受理"
                f"窗口；可用的值：{known}",
            )
        return authority
    return t(
        f"no acceptance window in this pack serves level {employer.level!r}",
        f"本规则包中没有受理 {employer.level!r} 级单位的窗口",
    )


def acceptance(pack: Pack, employer: Employer | None) -> Acceptance:
    """The window that serves a dossier's employer (None: the dossier names none), as rule
    messages name it, and the problem the check of FAQ 1 reports when there is one."""
    if employer is None or pack.data_file("windows") is None:
        return NO_EMPLOYER
    # Every dossier of a batch asks; a repository's employers are few.
    key = (id(pack), employer.level, employer.registered_in)
    known = _ACCEPTANCE.get(key)
    if known is None or known[0] is not pack:
        if len(_ACCEPTANCE) > 1024:  # bounded: `registered_in` is what a dossier writes
            _ACCEPTANCE.clear()
        known = _ACCEPTANCE[key] = (pack, _acceptance(pack, employer))
    return known[1]


_ACCEPTANCE: dict[tuple[int, str, str | None], tuple[Pack, Acceptance]] = {}


def _acceptance(pack: Pack, employer: Employer) -> Acceptance:
    found = resolve(pack, employer)
    if isinstance(found, Text):
        return Acceptance(name=NO_EMPLOYER.name, problem=found)
    return Acceptance(
        name=t(
            f"{found.name.en} (hotline {', '.join(found.hotline)})",
            f"{found.name.zh}（咨询电话 {'、'.join(found.hotline)}）",
        )
    )
