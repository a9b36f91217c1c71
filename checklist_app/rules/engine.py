"""The rules engine: a pure function from (form, record, policy, time) to an Evaluation.

No I/O, no clock of its own, no Qt: the same inputs always give the same findings, so the UI can call
it on every keystroke and tests can call it with any moment in time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.record import RecordEnvelope
from checklist_app.rules.context import Context
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.rules.registry import load_checks


def evaluate(form: FormDefinition, record: RecordEnvelope, policy: PolicyDefinition, now: datetime) -> Evaluation:
    """Evaluate a parsed record; see ``evaluate_answers`` for the details."""
    return evaluate_answers(form, record.answer_values(), policy, now,
                            acknowledged={a.finding_key for a in record.acknowledgements},
                            overridden={o.finding_key for o in record.overrides})


def evaluate_answers(form: FormDefinition, answers: dict[str, Any], policy: PolicyDefinition, now: datetime,
                     acknowledged: set[str] | frozenset[str] = frozenset(),
                     overridden: set[str] | frozenset[str] = frozenset()) -> Evaluation:
    """Run every rule of ``policy`` whose ``when`` holds; hard stops first, then form order."""
    checks = load_checks()
    ctx = Context.build(form, policy, answers, now)
    findings: list[Finding] = []
    late = []
    for rule in policy.rules:
        if rule.when is not None and not rule.when.holds(ctx.resolve_condition):
            continue
        spec = checks[rule.check]
        if spec.runs_last:
            late.append((rule, spec))
            continue
        findings.extend(spec.fn(ctx, rule, rule.parsed))
    # A late check (completeness) stays quiet about an item another rule already stops on, so a problem is
    # reported once. Only while that stop is open: once a physician overrides it, a different problem on the
    # same item (an unanswered field of another list entry) must not stay hidden and let the record clear.
    for rule, spec in late:
        already = {f.item_id for f in findings if f.is_hard_stop and f.key not in overridden}
        findings.extend(f for f in spec.fn(ctx, rule, rule.parsed) if f.item_id not in already)
    order = {item.id: n for n, item in enumerate(form.iter_items())}
    findings.sort(key=lambda f: (not f.is_hard_stop, order.get(f.item_id, len(order)), f.key))
    keys = {f.key for f in findings}
    hard = {f.key for f in findings if f.is_hard_stop}
    can_override = {f.key for f in findings if f.is_hard_stop and f.overridable}
    return Evaluation(
        form_id=form.id,
        form_version=form.version,
        policy_id=policy.id,
        policy_version=policy.version,
        policy_sha256=policy.content_sha256,
        evaluated_at=ctx.now.isoformat(timespec="seconds"),
        findings=tuple(_unique(findings)),
        visible_items=frozenset(ctx.visible),
        missing_required=tuple(_missing(ctx)),
        derived=ctx.derived,
        overridden=frozenset(k for k in overridden if k in can_override),
        acknowledged=frozenset(k for k in acknowledged if k in keys - hard),
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.key not in seen:
            seen.add(f.key)
            out.append(f)
    return out


def _missing(ctx: Context) -> list[str]:
    from checklist_app.rules.checks.completeness import missing_required

    return [path for path, _ in missing_required(ctx)]
