"""Generates N realistic dossiers: the examples varied (names, numbers, dates) and mixed
(ready and not ready, all four procedures), written flat into one folder with their scans."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NAMES = ["new-permit", "category-a-commitment", "extension", "change", "cancellation", "not-ready"]


def _load(name: str) -> dict[str, Any]:
    from permitcheck.dossier import yaml_reader

    path = EXAMPLES / f"{name}.yaml"
    data = yaml_reader.read(str(path), path.read_bytes()).data
    assert isinstance(data, dict)
    return data


def _vary(data: dict[str, Any], number: int, rng: random.Random) -> dict[str, Any]:
    data = yaml.safe_load(yaml.safe_dump(data))  # a deep copy
    applicant = data["applicant"]
    applicant["name"] = f"{applicant['name']} {number}"
    if "passport" in applicant:
        applicant["passport"]["number"] = f"P{number:08d}"
    submission = date(2026, 12, 7) + timedelta(days=rng.randrange(-20, 20))
    data["application"]["submission_date"] = str(submission)
    documents = data.get("documents") or {}
    record = documents.get("criminal_record")
    if isinstance(record, dict) and "issued_on" in record:
        # Most records fresh, some too old: a mix of verdicts, as in a real repository.
        age = rng.choice([30, 60, 90, 120, 150, 200])
        record["issued_on"] = str(submission - timedelta(days=age))
    return data


def generate(folder: Path, count: int, seed: int = 1) -> list[Path]:
    """Writes `count` dossiers into `folder` (created), returns their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    if (EXAMPLES / "docs").is_dir() and not (folder / "docs").exists():
        shutil.copytree(EXAMPLES / "docs", folder / "docs")
    bases = {name: _load(name) for name in NAMES}
    header = "# yaml-language-server: $schema=dossier.schema.json\n"
    paths = []
    for number in range(count):
        name = NAMES[number % len(NAMES)]
        path = folder / f"{number:05d}-{name}.yaml"
        text = yaml.safe_dump(_vary(bases[name], number, rng), sort_keys=False, allow_unicode=True)
        path.write_text(header + text, encoding="utf-8")
        paths.append(path)
    return paths
