"""What a mistaken country or language code most likely meant, from Babel's CLDR locale data."""

from __future__ import annotations

from functools import cache

from permitcheck.dossier.iso_codes import COUNTRIES, LANGUAGES

# Codes ISO 3166 keeps out of the table on purpose ("exceptionally reserved") though people
# write them: the United Kingdom is GB, Greece is GR (EL is the European Union's code).
_RESERVED = {"UK": "GB", "EL": "GR", "EU": None}


@cache
def _names(kind: str) -> dict[str, str]:
    """Every name of a country (or language) in English and Chinese, lower-cased, to its code."""
    # Imported here: only a wrong code pays for reading the locale data.
    from babel import Locale

    found: dict[str, str] = {}
    for locale in ("en", "zh"):
        table = Locale(locale).territories if kind == "country" else Locale(locale).languages
        for code, name in table.items():
            code = code.upper() if kind == "country" else code
            if code in (COUNTRIES if kind == "country" else LANGUAGES):
                found.setdefault(name.casefold(), code)
    return found


def name_of(code: str, kind: str, locale: str) -> str:
    """The name of a country or language code in `locale` (`en` or `zh`)."""
    from babel import Locale

    table = Locale(locale).territories if kind == "country" else Locale(locale).languages
    return str(table.get(code, code))


def meant_country(value: str) -> str | None:
    """The country code `value` most likely means: `UK` is GB, `Germany` or `德国` is DE."""
    text = value.strip()
    if text.upper() in _RESERVED:
        return _RESERVED[text.upper()]
    return _names("country").get(text.casefold())


def meant_language(value: str) -> str | None:
    """The language code `value` most likely means: `German` is de, `CN` (a country) is zh."""
    text = value.strip()
    named = _names("language").get(text.casefold())
    if named is not None:
        return named
    if text.upper() in COUNTRIES:
        from babel.languages import get_official_languages

        spoken = [code for code in get_official_languages(text.upper()) if code in LANGUAGES]
        if len(spoken) == 1:  # a country of several languages is not guessed at
            return spoken[0]
    return None
