"""What each command does, between the command line and the core: settings in, a view out."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from permitcheck.i18n import article, t
from permitcheck.problems import Problem, Stop
from permitcheck.settings import Settings

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from permitcheck import batch
    from permitcheck.agenda import AgendaView, Span
    from permitcheck.dossier.discover import Exclude, Skipped
    from permitcheck.dossier.loader import LoadedDossier
    from permitcheck.findings import DossierResult, PackTestReport, Report
    from permitcheck.render import Piece
    from permitcheck.render.category import CategoryView
    from permitcheck.render.guide_views import (
        ExplainView,
        PackInfo,
        RulesView,
        StepsView,
        WhereView,
    )
    from permitcheck.render.timeline import Timeline
    from permitcheck.rulepack.pack import Pack
    from permitcheck.rulepack.steps import Verdict

# Imports are made inside the functions: a command pays only for what it uses (start-up time
# is a goal of its own, bench/README.md).

# A dossier argument `-` is standard input (the command line reads it), named so in messages;
# its `file:` paths are relative to the working directory.
STDIN, STDIN_NAME = "-", "<stdin>"


def load_dossier(path: str, stdin: bytes | None = None) -> LoadedDossier:
    """The dossier at `path` (`-`: the bytes `stdin`); Stop with its problems if it cannot be
    read."""
    from permitcheck.dossier.loader import load_bytes, load_file

    loaded = load_file(path) if path != STDIN else load_bytes(stdin or b"", STDIN_NAME)
    if isinstance(loaded, tuple):
        raise Stop(*loaded)
    return loaded


def usable_rules_dir(settings: Settings) -> None:
    """Stop when `--rules DIR` names no folder of packs: the installed packs would otherwise
    check the dossiers in silence, and a typo in a CI job would go unseen."""
    from permitcheck.rulepack import registry

    if settings.rules_dir is None:
        return
    why = registry.unusable(settings.rules_dir)
    if why is None:
        return
    shown_dir = str(settings.rules_dir)
    raise Stop.usage(
        t(
            f"--rules {shown_dir}: no such folder"
            if why == "missing"
            else f"--rules {shown_dir}: no rule pack in it (a folder holding <name>/pack.yaml, "
            "or one pack's folder)",
            f"--rules {shown_dir}：文件夹不存在"
            if why == "missing"
            else f"--rules {shown_dir}：其中没有规则包"
            "（应为含有 <名称>/pack.yaml 的文件夹，或单个规则包的文件夹）",
        )
    )


def load_pack(settings: Settings, dossier: LoadedDossier | None = None) -> Pack:
    """The rule pack the dossier names (else `settings.city`, else the only city pack);
    Stop with its problems."""
    from permitcheck.rulepack.pack import default_city, load_pack, pack_for

    usable_rules_dir(settings)
    if dossier is not None:
        found = pack_for(dossier, settings.rules_dir)
    else:
        city = settings.city or default_city(settings.rules_dir)
        if isinstance(city, Problem):
            raise Stop(city)
        found = load_pack(city, settings.rules_dir)
    if isinstance(found, tuple):
        raise Stop(*found)
    return found


# ---- validate ------------------------------------------------------------------------------


def check_paths(
    paths: list[str],
    settings: Settings,
    skip_non_dossiers: bool = False,
    writes: Sequence[str] = (),
    stdin: bytes | None = None,
    progress: batch.Progress | None = None,
    piece: Piece | None = None,
    exclude: Exclude | None = None,
    dated: bool = False,
    guide: bool = False,
) -> Report:
    """Find the dossiers among `paths` and check each: the report of the run.

    `writes` are the files the run will write (its reports): one that is a file being read is
    refused before anything is checked, as it would destroy the user's work. A path `-` is
    the dossier `stdin` (read by the caller). `progress` is told how many dossiers are done.
    `piece`: renders each dossier's part of the one report the run writes, where it is checked.
    `exclude`: what a folder scan or a pattern leaves out (the configuration's `exclude`).
    `dated`: each result lists its dated events (`permitcheck agenda`). `guide`: each also
    says where to go and what follows, whatever its verdict (the printable report).
    """
    from permitcheck import batch
    from permitcheck.dossier.discover import discover

    usable_rules_dir(settings)
    reads_stdin = STDIN in paths
    inputs = discover([path for path in paths if path != STDIN], skip_non_dossiers, exclude)
    _refuse_overwrite(writes, [*inputs.dossiers, *(s.path for s in inputs.skipped)])
    if not inputs.dossiers and not inputs.errors and not skip_non_dossiers and not reads_stdin:
        # A CI job pointed at the wrong folder must not pass silently.
        found = len(inputs.skipped)
        files = "1 YAML file" if found == 1 else f"{found} YAML files"
        # Each skipped file with the reason: a dossier skipped by mistake shows here.
        raise Stop(
            Problem(
                t(
                    f"no dossier found ({files} skipped, none of them a dossier)",
                    f"未找到档案（跳过了 {found} 个 YAML 文件，均不是档案）",
                ),
                code="usage",
            ),
            *(
                Problem(
                    t(f"skipped: {skipped.reason.en}", f"已跳过：{skipped.reason.zh}"),
                    skipped.path,
                    code="usage",
                )
                for skipped in inputs.skipped[:10]
            ),
        )
    total = len(inputs.dossiers) + reads_stdin
    results, problems = batch.check_all(
        inputs.dossiers,
        settings,
        None if progress is None else lambda done, _: progress(done, total),
        piece,
        dated,
        guide,
    )
    if reads_stdin:
        given = batch.check_given(STDIN_NAME, stdin or b"", settings, dated, guide)
        if isinstance(given, tuple):
            problems += given
        else:
            results.append(given)
        if progress is not None:
            progress(total, total)
    return _report(results, [*inputs.errors, *problems], inputs.skipped, settings)


def _refuse_overwrite(writes: Sequence[str], inputs: list[str]) -> None:
    """Files are compared by identity (device and inode), so a hard or symbolic link to a
    dossier is recognised too; a path that cannot be examined (a link loop) is that input's
    own problem."""

    def identity(path: str) -> tuple[int, int] | None:
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        return info.st_dev, info.st_ino

    read = {key for key in map(identity, inputs) if key is not None}
    for target in writes:
        if identity(target) in read:
            raise Stop.usage(
                t(
                    f"--output {target} is one of the dossiers being checked; "
                    "permitcheck never writes over your files",
                    f"--output {target} 是正在检查的档案之一；permitcheck 不会覆盖您的文件",
                )
            )


def _report(
    checked: list[DossierResult],
    problems: list[Problem],
    skipped: list[Skipped],
    settings: Settings,
) -> Report:
    from permitcheck.findings import Report, RuleInfo

    catalog: dict[str, RuleInfo] = {}
    if checked:  # a run whose every file failed to load never imports the checker
        from permitcheck.engine import rule_catalog
        from permitcheck.rulepack.pack import load_pack as load_named

        for city in sorted({result.city for result in checked}):
            pack = load_named(city, settings.rules_dir)
            if not isinstance(pack, tuple):  # it loaded for its dossiers a moment ago
                catalog.update(rule_catalog(pack))
    warnings: tuple[Problem, ...] = ()
    if checked:
        from permitcheck import waivers

        warnings = waivers.unused_in_run(settings.waivers, checked, sorted(catalog))
        catalog.update(waivers.catalog(checked, warnings))
    return Report(
        results=tuple(sorted(checked, key=lambda r: r.path)),
        # Stable: a file's own problems stay in the order the loader gave (file order).
        errors=tuple(sorted(problems, key=lambda e: e.path or "")),
        fail_on=settings.fail_on,
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        rules=catalog,
        warnings=warnings,
    )


# ---- agenda --------------------------------------------------------------------------------


def plan_agenda(
    paths: list[str],
    settings: Settings,
    span: Span,
    remind_days: int = 7,
    writes: Sequence[str] = (),
    stdin: bytes | None = None,
    exclude: Exclude | None = None,
) -> AgendaView:
    """Every dated event of the dossiers among `paths` within `span`, soonest first, counted
    from the reference date (`--as-of`, else today). A file that cannot be read is listed
    among the errors; the others are still on the agenda."""
    from permitcheck import agenda

    report = check_paths(paths, settings, writes=writes, stdin=stdin, exclude=exclude, dated=True)
    # A calendar event's UID names its dossier by the file's real path: the same whichever
    # folder the command runs from, so that importing again updates rather than duplicates.
    identities = {
        result.path: result.path if result.path == STDIN_NAME else os.path.realpath(result.path)
        for result in report.results
    }
    return agenda.build(
        report.results,
        identities,
        settings.as_of or settings.today,
        span,
        report.errors,
        report.skipped,
        remind_days,
    )


# ---- where ---------------------------------------------------------------------------------


def find_window(
    dossier: str | None,
    registered_in: str | None,
    level: str | None,
    settings: Settings,
    stdin: bytes | None = None,
) -> WhereView:
    """The acceptance window that serves an employer (FAQ 1): from the dossier's `employer`,
    overridden by `registered_in` and `level` (dossier `-`: the bytes `stdin`)."""
    from permitcheck.render.guide_views import WhereView
    from permitcheck.rulepack import windows

    employer_name: str | None = None
    chosen_level, district = level, registered_in
    loaded: LoadedDossier | None = None
    if dossier is not None:
        loaded = load_dossier(dossier, stdin)
        settings = _with_city(settings, loaded)
        employer = loaded.model.employer
        if employer is None and (registered_in is None and level is None):
            raise Stop.dossier(
                t(
                    "the dossier has no `employer` section; add it, or give --registered-in "
                    "or --level",
                    "档案中没有 `employer` 部分；请补充，或使用 --registered-in 或 --level",
                ),
                loaded.path,
                loaded.source.locate(()),
            )
        if employer is not None:
            employer_name = employer.name
            chosen_level = chosen_level or employer.level
            district = district or employer.registered_in
    elif registered_in is None and level is None:
        raise Stop.usage(
            t(
                "give a dossier, or --registered-in (and --level provincial for "
                "a provincial or ministerial employer)",
                "请指定档案文件，或使用 --registered-in（省部属单位加 --level provincial）",
            )
        )
    pack = load_pack(settings)
    wanted = windows.Employer(level=chosen_level or "municipal", registered_in=district)
    authority = windows.resolve(pack, wanted)
    if not isinstance(authority, windows.Authority):
        if loaded is None or registered_in is not None or level is not None:
            raise Stop.usage(authority)
        # The dossier decided: point at what it says.
        raise Stop.dossier(
            authority,
            loaded.path,
            loaded.source.locate(
                ("employer", "registered_in") if district else ("employer",),
                value=district is not None,
            ),
        )
    table = windows.of(pack)
    return WhereView(
        employer=employer_name,
        level=wanted.level,
        district_key=district,
        district=table.districts.get(district) if district else None,
        authority=authority,
        pack=pack,
    )


def _with_city(settings: Settings, dossier: LoadedDossier) -> Settings:
    """The settings of a command given a dossier: its `application.city` names the pack
    (when it names none, `--city` or the only city pack does)."""
    from dataclasses import replace

    return replace(settings, city=dossier.model.application.city or settings.city)


# ---- steps ---------------------------------------------------------------------------------


def plan_steps(
    dossier: str | None,
    settings: Settings,
    procedure: str | None = None,
    stdin: bytes | None = None,
) -> StepsView:
    """The steps of a procedure (a new application: FAQ 2; an extension, a change, a
    cancellation: FAQ 4-6) with their places and, for a dossier, the dates due and done
    (dossier `-`: the bytes `stdin`). The procedure is the dossier's, else `procedure`, else a
    new application."""
    from permitcheck.i18n import PROCEDURES, Text
    from permitcheck.render.guide_views import StepsView, StepView
    from permitcheck.rulepack import steps, windows

    acceptance: windows.Authority | None = None
    facts = steps.DossierDates(as_of=settings.today)
    heading: str | None = None
    known_employer = False
    verdict: Verdict | None = None
    if dossier is None:
        pack = load_pack(settings)
        kind = procedure or "new"
    else:
        loaded = load_dossier(dossier, stdin)
        pack = load_pack(settings, loaded)
        model = loaded.model
        kind = model.application.type
        if procedure is not None and procedure != kind:
            raise Stop.usage(
                t(
                    f"--procedure {procedure}: the dossier is for "
                    f"{article(PROCEDURES[kind].en)} {PROCEDURES[kind].en} "
                    f"(`application.type: {kind}`); leave out --procedure, or give no dossier",
                    f"--procedure {procedure}：该档案为{PROCEDURES[kind].zh}申请"
                    f"（`application.type: {kind}`）；请去掉 --procedure，或不指定档案",
                )
            )
        heading = model.applicant.name
        reference = settings.reference_date(model.application.submission_date)
        verdict = _verdict(loaded, pack, reference, dossier, settings)
        facts = steps.DossierDates.of(model, reference, verdict)
        if model.employer is not None:
            heading += f", {model.employer.name}"
            found = windows.resolve(
                pack, windows.Employer(model.employer.level, model.employer.registered_in)
            )
            if isinstance(found, windows.Authority):
                acceptance, known_employer = found, True
            # else: shown as "see permitcheck where"
    table = steps.of(pack)
    note: Text | None = None
    described = table.of_procedure(kind)
    if described is None:
        city = pack.manifest.name
        name = PROCEDURES[kind]
        note = t(
            f"The {city.en} rule pack describes no steps for {article(name.en)} {name.en}; "
            "these steps describe a new application.",
            f"{city.zh}规则包未描述{name.zh}的办理步骤；以下为新办工作许可的流程。",
        )
        described = table.of_procedure("new")
        assert described is not None
    title, listed = described
    items = []
    for step in listed:
        authority, step_note = None, None
        if step.where == "acceptance":
            authority = acceptance
        elif step.where == "registration":
            authority = (
                steps.registration_authority(pack, acceptance)
                if known_employer or dossier is None
                else None
            )
            step_note = steps.registration_note(pack, acceptance) if known_employer else None
        dated = steps.step_dates(step, facts)
        items.append(
            StepView(
                step=step,
                authority=authority,
                place=table.places.get(step.where),
                also=table.places.get(step.also or ""),
                due=dated.due,
                due_note=dated.note,
                note=step_note,
                flag=dated.flag,
                done=dated.done,
                blocked=dated.blocked,
            )
        )
    if title is None:
        city = pack.manifest.name
        title = t(f"Steps of a new application in {city.en}", f"{city.zh}新办工作许可流程")
    return StepsView(
        title=title,
        heading=heading,
        note=note,
        steps=tuple(items),
        pack=pack,
        procedure=kind,
        ready=None if verdict is None else verdict.ready,
        blocking=None if verdict is None else verdict.blocking,
    )


def _verdict(
    loaded: LoadedDossier, pack: Pack, reference: date, path: str, settings: Settings
) -> Verdict:
    """What `permitcheck validate` says of the dossier, as far as its steps depend on it:
    checked the same way (reference date, early warnings, calendar, `--fail-on`)."""
    from permitcheck.engine import evaluate
    from permitcheck.rulepack.steps import Verdict

    result = evaluate(loaded, pack, reference, settings.warn_days, calendar=settings.working_days())
    return Verdict.of(result, settings.fail_on, path)


# ---- rules and explain ---------------------------------------------------------------------


def list_rules(procedure: str | None, settings: Settings, packs: bool = False) -> RulesView:
    """The rules of the pack, or those of one procedure; with `packs`, the installed packs."""
    from permitcheck.render.guide_views import RulesView

    if packs:
        return RulesView(pack=None, rules=(), packs=list_packs(settings))
    pack = load_pack(settings)
    return RulesView(
        pack=pack,
        rules=tuple(
            rule for rule in pack.rules if procedure is None or procedure in rule.applies.procedures
        ),
    )


def list_packs(settings: Settings) -> tuple[PackInfo, ...]:
    """Every pack a command can use (a `--rules` folder's, shipped, installed), each loaded
    to say what it is, or why it does not load."""
    from permitcheck.render.guide_views import PackInfo
    from permitcheck.rulepack import registry
    from permitcheck.rulepack.pack import load_pack as load_named

    usable_rules_dir(settings)
    found = []
    for name, where in registry.available(settings.rules_dir).items():
        loaded = load_named(name, settings.rules_dir)
        origin, directory = where.origin, str(where.directory)
        if isinstance(loaded, tuple):
            found.append(
                PackInfo(name, None, True, (), origin, directory, 0, problem=loaded[0].text)
            )
        else:
            found.append(
                PackInfo(
                    name=name,
                    origin=origin,
                    directory=directory,
                    title=loaded.manifest.name,
                    city=loaded.manifest.city,
                    extends=loaded.extends,
                    rules=len(loaded.rules),
                )
            )
    return tuple(found)


def explain_rule(rule_id: str, settings: Settings) -> ExplainView:
    """One rule of the pack, to explain; an unknown id is a usage problem with suggestions."""
    from permitcheck.basemodel import shown
    from permitcheck.render.guide_views import ExplainView

    pack = load_pack(settings)
    by_id = {rule.id: rule for rule in pack.rules}
    if rule_id not in by_id:
        close = difflib.get_close_matches(rule_id, list(by_id), n=3, cutoff=0.5)
        if not close:
            close = [known for known in by_id if rule_id in known][:3]
        hint_en = (
            f"; did you mean: {', '.join(close)}?" if close else "; `permitcheck rules` lists them"
        )
        hint_zh = (
            f"；是否应为：{', '.join(close)}？"
            if close
            else "；可用 `permitcheck rules` 查看全部规则"
        )
        raise Stop.usage(
            t(
                f"unknown rule id {shown(rule_id)}{hint_en}",
                f"未知的规则编号 {shown(rule_id)}{hint_zh}",
            )
        )
    return ExplainView(pack=pack, rule=by_id[rule_id])


# ---- timeline ------------------------------------------------------------------------------


def draw_timeline(dossier: str, settings: Settings, stdin: bytes | None = None) -> Timeline:
    """Each dated document's validity window, and the steps counted from the dossier's dates
    (dossier `-`: the bytes `stdin`)."""
    from permitcheck.engine import evaluate
    from permitcheck.render import timeline
    from permitcheck.rulepack import steps

    loaded = load_dossier(dossier, stdin)
    pack = load_pack(settings, loaded)
    reference = settings.reference_date(loaded.model.application.submission_date)
    dated = steps.step_windows(steps.of(pack), steps.DossierDates.of(loaded.model, reference))
    return timeline.build(
        evaluate(loaded, pack, reference, settings.warn_days, calendar=settings.working_days()),
        dated,
        settings.warn_days,
    )


# ---- category ------------------------------------------------------------------------------


def score_category(dossier: str, settings: Settings, stdin: bytes | None = None) -> CategoryView:
    """The dossier scored on its pack's points table in force on the reference date (dossier
    `-`: the bytes `stdin`); Stop when the pack has no table in force then."""
    from permitcheck.dossier.privacy import redact
    from permitcheck.render.category import CategoryView
    from permitcheck.rulepack import scoring

    loaded = load_dossier(dossier, stdin)
    pack = load_pack(settings, loaded)
    reference = settings.reference_date(loaded.model.application.submission_date)
    data = loaded.model.model_dump(by_alias=True)
    assessment = scoring.assess(data, pack.points, pack.workplace_regions, reference)
    if assessment is None:
        tables = ", ".join(f"{table.version} (from {table.effective})" for table in pack.points)
        raise Stop.usage(
            t(
                f"the rule pack {pack.name} has no points table in force on {reference} "
                f"(its tables: {tables or 'none'}); give another --as-of",
                f"规则包 {pack.name} 没有在 {reference} 有效的积分表（现有：{tables or '无'}）；"
                "请另行指定 --as-of",
            )
        )
    table = assessment.table
    # A number in the file's name or the applicant's is masked as `validate` masks it.
    secrets = () if settings.show_personal_data else loaded.numbers
    passport = loaded.model.applicant.passport
    return CategoryView(
        path=redact(loaded.path, secrets),
        applicant=redact(loaded.model.applicant.name, secrets),
        passport=passport.number if passport is not None else None,
        city_name=pack.manifest.name,
        assessment=assessment,
        cited={item.id: pack.cite([item.source])[0] for item in table.items},
        table_cited=pack.cite(table.sources),
        notes=tuple((note.text, pack.cite([note.source])[0]) for note in table.notes),
    )


# ---- pack test -----------------------------------------------------------------------------


def test_pack(directory: Path, settings: Settings) -> PackTestReport:
    """Run the pack's own cases and check its quotes and languages (`permitcheck pack test`)."""
    from permitcheck import packtest

    return packtest.run(directory, settings.calendar)


# ---- init ----------------------------------------------------------------------------------


def create_dossier(
    path: str, kind: str, schema_ref: str | None, settings: Settings, configuration: bool = False
) -> None:
    """Write a commented skeleton to `path` for the city of `settings` (else the only city
    pack), of a dossier or with `configuration` of a configuration file; an existing file is
    never overwritten."""
    from permitcheck.dossier.skeleton import skeleton

    pack = load_pack(settings)
    if not pack.manifest.city:
        raise Stop.usage(
            t(
                f"--city {pack.name}: a base for other packs, not a city a dossier can name",
                f"--city {pack.name}：这是供其他规则包扩展的基础规则包，不是档案可填写的城市",
            )
        )
    city = pack.name
    if configuration:
        from permitcheck.config import skeleton as config_skeleton
        from permitcheck.dossier.skeleton import SCHEMA_COMMENT

        head = SCHEMA_COMMENT.format(schema=schema_ref) if schema_ref else ""
        text = head + config_skeleton.skeleton(city)
    else:
        text = skeleton(kind, os.path.basename(path), city, schema_ref)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": fails if it exists
            handle.write(text)
    except FileExistsError:
        raise Stop.usage(
            t(
                f"{path} already exists; permitcheck never overwrites a file",
                f"{path} 已存在；permitcheck 不会覆盖已有文件",
            )
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise Stop.usage(
            t(f"cannot create {path}: {reason}", f"无法创建 {path}：{reason}")
        ) from None
