"""Benchmark: permitcheck installed fresh from a wheel, timed against its references in paired
runs, with every target of issue 15 in one table. `python bench/run.py` (see bench/README.md)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

REFERENCE = "import typer, yaml, pydantic, dateutil.relativedelta"
# The least a program that loads its input into a Pydantic model does beyond the reference
# (whose `import pydantic` is lazy): define one model and validate one value with it.
ONE_MODEL = REFERENCE + "\nfrom pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)"

# Reads the peak memory of the command it runs and of every process that command waited for
# (a batch's workers): on Linux, RUSAGE_CHILDREN's ru_maxrss is the largest of them, in KiB.
_LAUNCHER = """\
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, use.ru_utime + use.ru_stime, use.ru_maxrss, done.returncode)
"""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    code: int


def run_once(command: list[str], cwd: Path) -> Run:
    out = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NO_COLOR": "1"},
    ).stdout.split()
    return Run(float(out[0]), float(out[1]), int(out[2]) / 1024, int(out[3]))


@dataclass
class Paired:
    """Two commands run in turn, A B A B ...: each figure's median, and the ratio pair by pair
    (a drift of the machine's speed affects both of a pair alike)."""

    a: list[Run]
    b: list[Run]

    @property
    def ratio(self) -> float:
        return statistics.median(x.wall / y.wall for x, y in zip(self.a, self.b, strict=True))

    @staticmethod
    def median(runs: list[Run], figure: Callable[[Run], float]) -> float:
        return statistics.median(figure(run) for run in runs)


def paired(a: list[str], b: list[str], repeat: int, cwd: Path) -> Paired:
    run_once(a, cwd), run_once(b, cwd)  # warm the file cache for both
    result = Paired([], [])
    for _ in range(repeat):
        result.a.append(run_once(a, cwd))
        result.b.append(run_once(b, cwd))
    return result


def install(source: Path, venv: Path) -> Path:
    """A fresh virtual environment with permitcheck built as a wheel from `source` and
    installed with its dependencies: what a user gets (byte-compiled, the packs compiled)."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheels = venv / "wheels"
    quiet = ["-q", "--disable-pip-version-check"]
    subprocess.run(
        [str(python), "-m", "pip", "wheel", *quiet, "--no-deps", "-w", str(wheels), str(source)],
        check=True,
    )
    (wheel,) = wheels.glob("permitcheck-*.whl")
    subprocess.run([str(python), "-m", "pip", "install", *quiet, str(wheel)], check=True)
    return venv / "bin" / "permitcheck"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed in this environment (see bench/README.md)")
    return found


def compare_outputs(old: Path, new: Path, work: Path, folder: Path) -> list[str]:
    """The command lines whose output (stdout, exit code) differs between the two installs:
    every format on the generated folder, every command on each example."""
    cases: list[list[str]] = []
    for fmt in ("text", "json", "junit", "sarif", "github", "markdown"):
        for lang in ("en", "zh"):
            cases.append(["validate", str(folder), "-f", fmt, "--lang", lang])
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        for fmt in ("text", "json"):
            cases.append(["validate", str(example), "-f", fmt])
            for command in ("where", "steps", "timeline"):
                cases.append([command, str(example), "-f", fmt])
    cases += [["explain", "nanjing.new.degree.present"], ["rules", "-f", "json"]]
    differ = []
    env = {**os.environ, "NO_COLOR": "1", "PERMITCHECK_TODAY": "2026-11-29"}
    for case in cases:
        outputs = [
            subprocess.run([str(binary), *case], cwd=work, env=env, capture_output=True)
            for binary in (old, new)
        ]
        if (outputs[0].stdout, outputs[0].returncode) != (
            outputs[1].stdout,
            outputs[1].returncode,
        ):
            differ.append(" ".join(case))
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9, help="pairs of runs of each small case")
    parser.add_argument("--large", type=int, default=10_000, help="dossiers in the large batch")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also install this revision and compare its outputs and times with this tree's",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="permitcheck-bench-"))
    started = time.perf_counter()
    print(f"installing permitcheck from {ROOT} into a fresh environment ...", flush=True)
    permitcheck = str(install(ROOT, work / "venv"))
    python = str(work / "venv" / "bin" / "python")
    checker = tool("check-jsonschema")
    small, large = work / "d1000", work / "dlarge"
    generate(small, 1000)
    generate(large, args.large)
    schema = work / "dossier.schema.json"
    schema.write_text(
        subprocess.run([permitcheck, "schema"], capture_output=True, text=True, check=True).stdout,
        encoding="utf-8",
    )
    one = str(small / "00000-new-permit.yaml")
    r = args.repeat

    # The very first run after the install: nothing of permitcheck's in any cache.
    cold = run_once([permitcheck, "validate", one, "--format", "json"], work)
    reference = [python, "-c", REFERENCE]
    single = {
        "validate 1 dossier --format json": [permitcheck, "validate", one, "--format", "json"],
        "validate 1 dossier (text)": [permitcheck, "validate", one],
        "where DOSSIER": [permitcheck, "where", one],
        "steps DOSSIER": [permitcheck, "steps", one],
        "explain RULE": [permitcheck, "explain", "nanjing.new.degree.present"],
        "timeline DOSSIER": [permitcheck, "timeline", one],
    }
    pairs = {name: paired(command, reference, r, work) for name, command in single.items()}
    version = paired([permitcheck, "--version"], [python, "-c", "pass"], r, work)
    helps = paired(
        [permitcheck, "--help"], [python, str(HERE / "minimal_typer.py"), "--help"], r, work
    )
    typer_app = paired([python, str(HERE / "minimal_typer.py"), "--name", "x"], reference, r, work)
    one_model = paired([python, "-c", ONE_MODEL], reference, r, work)

    def batch(folder: Path, runs: int) -> list[Run]:
        return [
            run_once([permitcheck, "validate", str(folder), "--format", "json"], work)
            for _ in range(runs)
        ]

    thousand = batch(small, 3)
    big = batch(large, 2)
    files = sorted(str(p) for p in large.glob("*.yaml"))
    checked = run_once([checker, "--schemafile", str(schema), *files], work)

    big_wall = Paired.median(big, lambda x: x.wall)
    thousand_wall = Paired.median(thousand, lambda x: x.wall)
    print(f"\n{'case':44} {'median s':>9} {'cpu s':>7} {'peak MiB':>9}")

    def row(name: str, runs: list[Run]) -> None:
        wall = Paired.median(runs, lambda x: x.wall)
        cpu = Paired.median(runs, lambda x: x.cpu)
        peak = max(x.peak_mib for x in runs)
        print(f"{name:44} {wall:9.3f} {cpu:7.3f} {peak:9.1f}")

    row("python -c pass", version.b)
    row("reference: " + REFERENCE[7:], pairs["validate 1 dossier --format json"].b)
    row("minimal Typer app --help", helps.b)
    row("minimal Typer app running its command", typer_app.a)
    row("one Pydantic model defined and used", one_model.a)
    row("permitcheck --version", version.a)
    row("permitcheck --help", helps.a)
    row("validate 1 dossier --format json, first run", [cold])
    for name, pair in pairs.items():
        row(name, pair.a)
    row("validate 1,000 dossiers (json)", thousand)
    row(f"validate {args.large:,} dossiers (json)", big)
    row(f"check-jsonschema, {args.large:,} files", [checked])

    throughput = checked.wall / big_wall
    targets: list[tuple[str, float, str, float]] = [
        (
            "validate json (1) / reference, paired",
            pairs["validate 1 dossier --format json"].ratio,
            "<=",
            1.5,
        ),
        (
            "validate json (1), first run after install / reference",
            cold.wall
            / Paired.median(pairs["validate 1 dossier --format json"].b, lambda x: x.wall),
            "<=",
            1.5,
        ),
        ("validate text (1) / reference", pairs["validate 1 dossier (text)"].ratio, "<=", 1.5),
        ("where / reference", pairs["where DOSSIER"].ratio, "<=", 1.5),
        ("steps / reference", pairs["steps DOSSIER"].ratio, "<=", 1.5),
        ("explain / reference", pairs["explain RULE"].ratio, "<=", 1.5),
        ("timeline / reference", pairs["timeline DOSSIER"].ratio, "<=", 1.5),
        ("--version / python -c pass", version.ratio, "<=", 8.0),
        ("--help / minimal Typer app --help", helps.ratio, "<=", 1.0),
        ("(minimal Typer app running / reference)", typer_app.ratio, "info", 0.0),
        ("(one Pydantic model defined and used / reference)", one_model.ratio, "info", 0.0),
        (f"throughput / check-jsonschema ({args.large:,})", throughput, ">=", 15.0),
        (
            f"time {args.large:,} / time 1,000 (linear: {args.large / 1000:.0f})",
            big_wall / thousand_wall,
            "<=",
            args.large / 1000 * 1.25,
        ),
        (
            f"cores used on {args.large:,} (cpu / wall)",
            Paired.median(big, lambda x: x.cpu) / big_wall,
            ">=",
            1.6,
        ),
        (f"peak memory on {args.large:,}, MiB", max(x.peak_mib for x in big), "<=", 300.0),
    ]
    print(f"\n{'target':58} {'value':>8}   goal")
    for name, value, sign, goal in targets:
        if sign == "info":
            print(f"{name:58} {value:8.2f}")
            continue
        met = value <= goal if sign == "<=" else value >= goal
        print(f"{name:58} {value:8.2f}   {sign} {goal:<6} {'met' if met else 'NOT MET'}")

    if args.baseline:
        print(f"\ninstalling {args.baseline} beside it ...", flush=True)
        tree = work / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(tree), args.baseline],
            check=True,
            capture_output=True,
        )
        try:
            old = install(tree, work / "venv-baseline")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
        differ = compare_outputs(old, Path(permitcheck), work, small)
        print(f"outputs differing from {args.baseline}: {len(differ)}")
        for case in differ:
            print("  ", case)
        then = paired(
            [permitcheck, "validate", one, "--format", "json"],
            [str(old), "validate", one, "--format", "json"],
            r,
            work,
        )
        old_big = run_once([str(old), "validate", str(large), "--format", "json"], work)
        print(f"validate 1 dossier, this tree / {args.baseline}: {then.ratio:.2f}")
        print(
            f"validate {args.large:,}, this tree / {args.baseline}: {big_wall / old_big.wall:.2f}"
        )

    print(
        f"\n{os.cpu_count()} cores; Python {sys.version.split()[0]}; "
        f"{time.perf_counter() - started:.0f} s; in {work}"
    )
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
