"""Required items that are visible and unanswered, including required fields of list entries.

Runs after the other checks and stays quiet about an item another rule already stops on, so a missing
INR is reported once, in the lab rule's own words.
"""

from __future__ import annotations

from collections.abc import Iterator

from checklist_app.domain.findings import Finding
from checklist_app.domain.items import ConfirmItem, DerivedItem, InfoItem, RepeatItem
from checklist_app.rules.context import Context
from checklist_app.rules.policy import Rule
from checklist_app.rules.registry import NoParams, check


def missing_required(ctx: Context) -> list[tuple[str, str]]:
    """(path, label) of each visible required item or list field without an answer.

    Worked out once per evaluation: the completeness check and the engine's ``missing_required`` both ask,
    and with 200 list entries the walk is a noticeable part of a keystroke."""
    if ctx.missing is None:
        ctx.missing = list(_missing(ctx))
    return ctx.missing


def _missing(ctx: Context) -> Iterator[tuple[str, str]]:
    for item in ctx.form.iter_items():
        if item.id not in ctx.visible or isinstance(item, DerivedItem | InfoItem):
            continue
        value = ctx.answers.get(item.id)
        if item.required and (value is None or (isinstance(item, ConfirmItem) and value is not True)):
            yield item.id, item.label
        if isinstance(item, RepeatItem) and isinstance(value, list):
            for n, entry in enumerate(value):
                for sub in item.fields:
                    if sub.show_if is not None and not sub.show_if.holds(entry.get):
                        continue  # a field for other entries (why aspirin is taken, on an apixaban entry)
                    if sub.required and entry.get(sub.id) is None:
                        yield f"{item.id}[{n}].{sub.id}", f"{item.label} #{n + 1}: {sub.label}"


@check("required_items", NoParams, runs_last=True)
def required_items(ctx: Context, rule: Rule, params: NoParams) -> Iterator[Finding]:
    """One finding per unanswered required item (list fields are reported on their list)."""
    for path, label in missing_required(ctx):
        item_id = path.split("[", 1)[0]
        section = ctx.form.section_of(item_id).title
        yield ctx.finding(rule, item_id, f"Not answered: {label}.",
                          f"Complete it in the '{section}' section.", detail=path if path != item_id else "")
