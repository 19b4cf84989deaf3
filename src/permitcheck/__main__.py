"""Entry point for `python -m permitcheck`."""

from __future__ import annotations

from permitcheck.cli.entry import main

main()
