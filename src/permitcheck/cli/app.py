"""The command line: reads argv and environment, writes output, exits (entry.py: --version)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from permitcheck import __version__

if TYPE_CHECKING:
    from permitcheck.dossier.discover import Skipped
    from permitcheck.findings import DossierResult, RenderOptions, Report
    from permitcheck.i18n import Lang as LangCode
    from permitcheck.i18n import Text
    from permitcheck.problems import PermitcheckError

EXIT_READY, EXIT_NOT_READY, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="permitcheck",
    help="Check a China work-permit dossier before you submit it (Nanjing rules built in).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


class GuideFormat(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class Lang(str, Enum):
    en = "en"
    zh = "zh"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class Level(str, Enum):
    municipal = "municipal"
    provincial = "provincial"


class Procedure(str, Enum):
    new = "new"
    extension = "extension"
    change = "change"
    cancellation = "cancellation"


# Options shared by every command.
LangOption = Annotated[Optional[Lang], typer.Option(  # noqa: UP045 - typer needs Optional
    "--lang", help="Language of all output: en or zh (default: from LC_ALL/LC_MESSAGES/LANG; "
                   "zh* gives Chinese).")]
FormatOption = Annotated[GuideFormat, typer.Option("--format", "-f", help="Output format.")]
RulesOption = Annotated[Optional[Path], typer.Option(  # noqa: UP045
    "--rules", metavar="DIR", help="Directory of rule packs to use instead of the built-in ones.")]
CityOption = Annotated[str, typer.Option(
    "--city", help="Rule pack (city) to use when no dossier names one.")]
TracebackOption = Annotated[bool, typer.Option(
    "--traceback", help="Show a Python traceback on internal errors (for bug reports).")]
WarnDaysOption = Annotated[int, typer.Option(
    "--warn-days", min=0, metavar="N",
    help="Warn when a time window closes within N days after the reference date.")]
AsOfOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--as-of", metavar="DATE",
    help="Reference date for every time window (default: the dossier's "
         "application.submission_date unless it has passed, else today).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"permitcheck {__version__}")
        raise typer.Exit(EXIT_READY)


@app.callback()
def main_options(
    version: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Check a China work-permit dossier before you submit it (Nanjing rules built in)."""


def default_lang() -> LangCode:
    """`zh` when the locale (LC_ALL, LC_MESSAGES, LANG) is Chinese, else `en`."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _lang(choice: Lang | None) -> LangCode:
    if choice is None:
        return default_lang()
    return "zh" if choice is Lang.zh else "en"


def _use_color(choice: Color) -> bool:
    if choice is Color.always:
        return True
    if choice is Color.never or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _run(work: Callable[[], int], lang: LangCode, traceback: bool) -> NoReturn:
    """Run a command's work; the one place errors become messages and exit codes."""
    from permitcheck.problems import PermitcheckError
    from permitcheck.render import escape

    try:
        code = work()
    except PermitcheckError as exc:
        for each in exc.all():
            typer.echo(escape.text(each.located(lang)), err=True)
        raise typer.Exit(EXIT_ERROR) from None
    except Exception as exc:
        if traceback:
            raise
        if lang == "zh":
            message = (f"permitcheck：内部错误：{type(exc).__name__}: {escape.text(str(exc))}\n"
                       "这是 permitcheck 的缺陷；请加 --traceback 重新运行并报告。")
        else:
            message = (f"permitcheck: internal error: {type(exc).__name__}: "
                       f"{escape.text(str(exc))}\n"
                       "This is a bug in permitcheck; run again with --traceback and report it.")
        typer.echo(message, err=True)
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code)


def _write(text: str) -> None:
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
        from permitcheck.problems import UsageError

        reason = exc.strerror or str(exc)
        raise UsageError(t(f"cannot write to standard output: {reason}",
                           f"无法写入标准输出：{reason}")) from None


def _today() -> date:
    """Today, from the clock, or from PERMITCHECK_TODAY (YYYY-MM-DD) for reproducible runs."""
    from permitcheck.dates import DateSyntaxError, parse_date
    from permitcheck.i18n import t
    from permitcheck.problems import UsageError

    text = os.environ.get("PERMITCHECK_TODAY")
    if not text:
        return date.today()
    try:
        return parse_date(text)
    except DateSyntaxError as exc:
        raise UsageError(t(f"PERMITCHECK_TODAY: {exc.en}",
                           f"PERMITCHECK_TODAY：{exc.zh}")) from None


def _parse_as_of(text: str | None) -> date | None:
    from permitcheck.dates import DateSyntaxError, parse_date
    from permitcheck.i18n import t
    from permitcheck.problems import UsageError

    if text is None:
        return None
    try:
        return parse_date(text)
    except DateSyntaxError as exc:
        raise UsageError(t(f"--as-of: {exc.en}", f"--as-of：{exc.zh}")) from None


# ---- validate ------------------------------------------------------------------------------

@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(
        help="Dossier files, directories (searched recursively; YAML files without the "
             "top-level `permitcheck` key are skipped) and glob patterns.",
        show_default=False)],
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = 14,
    output_formats: Annotated[Optional[list[Format]], typer.Option(  # noqa: UP045
        "--format", "-f", help="Output format; repeat it with --output for several reports "
                               "in one run (default: text).")] = None,
    outputs: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--output", "-o", metavar="FILE",
        help="Write the report of the matching --format (first to first, ...) to FILE, "
             "replacing it whole (never half-written); `-` or a format without a file goes "
             "to standard output.")] = None,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Lowest severity that makes a dossier not ready (exit 1).")]
        = FailOn.error,
    lang: LangOption = None,
    color: Annotated[Color, typer.Option(
        "--color", help="Colour: auto (only on a terminal, and not when NO_COLOR is set), "
                        "always or never.")] = Color.auto,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also list rules that do not apply, and every rule id.")] = False,
    show_personal_data: Annotated[bool, typer.Option(
        "--show-personal-data", help="Show passport and permit numbers in full (masked by "
                                     "default, as CI logs are widely readable).")] = False,
    skip_non_dossiers: Annotated[bool, typer.Option(
        "--skip-non-dossiers", help="Skip named YAML files that are not dossiers instead of "
                                    "reporting them (for hooks that pass every YAML file).")]
        = False,
    jobs: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--jobs", "-j", min=1, help="Worker processes for large batches (default: one per "
                                    "core; at most four per core).")] = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Check dossiers and print what is missing, how to fix it, and the FAQ section behind it.

    Exit codes: 0 every dossier is ready; 1 at least one is not ready; 2 nothing could be
    checked for a file (malformed dossier, invalid rule file) and none is not ready, or bad
    usage.
    """
    language = _lang(lang)

    def work() -> int:
        from permitcheck import batch
        from permitcheck.dossier.discover import discover

        targets = _targets(output_formats or [Format.text], outputs or [])
        inputs = discover(paths, skip_non_dossiers)
        _refuse_overwrite(targets, [*inputs.dossiers, *(s.path for s in inputs.skipped)])
        if not inputs.dossiers and not inputs.errors and not skip_non_dossiers:
            # A CI job pointed at the wrong folder must not pass silently.
            from permitcheck.i18n import t
            from permitcheck.problems import UsageError

            found = len(inputs.skipped)
            files = "1 YAML file" if found == 1 else f"{found} YAML files"
            shown = inputs.skipped[:10]
            # Each skipped file with the reason: a dossier skipped by mistake shows here.
            raise UsageError(
                t(f"no dossier found ({files} skipped, none of them a dossier)",
                  f"未找到档案（跳过了 {found} 个 YAML 文件，均不是档案）"),
                others=tuple(UsageError(t(f"skipped: {skipped.reason.en}",
                                          f"已跳过：{skipped.reason.zh}"), skipped.path)
                             for skipped in shown))
        settings = batch.Settings(as_of=_parse_as_of(as_of), today=_today(),
                                  warn_days=warn_days, rules_dir=rules_dir,
                                  show_personal_data=show_personal_data)
        results, errors = batch.check_all(inputs.dossiers, settings, jobs, traceback)
        report = _report(results, [*inputs.errors, *errors], inputs.skipped, fail_on.value,
                         rules_dir)
        failed = _emit(report, targets, language, _use_color(color), verbose,
                       show_personal_data)
        if not report.all_ready():
            return EXIT_NOT_READY  # the verdict stands, even if a report could not be written
        return EXIT_ERROR if report.errors or failed else EXIT_READY

    _run(work, language, traceback)


def _targets(formats: list[Format], outputs: list[str]) -> list[tuple[str, str | None]]:
    """Pairs of (format, file or None for stdout); usage errors for impossible pairings."""
    from permitcheck.i18n import t
    from permitcheck.problems import UsageError

    if len(outputs) > len(formats):
        if len(formats) == 1 and formats[0] is Format.text and len(outputs) == 1:
            formats = [Format.text]
        else:
            raise UsageError(t("more --output files than --format options; give one --format "
                               "for each --output",
                               "--output 多于 --format；请为每个 --output 指定一个 --format"))
    pairs = [(fmt.value, outputs[i] if i < len(outputs) and outputs[i] != "-" else None)
             for i, fmt in enumerate(formats)]
    if sum(1 for _, target in pairs if target is None) > 1:
        raise UsageError(t("only one report can go to standard output; give --output FILE for "
                           "the others",
                           "只有一份报告可以输出到标准输出；其余请用 --output 指定文件"))
    return pairs


def _refuse_overwrite(pairs: list[tuple[str, str | None]], inputs: list[str]) -> None:
    """An --output that is one of the files being read would destroy the user's work.

    Files are compared by identity (device and inode), so a hard or symbolic link to a dossier
    is recognised too; a path that cannot be examined (a link loop) is that input's own error.
    """
    from permitcheck.i18n import t
    from permitcheck.problems import UsageError

    def identity(path: str) -> tuple[int, int] | None:
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        return info.st_dev, info.st_ino

    read = {key for key in map(identity, inputs) if key is not None}
    for _, target in pairs:
        if target is not None and identity(target) in read:
            raise UsageError(t(f"--output {target} is one of the dossiers being checked; "
                               "permitcheck never writes over your files",
                               f"--output {target} 是正在检查的档案之一；"
                               "permitcheck 不会覆盖您的文件"))


def _report(results: list[DossierResult], errors: list[PermitcheckError], skipped: list[Skipped],
            fail_on: str, rules_dir: Path | None) -> Report:
    from permitcheck.findings import Report, RuleInfo

    catalog: dict[str, RuleInfo] = {}
    if results:  # a run whose every file failed to load never imports the checker
        from permitcheck.engine import rule_catalog
        from permitcheck.rulepack.pack import load_pack

        for city in sorted({result.city for result in results}):
            catalog.update(rule_catalog(load_pack(city, rules_dir)))
    return Report(results=tuple(sorted(results, key=lambda r: r.path)),
                  # Stable: a file's own errors stay in the order the loader gave (file order).
                  errors=tuple(sorted(errors, key=lambda e: e.path or "")),
                  fail_on="warning" if fail_on == "warning" else "error",
                  skipped=tuple(sorted(skipped, key=lambda s: s.path)), rules=catalog)


def _emit(report: Report, targets: list[tuple[str, str | None]], lang: LangCode, color: bool,
          verbose: bool, show_personal_data: bool) -> list[PermitcheckError]:
    """Print the errors, write every report; what could not be written, as errors (printed)."""
    from permitcheck.findings import RenderOptions
    from permitcheck.problems import PermitcheckError
    from permitcheck.render import escape, renderer

    for error in report.errors:
        typer.echo(escape.text(error.located(lang)), err=True)
    failed: list[PermitcheckError] = []
    for output_format, target in targets:
        to_terminal = target is None and color and output_format == "text"
        width = 100
        if to_terminal:
            import shutil

            width = shutil.get_terminal_size((100, 24)).columns
        options = RenderOptions(lang=lang, color=to_terminal, width=width, verbose=verbose,
                                show_personal_data=show_personal_data, base_dir=os.getcwd())
        # Reporters show numbers only through options.number (masked); the engine masks them in
        # messages and the loader in errors. Tests check every format for leaks.
        text = renderer(output_format)(report, options)
        if target is None:
            try:
                _write(text)
            except PermitcheckError as exc:
                failed.append(exc)
        else:
            failed += _write_report(output_format, target, text)
        if output_format == "github":
            failed += _github_summary(report, options)
    for error in failed:
        typer.echo(escape.text(error.located(lang)), err=True)
    return failed


def _write_report(output_format: str, target: str, text: str) -> list[PermitcheckError]:
    """Write one report file whole; the reason as an error if it cannot be written."""
    from permitcheck.files import write_replacing
    from permitcheck.i18n import t
    from permitcheck.problems import UsageError

    what_en, what_zh = f"the {output_format} report", f"{output_format} 报告"
    if target.endswith(("/", os.sep)):
        suggestion = f"{target}permitcheck.{_SUFFIX.get(output_format, 'txt')}"
        return [UsageError(t(f"cannot write {what_en} to {target}: it names a folder; give a "
                             f"file name, such as {suggestion}",
                             f"无法将{what_zh}写入 {target}：这是一个目录名；请给出文件名，"
                             f"例如 {suggestion}"))]
    try:
        folder = os.path.dirname(target)
        if folder:
            os.makedirs(folder, exist_ok=True)
        write_replacing(target, text)
    except OSError as exc:
        return [UsageError(t(f"cannot write {what_en} to {target}: {_reason(exc).en}",
                             f"无法将{what_zh}写入 {target}：{_reason(exc).zh}"))]
    return []


_SUFFIX = {"text": "txt", "json": "json", "junit": "xml", "sarif": "sarif", "github": "txt",
           "markdown": "md"}


def _reason(exc: OSError) -> Text:
    from permitcheck.i18n import t

    if isinstance(exc, IsADirectoryError):
        return t("it is a directory", "这是一个目录")
    reason = exc.strerror or str(exc)
    return t(reason, reason)


def _github_summary(report: Report, options: RenderOptions) -> list[PermitcheckError]:
    """Append the Markdown summary to $GITHUB_STEP_SUMMARY when GitHub Actions provides it."""
    from permitcheck.i18n import t
    from permitcheck.problems import UsageError
    from permitcheck.render import renderer

    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return []
    try:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(renderer("markdown")(report, options))
    except OSError as exc:
        return [UsageError(t(f"cannot write the step summary to {summary}: {_reason(exc).en}",
                             f"无法写入步骤摘要 {summary}：{_reason(exc).zh}"))]
    return []


# ---- timeline ------------------------------------------------------------------------------

@app.command()
def timeline(
    dossier: Annotated[Path, typer.Argument(help="The dossier to draw.", show_default=False)],
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = 14,
    output_format: FormatOption = GuideFormat.text,
    lang: LangOption = None,
    color: Annotated[Color, typer.Option(
        "--color", help="Colour and symbols: auto (only on a terminal, and not when NO_COLOR "
                        "is set), always or never.")] = Color.auto,
    width: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--width", min=60, help="Columns to draw in (default: the terminal's, else 80).")]
        = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Each dated document's validity window on one date axis, with the reference date and
    the last safe submission day marked."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.dates import reference_date
        from permitcheck.dossier.loader import load_file
        from permitcheck.engine import evaluate
        from permitcheck.render import timeline as drawing
        from permitcheck.rulepack import guide
        from permitcheck.rulepack.pack import pack_for

        loaded = load_file(str(dossier))
        pack = pack_for(loaded, rules_dir)
        reference = reference_date(_parse_as_of(as_of), loaded.model.application.submission_date,
                                   _today())
        windows = guide.step_windows(guide.steps(pack),
                                     guide.DossierDates.of(loaded.model, reference))
        picture = drawing.build(evaluate(loaded, pack, reference, warn_days), windows,
                                warn_days)
        if output_format is GuideFormat.json:
            _write(drawing.render_json(picture, language))
            return EXIT_READY
        use_color = _use_color(color)
        columns = width
        if columns is None:
            import shutil

            columns = shutil.get_terminal_size((80, 24)).columns if use_color else 80
        _write(drawing.render(picture, language, use_color, columns))
        return EXIT_READY

    _run(work, language, traceback)


# ---- schema and init -----------------------------------------------------------------------

@app.command()
def schema(
    lang: LangOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Print the JSON Schema of the dossier format (for editors and other validators)."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.dossier.json_schema import render

        _write(render())
        return EXIT_READY

    _run(work, language, traceback)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="The dossier file to create.",
                                         show_default=False)],
    kind: Annotated[Procedure, typer.Option(
        "--type", "-t", help="The procedure of the application.")] = Procedure.new,
    schema_ref: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--schema", metavar="PATH_OR_URL",
        help="Where editors find the schema (`permitcheck schema > dossier.schema.json`); "
             "written as a yaml-language-server comment.")] = None,
    lang: LangOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Write a commented dossier skeleton to fill in; an existing file is never overwritten."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.dossier.skeleton import skeleton
        from permitcheck.i18n import t
        from permitcheck.problems import UsageError

        text = skeleton(kind.value, path.name, schema_ref)
        try:
            with open(path, "x", encoding="utf-8") as handle:  # "x": fails if it exists
                handle.write(text)
        except FileExistsError:
            raise UsageError(t(f"{path} already exists; permitcheck never overwrites a file",
                               f"{path} 已存在；permitcheck 不会覆盖已有文件")) from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UsageError(t(f"cannot create {path}: {reason}",
                               f"无法创建 {path}：{reason}")) from None
        message = (f"已创建 {path}；请填写后运行 permitcheck validate {path}" if language == "zh"
                   else f"Created {path}; fill it in, then run: permitcheck validate {path}")
        typer.echo(message, err=True)
        return EXIT_READY

    _run(work, language, traceback)


# ---- where ---------------------------------------------------------------------------------

@app.command()
def where(
    dossier: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        help="A dossier whose `employer` decides the window.", show_default=False)] = None,
    registered_in: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--registered-in", metavar="DISTRICT_OR_ZONE",
        help="Where the employer is registered, e.g. jianye, jiangbei_new_area, jiangning, "
             "jiangning_development_zone (overrides the dossier).")] = None,
    level: Annotated[Optional[Level], typer.Option(  # noqa: UP045
        "--level", help="municipal, or provincial for a provincial or ministerial unit "
                        "(overrides the dossier; default municipal).")] = None,
    city: CityOption = "nanjing",
    output_format: FormatOption = GuideFormat.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Which acceptance window, address and hotline serve this employer (FAQ 1)."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.dossier.loader import load_file
        from permitcheck.i18n import t
        from permitcheck.problems import DossierError, UsageError
        from permitcheck.render import guide_views
        from permitcheck.rulepack import guide
        from permitcheck.rulepack.pack import load_pack

        employer_name: str | None = None
        chosen_level = level.value if level else None
        district = registered_in
        pack_name = city
        if dossier is not None:
            loaded = load_file(str(dossier))
            pack_name = loaded.model.application.city
            employer = loaded.model.employer
            if employer is None and (registered_in is None and level is None):
                raise DossierError(
                    t("the dossier has no `employer` section; add it, or give --registered-in "
                      "or --level", "档案中没有 `employer` 部分；请补充，或使用 --registered-in "
                      "或 --level"), loaded.path, loaded.source.locate(()))
            if employer is not None:
                employer_name = employer.name
                chosen_level = chosen_level or employer.level
                district = district or employer.registered_in
        elif registered_in is None and level is None:
            raise UsageError(t("give a dossier, or --registered-in (and --level provincial for "
                               "a provincial or ministerial employer)",
                               "请指定档案文件，或使用 --registered-in（省部属单位加 "
                               "--level provincial）"))
        pack = load_pack(pack_name, rules_dir)
        wanted = guide.Employer(level=chosen_level or "municipal", registered_in=district)
        try:
            authority = guide.authority_for(pack, wanted)
        except UsageError as exc:
            if dossier is None or registered_in is not None or level is not None:
                raise
            # The dossier decided: point at what it says.
            raise DossierError(exc.text, loaded.path, loaded.source.locate(
                ("employer", "registered_in") if district else ("employer",),
                value=district is not None)) from None
        table = guide.windows(pack)
        view = guide_views.WhereView(
            employer=employer_name, level=wanted.level, district_key=district,
            district=table.districts.get(district) if district else None,
            authority=authority, pack=pack)
        _write(guide_views.render_where(view, output_format.value, language))
        return EXIT_READY

    _run(work, language, traceback)


# ---- steps ---------------------------------------------------------------------------------

@app.command()
def steps(
    dossier: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        help="A dossier: gives the places for its employer and the dates that are due.",
        show_default=False)] = None,
    as_of: AsOfOption = None,
    city: CityOption = "nanjing",
    output_format: FormatOption = GuideFormat.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """The steps of a new application in order (FAQ 2), with due dates and places."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.dossier.loader import load_file
        from permitcheck.i18n import PROCEDURES, t
        from permitcheck.problems import UsageError
        from permitcheck.render import guide_views
        from permitcheck.rulepack import guide
        from permitcheck.rulepack.pack import load_pack

        acceptance: guide.Authority | None = None
        facts = guide.DossierDates(as_of=_today())
        heading: str | None = None
        note: Text | None = None
        known_employer = False
        if dossier is None:
            pack = load_pack(city, rules_dir)
        else:
            from permitcheck.dates import reference_date
            from permitcheck.engine import evaluate
            from permitcheck.rulepack.pack import pack_for

            loaded = load_file(str(dossier))
            pack = pack_for(loaded, rules_dir)
            model = loaded.model
            heading = model.applicant.name
            reference = reference_date(_parse_as_of(as_of), model.application.submission_date,
                                       _today())
            submit_by = None
            if model.application.type != "new":
                kind = model.application.type
                article = "an" if kind == "extension" else "a"
                note = t(f"This dossier is for {article} {kind}; these steps describe a new hire.",
                         f"本档案为{PROCEDURES[kind].zh}申请；以下为新聘外国人的办理流程。")
            else:
                submit_by = evaluate(loaded, pack, reference).submit_by
            facts = guide.DossierDates.of(model, reference, submit_by)
            if model.employer is not None:
                heading += f", {model.employer.name}"
                try:
                    acceptance = guide.authority_for(pack, guide.Employer(
                        model.employer.level, model.employer.registered_in))
                    known_employer = True
                except UsageError:
                    acceptance = None  # shown as "see permitcheck where"
        table = guide.steps(pack)
        items = []
        for step in table.steps:
            authority, step_note = None, None
            if step.where == "acceptance":
                authority = acceptance
            elif step.where == "registration":
                authority = guide.registration_authority(pack, acceptance) \
                    if known_employer or dossier is None else None
                step_note = (guide.registration_note(pack, acceptance) if known_employer
                             else None)
            dated = guide.step_dates(step, facts)
            items.append(guide_views.StepView(
                step=step, authority=authority,
                place=table.places.get(step.where), also=table.places.get(step.also or ""),
                due=dated.due, due_note=dated.note, note=step_note, flag=dated.flag,
                done=dated.done))
        view = guide_views.StepsView(heading=heading, note=note, steps=tuple(items),
                               pack=pack)
        _write(guide_views.render_steps(view, output_format.value, language))
        return EXIT_READY

    _run(work, language, traceback)


# ---- rules and explain ---------------------------------------------------------------------

@app.command("rules")
def list_rules(
    procedure: Annotated[Optional[Procedure], typer.Option(  # noqa: UP045
        "--procedure", "-p", help="Only the rules of this procedure.")] = None,
    city: CityOption = "nanjing",
    output_format: FormatOption = GuideFormat.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """List the rules of a pack: id, severity, FAQ section and title."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.render import guide_views
        from permitcheck.rulepack.pack import load_pack

        pack = load_pack(city, rules_dir)
        chosen = [rule for rule in pack.rules
                  if procedure is None or procedure.value in rule.applies.procedures]
        _write(guide_views.render_rules(pack, chosen, output_format.value, language))
        return EXIT_READY

    _run(work, language, traceback)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE_ID", help="A rule id, as "
                                           "`permitcheck rules` lists them.")],
    city: CityOption = "nanjing",
    output_format: FormatOption = GuideFormat.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """What a rule checks, when it applies, its exemptions and the FAQ sentences behind it."""
    language = _lang(lang)

    def work() -> int:
        import difflib

        from permitcheck.basemodel import shown
        from permitcheck.i18n import t
        from permitcheck.problems import UsageError
        from permitcheck.render import guide_views
        from permitcheck.rulepack.pack import load_pack

        pack = load_pack(city, rules_dir)
        by_id = {rule.id: rule for rule in pack.rules}
        if rule_id not in by_id:
            close = difflib.get_close_matches(rule_id, list(by_id), n=3, cutoff=0.5)
            if not close:
                close = [known for known in by_id if rule_id in known][:3]
            hint_en = f"; did you mean: {', '.join(close)}?" if close else \
                "; `permitcheck rules` lists them"
            hint_zh = f"；是否应为：{', '.join(close)}？" if close else \
                "；可用 `permitcheck rules` 查看全部规则"
            raise UsageError(t(f"unknown rule id {shown(rule_id)}{hint_en}",
                               f"未知的规则编号 {shown(rule_id)}{hint_zh}"))
        _write(guide_views.render_explain(pack, by_id[rule_id], output_format.value, language))
        return EXIT_READY

    _run(work, language, traceback)


def main() -> None:
    """Console-script entry point."""
    import signal

    def stopped(signum: int, frame: object) -> None:
        # As an exception, so that `finally` blocks run: worker processes are stopped and no
        # half-written report stays behind. 128 + the signal (143, 130), as shells report it.
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGINT, stopped)
    app()
