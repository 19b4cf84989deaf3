"""docs/: generated tables stay equal to the models, examples load, reports match the docs.

Re-record the generated tables after a deliberate change:
PERMITCHECK_RECORD_DOCS=1 python -m pytest tests/test_docs.py -n 0
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest
import yaml
from pydantic import BaseModel

from helpers import ROOT, invoke, load_bytes, load_pack
from permitcheck.dossier.model import Dossier
from permitcheck.rulepack import dossier_reference, reference

DOCS = ROOT / "docs"
DOC = DOCS / "rule-packs.md"
DOSSIER_DOC = DOCS / "dossier-format.md"
REPORT_DOC = DOCS / "report-format.md"
README = ROOT / "README.md"
_BLOCK = re.compile(r"(<!-- generated: ([a-z-]+) -->\n)(.*?)(<!-- end: \2 -->)", re.S)


GENERATED: dict[str, Callable[[], dict[str, str]]] = {
    "rule-packs.md": reference.tables,
    "dossier-format.md": lambda: dossier_reference.tables(load_pack("nanjing")),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_generated_tables_of_the_docs_are_current(name: str) -> None:
    doc = DOCS / name
    text = doc.read_text(encoding="utf-8")
    tables = GENERATED[name]()
    found = [match[2] for match in _BLOCK.finditer(text)]
    assert sorted(found) == sorted(tables), "every table has one marked place in the doc"
    current = _BLOCK.sub(lambda m: m[1] + tables[m[2]] + m[4], text)
    if os.environ.get("PERMITCHECK_RECORD_DOCS"):
        doc.write_text(current, encoding="utf-8")
        return
    assert text == current, (
        "run: PERMITCHECK_RECORD_DOCS=1 python -m pytest tests/test_docs.py -n 0"
    )


def test_the_readme_links_the_guide() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "](docs/rule-packs.md)" in readme


# ---- links -----------------------------------------------------------------------------------

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _anchors(text: str) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", _FENCE.sub("", text), re.M):
        slug = "".join(
            char
            for char in heading.strip().lower()
            if char in "-_ " or unicodedata.category(char)[0] in "LN"
        ).replace(" ", "-")
        number, unique = 0, slug
        while unique in found:
            number += 1
            unique = f"{slug}-{number}"
        found.add(unique)
    return found


def _markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("doc", _markdown_files(), ids=lambda path: path.name)
def test_relative_links_point_at_files_and_anchors_that_exist(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    links = _LINK.findall(_FENCE.sub("", text))
    broken = []
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue  # an address on the web
        target, _, anchor = link.partition("#")
        path = (doc.parent / target).resolve() if target else doc
        if not path.exists() or (ROOT not in path.parents and path != ROOT):
            broken.append(link)
        elif anchor and path.suffix == ".md":
            if anchor not in _anchors(path.read_text(encoding="utf-8")):
                broken.append(link)
    assert broken == []


def test_the_readme_links_the_format_references_and_names_no_spec_paths() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "spec/" not in readme, "the spec/ folder is not in the repository"
    assert "](docs/dossier-format.md)" in readme
    assert "](docs/report-format.md)" in readme


# ---- docs/dossier-format.md: examples are real ----------------------------------------------


def _yaml_blocks(doc: Path) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", doc.read_text(encoding="utf-8"), re.S | re.M)


def _whole(block: str) -> bool:
    return re.search(r"^permitcheck:", block, re.M) is not None


def test_the_whole_dossiers_of_the_format_reference_load() -> None:
    blocks = [block for block in _yaml_blocks(DOSSIER_DOC) if _whole(block)]
    assert len(blocks) >= 2
    for number, block in enumerate(blocks, 1):
        load_bytes(block.encode(), f"docs/dossier-format.md, example {number}")


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models a field's value may be (through lists, unions and annotations)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models(arg)


def _unknown_keys(value: Any, models: list[type[BaseModel]], at: str) -> list[str]:
    """The keys of `value` that none of `models` has, as dotted paths."""
    if isinstance(value, list):
        return [key for item in value for key in _unknown_keys(item, models, f"{at}[]")]
    if not isinstance(value, dict) or not models:
        return []
    unknown = []
    for key, item in value.items():
        fields = {
            (info.alias or name): get_type_hints(model, include_extras=True)[name]
            for model in models
            for name, info in model.model_fields.items()
        }
        if key not in fields:
            unknown.append(f"{at}.{key}".lstrip("."))
            continue
        unknown += _unknown_keys(item, list(_models(fields[key])), f"{at}.{key}")
    return unknown


def test_the_fragments_of_the_format_reference_use_keys_of_the_models() -> None:
    """A fragment is written from the top of the dossier (`documents:`, `change:`)."""
    fragments = [block for block in _yaml_blocks(DOSSIER_DOC) if not _whole(block)]
    assert len(fragments) >= 4
    for block in fragments:
        assert _unknown_keys(yaml.safe_load(block), [Dossier], "") == [], block


def test_a_key_the_models_lack_is_found_in_a_fragment() -> None:
    fragment = {"documents": {"degree": {"levle": "master"}, "work_experience": [{"isuer": "X"}]}}
    assert _unknown_keys(fragment, [Dossier], "") == [
        "documents.degree.levle",
        "documents.work_experience[].isuer",
    ]


# ---- docs/report-format.md: every key of a real report, and only those ----------------------


def _key_paths(value: Any, at: str = "") -> set[str]:
    """`dossiers[].findings[].location.line`: every key path of a JSON document; the keys of
    the `rules` map (rule ids) are written `<rule id>`."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = "<rule id>" if at == "rules" else key
            path = f"{at}.{name}" if at else name
            found.add(path)
            found |= _key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            found |= _key_paths(item, f"{at}[]")
    return found


def _documented(command: str) -> set[str]:
    """The key paths listed in the first column of the tables marked `json-keys: COMMAND`."""
    text = REPORT_DOC.read_text(encoding="utf-8")
    found = re.search(rf"<!-- json-keys: {command} -->\n(.*?)<!-- end: json-keys -->", text, re.S)
    assert found is not None, f"no table of the keys of {command}"
    return set(re.findall(r"^\| `([^`]+)` \|", found[1], re.M))


def _json(*args: str) -> Any:
    result = invoke(*args, "--format", "json", env={"PERMITCHECK_TODAY": "2026-12-04"})
    assert result.exit_code in (0, 1, 2), result.output
    return json.loads(result.stdout)


def test_the_report_reference_lists_every_key_of_validate_json(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("permitcheck: 1\napplication: {type: new, submission_date: 03/04/2026}\n")
    # A waiver that waives (the not-ready example's degree) and one that waives nothing.
    waivers = "\n".join(
        f"  - {{rule: {rule}, reason: accepted, approved_by: HR, expires: 2027-01-31}}"
        for rule in ("nanjing.new.degree.authentication", "nanjing.new.degree.present")
    )
    config = tmp_path / "permitcheck.yaml"
    config.write_text(f"waivers:\n{waivers}\n", encoding="utf-8")
    report = _json("validate", str(ROOT / "examples"), str(broken), "--config", str(config))
    assert report["errors"] and report["dossiers"] and report["warnings"]
    assert _key_paths(report) == _documented("validate")


def test_the_report_reference_lists_every_key_of_steps_json() -> None:
    found = _key_paths(_json("steps", "--procedure", "new"))
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        found |= _key_paths(_json("steps", str(example)))
    assert found == _documented("steps")


def test_the_report_reference_lists_every_key_of_timeline_json() -> None:
    found: set[str] = set()
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        found |= _key_paths(_json("timeline", str(example)))
    assert found == _documented("timeline")


def test_the_report_reference_lists_every_key_of_agenda_json(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("permitcheck: 1\napplication: {type: new, submission_date: 03/04/2026}\n")
    found = _key_paths(
        _json(
            "agenda", str(ROOT / "examples"), str(broken), "--within", "1y", "--from", "2026-01-01"
        )
    )
    assert found == _documented("agenda")


def test_the_report_reference_gives_the_exit_codes_of_the_cli() -> None:
    from permitcheck.cli import app

    text = REPORT_DOC.read_text(encoding="utf-8")
    codes = {"ready": app.EXIT_READY, "not ready": app.EXIT_NOT_READY, "could not check": 2}
    assert app.EXIT_ERROR == 2
    for words, code in codes.items():
        assert re.search(rf"^\| {code} \| {words}", text, re.M), words


def test_validate_imports_no_docs_generator() -> None:
    """The generators of the docs' tables are for the docs test, never loaded by a check."""
    script = (
        "import sys\n"
        "sys.argv = ['permitcheck', 'validate', 'examples/new-permit.yaml', '-f', 'json']\n"
        # The application itself: the console entry point ends the process when done.
        "from permitcheck.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in sys.modules if m.endswith('reference')]\n"
        "print('loaded:', sorted(loaded), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.stderr.splitlines()[-1] == "loaded: []", done.stderr


def test_the_report_reference_lists_every_key_of_category_json(tmp_path: Path) -> None:
    found: set[str] = set()
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        found |= _key_paths(_json("category", str(example)))
    # A work-experience certificate without dates: the experience known only in part.
    undated = tmp_path / "undated.yaml"
    text = (ROOT / "examples" / "new-permit.yaml").read_text(encoding="utf-8")
    undated.write_text(text.replace("      from: 2019-01-01\n", ""), encoding="utf-8")
    found |= _key_paths(_json("category", str(undated)))
    assert found == _documented("category")
