"""The cached JSON of the answers (autosave's draft on every keystroke) is exactly what converting every
answer again gives, after any sequence of edits: changed list entries, equal values of other types,
the same moment at another UTC offset, -0.0, and values the record model refuses (the same error)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from checklist_app.workflows.answer_codec import JsonCache, answers_from_json, answers_to_json, same_answer
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.session import shipped_form

FORM = shipped_form()
TODAY = date(2026, 11, 21)
AGENTS = ("apixaban", "metformin", "warfarin", "other", "no-such-agent")  # the last one is refused
MOMENT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def example_state() -> ChecklistState:
    state, dropped = ChecklistState.from_data(FORM, demo_data(FORM, TODAY), fallback_staff="rn.test",
                                              now=MOMENT, policy_id="sir-2019")
    assert not dropped
    return state


def full(state: ChecklistState) -> str:
    """Every answer converted again, no cache; as text, so -0.0 and offsets count."""
    return json.dumps(answers_to_json(FORM, state.answers))


def cached(state: ChecklistState) -> str:
    return json.dumps(state.draft_data()["answers"])


# Few distinct values, so that equal values of another type or offset follow each other often.
def _moment(hours: int, offset: float) -> datetime:
    return (MOMENT + timedelta(hours=hours)).astimezone(timezone(timedelta(hours=offset)))


def _moment(hours: int, offset: float) -> datetime:
    return (MOMENT + timedelta(hours=hours)).astimezone(timezone(timedelta(hours=offset)))


moments = st.builds(_moment, st.sampled_from([-30, -2, 0]), st.sampled_from([0, 1, -5.5]))
entries = st.fixed_dictionaries({"agent": st.sampled_from(AGENTS)},
                                optional={"dose": st.sampled_from(["5 mg", " 5 mg ", "10 mg", "x"]),
                                          "frequency": st.sampled_from(["daily", "bid"]), "last_dose": moments})
edits = st.one_of(
    st.tuples(st.just("pain_score"), st.sampled_from([0, -0.0, 3, 3.0, 11, None])),
    st.tuples(st.just("patient_name"), st.sampled_from(["Ana Lima", " Ana Lima ", None])),
    st.tuples(st.just("scheduled_start"), moments),
    st.tuples(st.just("levels"), st.sampled_from([["L1"], ["L1", "L2"], ["L2"], [], None])),
    st.tuples(st.just("entry"), st.tuples(st.integers(0, 5), entries)),
    st.tuples(st.just("insert"), st.tuples(st.integers(0, 5), entries)),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("copies"), st.none()),  # the same entries as new, equal objects (as loaded from a draft)
)


def apply(state: ChecklistState, edit: tuple) -> None:
    """One edit, the way the window makes them: a new object for the answer (and the entry) changed."""
    kind, arg = edit
    if kind in ("entry", "insert", "delete", "copies"):
        meds = list(state.answers.get("medications") or [])
        if kind == "entry" and meds:
            meds[arg[0] % len(meds)] = arg[1]
        elif kind == "insert":
            meds.insert(arg[0] % (len(meds) + 1), arg[1])
        elif kind == "delete" and meds:
            del meds[arg % len(meds)]
        elif kind == "copies":
            meds = [dict(entry) for entry in meds]
        state.answers["medications"] = meds  # not set_answer: equal values of another type must count too
    elif arg is None:
        state.answers.pop(kind, None)
    else:
        state.answers[kind] = list(arg) if isinstance(arg, list) else arg


def outcome(convert, state: ChecklistState) -> str:
    try:
        return convert(state)
    except ValidationError as exc:
        return f"refused: {exc.errors(include_url=False)}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=12))
def test_cached_json_is_exactly_a_full_conversion_after_any_edits(sequence):
    state = example_state()
    assert cached(state) == full(state)
    for edit in sequence:
        apply(state, edit)
        assert outcome(cached, state) == outcome(full, state), edit


def test_a_keystroke_in_one_entry_converts_that_entry_only():
    state = example_state()
    meds = [dict(state.answers["medications"][0], name=f"Remedy {n}", agent="other") for n in range(200)]
    state.set_answer("medications", meds)
    before = state.draft_data()["answers"]["medications"]
    changed = list(meds)
    changed[3] = dict(meds[3], dose="7 mg")
    state.set_answer("medications", changed)
    after = state.draft_data()["answers"]["medications"]
    assert after[3]["dose"] == "7 mg" and before[3]["dose"] != "7 mg"
    assert all(after[i] is before[i] for i in range(200) if i != 3)  # reused, not converted again
    assert json.dumps(after) == json.dumps(answers_to_json(FORM, state.answers)["medications"])


def test_the_data_handed_out_is_not_changed_by_later_edits():
    state = example_state()
    first = json.dumps(state.draft_data())
    data = state.draft_data()
    state.set_answer("pain_score", 2.0)
    state.set_answer("medications", state.answers["medications"][:1])
    assert json.dumps(data) == first


@pytest.mark.parametrize(("a", "b", "same"), [
    (1, 1.0, False), (True, 1, False), (0.0, -0.0, False), (2.5, 2.5, True),
    (MOMENT, MOMENT.astimezone(timezone(timedelta(hours=1))), False), (MOMENT, MOMENT + timedelta(0), True),
    ({"a": [1.0]}, {"a": [1.0]}, True), ({"a": [1.0]}, {"a": [1]}, False), (["x"], ("x",), False),
])
def test_same_answer_is_stricter_than_equality_where_the_json_differs(a, b, same):
    assert same_answer(a, b) is same


def test_a_list_too_long_is_refused_with_the_same_message_as_without_the_cache():
    item = FORM.item("allergies")
    entry = {"substance": item.fields[0].option_values()[0]}
    too_many = [dict(entry) for _ in range(item.max_entries + 1)]
    cache = JsonCache()
    with pytest.raises(ValidationError) as with_cache:
        cache.to_json(item, too_many)
    answers, _ = answers_from_json(FORM, {})
    with pytest.raises(ValidationError) as without:
        answers_to_json(FORM, {"allergies": too_many})
    assert with_cache.value.errors(include_url=False) == without.value.errors(include_url=False)
    assert not answers
