"""Finding the dossiers to check among files, directories and glob patterns."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field

from permitcheck.errors import DossierError, PermitcheckError
from permitcheck.i18n import t

_SUFFIXES = (".yaml", ".yml")
_GLOB = re.compile(r"[*?\[]")
# A dossier is a YAML file with the top-level key `permitcheck:` (a BOM may come first).
_DOSSIER_KEY = re.compile(rb"(?m)^(?:\xef\xbb\xbf)?permitcheck[ \t]*:")
_SNIFF_BYTES = 1_000_000


@dataclass
class Inputs:
    """What the command line names: dossiers to check, YAML files skipped, and problems."""

    dossiers: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[PermitcheckError] = field(default_factory=list)


def is_dossier(path: str) -> bool:
    """Whether the YAML file at `path` has the top-level `permitcheck:` key."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return True  # let loading report why it cannot be read
    return _DOSSIER_KEY.search(head) is not None


def discover(arguments: list[str], skip_non_dossiers: bool = False) -> Inputs:
    """Dossier paths in a stable order, each once.

    Directories are searched recursively for `*.yaml`/`*.yml`, without entering hidden
    directories (`.git`) or following symbolic links; there, and for glob patterns, a YAML file
    without the `permitcheck:` key is skipped and counted. A file named explicitly is checked
    as a dossier, unless `skip_non_dossiers` (for hooks that pass every changed YAML file).
    """
    found = Inputs()
    seen: set[str] = set()

    def add(path: str, explicit: bool) -> None:
        if path in seen:
            return
        seen.add(path)
        if (not explicit or skip_non_dossiers) and not is_dossier(path):
            found.skipped.append(path)
        else:
            found.dossiers.append(path)

    for argument in arguments:
        if os.path.isdir(argument):
            for path in _walk(argument):
                add(path, explicit=False)
        elif os.path.lexists(argument):
            add(argument, explicit=True)
        elif _GLOB.search(argument):
            matches = sorted(path for path in glob.glob(argument, recursive=True)
                             if os.path.isfile(path) and path.endswith(_SUFFIXES))
            if not matches:
                found.errors.append(DossierError(
                    t("no YAML file matches this pattern", "没有与此模式匹配的 YAML 文件"),
                    argument))
            for path in matches:
                add(path, explicit=False)
        else:
            found.errors.append(DossierError(t("no such file", "文件不存在"), argument))
    return found


def _walk(directory: str) -> list[str]:
    paths: list[str] = []
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(_SUFFIXES):
                full = os.path.join(root, name)
                if not os.path.islink(full):
                    paths.append(full)
    return paths



