"""Personal data in output: passport and permit numbers are masked unless the user asks."""

from __future__ import annotations

import re
from collections.abc import Iterable


def mask(number: str) -> str:
    """`C01X00T47` -> `C01****47`: enough to tell documents apart, not enough to reuse."""
    size = len(number)
    if size <= 4:
        return "*" * size
    head = 3 if size >= 8 else 1
    tail = 2 if size >= 6 else 1
    return number[:head] + "*" * (size - head - tail) + number[-tail:]


_TOKEN = re.compile(r"[A-Za-z0-9]+")


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret masked.

    One pass over the text whatever the number of secrets (a batch has thousands): each
    alphanumeric run is looked up in a set. The rare secret with other characters in it is
    replaced on its own.
    """
    wanted = {s for s in secrets if len(s) >= 4}
    if not wanted:
        return text
    plain = {s for s in wanted if _TOKEN.fullmatch(s)}
    if plain:
        text = _TOKEN.sub(lambda m: mask(m[0]) if m[0] in plain else m[0], text)
    for secret in sorted(wanted - plain, key=len, reverse=True):
        text = text.replace(secret, mask(secret))
    return text
