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
from checklist_app.rules.guidance import Glp1Guidance
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


class MedicineVariant(BaseModel):
    """What changes for a medicine when one recorded field of its entry has a given value: the dose intensity
    of a heparin, why aspirin is taken. Left out: the medicine's own value."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str = Field(min_length=2)  # how the finding names the case: "high dose", "recent stent"
    action: Literal["hold", "defer", "advise", "continue"] | None = None
    rows: tuple[HoldRow, ...] = ()
    note: str | None = None
    source: str | None = None


class OverrideReason(BaseModel):
    """A reason a physician may pick when overriding this medicine's hold (typed reasons stay possible)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Slug
    label: str = Field(min_length=3)
    source: str


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
    # The field of the medication entry whose value picks a variant (dose_intensity, aspirin_reason); when the
    # entry leaves it blank, the medicine's own action and rows apply and the nurse is asked to record it.
    depends_on: str | None = None
    variants: dict[str, MedicineVariant] = {}
    override_reasons: tuple[OverrideReason, ...] = ()

    @model_validator(mode="after")
    def _rows_for_hold(self) -> Medicine:
        if self.action == "hold" and not self.rows:
            raise ValueError(f"{self.name}: action 'hold' needs at least one row")
        if bool(self.depends_on) != bool(self.variants):
            raise ValueError(f"{self.name}: give 'depends_on' and 'variants' together")
        for value, variant in self.variants.items():
            if (variant.action or self.action) == "hold" and not (variant.rows or self.rows):
                raise ValueError(f"{self.name}: variant '{value}' holds it and needs rows")
        only_systems(self.codes, (RXNORM,), f"medicine {self.name}")
        if self.restart_hours is not None and self.restart_next_day:
            raise ValueError(f"{self.name}: give 'restart_hours' or 'restart_next_day', not both")
        return self

    def for_entry(self, entry: dict[str, Any]) -> tuple[Medicine, str]:
        """This medicine as it applies to one medication entry (its variant applied), and the variant's label
        ('' when there is no variant or the entry does not say which)."""
        variant = self.variants.get(entry.get(self.depends_on)) if self.depends_on else None
        if variant is None:
            return self, ""
        changes = {"action": variant.action, "note": variant.note, "source": variant.source,
                   "rows": variant.rows or None}
        return self.model_copy(update={k: v for k, v in changes.items() if v is not None}), variant.label

    @property
    def sources_used(self) -> set[str]:
        """Every source id this medicine and its variants and reasons name."""
        return ({self.source} | {v.source for v in self.variants.values() if v.source}
                | {r.source for r in self.override_reasons})


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
    # GLP-1 receptor agonists: which guidance applies (ASA 2023 hold windows, or the 2024 risk-based approach)
    glp1: Glp1Guidance | None = None
    # Optional form sections (``optional: true`` in the form) this site switches on, e.g. coverage_us.
    sections_on: tuple[Slug, ...] = ()
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

    def override_reasons_for(self, rule_id: str, source_id: str) -> tuple[OverrideReason, ...]:
        """The named reasons a physician may pick when overriding a finding of ``rule_id`` whose source id is
        ``source_id`` (``SIR2019-HOLDS:apixaban:CrCl>=50``): those of the held medicine, for a medicine hold."""
        rule = next((r for r in self.rules if r.id == rule_id), None)
        parts = source_id.split(":")
        if rule is None or rule.check != "medicine_holds" or len(parts) < 2:
            return ()
        medicine = self.medicines.get(parts[1])
        return medicine.override_reasons if medicine is not None else ()

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
            for source in sorted(medicine.sources_used):
                if source not in self.sources:
                    raise ValueError(f"medicine '{key}': source '{source}' is not listed under 'sources'")
        if self.glp1 is not None:
            for source in (self.glp1.hold_windows.source, self.glp1.risk_based.source):
                if source not in self.sources:
                    raise ValueError(f"glp1: source '{source}' is not listed under 'sources'")
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
        _check_variants_fit(policy, meds, where)  # type: ignore[arg-type]
    if policy.glp1 is not None and isinstance(agent, ChoiceItem):
        unknown = sorted(set(policy.glp1.agents) - set(agent.option_values()))
        if unknown:
            raise PolicyDefinitionError(where, "glp1", f"agent '{unknown[0]}' is not an option of the form's "
                                        "medications/agent list")
    optional = {s.id for s in form.sections if s.optional}
    for section in policy.sections_on:
        if section not in optional:
            raise PolicyDefinitionError(where, "sections_on", f"'{section}' is not an optional section of form "
                                        f"{form.id}; optional sections: {', '.join(sorted(optional)) or 'none'}")


def _check_variants_fit(policy: PolicyDefinition, meds: RepeatItem, where: Path | str) -> None:
    """A variant must be keyed by a field of the medication entry and one of that field's options."""
    for key, medicine in policy.medicines.items():
        if not medicine.depends_on:
            continue
        field = meds.field(medicine.depends_on)
        if not isinstance(field, ChoiceItem):
            raise PolicyDefinitionError(where, f"medicine '{key}'", f"depends_on '{medicine.depends_on}' is not a "
                                        "choice field of the form's medications list")
        unknown = sorted(set(medicine.variants) - set(field.option_values()))
        if unknown:
            raise PolicyDefinitionError(where, f"medicine '{key}'", f"variant '{unknown[0]}' is not an option of "
                                        f"medications/{medicine.depends_on} ({', '.join(field.option_values())})")
        if field.show_if is not None and not field.show_if.holds(lambda fid, key=key: key if fid == "agent" else None):
            raise PolicyDefinitionError(where, f"medicine '{key}'", f"depends on medications/{medicine.depends_on}, "
                                        f"which the form does not ask for {key}: add it to that field's show_if")


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
