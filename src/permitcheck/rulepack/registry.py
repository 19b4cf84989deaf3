"""Where rule packs are found: a `--rules` folder, the shipped packs, installed distributions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# A third-party pack registers itself under this entry-point group, as flake8 plugins do:
#   [project.entry-points."permitcheck.packs"]
#   suzhou = "permitcheck_pack_suzhou"
# The name is the pack's name; the value names the Python package whose folder holds its
# pack.yaml. The package is located, never imported: a pack is data.
ENTRY_POINTS = "permitcheck.packs"

_KEY_NAME = re.compile(r"[a-z][a-z0-9_]*")  # a pack's name (re.fullmatch: `$` allows a "\n")


@dataclass(frozen=True)
class Found:
    """A pack as found, before anything of it is read: its folder, the folder every file it
    names must stay inside, and where it comes from (shown by `permitcheck rules --packs`)."""

    name: str
    directory: Path
    root: Path
    origin: str


@lru_cache(maxsize=1)
def builtin_rules_dir() -> Path:
    """The rule packs shipped with permitcheck (inside the wheel, or the checkout's `rules/`)."""
    packaged = Path(__file__).parents[1] / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def is_name(name: str) -> bool:
    """Whether `name` can be a pack's name (and so a folder name that stays in its folder)."""
    return _KEY_NAME.fullmatch(name) is not None


def is_pack_folder(folder: Path) -> bool:
    return (folder / "pack.yaml").is_file()


@lru_cache(maxsize=16)
def in_folder(root: str, origin: str = "--rules") -> dict[str, Found]:
    """The packs of a folder of packs (each sub-folder with a pack.yaml), or the folder itself
    when it is one pack. Listing opens nothing; a name that is not a pack's name could lead
    out of the folder, so it is not listed."""
    base = Path(root)
    if is_pack_folder(base):
        if not _KEY_NAME.fullmatch(base.name):
            return {}
        return {base.name: Found(base.name, base, base.parent, origin)}
    return {
        path.parent.name: Found(path.parent.name, path.parent, base, origin)
        for path in sorted(base.glob("*/pack.yaml"))
        if _KEY_NAME.fullmatch(path.parent.name)
    }


@lru_cache(maxsize=1)
def _entry_points() -> dict[str, Found]:
    """Packs installed as distributions of their own, by the entry points they declare."""
    # Imported here: reading installed distributions' metadata costs start-up time, paid only
    # when a pack is not among the shipped ones.
    from importlib.metadata import entry_points
    from importlib.util import find_spec

    found: dict[str, Found] = {}
    for point in entry_points(group=ENTRY_POINTS):
        if not _KEY_NAME.fullmatch(point.name) or point.name in found:
            continue
        try:
            spec = find_spec(point.module)
        except (ImportError, ValueError):
            continue  # a broken distribution is not a pack; `rules --packs` shows what is
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        if not folders or not is_pack_folder(Path(folders[0])):
            continue
        directory = Path(folders[0])
        distribution = point.dist.name if point.dist is not None else point.module
        # An installed pack reads only its own folder: site-packages is not a rules folder.
        found[point.name] = Found(point.name, directory, directory, distribution)
    return found


def installed() -> dict[str, Found]:
    """The packs shipped with permitcheck, then those installed as distributions (a shipped
    pack's name cannot be taken over by another distribution)."""
    shipped = in_folder(str(builtin_rules_dir()), "built-in")
    return {**_entry_points(), **shipped}


def unusable(rules_dir: Path) -> str | None:
    """Why `--rules DIR` cannot be used, if it cannot: a folder that does not exist or holds
    no pack would otherwise leave the installed packs to check in silence."""
    if not rules_dir.is_dir():
        return "missing"
    if not in_folder(str(rules_dir)):
        return "empty"
    return None


def available(rules_dir: Path | None = None) -> dict[str, Found]:
    """Every pack a command can use: those of `rules_dir` first, then the installed ones."""
    packs = installed()
    if rules_dir is not None:
        packs = {**packs, **in_folder(str(rules_dir))}
    return dict(sorted(packs.items()))


def find(name: str, rules_dir: Path | None = None) -> Found | None:
    """The pack called `name`: in `rules_dir`, else shipped, else installed."""
    if not _KEY_NAME.fullmatch(name):
        return None
    for packs in (
        in_folder(str(rules_dir)) if rules_dir is not None else {},
        in_folder(str(builtin_rules_dir()), "built-in"),
    ):
        if name in packs:
            return packs[name]
    return _entry_points().get(name)
