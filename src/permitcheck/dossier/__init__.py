"""The dossier format and reading it: models, safe YAML, discovery, schema, skeletons."""

from __future__ import annotations
