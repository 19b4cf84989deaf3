"""With --lang zh, no command prints an untranslated English sentence."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, example_data, invoke, load_pack, patched, to_yaml

EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))
RULE_IDS = [rule.id for rule in load_pack("nanjing").rules]
# Three or more English words in a row is a sentence (or a piece of one) left in English.
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){2,}")


def _user_data() -> set[str]:
    """Names the user wrote (people, employers): shown as written, in any language."""
    names: set[str] = set()
    for name in EXAMPLE_NAMES:
        data = example_data(name)
        names.add(data["applicant"]["name"])
        if "employer" in data:
            names.add(data["employer"]["name"])
        names.update(member["name"] for member in data.get("family", []))
    return names


USER_DATA = _user_data()


def english_in(text: str) -> list[str]:
    """English prose left in `text`, ignoring code, identifiers, paths and user data."""
    for value in sorted(USER_DATA, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"`[^`]*`", " ", text)  # keys, values, commands
    text = re.sub(r"(?:https?://|www\.)\S+", " ", text)  # addresses
    text = re.sub(r"'[^']*'", " ", text)  # a quoted value the user wrote
    text = re.sub(r"\S*\w[./_\\]\w\S*", " ", text)  # paths, ids, dotted names
    text = re.sub(r"\b(?:FAQ|YAML|ISO|UTF-8|NUL|JSON)\b", " ", text)
    return ENGLISH.findall(text)


def test_the_detector_finds_english() -> None:
    assert english_in("缺少申请表。 The form is missing.") == ["The form is missing"]
    assert english_in("请填写 `application_form: {signed_by_applicant: true}`。") == []
    assert english_in("规则 nanjing.new.degree.present（FAQ 3(3)）") == []


def run(*args: str) -> Any:
    return invoke(*args, "--lang", "zh")


def assert_chinese(text: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", text), text
    left = english_in(text)
    assert not left, left


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_validate_text(name: str) -> None:
    result = run("validate", str(EXAMPLES / f"{name}.yaml"), "--verbose")
    assert_chinese(result.stdout)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_validate_json_messages(name: str) -> None:
    report = json.loads(run("validate", str(EXAMPLES / f"{name}.yaml"), "-f", "json").stdout)
    for finding in report["dossiers"][0]["findings"]:
        for field in ("title", "message", "fix"):
            if finding[field] is not None:
                assert_chinese(finding[field])
    for rule in report["rules"].values():
        assert_chinese(rule["title"])
        assert_chinese(rule["description"])
        for source in rule["sources"]:
            assert_chinese(source["quote_zh"])


def test_every_rule_message_and_fix_in_chinese_when_failing(tmp_path: Path) -> None:
    """The not-ready example plus a few mutations make failing messages with their values."""
    data = patched(
        example_data("not-ready"),
        {
            "documents.degree.obtained_in": "HK",
            "documents.degree.authentication": "apostille",
            "documents.medical_exam.issued_on": "2026-12-08",
            "applicant.residence_history": [{"country": "FR", "from": "2020-01-01"}],
        },
        delete=["documents.application_form"],
    )
    path = tmp_path / "more.yaml"
    path.write_bytes(to_yaml(data))
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert_chinese(result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["--registered-in", "jianye"],
        ["--registered-in", "jiangbei_new_area"],
        ["--registered-in", "jiangning"],
        ["--registered-in", "jiangning_development_zone"],
        ["--level", "provincial"],
        ["--registered-in", "pukou"],
    ],
)
def test_where(args: list[str]) -> None:
    assert_chinese(run("where", *args).stdout)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_where_and_steps_for_each_example(name: str) -> None:
    path = str(EXAMPLES / f"{name}.yaml")
    assert_chinese(run("where", path).stdout)
    assert_chinese(run("steps", path).stdout)


def test_steps_without_dossier() -> None:
    assert_chinese(run("steps").stdout)


def test_rules() -> None:
    assert_chinese(run("rules").stdout)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_explain(rule_id: str) -> None:
    assert_chinese(run("explain", rule_id).stdout)


ERRORS = {
    "syntax": b"permitcheck: 1\napplication: [\n",
    "tab": b"permitcheck: 1\n\tapplication: {}\n",
    "not-utf8": b"permitcheck: 1\nx: \xff\n",
    "binary": b"\x00\x01",
    "empty": b"",
    "list": b"- 1\n",
    "tag": b"permitcheck: !!python/object/apply:os.system [echo]\n",
    "duplicate": b"permitcheck: 1\npermitcheck: 1\n",
    "version": b"permitcheck: 2\n",
    "no-version": b"application: {}\n",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_in_chinese(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(ERRORS[name])
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert_chinese(result.stderr)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("issued_on: 2026-09-15", "issued_on: 03/04/2026"),
        ("issued_on: 2026-09-15", "issued_on: 2026-02-30"),
        ("issuer: police", "issuer: polise"),
        ("  degree:", "  degre:"),
        ("nationality: DE", "nationality: de"),
        ("sworn_declaration: false", "sworn_declaration: no"),
        ("  name: Maria Keller\n", ""),
        ("  type: new", "  type: renewal"),
        ("  passport_copy: {pages: [information]}", "  passport_copy: {pages: information}"),
    ],
)
def test_dossier_errors_in_chinese(tmp_path: Path, old: str, new: str) -> None:
    text = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "d.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert_chinese(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["where", "--registered-in", "mars"],
        ["where"],
        ["explain", "nanjing.nope"],
        ["validate", "missing.yaml"],
        ["validate", "x.yaml", "--as-of", "03/04/2026"],
    ],
)
def test_usage_errors_in_chinese(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert_chinese(result.stderr)
