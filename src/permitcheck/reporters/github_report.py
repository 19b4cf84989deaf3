"""GitHub Actions workflow commands: an annotation at the file, line and column of each finding."""

from __future__ import annotations

from permitcheck.findings import RenderOptions, Report, cite_all


def escape_data(text: str) -> str:
    """Message escaping of the Actions toolkit (`%`, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property escaping of the Actions toolkit: data escaping plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str | int) -> str:
    listed = ",".join(f"{name}={escape_property(str(value))}"
                      for name, value in properties.items())
    return f"::{kind} {listed}::{escape_data(message)}" if listed else \
        f"::{kind}::{escape_data(message)}"


def render(report: Report, options: RenderOptions) -> str:
    lang = options.lang
    lines: list[str] = []
    for result in report.results:
        for found in result.findings:
            if found.status not in ("fail", "warn"):
                continue
            kind = "error" if found.blocks(report.fail_on) else "warning"
            message = found.message.get(lang)
            if found.fix is not None:
                message += ("\n处理：" if lang == "zh" else "\nFix: ") + found.fix.get(lang)
            title = f"{found.title.get(lang)} ({cite_all(found.sources, lang)})"
            lines.append(command(kind, message, file=result.path, line=found.location.line,
                                 col=found.location.column, title=title))
    for error in report.errors:
        where: dict[str, str | int] = {"file": error.path or "permitcheck"}
        if error.location is not None:
            where.update(line=error.location.line, col=error.location.column)
        title = "无法检查的档案" if lang == "zh" else "Dossier could not be checked"
        lines.append(command("error", error.text.get(lang), **where, title=title))
    ready = sum(1 for r in report.results if r.ready(report.fail_on))
    total = len(report.results)
    failed = len({error.path for error in report.errors})
    summary = (f"{total} 份档案中 {ready} 份可以提交；{failed} 个文件无法检查；"
               f"跳过 {len(report.skipped)} 个非档案 YAML 文件" if lang == "zh" else
               f"{ready} of {total} dossiers ready; {failed} files could not be checked; "
               f"{len(report.skipped)} non-dossier YAML files skipped")
    lines.append(command("notice", summary, title="permitcheck"))
    return "\n".join(lines) + "\n"
