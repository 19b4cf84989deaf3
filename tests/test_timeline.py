"""`permitcheck timeline`: bars on one date axis, key dates marked, 80 columns, plain or colour."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES, example_data, invoke, patched, to_yaml
from permitcheck.cli.app import app

NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return invoke("timeline", *args, env=env)


def width(line: str) -> int:
    return sum(2 if "\u2e80" <= char <= "\uffef" else 1 for char in line)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", NAMES)
def test_fits_80_columns_in_plain_text(name: str, lang: str) -> None:
    result = run(str(EXAMPLES / f"{name}.yaml"), "--lang", lang)
    assert result.exit_code == (1 if name == "not-ready" else 0), result.output
    assert "\x1b[" not in result.stdout
    assert all(width(line) <= 80 for line in result.stdout.splitlines())
    assert not re.search(r"[█▶◀│▲]", result.stdout)  # plain: ASCII marks only


def _labels(out: str) -> tuple[int, dict[str, str]]:
    """The label column's width (from the axis line) and each bar's whole label (its wrapped
    lines joined) with the rest of its bar line."""
    lines = out.splitlines()
    column = len(lines[1]) - len(lines[1].lstrip(" ")) - 1
    bars: dict[str, str] = {}
    label, rest = "", ""
    for line in lines[2:]:
        if line.lstrip().startswith(("^", "#")):
            break
        # The column is counted in display cells: a Chinese character takes two.
        split = next((i for i in range(len(line) + 1) if width(line[:i]) >= column), len(line))
        if line[split + 1 :].strip():  # a bar's line
            if label:
                bars[label] = rest
            label, rest = line[:split].rstrip(), line[split + 1 :]
        else:  # the rest of a wrapped label
            label += " " + line.strip()
    bars[label] = rest
    return column, bars


def test_key_dates_of_the_new_permit() -> None:
    out = run(str(EXAMPLES / "new-permit.yaml"), "--width", "120").stdout
    lines = out.splitlines()
    assert lines[0] == "Timeline — " + str(EXAMPLES / "new-permit.yaml")
    _, bars = _labels(out)
    assert bars["Certificate of no criminal record"].endswith("2027-03-15 holds")
    assert bars["Medical examination certificate"].endswith("2027-04-01 holds")
    assert bars["Passport or international travel document"].endswith("2030-11-01 holds")
    assert "^ as of 2026-12-07\n" in out and "^ submit by 2027-03-15\n" in out
    # The reference date is one column through every bar.
    columns = {line.index("|") for line in lines[2:6]}
    assert len(columns) == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", NAMES)
def test_labels_are_whole_at_80_columns(name: str, lang: str) -> None:
    """A label longer than its column wraps under it; none is cut (they were, at 24)."""
    path = str(EXAMPLES / f"{name}.yaml")
    out = run(path, "--lang", lang).stdout
    assert "…" not in out
    expected = {
        bar["label"]
        for bar in json.loads(run(path, "--lang", lang, "-f", "json").stdout)["windows"]
    }
    _, bars = _labels(out)
    if lang == "zh":  # Chinese breaks anywhere: the wrapped parts join without a space
        assert {label.replace(" ", "") for label in bars} == {
            label.replace(" ", "") for label in expected
        }
    else:
        assert set(bars) == expected


def test_closed_and_closing_windows() -> None:
    out = run(str(EXAMPLES / "not-ready.yaml")).stdout
    assert "2026-10-30 closed" in out  # medical exam issued 2026-04-30
    assert "submit by" not in out  # no date on which every window holds
    change = run(str(EXAMPLES / "change.yaml")).stdout
    assert "2026-12-11 closes soon" in change
    assert "2027-09-29 holds" in change  # the permit to change is valid until its expiry


def test_as_of_and_warn_days() -> None:
    out = run(str(EXAMPLES / "change.yaml"), "--warn-days", "3").stdout
    assert "2026-12-11 holds" in out
    out = run(str(EXAMPLES / "change.yaml"), "--as-of", "2026-12-14").stdout
    assert "2026-12-11 closed" in out


def test_colour_uses_blocks_and_escapes() -> None:
    out = run(str(EXAMPLES / "new-permit.yaml"), "--color", "always").stdout
    assert "\x1b[" in out and "█" in out and "▶" in out and "│" in out


def test_wider_terminal() -> None:
    out = run(str(EXAMPLES / "new-permit.yaml"), "--width", "120").stdout
    assert 110 <= max(width(line) for line in out.splitlines()) <= 120


def test_json() -> None:
    data = json.loads(run(str(EXAMPLES / "new-permit.yaml"), "-f", "json").stdout)
    assert data["as_of"] == "2026-12-07" and data["submit_by"] == "2027-03-15"
    windows = {w["rule"]: w for w in data["windows"]}
    record = windows["nanjing.new.criminal-record.age"]
    assert (record["start"], record["end"], record["status"]) == (
        "2026-09-15",
        "2027-03-15",
        "pass",
    )
    assert windows["nanjing.new.passport.validity"]["start"] is None


def test_a_lapsed_permit_is_closed_and_sets_no_date(tmp_path: Path) -> None:
    data = patched(example_data("cancellation"), {"cancellation.reason": "revoked"})
    data["current_permit"]["expiry_date"] = "2026-11-01"
    path = tmp_path / "revoked.yaml"
    path.write_bytes(to_yaml(data))
    out = run(str(path)).stdout
    assert "2026-10-31 closed" in out  # the lapsed permit is still drawn
    assert "submit by" not in out


def test_bad_dossier_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"permitcheck: 1\napplication: {type: nope}\n")
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:2:")


def test_no_windows_says_so() -> None:
    from datetime import date

    from permitcheck.findings import RenderOptions
    from permitcheck.render.timeline import Timeline, render_text

    empty = Timeline(path="x.yaml", as_of=date(2026, 12, 7), submit_by=None, bars=())
    assert render_text(empty, RenderOptions(lang="en", width=80)).splitlines() == [
        "Timeline — x.yaml",
        "No time window applies to this dossier.",
    ]
    assert "本档案没有适用的时限。" in render_text(empty, RenderOptions(lang="zh", width=80))


def test_a_closed_warning_window_never_sets_submit_by(tmp_path: Path) -> None:
    data = patched(example_data("cancellation"), {"current_permit.expiry_date": "2026-11-01"})
    path = tmp_path / "lapsed.yaml"
    path.write_bytes(to_yaml(data))
    result = CliRunner().invoke(app, ["validate", str(path), "-f", "json"])
    dossier = json.loads(result.stdout)["dossiers"][0]
    assert dossier["submit_by"] == "2026-12-04"  # the cancellation deadline, not the lapsed permit
    statuses = {f["rule"]: f["status"] for f in dossier["findings"]}
    assert statuses["nanjing.cancellation.not-expired"] == "warn"


@pytest.mark.parametrize(
    ("as_of", "submit_by"),
    [
        ("2027-01-06", "2027-01-07"),  # certainly in time up to the earliest possible deadline
        ("2027-01-08", "2027-01-08"),  # within the range: at once, never a day already gone by
    ],
)
def test_submit_by_is_never_a_day_gone_by(as_of: str, submit_by: str) -> None:
    from helpers import evaluate_data

    data = patched(example_data("change"), {"change.occurred_on": "2026-12-28"})
    result = evaluate_data(data, as_of)
    assert result.submit_by is not None and result.submit_by.isoformat() == submit_by
    assert result.submit_by >= result.as_of


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_windows_not_known_yet_are_named_and_submit_by_is_a_bound(
    tmp_path: Path, lang: str
) -> None:
    """Every document missing but the passport: its window alone gives a day years ahead,
    which is only the latest possible; the missing windows are named, and every line fits."""
    data = patched(example_data("new-permit"), delete=["documents", "family"])
    data["documents"] = {}
    path = tmp_path / "bare.yaml"
    path.write_bytes(to_yaml(data))
    out = run(str(path), "--lang", lang).stdout
    assert all(width(line) <= 80 for line in out.splitlines()[1:]), out  # [0]: the long path
    if lang == "en":
        assert "submit by, at the latest, 2030-11-01 ^" in out
        assert "^ submit by 2030" not in out
        assert "Not drawn, not known until added: Certificate of no criminal record" in out
    else:
        assert "最迟提交 2030-11-01（可能提前）" in out
        assert "尚未绘出（补齐后方可确定）：无犯罪记录证明" in out
    report = json.loads(run(str(path), "-f", "json").stdout)
    assert report["submit_by"] == "2030-11-01"
    assert "documents.criminal_record.issued_on" in report["submit_by_pending"]


def test_a_mark_near_the_right_edge_puts_its_label_before_it() -> None:
    out = run(str(EXAMPLES / "new-permit.yaml"), "--width", "60").stdout
    assert all(width(line) <= 60 for line in out.splitlines()[1:]), out  # [0]: the path
    marks = [line for line in out.splitlines() if line.rstrip().endswith("^") or "^ " in line]
    assert len(marks) == 2
