"""What a check sees: the visible answers, derived values and numbers in canonical units, and the clock.

Hidden items (``show_if`` false) are invisible here, so a stale answer to a question that no longer
applies can never raise or clear a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from checklist_app.domain.findings import Finding, Severity, finding_key
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import DerivedItem, Item, MeasurementItem, NumberItem
from checklist_app.domain.timeutil import aware
from checklist_app.rules.derived import FORMULAS
from checklist_app.rules.policy import PolicyDefinition, Rule


@dataclass
class Context:
    """Answers and derived values for one evaluation."""

    form: FormDefinition
    policy: PolicyDefinition
    now: datetime
    answers: dict[str, Any]
    visible: set[str] = field(default_factory=set)
    derived: dict[str, Any] = field(default_factory=dict)
    missing: list[tuple[str, str]] | None = None  # checks.completeness.missing_required, once per evaluation

    @classmethod
    def build(cls, form: FormDefinition, policy: PolicyDefinition, answers: dict[str, Any], now: datetime) -> Context:
        """Work out visibility and derived values, in form order (conditions only look back)."""
        ctx = cls(form=form, policy=policy, now=aware(now), answers=answers)
        for section in form.sections:
            if section.show_if and not section.show_if.holds(ctx.resolve):
                continue
            for item in section.items:
                if item.show_if and not item.show_if.holds(ctx.resolve):
                    continue
                ctx.visible.add(item.id)
                if isinstance(item, DerivedItem):
                    inputs = {name: ctx.resolve(src) for name, src in item.inputs.items()}
                    if item.formula == "age_years" and inputs["at"] is None:
                        inputs["at"] = ctx.now  # no scheduled start yet: age today
                    ctx.derived[item.id] = FORMULAS[item.formula](**inputs)
        return ctx

    def value(self, item_id: str) -> Any:
        """The visible answer (or derived value) of an item, as stored; None if hidden or unanswered."""
        if item_id not in self.visible:
            return None
        if item_id in self.derived:
            return self.derived[item_id]
        return self.answers.get(item_id)

    def number(self, item_id: str) -> float | None:
        """A number, measurement (in its canonical unit) or derived value; None when absent."""
        value = self.value(item_id)
        item = self.form.item(item_id)
        if isinstance(item, MeasurementItem) and isinstance(value, dict):
            spec = item.unit_spec(value.get("unit", ""))
            return spec.to_canonical(value["value"]) if spec else None
        if isinstance(item, NumberItem | DerivedItem) and isinstance(value, int | float):
            return float(value)
        return None

    def taken_on(self, item_id: str) -> date | None:
        """The date a dated measurement was taken."""
        value = self.value(item_id)
        return value.get("date") if isinstance(value, dict) else None

    def resolve(self, item_id: str) -> Any:
        """Resolver for conditions: measurements compare by canonical value."""
        if item_id in self.visible and isinstance(self.form.item(item_id), MeasurementItem):
            return self.number(item_id)
        return self.value(item_id)

    @property
    def start(self) -> datetime | None:
        """The scheduled start, if answered."""
        value = self.value("scheduled_start") if self.form.has_item("scheduled_start") else None
        return value if isinstance(value, datetime) else None

    def item(self, item_id: str) -> Item:
        """The form item with this id."""
        return self.form.item(item_id)

    def finding(self, rule: Rule, item_id: str, message: str, action: str, *, detail: str = "",
                severity: Severity | None = None, source_detail: str = "", source: str = "") -> Finding:
        """A finding from ``rule`` about ``item_id``; ``detail`` keeps keys distinct per medicine etc."""
        source_id = source or rule.source
        citation = self.policy.sources[source_id]
        return Finding(
            key=finding_key(rule.id, item_id, detail, message),
            rule_id=rule.id,
            item_id=item_id,
            severity=severity or rule.severity,
            message=message,
            action=action,
            source_id=f"{source_id}:{source_detail}" if source_detail else source_id,
            citation=citation.citation,
            unconfirmed=rule.unconfirmed or citation.confidence == "UNCONFIRMED",
            overridable=rule.overridable,
        )
