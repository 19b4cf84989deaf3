"""Reading a dossier file: YAML to located plain data to a validated Dossier, or a located error."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError

from permitcheck import yamlsafe
from permitcheck.errors import DossierError, Location, PermitcheckError
from permitcheck.model import Dossier
from permitcheck.strict import describe

_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class LoadedDossier:
    """A dossier that passed the format checks, with its plain data and source locations."""

    path: str
    model: Dossier
    data: dict[str, Any]
    source: yamlsafe.Document


def load_file(path: str) -> LoadedDossier:
    """Read and validate the dossier at `path`; DossierError with a location otherwise."""
    try:
        raw = FsPath(path).read_bytes()
    except IsADirectoryError:
        raise DossierError("is a directory, expected a dossier file", path) from None
    except FileNotFoundError:
        raise DossierError("no such file", path) from None
    except OSError as exc:
        raise DossierError(f"cannot read the file: {exc.strerror or exc}", path) from None
    return load_bytes(raw, path)


def load_bytes(raw: bytes, path: str) -> LoadedDossier:
    """Validate a dossier given as bytes; `path` names it in messages."""
    return validate(yamlsafe.read(path, raw))


def validate(source: yamlsafe.Document) -> LoadedDossier:
    """Validate parsed YAML against the dossier models."""
    data = source.data
    if not isinstance(data, dict):
        raise DossierError(
            f"expected a mapping that starts with `permitcheck: 1`, got "
            f"{'a list' if isinstance(data, list) else repr(data)}",
            source.path, source.locate((), value=True))
    if "permitcheck" not in data:
        raise DossierError("not a dossier: the `permitcheck: 1` key is missing",
                           source.path, Location(1, 1))
    try:
        model = Dossier.model_validate(data)
    except ValidationError as exc:
        raise located_error(exc, source) from None
    return LoadedDossier(source.path, model, data, source)


def located_error(exc: ValidationError, source: yamlsafe.Document,
                  error_cls: type[PermitcheckError] = DossierError) -> PermitcheckError:
    """Every validation error, located at what the user wrote, in file order.

    Wrong values come before missing keys at the same place: a wrong value often explains
    the missing ones. The first is raised; the rest ride along in `others`.
    """
    located: list[tuple[tuple[int, int, int], PermitcheckError]] = []
    seen: set[tuple[str, int, int]] = set()
    for error in exc.errors(include_url=False):
        one = _one_error(error, source, error_cls)
        where = one.location or Location(1, 1)
        key = (one.message, where.line, where.column)
        if key in seen:
            continue
        seen.add(key)
        missing = error["type"] in ("missing", "missing_section")
        located.append(((int(missing), where.line, where.column), one))
    located.sort(key=lambda item: item[0])
    first = located[0][1]
    first.others = tuple(item[1] for item in located[1:])
    return first


def _one_error(error: Any, source: yamlsafe.Document,
               error_cls: type[PermitcheckError]) -> PermitcheckError:
    path = _data_path(source.data, error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "unknown_key":
        key_path = (*path, str(ctx["at"]))
        where = f" in {_dotted(path)}" if path else ""
        message = error["msg"].replace("; ", f"{where}; ", 1)
        return error_cls(message, source.path, source.locate(key_path))
    if kind == "missing":
        name = error["loc"][-1]
        where = _dotted(path) or "the top level"
        return error_cls(f"missing required key {name!r} in {where}",
                            source.path, source.locate(path))
    if kind == "missing_section":
        return error_cls(error["msg"], source.path, source.locate(("application", "type"),
                                                                      value=True))
    if path == ("permitcheck",):
        return error_cls(f"unsupported format version {describe(error.get('input'))}; this "
                         "permitcheck reads `permitcheck: 1`", source.path,
                         source.locate(path, value=True))
    message = _message(error, path)
    return error_cls(message, source.path, source.locate(path, value=True))


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The path in the user's data that a Pydantic error location points at.

    Pydantic adds entries of its own (union tags, validator names); only the steps that exist
    in the data are kept, so the error is located at what the user wrote.
    """
    path: list[str | int] = []
    current = data
    for step in loc:
        if isinstance(current, dict) and step in current:
            current = current[step]
            path.append(step)
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            current = current[step]
            path.append(step)
    return tuple(path)


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _message(error: Any, path: tuple[str | int, ...]) -> str:
    kind = error["type"]
    value = error.get("input")
    got = describe(value)
    where = _dotted(path)
    prefix = f"{where}: " if where else ""
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        choices = _QUOTED.findall(expected) or [expected]
        text = f"{prefix}{got} is not allowed; expected one of: {', '.join(choices)}"
        if isinstance(value, str) and choices:
            close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
            if close:
                text += f" (did you mean {close[0]!r}?)"
        return text
    if kind == "bool_type":
        return f"{prefix}expected true or false, got {got}"
    if kind == "string_type":
        return f"{prefix}expected text, got {got}; put it in quotes if it is meant as text"
    if kind == "list_type":
        return f"{prefix}expected a list (lines starting with '- '), got {got}"
    if kind in ("int_type", "int_parsing"):
        return f"{prefix}expected a whole number, got {got}"
    if kind == "string_too_short":
        return f"{prefix}must not be empty"
    if kind == "too_short":
        return f"{prefix}must list at least one item"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        tags = _QUOTED.findall(str(ctx.get("expected_tags", "")))
        text = f"{prefix}unknown {ctx.get('discriminator', 'kind').strip(chr(39))} " \
               f"{ctx.get('tag')!r}; expected one of: {', '.join(tags)}"
        close = difflib.get_close_matches(str(ctx.get("tag")), tags, n=1, cutoff=0.6)
        return text + (f" (did you mean {close[0]!r}?)" if close else "")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{prefix}expected a mapping (key: value lines), got {got}"
    return f"{prefix}{error['msg']}"
