"""Compiling the shipped rule packs for the wheel (hatch_build.py runs `write`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from permitcheck.rulepack import compiled, registry, steps, windows
from permitcheck.rulepack import pack as loader


def build() -> bytes:
    """The shipped packs, loaded from their YAML, with their windows and steps, pickled.

    Raises if a pack has problems: a wheel is never built with a broken pack."""
    rules = registry.builtin_rules_dir()
    loader.forget_loaded()
    try:
        with compiled.disabled():
            packs: dict[str, loader.Pack] = {}
            tables: dict[tuple[str, str], Any] = {}
            for name in registry.in_folder(str(rules), "built-in"):
                loaded = loader.load_pack(name)
                if isinstance(loaded, tuple):
                    raise ValueError("\n".join(problem.located() for problem in loaded))
                packs[name] = loaded
                if loaded.data_file("windows") is not None:
                    tables[("windows", name)] = windows.of(loaded)
                if loaded.data_file("steps") is not None:
                    tables[("steps", name)] = steps.of(loaded)
            return compiled.dump(packs, tables, rules)
    finally:
        loader.forget_loaded()


def write(target: Path) -> None:
    """Compile the shipped packs into `target`."""
    target.write_bytes(build())
