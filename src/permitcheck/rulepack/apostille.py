"""The apostille table of a pack: which states apply the Convention with China, and since when."""

from __future__ import annotations

from functools import cached_property

from pydantic import Field

from permitcheck.dossier.model import Day
from permitcheck.rulepack.sources import RuleModel, Source


class ApostilleState(RuleModel):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    in_force: Day


class ApostilleObjection(RuleModel):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    note: str


class ApostilleSourceRef(RuleModel):
    title: str
    url: str | None = None


class ApostilleTable(RuleModel):
    china_in_force: Day
    sources: list[ApostilleSourceRef] = []
    # What a finding about an apostille cites besides the rule's own source: the Convention
    # and China's accession (documents of the pack's `sources`).
    cite: list[Source] = []
    objections: list[ApostilleObjection] = []
    states: list[ApostilleState]

    def in_force_with_china(self, country: str) -> Day | None:
        """The first day the Convention applies between China and `country`, if it ever does."""
        return self._in_force.get(country)

    @cached_property
    def _in_force(self) -> dict[str, Day]:
        # Asked for every apostilled document of a batch: the table is read once. A state
        # listed twice counts by its first entry; one that China objected to has no date.
        objected = {item.country for item in self.objections}
        found: dict[str, Day] = {}
        for item in self.states:
            if item.country not in objected:
                found.setdefault(item.country, max(item.in_force, self.china_in_force))
        return found
