"""The settings of one run, as the command line gives them: one typed value for every stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from permitcheck.problems import Location

if TYPE_CHECKING:
    from permitcheck.dates import WorkingCalendar

FailOn = Literal["error", "warning"]
_START = Location(1, 1)


@dataclass(frozen=True)
class WaiverEntry:
    """A waiver as written, where it is written: in the configuration or in a dossier."""

    rule: str
    subject: str | None
    paths: tuple[str, ...] | None
    reason: str
    approved_by: str
    expires: date
    path: str  # the file it is written in
    location: Location  # where the entry starts
    # Its index in the file's `waivers` list, and the folder its `paths` are relative to.
    index: int = 0
    folder: str = ""
    expires_at: Location = _START  # where its `expires` date is written

    @property
    def origin(self) -> str:
        return f"{self.path}:{self.location.line}:{self.location.column}"


@dataclass(frozen=True)
class Settings:
    """What a command runs with; `today` comes from the caller's clock (the engine reads none)."""

    today: date
    lang: Literal["en", "zh"] = "en"
    # Reports that can show both languages side by side do (`--lang en+zh`, the HTML report);
    # messages are then in English.
    both_languages: bool = False
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
    # The configuration's waivers (each dossier's own are in the dossier).
    waivers: tuple[WaiverEntry, ...] = ()

    def reference_date(self, planned: date | None) -> date:
        """The day every time window is measured on, for a dossier planned for `planned`."""
        from permitcheck import dates  # imported when used: --help needs no date arithmetic

        return dates.reference_date(self.as_of, planned, self.today)

    def working_days(self) -> WorkingCalendar:
        """The calendar of working days every deadline is counted in."""
        from permitcheck import dates

        return self.calendar or dates.OFFICIAL
