"""Checking many dossiers: in this process for a few, on every core for a large batch."""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from permitcheck.dossier.privacy import scrub
from permitcheck.findings import DossierResult
from permitcheck.problems import Problem, Problems, Stop
from permitcheck.settings import Settings

if TYPE_CHECKING:
    from datetime import date

    from permitcheck.dossier.loader import LoadedDossier
    from permitcheck.render import Piece
    from permitcheck.rulepack.pack import Pack
    from permitcheck.settings import WaiverEntry

# Below this many dossiers, starting worker processes costs more than it saves.
PARALLEL_FROM = 64
# Dossiers per task sent to a worker. Larger chunks cost less to send back: the results of one
# chunk share their rule titles and sources in one pickle (bench/README.md); at most 256, and at
# least four chunks per worker, so that no worker is left with a long tail.
MIN_CHUNK, MAX_CHUNK = 32, 256


# Told how many dossiers of how many are checked, after each chunk (the command line's progress).
Progress = Callable[[int, int], None]


def check_one(
    path: str,
    settings: Settings,
    raw: bytes | None = None,
    next_steps: bool = True,
    dated: bool = False,
    guide: bool = False,
) -> DossierResult | Problems:
    """Load, pick the rule pack and evaluate one dossier; or the problems that stop it.

    `raw`: the dossier's bytes, already read (standard input), named `path` in messages.
    `next_steps`: whether a ready dossier's result says what follows (for a report that
    shows it). `dated`: whether the result lists its dated events (`permitcheck agenda`).
    `guide`: whether it lists them and says where to go and what follows whatever the verdict
    (for the printable report)."""
    from permitcheck.dossier.loader import load_bytes, load_file

    # Its problems never spell out a number of the file.
    dossier = load_file(path) if raw is None else load_bytes(raw, path)
    if isinstance(dossier, tuple):
        return dossier
    # Imported once a dossier has loaded: a run on malformed files never pays for the checker.
    from permitcheck.engine import evaluate
    from permitcheck.rulepack.pack import pack_for

    try:
        pack = pack_for(dossier, settings.rules_dir)
        if isinstance(pack, tuple):
            raise Stop(*pack)
        reference = settings.reference_date(dossier.model.application.submission_date)
        # A pack's data file (the windows) is read when first needed: it may stop here too.
        result = evaluate(
            dossier,
            pack,
            reference,
            settings.warn_days,
            settings.show_personal_data,
            calendar=settings.working_days(),
        )
        given: list[WaiverEntry] = []
        if dossier.model.waivers or settings.waivers:
            result, given = _waived(result, dossier, pack, path, settings)
        if dated or guide:
            from dataclasses import replace

            from permitcheck.agenda import events_of

            secrets = () if settings.show_personal_data else tuple(dossier.numbers)
            events = events_of(result, dossier, pack, reference, given, secrets)
            result = replace(result, events=events)
        if not next_steps and not guide:
            return result
        return _with_next_steps(result, dossier, pack, reference, path, settings, guide)
    except Stop as exc:
        # A message about the dossier may quote it (its path, a value): masked like findings.
        return exc.problems if settings.show_personal_data else scrub(exc.problems, dossier.numbers)


def _waived(
    result: DossierResult, dossier: LoadedDossier, pack: Pack, path: str, settings: Settings
) -> tuple[DossierResult, list[WaiverEntry]]:
    """`result` with the dossier's own waivers and the configuration's that apply to it, and
    those waivers; Stop if one of them expires further ahead than the pack allows."""
    from permitcheck import waivers

    own = waivers.own(dossier)
    given = [*own, *(w for w in settings.waivers if waivers.applies_to(w, path))]
    problems = waivers.too_far(given, result.as_of, pack.manifest.max_waiver_days)
    if problems:
        raise Stop(*problems)
    rule_ids = [rule.id for rule in pack.rules]
    secrets = () if settings.show_personal_data else dossier.numbers
    waived = waivers.apply(result, given, len(own), settings.warn_days, rule_ids, secrets)
    return waived, given


def check_given(
    path: str, raw: bytes, settings: Settings, dated: bool = False, guide: bool = False
) -> DossierResult | Problems:
    """A dossier already read (standard input) checked as a file of a batch is: a bug becomes
    its problem, unless `settings.traceback`."""
    try:
        return check_one(path, settings, raw, dated=dated, guide=guide)
    except Exception as exc:
        if settings.traceback:
            raise
        return (_internal(path, exc),)


def _with_next_steps(
    result: DossierResult,
    dossier: LoadedDossier,
    pack: Pack,
    reference: date,
    path: str,
    settings: Settings,
    always: bool = False,
) -> DossierResult:
    """A ready dossier's result with where to hand it in and what follows (validate's text
    ends with them), or with `always` any dossier's; computed here, where the dossier's
    employer and dates are at hand."""
    if pack.data_file("steps") is None or not (always or result.ready(settings.fail_on)):
        return result
    from dataclasses import replace

    from permitcheck.rulepack import steps

    verdict = steps.Verdict.of(result, settings.fail_on, path)
    facts = steps.DossierDates.of(dossier.model, reference, verdict)
    return replace(result, next_steps=steps.next_steps(pack, dossier.model, facts))


# A chunk of work: its paths, the settings, whether a bug becomes the dossier's problem, what
# renders each result where it is checked (None: the results go back whole), whether each
# result lists its dated events, and whether it says where to go and what follows whatever its
# verdict.
Job = tuple[Sequence[str], Settings, bool, "Piece | None", bool, bool]


def _check_chunk(job: Job) -> list[DossierResult | Problems]:
    paths, settings, catch_bugs, piece, dated, guide = job
    outcomes: list[DossierResult | Problems] = []
    # Checking a dossier makes many objects and few cycles: the collector, which would walk
    # every live object again and again meanwhile, runs once after the chunk instead (a
    # chunk's garbage is bounded by MAX_CHUNK dossiers).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path in paths:
            try:
                outcome = check_one(
                    path,
                    settings,
                    next_steps=piece is None or piece.needs_next_steps,
                    dated=dated,
                    guide=guide,
                )
                if piece is not None and isinstance(outcome, DossierResult):
                    outcome = outcome.rendered_only(piece(outcome))
                outcomes.append(outcome)
            except Exception as exc:
                if not catch_bugs:
                    raise
                # One file's failure, whatever it is, must not sink the others.
                outcomes.append((_internal(path, exc),))
    finally:
        if collecting:
            gc.enable()
    return outcomes


def _internal(path: str, exc: Exception) -> Problem:
    """A failure that is a bug in permitcheck, as the problem of the one dossier it hit."""
    from permitcheck.i18n import t

    # Only the exception's type: its text may quote the dossier (a passport number).
    name = type(exc).__name__
    return Problem(
        t(
            f"internal error while checking this dossier ({name}); this is a bug in permitcheck: "
            "run `permitcheck validate --traceback` on this file alone and report it",
            f"检查此档案时发生内部错误（{name}）；这是 permitcheck 的缺陷：请单独对此文件运行 "
            "`permitcheck validate --traceback` 并报告",
        ),
        path,
        code="internal",
    )


def worker_count(jobs: int | None, tasks: int, cores: int | None = None) -> int:
    """Worker processes for `tasks` chunks: as asked (default one per core), but never more
    than four per core nor more than there are chunks (3,000 workers took 9 GB)."""
    cores = cores or os.cpu_count() or 1
    wanted = jobs if jobs is not None else cores
    return max(1, min(wanted, 4 * cores, tasks))


def _worker_start() -> None:
    # What the worker inherits (modules, the rule pack) lives as long as it does: moved out of
    # the collector's reach, so that no collection walks it again.
    gc.freeze()
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers stay quiet.
    # SIGTERM kills a worker outright (the parent's handler is not inherited as such).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


# A stop signal the command line received. Its handler raises SystemExit, but Python ignores an
# exception raised where a handler may happen to run (an at-fork hook, a finalizer): the stop is
# also remembered here and honoured at the next chunk, so that no signal is lost.
_STOP: list[int] = []


def request_stop(code: int) -> None:
    """Remember that the run must stop with exit code `code` (called by a signal handler)."""
    _STOP.append(code)


def _honour_stop() -> None:
    if _STOP:
        raise SystemExit(_STOP[0])


def _collect(
    chunks: Iterator[list[DossierResult | Problems]], total: int, progress: Progress | None
) -> list[DossierResult | Problems]:
    """The outcomes of every chunk, in order; a stop requested meanwhile ends the run."""
    outcomes: list[DossierResult | Problems] = []
    for chunk in chunks:
        _honour_stop()
        outcomes += chunk
        if progress is not None:
            progress(len(outcomes), total)
    _honour_stop()
    return outcomes


def check_all(
    paths: Sequence[str],
    settings: Settings,
    progress: Progress | None = None,
    piece: Piece | None = None,
    dated: bool = False,
    guide: bool = False,
) -> tuple[list[DossierResult], list[Problem]]:
    """Results and problems for `paths`; one bad file never stops the others.

    With `settings.traceback`, a bug raises instead of becoming the dossier's problem (for bug
    reports).
    If the run is interrupted (Ctrl-C, SIGTERM turned into SystemExit by the CLI), the worker
    processes are killed before the exception goes on: none is left behind. `progress` is
    told after each chunk how many dossiers are done. With `piece`, each result comes back
    rendered by it, without its findings (DossierResult.rendered_only). With `dated`, each
    result lists its dated events; with `guide`, also where to go and what follows, whatever
    its verdict.
    """
    cores = os.cpu_count() or 1
    workers = worker_count(settings.jobs, max(1, len(paths)), cores)
    size = max(MIN_CHUNK, min(MAX_CHUNK, -(-len(paths) // (workers * 4))))
    chunks = [
        (paths[i : i + size], settings, not settings.traceback, piece, dated, guide)
        for i in range(0, len(paths), size)
    ]
    workers = worker_count(settings.jobs, len(chunks), cores)
    if workers > 1 and len(paths) >= PARALLEL_FROM:
        # Imported here: a run on a few dossiers never pays for the process-pool machinery.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        )
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_start
        )
        try:
            outcomes = _collect(pool.map(_check_chunk, chunks), len(paths), progress)
        except BaseException:
            # shutdown() alone would let the workers finish every queued chunk first.
            processes = list(pool._processes.values())  # no public way before Python 3.14
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            for process in processes:
                process.join(5)
            raise
        pool.shutdown()
    else:
        outcomes = _collect(map(_check_chunk, chunks), len(paths), progress)
    results = [item for item in outcomes if isinstance(item, DossierResult)]
    problems = [problem for item in outcomes if isinstance(item, tuple) for problem in item]
    return results, problems
