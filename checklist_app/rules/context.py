"""What a check sees: the visible answers, derived values and numbers in canonical units, and the clock.

Hidden items (``show_if`` false) are invisible here, so a stale answer to a question that no longer
applies can never raise or clear a finding.

Conditions (``show_if``, ``when``) see a list answer through ``resolve_condition``: its distinct entries
as far as any condition can tell (the fields conditions name), so a condition on 200 medications that are
all "other" looks at one entry. A condition on a list only asks ``entry.get(field)`` of dict entries, or
compares the whole list with a scalar (never equal), so the answer is the same as on the full list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from checklist_app.domain.conditions import Condition
from checklist_app.domain.findings import Finding, Severity, finding_key
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import DerivedItem, Item, MeasurementItem, NumberItem
from checklist_app.domain.timeutil import aware
from checklist_app.rules.derived import FORMULAS, POLICY_FORMULAS
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
    list_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # list item -> fields conditions name
    _views: dict[str, list[Any]] = field(default_factory=dict, init=False, repr=False)  # resolve_condition's

    @classmethod
    def build(cls, form: FormDefinition, policy: PolicyDefinition, answers: dict[str, Any], now: datetime) -> Context:
        """Work out visibility and derived values, in form order (conditions only look back)."""
        ctx = cls(form=form, policy=policy, now=aware(now), answers=answers, list_fields=condition_fields(form, policy))
        for section in form.sections:
            if section.optional and section.id not in policy.sections_on:
                continue  # a section the site has not switched on in its policy
            if section.show_if and not section.show_if.holds(ctx.resolve_condition):
                continue
            for item in section.items:
                if item.show_if and not item.show_if.holds(ctx.resolve_condition):
                    continue
                ctx.visible.add(item.id)
                if isinstance(item, DerivedItem) and item.formula in POLICY_FORMULAS:
                    ctx.derived[item.id] = POLICY_FORMULAS[item.formula](ctx, item.id)
                elif isinstance(item, DerivedItem):
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

    def resolve_condition(self, item_id: str) -> Any:
        """Resolver for conditions; a long list answer as its distinct entries (see the module's docstring)."""
        value = self.resolve(item_id)
        fields = self.list_fields.get(item_id)
        if not fields or not isinstance(value, list) or len(value) <= DISTINCT_FROM:
            return value
        view = self._views.get(item_id)
        if view is None:
            view = self._views[item_id] = _distinct(value, fields)
        return view

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


DISTINCT_FROM = 4  # shorter lists are used as they are: the view would cost more than it saves
_FIELDS_KEPT = 8
_FIELDS: dict[tuple[int, int], tuple[FormDefinition, PolicyDefinition, dict[str, tuple[str, ...]]]] = {}


def condition_fields(form: FormDefinition, policy: PolicyDefinition) -> dict[str, tuple[str, ...]]:
    """For each list item, the entry fields that the form's and policy's conditions test (cached)."""
    cached = _FIELDS.get((id(form), id(policy)))
    if cached is not None and cached[0] is form and cached[1] is policy:
        return cached[2]
    found: dict[str, set[str]] = {}
    pending: list[Condition | None] = [s.show_if for s in form.sections]
    pending += [item.show_if for item in form.iter_items()] + [rule.when for rule in policy.rules]
    while pending:
        condition = pending.pop()
        if condition is None:
            continue
        if condition.item and condition.field:
            found.setdefault(condition.item, set()).add(condition.field)
        pending += [*(condition.all or ()), *(condition.any or ()), condition.not_]
    fields = {item: tuple(sorted(names)) for item, names in found.items()}
    while len(_FIELDS) >= _FIELDS_KEPT:  # tests load many forms and policies: keep the latest few
        del _FIELDS[next(iter(_FIELDS))]
    _FIELDS[(id(form), id(policy))] = (form, policy, fields)
    return fields


def _distinct(entries: list[Any], fields: tuple[str, ...]) -> list[Any]:
    """The dict entries reduced to ``fields``, each combination once (the entries as they are when a value
    cannot be compared that way)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        values = tuple(entry.get(name) for name in fields)
        key = tuple((type(v), v) for v in values)  # True, 1 and 1.0 are equal but not the same answer
        try:
            if key in seen:
                continue
            seen.add(key)
        except TypeError:  # an unhashable value (a list): no shortcut
            return entries
        out.append(dict(zip(fields, values, strict=True)))
    return out
