"""The check kind `authentication`: a document is authenticated as its origin requires."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from permitcheck import i18n
from permitcheck.i18n import Text, Value
from permitcheck.rulepack.kinds.base import (
    REGIONS,
    Context,
    FieldName,
    Kind,
    Outcome,
    Params,
    Subject,
    code_list,
    future_date,
    not_stated,
)
from permitcheck.rulepack.shapes import DATE, MAPPING, TEXT, Reads


class Authentication(Params):
    """The subject document is authenticated in a way accepted for where it comes from.

    `country_field` names the document's field that says where it was issued; `foreign`,
    `regions` and `mainland` list the methods accepted for a document from abroad, from Hong
    Kong, Macao or Taiwan, and from the mainland (none: no authentication needed). An apostille
    counts only where the Apostille Convention applies between China and the issuing state on
    its date; the rule then also cites the Convention. Messages may use `{method}` (the
    method written), `{country}` (the origin) and `{accepted}` (the methods accepted there).
    """

    kind: Literal["authentication"]
    country_field: FieldName
    foreign: list[str]
    regions: list[str]
    mainland: list[str] = []


def evaluate(check: Authentication, subject: Subject, ctx: Context) -> Outcome:
    value: Mapping[str, Any] = subject.value
    country = value.get(check.country_field)
    if country is None:
        return not_stated(f"{subject.text}.{check.country_field}")
    accepted = (
        check.mainland
        if country == "CN"
        else (check.regions if country in REGIONS else check.foreign)
    )
    if not accepted:
        return Outcome("pass", {"country": i18n.country(country), "accepted": [], "method": "—"})
    method = value.get("authentication")
    if method is None:
        return not_stated(f"{subject.text}.authentication")
    # Countries by name in messages (`India`, `印度`); the logic keeps their codes.
    params: dict[str, Value] = {
        "method": method,
        "country": i18n.country(country),
        "accepted": list(accepted),
    }
    if method not in accepted:
        return Outcome("fail", params)
    if method == "apostille":
        return _apostille(value, country, params, ctx)
    return Outcome("pass", params)


def _apostille(
    value: Mapping[str, Any], country: str, params: dict[str, Value], ctx: Context
) -> Outcome:
    apostille_country = value.get("apostille_country") or country
    params = {**params, "apostille_country": i18n.country(apostille_country)}
    if apostille_country != country:
        return Outcome(
            "fail",
            params,
            message=i18n.APOSTILLE_WRONG_STATE,
            fix=i18n.APOSTILLE_FIX,
            apostille=True,
        )
    in_force = ctx.apostille.in_force_with_china(country)
    if in_force is None:
        return Outcome(
            "fail",
            params,
            message=i18n.APOSTILLE_NOT_IN_FORCE,
            fix=i18n.CONSULAR_FIX,
            apostille=True,
        )
    params["in_force"] = in_force
    apostilled_on, issued_on = value.get("apostilled_on"), value.get("issued_on")
    if apostilled_on is not None:
        future = future_date(apostilled_on, ctx)
        if future is not None:
            return future
        if apostilled_on < in_force:
            params["apostille_date"] = apostilled_on
            return _apostille_fails(params, i18n.APOSTILLE_TOO_EARLY, i18n.APOSTILLE_FIX)
        return Outcome("pass", params, apostille=True)
    if issued_on is None:
        return _apostille_fails(params, i18n.APOSTILLE_DATE_UNKNOWN, i18n.APOSTILLE_DATE_FIX)
    # The apostille is never older than the document, so the issue date is a safe lower bound;
    # an earlier issue date says nothing about the apostille, whose date is then needed.
    if issued_on < in_force:
        params["issued_on"] = issued_on
        return _apostille_fails(params, i18n.APOSTILLE_ISSUED_TOO_EARLY, i18n.APOSTILLE_DATE_FIX)
    return Outcome("pass", params, apostille=True)


def _apostille_fails(params: dict[str, Value], message: Text, fix: Text) -> Outcome:
    return Outcome("fail", params, message=message, fix=fix, apostille=True)


def reads(check: Authentication, subject: Reads) -> list[Reads]:
    by = subject.by
    found = [
        subject,
        Reads(by, ("country_field",), check.country_field, TEXT),
        Reads(by, (), "authentication", TEXT),
    ]
    found += [
        Reads(by, (), "authentication", TEXT, values=tuple(methods), values_at=(name,))
        for name, methods in (
            ("foreign", check.foreign),
            ("regions", check.regions),
            ("mainland", check.mainland),
        )
    ]
    found += [
        Reads(by, (), name, need, optional=True)
        for name, need in (
            ("apostille_country", TEXT),
            ("apostilled_on", DATE),
            ("issued_on", DATE),
        )
    ]
    return found


def describe(check: Authentication, subject: str) -> tuple[str, str]:
    s, field = f"`{subject}`", f"`{check.country_field}`"
    mainland = code_list(check.mainland) if check.mainland else "none needed"
    mainland_zh = code_list(check.mainland) if check.mainland else "无需认证"
    return (
        f"{s} is authenticated as its origin ({field}) requires: from abroad by "
        f"{code_list(check.foreign)} (an apostille only where the Apostille Convention "
        f"applies between China and the issuing state on its date); from Hong Kong, Macao "
        f"or Taiwan by {code_list(check.regions)}; from the mainland: {mainland}",
        f"{s} 按来源地（{field}）完成认证：境外为 {code_list(check.foreign)}（附加证明书仅在其"
        f"签发之日公约已在中国与签发国之间适用时有效）；港澳台为 {code_list(check.regions)}；"
        f"境内：{mainland_zh}",
    )


def accepts_apostille(check: Authentication) -> bool:
    return "apostille" in check.foreign


KIND = Kind(
    name="authentication",
    params=Authentication,
    placeholders=("method", "country", "accepted"),
    need=MAPPING,
    judge=evaluate,
    words=describe,
    reading=reads,
    apostille=accepts_apostille,
)
