"""`permitcheck pack test`, on a fictional city's pack written only in YAML (issue 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, invoke

LAKESIDE = ROOT / "tests" / "packs" / "lakeside"


def _copy(tmp_path: Path) -> Path:
    """A copy of the Lakeside pack to break (it still extends the shipped national pack)."""
    target = tmp_path / "packs" / "lakeside"
    shutil.copytree(LAKESIDE, target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once; the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _test(directory: Path, *more: str) -> tuple[int, dict[str, object]]:
    result = invoke("pack", "test", str(directory), "--format", "json", *more)
    return result.exit_code, json.loads(result.stdout)


def _messages(report: dict[str, object], key: str = "failures") -> list[str]:
    found = report[key]
    assert isinstance(found, list)
    return [f"{p['path']}:{p['line']}: {p['message']}" for p in found]


def test_a_fictional_city_in_yaml_only_passes_its_pack_test() -> None:
    code, report = _test(LAKESIDE)
    assert (code, report["ok"], report["failures"], report["errors"]) == (0, True, [], [])
    # The national rule it replaces and its own two, and the national category rules with
    # their cases (the national pack's, run on Lakeside); the one it switches off is gone.
    inherited = _inherited_category_cases()
    assert report["rules"] == 5
    assert report["cases"] == report["passed"] == 7 + inherited
    text = invoke("pack", "test", str(LAKESIDE))
    assert text.exit_code == 0
    assert "pack lakeside" in text.stdout
    assert f"5 rules, {7 + inherited} of {7 + inherited} cases hold" in text.stdout


def _inherited_category_cases() -> int:
    """The national pack's cases of its category rules (which Lakeside keeps)."""
    cases = (ROOT / "rules" / "china" / "cases" / "category-points.yaml").read_text("utf-8")
    return cases.count("- rule: china.category.")


def test_the_fictional_city_composes_with_the_national_pack() -> None:
    packs = str(LAKESIDE.parent)
    listed = invoke("rules", "--rules", packs, "--city", "lakeside").stdout
    assert "Extension filed at least 45 days before the permit expires" in listed  # override
    assert "china.extension.window-opens" not in listed.split("Switched off")[0]
    assert "Switched off:\n  china.extension.window-opens: The Lakeside window accepts" in listed
    where = invoke("where", "--rules", packs, "--city", "lakeside", "--registered-in", "harbour")
    assert where.exit_code == 0 and "Lakeside Talent Service Hall" in where.stdout
    dossier = str(LAKESIDE / "cases" / "dossiers" / "extension.yaml")
    late = invoke("validate", "--rules", packs, dossier, "--as-of", "2027-02-15")
    assert late.exit_code == 1
    assert "Lakeside asks for an extension at least 45 days before, by 2027-02-14" in late.stdout
    ready = invoke("validate", "--rules", packs, dossier, "--as-of", "2027-02-14")
    assert ready.exit_code == 0, ready.stdout
    packs_listed = invoke("rules", "--packs", "--rules", packs).stdout
    assert "lakeside" in packs_listed and "city, extends china" in packs_listed


def test_a_failing_case_is_located_at_the_case(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    cases = pack / "cases" / "extension.yaml"
    line = _edit(
        cases,
        '    as_of: "2027-02-14"\n    expect: pass',
        '    as_of: "2027-02-14"\n    expect: fail',
    )
    code, report = _test(pack)
    assert code == 1 and report["ok"] is False
    messages = _messages(report)
    assert f"{cases}:{line - 2}: rule china.extension.lead-time: expected `fail`, got `pass`" in (
        "\n".join(messages)
    )
    # The rule has lost its only passing case: the coverage says so, at the rule.
    assert any(
        m.startswith(f"{pack / 'rules.yaml'}:5: rule china.extension.lead-time has no passing case")
        for m in messages
    ), messages


def test_a_quote_not_in_the_source_is_located_at_its_rule(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    _edit(
        pack / "rules.yaml",
        "at least 45 days before the work permit expires.",
        "at least 40 days before the work permit expires.",
    )
    code, report = _test(pack)
    assert code == 1
    (message,) = _messages(report)
    assert message.startswith(f"{pack / 'rules.yaml'}:5: china.extension.lead-time: the quote of ")
    assert "Lakeside FAQ 2(1) is not in faq.txt word for word" in message


def test_a_quote_under_the_wrong_section_is_found_wanting(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    _edit(pack / "rules.yaml", '{section: "2(2)"', '{section: "2(1)"')
    _, report = _test(pack)
    assert any("Lakeside FAQ 2(1) is not in faq.txt" in m for m in _messages(report))
    _edit(
        pack / "rules.yaml",
        '{section: "2(1)", quote: "The extension',
        '{section: "2(9)", quote: "The extension',
    )
    _, report = _test(pack)
    assert any(
        "has no section '2(9)' in faq.txt; its sections: `1`, `2`" in m for m in _messages(report)
    )


def test_a_text_missing_a_language_is_found(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    _edit(pack / "pack.yaml", 'zh: "申请表"', 'zh: "Application form"')
    _edit(pack / "rules.yaml", 'zh: "已提交延期申请表"', 'zh: "Form present"')
    _, report = _test(pack)
    messages = _messages(report)
    assert any(
        "groups.application_form: no Chinese text" in m and "pack.yaml" in m for m in messages
    )
    assert any(
        "lakeside.extension.application-form.present.title: no Chinese text" in m for m in messages
    )


def test_a_case_of_an_unknown_rule_is_answered_with_the_near_one(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    _edit(
        pack / "cases" / "extension.yaml",
        "  - rule: lakeside.all.employer.window\n    base: extension\n    expect: pass",
        "  - rule: lakeside.all.employer.windw\n    base: extension\n    expect: pass",
    )
    _, report = _test(pack)
    assert any(
        "names rule lakeside.all.employer.windw, which the pack does not have; did you mean "
        "`lakeside.all.employer.window`?" in m
        for m in _messages(report)
    )


def test_a_case_file_that_cannot_be_read_is_an_error_and_the_others_still_run(
    tmp_path: Path,
) -> None:
    pack = _copy(tmp_path)
    broken = pack / "cases" / "broken.yaml"
    broken.write_text("cases:\n  - rule: lakeside.all.employer.window\n    expct: pass\n", "utf-8")
    code, report = _test(pack)
    assert code == 2
    errors = _messages(report, "errors")
    assert len(errors) >= 1 and all(m.startswith(f"{broken}:") for m in errors)
    assert any("expct" in m and "did you mean 'expect'" in m for m in errors), errors
    assert report["passed"] == 7 + _inherited_category_cases()  # the readable files ran


def test_a_folder_that_is_not_a_pack_is_an_error(tmp_path: Path) -> None:
    result = invoke("pack", "test", str(tmp_path))
    assert result.exit_code == 2
    assert "not a rule pack: the folder has no pack.yaml" in result.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_speaks_both_languages(lang: str) -> None:
    result = invoke("pack", "test", str(LAKESIDE), "--lang", lang)
    assert result.exit_code == 0
    assert ("规则包 lakeside" if lang == "zh" else "pack lakeside") in result.stdout


def test_windows_and_steps_are_optional_and_their_commands_say_so() -> None:
    packs = str(LAKESIDE.parent)
    steps = invoke("steps", "--rules", packs, "--city", "lakeside")
    assert steps.exit_code == 2
    assert "the rule pack 'lakeside' describes no steps (no `data: steps` in its pack.yaml)" in (
        steps.stderr
    )
    where = invoke("where", "--city", "china", "--registered-in", "harbour")
    assert where.exit_code == 2
    assert "the rule pack 'china' describes no acceptance windows" in where.stderr


def test_a_district_extends_a_city_and_each_rule_cites_its_own_source(tmp_path: Path) -> None:
    """Three levels (china -> nanjing -> a district with its own notice): the city's rules
    keep citing the city's FAQ, the district's its notice."""
    from helpers import load_pack

    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    district = root / "riverside"
    district.mkdir()
    (district / "notice.txt").write_text(
        "Riverside notice\n1. Employers of Riverside also bring their business licence.\n",
        "utf-8",
    )
    (district / "pack.yaml").write_text(
        "pack: riverside\nname: {en: Riverside, zh: 河畔区}\nextends: nanjing\n"
        "source: {title: Riverside notice, title_zh: 河畔区通知, short: {en: Notice, zh: 通知},"
        " publisher: Riverside, published: '2026', text: notice.txt}\n",
        "utf-8",
    )
    (district / "rules.yaml").write_text(
        "rules:\n"
        "  - id: riverside.all.employer.named\n"
        "    title: {en: Employer named, zh: 已填写用人单位}\n"
        "    applies: {procedures: [new]}\n"
        "    subject: employer.name\n"
        "    check: {kind: condition, require: {path: employer.name, stated: true}}\n"
        "    message: {en: No employer., zh: 没有用人单位。}\n"
        "    fix: {en: Name it., zh: 请填写。}\n"
        "    description: {en: The employer is named., zh: 须填写用人单位。}\n"
        "    sources:\n"
        "      - {section: '1', quote: Employers of Riverside also bring their business"
        " licence., quote_zh: 河畔区用人单位还须携带营业执照。}\n",
        "utf-8",
    )
    pack = load_pack("riverside", root)
    assert pack.extends == ("nanjing", "china")
    rules = {rule.id: rule for rule in pack.rules}
    inherited = pack.cite(rules["nanjing.new.criminal-record.age"].sources)
    own = pack.cite(rules["riverside.all.employer.named"].sources)
    assert [ref.cite("en") for ref in inherited] == ["FAQ 3(4)"]
    assert "Nanjing" in inherited[0].title
    assert [ref.cite("en") for ref in own] == ["Notice 1"]
    # The acceptance windows it inherits keep citing the city's FAQ too.
    where = invoke(
        "where", "--rules", str(root), "--city", "riverside", "--registered-in", "jianye"
    )
    assert where.exit_code == 0, where.stderr
    assert "Source     FAQ 1" in where.stdout


def test_a_heading_that_starts_with_nothing_is_a_located_error(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    line = _edit(pack / "pack.yaml", 'starts: ["{n}. "]', 'starts: [""]')
    result = invoke("pack", "test", str(pack))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{pack / 'pack.yaml'}:{line}:")
    assert "source.sections[0].starts[0]: must not be empty" in result.stderr
