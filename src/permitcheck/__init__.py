"""permitcheck: checks a China work-permit dossier against a city's official requirements."""

from __future__ import annotations

__version__ = "0.1.0"
