"""User files: reading only regular files within a size limit, and writing reports whole."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass

from permitcheck.i18n import Text, t


@dataclass(frozen=True)
class Unreadable:
    """Why a file cannot be read, in both languages; the caller adds the path.

    `too_large`: the file is there but its content is too long (located at its start, as a
    problem of the content; the others are problems of the path).
    """

    reason: Text
    too_large: bool = False


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)", "命名管道（FIFO）"),
    (stat.S_ISCHR, "a character device", "字符设备"),
    (stat.S_ISBLK, "a block device", "块设备"),
    (stat.S_ISSOCK, "a socket", "套接字"),
)


def not_regular(mode: int) -> Text | None:
    """Why a file of this `st_mode` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return t("is a directory, expected a file", "这是一个目录，应为文件")
    for test, en, zh in _KINDS:
        if test(mode):
            return t(
                f"is {en}, not a regular file; only regular files are read",
                f"这是{zh}，不是普通文件；只读取普通文件",
            )
    return t("is not a regular file; only regular files are read", "不是普通文件；只读取普通文件")


def too_large(size: int, limit: int) -> Text:
    return t(
        f"the file is {size:,} bytes; at most {limit:,} bytes are read",
        f"文件大小为 {size:,} 字节；最多读取 {limit:,} 字节",
    )


def os_reason(exc: OSError) -> Text:
    """An operating-system error as a sentence (without the path, which the caller gives)."""
    if exc.errno == errno.ENOENT:
        return t("no such file", "文件不存在")
    if exc.errno == errno.ELOOP:
        return t("a loop of symbolic links; it points at itself", "符号链接形成循环，指向其自身")
    if exc.errno == errno.EACCES:
        return t("permission denied", "没有读取权限")
    reason = exc.strerror or str(exc)
    return t(f"cannot read the file: {reason}", f"无法读取文件：{reason}")


def read_regular(path: str, limit: int) -> bytes | Unreadable:
    """The bytes of the regular file at `path` (symbolic links followed), or why not.

    Nothing that is not a regular file is opened for reading (a FIFO would block, /dev/zero
    never ends), a file larger than `limit` is refused from its size, and at most `limit` + 1
    bytes are read in case it grows meanwhile.
    """
    try:
        before = os.stat(path)
    except OSError as exc:
        return Unreadable(os_reason(exc))
    problem = not_regular(before.st_mode)
    if problem is not None:
        return Unreadable(problem)
    if before.st_size > limit:
        return Unreadable(too_large(before.st_size, limit), too_large=True)
    # O_NONBLOCK: if the file was swapped for a FIFO since the stat, opening does not wait.
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_NOCTTY", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        return Unreadable(os_reason(exc))
    try:
        problem = not_regular(os.fstat(descriptor).st_mode)
        if problem is not None:
            return Unreadable(problem)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return Unreadable(os_reason(exc))
    finally:
        os.close(descriptor)
    if size > limit:
        return Unreadable(too_large(size, limit), too_large=True)
    return b"".join(chunks)


def write_replacing(path: str, text: str | Iterable[str]) -> None:
    """Write `text` (or its parts in order) to the file `path` so that nobody ever sees a part
    of it.

    The text goes to a temporary file beside the target, which is then renamed over it: a run
    killed while writing leaves the old report (and no temporary file), and two runs writing
    the same file leave one whole report. A hard link to the target keeps the old content. A
    device or pipe (`/dev/null`, a FIFO read by another program) is written directly. OSError
    (IsADirectoryError for a directory) if it cannot be written.
    """
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
        return
    if info is not None:
        mode = stat.S_IMODE(info.st_mode)
    else:
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    directory, name = os.path.split(path)
    import tempfile  # only when a report is written to a file

    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{name}.", suffix=".partial", dir=directory or "."
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines([text] if isinstance(text, str) else text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
