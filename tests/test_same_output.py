"""Speed work never changes an output: every report on the benchmark's dossiers, byte for byte.

The benchmark's generated dossiers (bench/generate.py, seeded) are checked as a folder, in a
process of its own as users run it (the parallel batch, the real entry point), in every format
and both languages; each output's SHA-256 is compared with tests/golden/generated.sha256.json.
The examples' outputs are recorded in full by test_golden.py. A deliberate change of an output
is recorded anew with `PERMITCHECK_RECORD_GOLDEN=1 python -m pytest tests/test_same_output.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import CLI_ENV
from test_bench import generate

RECORDED = Path(__file__).parent / "golden" / "generated.sha256.json"
RECORD = os.environ.get("PERMITCHECK_RECORD_GOLDEN") == "1"
# More than batch.PARALLEL_FROM, so that the worker processes are used.
COUNT = 120
# (name, format, language, more options)
CASES = [
    *(
        (f"{fmt}-en", fmt, "en", ())
        for fmt in ("text", "json", "junit", "sarif", "github", "markdown", "html")
    ),
    ("text-zh", "text", "zh", ()),
    ("json-zh", "json", "zh", ()),
    # The checklist's other layouts: one-line verdicts, colour and wrapping, every rule.
    ("text-en-quiet", "text", "en", ("--quiet",)),
    ("text-zh-color", "text", "zh", ("--color", "always")),
    ("text-en-verbose", "text", "en", ("--verbose",)),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("generated")
    generate(where / "d", COUNT)
    return where


def _run(folder: Path, fmt: str, lang: str, *more: str) -> bytes:
    env = {**os.environ, **CLI_ENV, "NO_COLOR": "1", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "permitcheck", "validate", "d", "-f", fmt, "--lang", lang, *more],
        cwd=folder,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    assert b"Traceback" not in done.stderr
    return done.stdout


def test_every_report_on_the_generated_dossiers_is_as_recorded(folder: Path) -> None:
    found = {
        name: hashlib.sha256(_run(folder, fmt, lang, *more)).hexdigest()
        for name, fmt, lang, more in CASES
    }
    if RECORD:
        RECORDED.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    assert found == json.loads(RECORDED.read_text(encoding="utf-8"))


def test_one_process_and_the_workers_give_the_same_report(folder: Path) -> None:
    assert _run(folder, "json", "en", "--jobs", "1") == _run(folder, "json", "en")


def test_the_recording_covers_every_report_format() -> None:
    from permitcheck import render

    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert {key.split("-")[0] for key in recorded} == set(render.formats("report"))
    assert {name for name, *_ in CASES} == set(recorded)
