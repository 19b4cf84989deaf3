"""The base of every model read from a file: strict types, and unknown keys as located errors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from types import UnionType
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType


def bilingual_error(kind: str, en: str, zh: str, **context: Any) -> PydanticCustomError:
    """A validation error whose message exists in both languages (English shown by Pydantic)."""
    return PydanticCustomError(kind, "{en}", {"en": en, "zh": zh, **context})


def shown(value: object, limit: int = 60) -> str:
    """`repr(value)`, cut to `limit` characters: what the user wrote, never a flood."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "…" + text[-1]


def codes(values: Iterable[object]) -> str:
    """Values the user may write, listed as code: `a`, `b`, `c`."""
    return ", ".join(f"`{value}`" for value in values)


def describe(value: Any) -> str:
    """How a wrong value is shown in an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return shown(value)


# Pydantic's own error types: re-raised by name; ours are rebuilt as custom errors.
_BUILTIN_ERRORS = frozenset(get_args(ErrorType))


def _details(error: ErrorDetails) -> InitErrorDetails:
    """An error of a nested validation, in the form that a new ValidationError takes."""
    kind = error["type"]
    context = error.get("ctx") or {}
    # Ours carry both languages (some share a name with Pydantic's, such as mapping_type).
    if kind in _BUILTIN_ERRORS and "zh" not in context:
        if context:
            return InitErrorDetails(
                type=cast(ErrorType, kind), loc=error["loc"], input=error["input"], ctx=context
            )
        return InitErrorDetails(type=cast(ErrorType, kind), loc=error["loc"], input=error["input"])
    custom = PydanticCustomError(kind, "{en}" if "en" in context else error["msg"], context)
    return InitErrorDetails(type=custom, loc=error["loc"], input=error["input"])


def _spelt_as(data: dict[Any, Any], known: dict[Any, Any], allowed: list[str]) -> dict[str, str]:
    """Unknown keys of `data` that are a close misspelling of one allowed key that is not
    written (`criminal_recrod` for `criminal_record`), by the key they mean."""
    meant: dict[str, str] = {}
    for key, value in data.items():
        # Only a section is worth it (a mapping or list whose own mistakes would stay hidden);
        # a misspelt scalar key costs no string comparison, however many there are.
        if key in known or not isinstance(key, str) or not isinstance(value, dict | list):
            continue
        close = difflib.get_close_matches(key, allowed, n=2, cutoff=0.8)
        if len(close) == 1 and close[0] not in data and close[0] not in meant:
            meant[close[0]] = key
    return meant


def error_details(
    exc: ValidationError, spelt: dict[str, str] | None = None
) -> list[InitErrorDetails]:
    """The errors of a validation, to raise again with others; those under a key validated in
    place of a misspelt one (`spelt`: meant key to written key) are put back under it."""
    found: list[InitErrorDetails] = []
    for error in exc.errors():
        loc = error["loc"]
        if spelt and loc and loc[0] in spelt:
            if error["type"] == "missing" and len(loc) == 1:
                continue  # the key is there, misspelt: it is reported as unknown
            error["loc"] = (spelt[str(loc[0])], *loc[1:])
        found.append(_details(error))
    return found


def _choices(annotation: Any) -> tuple[bool, frozenset[str]] | None:
    """Whether an annotation is a list, and the fixed texts it takes (a Literal), if any."""
    origin = get_origin(annotation)
    if origin is Literal:
        return False, frozenset(str(arg) for arg in get_args(annotation))
    if origin is Annotated:
        return _choices(get_args(annotation)[0])
    if origin is list:
        inner = _choices(get_args(annotation)[0])
        return (True, inner[1]) if inner and not inner[0] else None
    if origin in (Union, UnionType):
        found = [_choices(arg) for arg in get_args(annotation) if arg is not type(None)]
        return found[0] if len(found) == 1 else None
    return None


def _choice_fields(model: type[BaseModel]) -> dict[str, tuple[bool, frozenset[str]]]:
    """The fields of a model that take fixed texts, by the key written in a file."""
    found: dict[str, tuple[bool, frozenset[str]]] = {}
    for name, info in model.model_fields.items():
        choices = _choices(info.annotation)
        if choices is not None:
            found[info.alias or name] = choices
    return found


class Strict(BaseModel):
    """A mapping whose keys are exactly its fields: unknown keys are errors with a suggestion."""

    # defer_build: a schema is built when first used, once, not for every class at import.
    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, populate_by_name=False, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls._key_set().issuperset(data):
            return data  # the common case, checked with a set
        if not isinstance(data, dict):
            if isinstance(data, BaseModel):
                return data  # a model built in code, not read from a file
            keys, got = codes(cls.allowed_keys()), describe(data)
            meant = cls._meant_mapping(data)
            hint_en = f"; did you mean `{{{meant}}}`?" if meant else ""
            hint_zh = f"；是否应为 `{{{meant}}}`？" if meant else ""
            raise bilingual_error(
                "mapping_type",
                f"expected a mapping (key: value lines) with keys {keys}, got {got}{hint_en}",
                f"应为映射（“键: 值”形式的行），可用的键：{keys}；实际为 {got}{hint_zh}",
            )
        # Every problem of the mapping at once: an unknown key is reported beside the errors of
        # the keys that are known, never instead of them. The known keys are validated here,
        # so that the common case above pays nothing for it.
        found, known = cls._unknown_keys(data)
        # A misspelt key's content is checked as the key it most likely means, so that its
        # mistakes show in this run too; they are reported under the key as written.
        spelt = _spelt_as(data, known, cls.allowed_keys())
        try:
            cls.model_validate({**known, **{key: data[written] for key, written in spelt.items()}})
        except ValidationError as exc:
            # A check of the mapping as a whole ("exactly one operator") fails because of the
            # unknown key itself: the unknown key says it better.
            found += [error for error in error_details(exc, spelt) if error["loc"]]
        raise ValidationError.from_exception_data(cls.__name__, found)

    @classmethod
    def _meant_mapping(cls, value: Any) -> str | None:
        """The mapping the user most likely meant by a value written in its place: the one
        field whose choices take it (`translation: translation_company` means
        `{seal: translation_company}`; `passport_copy: [information]`, `{pages: [information]}`)."""
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(item, str) for item in items):
            return None
        fitting = [
            name
            for name, (many, choices) in _choice_fields(cls).items()
            if many == isinstance(value, list) and all(item in choices for item in items)
        ]
        if len(fitting) != 1:
            return None
        written = "[" + ", ".join(items) + "]" if isinstance(value, list) else items[0]
        return f"{fitting[0]}: {written}"

    @classmethod
    def _unknown_keys(cls, data: dict[Any, Any]) -> tuple[list[InitErrorDetails], dict[Any, Any]]:
        """Errors for the keys that are not fields, and the mapping of the known keys only."""
        allowed = cls.allowed_keys()
        found: list[InitErrorDetails] = []
        known: dict[Any, Any] = {}
        for key, value in data.items():
            if key in cls._key_set():
                known[key] = value
                continue
            # The hint ("did you mean") is left to whoever shows the message: computing it for
            # thousands of errors of which 50 are shown cost seconds.
            error = bilingual_error(
                "unknown_key",
                f"unknown key {shown(key)}{{where}}",
                f"未知的键 {shown(key)}{{where}}",
                at=key,
                allowed=tuple(allowed),
            )
            found.append(InitErrorDetails(type=error, loc=(), input=data))
        return found, known

    @classmethod
    def _key_set(cls) -> frozenset[str]:
        cached: frozenset[str] | None = cls.__dict__.get("_key_set_cache")
        if cached is None:
            cached = frozenset(cls.allowed_keys())
            type.__setattr__(cls, "_key_set_cache", cached)
        return cached

    @classmethod
    def allowed_keys(cls) -> list[str]:
        # Computed once per model class: validation asks for it on every mapping.
        cached: list[str] | None = cls.__dict__.get("_allowed_keys_cache")
        if cached is None:
            cached = [info.alias or name for name, info in cls.model_fields.items()]
            type.__setattr__(cls, "_allowed_keys_cache", cached)
        return cached
