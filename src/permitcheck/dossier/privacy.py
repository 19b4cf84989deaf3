"""Personal data in output: passport and permit numbers are masked unless the user asks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from permitcheck.i18n import Text
from permitcheck.problems import Problem, Problems


def mask(number: str) -> str:
    """`C01X00T47` -> `C01****47`: enough to tell documents apart, not enough to reuse."""
    size = len(number)
    if size <= 4:
        return "*" * size
    head = 3 if size >= 8 else 1
    tail = 2 if size >= 6 else 1
    return number[:head] + "*" * (size - head - tail) + number[-tail:]


_TOKEN = re.compile(r"[A-Za-z0-9]+")
# Where a number may be written, rightly or wrongly: under these keys, at any depth.
_PERSONAL_KEYS = frozenset({"number", "passport", "current_permit"})
# A number written after one of those keys, even where the YAML does not parse: `number:X1`,
# `"number": X1`, `number: !!int X1`. Only for masking, never to decide anything.
_WRITTEN = re.compile(
    r"""(?i)\b(?:number|passport|current_permit)["']?[ \t]*:[ \t]*"""
    r"""(?:!!?[\w:./-]+[ \t]+)?["']?([A-Za-z0-9][A-Za-z0-9-]{3,})"""
)
MIN_SECRET = 4  # shorter values (a country code, a day) are never masked


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret masked: in any letter case, and inside
    longer words (`scans/passportC01X00T47.pdf`)."""
    wanted = [secret for secret in secrets if len(secret) >= MIN_SECRET]
    if not wanted:
        return text
    # Most texts hold no number: a substring test is far cheaper than the regular expression
    # (and than compiling it, once per dossier).
    lowered = text.lower()
    if not any(secret.lower() in lowered for secret in wanted):
        return text
    return _pattern(frozenset(wanted)).sub(lambda found: mask(found[0]), text)


@lru_cache(maxsize=256)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str]:
    # Longest first: a number that contains another is masked whole.
    ordered = sorted(secrets, key=lambda s: (-len(s), s))
    return re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)


def written_numbers(text: str) -> set[str]:
    """Numbers written after a `number`, `passport` or `current_permit` key in raw text.

    For a file that does not parse or validate: masking what may be a number costs a few
    letters of a message; missing one puts it in a public CI log.
    """
    return {found for found in _WRITTEN.findall(text) if any(c.isdigit() for c in found)}


def numbers_in(data: Any) -> set[str]:
    """What may be a passport or permit number in plain dossier data that did not validate.

    The value of a `number`, `passport` or `current_permit` key, whole; and under those keys,
    every word of five or more letters and digits with a digit in it, in keys and values alike
    (`{number:C01X00T47}` is read as a key, `issuing_country: C01X00T47` is a mistake).
    """
    found: set[str] = set()

    def scalar(value: Any, whole: bool) -> None:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            return
        text = str(value)
        if whole:
            found.add(text)
        found.update(
            word
            for word in _TOKEN.findall(text)
            if len(word) >= 5 and any(c.isdigit() for c in word)
        )

    def walk(value: Any, personal: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                named = str(key).lower() in _PERSONAL_KEYS
                if personal:
                    scalar(key, whole=False)
                if personal or named:
                    scalar(item, whole=named)
                walk(item, personal or named)
        elif isinstance(value, list):
            for item in value:
                if personal:
                    scalar(item, whole=False)
                walk(item, personal)

    walk(data, False)
    return {number for number in found if len(number) >= MIN_SECRET}


def scrub(problems: Problems, secrets: Iterable[str]) -> Problems:
    """`problems` with every secret masked in their messages and paths."""
    wanted = frozenset(secrets)
    if not wanted:
        return problems

    def one(each: Problem) -> Problem:
        text = Text.model_construct(
            en=redact(each.text.en, wanted), zh=redact(each.text.zh, wanted)
        )
        path = None if each.path is None else redact(each.path, wanted)
        return replace(each, text=text, path=path)

    return tuple(one(each) for each in problems)
