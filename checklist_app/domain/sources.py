"""Where a pre-filled answer came from: the chart's resource, its version and the date of the fact itself.

A record keeps, per answer filled from the hospital's chart (the EHR), an ``AnswerSource``: which system
(``origin``: "FHIR https://ehr.example.org/fhir", "FHIR Bundle file patient.json", "HL7 ADT^A08"), which
resource and version, the fact's own date (a lab's sample date), the words shown under the answer ("INR 1.1")
and the value as it was imported, so a later change by the nurse is told apart from the chart's value. When
the chart offers a different value later ("Pull again"), the nurse's choice is kept as an ``ImportChoice``
for that resource version, so a reopened checklist does not ask again until the chart changes again.

Keys are the item id (``inr``) or, for an entry of a list, the item id and the entry's identity
(``medications#apixaban``, ``allergies#other:penicillin``). Both mappings are bounded like the rest of a
record, and a record without them (every record made before them) loads unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SourceKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}(#[^\x00]{1,100})?$")]
Short = Annotated[str, StringConstraints(max_length=200)]
MAX_SOURCES = 500  # as many as a record has answers and list entries


class AnswerSource(BaseModel):
    """One answer's provenance: imported from ``origin``'s ``resource`` (``version``), dated ``observed``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    origin: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    resource: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    version: Annotated[str, StringConstraints(max_length=80)] = ""
    observed: Annotated[str, StringConstraints(max_length=40)] = ""  # ISO date or date-time of the fact
    text: Short = ""  # what the nurse reads under the answer: "INR 1.1"
    value: Any = None  # the answer as imported (JSON), to tell the chart's value from a later change
    imported_at: datetime
    imported_by: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ImportChoice(BaseModel):
    """The nurse's choice when the chart offered a value different from the answer: keep theirs or take it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    choice: Literal["kept_mine", "took_new"]
    resource: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    version: Annotated[str, StringConstraints(max_length=80)] = ""
    offered: Any = None  # the chart's value that was offered
    by: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    at: datetime


Sources = Annotated[dict[SourceKey, AnswerSource], Field(max_length=MAX_SOURCES)]
ImportChoices = Annotated[dict[SourceKey, ImportChoice], Field(max_length=MAX_SOURCES)]
