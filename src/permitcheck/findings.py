"""Findings and reports: small frozen values, sorted so that every output format is byte-stable."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal, get_args

from permitcheck.i18n import SEMICOLON, Lang, Text, pick
from permitcheck.problems import Location, Problem

if TYPE_CHECKING:
    from permitcheck.dossier.discover import Skipped

Status = Literal["pass", "fail", "warn", "exempt", "skip", "waived"]
STATUSES: tuple[Status, ...] = ("fail", "warn", "pass", "exempt", "skip", "waived")
FailOn = Literal["error", "warning"]


@dataclass(frozen=True)
class SourceRef:
    """One cited passage: which document, where in it, and the words quoted."""

    title: str
    section: str
    quote: str
    quote_zh: str | None = None
    # The document's short name before the section ("FAQ 3(4)", "Civil Code Art. 201") and the
    # language its text is written in (the other language's quote is permitcheck's rendering).
    label: str = "FAQ"
    label_zh: str = "FAQ"
    original: Literal["en", "zh"] = "en"

    def cite(self, lang: Lang) -> str:
        """`FAQ 3(4)`, `民法典 第 201 条`: the document's short name and the section."""
        return f"{pick(self.label, self.label_zh, lang)} {self.section_in(lang)}"

    def section_in(self, lang: Lang) -> str:
        """The section as `lang` names it: `3 note` is `3 附注`, `Art. 50` `第 50 条` in Chinese
        (a citation in Chinese output must not be half English)."""
        return section_name(self.section, lang)

    def quote_in(self, lang: Lang) -> str:
        """The quote in `lang`; the original where no rendering in `lang` exists."""
        return self.quote_zh if lang == "zh" and self.quote_zh else self.quote


# The words of section names in packs and sources (`3 note`, `Art. 50`, `para. 2`, the named
# sections of a guide), in Chinese; a section of numbers alone is the same in both languages.
_SECTION_WORDS_ZH = {"note": "附注", "extension": "延期", "validity": "有效期"}
_ARTICLE = re.compile(r"^(?:Art\.|Article) *(\d+)(.*)$")
_PARAGRAPH = re.compile(r"^(?:para\.|paragraph) *(\d+)(.*)$")


def section_name(section: str, lang: Lang) -> str:
    """A section's name in `lang` (see SourceRef.section_in)."""
    if lang != "zh":
        return section
    article = _ARTICLE.match(section)
    if article:
        return f"第 {article[1]} 条{article[2]}"
    paragraph = _PARAGRAPH.match(section)
    if paragraph:
        return f"第 {paragraph[1]} 段{paragraph[2]}"
    return " ".join(_SECTION_WORDS_ZH.get(word, word) for word in section.split(" "))


def cite_all(sources: Iterable[SourceRef], lang: Lang) -> str:
    """Sections grouped by document, in order: `FAQ 3(3), 3(4); Apostille Convention Art. 3`."""
    by_label: dict[str, list[str]] = {}
    for source in sources:
        label = pick(source.label, source.label_zh, lang)
        sections = by_label.setdefault(label, [])
        section = source.section_in(lang)
        if section not in sections:
            sections.append(section)
    return SEMICOLON.get(lang).join(
        f"{label} {', '.join(sections)}" for label, sections in by_label.items()
    )


@dataclass(frozen=True)
class WaiverNote:
    """The waiver a finding is waived by (or was, until it expired): why, who, until when, and
    where it is written (`permitcheck.yaml:12:5`)."""

    reason: str
    approved_by: str
    expires: date
    origin: str
    expired: bool = False


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one subject of one dossier."""

    rule: str
    status: Status
    severity: Literal["error", "warning"]
    subject: str
    title: Text
    message: Text
    fix: Text | None
    sources: tuple[SourceRef, ...]
    location: Location
    group: str
    check: str = ""  # the check kind's name
    # The check is about presence (kind `present`): its failures are missing documents.
    about_presence: bool = False
    window_end: date | None = None
    window_start: date | None = None
    # Whether the time window still holds on the reference date (a failed warning-severity
    # rule has status warn, but its window is closed).
    window_open: bool = False
    # A time window that cannot be measured yet: its document is missing or its date not
    # stated; once added it may set `submit by` earlier than the windows known.
    pending: bool = False
    # Which entry of a list the finding is about (`Entry 2 (KUKA AG)`), so that the checklist
    # tells apart the entries of a list of documents; None when it is about no entry.
    item: Text | None = None
    sort_key: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # The waiver that waives it (status `waived`), or that did until it expired.
    waiver: WaiverNote | None = None
    # A deadline that runs into a year whose holiday calendar is unpublished: the first and the
    # last day it can be (`window_end` is then only what is safe to say on the reference date).
    deadline_range: tuple[date, date] | None = None

    @classmethod
    def of(
        cls,
        rule: str,
        status: Status,
        severity: Literal["error", "warning"],
        subject: str,
        title: Text,
        message: Text,
        fix: Text | None,
        sources: tuple[SourceRef, ...],
        location: Location,
        group: str,
        check: str,
        about_presence: bool,
        window_end: date | None,
        window_start: date | None,
        window_open: bool,
        pending: bool,
        item: Text | None,
        sort_key: tuple[str, ...],
        waiver: WaiverNote | None = None,
        deadline_range: tuple[date, date] | None = None,
    ) -> Finding:
        """The finding of these values, every field given, in the order of the fields.

        The same as `Finding(...)`, made without the frozen class's `__init__`, which sets each
        of its 19 fields through `object.__setattr__`: the engine makes about 30 findings per
        dossier, and that was a tenth of its time. It is as frozen as any other. (The engine
        makes none waived: waivers.py does, afterwards.)
        """
        found = object.__new__(cls)
        found.__dict__.update(
            rule=rule,
            status=status,
            severity=severity,
            subject=subject,
            title=title,
            message=message,
            fix=fix,
            sources=sources,
            location=location,
            group=group,
            check=check,
            about_presence=about_presence,
            window_end=window_end,
            window_start=window_start,
            window_open=window_open,
            pending=pending,
            item=item,
            sort_key=sort_key,
            waiver=waiver,
            deadline_range=deadline_range,
        )
        return found

    def blocks(self, fail_on: FailOn) -> bool:
        """Whether this finding makes the dossier not ready at the given threshold."""
        if fail_on == "warning":
            return self.status in ("fail", "warn")
        return self.status == "fail"


EventKind = Literal["submit_by", "window", "permit_expiry", "step", "planned", "waiver"]
# In this order on a day they share.
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)


@dataclass(frozen=True)
class Event:
    """One dated event of a dossier for `permitcheck agenda`: a last day, a deadline, a plan."""

    day: date  # the day it falls on; for a deadline not known yet, the first day it can be
    kind: EventKind
    # What happens that day (`Certificate of no criminal record: last day it is recent enough`).
    label: Text
    # Which event of its dossier it is, the same from run to run: a calendar's UID is made of it.
    key: str
    rule: str | None  # the rule or step whose window it closes (`step:residence-permit`)
    sources: tuple[SourceRef, ...]
    fix: Text | None  # what to do by then
    # open: its window holds on the reference date; closed: it has passed without the dossier
    # showing it met; planned: a plan of the dossier's (its submission date).
    state: Literal["open", "closed", "planned"]
    # A deadline that runs into a year whose holiday calendar is unpublished: its last
    # possible day (the event is then tentative).
    latest: date | None = None
    # `submit by` while a window is not known yet (a document or its date is missing): a bound.
    at_the_latest: bool = False
    # Where its window opens, when known (a document's issue date, the day a step counts from).
    start: date | None = None

    @property
    def tentative(self) -> bool:
        return self.latest is not None


@dataclass(frozen=True)
class NextStep:
    """A step that follows handing a ready dossier in, as `validate` names it."""

    number: int  # its number in `permitcheck steps`
    title: Text
    actor: Text
    where: Text | None
    due: date | None
    due_note: Text | None
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class NextSteps:
    """What to do with a ready dossier: where to hand it in (the employer's acceptance window,
    None when the dossier does not say), by when, and the steps that follow."""

    where: Text | None
    hotline: tuple[str, ...]
    where_sources: tuple[SourceRef, ...]
    submit_by: date | None
    set_by: Text | None  # the title of the rule whose window sets `submit_by`
    after: tuple[NextStep, ...]
    handed_in: bool = False  # the dossier shows the application made (a letter issued)


@dataclass(frozen=True)
class Tally:
    """A dossier's problems as the summaries count them: missing documents and other blocking
    findings (at the --fail-on threshold), then the findings that only warn."""

    missing: int
    to_fix: int
    warnings: int


@dataclass(frozen=True)
class Verdicts:
    """What a report needs of a result whose findings were rendered where it was checked."""

    counts: dict[str, int]
    blocks: dict[FailOn, bool]  # whether it is not ready, at each threshold
    tallies: dict[FailOn, Tally]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class DossierResult:
    """Everything found about one dossier."""

    path: str
    type: str
    city: str
    city_name: Text
    as_of: date
    findings: tuple[Finding, ...]
    submit_by: date | None
    submit_by_rule: str | None
    submit_by_subject: str | None
    groups: dict[str, Text]
    applicant: str = ""
    passport: str | None = None  # the applicant's passport number, unmasked
    # For a ready dossier: where it goes and what follows (None: not ready, or no steps).
    next_steps: NextSteps | None = None
    # The subjects of the time windows not known yet (Finding.pending): `submit_by` is then
    # only an upper bound.
    submit_by_pending: tuple[str, ...] = ()
    # Rendered where it was checked (a worker process of a large batch), for the one format the
    # run writes: the findings then stay there, and `tally` says what the report needs of them.
    rendered: str | None = None
    verdicts: Verdicts | None = None
    # The waivers of the configuration (their index there) that waived one of its findings, or
    # would have but expired: the run reports those that waived nothing in any dossier.
    waivers_used: tuple[int, ...] = ()
    # Its dated events, soonest first, when the run asked for them (`permitcheck agenda`).
    events: tuple[Event, ...] = ()

    def ready(self, fail_on: FailOn) -> bool:
        if self.verdicts is not None:
            return not self.verdicts.blocks[fail_on]
        return not any(f.blocks(fail_on) for f in self.findings)

    def setter(self) -> Finding | None:
        """The finding whose time window sets `submit by` (None: no such day, or the findings
        stayed in the worker that rendered them)."""
        for found in self.findings:
            if found.rule == self.submit_by_rule and found.subject == self.submit_by_subject:
                return found
        return None

    def rules(self) -> tuple[str, ...]:
        """The rules behind its findings."""
        if self.verdicts is not None:
            return self.verdicts.rules
        return tuple(dict.fromkeys(f.rule for f in self.findings))

    def rendered_only(self, text: str) -> DossierResult:
        """This result as `text` (its rendering) and its verdicts: what a worker process sends
        back.

        Sending the rendering rather than the findings saves pickling and unpickling thousands
        of objects, and the rendering itself runs on every core rather than in the parent."""
        verdicts = Verdicts(
            counts=self.counts(),
            blocks={"error": not self.ready("error"), "warning": not self.ready("warning")},
            tallies={"error": self.tally("error"), "warning": self.tally("warning")},
            rules=self.rules(),
        )
        return replace(
            self, findings=(), groups={}, next_steps=None, rendered=text, verdicts=verdicts
        )

    def closed(self) -> tuple[Finding, ...]:
        """The time windows that have already closed on the reference date."""
        return tuple(
            f
            for f in self.findings
            if f.window_end is not None and not f.window_open and f.status in ("fail", "warn")
        )

    def tally(self, fail_on: FailOn) -> Tally:
        """What blocks submission and what only warns, as every format counts it."""
        if self.verdicts is not None:
            return self.verdicts.tallies[fail_on]
        blocking = [f for f in self.findings if f.blocks(fail_on)]
        missing = sum(1 for f in blocking if f.about_presence)
        warnings = sum(
            1 for f in self.findings if f.status in ("fail", "warn") and not f.blocks(fail_on)
        )
        return Tally(missing=missing, to_fix=len(blocking) - missing, warnings=warnings)

    def counts(self) -> dict[str, int]:
        if self.verdicts is not None:
            return dict(self.verdicts.counts)
        tally = Counter(f.status for f in self.findings)
        return {status: tally.get(status, 0) for status in STATUSES}


@dataclass(frozen=True)
class RuleInfo:
    """What reporters may say about a rule besides its findings (SARIF rule metadata)."""

    id: str
    title: Text
    description: Text
    fix: Text
    severity: Literal["error", "warning"]
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class RenderOptions:
    """How a reporter renders: language, colour, width; reporters never do I/O."""

    lang: Literal["en", "zh"] = "en"
    color: bool = False
    width: int = 100
    verbose: bool = False
    # Only what is wrong (failures, warnings) and the summaries; a ready dossier in one line.
    quiet: bool = False
    show_personal_data: bool = False
    base_dir: str | None = None  # where relative paths start (SARIF makes paths relative to it)
    # Both languages side by side, English first (`--lang en+zh`: the HTML report only).
    both: bool = False

    def number(self, value: str | None) -> str | None:
        """A passport or permit number as this output may show it."""
        from permitcheck.dossier.privacy import mask

        if value is None or self.show_personal_data:
            return value
        return mask(value)


@dataclass(frozen=True)
class Report:
    """The results of one run: checked dossiers and the files that could not be checked."""

    results: tuple[DossierResult, ...]
    errors: tuple[Problem, ...]
    fail_on: FailOn = "error"
    skipped: tuple[Skipped, ...] = ()  # YAML files found that are not dossiers
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    # Warnings about the run's configuration (a waiver that waived nothing): located, and at
    # --fail-on warning they fail the run as a dossier's warnings do.
    warnings: tuple[Problem, ...] = ()

    def all_ready(self) -> bool:
        if self.fail_on == "warning" and self.warnings:
            return False
        return all(result.ready(self.fail_on) for result in self.results)


@dataclass(frozen=True)
class PackTestReport:
    """What `pack test` found: the pack, how many cases ran and passed, what is wrong."""

    pack: str
    directory: str
    rules: int
    cases: int
    passed: int
    # Cases that failed, rules without a passing or failing case, quotes not in their
    # source, texts missing a language: located where possible.
    failures: tuple[Problem, ...]
    # Case files or dossiers that could not be read: the run could not check everything.
    errors: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors
