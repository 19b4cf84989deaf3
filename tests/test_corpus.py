"""The hostile-input corpus: every input gives exit 2 with located messages, or a clean verdict.

Its time and memory per input are measured by bench/corpus.py, not here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus.generate import FILESYSTEMS, corpus
from permitcheck.cli.app import app

CASES = corpus()
LOCATED = re.compile(r"^.+:\d+:\d+: \S")
# Inputs that are valid dossiers whatever they look like: a verdict, not an error.
VALID = {
    "bom-utf8",
    "utf16-le",
    "utf16-be-no-bom",
    "utf32-le",
    "crlf-line-ends",
    "cr-only",
    "long-name-1mb",
    "bare-applicant.nationality-NO",
    "bare-applicant.passport.issuing_country-NO",
    "hand-valid-but-odd",
    "bare-documents.degree.language-no",
}


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 300
    kinds = {name.split("-")[0] for name in CASES}
    assert {
        "type",
        "date",
        "bare",
        "duplicate",
        "bom",
        "binary",
        "empty",
        "deep",
        "tag",
        "billion",
        "syntax",
        "hand",
        "ten",
    } <= kinds


def check(tmp_path: Path, name: str) -> Any:
    path = tmp_path / (re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80] + ".yaml")
    path.write_bytes(CASES[name])
    result = CliRunner().invoke(
        app,
        ["validate", str(path), "--as-of", "2026-12-07"],
        env={"NO_COLOR": "1", "LANG": "C.UTF-8"},
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    # Whatever the dossier says, it cannot write a workflow command or a terminal escape, nor
    # make a passport number appear.
    assert not any(line.startswith("::") for line in output.splitlines()), output[-2000:]
    assert "\x1b" not in output
    assert "c01x00t47" not in output.lower()
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), output
    return result


@pytest.mark.parametrize("name", sorted(CASES))
def test_input(tmp_path: Path, name: str) -> None:
    result = check(tmp_path, name)
    if name in VALID:
        assert result.exit_code in (0, 1), result.stderr[-2000:]
        assert result.stderr == ""
        return
    if result.exit_code in (0, 1):
        # A clean verdict is allowed for what is a valid dossier, and only then.
        assert result.stderr == "", result.stderr[-2000:]
        assert name.startswith(("bare-", "tag-str", "tag-int", "inject-")), (
            f"{name} was accepted: {result.stdout[-500:]}"
        )
        return
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines, "exit 2 without a message"
    for line in lines:
        assert LOCATED.match(line), line[:300]
    assert len(result.stderr) < 20_000  # messages stay readable, whatever the input


@pytest.mark.parametrize("name", sorted(FILESYSTEMS))
def test_hostile_file_system(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """FIFOs, devices, sparse files, link loops and farms: refused or skipped, never followed,
    never blocking (tests/test_hostile.py runs the ones that could hang in a subprocess)."""
    arguments = FILESYSTEMS[name](tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        ["validate", *arguments, "--as-of", "2026-12-07", "-f", "json"],
        env={"NO_COLOR": "1", "LANG": "C.UTF-8"},
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    assert result.exit_code in (0, 2), output[-2000:]
    report = json.loads(result.stdout)
    # Each ready dossier is checked once, however many links lead to it.
    assert [d["ready"] for d in report["dossiers"]] == [True] * len(report["dossiers"])
    assert (
        len({d["path"] for d in report["dossiers"]})
        == len(report["dossiers"])
        >= (0 if name == "fs-sparse-6gb" else 1)
    )
    if result.exit_code == 2:
        assert report["errors"], output
        for line in result.stderr.splitlines():
            assert re.match(r"^\S.*?: \S", line), line
