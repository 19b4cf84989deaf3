"""Rule packs: the manifest, and loading a pack and the packs it extends, with located errors."""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import astuple
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from permitcheck import files
from permitcheck.basemodel import codes, shown
from permitcheck.dossier import yaml_reader
from permitcheck.dossier.loader import MAX_ERRORS, LoadedDossier, located_problems
from permitcheck.findings import SourceRef
from permitcheck.i18n import Text, t
from permitcheck.problems import Location, Problem, Problems, Stop
from permitcheck.rulepack import compiled, confine, registry
from permitcheck.rulepack.apostille import ApostilleTable
from permitcheck.rulepack.kinds import kind_of
from permitcheck.rulepack.points import PointsTable, WorkplaceRegions
from permitcheck.rulepack.rule import (
    KEY,
    GroupKey,
    Rule,
    RuleFile,
    RuleId,
    Template,
    rule_problems,
)
from permitcheck.rulepack.shapes import Where
from permitcheck.rulepack.sources import (
    RuleModel,
    Source,
    SourceDocument,
    SourceDocuments,
    SourceText,
)


class PackSource(SourceText):
    """The pack's own source (a city's FAQ): what a citation without `document` refers to."""

    title: str = Field(description="The source's title in its own language or English.")
    title_zh: str = Field(description="Its title in Chinese.")
    short: Text = Field(
        default=Text(en="FAQ", zh="FAQ"),
        description='The short name before a section number in reports ("FAQ 3(4)").',
    )
    publisher: str = Field(description="Who published it.")
    published: str = Field(description="When (YYYY-MM-DD, or a year).")
    url: str | None = Field(default=None, description="Where it is published, if online.")
    language: Literal["en", "zh"] = Field(
        default="en",
        description="The language of its text: quotes in it are checked word for word.",
    )
    text: str | None = Field(
        default=None,
        description="The text file quotes are checked against, relative to the pack's folder.",
    )


class PackData(RuleModel):
    """Data files of the pack, relative to its folder; each is inherited from the pack it
    `extends` unless named here."""

    apostille: str | None = Field(
        default=None,
        description=(
            "The apostille table (states and dates of the Apostille Convention with China)."
        ),
    )
    # Laws and treaties rules cite besides the pack's own source (shared by a country's packs).
    sources: str | None = Field(
        default=None,
        description="Other documents rules cite (laws, treaties): a file of `documents:`.",
    )
    # Acceptance windows (`permitcheck where`) and the steps around an application.
    windows: str | None = Field(
        default=None,
        description="The acceptance windows (`permitcheck where`, check kind `acceptance_window`).",
    )
    steps: str | None = Field(
        default=None,
        description="The steps around an application (`permitcheck steps`, `timeline`).",
    )
    # Each version of the national points table; the one in force on the reference date applies.
    points: list[str] | None = Field(
        default=None,
        min_length=1,
        description=(
            "The points tables (`permitcheck category`, check kind `category_points`), one file "
            "per version: the one in force on the reference date applies."
        ),
    )


class PackManifest(RuleModel):
    pack: str = Field(
        pattern=KEY,
        description=(
            "The pack's name: its folder's name, and what a dossier's `application.city` names."
        ),
    )
    name: Text = Field(description="The city's (or the pack's) name in English and Chinese.")
    # The pack this one starts from (`china`: national law, the apostille table): its rules,
    # headings, documents and data files, unless this pack replaces or switches them off.
    extends: str | None = Field(
        default=None,
        pattern=KEY,
        description=(
            "The pack this one starts from (`china`): its rules, headings, documents, data and "
            "templates."
        ),
    )
    # A pack a dossier may name as its `city`; a base for other packs (national rules) is not.
    city: bool = Field(
        default=True,
        description=(
            "`false` for a base other packs extend (the national pack), which no dossier names."
        ),
    )
    # How far after the reference date a waiver may expire (waivers.py); None: a year.
    max_waiver_days: int | None = Field(
        default=None,
        ge=1,
        le=3660,
        description="How many days after the reference date a waiver may expire (default: "
        "a year, to the same day).",
    )
    # The languages every text of the pack is written in (`pack test` checks each).
    languages: list[Literal["en", "zh"]] = Field(
        default=["en", "zh"],
        min_length=1,
        description="The languages every text is written in; `pack test` checks each.",
    )
    source: PackSource | None = Field(
        default=None,
        description=(
            "The pack's own source (a city's FAQ): what a citation without `document` cites."
        ),
    )
    data: PackData = Field(
        default=PackData(),
        description="Data files, relative to the pack's folder; inherited unless named here.",
    )
    # Checklist headings: document kinds and dossier sections, with their official names.
    groups: dict[GroupKey, Text] = Field(
        default={},
        description=(
            "Checklist headings: document kinds and dossier sections, with their official names, "
            "in order."
        ),
    )
    terms: dict[str, Text] = Field(
        default={}, description="Names of dossier values shown in headings (`spouse`)."
    )
    workplace_regions: WorkplaceRegions | None = Field(
        default=None,
        description=(
            "The points table's places of work this city is in (`allowed: [none]`), with the "
            "reason; none: any a dossier states."
        ),
    )
    # Rules of the extended pack this one switches off, each with the reason (shown by
    # `permitcheck rules`).
    disable: dict[RuleId, Text] = Field(
        default={},
        description=(
            "Inherited rules switched off, each with the reason (`permitcheck rules` shows it)."
        ),
    )
    # Rule templates every rule file of the pack (and of the packs that extend it) may name.
    templates: dict[GroupKey, Template] = Field(
        default={}, description="Rule templates every rule file may name (`template: translation`)."
    )


class Pack(BaseModel):
    """A loaded, validated rule pack."""

    model_config = ConfigDict(frozen=True)

    manifest: PackManifest  # as this pack's own pack.yaml writes it
    rules: tuple[Rule, ...]  # its own and those it inherits, without those it switches off
    apostille: ApostilleTable
    # The versions of the national points table, oldest first (its own, else those it inherits).
    points: tuple[PointsTable, ...] = ()
    # The places of work of the points table the city is in (None: any).
    workplace_regions: WorkplaceRegions | None = None
    directory: str
    # The pack's own source (a city's FAQ), or the one of the pack it extends.
    source: PackSource | None = None
    # The documents citations may name (`Source.document`), with their text file resolved.
    documents: dict[str, SourceDocument] = {}
    # The files the manifests name (`apostille`, `windows`, `steps`, `sources`, `text`), with
    # symbolic links resolved, each checked to be inside its rules folder when the pack loaded.
    files: dict[str, str] = {}
    # Checklist headings and the names of dossier values, this pack's over those it extends.
    groups: dict[str, Text] = {}
    terms: dict[str, Text] = {}
    # The packs this one extends, nearest first; the rules switched off, with the reason.
    extends: tuple[str, ...] = ()
    disabled: dict[str, Text] = {}
    # Where each rule is written (its file, and its id's place in it), for `pack test`.
    origins: dict[str, tuple[str, Location]] = {}
    # The rule templates of the pack and of those it extends (a child's replace a parent's).
    templates: dict[str, Template] = {}
    # Which pack named each data file (`windows`: "nanjing"), for citations inherited with it.
    data_owners: dict[str, str] = {}

    @property
    def name(self) -> str:
        return self.manifest.pack

    def cite(self, sources: Iterable[Source]) -> tuple[SourceRef, ...]:
        """The passages as reports show them: title, short name and quotes."""
        refs = []
        for source in sources:
            document = self.source if source.document is None else self.documents[source.document]
            assert document is not None  # the loader refuses a citation of no source
            refs.append(
                SourceRef(
                    title=document.title,
                    section=source.section,
                    quote=source.quote,
                    quote_zh=source.quote_zh,
                    label=document.short.en,
                    label_zh=document.short.zh,
                    original=document.language,
                )
            )
        return tuple(refs)

    def sources_of(self, rule: Rule) -> list[Source]:
        """What a rule rests on: its sources, and the Convention where it accepts apostilles."""
        sources = list(rule.sources)
        if kind_of(rule.check).cites_apostille(rule.check):
            sources += self.apostille.cite
        return sources

    def document_text_path(self, document: str | None) -> Path | None:
        """The text file quotes of `document` (None: the pack's own source) are checked against."""
        if document is None:
            return Path(self.files["text"]) if "text" in self.files else None
        path = self.documents[document].text
        return Path(path) if path else None

    def data_file(self, key: Literal["windows", "steps"]) -> Path | None:
        """A data file of the manifest's `data` (or inherited), as checked when the pack loaded;
        None when the pack has none."""
        return Path(self.files[key]) if key in self.files else None

    def main_source_of(self, key: Literal["windows", "steps"]) -> str | None:
        """The document that a citation without `document` in the data file `key` quotes, when
        it is not this pack's own source: the file comes from a pack it extends, and this pack
        has a source of its own (that pack's is then a document named after it)."""
        owner = self.data_owners.get(key)
        if owner is None or owner == self.name or owner not in self.documents:
            return None
        return owner

    def needed_data_file(self, key: Literal["windows", "steps"], what: Text) -> Path:
        """The data file `key`, for a command that cannot do without it (`what` it holds);
        a problem of the pack when it has none."""
        path = self.data_file(key)
        if path is None:
            raise Stop.rules(
                t(
                    f"the rule pack {self.name!r} describes no {what.en} (no `data: {key}` in "
                    "its pack.yaml)",
                    f"规则包 {self.name!r} 未描述{what.zh}（pack.yaml 中没有 `data: {key}`）",
                ),
                str(Path(self.directory) / "pack.yaml"),
            )
        return path


def city_packs(root: Path | None = None) -> list[str]:
    """The packs a dossier may name as its city (not a base such as the national pack)."""
    return [name for name, found in registry.available(root).items() if _is_city(found)]


def _default_cities(root: Path | None) -> list[str]:
    """The city packs a dossier or command naming none may mean: those of the `--rules`
    folder when it has any (a pack being written is the one meant), else the installed ones."""
    if root is not None:
        own = [name for name, found in registry.in_folder(str(root)).items() if _is_city(found)]
        if own:
            return own
    return [name for name, found in registry.installed().items() if _is_city(found)]


@lru_cache(maxsize=64)
def _is_city(found: registry.Found) -> bool:
    """Whether the pack is a city's, by its manifest alone; a manifest that cannot be read
    counts as one, so that loading it reports its problems rather than hiding the pack."""
    shipped = compiled.shipped() if found.origin == "built-in" else None
    if shipped is not None and found.name in shipped.packs:
        return bool(shipped.packs[found.name].manifest.city)
    try:
        manifest, _ = read_rule_file(PackManifest, found.directory / "pack.yaml")
    except Stop:
        return True
    return bool(manifest.city)


def _parse(path: Path) -> yaml_reader.Document:
    # Regular files only, never more than a YAML file may hold: a FIFO would block, a device
    # or a huge sparse file would never end.
    raw = files.read_regular(str(path), yaml_reader.MAX_BYTES)
    if isinstance(raw, files.Unreadable):
        reason = raw.reason
        raise Stop.rules(
            t(
                f"cannot read this rule-pack file: {reason.en}",
                f"无法读取此规则包文件：{reason.zh}",
            ),
            str(path),
        )
    return yaml_reader.read(str(path), raw, Stop.rules)


def _read_rules(path: Path, templates: dict[str, Template]) -> tuple[Any, yaml_reader.Document]:
    """A rule file, each rule that names a `template` given the template's keys first (the
    file's own templates over the pack's); errors are located in the file."""
    source = _parse(path)
    data = source.data
    if isinstance(data, dict) and isinstance(data.get("rules"), list):
        own = data.get("templates")
        known = {**templates, **(own if isinstance(own, dict) else {})}
        rules = []
        problems = []
        for index, rule in enumerate(data["rules"]):
            name = rule.get("template") if isinstance(rule, dict) else None
            if name is None:
                rules.append(rule)
                continue
            if not isinstance(name, str) or name not in known or not isinstance(known[name], dict):
                problems.append(
                    Problem(
                        _undeclared_template(name, list(known)),
                        str(path),
                        source.locate(("rules", index, "template"), value=True),
                        "rules",
                    )
                )
                continue
            rules.append(
                {**known[name], **{key: value for key, value in rule.items() if key != "template"}}
            )
        _raise_all(problems)
        data = {**data, "rules": rules}
    try:
        return RuleFile.model_validate(data), source
    except ValidationError as exc:
        raise Stop(*located_problems(exc, source, "rules")) from None


def _undeclared_template(name: object, known: list[str]) -> Text:
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    hint_en = f"did you mean `{close[0]}`?" if close else f"templates: {codes(known) or '—'}"
    hint_zh = f"是否应为 `{close[0]}`？" if close else f"可用的模板：{codes(known) or '—'}"
    return t(
        f"no rule template {shown(name)} in this file or in pack.yaml; {hint_en}",
        f"本文件和 pack.yaml 中都没有规则模板 {shown(name)}；{hint_zh}",
    )


def read_rule_file(model: type[RuleModel], path: Path) -> tuple[Any, yaml_reader.Document]:
    """A rule-pack data file validated by `model`, with its source; errors are located."""
    source = _parse(path)
    try:
        return model.model_validate(source.data), source
    except ValidationError as exc:
        raise Stop(*located_problems(exc, source, "rules")) from None


_CACHE: dict[tuple[str, ...], Pack] = {}


def load_pack(name: str, root: Path | None = None) -> Pack | Problems:
    """The pack `name` (in the folder of packs `root` first, else a shipped or installed one),
    loaded and validated with the pack it extends; or the problems of its files, located.

    Every file a pack reads must be inside its rules folder (the folder that holds the packs:
    a pack may share data with a sibling, `../china/apostille.yaml`), with symbolic links
    followed; one that is not is refused before it is opened.
    """
    try:
        return _load_named(name, root, ())
    except Stop as exc:
        return exc.problems


def forget_loaded() -> None:
    """Forget every pack loaded and folder listed (a test, or a pack edited since)."""
    _CACHE.clear()
    compiled.forget()
    _documents_file.cache_clear()
    _is_city.cache_clear()
    registry.in_folder.cache_clear()


def load_pack_at(directory: Path) -> Pack | Problems:
    """The pack in `directory` (`permitcheck pack test DIR`); the pack it extends is looked
    for beside it first."""
    found = registry.in_folder(str(directory))
    if not registry.is_pack_folder(directory) or not found:
        return (
            Problem(
                t(
                    "not a rule pack: the folder has no pack.yaml (or its name is not a pack "
                    "name: lower-case letters, digits and _)",
                    "不是规则包：该文件夹中没有 pack.yaml"
                    "（或其名称不是规则包名称：小写字母、数字和 _）",
                ),
                str(directory),
                code="rules",
            ),
        )
    (pack,) = found.values()
    try:
        return _load_found(pack, directory.parent, ())
    except Stop as exc:
        return exc.problems


def _load_named(name: str, root: Path | None, chain: tuple[str, ...]) -> Pack:
    # As asked for, first: a batch asks for the same pack once per dossier, and resolving its
    # paths each time cost more than checking some dossiers.
    asked = (str(root) if root is not None else "", name)
    if asked in _CACHE:
        return _CACHE[asked]
    if root is None:
        # A shipped pack as compiled into the wheel, if it is what its YAML would give.
        shipped = compiled.shipped()
        if shipped is not None and name in shipped.packs:
            _CACHE[asked] = shipped.packs[name]
            return _CACHE[asked]
    found = registry.find(name, root)
    if found is None:
        known = codes(registry.available(root)) or "—"
        base = root or registry.builtin_rules_dir()
        raise Stop.rules(
            t(
                f"no rule pack {shown(name)} (available: {known})",
                f"没有名为 {shown(name)} 的规则包（可用：{known}）",
            ),
            str(base / name) if registry.is_name(name) else str(base),
        )
    pack = _load_found(found, root, chain)
    _CACHE[asked] = pack
    return pack


def _load_found(found: registry.Found, lookup: Path | None, chain: tuple[str, ...]) -> Pack:
    """The pack `found`, with the pack it extends looked up from `lookup` (a folder of packs)
    first; `chain`: the manifests of the packs being loaded that extend this one."""
    directory, root = found.directory, found.root
    manifest_path = directory / "pack.yaml"
    key = (os.path.realpath(root), os.path.realpath(manifest_path), str(lookup))
    if key in _CACHE:
        return _CACHE[key]
    if not confine.inside(key[1], key[0]):
        raise Stop.rules(
            confine.outside(t("this pack's folder", "此规则包的文件夹"), root), str(manifest_path)
        )
    manifest, manifest_source = read_rule_file(PackManifest, manifest_path)
    if manifest.pack != found.name:
        raise Stop.rules(
            t(
                f"pack {shown(manifest.pack)} is in the folder {shown(found.name)}: a pack is "
                "found by its folder's name, so both must be the same",
                f"规则包 {shown(manifest.pack)} 位于文件夹 {shown(found.name)}：规则包按文件夹名称"
                "查找，两者须相同",
            ),
            str(manifest_path),
            manifest_source.locate(("pack",), value=True),
        )
    parent = _parent(manifest, manifest_source, lookup, (*chain, key[1]))
    pack_files = _manifest_files(manifest, manifest_source, directory, root)
    documents = dict(parent.documents) if parent is not None else {}
    source = manifest.source
    inherited = list(parent.rules) if parent is not None else []
    if parent is not None and parent.source is not None:
        if source is None:
            source = parent.source
        else:
            # The pack has a source of its own: what the rules it inherits cite as "the
            # source" is the parent's, kept under the parent's name.
            documents[parent.name] = _as_document(parent)
            inherited = [_citing(rule, parent.name) for rule in inherited]
    if "sources" in pack_files:
        documents.update(_documents_file(Path(pack_files["sources"]), root))
    groups = {**manifest.groups}
    if parent is not None:
        groups.update({k: v for k, v in parent.groups.items() if k not in groups})
    own = _own_rules(manifest, directory, root, pack_files, documents, source, groups, parent)
    rules = _combined(inherited, own, manifest, manifest_source)
    apostille = _apostille(pack_files, documents, parent)
    points = _points(pack_files, documents, parent)
    files = {**(parent.files if parent is not None else {}), **pack_files}
    if manifest.source is not None and "text" not in pack_files:
        files.pop("text", None)  # the parent's text is not this source's
    has = {"windows": "windows" in files, "points": bool(points)}
    _needs_data(rules, has, manifest_path, manifest_source)
    pack = Pack(
        manifest=manifest,
        rules=tuple(sorted(rules, key=lambda r: r.id)),
        apostille=apostille,
        points=points,
        workplace_regions=manifest.workplace_regions
        or (parent.workplace_regions if parent is not None else None),
        directory=str(directory),
        source=source,
        documents=documents,
        files=files,
        groups=groups,
        terms={**(parent.terms if parent is not None else {}), **manifest.terms},
        extends=(parent.name, *parent.extends) if parent is not None else (),
        disabled={**(parent.disabled if parent is not None else {}), **manifest.disable},
        templates={**(parent.templates if parent is not None else {}), **manifest.templates},
        data_owners={
            **(parent.data_owners if parent is not None else {}),
            **dict.fromkeys(pack_files, manifest.pack),
        },
        origins={
            rule_id: origin
            for rule_id, origin in {
                **(parent.origins if parent is not None else {}),
                **{
                    rule.id: (str(path), source.locate(("rules", index, "id"), value=True))
                    for rule, path, source, index in own
                },
            }.items()
            if rule_id not in manifest.disable
        },
    )
    _CACHE[key] = pack
    return pack


def _parent(
    manifest: PackManifest,
    source: yaml_reader.Document,
    lookup: Path | None,
    chain: tuple[str, ...],
) -> Pack | None:
    """The pack `manifest` extends, loaded; a located error when there is no such pack or
    the packs extend each other in a circle."""
    if manifest.extends is None:
        return None
    where = source.locate(("extends",), value=True)
    found = registry.find(manifest.extends, lookup)
    if found is None:
        known = codes([n for n in registry.available(lookup) if n != manifest.pack]) or "—"
        raise Stop.rules(
            t(
                f"extends: no rule pack {shown(manifest.extends)} to extend; available: {known}",
                f"extends：没有可扩展的规则包 {shown(manifest.extends)}；可用：{known}",
            ),
            source.path,
            where,
        )
    if os.path.realpath(found.directory / "pack.yaml") in chain:
        raise Stop.rules(
            t(
                f"extends: {shown(manifest.extends)} extends this pack in turn: packs cannot "
                "extend each other in a circle",
                f"extends：{shown(manifest.extends)} 又扩展了本规则包：规则包之间不能循环扩展",
            ),
            source.path,
            where,
        )
    return _load_found(found, lookup, chain)


def _as_document(pack: Pack) -> SourceDocument:
    """The source of `pack` as a document that the rules a child inherits from it cite."""
    assert pack.source is not None
    main = pack.source
    return SourceDocument(
        title=main.title,
        title_zh=main.title_zh,
        short=main.short,
        publisher=main.publisher,
        published=main.published,
        url=main.url,
        language=main.language,
        text=pack.files.get("text"),
        sections=main.sections,
    )


def _citing(rule: Rule, document: str) -> Rule:
    """`rule` with its citations of "the pack's source" naming `document` instead."""

    def named(sources: list[Source]) -> list[Source]:
        return [
            s if s.document is not None else s.model_copy(update={"document": document})
            for s in sources
        ]

    exemptions = [e.model_copy(update={"sources": named(e.sources)}) for e in rule.exemptions]
    return rule.model_copy(update={"sources": named(rule.sources), "exemptions": exemptions})


def _own_rules(
    manifest: PackManifest,
    directory: Path,
    root: Path,
    pack_files: dict[str, str],
    documents: dict[str, SourceDocument],
    source: PackSource | None,
    groups: dict[str, Text],
    parent: Pack | None,
) -> list[tuple[Rule, Path, yaml_reader.Document, int]]:
    """The rules of the pack's own rule files, each checked (with where it is written)."""
    # Every other YAML file of the directory is a rule file; the pack's data files are not.
    # Globbing lists names only: nothing is opened until read_regular has looked at it.
    data_files = set(pack_files.values())
    top = os.path.realpath(root)
    rule_files: dict[str, Path] = {}
    for rule_path in sorted(directory.glob("*.yaml")):
        real = os.path.realpath(rule_path)
        if rule_path.name == "pack.yaml" or real in data_files:
            continue
        if not confine.inside(real, top):
            raise Stop.rules(
                confine.outside(t("this rule file", "此规则文件"), root), str(rule_path)
            )
        rule_files.setdefault(real, rule_path)
    inherited = {rule.id for rule in parent.rules} if parent is not None else set()
    own: list[tuple[Rule, Path, yaml_reader.Document, int]] = []
    first_seen: dict[str, str] = {}
    for rule_path in rule_files.values():
        templates = {**(parent.templates if parent is not None else {}), **manifest.templates}
        parsed, file_source = _read_rules(rule_path, templates)
        problems: list[tuple[Text, Where, bool]] = []
        for index, rule in enumerate(parsed.rules):
            if rule.id in first_seen:
                raise Stop.rules(
                    t(
                        f"duplicate rule id {rule.id!r} (also in {first_seen[rule.id]})",
                        f"规则编号 {rule.id!r} 重复（另见 {first_seen[rule.id]}）",
                    ),
                    str(rule_path),
                    file_source.locate(("rules", index, "id"), value=True),
                )
            first_seen[rule.id] = rule_path.name
            replaced = _override_problem(rule, inherited, manifest)
            if replaced is not None:
                at = "override" if rule.override else "id"
                problems.append((replaced, ("rules", index, at), True))
            for where, cited in _citations(rule):
                check_citation(
                    cited, documents, rule_path, file_source, ("rules", index, *where, "document")
                )
                if cited.document is None and source is None:
                    problems.append((_NO_SOURCE, ("rules", index, *where), True))
            for where, text, value in rule_problems(rule, groups):
                problems.append((text, ("rules", index, *where), value))
            own.append((rule, rule_path, file_source, index))
        _raise_all(
            [
                Problem(text, str(rule_path), file_source.locate(where, value=value), "rules")
                for text, where, value in problems
            ]
        )
    return own


_NO_SOURCE = t(
    "this citation names no `document`, so it cites the pack's own `source`, but pack.yaml "
    "has none (nor has the pack it extends); name one of the pack's documents",
    "此引用未写 `document`，即引用规则包自身的 `source`，但 pack.yaml 中没有"
    "（所扩展的规则包也没有）；请写明规则包中的依据文件",
)


def _override_problem(rule: Rule, inherited: set[str], manifest: PackManifest) -> Text | None:
    """Why a rule's id clashes with the pack it extends: the same id without `override`, an
    `override` of nothing, or of a rule the pack also switches off."""
    if rule.id in manifest.disable:
        return t(
            f"rule {rule.id!r} is also under `disable` in pack.yaml: replace it or switch it "
            "off, not both",
            f"规则 {rule.id!r} 同时列在 pack.yaml 的 `disable` 中：请替换或停用，二者择一",
        )
    if rule.override and rule.id not in inherited:
        close = difflib.get_close_matches(rule.id, sorted(inherited), n=1, cutoff=0.8)
        hint_en = f"; did you mean `{close[0]}`?" if close else ""
        hint_zh = f"；是否应为 `{close[0]}`？" if close else ""
        return t(
            f"`override: true`, but the pack {shown(manifest.extends or '')} extends has no "
            f"rule {rule.id!r} to replace{hint_en}"
            if manifest.extends
            else f"`override: true`, but this pack extends no other{hint_en}",
            f"写了 `override: true`，但所扩展的规则包中没有可替换的规则 {rule.id!r}{hint_zh}"
            if manifest.extends
            else f"写了 `override: true`，但本规则包未扩展其他规则包{hint_zh}",
        )
    if not rule.override and rule.id in inherited:
        return t(
            f"rule {rule.id!r} is already defined by the pack this one extends "
            f"({shown(manifest.extends or '')}); write `override: true` to replace it",
            f"规则 {rule.id!r} 已由所扩展的规则包（{shown(manifest.extends or '')}）定义；"
            "如需替换，请写 `override: true`",
        )
    return None


def _combined(
    inherited: list[Rule],
    own: list[tuple[Rule, Path, yaml_reader.Document, int]],
    manifest: PackManifest,
    source: yaml_reader.Document,
) -> list[Rule]:
    """The inherited rules, without those the pack replaces or switches off, and its own."""
    known = {rule.id for rule in inherited}
    problems = []
    for rule_id in manifest.disable:
        if rule_id not in known:
            close = difflib.get_close_matches(rule_id, sorted(known), n=1, cutoff=0.8)
            hint_en = f"did you mean `{close[0]}`?" if close else "it names no inherited rule"
            hint_zh = f"是否应为 `{close[0]}`？" if close else "它不是所继承的规则"
            problems.append(
                Problem(
                    t(
                        f"disable: no rule {rule_id!r} in the packs this one extends; {hint_en}",
                        f"disable：所扩展的规则包中没有规则 {rule_id!r}；{hint_zh}",
                    ),
                    source.path,
                    source.locate(("disable", rule_id)),
                    "rules",
                )
            )
    _raise_all(problems)
    replaced = {rule.id for rule, *_ in own} | set(manifest.disable)
    return [rule for rule in inherited if rule.id not in replaced] + [rule for rule, *_ in own]


def _apostille(
    pack_files: dict[str, str], documents: dict[str, SourceDocument], parent: Pack | None
) -> ApostilleTable:
    """The pack's apostille table, else the one it inherits, else an empty one (an apostille
    is then never accepted: the states are unknown)."""
    if "apostille" not in pack_files:
        if parent is not None:
            return parent.apostille
        return ApostilleTable.model_construct(
            china_in_force=date.max, sources=[], cite=[], objections=[], states=[]
        )
    path = Path(pack_files["apostille"])
    apostille, apostille_source = read_rule_file(ApostilleTable, path)
    for position, cited in enumerate(apostille.cite):
        check_citation(cited, documents, path, apostille_source, ("cite", position, "document"))
    assert isinstance(apostille, ApostilleTable)
    return apostille


def _points(
    pack_files: dict[str, str], documents: dict[str, SourceDocument], parent: Pack | None
) -> tuple[PointsTable, ...]:
    """The pack's points tables, oldest first, else those it inherits; each table's
    citations name documents of the pack, and no two take effect on the same day."""
    named = sorted((key, path) for key, path in pack_files.items() if key.startswith("points["))
    if not named:
        return parent.points if parent is not None else ()
    tables: list[PointsTable] = []
    problems: list[Problem] = []
    taking_effect: dict[date, str] = {}
    for _, written in sorted(named, key=lambda pair: int(pair[0][7:-1])):
        path = Path(written)
        try:
            table, source = read_rule_file(PointsTable, path)
        except Stop as exc:
            problems += exc.problems
            continue
        assert isinstance(table, PointsTable)
        where_of = _points_citations(table)
        for where, cited in where_of:
            try:
                check_citation(cited, documents, path, source, (*where, "document"))
            except Stop as exc:
                problems += exc.problems
        if table.effective in taking_effect:
            problems.append(
                Problem(
                    t(
                        f"two points tables take effect on {table.effective}: "
                        f"{taking_effect[table.effective]} and {path.name}; which applies "
                        "would be a guess",
                        f"两个积分表同日（{table.effective}）生效：{taking_effect[table.effective]}"
                        f" 与 {path.name}；无法确定适用哪一个",
                    ),
                    str(path),
                    source.locate(("effective",), value=True),
                    "rules",
                )
            )
        taking_effect[table.effective] = path.name
        tables.append(table)
    _raise_all(problems)
    return tuple(sorted(tables, key=lambda table: table.effective))


def _points_citations(table: PointsTable) -> Iterator[tuple[Where, Source]]:
    for position, cited in enumerate(table.sources):
        yield ("sources", position), cited
    for number, item in enumerate(table.items):
        yield ("items", number, "source"), item.source
    for number, note in enumerate(table.notes):
        yield ("notes", number, "source"), note.source


# What a check kind may need of a pack's data: the kind's flag, the data key, and what the
# rule does in a located error's words.
_NEEDED_DATA = (
    (
        "needs_windows",
        "windows",
        t("checks the employer's acceptance window", "检查用人单位的受理窗口"),
    ),
    (
        "needs_points",
        "points",
        t("checks the claimed category on the points table", "按积分表核对所申报的类别"),
    ),
)


def _needs_data(
    rules: list[Rule], has: dict[str, bool], path: Path, source: yaml_reader.Document
) -> None:
    """A rule whose check reads the pack's acceptance windows or points tables needs them."""
    for flag, key, does in _NEEDED_DATA:
        if has[key]:
            continue
        for rule in rules:
            if getattr(kind_of(rule.check), flag):
                raise Stop.rules(
                    t(
                        f"rule {rule.id!r} {does.en}, but the pack has no `data: {key}` file "
                        "(nor has the pack it extends)",
                        f"规则 {rule.id!r} {does.zh}，但规则包没有 `data: {key}` 文件"
                        "（所扩展的规则包也没有）",
                    ),
                    str(path),
                    source.locate(("data",)),
                )


def _raise_all(problems: list[Problem]) -> None:
    """Stop with the problems of one file, in file order, if there are any."""
    if problems:
        problems.sort(key=lambda problem: astuple(problem.location or Location(0, 0)))
        raise Stop(*problems[:MAX_ERRORS])


def _manifest_files(
    manifest: PackManifest, source: yaml_reader.Document, directory: Path, root: Path
) -> dict[str, str]:
    """The real paths of the files the manifest names, each checked before anything reads it."""
    named: list[tuple[str, str | None, Where]] = [
        (key, value, ("data", key))
        for key, value in manifest.data.model_dump().items()
        if not isinstance(value, list)
    ]
    named += [
        (f"points[{number}]", value, ("data", "points", number))
        for number, value in enumerate(manifest.data.points or ())
    ]
    if manifest.source is not None:
        named.append(("text", manifest.source.text, ("source", "text")))
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for key, written, where in named:
        if written is None:
            continue
        try:
            found[key] = confine.checked(written, directory, root, Path(source.path), source, where)
        except Stop as exc:
            problems += exc.problems
    _raise_all(problems)
    return found


def _citations(rule: Rule) -> Iterator[tuple[tuple[str | int, ...], Source]]:
    """Every source a rule cites, with where it is written in the rule."""
    for position, cited in enumerate(rule.sources):
        yield ("sources", position), cited
    for number, exemption in enumerate(rule.exemptions):
        for position, cited in enumerate(exemption.sources):
            yield ("exemptions", number, "sources", position), cited


@lru_cache(maxsize=8)
def _documents_file(path: Path, root: Path) -> dict[str, SourceDocument]:
    """The source documents listed in `path`, each text checked to be inside `root`."""
    table, source = read_rule_file(SourceDocuments, path)
    resolved = {}
    for key, document in table.documents.items():
        text = None
        if document.text is not None:
            text = confine.checked(
                document.text, path.parent, root, path, source, ("documents", key, "text")
            )
        resolved[key] = document.model_copy(update={"text": text})
    return resolved


def check_citation(
    cited: Source,
    documents: Collection[str],
    path: Path,
    source: yaml_reader.Document,
    where: tuple[str | int, ...],
) -> None:
    """A citation names the pack's own source or one of its documents; a located error if not."""
    if cited.document is None or cited.document in documents:
        return
    known = codes(sorted(documents)) or "—"
    raise Stop.rules(
        t(
            f"unknown source document {cited.document!r}; the pack's documents: {known}",
            f"未知的依据文件 {cited.document!r}；规则包中的依据文件：{known}",
        ),
        str(path),
        source.locate(where, value=True),
    )


def pack_for(dossier: LoadedDossier, rules_dir: Path | None = None) -> Pack | Problems:
    """The pack named by the dossier's `application.city` (when it names none, the one city
    pack there is); a located problem if there is none."""
    city = dossier.model.application.city
    where = dossier.source.locate(("application", "city"), value=True)
    if city is None:
        candidates = _default_cities(rules_dir)
        if len(candidates) == 1:
            return load_pack(candidates[0], rules_dir)
        listed = codes(candidates) or "—"
        return (
            Problem(
                t(
                    f"application.city: not stated, and more than one rule pack is installed; "
                    f"name one of: {listed}",
                    f"application.city：未填写，且已安装多个规则包；请填写以下之一：{listed}",
                ),
                dossier.path,
                where,
            ),
        )
    found = registry.find(city, rules_dir)
    if found is not None and _is_city(found):
        return load_pack(city, rules_dir)
    # Only now every installed pack is listed (reading distributions' metadata takes time).
    known = city_packs(rules_dir)
    listed = codes(known) or "—"
    if city not in known:
        close = difflib.get_close_matches(city, known, n=1, cutoff=0.6)
        hint_en = f"did you mean `{close[0]}`? " if close else ""
        hint_zh = f"是否应为 `{close[0]}`？" if close else ""
        return (
            Problem(
                t(
                    f"application.city: no rule pack for {shown(city)}; {hint_en}"
                    f"available: {listed}",
                    f"application.city：没有 {shown(city)} 的规则包；{hint_zh}可用：{listed}",
                ),
                dossier.path,
                where,
            ),
        )
    return load_pack(city, rules_dir)


def default_city(rules_dir: Path | None = None) -> str | Problem:
    """The city pack of a command given no dossier and no `--city`: the only one there is."""
    known = _default_cities(rules_dir)
    if len(known) == 1:
        return known[0]
    return Problem(
        t(
            f"more than one rule pack is installed; choose one with --city: {codes(known)}"
            if known
            else "no city rule pack is installed",
            f"已安装多个规则包；请用 --city 选择：{codes(known)}"
            if known
            else "未安装任何城市规则包",
        ),
        code="usage",
    )


def read_cited(
    model: type[RuleModel],
    path: Path,
    documents: frozenset[str],
    entries: str,
    main: str | None = None,
) -> Any:
    """A data file whose `entries` (a list of the model) each cite `sources`, naming only the
    pack's documents (located errors otherwise); with `main`, a citation without `document`
    names `main` (the file belongs to a pack extended by one with a source of its own)."""
    table, source = read_rule_file(model, path)
    for number, entry in enumerate(getattr(table, entries)):
        for position, citation in enumerate(entry.sources):
            where = (entries, number, "sources", position, "document")
            check_citation(citation, documents, path, source, where)
    if main is None:
        return table
    cited = [
        entry.model_copy(
            update={
                "sources": [
                    s if s.document is not None else s.model_copy(update={"document": main})
                    for s in entry.sources
                ]
            }
        )
        for entry in getattr(table, entries)
    ]
    return table.model_copy(update={entries: cited})
