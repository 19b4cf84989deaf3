"""The base of every model read from a file: strict types, and unknown keys as located errors."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


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
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


class Strict(BaseModel):
    """A mapping whose keys are exactly its fields: unknown keys are errors with a suggestion."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError(
                "mapping_type", "expected a mapping (key: value lines) with keys {keys}, got {got}",
                {"keys": ", ".join(cls.allowed_keys()), "got": describe(data)})
        allowed = cls.allowed_keys()
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else \
                    f"expected one of: {', '.join(allowed)}"
                raise PydanticCustomError(
                    "unknown_key", "unknown key {key}; {hint}", {"key": repr(key), "hint": hint,
                                                                  "at": key})
        return data

    @classmethod
    def allowed_keys(cls) -> list[str]:
        return [info.alias or name for name, info in cls.model_fields.items()]
