"""The command line: the only module that reads argv and environment, writes output, exits."""

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
    from permitcheck.findings import Report
    from permitcheck.i18n import Lang as LangCode
    from permitcheck.loader import LoadedDossier
    from permitcheck.rules import Pack

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
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
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
         "application.submission_date, else today).")]


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
    from permitcheck.errors import PermitcheckError

    try:
        code = work()
    except PermitcheckError as exc:
        for each in exc.all():
            typer.echo(each.located(lang), err=True)
        raise typer.Exit(EXIT_ERROR) from None
    except Exception as exc:
        if traceback:
            raise
        if lang == "zh":
            message = (f"permitcheck：内部错误：{type(exc).__name__}: {exc}\n"
                       "这是 permitcheck 的缺陷；请加 --traceback 重新运行并报告。")
        else:
            message = (f"permitcheck: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in permitcheck; run again with --traceback and report it.")
        typer.echo(message, err=True)
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _parse_as_of(text: str | None) -> date | None:
    from permitcheck.dates import DateSyntaxError, parse_date
    from permitcheck.errors import UsageError
    from permitcheck.i18n import t

    if text is None:
        return None
    try:
        return parse_date(text)
    except DateSyntaxError as exc:
        raise UsageError(t(f"--as-of: {exc.en}", f"--as-of：{exc.zh}")) from None


def _pack_for(dossier: LoadedDossier, rules_dir: Path | None) -> Pack:
    from permitcheck.errors import DossierError
    from permitcheck.i18n import t
    from permitcheck.rules import available_packs, load_pack
    from permitcheck.strict import codes

    city = dossier.model.application.city
    known = available_packs(rules_dir)
    if city not in known:
        listed = codes(known) or "—"
        raise DossierError(
            t(f"application.city: no rule pack for {city!r}; available: {listed}",
              f"application.city：没有 {city!r} 的规则包；可用：{listed}"),
            dossier.path, dossier.source.locate(("application", "city"), value=True))
    return load_pack(city, rules_dir)


# ---- validate ------------------------------------------------------------------------------

@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(
        help="Dossier files to check.", show_default=False)],
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = 14,
    output_format: FormatOption = Format.text,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Lowest severity that makes a dossier not ready (exit 1).")]
        = FailOn.error,
    lang: LangOption = None,
    color: Annotated[Color, typer.Option(
        "--color", help="Colour: auto (only on a terminal, and not when NO_COLOR is set), "
                        "always or never.")] = Color.auto,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also list rules that do not apply, and every rule id.")] = False,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Check dossiers and print what is missing, how to fix it, and the FAQ section behind it.

    Exit codes: 0 every dossier is ready; 1 at least one is not ready; 2 a file could not be
    checked (malformed dossier, invalid rule file, bad usage).
    """
    language = _lang(lang)

    def work() -> int:
        report = _check(paths, _parse_as_of(as_of), fail_on.value, rules_dir, warn_days)
        _emit(report, output_format.value, language, _use_color(color), verbose)
        if not report.all_ready():
            return EXIT_NOT_READY
        return EXIT_ERROR if report.errors else EXIT_READY

    _run(work, language, traceback)


def _check(paths: list[Path], as_of: date | None, fail_on: str,
           rules_dir: Path | None, warn_days: int) -> Report:
    from permitcheck.engine import evaluate
    from permitcheck.errors import PermitcheckError
    from permitcheck.findings import DossierResult, Report
    from permitcheck.loader import load_file

    results: list[DossierResult] = []
    errors: list[PermitcheckError] = []
    for path in paths:
        try:
            dossier = load_file(str(path))
            pack = _pack_for(dossier, rules_dir)
            reference = as_of or dossier.model.application.submission_date or date.today()
            results.append(evaluate(dossier, pack, reference, warn_days))
        except PermitcheckError as exc:
            errors.extend(exc.all())
    return Report(results=tuple(sorted(results, key=lambda r: r.path)),
                  # Stable: a file's own errors stay in the order the loader gave (file order).
                  errors=tuple(sorted(errors, key=lambda e: e.path or "")),
                  fail_on="warning" if fail_on == "warning" else "error")


def _emit(report: Report, output_format: str, lang: LangCode, color: bool,
          verbose: bool) -> None:
    from permitcheck.findings import RenderOptions
    from permitcheck.reporters import renderer

    width = 100
    if color:
        import shutil

        width = shutil.get_terminal_size((100, 24)).columns
    options = RenderOptions(lang=lang, color=color, width=width, verbose=verbose)
    for error in report.errors:
        typer.echo(error.located(lang), err=True)
    _write(renderer(output_format)(report, options))


# ---- timeline ------------------------------------------------------------------------------

@app.command()
def timeline(
    dossier: Annotated[Path, typer.Argument(help="The dossier to draw.", show_default=False)],
    as_of: AsOfOption = None,
    warn_days: WarnDaysOption = 14,
    output_format: FormatOption = Format.text,
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
        from permitcheck import timeline as drawing
        from permitcheck.engine import evaluate
        from permitcheck.loader import load_file

        loaded = load_file(str(dossier))
        pack = _pack_for(loaded, rules_dir)
        reference = (_parse_as_of(as_of) or loaded.model.application.submission_date
                     or date.today())
        picture = drawing.build(evaluate(loaded, pack, reference, warn_days))
        if output_format is Format.json:
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
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """Which acceptance window, address and hotline serve this employer (FAQ 1)."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import guide, views
        from permitcheck.errors import DossierError, UsageError
        from permitcheck.i18n import t
        from permitcheck.loader import load_file
        from permitcheck.rules import load_pack

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
        view = views.WhereView(
            employer=employer_name, level=wanted.level, district_key=district,
            district=table.districts.get(district) if district else None,
            authority=authority, source_title=pack.manifest.source.title)
        _write(views.render_where(view, output_format.value, language))
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
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """The steps of a new application in order (FAQ 2), with due dates and places."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import guide, views
        from permitcheck.errors import UsageError
        from permitcheck.i18n import Text, t
        from permitcheck.loader import load_file
        from permitcheck.rules import load_pack

        acceptance: guide.Authority | None = None
        entry_date: date | None = None
        submit_by: date | None = None
        heading: str | None = None
        note: Text | None = None
        known_employer = False
        if dossier is None:
            pack = load_pack(city, rules_dir)
        else:
            from permitcheck.engine import evaluate

            loaded = load_file(str(dossier))
            pack = _pack_for(loaded, rules_dir)
            model = loaded.model
            heading = model.applicant.name
            entry_date = model.application.entry_date
            if model.application.type != "new":
                kind = model.application.type
                article = "an" if kind == "extension" else "a"
                note = t(f"This dossier is for {article} {kind}; these steps describe a new hire.",
                         f"本档案为{_procedure_zh(kind)}申请；以下为新聘外国人的办理流程。")
            else:
                reference = (_parse_as_of(as_of) or model.application.submission_date
                             or date.today())
                submit_by = evaluate(loaded, pack, reference).submit_by
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
            authority = None
            if step.where == "acceptance":
                authority = acceptance
            elif step.where == "registration":
                authority = guide.registration_authority(pack, acceptance) \
                    if known_employer or dossier is None else None
            due = guide.due_date(step, entry_date, submit_by)
            due_note = None
            if isinstance(step.due, guide.DueAfter) and entry_date is None:
                due_note = t("counted from the entry date (`application.entry_date` is not in "
                             "the dossier)", "自入境之日起计算（档案中未填写 "
                             "`application.entry_date`）")
            elif isinstance(step.due, guide.DueAfter) and entry_date is not None:
                due_note = t(f"{step.due.days} days after entry on {entry_date.isoformat()}",
                             f"入境日 {entry_date.isoformat()} 后第 {step.due.days} 日")
            elif step.due == "submit_by" and submit_by is not None:
                due_note = t("the last day every time window of the dossier still holds "
                             "(see `permitcheck validate`)",
                             "档案中各项时限均仍有效的最后一日（见 `permitcheck validate`）")
            items.append(views.StepView(
                step=step, authority=authority,
                place=table.places.get(step.where), also=table.places.get(step.also or ""),
                due=due, due_note=due_note))
        view = views.StepsView(heading=heading, note=note, steps=tuple(items),
                               source_title=pack.manifest.source.title)
        _write(views.render_steps(view, output_format.value, language))
        return EXIT_READY

    _run(work, language, traceback)


def _procedure_zh(procedure: str) -> str:
    return {"new": "新办", "extension": "延期", "change": "变更", "cancellation": "注销"}[procedure]


# ---- rules and explain ---------------------------------------------------------------------

@app.command("rules")
def list_rules(
    procedure: Annotated[Optional[Procedure], typer.Option(  # noqa: UP045
        "--procedure", "-p", help="Only the rules of this procedure.")] = None,
    city: CityOption = "nanjing",
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """List the rules of a pack: id, severity, FAQ section and title."""
    language = _lang(lang)

    def work() -> int:
        from permitcheck import views
        from permitcheck.rules import load_pack

        pack = load_pack(city, rules_dir)
        chosen = [rule for rule in pack.rules
                  if procedure is None or procedure.value in rule.applies.procedures]
        _write(views.render_rules(pack, chosen, output_format.value, language))
        return EXIT_READY

    _run(work, language, traceback)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE_ID", help="A rule id, as "
                                           "`permitcheck rules` lists them.")],
    city: CityOption = "nanjing",
    output_format: FormatOption = Format.text,
    lang: LangOption = None,
    rules_dir: RulesOption = None,
    traceback: TracebackOption = False,
) -> None:
    """What a rule checks, when it applies, its exemptions and the FAQ sentences behind it."""
    language = _lang(lang)

    def work() -> int:
        import difflib

        from permitcheck import views
        from permitcheck.errors import UsageError
        from permitcheck.i18n import t
        from permitcheck.rules import load_pack

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
            raise UsageError(t(f"unknown rule id {rule_id!r}{hint_en}",
                               f"未知的规则编号 {rule_id!r}{hint_zh}"))
        _write(views.render_explain(pack, by_id[rule_id], output_format.value, language))
        return EXIT_READY

    _run(work, language, traceback)


def main() -> None:
    """Console-script entry point."""
    app()
