"""`permitcheck where`, `steps`, `rules` and `explain`, in English and Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import (
    example_data,
    example_file,
    example_without_files,
    invoke,
    load_pack,
    patched,
    to_yaml,
)

RULE_IDS = [rule.id for rule in load_pack("nanjing").rules]


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return invoke(*args, env=env)


example = example_file


# ---- where ---------------------------------------------------------------------------------

AUTHORITIES = [
    (
        ["--registered-in", "jianye"],
        "municipal",
        "Nanjing Municipal Bureau of Science and Technology",
        "025-68505314, 025-68505315",
        "No. 265 Jiangdong Middle Road",
    ),
    (
        ["--registered-in", "gulou"],
        "municipal",
        "Nanjing Municipal Bureau of Science and Technology",
        "025-68505314",
        "Windows A314 and A315",
    ),
    (
        ["--level", "provincial"],
        "provincial",
        "Jiangsu Provincial Department of Science and Technology",
        "025-83666281",
        "Window RC04, Zone C",
    ),
    (
        ["--level", "provincial", "--registered-in", "jiangning"],
        "provincial",
        "Jiangsu Provincial Department of Science and Technology",
        "025-83666281",
        "No. 145 Hanzhongmen Street",
    ),
    (
        ["--registered-in", "jiangbei_new_area"],
        "jiangbei_new_area",
        "Science and Technology Innovation and Big Data Management Bureau of Nanjing Jiangbei New "
        "Area Management Committee",
        "025-83146818",
        "Windows B17 and B22, 3rd floor",
    ),
    (
        ["--registered-in", "nanjing_free_trade_zone"],
        "jiangbei_new_area",
        "Jiangbei New Area Management Committee",
        "025-83146818",
        "292 Binjiang Avenue",
    ),
    (
        ["--registered-in", "jiangning"],
        "jiangning",
        "Jiangning District Science and Technology Bureau",
        "025-87180602",
        "Window F01, 3rd floor",
    ),
    (
        ["--registered-in", "jiangning_development_zone"],
        "jiangning_development_zone",
        "Jiangning Development Zone Science and Technology Talent Bureau",
        "025-52110731",
        "Building C1, Jiulonghu International Enterprise Headquarters Park",
    ),
]


@pytest.mark.parametrize(("args", "authority", "name", "hotline", "place"), AUTHORITIES)
def test_where_gives_each_authority(
    args: list[str], authority: str, name: str, hotline: str, place: str
) -> None:
    result = run("where", *args)
    assert result.exit_code == 0, result.output
    assert name in result.stdout and hotline in result.stdout and place in result.stdout
    assert "Source     FAQ 1" in result.stdout
    data = json.loads(run("where", *args, "-f", "json").stdout)
    assert data["authority"]["id"] == authority
    assert data["sources"][0]["section"] == "1"


@pytest.mark.parametrize(
    "name",
    ["new-permit", "category-a-commitment", "extension", "change", "cancellation", "not-ready"],
)
def test_where_from_a_dossier_agrees_with_the_options(name: str) -> None:
    employer = example_data(name)["employer"]
    options = ["--level", employer.get("level", "municipal")]
    if "registered_in" in employer:
        options += ["--registered-in", employer["registered_in"]]
    from_dossier = json.loads(run("where", example(name), "-f", "json").stdout)
    from_options = json.loads(run("where", *options, "-f", "json").stdout)
    assert from_dossier["employer"] == employer["name"]
    assert from_dossier["authority"] == from_options["authority"]


def test_where_unknown_district_lists_accepted_values() -> None:
    result = run("where", "--registered-in", "jianyee")
    assert result.exit_code == 2
    assert result.stderr.startswith("permitcheck: unknown district or zone 'jianyee'")
    for value in ("jianye", "jiangbei_new_area", "jiangning", "jiangning_development_zone"):
        assert value in result.stderr
    assert "Traceback" not in result.output


def test_where_needs_a_district_for_a_municipal_employer() -> None:
    result = run("where", "--level", "municipal")
    assert result.exit_code == 2
    assert "needs employer.registered_in (or --registered-in)" in result.stderr
    result = run("where")
    assert result.exit_code == 2
    assert "give a dossier, or --registered-in" in result.stderr


def test_where_points_at_the_dossier_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(
        to_yaml(patched(example_data("new-permit"), {"employer.registered_in": "mars"}))
    )
    result = run("where", str(path))
    assert result.exit_code == 2
    assert re.match(
        rf"{re.escape(str(path))}:\d+:\d+: unknown district or zone 'mars'", result.stderr
    )


def test_where_notes_the_jiangbei_boundary() -> None:
    out = run("where", "--registered-in", "pukou").stdout
    assert "Nanjing Municipal Bureau of Science and Technology" in out
    assert "registered_in: jiangbei_new_area" in out


def test_where_in_chinese() -> None:
    out = run("where", "--registered-in", "jiangning", "--lang", "zh").stdout
    assert "受理机构  江宁区科学技术局" in out
    assert "咨询电话  025-87180602" in out


# ---- steps ---------------------------------------------------------------------------------


def test_steps_without_a_dossier() -> None:
    result = run("steps")
    assert result.exit_code == 0
    titles = re.findall(r"^\d\. (.+?) \(", result.stdout, flags=re.M)
    assert titles == [
        "Register the employer's account",
        "Apply for the Notification Letter of Foreigner's Work Permit",
        "Apply for the work visa",
        "Get the electronic social security card",
        "Apply for the work residence permit",
    ]
    assert "Exit-Entry Administration Branch" in result.stdout
    assert "Jiangsu International Travel Health Care Center, 39 Chuangzhi Road" in result.stdout


def test_steps_show_the_residence_permit_deadline(tmp_path: Path) -> None:
    path = tmp_path / "entered.yaml"
    path.write_bytes(
        to_yaml(
            patched(example_without_files("new-permit"), {"application.entry_date": "2027-01-10"})
        )
    )
    result = run("steps", str(path))
    assert result.exit_code == 0
    # The entry day is not counted (Civil Code art. 201): the 30th day after entry is the last.
    assert (
        "Due: by 2027-02-09; 30 days after entry on 2027-01-10 (the entry day itself is "
        "not counted)"
    ) in result.stdout
    assert "[FAQ 2(5); Civil Code Art. 201]" in result.stdout
    assert "Due: by 2027-03-15" in result.stdout  # the Notification Letter's submit_by
    data = json.loads(run("steps", str(path), "-f", "json").stdout)
    due = {step["id"]: step["due"] for step in data["steps"]}
    assert due == {
        "account": None,
        "notification": "2027-03-15",
        "visa": None,
        "social_security_card": None,
        "residence_permit": "2027-02-09",
    }


def test_steps_use_the_employers_windows(tmp_path: Path) -> None:
    path = tmp_path / "jiangbei.yaml"
    path.write_bytes(
        to_yaml(
            patched(
                example_without_files("new-permit"),
                {"employer.registered_in": "jiangbei_new_area"},
            )
        )
    )
    data = json.loads(run("steps", str(path), "-f", "json").stdout)
    places = {step["id"]: step["authority"] for step in data["steps"]}
    assert places["account"]["id"] == "jiangbei_new_area"  # Jiangbei registers there (FAQ 2(1))
    assert places["notification"]["id"] == "jiangbei_new_area"
    data = json.loads(run("steps", example("change"), "-f", "json").stdout)
    places = {step["id"]: step["authority"] for step in data["steps"]}
    assert places["change"]["id"] == "jiangbei_new_area"
    data = json.loads(run("steps", example("extension"), "-f", "json").stdout)
    places = {step["id"]: step["authority"] for step in data["steps"]}
    assert places["extension"]["id"] == "jiangning_development_zone"


def test_steps_do_not_send_a_provincial_employer_to_the_municipal_windows() -> None:
    """FAQ 2 covers municipal units (audit 2026, item 13): a provincial employer registers where
    it applies, and the step says what the FAQ leaves open."""
    data = json.loads(run("steps", example("category-a-commitment"), "-f", "json").stdout)
    account = next(step for step in data["steps"] if step["id"] == "account")
    assert account["authority"]["id"] == "provincial"
    assert "Windows A314" not in account["where"]
    assert account["note"].startswith("FAQ 2 describes the steps for Nanjing municipal units")
    text = run("steps", example("category-a-commitment"), "--lang", "zh").stdout
    assert "注意：FAQ第2问针对南京市属用人单位" in text
    municipal = json.loads(run("steps", example("new-permit"), "-f", "json").stdout)
    assert all(step["note"] is None for step in municipal["steps"])


def test_steps_without_entry_date_say_how_it_is_counted() -> None:
    out = run("steps", example("new-permit")).stdout
    assert "counted from the entry date (`application.entry_date` is not in the dossier)" in out


# ---- rules and explain -------------------------------------------------------------------


def test_rules_lists_every_rule() -> None:
    result = run("rules")
    assert result.exit_code == 0
    listed = [
        line.split()[0]
        for line in result.stdout.splitlines()
        if line.startswith(("nanjing.", "china."))
    ]
    assert listed == RULE_IDS
    assert result.stdout.splitlines()[-1] == f"{len(RULE_IDS)} rules"


def test_rules_filter_by_procedure() -> None:
    data = json.loads(run("rules", "--procedure", "cancellation", "-f", "json").stdout)
    ids = [rule["id"] for rule in data["rules"]]
    assert ids and all(
        rule_id.startswith(("nanjing.cancellation.", "nanjing.all.")) for rule_id in ids
    )
    assert "nanjing.new.degree.present" not in ids
    assert all("cancellation" in rule["procedures"] for rule in data["rules"])


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_explain_every_rule(rule_id: str) -> None:
    result = run("explain", rule_id)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{rule_id} — ")
    for heading in (
        "What it checks:",
        "When it applies:",
        "Exemptions:",
        "How to fix a failure:",
        "Sources:",
    ):
        assert heading in out
    assert "“" in out
    # Every source is cited by its short name and section, and every short name cited is
    # explained by the document's title (the FAQ, or a law for a national rule).
    pack = load_pack("nanjing")
    for source in next(rule for rule in pack.rules if rule.id == rule_id).sources:
        if source.document is None:
            assert f"[FAQ {source.section}]" in out
            assert (
                "  FAQ: FAQ Foreigners' China Work Permits and Certificates (2025 version)" in out
            )
        else:
            document = pack.documents[source.document]
            assert f"[{document.short.en} {source.section}]" in out
            assert f"  {document.short.en}: {document.title}" in out
    data = json.loads(run("explain", rule_id, "-f", "json", "--lang", "zh").stdout)
    assert data["id"] == rule_id and data["sources"]


def test_explain_shows_exemptions_and_conditions() -> None:
    out = run("explain", "nanjing.new.work-experience.present").stdout
    assert (
        "`documents.work_experience` is given as a signed commitment and "
        "`application.category` is `A` "
        "and `application.category_a_basis` includes any of `talent_program`, "
        "`international_achievement`"
    ) in out
    assert "may be submitted under a commitment-based system" in out


def test_explain_unknown_rule_suggests_the_closest() -> None:
    result = run("explain", "nanjing.new.criminal-record.ages")
    assert result.exit_code == 2
    assert "did you mean: nanjing.new.criminal-record.age" in result.stderr
    result = run("explain", "criminal")
    assert result.exit_code == 2
    assert "nanjing.new.criminal-record." in result.stderr
