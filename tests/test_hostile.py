"""What an attack on permitcheck found (issue 10): nothing skipped, nothing leaked, nothing lost.

Hostile files, hostile file systems (links, FIFOs, devices, sparse files) and hostile outputs.
Anything that could hang runs in a subprocess with a timeout, so a regression fails instead of
hanging the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import example_without_files, invoke, patched, to_yaml
from permitcheck import batch

FORMATS = ["text", "json", "junit", "sarif", "github", "markdown"]
AS_OF = ("--as-of", "2026-12-07")


def ready_bytes() -> bytes:
    return to_yaml(example_without_files("new-permit"))


def not_ready_bytes() -> bytes:
    return to_yaml(example_without_files("not-ready"))


def cli(
    *args: str, timeout: float = 60, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`permitcheck ARGS` in its own process, killed (and the test failed) if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "permitcheck", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={
            **os.environ,
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
            "GITHUB_STEP_SUMMARY": "",
            **(env or {}),
        },
    )


# ---- 1. a dossier is known by parsing, not by a regex on bytes -----------------------------


def _spellings() -> dict[str, bytes]:
    data = example_without_files("not-ready")
    body = to_yaml({key: value for key, value in data.items() if key != "permitcheck"})
    text = to_yaml(data).decode()
    return {
        "double-quoted-key": b'"permitcheck": 1\n' + body,
        "single-quoted-key": b"'permitcheck': 1\n" + body,
        "tagged-key": b"!!str permitcheck: 1\n" + body,
        "flow-mapping": json.dumps(data).encode(),
        "key-last": body + b"permitcheck: 1\n",
        "key-after-a-megabyte": b"# padding\n" * 150_000 + to_yaml(data),
        "utf-16": text.encode("utf-16"),
        "utf-16-be-without-bom": text.encode("utf-16-be"),
        "utf-32": text.encode("utf-32"),
        "document-marker": b"%YAML 1.2\n---\n" + to_yaml(data),
    }


SPELLINGS = _spellings()


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_a_dossier_however_spelled_is_checked_in_folder_and_glob_mode(
    tmp_path: Path, spelling: str
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ready.yaml").write_bytes(ready_bytes())
    (folder / "other.yaml").write_bytes(SPELLINGS[spelling])
    for target in (str(folder), str(folder / "*.yaml")):
        result = invoke("validate", target, *AS_OF, "-f", "json")
        assert result.exit_code == 1, (spelling, result.stdout[-500:], result.stderr)
        report = json.loads(result.stdout)
        verdicts = {Path(d["path"]).name: d["ready"] for d in report["dossiers"]}
        assert verdicts == {"ready.yaml": True, "other.yaml": False}, spelling
        assert report["errors"] == []


def test_skipped_files_are_listed_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "ready.yaml").write_bytes(ready_bytes())
    (tmp_path / "workflow.yaml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    (tmp_path / "list.yml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("# nothing\n", encoding="utf-8")
    result = invoke("validate", str(tmp_path), *AS_OF, "-v")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "3 YAML files skipped" in out
    skipped = {
        line.split(":")[0].strip(): line
        for line in out.splitlines()
        if line.lstrip().startswith(str(tmp_path))
    }
    assert "no top-level `permitcheck` key" in skipped[str(tmp_path / "workflow.yaml")]
    assert "a list" in skipped[str(tmp_path / "list.yml")]
    assert "empty" in skipped[str(tmp_path / "empty.yaml")]
    assert "workflow.yaml" not in invoke("validate", str(tmp_path), *AS_OF).stdout


@pytest.mark.parametrize(
    "content",
    [
        b"permitcheck: 1\napplication: [unclosed\n",
        b"\xff\xfe\x00garbage that is not text",
        b"key: {unclosed\n",
    ],
)
def test_a_yaml_file_that_cannot_be_read_is_an_error_not_a_skip(
    tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "ready.yaml").write_bytes(ready_bytes())
    (tmp_path / "broken.yaml").write_bytes(content)
    result = invoke("validate", str(tmp_path), *AS_OF)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith(f"{tmp_path / 'broken.yaml'}:"), result.stderr
    assert "skipped" not in result.stdout


# ---- 2. extreme dates are located input errors; nothing sinks the batch ---------------------

EXTREME = {
    "passport-9999": (
        "new-permit",
        {"applicant.passport.expiry_date": "9999-12-31"},
        "applicant.passport.expiry_date",
    ),
    "passport-0001": (
        "new-permit",
        {"applicant.passport.expiry_date": "0001-01-01"},
        "applicant.passport.expiry_date",
    ),
    "submission-9999": (
        "new-permit",
        {"application.submission_date": "9999-12-31"},
        "application.submission_date",
    ),
    "residence-9999": (
        "new-permit",
        {"applicant.residence_history[0]": {"country": "DE", "from": "9999-01-01"}},
        "applicant.residence_history[0].from",
    ),
    "birth-1850": (
        "new-permit",
        {"applicant.date_of_birth": "1850-01-01"},
        "applicant.date_of_birth",
    ),
}


@pytest.mark.parametrize("case", sorted(EXTREME))
def test_an_extreme_date_is_a_located_error_and_the_others_are_checked(
    tmp_path: Path, case: str
) -> None:
    name, changes, key = EXTREME[case]
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(to_yaml(patched(example_without_files(name), changes)))
    for index in range(3):
        (tmp_path / f"good{index}.yaml").write_bytes(ready_bytes())
    result = invoke("validate", str(tmp_path), "-f", "json")
    assert result.exit_code == 2, result.stderr
    report = json.loads(result.stdout)
    assert [d["ready"] for d in report["dossiers"]] == [True, True, True]
    [error] = report["errors"]
    assert error["path"] == str(bad) and error["location"] is not None
    assert key in error["message"]
    assert "1900" in error["message"] and "2200" in error["message"], error["message"]
    assert "internal error" not in result.stderr


def test_an_extreme_reference_date_is_a_usage_error() -> None:
    from helpers import example_file

    for value in ("9999-07-01", "0001-01-01"):
        result = invoke("validate", example_file("new-permit"), "--as-of", value)
        assert result.exit_code == 2
        assert result.stderr.startswith("permitcheck: --as-of:"), result.stderr
        assert "1900" in result.stderr
    result = invoke("validate", example_file("new-permit"), env={"PERMITCHECK_TODAY": "9999-12-31"})
    assert result.exit_code == 2 and "PERMITCHECK_TODAY" in result.stderr


def test_steps_with_an_extreme_entry_date_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "entry.yaml"
    path.write_bytes(
        to_yaml(
            patched(example_without_files("new-permit"), {"application.entry_date": "9999-12-31"})
        )
    )
    result = invoke("steps", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:"), result.stderr
    assert "internal error" not in result.stderr


def test_any_failure_of_one_dossier_is_that_dossiers_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever breaks while checking one file (a bug included) stays that file's error."""
    from permitcheck import engine

    real = engine.evaluate

    def fragile(dossier: Any, *args: Any, **kwargs: Any) -> Any:
        if dossier.path.endswith("b.yaml"):
            raise OverflowError("date value out of range")
        return real(dossier, *args, **kwargs)

    monkeypatch.setattr(engine, "evaluate", fragile)
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_bytes(ready_bytes())
    result = invoke("validate", str(tmp_path), *AS_OF, "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [Path(d["path"]).name for d in report["dossiers"]] == ["a.yaml", "c.yaml"]
    [error] = report["errors"]
    assert error["path"] == str(tmp_path / "b.yaml")
    assert "OverflowError" in error["message"] and "bug" in error["message"]


# ---- 4. links: never followed while walking, each real file once ----------------------------


def test_a_link_to_the_folder_itself_counts_each_file_once(tmp_path: Path) -> None:
    tree = tmp_path / "g"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.yaml").write_bytes(ready_bytes())
    (tree / "l1").symlink_to(".")
    (tree / "sub" / "l2").symlink_to("..")
    (tree / "sub" / "hard.yaml").hardlink_to(tree / "sub" / "a.yaml")
    for target in (str(tree / "**" / "*.yaml"), str(tree), str(tree / "*" / "*.yaml")):
        result = cli("validate", target, *AS_OF, "-f", "json", timeout=30)
        assert result.returncode == 0, (target, result.stderr)
        assert len(json.loads(result.stdout)["dossiers"]) == 1, target


def test_a_link_to_the_root_does_not_hang_a_glob(tmp_path: Path) -> None:
    tree = tmp_path / "g"
    tree.mkdir()
    (tree / "a.yaml").write_bytes(ready_bytes())
    (tree / "root").symlink_to("/")
    for index in range(3):
        (tree / f"loop{index}").symlink_to(".")
    result = cli("validate", str(tree / "**" / "*.yaml"), *AS_OF, "-f", "json", timeout=30)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["dossiers"]) == 1


# ---- 5, 9. reports are written beside the target and renamed; never over an input ---------


def test_a_report_replaces_the_target_instead_of_writing_into_it(tmp_path: Path) -> None:
    from helpers import example_file

    other = tmp_path / "kept.txt"
    other.write_text("someone else's file\n", encoding="utf-8")
    report = tmp_path / "report.json"
    report.hardlink_to(other)  # writing in place would change kept.txt too
    result = invoke("validate", example_file("new-permit"), *AS_OF, "-f", "json", "-o", str(report))
    assert result.exit_code == 0, result.stderr
    assert other.read_text(encoding="utf-8") == "someone else's file\n"
    assert json.loads(report.read_text(encoding="utf-8"))["tool"] == "permitcheck"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt", "report.json"]


def test_an_output_hard_linked_to_a_dossier_is_refused(tmp_path: Path) -> None:
    dossier = tmp_path / "a.yaml"
    dossier.write_bytes(ready_bytes())
    link = tmp_path / "h"
    link.hardlink_to(dossier)
    result = invoke("validate", str(dossier), *AS_OF, "-o", str(link))
    assert result.exit_code == 2
    assert "never writes over your files" in result.stderr
    assert dossier.read_bytes() == ready_bytes()


# ---- 6. SIGTERM stops the workers too ------------------------------------------------------


def _session(sid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(entry))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_stops_the_workers_too(tmp_path: Path, signum: int, code: int) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    content = ready_bytes()
    for index in range(3000):
        (folder / f"d{index:04}.yaml").write_bytes(content)
    process = subprocess.Popen(
        [sys.executable, "-m", "permitcheck", "validate", str(folder), *AS_OF, "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while len(_session(process.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)  # wait until the workers run
        assert len(_session(process.pid)) >= 3, "the workers never started"
        process.send_signal(signum)
        assert process.wait(timeout=20) == code
        deadline = time.monotonic() + 10
        while _session(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _session(process.pid) == [], "workers were left behind"
    finally:
        for pid in _session(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.kill()
        process.communicate()


# ---- 7, 8. special files and link loops ----------------------------------------------------


@pytest.mark.parametrize("where", ["named", "folder", "glob"])
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, where: str) -> None:
    (tmp_path / "ready.yaml").write_bytes(ready_bytes())
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    target = {"named": str(fifo), "folder": str(tmp_path), "glob": str(tmp_path / "*.yaml")}[where]
    result = cli("validate", target, str(tmp_path / "ready.yaml"), *AS_OF, timeout=20)
    assert result.returncode == 2, result.stderr
    assert f"{fifo}: is a named pipe (FIFO), not a regular file" in result.stderr
    assert "1 of 1 dossier ready" in result.stdout


def test_a_device_and_a_sparse_file_are_refused_before_reading(tmp_path: Path) -> None:
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    sparse = tmp_path / "sparse.yaml"
    with open(sparse, "wb") as handle:
        handle.truncate(6 * 1024**3)
    result = cli("validate", str(zero), str(sparse), *AS_OF, timeout=20)
    assert result.returncode == 2
    assert f"{zero}: is a character device, not a regular file" in result.stderr
    assert f"{sparse}:1:1: the file is 6,442,450,944 bytes" in result.stderr


def test_a_named_link_loop_is_that_files_error(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop.name)
    good = tmp_path / "good.yaml"
    good.write_bytes(ready_bytes())
    result = invoke("validate", str(loop), str(good), *AS_OF, "-o", str(tmp_path / "r.txt"))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"{loop}: a loop of symbolic links; it points at itself",
        f"Checked 1 of 2 dossiers: 1 ready; 1 could not be checked; wrote {tmp_path / 'r.txt'} "
        "(text)",
    ]
    assert "1 of 1 dossier ready" in (tmp_path / "r.txt").read_text(encoding="utf-8")


# ---- 10. --jobs is capped ------------------------------------------------------------------


def test_workers_are_capped_by_the_cores_and_the_chunks() -> None:
    assert batch.worker_count(3000, tasks=1000, cores=2) == 8
    assert batch.worker_count(3000, tasks=3, cores=64) == 3
    assert batch.worker_count(None, tasks=1000, cores=4) == 4
    assert batch.worker_count(2, tasks=1000, cores=64) == 2


# ---- 11. output failures are clear errors; the verdict keeps its exit code ------------------


def test_output_failures_are_errors_and_not_ready_stays_1(tmp_path: Path) -> None:
    from helpers import example_file

    folder = tmp_path / "existing"
    folder.mkdir()
    json_report = tmp_path / "r.json"
    result = invoke(
        "validate",
        example_file("not-ready"),
        *AS_OF,
        "-f",
        "sarif",
        "-o",
        str(folder),
        "-f",
        "json",
        "-o",
        str(json_report),
    )
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"permitcheck: cannot write the sarif report to {folder}: it is a directory",
        f"Checked 1 dossier: 1 not ready; wrote {json_report} (json)",
    ]
    assert json.loads(json_report.read_text(encoding="utf-8"))["dossiers"]
    ready = invoke("validate", example_file("new-permit"), *AS_OF, "-o", str(folder))
    assert ready.exit_code == 2
    assert "internal error" not in ready.stderr and "bug" not in ready.stderr


def test_a_full_disk_and_an_unwritable_step_summary_are_errors(tmp_path: Path) -> None:
    from helpers import example_file

    if Path("/dev/full").exists():
        full = invoke("validate", example_file("not-ready"), *AS_OF, "-o", "/dev/full")
        assert full.exit_code == 1
        assert full.stderr.startswith("permitcheck: cannot write the text report to /dev/full:")
    summary = invoke(
        "validate",
        example_file("new-permit"),
        *AS_OF,
        "-f",
        "github",
        env={"GITHUB_STEP_SUMMARY": str(tmp_path)},
    )
    assert summary.exit_code == 2
    assert summary.stderr.startswith(
        f"permitcheck: cannot write the step summary to {tmp_path}:"
    ), summary.stderr
    # The annotations were written all the same.
    assert summary.stdout.startswith("::notice title=permitcheck::1 of 1 dossier ready")


def test_output_dash_is_standard_output_and_a_slash_names_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import example_file

    monkeypatch.chdir(tmp_path)
    dash = invoke("validate", example_file("new-permit"), *AS_OF, "-f", "json", "-o", "-")
    assert json.loads(dash.stdout)["tool"] == "permitcheck"
    assert not (tmp_path / "-").exists()
    slash = invoke("validate", example_file("new-permit"), *AS_OF, "-o", "dir/")
    assert slash.exit_code == 2
    assert "dir/" in slash.stderr and "folder" in slash.stderr
    assert not (tmp_path / "dir").exists()


# ---- 14, 15, 16. many errors, control characters, the format version -----------------------


def test_did_you_mean_is_computed_only_for_the_errors_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import difflib

    calls = []
    real = difflib.get_close_matches

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    data = example_without_files("new-permit")
    # 70 unknown keys: one per family member (at most 20) and per stay abroad (at most 50).
    data["family"] = [{**data["family"][0], "nmae": "x"} for _ in range(20)]
    data["applicant"]["residence_history"] = [
        {"country": "DE", "from": "2020-01-01", "too": "2021-01-01"} for _ in range(50)
    ]
    path = tmp_path / "many.yaml"
    path.write_bytes(to_yaml(data))
    result = invoke("validate", str(path), *AS_OF)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 51
    assert len(calls) <= 60, len(calls)


def test_a_raw_control_character_is_located_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "ctl.yaml"
    path.write_bytes(b"permitcheck: 1\napplication:\n  type: new\n  city: nan\x01jing\n")
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:4:12: "), result.stderr


@pytest.mark.parametrize("version", ["true", "1.0", "'1'", "2"])
def test_only_the_integer_1_is_format_version_1(tmp_path: Path, version: str) -> None:
    text = (
        to_yaml(example_without_files("new-permit"))
        .decode()
        .replace("permitcheck: 1", f"permitcheck: {version}")
    )
    path = tmp_path / "v.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", str(path), *AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1:14: unsupported format version"), result.stderr
