"""Problems as values: what stops a file or a command from being checked, located in the file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from permitcheck.i18n import Lang, Text

# Which stage found the problem: a dossier file, a rule pack, the command line, or a bug.
Code = Literal["dossier", "rules", "usage", "internal"]


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    """One problem of a file (or of the command line when `path` is None), in both languages.

    Any problem makes the command exit with code 2 unless a dossier is not ready.
    """

    text: Text
    path: str | None = None
    location: Location | None = None
    code: Code = "dossier"

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
        from permitcheck.i18n import say, t

        position = t(
            "line {line}, column {column}: {message}", "第 {line} 行第 {column} 列：{message}"
        )
        return say(
            position,
            lang,
            line=self.location.line,
            column=self.location.column,
            message=self.text.get(lang),
        )


Problems = tuple[Problem, ...]


class Stop(Exception):
    """The one exception of permitcheck: problems that stop the work at hand.

    It carries its problems as its (immutable) arguments, so it pickles as it is. Loaders raise
    it inside and return the problems as values; the command line catches it once and exits 2.
    """

    def __init__(self, *problems: Problem) -> None:
        super().__init__(*problems)

    @property
    def problems(self) -> Problems:
        return tuple(self.args)

    def __str__(self) -> str:
        return "; ".join(problem.located() for problem in self.problems)

    @classmethod
    def dossier(cls, text: Text, path: str | None = None, location: Location | None = None) -> Stop:
        """A problem of a dossier file (its YAML or its format)."""
        return cls(Problem(text, path, location, "dossier"))

    @classmethod
    def rules(cls, text: Text, path: str | None = None, location: Location | None = None) -> Stop:
        """A problem of a rule pack."""
        return cls(Problem(text, path, location, "rules"))

    @classmethod
    def usage(cls, text: Text, path: str | None = None, location: Location | None = None) -> Stop:
        """The command line asks for something that cannot be done."""
        return cls(Problem(text, path, location, "usage"))
