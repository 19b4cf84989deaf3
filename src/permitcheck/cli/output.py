"""What the command line writes: standard output and error, report files, the step summary."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from permitcheck.findings import RenderOptions, Report
    from permitcheck.i18n import Lang, Text
    from permitcheck.problems import Problem
    from permitcheck.render import Piece, ViewKind
    from permitcheck.settings import Settings

# (format, file) pairs of `validate`; a file of None is standard output.
Target = tuple[str, "str | None"]


def write(text: str | Iterable[str]) -> None:
    """Write to standard output (a text, or its parts in order); a reader that went away
    (`| head`) is not an error."""
    try:
        for part in [text] if isinstance(text, str) else text:
            sys.stdout.write(part)
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


def targets(
    formats: list[str], outputs: list[str], default: str = "text", github: bool = False
) -> list[Target]:
    """Pairs of (format, file or None for stdout); usage problems for impossible pairings.

    Formats and files pair in order. Without any --format, each file's format comes from its
    extension (`r.json` is json); a file without one, or `-`, gets `default`. `auto` is text,
    or github annotations under GitHub Actions (`github`), as yamllint chooses.
    """
    from permitcheck.i18n import t
    from permitcheck.problems import Stop

    if not formats:
        formats = [format_of(output, default) for output in outputs] or [default]
    elif len(outputs) > len(formats):
        raise Stop.usage(
            t(
                "more --output files than --format options; give one --format for each "
                "--output, or no --format at all to take each file's format from its extension",
                "--output 多于 --format；请为每个 --output 指定一个 --format，"
                "或不指定 --format，由文件扩展名决定格式",
            )
        )
    pairs: list[Target] = [
        (
            ("github" if github else "text") if fmt == "auto" else fmt,
            outputs[i] if i < len(outputs) and outputs[i] != "-" else None,
        )
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


def format_of(output: str, default: str, kind: ViewKind = "report") -> str:
    """The format a report file's extension names (the registry's suffixes; `.txt` is text), or
    `default` for `-` and a name without one; a usage problem naming the choices otherwise."""
    from permitcheck.i18n import t
    from permitcheck.problems import Stop
    from permitcheck.render import REPORTER_BY_NAME, formats

    by_suffix: dict[str, str] = {}
    for name in formats(kind):
        by_suffix.setdefault(f".{REPORTER_BY_NAME[name].suffix}", name)  # text before github
    suffix = os.path.splitext(os.path.basename(output))[1].lower()
    if output == "-" or not suffix:
        return default
    if suffix in by_suffix:
        return by_suffix[suffix]
    choices = ", ".join(f"{ext} ({name})" for ext, name in by_suffix.items())
    raise Stop.usage(
        t(
            f"--output {output}: no format is known for the extension {suffix}; name the file "
            f"with one of {choices}, or give --format",
            f"--output {output}：无法从扩展名 {suffix} 确定格式；请使用以下扩展名之一：{choices}，"
            "或指定 --format",
        )
    )


def render_options(
    output_format: str,
    target: str | None,
    settings: Settings,
    color: bool,
    verbose: bool,
    quiet: bool = False,
) -> RenderOptions:
    """How a report in `output_format` is rendered for `target` (None: standard output)."""
    from permitcheck.findings import RenderOptions

    to_terminal = target is None and color and output_format == "text"
    return RenderOptions(
        lang=settings.lang,
        color=to_terminal,
        width=terminal_width(100) if to_terminal else 100,
        verbose=verbose,
        quiet=quiet,
        show_personal_data=settings.show_personal_data,
        base_dir=os.getcwd(),
        both=settings.both_languages,
    )


def piece(
    pairs: list[Target], settings: Settings, color: bool, verbose: bool, quiet: bool = False
) -> Piece | None:
    """What renders each dossier's part of the report where it is checked, when the run
    writes one report and its format is made of such parts; else None."""
    from permitcheck import render

    if len(pairs) != 1:
        return None
    output_format, target = pairs[0]
    options = render_options(output_format, target, settings, color, verbose, quiet)
    return render.piece(output_format, options, settings.fail_on)


def reports(
    report: Report,
    pairs: list[Target],
    settings: Settings,
    color: bool,
    verbose: bool,
    quiet: bool = False,
) -> tuple[list[Problem], list[Target]]:
    """Print the report's problems, write every report; what could not be written, as problems
    (printed too), and the (format, file) pairs written to files."""
    from permitcheck.problems import Stop
    from permitcheck.render import render_parts

    lang = settings.lang
    if ("github", None) not in pairs:  # else each is an annotation in the same log already
        problems(report.errors, lang)
    failed: list[Problem] = []
    written: list[Target] = []
    for output_format, target in pairs:
        options = render_options(output_format, target, settings, color, verbose, quiet)
        # Reporters show numbers only through options.number (masked); the engine masks them in
        # messages and the loader in problems. Tests check every format for leaks.
        # In parts: a report of many dossiers is written as it is made, never held whole.
        text = render_parts("report", report, output_format, options)
        if target is None:
            try:
                write(text)
            except Stop as exc:
                failed += exc.problems
        else:
            not_written = _write_report(output_format, target, text)
            failed += not_written
            if not not_written:
                written.append((output_format, target))
        if output_format == "github":
            failed += _github_summary(report, options)
    problems(failed, lang)
    return failed, written


def summary(report: Report, written: list[Target], lang: Lang) -> None:
    """One line on standard error after reports went to files: what was checked, what was
    written (the terminal shows nothing else of a run that writes only files)."""
    from permitcheck.i18n import t

    ready = sum(1 for result in report.results if result.ready(report.fail_on))
    not_ready = len(report.results) - ready
    unchecked = len({problem.path for problem in report.errors})
    checked = ready + not_ready
    counts_en = ", ".join(
        f"{count:,} {what}" for count, what in ((ready, "ready"), (not_ready, "not ready")) if count
    )
    counts_zh = "，".join(
        f"{count:,} 份{what}" for count, what in ((ready, "可提交"), (not_ready, "未就绪")) if count
    )
    if unchecked:
        noun = "dossier" if checked + unchecked == 1 else "dossiers"
        done_en = f"Checked {checked:,} of {checked + unchecked:,} {noun}"
        done_zh = f"已检查 {checked + unchecked:,} 份档案中的 {checked:,} 份"
        counts_en += ("; " if counts_en else "") + f"{unchecked:,} could not be checked"
        counts_zh += ("；" if counts_zh else "") + f"{unchecked:,} 份无法检查"
    else:
        done_en = f"Checked {checked:,} {'dossier' if checked == 1 else 'dossiers'}"
        done_zh = f"已检查 {checked:,} 份档案"
    files = ", ".join(f"{target} ({fmt})" for fmt, target in written)
    files_zh = "、".join(f"{target}（{fmt}）" for fmt, target in written)
    if checked + unchecked == 0:
        note(t(f"No dossier checked; wrote {files}", f"未检查任何档案；已写入 {files_zh}"), lang)
        return
    note(
        t(
            f"{done_en}: {counts_en}; wrote {files}",
            f"{done_zh}：{counts_zh}；已写入 {files_zh}",
        ),
        lang,
    )


class Progress:
    """Progress of a batch on standard error: a Rich bar on a terminal, cleared at the end; a
    plain line at most every second when asked for elsewhere (a CI log keeps each line)."""

    SHOWN_FROM = 33  # dossiers: a smaller batch is one chunk, checked before a bar means much

    def __init__(self, lang: Lang, wanted: bool | None) -> None:
        self.lang = lang
        self.wanted = wanted
        self.terminal = sys.stderr.isatty()
        self.bar: Any = None
        self.task: Any = None
        self.shown = False
        self.last = 0.0

    def showing(self, total: int) -> bool:
        """Whether to show the progress of `total` dossiers: as asked; else on a terminal, for
        more than one chunk, and not in CI (its logs are read afterwards)."""
        if self.wanted is not None:
            return self.wanted
        in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
        return self.terminal and not in_ci and total >= self.SHOWN_FROM

    def update(self, done: int, total: int) -> None:
        """`done` of `total` dossiers are checked (called after each chunk)."""
        import time

        if not self.shown:
            if not self.showing(total):
                return
            self.shown = True
            if self.terminal:
                self._start_bar(total)
        now = time.monotonic()
        if self.bar is not None:
            self.bar.update(self.task, completed=done)
            # Refreshed here, not by Rich's thread: worker processes are forked meanwhile.
            if now - self.last >= 0.25 or done == total:
                self.bar.refresh()
                self.last = now
        elif now - self.last >= 1.0 or done == total:
            self.last = now
            from permitcheck.i18n import t

            note(
                t(
                    f"permitcheck: checked {done:,} of {total:,} dossiers",
                    f"permitcheck：已检查 {done:,} / {total:,} 份档案",
                ),
                self.lang,
            )

    def _start_bar(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        from permitcheck.i18n import pick

        self.bar = Bar(
            TextColumn(pick("Checking", "正在检查", self.lang)),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            auto_refresh=False,
        )
        self.task = self.bar.add_task("", total=total)
        self.bar.start()
        self.bar.refresh()

    def close(self) -> None:
        """Clear the bar (a run that ends early, by an error or Ctrl-C, clears it too)."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def write_file(output_format: str, target: str, text: str) -> list[Problem]:
    """Write one command's output in `output_format` to the file `target`, whole (never
    half-written); the reason as a problem if it cannot be written."""
    return _write_report(output_format, target, [text])


def _write_report(output_format: str, target: str, text: Iterable[str]) -> list[Problem]:
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
