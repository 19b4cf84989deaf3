"""Data-driven rule cases (tests/rule_cases/*.yaml): every rule passes and fails at least once.

A case patches an example dossier and names the status it expects of one rule's findings. Keys:
rule, base (examples/<base>.yaml), set (dotted path: value), delete (dotted paths), as_of,
today (the reference date is then chosen as `validate` chooses it), subject, expect,
warn_days (early warnings are off unless a case sets it), and checks on the wording:
message_contains, message_not_contains, fix_contains, cites (`FAQ 3(4)`, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import evaluate_data, example_data, findings_of, load_pack, patched

CASES_DIR = Path(__file__).parent / "rule_cases"


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for number, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            case["_id"] = f"{path.stem}:{number}:{case['rule']}:{case['expect']}"
            cases.append(case)
    return cases


CASES = _load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["_id"] for c in CASES])
def test_rule_case(case: dict[str, Any]) -> None:
    data = patched(example_data(case["base"]), case.get("set"), case.get("delete"))
    as_of = case.get("as_of")
    # Early warnings are a layer of their own: off unless a case asks for them.
    today = case.get("today")
    result = evaluate_data(
        data,
        str(as_of) if as_of else None,
        warn_days=case.get("warn_days"),
        today=str(today) if today else None,
    )
    found = findings_of(result, case["rule"], case.get("subject"))
    assert found, f"rule {case['rule']} produced no finding" + (
        f" for subject {case.get('subject')}" if case.get("subject") else ""
    )
    statuses = {f.status for f in found}
    assert statuses == {case["expect"]}, [(f.subject, f.status, f.message.en) for f in found]
    if "message_contains" in case:
        assert any(case["message_contains"] in f.message.en for f in found), [
            f.message.en for f in found
        ]
    if "message_not_contains" in case:
        assert not any(case["message_not_contains"] in f.message.en for f in found), [
            f.message.en for f in found
        ]
    if "fix_contains" in case:
        assert any(f.fix is not None and case["fix_contains"] in f.fix.en for f in found), [
            f.fix.en if f.fix else None for f in found
        ]
    if "cites" in case:
        # Every citation named (`Apostille Convention Art. 3`) is among the finding's sources.
        cited = {source.cite("en") for f in found for source in f.sources}
        assert set(case["cites"]) <= cited, sorted(cited)


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    expectations: dict[str, set[str]] = {}
    for case in CASES:
        expectations.setdefault(case["rule"], set()).add(case["expect"])
    missing = []
    for rule in load_pack("nanjing").rules:
        have = expectations.get(rule.id, set())
        if "pass" not in have:
            missing.append(f"{rule.id}: no passing case")
        if not have & {"fail", "warn"}:
            missing.append(f"{rule.id}: no failing case")
    assert not missing, "\n".join(missing)


def test_cases_name_only_existing_rules() -> None:
    ids = {rule.id for rule in load_pack("nanjing").rules}
    unknown = sorted({case["rule"] for case in CASES} - ids)
    assert not unknown
