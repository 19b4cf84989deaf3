"""The packs' own cases, run as a pack author runs them: `permitcheck pack test DIR`.

Cases live beside the rules (rules/<pack>/cases/*.yaml): each patches a base dossier and names
the status it expects of one rule's findings (keys: rule, base or dossier, set, delete, as_of,
today, subject, expect, warn_days, message_contains, message_not_contains, fix_contains,
cites). `pack test` also checks that every rule has a passing and a failing case, that every
quote is word for word in its source, and that every text is in both languages.
"""

from __future__ import annotations

import json

import pytest

from helpers import ROOT, invoke


@pytest.mark.parametrize("pack", ["nanjing", "china"])
def test_the_shipped_packs_pass_their_own_tests(pack: str) -> None:
    result = invoke("pack", "test", str(ROOT / "rules" / pack), "--format", "json")
    report = json.loads(result.stdout)
    assert report["failures"] == [] and report["errors"] == [], result.stdout
    assert result.exit_code == 0
    assert report["cases"] == report["passed"] >= (400 if pack == "nanjing" else 10)


def test_a_city_runs_the_cases_of_the_national_rules_it_inherits() -> None:
    nanjing = json.loads(
        invoke("pack", "test", str(ROOT / "rules" / "nanjing"), "-f", "json").stdout
    )
    china = json.loads(invoke("pack", "test", str(ROOT / "rules" / "china"), "-f", "json").stdout)
    own = sum(
        path.read_text(encoding="utf-8").count("\n  - rule: ")
        for path in (ROOT / "rules" / "nanjing" / "cases").glob("*.yaml")
    )
    assert nanjing["cases"] == own + china["cases"]
