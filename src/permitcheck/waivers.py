"""Waivers applied to a dossier's findings: which they waive, which expired, which match nothing."""

# A waiver records that the acceptance window accepted in writing what a rule refuses. It only
# ever turns a finding of a checked dossier (fail or warn) into `waived`; a problem of the input
# (a malformed file) is never a finding, so no waiver can hide it. An expired waiver no longer
# waives and the finding says so; one that waives nothing is a warning (as ruff reports an unused
# `noqa`); one close to its expiry is among the early warnings (--warn-days).

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from permitcheck.dossier.discover import Exclude, excluder
from permitcheck.findings import DossierResult, Finding, RuleInfo, WaiverNote
from permitcheck.i18n import Text, t
from permitcheck.problems import Location, Problem
from permitcheck.settings import WaiverEntry

if TYPE_CHECKING:
    from permitcheck.dossier.loader import LoadedDossier

UNUSED = "permitcheck.waiver.unused"
EXPIRING = "permitcheck.waiver.expiring"


def glob_match(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern`, where `*` is any run of characters, `?` one, and
    everything else itself (subjects hold `[0]`). In time proportional to the lengths' product
    at worst: a regular expression of many `*` backtracks without end on a hostile pattern."""
    at = star = -1
    p = t_ = 0
    while t_ < len(text):
        if p < len(pattern) and pattern[p] in ("?", text[t_]) and pattern[p] != "*":
            p, t_ = p + 1, t_ + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, at, p = p, t_, p + 1
        elif star >= 0:
            at += 1
            p, t_ = star + 1, at
        else:
            return False
    return all(char == "*" for char in pattern[p:])


def matches(waiver: WaiverEntry, found: Finding) -> bool:
    """Whether `waiver` is about `found`: its rule, and its subject when it names one."""
    if not glob_match(waiver.rule, found.rule):
        return False
    return waiver.subject is None or glob_match(waiver.subject, found.subject)


def applies_to(waiver: WaiverEntry, dossier_path: str) -> bool:
    """Whether a waiver of the configuration applies to the dossier at `dossier_path`: it names
    no `paths`, or one of them matches the dossier's path relative to the configuration, as a
    pattern of `exclude` does (a folder, `*.yaml`, `team-a/**`)."""
    if waiver.paths is None:
        return True
    return _paths(waiver.paths, waiver.folder)(dossier_path) is not None


@lru_cache(maxsize=256)
def _paths(patterns: tuple[str, ...], folder: str) -> Exclude:
    return excluder(patterns, folder, "")


def own(dossier: LoadedDossier) -> list[WaiverEntry]:
    """The dossier's own waivers (its top-level `waivers:`), located in it."""
    return [
        WaiverEntry(
            rule=waiver.rule,
            subject=waiver.subject,
            paths=None,
            reason=waiver.reason,
            approved_by=waiver.approved_by,
            expires=waiver.expires,
            path=dossier.path,
            location=dossier.source.locate(("waivers", index)),
            index=index,
            expires_at=dossier.source.locate(("waivers", index, "expires"), value=True),
        )
        for index, waiver in enumerate(dossier.model.waivers)
    ]


def too_far(
    waivers: Iterable[WaiverEntry], as_of: date, max_days: int | None
) -> tuple[Problem, ...]:
    """A problem for each waiver that expires more than a year after the reference date (the
    same day a year later), or more than `max_days` days when the rule pack says so."""
    from permitcheck.dates import add_months

    if max_days is None:
        last = add_months(as_of, 12)
        ahead_en, ahead_zh = "more than a year", "超过一年"
    else:
        last = as_of + timedelta(days=max_days)
        ahead_en, ahead_zh = f"more than {max_days} days", f"超过 {max_days} 天"
    return tuple(
        Problem(
            t(
                f"waivers[{w.index}].expires: {w.expires.isoformat()} is {ahead_en} after the "
                f"reference date {as_of.isoformat()}; a waiver is reviewed at least that often: "
                f"set a date no later than {last.isoformat()}",
                f"waivers[{w.index}].expires：{w.expires.isoformat()} 距参考日期 "
                f"{as_of.isoformat()} {ahead_zh}；豁免须按期复核：请设为不晚于 "
                f"{last.isoformat()} 的日期",
            ),
            w.path,
            w.expires_at,
            "usage" if w.folder else "dossier",
        )
        for w in waivers
        if w.expires > last
    )


def apply(
    result: DossierResult,
    waivers: Sequence[WaiverEntry],
    own: int,
    warn_days: int | None,
    rule_ids: Sequence[str],
    secrets: Sequence[str] = (),
) -> DossierResult:
    """`result` with `waivers` applied: the first `own` are the dossier's own (a waiver that
    waives nothing there is its warning); the others come from the configuration (whether they
    waived anything is told in `result.waivers_used`, for the run to judge). `secrets`: the
    dossier's passport and permit numbers, masked wherever a waiver's words are shown."""
    if not waivers:
        return result
    if secrets:
        waivers = [_masked(waiver, secrets) for waiver in waivers]
    as_of = result.as_of
    used: set[int] = set()
    findings: list[Finding] = []
    expiring: dict[int, Finding] = {}
    for found in result.findings:
        if found.status not in ("fail", "warn"):
            findings.append(found)
            continue
        about = [(n, w) for n, w in enumerate(waivers) if matches(w, found)]
        if not about:
            findings.append(found)
            continue
        used.update(n for n, _ in about)
        active = [(n, w) for n, w in about if w.expires >= as_of]
        if active:
            number, waiver = active[0]
            findings.append(_waived(found, waiver))
            if warn_days is not None and (waiver.expires - as_of).days <= warn_days:
                expiring.setdefault(number, found)
        else:
            findings.append(_expired(found, max(about, key=lambda pair: pair[1].expires)[1]))
    for number, found in sorted(expiring.items()):
        findings.append(_expiring(waivers[number], found, number < own, as_of))
    for number in range(own):
        if number not in used:
            findings.append(_unused(waivers[number], rule_ids))
    # In rule order, as the engine gives them (a stable sort keeps its order within a rule).
    findings.sort(key=lambda found: found.rule)
    groups = result.groups
    if len(findings) > len(result.findings):
        groups = {**groups, "waivers": t("Waivers", "豁免")}
    return replace(
        result,
        findings=tuple(findings),
        groups=groups,
        waivers_used=tuple(waivers[n].index for n in sorted(used) if n >= own),
    )


def _masked(waiver: WaiverEntry, secrets: Sequence[str]) -> WaiverEntry:
    """A waiver whose reason and approver name none of the dossier's numbers in full."""
    from permitcheck.dossier.privacy import redact

    return replace(
        waiver,
        path=redact(waiver.path, secrets),
        reason=redact(waiver.reason, secrets),
        approved_by=redact(waiver.approved_by, secrets),
    )


def _note(waiver: WaiverEntry, expired: bool) -> WaiverNote:
    return WaiverNote(
        waiver.reason, waiver.approved_by, waiver.expires, waiver.origin, expired=expired
    )


def _waived(found: Finding, waiver: WaiverEntry) -> Finding:
    return replace(found, status="waived", waiver=_note(waiver, False))


def _expired(found: Finding, waiver: WaiverEntry) -> Finding:
    day = waiver.expires.isoformat()
    message = t(
        f"{found.message.en} (waiver expired on {day}: {waiver.reason}; {waiver.origin})",
        f"{found.message.zh}（豁免已于 {day} 到期：{waiver.reason}；{waiver.origin}）",
    )
    return replace(found, message=message, waiver=_note(waiver, True))


def _expiring(waiver: WaiverEntry, found: Finding, own: bool, as_of: date) -> Finding:
    days = (waiver.expires - as_of).days
    day = waiver.expires.isoformat()
    return _finding(
        EXPIRING,
        # In the dossier, at the waiver; from the configuration, at what it waives.
        f"waivers[{waiver.index}]" if own else found.subject,
        waiver.location if own else found.location,
        t(
            f"The waiver of {found.rule} ({found.subject}) expires on {day}, in {days} days "
            f"({waiver.origin}); after it, the finding blocks the dossier again",
            f"{found.rule}（{found.subject}）的豁免将于 {day} 到期，还有 {days} 天"
            f"（{waiver.origin}）；到期后该项将再次阻止提交",
        ),
        t(
            "Ask the acceptance window to confirm again and renew the waiver, or fix the "
            "finding before it expires",
            "请再次取得受理窗口的确认并续期豁免，或在到期前解决该问题",
        ),
        window_end=waiver.expires,
    )


def _no_such_rule(written: str, rule_ids: Sequence[str]) -> tuple[str, str]:
    """`; no rule is `x`: did you mean `y`?` when the pattern matches no rule (else empty)."""
    if not rule_ids or any(glob_match(written, rule) for rule in rule_ids):
        return "", ""
    near = difflib.get_close_matches(written, rule_ids, n=1)
    return (
        f"; no rule is `{written}`" + (f": did you mean `{near[0]}`?" if near else ""),
        f"；没有规则 `{written}`" + (f"：是否应为 `{near[0]}`？" if near else ""),
    )


def _unused(waiver: WaiverEntry, rule_ids: Sequence[str]) -> Finding:
    hint_en, hint_zh = _no_such_rule(waiver.rule, rule_ids)
    return _finding(
        UNUSED,
        f"waivers[{waiver.index}]",
        waiver.location,
        t(
            f"The waiver of {waiver.rule} waives nothing in this dossier{hint_en}",
            f"{waiver.rule} 的豁免在此档案中没有豁免任何内容{hint_zh}",
        ),
        t(
            "Remove the waiver, or correct its `rule` and `subject` (see `permitcheck validate "
            "--verbose` for the rule ids and subjects)",
            "请删除该豁免，或更正其 `rule` 与 `subject`（规则编号与对象见 "
            "`permitcheck validate --verbose`）",
        ),
    )


def unused_in_run(
    waivers: Sequence[WaiverEntry], results: Iterable[DossierResult], rule_ids: Sequence[str]
) -> tuple[Problem, ...]:
    """A warning for each waiver of the configuration that applied to dossiers of the run and
    waived nothing in any of them (one that applied to none is not judged: a hook checks only
    the files that changed)."""
    checked = list(results)
    used = {index for result in checked for index in result.waivers_used}
    return tuple(
        _unused_in_run(waiver, rule_ids)
        for waiver in waivers
        if waiver.index not in used and any(applies_to(waiver, result.path) for result in checked)
    )


def _unused_in_run(waiver: WaiverEntry, rule_ids: Sequence[str]) -> Problem:
    hint_en, hint_zh = _no_such_rule(waiver.rule, rule_ids)
    return Problem(
        t(
            f"waivers[{waiver.index}]: the waiver of {waiver.rule} waives nothing in the "
            f"dossiers checked{hint_en}; remove it, or correct its `rule`, `subject` or `paths`",
            f"waivers[{waiver.index}]：{waiver.rule} 的豁免在所检查的档案中没有豁免任何内容"
            f"{hint_zh}；请删除，或更正其 `rule`、`subject` 或 `paths`",
        ),
        waiver.path,
        waiver.location,
        "usage",
    )


TITLES = {
    UNUSED: t("Every waiver waives something", "每项豁免都有所豁免"),
    EXPIRING: t("No waiver is about to expire", "没有即将到期的豁免"),
}


def _finding(
    rule: str,
    subject: str,
    location: Location,
    message: Text,
    fix: Text,
    window_end: date | None = None,
) -> Finding:
    """One of the waivers' own warnings."""
    return Finding(
        rule=rule,
        status="warn",
        severity="warning",
        subject=subject,
        title=TITLES[rule],
        message=message,
        fix=fix,
        sources=(),
        location=location,
        group="waivers",
        check="waiver",
        window_end=window_end,
        window_open=window_end is not None,
        sort_key=(subject,),
    )


def catalog(results: Iterable[DossierResult], warnings: Sequence[Problem]) -> dict[str, RuleInfo]:
    """What reports say about the waivers' own warnings that the run gave."""
    given = {rule for result in results for rule in result.rules()}
    if warnings:
        given.add(UNUSED)
    return {rule: info for rule, info in _CATALOG.items() if rule in given}


_CATALOG = {
    UNUSED: RuleInfo(
        UNUSED,
        TITLES[UNUSED],
        t(
            "A waiver that waives no failure or warning is stale or mistyped: it would hide "
            "a later finding nobody approved.",
            "不豁免任何失败或警告的豁免已过时或写错：它可能掩盖日后无人批准的问题。",
        ),
        t("Remove the waiver or correct it.", "删除或更正该豁免。"),
        "warning",
        (),
    ),
    EXPIRING: RuleInfo(
        EXPIRING,
        TITLES[EXPIRING],
        t(
            "A waiver within --warn-days of its expiry: after it, its finding blocks the "
            "dossier again.",
            "距到期不足 --warn-days 天的豁免：到期后，其所豁免的问题将再次阻止提交。",
        ),
        t(
            "Renew the waiver with the window's confirmation, or fix the finding.",
            "取得窗口确认后续期，或解决该问题。",
        ),
        "warning",
        (),
    ),
}
