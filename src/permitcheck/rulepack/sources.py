"""The base of rule-file models, and the passages and documents that rules cite."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from permitcheck.basemodel import Strict
from permitcheck.i18n import Text


class RuleModel(Strict):
    """A mapping in a rule file: strict types, unknown keys reported with a suggestion."""


class Heading(RuleModel):
    """How one kind of section starts in a source's text, and how citations name it: a line
    that starts (after any indentation) with one of `starts`, where `{n}` stands for a number;
    `name` is the section's name, with `{n}` and, for a section inside another, `{parent}`."""

    level: int = Field(
        ge=1,
        le=5,
        description=(
            "1 for the largest sections; a section runs to the next heading of its level or above."
        ),
    )
    starts: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1,
        description='How a heading line starts; `{n}` stands for a number ("{n}. ", "({n})").',
    )
    name: str = Field(
        min_length=1,
        description=(
            "The section's name in citations; `{n}`, and `{parent}` for the enclosing section "
            '("{parent}({n})").'
        ),
    )


class SourceText(RuleModel):
    """A document whose text quotes are checked against, and how its text divides into the
    sections citations name (none said: a quote may be anywhere in the text)."""

    sections: list[Heading] = Field(
        default=[],
        description=(
            "How the text divides into the sections citations name; none: a quote may be anywhere."
        ),
    )


def sections_of(text: str, headings: list[Heading]) -> dict[str, str]:
    """The text of each section of `text`, whitespace made single spaces: a section runs from
    its heading to the next heading of the same or a higher level (a question holds its items
    and its note). The patterns are made here from the headings' literal text and `{n}`:
    nothing a pack writes is run as a pattern of its own."""
    patterns = [
        (heading, re.compile(r"\s*" + re.escape(start).replace(re.escape("{n}"), r"(?P<n>\d+)", 1)))
        for heading in sorted(headings, key=lambda h: h.level)
        for start in heading.starts
    ]
    found: dict[str, list[str]] = {}
    open_: list[tuple[int, str]] = []  # (level, name) of the sections the line lies in
    for line in text.splitlines():
        for heading, pattern in patterns:
            match = pattern.match(line)
            if match is None:
                continue
            while open_ and open_[-1][0] >= heading.level:
                open_.pop()
            parent = open_[-1][1] if open_ else ""
            number = match.groupdict().get("n") or ""
            name = heading.name.replace("{n}", number).replace("{parent}", parent)
            open_.append((heading.level, name))
            found.setdefault(name, [])
            break
        for _, name in open_:
            found[name].append(line)
    return {name: normal(" ".join(lines)) for name, lines in found.items()}


def normal(text: str) -> str:
    """`text` with every run of white space one space: quotes are compared word for word."""
    return " ".join(text.split())


class Source(RuleModel):
    """A passage cited for a rule: the pack's own source (the FAQ) unless `document` names
    another entry of the pack's source documents (a law, a treaty)."""

    document: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="A document of the pack's `sources` file; none: the pack's own source.",
    )
    section: str = Field(min_length=1, description='Where in the document ("3(4)", "Art. 50").')
    # `quote` is English and `quote_zh` Chinese; the one in the document's own language is
    # checked word for word against its text, the other is permitcheck's rendering (shown
    # marked as a translation).
    quote: str = Field(
        min_length=10,
        description="The passage in English (word for word when the document is English).",
    )
    quote_zh: str = Field(
        min_length=4,
        description="The passage in Chinese (word for word when the document is Chinese).",
    )


class SourceDocument(SourceText):
    """A document rules cite: its title, short name, publisher and where its text is."""

    title: str
    title_zh: str
    short: Text  # before a section number: "FAQ 3(4)", "Civil Code Art. 201"
    publisher: str
    published: str
    url: str | None = None
    language: Literal["en", "zh"] = "en"
    # The text quotes are checked against, relative to the file that names it.
    text: str | None = None


class SourceDocuments(RuleModel):
    documents: dict[str, SourceDocument] = Field(min_length=1)
