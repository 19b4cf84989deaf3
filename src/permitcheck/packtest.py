"""`permitcheck pack test DIR`: a pack's own cases, its quotes and its languages, checked."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from permitcheck import dates, files
from permitcheck.basemodel import codes
from permitcheck.dossier import loader, yaml_reader
from permitcheck.engine import evaluate
from permitcheck.findings import Finding, PackTestReport
from permitcheck.i18n import Text, t
from permitcheck.problems import Location, Problem, Stop
from permitcheck.rulepack import registry, steps, windows
from permitcheck.rulepack.cases import CASES, Case, CaseFile
from permitcheck.rulepack.pack import Pack, forget_loaded, load_pack_at, read_rule_file
from permitcheck.rulepack.sources import Source, normal, sections_of

_CJK = re.compile(r"[\u3400-\u9fff]")
_STEP = re.compile(r"([a-z_]+)|\[(\d+)\]")


def run(directory: Path, calendar: dates.WorkingCalendar | None = None) -> PackTestReport:
    """Load the pack in `directory` and check it; Stop with its problems if it does not load.

    `calendar` replaces the official one (tests); a case file's `working_days_known_until`
    limits either."""
    # The pack is being written: what an earlier run in this process read may have changed.
    forget_loaded()
    windows.forget_loaded()
    steps.forget_loaded()
    _BASES.clear()
    _TEXTS.clear()
    loaded = load_pack_at(directory)
    if isinstance(loaded, tuple):
        raise Stop(*loaded)
    pack = loaded
    failures: list[Problem] = []
    errors: list[Problem] = []
    for document in _data_documents(pack, errors):
        failures += _quote_problems(pack, document)
    failures += _language_problems(pack, directory)
    cases = list(_case_files(pack, directory, errors))
    expected: dict[str, set[str]] = {}
    passed = run_count = 0
    for case_file, source, case_path in cases:
        chosen = calendar or dates.OFFICIAL
        if case_file.working_days_known_until is not None:
            chosen = dates.official_calendar(until=case_file.working_days_known_until)
        for number, case in enumerate(case_file.cases):
            where = source.locate(("cases", number))
            inherited = case_path.parent != directory / CASES
            if case.rule not in pack.origins:
                if inherited:
                    continue  # the pack switches this inherited rule off
                failures.append(_unknown_rule(case, pack, str(case_path), where))
                continue
            if inherited and not _inside(pack.origins[case.rule][0], case_path.parent.parent):
                continue  # the pack (or one between) replaces the rule these cases are for
            run_count += 1
            outcome = _run_case(pack, case, case_file, case_path, chosen)
            if isinstance(outcome, Text):
                failures.append(Problem(outcome, str(case_path), where, "rules"))
            else:
                passed += 1
                expected.setdefault(case.rule, set()).add(case.expect)
    for rule in pack.rules:
        have = expected.get(rule.id, set())
        missing = []
        if "pass" not in have:
            missing.append(t("passing case", "通过的用例"))
        if not have & {"fail", "warn"}:
            missing.append(t("failing case (fail or warn)", "不通过的用例（fail 或 warn）"))
        _, path, at = _owner(pack, rule.id, "")
        for word in missing:
            failures.append(
                Problem(
                    t(
                        f"rule {rule.id} has no {word.en} in {CASES}/ (that holds)",
                        f"规则 {rule.id} 在 {CASES}/ 中没有成立的{word.zh}",
                    ),
                    path,
                    at,
                    code="rules",
                )
            )
    return PackTestReport(
        pack=pack.name,
        directory=str(directory),
        rules=len(pack.rules),
        cases=run_count,
        passed=passed,
        failures=tuple(failures),
        errors=tuple(errors),
    )


# ---- Cases -----------------------------------------------------------------------------------


def _case_files(
    pack: Pack, directory: Path, errors: list[Problem]
) -> Iterator[tuple[CaseFile, yaml_reader.Document, Path]]:
    """The pack's case files, then those of the packs it extends (their cases of rules this
    pack inherits run on this pack too); a file that cannot be read is an error of its own."""
    folders = [directory / CASES]
    for name in pack.extends:
        found = registry.find(name, directory.parent)
        if found is not None:
            folders.append(found.directory / CASES)
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            try:
                case_file, source = read_rule_file(CaseFile, path)
            except Stop as exc:
                errors += exc.problems
                continue
            yield case_file, source, path


def _inside(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def _unknown_rule(case: Case, pack: Pack, path: str, where: Any) -> Problem:
    import difflib

    close = difflib.get_close_matches(case.rule, [rule.id for rule in pack.rules], n=1)
    hint_en = f"; did you mean `{close[0]}`?" if close else ""
    hint_zh = f"；是否应为 `{close[0]}`？" if close else ""
    return Problem(
        t(
            f"the case names rule {case.rule}, which the pack does not have{hint_en}",
            f"该用例引用的规则 {case.rule} 不在规则包中{hint_zh}",
        ),
        path,
        where,
        "rules",
    )


_BASES: dict[str, dict[str, Any] | Text] = {}
Found = TypeVar("Found", Text, Source)


def _base(case: Case, case_file: CaseFile, case_path: Path) -> tuple[dict[str, Any], str] | Text:
    """The case's dossier as plain data (shared: `patched` copies it), and the path it is
    checked as (`file:` paths of the dossier start from its folder)."""
    if case.dossier is not None:
        return case.dossier, str(case_path)
    path = case_path.parent / case_file.bases / f"{case.base}.yaml"
    key = str(path)
    if key not in _BASES:
        raw = files.read_regular(key, yaml_reader.MAX_BYTES)
        if isinstance(raw, files.Unreadable):
            _BASES[key] = t(
                f"the base dossier {path} cannot be read: {raw.reason.en}",
                f"无法读取基础档案 {path}：{raw.reason.zh}",
            )
        else:
            try:
                data = yaml_reader.read(key, raw).data
            except Stop as exc:
                first = exc.problems[0]
                data = t(f"the base dossier: {first.located()}", f"基础档案：{first.located()}")
            _BASES[key] = (
                data
                if isinstance(data, dict | Text)
                else t(f"the base dossier {path} is not a mapping", f"基础档案 {path} 不是映射")
            )
    found = _BASES[key]
    if isinstance(found, Text):
        return found
    return found, key


def _run_case(
    pack: Pack,
    case: Case,
    case_file: CaseFile,
    case_path: Path,
    calendar: dates.WorkingCalendar,
) -> Text | None:
    """Why the case fails, if it does."""
    import yaml

    base = _base(case, case_file, case_path)
    if isinstance(base, Text):
        return base
    data, path = base
    changed = patched(data, case.set, case.delete)
    if isinstance(changed, Text):
        return changed
    raw = yaml.safe_dump(changed, sort_keys=False, allow_unicode=True).encode()
    dossier = loader.load_bytes(raw, path)
    if isinstance(dossier, tuple):
        listed = "; ".join(problem.text.en for problem in dossier[:3])
        listed_zh = "；".join(problem.text.zh for problem in dossier[:3])
        return t(
            f"the case's dossier does not load: {listed}", f"该用例的档案无法载入：{listed_zh}"
        )
    planned = dossier.model.application.submission_date
    if case.today is not None:
        reference = dates.reference_date(case.as_of, planned, case.today)
    else:
        found_date = case.as_of or planned
        if found_date is None:
            return t(
                "the case needs `as_of`, `today` or a submission_date in its dossier",
                "该用例须有 `as_of`、`today`，或档案中的 submission_date",
            )
        reference = found_date
    result = evaluate(dossier, pack, reference, case.warn_days, calendar=calendar)
    found = [
        f
        for f in result.findings
        if f.rule == case.rule and (case.subject is None or f.subject == case.subject)
    ]
    return _verdict(case, found, reference)


def _verdict(case: Case, found: list[Finding], reference: date) -> Text | None:
    """Why the findings are not what the case expects, if they are not."""
    on = f" ({reference.isoformat()})"
    if not found:
        subject = f" on {case.subject}" if case.subject else ""
        subject_zh = f"（对象 {case.subject}）" if case.subject else ""
        return t(
            f"rule {case.rule} gave no finding{subject}{on}; expected `{case.expect}`",
            f"规则 {case.rule}{subject_zh}没有结果{on}；期望 `{case.expect}`",
        )
    statuses = sorted({f.status for f in found})
    if statuses != [case.expect]:
        said = " | ".join(f"{f.subject}: {f.status}: {f.message.en}" for f in found)
        return t(
            f"rule {case.rule}: expected `{case.expect}`, got {codes(statuses)}{on}: {said}",
            f"规则 {case.rule}：期望 `{case.expect}`，实际为 {codes(statuses)}{on}：{said}",
        )
    messages = [f.message.en for f in found]
    fixes = [f.fix.en for f in found if f.fix is not None]
    if case.message_contains is not None and not any(case.message_contains in m for m in messages):
        return _wording("message", "contains", case.message_contains, messages)
    if case.message_not_contains is not None and any(
        case.message_not_contains in m for m in messages
    ):
        return _wording("message", "does not contain", case.message_not_contains, messages)
    if case.fix_contains is not None and not any(case.fix_contains in f for f in fixes):
        return _wording("fix", "contains", case.fix_contains, fixes)
    cited = {source.cite("en") for f in found for source in f.sources}
    missing = [name for name in case.cites if name not in cited]
    if missing:
        return t(
            f"rule {case.rule}: the findings do not cite {codes(missing)}; they cite "
            f"{codes(sorted(cited))}",
            f"规则 {case.rule}：结果未引用 {codes(missing)}；实际引用 {codes(sorted(cited))}",
        )
    return None


def _wording(what: str, how: str, wanted: str, actual: list[str]) -> Text:
    said = " | ".join(actual) or "—"
    return t(
        f"expected a {what} that {how} {wanted!r}; got: {said}",
        f"期望 {what} {'包含' if how == 'contains' else '不包含'} {wanted!r}；实际：{said}",
    )


def _steps(dotted: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _STEP.findall(dotted)]


def patched(
    original: dict[str, Any], set_: dict[str, Any], delete: list[str]
) -> dict[str, Any] | Text:
    """A copy of `original` with dotted paths (`family[0].photo`) set or deleted; why not,
    when a path leads nowhere. A path one past a list's end adds an entry."""
    data = copy.deepcopy(original)
    dotted = ""
    try:
        for dotted, value in set_.items():
            *parents, last = _steps(dotted)
            target: Any = data
            for step in parents:
                if isinstance(step, str) and isinstance(target, dict) and step not in target:
                    target[step] = {}
                target = target[step]
            if isinstance(target, list) and last == len(target):
                target.append(copy.deepcopy(value))  # one past the end: a new entry
            else:
                target[last] = copy.deepcopy(value)
        for dotted in delete:
            *parents, last = _steps(dotted)
            target = data
            for step in parents:
                target = target[step]
            del target[last]
    except (KeyError, IndexError, TypeError):
        return t(
            f"`set` or `delete` names a path the base dossier does not have ({dotted})",
            f"`set` 或 `delete` 中的路径在基础档案中不存在（{dotted}）",
        )
    return data


# ---- Quotes ----------------------------------------------------------------------------------

# What cites or says something, and where it is written: its file and place, when known.
Owner = tuple[str, str, Location | None]


def _owner(pack: Pack, name: str, key: str) -> Owner:
    """A rule (by id) at its place in its file; a data file of the pack (`key`) as a whole."""
    if name in pack.origins:
        path, where = pack.origins[name]
        return name, path, where
    return name, pack.files.get(key, str(Path(pack.directory) / "pack.yaml")), None


def _data_documents(pack: Pack, errors: list[Problem]) -> Iterator[tuple[Owner, list[Source]]]:
    """Every citation of the pack with what cites it: rules, exemptions, the apostille table,
    acceptance windows and steps."""
    for rule in pack.rules:
        cited = list(rule.sources) + [s for e in rule.exemptions for s in e.sources]
        yield _owner(pack, rule.id, ""), cited
    yield _owner(pack, "apostille.cite", "apostille"), list(pack.apostille.cite)
    for number, table in enumerate(pack.points):
        yield _owner(pack, f"points: {table.version}", f"points[{number}]"), table.citations()
    try:
        if pack.data_file("windows") is not None:
            for authority in windows.of(pack).authorities:
                owner = _owner(pack, f"windows: {authority.id}", "windows")
                yield owner, list(authority.sources)
        if pack.data_file("steps") is not None:
            for step in steps.of(pack).every_step():
                yield _owner(pack, f"steps: {step.id}", "steps"), list(step.sources)
    except Stop as exc:
        errors += exc.problems


def _quote_problems(pack: Pack, cited: tuple[Owner, list[Source]]) -> list[Problem]:
    """Quotes not found word for word in their document's text (in the section they name,
    when the document says how its text divides into sections)."""
    (owner, at_path, at), sources = cited
    problems = []

    def problem(en: str, zh: str) -> None:
        problems.append(Problem(t(f"{owner}: {en}", f"{owner}：{zh}"), at_path, at, "rules"))

    for source in sources:
        document = pack.source if source.document is None else pack.documents[source.document]
        assert document is not None
        label = f"{document.short.en} {source.section}"
        path = pack.document_text_path(source.document)
        if path is None:
            problem(
                f"{label} cannot be checked: the document has no `text` to check quotes against",
                f"无法核对 {label}：该文件没有用于核对引文的 `text`",
            )
            continue
        original = source.quote_zh if document.language == "zh" else source.quote
        where = normal(_text(path))
        if document.sections:
            parts = _sections(path, tuple(document.sections))
            if source.section not in parts:
                listed = codes(list(parts))
                problem(
                    f"{document.short.en} has no section {source.section!r} in {path.name}; "
                    f"its sections: {listed}",
                    f"{path.name} 中没有章节 {source.section!r}；现有章节：{listed}",
                )
                continue
            where = parts[source.section]
        if normal(original) not in where:
            problem(
                f"the quote of {label} is not in {path.name} word for word: {original[:100]!r}",
                f"{label} 的引文与 {path.name} 原文不一致：{original[:100]!r}",
            )
    return problems


_TEXTS: dict[Path, str] = {}


def _text(path: Path) -> str:
    if path not in _TEXTS:
        _TEXTS[path] = path.read_text(encoding="utf-8")
    return _TEXTS[path]


def _sections(path: Path, headings: tuple[Any, ...]) -> dict[str, str]:
    return sections_of(_text(path), list(headings))


# ---- Languages -------------------------------------------------------------------------------


def _language_problems(pack: Pack, directory: Path) -> list[Problem]:
    """Texts missing a language the pack declares: an English text that is empty or holds
    Chinese, a Chinese text with no Chinese in it."""
    languages = set(pack.manifest.languages)
    problems = []
    texts: list[tuple[Owner, object]] = [
        *((_owner(pack, rule.id, ""), rule) for rule in pack.rules),
        *((_owner(pack, f"groups.{key}", ""), value) for key, value in pack.groups.items()),
        *((_owner(pack, f"terms.{key}", ""), value) for key, value in pack.terms.items()),
        *((_owner(pack, f"disable.{key}", ""), text) for key, text in pack.disabled.items()),
    ]
    try:
        if pack.data_file("windows") is not None:
            texts.append((_owner(pack, "windows", "windows"), windows.of(pack)))
        if pack.data_file("steps") is not None:
            texts.append((_owner(pack, "steps", "steps"), steps.of(pack)))
    except Stop:
        pass  # reported with the quotes
    for (owner, path, at), value in texts:
        for where, text in _found_in(value, owner, Text):
            if "en" in languages and (not text.en.strip() or _CJK.search(text.en)):
                problems.append(_language(where, path, at, "English", "英文"))
            if "zh" in languages and not _CJK.search(text.zh):
                problems.append(_language(where, path, at, "Chinese", "中文"))
        for where, source in _found_in(value, owner, Source):
            if "zh" in languages and not _CJK.search(source.quote_zh):
                problems.append(_language(f"{where}.quote_zh", path, at, "Chinese", "中文"))
    return problems


def _language(
    where: str, path: str, at: Location | None, language: str, language_zh: str
) -> Problem:
    return Problem(
        t(
            f"{where}: no {language} text (empty, or written in another language)",
            f"{where}：缺少{language_zh}文本（为空或使用了其他语言）",
        ),
        path,
        at,
        "rules",
    )


def _found_in(value: object, where: str, wanted: type[Found]) -> Iterator[tuple[str, Found]]:
    """Every value of type `wanted` (a Text, a citation) inside a rule-file model, with where
    it is."""
    if isinstance(value, wanted):
        yield where, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _found_in(getattr(value, name), f"{where}.{name}", wanted)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _found_in(item, f"{where}.{key}", wanted)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _found_in(item, f"{where}[{index}]", wanted)
