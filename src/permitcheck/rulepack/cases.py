"""The case files of a pack (`cases/*.yaml` beside its rules): what `pack test` runs."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, model_validator

from permitcheck.basemodel import bilingual_error
from permitcheck.dossier.model import Day
from permitcheck.findings import Status
from permitcheck.rulepack.pack import RuleId
from permitcheck.rulepack.sources import RuleModel

CASES = "cases"  # the folder beside the rules that holds a pack's cases
_DOTTED = r"^[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*$"


class Case(RuleModel):
    """One case: a dossier (a base, changed by `set` and `delete`) and the status one rule's
    findings must have on it, with checks on their wording if wanted."""

    rule: RuleId
    base: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$")
    dossier: dict[str, Any] | None = None
    set: dict[str, Any] = {}
    delete: list[str] = []
    as_of: Day | None = None
    today: Day | None = None
    subject: str | None = None
    expect: Status
    warn_days: int | None = Field(default=None, ge=0, le=3660)
    message_contains: str | None = None
    message_not_contains: str | None = None
    fix_contains: str | None = None
    cites: list[str] = []

    @model_validator(mode="after")
    def _one_dossier(self) -> Case:
        if (self.base is None) == (self.dossier is None):
            raise bilingual_error(
                "base",
                "a case needs either `base` (a dossier of the `bases` folder) or `dossier`",
                "每个用例须有 `base`（`bases` 文件夹中的档案）或 `dossier` 之一",
            )
        for path in [*self.set, *self.delete]:
            if not re.fullmatch(_DOTTED, path):
                raise bilingual_error(
                    "path",
                    f"{path!r} is not a dotted path such as `documents.degree.issued_on` "
                    "or `family[0].name`",
                    f"{path!r} 不是点分路径，例如 `documents.degree.issued_on` 或 `family[0].name`",
                )
        return self


class CaseFile(RuleModel):
    """A file of cases: where their bases are, and which years of China's working-day
    calendar they rely on (later years are then unknown, so that a new release of the
    calendar data changes no expected status)."""

    bases: str = "."
    working_days_known_until: int | None = Field(default=None, ge=2000, le=2200)
    cases: list[Case] = Field(min_length=1)
