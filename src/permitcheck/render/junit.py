"""JUnit XML: a test suite per dossier, a test case per rule finding, for CI test viewers."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from permitcheck.findings import DossierResult, Finding, RenderOptions, Report, cite_all
from permitcheck.i18n import FIX, labelled
from permitcheck.render import escape, shared

# Every text from a dossier or rule pack goes through escape.text: XML 1.0 cannot hold most
# control characters at all (the file would not parse), and test viewers and CI logs show the
# text line by line, so it is escaped as plain text is.


def render(report: Report, options: RenderOptions) -> str:
    suites = ET.Element("testsuites", name="permitcheck")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in report.results:
        suite = _suite(result, report, options)
        suites.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    by_file: dict[str, list[str]] = {}
    for problem in report.errors:
        by_file.setdefault(escape.text(problem.path or "permitcheck"), []).append(
            escape.text(problem.message_with_position(options.lang))
        )
    for path, messages in sorted(by_file.items()):
        suite = ET.SubElement(
            suites, "testsuite", name=path, tests="1", failures="0", errors="1", skipped="0"
        )
        case = ET.SubElement(suite, "testcase", classname=path, name="dossier can be read")
        element = ET.SubElement(case, "error", message=messages[0], type="invalid-dossier")
        element.text = "\n".join(messages)
        totals["tests"] += 1
        totals["errors"] += 1
    if report.warnings:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="permitcheck configuration",
            tests=str(len(report.warnings)),
            failures="0",
            errors="0",
            skipped="0",
        )
        failing = report.fail_on == "warning"
        for warning in report.warnings:
            path = escape.text(warning.path or "permitcheck")
            case = ET.SubElement(
                suite,
                "testcase",
                classname="permitcheck.waiver.unused",
                name=escape.text(warning.located(options.lang)),
                file=path,
                line=str(warning.location.line if warning.location else 1),
            )
            text = escape.text(warning.message_with_position(options.lang))
            if failing:
                ET.SubElement(case, "failure", message=text, type="warning").text = text
            else:
                ET.SubElement(case, "system-out").text = f"warning: {text}"
        suite.set("failures", str(len(report.warnings) if failing else 0))
        totals["tests"] += len(report.warnings)
        totals["failures"] += len(report.warnings) if failing else 0
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def _suite(result: DossierResult, report: Report, options: RenderOptions) -> ET.Element:
    lang = options.lang
    suite = ET.Element("testsuite", name=escape.text(result.path))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("type", result.type),
        ("city", result.city),
        ("as_of", result.as_of.isoformat()),
        ("submit_by", result.submit_by.isoformat() if result.submit_by else ""),
        ("ready", str(result.ready(report.fail_on)).lower()),
    ):
        ET.SubElement(properties, "property", name=name, value=escape.text(value))
    for found in result.findings:
        counts["tests"] += 1
        case = ET.SubElement(
            suite,
            "testcase",
            classname=escape.text(found.rule),
            name=escape.text(f"{found.subject}: {found.title.get(lang)}"),
            file=escape.text(result.path),
            line=str(found.location.line),
        )
        if found.blocks(report.fail_on):
            counts["failures"] += 1
            failure = ET.SubElement(
                case, "failure", message=escape.text(found.message.get(lang)), type=found.severity
            )
            failure.text = _details(found, options)
        elif found.status == "skip":
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=escape.text(found.message.get(lang)))
        elif found.status == "waived" and found.waiver is not None:
            counts["skipped"] += 1
            reason = shared.waived_by(found.waiver, lang)
            skipped = ET.SubElement(case, "skipped", message=escape.text(reason))
            skipped.text = _details(found, options)
        elif found.status in ("warn", "exempt", "fail"):
            out = ET.SubElement(case, "system-out")
            out.text = f"{found.status}: {_details(found, options)}"
    for key, count in counts.items():
        suite.set(key, str(count))
    return suite


def _details(found: Finding, options: RenderOptions) -> str:
    lang = options.lang
    lines = [escape.text(found.message.get(lang))]
    if found.fix is not None:
        lines.append(labelled(FIX, escape.text(found.fix.get(lang)), lang))
    cited = f"{escape.text(cite_all(found.sources, lang))}; " if found.sources else ""
    lines.append(f"{cited}{found.location.line}:{found.location.column}")
    return "\n".join(lines)
