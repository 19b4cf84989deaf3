"""Finding the dossiers to check among files, directories and glob patterns."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from permitcheck import files
from permitcheck.dossier import yaml_reader
from permitcheck.i18n import Text, t
from permitcheck.problems import Problem, Stop

_SUFFIXES = (".yaml", ".yml")
_PLAIN_KEY = re.compile(rb"(?m)^(?:\xef\xbb\xbf)?permitcheck[ \t]*:")
_GLOB = re.compile(r"[*?\[]")

try:  # the C parser: discovery reads every YAML file of a folder
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

LINK = t(
    "a symbolic link; links are not followed in folders and patterns (name the file "
    "itself to check it)",
    "符号链接；在目录和模式中不跟随链接（如需检查，请直接指定该文件）",
)
NO_KEY = t("no top-level `permitcheck` key", "没有顶层的 `permitcheck` 键")
EMPTY = t("empty: no YAML content", "空文件：没有 YAML 内容")


@dataclass(frozen=True)
class Skipped:
    """A YAML file found in a folder or by a pattern and not checked, with the reason."""

    path: str
    reason: Text


@dataclass
class Inputs:
    """What the command line names: dossiers to check, YAML files skipped, and problems."""

    dossiers: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def not_a_dossier(path: str) -> Text | None:
    """Why the YAML file at `path` is not a dossier, or None when it is one or may be one.

    Decided by parsing, as the loader reads: a quoted or tagged key, a flow mapping, UTF-16 or
    a key at the end of a long file are all dossiers. A file that cannot be read or parsed
    may be a broken dossier: None, so that loading it reports why.
    """
    raw = files.read_regular(path, yaml_reader.MAX_BYTES)
    if isinstance(raw, files.Unreadable):
        return None
    try:
        if _PLAIN_KEY.search(raw):
            # The usual spelling, a line `permitcheck:` at column 0, is a top-level key (or at
            # worst text that looks like one, which loading then reports): parsing the whole
            # file to learn it again cost more than the rest of discovery.
            return None
        text = yaml_reader.decode(raw, path)
    except Stop:
        return None
    return _top_level(text)


def _top_level(text: str) -> Text | None:
    """None when a document of `text` has a top-level `permitcheck` key, else the reason.

    A dossier wrapped in a list (`- permitcheck: 1`) counts as one: it is a broken dossier,
    and loading it says so, rather than a file to skip.
    """
    reason: Text = EMPTY
    # One entry per open collection: is it a mapping, and is its next node a key?
    stack: list[list[bool]] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                stack.pop()
                continue
            if kind not in (
                yaml.ScalarEvent,
                yaml.AliasEvent,
                yaml.MappingStartEvent,
                yaml.SequenceStartEvent,
            ):
                continue
            # A node: a key or value of the mapping it is in, or an item of a list.
            is_key = False
            if stack and stack[-1][0]:
                is_key = stack[-1][1]
                stack[-1][1] = not is_key
            if (
                is_key
                and getattr(event, "value", None) == "permitcheck"
                and (len(stack) == 1 or (len(stack) == 2 and not stack[0][0]))
            ):
                return None
            if not stack:
                reason = _shape(kind, getattr(event, "value", None))
            if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                stack.append([kind is yaml.MappingStartEvent, True])
    except yaml.YAMLError:
        return None  # let loading say where the YAML breaks
    return reason


def _shape(kind: type, value: str | None) -> Text:
    """Why a document whose top-level node is of this kind is not a dossier."""
    if kind is yaml.MappingStartEvent:
        return NO_KEY
    if kind is yaml.SequenceStartEvent:
        return t("the top level is a list, not a mapping", "顶层是列表，不是映射")
    if kind is yaml.ScalarEvent and value in ("", "~", "null", "Null", "NULL"):
        return EMPTY
    return t("the top level is a single value, not a mapping", "顶层是单个值，不是映射")


# Why a file found by a folder scan or a pattern is left out (the configuration's `exclude`),
# or None to check it.
Exclude = Callable[[str], Text | None]


def excluder(patterns: Sequence[str], folder: str, origin: str) -> Exclude:
    """What the patterns of the configuration's `exclude` leave out: a file whose path relative
    to `folder` (the configuration's) matches one, or is inside a folder that matches; a pattern
    without `/` also matches a file or folder name anywhere (`*.draft.yaml`, `archive`)."""
    compiled = [
        (
            pattern,
            re.compile(
                "".join(_segment(part, last=i == len(parts) - 1) for i, part in enumerate(parts))
                + r"\Z",
                re.DOTALL,
            ),
        )
        for pattern in patterns
        for parts in [pattern.removeprefix("./").rstrip("/").split("/")]
    ]

    def excluded(path: str) -> Text | None:
        relative = os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")
        steps = relative.split("/")
        for pattern, matcher in compiled:
            if "/" in pattern.rstrip("/"):
                candidates = ["/".join(steps[: n + 1]) for n in range(len(steps))]
            else:
                candidates = steps
            if any(matcher.match(candidate) for candidate in candidates):
                return t(f"excluded by `{pattern}` ({origin})", f"被 `{pattern}` 排除（{origin}）")
        return None

    return excluded


def discover(
    arguments: list[str], skip_non_dossiers: bool = False, exclude: Exclude | None = None
) -> Inputs:
    """Dossier paths in a stable order, each real file once.

    Directories are searched recursively for `*.yaml`/`*.yml`, without entering hidden
    directories (`.git`); neither there nor in glob patterns are symbolic links followed, so a
    link to `.` or `/` can neither repeat nor hang a run. There a YAML file without the
    top-level `permitcheck` key is skipped, with the reason. A file named explicitly is
    checked as a dossier, unless `skip_non_dossiers` (for hooks that pass every changed YAML
    file). Anything that is not a regular file is an error, never read.
    """
    found = Inputs()
    seen: set[object] = set()

    def add(path: str, explicit: bool) -> None:
        try:
            info = os.stat(path)
            identity: object = (info.st_dev, info.st_ino)
        except OSError:
            identity = os.path.normpath(path)  # loading reports why it cannot be read
        if identity in seen:
            return
        seen.add(identity)
        if not explicit or skip_non_dossiers:
            reason = not_a_dossier(path)
            if reason is not None:
                found.skipped.append(Skipped(path, reason))
                return
        found.dossiers.append(path)

    def walked(paths: Iterator[str]) -> int:
        count = 0
        for path in paths:
            count += 1
            try:
                mode = os.lstat(path).st_mode
            except OSError as exc:
                found.errors.append(Problem(files.os_reason(exc), path))
                continue
            if stat.S_ISLNK(mode):
                found.skipped.append(Skipped(path, LINK))
            elif (problem := files.not_regular(mode)) is not None:
                found.errors.append(Problem(problem, path))
            elif exclude is not None and (why := exclude(path)) is not None:
                found.skipped.append(Skipped(path, why))
            else:
                add(path, explicit=False)
        return count

    for argument in arguments:
        if os.path.isdir(argument):
            walked(_walk(argument, found.errors))
        elif os.path.lexists(argument):
            add(argument, explicit=True)
        elif _GLOB.search(argument):
            if not walked(iter(sorted(_glob(argument, found.errors)))):
                found.errors.append(
                    Problem(
                        t("no YAML file matches this pattern", "没有与此模式匹配的 YAML 文件"),
                        argument,
                    )
                )
        else:
            found.errors.append(Problem(t("no such file", "文件不存在"), argument))
    return found


def _walk(directory: str, errors: list[Problem], depth: int | None = None) -> Iterator[str]:
    """YAML file names under `directory`, in order, without entering hidden or linked folders,
    nor going more than `depth` levels down when it is given."""

    def failed(exc: OSError) -> None:
        errors.append(
            Problem(
                t(
                    f"cannot read the folder: {exc.strerror or exc}",
                    f"无法读取目录：{exc.strerror or exc}",
                ),
                exc.filename or directory,
            )
        )

    for root, dirs, names in os.walk(directory, followlinks=False, onerror=failed):
        below = 0 if root == directory else os.path.relpath(root, directory).count(os.sep) + 1
        if depth is not None and below + 1 >= depth:
            dirs[:] = []
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith(_SUFFIXES):
                yield os.path.join(root, name)


def _glob(pattern: str, errors: list[Problem]) -> list[str]:
    """The YAML files `pattern` matches (`*`, `?`, `[...]`, `**` for any folders), found by
    walking from its literal prefix without following links or entering hidden folders."""
    parts = pattern.split("/")
    literal = 0
    while literal < len(parts) - 1 and not _GLOB.search(parts[literal]):
        literal += 1
    prefix = "/".join(parts[:literal])
    if pattern.startswith("/") and not prefix:
        prefix = "/"
    rest = parts[literal:]
    matcher = re.compile(
        "".join(_segment(part, last=i == len(rest) - 1) for i, part in enumerate(rest)) + r"\Z",
        re.DOTALL,
    )
    deepest = None if "**" in rest else len(rest)
    top = prefix or "."
    if not os.path.isdir(top):
        return []
    matches = []
    for path in _walk(top, errors, deepest):
        relative = os.path.relpath(path, top)
        if matcher.match(relative):
            matches.append(path if prefix else relative)
    return matches


def _segment(part: str, last: bool) -> str:
    """The regular expression of one `/`-separated part of a glob pattern."""
    if part == "**":
        # Any number of visible folders (hidden ones are never entered by the walk).
        return r"(?:[^/]+/)*(?!\.)[^/]+" if last else r"(?:[^/]+/)*"
    out = "" if part.startswith(".") or not _GLOB.search(part[:1]) else r"(?!\.)"
    index = 0
    while index < len(part):
        char = part[index]
        if char == "*":
            out += r"[^/]*"
        elif char == "?":
            out += r"[^/]"
        elif char == "[":
            close = part.find(
                "]", index + 2 if part[index + 1 : index + 2] in ("!", "]") else index + 1
            )
            if close == -1:
                out += re.escape(char)
            else:
                body = part[index + 1 : close]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out += "[" + body.replace("\\", "\\\\") + "]"
                index = close
        else:
            out += re.escape(char)
        index += 1
    return out + ("" if last else "/")
