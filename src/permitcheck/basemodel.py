"""The base of every model read from a file: strict types, and unknown keys as located errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


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


class Strict(BaseModel):
    """A mapping whose keys are exactly its fields: unknown keys are errors with a suggestion."""

    # defer_build: a schema is built when first used, once, not for every class at import.
    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, populate_by_name=False, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and all(key in cls._key_set() for key in data):
            return data  # the common case, checked with a set
        allowed = cls.allowed_keys()
        if not isinstance(data, dict):
            keys, got = codes(allowed), describe(data)
            raise bilingual_error(
                "mapping_type",
                f"expected a mapping (key: value lines) with keys {keys}, got {got}",
                f"应为映射（“键: 值”形式的行），可用的键：{keys}；实际为 {got}",
            )
        for key in data:
            if key not in allowed:
                # The hint ("did you mean") is left to whoever shows the message: computing it
                # for thousands of errors of which 50 are shown cost seconds.
                raise bilingual_error(
                    "unknown_key",
                    f"unknown key {shown(key)}{{where}}",
                    f"未知的键 {shown(key)}{{where}}",
                    at=key,
                    allowed=tuple(allowed),
                )
        return data

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
