"""The clinical policy as data: sources, rules and the medicine hold table, from ``forms/policies/``.

Every rule names a registered check, a severity and a source id from ``sources``; its parameters are
validated by that check's model, so a typo in a number or key is refused with the rule named. A policy
is then checked against the form it is used with: every item it reads must exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from checklist_app.domain.canonical import sha256_hex
from checklist_app.domain.codes import RXNORM, Codes, only_systems
from checklist_app.domain.conditions import Condition
from checklist_app.domain.conventions import local_definition
from checklist_app.domain.errors import PolicyDefinitionError
from checklist_app.domain.findings import Severity
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import ChoiceItem, RepeatItem, Slug
from checklist_app.domain.loading import read_data, validate_data
from checklist_app.rules.registry import Params, load_checks

Confidence = Literal["READ-P", "READ-S", "UNCONFIRMED", "LOCAL"]


class Source(BaseModel):
    """Where a rule's numbers come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    citation: str = Field(min_length=3)
    confidence: Confidence
    note: str = ""


class Rule(BaseModel):
    """One policy rule: run ``check`` with ``params`` when ``when`` holds; findings get ``severity``."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    check: str
    severity: Severity
    source: str
    unconfirmed: bool = False
    overridable: bool = True
    when: Condition | None = None
    params: dict[str, Any] = {}
    _parsed: Params | None = PrivateAttr(default=None)

    @property
    def parsed(self) -> Any:
        """The params, validated by the check's own model."""
        assert self._parsed is not None
        return self._parsed


class HoldRow(BaseModel):
    """One row of a medicine's hold table; CrCl bounds choose the row (Cockcroft-Gault, mL/min)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    crcl_at_least: float | None = None
    crcl_below: float | None = None
    doses: int | None = Field(default=None, ge=1)
    hours: float | None = Field(default=None, gt=0)
    warn_doses: int | None = Field(default=None, ge=1)
    warn_hours: float | None = Field(default=None, gt=0)
    approx_hours: float | None = Field(default=None, gt=0)
    min_hours: float | None = Field(default=None, gt=0)  # the source's own day value ("~2 d"): a floor
    label: str = ""

    @model_validator(mode="after")
    def _one_measure(self) -> HoldRow:
        if (self.doses is None) == (self.hours is None):
            raise ValueError("a hold row needs exactly one of 'doses' or 'hours'")
        if self.doses is not None and self.approx_hours is None:
            raise ValueError("a row counted in doses needs 'approx_hours' for when the dosing frequency is unknown")
        return self

    def applies(self, crcl: float | None) -> bool:
        """Whether this row is the one for a patient with this CrCl (None: unknown)."""
        if crcl is None:
            return self.crcl_at_least is None and self.crcl_below is None
        if self.crcl_at_least is not None and crcl < self.crcl_at_least:
            return False
        return self.crcl_below is None or crcl < self.crcl_below


class Medicine(BaseModel):
    """What the policy says about one medicine before a high-bleeding-risk procedure."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    action: Literal["hold", "defer", "advise", "continue"]
    rows: tuple[HoldRow, ...] = ()
    note: str = ""
    restart: str = ""  # in words, for staff and as the sheet's fallback
    # For the patient's sheet: when to start again, in hours after the procedure, or "the day after".
    restart_hours: float | None = Field(default=None, gt=0, le=336)
    restart_next_day: bool = False
    # "anticoagulant": the discharge sheet lists the signs of a stroke while it is held.
    drug_class: Literal["anticoagulant", "antiplatelet"] | None = None
    source: str
    codes: Codes = ()  # RxNorm ingredient codes of the medicine (domain/codes.py); for matching the chart's

    @model_validator(mode="after")
    def _rows_for_hold(self) -> Medicine:
        if self.action == "hold" and not self.rows:
            raise ValueError(f"{self.name}: action 'hold' needs at least one row")
        only_systems(self.codes, (RXNORM,), f"medicine {self.name}")
        if self.restart_hours is not None and self.restart_next_day:
            raise ValueError(f"{self.name}: give 'restart_hours' or 'restart_next_day', not both")
        return self


class PolicyDefinition(BaseModel):
    """A versioned clinical policy, signed off by the site's medical director."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1]
    id: Slug | str
    version: str
    title: str
    form_id: str
    description: str = ""
    sources: dict[str, Source]
    medicines: dict[str, Medicine] = {}
    rules: tuple[Rule, ...] = Field(min_length=1)
    _content_sha256: str | None = PrivateAttr(default=None)

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the policy's canonical data: what the engine applies, signed with every evaluation.

        Of the data, not of the file's bytes: a variant (``extends: sir-2019``) is hashed merged with its
        base, so a change to the base file changes the variant's hash too, which the variant file's own bytes
        would not show. Canonical JSON (``domain.canonical``: keys sorted, no spacing) of the validated policy
        with default values left out, so comments, layout and key order do not change it, every number,
        message, condition and source does, and a newer app that adds an optional key with a default does
        not change the hash of an unchanged file. ``validate-form`` prints it for any policy file.
        """
        if self._content_sha256 is None:
            self._content_sha256 = sha256_hex(self.model_dump(mode="json", exclude_defaults=True))
        return self._content_sha256

    @model_validator(mode="after")
    def _rules_consistent(self) -> PolicyDefinition:
        checks = load_checks()
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule '{rule.id}': id is used twice; rule ids must be unique")
            seen.add(rule.id)
            if rule.source not in self.sources:
                raise ValueError(f"rule '{rule.id}': source '{rule.source}' is not listed under 'sources'")
            spec = checks.get(rule.check)
            if spec is None:
                raise ValueError(f"rule '{rule.id}': unknown check '{rule.check}'; known: {', '.join(sorted(checks))}")
            try:
                rule._parsed = spec.params.model_validate(rule.params)
            except ValueError as exc:
                raise ValueError(f"rule '{rule.id}' ({rule.check}) params: {_first_error(exc)}") from None
        for key, medicine in self.medicines.items():
            if medicine.source not in self.sources:
                raise ValueError(f"medicine '{key}': source '{medicine.source}' is not listed under 'sources'")
        return self


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(exc)


def load_policy(path: Path) -> PolicyDefinition:
    """Read and validate a policy file (after ``extends``); PolicyDefinitionError names the rule and the fix."""
    from checklist_app.rules.inheritance import resolve_extends

    data = local_definition(resolve_extends(read_data(path, PolicyDefinitionError), path))  # the site's spelling
    return validate_data(data, PolicyDefinition, path, PolicyDefinitionError)


def check_fits_form(policy: PolicyDefinition, form: FormDefinition, path: Path | str = "") -> None:
    """Refuse a policy that reads items the form does not have, or medicines it cannot record."""
    where = path or f"policy {policy.id}"
    if policy.form_id != form.id:
        raise PolicyDefinitionError(where, "form_id", f"policy is for form '{policy.form_id}', not '{form.id}'")
    for rule in policy.rules:
        refs = list(rule.parsed.referenced_items()) + list(rule.when.referenced_items() if rule.when else [])
        for ref in refs:
            if not form.has_item(ref):
                raise PolicyDefinitionError(where, f"rule '{rule.id}'", f"reads item '{ref}', which form "
                                            f"{form.id} v{form.version} does not have")
    meds = form.item("medications") if form.has_item("medications") else None
    agent = meds.field("agent") if isinstance(meds, RepeatItem) else None
    if policy.medicines and isinstance(agent, ChoiceItem):
        unknown = sorted(set(policy.medicines) - set(agent.option_values()))
        if unknown:
            raise PolicyDefinitionError(where, f"medicine '{unknown[0]}'",
                                        "is not an option of the form's medications/agent list")
        _check_codes_agree(policy, agent, where)


def _check_codes_agree(policy: PolicyDefinition, agent: ChoiceItem, where: Path | str) -> None:
    """A code the policy gives one medicine must not be the form's code of another choice: an imported
    medicine would otherwise be recorded as one and held as the other."""
    owner = {coding.key(): option.value for option in agent.options for coding in option.codes}
    for key, medicine in policy.medicines.items():
        for coding in medicine.codes:
            other = owner.get(coding.key())
            if other is not None and other != key:
                raise PolicyDefinitionError(where, f"medicine '{key}'", f"code {coding.code} is the form's code "
                                            f"of '{other}'; a code may stand for one medicine only")
