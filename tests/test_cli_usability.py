"""The command line in a new user's first hour (issue 14, items 8 and 15): progress and a
summary for long batches, report formats from file names, `auto` under GitHub Actions, shell
completion, `-` for standard input, and help that names values instead of Python types."""

from __future__ import annotations

import errno
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml

from helpers import CLI_ENV, EXAMPLES, example_file, example_without_files, invoke, to_yaml
from permitcheck import batch
from permitcheck.settings import Settings

COMMANDS = ["validate", "timeline", "schema", "init", "where", "steps", "rules", "explain"]


def many(tmp_path: Path, count: int) -> Path:
    """A folder of `count` copies of the ready example, without its scans."""
    folder = tmp_path / "team"
    folder.mkdir()
    data = to_yaml(example_without_files("new-permit"))
    for index in range(count):
        (folder / f"d{index:04}.yaml").write_bytes(data)
    return folder


# ---- 8. a long batch is not silent -----------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batch_reports_its_progress_after_each_chunk(tmp_path: Path, jobs: int) -> None:
    paths = [str(path) for path in sorted(many(tmp_path, 70).iterdir())]
    told: list[tuple[int, int]] = []
    settings = Settings(today=date(2026, 11, 29), jobs=jobs)
    results, problems = batch.check_all(
        paths, settings, lambda done, total: told.append((done, total))
    )
    assert len(results) == 70 and problems == []
    assert told[-1] == (70, 70)
    assert [done for done, _ in told] == sorted({done for done, _ in told})  # rising
    assert len(told) >= 2 and all(total == 70 for _, total in told)


def test_no_progress_off_a_terminal_unless_asked(tmp_path: Path) -> None:
    folder = str(many(tmp_path, 40))
    quiet = invoke("validate", folder, "-f", "json")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    asked = invoke("validate", folder, "-f", "json", "--progress")
    assert asked.exit_code == 0
    # Off a terminal, plain lines a CI log keeps; the last says all are done.
    assert asked.stderr.splitlines()[-1] == "permitcheck: checked 40 of 40 dossiers"
    assert json.loads(asked.stdout) == json.loads(quiet.stdout)
    chinese = invoke("validate", folder, "-f", "json", "--progress", "--lang", "zh")
    assert chinese.stderr.splitlines()[-1] == "permitcheck：已检查 40 / 40 份档案"


def _on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, bytes]:
    """Run permitcheck with standard error on a pseudo-terminal: its exit code, and what it
    wrote there."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "permitcheck", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env={**os.environ, **CLI_ENV, "COLUMNS": "80", "TERM": "xterm", **env},
        cwd=cwd,
    )
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the run ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    return process.wait(60), seen


def test_a_progress_bar_on_a_terminal_is_cleared_and_a_summary_stays(tmp_path: Path) -> None:
    folder = many(tmp_path, 40)
    code, seen = _on_a_terminal(
        ["validate", str(folder), "-o", "r.json"], {"CI": "", "GITHUB_ACTIONS": ""}, tmp_path
    )
    assert code == 0, seen
    assert b"Checking" in seen and b"40/40" in seen
    # Cleared at the end (the bar's line erased), then the one line that stays.
    last = seen.rsplit(b"\x1b[2K", 1)[1].decode()
    assert last.strip() == "Checked 40 dossiers: 40 ready; wrote r.json (json)"
    assert "Checking" not in last
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["dossiers"]
    # In CI the log is read afterwards: no bar there unless asked for.
    code, seen = _on_a_terminal(["validate", str(folder), "-o", "r.json"], {"CI": "true"}, tmp_path)
    assert code == 0 and b"Checking" not in seen
    assert seen.decode().strip() == "Checked 40 dossiers: 40 ready; wrote r.json (json)"
    # A small batch is over before a bar would mean anything.
    code, seen = _on_a_terminal(["validate", example_file("change"), "-o", "r.json"], {}, tmp_path)
    assert b"Checking" not in seen and seen.decode().strip().startswith("Checked 1 dossier: ")


def test_a_summary_names_what_was_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ("validate", example_file("new-permit"), example_file("not-ready"))
    result = invoke(*args, "-o", "r.json", "-o", "r.sarif")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Checked 2 dossiers: 1 ready, 1 not ready; wrote r.json (json), r.sarif (sarif)"
    ]
    chinese = invoke(*args, "-o", "r.json", "--lang", "zh")
    assert chinese.stderr.splitlines() == [
        "已检查 2 份档案：1 份可提交，1 份未就绪；已写入 r.json（json）"
    ]
    # A report on standard output is its own summary: nothing more on standard error.
    assert invoke(*args).stderr == ""
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"permitcheck: 1\n")
    partly = invoke("validate", example_file("new-permit"), str(broken), "-o", "r.md")
    assert partly.stderr.splitlines()[-1] == (
        "Checked 1 of 2 dossiers: 1 ready; 1 could not be checked; wrote r.md (markdown)"
    )


def test_an_output_file_names_its_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dossier = example_file("not-ready")
    result = invoke(
        "validate", dossier, "-o", "r.json", "-o", "r.sarif", "-o", "r.xml", "-o", "R.MD"
    )
    assert result.exit_code == 1, result.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["dossiers"]
    assert json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert JUnitXml.fromfile(str(tmp_path / "r.xml")).failures > 0
    assert (tmp_path / "R.MD").read_text(encoding="utf-8") == invoke(
        "validate", dossier, "-f", "markdown"
    ).stdout
    # An explicit --format wins over the extension.
    invoke("validate", dossier, "-f", "text", "-o", "t.json")
    assert (tmp_path / "t.json").read_text(encoding="utf-8").startswith(f"{dossier} — ")
    # `-` and a name without an extension keep the default (text).
    plain = invoke("validate", dossier, "-o", "-")
    assert plain.stdout.splitlines()[-1].startswith("Not ready: ")


def test_an_unknown_extension_is_a_usage_error_naming_the_choices(tmp_path: Path) -> None:
    result = invoke("validate", example_file("change"), "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"permitcheck: --output {tmp_path / 'r.pdf'}: no format is known for the extension "
        ".pdf; name the file with one of .txt (text), .json (json), .xml (junit), .sarif "
        "(sarif), .md (markdown), .html (html), or give --format"
    ]
    assert list(tmp_path.iterdir()) == []


def test_auto_format_is_github_annotations_under_github_actions() -> None:
    dossier = example_file("not-ready")
    under_actions = invoke("validate", dossier, env={"GITHUB_ACTIONS": "true"})
    assert under_actions.exit_code == 1
    lines = under_actions.stdout.splitlines()
    assert lines and all(line.startswith("::") for line in lines), lines[:3]
    assert invoke("validate", dossier, "-f", "auto", env={"GITHUB_ACTIONS": "true"}).stdout == (
        under_actions.stdout
    )
    # Elsewhere, and whenever a format is named, the format stays what it was.
    assert invoke("validate", dossier).stdout.splitlines()[-1].startswith("Not ready: ")
    text = invoke("validate", dossier, "-f", "text", env={"GITHUB_ACTIONS": "true"})
    assert text.stdout.splitlines()[-1].startswith("Not ready: ")


# ---- 15. completion, standard input, help ---------------------------------------------------


def complete(words: str) -> list[str]:
    """What bash completion offers for the command line `words` (the last word incomplete)."""
    parts = words.split(" ")
    result = invoke(
        env={
            "_PERMITCHECK_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
        prog_name="permitcheck",
    )
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_shell_completion_offers_commands_options_and_choices() -> None:
    assert complete("permitcheck val") == ["validate"]
    assert "explain" in complete("permitcheck ")
    assert complete("permitcheck validate --format ") == [
        "auto",
        "text",
        "json",
        "junit",
        "sarif",
        "github",
        "markdown",
        "html",
    ]
    assert complete("permitcheck validate --lang ") == ["en", "zh", "en+zh"]
    assert complete("permitcheck timeline --lang ") == ["en", "zh"]
    assert complete("permitcheck agenda --format ") == ["text", "json", "markdown", "ics"]
    assert complete("permitcheck rules --procedure ext") == ["extension"]
    assert "--as-of" in complete("permitcheck validate --")
    # Nothing for a path: the shell completes file names itself (bash: `complete -o default`).
    assert complete("permitcheck validate --rules ") == []


def test_completion_offers_the_packs_and_rule_ids_there_are() -> None:
    assert complete("permitcheck rules --city ") == ["nanjing"]
    packs = str(EXAMPLES.parent / "tests" / "packs")
    assert complete(f"permitcheck rules --rules {packs} --city la") == ["lakeside"]
    offered = complete("permitcheck explain nanjing.new.criminal-record.a")
    assert offered == [
        "nanjing.new.criminal-record.age",
        "nanjing.new.criminal-record.authentication",
    ]


def test_the_completion_script_can_be_shown_and_installed() -> None:
    shown = invoke("--show-completion", "bash", prog_name="permitcheck")
    assert shown.exit_code == 0
    assert "complete -o default -F _permitcheck_completion permitcheck" in shown.stdout
    assert "--install-completion" in invoke("--help").stdout


def test_a_dossier_on_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (EXAMPLES / "new-permit.yaml").read_bytes()
    # `file:` paths are relative to the working directory: here, the examples' own.
    monkeypatch.chdir(EXAMPLES)
    from_file = invoke("validate", "new-permit.yaml", "-f", "json")
    from_stdin = invoke("validate", "-", "-f", "json", input=raw)
    assert from_stdin.exit_code == from_file.exit_code == 0, from_stdin.stderr
    read, given = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert given["dossiers"][0]["path"] == "<stdin>"
    assert given["dossiers"][0]["findings"] == read["dossiers"][0]["findings"]
    text = invoke("validate", "-", input=raw)
    assert text.stdout.startswith("<stdin> — new work permit")
    # Elsewhere the scans are not found: they are looked for from the working directory.
    monkeypatch.chdir(tmp_path)
    elsewhere = invoke("validate", "-", "-f", "json", input=raw)
    assert elsewhere.exit_code == 1
    # Beside files, in one run.
    both = invoke("validate", example_file("change"), "-", "-f", "json", input=raw)
    paths = {d["path"] for d in json.loads(both.stdout)["dossiers"]}
    assert paths == {"<stdin>", example_file("change")}


def test_a_malformed_dossier_on_standard_input_is_located() -> None:
    result = invoke("validate", "-", input=b"permitcheck: 1\napplication: [\n")
    assert result.exit_code == 2
    assert re.match(r"<stdin>:\d+:\d+: \S", result.stderr), result.stderr
    too_large = invoke("validate", "-", input=b"#" * 5_000_001)
    assert too_large.exit_code == 2
    assert too_large.stderr.startswith("<stdin>:1:1: the file is 5,000,001 bytes")


class _Failing(io.RawIOBase):
    """Standard input whose reading fails, as a terminal that hung up does."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError(errno.EIO, "Input/output error")


def test_standard_input_that_cannot_be_read_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from permitcheck.cli import app
    from permitcheck.problems import Stop

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Failing())))
    with pytest.raises(Stop) as stopped:
        app._read_stdin()
    assert [problem.located() for problem in stopped.value.problems] == [
        "permitcheck: cannot read standard input: Input/output error"
    ]


def test_every_command_given_a_dossier_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = (EXAMPLES / "new-permit.yaml").read_bytes()
    monkeypatch.chdir(EXAMPLES)
    for command in ("timeline", "where", "steps"):
        given = invoke(command, "-", input=raw)
        named = invoke(command, "new-permit.yaml")
        assert given.exit_code == named.exit_code == 0, (command, given.stderr)
        assert given.stdout == named.stdout.replace("new-permit.yaml", "<stdin>"), command
    broken = invoke("timeline", "-", input=b"permitcheck: 1\n")
    assert broken.exit_code == 2 and broken.stderr.startswith("<stdin>:1:1: ")


@pytest.mark.parametrize("command", [*COMMANDS, "pack test"])
def test_help_names_values_not_python_types(command: str) -> None:
    shown = invoke(*command.split(), "--help").stdout
    assert not re.search(r"<[a-z]|\{[a-zA-Z]|list\[|int range", shown), shown
    usage = " ".join(shown.split("\n\n")[0].split())
    assert (
        usage
        == {
            "validate": "Usage: permitcheck validate [OPTIONS] [DOSSIER]...",
            "timeline": "Usage: permitcheck timeline [OPTIONS] DOSSIER",
            "schema": "Usage: permitcheck schema [OPTIONS]",
            "init": "Usage: permitcheck init [OPTIONS] FILE",
            "where": "Usage: permitcheck where [OPTIONS] [DOSSIER]",
            "steps": "Usage: permitcheck steps [OPTIONS] [DOSSIER]",
            "rules": "Usage: permitcheck rules [OPTIONS]",
            "explain": "Usage: permitcheck explain [OPTIONS] RULE_ID",
            "pack test": "Usage: permitcheck pack test [OPTIONS] DIR",
        }[command]
    )
    # Every option that takes a value names it.
    for option in re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)( \S+)?", shown, re.M):
        name, value = option
        if value:
            assert re.fullmatch(r" (?:[A-Z_]+|/)", value), (command, name, value)


def test_city_help_fits_each_command() -> None:
    def city_help(command: str) -> str:
        shown = " ".join(invoke(command, "--help").stdout.split())
        return shown.split("--city CITY ", 1)[1].split(" --", 1)[0]

    for command in ("rules", "explain", "init"):
        assert "dossier" not in city_help(command), command
    assert "whose rules to list" in city_help("rules")
    assert "whose rule to explain" in city_help("explain")
    for command in ("where", "steps"):
        assert "when the dossier names none" in city_help(command), command


def test_schema_offers_no_language_it_cannot_speak() -> None:
    """The schema is generated from the models, in English: `--lang zh` would change nothing."""
    assert "--lang" not in invoke("schema", "--help").stdout
    result = invoke("schema", "--lang", "zh")
    assert result.exit_code == 2 and "No such option: --lang" in result.stderr


def test_help_documents_standard_input_and_auto() -> None:
    shown = " ".join(invoke("validate", "--help").stdout.split())
    assert "`-` reads a dossier from standard input" in shown
    assert "github annotations when GITHUB_ACTIONS=true" in shown
