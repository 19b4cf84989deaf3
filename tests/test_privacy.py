"""The privacy sweep: however a passport or permit number is written, wrongly or in a file name,
no output of any format, in either language, on stdout, in a file or in the GitHub step summary
spells it out in full, in any letter case (issue 10, defect 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, invoke
from permitcheck.dossier.privacy import mask

FORMATS = ["text", "json", "junit", "sarif", "github", "markdown", "html"]
NEW = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")
EXTENSION = (EXAMPLES / "extension.yaml").read_text(encoding="utf-8")
PASSPORT = "{number: C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}"
PERMIT = 'number: "320100202412345678"'


def _new(passport: str) -> str:
    return NEW.replace(PASSPORT, passport)


# case: (file name, content, the numbers that must never appear)
SPELLINGS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "no-space-after-colon": (
        "a.yaml",
        _new("{number:C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}"),
        ("C01X00T47",),
    ),
    "number-as-a-key": (
        "a.yaml",
        _new("{C01X00T47: 1, issuing_country: DE, expiry_date: 2031-05-01}"),
        ("C01X00T47",),
    ),
    "number-in-issuing-country": (
        "a.yaml",
        _new("{issuing_country: C01X00T47, expiry_date: 2031-05-01}"),
        ("C01X00T47",),
    ),
    "number-in-expiry-date": (
        "a.yaml",
        _new("{number: C01X00T47, issuing_country: DE, expiry_date: C01X00T47}"),
        ("C01X00T47",),
    ),
    "number-as-int-tag": (
        "a.yaml",
        _new("{number: !!int C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}"),
        ("C01X00T47",),
    ),
    "number-in-a-file-name": (
        "a.yaml",
        NEW.replace(
            "passport_copy: {pages: [information]}",
            "passport_copy: {pages: [information], file: docs/passportC01X00T47.pdf}",
        ),
        ("C01X00T47",),
    ),
    "number-in-a-file-name-lower-case": (
        "a.yaml",
        NEW.replace(
            "passport_copy: {pages: [information]}",
            "passport_copy: {pages: [information], file: docs/passport-c01x00t47.pdf}",
        ),
        ("C01X00T47",),
    ),
    "dossier-named-after-the-number": ("C01X00T47.yaml", NEW, ("C01X00T47", "C02Y11U58")),
    "broken-dossier-named-after-the-number": (
        "passport-c01x00t47.yaml",
        NEW.replace("documents:", "documents: [", 1),
        ("C01X00T47",),
    ),
    "family-number-as-a-key": (
        "a.yaml",
        NEW.replace("{number: C02Y11U58,", "{C02Y11U58: x,"),
        ("C01X00T47", "C02Y11U58"),
    ),
    # A list entry is named in the checklist (`Entry 1 (...)`) by its issuer, as written.
    "number-in-an-issuer-name": (
        "a.yaml",
        NEW.replace("issuer: KUKA AG", "issuer: KUKA C01X00T47 AG").replace(
            '      certifier_contact: "+49 821 797 0"\n', ""
        ),
        ("C01X00T47",),
    ),
    "permit-number-no-space": (
        "a.yaml",
        EXTENSION.replace(
            f"current_permit:\n  {PERMIT}\n  expiry_date: 2027-01-15",
            "current_permit: {number:320100202412345678, expiry_date: 2027-01-15}",
        ),
        ("320100202412345678",),
    ),
    "permit-number-in-expiry-date": (
        "a.yaml",
        EXTENSION.replace("expiry_date: 2027-01-15", "expiry_date: 320100202412345678"),
        ("320100202412345678",),
    ),
}


def _everything(result: object, *files: Path) -> str:
    texts = [getattr(result, "stdout", ""), getattr(result, "stderr", "")]
    texts += [f.read_text(encoding="utf-8") for f in files if f.exists()]
    return "\n".join(texts)


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_no_number_appears_in_any_output(tmp_path: Path, case: str) -> None:
    name, content, numbers = SPELLINGS[case]
    for number in numbers:
        assert number.lower() in content.lower() + name.lower(), "the case must hold the number"
    assert content.count("\n") > 20
    dossier = tmp_path / "dossiers" / name
    dossier.parent.mkdir()
    dossier.write_text(content, encoding="utf-8")
    for index, to_stdout in enumerate(FORMATS):
        lang = ("en", "zh")[index % 2]
        out = tmp_path / f"out{index}"
        summary = tmp_path / f"summary{index}.md"
        pairs = [
            arg for fmt in FORMATS if fmt != to_stdout for arg in ("-f", fmt, "-o", str(out / fmt))
        ]
        result = invoke(
            "validate",
            str(dossier),
            "--as-of",
            "2026-12-07",
            "--lang",
            lang,
            *pairs,
            "-f",
            to_stdout,
            "-v",
            env={"GITHUB_STEP_SUMMARY": str(summary)},
        )
        assert result.exit_code in (1, 2), result.stderr
        files = [out / fmt for fmt in FORMATS if fmt != to_stdout]
        assert all(f.exists() for f in files)
        text = _everything(result, summary, *files).lower()
        for number in numbers:
            assert number.lower() not in text, (case, to_stdout, lang)
        # Not vacuous: the dossier was named, masked where it holds a number.
        assert "dossiers" in text


def test_show_personal_data_shows_them(tmp_path: Path) -> None:
    dossier = tmp_path / "C01X00T47.yaml"
    dossier.write_text(NEW, encoding="utf-8")
    shown = invoke("validate", str(dossier), "--as-of", "2026-12-07", "--show-personal-data")
    assert str(dossier) in shown.stdout
    hidden = invoke("validate", str(dossier), "--as-of", "2026-12-07")
    assert str(tmp_path / f"{mask('C01X00T47')}.yaml") in hidden.stdout
    assert "file name contains a passport or permit number" in hidden.stdout, hidden.stdout
    assert "(permitcheck.file-name)" in hidden.stdout


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_no_number_appears_in_the_agenda(tmp_path: Path, case: str) -> None:
    name, content, numbers = SPELLINGS[case]
    dossier = tmp_path / "dossiers" / name
    dossier.parent.mkdir()
    dossier.write_text(content, encoding="utf-8")
    for fmt in ("text", "json", "markdown", "ics"):
        result = invoke("agenda", str(dossier), "--as-of", "2026-12-07", "-f", fmt)
        assert result.exit_code in (0, 1, 2), result.stderr
        # An iCalendar file folds long lines: read it unfolded.
        text = _everything(result).replace("\r\n ", "").replace("\n ", "").lower()
        for number in numbers:
            assert number.lower() not in text, (case, fmt)
        assert "dossiers" in text
