"""The case files of a pack (`cases/*.yaml` beside its rules): what `pack test` runs."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from permitcheck.basemodel import bilingual_error
from permitcheck.dossier.model import Day
from permitcheck.rulepack.rule import RuleId
from permitcheck.rulepack.sources import RuleModel

CASES = "cases"  # the folder beside the rules that holds a pack's cases
_DOTTED = r"^[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*$"


class Case(RuleModel):
    """One case: a dossier (a base, changed by `set` and `delete`) and the status one rule's
    findings must have on it, with checks on their wording if wanted."""

    rule: RuleId = Field(description="The rule whose findings the case checks.")
    base: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="A dossier of the `bases` folder, without `.yaml`.",
    )
    dossier: dict[str, Any] | None = Field(
        default=None, description="The dossier itself, instead of `base`."
    )
    set: dict[str, Any] = Field(
        default={},
        description=(
            "Dotted paths set on the dossier (`documents.criminal_record.issued_on: 2026-01-05`, "
            "`family[0].name`)."
        ),
    )
    delete: list[str] = Field(default=[], description="Dotted paths removed from the dossier.")
    as_of: Day | None = Field(
        default=None, description="The reference date (else the dossier's submission_date)."
    )
    today: Day | None = Field(
        default=None,
        description=(
            "Today, for the reference date as `validate` chooses it (a passed submission date "
            "gives today)."
        ),
    )
    subject: str | None = Field(
        default=None, description="Only the findings on this subject (for a rule with several)."
    )
    # A rule's own verdicts: a case has no waivers, so never `waived`.
    expect: Literal["pass", "fail", "warn", "exempt", "skip"] = Field(
        description="The status every finding must have: pass, fail, warn, exempt or skip."
    )
    warn_days: int | None = Field(
        default=None,
        ge=0,
        le=3660,
        description="Early warnings this many days ahead (none by default).",
    )
    message_contains: str | None = Field(
        default=None, description="A finding's English message contains this."
    )
    message_not_contains: str | None = Field(
        default=None, description="No finding's English message contains this."
    )
    fix_contains: str | None = Field(
        default=None, description="A finding's English fix contains this."
    )
    cites: list[str] = Field(
        default=[], description='Citations every one of which a finding gives ("FAQ 3(4)").'
    )

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

    bases: str = Field(
        default=".", description="The folder `base:` names dossiers in, relative to this file."
    )
    working_days_known_until: int | None = Field(
        default=None,
        ge=2000,
        le=2200,
        description=(
            "The last year of China's working-day calendar the cases rely on; later years count as"
            " unpublished."
        ),
    )
    cases: list[Case] = Field(min_length=1, description="The cases.")
