"""The wheel ships the rule packs and works from a folder outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT, checklist


@pytest.mark.slow  # builds a wheel: seconds
def test_wheel_contains_rules_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = dist.glob("permitcheck-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "permitcheck/rules/nanjing/pack.yaml" in names
    assert "permitcheck/rules/nanjing/faq-2025.txt" in names
    assert "permitcheck/rules/china/apostille.yaml" in names
    assert not any(name.startswith(("tests/", "examples/")) for name in names)

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(EXAMPLES / "change.yaml", outside / "change.yaml")
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            ("import permitcheck.rulepack.registry as r; print(r.builtin_rules_dir())"),
        ],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == str(site / "permitcheck" / "rules")
    # The shipped packs come compiled, and the installed package finds them current.
    assert "permitcheck/rulepack/compiled.pickle" in names
    assert "permitcheck/territories.json" in names
    current = subprocess.run(
        [
            sys.executable,
            "-c",
            "from permitcheck.rulepack import compiled; s = compiled.shipped(); "
            "print(sorted(s.packs) if s else None, s.packs['nanjing'].directory if s else '')",
        ],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert current.stdout.split() == [
        "['china',",
        "'nanjing']",
        str(site / "permitcheck" / "rules" / "nanjing"),
    ]
    run = subprocess.run(
        [sys.executable, "-m", "permitcheck", "validate", "change.yaml"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert checklist(run.stdout).splitlines()[-1].startswith("Ready: ")  # before Next steps
    # The installed packs pass their own tests: their cases and the dossiers they start from
    # ship with them.
    installed = site / "permitcheck" / "rules" / "nanjing"
    tested = subprocess.run(
        [sys.executable, "-m", "permitcheck", "pack", "test", str(installed)],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
