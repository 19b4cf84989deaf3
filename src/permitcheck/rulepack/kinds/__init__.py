"""The fixed vocabulary of check kinds, one module each: the registry and the `Check` union."""

from __future__ import annotations

import inspect
import types
from typing import Annotated, Any, Literal, NoReturn, Union, get_args, get_origin, get_type_hints

from pydantic import Field

from permitcheck.dossier import dotted
from permitcheck.rulepack.conditions import Condition, DottedPath
from permitcheck.rulepack.kinds import (
    acceptance_window,
    authentication,
    before_date,
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
    MAX_DAYS,
    MAX_MONTHS,
    Context,
    Days,
    FieldName,
    Kind,
    Months,
    Outcome,
    Subject,
)
from permitcheck.rulepack.kinds.before_date import BeforeDate
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
    | AcceptanceWindow,
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
    )
}


def kind_of(check: Check) -> Kind[Any]:
    """The kind of a check; mypy checks that every member of `Check` has one."""
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
    return _unknown(check)


def _unknown(check: NoReturn) -> NoReturn:
    # mypy accepts the call above only when the chain left no member of `Check` unhandled.
    raise TypeError(f"not a check: {check!r}")


def run(check: Check, subject_path: dotted.Keys, ctx: Context) -> Outcome:
    """Evaluate one check on the value at `subject_path` in the dossier."""
    subject = Subject(
        dotted.get(ctx.data, subject_path), subject_path, dotted.to_text(subject_path)
    )
    return kind_of(check).evaluate(check, subject, ctx)


# --- The reference table of check kinds, for docs/rule-packs.md -----------------------------


def reference_markdown() -> str:
    """The check kinds as a Markdown table: what each checks (the first paragraph of its
    parameters' docstring), its parameters with their types and defaults, the placeholders it
    gives rule messages, and the cases a rule may word in `variants`."""
    lines = [
        "| Kind | What it checks | Parameters | Placeholders | Variants |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind in KINDS.values():
        doc = inspect.cleandoc(kind.params.__doc__ or "")
        hints = get_type_hints(kind.params, include_extras=True)
        parameters = [
            f"`{name}` ({_nonempty(info.metadata)}{_type_words(hints[name])}; "
            + ("required" if info.is_required() else f"default `{_default(info.default)}`")
            + ")"
            for name, info in kind.params.model_fields.items()
            if name != "kind"
        ]
        cells = [
            f"`{kind.name}`",
            " ".join(doc.split("\n\n")[0].split()),
            "<br>".join(parameters) or "—",
            ", ".join(f"`{{{name}}}`" for name in kind.placeholders) or "—",
            ", ".join(f"`{case}`" for case in kind.variants) or "—",
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


# The parameter types shared by several kinds, by what they mean to a rule writer.
_NAMED_TYPES: tuple[tuple[object, str], ...] = (
    (Months, f"months, 1 to {MAX_MONTHS:,}"),
    (Days, f"days, 1 to {MAX_DAYS:,}"),
    (DottedPath, "dossier path"),
    (FieldName, "field name"),
)
_PLAIN_TYPES: dict[object, str] = {
    str: "text",
    int: "number",
    bool: "true or false",
    type(None): "null",
    Condition: "condition",
}


def _type_words(annotation: object) -> str:
    """A parameter's type as a rule writer reads it: `list of text`, `days, 1 to 36,600`."""
    for named, words in _NAMED_TYPES:
        if annotation == named:
            return words
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        return " or ".join(_type_words(arg) for arg in args)
    if origin is list:
        return f"list of {_type_words(args[0])}"
    if origin is dict:
        return f"mapping of {_type_words(args[0])} to {_type_words(args[1])}"
    if origin is Literal:
        return " or ".join(f"`{arg}`" for arg in args)
    if origin is Annotated:
        return _type_words(args[0])
    return _PLAIN_TYPES.get(annotation, str(annotation))


def _nonempty(metadata: list[object]) -> str:
    return "non-empty " if any(getattr(item, "min_length", 0) for item in metadata) else ""


def _default(value: object) -> str:
    """A default as a rule file would write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {item}" for key, item in value.items()) + "}"
    return str(value)
