"""Evaluating a dossier against a rule pack: `evaluate(dossier, pack, as_of)` -> findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from permitcheck import dates, i18n
from permitcheck.dossier import dotted
from permitcheck.dossier.loader import LoadedDossier
from permitcheck.dossier.privacy import redact
from permitcheck.findings import DossierResult, Finding, RuleInfo, SourceRef, Status
from permitcheck.i18n import Text
from permitcheck.problems import Location
from permitcheck.rulepack import conditions, kinds, scoring, windows
from permitcheck.rulepack.kinds import category_points
from permitcheck.rulepack.kinds.base import Context, entry_kind, written_at
from permitcheck.rulepack.pack import Pack
from permitcheck.rulepack.rule import Rule

DEFAULT_WARN_DAYS = 14


def evaluate(
    dossier: LoadedDossier,
    pack: Pack,
    as_of: date,
    warn_days: int | None = DEFAULT_WARN_DAYS,
    show_personal_data: bool = False,
    calendar: dates.WorkingCalendar = dates.OFFICIAL,
) -> DossierResult:
    """Every rule of `pack` for this dossier's procedure, evaluated on `as_of`.

    The reference date is always given: the engine never reads the clock. A time window that
    still holds but closes within `warn_days` days after `as_of` is reported as a warning
    (None: no early warnings). Passport and permit numbers in messages (a file named after
    one, say) are masked unless `show_personal_data`. `calendar` says which days are working
    days (China's official one, or a fixed one in tests).
    """
    data = dossier.model.model_dump(by_alias=True)
    procedure = dossier.model.application.type
    employer = dossier.model.employer
    window = windows.acceptance(
        pack, None if employer is None else windows.Employer(employer.level, employer.registered_in)
    )
    findings: list[Finding] = []
    # Rules on every `file:` of the dossier walk it once, not once per rule.
    walked: dict[str, list[dotted.Keys]] = {}

    def key_paths(key: str) -> list[dotted.Keys]:
        if key not in walked:
            walked[key] = list(_key_paths(data, key, ()))
        return walked[key]

    # One context per list item a rule may be bound to (most rules: None), made when needed.
    contexts: dict[int | None, Context] = {}
    # Why a document has nothing to check, asked by each rule on it: worked out once.
    absent: dict[tuple[str, int | None, str | None], Text | None] = {}
    # The entry a rule on each entry of a list names (`Entry 2 (KUKA AG)`), once per entry.
    entries: dict[tuple[str, int], Text | None] = {}

    scored: list[scoring.Assessment | None] = []

    def points() -> scoring.Assessment | None:
        if not scored:
            scored.append(scoring.assess(data, pack.points, pack.workplace_regions, as_of))
        return scored[0]

    def context(index: int | None) -> Context:
        found = contexts.get(index)
        if found is None:
            found = contexts[index] = Context(
                data=data,
                as_of=as_of,
                apostille=pack.apostille,
                index=index,
                holds=lambda condition: conditions.holds(condition, data, as_of, index),
                base_dir=dossier.base_dir,
                root=dossier.root,
                written=dossier.data,
                calendar=calendar,
                acceptance=window,
                points=points,
            )
        return found

    for plan in _plans(pack):
        if procedure not in plan.procedures:
            continue
        rule = plan.rule
        for index, subject in _subjects(plan, data, key_paths):
            item: Text | None = None
            if index is not None and rule.for_each is not None:
                key = (rule.for_each, index)
                if key not in entries:
                    entries[key] = _item(rule, index, data)
                item = entries[key]
            findings.append(
                _evaluate_one(plan, subject, item, context(index), dossier, pack, warn_days, absent)
            )
    named = _file_name(dossier)
    if named is not None:
        findings.append(named)
    findings.sort(key=lambda f: (f.rule, f.sort_key))
    secrets = dossier.numbers
    hidden = bool(secrets) and not show_personal_data
    if hidden:
        # Most texts are a rule's own words, shared by many findings: each is tested once.
        lowered = tuple(secret.lower() for secret in secrets)
        tested: dict[int, tuple[Text, Text]] = {}

        def mask(text: Text) -> Text:
            known = tested.get(id(text))
            if known is None:
                known = tested[id(text)] = (text, _hidden(text, secrets, lowered))
            return known[1]

        findings = [_masked(found, mask) for found in findings]
    groups = _group_titles(findings, data, pack)
    if hidden:
        groups = {key: mask(title) for key, title in groups.items()}
    setter = _submit_by(findings)
    return DossierResult(
        path=redact(dossier.path, secrets) if hidden else dossier.path,
        type=procedure,
        city=pack.name,
        city_name=pack.manifest.name,
        as_of=as_of,
        findings=tuple(findings),
        submit_by=setter.window_end if setter else None,
        submit_by_rule=setter.rule if setter else None,
        submit_by_subject=setter.subject if setter else None,
        submit_by_pending=tuple(dict.fromkeys(f.subject for f in findings if f.pending)),
        groups=groups,
        applicant=redact(dossier.model.applicant.name, secrets)
        if hidden
        else dossier.model.applicant.name,
        passport=dossier.model.applicant.passport.number
        if dossier.model.applicant.passport
        else None,
    )


def _hidden(text: Text, secrets: tuple[str, ...], lowered: tuple[str, ...]) -> Text:
    """`text` with every number of the dossier masked, in any letter case (`lowered`: the
    numbers in small letters)."""
    # One test for both languages before any masking: most messages hold no number.
    both = f"{text.en}\n{text.zh}".lower()
    if not any(secret in both for secret in lowered):
        return text
    return Text.model_construct(en=redact(text.en, secrets), zh=redact(text.zh, secrets))


def _masked(found: Finding, mask: Callable[[Text], Text]) -> Finding:
    """`found` with every number of the dossier masked (by `mask`) in its message, fix and
    entry name."""
    message = mask(found.message)
    fix = None if found.fix is None else mask(found.fix)
    item = None if found.item is None else mask(found.item)
    if message is found.message and fix is found.fix and item is found.item:
        return found
    return replace(found, message=message, fix=fix, item=item)


FILE_NAME_RULE = "permitcheck.file-name"


def _file_name(dossier: LoadedDossier) -> Finding | None:
    """A warning when the dossier's file name holds one of its numbers.

    CI logs and pull-request annotations show file names; reports mask the number in the path
    too, so the file should be renamed (annotations then point at it again).
    """
    name = os.path.basename(dossier.path).lower()
    if not any(number.lower() in name for number in dossier.numbers):
        return None
    return Finding(
        rule=FILE_NAME_RULE,
        status="warn",
        severity="warning",
        subject="",
        title=i18n.t("File name without personal data", "文件名不含个人信息"),
        message=i18n.t(
            "The file name contains a passport or permit number; every report shows "
            "it masked, so annotations cannot point at the file.",
            "文件名中含有护照号码或工作许可证号；各报告中均以掩码显示，因此标注无法指向该文件。",
        ),
        fix=i18n.t(
            "Rename the file, e.g. after the applicant's name.",
            "请重命名该文件，例如以申请人姓名命名。",
        ),
        sources=(),
        location=Location(1, 1),
        group="application",
        sort_key=("",),
    )


def _group_titles(findings: list[Finding], data: Mapping[str, Any], pack: Pack) -> dict[str, Text]:
    """Headings for the groups used, in both languages; family members by name."""
    order = list(pack.groups)

    def position(key: str) -> tuple[int, int, str]:
        if key.startswith("family["):
            return (
                order.index("family") if "family" in order else len(order),
                int(key[len("family[") : -1]),
                key,
            )
        return (order.index(key) if key in order else len(order), 0, key)

    titles: dict[str, Text] = {}
    for key in sorted({found.group for found in findings}, key=position):
        if key.startswith("family["):
            index = int(key[len("family[") : -1])
            member = data["family"][index]
            relation = member["relation"]
            titles[key] = i18n.render_both(
                pack.groups["family"],
                {
                    "name": member["name"],
                    "number": index + 1,
                    "relation": pack.terms.get(relation, Text(en=relation, zh=relation)),
                },
            )
        else:
            titles[key] = pack.groups.get(key, Text(en=key, zh=key))
    return titles


class _At:
    """A concrete subject of a rule, named and placed once: its path, the path as text, the
    order it sorts in and the checklist heading it belongs to."""

    __slots__ = ("group", "path", "sort_key", "text")

    def __init__(self, rule: Rule, path: dotted.Keys) -> None:
        self.path = path
        self.text = dotted.text(path)
        self.sort_key = _sort_key(path)
        self.group = _group(rule, path)


class _Plan:
    """A rule as the engine runs it, worked out once per pack rather than for every finding:
    its check kind, the passages its findings cite, its subject when it has one fixed path,
    and the subjects of its items as they are met."""

    __slots__ = (
        "bound",
        "cited",
        "cited_apostille",
        "each",
        "exemptions",
        "fixed",
        "kind",
        "presence",
        "procedures",
        "rule",
        "when",
    )

    def __init__(self, rule: Rule, pack: Pack) -> None:
        self.rule = rule
        self.kind = kinds.kind_of(rule.check)
        self.procedures = frozenset(rule.applies.procedures)
        self.cited = _sources(rule.sources, pack)
        self.cited_apostille = _sources(rule.sources, pack, apostille=True)
        when = rule.applies.when
        self.when = None if when is None else conditions.predicate(when)
        self.exemptions = tuple(
            (e, conditions.predicate(e.when), _sources(e.sources, pack)) for e in rule.exemptions
        )
        # A rule about the document itself (presence) judges absence and commitments; every
        # other rule on that document has nothing to check when it is absent or replaced.
        self.presence = self.kind.about_presence and rule.subject == rule.document
        plain = rule.for_each_key is None and rule.for_each is None
        self.fixed = _At(rule, dotted.parse(rule.subject, None)) if plain and rule.subject else None
        self.each = (
            None if rule.for_each is None else dotted.parse(rule.for_each.removesuffix("[*]"), None)
        )
        # The subjects met so far, by path (a few per rule).
        self.bound: dict[dotted.Keys, _At] = {}

    def at(self, path: dotted.Keys) -> _At:
        found = self.bound.get(path)
        if found is None:
            found = _At(self.rule, path)
            if len(self.bound) < 256:  # bounded: a dossier may list as many items as it likes
                self.bound[path] = found
        return found


def _plans(pack: Pack) -> list[_Plan]:
    """The plans of a pack's rules, made on its first dossier."""
    key = id(pack)
    found = _PLANS.get(key)
    if found is None or found[0] is not pack:
        if len(_PLANS) >= 32:  # a process that loads many packs (the tests) keeps a few
            _PLANS.clear()
        found = _PLANS[key] = (pack, [_Plan(rule, pack) for rule in pack.rules])
    return found[1]


_PLANS: dict[int, tuple[Pack, list[_Plan]]] = {}


def _subjects(
    plan: _Plan, data: Mapping[str, Any], key_paths: Callable[[str], list[dotted.Keys]]
) -> Iterator[tuple[int | None, _At]]:
    """What a rule is evaluated on: (item index for `[*]`, concrete subject);
    `key_paths(key)`: every path of the dossier that ends in `key`."""
    if plan.fixed is not None:
        yield None, plan.fixed
        return
    rule = plan.rule
    if rule.for_each_key is not None:
        for found in key_paths(rule.for_each_key):
            yield None, plan.at(found)
        return
    assert rule.subject is not None and plan.each is not None  # guaranteed by the rule model
    subject = rule.subject
    items = dotted.get(data, plan.each)
    if isinstance(items, list):
        for index in range(len(items)):
            yield index, plan.at(dotted.parse(subject, index))


def _key_paths(value: Any, key: str, where: dotted.Keys) -> Iterator[dotted.Keys]:
    """Every path in the data whose last step is `key`, with a value written there."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == key and item is not None:
                yield (*where, name)
            elif isinstance(item, (dict, list)):  # a scalar holds no key
                yield from _key_paths(item, key, (*where, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                yield from _key_paths(item, key, (*where, index))


def _evaluate_one(
    plan: _Plan,
    at: _At,
    item: Text | None,
    ctx: Context,
    dossier: LoadedDossier,
    pack: Pack,
    warn_days: int | None,
    absent: dict[tuple[str, int | None, str | None], Text | None],
) -> Finding:
    rule, kind = plan.rule, plan.kind
    data, as_of, index, window = ctx.data, ctx.as_of, ctx.index, ctx.acceptance
    subject_path = at.path
    locate = dossier.source.locate

    def finding(
        status: Status,
        message: Text,
        fix: Text | None = None,
        sources: tuple[SourceRef, ...] | None = None,
        window_end: date | None = None,
        window_start: date | None = None,
        window_open: bool = False,
        where: dotted.Keys = (),
        pending: bool = False,
        deadline_range: tuple[date, date] | None = None,
    ) -> Finding:
        return Finding.of(
            rule.id,
            status,
            rule.severity,
            at.text,
            rule.title,
            message,
            fix,
            plan.cited if sources is None else sources,
            locate((*subject_path, *where) if where else subject_path),
            at.group,
            kind.name,
            kind.about_presence,
            window_end,
            window_start,
            window_open,
            pending,
            item,
            at.sort_key,
            deadline_range=deadline_range,
        )

    applies = rule.applies
    if applies.categories is not None and data["application"].get("category") not in (
        applies.categories
    ):
        return finding("skip", i18n.NOT_APPLICABLE)
    if plan.when is not None and not plan.when(data, as_of, index):
        return finding("skip", i18n.NOT_APPLICABLE)
    for exemption, holds, sources in plan.exemptions:
        if holds(data, as_of, index):
            claimed = exemption.claim
            assessment = ctx.points() if claimed is not None else None
            if claimed is None or assessment is None:
                return finding(exemption.status, exemption.message, exemption.fix, sources)
            support = assessment.support(claimed)
            if support == "supported":
                return finding(exemption.status, exemption.message, exemption.fix, sources)
            # The alternative is lawful only for the category claimed, and the points table
            # does not bear the claim out.
            claim = category_points.describe_assessment(assessment, claimed)
            claim["describe"] = exemption.describe
            ruled_out = support == "ruled_out"
            words = i18n.CLAIM_RULED_OUT if ruled_out else i18n.CLAIM_UNCONFIRMED
            fix = i18n.CLAIM_RULED_OUT_FIX if ruled_out else i18n.CLAIM_UNCONFIRMED_FIX
            return finding(
                "fail" if ruled_out else "warn",
                i18n.render_both(words, claim),
                i18n.render_both(fix, claim),
                sources + pack.cite(assessment.table.sources),
            )
    if rule.document is not None and not plan.presence:
        key = (rule.document, index, rule.for_each)
        if key in absent:
            nothing = absent[key]
        else:
            nothing = absent[key] = _nothing_to_check(rule, index, data, dossier.data)
        if nothing is not None:
            # A missing document's time window is not known until it is added.
            return finding(
                "skip", nothing, pending=kind.time_window and nothing is i18n.DOCUMENT_MISSING
            )
    outcome = kinds.run(rule.check, subject_path, ctx)
    params: dict[str, i18n.Value] = {
        "as_of": as_of,
        "subject": at.text,
        "authority": window.name,
        **outcome.params,
    }
    end, start, span = outcome.window_end, outcome.window_start, outcome.deadline_range
    is_open = end is not None and outcome.status in ("pass", "warn")
    cited = plan.cited_apostille if outcome.apostille else plan.cited
    if outcome.status == "pass":
        closing = _closing_soon(rule, end, as_of, warn_days, params, outcome.closing)
        if closing is not None:
            return finding(
                "warn",
                *closing,
                cited,
                window_end=end,
                window_start=start,
                window_open=is_open,
                deadline_range=span,
            )
        return finding(
            "pass",
            rule.title,
            None,
            cited,
            window_end=end,
            window_start=start,
            window_open=is_open,
            deadline_range=span,
        )
    message, fix = outcome.message or rule.message, outcome.fix or rule.fix
    # A rule's own words for a case its check tells apart win over the check's default words.
    variant = rule.variants.get(outcome.variant or "")
    if variant is not None:
        message, fix = variant.message, variant.fix
    # A failed warning-severity rule is a warning: it blocks only with --fail-on warning.
    status: Status = "warn" if rule.severity == "warning" else outcome.status
    allowed = [e for e in rule.exemptions if conditions.mentions_commitment(e.when)]
    if message in (i18n.COMMITMENT_NEVER, i18n.COMMITMENT_ENTRY_NEVER) and allowed:
        params["accepted_for"] = i18n.join([e.describe for e in allowed])
        # Whether the commitment is allowed may hang on facts the dossier does not state:
        # then ask for them rather than for the document.
        missing = list(
            dict.fromkeys(
                path for e in allowed for path in conditions.undecided(e.when, data, as_of, index)
            )
        )
        if missing:
            params["missing"] = missing
            message, fix = i18n.COMMITMENT_UNDECIDED, i18n.COMMITMENT_UNDECIDED_FIX
        else:
            message = (
                i18n.COMMITMENT_NOT_ACCEPTED
                if message is i18n.COMMITMENT_NEVER
                else i18n.COMMITMENT_ENTRY_NOT_ACCEPTED
            )
    return finding(
        status,
        i18n.render_both(message, params),
        i18n.render_both(fix, params),
        cited,
        window_end=end,
        window_start=start,
        window_open=is_open,
        where=outcome.at,
        # A date not stated: the window is not known until it is.
        pending=kind.time_window and end is None and outcome.message is i18n.NOT_STATED,
        deadline_range=span,
    )


# The fields that name an entry of a list of documents, in order of preference.
_ENTRY_NAMES = ("issuer", "name", "institution", "employer")


def _item(rule: Rule, index: int | None, data: Mapping[str, Any]) -> Text | None:
    """`Entry 2 (KUKA AG)`: the entry of a list a rule on each entry judges. Family members
    have their own checklist headings, which name them."""
    if index is None or rule.for_each is None or rule.for_each.startswith("family"):
        return None
    entries = dotted.get(data, dotted.parse(rule.for_each.removesuffix("[*]"), None))
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    name = next(
        (
            str(entry[key])
            for key in _ENTRY_NAMES
            if isinstance(entry, dict) and isinstance(entry.get(key), str)
        ),
        None,
    )
    number = index + 1
    if name is None:
        return i18n.t(f"Entry {number}", f"第 {number} 项")
    return i18n.t(f"Entry {number} ({name})", f"第 {number} 项（{name}）")


def _nothing_to_check(
    rule: Rule, index: int | None, data: Mapping[str, Any], written: Any
) -> Text | None:
    """Why a rule about a document's contents has nothing to check, if it has not: the
    document is absent, replaced by a commitment, or describes nothing; for a rule on each
    entry of a list, the same of that entry."""
    assert rule.document is not None
    where = dotted.parse(rule.document, index)
    document = dotted.get(data, where)
    if document is None or document == []:
        return i18n.DOCUMENT_MISSING
    if isinstance(document, list):
        if (
            index is None
            or not isinstance(rule.for_each, str)
            or rule.for_each.removesuffix("[*]") != rule.document
        ):
            return None  # the rule checks the list itself; presence judges its entries
        where = (*where, index)  # a rule on each entry judges that entry
        document = document[index]
    kind = entry_kind(document, written_at(written, where))
    if kind == "commitment":
        return i18n.REPLACED_BY_COMMITMENT
    if kind == "nothing":
        return i18n.NOT_A_DOCUMENT_SKIPPED
    return None


def _closing_soon(
    rule: Rule,
    window_end: date | None,
    as_of: date,
    warn_days: int | None,
    params: dict[str, i18n.Value],
    own: tuple[Text, Text] | None,
) -> tuple[Text, Text] | None:
    """The early warning for a window that holds but closes within `warn_days` days (`own`:
    the check's own sentences for it)."""
    if window_end is None or warn_days is None or (window_end - as_of).days > warn_days:
        return None
    if own is not None:
        return i18n.render_both(own[0], params), i18n.render_both(own[1], params)
    values = {
        **params,
        "last_day": window_end,
        "days": (window_end - as_of).days,
        "title": rule.title,
    }
    # A document's own validity is renewed with a new document; a deadline is met by filing.
    renew = kinds.kind_of(rule.check).document_validity
    fix = i18n.DOCUMENT_CLOSING_FIX if renew else i18n.DEADLINE_CLOSING_FIX
    return i18n.render_both(i18n.WINDOW_CLOSING, values), i18n.render_both(fix, values)


def rule_catalog(pack: Pack) -> dict[str, RuleInfo]:
    """Every rule of `pack` as reporters describe it."""
    return {
        rule.id: RuleInfo(
            id=rule.id,
            title=rule.title,
            description=rule.description,
            fix=rule.fix,
            severity=rule.severity,
            sources=pack.cite(pack.sources_of(rule)),
        )
        for rule in pack.rules
    }


def _sources(sources: Any, pack: Pack, apostille: bool = False) -> tuple[SourceRef, ...]:
    """The passages `sources` cite, and with `apostille` those of the Convention after them.

    Worked out once per rule, in its plan: every finding of the rule in every dossier gives
    the same tuple (the JSON report writes each tuple once)."""
    cited = pack.cite(sources)
    return cited + pack.cite(pack.apostille.cite) if apostille else cited


@lru_cache(maxsize=4096)
def _sort_key(subject: dotted.Keys) -> tuple[str, ...]:
    """A subject's path in an order that sorts `[10]` after `[9]`."""
    return tuple(f"{step:06d}" if isinstance(step, int) else step for step in subject)


def _group(rule: Rule, subject: dotted.Keys) -> str:
    """The checklist heading a finding belongs to: a document kind, a family member, a section."""
    if rule.group is not None:
        return rule.group
    if subject[0] == "documents" and len(subject) > 1:
        return str(subject[1])
    if subject[0] == "family" and len(subject) > 1:
        return f"family[{subject[1]}]"
    return str(subject[0])


def _submit_by(findings: list[Finding]) -> Finding | None:
    """The finding whose window closes first among those that still hold.

    Its window end is the last date on which every window of the dossier still holds. Windows
    already closed are failures of their own; they do not move the date.
    """
    best: Finding | None = None
    for found in findings:
        if found.window_end is None or not found.window_open:
            continue
        if best is None or found.window_end < best.window_end:  # type: ignore[operator]
            best = found
    return best
