"""The JSON report, as docs/report-format.md promises to scripts: one finding per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from permitcheck import __version__
from permitcheck.findings import (
    DossierResult,
    Finding,
    RenderOptions,
    Report,
    SourceRef,
    WaiverNote,
)
from permitcheck.i18n import Lang
from permitcheck.problems import Problem
from permitcheck.render import escape
from permitcheck.settings import FailOn

# One encoder for the whole report: json.dumps with any non-default option builds a new encoder
# per call. Without indent, json uses its C encoder: large batches stay fast. Layout is added
# below.
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def render(report: Report, options: RenderOptions) -> str:
    """The document, laid out one finding per line (valid JSON, readable, byte-stable)."""
    return "".join(render_parts(report, options))


def render_parts(report: Report, options: RenderOptions) -> Iterator[str]:
    """The document in parts, a dossier each: a report of thousands of dossiers is written as
    it is made, never held whole beside its dossiers' parts."""
    # Same value, but nothing a terminal or a CI log could act on (escape.json). Each part is
    # escaped alone: parts end and start with JSON's own punctuation, never inside a string.
    yield escape.json(
        f'{{\n  "tool": "permitcheck",\n  "version": {_dumps(__version__)},\n  "dossiers": '
    )
    for number, result in enumerate(report.results):
        piece = (
            result.rendered
            if result.rendered is not None
            else dossier_piece(result, report.fail_on, options)
        )
        yield ("[\n" if number == 0 else ",\n") + escape.json(piece)
    used = sorted({rule for result in report.results for rule in result.rules()})
    rules = {
        rule_id: _rule(report, rule_id, options) for rule_id in used if rule_id in report.rules
    }
    errors = [_dumps(_error(error, options)) for error in report.errors]
    error_list = "[\n    " + ",\n    ".join(errors) + "\n  ]" if errors else "[]"
    warnings = [_dumps(_error(warning, options)) for warning in report.warnings]
    warning_list = "[\n    " + ",\n    ".join(warnings) + "\n  ]" if warnings else "[]"
    rule_lines = [f"    {_dumps(rule_id)}: {_dumps(entry)}" for rule_id, entry in rules.items()]
    rule_map = "{\n" + ",\n".join(rule_lines) + "\n  }" if rule_lines else "{}"
    listed_end = "\n  ]" if report.results else "[]"
    yield escape.json(
        f'{listed_end},\n  "errors": {error_list},\n  "warnings": {warning_list},\n'
        f'  "skipped": {len(report.skipped)},\n  "rules": {rule_map}\n}}\n'
    )


def dossier_piece(result: DossierResult, fail_on: FailOn, options: RenderOptions) -> str:
    """One dossier's entry of the list `dossiers`; a worker process of a batch renders it."""
    head = _dumps(_dossier(result, fail_on, options))[:-1]  # reopen the object
    findings = [_finding_line(found, options.lang) for found in result.findings]
    body = "[\n      " + ",\n      ".join(findings) + "\n    ]" if findings else "[]"
    return f'    {head}, "findings": {body}}}'


def _dossier(result: DossierResult, fail_on: FailOn, options: RenderOptions) -> dict[str, Any]:
    return {
        "path": result.path,
        "type": result.type,
        "city": result.city,
        "as_of": result.as_of.isoformat(),
        "ready": result.ready(fail_on),
        "submit_by": result.submit_by.isoformat() if result.submit_by else None,
        "submit_by_rule": result.submit_by_rule,
        "submit_by_subject": result.submit_by_subject,
        # Time windows not known yet (documents missing, dates not stated): until they are,
        # `submit_by` is an upper bound.
        "submit_by_pending": list(result.submit_by_pending),
        "counts": result.counts(),
        "applicant": {"name": result.applicant, "passport": options.number(result.passport)},
    }


def _finding_line(found: Finding, lang: Lang) -> str:
    """One finding as a JSON object on one line, written out rather than built as a dict and
    encoded: a batch renders some thirty per dossier, and its sources are its rule's, the same
    in every dossier. Sections cited: each once (a rule quoting two sentences of one section
    cites it once); the quoted sentences are given once per rule, under "rules"."""
    fix = _string(found.fix.get(lang)) if found.fix else "null"
    return (
        f'{{"rule": {_string(found.rule)}, "status": {_string(found.status)}, '
        f'"severity": {_string(found.severity)}, "subject": {_string(found.subject)}, '
        f'"title": {_string(found.title.get(lang))}, '
        f'"message": {_string(found.message.get(lang))}, "fix": {fix}, '
        f'"sources": {_sources(found.sources)}, "location": {{"line": {found.location.line:d}, '
        f'"column": {found.location.column:d}}}, "waiver": {_waiver(found.waiver)}}}'
    )


def _waiver(waiver: WaiverNote | None) -> str:
    if waiver is None:
        return "null"
    return _dumps(
        {
            "reason": waiver.reason,
            "approved_by": waiver.approved_by,
            "expires": waiver.expires.isoformat(),
            "expired": waiver.expired,
            "source": waiver.origin,
        }
    )


# A JSON string as json.dumps(ensure_ascii=False) writes it (json's C encoder when present).
_string = encode_basestring


def _sources(sources: tuple[SourceRef, ...]) -> str:
    # The tuples are the engine's, one per rule's list of sources: each is written once. The
    # entry holds the tuple, so that its id is not reused.
    known = _SOURCES.get(id(sources))
    if known is None or known[0] is not sources:
        listed = [
            {"title": title, "section": section}
            for title, section in dict.fromkeys((s.title, s.section) for s in sources)
        ]
        if len(_SOURCES) > 4096:  # bounded, whoever makes the tuples
            _SOURCES.clear()
        known = _SOURCES[id(sources)] = (sources, _dumps(listed))
    return known[1]


_SOURCES: dict[int, tuple[tuple[SourceRef, ...], str]] = {}


def _rule(report: Report, rule_id: str, options: RenderOptions) -> dict[str, Any]:
    rule = report.rules[rule_id]
    return {
        "title": rule.title.get(options.lang),
        "severity": rule.severity,
        "description": rule.description.get(options.lang),
        "sources": [
            {"title": s.title, "section": s.section, "quote": s.quote, "quote_zh": s.quote_zh}
            for s in rule.sources
        ],
    }


def _error(error: Problem, options: RenderOptions) -> dict[str, Any]:
    location = error.location
    return {
        "path": error.path,
        "message": error.message_with_position(options.lang),
        "location": {"line": location.line, "column": location.column} if location else None,
    }
