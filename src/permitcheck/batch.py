"""Checking many dossiers: in this process for a few, on every core for a large batch."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from permitcheck import dates
from permitcheck.errors import PermitcheckError
from permitcheck.findings import DossierResult

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
    from permitcheck.engine import evaluate
    from permitcheck.loader import load_file
    from permitcheck.rules import pack_for

    dossier = load_file(path)
    pack = pack_for(dossier, settings.rules_dir)
    reference = dates.reference_date(settings.as_of, dossier.model.application.submission_date,
                                     settings.today)
    return evaluate(dossier, pack, reference, settings.warn_days, settings.show_personal_data)


def _check_chunk(job: tuple[Sequence[str], Settings]) -> list[DossierResult | PermitcheckError]:
    paths, settings = job
    outcomes: list[DossierResult | PermitcheckError] = []
    for path in paths:
        try:
            outcomes.append(check_one(path, settings))
        except PermitcheckError as exc:
            outcomes.append(exc)
    return outcomes


def check_all(paths: Sequence[str], settings: Settings,
              jobs: int | None = None) -> tuple[list[DossierResult], list[PermitcheckError]]:
    """Results and errors for `paths`; one bad file never stops the others."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    size = max(MIN_CHUNK, min(MAX_CHUNK, -(-len(paths) // (workers * 4))))
    chunks = [(paths[i:i + size], settings) for i in range(0, len(paths), size)]
    if workers > 1 and len(paths) >= PARALLEL_FROM:
        # Imported here: a run on a few dossiers never pays for the process-pool machinery.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            outcomes = [item for chunk in pool.map(_check_chunk, chunks) for item in chunk]
    else:
        outcomes = [item for chunk in map(_check_chunk, chunks) for item in chunk]
    results = [item for item in outcomes if isinstance(item, DossierResult)]
    errors: list[PermitcheckError] = []
    for item in outcomes:
        if isinstance(item, PermitcheckError):
            errors.extend(item.all())
    return results, errors
