"""What the command line writes: standard output and error, report files, the step summary."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from permitcheck.findings import RenderOptions, Report
    from permitcheck.i18n import Lang, Text
    from permitcheck.problems import Problem
    from permitcheck.settings import Settings

# (format, file) pairs of `validate`; a file of None is standard output.
Target = tuple[str, "str | None"]


def write(text: str) -> None:
    """Write to standard output; a reader that went away (`| head`) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as exc:
        from permitcheck.i18n import t
        from permitcheck.problems import Stop

        reason = exc.strerror or str(exc)
        raise Stop.usage(
            t(f"cannot write to standard output: {reason}", f"无法写入标准输出：{reason}")
        ) from None


def problems(found: Iterable[Problem], lang: Lang) -> None:
    """Each problem on standard error as `file:line:column: message`, escaped."""
    from permitcheck.render import escape

    for problem in found:
        typer.echo(escape.text(problem.located(lang)), err=True)


def note(text: Text, lang: Lang) -> None:
    """A message for the user beside the output (on standard error)."""
    typer.echo(text.get(lang), err=True)


def terminal_width(default: int) -> int:
    import shutil

    return shutil.get_terminal_size((default, 24)).columns


def targets(formats: list[str], outputs: list[str]) -> list[Target]:
    """Pairs of (format, file or None for stdout); usage problems for impossible pairings."""
    from permitcheck.i18n import t
    from permitcheck.problems import Stop

    if len(outputs) > len(formats):
        if formats != ["text"] or len(outputs) != 1:
            raise Stop.usage(
                t(
                    "more --output files than --format options; give one --format "
                    "for each --output",
                    "--output 多于 --format；请为每个 --output 指定一个 --format",
                )
            )
    pairs: list[Target] = [
        (fmt, outputs[i] if i < len(outputs) and outputs[i] != "-" else None)
        for i, fmt in enumerate(formats)
    ]
    if sum(1 for _, target in pairs if target is None) > 1:
        raise Stop.usage(
            t(
                "only one report can go to standard output; give --output FILE for the others",
                "只有一份报告可以输出到标准输出；其余请用 --output 指定文件",
            )
        )
    return pairs


def reports(
    report: Report,
    pairs: list[Target],
    settings: Settings,
    color: bool,
    verbose: bool,
    quiet: bool = False,
) -> list[Problem]:
    """Print the report's problems, write every report; what could not be written, as problems
    (printed too)."""
    from permitcheck.findings import RenderOptions
    from permitcheck.problems import Stop
    from permitcheck.render import render

    lang = settings.lang
    if ("github", None) not in pairs:  # else each is an annotation in the same log already
        problems(report.errors, lang)
    failed: list[Problem] = []
    for output_format, target in pairs:
        to_terminal = target is None and color and output_format == "text"
        options = RenderOptions(
            lang=lang,
            color=to_terminal,
            width=terminal_width(100) if to_terminal else 100,
            verbose=verbose,
            quiet=quiet,
            show_personal_data=settings.show_personal_data,
            base_dir=os.getcwd(),
        )
        # Reporters show numbers only through options.number (masked); the engine masks them in
        # messages and the loader in problems. Tests check every format for leaks.
        text = render("report", report, output_format, options)
        if target is None:
            try:
                write(text)
            except Stop as exc:
                failed += exc.problems
        else:
            failed += _write_report(output_format, target, text)
        if output_format == "github":
            failed += _github_summary(report, options)
    problems(failed, lang)
    return failed


def _write_report(output_format: str, target: str, text: str) -> list[Problem]:
    """Write one report file whole; the reason as a problem if it cannot be written."""
    from permitcheck.files import write_replacing
    from permitcheck.i18n import t
    from permitcheck.problems import Problem
    from permitcheck.render import REPORTER_BY_NAME

    what_en, what_zh = f"the {output_format} report", f"{output_format} 报告"
    if target.endswith(("/", os.sep)):
        suggestion = f"{target}permitcheck.{REPORTER_BY_NAME[output_format].suffix}"
        return [
            Problem(
                t(
                    f"cannot write {what_en} to {target}: it names a folder; give a "
                    f"file name, such as {suggestion}",
                    f"无法将{what_zh}写入 {target}：这是一个目录名；请给出文件名，"
                    f"例如 {suggestion}",
                ),
                code="usage",
            )
        ]
    try:
        folder = os.path.dirname(target)
        if folder:
            os.makedirs(folder, exist_ok=True)
        write_replacing(target, text)
    except OSError as exc:
        return [
            Problem(
                t(
                    f"cannot write {what_en} to {target}: {_reason(exc).en}",
                    f"无法将{what_zh}写入 {target}：{_reason(exc).zh}",
                ),
                code="usage",
            )
        ]
    return []


def _reason(exc: OSError) -> Text:
    from permitcheck.i18n import t

    if isinstance(exc, IsADirectoryError):
        return t("it is a directory", "这是一个目录")
    reason = exc.strerror or str(exc)
    return t(reason, reason)


def _github_summary(report: Report, options: RenderOptions) -> list[Problem]:
    """Append the Markdown summary to $GITHUB_STEP_SUMMARY when GitHub Actions provides it."""
    from permitcheck.i18n import t
    from permitcheck.problems import Problem
    from permitcheck.render import render

    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return []
    try:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(render("report", report, "markdown", options))
    except OSError as exc:
        return [
            Problem(
                t(
                    f"cannot write the step summary to {summary}: {_reason(exc).en}",
                    f"无法写入步骤摘要 {summary}：{_reason(exc).zh}",
                ),
                code="usage",
            )
        ]
    return []
