"""Every output of every command on examples/, byte for byte as recorded in tests/golden/.

A change of any output must be deliberate: record anew with
`PERMITCHECK_RECORD_GOLDEN=1 python -m pytest tests/test_golden.py -n 0` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import ROOT, invoke

GOLDEN = Path(__file__).parent / "golden"
RECORD = os.environ.get("PERMITCHECK_RECORD_GOLDEN") == "1"
EXAMPLES = sorted(path.stem for path in (ROOT / "examples").glob("*.yaml"))
LANGS = ("en", "zh")
REPORTS = ("text", "json", "junit", "sarif", "github", "markdown")


def _cases() -> list[tuple[str, tuple[str, ...]]]:
    cases: list[tuple[str, tuple[str, ...]]] = []
    for name in EXAMPLES:
        path = f"examples/{name}.yaml"
        for lang in LANGS:
            for fmt in REPORTS:
                cases.append(
                    (f"validate-{name}-{fmt}-{lang}", ("validate", path, "-f", fmt, "--lang", lang))
                )
            cases.append(
                (
                    f"validate-{name}-verbose-{lang}",
                    ("validate", path, "-v", "--color", "always", "--lang", lang),
                )
            )
            for fmt in ("text", "json"):
                for command in ("where", "steps"):
                    cases.append(
                        (
                            f"{command}-{name}-{fmt}-{lang}",
                            (command, path, "-f", fmt, "--lang", lang),
                        )
                    )
                cases.append(
                    (f"timeline-{name}-{fmt}-{lang}", ("timeline", path, "-f", fmt, "--lang", lang))
                )
            cases.append(
                (
                    f"timeline-{name}-color-{lang}",
                    ("timeline", path, "--color", "always", "--width", "100", "--lang", lang),
                )
            )
    for lang in LANGS:
        for fmt in ("text", "json"):
            cases.append((f"rules-{fmt}-{lang}", ("rules", "-f", fmt, "--lang", lang)))
            cases.append(
                (f"rules-new-{fmt}-{lang}", ("rules", "-p", "new", "-f", fmt, "--lang", lang))
            )
            cases.append((f"steps-{fmt}-{lang}", ("steps", "-f", fmt, "--lang", lang)))
            cases.append(
                (
                    f"where-jianye-{fmt}-{lang}",
                    ("where", "--registered-in", "jianye", "-f", fmt, "--lang", lang),
                )
            )
            cases.append(
                (
                    f"where-provincial-{fmt}-{lang}",
                    ("where", "--level", "provincial", "-f", fmt, "--lang", lang),
                )
            )
        cases.append(
            (f"validate-folder-{lang}", ("validate", "examples", "-f", "json", "--lang", lang))
        )
        for fmt in REPORTS:
            cases.append(
                (
                    f"validate-handwritten-{fmt}-{lang}",
                    ("validate", "tests/corpus/handwritten", "-f", fmt, "--lang", lang),
                )
            )
        cases.append(
            (f"validate-missing-{lang}", ("validate", "examples/nothing.yaml", "--lang", lang))
        )
        cases.append(
            (f"explain-unknown-{lang}", ("explain", "nanjing.new.pasport", "--lang", lang))
        )
        cases.append((f"where-nothing-{lang}", ("where", "--lang", lang)))
    # The schema is in English only (`schema` takes no --lang).
    cases.append(("schema", ("schema",)))
    return cases


def _run(args: tuple[str, ...]) -> str:
    # Colour output fits the terminal: a fixed width, whatever runs the tests.
    result = invoke(*args, env={"COLUMNS": "100", "LINES": "40"})
    return f"exit: {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if RECORD:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"no golden output {path.name}; record it (see the module docstring)"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected, f"output of {name} changed"


@pytest.mark.parametrize(("name", "args"), _cases(), ids=[name for name, _ in _cases()])
def test_output_is_unchanged(
    name: str, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _compare(name, _run(args))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_explanation_is_unchanged(
    fmt: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    listed = invoke("rules", "-f", "json")
    import json

    ids = [rule["id"] for rule in json.loads(listed.stdout)["rules"]]
    _compare(
        f"explain-all-{fmt}-{lang}",
        "".join(_run(("explain", rule_id, "-f", fmt, "--lang", lang)) for rule_id in ids),
    )


@pytest.mark.parametrize("kind", ["new", "extension", "change", "cancellation"])
def test_every_skeleton_is_unchanged(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "dossier.yaml"
    result = invoke("init", str(target), "--type", kind, "--schema", "dossier.schema.json")
    stderr = result.stderr.replace(str(target), "DOSSIER")
    _compare(
        f"init-{kind}",
        f"exit: {result.exit_code}\n--- file\n"
        f"{target.read_text(encoding='utf-8')}--- stderr\n{stderr}",
    )


def test_no_golden_output_is_left_over() -> None:
    """A case removed from this file takes its recording with it."""
    names = {name for name, _ in _cases()}
    names |= {f"explain-all-{fmt}-{lang}" for fmt in ("text", "json") for lang in LANGS}
    names |= {f"init-{kind}" for kind in ("new", "extension", "change", "cancellation")}
    recorded = {path.stem for path in GOLDEN.glob("*.txt")}
    assert recorded == names
