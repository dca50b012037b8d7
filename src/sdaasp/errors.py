"""Error classes of the core.

Every message is in French because it reaches users as is (CLI, web). The CLI prints
``str(error)`` and exits non-zero, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class SdaaspError(Exception):
    """Base class of every error a user can cause and fix."""


class UnknownDepartementError(SdaaspError):
    """A département code that does not exist."""


class UnsupportedDepartementError(SdaaspError):
    """A département that exists but that the platform cannot build."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is, what was expected and found."""

    file: str
    line: int | None
    field: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.field:
            where += f", champ « {self.field} »"
        return f"{where} : attendu {self.expected}, trouvé {self.found!s}"


class InputFileError(SdaaspError):
    """A file refused as a whole, with every problem found (the first ones are shown)."""

    shown = 20

    def __init__(self, problems: list[Problem], *, summary: str | None = None) -> None:
        self.problems = list(problems)
        self.summary = summary
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = self.summary or (
            f"Fichier refusé : {n} problème{'s' if n > 1 else ''} trouvé{'s' if n > 1 else ''}, "
            "rien n'a été enregistré."
        )
        lines = [head, *(f"  - {p}" for p in self.problems[: self.shown])]
        if n > self.shown:
            lines.append(f"  … et {n - self.shown} autre(s) problème(s).")
        return "\n".join(lines)
