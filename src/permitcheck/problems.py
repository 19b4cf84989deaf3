"""The one exception hierarchy of permitcheck; the CLI catches it once and exits 2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from permitcheck.i18n import Lang, Text


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in a file."""

    line: int
    column: int


class PermitcheckError(Exception):
    """Anything that stops a dossier or a rule pack from being checked (exit code 2).

    The message exists in English and Chinese, like every sentence the user reads.
    """

    def __init__(self, text: Text, path: str | None = None, location: Location | None = None,
                 others: tuple[PermitcheckError, ...] = ()):
        super().__init__(text.en)
        self.text = text
        self.path = path
        self.location = location
        # Further problems found in the same file, so the user can fix them in one go.
        self.others = others

    def __reduce__(self) -> tuple[type[PermitcheckError], tuple[object, ...]]:
        # Errors cross process boundaries in batch runs; rebuild them from their fields.
        return (type(self), (self.text, self.path, self.location, self.others))

    @property
    def message(self) -> str:
        return self.text.en

    def all(self) -> tuple[PermitcheckError, ...]:
        """This error and the others found in the same file, in file order."""
        return (self, *self.others)

    def located(self, lang: Lang = "en") -> str:
        """`file:line:column: message`, as compilers and editors print it."""
        where = self.path or "permitcheck"
        if self.location is not None:
            where += f":{self.location.line}:{self.location.column}"
        return f"{where}: {self.text.get(lang)}"

    def message_with_position(self, lang: Lang = "en") -> str:
        """`line L, column C: message`, for reports that carry the path separately."""
        if self.location is None:
            return self.text.get(lang)
        line, column = self.location.line, self.location.column
        if lang == "zh":
            return f"第 {line} 行第 {column} 列：{self.text.zh}"
        return f"line {line}, column {column}: {self.text.en}"


class DossierError(PermitcheckError):
    """The dossier file cannot be read or does not follow the dossier format."""


class RuleError(PermitcheckError):
    """A rule file or rule pack is invalid."""


class UsageError(PermitcheckError):
    """The command line asks for something that cannot be done."""
