"""Any mix of valid answers evaluates without error, and the findings are well formed.

Starts from the clean record, flips yes/no and choice answers to any allowed value and leaves some items
unanswered; the engine must never raise, and every finding must name a policy rule, a visible item and a
listed source.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist_app.domain.items import ChoiceItem, ConfirmItem, YesNoItem
from checklist_app.rules import load_form

_FORM = load_form()
_FLIPPABLE = {
    item.id: (st.booleans() if isinstance(item, YesNoItem | ConfirmItem) else st.sampled_from(item.option_values()))
    for item in _FORM.iter_items()
    if isinstance(item, YesNoItem | ConfirmItem | ChoiceItem)
}
_ANSWERABLE = sorted(item.id for item in _FORM.iter_items() if item.kind not in ("derived", "info"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.fixed_dictionaries({}, optional=_FLIPPABLE),
       removed=st.lists(st.sampled_from(_ANSWERABLE), max_size=6, unique=True))
def test_any_valid_answers_evaluate_cleanly(checklist, changes, removed):
    outcome = checklist(changes, remove=removed)
    evaluation = outcome.evaluation
    rule_ids = {r.id for r in checklist.policy.rules}
    keys = [f.key for f in evaluation.findings]
    assert len(keys) == len(set(keys))
    for finding in evaluation.findings:
        assert finding.rule_id in rule_ids
        assert finding.severity in ("hard_stop", "warning")
        assert finding.source_id.split(":")[0] in checklist.policy.sources
        assert finding.item_id in evaluation.visible_items or finding.rule_id == "REQ-01-complete"
        assert finding.message and finding.action
    assert evaluation.cleared is (not evaluation.open_hard_stops)
    # Every visible required answer that is missing is stopped on, unless another hard stop covers its item.
    stopped = {f.item_id for f in evaluation.hard_stops}
    for path in evaluation.missing_required:
        assert path.split("[", 1)[0] in stopped, (path, outcome.summary())
