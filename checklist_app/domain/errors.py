"""Typed errors the user can act on. Each renders as plain sentences; none needs a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ChecklistError(Exception):
    """Base of every error we show to a user instead of a traceback."""


class DefinitionError(ChecklistError):
    """A form or policy file is malformed: names the file, the place in it, and what to fix."""

    def __init__(self, path: Path | str, location: str, message: str) -> None:
        self.path = str(path)
        self.location = location
        self.message = message
        where = f"{self.path}: {location}: " if location else f"{self.path}: "
        super().__init__(where + message)


class FormDefinitionError(DefinitionError):
    """The checklist form file is malformed."""


class PolicyDefinitionError(DefinitionError):
    """The clinical policy file is malformed, or does not fit the form it is used with."""


@dataclass(frozen=True)
class FieldError:
    """One refused answer: the field's path, its label, what is wrong, and what is allowed."""

    field: str
    label: str
    problem: str
    allowed: str = ""

    def __str__(self) -> str:
        text = f"{self.label} [{self.field}]: {self.problem}"
        return f"{text}. Allowed: {self.allowed}" if self.allowed else text


class RecordValidationError(ChecklistError):
    """A checklist record was refused; carries one FieldError per problem."""

    def __init__(self, errors: list[FieldError], source: str = "") -> None:
        self.errors = errors
        self.source = source
        head = f"{source}: " if source else ""
        noun = "problem" if len(errors) == 1 else "problems"
        lines = [f"{head}{len(errors)} {noun} in the checklist record:"]
        lines += [f"  - {e}" for e in errors]
        super().__init__("\n".join(lines))


class IncompleteChecklistError(ChecklistError):
    """Signing was asked for while required items are unanswered."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("These required items are not answered yet: " + ", ".join(missing))


class NotReadyToSignError(ChecklistError):
    """Signing was asked for while the checklist cannot be signed, or while it says something other than
    what the signer was shown (the message says which)."""


class StorageError(ChecklistError):
    """The database or data folder cannot be used; the message says what to do."""


class PdfRenderError(ChecklistError):
    """A document could not be produced."""


class DatabaseBusyError(StorageError):
    """The database is locked by another workstation or program; retrying later usually succeeds."""


class DatabaseCorruptError(StorageError):
    """The database file is damaged; it has been left untouched for recovery from a backup."""


class DatabaseUnavailableError(StorageError):
    """The database server cannot be reached (down, restarting, network); what is on screen is kept and
    saved when it is back."""


class DraftConflictError(StorageError):
    """A save was refused because the checklist changed elsewhere since the data being saved was read:
    another workstation saved it, took it over, signed it or discarded it. Nothing was overwritten; the
    refused data is set aside by the caller (see storage.checkouts) and offered back."""

    def __init__(self, message: str, *, record_id: str, by: str | None = None, workstation: str | None = None,
                 at: str | None = None, signed: bool = False) -> None:
        super().__init__(message)
        self.record_id, self.by, self.workstation, self.at, self.signed = record_id, by, workstation, at, signed
