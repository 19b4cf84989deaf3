"""Malformed dossiers: each gives problems naming line, column and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, dossier_problems, load_bytes
from permitcheck.dossier.loader import load_file
from permitcheck.problems import Problem

BASE = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")


def _mutated(old: str, new: str) -> bytes:
    assert old in BASE, old
    return BASE.replace(old, new, 1).encode()


def _error(raw: bytes) -> Problem:
    return dossier_problems(raw)[0]


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# (old text, new text, where the error must point: a piece of the new text (its first
# character; "" for the start of the replaced text), expected part of the message)
MUTATIONS = [
    ("issued_on: 2026-09-15", "issued_on: 03/04/2026", "03/", "ambiguous"),
    ("issued_on: 2026-09-15", "issued_on: 2026-02-30", "2026-02-30", "not a real date"),
    ("issued_on: 2026-09-15", "issued_on: 20260915", "2026", "expected a date"),
    ("issuer: police", "issuer: polise", "polise", "did you mean 'police'"),
    ("  degree:", "  degre:", "degre", "unknown key 'degre' in documents; did you mean 'degree'?"),
    ("    level: master", "    levle: master", "levle", "did you mean 'level'"),
    ("    - issuer: KUKA AG", "    - isuer: KUKA AG", "isuer", "did you mean 'issuer'"),
    ("sworn_declaration: false", "sworn_declaration: no", "no", "expected true or false, got 'no'"),
    ("nationality: DE", "nationality: de", "de", "write it in capitals: `DE`"),
    ("nationality: DE", "nationality: XX", "XX", "not an ISO 3166-1"),
    (
        "language: de\n      translation",
        "language: german\n      translation",
        "german",
        "not an ISO 639-1",
    ),
    ("permitcheck: 1", "permitcheck: 2", "2", "unsupported format version 2"),
    (
        "  type: new",
        "  type: renewal",
        "renewal",
        "expected one of: `new`, `extension`, `change`, `cancellation`",
    ),
    (
        "  passport_copy: {pages: [information]}",
        "  passport_copy: {pages: [informaton]}",
        "informaton",
        "did you mean 'information'",
    ),
    (
        "    photo: true\n  - relation: child",
        "    photo: yes\n  - relation: child",
        "yes",
        "expected true or false",
    ),
    ("  category: B", "  category: D", "D", "expected one of: `A`, `B`, `C`"),
    (
        "  application_form: {signed_by_applicant: true, employer_seal: true}",
        "  application_form: [signed]",
        "[signed]",
        "expected a mapping",
    ),
    (
        "  work_experience:\n",
        "  work_experience: {commitment: yes}\n  unused:\n",
        "unused",
        "unknown key 'unused'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "at", "message"), MUTATIONS, ids=[m[3][:40] for m in MUTATIONS]
)
def test_located_errors(old: str, new: str, at: str, message: str) -> None:
    assert old in BASE, old
    text = BASE.replace(old, new, 1)
    problems = dossier_problems(text.encode())
    error = next((problem for problem in problems if message in problem.text.en), problems[0])
    assert message in error.text.en
    line, column = _position(text, BASE.index(old) + new.index(at))
    assert error.location is not None
    assert (error.location.line, error.location.column) == (line, column), error.text.en
    assert error.located().startswith(f"d.yaml:{line}:{column}: ")


def test_missing_keys_point_at_their_parent() -> None:
    error = _error(_mutated("  name: Maria Keller\n", ""))
    assert error.text.en == "missing required key 'name' in applicant"
    assert error.location is not None
    assert error.location == _location_of("applicant:")


def test_missing_section_points_at_the_procedure() -> None:
    error = _error(
        _mutated(
            "employer:\n  name: Jinling Robotics Co., Ltd.\n  level: municipal\n"
            "  registered_in: jianye\n",
            "",
        )
    )
    assert "a new permit application needs the `employer` section" in error.text.en
    assert error.location == _location_of("new", after="type: ")


def _location_of(piece: str, after: str = "") -> object:
    from permitcheck.problems import Location

    offset = BASE.index(after + piece) + len(after)
    return Location(*_position(BASE, offset))


def test_country_code_no_stays_norway() -> None:
    dossier = load_bytes(_mutated("nationality: DE", "nationality: NO"), "d.yaml")
    assert dossier.model.applicant.nationality == "NO"


def test_language_code_no_stays_norwegian() -> None:
    raw = _mutated(
        "    language: de\n    translation: {seal: translation_company}\n  criminal",
        "    language: no\n    translation: {seal: translation_company}\n  criminal",
    )
    assert load_bytes(raw, "d.yaml").model.documents.degree.language == "no"  # type: ignore[union-attr]


def test_other_date_spellings_are_accepted() -> None:
    dossier = load_bytes(_mutated("issued_on: 2026-09-15", "issued_on: 15 September 2026"), "x")
    assert dossier.model.documents.criminal_record.issued_on.isoformat() == "2026-09-15"  # type: ignore[union-attr]
    dossier = load_bytes(_mutated("issued_on: 2026-09-15", "issued_on: 2026年9月15日"), "x")
    assert dossier.model.documents.criminal_record.issued_on.isoformat() == "2026-09-15"  # type: ignore[union-attr]


def test_duplicate_keys_are_errors_not_silently_merged() -> None:
    error = _error(_mutated("  category: B\n", "  category: B\n  category: A\n"))
    first = _location_of("category: B")
    assert error.location is not None and error.location.line == first.line + 1  # type: ignore[attr-defined]
    assert f"duplicate key 'category' (first written at line {first.line})" in error.text.en  # type: ignore[attr-defined]


def test_every_problem_in_a_file_is_reported_in_file_order() -> None:
    raw = _mutated("  category: B", "  category: D").decode()
    raw = raw.replace("issued_on: 2026-09-15", "issued_on: 2026-13-01")
    lines = [e.location.line for e in dossier_problems(raw.encode()) if e.location]
    assert lines == sorted(lines) and len(lines) == 2


@pytest.mark.parametrize(
    ("raw", "line", "column", "message"),
    [
        (b"", 1, 1, "the file is empty"),
        (b"# only a comment\n", 1, 1, "the file is empty"),
        (b"- a\n- b\n", 1, 1, "got a list"),
        (b"just text\n", 1, 1, "got 'just text'"),
        (b"permitcheck: 1\napplication: [\n", 3, 1, "invalid YAML"),
        (b"permitcheck: 1\n\tapplication: {}\n", 2, 1, "a tab character in the indentation"),
        (b"a: !!python/object/apply:os.system [echo hi]\n", 1, 4, "YAML tag"),
        (b"permitcheck: 1\nx: \xff\xfe\n", 2, 4, "not UTF-8"),
        (b"permitcheck: 1\x00\n", 1, 15, "NUL byte"),
        (b"application: {type: new}\n", 1, 1, "`permitcheck: 1` key is missing"),
        (b"permitcheck: 1\n---\npermitcheck: 1\n", 2, 1, "invalid YAML"),
        (b"? [a, b]\n: c\n", 1, 3, "a key must be a plain word"),
    ],
)
def test_malformed_files(raw: bytes, line: int, column: int, message: str) -> None:
    error = _error(raw)
    assert message in error.text.en
    assert error.location is not None
    assert (error.location.line, error.location.column) == (line, column)


def test_bom_is_accepted() -> None:
    dossier = load_bytes(b"\xef\xbb\xbf" + BASE.encode(), "bom.yaml")
    assert dossier.model.applicant.name == "Maria Keller"


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["permitcheck: 1", 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    error = _error("\n".join(lines).encode())
    assert "expands to more than" in error.text.en


def test_deep_nesting_is_refused() -> None:
    raw = b"permitcheck: 1\nx: " + b"[" * 500 + b"]" * 500 + b"\n"
    error = _error(raw)
    assert "nesting deeper" in error.text.en


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path, message in ((tmp_path / "absent.yaml", "no such file"), (tmp_path, "is a directory")):
        problems = load_file(str(path))
        assert isinstance(problems, tuple) and message in problems[0].text.en


def test_loading_never_modifies_the_file(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(BASE.encode())
    before = path.stat().st_mtime_ns
    load_file(str(path))
    assert path.read_bytes() == BASE.encode()
    assert path.stat().st_mtime_ns == before


def test_remembered_tags_stay_bounded_and_right() -> None:
    """Tags are remembered per written value (speed); a file of many values cannot grow that
    memory without bound, and a remembered tag is the one YAML 1.2's core schema gives."""
    from permitcheck.dossier import yaml_reader

    text = "\n".join(f"k{number}: {number}" for number in range(30_000)) + "\n"
    data = yaml_reader.parse(text, "many.yaml").data
    assert data["k29999"] == 29999 and len(yaml_reader._RESOLVED) <= 20_000
    again = yaml_reader.parse("a: 12\nb: '12'\nc: no\nd: true\ne: null\n", "x.yaml").data
    assert again == {"a": 12, "b": "12", "c": "no", "d": True, "e": None}
