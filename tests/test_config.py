"""The configuration file: found from the working directory up, located errors, `config`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, example_without_files, invoke, to_yaml

TODAY = {"PERMITCHECK_TODAY": "2026-12-01"}
DEGREE = "nanjing.new.degree.authentication"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of two dossiers, one not ready (its degree's apostille from India), run
    from a folder below its root."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "dossiers" / "drafts").mkdir(parents=True)
    ready = example_without_files("new-permit")
    ready["application"]["submission_date"] = "2026-12-07"
    degree = {**ready, "documents": {**ready["documents"]}}
    degree["documents"]["degree"] = {
        **ready["documents"]["degree"],
        "obtained_in": "IN",
        "authentication": "apostille",
    }
    (tmp_path / "dossiers" / "keller.yaml").write_bytes(to_yaml(ready))
    (tmp_path / "dossiers" / "mehta.yaml").write_bytes(to_yaml(degree))
    (tmp_path / "dossiers" / "drafts" / "wip.yaml").write_bytes(to_yaml({"permitcheck": 1}))
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    return tmp_path


def config(folder: Path, text: str, name: str = "permitcheck.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return invoke(*args, env=TODAY)


WAIVER_YAML = f"""
waivers:
  - rule: {DEGREE}
    paths: ["dossiers/mehta.yaml"]
    reason: "Accepted by the window on 2026-11-20 (ticket 4711)"
    approved_by: HR lead
    expires: 2027-03-31
"""


def test_the_configuration_is_found_from_a_subdirectory(repo: Path) -> None:
    config(repo, 'paths: ["dossiers"]\nexclude: ["drafts"]\n' + WAIVER_YAML)
    result = run("validate", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [d["path"] for d in document["dossiers"]] == [
        "../dossiers/keller.yaml",
        "../dossiers/mehta.yaml",
    ]
    waived = [f for d in document["dossiers"] for f in d["findings"] if f["status"] == "waived"]
    assert [f["rule"] for f in waived] == [DEGREE]
    assert waived[0]["waiver"]["source"] == "../permitcheck.yaml:5:5"
    assert document["skipped"] == 1  # the draft, excluded


def test_isolated_ignores_the_configuration(repo: Path) -> None:
    config(repo, WAIVER_YAML)
    assert run("validate", "../dossiers/mehta.yaml").exit_code == 0
    assert run("validate", "../dossiers/mehta.yaml", "--isolated").exit_code == 1


def test_config_names_a_file_and_contradicts_isolated(repo: Path) -> None:
    elsewhere = config(repo / "dossiers", WAIVER_YAML.replace("dossiers/mehta", "mehta"), "x.yml")
    assert run("validate", "../dossiers/mehta.yaml", "--config", str(elsewhere)).exit_code == 0
    result = run("validate", "../dossiers/mehta.yaml", "--config", str(elsewhere), "--isolated")
    assert result.exit_code == 2 and "contradict" in result.stderr
    missing = run("validate", "../dossiers/mehta.yaml", "--config", "nowhere.yaml")
    assert missing.exit_code == 2 and "nowhere.yaml" in missing.stderr


def test_the_command_line_wins_over_the_configuration(repo: Path) -> None:
    config(repo, "fail_on: warning\nwarn_days: 400\n")
    # A year and more of warning: the criminal record's window closes within it.
    assert run("validate", "../dossiers/keller.yaml").exit_code == 1
    assert run("validate", "../dossiers/keller.yaml", "--fail-on", "error").exit_code == 0
    assert run("validate", "../dossiers/keller.yaml", "--warn-days", "0").exit_code == 0


def test_every_problem_of_the_file_is_located_at_once(repo: Path) -> None:
    config(repo, "fail_on: warnings\nwarn_dayz: 3\nlang: fr\nas_of: 2026-01-01\n")
    result = run("validate", "../dossiers/keller.yaml")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("../permitcheck.yaml:1:10: fail_on:") and "'warning'" in lines[0]
    assert "../permitcheck.yaml:2:1: unknown key 'warn_dayz'; did you mean 'warn_days'?" in (
        result.stderr
    )
    assert "../permitcheck.yaml:3:7: lang:" in result.stderr
    assert "../permitcheck.yaml:4:8: as_of: a reference date cannot be set" in result.stderr


def test_a_broken_configuration_stops_the_run_with_a_located_error(repo: Path) -> None:
    config(repo, "fail_on: [error\n")
    result = run("validate", "../dossiers/keller.yaml")
    assert result.exit_code == 2 and result.stderr.startswith("../permitcheck.yaml:")
    assert "invalid YAML" in result.stderr


def test_pyproject_with_a_table_configures_and_without_one_does_not(repo: Path) -> None:
    config(repo, WAIVER_YAML)
    # A pyproject.toml without [tool.permitcheck] nearer the run does not hide the file above.
    config(repo / "sub", '[project]\nname = "dossiers"\n', "pyproject.toml")
    assert run("validate", "../dossiers/mehta.yaml").exit_code == 0
    config(
        repo / "sub",
        '[project]\nname = "dossiers"\n\n[tool.permitcheck]\nfail_on = "warning"\n'
        "warn_days = 400\n",
        "pyproject.toml",
    )
    assert run("validate", "../dossiers/keller.yaml").exit_code == 1
    shown = json.loads(run("config", "-f", "json").stdout)
    assert shown["config"] == "pyproject.toml"
    assert shown["settings"]["warn_days"] == {"value": 400, "source": "pyproject.toml:6:1"}


def test_pyproject_problems_are_located(repo: Path) -> None:
    config(
        repo,
        "[tool.permitcheck]\nwarn_days = -1\n\n[[tool.permitcheck.waivers]]\n"
        f'rule = "{DEGREE}"\nreason = "accepted"\nexpires = 2027-01-01\n',
        "pyproject.toml",
    )
    result = run("validate", "../dossiers/keller.yaml")
    assert result.exit_code == 2
    assert "../pyproject.toml:2:13: warn_days:" in result.stderr
    assert "../pyproject.toml:4:1: missing required key 'approved_by' in waivers[0]" in (
        result.stderr
    )
    config(repo, "[tool.permitcheck]\nwarn_days = \n", "pyproject.toml")
    broken = run("validate", "../dossiers/keller.yaml")
    assert broken.exit_code == 2 and broken.stderr.startswith("../pyproject.toml:2:")
    assert "invalid TOML" in broken.stderr


def test_a_yaml_file_comes_before_a_hidden_one_and_pyproject(repo: Path) -> None:
    config(repo, "warn_days: 1\n", "pyproject.toml")
    config(repo, "[tool.permitcheck]\nwarn_days = 2\n", "pyproject.toml")
    config(repo, "warn_days: 3\n", ".permitcheck.yaml")
    config(repo, "warn_days: 4\n")
    shown = json.loads(run("config", "-f", "json").stdout)
    assert shown["config"] == "../permitcheck.yaml"
    assert shown["settings"]["warn_days"]["value"] == 4
    assert shown["hidden"] == ["../.permitcheck.yaml", "../pyproject.toml"]


def test_config_shows_every_setting_and_where_it_comes_from(repo: Path) -> None:
    config(repo, "lang: zh\nfail_on: warning\n" + WAIVER_YAML)
    text = run("config", "--lang", "en").stdout
    assert "Configuration: ../permitcheck.yaml" in text
    assert "fail_on             warning" in text and "../permitcheck.yaml:2:1" in text
    assert "lang                en" in text and "command line" in text
    assert "warn_days           14" in text and "default" in text
    assert f"../permitcheck.yaml:5:5: {DEGREE}" in text
    zh = run("config").stdout
    assert zh.startswith("配置文件：../permitcheck.yaml")
    isolated = run("config", "--isolated").stdout
    assert "none (--isolated)" in isolated


def test_exclude_leaves_out_what_a_scan_finds_never_what_is_named(repo: Path) -> None:
    config(repo, 'exclude: ["drafts", "mehta.*"]\n')
    document = json.loads(run("validate", "../dossiers", "-f", "json", "-v").stdout)
    assert [d["path"] for d in document["dossiers"]] == ["../dossiers/keller.yaml"]
    text = run("validate", "../dossiers", "-v").stdout
    assert "excluded by `mehta.*` (../permitcheck.yaml:1:1)" in text
    named = json.loads(run("validate", "../dossiers/mehta.yaml", "-f", "json").stdout)
    assert [d["path"] for d in named["dossiers"]] == ["../dossiers/mehta.yaml"]


def test_an_unused_configuration_waiver_warns_once_for_the_run(repo: Path) -> None:
    config(repo, WAIVER_YAML.replace(DEGREE, "nanjing.new.degree.presnt"))
    result = run("validate", "../dossiers", "-f", "json")
    document = json.loads(result.stdout)
    (warning,) = document["warnings"]
    assert warning["path"] == "../permitcheck.yaml" and warning["location"]["line"] == 3
    assert "did you mean `nanjing.new.degree.present`?" in warning["message"]
    # A run that checks no dossier the waiver applies to does not judge it (a hook on one file).
    other = json.loads(run("validate", "../dossiers/keller.yaml", "-f", "json").stdout)
    assert other["warnings"] == []
    failing = run(
        "validate", "../dossiers/keller.yaml", "../dossiers/mehta.yaml", "--fail-on", "warning"
    )
    assert failing.exit_code == 1 and "waives nothing" in failing.stdout


def test_the_ci_example_configuration_is_what_the_readme_shows() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / "examples" / "ci" / "permitcheck.yaml").read_text(encoding="utf-8")
    assert f"```yaml\n{example}```" in readme


def test_paths_from_the_configuration_are_checked_when_none_is_named(repo: Path) -> None:
    config(repo, 'paths: ["dossiers/keller.yaml"]\n')
    result = run("validate", "-f", "json")
    assert result.exit_code == 0
    assert [d["path"] for d in json.loads(result.stdout)["dossiers"]] == ["../dossiers/keller.yaml"]


def test_the_configuration_schema_is_committed_and_accepts_the_example() -> None:
    import jsonschema

    from permitcheck.dossier import yaml_reader

    result = invoke("schema", "--configuration")
    assert result.exit_code == 0
    committed = (ROOT / "schema" / "config.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "run: permitcheck schema --configuration > schema/..."
    schema = json.loads(committed)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    path = ROOT / "examples" / "ci" / "permitcheck.yaml"
    data = yaml_reader.read(str(path), path.read_bytes()).data  # dates stay text
    assert list(validator.iter_errors(data)) == []
    wrong = {**data, "warn_dayz": 3, "waivers": [{"rule": "x"}]}
    assert len(list(validator.iter_errors(wrong))) >= 2


def test_init_writes_a_commented_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "--configuration", "permitcheck.yaml").exit_code == 0
    shown = json.loads(run("config", "-f", "json").stdout)
    assert shown["config"] == "permitcheck.yaml"
    assert {s["source"] for s in shown["settings"].values()} == {"default"}
    text = (tmp_path / "permitcheck.yaml").read_text(encoding="utf-8")
    # Its example waiver, uncommented, must be filled in before it is accepted.
    uncommented = "\n".join(
        line[2:] if line.startswith(("# waivers", "#   ", "#     ")) else line
        for line in text.splitlines()
    )
    (tmp_path / "permitcheck.yaml").write_text(uncommented, encoding="utf-8")
    result = run("config")
    assert result.exit_code == 2
    assert "reason: expected the reason" in result.stderr
    assert "approved_by: expected who approved" in result.stderr
    assert run("init", "--configuration", "permitcheck.yaml").exit_code == 2  # never overwrites


@pytest.mark.parametrize(
    ("paths", "waived"),
    [
        ('["dossiers"]', True),  # a folder: every dossier in it
        ('["dossiers/*.yaml"]', True),
        ('["**/mehta.yaml"]', True),
        ('["mehta.yaml"]', True),  # a name without `/`: anywhere
        ('["dossiers/keller.yaml"]', False),
        ('["other/*.yaml"]', False),
    ],
)
def test_a_waivers_paths_are_patterns_as_exclude_reads_them(
    repo: Path, paths: str, waived: bool
) -> None:
    config(repo, WAIVER_YAML.replace('["dossiers/mehta.yaml"]', paths))
    result = run("validate", "../dossiers/mehta.yaml")
    assert result.exit_code == (0 if waived else 1)
