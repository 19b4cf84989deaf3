"""The shipped packs compiled into the wheel: the same packs as their YAML gives, used only
while they match it, never for a `--rules` folder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT, invoke
from permitcheck.rulepack import compiled, precompile, registry, steps, windows
from permitcheck.rulepack.pack import forget_loaded, load_pack

RULES = ROOT / "rules"


@pytest.fixture(scope="module")
def built() -> bytes:
    return precompile.build()


@pytest.fixture
def shipped(built: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The compiled file in place, as an installed wheel has it."""
    target = tmp_path / "compiled.pickle"
    target.write_bytes(built)
    monkeypatch.setattr(compiled, "FILE", target)
    forget_loaded()
    yield target
    monkeypatch.undo()
    forget_loaded()


def test_compiled_packs_are_the_packs_their_yaml_gives(built: bytes, tmp_path: Path) -> None:
    target = tmp_path / "compiled.pickle"
    target.write_bytes(built)
    found = compiled.read(target, RULES)
    assert found is not None
    assert sorted(found.packs) == sorted(registry.in_folder(str(RULES)))
    forget_loaded()
    for name, pack in found.packs.items():
        assert pack == load_pack(name)
    nanjing = load_pack("nanjing")
    assert not isinstance(nanjing, tuple)
    assert compiled._table(found, "windows", "nanjing") == windows.of(nanjing)
    assert compiled._table(found, "steps", "nanjing") == steps.of(nanjing)


def test_paths_follow_the_folder_the_packs_are_installed_in(built: bytes, tmp_path: Path) -> None:
    """Built in one place, installed in another: every path names the installed files."""
    installed = tmp_path / "site" / "rules"
    shutil.copytree(RULES, installed)
    target = tmp_path / "compiled.pickle"
    target.write_bytes(built)
    found = compiled.read(target, installed)
    assert found is not None
    pack = found.packs["nanjing"]
    assert pack.directory == str(installed.resolve() / "nanjing")
    assert all(path.startswith(str(installed.resolve())) for path in pack.files.values())
    assert str(RULES) not in repr(pack)


@pytest.mark.parametrize("change", ["edited", "added", "removed"])
def test_packs_that_differ_from_their_yaml_are_not_used(
    built: bytes, tmp_path: Path, change: str
) -> None:
    installed = tmp_path / "rules"
    shutil.copytree(RULES, installed)
    target = tmp_path / "compiled.pickle"
    target.write_bytes(built)
    rule_file = next((installed / "nanjing").glob("3-*.yaml"))
    if change == "edited":
        rule_file.write_bytes(rule_file.read_bytes().replace(b"title:", b"title: ", 1))
    elif change == "added":
        (installed / "nanjing" / "notes.txt").write_text("x", encoding="utf-8")
    else:
        rule_file.unlink()
    assert compiled.read(target, installed) is None


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_damaged_compiled_file_is_not_used(tmp_path: Path, damage: bytes) -> None:
    target = tmp_path / "compiled.pickle"
    target.write_bytes(damage)
    assert compiled.read(target, RULES) is None
    assert compiled.read(tmp_path / "absent.pickle", RULES) is None


def test_another_version_is_not_used(
    built: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "compiled.pickle"
    target.write_bytes(built)
    monkeypatch.setattr("permitcheck.__version__", "99.0")
    assert compiled.read(target, RULES) is None


@pytest.mark.parametrize("name", sorted(path.stem for path in EXAMPLES.glob("*.yaml")))
def test_every_output_is_the_same_with_the_compiled_packs(name: str, shipped: Path) -> None:
    path = str(EXAMPLES / f"{name}.yaml")
    with_compiled = [invoke("validate", path, "-f", fmt).stdout for fmt in ("json", "text")]
    with_compiled += [invoke(command, path, "-f", "json").stdout for command in ("where", "steps")]
    assert compiled.shipped() is not None
    assert load_pack("nanjing") is compiled.shipped().packs["nanjing"]  # type: ignore[union-attr]
    compiled.FILE.unlink()
    forget_loaded()
    from_yaml = [invoke("validate", path, "-f", fmt).stdout for fmt in ("json", "text")]
    from_yaml += [invoke(command, path, "-f", "json").stdout for command in ("where", "steps")]
    assert compiled.shipped() is None
    assert with_compiled == from_yaml


def test_a_rules_folder_is_read_from_its_yaml(shipped: Path, tmp_path: Path) -> None:
    own = tmp_path / "rules"
    shutil.copytree(RULES, own)
    edited = 0
    for rule_file in (own / "nanjing").glob("3-*.yaml"):
        text = rule_file.read_text(encoding="utf-8")
        edited += text.count("Passport copy")
        rule_file.write_text(text.replace("Passport copy", "Nanking copy"), encoding="utf-8")
    assert edited
    example = str(EXAMPLES / "new-permit.yaml")
    mine = invoke("validate", example, "--rules", str(own), "-f", "json").stdout
    shipped_run = invoke("validate", example, "-f", "json").stdout
    assert compiled.shipped() is not None
    assert "Nanking" in mine and "Nanking" not in shipped_run


def test_a_run_with_the_compiled_packs_imports_only_what_it_uses(
    built: bytes, tmp_path: Path
) -> None:
    """Start-up time: the JSON report of one dossier reads the packs compiled, and with them
    neither the steps (only the text checklist shows next steps) nor the YAML of any pack."""
    import subprocess
    import sys

    target = tmp_path / "compiled.pickle"
    target.write_bytes(built)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from permitcheck.rulepack import compiled\n"
        f"compiled.FILE = Path({str(target)!r})\n"
        "from permitcheck.cli import fast\n"
        "from permitcheck.rulepack import pack\n"
        "read = []\n"
        "real = pack._parse\n"
        "pack._parse = lambda path: read.append(path) or real(path)\n"
        f"code = fast.run(['validate', {str(EXAMPLES / 'new-permit.yaml')!r}, '-f', 'json'])\n"
        "print(code, 'permitcheck.rulepack.steps' in sys.modules, read, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.stderr.strip().splitlines()[-1] == "0 False []", done.stderr


def test_country_names_come_from_the_wheel_while_babel_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from permitcheck import i18n

    table = i18n.territory_table()
    assert table["en"]["DE"] == "Germany" and table["zh"]["DE"] == "德国"
    shipped = tmp_path / "territories.json"
    table["en"]["DE"] = "Germany (as shipped)"
    shipped.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(i18n, "TERRITORIES_FILE", shipped)
    monkeypatch.setattr(i18n, "_TERRITORIES", {})
    i18n._shipped_territories.cache_clear()
    assert i18n.country("de").en == "Germany (as shipped)"
    # Written by another Babel: Babel is asked.
    table["babel"] = "0.0"
    shipped.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(i18n, "_TERRITORIES", {})
    i18n._shipped_territories.cache_clear()
    assert i18n.country("de").en == "Germany" and i18n.country("DE").zh == "德国"
    shipped.unlink()
    monkeypatch.setattr(i18n, "_TERRITORIES", {})
    i18n._shipped_territories.cache_clear()
    assert i18n.country("FR").en == "France"
    i18n._shipped_territories.cache_clear()
