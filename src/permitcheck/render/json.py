"""The JSON report, as docs/report-format.md promises to scripts: one finding per line."""

from __future__ import annotations

import json
from typing import Any

from permitcheck import __version__
from permitcheck.findings import DossierResult, Finding, RenderOptions, Report
from permitcheck.problems import Problem
from permitcheck.render import escape
from permitcheck.settings import FailOn

# One encoder for the whole report: json.dumps with any non-default option builds a new encoder
# per call. Without indent, json uses its C encoder: large batches stay fast. Layout is added
# below.
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def render(report: Report, options: RenderOptions) -> str:
    """The document, laid out one finding per line (valid JSON, readable, byte-stable)."""
    dossiers = [
        result.rendered
        if result.rendered is not None
        else dossier_piece(result, report.fail_on, options)
        for result in report.results
    ]
    listed = "[\n" + ",\n".join(dossiers) + "\n  ]" if dossiers else "[]"
    used = sorted({rule for result in report.results for rule in result.rules()})
    rules = {
        rule_id: _rule(report, rule_id, options) for rule_id in used if rule_id in report.rules
    }
    errors = [_dumps(_error(error, options)) for error in report.errors]
    error_list = "[\n    " + ",\n    ".join(errors) + "\n  ]" if errors else "[]"
    rule_lines = [f"    {_dumps(rule_id)}: {_dumps(entry)}" for rule_id, entry in rules.items()]
    rule_map = "{\n" + ",\n".join(rule_lines) + "\n  }" if rule_lines else "{}"
    # Same value, but nothing a terminal or a CI log could act on (escape.json).
    return escape.json(
        f'{{\n  "tool": "permitcheck",\n  "version": {_dumps(__version__)},\n'
        f'  "dossiers": {listed},\n  "errors": {error_list},\n'
        f'  "skipped": {len(report.skipped)},\n  "rules": {rule_map}\n}}\n'
    )


def dossier_piece(result: DossierResult, fail_on: FailOn, options: RenderOptions) -> str:
    """One dossier's entry of the list `dossiers`; a worker process of a batch renders it."""
    head = _dumps(_dossier(result, fail_on, options))[:-1]  # reopen the object
    findings = [_dumps(_finding(found, options)) for found in result.findings]
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


def _finding(found: Finding, options: RenderOptions) -> dict[str, Any]:
    return {
        "rule": found.rule,
        "status": found.status,
        "severity": found.severity,
        "subject": found.subject,
        "title": found.title.get(options.lang),
        "message": found.message.get(options.lang),
        "fix": found.fix.get(options.lang) if found.fix else None,
        # The quoted sentences are given once per rule, under "rules"; here each section once
        # (a rule quoting two sentences of one section cites it once).
        "sources": [
            {"title": title, "section": section}
            for title, section in dict.fromkeys((s.title, s.section) for s in found.sources)
        ],
        "location": {"line": found.location.line, "column": found.location.column},
    }


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
