"""Rule packs: the schema of rule files, and loading a pack from a directory with located errors."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from permitcheck import yamlsafe
from permitcheck.checks import CHECK_PARAMS, CHECK_VARIANTS, Check
from permitcheck.conditions import Condition, DottedPath
from permitcheck.errors import DossierError, RuleError
from permitcheck.findings import SourceRef
from permitcheck.i18n import ENGINE_PARAMS, Text, t
from permitcheck.loader import LoadedDossier, located_error
from permitcheck.model import Day
from permitcheck.strict import Strict, bilingual_error, codes, shown

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_RULE_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)+$")


class RuleModel(Strict):
    """A mapping in a rule file: strict types, unknown keys reported with a suggestion."""




_FAQ_SECTION = re.compile(r"^\d+(\(\d+\))?( note)?$")


class Source(RuleModel):
    """A passage cited for a rule: the pack's own source (the FAQ) unless `document` names
    another entry of the pack's source documents (a law, a treaty)."""

    document: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    section: str = Field(min_length=1)
    # `quote` is English and `quote_zh` Chinese; the one in the document's own language is
    # checked word for word against its text, the other is permitcheck's rendering (shown
    # marked as a translation).
    quote: str = Field(min_length=10)
    quote_zh: str = Field(min_length=4)

    @model_validator(mode="after")
    def _section_form(self) -> Source:
        if self.document is None and not _FAQ_SECTION.match(self.section):
            raise bilingual_error(
                "section", f"section {self.section!r} of the pack's source must look like "
                           "`3`, `3(4)` or `3 note`",
                f"规则包主要依据的章节 {self.section!r} 须形如 `3`、`3(4)` 或 `3 note`")
        return self


class SourceDocument(RuleModel):
    """A document rules cite: its title, short name, publisher and where its text is."""

    title: str
    title_zh: str
    short: Text  # before a section number: "FAQ 3(4)", "Civil Code Art. 201"
    publisher: str
    published: str
    url: str | None = None
    language: Literal["en", "zh"] = "en"
    # The text quotes are checked against, relative to the file that names it.
    text: str | None = None


class SourceDocuments(RuleModel):
    documents: dict[str, SourceDocument] = Field(min_length=1)


class Exemption(RuleModel):
    """A lawful alternative to the requirement, reported as `exempt`; or, with `status: warn`,
    one the source allows but the window may question, reported as a warning with its fix."""

    when: Condition
    describe: Text
    message: Text
    status: Literal["exempt", "warn"] = "exempt"
    fix: Text | None = None
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _warning_says_what_to_do(self) -> Exemption:
        if self.status == "warn" and self.fix is None:
            raise bilingual_error("fix", "an exemption with `status: warn` needs a `fix`",
                                  "`status: warn` 的豁免须有 `fix`")
        return self


class Variant(RuleModel):
    """The words of a case the check tells apart (`on_the_day`: the reference date is the
    subject date itself), instead of the rule's message and fix."""

    message: Text
    fix: Text


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
    subject: DottedPath | None = None
    # Instead of a subject: every value written under this key anywhere in the dossier.
    for_each_key: str | None = Field(default=None, pattern=r"^[a-z_]+$")
    check: Check
    exemptions: list[Exemption] = []
    message: Text
    fix: Text
    variants: dict[str, Variant] = {}
    description: Text
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        allowed = set(CHECK_PARAMS[self.check.kind]) | ENGINE_PARAMS
        cases = CHECK_VARIANTS.get(self.check.kind, ())
        for case in self.variants:
            if case not in cases:
                listed = codes(cases) or "—"
                raise bilingual_error(
                    "variant", f"check kind {self.check.kind} has no case {case!r} to word; "
                               f"its cases: {listed}",
                    f"检查类型 {self.check.kind} 没有情形 {case!r}；可用的情形：{listed}")
        texts = [("message", self.message), ("fix", self.fix)]
        for case, variant in self.variants.items():
            texts += [(f"variants.{case}.message", variant.message),
                      (f"variants.{case}.fix", variant.fix)]
        for name, text in texts:
            for language in ("en", "zh"):
                for placeholder in _PLACEHOLDER.findall(getattr(text, language)):
                    if placeholder not in allowed:
                        kind, available = self.check.kind, codes(sorted(allowed))
                        raise bilingual_error(
                            "placeholder",
                            f"{name}.{language} uses {{{placeholder}}}, which check kind {kind} "
                            f"does not provide; available: {available}",
                            f"{name}.{language} 使用了 {{{placeholder}}}，但检查类型 {kind} "
                            f"不提供该值；可用：{available}")
        if (self.subject is None) == (self.for_each_key is None):
            raise bilingual_error("subject", "a rule needs either `subject` or `for_each_key`",
                                  "规则须有 `subject` 或 `for_each_key` 之一")
        if self.for_each_key is not None and (self.for_each or self.document):
            raise bilingual_error("for_each_key", "`for_each_key` takes no `for_each` or "
                                  "`document`", "`for_each_key` 不能与 `for_each` 或 "
                                  "`document` 同用")
        subject = self.subject_text
        starred = "[*]" in subject or (self.document is not None and "[*]" in self.document)
        if starred and self.for_each is None:
            raise bilingual_error("for_each", "a path with [*] needs `for_each`",
                                  "含 [*] 的路径需要 `for_each`")
        if self.group is not None and self.group not in ("family",) and "." in self.group:
            raise bilingual_error("group", "`group` is a heading key such as passport_copy",
                                  "`group` 须为标题键，例如 passport_copy")
        if self.for_each is not None and not subject.startswith(self.for_each):
            raise bilingual_error("for_each", "`subject` must lie inside `for_each`",
                                  "`subject` 须位于 `for_each` 之内")
        return self


    @property
    def subject_text(self) -> str:
        """The subject as written, or `**.key` for a rule over every `key` in the dossier."""
        return self.subject if self.subject is not None else f"**.{self.for_each_key}"


class RuleFile(RuleModel):
    rules: list[Rule] = Field(min_length=1)


class PackSource(RuleModel):
    """The pack's own source (a city's FAQ): what a citation without `document` refers to."""

    title: str
    title_zh: str
    short: Text = Text(en="FAQ", zh="FAQ")
    publisher: str
    published: str
    url: str | None = None
    language: Literal["en", "zh"] = "en"
    text: str | None = None  # relative to the pack's directory


class PackData(RuleModel):
    apostille: str
    windows: str
    steps: str
    # Laws and treaties rules cite besides the pack's own source (shared by a country's packs).
    sources: str | None = None


class PackManifest(RuleModel):
    pack: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    source: PackSource
    data: PackData
    # Checklist headings: document kinds and dossier sections, with their official names.
    groups: dict[str, Text]
    terms: dict[str, Text] = {}


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
    # What a finding about an apostille cites besides the rule's own source: the Convention
    # and China's accession (documents of the pack's `sources`).
    cite: list[Source] = []
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
    # The documents citations may name (`Source.document`), with their text file resolved.
    documents: dict[str, SourceDocument] = {}

    def cite(self, sources: Iterable[Source]) -> tuple[SourceRef, ...]:
        """The passages as reports show them: title, short name and quotes."""
        main = self.manifest.source
        refs = []
        for source in sources:
            document = main if source.document is None else self.documents[source.document]
            refs.append(SourceRef(title=document.title, section=source.section,
                                  quote=source.quote, quote_zh=source.quote_zh,
                                  label=document.short.en, label_zh=document.short.zh,
                                  original=document.language))
        return tuple(refs)

    def sources_of(self, rule: Rule) -> list[Source]:
        """What a rule rests on: its sources, and the Convention where it accepts apostilles."""
        sources = list(rule.sources)
        check = rule.check
        if check.kind == "authentication" and "apostille" in check.foreign:
            sources += self.apostille.cite
        return sources

    def document_text_path(self, document: str | None) -> FsPath | None:
        """The text file quotes of `document` (None: the pack's own source) are checked against."""
        if document is None:
            text = self.manifest.source.text
            return (FsPath(self.directory) / text).resolve() if text else None
        path = self.documents[document].text
        return FsPath(path) if path else None


def builtin_rules_dir() -> FsPath:
    """The rule packs shipped with permitcheck (inside the wheel, or the checkout's `rules/`)."""
    packaged = FsPath(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return FsPath(__file__).resolve().parents[2] / "rules"


def available_packs(root: FsPath | None = None) -> list[str]:
    return list(_available_packs(str(root or builtin_rules_dir())))


@lru_cache(maxsize=8)
def _available_packs(base: str) -> tuple[str, ...]:
    return tuple(sorted(p.parent.name for p in FsPath(base).glob("*/pack.yaml")))


def _parse(path: FsPath) -> yamlsafe.Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RuleError(t(f"cannot read rule file: {reason}", f"无法读取规则文件：{reason}"),
                        str(path)) from None
    return yamlsafe.read(str(path), raw, RuleError)


def read_rule_file(model: type[RuleModel], path: FsPath) -> tuple[Any, yamlsafe.Document]:
    """A rule-pack data file validated by `model`, with its source; errors are located."""
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
        known = codes(available_packs(base)) or "—"
        raise RuleError(t(f"no rule pack {name!r} (available: {known})",
                          f"没有名为 {name!r} 的规则包（可用：{known}）"), str(directory))
    manifest, _ = read_rule_file(PackManifest, manifest_path)
    rules: list[Rule] = []
    first_seen: dict[str, str] = {}
    # Every other YAML file of the directory is a rule file; the pack's data files are not.
    data_files = {(directory / name).resolve()
                  for name in manifest.data.model_dump().values() if name}
    documents = _documents(directory, manifest)
    for rule_path in sorted(directory.glob("*.yaml")):
        if rule_path.name == "pack.yaml" or rule_path.resolve() in data_files:
            continue
        parsed, source = read_rule_file(RuleFile, rule_path)
        for index, rule in enumerate(parsed.rules):
            if rule.id in first_seen:
                raise RuleError(t(f"duplicate rule id {rule.id!r} (also in {first_seen[rule.id]})",
                                  f"规则编号 {rule.id!r} 重复（另见 {first_seen[rule.id]}）"),
                                str(rule_path), source.locate(("rules", index, "id"), value=True))
            first_seen[rule.id] = rule_path.name
            for where, cited in _citations(rule):
                check_citation(cited, documents, rule_path, source,
                               ("rules", index, *where, "document"))
            rules.append(rule)
    apostille_path = (directory / manifest.data.apostille).resolve()
    apostille, apostille_source = read_rule_file(ApostilleTable, apostille_path)
    for position, cited in enumerate(apostille.cite):
        check_citation(cited, documents, apostille_path, apostille_source,
                       ("cite", position, "document"))
    pack = Pack(manifest=manifest, rules=tuple(sorted(rules, key=lambda r: r.id)),
                apostille=apostille, directory=str(directory), documents=documents)
    _CACHE[key] = pack
    return pack


def _citations(rule: Rule) -> Iterator[tuple[tuple[str | int, ...], Source]]:
    """Every source a rule cites, with where it is written in the rule."""
    for position, cited in enumerate(rule.sources):
        yield ("sources", position), cited
    for number, exemption in enumerate(rule.exemptions):
        for position, cited in enumerate(exemption.sources):
            yield ("exemptions", number, "sources", position), cited


@lru_cache(maxsize=8)
def _documents_file(path: FsPath) -> dict[str, SourceDocument]:
    table, _ = read_rule_file(SourceDocuments, path)
    resolved = {}
    for key, document in table.documents.items():
        text = str((path.parent / document.text).resolve()) if document.text else None
        resolved[key] = document.model_copy(update={"text": text})
    return resolved


def _documents(directory: FsPath, manifest: PackManifest) -> dict[str, SourceDocument]:
    if manifest.data.sources is None:
        return {}
    return _documents_file((directory / manifest.data.sources).resolve())


def check_citation(cited: Source, documents: Collection[str], path: FsPath,
                   source: yamlsafe.Document, where: tuple[str | int, ...]) -> None:
    """A citation names the pack's own source or one of its documents; a located error if not."""
    if cited.document is None or cited.document in documents:
        return
    known = codes(sorted(documents)) or "—"
    raise RuleError(t(f"unknown source document {cited.document!r}; the pack's documents: "
                      f"{known}",
                      f"未知的依据文件 {cited.document!r}；规则包中的依据文件：{known}"),
                    str(path), source.locate(where, value=True))


def pack_for(dossier: LoadedDossier, rules_dir: FsPath | None = None) -> Pack:
    """The pack named by the dossier's `application.city`; a located error if there is none."""
    city = dossier.model.application.city
    known = available_packs(rules_dir)
    if city not in known:
        listed = codes(known) or "—"
        raise DossierError(
            t(f"application.city: no rule pack for {shown(city)}; available: {listed}",
              f"application.city：没有 {shown(city)} 的规则包；可用：{listed}"),
            dossier.path, dossier.source.locate(("application", "city"), value=True))
    return load_pack(city, rules_dir)
