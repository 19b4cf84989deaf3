"""The settings of one run, as the command line gives them: one typed value for every stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from permitcheck.dates import WorkingCalendar

FailOn = Literal["error", "warning"]


@dataclass(frozen=True)
class Settings:
    """What a command runs with; `today` comes from the caller's clock (the engine reads none)."""

    today: date
    lang: Literal["en", "zh"] = "en"
    as_of: date | None = None  # --as-of; None: each dossier's planned submission date
    warn_days: int | None = 14
    rules_dir: Path | None = None  # None: the built-in rule packs
    city: str | None = None  # the pack of a command given no dossier (None: the only one)
    fail_on: FailOn = "error"
    show_personal_data: bool = False
    jobs: int | None = None  # worker processes for a batch (None: one per core)
    traceback: bool = False  # a bug raises instead of becoming a problem of its dossier
    # China's working days; None: the official calendar as the installed data knows it (tests
    # give one that knows the years they pin).
    calendar: WorkingCalendar | None = None

    def reference_date(self, planned: date | None) -> date:
        """The day every time window is measured on, for a dossier planned for `planned`."""
        from permitcheck import dates  # imported when used: --help needs no date arithmetic

        return dates.reference_date(self.as_of, planned, self.today)

    def working_days(self) -> WorkingCalendar:
        """The calendar of working days every deadline is counted in."""
        from permitcheck import dates

        return self.calendar or dates.OFFICIAL
