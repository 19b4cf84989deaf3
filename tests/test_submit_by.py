"""`submit by` when windows are unknown, and `timeline`'s exit code (issue 14, item 7)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import example_without_files, invoke, patched, to_yaml


def _without_dated_documents(tmp_path: Path) -> str:
    """examples/new-permit.yaml without its criminal record and medical examination: the
    family member's medical examination alone gives a window; the two missing documents will
    set the date."""
    data = patched(
        example_without_files("new-permit"),
        delete=["documents.criminal_record", "documents.medical_exam"],
    )
    path = tmp_path / "dossier.yaml"
    path.write_bytes(to_yaml(data))
    return str(path)


def test_text_says_the_missing_documents_will_set_the_date(tmp_path: Path) -> None:
    out = invoke("validate", _without_dated_documents(tmp_path)).stdout
    summary = out.splitlines()[-1]
    assert "submit by 20" not in summary
    assert "submit by: at the latest 2027-04-01" in summary
    assert summary.endswith(
        "; set once added: Certificate of no criminal record, Medical examination certificate"
    )
    zh = invoke("validate", _without_dated_documents(tmp_path), "--lang", "zh").stdout
    assert "最迟于 2027-04-01 提交（可能提前）" in zh.splitlines()[-1]
    assert "补齐后方可确定期限：无犯罪记录证明、体检证明" in zh.splitlines()[-1]


def test_json_and_markdown_say_so_too(tmp_path: Path) -> None:
    path = _without_dated_documents(tmp_path)
    report = json.loads(invoke("validate", path, "-f", "json").stdout)
    dossier = report["dossiers"][0]
    # `submit_by` keeps its meaning (every known window holds until then); the new field says
    # which windows are not known yet.
    assert dossier["submit_by"] == "2027-04-01"
    assert dossier["submit_by_pending"] == [
        "documents.criminal_record.issued_on",
        "documents.medical_exam.issued_on",
    ]
    markdown = invoke("validate", path, "-f", "markdown").stdout
    assert "at the latest 2027-04-01" in markdown


def test_a_complete_dossier_has_nothing_pending() -> None:
    report = json.loads(invoke("validate", "examples/new-permit.yaml", "-f", "json").stdout)
    assert report["dossiers"][0]["submit_by_pending"] == []
    out = invoke("validate", "examples/new-permit.yaml").stdout
    assert "submit by 2027-03-15 (set by Certificate of no criminal record)" in out


def test_timeline_exits_1_when_a_window_has_closed() -> None:
    assert invoke("timeline", "examples/not-ready.yaml").exit_code == 1
    assert invoke("timeline", "examples/not-ready.yaml", "-f", "json").exit_code == 1
    assert invoke("timeline", "examples/new-permit.yaml").exit_code == 0
