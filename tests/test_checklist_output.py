"""The text checklist (issue 14, items 5 and 6): each failing item named and located, and
`--quiet` for hooks and large batches."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from helpers import evaluate_data, example_data, example_without_files, invoke, patched, to_yaml
from permitcheck.findings import RenderOptions, Report
from permitcheck.render import render


def _three_certificates(tmp_path: Path) -> str:
    """examples/new-permit.yaml with three work-experience certificates, the second unsealed."""
    data = example_without_files("new-permit")
    first = data["documents"]["work_experience"][0]
    second = {**first, "issuer": "Siemens AG", "sealed_or_signed": False}
    third = {**first, "issuer": "Bosch GmbH"}
    data = patched(data, {"documents.work_experience": [first, second, third]})
    path = tmp_path / "three.yaml"
    path.write_bytes(to_yaml(data))
    return str(path)


def _line_of(path: str, text: str) -> int:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_failing_list_entry_is_named_and_located(tmp_path: Path) -> None:
    path = _three_certificates(tmp_path)
    out = invoke("validate", path).stdout
    failing = [line for line in out.splitlines() if line.startswith("  [FAIL]")]
    assert len(failing) == 1, out
    line = _line_of(path, "issuer: Siemens AG")
    assert failing[0].startswith("  [FAIL] Entry 2 (Siemens AG): ")
    assert failing[0].endswith(f"  {path}:{line}")
    # The entries that pass are named too, so that the two `[ok]` are told apart.
    assert "  [ok] Entry 1 (KUKA AG): " in out
    assert "  [ok] Entry 3 (Bosch GmbH): " in out
    zh = invoke("validate", path, "--lang", "zh").stdout
    assert "  [不通过] 第 2 项（Siemens AG）：" in zh


def test_every_failure_in_text_gives_its_line() -> None:
    out = invoke("validate", "examples/not-ready.yaml").stdout
    failing = [line for line in out.splitlines() if line.startswith("  [FAIL]")]
    assert failing
    for line in failing:
        assert "  examples/not-ready.yaml:" in line, line


def test_markdown_names_the_entry(tmp_path: Path) -> None:
    out = invoke("validate", _three_certificates(tmp_path), "-f", "markdown").stdout
    assert "**Proof of work experience**: Entry 2 (Siemens AG): " in out


def test_quiet_shows_only_what_is_wrong() -> None:
    out = invoke("validate", "examples/not-ready.yaml", "--quiet").stdout
    assert "[FAIL]" in out
    assert "[ok]" not in out
    assert "Fix: " in out
    assert out.splitlines()[-1].startswith("Not ready: 3 missing, 6 to fix")
    assert "Employer\n" not in out  # a heading with nothing wrong under it is left out


def test_quiet_ready_dossier_is_one_line() -> None:
    out = invoke("validate", "examples/new-permit.yaml", "-q").stdout
    assert out == (
        "examples/new-permit.yaml: Ready: 45 checks passed; submit by 2027-03-15 "
        "(set by Certificate of no criminal record)\n"
    )
    many = invoke("validate", "examples/new-permit.yaml", "examples/not-ready.yaml", "-q")
    lines = many.stdout.splitlines()
    assert lines[0].startswith("examples/new-permit.yaml: Ready: ")
    assert lines[-1] == "1 of 2 dossiers ready"
    assert many.exit_code == 1


def test_the_pre_commit_hook_is_quiet() -> None:
    hooks = (Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text()
    assert "entry: permitcheck validate --quiet " in hooks


def test_wrapped_lines_keep_their_indent_on_a_terminal() -> None:
    """At 60 columns, a finding's message wraps under itself (after the mark), and its fix
    under the fix; nothing falls back to the left edge."""
    result = evaluate_data(example_data("not-ready"), as_of="2026-12-07")
    text = render("report", Report((result,), ()), "text", RenderOptions(color=True, width=60))
    lines = re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()
    assert all(len(line) <= 60 and line == line.rstrip() for line in lines)
    for before, line in itertools.pairwise(lines):
        if before.startswith("  ✗ ") and not line.startswith("      Fix"):
            assert line.startswith("    ") and not line.startswith("     "), (before, line)
    fix_lines = [i for i, line in enumerate(lines) if line.startswith("      Fix: ")]
    assert fix_lines
    for i in fix_lines:
        after = lines[i + 1]
        assert after == "" or after.startswith(("      ", "  ✓", "  ✗", "  !", "  ◎")), after


def test_wrapped_chinese_loses_no_character_on_a_terminal() -> None:
    """Chinese has no spaces to break at: a long line is folded, never cut with an ellipsis
    (the acceptance window's hotline in the Next steps block once was)."""
    out = invoke(
        "validate",
        "examples/new-permit.yaml",
        "--lang",
        "zh",
        "--color",
        "always",
        env={"COLUMNS": "60"},
    ).stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "下一步" in plain and "…" not in plain
    joined = "".join(line.strip() for line in plain.splitlines())
    assert "咨询电话025-68505314" in joined.replace(" ", "")


def test_timeline_marks_point_at_their_columns_and_the_dates_have_a_header() -> None:
    lines = invoke("timeline", "examples/new-permit.yaml").stdout.splitlines()
    assert lines[1].endswith(" last day")
    bar = lines[2]
    as_of = next(line for line in lines if "^ as of 2026-12-07" in line)
    submit = next(line for line in lines if "^ submit by 2027-03-15" in line)
    # Each `^` stands under what it marks: the reference date's `|` in every bar, and the
    # submit-by day at the end of the window that sets it (the criminal record's).
    assert bar[as_of.index("^")] == "|"
    assert bar[submit.index("^")] == "#" and bar[submit.index("^") + 1] == "."
    assert as_of.lstrip().startswith("^") and submit.lstrip().startswith("^")
