"""The JSON report, exactly as spec/report-format.md promises to scripts."""

from __future__ import annotations

import json
from typing import Any

from permitcheck import __version__
from permitcheck.errors import PermitcheckError
from permitcheck.findings import DossierResult, Finding, RenderOptions, Report, SourceRef


def render(report: Report, options: RenderOptions) -> str:
    document = {
        "tool": "permitcheck",
        "version": __version__,
        "dossiers": [_dossier(result, report, options) for result in report.results],
        "errors": [_error(error, options) for error in report.errors],
        "skipped": len(report.skipped),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def as_dict(report: Report, options: RenderOptions) -> dict[str, Any]:
    """The report as plain data (what `render` serialises)."""
    parsed: dict[str, Any] = json.loads(render(report, options))
    return parsed


def _dossier(result: DossierResult, report: Report, options: RenderOptions) -> dict[str, Any]:
    return {
        "path": result.path,
        "type": result.type,
        "city": result.city,
        "as_of": result.as_of.isoformat(),
        "ready": result.ready(report.fail_on),
        "submit_by": result.submit_by.isoformat() if result.submit_by else None,
        "submit_by_rule": result.submit_by_rule,
        "submit_by_subject": result.submit_by_subject,
        "counts": result.counts(),
        "applicant": {"name": result.applicant, "passport": options.number(result.passport)},
        "findings": [_finding(found, options) for found in result.findings],
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
        "sources": [_source(s) for s in found.sources],
        "location": {"line": found.location.line, "column": found.location.column},
    }


def _source(source: SourceRef) -> dict[str, Any]:
    entry = {"title": source.title, "section": source.section, "quote": source.quote}
    if source.quote_zh is not None:
        entry["quote_zh"] = source.quote_zh
    return entry


def _error(error: PermitcheckError, options: RenderOptions) -> dict[str, Any]:
    location = error.location
    return {
        "path": error.path,
        "message": error.message_with_position(options.lang),
        "location": {"line": location.line, "column": location.column} if location else None,
    }
