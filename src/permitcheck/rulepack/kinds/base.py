"""What every check kind shares: its parameters' base, what it reads and finds, and `Kind`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

from pydantic import Field

from permitcheck import dates, i18n
from permitcheck.basemodel import Strict
from permitcheck.dossier import dotted
from permitcheck.i18n import Text, Value, t
from permitcheck.rulepack.conditions import CENTURY, Condition, between, is_commitment
from permitcheck.rulepack.shapes import Need, Reads

if TYPE_CHECKING:
    from permitcheck.rulepack.apostille import ApostilleTable
    from permitcheck.rulepack.scoring import Assessment

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
    # A deadline in a year whose holiday calendar is unpublished: its first and last possible day.
    deadline_range: tuple[date, date] | None = None
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
    written: object = None
    calendar: dates.WorkingCalendar = dates.OFFICIAL
    acceptance: Acceptance = NO_EMPLOYER
    # The dossier scored on the pack's points table in force (None: the pack has none), worked
    # out when a check first asks.
    points: Callable[[], Assessment | None] = lambda: None

    def get(self, path: str) -> Any:
        return dotted.get(self.data, dotted.parse(path, self.index))


@dataclass(frozen=True)
class Subject:
    """What a check is evaluated on: the value in the dossier, its path, and the path as text."""

    value: Any
    path: dotted.Keys
    text: str


def not_stated(field_path: str) -> Outcome:
    return Outcome("fail", {"field": field_path}, message=i18n.NOT_STATED, fix=i18n.NOT_STATED_FIX)


def future_date(value: date, ctx: Context) -> Outcome | None:
    """The failure of a date after the reference date (a document cannot be issued later)."""
    if value > ctx.as_of:
        return Outcome("fail", {"date": value}, message=i18n.FUTURE_DATE, fix=i18n.FUTURE_DATE_FIX)
    return None


def show(value: object) -> str:
    """A value as a rule file writes it: `true`, not `True`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def code_list(values: Iterable[str]) -> str:
    """Values as code, or a dash for none: `a`, `b`."""
    return ", ".join(f"`{value}`" for value in values) or "—"


EntryKind = Literal["document", "commitment", "nothing"]


def entry_kind(value: object, written: object) -> EntryKind:
    """What a document entry is: a document, a signed commitment instead of one, or nothing
    (`commitment: false` alone, or no key written: neither is a document)."""
    if is_commitment(value):
        return "commitment"
    if isinstance(written, dict) and not any(
        item is not None for key, item in written.items() if key != "commitment"
    ):
        return "nothing"
    return "document"


def written_at(written: object, path: dotted.Keys) -> object:
    """What the user wrote at `path`; a mapping written where a list is read (a commitment in
    the mapping form) is the list's only entry."""
    current = written
    for step in path:
        if isinstance(step, int) and isinstance(current, dict):
            current = current if step == 0 else None
        else:
            current = dotted.get(current, (step,))
    return current


@cache
def _reader(kind: str) -> Text:
    return t(f"check kind `{kind}`", f"检查类型 `{kind}`")


# The parameters class of one kind. Its logic is typed with it; the methods the engine, the pack
# loader and the reporters call take any Params and check that they are this kind's, so that a
# `Kind[Any]` (any kind of the registry) is called without casts.
P = TypeVar("P", bound=Params)


@dataclass(frozen=True)
class Kind(Generic[P]):
    """One check kind of the vocabulary: its parameters, what it puts at a rule message's
    disposal, what it reads, its logic and its description, and what the engine, the pack
    loader and the reporters need to know of it (so that none of them names a kind)."""

    name: str
    params: type[P]
    # What the kind puts at a rule message's disposal, checked when a rule file is loaded.
    placeholders: tuple[str, ...]
    # What it needs its subject to be (None: it reads no subject, or any value); the pack
    # loader checks it against the dossier model.
    need: Need | None
    # Its logic, on a subject that is written (see `judges_absence`), and its description in
    # English and Chinese for `permitcheck explain` (given the subject's path).
    judge: Callable[[P, Subject, Context], Outcome]
    words: Callable[[P, str], tuple[str, str]]
    # What it reads beyond its subject, given the read of its subject (None: the subject only).
    reading: Callable[[P, Reads], list[Reads]] | None = None
    # The cases it tells apart, which a rule may word in its own `variants`.
    variants: tuple[str, ...] = ()
    # It is evaluated on an absent subject (nothing written, an empty list) too; other kinds
    # find such a subject not stated.
    judges_absence: bool = False
    # It checks that a document is there: its failures are missing documents, and other rules
    # on that document have nothing to check without it.
    about_presence: bool = False
    # It may give a time window (`window_end`): the last reference date on which it holds.
    time_window: bool = False
    # Its window is the document's own validity: when it closes soon, renew the document.
    document_validity: bool = False
    # It reads the pack's acceptance windows: a pack with such a rule must have them.
    needs_windows: bool = False
    # It reads the pack's points tables: a pack with such a rule must have them.
    needs_points: bool = False
    # Whether a check of this kind accepts apostilles, so that the rule rests on the Convention.
    apostille: Callable[[P], bool] | None = None

    def evaluate(self, check: Params, subject: Subject, ctx: Context) -> Outcome:
        """Evaluate a check of this kind on its subject."""
        if not self.judges_absence and (subject.value is None or subject.value == []):
            return not_stated(subject.text)
        return self.judge(self._own(check), subject, ctx)

    def reads(self, check: Params) -> list[Reads]:
        """What a check reads from a dossier, for the pack loader to verify against the dossier
        model: its subject first, then the fields of the subject and the paths its parameters
        name (each as the kind's logic reads it)."""
        subject = Reads(_reader(self.name), need=self.need)
        return [subject] if self.reading is None else self.reading(self._own(check), subject)

    def describe(self, check: Params, subject: str) -> tuple[str, str]:
        """What a check verifies, in English and Chinese, for `permitcheck explain`."""
        return self.words(self._own(check), subject)

    def cites_apostille(self, check: Params) -> bool:
        """Whether the check accepts apostilles (its rule then cites the Convention)."""
        return self.apostille is not None and self.apostille(self._own(check))

    def _own(self, check: Params) -> P:
        if isinstance(check, self.params):
            return check
        raise TypeError(f"check kind {self.name} cannot evaluate {type(check).__name__}")
