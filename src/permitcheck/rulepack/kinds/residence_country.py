"""The check kind `residence_country`: a country is the nationality or a habitual residence."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Literal

from permitcheck import dates, i18n
from permitcheck.i18n import Value
from permitcheck.rulepack.conditions import DottedPath
from permitcheck.rulepack.kinds.base import (
    Context,
    Kind,
    Months,
    Outcome,
    Params,
    Subject,
    code_list,
)
from permitcheck.rulepack.shapes import DATE, LIST_OF_MAPPINGS, TEXT, Reads


class ResidenceCountry(Params):
    """The subject country is the nationality or a habitual residence (over `months` months).

    `nationality` is the dossier path of the nationality; `residence` that of the residence
    history, whose entries of one country that overlap or follow each other are one stay.
    Countries of `excluded` are never a habitual residence. A country that is not the last
    habitual residence is a warning. Messages may use `{country}` (the subject country) and
    `{allowed}` (the nationality and the habitual residences).
    """

    kind: Literal["residence_country"]
    nationality: DottedPath
    residence: DottedPath
    months: Months = 12
    excluded: list[str] = ["CN"]


def _stays(history: list[Mapping[str, Any]], as_of: date) -> list[tuple[str, date, date]]:
    """Continuous stays per country: entries of one country that overlap or follow each other
    without a day between them are one stay. Only residence up to the reference date counts
    (a planned end date proves nothing yet); a stay with no end lasts until then."""
    spans = sorted(
        (stay["country"], stay["from"], min(stay.get("to") or as_of, as_of))
        for stay in history
        if stay.get("from") is not None
    )
    merged: list[tuple[str, date, date]] = []
    for country, start, end in spans:
        if merged and merged[-1][0] == country and start <= merged[-1][2] + timedelta(days=1):
            merged[-1] = (country, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((country, start, end))
    return merged


def evaluate(check: ResidenceCountry, subject: Subject, ctx: Context) -> Outcome:
    value: str = subject.value
    allowed: list[str] = []
    nationality = ctx.get(check.nationality)
    if nationality:
        allowed.append(nationality)
    # "Resided continuously for more than one year": strictly longer than `months` months.
    habitual = [
        (country, start, end)
        for country, start, end in _stays(ctx.get(check.residence) or [], ctx.as_of)
        if country not in check.excluded and dates.add_months(start, check.months) < end
    ]
    for country, _, _ in habitual:
        if country not in allowed:
            allowed.append(country)
    # Countries by name in messages (`India`, `印度`); the logic keeps their codes.
    params: dict[str, Value] = {"country": i18n.country(value), "allowed": i18n.countries(allowed)}
    if value not in allowed:
        return Outcome("fail", params)
    if value != nationality:
        # The national definition speaks of the last country of habitual residence.
        issued_until = max(end for country, _, end in habitual if country == value)
        later = [
            (end, country)
            for country, _, end in habitual
            if country != value and end > issued_until
        ]
        if later:
            until, latest = max(later)
            return Outcome(
                "warn",
                {**params, "latest": i18n.country(latest), "until": until},
                message=i18n.LATER_RESIDENCE,
                fix=i18n.LATER_RESIDENCE_FIX,
            )
    return Outcome("pass", params)


def reads(check: ResidenceCountry, subject: Reads) -> list[Reads]:
    by = subject.by
    return [
        subject,
        Reads(by, ("nationality",), check.nationality, TEXT, absolute=True),
        Reads(by, ("residence",), check.residence, LIST_OF_MAPPINGS, absolute=True),
        Reads(by, ("residence",), check.residence, TEXT, absolute=True, item="country"),
        Reads(by, ("residence",), check.residence, DATE, absolute=True, item="from"),
        Reads(by, ("residence",), check.residence, DATE, absolute=True, item="to", optional=True),
    ]


def describe(check: ResidenceCountry, subject: str) -> tuple[str, str]:
    s = f"`{subject}`"
    return (
        f"{s} is the nationality (`{check.nationality}`) or a country of "
        f"`{check.residence}` lived in continuously for more than {check.months} months "
        "(adjacent or overlapping entries of one country are one stay), excluding "
        f"{code_list(check.excluded)}; an earlier such country than the last one is a "
        "warning",
        f"{s} 为国籍国（`{check.nationality}`）或 `{check.residence}` 中连续居住超过 "
        f"{check.months} 个月的国家（同一国家首尾相接或重叠的记录视为一次居住；不含 "
        f"{code_list(check.excluded)}）；非最后一个经常居住国的给出警告",
    )


KIND = Kind(
    name="residence_country",
    params=ResidenceCountry,
    placeholders=("country", "allowed"),
    need=TEXT,
    judge=evaluate,
    words=describe,
    reading=reads,
)
