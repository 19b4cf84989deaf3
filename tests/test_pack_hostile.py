"""Mistaken and hostile rule packs fail when they load, with located errors, and quickly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import CLI_ENV, EXAMPLES, ROOT, invoke, load_pack, pack_problems
from permitcheck.problems import Problem, Stop
from permitcheck.rulepack import pack as rules
from permitcheck.rulepack import steps, windows

RECORD = "nanjing/3-new-record-medical.yaml"
FORMS = "nanjing/3-new-forms-experience-degree.yaml"
FAMILY = "nanjing/3-new-contract-passport-family.yaml"
LATER = "nanjing/4-6-extension-change-cancellation.yaml"
MANIFEST = "nanjing/pack.yaml"
SOURCES = "china/sources.yaml"
APOSTILLE = "apostille: apostille.yaml"
CHINA = "china/pack.yaml"  # the national pack: the apostille table and the sources
NEW_PERMIT = str(EXAMPLES / "new-permit.yaml")
POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and rlimits are POSIX")


@pytest.fixture(autouse=True)
def _fresh_packs() -> Iterator[None]:
    """Packs are cached by path: no test may see one loaded by another."""

    def clear() -> None:
        rules.forget_loaded()
        windows._windows.cache_clear()
        steps._steps.cache_clear()

    clear()
    yield
    clear()


def _rules(tmp_path: Path) -> Path:
    """A copy of the built-in packs (nanjing and the national data it shares with china)."""
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    return root


def _edit(root: Path, file: str, old: str, new: str) -> tuple[Path, int]:
    """`file` with its first `old` replaced by `new`; and the line where `new` begins."""
    target = root / file
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    before = text.index(old)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target, text.count("\n", 0, before) + 1


def _load_error(root: Path) -> Problem:
    return pack_problems("nanjing", root)[0]


def _assert_edit_fails_at_it(
    tmp_path: Path, file: str, old: str, new: str, *fragments: str
) -> None:
    """A copy of the packs with one edit fails to load, located where the edit is."""
    root = _rules(tmp_path)
    target, line = _edit(root, file, old, new)
    _assert_at(_load_error(root), target, line, *fragments)


def _assert_at(error: Problem, path: Path, line: int, *fragments: str) -> None:
    assert error.path is not None
    assert os.path.realpath(error.path) == os.path.realpath(path), error.located()
    assert error.location is not None, error.located()
    assert error.location.line == line, error.located()
    for fragment in fragments:
        assert fragment in error.text.en, error.located()
    assert error.text.zh and error.text.zh != error.text.en


def _assert_cli_located(result: Any, path: Path, line: int, *fragments: str) -> None:
    """Exit 2; the first line of stderr is `file:line:column: message`; no crash."""
    output = result.stdout + result.stderr
    code = (
        result.returncode if isinstance(result, subprocess.CompletedProcess) else result.exit_code
    )
    assert code == 2, output
    assert "Traceback" not in output and "internal error" not in output, output
    first = result.stderr.splitlines()[0]
    assert re.match(rf"{re.escape(str(path))}:{line}:\d+: ", first), result.stderr
    for fragment in fragments:
        assert fragment in first, result.stderr


# ---- a kind applied to a subject it cannot read ------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            RECORD,
            "    subject: documents.criminal_record.issued_on\n    check: {kind: max_age",
            "    subject: applicant.name\n    check: {kind: max_age",
            "check kind `max_age` needs a date as its subject, but `applicant.name` is text",
        ),
        (
            FAMILY,
            "    subject: documents.employment_contract.states",
            "    subject: permitcheck",
            "check kind `includes` needs a list of codes as its subject, but `permitcheck` is "
            "a number",
        ),
        (
            RECORD,
            "    subject: documents.criminal_record.issuer",
            "    subject: documents.criminal_record.issued_on",
            "check kind `one_of` needs text (a code or a name) as its subject, but "
            "`documents.criminal_record.issued_on` is a date",
        ),
        (
            RECORD,
            "    subject: documents.criminal_record\n    check:\n      kind: authentication",
            "    subject: applicant.name\n    check:\n      kind: authentication",
            "check kind `authentication` needs a mapping of fields (a document or a section) "
            "as its subject, but `applicant.name` is text",
        ),
        (
            LATER,
            "    subject: change.occurred_on",
            "    subject: change.fields",
            "check kind `working_days` needs a date as its subject, but `change.fields` is a list",
        ),
    ],
)
def test_a_kind_on_a_subject_of_the_wrong_type_is_a_located_error(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    _assert_edit_fails_at_it(tmp_path, file, old, new, message)


def test_the_wrong_type_fails_validate_with_a_location_not_a_crash(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    target, line = _edit(
        root,
        RECORD,
        "    subject: documents.criminal_record.issued_on\n",
        "    subject: applicant.name\n",
    )
    result = invoke("validate", NEW_PERMIT, "--rules", str(root), "--as-of", "2026-12-07")
    assert result.exit_code == 2
    _assert_cli_located(result, target, line, "needs a date as its subject")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            RECORD,
            "    subject: documents.criminal_record.issued_on",
            "    subject: documents.criminal_record.issued_onn",
            "`documents.criminal_record` has no field `issued_onn` in the dossier format; did you "
            "mean `issued_on`?",
        ),
        (
            RECORD,
            "    document: documents.criminal_record\n    subject: documents.criminal_record\n",
            "    document: documents.criminal_recrod\n    subject: documents.criminal_record\n",
            "`documents` has no field `criminal_recrod` in the dossier format; did you mean "
            "`criminal_record`?",
        ),
        (
            RECORD,
            "    check: {kind: max_age, months: 6}",
            "    check: {kind: max_ag, months: 6}",
            "unknown kind 'max_ag'",
        ),
        (
            "nanjing/0-dossier.yaml",
            "when: {path: employer, stated: true}",
            "when: {path: employer, present: true}",
            "unknown key 'present' in rules[1].applies.when; did you mean 'stated'?",
        ),
        (
            RECORD,
            "    check: {kind: max_age, months: 6}",
            "    check: {kind: max_age, months: six}",
            "months",
        ),
        (
            FORMS,
            "      stated: [issuer, job_title, certifier_contact]",
            "      stated: [issuer, job_titel, certifier_contact]",
            "check kind `facts` reads `job_titel` of its subject: "
            "`documents.work_experience[*]` has no field `job_titel`",
        ),
        (
            RECORD,
            "{path: application.category, equals: A}",
            "{path: application.categroy, equals: A}",
            "`application` has no field `categroy` in the dossier format; did you mean `category`?",
        ),
        (
            RECORD,
            "residence: applicant.residence_history",
            "residence: applicant.nationality",
            "check kind `residence_country` needs a list of entries with fields at "
            "`applicant.nationality`, but the dossier format has text there",
        ),
        (
            FORMS,
            "{path: documents.degree.obtained_in, equals: CN}",
            '{path: "family[*].relation", equals: spouse}',
            "`family[*].relation` has [*], which stands for the entry `for_each` takes, but the "
            "rule has no `for_each`",
        ),
        (
            FAMILY,
            '{path: "family[*].date_of_birth", age_at_least: 18}',
            '{path: "family[*].name", age_at_least: 18}',
            "condition `age_at_least` needs a date at `family[*].name`, but the dossier format has "
            "text there",
        ),
        (
            RECORD,
            "check: {kind: one_of, values: [police, security, court, diplomatic_mission]}",
            "check: {kind: one_of, values: [polce, security, court, diplomatic_mission]}",
            "'polce' is never written at `documents.criminal_record.issuer`: the dossier "
            "format allows only `police`, `security`, `court`, `diplomatic_mission` (did you "
            "mean `police`?)",
        ),
        (
            FAMILY,
            '{path: "family[*].relation", equals: spouse}',
            '{path: "family[*].relation", equals: spuose}',
            "'spuose' is never written at `family[*].relation`",
        ),
    ],
)
def test_paths_and_values_the_dossier_format_does_not_have_are_located_errors(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    _assert_edit_fails_at_it(tmp_path, file, old, new, message)


def test_every_problem_of_a_rule_file_is_reported_at_once(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    _edit(
        root,
        RECORD,
        "    subject: documents.criminal_record.issued_on\n",
        "    subject: applicant.name\n",
    )
    _edit(
        root,
        RECORD,
        "    subject: documents.medical_exam.issued_on\n",
        "    subject: documents.medical_exam.issued\n",
    )
    errors = pack_problems("nanjing", root)
    assert len(errors) == 2
    assert "needs a date" in errors[0].text.en
    assert "has no field `issued`" in errors[1].text.en
    assert errors[0].location and errors[1].location
    assert errors[0].location.line < errors[1].location.line


# ---- headings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "message"),
    [
        (
            "criminal_recrd",
            "group `criminal_recrd` is not declared under `groups` in pack.yaml; did "
            "you mean `criminal_record`?",
        ),
        ("family[9]", "group `family[9]` is not declared under `groups` in pack.yaml"),
        ("family", "`group: family` is not a heading of its own"),
    ],
)
def test_a_group_the_manifest_does_not_declare_is_a_located_error(
    tmp_path: Path, group: str, message: str
) -> None:
    _assert_edit_fails_at_it(
        tmp_path,
        RECORD,
        "    subject: documents.criminal_record.issuer\n",
        f'    group: "{group}"\n    subject: documents.criminal_record.issuer\n',
        message,
    )


def test_family_findings_need_the_family_heading(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    _edit(root, MANIFEST, "  family: {en:", "  relatives: {en:")
    target = root / FAMILY
    result = invoke("validate", NEW_PERMIT, "--rules", str(root), "--as-of", "2026-12-07")
    assert result.exit_code == 2
    first_family_rule = next(
        number
        for number, text in enumerate(target.read_text(encoding="utf-8").splitlines(), 1)
        if "subject: family[*]" in text
    )
    _assert_cli_located(
        result,
        target,
        first_family_rule,
        "the heading `family` this rule's findings are listed under",
    )


def test_a_heading_key_must_be_a_plain_name(tmp_path: Path) -> None:
    _assert_edit_fails_at_it(
        tmp_path,
        MANIFEST,
        "  change: {en:",
        '  "change[0]": {en:',
        "does not have the expected form",
    )


# ---- numbers that would overflow date arithmetic ------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            RECORD,
            "check: {kind: max_age, months: 6}",
            "check: {kind: max_age, months: 100000}",
            "months: must be from 1 to 1,200 months",
        ),
        (
            FAMILY,
            "check: {kind: min_validity, months: 6}",
            "check: {kind: min_validity, months: 0}",
            "months: must be from 1 to 1,200 months",
        ),
        (
            LATER,
            "check: {kind: working_days, days: 10}",
            "check: {kind: working_days, days: 99999999999}",
            "days: must be from 1 to 36,600 days",
        ),
        (
            RECORD,
            "months: 12, excluded: [CN]",
            "months: 10000000, excluded: [CN]",
            "months: must be from 1 to 1,200 months",
        ),
        (
            FAMILY,
            '{path: "family[*].date_of_birth", age_at_least: 18}',
            '{path: "family[*].date_of_birth", age_at_least: 4000}',
            "age_at_least: must be from 0 to 150 years",
        ),
    ],
)
def test_numbers_out_of_range_are_located_errors(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    _assert_edit_fails_at_it(tmp_path, file, old, new, message)


def test_a_step_due_too_far_away_is_a_located_error(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    target, line = _edit(root, "nanjing/steps.yaml", "days: 30}", "days: 10000000}")
    with pytest.raises(Stop) as caught:
        steps.of(load_pack("nanjing", root))
    _assert_at(caught.value.problems[0], target, line, "days: must be from 1 to 36,600 days")


# ---- data files stay inside the rules folder ----------------------------------------------


def test_a_pack_shares_data_with_its_sibling_inside_the_root(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    pack = load_pack("nanjing", root)
    inside = os.path.realpath(root) + os.sep
    assert set(pack.files) == {"apostille", "sources", "windows", "steps", "text", "points[0]"}
    assert all(path.startswith(inside) for path in pack.files.values())
    assert pack.files["apostille"] == os.path.realpath(root / "china" / "apostille.yaml")


def _passwd_link(root: Path) -> str:
    os.symlink("/etc/passwd", root / "china" / "shared.yaml")
    return "apostille: ../china/shared.yaml"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("apostille: /etc/passwd", "'/etc/passwd' is an absolute path"),
        ("apostille: ../../../../../../../../etc/passwd", "leads outside the rules folder"),
        ("apostille: ../../outside.yaml", "leads outside the rules folder"),
        (_passwd_link, "is, through a symbolic link, a file outside the rules folder"),
    ],
)
@POSIX
def test_a_data_file_outside_the_root_is_refused_at_its_key(
    tmp_path: Path, new: Any, message: str
) -> None:
    root = _rules(tmp_path)
    shutil.copy(root / "china" / "apostille.yaml", tmp_path / "outside.yaml")
    written = new(root) if callable(new) else new
    target, line = _edit(root, CHINA, APOSTILLE, written)
    error = _load_error(root)
    _assert_at(error, target, line, "data.apostille: ", message)
    assert "root:" not in error.text.en + error.text.zh  # nothing of the file is quoted


@POSIX
def test_source_texts_stay_inside_the_root(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    target, line = _edit(
        root, SOURCES, "text: texts/civil-code.txt", "text: ../../../../../../../../etc/hostname"
    )
    _assert_at(
        _load_error(root),
        target,
        line,
        "documents.civil_code.text: ",
        "leads outside the rules folder",
    )
    shutil.rmtree(root)
    root = _rules(tmp_path)
    os.symlink("/etc/hostname", root / "nanjing" / "faq-link.txt")
    target, line = _edit(root, MANIFEST, "text: faq-2025.txt", "text: faq-link.txt")
    _assert_at(_load_error(root), target, line, "source.text: ", "through a symbolic link")


def test_a_missing_data_file_is_located_at_its_key(tmp_path: Path) -> None:
    _assert_edit_fails_at_it(
        tmp_path,
        MANIFEST,
        "windows: windows.yaml",
        "windows: windos.yaml",
        "data.windows: 'windos.yaml': no such file",
    )


def test_a_pack_name_cannot_lead_out_of_the_root(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    shutil.copytree(ROOT / "rules", tmp_path / "elsewhere")
    message = pack_problems("../elsewhere/nanjing", root)[0].text.en
    assert "no rule pack '../elsewhere/nanjing'" in message


@POSIX
def test_a_rule_file_linked_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    link = root / "nanjing" / "9-extra.yaml"
    os.symlink("/etc/passwd", link)
    error = _load_error(root)
    assert error.path == str(link)
    assert "symbolic link to a place outside the rules folder" in error.text.en
    assert "root:" not in error.text.en


@POSIX
def test_a_loop_of_links_named_like_a_rule_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    loop = root / "nanjing" / "9-loop.yaml"
    os.symlink(loop.name, loop)
    result = invoke("rules", "--rules", str(root))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{loop}: ")
    assert "a loop of symbolic links" in result.stderr
    assert "internal error" not in result.stderr


# ---- files that never end or never answer: refused fast -----------------------------------

LIMIT = 1 << 30  # bytes of address space for the CLI: reading /dev/zero would hit it at once
TIMEOUT = 30


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`permitcheck ARGS` in a subprocess, so that a hang fails the test instead of hanging
    the suite and a runaway read fails on its memory limit instead of the machine's."""
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "permitcheck", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
            env={**os.environ, **CLI_ENV},
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"permitcheck {' '.join(args)} still running after {TIMEOUT} s")
    assert time.monotonic() - started < TIMEOUT
    return result


def _fifo(root: Path) -> str:
    os.mkfifo(root / "china" / "pipe.yaml")
    return "apostille: ../china/pipe.yaml"


def _zero_link(root: Path) -> str:
    os.symlink("/dev/zero", root / "china" / "zero.yaml")
    return "apostille: ../china/zero.yaml"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: "apostille: /dev/zero", "'/dev/zero' is an absolute path"),
        (_zero_link, "through a symbolic link, a file outside the rules folder"),
        (_fifo, "'../china/pipe.yaml': is a named pipe (FIFO), not a regular file"),
    ],
)
@POSIX
def test_a_device_or_fifo_as_data_file_is_refused_fast(
    tmp_path: Path, make: Any, message: str
) -> None:
    root = _rules(tmp_path)
    target, line = _edit(root, CHINA, APOSTILLE, make(root))
    result = _cli("rules", "--rules", str(root))
    assert result.returncode == 2, result.stderr
    _assert_cli_located(result, target, line, "data.apostille: ", message)


@POSIX
def test_a_huge_sparse_data_file_is_refused_from_its_size(tmp_path: Path) -> None:
    root = _rules(tmp_path)
    huge = root / "china" / "huge.yaml"
    huge.touch()
    os.truncate(huge, 6_000_000_000)
    _edit(root, CHINA, APOSTILLE, "apostille: huge.yaml")
    # Not a data file any more, the table would be read as a rule file (and refused first).
    (root / "china" / "apostille.yaml").rename(tmp_path / "apostille.yaml")
    result = _cli("rules", "--rules", str(root))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stderr.startswith(f"{os.path.realpath(huge)}: ")
    assert "6,000,000,000 bytes; at most 5,000,000 bytes are read" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero", "sparse"])
@POSIX
def test_a_rule_file_that_never_ends_is_refused_fast(tmp_path: Path, kind: str) -> None:
    root = _rules(tmp_path)
    path = root / "nanjing" / "9-extra.yaml"
    if kind == "fifo":
        os.mkfifo(path)
        expected = "is a named pipe (FIFO), not a regular file"
    elif kind == "zero":
        os.symlink("/dev/zero", path)
        expected = "symbolic link to a place outside the rules folder"
    else:
        path.touch()
        os.truncate(path, 6_000_000_000)
        expected = "6,000,000,000 bytes; at most 5,000,000 bytes are read"
    result = _cli("rules", "--rules", str(root))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stderr.startswith(f"{path}: ")
    assert expected in result.stderr
