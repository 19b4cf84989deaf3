"""The shape of the house: imports run one way, from the command line down to the bottom layer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "src" / "permitcheck"

# From the top down: a module may import its own layer and the layers below it, never above.
# `python -m permitcheck` -> cli -> services -> batch -> (render, engine, waivers, agenda) ->
# (rulepack, config) -> findings -> dossier -> the bottom (settings, problems, i18n, dates, the
# strict base model, files).
LAYERS = (
    ("permitcheck.__main__",),
    ("permitcheck.cli",),
    ("permitcheck.services",),
    ("permitcheck.batch", "permitcheck.packtest"),
    ("permitcheck.render", "permitcheck.engine", "permitcheck.waivers", "permitcheck.agenda"),
    ("permitcheck.rulepack", "permitcheck.config"),
    ("permitcheck.findings",),
    ("permitcheck.dossier",),
    (
        "permitcheck.settings",
        "permitcheck.problems",
        "permitcheck.i18n",
        "permitcheck.dates",
        "permitcheck.basemodel",
        "permitcheck.files",
    ),
    ("permitcheck",),  # the package itself: its version
)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every permitcheck module `path` imports: at the top, in functions, for type checking."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from permitcheck.render import escape` imports the module permitcheck.render.escape
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _layer(module: str) -> int:
    best = (-1, len(LAYERS))
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or (module.startswith(prefix + ".") and "." in prefix)
            if inside and len(prefix) > best[0]:
                best = (len(prefix), index)
    return best[1]


def test_every_module_has_a_layer() -> None:
    assert [name for name in _modules() if _layer(name) == len(LAYERS)] == []


def test_imports_run_down_the_layers() -> None:
    upward = sorted(
        f"{module} -> {imported}"
        for module, imports in _graph().items()
        for imported in imports
        if _layer(imported) < _layer(module)
    )
    assert upward == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _graph()
    cycles = []
    for start in graph:
        # Depth-first search for a path from an import of `start` back to `start`.
        stack, seen = [(start, (start,))], set()
        while stack:
            module, trail = stack.pop()
            for imported in graph[module]:
                if imported == start:
                    cycles.append(" -> ".join((*trail, start)))
                elif imported not in seen:
                    seen.add(imported)
                    stack.append((imported, (*trail, imported)))
    assert cycles == []


def test_every_renderer_the_registry_names_exists() -> None:
    from permitcheck.render import REPORTER_BY_NAME

    for renderer in REPORTER_BY_NAME.values():
        for kind in renderer.views:
            assert callable(renderer.function(kind)), (renderer.name, kind)


def test_the_format_choices_of_every_command_come_from_the_registry() -> None:
    from helpers import invoke
    from permitcheck.render import formats

    for command, kind in (
        ("validate", "report"),
        ("where", "where"),
        ("steps", "steps"),
        ("rules", "rules"),
        ("explain", "explain"),
        ("timeline", "timeline"),
    ):
        shown = " ".join(invoke(command, "--help").stdout.split())
        # The help lists the choices ("Output format: a, b or c."): all, no more (`validate`
        # also takes auto: text, or github annotations under GitHub Actions).
        listed = re.search(r"Output format: ([a-z, ]+?)(?: or ([a-z]+))?[.;]", shown)
        assert listed, command
        named = {*listed[1].split(", "), *([listed[2]] if listed[2] else [])}
        assert named == {*formats(kind), *(["auto"] if command == "validate" else [])}, command
