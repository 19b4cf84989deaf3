"""Benchmark: whole-process times of permitcheck against references, with the targets of
issue 6. Run from the project's environment: `python bench/run.py` (see bench/README.md)."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

PYTHON = sys.executable
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed in this environment (see bench/README.md)")
    return found


def measure(command: list[str], repeat: int, cwd: Path | None = None) -> dict[str, float]:
    """Wall time (min and median over `repeat` runs) and the CPU time of the processes."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            command,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return {"min": min(walls), "median": statistics.median(walls), "cpu": statistics.median(cpus)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="runs of each small command")
    parser.add_argument("--large", type=int, default=10_000, help="dossiers in the large batch")
    parser.add_argument("--keep", action="store_true", help="keep the generated dossiers")
    args = parser.parse_args()

    permitcheck, checker = tool("permitcheck"), tool("check-jsonschema")
    work = Path(tempfile.mkdtemp(prefix="permitcheck-bench-"))
    small, large = work / "d1000", work / "d10000"
    generate(small, 1000)
    generate(large, args.large)
    schema = work / "dossier.schema.json"
    schema.write_text(
        subprocess.run([permitcheck, "schema"], capture_output=True, text=True, check=True).stdout,
        encoding="utf-8",
    )
    one = small / "00000-new-permit.yaml"
    r = args.repeat
    imports = "import typer, yaml, pydantic, dateutil.relativedelta"
    rows = {
        "python -c pass": measure([PYTHON, "-c", "pass"], r),
        "minimal typer app --help": measure([PYTHON, str(HERE / "minimal_typer.py"), "--help"], r),
        # What any Typer command costs beyond its imports: Typer 0.29 builds Pydantic
        # adapters for the parameters of the command it runs (not for --help).
        "minimal typer app running its command": measure(
            [PYTHON, str(HERE / "minimal_typer.py"), "--name", "x"], r
        ),
        "imports: typer yaml pydantic dateutil": measure([PYTHON, "-c", imports], r),
        "imports: + rich.console rich.table": measure(
            [PYTHON, "-c", imports + ", rich.console, rich.table"], r
        ),
        "permitcheck --version": measure([permitcheck, "--version"], r),
        "permitcheck --help": measure([permitcheck, "--help"], r),
        "validate 1 dossier --format json": measure(
            [permitcheck, "validate", str(one), "--format", "json"], r, cwd=small
        ),
        "validate 1 dossier (text)": measure([permitcheck, "validate", str(one)], r, cwd=small),
        "validate 1,000 dossiers (json)": measure(
            [permitcheck, "validate", str(small), "--format", "json"], 3
        ),
        f"validate {args.large:,} dossiers (json)": measure(
            [permitcheck, "validate", str(large), "--format", "json"], 2
        ),
        f"check-jsonschema {args.large:,} files": measure(
            [checker, "--schemafile", str(schema), *sorted(str(p) for p in large.glob("*.yaml"))], 1
        ),
        "check-jsonschema 1,000 files": measure(
            [checker, "--schemafile", str(schema), *sorted(str(p) for p in small.glob("*.yaml"))], 1
        ),
        # A floor: libyaml's C loader reading the same files, nothing checked, one core.
        f"yaml CSafeLoader only, {args.large:,} files": measure(
            [
                PYTHON,
                "-c",
                (
                    "import sys, yaml, pathlib\n"
                    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
                    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
                ),
                str(large),
            ],
            1,
        ),
    }
    print(f"{'command':42} {'min s':>8} {'median s':>9} {'cpu s':>8}")
    for name, row in rows.items():
        print(f"{name:42} {row['min']:8.3f} {row['median']:9.3f} {row['cpu']:8.3f}")

    def ratio(a: str, b: str) -> float:
        return rows[a]["median"] / rows[b]["median"]

    big = f"validate {args.large:,} dossiers (json)"
    scaling = rows[big]["median"] / rows["validate 1,000 dossiers (json)"]["median"]
    throughput = rows[f"check-jsonschema {args.large:,} files"]["median"] / rows[big]["median"]
    cores = rows[big]["cpu"] / rows[big]["median"]
    targets = [
        (
            "--help vs minimal Typer --help",
            ratio("permitcheck --help", "minimal typer app --help"),
            "<=",
            1.0,
        ),
        (
            "--version vs python -c pass",
            ratio("permitcheck --version", "python -c pass"),
            "<=",
            8.0,
        ),
        (
            "validate json (1) vs bare imports",
            ratio("validate 1 dossier --format json", "imports: typer yaml pydantic dateutil"),
            "<=",
            1.5,
        ),
        (
            "validate text (1) vs imports + rich",
            ratio("validate 1 dossier (text)", "imports: + rich.console rich.table"),
            "<=",
            1.5,
        ),
        (f"throughput vs check-jsonschema ({args.large:,})", throughput, ">=", 15.0),
        (
            f"time {args.large:,} / time 1,000 (linear: ~{args.large / 1000:.0f})",
            scaling,
            "<=",
            args.large / 1000 * 1.25,
        ),
        (f"cores used on {args.large:,} (cpu / wall)", cores, ">=", 1.5),
    ]
    print()
    print(f"{'target':52} {'ratio':>8}   goal      ")
    for name, value, sign, goal in targets:
        met = value <= goal if sign == "<=" else value >= goal
        print(f"{name:52} {value:8.2f}   {sign} {goal:<6} {'met' if met else 'NOT MET'}")
    print(f"\n{os.cpu_count()} cores; Python {sys.version.split()[0]}; dossiers in {work}")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
