"""SARIF 2.1.0 for code scanning: rule metadata with help and sources, located results."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from permitcheck import __version__
from permitcheck.findings import Finding, RenderOptions, Report, RuleInfo
from permitcheck.i18n import FIX, SOURCES, Lang, Text, labelled, t
from permitcheck.render import escape, shared

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INVALID = "permitcheck.invalid-dossier"
_LEVELS = {"fail": "error", "warn": "warning"}
# A waived finding is still a result, suppressed from outside the file it is about (GitHub
# code scanning shows it as dismissed); its level is the one its rule gives it.
_SHOWN = ("fail", "warn", "waived")
UNUSED_WAIVER = "permitcheck.waiver.unused"


_INVALID = t(
    "The dossier cannot be read or does not follow the dossier format",
    "档案无法读取或不符合档案格式",
)


def render(report: Report, options: RenderOptions) -> str:
    lang = options.lang
    used = sorted({f.rule for r in report.results for f in r.findings if f.status in _SHOWN})
    if report.warnings and UNUSED_WAIVER not in used:
        used = sorted([*used, UNUSED_WAIVER])
    rules = [
        _rule(report.rules[rule_id], lang) if rule_id in report.rules else {"id": rule_id}
        for rule_id in used
    ]
    if report.errors:
        rules.append(_invalid_rule(lang))
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for result in report.results:
        for found in result.findings:
            if found.status in _SHOWN:
                results.append(_result(found, result.path, index, report, options))
    for warning in report.warnings:
        results.append(
            {
                "ruleId": UNUSED_WAIVER,
                "ruleIndex": index[UNUSED_WAIVER],
                "level": "warning",
                "message": {"text": warning.text.get(lang)},
                "locations": [
                    _location(
                        warning.path or "permitcheck",
                        {"startLine": warning.location.line, "startColumn": warning.location.column}
                        if warning.location
                        else {"startLine": 1},
                        options.base_dir,
                    )
                ],
            }
        )
    for error in report.errors:
        entry: dict[str, Any] = {
            "ruleId": INVALID,
            "ruleIndex": index[INVALID],
            "level": "error",
            "message": {"text": error.text.get(lang)},
        }
        if error.path:
            region = (
                {"startLine": error.location.line, "startColumn": error.location.column}
                if error.location
                else {"startLine": 1}
            )
            entry["locations"] = [_location(error.path, region, options.base_dir)]
        results.append(entry)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "permitcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    # Same value, but nothing a terminal or a CI log could act on (escape.json).
    return escape.json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def _uri(path: str, base: str | None) -> str:
    """A URI reference relative to the run's directory (code scanning expects paths relative
    to the repository); a file outside it gets a file: URI. Percent-encoded."""
    if os.path.isabs(path):
        if base is not None and os.path.commonpath([path, base]) == base:
            path = os.path.relpath(path, base)
        else:
            return Path(path).as_uri()
    # The file name's own bytes: an undecodable name (a lone surrogate here) cannot be UTF-8.
    return quote(os.fsencode(path.replace("\\", "/").removeprefix("./")), safe="/")


def _location(path: str, region: dict[str, int], base: str | None) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(path, base)}, "region": region}}


def _rule(rule: RuleInfo, lang: Lang) -> dict[str, Any]:
    def get(text: Text) -> str:
        return text.get(lang)

    sources = "\n".join(f"- {s.cite(lang)}: “{s.quote_in(lang)}” ({s.title})" for s in rule.sources)
    fix_label, source_label = FIX.get(lang), SOURCES.get(lang)
    return {
        "id": rule.id,
        "name": rule.id.replace(".", "-"),
        "shortDescription": {"text": get(rule.title)},
        "fullDescription": {"text": get(rule.description)},
        "help": {
            "text": f"{get(rule.description)}\n{fix_label}: {get(rule.fix)}\n{source_label}:\n"
            f"{sources}",
            "markdown": f"{get(rule.description)}\n\n**{fix_label}:** {get(rule.fix)}\n\n"
            f"**{source_label}:**\n\n{sources}",
        },
        "defaultConfiguration": {"level": "error" if rule.severity == "error" else "warning"},
        "properties": {
            "tags": ["permit-dossier"],
            "sources": [
                {"title": s.title, "section": s.section, "quote": s.quote} for s in rule.sources
            ],
        },
    }


def _invalid_rule(lang: Lang) -> dict[str, Any]:
    text = _INVALID.get(lang)
    return {
        "id": INVALID,
        "name": "invalid-dossier",
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": "error"},
    }


def _result(
    found: Finding, path: str, index: dict[str, int], report: Report, options: RenderOptions
) -> dict[str, Any]:
    lang = options.lang
    message = found.message.get(lang)
    if found.fix is not None:
        message += "\n" + labelled(FIX, found.fix.get(lang), lang)
    if found.status == "waived":
        level = "error" if found.severity == "error" else "warning"
    else:
        # What blocks the dossier at --fail-on is an error; a warning that does not, a warning.
        level = "error" if found.blocks(report.fail_on) else _LEVELS[found.status]
    entry: dict[str, Any] = {
        "ruleId": found.rule,
        "ruleIndex": index[found.rule],
        "level": level,
        "message": {"text": message},
        "locations": [
            _location(
                path,
                {"startLine": found.location.line, "startColumn": found.location.column},
                options.base_dir,
            )
        ],
        "partialFingerprints": {"permitcheck/v1": f"{found.rule}:{found.subject}"},
        "properties": {"subject": found.subject, "status": found.status},
    }
    waiver = found.waiver
    if found.status == "waived" and waiver is not None:
        entry["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": shared.waived_by(waiver, lang),
            }
        ]
    return entry
