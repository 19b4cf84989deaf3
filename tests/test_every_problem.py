"""Every problem of a dossier at once: one mistake never hides another, wherever it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import dossier_problems, invoke

DATA = Path(__file__).parent / "data" / "every-problem"
FOURTEEN = DATA / "fourteen-mistakes.yaml"


def _marked_lines(text: str) -> dict[int, int]:
    """Line number of each `# N` mark in the file: where mistake N must be reported."""
    marks: dict[int, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.search(r"# (\d+) ", line)
        if match:
            marks[int(match.group(1))] = number
    return marks


def test_fourteen_independent_mistakes_are_reported_in_one_run() -> None:
    raw = FOURTEEN.read_bytes()
    marks = _marked_lines(raw.decode())
    assert sorted(marks) == list(range(1, 15))
    problems = dossier_problems(raw)
    lines = sorted({problem.location.line for problem in problems if problem.location})
    # Line 4 too: the missing employer is reported at `type: new`, which asks for it.
    assert lines == sorted([4, *marks.values()]), [str(problem) for problem in problems]
    # ... and the missing employer of a new application, which needs the whole file to see.
    assert len(problems) == 15, [str(problem) for problem in problems]
    assert any("`employer`" in problem.text.en for problem in problems)


def test_the_cli_prints_them_all_located_with_exit_code_2() -> None:
    result = invoke("validate", str(FOURTEEN))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith(str(FOURTEEN) + ":")]
    assert len(lines) == 15, result.output
    assert "C01X00T47" not in result.output


MINIMAL = (
    b"permitcheck: 1\napplication: {type: new}\nemployer: {name: E}\n"
    b"applicant: {name: A, nationality: DE}\ndocuments:\n"
)


def _texts(raw: bytes) -> list[str]:
    return [problem.text.en for problem in dossier_problems(raw)]


def test_an_unknown_key_hides_nothing_else_in_its_mapping() -> None:
    texts = _texts(MINIMAL + b"  application_form: {signed_by_aplicant: true, employer_seal: 2}\n")
    assert any("did you mean 'signed_by_applicant'" in text for text in texts), texts
    assert any("employer_seal: expected true or false" in text for text in texts), texts


def test_a_misspelt_section_is_checked_as_the_one_it_means() -> None:
    texts = _texts(MINIMAL + b"  criminal_recrod: {issuer: Policia Nacional}\n")
    assert any("unknown key 'criminal_recrod'" in text for text in texts), texts
    assert any(
        text.startswith("documents.criminal_recrod.issuer: 'Policia Nacional'") for text in texts
    ), texts


def test_missing_sections_hide_nothing() -> None:
    raw = (
        b"permitcheck: 1\napplication: {type: extension}\n"
        b"applicant: {name: A, nationality: DE, date_of_birth: 1990-02-30}\n"
    )
    texts = _texts(raw)
    assert "missing required key 'documents' in the top level" in texts, texts
    assert "an extension application needs the `current_permit` section" in texts, texts
    assert any("not a real date" in text for text in texts), texts


def test_a_duplicate_key_stops_nothing_else() -> None:
    raw = (
        b"permitcheck: 1\napplication: {type: new}\nemployer: {name: E}\n"
        b"applicant: {name: A, name: B, nationality: UK}\ndocuments: {}\n"
    )
    texts = _texts(raw)
    assert any("duplicate key 'name'" in text for text in texts), texts
    assert any(text.startswith("applicant.nationality") for text in texts), texts


def test_a_duplicate_key_alone_still_fails_the_file() -> None:
    raw = MINIMAL.replace(b"{name: E}", b"{name: E, name: F}") + b"  degree: {level: master}\n"
    assert [problem.text.en[:17] for problem in dossier_problems(raw)] == ["duplicate key 'na"]


# What was written, and the hint that names what was meant.
HINTS = [
    ("  work_experience:\n    issuer: KUKA AG\n", "expected a list of certificates"),
    ("  work_experience:\n    issuer: KUKA AG\n", "write `- issuer: …`"),
    ("  degree: {obtained_in: UK}\n", "did you mean `GB` (United Kingdom)?"),
    ("  degree: {obtained_in: Germany}\n", "did you mean `DE` (Germany)?"),
    ("  degree: {language: German}\n", "did you mean `de` (German)?"),
    ("  degree: {language: JP}\n", "did you mean `ja` (Japanese)?"),
    (
        "  medical_exam: {institution: Jiangsu International Travel Healthcare Center}\n",
        "did you mean 'chinese_quarantine'? write the kind, not the name",
    ),
    ("  criminal_record: {issuer: Policia Nacional}\n", "did you mean 'police'?"),
    ("  medical_exam: {issued_on: 5 Okt 2026}\n", "it reads as October: write `2026-10-05`"),
    (
        "  degree: {translation: translation_company}\n",
        "did you mean `{seal: translation_company}`?",
    ),
    ("  passport_copy: [information, visa]\n", "did you mean `{pages: [information, visa]}`?"),
    ("  employment_contract: {states: salary}\n", "write `[salary]` for a list of one"),
]


@pytest.mark.parametrize(("written", "hint"), HINTS)
def test_a_near_miss_gets_a_hint(written: str, hint: str) -> None:
    texts = _texts(MINIMAL + written.encode())
    assert any(hint in text for text in texts), texts


def test_a_family_relation_named_in_words() -> None:
    raw = (
        MINIMAL
        + b"  degree: {}\nfamily: [{relation: husband, name: B, date_of_birth: 1990-01-01}]\n"
    )
    assert any("did you mean 'spouse'?" in text for text in _texts(raw))


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("permitcheck: 1\napplication:\n\ttype: new\n", 3, 1),
        ("permitcheck: 1\napplication:\n  type: new\n \t city: x\n", 4, 2),
    ],
)
def test_a_tab_in_the_indentation_is_named(text: str, line: int, column: int) -> None:
    (problem,) = dossier_problems(text.encode())
    assert "a tab character in the indentation" in problem.text.en
    assert "制表符" in problem.text.zh
    assert problem.location is not None
    assert (problem.location.line, problem.location.column) == (line, column)
