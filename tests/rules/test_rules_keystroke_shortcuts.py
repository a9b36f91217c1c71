"""The shortcuts that keep an evaluation cheap on every keystroke give exactly what the long way gives.

- An advice finding (medicines recorded as "Other", NSAIDs) names its first five entries and counts the rest;
  only those five are formatted, so the boundary between named and counted is checked here entry by entry.
- ``missing_required`` is worked out once per evaluation and shared by the completeness check and the
  engine; each new evaluation must work it out again from its own answers.
- Conditions see a long list answer as its distinct entries; the evaluation is the same as with every entry.
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist_app.domain.conventions import format_datetime
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.rules import context
from checklist_app.rules.checks.completeness import missing_required
from checklist_app.rules.context import Context

NOW_TEXT = "2026-11-21T10:00"  # the moment the rules tests evaluate at (conftest.NOW_TEXT)

RULE = "MED-01-holds"


def _others(checklist, count: int) -> list[dict]:
    return [{**checklist.med("other", checklist.before(20 + n), "daily"), "name": f"Remedy {n}"}
            for n in range(count)]


def _named(checklist, entries: list[dict]) -> str:
    """What the message lists, written out by hand from the entries."""
    parts = [f"#{n + 1} {e['name']}, last dose {format_datetime(parse_datetime(e['last_dose']))}"
             for n, e in enumerate(entries)]
    return "; ".join(parts[:5]) + (f"; and {len(parts) - 5} more" if len(parts) > 5 else "")


def test_five_other_medicines_are_all_named_with_their_last_dose(checklist):
    entries = _others(checklist, 5)
    (finding,) = checklist({"medications": entries}).of(RULE)
    assert f": {_named(checklist, entries)}. " in finding.message
    assert "more" not in finding.message


def test_the_sixth_other_medicine_is_counted_not_named(checklist):
    entries = _others(checklist, 6)
    (finding,) = checklist({"medications": entries}).of(RULE)
    assert f": {_named(checklist, entries)}. " in finding.message
    assert "; and 1 more." in finding.message and "Remedy 5" not in finding.message


def test_an_entry_without_a_last_dose_is_named_without_one(checklist):
    entries = _others(checklist, 2)
    del entries[0]["last_dose"]
    (finding,) = checklist({"medications": entries}).of(RULE)
    last_dose = format_datetime(parse_datetime(entries[1]["last_dose"]))
    assert f": #1 Remedy 0; #2 Remedy 1, last dose {last_dose}. " in finding.message


def test_missing_required_is_worked_out_once_per_context_from_its_own_answers(checklist):
    outcome = checklist(remove=("identifiers_verified",))
    answers = outcome.record.answer_values()
    ctx = Context.build(checklist.form, checklist.policy, answers, parse_datetime(NOW_TEXT))
    first = missing_required(ctx)
    assert missing_required(ctx) is first  # the second caller gets the same list, not a second walk
    assert [path for path, _ in first] == list(outcome.evaluation.missing_required) == ["identifiers_verified"]

    answered = copy.copy(answers)
    answered["identifiers_verified"] = True
    fresh = Context.build(checklist.form, checklist.policy, answered, parse_datetime(NOW_TEXT))
    assert missing_required(fresh) == []


def test_the_engine_and_the_completeness_check_agree_on_what_is_missing(checklist):
    entries = _others(checklist, 3)
    del entries[1]["frequency"]
    outcome = checklist({"medications": entries}, remove=("identifiers_verified",))
    reported = {f.key.split("@")[0] for f in outcome.findings if f.rule_id != RULE}
    assert "medications[1].frequency" in outcome.evaluation.missing_required
    assert "identifiers_verified" in outcome.evaluation.missing_required
    assert any("medications[1].frequency" in key for key in reported)


def _options(checklist, item_id: str, field_id: str) -> list[str]:
    return list(checklist.form.item(item_id).field(field_id).option_values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_conditions_on_long_lists_give_what_they_give_on_the_full_list(checklist, monkeypatch, data):
    """Conditions see a long list as its distinct entries (``Context.resolve_condition``): the evaluation of any
    list of medications and allergies equals the one made with every entry looked at."""
    agents = _options(checklist, "medications", "agent")
    frequencies = _options(checklist, "medications", "frequency")
    substances = _options(checklist, "allergies", "substance")
    meds = data.draw(st.lists(st.builds(
        lambda agent, frequency, hours, dose: {"agent": agent, "dose": "1 tablet", "frequency": frequency,
                                               **({"last_dose": checklist.before(hours)} if dose else {})},
        st.sampled_from(agents), st.sampled_from(frequencies), st.integers(1, 400), st.booleans()), max_size=12))
    allergies = data.draw(st.lists(st.builds(
        lambda substance: {"substance": substance, "details": "x", "reaction": "Rash", "severity": "mild"},
        st.sampled_from(substances)), max_size=8))
    changes = {"medications": meds, "allergies": allergies}
    monkeypatch.setattr(context, "DISTINCT_FROM", 0)  # every list through the distinct entries
    shortcut = checklist(changes).evaluation
    monkeypatch.setattr(context, "DISTINCT_FROM", 10**9)  # no list through them
    full = checklist(changes).evaluation
    assert shortcut == full


def test_a_list_with_an_unhashable_field_value_is_looked_at_in_full():
    entries = [{"agent": ["a", "b"]}, {"agent": "warfarin"}] * 3
    assert context._distinct(entries, ("agent",)) is entries
    assert context._distinct([{"agent": "x", "dose": 1}, {"agent": "x", "dose": 2}, "junk"], ("agent",)) == \
        [{"agent": "x"}]


def test_values_that_compare_equal_but_differ_in_type_stay_apart():
    """True == 1 == 1.0 in Python, but a numeric condition skips a yes/no answer: each must stay."""
    entries = [{"dose_mg": True}, {"dose_mg": 1}, {"dose_mg": 1.0}, {"dose_mg": 1}]
    assert context._distinct(entries, ("dose_mg",)) == [{"dose_mg": True}, {"dose_mg": 1}, {"dose_mg": 1.0}]
    assert [type(e["dose_mg"]) for e in context._distinct(entries, ("dose_mg",))] == [bool, int, float]
