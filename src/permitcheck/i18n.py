"""Bilingual text: the {en, zh} pairs rules carry, the engine's own sentences, rendering."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from permitcheck.basemodel import Strict, codes

Lang = Literal["en", "zh"]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Text(Strict):
    """One sentence in English and in Chinese; both are required."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


Value = str | int | date | Text | list[str] | None

# Placeholders every rule message may use, whatever its check kind.
# `authority`: the acceptance window that serves the dossier's employer (FAQ 1), with its
# hotline.
ENGINE_PARAMS = frozenset({"as_of", "subject", "authority"})


def t(en: str, zh: str) -> Text:
    return Text(en=en, zh=zh)


def format_value(value: Value, lang: Lang) -> str:
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        # List items are dossier codes (`police`, `work_location`): shown as code, not prose.
        return ("、" if lang == "zh" else ", ").join(f"`{item}`" for item in value)
    if value is None:
        return "—"
    return str(value)


def render(text: Text, lang: Lang, params: Mapping[str, Value]) -> str:
    """Fill `{name}` placeholders; only plain names, so nothing in a rule file is evaluated."""

    def one(match: re.Match[str]) -> str:
        name = match[1]
        return format_value(params[name], lang) if name in params else match[0]

    return _PLACEHOLDER.sub(one, text.get(lang))


def render_both(text: Text, params: Mapping[str, Value]) -> Text:
    # Both halves come from a validated Text: no need to validate the result again.
    return Text.model_construct(en=render(text, "en", params), zh=render(text, "zh", params))


# The engine's own sentences (outcomes that are the same for every rule).
NOT_STATED = t("`{field}` is not stated in the dossier.", "档案中未填写 `{field}`。")
NOT_STATED_FIX = t(
    "Add `{field}` to the dossier, as written on the document.",
    "请按证件所载内容在档案中填写 `{field}`。",
)
NOT_APPLICABLE = t("Does not apply to this dossier.", "不适用于本档案。")
DOCUMENT_MISSING = t(
    "Not checked: the document is not in the package (see the rule for the document itself).",
    "未检查：材料未提交（见该材料本身的规则）。",
)
REPLACED_BY_COMMITMENT = t(
    "Not checked: a commitment is given instead of the document.", "未检查：已以承诺书代替该材料。"
)
COMMITMENT_NOT_ACCEPTED = t(
    "A signed commitment is given instead of this document, but here a commitment is accepted "
    "only for: {accepted_for}.",
    "已以承诺书代替此材料，但承诺制仅适用于：{accepted_for}。",
)
COMMITMENT_NEVER = t(
    "A signed commitment is given instead of this document, but the source "
    "allows no commitment for it.",
    "已以承诺书代替此材料，但依据规定此材料不适用承诺制。",
)
COMMITMENT_FIX = t(
    "Submit the document itself, or remove `commitment: true`.",
    "请提交材料原件，或删除 `commitment: true`。",
)
COMMITMENT_UNDECIDED = t(
    "A signed commitment is given instead of this document; a commitment is accepted only for: "
    "{accepted_for}; the dossier does not say whether that is the case: {missing} not stated.",
    "已以承诺书代替此材料；承诺制仅适用于：{accepted_for}；档案未说明是否属于上述情形：未填写 "
    "{missing}。",
)
COMMITMENT_UNDECIDED_FIX = t(
    "State {missing} in the dossier; if the commitment is then not accepted, submit the document "
    "itself.",
    "请在档案中填写 {missing}；如仍不适用承诺制，请提交材料本身。",
)
# An alternative lawful only for a claimed category (`claim: A`) whose claim the points table
# does not bear out, with no basis declared.
CLAIM_RULED_OUT = t(
    "Accepted only for {describe}, and the points table rules out the Category {claimed} claim: "
    "no direct basis is declared (`application.category_a_basis`), and the stated facts give "
    "{total} points on the {table}, at most {reachable} with every missing fact at its best, "
    "below the {needed} needed.",
    "仅适用于{describe}，而积分表排除了所申报的{claimed}类：未声明直接认定依据"
    "（`application.category_a_basis`），已填事实按{table}计 {total} 分，"
    "未填事实全部取最高分也至多 {reachable} 分，低于所需的 {needed} 分。",
)
CLAIM_RULED_OUT_FIX = t(
    "Submit the document itself, or declare the direct basis of Category {claimed} the applicant "
    "has (`application.category_a_basis`); `permitcheck category` shows each item's points.",
    "请提交材料本身，或声明申请人具备的{claimed}类直接认定依据（`application.category_a_basis`）；"
    "`permitcheck category` 列出各项得分。",
)
CLAIM_UNCONFIRMED = t(
    "Accepted only for {describe}, and the dossier does not yet bear out the Category {claimed} "
    "claim: no direct basis is declared (`application.category_a_basis`), and the stated facts "
    "give {total} points on the {table}, below the {needed} needed; facts not stated could add "
    "up to {open}: {missing}.",
    "仅适用于{describe}，而档案尚不足以支持所申报的{claimed}类：未声明直接认定依据"
    "（`application.category_a_basis`），已填事实按{table}计 {total} 分，低于所需的 {needed} 分；"
    "未填事实最多可再加 {open} 分：{missing}。",
)
CLAIM_UNCONFIRMED_FIX = t(
    "State the missing facts under `applicant`, or declare the direct basis "
    "(`application.category_a_basis`); if the points stay below {needed}, submit the document "
    "itself.",
    "请在 `applicant` 下填写缺少的事实，或声明直接认定依据（`application.category_a_basis`）；"
    "如分数仍低于 {needed} 分，请提交材料本身。",
)
# The same for an entry of a list of documents (work-experience certificates).
COMMITMENT_ENTRY_NOT_ACCEPTED = t(
    "Entry {entries} of the list is a signed commitment instead of a document, but a commitment "
    "is accepted only for: {accepted_for}.",
    "列表第 {entries} 项为代替材料的承诺书，但承诺制仅适用于：{accepted_for}。",
)
COMMITMENT_ENTRY_NEVER = t(
    "Entry {entries} of the list is a signed commitment instead of a document, but the source "
    "allows no commitment for it.",
    "列表第 {entries} 项为代替材料的承诺书，但依据规定此材料不适用承诺制。",
)
COMMITMENT_ENTRY_FIX = t(
    "Submit the document itself instead of entry {entries}, or remove that entry.",
    "请以材料本身代替第 {entries} 项，或删除该项。",
)
NOT_A_DOCUMENT = t(
    "`{subject}` describes no document: `commitment: false` alone is not a document (it says "
    "only that no commitment is given), and an entry with nothing written is none either.",
    "`{subject}` 未描述任何材料：仅写 `commitment: false` 不构成材料（只表示未提交承诺书），"
    "空白的条目也不构成材料。",
)
NOT_A_DOCUMENT_SKIPPED = t(
    "Not checked: the entry describes no document (see the rule for the document itself).",
    "未检查：该条目未描述任何材料（见该材料本身的规则）。",
)
FUTURE_DATE = t(
    "{date} is after the reference date {as_of}: a document cannot be dated, nor "
    "an event have happened, in the future; check the date.",
    "{date} 晚于参考日期 {as_of}：证件日期或事由发生日期不可能在未来，请核对日期。",
)
FUTURE_DATE_FIX = t(
    "Correct the date in the dossier, or check with --as-of the day you will actually submit.",
    "请更正档案中的日期，或用 --as-of 指定实际提交日期再检查。",
)
CALENDAR_DEPENDS = t(
    "The deadline is {days} working days after {date}, and it runs into {year}, whose official "
    "holiday calendar is not published yet: it falls between {earliest} and {latest}. On "
    "{as_of} the filing may or may not be in time; that depends on the {year} calendar.",
    "截止日期为 {date} 后的第 {days} 个工作日，跨入 {year} 年，而该年国家法定节假日安排尚未"
    "公布：截止日期在 {earliest} 至{latest}之间。{as_of} 提交是否逾期取决于 {year} 年的安排。",
)
CALENDAR_DEPENDS_FIX = t(
    "File at once and confirm with the acceptance window that it is in time.",
    "请立即提交，并向受理窗口确认是否逾期。",
)
CALENDAR_UNKNOWN_LATE = t(
    "The deadline was {days} working days after {date}; China's official holiday calendar for "
    "{year} is not published yet, but however it falls the deadline is {latest} at the latest, "
    "and {as_of} is later.",
    "截止日期为 {date} 后的第 {days} 个工作日；{year} 年国家法定节假日安排尚未公布，但无论如何"
    "截止日期不晚于{latest}，参考日期 {as_of} 已晚于此。",
)
CALENDAR_UNKNOWN_IN_TIME = t(
    "The deadline is {days} working days after {date}, and China's official holiday calendar "
    "for {year} is not published yet, so the exact date cannot be computed. It falls no "
    "earlier than {earliest} (and no later than {latest}): submitting by {earliest} is "
    "certainly in time.",
    "截止日期为 {date} 后的第 {days} 个工作日，{year} 年国家法定节假日安排尚未公布，"
    "无法算出确切日期。截止日期不早于 {earliest}（不晚于{latest}）：最迟于 {earliest} 提交一定"
    "不会逾期。",
)
NOT_OPEN_YET = t(
    "Too early: the window opens on {first_day}, {opens} days before {date}, and {as_of} is "
    "earlier; a filing before that day may be refused.",
    "过早：时限自 {first_day}（{date} 前 {opens} 天）起开始，参考日期 {as_of} 早于该日；"
    "此前提交可能不被受理。",
)
NOT_OPEN_YET_FIX = t(
    "Submit between {first_day} and {last_day}.", "请在 {first_day} 至 {last_day} 之间提交。"
)
WINDOW_CLOSING = t(
    "Holds now, but only until {last_day}, {days} days after {as_of}: {title}.",
    "目前符合，但仅到 {last_day} 为止（参考日期 {as_of} 后 {days} 天）：{title}。",
)
DOCUMENT_CLOSING_FIX = t(
    "Submit by {last_day}; if the submission may slip past that day, obtain a new document now.",
    "请最迟于 {last_day} 提交；如可能延误，请现在就重新办理该材料。",
)
DEADLINE_CLOSING_FIX = t("Submit by {last_day}.", "请最迟于 {last_day} 提交。")
CALENDAR_UNKNOWN_FIX = t(
    "Submit by {earliest} to be safe, or check again once the State Council "
    "publishes the {year} holiday calendar.",
    "为稳妥起见请最迟于 {earliest} 提交，或待国务院公布 {year} 年节假日安排后再次检查。",
)
APOSTILLE_WRONG_STATE = t(
    "Apostilled by {apostille_country}, but the document comes from {country}: an apostille "
    "must be issued by the state that issued the document.",
    "附加证明书由{apostille_country}签发，但文书来自{country}：附加证明书须由文书出具国签发。",
)
APOSTILLE_NOT_IN_FORCE = t(
    "An apostille from {country} is not accepted in China: the Apostille Convention does not "
    "apply between China and {country} (or it is not in permitcheck's table).",
    "{country}签发的附加证明书在中国不被接受：《取消外国公文书认证要求的公约》在中国与"
    "{country}之间不适用（或不在本工具的数据表中）。",
)
APOSTILLE_TOO_EARLY = t(
    "Apostilled on {apostille_date}, before the Apostille Convention applied between China and "
    "{country} ({in_force}); such an apostille is not accepted.",
    "附加证明书签发于 {apostille_date}，早于公约在中国与{country}之间生效之日（{in_force}），"
    "不被接受。",
)
APOSTILLE_ISSUED_TOO_EARLY = t(
    "Only the document's issue date ({issued_on}) is given, which is before the Apostille "
    "Convention applied between China and {country} ({in_force}); an apostille issued before "
    "then is not accepted, and the dossier does not say when the apostille was issued.",
    "仅填写了文书出具日期（{issued_on}），早于公约在中国与{country}之间生效之日（{in_force}）；"
    "在此之前签发的附加证明书不被接受，而档案未填写附加证明书的签发日期。",
)
APOSTILLE_DATE_UNKNOWN = t(
    "An apostille is accepted only if issued on or after {in_force} (when the Convention began "
    "to apply between China and {country}); the dossier gives neither `apostilled_on` nor "
    "`issued_on`.",
    "附加证明书须在 {in_force}（公约在中国与{country}之间生效之日）或之后签发；档案中未填写 "
    "`apostilled_on` 或 `issued_on`。",
)
APOSTILLE_FIX = t(
    "Have the document authenticated by the Chinese embassy or consulate in "
    "{country} (consular authentication), or obtain a new apostille.",
    "请办理中国驻{country}使领馆认证，或重新办理附加证明书。",
)
CONSULAR_FIX = t(
    "Have the document authenticated by the Chinese embassy or consulate in "
    "{country} (consular authentication); an apostille does not help here.",
    "请办理中国驻{country}使领馆认证；附加证明书在此不适用。",
)
APOSTILLE_DATE_FIX = t(
    "Add `apostilled_on:` with the date on the apostille certificate.",
    "请填写 `apostilled_on:`（附加证明书上的日期）。",
)
LATER_RESIDENCE = t(
    "Issued by {country}, a country of habitual residence, but the applicant lived in {latest} "
    "more recently (more than a year, until {until}): the FAQ accepts any country of habitual "
    "residence, but the national definition speaks of the last one, so the window may ask for a "
    "certificate from {latest}.",
    "由经常居住国{country}出具，但申请人此后在{latest}居住（超过一年，至 {until}）："
    "FAQ 接受任一经常居住国出具的证明，但国家层面的定义指最后一个经常居住国，受理窗口可能要求 "
    "{latest}出具的证明。",
)
LATER_RESIDENCE_FIX = t(
    "Ask the acceptance window whether the certificate from {country} is accepted; if not, "
    "obtain one from {latest}.",
    "请向受理窗口确认是否接受{country}出具的证明；如不接受，请取得{latest}出具的证明。",
)
LANGUAGE_UNKNOWN = t(
    "The document's language is not stated, so it cannot be told whether a "
    "Chinese translation is needed.",
    "未填写材料语言，无法判断是否需要中文翻译件。",
)
TRANSLATION_MISSING = t(
    "The document is in `{language}` and no Chinese translation is stated (`translation:`); "
    "only a translation sealed by a translation company is accepted.",
    "材料为 `{language}` 语言，未填写中文译文（`translation:`）；只接受翻译公司盖章的译文。",
)
LANGUAGE_UNKNOWN_FIX = t(
    "Add `language:` (an ISO 639-1 code such as de, en; zh for Chinese).",
    "请填写 `language:`（ISO 639-1 代码，如 de、en；中文为 zh）。",
)

FILE_ABSOLUTE = t(
    "`{file}` is an absolute path; the dossier repository must not depend on "
    "where it is checked out.",
    "`{file}` 是绝对路径；档案仓库不应依赖其所在位置。",
)
FILE_OUTSIDE = t(
    "`{file}` points outside the dossier repository; it is not read.",
    "`{file}` 指向档案仓库之外；不予读取。",
)
FILE_LINK_OUTSIDE = t(
    "`{file}` is a symbolic link that leads outside the dossier repository; it is not followed.",
    "`{file}` 是指向档案仓库之外的符号链接；不予跟随。",
)
FILE_RELATIVE_FIX = t(
    "Put the scan inside the repository and write its path relative to the "
    "dossier file, e.g. `docs/criminal-record.pdf`.",
    "请将扫描件放入仓库，并填写相对于档案文件的路径，例如 `docs/criminal-record.pdf`。",
)
FILE_MISSING = t("`{file}` does not exist.", "`{file}` 不存在。")
FILE_MISSING_SIMILAR = t(
    "`{file}` does not exist; did you mean `{similar}`?",
    "`{file}` 不存在；是否应为 `{similar}`？",
)
FILE_MISSING_SIMILAR_FIX = t(
    "Write the path exactly as the file is named (letter case counts on most systems).",
    "请按文件的实际名称填写路径（多数系统区分大小写）。",
)
FILE_NOT_REGULAR = t("`{file}` is not a regular file.", "`{file}` 不是普通文件。")
FILE_UNREADABLE = t("`{file}` cannot be read.", "`{file}` 无法读取。")
FILE_MISSING_FIX = t(
    "Add the scan at that path, or correct the path in the dossier.",
    "请在该路径放入扫描件，或更正档案中的路径。",
)
FILE_EMPTY = t("`{file}` is empty.", "`{file}` 是空文件。")
FILE_TYPE = t(
    "`{file}` is not a {types} file by its content, whatever its name says.",
    "按文件内容，`{file}` 不是 {types} 格式（与文件名无关）。",
)
FILE_TYPE_FIX = t(
    "Scan or export the document again as PDF, JPEG or PNG.",
    "请重新扫描或导出为 PDF、JPEG 或 PNG 格式。",
)
IS_NOT_STATED = t("`{field}` is not stated", "未填写 `{field}`")
NONE_STATED = t("none of {fields} is stated", "{fields} 均未填写")
IS_WRONG = t("`{field}` is {value} (must be {expected})", "`{field}` 为 {value}（应为 {expected}）")
MONTHS_DAYS_ZH = "{months} 个月 {days} 天"
# The four procedures of the FAQ (questions 3 to 6), as every output names them.
PROCEDURES = {
    "new": t("new permit", "新办"),
    "extension": t("extension", "延期"),
    "change": t("change", "变更"),
    "cancellation": t("cancellation", "注销"),
}


# ---- The bilingual toolkit of every output: punctuation and labels, in one place -----------
# Chinese takes full-width marks; English a mark and a space.
COLON = t(": ", "：")
COMMA = t(", ", "，")
LIST_COMMA = t(", ", "、")  # between the items of a list (Chinese: the enumeration comma)
SEMICOLON = t("; ", "；")
FIX = t("Fix", "处理")
SOURCES = t("Sources", "依据")


def article(word: str) -> str:
    """`a` or `an` before an English word (the procedures: an extension, a change)."""
    return "an" if word[:1].lower() in "aeio" else "a"


def say(text: Text, lang: Lang, **params: object) -> str:
    """Fill a sentence's `{placeholders}`; `{s}` is the English plural ending for the count
    `n` (or `total`)."""
    count = params.get("n", params.get("total"))
    params.setdefault("s", "" if count == 1 else "s")

    # One pass: a value is never searched for placeholders again (a reason that reads
    # `{origin}` stays as written).
    def one(match: re.Match[str]) -> str:
        return str(params[match[1]]) if match[1] in params else match[0]

    return _PLACEHOLDER.sub(one, text.get(lang))


def pick(en: str, zh: str, lang: Lang) -> str:
    """The sentence in `lang` of a pair computed in both languages."""
    return zh if lang == "zh" else en


def labelled(label: Text, value: str, lang: Lang) -> str:
    """`Fix: value`, `处理：value`."""
    return label.get(lang) + COLON.get(lang) + value


def aside(value: str, lang: Lang) -> str:
    """A remark after a phrase: ` (value)`, `（value）`."""
    return f"（{value}）" if lang == "zh" else f" ({value})"


def joined(mark: Text, parts: Iterable[str], lang: Lang) -> str:
    """`parts` joined by a mark such as COMMA or SEMICOLON in `lang`."""
    return mark.get(lang).join(parts)


def join(items: list[Text]) -> Text:
    return Text.model_construct(
        en="; ".join(i.en for i in items) or "—", zh="；".join(i.zh for i in items) or "—"
    )


# Keys of the rule language that were renamed, with the name that replaced them: `present` in a
# condition is `stated` (the check kind `present` asks more: a document, not a commitment).
_RENAMED = {"present": "stated"}


def unknown_key_hint(key: str, allowed: Sequence[str]) -> Text:
    """What to write instead of the unknown key `key`: the closest allowed key, or them all."""
    renamed = _RENAMED.get(key)
    if renamed is not None and renamed in allowed:
        return t(f"did you mean {renamed!r}?", f"是否应为 {renamed!r}？")
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return t(f"did you mean {close[0]!r}?", f"是否应为 {close[0]!r}？")
    return t(f"expected one of: {codes(allowed)}", f"可用的键：{codes(allowed)}")


# ---- Country and region names --------------------------------------------------------------


def country(code: str) -> Text:
    """The country or region `code` (ISO 3166-1 alpha-2, as dossiers write it) by its name in
    English and in Chinese, from Babel's CLDR data (maintained by Unicode, so names follow the
    standard as it changes); a code CLDR does not know is shown as written."""
    return Text.model_construct(en=_territory(code, "en"), zh=_territory(code, "zh"))


def countries(codes: Iterable[str]) -> Text:
    """Several countries by name: `India, Germany`, `印度、德国`."""
    named = [country(code) for code in codes]
    return Text.model_construct(
        en=LIST_COMMA.en.join(n.en for n in named) or "—",
        zh=LIST_COMMA.zh.join(n.zh for n in named) or "—",
    )


def _territory(code: str, lang: Lang) -> str:
    return _territories(lang).get(code.upper(), code) if isinstance(code, str) else str(code)


_TERRITORIES: dict[str, Mapping[str, str]] = {}

# The names of every territory in both languages as the wheel's build read them from Babel:
# reading a language's whole CLDR data to name one country is most of a run on one dossier.
# Used only while the Babel installed is the one that wrote them; else Babel is asked.
TERRITORIES_FILE = Path(__file__).with_name("territories.json")


def _territories(lang: Lang) -> Mapping[str, str]:
    found = _TERRITORIES.get(lang)
    if found is None:
        shipped = _shipped_territories()
        if shipped is not None:
            found = _TERRITORIES[lang] = shipped[lang]
        else:
            # Babel reads its locale data on first use: only when a message names a country.
            from babel import Locale

            # A plain dict: Babel's own mapping resolves aliases on every lookup.
            found = _TERRITORIES[lang] = dict(Locale.parse(lang).territories)
    return found


def territory_table() -> dict[str, Any]:
    """Every territory's name in English and Chinese, from Babel, with Babel's version (the
    wheel's build writes it to TERRITORIES_FILE)."""
    from babel import Locale

    return {
        "babel": _babel_version(),
        **{lang: dict(Locale.parse(lang).territories) for lang in ("en", "zh")},
    }


def _babel_version() -> str:
    # From its metadata, not `babel.__version__`: importing Babel takes 19 ms.
    from importlib.metadata import version

    return version("babel")


@lru_cache(maxsize=1)
def _shipped_territories() -> dict[str, Any] | None:
    try:
        table: dict[str, Any] = json.loads(TERRITORIES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return table if table.get("babel") == _babel_version() else None
