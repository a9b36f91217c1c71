"""Coverage documentation (US): whether what Medicare's coverage determinations expect is on file.

An advisory for the nurse and the proceduralist, never a stop: it does not judge whether the procedure is
indicated (other rules do), only whether the record shows it. The criteria and their numbers are the rule's
parameters in the policy; the section is on the form as ``optional`` and shown only where the policy switches
it on (``sections_on``). The derived item of the section shows "Complete" or "Incomplete" (formula
``coverage_documentation``); the rule's warning lists what is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from checklist_app.domain.findings import Finding
from checklist_app.rules.context import Context
from checklist_app.rules.derived import POLICY_FORMULAS
from checklist_app.rules.policy import Rule
from checklist_app.rules.registry import Params, check

CHECK = "coverage_documentation"


class CoverageParams(Params):
    """Where each criterion is recorded on the form, and the policy's numbers for it."""

    item: str  # the section's derived status item; the warning points at it
    fracture_age_item: str
    fracture_age_accepted: tuple[str, ...] = Field(min_length=1)  # acute, subacute
    imaging_item: str
    imaging_confirms: tuple[str, ...] = Field(min_length=1)  # modalities that can confirm the fracture
    acuity_item: str  # edema on MRI or uptake on a bone scan
    acuity_needed_for: tuple[str, ...] = ()  # modalities whose report must show it (CT goes with the clinical picture)
    setting_item: str
    pain_item: str
    pain_at_least: dict[str, float] = Field(min_length=1)  # per patient setting (inpatient, outpatient)
    treatment_item: str
    treatment_details_item: str
    course_item: str
    course_worsening: str = Field(min_length=1)
    height_loss_item: str  # over 25%
    kyphosis_item: str  # progressive
    disability_item: str  # Roland-Morris above 17
    findings_at_least: int = Field(ge=1, le=3)  # of those three, when the pain is not worsening
    bone_density_item: str  # a bone-density referral or an osteoporosis evaluation
    education_item: str
    levels_item: str
    max_levels: int = Field(ge=1)


def _label(ctx: Context, item_id: str) -> str:
    return ctx.item(item_id).label


def missing_documentation(ctx: Context, p: CoverageParams) -> list[str]:
    """What the record does not yet show, each in words naming the form item to complete."""
    missing = []
    if ctx.value(p.fracture_age_item) not in p.fracture_age_accepted:
        missing.append(f"an acute or subacute fracture ({_label(ctx, p.fracture_age_item)})")
    modality = ctx.value(p.imaging_item)
    if modality not in p.imaging_confirms or (modality in p.acuity_needed_for and ctx.value(p.acuity_item) is not True):
        missing.append(f"imaging that confirms it ({_label(ctx, p.imaging_item)}; {_label(ctx, p.acuity_item)})")
    setting, pain = ctx.value(p.setting_item), ctx.number(p.pain_item)
    needed = p.pain_at_least.get(setting) if isinstance(setting, str) else None
    if needed is None or pain is None or pain < needed:
        shown = ", ".join(f"{k} {v:g}" for k, v in p.pain_at_least.items())
        missing.append(f"a pain score at or above the threshold for the setting ({shown}; now "
                       f"{'not recorded' if pain is None else f'{pain:g}'})")
    if ctx.value(p.treatment_item) is not True or not ctx.value(p.treatment_details_item):
        missing.append(f"the non-surgical management tried, and {_label(ctx, p.treatment_details_item).lower()}")
    findings = [ctx.value(i) is True for i in (p.height_loss_item, p.kyphosis_item, p.disability_item)]
    if ctx.value(p.course_item) != p.course_worsening and sum(findings) < p.findings_at_least:
        missing.append(f"worsening pain, or at least {p.findings_at_least} of: more than 25% height loss, "
                       "kyphosis getting worse, Roland-Morris score above 17")
    if ctx.value(p.bone_density_item) is not True or ctx.value(p.education_item) is not True:
        missing.append("a bone-density referral or osteoporosis evaluation, and osteoporosis education")
    levels = ctx.number(p.levels_item)
    if levels is not None and levels > p.max_levels:
        missing.append(f"at most {p.max_levels} levels in one session ({levels:g} planned)")
    return missing


def _rule(ctx: Context) -> Rule | None:
    return next((r for r in ctx.policy.rules if r.check == CHECK), None)


def coverage_status(ctx: Context, item_id: str) -> str | None:
    """The section's status line: 'Complete', or 'Incomplete: N missing'; None when the policy has no such rule."""
    rule = _rule(ctx)
    if rule is None or rule.parsed.item != item_id:
        return None
    missing = missing_documentation(ctx, rule.parsed)
    if not missing:
        return "Complete"
    return f"Incomplete: {len(missing)} {'item' if len(missing) == 1 else 'items'} missing (see the finding)"


POLICY_FORMULAS[CHECK] = coverage_status


@check(CHECK, CoverageParams)
def coverage_documentation(ctx: Context, rule: Rule, params: CoverageParams) -> Iterator[Finding]:
    """One warning listing what is missing, while the section is switched on and shown."""
    if params.item not in ctx.visible:
        return
    missing = missing_documentation(ctx, params)
    if missing:
        yield ctx.finding(rule, params.item, "Coverage documentation incomplete: " + "; ".join(missing) + ".",
                          "Complete the 'Coverage documentation' section, or tell the proceduralist what is not "
                          "documented. This is for the payer's file and does not stop the procedure.")
