"""Reading a dossier file: YAML to located plain data to a validated Dossier, or a located error."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from permitcheck import files
from permitcheck.basemodel import codes, describe
from permitcheck.dossier import yaml_reader
from permitcheck.dossier.model import Dossier
from permitcheck.dossier.privacy import numbers_in, redact, scrub, written_numbers
from permitcheck.i18n import Text, t, unknown_key_hint
from permitcheck.problems import Code, Location, Problem, Problems, Stop

_QUOTED = re.compile(r"'([^']*)'")
MAX_ERRORS = 50  # per file: enough to fix in one go, never a flood


@dataclass(frozen=True)
class LoadedDossier:
    """A dossier that passed the format checks, with its plain data and source locations."""

    path: str
    model: Dossier
    data: dict[str, Any]
    source: yaml_reader.Document

    @cached_property
    def numbers(self) -> tuple[str, ...]:
        """Every passport and permit number the dossier gives (masked in every output)."""
        model = self.model
        numbers = [
            model.applicant.passport.number if model.applicant.passport else None,
            model.current_permit.number if model.current_permit else None,
        ]
        numbers += [member.passport.number for member in model.family if member.passport]
        return tuple(number for number in numbers if number)

    @cached_property
    def base_dir(self) -> str:
        """The folder `file:` paths are relative to: the dossier's own."""
        return os.path.dirname(os.path.abspath(self.path))

    @cached_property
    def root(self) -> str:
        """The dossier repository: the nearest folder above with `.git`, else the dossier's."""
        folder = self.base_dir
        while True:
            if os.path.exists(os.path.join(folder, ".git")):
                return folder
            parent = os.path.dirname(folder)
            if parent == folder:
                return self.base_dir
            folder = parent


def load_file(path: str) -> LoadedDossier | Problems:
    """The dossier at `path`, read and validated; or its problems, located in the file.

    Only a regular file is read, and never more than the size limit: a FIFO, a device or a huge
    sparse file is refused before reading.
    """
    raw = files.read_regular(path, yaml_reader.MAX_BYTES)
    if isinstance(raw, files.Unreadable):
        return (Problem(raw.reason, path, Location(1, 1) if raw.too_large else None),)
    return load_bytes(raw, path)


def load_bytes(raw: bytes, path: str) -> LoadedDossier | Problems:
    """A dossier given as bytes, validated, or its problems; `path` names it in messages.

    Whatever is wrong with the file, its problems never spell out a passport or permit number
    it holds, however it is written (in the wrong field, as a key, in the file name).
    """
    text: str | None = None
    source: yaml_reader.Document | None = None
    try:
        text = yaml_reader.decode(raw, path)
        source = yaml_reader.parse(text, path, go_on=True)
        return _validate(source)
    except Stop as exc:
        if text is None:
            text = raw.decode("utf-8", errors="replace")
        secrets = written_numbers(text)
        if source is not None:
            secrets |= numbers_in(source.data)
        return scrub(exc.problems, secrets)


def _validate(source: yaml_reader.Document) -> LoadedDossier:
    """Validate parsed YAML against the dossier models; Stop with every problem if it fails."""
    data = source.data
    if not isinstance(data, dict):
        got = describe(data)
        raise Stop.dossier(
            t(
                f"expected a mapping that starts with `permitcheck: 1`, got {got}",
                f"应为以 `permitcheck: 1` 开头的映射，实际为 {got}",
            ),
            source.path,
            source.locate((), value=True),
        )
    if "permitcheck" not in data:
        raise Stop.dossier(
            t(
                "not a dossier: the `permitcheck: 1` key is missing",
                "不是档案文件：缺少 `permitcheck: 1` 键",
            ),
            source.path,
            Location(1, 1),
        )
    try:
        model = Dossier.model_validate(data)
    except ValidationError as exc:
        # What reading found (a duplicate key) first, then validation's own order.
        raise Stop(*source.problems, *located_problems(exc, source)) from None
    if source.problems:
        raise Stop(*source.problems)
    placed = [
        Problem(
            t(
                f"waivers[{index}].paths: a waiver in a dossier applies to that dossier; "
                "`paths` belongs to a waiver in the configuration file",
                f"waivers[{index}].paths：档案中的豁免只适用于该档案；"
                "`paths` 只用于配置文件中的豁免",
            ),
            source.path,
            source.locate(("waivers", index, "paths")),
        )
        for index, waiver in enumerate(model.waivers)
        if waiver.paths is not None
    ]
    if placed:
        raise Stop(*placed)
    return LoadedDossier(source.path, model, data, source)


def located_problems(
    exc: ValidationError, source: yaml_reader.Document, code: Code = "dossier"
) -> Problems:
    """Every validation error, located at what the user wrote, in file order.

    Wrong values come before missing keys at the same place: a wrong value often explains
    the missing ones. At most MAX_ERRORS are given, then how many more there are. Only the
    problems given are described (a "did you mean" costs a string comparison against every
    choice), so a file with 49,000 wrong values costs no more to report than one with 50.
    """
    located: dict[tuple[int, int, int, str, tuple[str | int, ...], int], Any] = {}
    names: dict[tuple[tuple[str | int, ...], str], int] = {}
    for error in exc.errors(include_url=False, include_input=True):
        path = _data_path(source.data, error["loc"])
        where = _where(error, path, source)
        missing = error["type"] in ("missing", "missing_section")
        # One message per kind of problem and place: Pydantic repeats some for unions.
        # A missing key is told apart by its name (several can be missing from one mapping),
        # and keeps the order of the fields.
        name = str(error["loc"][-1]) if missing and error["loc"] else ""
        rank = names.setdefault((path, name), len(names)) if missing else 0
        located.setdefault(
            (int(missing), where.line, where.column, error["type"], path, rank), (error, where)
        )
    order = sorted(located)
    found: list[Problem] = []
    seen: set[tuple[str, int, int]] = set()
    for index, key in enumerate(order):
        if len(found) == MAX_ERRORS:
            more = len(order) - index
            found.append(
                Problem(
                    t(
                        f"{more} more problems in this file are not shown; fix these first",
                        f"此文件还有 {more} 个问题未显示；请先修正以上问题",
                    ),
                    source.path,
                    located[key][1],
                    code,
                )
            )
            break
        error, where = located[key]
        path = key[4]
        text = _describe_error(error, path)
        value = error.get("input")
        if _personal(path) and isinstance(value, str | int | float) and not isinstance(value, bool):
            # A passport or permit number is personal data: never repeated in a message.
            text = t(redact(text.en, [str(value)]), redact(text.zh, [str(value)]))
        if (text.en, where.line, where.column) in seen:
            continue
        seen.add((text.en, where.line, where.column))
        found.append(Problem(text, source.path, where, code))
    return tuple(found)


def _where(error: Any, path: tuple[str | int, ...], source: yaml_reader.Document) -> Location:
    """Where a Pydantic error points in the file: the key, the value, or the missing key's
    mapping."""
    kind = error["type"]
    if kind == "unknown_key":
        return source.locate((*path, str((error.get("ctx") or {})["at"])))
    if kind == "missing":
        return source.locate(path)
    if kind == "missing_section":
        return source.locate(("application", "type"), value=True)
    return source.locate(path, value=True)


def _describe_error(error: Any, path: tuple[str | int, ...]) -> Text:
    """The bilingual message of one Pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    where = _dotted(path)
    if kind == "unknown_key":
        inside_en = f" in {where}" if path else ""
        inside_zh = f"（位于 {where}）" if path else ""
        hint = unknown_key_hint(str(ctx["at"]), ctx["allowed"])
        return t(
            ctx["en"].replace("{where}", inside_en) + "; " + hint.en,
            ctx["zh"].replace("{where}", inside_zh) + "；" + hint.zh,
        )
    if kind == "missing":
        name = error["loc"][-1]
        return t(
            f"missing required key {name!r} in {where or 'the top level'}",
            f"{where or '顶层'} 缺少必填的键 {name!r}",
        )
    if kind == "missing_section":
        return t(ctx["en"], ctx["zh"])
    if path == ("permitcheck",):
        got = describe(error.get("input"))
        return t(
            f"unsupported format version {got}; this permitcheck reads `permitcheck: 1`",
            f"不支持的格式版本 {got}；本工具读取 `permitcheck: 1`",
        )
    prefix = f"{where}: " if where else ""
    if "zh" in ctx:  # our own validators give both languages
        return t(prefix + ctx["en"], prefix + ctx["zh"])
    english, chinese = _message(error)
    return t(prefix + english, prefix + chinese)


# Words in the name of an institution, an authority or a relative, by the choice they stand
# for: people write the police station's or the clinic's name where the kind is asked.
_KIND_WORDS = {
    "police": ("polic", "polizei", "politi", "gendarm", "carabinier", "公安", "警察"),
    "court": ("court", "tribunal", "gericht", "法院"),
    "diplomatic_mission": ("embassy", "consulate", "botschaft", "konsulat", "ambassade", "使馆"),
    "foreign_embassy_in_china": ("embassy", "consulate", "使馆", "领事"),
    "chinese_quarantine": ("quarantine", "travel health", "检疫", "旅行卫生", "保健中心"),
    "translation_company": ("translat", "翻译"),
    "spouse": ("husband", "wife", "spouse", "丈夫", "妻子", "配偶"),
    "child": ("son", "daughter", "儿子", "女儿"),
    "parent": ("father", "mother", "父亲", "母亲"),
    "parent_in_law": ("in-law", "in law", "岳", "公公", "婆婆"),
}


def _kind_named(value: str, choices: list[str]) -> str | None:
    """The one choice whose words `value` contains (`Policia Nacional` is `police`)."""
    text = value.casefold()
    found = {
        choice for choice in choices if any(word in text for word in _KIND_WORDS.get(choice, ()))
    }
    return found.pop() if len(found) == 1 else None


def _personal(path: tuple[str | int, ...]) -> bool:
    """Whether a value at `path` may be a passport or permit number (also when the number is
    written where its mapping belongs, as in `passport: KV5512095`)."""
    return bool(path) and path[-1] in ("number", "passport", "current_permit")


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The path in the user's data that a Pydantic error location points at.

    Pydantic adds entries of its own (union tags, validator names); only the steps that exist
    in the data are kept, so the error is located at what the user wrote.
    """
    path: list[str | int] = []
    current = data
    for step in loc:
        if isinstance(current, dict) and step in current:
            current = current[step]
            path.append(step)
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            current = current[step]
            path.append(step)
    return tuple(path)


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _message(error: Any) -> tuple[str, str]:
    """English and Chinese for Pydantic's own error types."""
    kind = error["type"]
    value = error.get("input")
    got = describe(value)
    ctx = error.get("ctx") or {}
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        choices = _QUOTED.findall(expected) or [expected]
        listed = codes(choices)
        english, chinese = (
            f"{got} is not allowed; expected one of: {listed}",
            f"不允许的值 {got}；可用的值：{listed}",
        )
        close = (
            difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
            if isinstance(value, str)
            else []
        )
        if close:
            english += f" (did you mean {close[0]!r}?)"
            chinese += f"（是否应为 {close[0]!r}？）"
        elif isinstance(value, str) and (meant := _kind_named(value, choices)) is not None:
            # A name (with spaces) was written where the kind of institution is asked.
            named = " " in value.strip()
            english += f" (did you mean {meant!r}?" + (
                " write the kind, not the name)" if named else ")"
            )
            chinese += f"（是否应为 {meant!r}？" + ("请填写类别，而不是名称）" if named else "）")
        return english, chinese
    if kind == "union_tag_invalid":
        tags = _QUOTED.findall(str(ctx.get("expected_tags", "")))
        field = str(ctx.get("discriminator", "kind")).strip("'")
        tag = ctx.get("tag")
        listed = codes(tags)
        english, chinese = (
            f"unknown {field} {tag!r}; expected one of: {listed}",
            f"未知的 {field} {tag!r}；可用的值：{listed}",
        )
        close = difflib.get_close_matches(str(tag), tags, n=1, cutoff=0.6)
        if close:
            english += f" (did you mean {close[0]!r}?)"
            chinese += f"（是否应为 {close[0]!r}？）"
        return english, chinese
    # One value where a list is expected: the list of that one value is what was meant.
    as_list = f"[{value}]" if isinstance(value, str | int) and not isinstance(value, bool) else ""
    as_list_en = f"; write `{as_list}` for a list of one" if as_list else ""
    as_list_zh = f"；只有一项时请写成 `{as_list}`" if as_list else ""
    simple = {
        "bool_type": (f"expected true or false, got {got}", f"应为 true 或 false，实际为 {got}"),
        "string_type": (
            f"expected text, got {got}; put it in quotes if it is meant as text",
            f"应为文本，实际为 {got}；如为文本请加引号",
        ),
        "list_type": (
            f"expected a list (lines starting with '- '), got {got}{as_list_en}",
            f"应为列表（以“- ”开头的行），实际为 {got}{as_list_zh}",
        ),
        "int_type": (f"expected a whole number, got {got}", f"应为整数，实际为 {got}"),
        "int_parsing": (f"expected a whole number, got {got}", f"应为整数，实际为 {got}"),
        "greater_than": (
            f"expected a number greater than {ctx.get('gt')}, got {got}",
            f"应为大于 {ctx.get('gt')} 的数，实际为 {got}",
        ),
        "string_too_short": ("must not be empty", "不能为空"),
        "too_short": ("must list at least one item", "至少须列出一项"),
        "too_long": (
            f"lists {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are accepted",
            f"列出了 {ctx.get('actual_length')} 项；最多 {ctx.get('max_length')} 项",
        ),
        "string_pattern_mismatch": (
            f"{got} does not have the expected form ({ctx.get('pattern')})",
            f"{got} 的格式不符合要求（{ctx.get('pattern')}）",
        ),
        "model_type": (
            f"expected a mapping (key: value lines), got {got}",
            f"应为映射（“键: 值”形式的行），实际为 {got}",
        ),
        "dict_type": (
            f"expected a mapping (key: value lines), got {got}",
            f"应为映射（“键: 值”形式的行），实际为 {got}",
        ),
        "model_attributes_type": (
            f"expected a mapping (key: value lines), got {got}",
            f"应为映射（“键: 值”形式的行），实际为 {got}",
        ),
        "date_type": (
            f"expected a date such as 2026-03-15, got {got}",
            f"应为日期，例如 2026-03-15，实际为 {got}",
        ),
    }
    if kind in simple:
        return simple[kind]
    return error["msg"], f"取值无效（{error['msg']}）"
