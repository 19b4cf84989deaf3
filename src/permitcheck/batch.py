"""Checking many dossiers: in this process for a few, on every core for a large batch."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from permitcheck import dates
from permitcheck.dossier.privacy import scrub
from permitcheck.findings import DossierResult
from permitcheck.problems import PermitcheckError

# Below this many dossiers, starting worker processes costs more than it saves.
PARALLEL_FROM = 64
# Dossiers per task sent to a worker. Larger chunks cost less to send back: the results of one
# chunk share their rule titles and sources in one pickle (bench/README.md); at most 256, and at
# least four chunks per worker, so that no worker is left with a long tail.
MIN_CHUNK, MAX_CHUNK = 32, 256


@dataclass(frozen=True)
class Settings:
    """What every dossier of a run is checked with; `today` comes from the caller's clock."""

    as_of: date | None
    today: date
    warn_days: int | None
    rules_dir: Path | None
    show_personal_data: bool = False


def check_one(path: str, settings: Settings) -> DossierResult:
    """Load, pick the rule pack and evaluate one dossier; PermitcheckError if it cannot."""
    from permitcheck.dossier.loader import load_file

    dossier = load_file(path)  # its errors never spell out a number of the file
    # Imported once a dossier has loaded: a run on malformed files never pays for the checker.
    from permitcheck.engine import evaluate
    from permitcheck.rulepack.pack import pack_for

    try:
        pack = pack_for(dossier, settings.rules_dir)
        reference = dates.reference_date(settings.as_of,
                                         dossier.model.application.submission_date,
                                         settings.today)
        return evaluate(dossier, pack, reference, settings.warn_days,
                        settings.show_personal_data)
    except PermitcheckError as exc:
        # A message about the dossier may quote it (its path, a value): masked like findings.
        raise exc if settings.show_personal_data else scrub(exc, dossier.numbers) from None


def _check_chunk(job: tuple[Sequence[str], Settings, bool]
                 ) -> list[DossierResult | PermitcheckError]:
    paths, settings, catch_bugs = job
    outcomes: list[DossierResult | PermitcheckError] = []
    for path in paths:
        try:
            outcomes.append(check_one(path, settings))
        except PermitcheckError as exc:
            outcomes.append(exc)
        except Exception as exc:
            if not catch_bugs:
                raise
            # One file's failure, whatever it is, must not sink the others.
            outcomes.append(_internal(path, exc))
    return outcomes


def _internal(path: str, exc: Exception) -> PermitcheckError:
    """A failure that is a bug in permitcheck, as the error of the one dossier it hit."""
    from permitcheck.i18n import t

    # Only the exception's type: its text may quote the dossier (a passport number).
    name = type(exc).__name__
    return PermitcheckError(t(
        f"internal error while checking this dossier ({name}); this is a bug in permitcheck: "
        "run `permitcheck validate --traceback` on this file alone and report it",
        f"检查此档案时发生内部错误（{name}）；这是 permitcheck 的缺陷：请单独对此文件运行 "
        "`permitcheck validate --traceback` 并报告"), path)


def worker_count(jobs: int | None, tasks: int, cores: int | None = None) -> int:
    """Worker processes for `tasks` chunks: as asked (default one per core), but never more
    than four per core nor more than there are chunks (3,000 workers took 9 GB)."""
    cores = cores or os.cpu_count() or 1
    wanted = jobs if jobs is not None else cores
    return max(1, min(wanted, 4 * cores, tasks))


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers stay quiet.
    # SIGTERM kills a worker outright (the parent's handler is not inherited as such).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def check_all(paths: Sequence[str], settings: Settings, jobs: int | None = None,
              traceback: bool = False) -> tuple[list[DossierResult], list[PermitcheckError]]:
    """Results and errors for `paths`; one bad file never stops the others.

    With `traceback`, a bug raises instead of becoming the dossier's error (for bug reports).
    If the run is interrupted (Ctrl-C, SIGTERM turned into SystemExit by the CLI), the worker
    processes are killed before the exception goes on: none is left behind.
    """
    cores = os.cpu_count() or 1
    workers = worker_count(jobs, max(1, len(paths)), cores)
    size = max(MIN_CHUNK, min(MAX_CHUNK, -(-len(paths) // (workers * 4))))
    chunks = [(paths[i:i + size], settings, not traceback) for i in range(0, len(paths), size)]
    workers = worker_count(jobs, len(chunks), cores)
    if workers > 1 and len(paths) >= PARALLEL_FROM:
        # Imported here: a run on a few dossiers never pays for the process-pool machinery.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=_worker_start)
        try:
            outcomes = [item for chunk in pool.map(_check_chunk, chunks) for item in chunk]
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
        outcomes = [item for chunk in map(_check_chunk, chunks) for item in chunk]
    results = [item for item in outcomes if isinstance(item, DossierResult)]
    errors: list[PermitcheckError] = []
    for item in outcomes:
        if isinstance(item, PermitcheckError):
            errors.extend(item.all())
    return results, errors

