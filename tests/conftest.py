"""Makes tests/helpers.py importable as `helpers`, and fixes the day the CLI takes as today."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# The examples are dated for December 2026. Without --as-of a dossier is checked on its planned
# submission date, unless that date has passed; so that no test changes its verdict as the real
# calendar moves on, every CLI run of the tests (in process or as a subprocess) takes this day as
# today. Tests of the clock itself set PERMITCHECK_TODAY to other days.
TODAY = "2026-11-29"
os.environ["PERMITCHECK_TODAY"] = TODAY

# Under GitHub Actions `validate`'s default format is github annotations; the tests that expect
# the text checklist by default must pass on a GitHub runner too (those about it set it).
os.environ.pop("GITHUB_ACTIONS", None)


def _build_the_command_once() -> None:
    """Typer turns the app into a Click command again on every CliRunner.invoke, reading every
    command's type hints: half the time of a small CLI test. The app does not change during a
    run, so it is built once per test process."""
    import typer.main
    import typer.testing

    from permitcheck.cli.app import app

    build = typer.main.get_command
    built = build(app)

    def get_command(typer_instance: typer.Typer) -> object:
        return built if typer_instance is app else build(typer_instance)

    typer.testing._get_command = get_command  # type: ignore[attr-defined]


_build_the_command_once()
