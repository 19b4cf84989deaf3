"""The fixed vocabulary of check kinds, one module each: the registry and the `Check` union."""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

from pydantic import Field

from permitcheck.dossier import dotted
from permitcheck.rulepack.kinds import (
    acceptance_window,
    authentication,
    before_date,
    category_points,
    condition,
    evidence_covers,
    facts,
    file,
    includes,
    max_age,
    min_validity,
    not_before,
    one_of,
    present,
    residence_country,
    translation,
    working_days,
)
from permitcheck.rulepack.kinds.acceptance_window import AcceptanceWindow
from permitcheck.rulepack.kinds.authentication import Authentication
from permitcheck.rulepack.kinds.base import (
    Context,
    Kind,
    Outcome,
    Subject,
)
from permitcheck.rulepack.kinds.before_date import BeforeDate
from permitcheck.rulepack.kinds.category_points import CategoryPoints
from permitcheck.rulepack.kinds.condition import ConditionCheck
from permitcheck.rulepack.kinds.evidence_covers import EvidenceCovers
from permitcheck.rulepack.kinds.facts import Facts
from permitcheck.rulepack.kinds.file import File
from permitcheck.rulepack.kinds.includes import Includes
from permitcheck.rulepack.kinds.max_age import MaxAge
from permitcheck.rulepack.kinds.min_validity import MinValidity
from permitcheck.rulepack.kinds.not_before import NotBefore
from permitcheck.rulepack.kinds.one_of import OneOf
from permitcheck.rulepack.kinds.present import Present
from permitcheck.rulepack.kinds.residence_country import ResidenceCountry
from permitcheck.rulepack.kinds.translation import Translation
from permitcheck.rulepack.kinds.working_days import WorkingDays

# A static union, for Pydantic to validate rule files and for mypy to check the dispatch below.
# Its order is the order of the tags Pydantic lists when a rule names an unknown kind.
Check = Annotated[
    Present
    | Facts
    | Includes
    | OneOf
    | MaxAge
    | MinValidity
    | BeforeDate
    | NotBefore
    | WorkingDays
    | ResidenceCountry
    | Authentication
    | Translation
    | EvidenceCovers
    | ConditionCheck
    | File
    | AcceptanceWindow
    | CategoryPoints,
    Field(discriminator="kind"),
]

# Every kind by name, in the order of `Check` (the order of the reference table).
KINDS: dict[str, Kind[Any]] = {
    kind.name: kind
    for kind in (
        present.KIND,
        facts.KIND,
        includes.KIND,
        one_of.KIND,
        max_age.KIND,
        min_validity.KIND,
        before_date.KIND,
        not_before.KIND,
        working_days.KIND,
        residence_country.KIND,
        authentication.KIND,
        translation.KIND,
        evidence_covers.KIND,
        condition.KIND,
        file.KIND,
        acceptance_window.KIND,
        category_points.KIND,
    )
}


def kind_of(check: Check) -> Kind[Any]:
    """The kind of a check; mypy checks that every member of `Check` has one."""
    # Asked for every finding: the chain below runs once per class of check.
    found = _BY_TYPE.get(type(check))
    if found is None:
        found = _BY_TYPE[type(check)] = _kind_of(check)
    return found


_BY_TYPE: dict[type, Kind[Any]] = {}


def _kind_of(check: Check) -> Kind[Any]:
    # isinstance, not KINDS[check.kind]: a kind added to `Check` but not here fails mypy.
    if isinstance(check, Present):
        return present.KIND
    if isinstance(check, Facts):
        return facts.KIND
    if isinstance(check, Includes):
        return includes.KIND
    if isinstance(check, OneOf):
        return one_of.KIND
    if isinstance(check, MaxAge):
        return max_age.KIND
    if isinstance(check, MinValidity):
        return min_validity.KIND
    if isinstance(check, BeforeDate):
        return before_date.KIND
    if isinstance(check, NotBefore):
        return not_before.KIND
    if isinstance(check, WorkingDays):
        return working_days.KIND
    if isinstance(check, ResidenceCountry):
        return residence_country.KIND
    if isinstance(check, Authentication):
        return authentication.KIND
    if isinstance(check, Translation):
        return translation.KIND
    if isinstance(check, EvidenceCovers):
        return evidence_covers.KIND
    if isinstance(check, ConditionCheck):
        return condition.KIND
    if isinstance(check, File):
        return file.KIND
    if isinstance(check, AcceptanceWindow):
        return acceptance_window.KIND
    if isinstance(check, CategoryPoints):
        return category_points.KIND
    return _unknown(check)


def _unknown(check: NoReturn) -> NoReturn:
    # mypy accepts the call above only when the chain left no member of `Check` unhandled.
    raise TypeError(f"not a check: {check!r}")


def run(check: Check, subject_path: dotted.Keys, ctx: Context) -> Outcome:
    """Evaluate one check on the value at `subject_path` in the dossier."""
    subject = Subject(dotted.get(ctx.data, subject_path), subject_path, dotted.text(subject_path))
    return kind_of(check).evaluate(check, subject, ctx)
