"""Dossier text cannot inject into any output (audit defect 12): names, paths and quoted values
never start a line, drive a terminal, become a workflow command, Rich markup, Markdown or HTML."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from helpers import example_data, invoke, patched, to_yaml
from permitcheck.findings import DossierResult, Finding, RenderOptions, Report, SourceRef
from permitcheck.i18n import Text
from permitcheck.problems import Location, Problem
from permitcheck.render import formats, render

AS_OF = ("--as-of", "2026-12-07")
LANGS = ["en", "zh"]
# A workflow command as GitHub's runner reads it from any line of a CI log.
INJECTED = "::error file=injected.yaml,line=1::INJECTED"
APPLICANT = (
    f"Maria\n{INJECTED}\r\n##[warning]legacy command\t[bold red]markup[/] "
    "[link=https://evil.example]link[/link]"
)
FAMILY = (
    "</details>\n\n## All dossiers ready\n[click](https://evil.example) <img src=x> "
    "**bold** @octocat #1 www.evil.example"
)
# Azure Pipelines' form of a legacy command, read anywhere in a line, as GitHub's `##[...]`.
EMPLOYER = f"Acme\n{INJECTED}\n##vso[task.setvariable variable=X]1 [link=https://evil.example]x"
SCAN = f"docs/\n{INJECTED} ##[error]legacy`](https://evil.example)<b>.pdf"
# A file name may hold any character but `/` and NUL: a terminal title (OSC 0 ... BEL), a colour,
# a right-to-left override, a C1 next-line and a line separator.
FILE_NAME = "dossier\n::error::FILENAME\x1b]0;title\x07\x1b[31m\u202e\x85\u2028.yaml"

# What no output may hold: controls other than its own line feeds, DEL, C1 controls, line and
# paragraph separators, bidirectional controls, lone surrogates and XML's noncharacters.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# One workflow command per line, properties percent-encoded (no raw `,` or `:` in a value).
COMMAND = re.compile(r"::(error|warning|notice)( [a-z]+=[^,:\n]*(,[a-z]+=[^,:\n]*)*)?::[^\n]*")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def assert_inert(output: str, github: bool = False) -> None:
    """Nothing in `output` acts on a terminal or a CI log: no unsafe character, no legacy
    `##[command]`, and no line that GitHub reads as a workflow command (after leading
    whitespace, as the runner trims it) unless it is one of the github reporter's own."""
    found = UNSAFE.search(output)
    assert found is None, f"{found[0]!r} in {output[max(found.start() - 60, 0) : found.end()]!r}"
    assert re.search(r"##(\[|vso\[)", output, re.IGNORECASE) is None
    for line in output.split("\n"):
        if line.lstrip().startswith("::"):
            assert github and COMMAND.fullmatch(line), f"workflow command in output: {line!r}"


def hostile_dossier(folder: Path) -> str:
    """A valid dossier with hostile text everywhere a dossier holds text, not ready because of
    its scan and a family member's photo (so that the text is in every report)."""
    data = patched(
        example_data("new-permit"),
        {
            "applicant.name": APPLICANT,
            "family[0].name": FAMILY,
            "employer.name": EMPLOYER,
            "documents.criminal_record.file": SCAN,
        },
        delete=["documents.work_experience[0].file", "family[0].photo"],
    )
    path = folder / FILE_NAME
    path.write_bytes(to_yaml(data))
    return str(path)


@pytest.fixture
def dossier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The hostile dossier's path as CI passes it, relative: so it starts the reports' lines."""
    monkeypatch.chdir(tmp_path)
    return os.path.relpath(hostile_dossier(tmp_path))


def validate(
    path: str, output_format: str, lang: str, *extra: str, env: dict[str, str] | None = None
) -> str:
    result = invoke("validate", path, *AS_OF, "-f", output_format, "--lang", lang, *extra, env=env)
    assert result.exit_code == 1, result.output  # checked, and not ready: not a load error
    out: str = result.stdout
    assert "INJECTED" in out  # the hostile text is in the report, escaped
    return out


# ---- every format ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("output_format", formats("report"))
def test_every_format_keeps_dossier_text_inert(dossier: str, output_format: str, lang: str) -> None:
    assert_inert(validate(dossier, output_format, lang), github=output_format == "github")


# ---- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_text_shows_control_characters_escaped(dossier: str, lang: str) -> None:
    out = validate(dossier, "text", lang)
    lines = out.splitlines()
    # The path and the applicant's name each start a line of the checklist: one line each.
    assert lines[0].startswith(
        "dossier\\n:\\x3aerror:\\x3aFILENAME\\x1b]0;title\\x07\\x1b[31m\\u202e\\x85\\u2028.yaml"
    )
    assert lines[1].startswith(
        "Maria\\n:\\x3aerror file=injected.yaml,line=1:\\x3aINJECTED\\r\\n#\\x23[warning]legacy "
        "command\\t[bold red]markup[/] [link=https://evil.example]link[/link]"
    )
    heading = "随行家属 1：" if lang == "zh" else "Family member 1: "
    assert f"{heading}</details>\\n\\n## All dossiers ready\\n[click]" in out
    assert "`docs/\\n:\\x3aerror file=injected.yaml,line=1:\\x3aINJECTED #\\x23[error]" in out


@pytest.mark.parametrize("lang", LANGS)
def test_coloured_text_is_never_rich_markup(dossier: str, lang: str) -> None:
    # Wide enough that Rich does not wrap the name: the markup is checked as one piece.
    out = validate(dossier, "text", lang, "--color", "always", env={"COLUMNS": "400"})
    # Rich's own colours are the only escape sequences; no hyperlink (OSC 8) or title.
    assert "\x1b]" not in out
    plain = SGR.sub("", out)
    assert_inert(plain)
    assert "[bold red]markup[/] [link=https://evil.example]link[/link]" in plain


# ---- Markdown ------------------------------------------------------------------------------------


def assert_literal_markdown(out: str) -> None:
    """The reporter's own structure only: one <details> for the one dossier with problems, its
    headings, and nothing from the dossier read as a heading, link, image, mention or HTML."""
    assert out.count("<details>") == out.count("</details>") == 1
    headings = [line for line in out.splitlines() if line.lstrip().startswith("#")]
    assert len(headings) == 1 and headings[0].startswith("## permitcheck")
    for raw in (
        "[click]",
        "<img",
        "<b>",
        "**bold**",
        "https://",
        "www.evil",
        "@octocat",
        "#1 ",
        "## All dossiers ready",
    ):
        assert raw not in out, raw
    assert re.search(r"(?<!\\)\]\(", out) is None  # a link's `](`, unescaped
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(out)
    assert html.count("<h2>") == 1 and "<h1>" not in html and "<h3>" not in html
    assert "<a " not in html and "<img" not in html and "<b>" not in html
    assert html.count("<details>") == html.count("</details>") == 1
    # The family member's name is shown as written, inside the reporter's bold heading.
    assert "&lt;/details&gt;\\n\\n#\u200b#\u200b All dossiers ready\\n[click](https" in html


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_shows_dossier_text_literally(dossier: str, lang: str) -> None:
    assert_literal_markdown(validate(dossier, "markdown", lang))


# ---- GitHub workflow commands ----------------------------------------------------------------


def decode(line: str) -> tuple[str, dict[str, str], str]:
    """(kind, properties, message) of one workflow command, unescaped as the runner does."""
    match = COMMAND.fullmatch(line)
    assert match, line
    head, _, message = line[2:].partition("::")
    kind, _, listed = head.partition(" ")
    properties = {}
    for pair in filter(None, listed.split(",")):
        name, _, value = pair.partition("=")
        properties[name] = (
            value.replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
        )
    return kind, properties, message.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


@pytest.mark.parametrize("lang", LANGS)
def test_github_commands_carry_dossier_text_percent_encoded(
    dossier: str, lang: str, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    out = validate(dossier, "github", lang, env={"GITHUB_STEP_SUMMARY": str(summary)})
    commands = [decode(line) for line in out.splitlines()]
    annotations = [(props, message) for kind, props, message in commands if kind != "notice"]
    assert len(annotations) == 2  # the scan and the family member's photo
    for props, message in annotations:
        # The path's line break is carried by GitHub's own escaping: the annotation lands on the
        # file. What that escaping cannot carry is shown escaped.
        assert props["file"].startswith("dossier\n::error::FILENAME\\x1b]0;title\\x07")
        # The only line break of a message is the reporter's own, before the fix.
        assert message.count("\n") == 1
        assert ("\n处理：" if lang == "zh" else "\nFix: ") in message
    assert "file=dossier%0A%3A%3Aerror%3A%3AFILENAME" in out
    (scan,) = [message for props, message in annotations if "INJECTED" in message]
    assert scan.startswith(
        "`docs/\\n:\\x3aerror file=injected.yaml,line=1:\\x3aINJECTED #\\x23[error]legacy`"
    )
    # The job summary is the Markdown report, as inert.
    assert_literal_markdown(summary.read_text(encoding="utf-8"))


# ---- JUnit, JSON, SARIF --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_junit_stays_well_formed(dossier: str, lang: str) -> None:
    root = ET.fromstring(validate(dossier, "junit", lang).encode("utf-8"))
    (suite,) = root.findall("testsuite")
    assert suite.get("name", "").startswith("dossier\\n:\\x3aerror:\\x3aFILENAME\\x1b]0;")
    failures = [
        case.find("failure") for case in suite.iter("testcase") if case.find("failure") is not None
    ]
    assert len(failures) == 2
    for failure in failures:
        assert failure is not None and failure.text is not None
        assert_inert(failure.get("message", "") + "\n" + failure.text)


@pytest.mark.parametrize("lang", LANGS)
def test_json_and_sarif_escape_without_changing_values(dossier: str, lang: str) -> None:
    # Escaped in the document (\\u202e, #\\u0023[), the same values once parsed.
    raw = validate(dossier, "json", lang)
    assert_inert(raw)
    (checked,) = json.loads(raw)["dossiers"]
    assert checked["path"] == dossier
    assert checked["applicant"]["name"] == APPLICANT
    assert any(SCAN in finding["message"] for finding in checked["findings"])
    raw = validate(dossier, "sarif", lang)
    assert_inert(raw)
    messages = [result["message"]["text"] for result in json.loads(raw)["runs"][0]["results"]]
    assert any(SCAN in message for message in messages)


# ---- where, steps, timeline ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", ["where", "steps", "timeline"])
def test_views_show_dossier_text_escaped(dossier: str, command: str, lang: str) -> None:
    args = [command, dossier, "--lang", lang, *(AS_OF if command != "where" else ())]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert_inert(out)
    if command == "where":
        assert out.startswith(
            "Acme\\n:\\x3aerror file=injected.yaml,line=1:\\x3aINJECTED\\n"
            "#\\x23vso[task.setvariable variable=X]1 [link=https://evil.example]x — "
        )
    elif command == "steps":
        assert "Maria\\n:\\x3aerror file=injected.yaml" in out.splitlines()[0]
    else:
        assert out.splitlines()[0].endswith(
            "dossier\\n:\\x3aerror:\\x3aFILENAME\\x1b]0;title\\x07\\x1b[31m\\u202e\\x85\\u2028.yaml"
        )
        # The family member's bar, its label escaped and whole, wrapped under the label column.
        label = "".join(line.strip() for line in out.splitlines()[2:]).replace(" ", "")
        assert ("随行家属" if lang == "zh" else "Familymember") in label
        assert "</details>\\n\\n##Alldossiersready\\n[click](https://evil.example)" in label
    data = json.loads(invoke(*args, "-f", "json").stdout)
    if command == "where":
        assert data["employer"] == EMPLOYER
    elif command == "steps":
        assert data["dossier"] == f"{APPLICANT}, {EMPLOYER}"
    else:
        assert data["path"] == dossier


# ---- every unsafe character, through the reporters ---------------------------------------------

# One of each kind: NUL, BEL, ESC, DEL, C1 (NEL, 8-bit CSI), separators, bidirectional
# embeddings, overrides and isolates, a lone surrogate (an undecodable file name) and U+FFFF.
EVERY = (
    "\x00\x07\x1b[2J\x7f\x85\x9b31m\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
    "\u2068\u2069\udc9b\uffff\t\r\n::error::X ##[error]Y"
)


def hostile_report() -> Report:
    # model_construct: a lone surrogate is not valid input to Text, yet can reach a report in a
    # file name.
    text = Text.model_construct(en=f"en {EVERY}", zh=f"中文 {EVERY}")
    found = Finding(
        rule="r.age",
        status="fail",
        severity="error",
        subject="documents.criminal_record",
        title=text,
        message=text,
        fix=text,
        sources=(SourceRef(title="FAQ", section="3(4)", quote="q"),),
        location=Location(3, 1),
        group="family[0]",
        window_end=date(2026, 10, 30),
    )
    result = DossierResult(
        path=f"dir/{EVERY}.yaml",
        type="new",
        city="nanjing",
        city_name=Text(en="Nanjing", zh="南京"),
        as_of=date(2026, 12, 7),
        findings=(found,),
        submit_by=None,
        submit_by_rule=None,
        submit_by_subject=None,
        groups={"family[0]": text},
        applicant=EVERY,
    )
    error = Problem(text, f"bad/{EVERY}.yaml", Location(1, 1))
    return Report(results=(result,), errors=(error,))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("output_format", formats("report"))
def test_reporters_escape_every_unsafe_character(output_format: str, lang: str) -> None:
    report = hostile_report()
    for color in (False, True) if output_format == "text" else (False,):
        options = RenderOptions(lang="zh" if lang == "zh" else "en", color=color)
        out = render("report", report, output_format, options)
        assert_inert(SGR.sub("", out), github=output_format == "github")
    if output_format == "json":
        assert json.loads(out)["dossiers"][0]["applicant"]["name"] == EVERY
    if output_format == "junit":
        ET.fromstring(out.encode("utf-8"))
    if output_format == "markdown":
        assert out.count("<details>") == out.count("</details>") == 1


def test_escape_shows_controls_and_keeps_other_text() -> None:
    from permitcheck.render import escape

    assert (
        escape.text("a\nb\rc\td\x1be\u202ef\x85g\u2028h\x00")
        == "a\\nb\\rc\\td\\x1be\\u202ef\\x85g\\u2028h\\x00"
    )
    assert escape.text("::error::x ##[error]y") == ":\\x3aerror:\\x3ax #\\x23[error]y"
    for plain in (
        "张伟 (Zhāng Wěi)",
        "Zoë Müller-Lüdenscheidt",
        "Jinling Robotics Co., Ltd.",
        "عبد الله",
        "docs/keller-criminal-record.pdf",
        "A:B",
    ):
        assert escape.text(plain) == plain
        assert escape.json(json.dumps(plain, ensure_ascii=False)) == json.dumps(
            plain, ensure_ascii=False
        )
    assert escape.markdown("Zoë Müller (spouse)") == "Zoë Müller (spouse)"
    assert escape.markdown("</details>\n\n## x\n[a](https://e.example)") == (
        "&lt;/details&gt;\\\\n\\\\n\\#&#8203;\\#&#8203; x\\\\n\\[a\\](https\\://e.example)"
    )
    assert escape.markdown("a|b", table=True) == "a\\|b" and escape.markdown("a|b") == "a|b"
    assert escape.markdown_code("team|a/x.yaml", table=True) == "`team\\|a/x.yaml`"
    assert (
        escape.markdown_message("not complete: `employer_seal` is not stated")
        == "not complete: `employer_seal` is not stated"
    )
