"""What an import from the chart found, before anything is filled: the patient, the proposed answers, and
each thing it could not use with why. No Qt, no FHIR or HL7 library.

Both readers (``fhir_import`` for FHIR Bundles and server answers, ``hl7_import`` for ADT^A04/A08) produce an
``ImportResult``; ``apply`` puts it into a checklist. ``refuse_other_patient`` is the one patient check both
paths use, run before anything is filled: a result for another MRN or date of birth is refused in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checklist_app.domain.errors import ChecklistError

MAX_PROBLEMS = 200  # a Bundle of 10,000 bad entries is described in 200 lines and a count


class ImportRefused(ChecklistError):
    """Nothing was filled: the file or answer cannot be read, or it is about another patient."""


@dataclass(frozen=True)
class Problem:
    """Something the import could not use: which resource, which field, and why, in words."""

    resource: str  # "Observation/inr-2" or "entry[3]"
    field: str  # "valueQuantity.code", "" for the resource as a whole
    why: str

    def text(self) -> str:
        """One line for the nurse and the command line."""
        where = f"{self.resource} {self.field}".strip()
        return f"{where}: {self.why}"


@dataclass(frozen=True)
class Proposal:
    """One answer the chart offers: for ``item_id`` (a list entry when ``key`` has '#'), the JSON value and
    its provenance (``domain.sources.AnswerSource`` without who imported it and when)."""

    key: str
    item_id: str
    value: Any
    source: dict[str, Any]


@dataclass(frozen=True)
class PatientFacts:
    """Who the chart's data is about."""

    resource: str
    mrn: str | None = None
    family: str = ""
    given: str = ""
    birth_date: date | None = None
    sex: str | None = None  # the form's choice (female, male) when the chart's gender is one of them

    def describe(self) -> str:
        """'MRN 204811, born 1948-03-02' (what identifies the patient, never the name)."""
        parts = [f"MRN {self.mrn}" if self.mrn else "no MRN"]
        if self.birth_date:
            parts.append(f"born {self.birth_date.isoformat()}")
        return ", ".join(parts)


@dataclass
class ImportResult:
    """Everything one import found, in the order found."""

    origin: str  # "FHIR https://ehr.example.org/fhir", "FHIR Bundle file apixaban.json", "HL7 ADT^A08 ..."
    patient: PatientFacts | None = None
    proposals: list[Proposal] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # every resource read (for the audit trail)
    more_problems: int = 0

    def problem(self, resource: str, where: str, why: str) -> None:
        """Note one thing not used (at most MAX_PROBLEMS kept, the rest counted)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(resource, where, why))
        else:
            self.more_problems += 1

    def problem_lines(self) -> list[str]:
        """Every problem as a line, and the count of those not listed."""
        lines = [p.text() for p in self.problems]
        if self.more_problems:
            lines.append(f"{self.more_problems:,} more not listed")
        return lines


def refuse_other_patient(result: ImportResult, answers: dict[str, Any]) -> None:
    """ImportRefused, in words, when the chart's patient is not the checklist's (another MRN or date of
    birth), or when the checklist names its patient and the chart's data names none to compare."""
    patient = result.patient
    if patient is None:
        raise ImportRefused(f"{result.origin} names no patient, so it cannot be matched to this checklist. "
                            "Nothing was filled.")
    mrn, born = answers.get("mrn"), answers.get("date_of_birth")
    if isinstance(born, str):
        born = date.fromisoformat(born)
    mine = ", ".join(([f"MRN {mrn}"] if mrn else []) + ([f"born {born.isoformat()}"] if born else []))
    if mrn and not patient.mrn:
        raise ImportRefused(f"The chart's patient has no MRN to compare with this checklist's ({mrn}). "
                            "Nothing was filled.")
    if mrn and patient.mrn and patient.mrn.strip().upper() != str(mrn).strip().upper():
        raise ImportRefused(f"This is another patient: the chart's data is for {patient.describe()}, the "
                            f"checklist is for {mine}. Nothing was filled.")
    if born and patient.birth_date and patient.birth_date != born:
        raise ImportRefused(f"This is another patient: the chart's data is for {patient.describe()}, the "
                            f"checklist is for {mine}. Nothing was filled.")
