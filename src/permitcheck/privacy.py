"""Personal data in output: passport and permit numbers are masked unless the user asks."""

from __future__ import annotations

from collections.abc import Iterable


def mask(number: str) -> str:
    """`C01X00T47` -> `C01****47`: enough to tell documents apart, not enough to reuse."""
    size = len(number)
    if size <= 4:
        return "*" * size
    head = 3 if size >= 8 else 1
    tail = 2 if size >= 6 else 1
    return number[:head] + "*" * (size - head - tail) + number[-tail:]


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret masked (longest first, so none leaks)."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, mask(secret))
    return text
