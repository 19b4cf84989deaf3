"""The shipped dossier JSON Schema accepts exactly the dossiers the loader accepts, as
check-jsonschema (the tool a user runs it with) reads them."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from check_jsonschema.parsers import ParserSet

from corpus.generate import corpus
from helpers import EXAMPLES, ROOT, invoke
from permitcheck import packtest
from permitcheck.dates import DateSyntaxError, parse_date
from permitcheck.dossier import loader
from permitcheck.dossier.json_schema import date_schema
from permitcheck.rulepack.cases import CaseFile
from permitcheck.rulepack.pack import read_rule_file
from test_ci_files import fill

SCHEMA = ROOT / "schema" / "dossier.schema.json"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def check_jsonschema(*paths: Path) -> dict[str, bool]:
    """check-jsonschema's verdict on each file (True: valid), from one run of the tool."""
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "-o", "json", "--schemafile", str(SCHEMA), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    invalid = {e["filename"] for e in report.get("errors", []) + report.get("parse_errors", [])}
    return {str(path): str(path) not in invalid for path in paths}


def loads(path: Path) -> bool:
    return not isinstance(loader.load_file(str(path)), tuple)


# ---- dates -----------------------------------------------------------------------------------

_NAMES = ["January", "jan", "FEB", "February", "feb.", "Sept", "sep", "September", "June", "Foo"]


def _date_texts() -> list[str]:
    """Written dates around every edge: impossible days, leap years, the year limits, each
    form dates.parse_date reads, and forms it refuses."""
    texts = []
    years = (1899, 1900, 1904, 2000, 2024, 2026, 2027, 2100, 2104, 2200, 2201)
    for year, month, day in itertools.product(years, range(14), (0, 1, 9, 28, 29, 30, 31, 32)):
        texts += [
            f"{year}-{month:02d}-{day:02d}",
            f"{year}-{month}-{day}",
            f"{year}年{month}月{day}日",
            f"{year} 年 {month:02d} 月 {day:02d} 日",
            f"{day:02d}/{month:02d}/{year}",
            f"{year}/{month}/{day:02d}",
            f"{year}.{month:02d}.{day}",
            f"{year}/{month:02d}-{day:02d}",
        ]
    for year, name, day in itertools.product(
        (1900, 2024, 2027, 2200, 2201), _NAMES, (0, 5, 29, 30, 31, 32)
    ):
        texts += [f"{day} {name} {year}", f"{day:02d} {name}, {year}", f"{name} {day}, {year}"]
        texts += [f"{name.upper()} {day} {year}", f"{day}{name}{year}", f"{day}. {name} {year}"]
    texts += ["", " ", "2026-03-15 ", "\t15 March 2026\n", "2026-03-15T00:00", "tomorrow", "x"]
    texts += ["2026/03/15", "15.03.2026", "20260315", "+2026-03-15", "2026-03-15\n2026-03-16"]
    # Digits of other scripts (full-width from a Chinese input method, Arabic-Indic).
    texts += [
        "２０２６-03-15",
        "2026年３月15日",
        "\u0662\u0660\u0662\u0666-03-15",
        "15 March ２０２６",
    ]
    return texts


def _parses(text: str) -> bool:
    try:
        parse_date(text)
    except DateSyntaxError:
        return False
    return True


def test_the_schema_accepts_a_written_date_exactly_when_the_loader_does() -> None:
    validator = jsonschema.Draft202012Validator(date_schema())
    texts = _date_texts()
    assert sum(map(_parses, texts)) > 1000  # plenty of both
    differ = [text for text in texts if validator.is_valid(text) != _parses(text)]
    assert not differ, differ[:20]


# ---- whole dossiers, through check-jsonschema ---------------------------------------------


def _case_dossiers(folder: Path) -> list[Path]:
    """Each case of the shipped packs, as the dossier `pack test` builds from it."""
    written = []
    for pack in ("nanjing", "china"):
        for case_path in sorted((ROOT / "rules" / pack / "cases").glob("*.yaml")):
            case_file, _ = read_rule_file(CaseFile, case_path)
            for number, case in enumerate(case_file.cases):
                if case.dossier is not None:
                    data: Any = case.dossier
                else:
                    base = case_path.parent / case_file.bases / f"{case.base}.yaml"
                    data = yaml.safe_load(base.read_text(encoding="utf-8"))
                    data = json.loads(json.dumps(data, default=str))  # dates as text
                data = packtest.patched(data, case.set, case.delete)
                path = folder / f"{pack}-{case_path.stem}-{number}.yaml"
                path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
                written.append(path)
    return written


def _skeletons(folder: Path, filled: bool) -> list[Path]:
    written = []
    for kind in ("new", "extension", "change", "cancellation"):
        path = folder / f"{kind}-{'filled' if filled else 'blank'}.yaml"
        assert invoke("init", str(path), "--type", kind).exit_code == 0
        if filled:
            path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(path)
    return written


@pytest.mark.slow  # check-jsonschema on every case of the packs: 20 seconds
def test_check_jsonschema_accepts_the_examples_skeletons_and_case_dossiers(
    tmp_path: Path,
) -> None:
    dossiers = [
        *sorted(EXAMPLES.glob("*.yaml")),
        *_skeletons(tmp_path, filled=True),
        *_case_dossiers(tmp_path),
    ]
    assert len(dossiers) > 200
    verdicts = check_jsonschema(*dossiers)
    wrong = [path for path in dossiers if not verdicts[str(path)] or not loads(path)]
    assert not wrong, wrong[:10]


def test_check_jsonschema_rejects_the_blanks_of_a_skeleton_as_the_loader_does(
    tmp_path: Path,
) -> None:
    blanks = _skeletons(tmp_path, filled=False)
    verdicts = check_jsonschema(*blanks)
    assert [verdicts[str(path)] for path in blanks] == [False] * 4
    assert [loads(path) for path in blanks] == [False] * 4


# A change to the new-permit example, as text replaced, and why the loader rejects it.
MALFORMED = {
    "unknown-key": ("  nationality: DE", "  nationalty: DE"),
    "unknown-document": ("  criminal_record:", "  criminal_recrod:"),
    "wrong-type": ("photo: true", "photo: yes please"),
    "list-for-mapping": ("  passport_copy: {", "  passport_copy: [{"),
    "bad-enum": ("issuer: police", "issuer: Policia Nacional"),
    "bad-country": ("nationality: DE", "nationality: UK"),
    "bad-date": ("submission_date: 2026-12-07", "submission_date: 5 Okt 2026"),
    "ambiguous-date": ("submission_date: 2026-12-07", "submission_date: 07/12/2026"),
    "impossible-date": ("submission_date: 2026-12-07", "submission_date: 31 November 2026"),
    "new-without-employer": ("employer:", "x-employer:"),
    "string-for-list": ("states: [", "states: work_location #"),
}


def test_check_jsonschema_rejects_what_the_loader_rejects_for_its_shape(tmp_path: Path) -> None:
    text = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")
    paths = []
    for name, (old, new) in MALFORMED.items():
        assert old in text, name
        path = tmp_path / f"{name}.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        paths.append(path)
    verdicts = check_jsonschema(*paths)
    assert {path.stem: (verdicts[str(path)], loads(path)) for path in paths} == {
        name: (False, False) for name in MALFORMED
    }


# Where the two verdicts differ on the hostile-input corpus, for reasons outside a JSON Schema:
# how the file is read, or what a JSON document cannot tell apart.
KNOWN_DIFFERENCES = {
    # Encodings YAML allows that check-jsonschema's YAML parser does not read.
    "utf16-be-no-bom": (True, False),
    "utf32-le": (True, False),
    # Control characters are refused wherever they are written, comments included.
    "inject-ansi-escape-applicant.name": (False, True),
    "inject-ansi-escape-family.0.name": (False, True),
    "inject-ansi-escape-employer.name": (False, True),
    "hand-escaped-nul": (False, True),
    # JSON has one kind of number: 1.0 is 1. YAML 1.2's hexadecimal 0x1 is 1 to
    # check-jsonschema; permitcheck reads decimal integers only.
    "version-1.0": (False, True),
    "version-0x1": (False, True),
}


# Inputs made to exhaust a parser (alias bombs, deep nesting, megabytes): the loader refuses
# them by its limits, and ruamel.yaml takes minutes over them.
EXHAUSTING = ("billion", "alias", "recursive", "deep", "merge")


@pytest.mark.slow  # check-jsonschema's YAML parser on hundreds of inputs: a minute
def test_schema_and_loader_agree_on_the_hostile_corpus() -> None:
    """Hundreds of broken and odd dossiers, read by check-jsonschema's own YAML parser."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    parsers = ParserSet()
    differ = {}
    for name, raw in corpus().items():
        if not isinstance(raw, bytes) or len(raw) > 20_000 or name.startswith(EXHAUSTING):
            continue  # a FIFO, a device, a folder of links; a bomb, a huge file
        accepted = not isinstance(loader.load_bytes(raw, name), tuple)
        try:
            valid = validator.is_valid(parsers.parse_data_with_path(raw, "x.yaml", "yaml"))
        except (Exception, RecursionError):
            valid = False  # check-jsonschema reports the file as unreadable
        if accepted != valid:
            differ[name] = (accepted, valid)
    assert differ == KNOWN_DIFFERENCES
