"""The hostile-input corpus, timed: each input in its own `permitcheck validate` process, which
must end within one second and 100 MB: hostile files, and hostile file systems (FIFOs, devices,
a 6 GB sparse file, link loops and link farms). Run from the project's environment:
`python bench/corpus.py` (see bench/README.md). Exit 1 if any input exceeds either limit."""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SECONDS, MEGABYTES = 1.0, 100


def _generator() -> Any:
    path = ROOT / "tests" / "corpus" / "generate.py"
    spec = importlib.util.spec_from_file_location("corpus_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Peak memory is read by a small launcher, not by this process: on Linux a child's ru_maxrss
# starts from the memory of the process it was forked from, and this one holds the corpus.
_LAUNCHER = """\
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), time.perf_counter() - start, usage.ru_maxrss)
"""


def run_one(command: list[str], cwd: str | None = None) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak resident megabytes of one `command` process."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCHER, *command],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NO_COLOR": "1"},
        cwd=cwd,
        timeout=60,
    )
    code, wall, kib = done.stdout.split()
    return int(code), float(wall), int(kib) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", type=int, default=10, help="slowest and largest to list")
    args = parser.parse_args()
    permitcheck = shutil.which("permitcheck", path=str(Path(sys.executable).parent))
    if permitcheck is None:
        sys.exit("permitcheck is not installed in this environment (see bench/README.md)")
    generator = _generator()
    cases: dict[str, bytes] = generator.corpus()
    rows: list[tuple[str, int, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="permitcheck-corpus-") as work:
        for name, raw in sorted(cases.items()):
            path = Path(work) / (re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80] + ".yaml")
            path.write_bytes(raw)
            code, wall, megabytes = run_one(
                [permitcheck, "validate", str(path), "--as-of", "2026-12-07"]
            )
            rows.append((name, code, wall, megabytes))
            path.unlink()
        for name, build in sorted(generator.FILESYSTEMS.items()):
            folder = Path(work) / name
            folder.mkdir()
            arguments = build(folder)
            code, wall, megabytes = run_one(
                [permitcheck, "validate", *arguments, "--as-of", "2026-12-07"], cwd=str(folder)
            )
            rows.append((name, code, wall, megabytes))
            shutil.rmtree(folder)

    def table(title: str, key: Any) -> None:
        print(f"\n{title}")
        print(f"  {'input':56} {'exit':>4} {'s':>7} {'MB':>7}")
        for name, code, wall, megabytes in sorted(rows, key=key, reverse=True)[: args.show]:
            print(f"  {name[:56]:56} {code:>4} {wall:7.3f} {megabytes:7.1f}")

    print(
        f"{len(rows)} inputs; exit codes: "
        + ", ".join(
            f"{code}: {sum(1 for r in rows if r[1] == code)}"
            for code in sorted({r[1] for r in rows})
        )
    )
    table("slowest", lambda r: r[2])
    table("largest", lambda r: r[3])
    over = [r for r in rows if r[2] >= SECONDS or r[3] >= MEGABYTES]
    unexpected = [r for r in rows if r[1] not in (0, 1, 2)]
    print(
        f"\nover {SECONDS:g} s or {MEGABYTES} MB: {len(over)}; "
        f"exit codes other than 0, 1, 2: {len(unexpected)}"
    )
    for name, code, wall, megabytes in over + unexpected:
        print(f"  {name}: exit {code}, {wall:.3f} s, {megabytes:.1f} MB")
    if over or unexpected:
        sys.exit(1)


if __name__ == "__main__":
    main()
