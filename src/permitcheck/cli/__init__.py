"""The command line: parsing, printing and exit codes (app.py; entry.py for --version)."""

from __future__ import annotations
