"""The Nanjing rule pack as data: it loads, cites the FAQ word for word, speaks both languages."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, example_data, load_bytes, load_pack, pack_problems, patched, to_yaml
from permitcheck.engine import evaluate
from permitcheck.rulepack.kinds import KINDS
from permitcheck.rulepack.pack import Pack
from permitcheck.rulepack.sources import sections_of


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack("nanjing")


def test_pack_loads_with_unique_sorted_ids(pack: Pack) -> None:
    ids = [rule.id for rule in pack.rules]
    assert len(ids) == len(set(ids)) >= 60
    assert ids == sorted(ids)
    # The pack's own rules, and the national ones it includes (rules/china/national.yaml).
    national = yaml.safe_load((ROOT / "rules" / "china" / "national.yaml").read_text("utf-8"))
    included = {rule["id"] for rule in national["rules"]}
    assert included and all(rule_id.startswith("china.") for rule_id in included)
    assert {rule.id for rule in pack.rules if not rule.id.startswith("nanjing.")} == included


def test_the_faq_divides_into_the_sections_rules_cite(pack: Pack) -> None:
    """The headings pack.yaml declares find every question, item and note of the FAQ; `pack
    test` then finds each quote inside the section it cites (tests/test_rule_cases.py)."""
    assert pack.source is not None and "text" in pack.files
    text = Path(pack.files["text"]).read_text(encoding="utf-8")
    sections = sections_of(text, pack.source.sections)
    for section in ["1", "2(5)", "3(1)", "3(8)", "3 note", "4(3)", "5(2)", "5 note", "6 note"]:
        assert sections.get(section), section
    assert sections["3(4)"].startswith("(4) Proof of no criminal record for the applicant.")
    assert "(5)" not in sections["3(4)"] and "Note:" not in sections["3(8)"]
    assert (
        sections["3"].startswith("3. What materials") and "Note: All non-Chinese" in (sections["3"])
    )


def test_apostille_findings_cite_the_convention_and_chinas_accession(pack: Pack) -> None:
    cited = {source.document for source in pack.apostille.cite}
    assert cited == {"apostille_convention", "china_accession"}
    accession = pack.cite([s for s in pack.apostille.cite if s.document == "china_accession"])
    assert "7 November 2023" in accession[0].quote


def test_a_citation_of_an_unknown_document_is_a_located_error(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    path = tmp_path / "rules" / "nanjing" / "3-note-files.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('- {section: "3 note"', '- {document: civil_kode, section: "3 note"', 1),
        encoding="utf-8",
    )
    caught = pack_problems("nanjing", tmp_path / "rules")[0]
    assert caught.location is not None
    assert "unknown source document 'civil_kode'" in caught.text.en
    assert "civil_code" in caught.text.en


def test_every_clause_of_the_faq_has_a_rule(pack: Pack) -> None:
    cited = {s.section for rule in pack.rules for s in rule.sources}
    clauses = {f"3({n})" for n in range(1, 9)} | {
        "3 note",
        "4(1)",
        "4(2)",
        "4(3)",
        "5(1)",
        "5(2)",
        "5 note",
        "6(1)",
        "6(2)",
        "6 note",
    }
    assert clauses <= cited, sorted(clauses - cited)


def test_every_procedure_has_rules(pack: Pack) -> None:
    for procedure in ("new", "extension", "change", "cancellation"):
        assert any(procedure in rule.applies.procedures for rule in pack.rules), procedure


def test_every_check_kind_is_used(pack: Pack) -> None:
    used = {rule.check.kind for rule in pack.rules}
    assert used == set(KINDS)


def test_rule_groups_have_headings(pack: Pack) -> None:
    for rule in pack.rules:
        if rule.subject is None:
            continue  # a rule over every key: grouped by where each value is found
        group = (
            rule.group
            or (rule.document or rule.subject).split(".")[
                1 if (rule.document or rule.subject).startswith("documents.") else 0
            ]
        )
        group = group.removesuffix("[*]")
        assert group in pack.manifest.groups, (rule.id, group)


def test_apostille_table(pack: Pack) -> None:
    table = pack.apostille
    assert table.china_in_force.isoformat() == "2023-11-07"
    assert table.in_force_with_china("IN") is None
    assert table.in_force_with_china("FR").isoformat() == "2023-11-07"  # type: ignore[union-attr]
    assert table.in_force_with_china("CA").isoformat() == "2024-01-11"  # type: ignore[union-attr]
    assert table.in_force_with_china("ZZ") is None
    countries = [state.country for state in table.states]
    assert countries == sorted(countries) and len(countries) == len(set(countries))
    assert not {"CN", "HK", "MO", "IN"} & set(countries)


# ---- invalid packs -----------------------------------------------------------------------

RULE_FILE = "3-new-forms-experience-degree.yaml"


def _broken_pack(tmp_path: Path, old: str, new: str, file: str = RULE_FILE) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    target = root / "nanjing" / file
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    check: {kind: present}",
            "    check: {kind: presnt}",
            "unknown kind 'presnt'; expected one of: ",
        ),
        (
            "    applies: {procedures: [new]}",
            "    aplies: {procedures: [new]}",
            "unknown key 'aplies' in rules[0]; did you mean 'applies'?",
        ),
        (
            "    applies: {procedures: [new]}",
            "    applies: {procedures: [neww]}",
            "expected one of: `new`, `extension`, `change`, `cancellation`",
        ),
        ('zh: "缺少外国人来华工作许可申请表。"}', 'zh: ""}', "must not be empty"),
        ('zh: "缺少外国人来华工作许可申请表。"}', 'de: "x"}', "unknown key 'de'"),
        (
            "The application form is not complete: {problems}.",
            "The application form is not complete: {problem}.",
            "uses {problem}, which check kind facts",
        ),
        (
            "  - id: nanjing.new.application-form.signed-sealed",
            "  - id: nanjing.new.application-form.present",
            "duplicate rule id",
        ),
        (
            "    check: {kind: present}",
            "    check: !!python/object/apply:os.system [echo]",
            "YAML tag",
        ),
        (
            "    check: {kind: max_age, months: 6}",
            "    check: {kind: max_age, months: six}",
            "expected a whole number",
        ),
    ],
)
def test_invalid_rule_files_give_located_errors(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    file = RULE_FILE
    if "max_age" in old:
        file = "3-new-record-medical.yaml"
    root = _broken_pack(tmp_path, old, new, file)
    raised = pack_problems("nanjing", root)[0]
    error = raised
    assert message in error.text.en
    assert error.path is not None and error.path.endswith(file)
    assert error.location is not None and error.location.line > 1


def test_condition_needs_exactly_one_operator(tmp_path: Path) -> None:
    root = _broken_pack(
        tmp_path,
        "{path: documents.degree.obtained_in, equals: CN}",
        "{path: documents.degree.obtained_in}",
    )
    assert "a condition needs exactly one of" in pack_problems("nanjing", root)[0].text.en


def test_unknown_pack() -> None:
    message = pack_problems("shanghai")[0].text.en
    assert "no rule pack 'shanghai' (available: `china`, `nanjing`)" in message


def test_a_variant_the_check_does_not_have_is_a_located_error(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    path = tmp_path / "rules" / "nanjing" / "4-6-extension-change-cancellation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      on_the_day:", "      on_the_dya:", 1), encoding="utf-8")
    caught = pack_problems("nanjing", tmp_path / "rules")[0]
    assert caught.location is not None
    assert "has no case 'on_the_dya' to word; its cases: `on_the_day`" in caught.text.en


# ---- The national pack a city's pack extends (issues 11 and 13) -----------------------

NATIONAL = "../china/national.yaml"  # as _broken_pack names a file: from rules/nanjing
CHINA = "../china/pack.yaml"


def _located_error(root: Path, file: str) -> str:
    """The English text of the error loading the pack under `root`, checked to be located in
    the file whose path ends with `file`."""
    raised = pack_problems("nanjing", root)[0]
    error = raised
    assert error.path is not None and error.path.endswith(file), error.path
    assert error.location is not None and error.location.line > 1
    return error.text.en


def test_a_pack_inherits_the_rules_of_the_pack_it_extends(tmp_path: Path) -> None:
    pack = load_pack("nanjing")
    assert pack.extends == ("china",)
    assert "china.extension.lead-time" in {rule.id for rule in pack.rules}
    # The national pack's documents and apostille table reach the city's rules.
    assert {"civil_code", "apostille_convention"} <= set(pack.documents)
    assert pack.apostille.in_force_with_china("DE") is not None
    # Headings: the city's own order first; the national pack's headings are known too.
    assert next(iter(pack.groups)) == "application"
    assert "current_permit" in pack.groups


def test_disable_switches_an_inherited_rule_off_with_its_reason(tmp_path: Path) -> None:
    root = _broken_pack(
        tmp_path,
        "extends: china\n",
        "extends: china\ndisable:\n  china.extension.lead-time: {en: Not here, zh: 本地不适用}\n",
        "pack.yaml",
    )
    pack = load_pack("nanjing", root)
    assert "china.extension.lead-time" not in {rule.id for rule in pack.rules}
    assert pack.disabled["china.extension.lead-time"].en == "Not here"


@pytest.mark.parametrize(
    ("old", "new", "file", "message"),
    [
        ("extends: china", "extends: chna", "pack.yaml", "extends: no rule pack 'chna' to extend"),
        (
            "extends: china\n",
            "extends: china\ndisable:\n  china.extension.lead-tim: {en: No, zh: 否}\n",
            "pack.yaml",
            "disable: no rule 'china.extension.lead-tim' in the packs this one extends; did "
            "you mean `china.extension.lead-time`?",
        ),
        (
            "id: nanjing.extension.permit.not-expired",
            "id: china.extension.lead-time",
            "4-6-extension-change-cancellation.yaml",
            "rule 'china.extension.lead-time' is already defined by the pack this one extends "
            "('china'); write `override: true` to replace it",
        ),
        (
            "id: nanjing.extension.permit.not-expired",
            "id: nanjing.extension.permit.not-expired\n    override: true",
            "4-6-extension-change-cancellation.yaml",
            "`override: true`, but the pack 'china' extends has no rule "
            "'nanjing.extension.permit.not-expired' to replace",
        ),
    ],
)
def test_extends_mistakes_are_located_errors(
    tmp_path: Path, old: str, new: str, file: str, message: str
) -> None:
    root = _broken_pack(tmp_path, old, new, file)
    assert message in _located_error(root, f"nanjing/{file}")


def test_packs_cannot_extend_each_other_in_a_circle(tmp_path: Path) -> None:
    root = _broken_pack(tmp_path, "city: false\n", "city: false\nextends: nanjing\n", CHINA)
    message = _located_error(root, "china/pack.yaml")
    assert "extends: 'nanjing' extends this pack in turn" in message


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("{kind: before_date, days: 30, opens: 30}", "`opens` (30 days before) must be more than"),
        ("{kind: before_date, days: 0}", "must be from 1 to 36,600 days"),
        ("{kind: before_date, days: 30, opens: 99999}", "must be from 1 to 36,600 days"),
    ],
)
def test_a_lead_time_that_cannot_be_is_a_located_error(
    tmp_path: Path, check: str, message: str
) -> None:
    root = _broken_pack(tmp_path, "{kind: before_date, days: 30}", check, NATIONAL)
    assert message in _located_error(root, "china/national.yaml")


def test_a_window_that_opens_words_too_early_itself_unless_the_rule_does(tmp_path: Path) -> None:
    # A lead time that opens too (`opens`) and has no words of its own for the case.
    root = _broken_pack(
        tmp_path,
        "{kind: before_date, days: 30}",
        "{kind: before_date, days: 30, opens: 90}",
        NATIONAL,
    )
    pack = load_pack("nanjing", root)
    data = patched(example_data("extension"), {"current_permit.expiry_date": "2027-03-31"})
    loaded = load_bytes(to_yaml(data), "extension.yaml")
    found = [
        f
        for f in evaluate(loaded, pack, date(2026, 12, 30), warn_days=None).findings
        if f.rule == "china.extension.lead-time"
    ]
    assert [f.status for f in found] == ["warn"]
    assert found[0].message.en == (
        "Too early: the window opens on 2026-12-31, 90 days before 2027-03-31, and 2026-12-30 "
        "is earlier; a filing before that day may be refused."
    )
    assert found[0].fix is not None
    assert found[0].fix.en == "Submit between 2026-12-31 and 2027-03-01."


# ---- Rule templates: shared texts written once (issue 13) ----------------------------------

FAMILY_FILE = "3-new-contract-passport-family.yaml"


def test_rules_that_name_a_template_take_its_keys(pack: Pack) -> None:
    templated = [rule for rule in pack.rules if rule.check.kind == "translation"]
    assert len(templated) == 11
    assert all("3 note" in {s.section for s in rule.sources} for rule in templated)
    text = "".join(p.read_text("utf-8") for p in (ROOT / "rules" / "nanjing").glob("*.yaml"))
    # The FAQ's translation note is quoted once, in the template, not once per document; only
    # a rule that cites more than the template writes its own list of sources.
    more = [rule for rule in templated if len(rule.sources) > 1]
    assert text.count("All non-Chinese materials mentioned above require") == 1 + len(more) < 4


def test_a_rule_s_own_keys_win_over_its_template(tmp_path: Path) -> None:
    root = _broken_pack(
        tmp_path,
        "  - id: nanjing.new.contract.translation\n    template: translation\n",
        "  - id: nanjing.new.contract.translation\n    template: translation\n"
        "    description: {en: Its own words., zh: 自己的说明。}\n",
        FAMILY_FILE,
    )
    rules = {rule.id: rule for rule in load_pack("nanjing", root).rules}
    assert rules["nanjing.new.contract.translation"].description.en == "Its own words."
    assert rules["nanjing.new.family.relationship-translation"].description.en.startswith(
        "Every non-Chinese document except passports"
    )


def test_an_unknown_template_is_a_located_error(tmp_path: Path) -> None:
    root = _broken_pack(
        tmp_path,
        "  - id: nanjing.new.contract.translation\n    template: translation\n",
        "  - id: nanjing.new.contract.translation\n    template: translaton\n",
        FAMILY_FILE,
    )
    message = _located_error(root, FAMILY_FILE)
    assert "no rule template 'translaton' in this file or in pack.yaml; did you mean " in message
    assert "`translation`?" in message
