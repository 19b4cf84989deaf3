"""The command line: the only module that reads argv and environment, writes output, exits."""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from permitcheck import __version__

if TYPE_CHECKING:
    from permitcheck.findings import Report
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"permitcheck {__version__}")
        raise typer.Exit(EXIT_READY)


@app.callback()
def main_options(
    version: Annotated[Optional[bool], typer.Option(  # noqa: UP045 - typer needs Optional
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Check a China work-permit dossier before you submit it (Nanjing rules built in)."""


def default_lang() -> str:
    """`zh` when the locale (LC_ALL, LC_MESSAGES, LANG) is Chinese, else `en`."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _use_color(choice: Color) -> bool:
    if choice is Color.always:
        return True
    if choice is Color.never or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(
        help="Dossier files to check.", show_default=False)],
    as_of: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--as-of", metavar="DATE",
        help="Reference date for every time window (default: the dossier's "
             "application.submission_date, else today).")] = None,
    output_format: Annotated[Format, typer.Option(
        "--format", "-f", help="Output format.")] = Format.text,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Lowest severity that makes a dossier not ready (exit 1).")]
        = FailOn.error,
    lang: Annotated[Optional[Lang], typer.Option(  # noqa: UP045
        "--lang", help="Language of messages (default: from LC_ALL/LANG; zh* gives Chinese).")]
        = None,
    color: Annotated[Color, typer.Option(
        "--color", help="Colour: auto (only on a terminal, and not when NO_COLOR is set), "
                        "always or never.")] = Color.auto,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also list rules that do not apply, and every rule id.")] = False,
    rules_dir: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--rules", metavar="DIR",
        help="Directory of rule packs to use instead of the built-in ones.")] = None,
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="Show a Python traceback on internal errors (for bug reports).")]
        = False,
) -> None:
    """Check dossiers and print what is missing, how to fix it, and the FAQ section behind it.

    Exit codes: 0 every dossier is ready; 1 at least one is not ready; 2 a file could not be
    checked (malformed dossier, invalid rule file, bad usage).
    """
    try:
        report = _check(paths, as_of, fail_on.value, rules_dir)
        _emit(report, output_format.value, (lang.value if lang else default_lang()),
              _use_color(color), verbose)
    except Exception as exc:  # the one place errors are turned into messages and exit codes
        _fail(exc, traceback)
    if not report.all_ready():
        raise typer.Exit(EXIT_NOT_READY)
    raise typer.Exit(EXIT_ERROR if report.errors else EXIT_READY)


def _check(paths: list[Path], as_of_text: str | None, fail_on: str,
           rules_dir: Path | None) -> Report:
    from permitcheck.dates import DateSyntaxError, parse_date
    from permitcheck.engine import evaluate
    from permitcheck.errors import PermitcheckError, UsageError
    from permitcheck.findings import DossierResult, Report
    from permitcheck.loader import load_file

    as_of: date | None = None
    if as_of_text is not None:
        try:
            as_of = parse_date(as_of_text)
        except DateSyntaxError as exc:
            raise UsageError(f"--as-of: {exc}") from None
    results: list[DossierResult] = []
    errors: list[PermitcheckError] = []
    for path in paths:
        try:
            dossier = load_file(str(path))
            pack = _pack_for(dossier, rules_dir)
            reference = as_of or dossier.model.application.submission_date or date.today()
            results.append(evaluate(dossier, pack, reference))
        except PermitcheckError as exc:
            errors.extend(exc.all())
    return Report(results=tuple(sorted(results, key=lambda r: r.path)),
                  # Stable: a file's own errors stay in the order the loader gave (file order).
                  errors=tuple(sorted(errors, key=lambda e: e.path or "")),
                  fail_on="warning" if fail_on == "warning" else "error")


def _pack_for(dossier: LoadedDossier, rules_dir: Path | None) -> Pack:
    from permitcheck.errors import DossierError
    from permitcheck.rules import available_packs, load_pack

    city = dossier.model.application.city
    if city not in available_packs(rules_dir):
        known = ", ".join(available_packs(rules_dir)) or "none"
        raise DossierError(f"application.city: no rule pack for {city!r}; available: {known}",
                           dossier.path, dossier.source.locate(("application", "city"),
                                                               value=True))
    return load_pack(city, rules_dir)


def _emit(report: Report, output_format: str, lang: str, color: bool, verbose: bool) -> None:
    from permitcheck.findings import RenderOptions
    from permitcheck.reporters import renderer

    width = 100
    if color:
        import shutil

        width = shutil.get_terminal_size((100, 24)).columns
    options = RenderOptions(lang="zh" if lang == "zh" else "en", color=color, width=width,
                            verbose=verbose)
    for error in report.errors:
        typer.echo(error.located(), err=True)
    text = renderer(output_format)(report, options)
    sys.stdout.write(text)
    sys.stdout.flush()


def _fail(exc: Exception, traceback: bool) -> NoReturn:
    from permitcheck.errors import PermitcheckError

    if isinstance(exc, typer.Exit):
        raise exc
    if isinstance(exc, PermitcheckError):
        for each in exc.all():
            typer.echo(each.located() if each.path else f"permitcheck: {each.message}", err=True)
        raise typer.Exit(EXIT_ERROR)
    if traceback:
        raise exc
    typer.echo(f"permitcheck: internal error: {type(exc).__name__}: {exc}\n"
               "This is a bug in permitcheck; run again with --traceback and report it.",
               err=True)
    raise typer.Exit(EXIT_ERROR)




def main() -> None:
    """Console-script entry point."""
    app()
