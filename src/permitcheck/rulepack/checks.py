"""The fixed vocabulary of check kinds: their parameters (as rule files write them) and logic."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from dateutil.relativedelta import relativedelta
from pydantic import Field, model_validator

from permitcheck import dates, i18n
from permitcheck.basemodel import Strict, bilingual_error
from permitcheck.dossier import dotted
from permitcheck.i18n import Text, Value, t
from permitcheck.rulepack.conditions import CENTURY, Condition, DottedPath, between, is_commitment
from permitcheck.rulepack.conditions import reads as condition_reads
from permitcheck.rulepack.shapes import (
    BOOL,
    DATE,
    LIST_OF_MAPPINGS,
    LIST_OF_TEXT,
    MAPPING,
    TEXT,
    Need,
    Reads,
)

if TYPE_CHECKING:
    from permitcheck.rulepack.apostille import ApostilleTable

Status = Literal["pass", "fail", "warn"]  # warn: holds, but the user must know something
REGIONS = frozenset({"HK", "MO", "TW"})


# Bounds on the numbers of a check: at most a century, so that date arithmetic on any dossier
# date (years 1900 to 2200) stays inside the calendar instead of overflowing at evaluation.
MAX_MONTHS = 1200
MAX_DAYS = 36_600
Months = Annotated[int, between(1, MAX_MONTHS, "months", "个月", CENTURY)]
Days = Annotated[int, between(1, MAX_DAYS, "days", "天", CENTURY)]
FieldName = Annotated[str, Field(pattern=r"^[a-z_]+$")]


class Params(Strict):
    """Parameters of a check kind, as a rule file writes them."""


class Present(Params):
    """The subject is in the dossier (a document entry that is not only a commitment)."""

    kind: Literal["present"]


class Facts(Params):
    """Fields of the subject mapping have the expected values (an absent field fails).

    `stated` lists fields that must be written, whatever their value; of each group of
    `stated_any`, at least one must be written.
    """

    kind: Literal["facts"]
    expect: dict[str, bool | str] = {}
    stated: list[str] = []
    stated_any: list[list[str]] = []


class Includes(Params):
    """The subject list contains every value of `all`, at least one of `any`, and every value
    of at least one group of `any_group`."""

    kind: Literal["includes"]
    all: list[str] = []
    any: list[str] = []
    any_group: list[list[str]] = []


class OneOf(Params):
    """The subject value is one of `values`."""

    kind: Literal["one_of"]
    values: list[str] = Field(min_length=1)


class MaxAge(Params):
    """The subject date is at most `months` calendar months before the reference date."""

    kind: Literal["max_age"]
    months: Months


class MinValidity(Params):
    """The subject date (an expiry) is at least `months` calendar months after the reference."""

    kind: Literal["min_validity"]
    months: Months


class BeforeDate(Params):
    """The reference date is at least `days` days before the subject date: by default the day
    before it is the last day (a permit still valid); `days: 30`, a filing due 30 days ahead.

    With `opens`, the window opens `opens` days before the subject date: an earlier reference
    date is a warning (case `too_early`), never a failure.
    """

    kind: Literal["before_date"]
    days: Days = 1
    opens: Days | None = None

    @model_validator(mode="after")
    def _opens_before_it_closes(self) -> BeforeDate:
        if self.opens is not None and self.opens <= self.days:
            raise bilingual_error(
                "opens",
                f"`opens` ({self.opens} days before) must be more than `days` "
                f"({self.days}): the window opens before it closes",
                f"`opens`（提前 {self.opens} 天）须大于 `days`（{self.days}）：时限须先开始后截止",
            )
        return self


class WorkingDays(Params):
    """The reference date is at most `days` Chinese working days after the subject date."""

    kind: Literal["working_days"]
    days: Days


class ResidenceCountry(Params):
    """The subject country is the nationality or a habitual residence (over `months` months)."""

    kind: Literal["residence_country"]
    nationality: DottedPath
    residence: DottedPath
    months: Months = 12
    excluded: list[str] = ["CN"]


class Authentication(Params):
    """The subject document is authenticated in a way accepted for where it comes from."""

    kind: Literal["authentication"]
    country_field: FieldName
    foreign: list[str]
    regions: list[str]
    mainland: list[str] = []


class Translation(Params):
    """A non-Chinese subject document has a translation sealed by a translation company."""

    kind: Literal["translation"]
    language_required: bool = False


class File(Params):
    """A referenced file is inside the dossier repository, non-empty, and of an allowed type
    by its content (magic bytes), never by its name."""

    kind: Literal["file"]
    types: list[Literal["pdf", "jpeg", "png"]] = Field(min_length=1)


class EvidenceCovers(Params):
    """Every changed field listed at `fields` is supported by an evidence entry."""

    kind: Literal["evidence_covers"]
    fields: DottedPath


class AcceptanceWindow(Params):
    """The employer's level and `registered_in` name one acceptance window of the pack."""

    kind: Literal["acceptance_window"]


class ConditionCheck(Params):
    """A condition on the dossier's facts holds."""

    kind: Literal["condition"]
    require: Condition


Check = Annotated[
    Present
    | Facts
    | Includes
    | OneOf
    | MaxAge
    | MinValidity
    | BeforeDate
    | WorkingDays
    | ResidenceCountry
    | Authentication
    | Translation
    | EvidenceCovers
    | ConditionCheck
    | File
    | AcceptanceWindow,
    Field(discriminator="kind"),
]

# The cases a kind tells apart, which a rule may word in its own `variants`.
CHECK_VARIANTS: dict[str, tuple[str, ...]] = {"before_date": ("on_the_day", "too_early")}

# What each kind puts at a rule message's disposal, checked when a rule file is loaded.
CHECK_PARAMS: dict[str, tuple[str, ...]] = {
    "present": (),
    "facts": ("problems",),
    "includes": ("missing",),
    "one_of": ("value", "allowed"),
    "max_age": ("date", "last_day", "age", "months"),
    "min_validity": ("date", "needed", "months", "last_day"),
    "before_date": ("date", "last_day", "days", "first_day", "opens"),
    "working_days": ("date", "deadline", "days", "earliest", "latest", "year"),
    "residence_country": ("country", "allowed"),
    "authentication": ("method", "country", "accepted"),
    "translation": ("language", "seal"),
    "evidence_covers": ("missing",),
    "condition": ("value",),
    "file": ("file", "types"),
    "acceptance_window": ("problem",),
}


# What each kind needs its subject to be; the pack loader checks it against the dossier model.
SUBJECT_NEEDS: dict[str, Need | None] = {
    "present": None,
    "facts": MAPPING,
    "includes": LIST_OF_TEXT,
    "one_of": TEXT,
    "max_age": DATE,
    "min_validity": DATE,
    "before_date": DATE,
    "working_days": DATE,
    "residence_country": TEXT,
    "authentication": MAPPING,
    "translation": MAPPING,
    "evidence_covers": LIST_OF_MAPPINGS,
    "condition": None,
    "file": TEXT,
    "acceptance_window": None,
}


@cache
def _reader(kind: str) -> Text:
    return t(f"check kind `{kind}`", f"检查类型 `{kind}`")


def reads(check: Any) -> list[Reads]:
    """What a check reads from a dossier, for the pack loader to verify against the dossier
    model: its subject first, then the fields of the subject and the paths its parameters name
    (each as the handler below reads it)."""
    kind: str = check.kind
    by = _reader(kind)
    found = [Reads(by, need=SUBJECT_NEEDS[kind])]
    if kind == "facts":
        for name, expected in check.expect.items():
            flag = isinstance(expected, bool)
            found.append(
                Reads(
                    by,
                    ("expect", name),
                    name,
                    BOOL if flag else TEXT,
                    values=() if flag else (str(expected),),
                    values_at=("expect", name),
                    listed=False,
                    key=True,
                )
            )
        found += [Reads(by, ("stated", number), name) for number, name in enumerate(check.stated)]
        found += [
            Reads(by, ("stated_any", group, number), name)
            for group, names in enumerate(check.stated_any)
            for number, name in enumerate(names)
        ]
    elif kind == "includes":
        lists = [("all", check.all), ("any", check.any)] + [
            (number, group) for number, group in enumerate(check.any_group)
        ]
        for name, values in lists:
            where = (name,) if isinstance(name, str) else ("any_group", name)
            found.append(Reads(by, where, need=LIST_OF_TEXT, values=tuple(values), values_at=where))
    elif kind == "one_of":
        found[0] = Reads(by, need=TEXT, values=tuple(check.values), values_at=("values",))
    elif kind == "residence_country":
        found += [
            Reads(by, ("nationality",), check.nationality, TEXT, absolute=True),
            Reads(by, ("residence",), check.residence, LIST_OF_MAPPINGS, absolute=True),
            Reads(by, ("residence",), check.residence, TEXT, absolute=True, item="country"),
            Reads(by, ("residence",), check.residence, DATE, absolute=True, item="from"),
            Reads(
                by, ("residence",), check.residence, DATE, absolute=True, item="to", optional=True
            ),
        ]
    elif kind == "authentication":
        found += [
            Reads(by, ("country_field",), check.country_field, TEXT),
            Reads(by, (), "authentication", TEXT),
        ]
        found += [
            Reads(by, (), "authentication", TEXT, values=tuple(methods), values_at=(name,))
            for name, methods in (
                ("foreign", check.foreign),
                ("regions", check.regions),
                ("mainland", check.mainland),
            )
        ]
        found += [
            Reads(by, (), name, need, optional=True)
            for name, need in (
                ("apostille_country", TEXT),
                ("apostilled_on", DATE),
                ("issued_on", DATE),
            )
        ]
    elif kind == "translation":
        found += [Reads(by, (), "language", TEXT), Reads(by, (), "translation", MAPPING)]
    elif kind == "evidence_covers":
        found += [
            Reads(by, (), "", LIST_OF_TEXT, item="supports"),
            Reads(by, ("fields",), check.fields, LIST_OF_TEXT, absolute=True),
        ]
    elif kind == "condition":
        found += list(condition_reads(check.require, ("require",)))
    return found


@dataclass(frozen=True)
class Acceptance:
    """The acceptance window that serves the dossier's employer (FAQ 1), as messages name it
    (`{authority}`, with its hotline), and why the dossier does not determine one, if not."""

    name: Text
    problem: Text | None = None


NO_EMPLOYER = Acceptance(
    name=Text(
        en="the acceptance window that serves the employer (`permitcheck where` names it)",
        zh="用人单位对应的受理窗口（见 `permitcheck where`）",
    )
)


@dataclass(frozen=True)
class Outcome:
    """What a check found; the engine turns it into a Finding."""

    status: Status
    params: Mapping[str, Value] = field(default_factory=dict)
    window_end: date | None = None  # the last reference date on which the check holds
    window_start: date | None = None  # where the window opens (issue date, event), if known
    message: Text | None = None  # replaces the rule's message (engine-owned outcomes)
    fix: Text | None = None
    # The verdict rests on the Apostille Convention: the finding cites it and China's accession
    # besides the rule's own source.
    apostille: bool = False
    # Where inside the subject the finding points (an entry of a list), when not at the subject.
    at: dotted.Keys = ()
    # The early warning (message, fix) when the window closes soon, if not the engine's own.
    closing: tuple[Text, Text] | None = None
    # Which of the rule's `variants` words this outcome, when the check tells cases apart.
    variant: str | None = None


@dataclass(frozen=True)
class Context:
    """Everything a check may read: the dossier data, the reference date, the pack's tables."""

    data: Mapping[str, Any]
    as_of: date
    apostille: ApostilleTable
    index: int | None
    holds: Callable[[Condition], bool]
    # Where `file:` paths start (the dossier's folder) and the repository they must stay in.
    base_dir: str = "."
    root: str = "."
    # The dossier as written (only the keys the user wrote), beside `data` with every default.
    written: Any = None
    calendar: dates.WorkingCalendar = dates.OFFICIAL
    acceptance: Acceptance = NO_EMPLOYER

    def get(self, path: str) -> Any:
        return dotted.get(self.data, dotted.parse(path, self.index))


def not_stated(field_path: str) -> Outcome:
    return Outcome("fail", {"field": field_path}, message=i18n.NOT_STATED, fix=i18n.NOT_STATED_FIX)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run(check: Any, subject_path: dotted.Keys, ctx: Context) -> Outcome:
    """Evaluate one check on the value at `subject_path` in the dossier."""
    value = dotted.get(ctx.data, subject_path)
    subject = dotted.to_text(subject_path)
    kind: str = check.kind
    if kind == "present":
        return _present(value, written_at(ctx.written, subject_path))
    if kind == "condition":
        shown: Value = (
            _show(value)
            if isinstance(value, bool | int)
            else (value if isinstance(value, str | date) else None)
        )
        return Outcome("pass" if ctx.holds(check.require) else "fail", {"value": shown})
    if kind == "evidence_covers":
        return _evidence_covers(check, value, ctx)
    if kind == "acceptance_window":
        problem = ctx.acceptance.problem
        return Outcome("pass") if problem is None else Outcome("fail", {"problem": problem})
    if value is None or value == []:
        if kind == "includes":
            return _includes(check, [], subject, ctx)
        return not_stated(subject)
    handler = _HANDLERS[kind]
    return handler(check, value, subject, ctx)


EntryKind = Literal["document", "commitment", "nothing"]


def entry_kind(value: Any, written: Any) -> EntryKind:
    """What a document entry is: a document, a signed commitment instead of one, or nothing
    (`commitment: false` alone, or no key written: neither is a document)."""
    if is_commitment(value):
        return "commitment"
    if isinstance(written, dict) and not any(
        item is not None for key, item in written.items() if key != "commitment"
    ):
        return "nothing"
    return "document"


def written_at(written: Any, path: dotted.Keys) -> Any:
    """What the user wrote at `path`; a mapping written where a list is read (a commitment in
    the mapping form) is the list's only entry."""
    current = written
    for step in path:
        if isinstance(step, int) and isinstance(current, dict):
            current = current if step == 0 else None
        else:
            current = dotted.get(current, (step,))
    return current


def _present(value: Any, written: Any) -> Outcome:
    if value is None or value == []:
        return Outcome("fail")
    if isinstance(value, list):
        items = written if isinstance(written, list) else [written]
        kinds = [
            entry_kind(entry, items[i] if i < len(items) else None) for i, entry in enumerate(value)
        ]
        commitments = [i for i, kind in enumerate(kinds) if kind == "commitment"]
        if commitments:
            # Entries are numbered from 1 for people; the finding points at the first.
            entries = ", ".join(str(i + 1) for i in commitments)
            return Outcome(
                "fail",
                {"entries": entries},
                message=i18n.COMMITMENT_ENTRY_NEVER,
                fix=i18n.COMMITMENT_ENTRY_FIX,
                at=(commitments[0],),
            )
        if "document" not in kinds:
            return Outcome("fail", message=i18n.NOT_A_DOCUMENT)
        return Outcome("pass")
    kind = entry_kind(value, written)
    if kind == "commitment":
        return Outcome("fail", message=i18n.COMMITMENT_NEVER, fix=i18n.COMMITMENT_FIX)
    if kind == "nothing":
        return Outcome("fail", message=i18n.NOT_A_DOCUMENT)
    return Outcome("pass")


def _facts(check: Facts, value: Any, subject: str, ctx: Context) -> Outcome:
    problems: list[Text] = []

    def written(name: str) -> bool:
        return isinstance(value, dict) and value.get(name) is not None

    for name in check.stated:
        if not written(name):
            problems.append(i18n.render_both(i18n.IS_NOT_STATED, {"field": name}))
    for group in check.stated_any:
        if not any(written(name) for name in group):
            problems.append(i18n.render_both(i18n.NONE_STATED, {"fields": _codes(group)}))
    for name, expected in check.expect.items():
        actual = value.get(name) if isinstance(value, dict) else None
        if actual is None:
            problems.append(i18n.render_both(i18n.IS_NOT_STATED, {"field": name}))
        elif actual != expected:
            problems.append(
                i18n.render_both(
                    i18n.IS_WRONG,
                    {"field": name, "value": _show(actual), "expected": _show(expected)},
                )
            )
    if problems:
        return Outcome("fail", {"problems": i18n.join(problems)})
    return Outcome("pass")


def _includes(check: Includes, value: Any, subject: str, ctx: Context) -> Outcome:
    have = set(value)
    missing: list[str] = [item for item in check.all if item not in have]
    if check.any and not have.intersection(check.any):
        missing.append(" / ".join(check.any))
    lacking = [[item for item in group if item not in have] for group in check.any_group]
    if lacking and all(lacking):
        # What each alternative still lacks: `residence_permit / latest_entry`.
        missing.append(" / ".join(" + ".join(group) for group in lacking))
    return Outcome("fail", {"missing": missing}) if missing else Outcome("pass")


def _one_of(check: OneOf, value: Any, subject: str, ctx: Context) -> Outcome:
    params: dict[str, Value] = {"value": _show(value), "allowed": list(check.values)}
    return Outcome("pass" if value in check.values else "fail", params)


def _future(value: date, ctx: Context) -> Outcome | None:
    if value > ctx.as_of:
        return Outcome("fail", {"date": value}, message=i18n.FUTURE_DATE, fix=i18n.FUTURE_DATE_FIX)
    return None


def _age(start: date, end: date) -> Text:
    delta = relativedelta(end, start)
    months = delta.years * 12 + delta.months
    english = f"{months} month{'' if months == 1 else 's'}"
    if delta.days:
        english += f" and {delta.days} day{'' if delta.days == 1 else 's'}"
    chinese = i18n.MONTHS_DAYS_ZH.format(months=months, days=delta.days)
    return Text(en=english, zh=chinese.replace(" 0 天", ""))


def _max_age(check: MaxAge, value: date, subject: str, ctx: Context) -> Outcome:
    future = _future(value, ctx)
    if future is not None:
        return future
    last_day = dates.window_end(value, check.months)
    params: dict[str, Value] = {
        "date": value,
        "last_day": last_day,
        "months": check.months,
        "age": _age(value, ctx.as_of),
    }
    return Outcome(
        "pass" if ctx.as_of <= last_day else "fail", params, window_end=last_day, window_start=value
    )


def _min_validity(check: MinValidity, value: date, subject: str, ctx: Context) -> Outcome:
    needed = dates.add_months(ctx.as_of, check.months)
    # The last reference date for which the expiry still leaves `months` months.
    last_day = dates.add_months(value, -check.months)
    while dates.add_months(last_day + timedelta(days=1), check.months) <= value:
        last_day += timedelta(days=1)
    params: dict[str, Value] = {
        "date": value,
        "needed": needed,
        "months": check.months,
        "last_day": last_day,
    }
    return Outcome("pass" if value >= needed else "fail", params, window_end=last_day)


def _before_date(check: BeforeDate, value: date, subject: str, ctx: Context) -> Outcome:
    # Whole calendar days: 30 days before 2027-03-31 is 2027-03-01.
    last_day = value - timedelta(days=check.days)
    params: dict[str, Value] = {"date": value, "last_day": last_day, "days": check.days}
    first_day = None
    if check.opens is not None:
        first_day = value - timedelta(days=check.opens)
        params |= {"first_day": first_day, "opens": check.opens}
    if ctx.as_of <= last_day:
        if first_day is not None and ctx.as_of < first_day:
            # Too early is not too late: the window still holds, so `submit by` is its end.
            return Outcome(
                "warn",
                params,
                window_end=last_day,
                window_start=first_day,
                message=i18n.NOT_OPEN_YET,
                fix=i18n.NOT_OPEN_YET_FIX,
                variant="too_early",
            )
        return Outcome("pass", params, window_end=last_day, window_start=first_day)
    # On the date itself (a permit's last day of validity) what is true differs from after it.
    return Outcome(
        "fail",
        params,
        window_end=last_day,
        window_start=first_day,
        variant="on_the_day" if ctx.as_of == value else None,
    )


def _working_days(check: WorkingDays, value: date, subject: str, ctx: Context) -> Outcome:
    future = _future(value, ctx)
    if future is not None:
        return future
    deadline = dates.working_deadline(value, check.days, ctx.calendar)
    if deadline.unknown_year is None:
        params: dict[str, Value] = {"date": value, "deadline": deadline.latest, "days": check.days}
        return Outcome(
            "pass" if ctx.as_of <= deadline.latest else "fail",
            params,
            window_end=deadline.latest,
            window_start=value,
        )
    earliest, latest = deadline.earliest, deadline.latest
    params = {
        "date": value,
        "days": check.days,
        "year": deadline.unknown_year,
        "earliest": earliest,
        "latest": latest,
        "deadline": latest,
    }
    if ctx.as_of <= earliest:
        # In time whatever the calendar will say; close to the bound, the warning says why
        # the bound is all that is known.
        return Outcome(
            "pass",
            params,
            window_end=earliest,
            window_start=value,
            closing=(i18n.CALENDAR_UNKNOWN_IN_TIME, i18n.CALENDAR_UNKNOWN_FIX),
        )
    if ctx.as_of <= latest:
        # The answer depends on the unpublished calendar: file at once (submit by today).
        return Outcome(
            "warn",
            params,
            window_end=ctx.as_of,
            window_start=value,
            message=i18n.CALENDAR_DEPENDS,
            fix=i18n.CALENDAR_DEPENDS_FIX,
        )
    return Outcome(
        "fail", params, window_end=latest, window_start=value, message=i18n.CALENDAR_UNKNOWN_LATE
    )


def _stays(history: list[Mapping[str, Any]], as_of: date) -> list[tuple[str, date, date]]:
    """Continuous stays per country: entries of one country that overlap or follow each other
    without a day between them are one stay. Only residence up to the reference date counts
    (a planned end date proves nothing yet); a stay with no end lasts until then."""
    spans = sorted(
        (stay["country"], stay["from"], min(stay.get("to") or as_of, as_of))
        for stay in history
        if stay.get("from") is not None
    )
    merged: list[tuple[str, date, date]] = []
    for country, start, end in spans:
        if merged and merged[-1][0] == country and start <= merged[-1][2] + timedelta(days=1):
            merged[-1] = (country, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((country, start, end))
    return merged


def _residence_country(check: ResidenceCountry, value: str, subject: str, ctx: Context) -> Outcome:
    allowed: list[str] = []
    nationality = ctx.get(check.nationality)
    if nationality:
        allowed.append(nationality)
    # "Resided continuously for more than one year": strictly longer than `months` months.
    habitual = [
        (country, start, end)
        for country, start, end in _stays(ctx.get(check.residence) or [], ctx.as_of)
        if country not in check.excluded and dates.add_months(start, check.months) < end
    ]
    for country, _, _ in habitual:
        if country not in allowed:
            allowed.append(country)
    params: dict[str, Value] = {"country": value, "allowed": allowed}
    if value not in allowed:
        return Outcome("fail", params)
    if value != nationality:
        # The national definition speaks of the last country of habitual residence.
        issued_until = max(end for country, _, end in habitual if country == value)
        later = [
            (end, country)
            for country, _, end in habitual
            if country != value and end > issued_until
        ]
        if later:
            until, latest = max(later)
            return Outcome(
                "warn",
                {**params, "latest": latest, "until": until},
                message=i18n.LATER_RESIDENCE,
                fix=i18n.LATER_RESIDENCE_FIX,
            )
    return Outcome("pass", params)


def _authentication(check: Authentication, value: Any, subject: str, ctx: Context) -> Outcome:
    country = value.get(check.country_field)
    if country is None:
        return not_stated(f"{subject}.{check.country_field}")
    accepted = (
        check.mainland
        if country == "CN"
        else (check.regions if country in REGIONS else check.foreign)
    )
    if not accepted:
        return Outcome("pass", {"country": country, "accepted": [], "method": "—"})
    method = value.get("authentication")
    if method is None:
        return not_stated(f"{subject}.authentication")
    params: dict[str, Value] = {"method": method, "country": country, "accepted": list(accepted)}
    if method not in accepted:
        return Outcome("fail", params)
    if method == "apostille":
        return _apostille(value, country, params, ctx)
    return Outcome("pass", params)


def _apostille(
    value: Mapping[str, Any], country: str, params: dict[str, Value], ctx: Context
) -> Outcome:
    apostille_country = value.get("apostille_country") or country
    params = {**params, "apostille_country": apostille_country}
    if apostille_country != country:
        return Outcome(
            "fail",
            params,
            message=i18n.APOSTILLE_WRONG_STATE,
            fix=i18n.APOSTILLE_FIX,
            apostille=True,
        )
    in_force = ctx.apostille.in_force_with_china(country)
    if in_force is None:
        return Outcome(
            "fail",
            params,
            message=i18n.APOSTILLE_NOT_IN_FORCE,
            fix=i18n.CONSULAR_FIX,
            apostille=True,
        )
    params["in_force"] = in_force
    apostilled_on, issued_on = value.get("apostilled_on"), value.get("issued_on")
    if apostilled_on is not None:
        future = _future(apostilled_on, ctx)
        if future is not None:
            return future
        if apostilled_on < in_force:
            params["apostille_date"] = apostilled_on
            return _apostille_fails(params, i18n.APOSTILLE_TOO_EARLY, i18n.APOSTILLE_FIX)
        return Outcome("pass", params, apostille=True)
    if issued_on is None:
        return _apostille_fails(params, i18n.APOSTILLE_DATE_UNKNOWN, i18n.APOSTILLE_DATE_FIX)
    # The apostille is never older than the document, so the issue date is a safe lower bound;
    # an earlier issue date says nothing about the apostille, whose date is then needed.
    if issued_on < in_force:
        params["issued_on"] = issued_on
        return _apostille_fails(params, i18n.APOSTILLE_ISSUED_TOO_EARLY, i18n.APOSTILLE_DATE_FIX)
    return Outcome("pass", params, apostille=True)


def _apostille_fails(params: dict[str, Value], message: Text, fix: Text) -> Outcome:
    return Outcome("fail", params, message=message, fix=fix, apostille=True)


def _translation(check: Translation, value: Any, subject: str, ctx: Context) -> Outcome:
    language = value.get("language") if isinstance(value, dict) else None
    if language is None:
        if check.language_required:
            return Outcome(
                "fail",
                {"language": "—", "seal": "—"},
                message=i18n.LANGUAGE_UNKNOWN,
                fix=i18n.LANGUAGE_UNKNOWN_FIX,
            )
        return Outcome("pass", {"language": "—", "seal": "—"})
    seal = (value.get("translation") or {}).get("seal") or "none"
    params: dict[str, Value] = {"language": language, "seal": seal}
    if language == "zh" or seal == "translation_company":
        return Outcome("pass", params)
    return Outcome("fail", params)


def _evidence_covers(check: EvidenceCovers, value: Any, ctx: Context) -> Outcome:
    fields: list[str] = ctx.get(check.fields) or []
    evidence: list[Mapping[str, Any]] = value or []
    missing: list[str] = []
    for name in fields:
        covered = any(
            name in (item.get("supports") or [])
            # One changed field: an entry that names none supports that one.
            or (len(fields) == 1 and not item.get("supports"))
            for item in evidence
        )
        if not covered:
            missing.append(name)
    return Outcome("fail", {"missing": missing}) if missing else Outcome("pass")


_MAGIC = {"pdf": (b"%PDF-",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}


def _file(check: File, value: Any, subject: str, ctx: Context) -> Outcome:
    """Checks the file without following anything outside the repository."""
    import os

    if not isinstance(value, str):
        return not_stated(subject)
    params: dict[str, Value] = {"file": value, "types": list(check.types)}

    def fail(message: Text, fix: Text) -> Outcome:
        return Outcome("fail", params, message=message, fix=fix)

    if os.path.isabs(value) or value.startswith("~"):
        return fail(i18n.FILE_ABSOLUTE, i18n.FILE_RELATIVE_FIX)
    root = os.path.realpath(ctx.root)
    target = os.path.normpath(os.path.join(os.path.realpath(ctx.base_dir), value))
    if not _inside(target, root):
        return fail(i18n.FILE_OUTSIDE, i18n.FILE_RELATIVE_FIX)
    # realpath resolves symbolic links by reading the links only, never the files they name.
    if not _inside(os.path.realpath(target), root):
        return fail(i18n.FILE_LINK_OUTSIDE, i18n.FILE_RELATIVE_FIX)
    if not os.path.lexists(target):
        return fail(i18n.FILE_MISSING, i18n.FILE_MISSING_FIX)
    if not os.path.isfile(target):
        return fail(i18n.FILE_NOT_REGULAR, i18n.FILE_MISSING_FIX)
    try:
        with open(target, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return fail(i18n.FILE_UNREADABLE, i18n.FILE_MISSING_FIX)
    if not head:
        return fail(i18n.FILE_EMPTY, i18n.FILE_TYPE_FIX)
    if not any(head.startswith(magic) for kind in check.types for magic in _MAGIC[kind]):
        return fail(i18n.FILE_TYPE, i18n.FILE_TYPE_FIX)
    return Outcome("pass", params)


def _inside(path: str, root: str) -> bool:
    import os

    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


_HANDLERS: dict[str, Callable[[Any, Any, str, Context], Outcome]] = {
    "file": _file,
    "facts": _facts,
    "includes": _includes,
    "one_of": _one_of,
    "max_age": _max_age,
    "min_validity": _min_validity,
    "before_date": _before_date,
    "working_days": _working_days,
    "residence_country": _residence_country,
    "authentication": _authentication,
    "translation": _translation,
}


def _codes(values: list[str]) -> str:
    return ", ".join(f"`{value}`" for value in values) or "—"


def describe(check: Any, subject: str) -> tuple[str, str]:
    """What a check verifies, in English and Chinese, for `permitcheck explain`."""
    from permitcheck.rulepack.conditions import describe as describe_condition

    s = f"`{subject}`"
    kind: str = check.kind
    if kind == "present":
        return (f"{s} is in the package (not only a commitment)", f"已提交 {s}（不仅是承诺书）")
    if kind == "facts":
        wanted = [f"`{name}: {_show(value)}`" for name, value in check.expect.items()]
        stated = _codes(check.stated)
        en = f"{s} says " + ", ".join(wanted) if wanted else f"{s} is described"
        zh = f"{s} 须为 " + "、".join(wanted) if wanted else f"{s} 已填写"
        if check.stated:
            en += f"; these are stated: {stated}"
            zh += f"；且已填写：{stated}"
        for group in check.stated_any:
            en += f"; at least one of {_codes(group)} is stated"
            zh += f"；{_codes(group)} 至少填写其一"
        return en, zh
    if kind == "includes":
        en, zh = f"{s} lists all of {_codes(check.all)}", f"{s} 列明全部：{_codes(check.all)}"
        if check.any:
            en += f", and at least one of {_codes(check.any)}"
            zh += f"，并至少包括以下之一：{_codes(check.any)}"
        if check.any_group:
            groups = " or ".join(
                " + ".join(f"`{item}`" for item in group) for group in check.any_group
            )
            groups_zh = "；或".join(
                "、".join(f"`{item}`" for item in group) for group in check.any_group
            )
            en += f", and either {groups}"
            zh += f"，并包括以下任一组：{groups_zh}"
        return en, zh
    if kind == "one_of":
        return (f"{s} is one of {_codes(check.values)}", f"{s} 为以下之一：{_codes(check.values)}")
    if kind == "max_age":
        n = check.months
        return (
            f"{s} is at most {n} calendar months before the reference date (that day "
            "included; a month end that does not exist is clamped)",
            f"{s} 距参考日期不超过 {n} 个日历月（含当日；目标月份无对应日期时取月末）",
        )
    if kind == "min_validity":
        n = check.months
        return (
            f"{s} is at least {n} calendar months after the reference date",
            f"{s} 不早于参考日期后 {n} 个日历月",
        )
    if kind == "before_date":
        if check.days == 1 and check.opens is None:
            return (f"the reference date is before {s}", f"参考日期早于 {s}")
        n, sample = check.days, date(2027, 3, 31)
        example = (sample - timedelta(days=n)).isoformat()
        en = (
            f"the reference date is at least {n} days before {s}: the last day is {s} minus "
            f"{n} calendar days (for 2027-03-31, {example}), counted in whole days; later is "
            "too late"
        )
        zh = (
            f"参考日期至少早于 {s} {n} 天：最后一日为 {s} 减去 {n} 个日历日（如 2027-03-31 "
            f"对应 {example}），按整日计算；晚于该日即为过晚"
        )
        if check.opens is not None:
            first = (sample - timedelta(days=check.opens)).isoformat()
            en += (
                f"; a reference date more than {check.opens} days before {s} (before "
                f"{first} for 2027-03-31) is a warning: the window opens then"
            )
            zh += (
                f"；早于 {s} 前 {check.opens} 天（2027-03-31 对应 {first} 之前）给出警告："
                "时限自该日起开始"
            )
        return en, zh
    if kind == "working_days":
        n = check.days
        return (
            f"the reference date is at most {n} working days after {s}, on China's official "
            "calendar (holidays skipped, make-up working weekends counted). A year whose "
            "calendar is unpublished is never guessed: the deadline is then the range it "
            "surely lies in; in time up to its first day, a warning within it, late after it",
            f"参考日期不晚于 {s} 后第 {n} 个工作日（按国家法定节假日安排，"
            "节假日不计、调休上班日计入）。未公布安排的年份不作推测：截止日期取其必然所在的"
            "区间；区间首日前提交为按时，区间内给出警告，区间末日后为逾期",
        )
    if kind == "residence_country":
        return (
            f"{s} is the nationality (`{check.nationality}`) or a country of "
            f"`{check.residence}` lived in continuously for more than {check.months} months "
            "(adjacent or overlapping entries of one country are one stay), excluding "
            f"{_codes(check.excluded)}; an earlier such country than the last one is a "
            "warning",
            f"{s} 为国籍国（`{check.nationality}`）或 `{check.residence}` 中连续居住超过 "
            f"{check.months} 个月的国家（同一国家首尾相接或重叠的记录视为一次居住；不含 "
            f"{_codes(check.excluded)}）；非最后一个经常居住国的给出警告",
        )
    if kind == "authentication":
        field = f"`{check.country_field}`"
        mainland = _codes(check.mainland) if check.mainland else "none needed"
        mainland_zh = _codes(check.mainland) if check.mainland else "无需认证"
        return (
            f"{s} is authenticated as its origin ({field}) requires: from abroad by "
            f"{_codes(check.foreign)} (an apostille only where the Apostille Convention "
            f"applies between China and the issuing state on its date); from Hong Kong, Macao "
            f"or Taiwan by {_codes(check.regions)}; from the mainland: {mainland}",
            f"{s} 按来源地（{field}）完成认证：境外为 {_codes(check.foreign)}（附加证明书仅在其"
            f"签发之日公约已在中国与签发国之间适用时有效）；港澳台为 {_codes(check.regions)}；"
            f"境内：{mainland_zh}",
        )
    if kind == "translation":
        en = f"{s} is in Chinese, or has a Chinese translation sealed by a translation company"
        zh = f"{s} 为中文，或附有加盖翻译公司公章的中文译文"
        if check.language_required:
            en += "; its language must be stated"
            zh += "；须填写其语言"
        return en, zh
    if kind == "evidence_covers":
        return (
            f"every item of `{check.fields}` has a supporting entry in {s}",
            f"`{check.fields}` 中每一项在 {s} 中均有证明材料",
        )
    if kind == "acceptance_window":
        return (
            "the employer's `level` and `registered_in` name one of the pack's acceptance "
            "windows (as `permitcheck where` does): a municipal employer states a known "
            "district or zone",
            "用人单位的 `level` 和 `registered_in` 对应规则包中的一个受理窗口（与 "
            "`permitcheck where` 相同）：市级单位须填写可识别的区或园区",
        )
    if kind == "file":
        return (
            f"the file named by {s} is inside the dossier's repository (no `..` escapes, "
            f"no symbolic link out), not empty, and a {_codes(check.types)} file by its "
            "content, not its name",
            f"{s} 所指文件位于档案所在仓库内（不得用 `..` 越界或符号链接指向外部），不为空，"
            f"且按文件内容（而非文件名）为 {_codes(check.types)} 格式",
        )
    return describe_condition(check.require)
