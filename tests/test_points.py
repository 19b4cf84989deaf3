"""The national points table: its data file against the source, scoring, `permitcheck category`."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, dossier_problems, example_data, invoke, load_pack, patched, to_yaml
from permitcheck.rulepack import scoring
from permitcheck.rulepack.points import PointsTable, in_force

SOURCE = ROOT / "rules" / "china" / "texts" / "points-table-2017.md"
AS_OF = date(2026, 12, 7)


def _table() -> PointsTable:
    (table,) = load_pack("china").points
    return table


# ---- the data file against the source document ---------------------------------------------


def _source_rows() -> list[tuple[str, int, list[tuple[str, str]]]]:
    """The source's table as (item, max, [(bracket, points)]): rows without an item name
    continue the item above."""
    rows: list[tuple[str, int, list[tuple[str, str]]]] = []
    text = SOURCE.read_text(encoding="utf-8")
    body = text.split("## Items and points (interim version)", 1)[1]
    for line in body.splitlines():
        if not line.startswith("| ") or line.startswith(("| item", "|---")):
            continue
        item, bracket, points = (cell.strip() for cell in line.strip("|").split("|"))
        if item:
            found = re.fullmatch(r"(.+) \(max (\d+)\)", item)
            assert found, item
            rows.append((found[1], int(found[2]), []))
        rows[-1][2].append((bracket, points))
    return rows


def _expected_brackets(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The source's brackets one per row of the data file: `HSK 4 / 3 / 2 / 1` with points
    `4 / 3 / 2 / 1` is four brackets."""
    found = []
    for bracket, points in rows:
        if " / " in points:
            labels, values = bracket.split(" / "), points.split(" / ")
            prefix = labels[0].rsplit(" ", 1)[0]  # "HSK"
            labels = [labels[0], *(f"{prefix} {label}" for label in labels[1:])]
            found += list(zip(labels, values, strict=True))
        else:
            found.append((bracket, points))
    return found


def test_the_table_is_the_source_documents_item_by_item() -> None:
    table = _table()
    source = _source_rows()
    assert [item.name.en for item in table.items] == [
        name.removesuffix(", 10,000 RMB") + (", 10,000 RMB" if "salary" in name else "")
        for name, _, _ in source
    ]
    for item, (name, most, rows) in zip(table.items, source, strict=True):
        assert item.max == most, name
        expected = _expected_brackets(rows)
        assert [b.label.en for b in item.brackets] == [label for label, _ in expected], name
        for bracket, (label, points) in zip(item.brackets, expected, strict=True):
            if points.startswith("up to "):  # "each full year beyond 2 adds 1 | up to 20"
                assert int(points.removeprefix("up to ")) == item.max
                assert bracket.per_unit == 1 and "adds 1" in label
            elif "–" in points:  # the provincial bonus: "0–10", as the province sets it
                low, high = points.split("–")
                assert (bracket.points, bracket.per_unit, item.max) == (int(low), 1, int(high))
            else:
                assert bracket.points == int(points), (name, label)


def test_the_number_brackets_are_the_ranges_their_labels_name() -> None:
    """`[35, 45)` is min 35, below 45; `≥ 45` min 45; `< 5` below 5; ages are closed ranges of
    whole years (`26–45`: 26 up to 46)."""
    for item in _table().items:
        for bracket in item.brackets:
            label = bracket.label.en
            if bracket.values is not None:
                continue
            if found := re.fullmatch(r"\[(\d+), (\d+)\)", label):
                assert (bracket.min, bracket.below) == (int(found[1]), int(found[2]))
            elif found := re.fullmatch(r"≥ (\d+)", label):
                assert (bracket.min, bracket.below) == (int(found[1]), None)
            elif found := re.fullmatch(r"< (\d+)", label):
                assert (bracket.min, bracket.below) == (None, int(found[1]))
            elif found := re.fullmatch(r"(\d+)–(\d+)", label):
                assert item.whole and (bracket.min, bracket.below) == (
                    int(found[1]),
                    int(found[2]) + 1,
                )
            elif found := re.fullmatch(r"over (\d+)", label):
                assert item.whole and (bracket.min, bracket.below) == (int(found[1]) + 1, None)


def test_the_thresholds_and_version_are_the_sources() -> None:
    table = _table()
    text = " ".join(SOURCE.read_text(encoding="utf-8").split())
    found = re.search(r"A ≥ (\d+) points, B (\d+)–(\d+), C < (\d+)", text)
    assert found is not None
    assert (table.thresholds.A, table.thresholds.B) == (int(found[1]), int(found[2]))
    assert int(found[3]) == table.thresholds.A - 1 and int(found[4]) == table.thresholds.B
    # The interim version, from 2017-04-01; not the 2016 trial (work years 15, Chinese 10).
    assert table.version == "2017-interim" and table.effective == date(2017, 4, 1)
    assert "applied nationwide from 2017-04-01" in text
    most = {item.id: item.max for item in table.items}
    assert (most["work_experience"], most["chinese"]) == (20, 5)
    assert sum(most.values()) == 120


# ---- scoring --------------------------------------------------------------------------------


def _assess(
    applicant: dict[str, Any], documents: dict[str, Any] | None = None, **app: Any
) -> scoring.Assessment:
    pack = load_pack("nanjing")
    data = {
        "application": {"type": "new", "category": "B", **app},
        "applicant": {"name": "A", "nationality": "DE", **applicant},
        "documents": documents or {},
    }
    found = scoring.assess(data, pack.points, pack.workplace_regions, AS_OF)
    assert found is not None
    return found


def _points(assessment: scoring.Assessment) -> dict[str, int]:
    return {scored.item.id: scored.points for scored in assessment.items}


def _item(assessment: scoring.Assessment, item: str) -> scoring.Scored:
    (found,) = (scored for scored in assessment.items if scored.item.id == item)
    return found


def test_work_experience_comes_from_the_certificates_dates_when_not_stated() -> None:
    certificates = [
        # 2015-2018 and 2017-2020 overlap: 2015-01-01 to 2020-12-31 is 6 years.
        {"issuer": "A", "from": date(2015, 1, 1), "to": date(2018, 12, 31)},
        {"issuer": "B", "from": date(2017, 1, 1), "to": date(2020, 12, 31)},
        # Not related to the position: not counted.
        {
            "issuer": "C",
            "from": date(2021, 1, 1),
            "to": date(2025, 12, 31),
            "related_to_position": False,
        },
    ]
    scored = _item(_assess({}, {"work_experience": certificates}), "work_experience")
    assert (scored.points, scored.up_to, scored.fact.origin) == (9, 0, "documents.work_experience")
    assert scored.fact.derived and scored.fact.shown is not None
    assert scored.fact.shown.en.startswith("6 years 0 months")
    # A certificate without dates leaves the item open: its points are a lower bound.
    undated = _item(
        _assess({}, {"work_experience": [*certificates, {"issuer": "D"}]}), "work_experience"
    )
    assert (undated.points, undated.up_to) == (9, 11)
    # A day short of 2 years is under 2 years; stated `work_years` wins over the dates.
    short = [{"issuer": "A", "from": date(2020, 1, 2), "to": date(2021, 12, 31)}]
    assert _item(_assess({}, {"work_experience": short}), "work_experience").points == 0
    exact = [{"issuer": "A", "from": date(2020, 1, 1), "to": date(2021, 12, 31)}]
    assert _item(_assess({}, {"work_experience": exact}), "work_experience").points == 5
    assert (
        _item(_assess({"work_years": 17}, {"work_experience": exact}), "work_experience").points
        == 20
    )
    # A commitment in place of the certificates says nothing of the years.
    commitment = _item(_assess({}, {"work_experience": [{"commitment": True}]}), "work_experience")
    assert (commitment.points, commitment.missing, commitment.up_to) == (0, True, 20)


def test_education_comes_from_the_degree_level_only_when_it_is_a_level() -> None:
    derived = _item(_assess({}, {"degree": {"level": "Master"}}), "education")
    assert (derived.points, derived.fact.origin) == (15, "documents.degree.level")
    # `MSc` or `Diplom` is not read: no guess, the fact stays missing.
    unread = _item(_assess({}, {"degree": {"level": "MSc"}}), "education")
    assert (unread.points, unread.missing, unread.up_to) == (0, True, 20)
    stated = _item(
        _assess({"education": "doctorate"}, {"degree": {"level": "bachelor"}}), "education"
    )
    assert stated.points == 20


def test_chinese_formerly_chinese_from_the_previous_nationality() -> None:
    scored = _item(_assess({"previous_nationality": "CN"}), "chinese")
    assert (scored.points, scored.missing) == (5, False)
    assert (
        _item(_assess({"chinese": {"hsk": 3}, "previous_nationality": "CN"}), "chinese").points == 5
    )
    assert _item(_assess({"chinese": {"hsk": 3}}), "chinese").points == 3


def test_nanjing_scores_no_place_of_work_whatever_is_stated() -> None:
    western = _item(_assess({"workplace_region": "western"}), "workplace")
    assert (western.points, western.missing, western.up_to) == (0, False, 0)
    assert western.fact.note is not None and "Jiangsu" in western.fact.note.en
    # Unstated, it is known in Nanjing: none of the regions, so nothing is missing.
    assert _item(_assess({}), "workplace").up_to == 0
    # The national pack knows no city: a stated region counts there, an unstated one is open.
    china = load_pack("china")
    data = {"application": {"type": "new"}, "applicant": {"workplace_region": "western"}}
    national = scoring.assess(data, china.points, china.workplace_regions, AS_OF)
    assert national is not None and _points(national)["workplace"] == 10


def test_the_bonus_is_capped_and_an_age_outside_the_table_scores_nothing() -> None:
    capped = _item(_assess({"provincial_bonus": 15}), "provincial_bonus")
    assert capped.points == 10 and capped.fact.note is not None
    young = _item(_assess({"date_of_birth": date(2009, 12, 8)}), "age")  # 16
    assert (young.points, young.bracket) == (0, None)


def test_every_fact_missing_leaves_every_point_open() -> None:
    assessment = _assess({})
    assert assessment.total == 0
    # Nanjing's place of work is known (none): 110 of the table's 120 points are open.
    assert assessment.reachable == 110
    assert assessment.support("B") == assessment.support("A") == "unconfirmed"
    assert assessment.support("C") == "supported"
    assert _assess({}, category="A", category_a_basis=["talent_program"]).support() == "supported"


def test_the_table_in_force_is_the_latest_to_take_effect() -> None:
    table = _table()
    later = table.model_copy(update={"version": "2030", "effective": date(2030, 1, 1)})
    assert in_force([table, later], date(2029, 12, 31)) is table
    assert in_force([later, table], date(2030, 1, 1)) is later
    assert in_force([table], date(2017, 3, 31)) is None


# ---- a pack's points tables -----------------------------------------------------------------


def _pack_with_tables(tmp_path: Path, *tables: str) -> Path:
    """A copy of the shipped packs whose national pack has `tables` instead of its own."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "china" / "points-2017.yaml").unlink()
    names = []
    for number, text in enumerate(tables):
        (rules / "china" / f"points-{number}.yaml").write_text(text, encoding="utf-8")
        names.append(f"points-{number}.yaml")
    manifest = rules / "china" / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "points: [points-2017.yaml]", f"points: [{', '.join(names)}]"
        ),
        encoding="utf-8",
    )
    return rules


def _shipped_table() -> str:
    return (ROOT / "rules" / "china" / "points-2017.yaml").read_text(encoding="utf-8")


def test_a_later_table_is_a_new_data_file(tmp_path: Path) -> None:
    later = (
        _shipped_table()
        .replace("version: 2017-interim", "version: 2030-test")
        .replace("effective: 2017-04-01", "effective: 2030-01-01")
        .replace("thresholds: {A: 85, B: 60}", "thresholds: {A: 90, B: 70}")
    )
    rules = _pack_with_tables(tmp_path, _shipped_table(), later)
    dossier = tmp_path / "d.yaml"
    dossier.write_bytes(to_yaml(example_data("new-permit")))
    before = invoke(
        "category", str(dossier), "--rules", str(rules), "--as-of", "2029-12-31", "-f", "json"
    )
    after = invoke(
        "category", str(dossier), "--rules", str(rules), "--as-of", "2030-01-01", "-f", "json"
    )
    assert json.loads(before.stdout)["table"]["version"] == "2017-interim"
    report = json.loads(after.stdout)
    assert report["table"]["version"] == "2030-test" and report["table"]["thresholds"]["B"] == 70


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("points: 17}", "points: 27}"), "gives 27 points, above the item's max of 20"),
        (("min: 35, below: 45", "min: 30, below: 45"), "overlap: a value would score twice"),
        (
            ("values: [master, technician]", "values: [masters, technician]"),
            "`education` is never masters",
        ),
        (("thresholds: {A: 85, B: 60}", "thresholds: {A: 60, B: 85}"), "B must be below A"),
        (("fact: extras", "fact: extra"), "fact"),
        (
            (
                'document: points_table_2017, section: "age"',
                'document: points_table, section: "age"',
            ),
            "unknown source document 'points_table'",
        ),
    ],
)
def test_a_wrong_table_is_refused_with_its_place(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    table = _shipped_table()
    assert change[0] in table
    rules = _pack_with_tables(tmp_path, table.replace(change[0], change[1], 1))
    result = invoke("pack", "test", str(rules / "nanjing"))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert re.search(r"points-0\.yaml:\d+:\d+: ", result.stderr), result.stderr


def test_two_tables_in_force_from_the_same_day_are_refused(tmp_path: Path) -> None:
    rules = _pack_with_tables(tmp_path, _shipped_table(), _shipped_table())
    result = invoke("pack", "test", str(rules / "nanjing"))
    assert result.exit_code == 2
    assert "two points tables take effect on 2017-04-01" in result.stderr


def test_a_points_rule_needs_a_table(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    manifest = rules / "china" / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("  points: [points-2017.yaml]\n", ""),
        encoding="utf-8",
    )
    (rules / "china" / "points-2017.yaml").unlink()
    result = invoke("pack", "test", str(rules / "china"))
    assert result.exit_code == 2
    assert (
        "checks the claimed category on the points table, but the pack has no `data: points`"
        in result.stderr
    )


# ---- the dossier's facts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "value", "expected"),
    [
        ("annual_salary_rmb", -1, "applicant.annual_salary_rmb"),
        ("annual_salary_rmb", "480,000", "applicant.annual_salary_rmb"),
        ("months_in_china_per_year", 13, "applicant.months_in_china_per_year"),
        ("education", "masters", "applicant.education"),
        ("chinese", {}, "expected one of `hsk` (1 to 9)"),
        ("chinese", {"hsk": 10}, "applicant.chinese.hsk"),
        ("workplace_region", "west", "applicant.workplace_region"),
        ("extras", ["fortune_500"], "applicant.extras"),
        ("provincial_bonus", True, "applicant.provincial_bonus"),
    ],
)
def test_a_wrong_fact_is_a_located_error(fact: str, value: Any, expected: str) -> None:
    data = patched(example_data("new-permit"), {f"applicant.{fact}": value})
    problems = dossier_problems(to_yaml(data))
    assert any(expected in problem.located() for problem in problems), [
        p.located() for p in problems
    ]


# ---- permitcheck category -------------------------------------------------------------------

EXAMPLES = sorted(path.stem for path in (ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_category_on_each_example(name: str) -> None:
    result = invoke("category", f"examples/{name}.yaml", "--as-of", "2026-12-07")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "version 2017-interim, in force from 2017-04-01" in lines[1]
    assert re.search(r"^Total: \d+ points: Category [ABC]$", result.stdout, re.M)
    assert "Annual salary paid by the employer in China" in result.stdout
    assert "[Points table 2017 age]" in result.stdout
    data = json.loads(
        invoke("category", f"examples/{name}.yaml", "--as-of", "2026-12-07", "-f", "json").stdout
    )
    assert data["total"] == sum(item["points"] for item in data["items"])
    assert {"table", "total", "category", "items", "missing"} <= set(data)
    for item in data["items"]:
        assert {"item", "points", "max", "bracket", "source"} <= set(item)
        assert item["source"]["title"].startswith("Classification Standards for Foreigners")


def test_the_worked_example() -> None:
    result = invoke("category", "examples/new-permit.yaml", "--as-of", "2026-12-07", "-f", "json")
    data = json.loads(result.stdout)
    assert (data["total"], data["category"], data["claimed"], data["claim"]) == (
        79,
        "B",
        "B",
        "supported",
    )
    points = {item["item"]: (item["points"], item["bracket"]) for item in data["items"]}
    assert points["salary"] == (17, "[35, 45)")
    assert points["education"] == (15, "master; technician or equivalent")
    assert points["work_experience"] == (10, "each full year beyond 2 adds 1")
    assert points["age"] == (15, "26–45")
    assert data["missing"] == []
    assert data["applicant"]["passport"] == "C01****47"


def test_missing_facts_say_what_they_could_add() -> None:
    data = example_data("new-permit")
    for fact in ("annual_salary_rmb", "chinese", "provincial_bonus", "months_in_china_per_year"):
        del data["applicant"][fact]
    result = invoke("category", "-", "--as-of", "2026-12-07", input=to_yaml(data))
    assert result.exit_code == 0
    assert (
        "+ up to 20 if the annual salary is stated (`applicant.annual_salary_rmb`)" in result.stdout
    )
    assert "+ up to 5 if the HSK level is stated (`applicant.chinese`)" in result.stdout
    assert "Claimed: Category B; not yet supported" in result.stdout
    zh = invoke("category", "-", "--as-of", "2026-12-07", "--lang", "zh", input=to_yaml(data))
    assert "+ 填写HSK等级（`applicant.chinese`）最多可加 5 分" in zh.stdout


def test_a_ruled_out_claim_exits_1_and_says_so() -> None:
    data = patched(
        example_data("new-permit"),
        {"application.category": "A", "applicant.annual_salary_rmb": 100000},
    )
    result = invoke("category", "-", "--as-of", "2026-12-07", input=to_yaml(data))
    assert result.exit_code == 1
    assert "Claimed: Category A; ruled out: 85 points needed" in result.stdout


def test_category_shows_passport_numbers_only_when_asked() -> None:
    masked = invoke("category", "examples/new-permit.yaml")
    assert "C01X00T47" not in masked.stdout and "C01****47" in masked.stdout
    shown = invoke("category", "examples/new-permit.yaml", "--show-personal-data")
    assert "C01X00T47" in shown.stdout


def test_category_without_a_table_in_force_or_a_readable_dossier_exits_2(tmp_path: Path) -> None:
    early = invoke("category", "examples/new-permit.yaml", "--as-of", "2017-03-31")
    assert early.exit_code == 2
    assert "no points table in force on 2017-03-31" in early.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("permitcheck: 1\napplication: {type: new}\n", encoding="utf-8")
    result = invoke("category", str(broken))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{broken}:")


# ---- validate: a commitment on an unsupported Category A claim ------------------------------


def test_validate_flags_a_commitment_on_an_unsupported_a_claim() -> None:
    data = patched(
        example_data("category-a-commitment"),
        {"applicant.annual_salary_rmb": 200000, "applicant.education": "master"},
        delete=["application.category_a_basis"],
    )
    result = invoke("validate", "-", "--as-of", "2026-12-10", "-f", "json", input=to_yaml(data))
    findings = {
        (f["rule"], f["subject"]): f for f in json.loads(result.stdout)["dossiers"][0]["findings"]
    }
    claim = findings[("china.category.a-points", "application.category")]
    assert claim["status"] == "warn"
    assert "Points table 2017" not in claim["message"]  # the table is named by its version
    assert "points table 2017-interim" in claim["message"]
    record = findings[("nanjing.new.criminal-record.present", "documents.criminal_record")]
    assert record["status"] == "warn"
    assert "does not yet bear out the Category A claim" in record["message"]
    assert {"title": record["sources"][-1]["title"]} == {
        "title": "Classification Standards for Foreigners Working in China (Interim), annex: "
        "Points-element scoring table (interim version), as transcribed by smebrother.com and "
        "irishchamberchina.com"
    }


def test_a_number_in_the_file_name_is_masked_unless_asked(tmp_path: Path) -> None:
    named = tmp_path / "C01X00T47.yaml"
    named.write_bytes(to_yaml(example_data("new-permit")))
    masked = invoke("category", str(named), "-f", "json")
    assert "C01X00T47" not in masked.stdout
    shown = invoke("category", str(named), "-f", "json", "--show-personal-data")
    assert json.loads(shown.stdout)["path"] == str(named)
