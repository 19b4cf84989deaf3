"""The command line through Typer's CliRunner: exit codes, stdout, stderr, formats, languages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import (
    CLI_ENV,
    EXAMPLES,
    ROOT,
    checklist,
    example_data,
    example_file,
    invoke,
    patched,
    to_yaml,
)
from permitcheck import __version__
from permitcheck.cli.app import app

READY = ["new-permit", "category-a-commitment", "extension", "change", "cancellation"]
ALL_EXAMPLES = [*READY, "not-ready"]
ANSI = re.compile(r"\x1b\[")


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return invoke(*args, env=env)


example = example_file


def write(tmp_path: Path, name: str, data: dict[str, Any] | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else to_yaml(data))
    return str(path)


@pytest.mark.parametrize("name", READY)
def test_ready_examples_exit_0(name: str) -> None:
    result = run("validate", example(name))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert checklist(result.stdout).splitlines()[-1].startswith("Ready: ")
    assert "[FAIL]" not in result.stdout


def test_not_ready_example() -> None:
    result = run("validate", example("not-ready"))
    assert result.exit_code == 1
    assert result.stderr == ""
    out = result.stdout
    assert out.splitlines()[-1] == (
        "Not ready: 3 missing, 6 to fix; closed: Medical examination certificate (last day "
        "2026-10-30), Passport or international travel document (last day 2026-10-31); "
        "no submit-by date yet; set once added: Certificate of no criminal record, "
        "Family member 1: Priya Mehta (spouse)"
    )
    assert "[FAIL] The certificate of no criminal record is missing.  [FAQ 3(4)]" in out
    assert "Fix: Apply for a certificate of no criminal record" in out
    assert "apostille from India is not accepted" in out
    assert "commitment is accepted only for: Category A" in out
    assert not ANSI.search(out)


def test_checklist_groups_by_document_in_pack_order() -> None:
    out = run("validate", example("new-permit")).stdout
    lines = checklist(out).splitlines()
    assert lines[1] == "Maria Keller (passport C01****47)"
    headings = [line for line in lines[2:] if line and not line.startswith(" ")][:-1]
    assert headings == [
        "Application",
        "Application form",
        "Proof of work experience",
        "Highest degree certificate",
        "Certificate of no criminal record",
        "Medical examination certificate",
        "Employment contract or certificate",
        "Passport or international travel document",
        "Family member 1: Lukas Keller (spouse)",
        "Family member 2: Emma Keller (child)",
        "Employer",
        "Reference date",
    ]


def test_summary_names_a_closed_window_beside_an_open_one() -> None:
    """A missed deadline is named even when another window still holds (audit 2026, item 14):
    the change was due 2026-12-11; the permit holds until 2027-09-29."""
    out = run("validate", example("change"), "--as-of", "2026-12-20").stdout
    summary = out.splitlines()[-1]
    assert summary.startswith("Not ready: ")
    assert "closed: Change of permit information (last day 2026-12-11)" in summary
    assert "the other windows hold until 2027-09-29 (set by Current work permit)" in summary
    assert "submit by" not in summary
    markdown = run("validate", example("change"), "--as-of", "2026-12-20", "-f", "markdown").stdout
    assert "closed: Change of permit information" in markdown


def test_summary_names_submit_by() -> None:
    out = run("validate", example("new-permit")).stdout
    assert checklist(out).splitlines()[-1] == (
        "Ready: 45 checks passed; submit by 2027-03-15 (set by Certificate of no criminal record)"
    )
    assert out.count("[ok]") == 45


def test_as_of_overrides_the_submission_date() -> None:
    result = run("validate", example("new-permit"), "--as-of", "2027-03-16")
    assert result.exit_code == 1
    assert "Issued 2026-09-15, 6 months and 1 day before 2027-03-16" in result.stdout


def test_a_planned_date_gone_by_does_not_freeze_the_clock() -> None:
    """Without --as-of, a planned date before today is not the reference date: today is, and a
    warning says the planned date has passed (the extension's permit expires 2027-01-15)."""
    result = run(
        "validate", example("extension"), "-f", "json", env={"PERMITCHECK_TODAY": "2027-01-22"}
    )
    assert result.exit_code == 1
    dossier = json.loads(result.stdout)["dossiers"][0]
    assert dossier["as_of"] == "2027-01-22" and not dossier["ready"]
    statuses = {f["rule"]: f["status"] for f in dossier["findings"]}
    assert statuses["nanjing.extension.permit.not-expired"] == "fail"
    assert statuses["nanjing.all.submission-date.passed"] == "warn"
    text = run("validate", example("extension"), env={"PERMITCHECK_TODAY": "2027-01-22"})
    assert (
        "[WARN] The planned submission date 2026-12-03 is before the reference date 2027-01-22"
    ) in text.stdout
    # The same in every command that measures windows.
    timeline = run("timeline", example("extension"), env={"PERMITCHECK_TODAY": "2027-01-22"})
    assert "as of 2027-01-22" in timeline.stdout
    # --as-of still wins.
    pinned = run(
        "validate",
        example("extension"),
        "--as-of",
        "2026-12-03",
        env={"PERMITCHECK_TODAY": "2027-01-22"},
    )
    assert pinned.exit_code == 0


def test_a_bad_permitcheck_today_is_a_usage_error() -> None:
    result = run("validate", example("extension"), env={"PERMITCHECK_TODAY": "tomorrow"})
    assert result.exit_code == 2
    assert result.stderr.startswith("permitcheck: PERMITCHECK_TODAY: ")


@pytest.mark.parametrize("bad", ["03/04/2026", "2026-02-30", "soon"])
def test_bad_as_of_is_a_usage_error(bad: str) -> None:
    result = run("validate", example("new-permit"), "--as-of", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith("permitcheck: --as-of: ")
    assert "Traceback" not in result.output


# ---- JSON: the contract of docs/report-format.md -------------------------------------------

DOSSIER_KEYS = {
    "path",
    "type",
    "city",
    "as_of",
    "ready",
    "submit_by",
    "submit_by_rule",
    "submit_by_subject",
    "submit_by_pending",
    "counts",
    "applicant",
    "findings",
}
FINDING_KEYS = {
    "rule",
    "status",
    "severity",
    "subject",
    "title",
    "message",
    "fix",
    "sources",
    "location",
    "waiver",
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def assert_report_contract(report: dict[str, Any]) -> None:
    assert set(report) == {
        "tool",
        "version",
        "dossiers",
        "errors",
        "warnings",
        "skipped",
        "rules",
    }
    assert report["tool"] == "permitcheck" and report["version"] == __version__
    for dossier in report["dossiers"]:
        assert set(dossier) == DOSSIER_KEYS
        assert dossier["type"] in {"new", "extension", "change", "cancellation"}
        assert DATE.match(dossier["as_of"])
        assert isinstance(dossier["ready"], bool)
        assert dossier["submit_by"] is None or DATE.match(dossier["submit_by"])
        assert set(dossier["counts"]) == {"fail", "warn", "pass", "exempt", "skip", "waived"}
        statuses = [f["status"] for f in dossier["findings"]]
        for status, count in dossier["counts"].items():
            assert statuses.count(status) == count
        rules = [f["rule"] for f in dossier["findings"]]
        assert rules == sorted(rules)
        for finding in dossier["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["status"] in {"pass", "fail", "warn", "exempt", "skip", "waived"}
            assert finding["severity"] in {"error", "warning"}
            assert isinstance(finding["message"], str) and finding["message"]
            assert finding["fix"] is None or isinstance(finding["fix"], str)
            # Every rule of a pack cites its source; permitcheck's own checks of waivers cite none.
            own = finding["rule"].startswith("permitcheck.")
            assert finding["sources"] or own, finding["rule"]
            for source in finding["sources"]:
                assert {"title", "section"} <= set(source)
            rule = report["rules"][finding["rule"]]
            assert (rule["sources"] or own) and all(s["quote"] for s in rule["sources"])
            waiver = finding["waiver"]
            assert (waiver is not None) is (finding["status"] == "waived") or (
                waiver is not None and waiver["expired"]
            )
            if waiver is not None:
                assert set(waiver) == {"reason", "approved_by", "expires", "expired", "source"}
            assert set(finding["location"]) == {"line", "column"}
            assert finding["location"]["line"] >= 1 and finding["location"]["column"] >= 1
        failing = any(
            f["status"] == "fail" and f["severity"] == "error" for f in dossier["findings"]
        )
        assert dossier["ready"] is not failing
    paths = [d["path"] for d in report["dossiers"]]
    assert paths == sorted(paths)
    for error in [*report["errors"], *report["warnings"]]:
        assert set(error) == {"path", "message", "location"}


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_json_matches_the_report_contract(name: str) -> None:
    result = run("validate", example(name), "--format", "json")
    assert result.exit_code == (1 if name == "not-ready" else 0)
    report = json.loads(result.stdout)
    assert_report_contract(report)
    dossier = report["dossiers"][0]
    assert dossier["path"] == example(name)
    assert dossier["ready"] is (name != "not-ready")
    assert dossier["submit_by"] is not None or name == "not-ready"


def test_json_is_byte_stable_and_independent_of_argument_order() -> None:
    first = run("validate", example("change"), example("extension"), "-f", "json")
    second = run("validate", example("extension"), example("change"), "-f", "json")
    assert first.stdout == second.stdout
    assert first.exit_code == second.exit_code == 0


def test_json_finding_points_at_the_key() -> None:
    report = json.loads(run("validate", example("not-ready"), "-f", "json").stdout)
    findings = {f["rule"]: f for f in report["dossiers"][0]["findings"]}
    age = findings["nanjing.new.medical-exam.age"]
    assert age["subject"] == "documents.medical_exam.issued_on"
    text = (EXAMPLES / "not-ready.yaml").read_text(encoding="utf-8").splitlines()
    line = text[age["location"]["line"] - 1]
    assert line[age["location"]["column"] - 1 :].startswith("issued_on: 2026-04-30")
    missing = findings["nanjing.new.criminal-record.present"]
    assert missing["subject"] == "documents.criminal_record"
    assert text[missing["location"]["line"] - 1] == "documents:"
    assert missing["sources"][0]["section"] == "3(4)"


# ---- errors ------------------------------------------------------------------------------


def test_malformed_dossier_exits_2_with_location(tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "bad.yaml",
        b"permitcheck: 1\napplication:\n  type: new\n  submission_date: 31/02/2026\n",
    )
    result = run("validate", bad)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{bad}:4:20: application.submission_date: '31/02/2026' is ambiguous: the order of "
        "day and month differs between countries; write the date as YYYY-MM-DD"
    )
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_json_lists_errors(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", b"permitcheck: 1\npermitcheck: 1\n")
    result = run("validate", bad, example("change"), "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert_report_contract(report)
    assert report["errors"][0] == {
        "path": bad,
        "message": "line 2, column 1: duplicate key 'permitcheck' (first written at line 1); "
        "each key may appear once, remove or merge one of them",
        "location": {"line": 2, "column": 1},
    }
    # ... and, beside it, what else the file lacks.
    assert [error["message"] for error in report["errors"][1:]] == [
        f"line 1, column 1: missing required key {key!r} in the top level"
        for key in ("application", "applicant", "documents")
    ]
    assert len(report["dossiers"]) == 1


def test_not_ready_wins_over_errors_in_a_batch(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", b"- not a dossier\n")
    result = run("validate", bad, example("not-ready"))
    assert result.exit_code == 1
    assert f"{bad}:1:1: expected a mapping" in result.stderr
    assert "0 of 1 dossier ready; 1 file could not be checked" in result.stdout


def test_missing_file(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'nope.yaml'}: no such file"


def test_unknown_city(tmp_path: Path) -> None:
    data = patched(example_data("change"), {"application.city": "shanghai"})
    path = write(tmp_path, "sh.yaml", data)
    result = run("validate", path)
    assert result.exit_code == 2
    assert re.match(
        rf"{re.escape(path)}:\d+:9: application.city: no rule pack for 'shanghai'; "
        "available: `nanjing`",
        result.stderr,
    )


def test_no_arguments_is_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration file to give `paths`
    result = run("validate")
    assert result.exit_code == 2
    assert "no DOSSIER given" in result.output and "`paths`" in result.output


def test_bad_format_is_usage_error() -> None:
    result = run("validate", example("change"), "--format", "xml")
    assert result.exit_code == 2


def test_internal_error_has_no_traceback_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import permitcheck.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(permitcheck.engine, "evaluate", broken)
    result = run("timeline", example("change"))
    assert result.exit_code == 2
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.output
    # In a batch, the bug is the error of the dossier it hit (the others are still checked).
    result = run("validate", example("change"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{example('change')}: internal error while checking this "
        "dossier (RuntimeError); this is a bug in permitcheck"
    )
    # Asked for: the exception propagates (invoke() would refuse it, rightly, anywhere else).
    result = CliRunner().invoke(app, ["validate", example("change"), "--traceback"], env=CLI_ENV)
    assert isinstance(result.exception, RuntimeError)


def test_invalid_rule_pack_exits_2_with_location(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    target = rules / "nanjing" / "4-6-extension-change-cancellation.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(
        text.replace("check: {kind: before_date}", "check: {kind: befor_date}", 1), encoding="utf-8"
    )
    result = run("validate", example("change"), "--rules", str(rules))
    assert result.exit_code == 2
    assert re.match(
        rf"{re.escape(str(target))}:\d+:\d+: .*unknown kind 'befor_date'; expected "
        r"one of: .*\(did you mean 'before_date'\?\)",
        result.stderr,
    )


# ---- options -----------------------------------------------------------------------------


def test_fail_on_warning(tmp_path: Path) -> None:
    data = patched(
        example_data("cancellation"),
        {"cancellation.reason": "contract_ended", "cancellation.occurred_on": "2026-11-02"},
    )
    path = write(tmp_path, "late.yaml", data)
    default = run("validate", path)
    assert default.exit_code == 0
    assert "[WARN] The contract ended on 2026-11-02" in default.stdout
    assert "1 warning;" in checklist(default.stdout).splitlines()[-1]
    strict = run("validate", path, "--fail-on", "warning")
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1].startswith("Not ready: 1 to fix")


def test_chinese_output() -> None:
    result = run("validate", example("not-ready"), "--lang", "zh")
    assert result.exit_code == 1
    assert "缺少无犯罪记录证明。" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "尚不能提交：缺少 3 项，6 项需处理；已超出时限：体检证明（最后一日 2026-10-30）、"
        "护照或国际旅行证件（最后一日 2026-10-31）；尚无法确定提交期限；"
        "补齐后方可确定期限：无犯罪记录证明、随行家属 1：Priya Mehta（配偶）"
    )


def test_language_defaults_from_locale() -> None:
    result = run("validate", example("change"), env={"LANG": "zh_CN.UTF-8"})
    assert "可以提交" in result.stdout
    result = run(
        "validate", example("change"), env={"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}
    )
    assert checklist(result.stdout).splitlines()[-1].startswith("Ready")


def test_colour_only_when_asked_or_on_a_terminal() -> None:
    plain = run("validate", example("not-ready"))
    assert not ANSI.search(plain.stdout)
    coloured = run("validate", example("not-ready"), "--color", "always")
    assert ANSI.search(coloured.stdout)
    assert "✗" in coloured.stdout
    no_color = run("validate", example("not-ready"), env={"NO_COLOR": "1"})
    assert not ANSI.search(no_color.stdout)


def test_verbose_lists_rules_that_do_not_apply() -> None:
    out = run("validate", example("new-permit"), "--verbose").stdout
    assert "[skip] Does not apply to this dossier." in out
    assert "(nanjing.new.degree.original)" in out


def test_version_and_help() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"permitcheck {__version__}\n"
    result = run("validate", "--help")
    assert result.exit_code == 0
    assert "--as-of" in result.stdout and "Exit codes" in result.stdout


def test_user_files_are_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    original = (EXAMPLES / "not-ready.yaml").read_bytes()
    path.write_bytes(original)
    run("validate", str(path), "-f", "json")
    run("validate", str(path))
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.yaml"]


MALFORMED = {
    "syntax": b"permitcheck: 1\napplication: [\n",
    "tab": b"permitcheck: 1\n\tapplication: {}\n",
    "not-utf8": b"permitcheck: 1\nx: \xff\n",
    "binary": b"\x00\x01\x02permitcheck",
    "empty": b"",
    "comment-only": b"# nothing\n",
    "top-level-list": b"- permitcheck: 1\n",
    "scalar": b"42\n",
    "python-tag": b"permitcheck: !!python/object/apply:os.system [echo pwned]\n",
    "duplicate": b"permitcheck: 1\npermitcheck: 1\n",
    "ambiguous-date": to_yaml(
        patched(example_data("change"), {"change.occurred_on": "03/04/2026"})
    ),
    "impossible-date": to_yaml(
        patched(example_data("change"), {"change.occurred_on": "2026-02-30"})
    ),
    "unknown-key": to_yaml(patched(example_data("change"), {"applicant.nationalty": "BR"})),
    "wrong-type": to_yaml(patched(example_data("change"), {"change.fields": "passport_number"})),
    "bool-code": b"permitcheck: 1\napplication: {type: new}\napplicant: {name: A, "
    b"nationality: false}\ndocuments: {}\nemployer: {name: E}\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_inputs_exit_2_located_without_traceback(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, f"{name}.yaml", MALFORMED[name])
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    assert re.match(rf"{re.escape(path)}:\d+:\d+: \S", result.stderr), result.stderr
    assert "Traceback" not in result.output
    as_json = run("validate", path, "-f", "json")
    assert as_json.exit_code == 2
    report = json.loads(as_json.stdout)
    assert report["dossiers"] == [] and report["errors"][0]["location"]["line"] >= 1


def test_a_folder_without_dossiers_is_an_error(tmp_path: Path) -> None:
    """A CI job pointed at the wrong folder must not pass silently."""
    (tmp_path / "settings.yaml").write_text("a: 1\n", encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "permitcheck: no dossier found (1 YAML file skipped, none of them a dossier)",
        f"{tmp_path / 'settings.yaml'}: skipped: no top-level `permitcheck` key",
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("validate", str(empty)).exit_code == 2
    # A hook given only non-dossier files has nothing to do, and that is fine.
    hook = run("validate", "--skip-non-dossiers", str(tmp_path / "settings.yaml"))
    assert hook.exit_code == 0


def test_sarif_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.yaml").write_bytes((EXAMPLES / "not-ready.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    result = run("validate", str(tmp_path / "sub" / "d.yaml"), "-f", "sarif")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(result.stdout)["runs"][0]["results"]
    }
    assert uris == {"sub/d.yaml"}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", "examples/new-permit.yaml", "-f", "json"], 0),
        (["validate", "examples/not-ready.yaml", "-f", "json"], 1),
        (["validate", "no-such-file.yaml"], 2),
    ],
)
def test_the_entry_point_ends_without_teardown_and_keeps_every_output(
    args: list[str], code: int
) -> None:
    """Once every output is flushed the process ends at once (teardown is a tenth of a run);
    the exit code, the report and the messages are those of the application."""
    import subprocess
    import sys

    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('TEARDOWN', file=sys.stderr))\n"
        f"sys.argv = ['permitcheck', *{args!r}]\n"
        "from permitcheck.cli.entry import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    direct = invoke(*args)
    assert done.returncode == direct.exit_code == code
    assert done.stdout == direct.stdout
    assert "TEARDOWN" not in done.stderr
    assert done.stderr.strip() == direct.stderr.strip()
