"""The commands: options parsed into one Settings value, a service called, its view printed."""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from permitcheck import __version__
from permitcheck.cli import output
from permitcheck.render import formats
from permitcheck.settings import Settings  # only the standard library: cheap at start-up

if TYPE_CHECKING:
    from permitcheck.config.load import Config
    from permitcheck.dossier.discover import Exclude
    from permitcheck.i18n import Lang as LangCode
    from permitcheck.i18n import Text
    from permitcheck.render import ViewKind

EXIT_READY, EXIT_NOT_READY, EXIT_ERROR = 0, 1, 2


class Command(typer.core.TyperCommand):
    """A command whose help names its arguments by their metavar, as Click writes it
    (`DOSSIER...`, `[DOSSIER]`), without the Python types Typer adds (`{paths}`, `<path>`)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_usage(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    return f"{name}..." if param.nargs != 1 else name


def _argument_usage(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    shown = name if param.required else f"[{name}]"
    return f"{shown}..." if param.nargs != 1 else shown


app = typer.Typer(
    name="permitcheck",
    help="Check a China work-permit dossier before you submit it (Nanjing rules built in).",
    no_args_is_help=True,
    # --install-completion and --show-completion: commands, options, and the choices of an
    # option complete; file names fall back to the shell's own completion.
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# The --format choices come from the renderer registry: a format added there is offered by every
# command whose view it renders.
# `validate` also takes `auto`: text, or github annotations under GitHub Actions.
REPORT_FORMATS = ("auto", *formats("report"))
Format = Enum("Format", {f: f for f in REPORT_FORMATS}, type=str)  # type: ignore[misc]
GuideFormat = Enum("GuideFormat", {f: f for f in formats("where")}, type=str)  # type: ignore[misc]
GUIDE_TEXT = GuideFormat("text")


def _listed(names: tuple[str, ...]) -> str:
    """`a, b or c`: the choices of an option, in its help."""
    return f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]


# The choices of options, as Typer offers and checks them (Enum values: `.value`).
Lang = Enum("Lang", {"en": "en", "zh": "zh"}, type=str)
Color = Enum("Color", {"auto": "auto", "always": "always", "never": "never"}, type=str)
Level = Enum("Level", {"municipal": "municipal", "provincial": "provincial"}, type=str)
Procedure = Enum(
    "Procedure",
    {"new": "new", "extension": "extension", "change": "change", "cancellation": "cancellation"},
    type=str,
)
FailOn = Enum("FailOn", {"error": "error", "warning": "warning"}, type=str)
# validate's languages: also both side by side, for the report that can show them (HTML).
ReportLang = Enum("ReportLang", {"en": "en", "zh": "zh", "en+zh": "en+zh"}, type=str)


# Options shared by every command.
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        metavar="LANG",
        help="Language of all output: en or zh (default: from LC_ALL/LC_MESSAGES/LANG; "
        "zh* gives Chinese).",
    ),
]
FormatOption = Annotated[
    GuideFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=f"Output format: {_listed(formats('where'))}.",
    ),
]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        metavar="DIR",
        help="A folder of rule packs (or one pack's folder), used before the installed ones.",
    ),
]


def _completion_settings(ctx: typer.Context) -> Settings:
    """The settings a completion needs: the --rules and --city already on the command line."""
    rules_dir, city = ctx.params.get("rules_dir"), ctx.params.get("city")
    return _settings(
        "en",
        rules_dir=rules_dir if isinstance(rules_dir, Path) else None,
        city=city if isinstance(city, str) else None,
    )


def _complete_city(ctx: typer.Context, incomplete: str) -> list[str]:
    """The city packs a --city can name (a completion never fails: nothing then)."""
    from permitcheck import services

    try:
        packs = services.list_packs(_completion_settings(ctx))
    except Exception:
        return []
    return [pack.name for pack in packs if pack.city and pack.name.startswith(incomplete)]


def _complete_rule_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """The rule ids of the pack `explain` would use."""
    from permitcheck import services

    try:
        rules = services.list_rules(None, _completion_settings(ctx)).rules
    except Exception:
        return []
    return [rule.id for rule in rules if rule.id.startswith(incomplete)]


def city_option(what: str) -> Any:
    """The --city option, saying what the pack is used for by one command: a command given a
    dossier takes its `application.city`, the others --city alone."""
    return typer.Option(
        "--city",
        metavar="CITY",
        autocompletion=_complete_city,
        show_default=False,
        help=f"The rule pack (city) {what}; by default the only city pack installed "
        "(`permitcheck rules --packs` lists them).",
    )


TracebackOption = Annotated[
    bool,
    typer.Option(
        "--traceback", help="Show a Python traceback on internal errors (for bug reports)."
    ),
]
WarnDaysOption = Annotated[
    int | None,
    typer.Option(
        "--warn-days",
        min=0,
        metavar="N",
        show_default=False,
        help="Warn when a time window closes within N days after the reference date (default: 14).",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        show_default=False,
        help="Read settings and waivers from FILE (YAML, or a pyproject.toml with "
        "[tool.permitcheck]) instead of the permitcheck.yaml, .permitcheck.yaml or "
        "pyproject.toml found from the working directory up.",
    ),
]
IsolatedOption = Annotated[
    bool,
    typer.Option(
        "--isolated", help="Ignore every configuration file: defaults and the command line only."
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Reference date for every time window (default: the dossier's "
        "application.submission_date unless it has passed, else today).",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"permitcheck {__version__}")
        raise typer.Exit(EXIT_READY)


@app.callback()
def main_options(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = None,
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
    """Run a command's work; the one place problems become messages and exit codes."""
    from permitcheck.problems import Stop
    from permitcheck.render import escape

    try:
        code = work()
    except Stop as exc:
        output.problems(exc.problems, lang)
        raise typer.Exit(EXIT_ERROR) from None
    except Exception as exc:
        if traceback:
            raise
        from permitcheck.i18n import t

        name, text = type(exc).__name__, escape.text(str(exc))
        output.note(
            t(
                f"permitcheck: internal error: {name}: {text}\n"
                "This is a bug in permitcheck; run again with --traceback and report it.",
                f"permitcheck：内部错误：{name}: {text}\n"
                "这是 permitcheck 的缺陷；请加 --traceback 重新运行并报告。",
            ),
            lang,
        )
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code)


def _date_setting(name: str, text: str) -> date:
    """A date given on the command line or in the environment, or a usage problem."""
    from permitcheck.dates import DateSyntaxError, parse_date
    from permitcheck.i18n import t
    from permitcheck.problems import Stop

    try:
        return parse_date(text)
    except DateSyntaxError as exc:
        raise Stop.usage(t(f"{name}: {exc.en}", f"{name}：{exc.zh}")) from None


def _settings(
    lang: LangCode,
    *,
    as_of: str | None = None,
    warn_days: int | None = 14,
    rules_dir: Path | None = None,
    city: str | None = None,
    fail_on: FailOn = FailOn.error,
    show_personal_data: bool = False,
    jobs: int | None = None,
    traceback: bool = False,
) -> Settings:
    """The options of a command as one Settings value; today from the clock, or from
    PERMITCHECK_TODAY (YYYY-MM-DD) for reproducible runs."""
    today_text = os.environ.get("PERMITCHECK_TODAY")
    return Settings(
        today=_date_setting("PERMITCHECK_TODAY", today_text) if today_text else date.today(),
        lang=lang,
        as_of=_date_setting("--as-of", as_of) if as_of is not None else None,
        warn_days=warn_days,
        rules_dir=rules_dir,
        city=city,
        fail_on="warning" if fail_on is FailOn.warning else "error",
        show_personal_data=show_personal_data,
        jobs=jobs,
        traceback=traceback,
    )


def _show(
    kind: ViewKind,
    view: object,
    output_format: str,
    settings: Settings,
    color: bool = False,
    width: int = 100,
) -> int:
    """Print a command's view in the chosen format."""
    from permitcheck.findings import RenderOptions
    from permitcheck.render import render

    options = RenderOptions(lang=settings.lang, color=color, width=width)
    output.write(render(kind, view, output_format, options))
    return EXIT_READY


def _guide_options(city_use: str) -> tuple[inspect.Parameter, ...]:
    """The options every guide command (where, steps, rules, explain) ends with, declared
    once; --city says what the pack is used for by the command."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    return (
        inspect.Parameter(
            "city",
            keyword,
            default=None,
            annotation=Annotated[str | None, city_option(city_use)],
        ),
        inspect.Parameter("output_format", keyword, default=GUIDE_TEXT, annotation=FormatOption),
        inspect.Parameter("lang", keyword, default=None, annotation=LangOption),
        inspect.Parameter("rules_dir", keyword, default=None, annotation=RulesOption),
        inspect.Parameter("config_file", keyword, default=None, annotation=ConfigOption),
        inspect.Parameter("isolated", keyword, default=False, annotation=IsolatedOption),
        inspect.Parameter("traceback", keyword, default=False, annotation=TracebackOption),
    )


# What the pack is used for, as --city says it, by a command given a dossier (which names its
# own city in `application.city`).
DOSSIER_CITY = "to use when the dossier names none, or when no dossier is given"


def _guide_command(
    kind: ViewKind, city_use: str
) -> Callable[[Callable[..., object]], Callable[..., None]]:
    """A guide command from a function of its own options (and `settings`, `services`, and
    `stdin` for a `dossier` that may be `-`) that returns the view: the shared options are
    added to its signature for Typer; the view is printed in the chosen format."""

    def decorate(build: Callable[..., object]) -> Callable[..., None]:
        own = [
            parameter
            for name, parameter in inspect.signature(build, eval_str=True).parameters.items()
            if name not in ("settings", "services", "stdin")
        ]
        shared = _guide_options(city_use)

        @functools.wraps(build)
        def command(**given: Any) -> None:
            language = _lang(given["lang"])

            def work() -> int:
                from permitcheck import services

                mine = {parameter.name: given[parameter.name] for parameter in own}
                if str(given.get("dossier")) == services.STDIN:
                    mine["stdin"] = _read_stdin()
                language, rules_dir = _language_and_rules(
                    _config(given["config_file"], given["isolated"]),
                    given["lang"],
                    given["rules_dir"],
                )
                settings = _settings(
                    language,
                    traceback=given["traceback"],
                    rules_dir=rules_dir,
                    city=given["city"],
                    as_of=given.get("as_of"),
                )
                view = build(**mine, settings=settings, services=services)
                return _show(kind, view, str(given["output_format"].value), settings)

            _run(work, language, given["traceback"])

        command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [*own, *shared], return_annotation=None
        )
        command.__annotations__ = {
            parameter.name: parameter.annotation for parameter in [*own, *shared]
        }
        return command

    return decorate


def _read_stdin() -> bytes:
    """Standard input, whole, for a dossier named `-` (one byte more than a dossier may have:
    the loader then says it is too large, as for a file)."""
    from permitcheck.dossier.yaml_reader import MAX_BYTES

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # closed, or replaced by something without bytes
        return b""
    try:
        data: bytes = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        from permitcheck.i18n import t
        from permitcheck.problems import Stop

        reason = exc.strerror or str(exc)
        raise Stop.usage(
            t(f"cannot read standard input: {reason}", f"无法读取标准输入：{reason}")
        ) from None
    return data


# ---- configuration -------------------------------------------------------------------------


def _config(path: Path | None, isolated: bool) -> Config:
    """The configuration of this run: FILE of --config, none with --isolated, else the file
    found from the working directory up (none if there is none)."""
    from permitcheck.config import load

    if isolated:
        if path is not None:
            from permitcheck.i18n import t
            from permitcheck.problems import Stop

            raise Stop.usage(
                t(
                    "--config and --isolated contradict each other; give one of them",
                    "--config 与 --isolated 互相矛盾；请只给出其中一个",
                )
            )
        return load.NONE
    if path is not None:
        return load.load(str(path))
    found = load.find(os.getcwd())
    if found is None:
        return load.NONE
    # Named from here in messages (`../permitcheck.yaml:4:3`), as the dossiers are.
    path_found, hidden = found
    return load.load(os.path.relpath(path_found), tuple(map(os.path.relpath, hidden)))


def _chosen(config: Config, **given: Any) -> dict[str, Any]:
    """The value of every `validate` setting: the command line's, else the configuration's,
    else the default (the language's from the locale)."""
    from permitcheck.config.load import settle

    settled = settle(config, given, {"lang": default_lang()})
    return {name: setting.value for name, setting in settled.items()}


def _language_and_rules(
    config: Config, lang: Lang | None, rules_dir: Path | None
) -> tuple[LangCode, Path | None]:
    """The language and the rules folder of a command other than `validate`: the command
    line's, else the configuration's, else the locale's and the built-in rules."""
    chosen = _chosen(
        config,
        lang=None if lang is None else lang.value,
        rules=None if rules_dir is None else str(rules_dir),
    )
    return chosen["lang"], None if chosen["rules"] is None else Path(chosen["rules"])


def _exclude(config: Config) -> Exclude | None:
    """What the configuration's `exclude` leaves out of folder scans and patterns; the
    configuration file itself is never taken for a dossier."""
    from permitcheck.dossier.discover import excluder

    if config.path is None:
        return None
    written = config.values.get("exclude")
    patterns = [] if written is None else list(written.value)
    origin = written.origin if written is not None else config.path
    itself = os.path.abspath(config.path)
    excluded = excluder(patterns, config.folder, origin)

    def exclude(path: str) -> Text | None:
        if os.path.abspath(path) == itself:
            from permitcheck.i18n import t

            return t("the configuration file", "配置文件")
        return excluded(path)

    return exclude


def _dossiers(chosen: dict[str, Any]) -> list[str]:
    """The dossiers a command reads: named on the command line, else the configuration's
    `paths`; a usage problem when neither names any."""
    dossiers = list(chosen["paths"])
    if not dossiers:
        from permitcheck.i18n import t
        from permitcheck.problems import Stop

        raise Stop.usage(
            t(
                "no DOSSIER given: name dossier files or folders, or set `paths` in a "
                "configuration file (permitcheck.yaml)",
                "未指定 DOSSIER：请给出档案文件或目录，或在配置文件（permitcheck.yaml）中设置 "
                "`paths`",
            )
        )
    return dossiers


# ---- validate ------------------------------------------------------------------------------


@app.command(cls=Command)
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="DOSSIER",
            help="Dossier files, directories (searched recursively; YAML files without the "
            "top-level `permitcheck` key are skipped) and glob patterns; `-` reads a dossier "
            "from standard input (its `file:` paths are relative to the working directory). "
            "Default: the configuration's `paths`.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = None,
    output_formats: Annotated[
        list[Format] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"Output format: {_listed(REPORT_FORMATS)}; repeat it with --output for "
            "several reports in one run. Default: auto, which is github annotations when "
            "GITHUB_ACTIONS=true, else text; with --output and no --format, each file's "
            "extension names its format (.json, .sarif, .xml junit, .md markdown, .txt text).",
        ),
    ] = None,
    outputs: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report of the matching --format (first to first, ...) to FILE, "
            "replacing it whole (never half-written); `-` or a format without a file goes "
            "to standard output.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            metavar="SEVERITY",
            show_default=False,
            help="Lowest severity that makes a dossier not ready (exit 1): error (default) or "
            "warning.",
        ),
    ] = None,
    lang: Annotated[
        ReportLang | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="Language of all output: en or zh (default: from LC_ALL/LC_MESSAGES/LANG; "
            "zh* gives Chinese); en+zh puts both side by side in the HTML report.",
        ),
    ] = None,
    color: Annotated[
        Color | None,
        typer.Option(
            "--color",
            metavar="WHEN",
            show_default=False,
            help="Colour: auto (default: only on a terminal, and not when NO_COLOR is set), "
            "always or never.",
        ),
    ] = None,
    verbose: Annotated[
        bool | None,
        typer.Option(
            "--verbose", "-v", help="Also list rules that do not apply, and every rule id."
        ),
    ] = None,
    quiet: Annotated[
        bool | None,
        typer.Option(
            "--quiet",
            "-q",
            help="Text: only failures, warnings and summaries; a ready dossier in one line.",
        ),
    ] = None,
    show_personal_data: Annotated[
        bool | None,
        typer.Option(
            "--show-personal-data",
            help="Show passport and permit numbers in full (masked by "
            "default, as CI logs are widely readable).",
        ),
    ] = None,
    skip_non_dossiers: Annotated[
        bool | None,
        typer.Option(
            "--skip-non-dossiers",
            help="Skip named YAML files that are not dossiers instead of "
            "reporting them (for hooks that pass every YAML file).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Worker processes for large batches, at least 1 (default: one per "
            "core; at most four per core).",
        ),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            show_default=False,
            help="Show how many dossiers are checked so far, on standard error: a bar on a "
            "terminal, else a line a second (default: on a terminal, for more than 32 "
            "dossiers, unless CI is set).",
        ),
    ] = None,
    rules_dir: RulesOption = None,
    config_file: ConfigOption = None,
    isolated: IsolatedOption = False,
    traceback: TracebackOption = False,
) -> None:
    """Check dossiers and print what is missing, how to fix it, and the FAQ section behind it.

    Exit codes: 0 every dossier is ready; 1 at least one is not ready; 2 nothing could be
    checked for a file (malformed dossier, invalid rule file) and none is not ready, or bad
    usage.
    """
    both_languages = lang is not None and lang.value == "en+zh"
    one_lang = None if lang is None else "en" if both_languages else str(lang.value)
    language = _lang(None if one_lang is None else Lang(one_lang))

    def work() -> int:
        from permitcheck import services
        from permitcheck.render import REPORTER_BY_NAME

        config = _config(config_file, isolated)
        chosen = _chosen(
            config,
            format=[fmt.value for fmt in output_formats or []] or None,
            output=list(outputs or []) or None,
            fail_on=None if fail_on is None else fail_on.value,
            warn_days=warn_days,
            lang=one_lang,
            color=None if color is None else color.value,
            verbose=verbose,
            quiet=quiet,
            show_personal_data=show_personal_data,
            skip_non_dossiers=skip_non_dossiers,
            jobs=jobs,
            progress=progress,
            rules=None if rules_dir is None else str(rules_dir),
            paths=list(paths or []) or None,
        )
        language = chosen["lang"]  # the configuration's, once it is read
        use_color = _use_color(Color(chosen["color"]))
        be_verbose, be_quiet = bool(chosen["verbose"]), bool(chosen["quiet"])
        targets = output.targets(
            list(chosen["format"]),
            list(chosen["output"]),
            default="auto",
            github=os.environ.get("GITHUB_ACTIONS") == "true",
        )
        settings = replace(
            _settings(
                language,
                as_of=as_of,
                warn_days=chosen["warn_days"],
                rules_dir=None if chosen["rules"] is None else Path(chosen["rules"]),
                fail_on=FailOn(chosen["fail_on"]),
                show_personal_data=bool(chosen["show_personal_data"]),
                jobs=chosen["jobs"],
                traceback=traceback,
            ),
            waivers=config.waivers,
            both_languages=both_languages,
        )
        one_only = [fmt for fmt, _ in targets if fmt != "html"]
        if both_languages and one_only:
            from permitcheck.i18n import t
            from permitcheck.problems import Stop

            raise Stop.usage(
                t(
                    f"--lang en+zh: both languages side by side are for the HTML report; "
                    f"give --lang en or --lang zh for {one_only[0]}",
                    f"--lang en+zh：中英对照仅用于 HTML 报告；{one_only[0]} 格式请使用 "
                    "--lang en 或 --lang zh",
                )
            )
        dossiers = _dossiers(chosen)
        shown = output.Progress(language, chosen["progress"])
        try:
            report = services.check_paths(
                dossiers,
                settings,
                bool(chosen["skip_non_dossiers"]),
                writes=[target for _, target in targets if target],
                stdin=_read_stdin() if services.STDIN in dossiers else None,
                progress=shown.update,
                piece=output.piece(targets, settings, use_color, be_verbose, be_quiet),
                exclude=_exclude(config),
                guide=any(REPORTER_BY_NAME[fmt].guide for fmt, _ in targets),
            )
        finally:
            shown.close()
        failed, written = output.reports(report, targets, settings, use_color, be_verbose, be_quiet)
        if written:
            output.summary(report, written, language)
        if not report.all_ready():
            return EXIT_NOT_READY  # the verdict stands, even if a report could not be written
        return EXIT_ERROR if report.errors or failed else EXIT_READY

    _run(work, language, traceback)


# ---- config --------------------------------------------------------------------------------


@app.command("config", cls=Command)
def show_config(
    config_file: ConfigOption = None,
    isolated: IsolatedOption = False,
    output_format: FormatOption = GUIDE_TEXT,
    lang: LangOption = None,
    traceback: TracebackOption = False,
) -> None:
    """The settings `validate` runs with here, and where each comes from (the command line,
    the configuration file and line, or the default), then the configuration's waivers."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.config.load import settle
        from permitcheck.render.config_view import ConfigView

        config = _config(config_file, isolated)
        settled = settle(
            config,
            {"lang": None if lang is None else lang.value},
            {"lang": default_lang()},
        )
        view = ConfigView(
            path=config.path,
            hidden=config.hidden,
            searched_from=os.getcwd(),
            isolated=isolated,
            settings=settled,
            waivers=config.waivers,
        )
        settings = _settings(settled["lang"].value)
        return _show("config", view, str(output_format.value), settings)

    _run(work, language, traceback)


# ---- timeline ------------------------------------------------------------------------------


@app.command(cls=Command)
def timeline(
    dossier: Annotated[
        Path,
        typer.Argument(
            metavar="DOSSIER", help="The dossier to draw (`-`: standard input).", show_default=False
        ),
    ],
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = None,
    output_format: FormatOption = GUIDE_TEXT,
    lang: LangOption = None,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            metavar="WHEN",
            help="Colour and symbols: auto (only on a terminal, and not when NO_COLOR "
            "is set), always or never.",
        ),
    ] = Color.auto,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            min=60,
            metavar="COLUMNS",
            help="Columns to draw in, at least 60 (default: the terminal's, else 80).",
        ),
    ] = None,
    rules_dir: RulesOption = None,
    config_file: ConfigOption = None,
    isolated: IsolatedOption = False,
    traceback: TracebackOption = False,
) -> None:
    """Each dated document's validity window on one date axis, with the reference date and
    the last safe submission day marked."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import services

        chosen = _chosen(
            _config(config_file, isolated),
            lang=None if lang is None else lang.value,
            rules=None if rules_dir is None else str(rules_dir),
            warn_days=warn_days,
        )
        settings = _settings(
            chosen["lang"],
            as_of=as_of,
            warn_days=chosen["warn_days"],
            rules_dir=None if chosen["rules"] is None else Path(chosen["rules"]),
        )
        given = _read_stdin() if str(dossier) == services.STDIN else None
        picture = services.draw_timeline(str(dossier), settings, given)
        use_color = _use_color(color) and output_format.value == "text"
        columns = width or (output.terminal_width(80) if use_color else 80)
        _show("timeline", picture, output_format.value, settings, use_color, columns)
        # A window already closed: not ready, as `validate` says of the same dossier.
        closed = any(bar.status == "fail" for bar in picture.bars)
        return EXIT_NOT_READY if closed else EXIT_READY

    _run(work, language, traceback)


# ---- category ------------------------------------------------------------------------------

CategoryFormat = Enum("CategoryFormat", {f: f for f in formats("category")}, type=str)  # type: ignore[misc]
CATEGORY_TEXT = CategoryFormat("text")


@app.command(cls=Command)
def category(
    dossier: Annotated[
        Path,
        typer.Argument(
            metavar="DOSSIER",
            help="The dossier to score (`-`: standard input).",
            show_default=False,
        ),
    ],
    as_of: AsOfOption = None,
    output_format: Annotated[
        CategoryFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"Output format: {_listed(formats('category'))}.",
        ),
    ] = CATEGORY_TEXT,
    lang: LangOption = None,
    show_personal_data: Annotated[
        bool,
        typer.Option(
            "--show-personal-data", help="Show passport numbers in full (masked by default)."
        ),
    ] = False,
    rules_dir: RulesOption = None,
    config_file: ConfigOption = None,
    isolated: IsolatedOption = False,
    traceback: TracebackOption = False,
) -> None:
    """The dossier's points on the national points table in force on the reference date: each
    item with its bracket and source, the total, the category it gives, the facts missing and
    what they could add, and whether the claimed category holds (exit 1 when the stated facts
    rule it out)."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import services
        from permitcheck.findings import RenderOptions
        from permitcheck.render import render

        chosen = _chosen(
            _config(config_file, isolated),
            lang=None if lang is None else lang.value,
            rules=None if rules_dir is None else str(rules_dir),
        )
        settings = _settings(
            chosen["lang"],
            as_of=as_of,
            rules_dir=None if chosen["rules"] is None else Path(chosen["rules"]),
            show_personal_data=show_personal_data,
        )
        given = _read_stdin() if str(dossier) == services.STDIN else None
        view = services.score_category(str(dossier), settings, given)
        options = RenderOptions(lang=settings.lang, show_personal_data=settings.show_personal_data)
        output.write(render("category", view, output_format.value, options))
        assessment = view.assessment
        ruled_out = assessment.claimed is not None and assessment.support() == "ruled_out"
        return EXIT_NOT_READY if ruled_out else EXIT_READY

    _run(work, language, traceback)


# ---- agenda --------------------------------------------------------------------------------

AgendaFormat = Enum("AgendaFormat", {f: f for f in formats("agenda")}, type=str)  # type: ignore[misc]


@app.command(cls=Command)
def agenda(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="DOSSIER",
            help="Dossier files, directories (searched recursively) and glob patterns, as for "
            "validate; `-` reads a dossier from standard input. Default: the configuration's "
            "`paths`.",
            show_default=False,
        ),
    ] = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="SPAN",
            help="Only what falls due up to SPAN after the reference date: 30d, 6w, 3m, 1y "
            "(days, weeks, calendar months, years). Overdue events stay listed unless --from "
            "is given.",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="Only events on or after DATE."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--until", metavar="DATE", help="Only events on or before DATE."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="The agenda's day, from which days left are counted, and the reference date of "
            "every dossier (default: today; each dossier then on its planned submission date "
            "unless it has passed, as validate does).",
        ),
    ] = None,
    output_format: Annotated[
        AgendaFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            show_default=False,
            help=f"Output format: {_listed(formats('agenda'))} (an iCalendar file to import "
            "into a calendar program). Default: from the --output file's extension, else text.",
        ),
    ] = None,
    output_file: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the agenda to FILE, replacing it whole (never half-written), instead "
            "of standard output.",
        ),
    ] = None,
    remind: Annotated[
        int,
        typer.Option(
            "--remind",
            min=0,
            metavar="DAYS",
            help="iCalendar: a reminder DAYS days before each event (0: on the day).",
        ),
    ] = 7,
    lang: LangOption = None,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            metavar="WHEN",
            help="Colour: auto (only on a terminal, and not when NO_COLOR is set), always or "
            "never.",
        ),
    ] = Color.auto,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            min=60,
            metavar="COLUMNS",
            help="Text: columns to fit in, at least 60 (default: the terminal's, else 100).",
        ),
    ] = None,
    show_personal_data: Annotated[
        bool | None,
        typer.Option(
            "--show-personal-data",
            help="Show passport numbers in full (masked by default).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Worker processes for large batches (default: one per core).",
        ),
    ] = None,
    rules_dir: RulesOption = None,
    config_file: ConfigOption = None,
    isolated: IsolatedOption = False,
    traceback: TracebackOption = False,
) -> None:
    """Every dated event of the dossiers, soonest first: submit by, each document's last valid
    day, deadlines, the current permit's expiry, steps after entry, planned submissions and
    waivers' ends.

    Exit codes: 0 nothing listed is overdue; 1 a listed window or deadline has passed; 2 a
    file could not be read (the others are still listed) and nothing is overdue, or bad usage.
    """
    language = _lang(lang)

    def work() -> int:
        from permitcheck import services
        from permitcheck.agenda import Span
        from permitcheck.agenda import within as within_span
        from permitcheck.findings import RenderOptions
        from permitcheck.i18n import t
        from permitcheck.problems import Stop
        from permitcheck.render import render

        config = _config(config_file, isolated)
        chosen = _chosen(
            config,
            lang=None if lang is None else lang.value,
            rules=None if rules_dir is None else str(rules_dir),
            show_personal_data=show_personal_data,
            jobs=jobs,
            paths=list(paths or []) or None,
        )
        settings = replace(
            _settings(
                chosen["lang"],
                as_of=as_of,
                warn_days=chosen["warn_days"],
                rules_dir=None if chosen["rules"] is None else Path(chosen["rules"]),
                show_personal_data=bool(chosen["show_personal_data"]),
                jobs=chosen["jobs"],
                traceback=traceback,
            ),
            waivers=config.waivers,
        )
        day = settings.as_of or settings.today
        if within is not None and end is not None:
            raise Stop.usage(
                t(
                    "--within and --until both set the last day; give one of them",
                    "--within 与 --until 都指定最后一天；请只给出其中一个",
                )
            )
        last = _date_setting("--until", end) if end is not None else None
        if within is not None:
            try:
                last = within_span(within, day)
            except ValueError:
                raise Stop.usage(
                    t(
                        f"--within {within}: expected a number of days, weeks, months or "
                        "years, such as 30d, 6w, 3m or 1y",
                        f"--within {within}：应为天数、周数、月数或年数，例如 30d、6w、3m 或 1y",
                    )
                ) from None
        first = _date_setting("--from", start) if start is not None else None
        if first is not None and last is not None and first > last:
            raise Stop.usage(
                t(
                    f"--from {first.isoformat()} is after the last day {last.isoformat()}; "
                    "nothing could be listed",
                    f"--from {first.isoformat()} 晚于最后一天 {last.isoformat()}；没有可列出的事项",
                )
            )
        if output_format is not None:
            chosen_format = str(output_format.value)
        elif output_file is not None:
            chosen_format = output.format_of(output_file, "text", "agenda")
        else:
            chosen_format = "text"
        dossiers = _dossiers(chosen)
        target = None if output_file in (None, "-") else output_file
        view = services.plan_agenda(
            dossiers,
            settings,
            Span(first, last),
            remind,
            writes=[target] if target else [],
            stdin=_read_stdin() if services.STDIN in dossiers else None,
            exclude=_exclude(config),
        )
        use_color = _use_color(color) and chosen_format == "text" and target is None
        columns = width or (output.terminal_width(100) if use_color else 100)
        options = RenderOptions(
            lang=settings.lang,
            color=use_color,
            width=columns,
            show_personal_data=settings.show_personal_data,
        )
        text = render("agenda", view, chosen_format, options)
        failed = []
        if target is None:
            output.write(text)
        else:
            failed = output.write_file(chosen_format, target, text)
        # Every file that could not be read, on standard error (JSON also lists them).
        output.problems([*view.errors, *failed], settings.lang)
        if view.overdue:
            return EXIT_NOT_READY
        return EXIT_ERROR if view.errors or failed else EXIT_READY

    _run(work, language, traceback)


# ---- schema and init -----------------------------------------------------------------------


@app.command(cls=Command)
def schema(
    rules: Annotated[
        bool, typer.Option("--rules", help="The schema of a rule pack's rule files instead.")
    ] = False,
    pack: Annotated[
        bool, typer.Option("--pack", help="The schema of a rule pack's pack.yaml instead.")
    ] = False,
    cases: Annotated[
        bool,
        typer.Option("--cases", help="The schema of a rule pack's case files (cases/*.yaml)."),
    ] = False,
    points: Annotated[
        bool,
        typer.Option("--points", help="The schema of a rule pack's points tables (data: points)."),
    ] = False,
    configuration: Annotated[
        bool,
        typer.Option(
            "--configuration",
            help="The schema of the configuration file (permitcheck.yaml) instead.",
        ),
    ] = False,
    traceback: TracebackOption = False,
) -> None:
    """Print the JSON Schema of the dossier format, of the configuration file, or of a rule
    pack's files (for editors and other validators)."""
    # No --lang: the schemas are in English (their text comes from the models), so it would
    # change nothing; a usage error follows the locale.
    language = _lang(None)

    def work() -> int:
        from permitcheck.i18n import t
        from permitcheck.problems import Stop

        chosen = [
            name
            for name, given in (
                ("rules", rules),
                ("pack", pack),
                ("cases", cases),
                ("points", points),
                ("configuration", configuration),
            )
            if given
        ]
        if len(chosen) > 1:
            raise Stop.usage(
                t(
                    "choose one of --rules, --pack, --cases, --points and --configuration",
                    "--rules、--pack、--cases、--points 和 --configuration 只能选择其一",
                )
            )
        if chosen == ["configuration"]:
            from permitcheck.config import json_schema as config_schema

            output.write(config_schema.render())
            return EXIT_READY
        if chosen:
            from permitcheck.rulepack import json_schema as pack_schema

            output.write(pack_schema.render(chosen[0]))
            return EXIT_READY
        from permitcheck.dossier.json_schema import render

        output.write(render())
        return EXIT_READY

    _run(work, language, traceback)


@app.command(cls=Command)
def init(
    path: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The dossier file to create.", show_default=False),
    ],
    kind: Annotated[
        Procedure,
        typer.Option(
            "--type",
            "-t",
            metavar="PROCEDURE",
            help="The procedure of the application: new, extension, change or cancellation.",
        ),
    ] = Procedure.new,
    schema_ref: Annotated[
        str | None,
        typer.Option(
            "--schema",
            metavar="PATH_OR_URL",
            help="Where editors find the schema (`permitcheck schema > dossier.schema.json`); "
            "written as a yaml-language-server comment.",
        ),
    ] = None,
    city: Annotated[str | None, city_option("whose skeleton to write")] = None,
    configuration: Annotated[
        bool,
        typer.Option(
            "--configuration",
            help="Write a commented configuration file (permitcheck.yaml) instead of a dossier.",
        ),
    ] = False,
    rules_dir: RulesOption = None,
    lang: LangOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Write a commented dossier skeleton (or configuration file) to fill in; an existing file
    is never overwritten."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import services
        from permitcheck.i18n import t

        settings = _settings(language, city=city, rules_dir=rules_dir, traceback=traceback)
        services.create_dossier(str(path), kind.value, schema_ref, settings, configuration)
        then = f"permitcheck config --config {path}" if configuration else ""
        output.note(
            t(
                f"Created {path}; fill it in, then run: {then}",
                f"已创建 {path}；请填写后运行 {then}",
            )
            if configuration
            else t(
                f"Created {path}; fill it in, then run: permitcheck validate {path}",
                f"已创建 {path}；请填写后运行 permitcheck validate {path}",
            ),
            language,
        )
        return EXIT_READY

    _run(work, language, traceback)


# ---- where ---------------------------------------------------------------------------------


@app.command(cls=Command)
@_guide_command("where", DOSSIER_CITY)
def where(
    dossier: Annotated[
        Path | None,
        typer.Argument(
            metavar="DOSSIER",
            help="A dossier whose `employer` decides the window (`-`: standard input).",
            show_default=False,
        ),
    ] = None,
    registered_in: Annotated[
        str | None,
        typer.Option(
            "--registered-in",
            metavar="DISTRICT_OR_ZONE",
            help="Where the employer is registered: a district or zone of the city's pack "
            "(an unknown one is answered with the list; overrides the dossier).",
        ),
    ] = None,
    level: Annotated[
        Level | None,
        typer.Option(
            "--level",
            metavar="LEVEL",
            help="municipal, or provincial for a provincial or ministerial unit "
            "(overrides the dossier; default municipal).",
        ),
    ] = None,
    *,
    settings: Settings,
    services: ModuleType,
    stdin: bytes | None = None,
) -> object:
    """Which acceptance window, address and hotline serve this employer (FAQ 1)."""
    return services.find_window(
        None if dossier is None else str(dossier),
        registered_in,
        level.value if level else None,
        settings,
        stdin,
    )


# ---- steps ---------------------------------------------------------------------------------


@app.command(cls=Command)
@_guide_command("steps", DOSSIER_CITY)
def steps(
    dossier: Annotated[
        Path | None,
        typer.Argument(
            metavar="DOSSIER",
            help="A dossier: gives the places for its employer and the dates that are due "
            "(`-`: standard input).",
            show_default=False,
        ),
    ] = None,
    procedure: Annotated[
        Procedure | None,
        typer.Option(
            "--procedure",
            "-p",
            metavar="PROCEDURE",
            help="The procedure whose steps to list when no dossier is given: new, extension, "
            "change or cancellation (default: new).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    *,
    settings: Settings,
    services: ModuleType,
    stdin: bytes | None = None,
) -> object:
    """The steps of a procedure in order (FAQ 2, 4-6), with due dates and places."""
    return services.plan_steps(
        None if dossier is None else str(dossier),
        settings,
        None if procedure is None else procedure.value,
        stdin,
    )


# ---- rules and explain ---------------------------------------------------------------------


@app.command("rules", cls=Command)
@_guide_command("rules", "whose rules to list")
def list_rules(
    procedure: Annotated[
        Procedure | None,
        typer.Option(
            "--procedure",
            "-p",
            metavar="PROCEDURE",
            help="Only the rules of this procedure: new, extension, change or cancellation.",
        ),
    ] = None,
    packs: Annotated[
        bool,
        typer.Option(
            "--packs",
            help="List the rule packs instead: shipped, installed, and those of --rules.",
        ),
    ] = False,
    *,
    settings: Settings,
    services: ModuleType,
) -> object:
    """List the rules of a pack (id, severity, source section and title), or the packs."""
    return services.list_rules(procedure.value if procedure else None, settings, packs)


@app.command(cls=Command)
@_guide_command("explain", "whose rule to explain")
def explain(
    rule_id: Annotated[
        str,
        typer.Argument(
            metavar="RULE_ID",
            autocompletion=_complete_rule_id,
            help="A rule id, as `permitcheck rules` lists them.",
        ),
    ],
    *,
    settings: Settings,
    services: ModuleType,
) -> object:
    """What a rule checks, when it applies, its exemptions and the FAQ sentences behind it."""
    return services.explain_rule(rule_id, settings)


# ---- pack: for the authors of rule packs ----------------------------------------------------

pack_app = typer.Typer(
    help="For the authors of rule packs: test a pack before anyone relies on it.",
    no_args_is_help=True,
    add_completion=False,  # the completion of `permitcheck` covers its subcommands
)
app.add_typer(pack_app, name="pack")
PackFormat = Enum("PackFormat", {f: f for f in formats("packtest")}, type=str)  # type: ignore[misc]
PACK_TEXT = PackFormat("text")


@pack_app.command("test", cls=Command)
def pack_test(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="The pack's folder (its pack.yaml, rule files and cases/).",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        PackFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"Output format: {_listed(formats('packtest'))}.",
        ),
    ] = PACK_TEXT,
    lang: LangOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Run a pack's own cases (cases/*.yaml), check that every rule has a passing and a
    failing case, that every quote is word for word in its source's text, and that every text
    is in each language the pack declares. Exit 0: all holds; 1: something to fix; 2: the pack
    or a case file cannot be read."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import services

        settings = _settings(language, traceback=traceback)
        report = services.test_pack(directory, settings)
        _show("packtest", report, str(output_format.value), settings)
        if report.errors:
            return EXIT_ERROR
        return EXIT_READY if report.ok else EXIT_NOT_READY

    _run(work, language, traceback)


def main() -> None:
    """Console-script entry point."""
    stop_on_signals()
    app()


def stop_on_signals() -> None:
    """SIGTERM and SIGINT end the run with 143 and 130, cleanly (every command line)."""
    import signal

    def stopped(signum: int, frame: object) -> None:
        # As an exception, so that `finally` blocks run: worker processes are stopped and no
        # half-written report stays behind. 128 + the signal (143, 130), as shells report it.
        # A batch also remembers it: Python drops an exception raised in an at-fork hook or a
        # finalizer, where this handler may run while the worker pool starts.
        running = sys.modules.get("permitcheck.batch")
        if running is not None:
            running.request_stop(128 + signum)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGINT, stopped)
