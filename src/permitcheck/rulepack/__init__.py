"""The rule language and loading a pack: rule files, check kinds, conditions, windows and steps."""

from __future__ import annotations
