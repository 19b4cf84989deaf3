"""The base of rule-file models, and the passages and documents that rules cite."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from permitcheck.basemodel import Strict, bilingual_error
from permitcheck.i18n import Text


class RuleModel(Strict):
    """A mapping in a rule file: strict types, unknown keys reported with a suggestion."""


_FAQ_SECTION = re.compile(r"^\d+(\(\d+\))?( note)?$")


class Source(RuleModel):
    """A passage cited for a rule: the pack's own source (the FAQ) unless `document` names
    another entry of the pack's source documents (a law, a treaty)."""

    document: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    section: str = Field(min_length=1)
    # `quote` is English and `quote_zh` Chinese; the one in the document's own language is
    # checked word for word against its text, the other is permitcheck's rendering (shown
    # marked as a translation).
    quote: str = Field(min_length=10)
    quote_zh: str = Field(min_length=4)

    @model_validator(mode="after")
    def _section_form(self) -> Source:
        if self.document is None and not _FAQ_SECTION.match(self.section):
            raise bilingual_error(
                "section",
                f"section {self.section!r} of the pack's source must look like "
                "`3`, `3(4)` or `3 note`",
                f"规则包主要依据的章节 {self.section!r} 须形如 `3`、`3(4)` 或 `3 note`",
            )
        return self


class SourceDocument(RuleModel):
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
