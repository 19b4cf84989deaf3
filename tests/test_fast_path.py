"""The commands run most start without Typer's machinery when their words are plain: the same
values reach the command as through Typer, and anything else is left to Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import typer

from helpers import CLI_ENV, ROOT, invoke
from permitcheck.cli import app, fast

EXAMPLE = "examples/new-permit.yaml"

# Command lines this path takes: the values must be those Typer gives.
PLAIN = [
    ["validate", EXAMPLE],
    ["validate", EXAMPLE, "examples/change.yaml", "-f", "json"],
    ["validate", EXAMPLE, "--format", "sarif", "--output", "out.sarif", "-f", "json", "-o", "-"],
    ["validate", "--format=markdown", EXAMPLE, "--lang", "zh", "--color", "never"],
    ["validate", EXAMPLE, "-v", "-q", "--show-personal-data", "--skip-non-dossiers"],
    ["validate", EXAMPLE, "--jobs", "2", "--no-progress", "--fail-on", "warning"],
    ["validate", EXAMPLE, "--progress", "--warn-days", "0", "--as-of", "2026-12-01"],
    ["validate", "--rules", "rules", "--", "-", EXAMPLE],
    ["validate", "-"],
    ["validate"],
    ["validate", EXAMPLE, "--config", "examples/ci/permitcheck.yaml"],
    ["validate", "--isolated", EXAMPLE],
    ["timeline", EXAMPLE, "--width", "100", "-f", "json", "--color", "always"],
    ["timeline", "-", "--as-of", "2027-01-01", "--warn-days", "30"],
    ["where"],
    ["where", EXAMPLE, "-f", "json"],
    ["where", "--registered-in", "jianye", "--level", "municipal", "--city", "nanjing"],
    ["steps", EXAMPLE, "--lang", "en", "--isolated"],
    ["where", "--config", "permitcheck.yaml"],
    ["steps", "--procedure", "extension"],
    ["explain", "nanjing.new.degree.present", "-f", "json", "--rules", "rules"],
]

# Command lines left to Typer: help, completion, errors, anything unusual.
LEFT = [
    ["validate", "--help"],
    ["validate", "-h"],
    ["validate", EXAMPLE, "--jobs", "0"],
    ["validate", EXAMPLE, "--jobs", "two"],
    ["validate", EXAMPLE, "--jobs", "٢"],
    ["validate", EXAMPLE, "--format", "yaml"],
    ["validate", EXAMPLE, "--format", "JSON"],
    ["validate", EXAMPLE, "--fail-on", "warning", "--fail-on", "error"],
    ["validate", EXAMPLE, "-vq"],
    ["validate", EXAMPLE, "--verbose=yes"],
    ["validate", EXAMPLE, "--unknown"],
    ["validate", EXAMPLE, "--output"],
    ["validate", EXAMPLE, "--output", "--format"],
    ["timeline", EXAMPLE, "--width", "59"],
    ["timeline"],
    ["timeline", EXAMPLE, "examples/change.yaml"],
    ["explain"],
    ["schema"],
    ["rules"],
    ["pack", "test", "rules/nanjing"],
    ["--version"],
    [],
]


def _typer_values(argv: list[str]) -> dict[str, Any]:
    """The values Typer gives the command `argv` names."""
    group = typer.main.get_command(app.app)
    command = group.commands[argv[0]]  # type: ignore[attr-defined]
    context = command.make_context(argv[0], list(argv[1:]))
    return dict(context.params)


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
def test_plain_command_lines_give_the_values_typer_gives(argv: list[str]) -> None:
    parsed = fast.parse(argv)
    assert parsed is not None
    function, values = parsed
    assert function is getattr(app, argv[0])
    assert values == _typer_values(argv)


@pytest.mark.parametrize("argv", LEFT, ids=lambda argv: " ".join(argv) or "nothing")
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is None
    assert fast.run(argv) is None


def test_a_run_for_a_bug_report_is_left_to_typer() -> None:
    assert fast.parse(["validate", EXAMPLE, "--traceback"]) is not None
    assert fast.run(["validate", EXAMPLE, "--traceback"]) is None


def test_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_PERMITCHECK_COMPLETE", "bash_complete")
    assert fast.parse(["validate", EXAMPLE]) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", EXAMPLE, "-f", "json"],
        ["validate", "examples/not-ready.yaml", "--lang", "zh"],
        ["validate", "no-such.yaml"],
        ["validate", EXAMPLE, "--jobs", "0"],
        ["where", "--registered-in", "jianye"],
        ["explain", "nanjing.new.degree.present"],
        ["timeline", EXAMPLE, "--width", "80"],
    ],
    ids=" ".join,
)
def test_the_console_command_prints_and_exits_as_typer_does(argv: list[str]) -> None:
    env = {**os.environ, **CLI_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "permitcheck", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    direct = invoke(*argv)
    assert (done.returncode, done.stdout) == (direct.exit_code, direct.stdout)
    # Typer names the program as it was started.
    assert done.stderr.replace("python -m permitcheck", "permitcheck") == direct.stderr
