"""Which pack a dossier or a command gets: no city is built into the code (issue 13)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import EXAMPLES, ROOT, invoke, load_bytes, load_pack
from permitcheck.problems import Problem
from permitcheck.rulepack import pack as rulepack


def _two_cities(tmp_path: Path) -> Path:
    """The shipped packs and a second city, `suzhou` (a copy of Nanjing under another name)."""
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    shutil.copytree(root / "nanjing", root / "suzhou")
    manifest = root / "suzhou" / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("pack: nanjing", "pack: suzhou", 1),
        encoding="utf-8",
    )
    return root


def _without_city(name: str = "new-permit.yaml") -> bytes:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert "  city: nanjing\n" in text
    return text.replace("  city: nanjing\n", "").encode()


def test_a_dossier_without_a_city_gets_the_only_city_pack() -> None:
    dossier = load_bytes(_without_city(), str(EXAMPLES / "no-city.yaml"))
    assert dossier.model.application.city is None
    found = rulepack.pack_for(dossier)
    assert not isinstance(found, tuple)
    assert found.name == "nanjing"  # the national pack is a base, not a city
    assert rulepack.city_packs() == ["nanjing"]


def test_a_dossier_without_a_city_among_several_is_a_located_error(tmp_path: Path) -> None:
    root = _two_cities(tmp_path)
    dossier = load_bytes(_without_city(), str(EXAMPLES / "no-city.yaml"))
    found = rulepack.pack_for(dossier, root)
    assert isinstance(found, tuple)
    (problem,) = found
    assert problem.location is not None and problem.location.line == 5
    assert "application.city: not stated, and more than one rule pack is installed" in (
        problem.text.en
    )
    assert "`nanjing`, `suzhou`" in problem.text.en


def _naming(city: str) -> rulepack.Pack | tuple[Problem, ...]:
    """The pack for the new-permit example when it names `city`."""
    text = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")
    raw = text.replace("city: nanjing", f"city: {city}").encode()
    return rulepack.pack_for(load_bytes(raw, str(EXAMPLES / f"{city}.yaml")))


def test_a_city_with_a_typo_is_answered_with_the_near_name() -> None:
    found = _naming("nanjng")
    assert isinstance(found, tuple)
    assert "no rule pack for 'nanjng'; did you mean `nanjing`?" in found[0].text.en


def test_a_base_pack_is_not_a_city() -> None:
    found = _naming("china")
    assert isinstance(found, tuple)
    assert "no rule pack for 'china'" in found[0].text.en
    # ... but it loads as a pack of its own, and lists its rules.
    assert load_pack("china").manifest.city is False
    assert "china.extension.lead-time" in invoke("rules", "--city", "china").stdout


def test_commands_without_a_city_need_one_when_several_are_installed(tmp_path: Path) -> None:
    root = _two_cities(tmp_path)
    result = invoke("rules", "--rules", str(root))
    assert result.exit_code == 2
    assert "more than one rule pack is installed; choose one with --city: `nanjing`, `suzhou`" in (
        result.stderr
    )
    assert invoke("rules", "--rules", str(root), "--city", "suzhou").exit_code == 0


def test_init_writes_the_city_it_is_given(tmp_path: Path) -> None:
    root = _two_cities(tmp_path)
    target = tmp_path / "hire.yaml"
    result = invoke("init", str(target), "--rules", str(root), "--city", "suzhou")
    assert result.exit_code == 0, result.stderr
    assert "  city: suzhou\n" in target.read_text(encoding="utf-8")
    refused = invoke("init", str(tmp_path / "base.yaml"), "--city", "china")
    assert refused.exit_code == 2
    assert "a base for other packs, not a city" in refused.stderr


def test_rules_dir_may_be_one_pack_folder(tmp_path: Path) -> None:
    root = _two_cities(tmp_path)
    result = invoke("rules", "--rules", str(root / "suzhou"))
    assert result.exit_code == 0, result.stderr


def _installed_lakeside(tmp_path: Path) -> dict[str, str]:
    """The environment of a Python that has `permitcheck-pack-lakeside` installed: the
    fictional Lakeside pack as a package of its own, registered by an entry point."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "packs" / "lakeside", site / "permitcheck_pack_lakeside")
    info = site / "permitcheck_pack_lakeside-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: permitcheck-pack-lakeside\nVersion: 1.0\n", "utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[permitcheck.packs]\nlakeside = permitcheck_pack_lakeside\n", "utf-8"
    )
    return {**os.environ, "PYTHONPATH": str(site), "PERMITCHECK_TODAY": "2026-12-01"}


def test_a_pack_installed_as_a_distribution_just_works(tmp_path: Path) -> None:
    env = _installed_lakeside(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "permitcheck", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
        )

    listed = run("rules", "--packs")
    assert listed.returncode == 0, listed.stderr
    assert re.search(
        r"lakeside\s+Lakeside\s+city, extends china\s+5 rules\s+"
        r"permitcheck-pack-lakeside: ",
        listed.stdout,
    ), listed.stdout
    dossier = tmp_path / "site" / "permitcheck_pack_lakeside" / "cases" / "dossiers"
    checked = run("validate", str(dossier / "extension.yaml"), "--as-of", "2027-02-15")
    assert checked.returncode == 1, checked.stderr
    assert "Lakeside asks for an extension at least 45 days before" in checked.stdout
    # Two city packs now: a dossier without a city must name one.
    assert "choose one with --city: `lakeside`, `nanjing`" in run("rules").stderr


def test_a_rules_folder_that_holds_no_pack_is_refused_not_ignored(tmp_path: Path) -> None:
    # The installed packs would otherwise check the dossier in silence: a typo in a CI job's
    # --rules must not pass as "ready".
    dossier = str(EXAMPLES / "new-permit.yaml")
    missing = invoke("validate", dossier, "--rules", str(tmp_path / "rulez"))
    assert missing.exit_code == 2
    assert f"--rules {tmp_path / 'rulez'}: no such folder" in missing.stderr
    empty = invoke("rules", "--rules", str(tmp_path))
    assert empty.exit_code == 2
    assert "no rule pack in it" in empty.stderr
