"""Rule packs: the schema of rule files, and loading a pack from a directory with located errors."""

from __future__ import annotations

import re
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from permitcheck import yamlsafe
from permitcheck.checks import CHECK_PARAMS, Check
from permitcheck.conditions import Condition, DottedPath
from permitcheck.errors import RuleError
from permitcheck.i18n import ENGINE_PARAMS, Text
from permitcheck.loader import located_error
from permitcheck.model import Day
from permitcheck.strict import Strict

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_RULE_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)+$")


class RuleModel(Strict):
    """A mapping in a rule file: strict types, unknown keys reported with a suggestion."""




class Source(RuleModel):
    section: str = Field(pattern=r"^\d+(\(\d+\))?( note)?$")
    quote: str = Field(min_length=10)


class Exemption(RuleModel):
    """A lawful alternative to the requirement, reported as `exempt`."""

    when: Condition
    describe: Text
    message: Text
    sources: list[Source] = Field(min_length=1)


class Applies(RuleModel):
    procedures: list[Literal["new", "extension", "change", "cancellation"]] = Field(min_length=1)
    categories: list[Literal["A", "B", "C"]] | None = None
    when: Condition | None = None


class Rule(RuleModel):
    id: str = Field(pattern=_RULE_ID.pattern)
    title: Text
    severity: Literal["error", "warning"] = "error"
    applies: Applies
    for_each: DottedPath | None = None
    document: DottedPath | None = None
    group: str | None = None  # checklist heading, when not the subject's document or section
    subject: DottedPath
    check: Check
    exemptions: list[Exemption] = []
    message: Text
    fix: Text
    description: Text
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        allowed = set(CHECK_PARAMS[self.check.kind]) | ENGINE_PARAMS
        for name, text in (("message", self.message), ("fix", self.fix)):
            for language in ("en", "zh"):
                for placeholder in _PLACEHOLDER.findall(getattr(text, language)):
                    if placeholder not in allowed:
                        raise PydanticCustomError(
                            "placeholder",
                            "{field}.{lang} uses {name}, which check kind {kind} does not "
                            "provide; available: {available}",
                            {"field": name, "lang": language, "name": f"{{{placeholder}}}",
                             "kind": self.check.kind, "available": ", ".join(sorted(allowed))})
        starred = "[*]" in self.subject or (self.document is not None and "[*]" in self.document)
        if starred and self.for_each is None:
            raise PydanticCustomError("for_each", "a path with [*] needs `for_each`")
        if self.group is not None and self.group not in ("family",) and "." in self.group:
            raise PydanticCustomError("group", "`group` is a heading key such as passport_copy")
        if self.for_each is not None and not self.subject.startswith(self.for_each):
            raise PydanticCustomError("for_each", "`subject` must lie inside `for_each`")
        return self


class RuleFile(RuleModel):
    rules: list[Rule] = Field(min_length=1)


class PackSource(RuleModel):
    title: str
    publisher: str
    published: str
    url: str | None = None


class PackData(RuleModel):
    apostille: str


class PackManifest(RuleModel):
    pack: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    source: PackSource
    data: PackData
    # Checklist headings: document kinds and dossier sections, with their official names.
    groups: dict[str, Text]


class ApostilleState(RuleModel):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    in_force: Day


class ApostilleObjection(RuleModel):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    note: str


class ApostilleSourceRef(RuleModel):
    title: str
    url: str | None = None


class ApostilleTable(RuleModel):
    china_in_force: Day
    sources: list[ApostilleSourceRef] = []
    objections: list[ApostilleObjection] = []
    states: list[ApostilleState]

    def in_force_with_china(self, country: str) -> Day | None:
        """The first day the Convention applies between China and `country`, if it ever does."""
        if any(item.country == country for item in self.objections):
            return None
        for item in self.states:
            if item.country == country:
                return max(item.in_force, self.china_in_force)
        return None


class Pack(BaseModel):
    """A loaded, validated rule pack."""

    model_config = ConfigDict(frozen=True)

    manifest: PackManifest
    rules: tuple[Rule, ...]
    apostille: ApostilleTable
    directory: str


def builtin_rules_dir() -> FsPath:
    """The rule packs shipped with permitcheck (inside the wheel, or the checkout's `rules/`)."""
    packaged = FsPath(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return FsPath(__file__).resolve().parents[2] / "rules"


def available_packs(root: FsPath | None = None) -> list[str]:
    base = root or builtin_rules_dir()
    return sorted(p.parent.name for p in base.glob("*/pack.yaml"))


def _parse(path: FsPath) -> yamlsafe.Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"cannot read rule file: {exc.strerror or exc}", str(path)) from None
    return yamlsafe.read(str(path), raw, RuleError)


def _validate(model: type[RuleModel], path: FsPath) -> tuple[Any, yamlsafe.Document]:
    source = _parse(path)
    try:
        return model.model_validate(source.data), source
    except ValidationError as exc:
        raise located_error(exc, source, RuleError) from None


_CACHE: dict[str, Pack] = {}


def load_pack(name: str, root: FsPath | None = None) -> Pack:
    """Load and validate the pack `name` under `root` (the built-in packs by default)."""
    base = root or builtin_rules_dir()
    directory = base / name
    manifest_path = directory / "pack.yaml"
    key = str(manifest_path.resolve())
    if key in _CACHE:
        return _CACHE[key]
    if not manifest_path.is_file():
        known = ", ".join(available_packs(base)) or "none"
        raise RuleError(f"no rule pack {name!r} (available: {known})", str(directory))
    manifest, _ = _validate(PackManifest, manifest_path)
    rules: list[Rule] = []
    first_seen: dict[str, str] = {}
    for rule_path in sorted(directory.glob("*.yaml")):
        if rule_path.name == "pack.yaml" or rule_path.name.startswith("_"):
            continue
        parsed, source = _validate(RuleFile, rule_path)
        for index, rule in enumerate(parsed.rules):
            if rule.id in first_seen:
                raise RuleError(f"duplicate rule id {rule.id!r} (also in {first_seen[rule.id]})",
                                str(rule_path), source.locate(("rules", index, "id"), value=True))
            first_seen[rule.id] = rule_path.name
            rules.append(rule)
    apostille_path = (directory / manifest.data.apostille).resolve()
    apostille, _ = _validate(ApostilleTable, apostille_path)
    pack = Pack(manifest=manifest, rules=tuple(sorted(rules, key=lambda r: r.id)),
                apostille=apostille, directory=str(directory))
    _CACHE[key] = pack
    return pack
