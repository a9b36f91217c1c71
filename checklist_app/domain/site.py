"""Site settings from ``forms/site.yaml``: facility, phone numbers, default policy, discharge defaults.

A site administrator edits the file; ``load_site`` refuses a bad value with the key named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from checklist_app.domain.chart_connection import ChartConnection
from checklist_app.domain.errors import DefinitionError
from checklist_app.domain.loading import load_definition


class SiteSettingsError(DefinitionError):
    """forms/site.yaml is malformed."""


class DischargeDefaults(BaseModel):
    """Physician-set values for the discharge sheet, used when the record leaves them blank."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rest_hours: int = Field(ge=0, le=168)
    no_lifting_weeks: int = Field(ge=0, le=26)
    fever_call_f: float = Field(ge=99, le=104)
    ice_days: int = Field(ge=0, le=14)
    no_driving_days: int = Field(ge=0, le=30)
    follow_up: str = ""
    # After sedation: no alcohol, driving or important decisions for this many hours (0: not printed).
    sedation_precaution_hours: int = Field(default=24, ge=0, le=72)
    # The procedure's planned length: restart times and the sedation hours count from its planned end.
    procedure_minutes: int = Field(default=60, ge=0, le=480)


class ReadinessDeadline(BaseModel):
    """When a scheduled case must have everything settled that can be settled ahead (labs, holds, escort)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # Business days (Monday to Friday) before the procedure day; 0 means the procedure day itself.
    business_days_before: int = Field(default=1, ge=0, le=10)
    # Local clock time on that day, "HH:MM" in 24-hour form.
    time: str = Field(default="12:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class SiteSettings(BaseModel):
    """One installation's settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    facility_name: str = Field(min_length=1, max_length=120)
    clinic_phone: str = Field(min_length=3, max_length=40)
    after_hours_phone: str = Field(default="", max_length=40)
    emergency_number: str = Field(default="911", max_length=10)
    default_policy: str = "sir-2019"
    idle_lock_minutes: int = Field(default=5, ge=1, le=120)
    printer: str = ""
    logo: str = ""
    discharge_defaults: DischargeDefaults
    # Spelling, date and time conventions for every screen and paper: en-US (MM/DD/YYYY, 12-hour clock, °F
    # first) or en-GB (DD/MM/YYYY shown, 24-hour clock, British spelling).
    locale: Literal["en-US", "en-GB"] = "en-US"
    # The paper the printer holds; the PDFs are laid out for Letter and print unscaled on either.
    paper: Literal["Letter", "A4"] = "Letter"
    readiness_deadline: ReadinessDeadline = ReadinessDeadline()
    # How long before the scheduled start patients are asked to arrive (printed on the pre-admission calendar;
    # LOCAL: the unit's own check-in time). 0: no arrival time is printed.
    arrival_minutes_before: int = Field(default=60, ge=0, le=240)
    # How the site reaches the hospital's chart (FHIR, HL7 v2); empty: nothing is exchanged.
    chart: ChartConnection = ChartConnection()


def load_site(path: Path) -> SiteSettings:
    """Read and validate a site settings file."""
    return load_definition(path, SiteSettings, SiteSettingsError)
