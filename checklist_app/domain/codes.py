"""Clinical codes carried by the form and the policy: LOINC, RxNorm, SNOMED CT and UCUM, as data.

A ``Coding`` is a system, a code and the code's display name, as FHIR writes it. Only the four systems the
chart exchange reads are accepted, and each code is checked for its system's shape: a LOINC code ends in
its mod-10 check digit (``6301-6``), a SNOMED CT identifier in its Verhoeff check digit with a concept
partition (``111088007``), an RxNorm RxCUI is digits, a UCUM unit has no spaces. A mistyped digit is
therefore refused when the file is validated, not found the day a result fails to match.

The codes are for machines (matching what the chart sends, labelling what is sent back); the nurse never
reads them: no label, help text, screen or PDF shows them.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
SYSTEM_NAMES = {LOINC: "LOINC", RXNORM: "RxNorm", SNOMED: "SNOMED CT", UCUM: "UCUM"}
System = Literal["http://loinc.org", "http://www.nlm.nih.gov/research/umls/rxnorm", "http://snomed.info/sct",
                 "http://unitsofmeasure.org"]
MAX_CODES = 20  # per item, option or medicine: ingredient codes and lab variants, never a terminology

_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def luhn_ok(digits: str) -> bool:
    """Whether the last digit is the mod-10 (Luhn) check digit of the others: LOINC's check digit."""
    total = 0
    for n, char in enumerate(reversed(digits)):
        value = int(char)
        if n % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def verhoeff_ok(digits: str) -> bool:
    """Whether ``digits`` end in their Verhoeff check digit (SNOMED CT identifiers do)."""
    check = 0
    for n, char in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[n % 8][int(char)]]
    return check == 0


def code_problem(system: str, code: str) -> str | None:
    """Why ``code`` cannot be a code of ``system`` (None when it can)."""
    if system == LOINC:
        if not re.fullmatch(r"\d{1,7}-\d", code):
            return f"LOINC code '{code}' must be digits, a hyphen and a check digit (like 6301-6)"
        if not luhn_ok(code.replace("-", "")):
            return f"LOINC code '{code}' has the wrong check digit; copy it again from loinc.org"
    elif system == SNOMED:
        if not re.fullmatch(r"[1-9]\d{5,17}", code):
            return f"SNOMED CT code '{code}' must be 6 to 18 digits (like 111088007)"
        if code[-3:-1] not in ("00", "10"):
            return f"SNOMED CT code '{code}' is not a concept identifier (its partition digits are {code[-3:-1]})"
        if not verhoeff_ok(code):
            return f"SNOMED CT code '{code}' has the wrong check digit; copy it again from the SNOMED browser"
    elif system == RXNORM:
        if not re.fullmatch(r"[1-9]\d{0,7}", code):
            return f"RxNorm code '{code}' must be an RxCUI: 1 to 8 digits (like 1364430)"
    elif system == UCUM and not re.fullmatch(r"[!-~]{1,30}", code):
        return f"UCUM unit '{code}' must be 1 to 30 printable characters without spaces (like 10*9/L)"
    return None


class Coding(BaseModel):
    """One code: its system (LOINC, RxNorm, SNOMED CT or UCUM), the code and its display name."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    system: System
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    display: Annotated[str, StringConstraints(max_length=200)] = ""

    @model_validator(mode="after")
    def _code_fits_system(self) -> Coding:
        problem = code_problem(self.system, self.code)
        if problem:
            raise ValueError(problem)
        return self

    def key(self) -> tuple[str, str]:
        """(system, code): what two codings are compared by."""
        return (self.system, self.code)


def _unique(codes: tuple[Coding, ...]) -> tuple[Coding, ...]:
    seen: set[tuple[str, str]] = set()
    for coding in codes:
        if coding.key() in seen:
            raise ValueError(f"code {SYSTEM_NAMES[coding.system]} {coding.code} is listed twice")
        seen.add(coding.key())
    return codes


Codes = Annotated[tuple[Coding, ...], Field(max_length=MAX_CODES), AfterValidator(_unique)]


def only_systems(codes: tuple[Coding, ...], allowed: tuple[str, ...], where: str) -> None:
    """Refuse a code of a system that means nothing at this place (a LOINC code on a medicine)."""
    for coding in codes:
        if coding.system not in allowed:
            names = " or ".join(SYSTEM_NAMES[s] for s in allowed)
            raise ValueError(f"{where} takes {names} codes, not {SYSTEM_NAMES[coding.system]} ({coding.code})")
