"""The check kind `file`: a referenced scan is a real file of an allowed type in the repository."""

from __future__ import annotations

import difflib
import os
from functools import lru_cache
from typing import Literal

from pydantic import Field

from permitcheck import i18n
from permitcheck.i18n import Text, Value
from permitcheck.rulepack.kinds.base import (
    Context,
    Kind,
    Outcome,
    Params,
    Subject,
    code_list,
    not_stated,
)
from permitcheck.rulepack.shapes import TEXT


class File(Params):
    """A referenced file is inside the dossier repository, non-empty, and of an allowed type
    by its content (magic bytes), never by its name.

    `types` lists the types allowed (`pdf`, `jpeg`, `png`). The path is relative to the
    dossier's folder and may not leave the repository, by `..` or by a symbolic link. Messages
    may use `{file}` (the path written) and `{types}`.
    """

    kind: Literal["file"]
    types: list[Literal["pdf", "jpeg", "png"]] = Field(min_length=1)


_MAGIC = {"pdf": (b"%PDF-",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}


def evaluate(check: File, subject: Subject, ctx: Context) -> Outcome:
    """Checks the file without following anything outside the repository."""
    value = subject.value
    if not isinstance(value, str):
        return not_stated(subject.text)
    params: dict[str, Value] = {"file": value, "types": list(check.types)}

    def fail(message: Text, fix: Text) -> Outcome:
        return Outcome("fail", params, message=message, fix=fix)

    if os.path.isabs(value) or value.startswith("~"):
        return fail(i18n.FILE_ABSOLUTE, i18n.FILE_RELATIVE_FIX)
    root = _real_folder(ctx.root)
    target = os.path.normpath(os.path.join(_real_folder(ctx.base_dir), value))
    if not _inside(target, root):
        return fail(i18n.FILE_OUTSIDE, i18n.FILE_RELATIVE_FIX)
    # realpath resolves symbolic links by reading the links only, never the files they name.
    if not _inside(os.path.realpath(target), root):
        return fail(i18n.FILE_LINK_OUTSIDE, i18n.FILE_RELATIVE_FIX)
    if not os.path.lexists(target):
        similar = _similar(target, root)
        if similar is not None:
            params["similar"] = os.path.join(os.path.dirname(value), similar)
            return fail(i18n.FILE_MISSING_SIMILAR, i18n.FILE_MISSING_SIMILAR_FIX)
        return fail(i18n.FILE_MISSING, i18n.FILE_MISSING_FIX)
    if not os.path.isfile(target):
        return fail(i18n.FILE_NOT_REGULAR, i18n.FILE_MISSING_FIX)
    try:
        with open(target, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return fail(i18n.FILE_UNREADABLE, i18n.FILE_MISSING_FIX)
    if not head:
        return fail(i18n.FILE_EMPTY, i18n.FILE_TYPE_FIX)
    if not any(head.startswith(magic) for kind in check.types for magic in _MAGIC[kind]):
        return fail(i18n.FILE_TYPE, i18n.FILE_TYPE_FIX)
    return Outcome("pass", params)


@lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    # The dossiers of a batch share their folder and repository: each is resolved once (a
    # realpath reads every component of the path).
    return os.path.realpath(folder)


def _similar(target: str, root: str) -> str | None:
    """The name in the same folder that the missing `target` most likely meant: the same name
    in another letter case (`degree.PDF` for `degree.pdf`), else one a typo away."""
    folder = os.path.dirname(target)
    if not _inside(os.path.realpath(folder), root):
        return None
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    wanted = os.path.basename(target)
    same = [name for name in names if name.casefold() == wanted.casefold()]
    if same:
        return same[0]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.8)
    return close[0] if close else None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def describe(check: File, subject: str) -> tuple[str, str]:
    s, types = f"`{subject}`", code_list(check.types)
    return (
        f"the file named by {s} is inside the dossier's repository (no `..` escapes, "
        f"no symbolic link out), not empty, and a {types} file by its content, not its name",
        f"{s} 所指文件位于档案所在仓库内（不得用 `..` 越界或符号链接指向外部），不为空，"
        f"且按文件内容（而非文件名）为 {types} 格式",
    )


KIND = Kind(
    name="file",
    params=File,
    placeholders=("file", "types"),
    need=TEXT,
    judge=evaluate,
    words=describe,
)
