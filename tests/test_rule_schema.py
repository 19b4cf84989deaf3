"""`permitcheck schema --rules/--pack/--cases`: editors check a pack's files as it loads them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from helpers import ROOT, invoke
from permitcheck.dossier import yaml_reader

KINDS = {
    "rules": "rules.schema.json",
    "pack": "pack.schema.json",
    "cases": "cases.schema.json",
    "points": "points.schema.json",
}
DATA_FILES = {"apostille.yaml", "sources.yaml", "windows.yaml", "steps.yaml"}


def _files(kind: str) -> list[Path]:
    """Every shipped (and test) pack file of a kind."""
    packs = [*(ROOT / "rules").iterdir(), *(ROOT / "tests" / "packs").iterdir()]
    found: list[Path] = []
    for pack in sorted(p for p in packs if (p / "pack.yaml").is_file()):
        if kind == "pack":
            found.append(pack / "pack.yaml")
        elif kind == "cases":
            found += sorted((pack / "cases").glob("*.yaml"))
        elif kind == "points":
            found += sorted(pack.glob("points-*.yaml"))
        else:
            found += [
                p
                for p in sorted(pack.glob("*.yaml"))
                if p.name != "pack.yaml"
                and p.name not in DATA_FILES
                and not p.name.startswith("points-")
            ]
    return found


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schema" / KINDS[kind]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_schema_command_matches_the_committed_schema(kind: str) -> None:
    result = invoke("schema", f"--{kind}")
    assert result.exit_code == 0
    committed = (ROOT / "schema" / KINDS[kind]).read_text(encoding="utf-8")
    assert result.stdout == committed, f"run: permitcheck schema --{kind} > schema/{KINDS[kind]}"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_shipped_pack_file_names_and_follows_its_schema(kind: str) -> None:
    validator = _validator(kind)
    files = _files(kind)
    assert len(files) >= {"rules": 7, "pack": 3, "cases": 10, "points": 1}[kind]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        schema = Path(os.path.relpath(ROOT / "schema" / KINDS[kind], path.parent)).as_posix()
        assert first == f"# yaml-language-server: $schema={schema}", path
        data = yaml_reader.read(str(path), path.read_bytes()).data
        problems = [error.message for error in validator.iter_errors(data)]
        assert not problems, (path, problems[:3])


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("rules", {"rules": [{"id": "x.y", "check": {"kind": "max_ag", "months": 6}}]}),
        ("pack", {"pack": "x", "name": {"en": "X", "zh": "X"}, "extend": "china"}),
        ("cases", {"cases": [{"rule": "x.y", "base": "b", "expect": "passes"}]}),
    ],
)
def test_the_schemas_refuse_what_the_loader_refuses(kind: str, data: object) -> None:
    assert list(_validator(kind).iter_errors(data))


def test_one_schema_at_a_time() -> None:
    result = invoke("schema", "--rules", "--cases")
    assert result.exit_code == 2
    assert "choose one of --rules, --pack, --cases, --points and --configuration" in result.stderr
