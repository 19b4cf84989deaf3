"""The commands: options parsed into one Settings value, a service called, its view printed."""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
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
    from permitcheck.i18n import Lang as LangCode
    from permitcheck.render import ViewKind

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


# The --format choices come from the renderer registry: a format added there is offered by every
# command whose view it renders.
Format = Enum("Format", {f: f for f in formats("report")}, type=str)  # type: ignore[misc]
GuideFormat = Enum("GuideFormat", {f: f for f in formats("where")}, type=str)  # type: ignore[misc]
TEXT, GUIDE_TEXT = Format("text"), GuideFormat("text")


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


# Options shared by every command.
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of all output: en or zh (default: from LC_ALL/LC_MESSAGES/LANG; "
        "zh* gives Chinese).",
    ),
]
FormatOption = Annotated[GuideFormat, typer.Option("--format", "-f", help="Output format.")]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        metavar="DIR",
        help="A folder of rule packs (or one pack's folder), used before the installed ones.",
    ),
]
CityOption = Annotated[
    str | None,
    typer.Option(
        "--city",
        show_default=False,
        help="Rule pack (city) to use when no dossier names one; by default the only city "
        "pack installed (`permitcheck rules --packs` lists them).",
    ),
]
TracebackOption = Annotated[
    bool,
    typer.Option(
        "--traceback", help="Show a Python traceback on internal errors (for bug reports)."
    ),
]
WarnDaysOption = Annotated[
    int,
    typer.Option(
        "--warn-days",
        min=0,
        metavar="N",
        help="Warn when a time window closes within N days after the reference date.",
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


# The options every guide command (where, steps, rules, explain) ends with, declared once.
_GUIDE_OPTIONS = (
    inspect.Parameter("city", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=CityOption),
    inspect.Parameter(
        "output_format", inspect.Parameter.KEYWORD_ONLY, default=GUIDE_TEXT, annotation=FormatOption
    ),
    inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOption),
    inspect.Parameter(
        "rules_dir", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=RulesOption
    ),
    inspect.Parameter(
        "traceback", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=TracebackOption
    ),
)


def _guide_command(kind: ViewKind) -> Callable[[Callable[..., object]], Callable[..., None]]:
    """A guide command from a function of its own options (and `settings`, `services`) that
    returns the view: the shared options are added to its signature for Typer; the view is
    printed in the chosen format."""

    def decorate(build: Callable[..., object]) -> Callable[..., None]:
        own = [
            parameter
            for name, parameter in inspect.signature(build, eval_str=True).parameters.items()
            if name not in ("settings", "services")
        ]

        @functools.wraps(build)
        def command(**given: Any) -> None:
            language = _lang(given["lang"])

            def work() -> int:
                from permitcheck import services

                mine = {parameter.name: given[parameter.name] for parameter in own}
                settings = _settings(
                    language,
                    traceback=given["traceback"],
                    rules_dir=given["rules_dir"],
                    city=given["city"],
                    as_of=given.get("as_of"),
                )
                view = build(**mine, settings=settings, services=services)
                return _show(kind, view, str(given["output_format"].value), settings)

            _run(work, language, given["traceback"])

        command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [*own, *_GUIDE_OPTIONS], return_annotation=None
        )
        command.__annotations__ = {
            parameter.name: parameter.annotation for parameter in [*own, *_GUIDE_OPTIONS]
        }
        return command

    return decorate


# ---- validate ------------------------------------------------------------------------------


@app.command()
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Dossier files, directories (searched recursively; YAML files without the "
            "top-level `permitcheck` key are skipped) and glob patterns.",
            show_default=False,
        ),
    ],
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = 14,
    output_formats: Annotated[
        list[Format] | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format; repeat it with --output for several reports "
            "in one run (default: text).",
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
        FailOn,
        typer.Option("--fail-on", help="Lowest severity that makes a dossier not ready (exit 1)."),
    ] = FailOn.error,
    lang: LangOption = None,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            help="Colour: auto (only on a terminal, and not when NO_COLOR is set), "
            "always or never.",
        ),
    ] = Color.auto,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Also list rules that do not apply, and every rule id."
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Text: only failures, warnings and summaries; a ready dossier in one line.",
        ),
    ] = False,
    show_personal_data: Annotated[
        bool,
        typer.Option(
            "--show-personal-data",
            help="Show passport and permit numbers in full (masked by "
            "default, as CI logs are widely readable).",
        ),
    ] = False,
    skip_non_dossiers: Annotated[
        bool,
        typer.Option(
            "--skip-non-dossiers",
            help="Skip named YAML files that are not dossiers instead of "
            "reporting them (for hooks that pass every YAML file).",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes for large batches (default: one per "
            "core; at most four per core).",
        ),
    ] = None,
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
        from permitcheck import services

        targets = output.targets([fmt.value for fmt in output_formats or [TEXT]], outputs or [])
        settings = _settings(
            language,
            as_of=as_of,
            warn_days=warn_days,
            rules_dir=rules_dir,
            fail_on=fail_on,
            show_personal_data=show_personal_data,
            jobs=jobs,
            traceback=traceback,
        )
        report = services.check_paths(
            paths, settings, skip_non_dossiers, writes=[target for _, target in targets if target]
        )
        failed = output.reports(report, targets, settings, _use_color(color), verbose, quiet)
        if not report.all_ready():
            return EXIT_NOT_READY  # the verdict stands, even if a report could not be written
        return EXIT_ERROR if report.errors or failed else EXIT_READY

    _run(work, language, traceback)


# ---- timeline ------------------------------------------------------------------------------


@app.command()
def timeline(
    dossier: Annotated[Path, typer.Argument(help="The dossier to draw.", show_default=False)],
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = 14,
    output_format: FormatOption = GUIDE_TEXT,
    lang: LangOption = None,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            help="Colour and symbols: auto (only on a terminal, and not when NO_COLOR "
            "is set), always or never.",
        ),
    ] = Color.auto,
    width: Annotated[
        int | None,
        typer.Option(
            "--width", min=60, help="Columns to draw in (default: the terminal's, else 80)."
        ),
    ] = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Each dated document's validity window on one date axis, with the reference date and
    the last safe submission day marked."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import services

        settings = _settings(language, as_of=as_of, warn_days=warn_days, rules_dir=rules_dir)
        picture = services.draw_timeline(str(dossier), settings)
        use_color = _use_color(color) and output_format.value == "text"
        columns = width or (output.terminal_width(80) if use_color else 80)
        _show("timeline", picture, output_format.value, settings, use_color, columns)
        # A window already closed: not ready, as `validate` says of the same dossier.
        closed = any(bar.status == "fail" for bar in picture.bars)
        return EXIT_NOT_READY if closed else EXIT_READY

    _run(work, language, traceback)


# ---- schema and init -----------------------------------------------------------------------


@app.command()
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
    lang: LangOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Print the JSON Schema of the dossier format, or of a rule pack's files (for editors
    and other validators)."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck.i18n import t
        from permitcheck.problems import Stop

        chosen = [
            name for name, given in (("rules", rules), ("pack", pack), ("cases", cases)) if given
        ]
        if len(chosen) > 1:
            raise Stop.usage(
                t(
                    "choose one of --rules, --pack and --cases",
                    "--rules、--pack 和 --cases 只能选择其一",
                )
            )
        if chosen:
            from permitcheck.rulepack import json_schema as pack_schema

            output.write(pack_schema.render(chosen[0]))
            return EXIT_READY
        from permitcheck.dossier.json_schema import render

        output.write(render())
        return EXIT_READY

    _run(work, language, traceback)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="The dossier file to create.", show_default=False)],
    kind: Annotated[
        Procedure, typer.Option("--type", "-t", help="The procedure of the application.")
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
    city: CityOption = None,
    rules_dir: RulesOption = None,
    lang: LangOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Write a commented dossier skeleton to fill in; an existing file is never overwritten."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import services
        from permitcheck.i18n import t

        settings = _settings(language, city=city, rules_dir=rules_dir, traceback=traceback)
        services.create_dossier(str(path), kind.value, schema_ref, settings)
        output.note(
            t(
                f"Created {path}; fill it in, then run: permitcheck validate {path}",
                f"已创建 {path}；请填写后运行 permitcheck validate {path}",
            ),
            language,
        )
        return EXIT_READY

    _run(work, language, traceback)


# ---- where ---------------------------------------------------------------------------------


@app.command()
@_guide_command("where")
def where(
    dossier: Annotated[
        Path | None,
        typer.Argument(help="A dossier whose `employer` decides the window.", show_default=False),
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
            help="municipal, or provincial for a provincial or ministerial unit "
            "(overrides the dossier; default municipal).",
        ),
    ] = None,
    *,
    settings: Settings,
    services: ModuleType,
) -> object:
    """Which acceptance window, address and hotline serve this employer (FAQ 1)."""
    return services.find_window(
        None if dossier is None else str(dossier),
        registered_in,
        level.value if level else None,
        settings,
    )


# ---- steps ---------------------------------------------------------------------------------


@app.command()
@_guide_command("steps")
def steps(
    dossier: Annotated[
        Path | None,
        typer.Argument(
            help="A dossier: gives the places for its employer and the dates that are due.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    *,
    settings: Settings,
    services: ModuleType,
) -> object:
    """The steps of a new application in order (FAQ 2), with due dates and places."""
    return services.plan_steps(None if dossier is None else str(dossier), settings)


# ---- rules and explain ---------------------------------------------------------------------


@app.command("rules")
@_guide_command("rules")
def list_rules(
    procedure: Annotated[
        Procedure | None,
        typer.Option("--procedure", "-p", help="Only the rules of this procedure."),
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


@app.command()
@_guide_command("explain")
def explain(
    rule_id: Annotated[
        str, typer.Argument(metavar="RULE_ID", help="A rule id, as `permitcheck rules` lists them.")
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
    add_completion=False,
)
app.add_typer(pack_app, name="pack")
PackFormat = Enum("PackFormat", {f: f for f in formats("packtest")}, type=str)  # type: ignore[misc]
PACK_TEXT = PackFormat("text")


@pack_app.command("test")
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
        PackFormat, typer.Option("--format", "-f", help="Output format.")
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
    app()
