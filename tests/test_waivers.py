"""Waivers: in a dossier or in the configuration, with a reason, an approver and an expiry."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from helpers import example_without_files, invoke, to_yaml
from test_formats import assert_valid_sarif

TODAY = {"PERMITCHECK_TODAY": "2026-12-01"}
DEGREE = "nanjing.new.degree.authentication"
# What the window accepted in writing, for the not-ready example's Indian apostille.
WAIVER = {
    "rule": DEGREE,
    "reason": "The window accepted the apostille on 2026-11-20 (ticket 4711)",
    "approved_by": "HR lead",
    "expires": "2027-03-31",
}


def ready_but_degree() -> dict[str, Any]:
    """A new-permit dossier whose only failure is the degree's apostille from India."""
    data = example_without_files("new-permit")
    data["application"]["submission_date"] = "2026-12-07"
    data["documents"]["degree"].update(
        obtained_in="IN", authentication="apostille", apostilled_on="2026-08-20"
    )
    return data


def write(folder: Path, data: dict[str, Any], name: str = "d.yaml") -> str:
    path = folder / name
    path.write_bytes(to_yaml(data))
    return str(path)


def report(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    result = invoke("validate", *args, "-f", "json", "--isolated", env={**TODAY, **(env or {})})
    return result.exit_code, json.loads(result.stdout)


def findings(document: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for d in document["dossiers"] for f in d["findings"] if f["rule"] == rule]


def test_without_a_waiver_the_degree_fails(tmp_path: Path) -> None:
    code, document = report(write(tmp_path, ready_but_degree()))
    assert code == 1
    assert [f["status"] for f in findings(document, DEGREE)] == ["fail"]


def test_a_waiver_in_the_dossier_waives_the_finding(tmp_path: Path) -> None:
    code, document = report(write(tmp_path, {**ready_but_degree(), "waivers": [WAIVER]}))
    assert code == 0
    (dossier,) = document["dossiers"]
    assert dossier["ready"] is True and dossier["counts"]["waived"] == 1
    (found,) = findings(document, DEGREE)
    assert found["status"] == "waived"
    assert "apostille" in found["message"]  # keeps its rule, message and location
    assert found["location"]["line"] > 1
    assert found["waiver"] == {
        "reason": WAIVER["reason"],
        "approved_by": "HR lead",
        "expires": "2027-03-31",
        "expired": False,
        "source": found["waiver"]["source"],
    }
    # Where the waiver is written: its entry under `waivers:` (a list item at column 3).
    assert re.fullmatch(r".*d\.yaml:\d+:3", found["waiver"]["source"])


def test_an_expired_waiver_no_longer_waives_and_says_so(tmp_path: Path) -> None:
    expired = {**WAIVER, "expires": "2026-11-30"}
    code, document = report(write(tmp_path, {**ready_but_degree(), "waivers": [expired]}))
    assert code == 1
    (found,) = findings(document, DEGREE)
    assert found["status"] == "fail"
    assert "waiver expired on 2026-11-30" in found["message"]
    assert found["waiver"]["expired"] is True
    # The last day it holds is the expiry date itself.
    code, document = report(
        write(tmp_path, {**ready_but_degree(), "waivers": [expired]}), "--as-of", "2026-11-30"
    )
    assert code == 0


@pytest.mark.parametrize("field", ["rule", "reason", "approved_by", "expires"])
def test_a_waiver_without_a_required_field_is_a_located_error(tmp_path: Path, field: str) -> None:
    partial = {key: value for key, value in WAIVER.items() if key != field}
    path = write(tmp_path, {**ready_but_degree(), "waivers": [partial]})
    result = invoke("validate", path, "--isolated", env=TODAY)
    assert result.exit_code == 2
    lines = (Path(path).read_text(encoding="utf-8")).splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("waivers:")) + 1
    assert f"d.yaml:{line}:" in result.stderr and f"missing required key '{field}'" in result.stderr


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("reason", "  ", "expected the reason the window accepts it"),
        ("approved_by", "", "expected who approved the waiver"),
        ("expires", "31/03/2027", "expires"),
        ("rule", "Degree Authentication", "expected a rule id"),
        ("colour", "red", "unknown key 'colour'"),
    ],
)
def test_a_waiver_with_a_wrong_field_is_a_located_error(
    tmp_path: Path, field: str, value: str, says: str
) -> None:
    path = write(tmp_path, {**ready_but_degree(), "waivers": [{**WAIVER, field: value}]})
    result = invoke("validate", path, "--isolated", env=TODAY)
    assert result.exit_code == 2 and says in result.stderr and "d.yaml:" in result.stderr


def test_paths_belong_to_the_configuration(tmp_path: Path) -> None:
    path = write(tmp_path, {**ready_but_degree(), "waivers": [{**WAIVER, "paths": ["*.yaml"]}]})
    result = invoke("validate", path, "--isolated", env=TODAY)
    assert result.exit_code == 2 and "`paths` belongs to a waiver in the configuration" in (
        result.stderr
    )


def test_a_waiver_may_expire_a_year_after_the_reference_date_not_a_day_more(
    tmp_path: Path,
) -> None:
    # The reference date is the planned submission, 2026-12-07.
    year = {**WAIVER, "expires": "2027-12-07"}
    code, _ = report(write(tmp_path, {**ready_but_degree(), "waivers": [year]}))
    assert code == 0
    later = {**WAIVER, "expires": "2027-12-08"}
    result = invoke(
        "validate",
        write(tmp_path, {**ready_but_degree(), "waivers": [later]}),
        "--isolated",
        env=TODAY,
    )
    assert result.exit_code == 2
    assert "is more than a year after the reference date 2026-12-07" in result.stderr
    assert "no later than 2027-12-07" in result.stderr


def test_a_rule_pack_may_allow_waivers_for_longer(tmp_path: Path) -> None:
    import shutil

    from helpers import ROOT

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    manifest = rules / "nanjing" / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "extends: china\n", "extends: china\nmax_waiver_days: 730\n"
        ),
        encoding="utf-8",
    )
    later = {**WAIVER, "expires": "2028-12-06"}
    path = write(tmp_path, {**ready_but_degree(), "waivers": [later]})
    code, _ = report(path, "--rules", str(rules))
    assert code == 0
    result = invoke("validate", path, "--isolated", env=TODAY)
    assert result.exit_code == 2


def test_a_number_in_a_waiver_is_masked_like_any_other(tmp_path: Path) -> None:
    data = ready_but_degree()
    number = data["applicant"]["passport"]["number"]
    noted = {**WAIVER, "reason": f"Accepted for passport {number} (ticket 4711)"}
    path = write(tmp_path, {**data, "waivers": [noted]})
    for fmt in ("json", "text", "sarif", "junit", "markdown"):
        shown = invoke("validate", path, "--isolated", "-f", fmt, env=TODAY).stdout
        assert "ticket 4711" in shown and number not in shown, fmt
    full = invoke("validate", path, "--isolated", "-f", "json", "--show-personal-data", env=TODAY)
    assert number in full.stdout


def test_a_waiver_expiring_more_than_a_year_ahead_is_refused(tmp_path: Path) -> None:
    far = {**WAIVER, "expires": "2028-01-31"}
    path = write(tmp_path, {**ready_but_degree(), "waivers": [far]})
    result = invoke("validate", path, "--isolated", env=TODAY)
    assert result.exit_code == 2
    assert "more than a year after the reference date 2026-12-07" in result.stderr
    line = next(
        n
        for n, text in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1)
        if "expires: '2028-01-31'" in text or "expires: 2028-01-31" in text
    )
    assert f"d.yaml:{line}:" in result.stderr


def test_a_waiver_never_hides_an_error_in_the_input(tmp_path: Path) -> None:
    data = {**ready_but_degree(), "waivers": [{**WAIVER, "rule": "*"}]}
    data["applicant"]["date_of_birth"] = "not a date"
    result = invoke("validate", write(tmp_path, data), "--isolated", env=TODAY)
    assert result.exit_code == 2 and "date_of_birth" in result.stderr


def test_an_unused_waiver_warns_with_the_rule_it_may_mean(tmp_path: Path) -> None:
    typo = {**WAIVER, "rule": "nanjing.new.degre.authentication"}
    code, document = report(write(tmp_path, {**ready_but_degree(), "waivers": [typo]}))
    assert code == 1  # the degree still fails
    (unused,) = findings(document, "permitcheck.waiver.unused")
    assert unused["status"] == "warn" and unused["subject"] == "waivers[0]"
    assert f"did you mean `{DEGREE}`?" in unused["message"]
    assert "permitcheck.waiver.unused" in document["rules"]


def test_a_waiver_of_a_passing_rule_is_unused(tmp_path: Path) -> None:
    passing = {**WAIVER, "rule": "nanjing.new.degree.present"}
    data = {**example_without_files("new-permit"), "waivers": [passing]}
    code, document = report(write(tmp_path, data))
    assert code == 0  # a warning, which blocks only at --fail-on warning
    (unused,) = findings(document, "permitcheck.waiver.unused")
    assert "did you mean" not in unused["message"]
    code, _ = report(write(tmp_path, data), "--fail-on", "warning")
    assert code == 1


def test_a_waiver_close_to_its_expiry_is_an_early_warning(tmp_path: Path) -> None:
    soon = {**WAIVER, "expires": "2026-12-20"}
    path = write(tmp_path, {**ready_but_degree(), "waivers": [soon]})
    code, document = report(path)
    assert code == 0
    (warning,) = findings(document, "permitcheck.waiver.expiring")
    assert "expires on 2026-12-20, in 13 days" in warning["message"]
    _, document = report(path, "--warn-days", "7")
    assert findings(document, "permitcheck.waiver.expiring") == []


def test_a_subject_pattern_reads_brackets_literally(tmp_path: Path) -> None:
    data = example_without_files("new-permit")
    data["documents"]["work_experience"][0]["file"] = "missing.pdf"
    rule = "nanjing.all.files.readable"
    waiver = {**WAIVER, "rule": "nanjing.all.files.*"}
    wrong = {**waiver, "subject": "documents.work_experience[1].file"}
    code, _ = report(write(tmp_path, {**data, "waivers": [wrong]}))
    assert code == 1
    right = {**waiver, "subject": "documents.work_experience[0].file"}
    code, document = report(write(tmp_path, {**data, "waivers": [right]}))
    assert code == 0 and [f["status"] for f in findings(document, rule)] == ["waived"]
    anywhere = {**waiver, "subject": "documents.work_experience[*].file"}
    code, _ = report(write(tmp_path, {**data, "waivers": [anywhere]}))
    assert code == 0


# ---- every format shows waivers the way its reader expects ---------------------------------


def waived_dossier(tmp_path: Path) -> str:
    return write(tmp_path, {**ready_but_degree(), "waivers": [WAIVER]})


def test_sarif_suppresses_a_waived_result_with_its_justification(tmp_path: Path) -> None:
    result = invoke("validate", waived_dossier(tmp_path), "-f", "sarif", "--isolated", env=TODAY)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    (waived,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == DEGREE]
    (suppression,) = waived["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert WAIVER["reason"] in suppression["justification"]
    assert "HR lead" in suppression["justification"]


def test_junit_skips_a_waived_case_with_the_reason(tmp_path: Path) -> None:
    result = invoke("validate", waived_dossier(tmp_path), "-f", "junit", "--isolated", env=TODAY)
    suites = ET.fromstring(result.stdout)
    (case,) = [c for c in suites.iter("testcase") if c.get("classname") == DEGREE]
    skipped = case.find("skipped")
    assert skipped is not None and WAIVER["reason"] in (skipped.get("message") or "")
    assert case.find("failure") is None


def test_github_annotates_no_waived_finding_and_its_summary_lists_it(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = invoke(
        "validate",
        waived_dossier(tmp_path),
        "-f",
        "github",
        "--isolated",
        env={**TODAY, "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.exit_code == 0
    assert DEGREE not in result.stdout
    assert "1 finding waived" in result.stdout
    listed = summary.read_text(encoding="utf-8")
    assert "**Waived**" in listed and DEGREE in listed and "HR lead" in listed


@pytest.mark.parametrize(("lang", "heading"), [("en", "Waived"), ("zh", "已豁免")])
def test_text_shows_a_waived_section(tmp_path: Path, lang: str, heading: str) -> None:
    result = invoke("validate", waived_dossier(tmp_path), "--isolated", "--lang", lang, env=TODAY)
    assert result.exit_code == 0
    text = result.stdout
    section = text.split(f"\n{heading}\n")[1]
    assert DEGREE in section and WAIVER["reason"] in section and "2027-03-31" in section
    assert "[FAIL]" not in text and "[不通过]" not in text


def test_markdown_shows_a_waived_section(tmp_path: Path) -> None:
    result = invoke("validate", waived_dossier(tmp_path), "-f", "markdown", "--isolated", env=TODAY)
    assert "**Waived**" in result.stdout and WAIVER["reason"] in result.stdout


def test_the_dossier_schema_has_waivers() -> None:
    schema = json.loads(invoke("schema").stdout)
    listed, empty = schema["properties"]["waivers"]["anyOf"]
    assert listed["type"] == "array" and empty == {"type": "null"}  # all commented out: none
    dumped = json.dumps(schema)
    for key in ("reason", "approved_by", "expires", "subject"):
        assert f'"{key}"' in dumped


def test_waivers_in_yaml_dates_and_quoted_dates_are_alike(tmp_path: Path) -> None:
    text = to_yaml({**ready_but_degree(), "waivers": [WAIVER]}).decode()
    path = tmp_path / "d.yaml"
    path.write_text(text.replace("'2027-03-31'", "2027-03-31"), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["waivers"][0]["expires"].year == 2027
    code, _ = report(str(path))
    assert code == 0


def test_waivers_all_commented_out_are_none(tmp_path: Path) -> None:
    text = to_yaml(ready_but_degree()).decode() + "waivers:\n  # - rule: x\n"
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    code, document = report(str(path))
    assert code == 1 and document["dossiers"][0]["counts"]["waived"] == 0


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("nanjing.*.degree.*", "nanjing.new.degree.authentication", True),
        ("nanjing.*.degree.*", "nanjing.new.criminal-record.age", False),
        ("documents.work_experience[0].file", "documents.work_experience[0].file", True),
        ("documents.work_experience[0].file", "documents.work_experience0.file", False),
        ("documents.?", "documents.x", True),
        ("*", "", True),
        ("", "x", False),
    ],
)
def test_a_pattern_matches_as_the_docs_say(pattern: str, text: str, expected: bool) -> None:
    from permitcheck.waivers import glob_match

    assert glob_match(pattern, text) is expected


def test_a_hostile_pattern_is_answered_not_backtracked() -> None:
    # A regular expression of thirty `.*` tried against forty characters would not finish.
    from permitcheck.waivers import glob_match

    assert glob_match("a*" * 30 + "b", "a" * 40) is False
    assert glob_match("a*" * 30 + "b", "a" * 40 + "b") is True


@pytest.mark.parametrize("seed", range(20))
def test_the_pattern_matcher_agrees_with_fnmatch_without_brackets(seed: int) -> None:
    import fnmatch
    import random

    from permitcheck.waivers import glob_match

    chance = random.Random(seed)
    for _ in range(500):
        pattern = "".join(chance.choice("ab*?.") for _ in range(chance.randint(0, 7)))
        text = "".join(chance.choice("ab.") for _ in range(chance.randint(0, 8)))
        assert glob_match(pattern, text) is fnmatch.fnmatchcase(text, pattern), (pattern, text)
