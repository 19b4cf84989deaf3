"""Files a pack names: inside its rules folder, regular files, and never opened otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from permitcheck import files
from permitcheck.basemodel import shown
from permitcheck.dossier import yaml_reader
from permitcheck.i18n import Text, t
from permitcheck.problems import Stop
from permitcheck.rulepack.shapes import Where


def inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def outside(what: Text, root: Path) -> Text:
    top = os.path.abspath(root)
    return t(
        f"{what.en} is a symbolic link to a place outside the rules folder {top}; a rule "
        "pack reads only files inside it",
        f"{what.zh}是指向规则文件夹 {top} 之外的符号链接；规则包只读取该文件夹内的文件",
    )


def confined(written: str, base: Path, root: Path) -> str | Text:
    """The real path of the file `written` names relative to the folder `base`, checked to be
    a regular file inside `root` by its name, its links and its status; or why it is not read
    (the caller says where it is named). Nothing is opened."""
    top = os.path.abspath(root)
    name = shown(written)
    if os.path.isabs(written):
        return t(
            f"{name} is an absolute path; name a file inside the rules folder {top}, relative "
            "to this file's folder (a sibling pack's file: `../other/file.yaml`)",
            f"{name} 是绝对路径；请写规则文件夹 {top} 内的文件，相对于本文件所在的文件夹"
            "（同级规则包的文件：`../other/file.yaml`）",
        )
    lexical = os.path.normpath(os.path.join(os.path.abspath(base), written))
    if not inside(lexical, top):
        return t(
            f"{name} leads outside the rules folder {top}; a rule pack reads only files inside it",
            f"{name} 指向规则文件夹 {top} 之外；规则包只读取该文件夹内的文件",
        )
    # realpath reads the links only, never the file they lead to.
    real = os.path.realpath(lexical)
    if not inside(real, os.path.realpath(top)):
        return t(
            f"{name} is, through a symbolic link, a file outside the rules folder {top}; "
            "a rule pack reads only files inside it",
            f"{name} 经由符号链接指向规则文件夹 {top} 之外的文件；规则包只读取该文件夹内的文件",
        )
    try:
        status = os.stat(real)
    except OSError as exc:
        reason: Text | None = files.os_reason(exc)
    else:
        reason = files.not_regular(status.st_mode)
    if reason is not None:
        return t(f"{name}: {reason.en}", f"{name}：{reason.zh}")
    return real


def checked(
    written: str,
    base: Path,
    root: Path,
    path: Path,
    source: yaml_reader.Document,
    where: Where,
) -> str:
    """`confined`, with a problem located at `where` in the file that names it."""
    found = confined(written, base, root)
    if isinstance(found, str):
        return found
    key = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in where)
    raise Stop.rules(
        t(f"{key.lstrip('.')}: {found.en}", f"{key.lstrip('.')}：{found.zh}"),
        str(path),
        source.locate(where, value=True),
    )
