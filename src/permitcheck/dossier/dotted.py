"""Dotted paths into dossier data (`family[*].medical_exam`): parsing, binding and reading."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

Keys = tuple[str | int, ...]
_SEGMENT = re.compile(r"^([a-z_]+)(\[\*\])?$")


@lru_cache(maxsize=1024)
def parse(dotted: str, index: int | None = None) -> Keys:
    """`family[*].photo` with index 2 -> ('family', 2, 'photo')."""
    steps: list[str | int] = []
    for segment in dotted.split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            raise ValueError(f"bad path segment {segment!r} in {dotted!r}")
        steps.append(match[1])
        if match[2]:
            if index is None:
                raise ValueError(f"{dotted!r} has [*] but no item is bound")
            steps.append(index)
    return tuple(steps)


def get(data: Any, path: Keys) -> Any:
    """The value at `path`, or None where any step is absent."""
    current = data
    for step in path:
        if isinstance(current, dict) and isinstance(step, str):
            current = current.get(step)
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            current = current[step]
        else:
            return None
    return current


@lru_cache(maxsize=4096)
def text(path: Keys) -> str:
    """`to_text`, remembered: the engine names the same few hundred paths for every dossier."""
    return to_text(path)


def to_text(path: Keys) -> str:
    """('family', 0, 'photo') -> 'family[0].photo'."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text
