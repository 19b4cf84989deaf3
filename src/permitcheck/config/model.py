"""What a configuration file (`permitcheck.yaml`, `[tool.permitcheck]`) may say, nothing else."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from permitcheck.basemodel import Strict
from permitcheck.dossier.model import MAX_CHOICES, MAX_WAIVERS, Waiver

ReportFormat = Literal["auto", "text", "json", "junit", "sarif", "github", "markdown"]
Paths = Annotated[list[str], Field(max_length=MAX_CHOICES)]


class ConfigFile(Strict):
    """The keys of a configuration file: `validate`'s options by their long names (with `_`
    for `-`), the dossiers to check and to leave out, and waivers (docs/configuration.md).

    There is no `as_of`: a date fixed in a file would judge every later run on a stale day,
    the one way a configuration could make a dossier look ready when it is not."""

    format: ReportFormat | Annotated[list[ReportFormat], Field(max_length=MAX_CHOICES)] | None = (
        None
    )
    output: str | Paths | None = None
    fail_on: Literal["error", "warning"] | None = None
    warn_days: Annotated[int, Field(ge=0, le=3660)] | None = None
    lang: Literal["en", "zh"] | None = None
    color: Literal["auto", "always", "never"] | None = None
    verbose: bool | None = None
    quiet: bool | None = None
    show_personal_data: bool | None = None
    skip_non_dossiers: bool | None = None
    jobs: Annotated[int, Field(ge=1, le=1024)] | None = None
    progress: bool | None = None
    rules: str | None = None
    paths: Paths | None = None
    exclude: Paths | None = None
    waivers: list[Waiver] = Field(default=[], max_length=MAX_WAIVERS)
