"""Each held medicine's restart, as the patient's sheet computes it, agrees with the policy's own words, and
anticoagulants are marked as such (the sheet lists the signs of a stroke for them)."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from checklist_app.rules import load_form, load_policy_for
from checklist_app.rules.policy import Medicine

ANTICOAGULANTS = {"warfarin", "heparin_iv", "heparin_sc", "enoxaparin_prophylactic", "enoxaparin_therapeutic",
                  "enoxaparin", "dalteparin", "fondaparinux", "apixaban", "rivaroxaban", "dabigatran", "edoxaban"}


@pytest.fixture(scope="module", params=["sir-2019", "asra-2018"])
def policy(request):
    return load_policy_for(load_form(), request.param)


def test_restart_numbers_match_the_words(policy):
    for key, medicine in policy.medicines.items():
        if medicine.action != "hold":
            continue
        words = medicine.restart
        if words == "the day after the procedure":
            assert medicine.restart_next_day and medicine.restart_hours is None, key
        elif match := re.match(r"(\d+)(?: to (\d+))? hours after the procedure", words):
            low, high = float(match[1]), float(match[2] or match[1])
            assert medicine.restart_hours is not None and low <= medicine.restart_hours <= high, key
        else:  # "ask the proceduralist": no time the sheet could compute
            assert medicine.restart_hours is None and not medicine.restart_next_day, key


def test_anticoagulants_are_marked(policy):
    marked = {key for key, medicine in policy.medicines.items() if medicine.drug_class == "anticoagulant"}
    assert marked == ANTICOAGULANTS & set(policy.medicines)


def test_hours_and_next_day_together_are_refused():
    with pytest.raises(ValidationError, match="not both"):
        Medicine(name="X", action="hold", rows=[{"hours": 24}], restart_hours=24, restart_next_day=True,
                 source="S")
