"""The repository's configuration: `validate`'s defaults, dossier paths and waivers, in one file."""

from __future__ import annotations
