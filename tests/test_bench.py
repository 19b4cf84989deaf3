"""The benchmark's dossiers are realistic: valid to the schema, all procedures, mixed verdicts."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from typer.testing import CliRunner

from helpers import ROOT
from permitcheck.cli.app import app


def _load_generator() -> Any:
    """bench/generate.py, loaded by path: `bench/` is not a package and its names are common."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


generate = _load_generator()


def test_generated_dossiers_are_valid_and_mixed(tmp_path: Path) -> None:
    paths = generate(tmp_path / "d", 24)
    assert len(paths) == 24
    schema = json.loads((ROOT / "schema" / "dossier.schema.json").read_text(encoding="utf-8"))
    # One validator for all: jsonschema.validate checks the schema itself on every call (2 s).
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    for path in paths:
        validator.validate(yaml.safe_load(path.read_text(encoding="utf-8")))

    result = CliRunner().invoke(
        app,
        ["validate", str(tmp_path / "d"), "--format", "json", "--show-personal-data"],
        env={"NO_COLOR": "1"},
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["errors"] == []
    dossiers = report["dossiers"]
    assert len(dossiers) == 24
    assert {d["type"] for d in dossiers} == {"new", "extension", "change", "cancellation"}
    verdicts = [d["ready"] for d in dossiers]
    assert verdicts.count(True) >= 4 and verdicts.count(False) >= 4
    kinds = {f["status"] for d in dossiers for f in d["findings"]}
    assert {"pass", "fail", "exempt", "skip"} <= kinds
    # Each dossier was varied: no two share an applicant's name or passport number.
    applicants = [yaml.safe_load(p.read_text(encoding="utf-8"))["applicant"] for p in paths]
    assert len({a["name"] for a in applicants}) == 24
    numbers = [a["passport"]["number"] for a in applicants if "passport" in a]
    assert len(numbers) == len(set(numbers)) >= 12


def test_generation_is_reproducible(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in generate(tmp_path / "a", 12)]
    second = [p.read_bytes() for p in generate(tmp_path / "b", 12)]
    assert first == second
