"""The one exception hierarchy of permitcheck; the CLI catches it once and exits 2."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in a file."""

    line: int
    column: int


class PermitcheckError(Exception):
    """Anything that stops a dossier or a rule pack from being checked (exit code 2)."""

    def __init__(self, message: str, path: str | None = None, location: Location | None = None,
                 others: tuple[PermitcheckError, ...] = ()):
        super().__init__(message)
        self.message = message
        self.path = path
        self.location = location
        # Further problems found in the same file, so the user can fix them in one go.
        self.others = others

    def all(self) -> tuple[PermitcheckError, ...]:
        """This error and the others found in the same file, in file order."""
        return (self, *self.others)

    def located(self) -> str:
        """`file:line:column: message`, as compilers and editors print it."""
        where = self.path or "<input>"
        if self.location is not None:
            where += f":{self.location.line}:{self.location.column}"
        return f"{where}: {self.message}"

    def message_with_position(self) -> str:
        """`line L, column C: message`, for reports that carry the path separately."""
        if self.location is None:
            return self.message
        return f"line {self.location.line}, column {self.location.column}: {self.message}"


class DossierError(PermitcheckError):
    """The dossier file cannot be read or does not follow the dossier format."""


class RuleError(PermitcheckError):
    """A rule file or rule pack is invalid."""


class UsageError(PermitcheckError):
    """The command line asks for something that cannot be done."""
