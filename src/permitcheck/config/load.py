"""Finding the configuration file, reading it, and locating every problem in it."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from permitcheck import files
from permitcheck.i18n import t
from permitcheck.problems import Location, Problem, Stop
from permitcheck.settings import WaiverEntry

# In each folder from the working directory up, the first of these that configures permitcheck
# is the configuration (as ruff looks for its own); a pyproject.toml counts only with a
# [tool.permitcheck] table, so that a project's pyproject.toml does not hide a file above.
NAMES = ("permitcheck.yaml", ".permitcheck.yaml", "pyproject.toml")
MAX_BYTES = 1 << 20  # far above any real configuration
_TOOL = ("tool", "permitcheck")


@dataclass(frozen=True)
class Setting:
    """One value the file sets, and where: `permitcheck.yaml:4:12`."""

    value: Any
    origin: str


@dataclass(frozen=True)
class Config:
    """The configuration in use: the file (None: there is none), what it sets, its waivers."""

    path: str | None = None
    folder: str = "."
    values: dict[str, Setting] = field(default_factory=dict)
    waivers: tuple[WaiverEntry, ...] = ()
    # Other configuration files in the same folder, which the first one hides.
    hidden: tuple[str, ...] = ()

    def relative(self, written: str) -> str:
        """A path the file writes (relative to its folder), as a path from here."""
        if os.path.isabs(written):
            return written
        return os.path.relpath(os.path.join(self.folder, written))


NONE = Config()

# What `validate` does when neither the command line nor the configuration says (`lang`: from
# the locale, given by the caller).
DEFAULTS: dict[str, Any] = {
    "paths": [],
    "exclude": [],
    "format": [],  # none: auto, or each --output file's extension
    "output": [],
    "fail_on": "error",
    "warn_days": 14,
    "lang": "en",
    "color": "auto",
    "verbose": False,
    "quiet": False,
    "show_personal_data": False,
    "skip_non_dossiers": False,
    "jobs": None,
    "progress": None,
    "rules": None,
}
# Settings that name files: written relative to the configuration file's folder.
_PATHS = ("paths", "output", "rules")
# Given together: a command line that names a format or a file takes both from itself.
_PAIRED = ("format", "output")
COMMAND_LINE = "command line"
DEFAULT = "default"


def settle(
    config: Config, given: dict[str, Any], defaults: dict[str, Any] | None = None
) -> dict[str, Setting]:
    """Every setting's value and where it comes from: the command line (`given`, None where
    not given), else the configuration, else the default."""
    defaults = {**DEFAULTS, **(defaults or {})}
    paired = any(given.get(name) is not None for name in _PAIRED)
    settled: dict[str, Setting] = {}
    for name, default in defaults.items():
        value = given.get(name)
        if value is not None:
            settled[name] = Setting(value, COMMAND_LINE)
            continue
        written = config.values.get(name)
        if written is not None and not (paired and name in _PAIRED):
            value = written.value
            if name in ("format", "output") and isinstance(value, str):
                value = [value]
            if name in _PATHS:
                value = (
                    [config.relative(v) for v in value]
                    if isinstance(value, list)
                    else config.relative(value)
                )
            settled[name] = Setting(value, written.origin)
        else:
            settled[name] = Setting(default, DEFAULT)
    return settled


def find(start: str) -> tuple[str, tuple[str, ...]] | None:
    """The configuration file for a run started in `start`, and the ones it hides."""
    folder = os.path.abspath(start)
    while True:
        found = [
            os.path.join(folder, name) for name in NAMES if _configures(os.path.join(folder, name))
        ]
        if found:
            return found[0], tuple(found[1:])
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _configures(path: str) -> bool:
    if not os.path.isfile(path):
        return False
    if not path.endswith("pyproject.toml"):
        return True
    raw = files.read_regular(path, MAX_BYTES)
    if isinstance(raw, files.Unreadable):
        return False
    # Parsed below only if it may hold the table (most pyproject.toml files do not).
    return re.search(rb"^\s*\[\[?\s*tool\s*\.\s*permitcheck\b", raw, re.M) is not None


def load(path: str, hidden: tuple[str, ...] = ()) -> Config:
    """The configuration in `path`; Stop with every problem of the file, located."""
    raw = files.read_regular(path, MAX_BYTES)
    if isinstance(raw, files.Unreadable):
        raise Stop(Problem(raw.reason, path, Location(1, 1) if raw.too_large else None, "usage"))
    source = _toml(raw, path) if path.endswith(".toml") else _yaml(raw, path)
    return _validated(source, path, hidden)


def _yaml(raw: bytes, path: str) -> Any:
    from permitcheck.dossier import yaml_reader

    text = yaml_reader.decode(raw, path, Stop.usage)
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        # Nothing but comments (a fresh `init --configuration`): every setting at its default.
        return yaml_reader.Document(path, {})
    source = yaml_reader.parse(text, path, Stop.usage)
    if source.data is None:
        source.data = {}
    return source


def _validated(source: Any, path: str, hidden: tuple[str, ...]) -> Config:
    from pydantic import ValidationError

    from permitcheck.basemodel import describe
    from permitcheck.config.model import ConfigFile
    from permitcheck.dossier.loader import located_problems

    data = source.data
    if not isinstance(data, dict):
        got = describe(data)
        raise Stop.usage(
            t(
                f"expected a mapping of settings (such as `fail_on: warning`), got {got}",
                f"应为设置的映射（例如 `fail_on: warning`），实际为 {got}",
            ),
            path,
            source.locate((), value=True),
        )
    try:
        model = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise Stop(*source.problems, *located_problems(exc, source, "usage")) from None
    if source.problems:
        raise Stop(*source.problems)
    folder = os.path.dirname(os.path.abspath(path))
    values = {
        name: Setting(getattr(model, name), _origin(source, name))
        for name in sorted(model.model_fields_set - {"waivers"})
        if getattr(model, name) is not None
    }
    waivers = tuple(
        WaiverEntry(
            rule=waiver.rule,
            subject=waiver.subject,
            paths=None if waiver.paths is None else tuple(waiver.paths),
            reason=waiver.reason,
            approved_by=waiver.approved_by,
            expires=waiver.expires,
            path=path,
            location=source.locate(("waivers", index)),
            index=index,
            folder=folder,
            expires_at=source.locate(("waivers", index, "expires"), value=True),
        )
        for index, waiver in enumerate(model.waivers)
    )
    return Config(path, folder, values, waivers, hidden)


def _origin(source: Any, name: str) -> str:
    where = source.locate((name,))
    return f"{source.path}:{where.line}:{where.column}"


# ---- TOML ---------------------------------------------------------------------------------
# tomllib gives values without positions: the lines of the file are indexed here, enough to
# locate a key written on its own line under a table header (the usual layout); a value inside
# an inline table or array is located at the key that holds it.

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]#]+?)\s*\]\]?\s*(?:#.*)?$")
_NAME = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^(\s*)({_NAME}(?:\s*\.\s*{_NAME})*)\s*=\s*")
_PART = re.compile(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART.findall(dotted))


@dataclass
class TomlSource:
    """The [tool.permitcheck] table of a pyproject.toml, with the lines of its keys."""

    path: str
    data: Any
    keys: dict[tuple[str | int, ...], tuple[Location, Location]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def locate(self, path: tuple[str | int, ...], *, value: bool = False) -> Location:
        """Where `path` (inside the table) is written; the nearest written ancestor else."""
        for end in range(len(path), -1, -1):
            found = self.keys.get(tuple(path[:end]))
            if found is not None:
                return found[1] if value and end == len(path) else found[0]
        return Location(1, 1)


def _toml(raw: bytes, path: str) -> TomlSource:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # the same parser, before it joined the standard library
        import tomli as tomllib

    from permitcheck.dossier import yaml_reader

    text = yaml_reader.decode(raw, path, Stop.usage)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        location = Location(int(where[1]), int(where[2])) if where else Location(1, 1)
        reason = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc))
        raise Stop.usage(
            t(f"invalid TOML: {reason}", f"TOML 语法错误：{reason}"), path, location
        ) from None
    table = document.get("tool", {}).get("permitcheck", {})
    source = TomlSource(path, table)
    prefix: tuple[str | int, ...] = ()  # the table the lines below belong to
    counts: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            names = _parts(header[2])
            if header[1] == "[[":
                counts[names] = counts.get(names, -1) + 1
                prefix = (*names, counts[names])
            else:
                prefix = names
            at = Location(number, line.index("[") + 1)
            _index(source, prefix, at, at)
            if header[1] == "[[":
                _index(source, prefix[:-1], at, at)
            continue
        key = _KEY.match(line)
        if key:
            at = Location(number, len(key[1]) + 1)
            _index(source, (*prefix, *_parts(key[2])), at, Location(number, key.end() + 1))
    return source


def _index(source: TomlSource, full: tuple[str | int, ...], key: Location, value: Location) -> None:
    """Record where a key of the [tool.permitcheck] table is written (the first time)."""
    if full[:2] == _TOOL and len(full) > 2:
        source.keys.setdefault(full[2:], (key, value))
