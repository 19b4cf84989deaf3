"""The words of every report (issue 14, item 9): plurals, one count for all formats, citations
and country names in the reader's language, each error once, sources once per section."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT, invoke

NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))
HUMAN = ("text", "markdown", "github", "junit")


def _stdout(*args: str) -> str:
    return str(invoke(*args).stdout)


def test_one_warning_is_singular_in_markdown() -> None:
    # The extension example has exactly one warning (its filing deadline closes soon).
    markdown = _stdout("validate", "examples/extension.yaml", "-f", "markdown")
    assert "(1 warning)" in markdown
    assert "1 warnings" not in markdown
    assert "0 to fix" not in markdown  # no count of nothing


def test_one_dossier_and_one_file_are_singular() -> None:
    markdown = _stdout("validate", "examples/new-permit.yaml", "-f", "markdown")
    assert markdown.startswith("## permitcheck: 1 of 1 dossier ready\n")
    github = _stdout("validate", "examples/new-permit.yaml", "missing.yaml", "-f", "github")
    assert "1 of 1 dossier ready; 1 file could not be checked" in github
    assert "0 non-dossier" not in github  # nothing skipped, nothing said


@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
def test_a_run_that_checked_no_dossier_says_so(fmt: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("permitcheck: 1\nfoo: [\n", encoding="utf-8")
    out = _stdout("validate", str(broken), "missing.yaml", "-f", fmt)
    assert "0 of 0" not in out
    assert "no dossier was checked; 2 files could not be checked" in out


def test_text_and_markdown_count_alike() -> None:
    """One wording in every format: missing documents apart from the other things to fix."""
    text = _stdout("validate", "examples/not-ready.yaml")
    markdown = _stdout("validate", "examples/not-ready.yaml", "-f", "markdown")
    assert "Not ready: 3 missing, 6 to fix;" in text
    assert "not ready (3 missing, 6 to fix)" in markdown
    zh = _stdout("validate", "examples/not-ready.yaml", "-f", "markdown", "--lang", "zh")
    assert "尚不能提交（缺少 3 项，6 项需处理）" in zh


def test_an_extension_application() -> None:
    out = invoke(
        "validate", str(ROOT / "tests/corpus/handwritten/extension-without-permit.yaml")
    ).stderr
    assert "an extension application needs the `current_permit` section" in out
    zh = invoke(
        "validate",
        str(ROOT / "tests/corpus/handwritten/extension-without-permit.yaml"),
        "--lang",
        "zh",
    ).stderr
    assert "延期申请须填写 `current_permit` 部分" in zh


def test_json_sources_name_each_section_once() -> None:
    report = json.loads(_stdout("validate", "examples", "-f", "json"))
    for dossier in report["dossiers"]:
        for finding in dossier["findings"]:
            cited = [(s["title"], s["section"]) for s in finding["sources"]]
            assert len(cited) == len(set(cited)), finding


def test_github_prints_each_load_error_once(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("permitcheck: 1\nfoo: [\n", encoding="utf-8")
    result = invoke("validate", str(broken), "-f", "github")
    everything = result.stdout + result.stderr
    assert everything.count("did not find expected node content") == 1
    assert "::error file=" in result.stdout
    # Another format still lists the error on standard error, beside the report.
    text = invoke("validate", str(broken), "-f", "json")
    assert text.stderr.count("did not find expected node content") == 1


# Half-English citations: a section named with English words after the Chinese `依据`.
_ENGLISH_SECTION = re.compile(r"\b(note|Art\.|para\.|extension|validity)\b")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", HUMAN)
def test_chinese_citations_are_chinese(name: str, fmt: str) -> None:
    out = _stdout("validate", f"examples/{name}.yaml", "-f", fmt, "--lang", "zh")
    cited = re.findall(r"\[依据 ([^\]]*)\]|\(((?:FAQ|海牙|中国|民法典|行政许可法)[^)]*)\)", out)
    for parts in cited:
        for citation in parts:
            citation = re.sub(r"`[^`]*`", "", citation)  # rule ids are code
            assert not _ENGLISH_SECTION.search(citation), citation


def test_chinese_note_citation() -> None:
    out = _stdout("validate", "examples/not-ready.yaml", "--lang", "zh")
    assert "[依据 FAQ 3 附注]" in out
    assert "海牙认证公约 第 3 条；中国加入公约通知 第 2 段" in out


def test_countries_by_name_in_the_reader_language() -> None:
    """The degree of examples/not-ready.yaml is from India (`country: IN`)."""
    en = _stdout("validate", "examples/not-ready.yaml")
    assert "An apostille from India is not accepted in China" in en
    assert "consulate in India" in en
    assert not re.search(r"\bIN\b", en)
    zh = _stdout("validate", "examples/not-ready.yaml", "--lang", "zh")
    assert "印度签发的附加证明书在中国不被接受" in zh
    assert "请办理中国驻印度使领馆认证" in zh
    assert not re.search(r"\bIN\b", zh)
    markdown = _stdout("validate", "examples/not-ready.yaml", "-f", "markdown", "--lang", "zh")
    assert "印度" in markdown


def test_json_keeps_the_dossier_codes() -> None:
    """JSON values stay what the dossier says; only the sentences name the country."""
    report = json.loads(_stdout("validate", "examples/not-ready.yaml", "-f", "json"))
    finding = next(
        f
        for f in report["dossiers"][0]["findings"]
        if f["rule"] == "nanjing.new.degree.authentication"
    )
    assert finding["subject"] == "documents.degree"
    assert "India" in finding["message"]


@pytest.mark.parametrize("name", NAMES)
def test_chinese_submit_by_reads_on_or_before(name: str) -> None:
    """ "请于 X 前提交" reads as "before X", but X is the last allowed day."""
    for fmt in HUMAN:
        out = _stdout("validate", f"examples/{name}.yaml", "-f", fmt, "--lang", "zh")
        assert "前提交" not in out, fmt


def test_chinese_submit_by_wording() -> None:
    out = _stdout("validate", "examples/new-permit.yaml", "--lang", "zh")
    summary = next(line for line in out.splitlines() if line.startswith("可以提交"))
    assert "最迟于 2027-03-15 提交" in summary


@pytest.mark.parametrize("name", NAMES)
def test_chinese_due_dates_read_on_or_before(name: str) -> None:
    """`steps` and the Next steps block give the last allowed day: "X 前" reads as "before X"."""
    for command in ("steps", "validate"):
        out = _stdout(command, f"examples/{name}.yaml", "--lang", "zh")
        assert not re.search(r"\d{4}-\d{2}-\d{2} 前", out), command


def test_one_skipped_file_is_singular(tmp_path: Path) -> None:
    # Two dossiers and one YAML file that is not a dossier (a GitHub Actions workflow).
    for name in ("new-permit", "extension"):
        (tmp_path / f"{name}.yaml").write_bytes((EXAMPLES / f"{name}.yaml").read_bytes())
    (tmp_path / "ci.yml").write_bytes((EXAMPLES / "ci" / "github-actions.yml").read_bytes())
    out = _stdout("validate", str(tmp_path), "--quiet")
    assert out.splitlines()[-1].endswith("; 1 YAML file skipped (not a dossier)")
