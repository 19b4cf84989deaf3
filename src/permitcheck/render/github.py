"""GitHub Actions workflow commands: an annotation at the file, line and column of each finding."""

from __future__ import annotations

from permitcheck.findings import RenderOptions, Report, cite_all
from permitcheck.i18n import FIX, SEMICOLON, joined, labelled, t
from permitcheck.render import escape, shared

_UNCHECKED = t("Dossier could not be checked", "无法检查的档案")
_UNUSED = t("Waiver waives nothing", "豁免未豁免任何内容")


def command(kind: str, message: str, **properties: str | int) -> str:
    """One workflow command line, escaped as the Actions toolkit escapes (`%`, CR, LF in the
    message; also `:` and `,` in properties), so the runner reads back exactly these values."""
    listed = ",".join(
        f"{name}={escape.github_property(str(value))}" for name, value in properties.items()
    )
    return (
        f"::{kind} {listed}::{escape.github_data(message)}"
        if listed
        else f"::{kind}::{escape.github_data(message)}"
    )


def _file(path: str) -> str:
    """The `file` property: the path as it is, so the annotation lands on the file, where the
    command's own escaping carries it (CR, LF, `:`); anything else unsafe is shown escaped."""
    return escape.text(path, keep="\r\n:")


def render(report: Report, options: RenderOptions) -> str:
    lang = options.lang
    lines: list[str] = []
    for result in report.results:
        for found in result.findings:
            if found.status not in ("fail", "warn"):
                continue
            kind = "error" if found.blocks(report.fail_on) else "warning"
            # Dossier text is shown escaped, so that the only line breaks in an annotation are
            # the reporter's own (before "Fix:").
            message = escape.text(found.message.get(lang))
            if found.fix is not None:
                message += "\n" + labelled(FIX, escape.text(found.fix.get(lang)), lang)
            cited = f" ({cite_all(found.sources, lang)})" if found.sources else ""
            title = escape.text(found.title.get(lang) + cited)
            lines.append(
                command(
                    kind,
                    message,
                    file=_file(result.path),
                    line=found.location.line,
                    col=found.location.column,
                    title=title,
                )
            )
    for error in report.errors:
        where: dict[str, str | int] = {"file": _file(error.path or "permitcheck")}
        if error.location is not None:
            where.update(line=error.location.line, col=error.location.column)
        title = _UNCHECKED.get(lang)
        lines.append(command("error", escape.text(error.text.get(lang)), **where, title=title))
    # Waived findings get no annotation (the job summary lists them); a waiver of the
    # configuration that waives nothing is a warning at the waiver.
    for warning in report.warnings:
        at: dict[str, str | int] = {"file": _file(warning.path or "permitcheck")}
        if warning.location is not None:
            at.update(line=warning.location.line, col=warning.location.column)
        kind = "error" if report.fail_on == "warning" else "warning"
        lines.append(
            command(kind, escape.text(warning.text.get(lang)), **at, title=_UNUSED.get(lang))
        )
    summary = joined(SEMICOLON, shared.run_summary(report, lang), lang)
    lines.append(command("notice", summary, title="permitcheck"))
    return "\n".join(lines) + "\n"
