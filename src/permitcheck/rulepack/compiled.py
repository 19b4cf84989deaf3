"""The shipped rule packs as compiled into the wheel, read back while they are current."""

# Loading a pack from YAML reads some twenty files and validates every rule, which is most of a
# run on one dossier. The wheel carries the shipped packs already loaded and checked, with their
# acceptance windows and steps, pickled (precompile.py, run by the wheel's build); a run uses
# them only when they are exactly what the YAML would give: the same permitcheck, Python and
# Pydantic, and the same bytes in every file of the shipped rules folder (a digest of them all).
# Anything else (a `--rules` folder, an edited or newer file, a checkout without the compiled
# file) loads from YAML.
#
# The pickle is part of the package, written by the package's own build and read only from the
# package's folder: it is code of permitcheck's, not data of the user's (rules and dossiers are
# never unpickled, nor executed in any way).
#
# The loaders (pack, windows, steps) ask this module; it imports none of them, so the packs are
# typed loosely here.

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

# Beside this module, in the installed package (a checkout has none: it loads from YAML).
FILE = Path(__file__).with_name("compiled.pickle")
FORMAT = 1  # of the pickled mapping below; a new format is a new number


@dataclass(frozen=True, eq=False)
class Compiled:
    """The shipped packs, and the data files of each, as loading them from YAML gives them."""

    packs: dict[str, Any]  # name -> Pack
    # (kind, pack name) -> the loaded table: ("windows", "nanjing") -> Windows
    # (kind, pack name) -> the loaded table, pickled on its own: ("windows", "nanjing"). Each is
    # read back when first asked for, so that a run needing no steps imports no steps module.
    tables: dict[tuple[str, str], bytes]
    # The folder the paths in the tables are relative to, where they are read back.
    rules: str = ""


def stamp(rules: Path) -> dict[str, Any]:
    """What the compiled packs must match to be used: versions, and the digest of every file
    under the shipped rules folder (names and bytes, in order)."""
    import pydantic

    from permitcheck import __version__

    digest = hashlib.blake2b(digest_size=20)
    for folder, subfolders, names in os.walk(rules):
        subfolders.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, rules).encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
            with open(path, "rb") as file:
                digest.update(hashlib.blake2b(file.read(), digest_size=20).digest())
    return {
        "format": FORMAT,
        "permitcheck": __version__,
        "python": list(sys.version_info[:2]),
        "pydantic": pydantic.VERSION,
        "rules": digest.hexdigest(),
    }


class _Pickler(pickle.Pickler):
    """Writes every path under the rules folder relative to it: the wheel is installed
    elsewhere than it is built."""

    def __init__(self, file: io.BytesIO, rules: str):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.rules = rules

    def persistent_id(self, obj: Any) -> str | None:
        if type(obj) is str and (obj == self.rules or obj.startswith(self.rules + os.sep)):
            return obj[len(self.rules) :]
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, rules: str):
        super().__init__(file)
        self.rules = rules

    def persistent_load(self, pid: Any) -> str:
        return self.rules + str(pid)


def dump(packs: dict[str, Any], tables: dict[tuple[str, str], Any], rules: Path) -> bytes:
    """The packs and tables loaded from the shipped rules folder `rules`, stamped and pickled."""
    root = os.path.realpath(rules)
    compiled = Compiled(packs, {key: _dumps(table, root) for key, table in tables.items()})
    return _dumps((stamp(rules), compiled), root)


def _dumps(value: Any, root: str) -> bytes:
    out = io.BytesIO()
    _Pickler(out, root).dump(value)
    return out.getvalue()


_ENABLED = [True]  # off while compiling


@contextmanager
def disabled() -> Iterator[None]:
    """No compiled packs meanwhile, whatever lies beside this module (while compiling them)."""
    _ENABLED.append(False)
    try:
        yield
    finally:
        _ENABLED.pop()


def shipped() -> Compiled | None:
    """The compiled shipped packs, if the package has them and they are current; else None."""
    return _shipped() if _ENABLED[-1] else None


@lru_cache(maxsize=1)
def _shipped() -> Compiled | None:
    from permitcheck.rulepack.registry import builtin_rules_dir

    return read(FILE, builtin_rules_dir())


def forget() -> None:
    """Read the compiled file again when next asked (a test that writes one)."""
    _shipped.cache_clear()
    _table.cache_clear()


def read(path: Path, rules: Path) -> Compiled | None:
    """The packs compiled into `path` from the folder `rules`, if they match it still."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    root = os.path.realpath(rules)
    try:
        written, compiled = _Unpickler(io.BytesIO(raw), root).load()
    except Exception:
        return None  # written by another version of a library: load from YAML
    if written != stamp(rules) or not isinstance(compiled, Compiled):
        return None
    return Compiled(compiled.packs, compiled.tables, root)


def table(kind: str, pack: Any) -> Any:
    """The compiled table `kind` of a shipped pack (None: not compiled, load from YAML)."""
    found, name = shipped(), pack.name
    if found is None or found.packs.get(name) is not pack:
        return None
    return _table(found, kind, name)


@lru_cache(maxsize=16)
def _table(found: Compiled, kind: str, name: str) -> Any:
    raw = found.tables.get((kind, name))
    return None if raw is None else _Unpickler(io.BytesIO(raw), found.rules).load()
