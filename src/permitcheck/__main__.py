"""Entry point for `python -m permitcheck`."""

from __future__ import annotations

from permitcheck.entry import main

main()
