"""The check kind `evidence_covers`: every changed field has supporting evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from permitcheck.rulepack.conditions import DottedPath
from permitcheck.rulepack.kinds.base import Context, Kind, Outcome, Params, Subject
from permitcheck.rulepack.shapes import LIST_OF_MAPPINGS, LIST_OF_TEXT, Reads


class EvidenceCovers(Params):
    """Every changed field listed at `fields` is supported by an evidence entry.

    The subject is the list of evidence entries, each naming the fields it `supports`; where
    one field changed, an entry that names none supports it. Messages may use `{missing}`: the
    fields without evidence.
    """

    kind: Literal["evidence_covers"]
    fields: DottedPath


def evaluate(check: EvidenceCovers, subject: Subject, ctx: Context) -> Outcome:
    fields: list[str] = ctx.get(check.fields) or []
    evidence: list[Mapping[str, Any]] = subject.value or []
    missing: list[str] = []
    for name in fields:
        covered = any(
            name in (item.get("supports") or [])
            # One changed field: an entry that names none supports that one.
            or (len(fields) == 1 and not item.get("supports"))
            for item in evidence
        )
        if not covered:
            missing.append(name)
    return Outcome("fail", {"missing": missing}) if missing else Outcome("pass")


def reads(check: EvidenceCovers, subject: Reads) -> list[Reads]:
    return [
        subject,
        Reads(subject.by, (), "", LIST_OF_TEXT, item="supports"),
        Reads(subject.by, ("fields",), check.fields, LIST_OF_TEXT, absolute=True),
    ]


def describe(check: EvidenceCovers, subject: str) -> tuple[str, str]:
    return (
        f"every item of `{check.fields}` has a supporting entry in `{subject}`",
        f"`{check.fields}` 中每一项在 `{subject}` 中均有证明材料",
    )


KIND = Kind(
    name="evidence_covers",
    params=EvidenceCovers,
    placeholders=("missing",),
    need=LIST_OF_MAPPINGS,
    judge=evaluate,
    words=describe,
    reading=reads,
    judges_absence=True,
)
