"""What the renderers share: JSON documents and the display width of Chinese text."""

from __future__ import annotations

import json
from typing import Any

from permitcheck.render import escape


def json_document(document: Any) -> str:
    """`document` as indented JSON, Chinese as written, every string escaped for terminals."""
    return escape.json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: two for each CJK character."""
    return sum(2 if "\u2e80" <= char <= "\uffef" else 1 for char in text)
