"""The check kind `translation`: a document not in Chinese has a sealed translation."""

from __future__ import annotations

from typing import Literal

from permitcheck import i18n
from permitcheck.i18n import Value
from permitcheck.rulepack.kinds.base import Context, Kind, Outcome, Params, Subject
from permitcheck.rulepack.shapes import MAPPING, TEXT, Reads


class Translation(Params):
    """A non-Chinese subject document has a translation sealed by a translation company.

    A document whose language is not stated passes, unless `language_required`. Messages may
    use `{language}` (the document's language) and `{seal}` (the seal of its translation).
    """

    kind: Literal["translation"]
    language_required: bool = False


def evaluate(check: Translation, subject: Subject, ctx: Context) -> Outcome:
    value = subject.value
    language = value.get("language") if isinstance(value, dict) else None
    if language is None:
        if check.language_required:
            return Outcome(
                "fail",
                {"language": "—", "seal": "—"},
                message=i18n.LANGUAGE_UNKNOWN,
                fix=i18n.LANGUAGE_UNKNOWN_FIX,
            )
        return Outcome("pass", {"language": "—", "seal": "—"})
    translation = value.get("translation")
    if language != "zh" and translation is None:
        # Nothing written about a translation: say that, not "sealed by none".
        return Outcome(
            "fail", {"language": language, "seal": "—"}, message=i18n.TRANSLATION_MISSING
        )
    seal = translation.get("seal") if translation else None
    params: dict[str, Value] = {"language": language, "seal": seal or "none"}
    if language == "zh" or seal == "translation_company":
        return Outcome("pass", params)
    return Outcome("fail", params)


def reads(check: Translation, subject: Reads) -> list[Reads]:
    return [
        subject,
        Reads(subject.by, (), "language", TEXT),
        Reads(subject.by, (), "translation", MAPPING),
    ]


def describe(check: Translation, subject: str) -> tuple[str, str]:
    s = f"`{subject}`"
    en = f"{s} is in Chinese, or has a Chinese translation sealed by a translation company"
    zh = f"{s} 为中文，或附有加盖翻译公司公章的中文译文"
    if check.language_required:
        en += "; its language must be stated"
        zh += "；须填写其语言"
    return en, zh


KIND = Kind(
    name="translation",
    params=Translation,
    placeholders=("language", "seal"),
    need=MAPPING,
    judge=evaluate,
    words=describe,
    reading=reads,
)
