"""`steps` for every procedure (FAQ 2, 4-6), not ready dossiers, and validate's "Next steps"."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, example_file, example_without_files, invoke, patched, to_yaml


def _json(*args: str) -> dict[str, Any]:
    result = invoke(*args, "-f", "json")
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _write(tmp_path: Path, data: dict[str, Any], name: str = "dossier.yaml") -> str:
    path = tmp_path / name
    path.write_bytes(to_yaml(data))
    return str(path)


# ---- steps of an extension, a change, a cancellation (issue 14, item 10) --------------------

PROCEDURES = {
    "extension": (
        "Steps of a work permit extension in Nanjing (FAQ 4)",
        ["Print, sign and seal the extension application form", "Apply for the extension"],
        {"4(1)", "4(2)", "4(3)", "6 note", "Art. 50"},
    ),
    "change": (
        "Steps of a change of work permit information in Nanjing (FAQ 5)",
        ["Print, sign and seal the change application form", "Apply for the change"],
        {"5(1)", "5(2)", "5 note"},
    ),
    "cancellation": (
        "Steps of a work permit cancellation in Nanjing (FAQ 6)",
        ["Print, sign and seal the cancellation application form", "Apply for the cancellation"],
        {"6(1)", "6(2)", "6 note"},
    ),
}


@pytest.mark.parametrize("procedure", sorted(PROCEDURES))
def test_steps_of_a_dossier_are_those_of_its_procedure(procedure: str) -> None:
    title, titles, sections = PROCEDURES[procedure]
    result = invoke("steps", example_file(procedure))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(title + " — ")
    assert re.findall(r"^\d\. (.+?) \(", result.stdout, flags=re.M) == titles
    assert "Notification Letter" not in result.stdout  # no new-hire step
    data = _json("steps", example_file(procedure))
    assert data["procedure"] == procedure
    assert data["note"] is None
    cited = {source["section"] for step in data["steps"] for source in step["sources"]}
    assert sections <= cited
    # Each step quotes its FAQ section, as the new-hire steps do.
    assert all(source["quote"] for step in data["steps"] for source in step["sources"])


@pytest.mark.parametrize("procedure", sorted(PROCEDURES))
def test_steps_without_a_dossier_take_a_procedure(procedure: str) -> None:
    title, titles, _ = PROCEDURES[procedure]
    result = invoke("steps", "--procedure", procedure)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == title
    assert re.findall(r"^\d\. (.+?) \(", result.stdout, flags=re.M) == titles
    chinese = invoke("steps", "-p", procedure, "--lang", "zh").stdout
    assert f"FAQ第{ {'extension': 4, 'change': 5, 'cancellation': 6}[procedure] }问" in chinese
    # The place to apply depends on the employer: without a dossier, `where` names it.
    assert "the employer's acceptance window (run `permitcheck where`)" in result.stdout


def test_a_procedure_that_contradicts_the_dossier_is_a_usage_error() -> None:
    result = invoke("steps", example_file("change"), "--procedure", "extension")
    assert result.exit_code == 2
    assert "--procedure extension: the dossier is for a change (`application.type: change`)" in (
        result.stderr
    )
    assert invoke("steps", example_file("change"), "--procedure", "change").exit_code == 0


@pytest.mark.parametrize(
    ("procedure", "as_of", "due", "set_by"),
    [
        ("extension", "2026-12-07", "2026-12-16", "Extension filed at least 30 days before"),
        ("change", "2026-12-07", "2026-12-11", "Change filed within 10 working days"),
        ("cancellation", "2026-12-01", "2026-12-04", "Cancellation filed within 10 working days"),
    ],
)
def test_the_application_step_is_due_when_validate_says(
    procedure: str, as_of: str, due: str, set_by: str
) -> None:
    checked = _json("validate", example_file(procedure), "--as-of", as_of)["dossiers"][0]
    assert checked["ready"] and checked["submit_by"] == due
    data = _json("steps", example_file(procedure), "--as-of", as_of)
    assert data["ready"] is True and data["blocking"] == 0
    applying = data["steps"][-1]
    assert applying["authority"] is not None  # the employer's acceptance window (FAQ 1)
    assert (applying["due"], applying["blocked"]) == (due, None)
    assert set_by in applying["due_note"]
    assert [step["due"] for step in data["steps"][:-1]] == [None]  # printing the form


def test_a_change_is_due_ten_working_days_after_it_on_the_official_calendar(
    tmp_path: Path,
) -> None:
    """10 working days after 2026-09-28 end on 2026-10-16 (the National Day holiday and its
    make-up working days): the date validate computes, not one counted again."""
    dossier = patched(
        example_without_files("change"),
        {
            "change.occurred_on": "2026-09-28",
            "application.submission_date": "2026-10-09",
            "documents.change_evidence[0].issued_on": "2026-09-20",
        },
    )
    path = _write(tmp_path, dossier)
    result = invoke("steps", path, "--as-of", "2026-10-09")
    assert result.exit_code == 0, result.output
    assert "Due: by 2026-10-16; the last day every time window of the dossier still holds" in (
        result.stdout
    )
    assert "set by: Change filed within 10 working days" in result.stdout


def test_a_pack_without_the_procedures_steps_says_so(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    steps = root / "nanjing" / "steps.yaml"
    text = steps.read_text(encoding="utf-8")
    steps.write_text(text[: text.index("\nprocedures:")] + "\n", encoding="utf-8")
    data = _json("steps", example_file("extension"), "--rules", str(root))
    assert data["note"] == (
        "The Nanjing rule pack describes no steps for an extension; these steps describe a "
        "new application."
    )
    assert data["steps"][0]["id"] == "account"


def test_pack_test_checks_the_quotes_of_every_procedures_steps(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    steps = root / "nanjing" / "steps.yaml"
    text = steps.read_text(encoding="utf-8")
    old = 'quote: "Supporting documents for the requested changes."'
    assert text.count(old) == 1
    steps.write_text(text.replace(old, 'quote: "Supporting documents for every change."'))
    result = invoke("pack", "test", str(root / "nanjing"))
    assert result.exit_code == 1
    assert "steps: change: the quote of FAQ 5(2) is not in faq-2025.txt word for word" in (
        result.stdout + result.stderr
    )


# ---- a dossier that is not ready (issue 14, item 7) ----------------------------------------


def test_steps_give_no_due_date_to_a_dossier_that_is_not_ready(tmp_path: Path) -> None:
    # Every time window holds, but the criminal record is missing: the Notification Letter
    # cannot be applied for by any date until it is there.
    dossier = patched(example_without_files("new-permit"), delete=["documents.criminal_record"])
    path = _write(tmp_path, dossier)
    checked = _json("validate", path)["dossiers"][0]
    assert checked["ready"] is False and checked["submit_by"] is not None
    blocking = checked["counts"]["fail"]
    result = invoke("steps", path)
    assert result.exit_code == 0
    letter = result.stdout.split("2. Apply for the Notification Letter")[1].split("\n\n")[0]
    assert "Due:" not in letter
    assert (
        f"[!] Not ready: {blocking} problem{'s' if blocking > 1 else ''} to solve first; "
        f"`permitcheck validate {path}` lists"
    ) in letter
    assert f"The dossier's time windows hold until {checked['submit_by']}" in letter
    data = _json("steps", path)
    assert (data["ready"], data["blocking"]) == (False, blocking)
    step = next(step for step in data["steps"] if step["id"] == "notification")
    assert step["due"] is None and step["due_note"] is None
    assert step["blocked"].startswith("Not ready: ")
    chinese = _json("steps", path, "--lang", "zh")
    blocked = next(s for s in chinese["steps"] if s["id"] == "notification")["blocked"]
    assert blocked.startswith(f"尚不能提交：须先解决 {blocking} 项问题")


def test_later_steps_keep_the_dates_the_dossier_gives(tmp_path: Path) -> None:
    dossier = patched(
        example_without_files("new-permit"),
        {"application.entry_date": "2027-01-10"},
        delete=["documents.criminal_record"],
    )
    data = _json("steps", _write(tmp_path, dossier))
    due = {step["id"]: step["due"] for step in data["steps"]}
    assert due["notification"] is None
    assert due["residence_permit"] == "2027-02-09"  # counted from the entry the dossier gives


# ---- validate's "Next steps" (issue 14, item 10) -------------------------------------------


def _block(out: str) -> str:
    assert "\nNext steps\n" in out, out
    return out.split("\nNext steps\n")[1].split("\n\n")[0]


def test_a_ready_dossier_ends_with_where_to_go_by_when_and_what_follows() -> None:
    result = invoke("validate", example_file("new-permit"), "--as-of", "2026-12-07")
    assert result.exit_code == 0
    block = _block(result.stdout)
    # Where: the window `where` names for the employer (registered in Jianye: municipal).
    where = invoke("where", example_file("new-permit")).stdout
    assert "Windows A314 and A315" in where
    assert block.splitlines()[0].startswith(
        "  Apply at: Nanjing Municipal Bureau of Science and Technology, Windows A314 and A315, "
        "1st floor, Nanjing Municipal Government Service Center, No. 265 Jiangdong Middle Road"
    )
    assert "hotline 025-68505314, 025-68505315  [FAQ 1]" in block
    assert "  By: 2027-03-15 (the last day every time window still holds; set by " in block
    then = re.findall(r"^    (\d)\. (.+?) \(", block, flags=re.M)
    assert then == [
        ("3", "Apply for the work visa"),
        ("4", "Get the electronic social security card"),
        ("5", "Apply for the work residence permit"),
    ]
    assert block.splitlines()[-1] == (
        f"  Every step, with places: permitcheck steps {example_file('new-permit')}"
    )


def test_the_next_steps_of_an_extension_name_its_window_and_lead_time() -> None:
    out = invoke("validate", example_file("extension"), "--as-of", "2026-12-07").stdout
    block = _block(out)
    assert "Apply at: Jiangning Development Zone Science and Technology Talent Bureau" in block
    assert "By: 2026-12-16" in block
    assert "Extension filed at least 30 days before the permit expires" in block
    assert "Then:" not in block  # FAQ 4 names no step after the application


def test_no_next_steps_for_a_dossier_that_is_not_ready() -> None:
    result = invoke("validate", example_file("not-ready"), "--as-of", "2026-12-07")
    assert result.exit_code == 1
    assert "Next steps" not in result.stdout
    flagged = invoke(
        "validate", example_file("extension"), "--as-of", "2026-12-07", "--fail-on", "warning"
    )
    assert flagged.exit_code == 1 and "Next steps" not in flagged.stdout


def test_one_next_steps_block_per_ready_dossier() -> None:
    names = ["new-permit", "not-ready", "extension"]
    out = invoke("validate", *map(example_file, names), "--as-of", "2026-12-07").stdout
    assert out.count("\nNext steps\n") == 2
    # Each block follows its own dossier's summary line.
    for chunk in out.split("\nReady: ")[1:]:
        assert chunk.split("\n\n")[1].startswith("Next steps")


def test_the_next_steps_in_chinese() -> None:
    out = invoke(
        "validate", example_file("new-permit"), "--as-of", "2026-12-07", "--lang", "zh"
    ).stdout
    assert "\n下一步\n" in out
    block = out.split("\n下一步\n")[1]
    assert "  申请地点：南京市科学技术局" in block
    assert "  期限：2027-03-15（各项时限均仍有效的最后一日；" in block
    assert "    3. 申请工作签证（申请人）：中国驻外使领馆" in block


def test_once_the_letter_is_issued_the_next_steps_start_after_it(tmp_path: Path) -> None:
    dossier = patched(
        example_without_files("new-permit"), {"notification_letter.issued_on": "2026-12-01"}
    )
    out = invoke("validate", _write(tmp_path, dossier), "--as-of", "2026-12-07").stdout
    block = _block(out)
    assert "Apply at:" not in block and "By:" not in block
    # The work visa within the letter's 6 months.
    assert "3. Apply for the work visa (Applicant): A Chinese embassy or consulate abroad; " in (
        block
    )
    assert "due by 2027-06-01" in block


def test_other_formats_carry_no_next_steps() -> None:
    for fmt in ("json", "markdown", "github"):
        out = invoke("validate", example_file("new-permit"), "-f", fmt).stdout
        assert "Next steps" not in out and "next_steps" not in out, fmt
