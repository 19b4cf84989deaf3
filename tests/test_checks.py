"""Unit tests for each check kind of the vocabulary, on small hand-made data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter

from helpers import CALENDAR, load_pack
from permitcheck.dossier import dotted
from permitcheck.i18n import Text
from permitcheck.rulepack import conditions, kinds
from permitcheck.rulepack.kinds.base import NO_EMPLOYER, Acceptance, Context, Outcome

AS_OF = date(2026, 12, 7)
CHECK = TypeAdapter(kinds.Check)


def run(
    params: dict[str, Any],
    subject: str,
    data: dict[str, Any],
    as_of: date = AS_OF,
    index: int | None = None,
) -> Outcome:
    check = CHECK.validate_python(params)

    def holds(condition: conditions.Condition) -> bool:
        return conditions.holds(condition, data, as_of, index)

    ctx = Context(
        data=data,
        as_of=as_of,
        apostille=load_pack("nanjing").apostille,
        index=index,
        holds=holds,
        calendar=CALENDAR,
    )
    return kinds.run(check, dotted.parse(subject, index), ctx)


def test_present() -> None:
    assert run({"kind": "present"}, "d.x", {"d": {"x": {"a": 1}}}).status == "pass"
    assert run({"kind": "present"}, "d.x", {"d": {}}).status == "fail"
    assert run({"kind": "present"}, "d.x", {"d": {"x": []}}).status == "fail"
    commitment = run({"kind": "present"}, "d.x", {"d": {"x": {"commitment": True}}})
    assert commitment.status == "fail" and commitment.message is not None
    assert "commitment" in commitment.message.en


def test_facts() -> None:
    params = {"kind": "facts", "expect": {"signed": True, "altered": False}, "stated": ["name"]}
    good = {"x": {"signed": True, "altered": False, "name": "n"}}
    assert run(params, "x", good).status == "pass"
    bad = run(params, "x", {"x": {"signed": False, "altered": None}})
    assert bad.status == "fail"
    problems = bad.params["problems"]
    assert problems.en == (
        "`name` is not stated; `signed` is false (must be true); "  # type: ignore[union-attr]
        "`altered` is not stated"
    )
    assert "未填写" in problems.zh  # type: ignore[union-attr]


def test_includes() -> None:
    params = {"kind": "includes", "all": ["a", "b"], "any": ["c", "d"]}
    assert run(params, "x", {"x": ["a", "b", "d"]}).status == "pass"
    outcome = run(params, "x", {"x": ["a"]})
    assert outcome.status == "fail" and outcome.params["missing"] == ["b", "c / d"]
    assert run(params, "x", {}).status == "fail"


def test_one_of() -> None:
    params = {"kind": "one_of", "values": ["police", "court"]}
    assert run(params, "x", {"x": "court"}).status == "pass"
    assert run(params, "x", {"x": "notary"}).status == "fail"
    missing = run(params, "x", {})
    assert missing.status == "fail" and missing.message is not None
    assert missing.message.en.startswith("`{field}` is not stated")
    assert missing.params["field"] == "x"


@pytest.mark.parametrize(
    ("issued", "as_of", "status", "window"),
    [
        (date(2026, 6, 7), date(2026, 12, 7), "pass", date(2026, 12, 7)),  # exactly 6 months
        (date(2026, 6, 6), date(2026, 12, 7), "fail", date(2026, 12, 6)),  # 6 months + 1 day
        (date(2026, 8, 31), date(2027, 2, 28), "pass", date(2027, 2, 28)),  # month end clamped
        (date(2026, 8, 31), date(2027, 3, 1), "fail", date(2027, 2, 28)),
        (date(2028, 2, 29), date(2028, 8, 29), "pass", date(2028, 8, 29)),  # leap day
        (date(2028, 2, 29), date(2028, 8, 30), "fail", date(2028, 8, 29)),
        (date(2026, 12, 7), date(2026, 12, 7), "pass", date(2027, 6, 7)),  # issued on the day
    ],
)
def test_max_age(issued: date, as_of: date, status: str, window: date) -> None:
    outcome = run({"kind": "max_age", "months": 6}, "x", {"x": issued}, as_of=as_of)
    assert outcome.status == status
    assert outcome.window_end == window


def test_max_age_refuses_a_future_date() -> None:
    outcome = run({"kind": "max_age", "months": 6}, "x", {"x": date(2026, 12, 8)})
    assert outcome.status == "fail" and outcome.message is not None
    assert "in the future" in outcome.message.en


@pytest.mark.parametrize(
    ("expiry", "as_of", "status", "last"),
    [
        (date(2027, 6, 7), date(2026, 12, 7), "pass", date(2026, 12, 7)),
        (date(2027, 6, 6), date(2026, 12, 7), "fail", date(2026, 12, 6)),
        (date(2027, 2, 28), date(2026, 8, 31), "pass", date(2026, 8, 31)),  # as_of+6m clamps
        (date(2027, 2, 27), date(2026, 8, 31), "fail", date(2026, 8, 27)),
        (date(2027, 3, 31), date(2026, 9, 30), "pass", date(2026, 9, 30)),
    ],
)
def test_min_validity(expiry: date, as_of: date, status: str, last: date) -> None:
    outcome = run({"kind": "min_validity", "months": 6}, "x", {"x": expiry}, as_of=as_of)
    assert outcome.status == status
    assert outcome.window_end == last


def test_before_date() -> None:
    assert run({"kind": "before_date"}, "x", {"x": date(2026, 12, 8)}).status == "pass"
    outcome = run({"kind": "before_date"}, "x", {"x": date(2026, 12, 7)})
    assert outcome.status == "fail" and outcome.window_end == date(2026, 12, 6)


@pytest.mark.parametrize(
    ("expiry", "status"),
    [
        (date(2027, 3, 7), "pass"),  # 90 days after 2026-12-07: the window opens today
        (date(2027, 3, 8), "fail"),  # it opens tomorrow: too early
        (date(2026, 12, 8), "pass"),  # no end of its own: a deadline is another rule's
    ],
)
def test_not_before(expiry: date, status: str) -> None:
    outcome = run({"kind": "not_before", "days": 90}, "x", {"x": expiry})
    assert outcome.status == status
    assert outcome.window_start == expiry - timedelta(days=90) and outcome.window_end is None


def test_working_days() -> None:
    params = {"kind": "working_days", "days": 10}
    ok = run(params, "x", {"x": date(2026, 9, 28)}, as_of=date(2026, 10, 16))
    assert ok.status == "pass" and ok.params["deadline"] == date(2026, 10, 16)
    late = run(params, "x", {"x": date(2026, 9, 28)}, as_of=date(2026, 10, 19))
    assert late.status == "fail"


def test_working_days_in_an_unpublished_year() -> None:
    """2027 unpublished: from 2026-12-28, one settled working day (12-29); 30 and 31 December
    may still become New Year holidays. The 10th working day lies in 2027-01-07..2027-01-14."""
    params = {"kind": "working_days", "days": 10}
    early = run(params, "x", {"x": date(2026, 12, 28)}, as_of=date(2027, 1, 7))
    assert early.status == "pass" and early.window_end == date(2027, 1, 7)
    assert early.closing is not None and "certainly in time" in early.closing[0].en
    depends = run(params, "x", {"x": date(2026, 12, 28)}, as_of=date(2027, 1, 8))
    assert depends.status == "warn" and depends.message is not None
    assert "whose official holiday calendar is not published yet" in depends.message.en
    # "File at once": the window ends on the reference date, never on a day gone by.
    assert depends.window_end == date(2027, 1, 8)
    assert (depends.params["earliest"], depends.params["latest"]) == (
        date(2027, 1, 7),
        date(2027, 1, 14),
    )
    assert depends.params["year"] == 2027
    late = run(params, "x", {"x": date(2026, 12, 28)}, as_of=date(2027, 1, 15))
    assert late.status == "fail" and late.window_end == date(2027, 1, 14)


def test_the_last_two_days_of_december_wait_for_the_next_year() -> None:
    """Until next year is published, 30 and 31 December may yet become New Year holidays (as
    2018-12-31 did), so a count through them is a range, not a date."""
    params = {"kind": "working_days", "days": 10}
    outcome = run(params, "x", {"x": date(2026, 12, 17)}, as_of=date(2026, 12, 31))
    assert outcome.status == "pass"
    assert outcome.params["year"] == 2027
    assert outcome.params["earliest"] == date(2026, 12, 31)


def _residence(stays: list[dict[str, Any]]) -> dict[str, Any]:
    return {"a": {"nationality": "DE", "residence_history": stays}, "c": {"country": None}}


@pytest.mark.parametrize(
    ("stays", "country", "status"),
    [
        ([], "DE", "pass"),
        ([{"country": "FR", "from": date(2024, 1, 1), "to": date(2025, 1, 2)}], "FR", "pass"),
        ([{"country": "FR", "from": date(2024, 1, 1), "to": date(2025, 1, 1)}], "FR", "fail"),
        ([{"country": "FR", "from": date(2025, 12, 6), "to": None}], "FR", "pass"),
        ([{"country": "FR", "from": date(2025, 12, 7), "to": None}], "FR", "fail"),
        ([{"country": "CN", "from": date(2015, 1, 1), "to": date(2025, 1, 1)}], "CN", "fail"),
        ([], "US", "fail"),
    ],
)
def test_residence_country(stays: list[dict[str, Any]], country: str, status: str) -> None:
    data = _residence(stays)
    data["c"]["country"] = country
    params = {
        "kind": "residence_country",
        "nationality": "a.nationality",
        "residence": "a.residence_history",
    }
    assert run(params, "c.country", data).status == status


AUTH = {
    "kind": "authentication",
    "country_field": "origin",
    "foreign": ["consular", "apostille"],
    "regions": ["notarized"],
    "mainland": [],
}


@pytest.mark.parametrize(
    ("document", "status", "text"),
    [
        ({"origin": "FR", "authentication": "consular"}, "pass", None),
        ({"origin": "FR", "authentication": "notarized"}, "fail", None),
        ({"origin": "HK", "authentication": "notarized"}, "pass", None),
        (
            {"origin": "HK", "authentication": "apostille", "apostilled_on": date(2025, 1, 1)},
            "fail",
            None,
        ),
        ({"origin": "CN"}, "pass", None),
        ({"origin": "FR"}, "fail", "is not stated"),
        ({"authentication": "consular"}, "fail", "is not stated"),
        (
            {"origin": "FR", "authentication": "apostille", "apostilled_on": date(2023, 11, 7)},
            "pass",
            None,
        ),
        (
            {"origin": "FR", "authentication": "apostille", "apostilled_on": date(2023, 11, 6)},
            "fail",
            "before the Apostille Convention applied",
        ),
        (
            {"origin": "FR", "authentication": "apostille", "issued_on": date(2024, 5, 1)},
            "pass",
            None,
        ),
        ({"origin": "FR", "authentication": "apostille"}, "fail", "neither `apostilled_on`"),
        (
            {"origin": "CA", "authentication": "apostille", "apostilled_on": date(2024, 1, 10)},
            "fail",
            "before the Apostille Convention applied",
        ),
        (
            {"origin": "CA", "authentication": "apostille", "apostilled_on": date(2024, 1, 11)},
            "pass",
            None,
        ),
        (
            {"origin": "IN", "authentication": "apostille", "apostilled_on": date(2025, 1, 1)},
            "fail",
            "does not apply between China and",
        ),
        (
            {
                "origin": "FR",
                "authentication": "apostille",
                "apostille_country": "DE",
                "apostilled_on": date(2025, 1, 1),
            },
            "fail",
            "must be issued by the state",
        ),
    ],
)
def test_authentication(document: dict[str, Any], status: str, text: str | None) -> None:
    outcome = run(AUTH, "doc", {"doc": document})
    assert outcome.status == status
    if text is not None:
        assert outcome.message is not None and text in outcome.message.en


@pytest.mark.parametrize(
    ("document", "required", "status"),
    [
        ({"language": "zh"}, True, "pass"),
        ({"language": "de", "translation": {"seal": "translation_company"}}, True, "pass"),
        ({"language": "de", "translation": {"seal": "employer"}}, True, "fail"),
        ({"language": "de"}, True, "fail"),
        ({}, True, "fail"),
        ({}, False, "pass"),
    ],
)
def test_translation(document: dict[str, Any], required: bool, status: str) -> None:
    params = {"kind": "translation", "language_required": required}
    assert run(params, "doc", {"doc": document}).status == status


@pytest.mark.parametrize(
    ("fields", "evidence", "status"),
    [
        (["name"], [{"kind": "deed"}], "pass"),
        (["name", "position"], [{"kind": "deed"}], "fail"),
        (
            ["name", "position"],
            [{"kind": "deed", "supports": ["name"]}, {"kind": "letter", "supports": ["position"]}],
            "pass",
        ),
        (["name"], [{"kind": "letter", "supports": ["position"]}], "fail"),
    ],
)
def test_evidence_covers(fields: list[str], evidence: list[dict[str, Any]], status: str) -> None:
    params = {"kind": "evidence_covers", "fields": "change.fields"}
    data = {"change": {"fields": fields}, "ev": evidence}
    assert run(params, "ev", data).status == status


def test_condition() -> None:
    params = {"kind": "condition", "require": {"path": "a.b", "not_in": ["x"]}}
    assert run(params, "a.b", {"a": {"b": "y"}}).status == "pass"
    assert run(params, "a.b", {"a": {"b": "x"}}).status == "fail"


def test_conditions_with_items_and_ages() -> None:
    data = {"family": [{"dob": date(2008, 12, 7)}, {"dob": date(2008, 12, 8)}]}
    adult = conditions.Condition.model_validate({"path": "family[*].dob", "age_at_least": 18})
    assert conditions.holds(adult, data, AS_OF, 0)
    assert not conditions.holds(adult, data, AS_OF, 1)
    typed = conditions.Condition.model_validate({"path": "x", "equals": True})
    assert not conditions.holds(typed, {"x": 1}, AS_OF, None)  # 1 is not true
    assert conditions.holds(typed, {"x": True}, AS_OF, None)


def test_acceptance_window() -> None:
    """The engine resolves the employer's window once; the check reports why it could not."""
    check = CHECK.validate_python({"kind": "acceptance_window"})
    problem = Text(en="unknown district", zh="无法识别的区域")
    for acceptance, status in [
        (NO_EMPLOYER, "pass"),
        (Acceptance(name=problem, problem=problem), "fail"),
    ]:
        ctx = Context(
            data={},
            as_of=AS_OF,
            apostille=load_pack("nanjing").apostille,
            index=None,
            holds=lambda condition: True,
            acceptance=acceptance,
        )
        outcome = kinds.run(check, ("employer", "registered_in"), ctx)
        assert outcome.status == status
        assert outcome.params.get("problem") == (problem if status == "fail" else None)


def test_every_kind_has_a_test_here() -> None:
    source = open(__file__, encoding="utf-8").read()
    for kind in kinds.KINDS:
        assert f'"kind": "{kind}"' in source or f'AUTH = {{"kind": "{kind}"' in source, kind


# ---- file ----------------------------------------------------------------------------------

FILE = {"kind": "file", "types": ["pdf", "jpeg", "png"]}


def run_file(repo: Any, name: str) -> Outcome:
    check = CHECK.validate_python(FILE)
    ctx = Context(
        data={"doc": {"file": name}},
        as_of=AS_OF,
        apostille=load_pack("nanjing").apostille,
        index=None,
        holds=lambda condition: True,
        base_dir=str(repo / "dossiers"),
        root=str(repo),
    )
    return kinds.run(check, ("doc", "file"), ctx)


@pytest.fixture
def repo(tmp_path: Any) -> Any:
    root = tmp_path / "repo"
    docs = root / "dossiers" / "docs"
    docs.mkdir(parents=True)
    (docs / "scan.pdf").write_bytes(b"%PDF-1.7\n...")
    (docs / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    (docs / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (docs / "renamed.pdf").write_bytes(b"GIF89a not a pdf")
    (docs / "empty.pdf").write_bytes(b"")
    (root / "outside.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4")
    (docs / "inside-link.pdf").symlink_to(docs / "scan.pdf")
    (docs / "outside-link.pdf").symlink_to(tmp_path / "secret.pdf")
    return root


@pytest.mark.parametrize(
    ("name", "status", "text"),
    [
        ("docs/scan.pdf", "pass", None),
        ("docs/photo.jpg", "pass", None),
        ("docs/photo.png", "pass", None),
        ("docs/inside-link.pdf", "pass", None),  # a link that stays inside is fine
        ("../outside.pdf", "pass", None),  # inside the repository, above the dossier
        ("docs/renamed.pdf", "fail", "by its content"),
        ("docs/empty.pdf", "fail", "is empty"),
        ("docs/missing.pdf", "fail", "does not exist"),
        ("docs", "fail", "is not a regular file"),
        ("../../secret.pdf", "fail", "points outside the dossier repository"),
        ("docs/outside-link.pdf", "fail", "symbolic link that leads outside"),
        ("/etc/hostname", "fail", "absolute path"),
    ],
)
def test_file(repo: Any, name: str, status: str, text: str | None) -> None:
    outcome = run_file(repo, name)
    assert outcome.status == status
    if text is not None:
        assert outcome.message is not None and text in outcome.message.en


@pytest.mark.parametrize("name", ["docs/SCAN.PDF", "docs/Scan.pdf", "docs/scna.pdf"])
def test_a_missing_file_names_the_near_miss_that_exists(repo: Any, name: str) -> None:
    outcome = run_file(repo, name)
    assert outcome.status == "fail" and outcome.message is not None
    assert "did you mean `{similar}`" in outcome.message.en
    assert outcome.params["similar"] == "docs/scan.pdf"


def test_undecided_names_the_unstated_facts() -> None:
    parse = conditions.Condition.model_validate
    both = parse({"all": [{"path": "a", "equals": True}, {"path": "b", "equals": False}]})
    assert conditions.undecided(both, {"a": True}, AS_OF, None) == ["b"]
    assert conditions.undecided(both, {"a": False}, AS_OF, None) == []  # false whatever b is
    assert conditions.undecided(both, {"a": True, "b": False}, AS_OF, None) == []
    either = parse({"any": [{"path": "a", "equals": True}, {"path": "b", "equals": True}]})
    assert conditions.undecided(either, {"b": True}, AS_OF, None) == []  # true whatever a is
    assert conditions.undecided(either, {"b": False}, AS_OF, None) == ["a"]
    present = parse({"path": "a", "stated": True})
    assert conditions.undecided(present, {}, AS_OF, None) == []  # absence answers it


def test_date_compared_with_the_reference_date() -> None:
    day = {"d": AS_OF}
    for comparison, expected in [
        ("before_reference", False),
        ("on_or_before_reference", True),
        ("after_reference", False),
        ("on_or_after_reference", True),
    ]:
        condition = conditions.Condition.model_validate({"path": "d", "date": comparison})
        assert conditions.holds(condition, day, AS_OF, None) is expected, comparison
        assert conditions.holds(condition, {}, AS_OF, None) is False  # unstated: none of them


def test_every_finding_of_a_rule_cites_the_same_sources_object() -> None:
    """Sources are resolved once per rule (and once more with the Convention's passages for an
    apostille): the same tuple for every finding of every dossier, which the JSON report
    writes once. A new tuple per finding made its cache grow with every dossier."""
    from helpers import evaluate_data, example_data

    data = example_data("new-permit")
    first, second = evaluate_data(data), evaluate_data(data)
    rule = "nanjing.new.degree.authentication"
    (one,) = [f for f in first.findings if f.rule == rule]
    (other,) = [f for f in second.findings if f.rule == rule]
    assert any("Apostille" in source.title for source in one.sources)
    assert one.sources is other.sources


# ---- category_points -----------------------------------------------------------------------

POINTS = {"kind": "category_points"}


def run_points(applicant: dict[str, Any], category: str, as_of: date = AS_OF) -> Outcome:
    """The check on a dossier's data, scored on the national pack's 2017 table."""
    from permitcheck.rulepack import scoring

    pack = load_pack("china")
    data = {"application": {"type": "new", "category": category}, "applicant": applicant}
    check = CHECK.validate_python(POINTS)
    ctx = Context(
        data=data,
        as_of=as_of,
        apostille=pack.apostille,
        index=None,
        holds=lambda condition: conditions.holds(condition, data, as_of, None),
        points=lambda: scoring.assess(data, pack.points, pack.workplace_regions, as_of),
    )
    return kinds.run(check, dotted.parse("application.category", None), ctx)


# 60 points, every fact stated: salary 450,000 (20), bachelor (10), 6 years (9), 3 months (5),
# HSK 1 (1), no region (0), age 40 (15), no extras (0), no bonus (0).
SIXTY = {
    "annual_salary_rmb": 450000,
    "education": "bachelor",
    "work_years": 6,
    "months_in_china_per_year": 3,
    "chinese": {"hsk": 1},
    "workplace_region": "none",
    "date_of_birth": date(1986, 6, 15),
    "extras": [],
    "provincial_bonus": 0,
}


def test_category_points() -> None:
    assert run_points(SIXTY, "B").status == "pass"
    assert run_points(SIXTY, "C").status == "pass"
    short = run_points({**SIXTY, "work_years": 5}, "B")
    assert (short.status, short.variant, short.params["total"]) == ("fail", None, 59)
    assert short.params["reachable"] == 59 and short.params["category"] == "C"
    # A fact not stated that could still reach 60: a warning, with what it could add.
    open_ = run_points({**SIXTY, "work_years": 5, "provincial_bonus": None}, "B")
    assert (open_.status, open_.variant, open_.params["open"]) == ("warn", "unconfirmed", 10)
    missing = open_.params["missing"]
    assert isinstance(missing, Text)
    assert missing.en == "the provincial bonus (`applicant.provincial_bonus`): up to 10"
    # A: 85 with no basis; the table's items listed in the message's placeholder.
    a = run_points({**SIXTY, "education": "doctorate", "months_in_china_per_year": 9}, "A")
    assert (a.status, a.params["total"], a.params["needed"]) == ("fail", 80, 85)
    items = a.params["items"]
    assert isinstance(items, Text) and items.en.startswith("salary 20/20, education 20/20")
    # Before the table took effect, no table decides: a warning that says so.
    early = run_points(SIXTY, "B", as_of=date(2017, 3, 31))
    assert early.status == "warn" and early.message is not None
    assert "No points table" in early.message.en
