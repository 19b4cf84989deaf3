"""`validate --format html`: the printable report, self-contained, escaped, in one or two languages.

What a browser makes of it (A4 width, pages, scripts) is in test_browser.py (slow)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, example_data, invoke, patched, to_yaml

NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))


def report(*args: str) -> Any:
    return invoke("validate", *args, "--format", "html")


class Page(HTMLParser):
    """The tags, attributes and text of a page, and whether every tag is closed."""

    VOID = {"meta", "br", "img", "link", "input", "hr"}

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


@pytest.mark.parametrize("name", NAMES)
def test_each_example_is_one_self_contained_page(name: str) -> None:
    result = report(str(EXAMPLES / f"{name}.yaml"))
    assert result.exit_code == (1 if name == "not-ready" else 0), result.stderr
    page = Page(result.stdout)
    assert page.open == []
    tags = {tag for tag, _ in page.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags
    for _, attrs in page.tags:
        for key, value in attrs.items():
            assert not (value or "").startswith(("http:", "https:", "//")), (key, value)
    assert "@import" not in result.stdout and "url(" not in result.stdout
    assert "@page { size: A4" in result.stdout


def test_what_the_page_says_of_a_dossier_that_is_not_ready() -> None:
    page = Page(report(str(EXAMPLES / "not-ready.yaml")).stdout)
    words = page.words
    assert "Not ready" in words and "3 missing, 6 to fix" in words
    # Each failing finding with its FAQ section and the sentence quoted.
    assert "Certificate of no criminal record is in the package" in words
    assert "FAQ 3(4)" in words and "Proof of no criminal record for the applicant." in words
    assert "nanjing.new.criminal-record.present" in words
    # Where to go and what follows, though the dossier is not ready yet.
    assert "Where to go" in words and "Hotline" in words
    assert "After submission" in words and "Apply for the work residence permit" in words
    # The windows, as a chart: the closed medical exam ends 2026-10-30.
    rows = [attrs for tag, attrs in page.tags if tag == "div" and attrs.get("class") == "row"]
    assert len(rows) == 2
    assert "2026-10-30" in words
    bars = [attrs for tag, attrs in page.tags if "bar fail" in (attrs.get("class") or "")]
    assert len(bars) == 2


def test_a_ready_dossier_says_when_to_submit() -> None:
    words = Page(report(str(EXAMPLES / "new-permit.yaml")).stdout).words
    assert "Ready to submit" in words and "Submit by: 2027-03-15" in words
    assert "Nothing to fix." in words
    assert "In order" in words


def test_passport_masked_unless_asked() -> None:
    number = example_data("new-permit")["applicant"]["passport"]["number"]
    out = report(str(EXAMPLES / "new-permit.yaml")).stdout
    assert number not in out and "C01****47" in out
    shown = report(str(EXAMPLES / "new-permit.yaml"), "--show-personal-data").stdout
    assert number in shown


HOSTILE = '<script>document.title="pwned"</script><img src=x onerror=alert(1)> & "q" \'s'


def test_every_dossier_value_is_escaped(tmp_path: Path) -> None:
    data = patched(
        example_data("not-ready"),
        {
            "applicant.name": f"Rahul {HOSTILE}",
            "employer.name": HOSTILE,
            "family[0].name": HOSTILE,
        },
    )
    path = tmp_path / f"d{'&'}x.yaml"
    path.write_bytes(to_yaml(data))
    out = report(str(path)).stdout
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    page = Page(out)
    assert {tag for tag, _ in page.tags}.isdisjoint({"script", "img"})
    assert HOSTILE.replace("&", "&") in page.words.replace("&amp;", "&")


def test_chinese_and_both_languages() -> None:
    chinese = Page(
        invoke(
            "validate",
            str(EXAMPLES / "not-ready.yaml"),
            "-f",
            "html",
            "--lang",
            "zh",
        ).stdout
    )
    assert "工作许可申请材料检查报告" in chinese.words and "Work-permit" not in chinese.words
    assert ("html", {"lang": "zh-Hans"}) in chinese.tags
    assert "咨询电话：" in chinese.words  # Chinese punctuation on a Chinese page
    out = invoke("validate", str(EXAMPLES / "not-ready.yaml"), "-f", "html", "--lang", "en+zh")
    both = Page(out.stdout)
    assert "Work-permit dossier report" in both.words and "工作许可申请材料检查报告" in both.words
    # Side by side: each message in English and in Chinese.
    assert "The certificate of no criminal record is missing." in both.words
    assert "缺少无犯罪记录证明。" in both.words


@pytest.mark.parametrize("other", [[], ["-f", "json"]])
def test_both_languages_are_for_the_html_report_only(other: list[str]) -> None:
    args = ["-f", "html", "-o", "r.html", *other] if other else []
    result = invoke("validate", str(EXAMPLES / "change.yaml"), "--lang", "en+zh", *args)
    assert result.exit_code == 2
    assert "--lang en+zh" in result.stderr and "HTML" in result.stderr


def test_several_dossiers_and_a_file_that_could_not_be_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("permitcheck: 1\napplication: [\n", encoding="utf-8")
    target = tmp_path / "report.html"
    result = invoke("validate", str(EXAMPLES), str(bad), "-o", str(target))
    assert result.exit_code == 1
    page = Page(target.read_text(encoding="utf-8"))
    sections = [a for tag, a in page.tags if tag == "section"]
    assert len(sections) == len(NAMES) + 1  # a page each, then the errors
    assert "Files that could not be checked" in page.words and "bad.yaml" in page.words


def test_waivers_and_configuration_warnings(tmp_path: Path) -> None:
    config = tmp_path / "permitcheck.yaml"
    config.write_text(
        "waivers:\n"
        "  - {rule: nanjing.new.degree.authentication, reason: seen by the window, "
        "approved_by: HR lead, expires: 2027-01-31}\n"
        "  - {rule: nanjing.new.degree.present, reason: none, approved_by: HR, "
        "expires: 2027-01-31}\n",
        encoding="utf-8",
    )
    result = invoke(
        "validate", str(EXAMPLES / "not-ready.yaml"), "-f", "html", "--config", str(config)
    )
    words = Page(result.stdout).words
    assert "Waived" in words and "seen by the window" in words and "HR lead" in words
    assert "Configuration warnings" in words and "nanjing.new.degree.present" in words


def test_the_template_engine_escapes_by_default() -> None:
    from permitcheck.render.html import LANGS, Words, _environment

    environment = _environment(Words(LANGS))
    assert environment.autoescape is True or environment.autoescape("report.html.j2")
    assert str(environment.from_string("{{ x }}").render(x="<b>")) == "&lt;b&gt;"
