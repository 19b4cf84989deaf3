"""The reference tables of docs/rule-packs.md, generated from the rule language's own models."""

from __future__ import annotations

import inspect
import types
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from permitcheck.rulepack.conditions import Condition, DottedPath
from permitcheck.rulepack.kinds import KINDS
from permitcheck.rulepack.kinds.base import MAX_DAYS, MAX_MONTHS, Days, FieldName, Months, Params


def kinds_table() -> str:
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
    date: "date (YYYY-MM-DD)",
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
    if annotation is Any:
        return "any value"
    if annotation in _PLAIN_TYPES:
        return _PLAIN_TYPES[annotation]
    if isinstance(annotation, type) and issubclass(annotation, Params):
        return "check"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        # A mapping the docs describe in a table of its own, by the model's name.
        return _MODEL_WORDS.get(annotation.__name__, annotation.__name__.lower())
    return str(annotation)


_MODEL_WORDS = {
    "Text": "`{en, zh}`",
    "Source": "citation",
    "Heading": "heading",
    "PackSource": "source",
    "PackData": "data files",
    "Applies": "applies",
    "Exemption": "exemption",
    "Variant": "`{message, fix}`",
    "Case": "case",
}


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
    if isinstance(value, BaseModel):
        return "{}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {item}" for key, item in value.items()) + "}"
    return str(value)


def keys_table(model: type[BaseModel]) -> str:
    """The keys of a rule-file model as a Markdown table: key, type, required or default, and
    what it means (the field's description, which editors show too through the schema)."""
    lines = ["| Key | Type | Required | Meaning |", "| --- | --- | --- | --- |"]
    hints = get_type_hints(model, include_extras=True)
    for name, info in model.model_fields.items():
        key = info.alias or name
        required = "required" if info.is_required() else f"default `{_default(info.default)}`"
        words = _type_words(hints[name])
        if " or ".join(["check"] * len(KINDS)) in words:
            words = "check: `kind` and its parameters (below)"
        if key == "templates":
            words = "mapping of a template's name to rule keys"
        words = words.replace("text to any value", "text to values")
        cells = [
            f"`{key}`",
            _nonempty(info.metadata) + words,
            required,
            " ".join((info.description or "").split()),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _tables() -> dict[str, str]:
    from permitcheck.rulepack.cases import Case, CaseFile
    from permitcheck.rulepack.pack import PackData, PackManifest, PackSource
    from permitcheck.rulepack.points import Bracket, PointsItem, PointsTable, WorkplaceRegions
    from permitcheck.rulepack.rule import Applies, Exemption, Rule, RuleFile, Variant
    from permitcheck.rulepack.sources import Heading, Source

    return {
        "manifest": keys_table(PackManifest),
        "source": keys_table(PackSource),
        "headings": keys_table(Heading),
        "data": keys_table(PackData),
        "rule-file": keys_table(RuleFile),
        "rule": keys_table(Rule),
        "applies": keys_table(Applies),
        "exemption": keys_table(Exemption),
        "variant": keys_table(Variant),
        "citation": keys_table(Source),
        "conditions": keys_table(Condition),
        "kinds": kinds_table(),
        "points-table": keys_table(PointsTable),
        "points-item": keys_table(PointsItem),
        "points-bracket": keys_table(Bracket),
        "workplace-regions": keys_table(WorkplaceRegions),
        "case-file": keys_table(CaseFile),
        "case": keys_table(Case),
    }


def tables() -> dict[str, str]:
    """Every generated table of docs/rule-packs.md, by the name of its marker."""
    return _tables()
