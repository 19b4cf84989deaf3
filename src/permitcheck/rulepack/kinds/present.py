"""The check kind `present`: a document is in the dossier, not only a commitment."""

from __future__ import annotations

from typing import Literal

from permitcheck import i18n
from permitcheck.rulepack.kinds.base import (
    Context,
    Kind,
    Outcome,
    Params,
    Subject,
    entry_kind,
    written_at,
)


class Present(Params):
    """The subject is in the dossier (a document entry that is not only a commitment).

    It takes no parameters and gives messages no placeholders of its own. A signed commitment
    given instead of the document, or an entry that says nothing but `commitment: false`, is
    not the document; of a list, every entry must be a document.
    """

    kind: Literal["present"]


def evaluate(check: Present, subject: Subject, ctx: Context) -> Outcome:
    return _present(subject.value, written_at(ctx.written, subject.path))


def _present(value: object, written: object) -> Outcome:
    if value is None or value == []:
        return Outcome("fail")
    if isinstance(value, list):
        items = written if isinstance(written, list) else [written]
        kinds = [
            entry_kind(entry, items[i] if i < len(items) else None) for i, entry in enumerate(value)
        ]
        commitments = [i for i, kind in enumerate(kinds) if kind == "commitment"]
        if commitments:
            # Entries are numbered from 1 for people; the finding points at the first.
            entries = ", ".join(str(i + 1) for i in commitments)
            return Outcome(
                "fail",
                {"entries": entries},
                message=i18n.COMMITMENT_ENTRY_NEVER,
                fix=i18n.COMMITMENT_ENTRY_FIX,
                at=(commitments[0],),
            )
        if "document" not in kinds:
            return Outcome("fail", message=i18n.NOT_A_DOCUMENT)
        return Outcome("pass")
    kind = entry_kind(value, written)
    if kind == "commitment":
        return Outcome("fail", message=i18n.COMMITMENT_NEVER, fix=i18n.COMMITMENT_FIX)
    if kind == "nothing":
        return Outcome("fail", message=i18n.NOT_A_DOCUMENT)
    return Outcome("pass")


def describe(check: Present, subject: str) -> tuple[str, str]:
    s = f"`{subject}`"
    return (f"{s} is in the package (not only a commitment)", f"已提交 {s}（不仅是承诺书）")


KIND = Kind(
    name="present",
    params=Present,
    placeholders=(),
    need=None,
    judge=evaluate,
    words=describe,
    judges_absence=True,
    about_presence=True,
)
