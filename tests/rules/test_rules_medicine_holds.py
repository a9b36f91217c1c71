"""Antithrombotic holds (SIR 2019, high bleeding risk), every medicine of the policy's table.

Each case is checked exactly at its hold time and one minute either side, and likewise at the end of a
warning band where the table gives a range. Doses become hours through the dosing interval (twice a day =
12 h a dose). CrCl is set through a man of 68, for whom Cockcroft-Gault gives weight / creatinine.
"""

from __future__ import annotations

import math

import pytest

RULE = "MED-01-holds"

# id, agent, frequency, CrCl (= weight with creatinine 1.0), hard hours, warning-band end (hours), row label
HOLDS = [
    ("warfarin", "warfarin", "daily", 60, 120, None, ""),
    ("heparin-iv", "heparin_iv", "continuous", 60, 4, 6, ""),
    ("heparin-sc-bid", "heparin_sc", "bid", 60, 6, None, ""),
    ("heparin-sc-tid", "heparin_sc", "tid", 60, 6, None, ""),
    ("enoxaparin-prophylactic-daily", "enoxaparin_prophylactic", "daily", 60, 24, None, ""),
    ("enoxaparin-prophylactic-bid", "enoxaparin_prophylactic", "bid", 60, 12, None, ""),
    ("enoxaparin-therapeutic-bid", "enoxaparin_therapeutic", "bid", 60, 24, None, ""),
    # Enoxaparin with its dose intensity recorded (ASRA 2025's low/high): SIR's prophylactic and therapeutic rows.
    ("enoxaparin-low-daily", "enoxaparin:low", "daily", 60, 24, None, ""),
    ("enoxaparin-low-bid", "enoxaparin:low", "bid", 60, 12, None, ""),
    ("enoxaparin-high-bid", "enoxaparin:high", "bid", 60, 24, None, ""),
    ("enoxaparin-high-daily", "enoxaparin:high", "daily", 60, 48, None, ""),
    ("dalteparin-daily", "dalteparin", "daily", 60, 24, None, ""),
    ("fondaparinux-crcl60", "fondaparinux", "daily", 60, 48, 72, "CrCl>=50"),
    ("fondaparinux-crcl40", "fondaparinux", "daily", 40, 72, 120, "CrCl<50"),
    ("apixaban-crcl60", "apixaban", "bid", 60, 48, None, "CrCl>=50"),
    ("apixaban-crcl40", "apixaban", "bid", 40, 72, None, "CrCl<50"),
    ("apixaban-crcl20", "apixaban", "bid", 20, 72, None, "CrCl<50"),
    ("rivaroxaban-crcl60", "rivaroxaban", "daily", 60, 48, None, "CrCl>=30"),
    ("rivaroxaban-crcl40", "rivaroxaban", "daily", 40, 48, None, "CrCl>=30"),
    ("rivaroxaban-crcl25", "rivaroxaban", "daily", 25, 72, None, "CrCl<30"),
    ("dabigatran-crcl60", "dabigatran", "bid", 60, 48, None, "CrCl>=50"),
    ("dabigatran-crcl40", "dabigatran", "bid", 40, 72, 96, "CrCl<50"),
    ("edoxaban-crcl60", "edoxaban", "daily", 60, 48, None, ""),
    ("edoxaban-crcl25", "edoxaban", "daily", 25, 48, None, ""),
    ("clopidogrel", "clopidogrel", "daily", 60, 120, None, ""),
    ("ticagrelor", "ticagrelor", "bid", 60, 120, None, ""),
    ("prasugrel", "prasugrel", "daily", 60, 168, None, ""),
    ("aspirin", "aspirin:primary_prevention", "daily", 60, 72, 120, ""),
]

# The entry field whose value picks the policy's variant of a medicine ("agent:value" in the table above).
VARIANT_FIELD = {"enoxaparin": "dose_intensity", "aspirin": "aspirin_reason"}

# Minutes before the start at which to put the last dose, around each boundary.
def _offsets(hard: float, warn: float | None) -> list[int]:
    points = {hard * 60 - 1, hard * 60, hard * 60 + 1}
    if warn:
        points |= {warn * 60 - 1, warn * 60, warn * 60 + 1}
    return sorted(int(p) for p in points)


def _expected(minutes: int, hard: float, warn: float | None) -> str | None:
    if minutes < hard * 60:
        return "hard_stop"
    if warn and minutes < warn * 60:
        return "warning"
    return None


CASES = [
    pytest.param(agent, freq, crcl, hard, warn, label, minutes, id=f"{case_id}-{minutes // 60}h{minutes % 60:02d}")
    for case_id, agent, freq, crcl, hard, warn, label in HOLDS
    for minutes in _offsets(hard, warn)
]


def _changes(checklist, agent, frequency, crcl, last_dose):
    changes = checklist.crcl_patient(weight_kg=crcl)
    agent, _, variant = agent.partition(":")
    changes["medications"] = [checklist.med(agent, last_dose, frequency)]
    if variant:
        changes["medications"][0][VARIANT_FIELD[agent]] = variant
    if agent == "warfarin":
        changes["thrombotic_risk_high"] = False
    return changes


def test_every_hold_medicine_of_the_policy_is_in_the_table(policy):
    held = {key for key, med in policy.medicines.items() if med.action == "hold"}
    assert held == {agent.partition(":")[0] for _, agent, *_ in HOLDS}


@pytest.mark.parametrize("agent, frequency, crcl, hard, warn, label, minutes", CASES)
def test_hold_boundary(checklist, agent, frequency, crcl, hard, warn, label, minutes):
    outcome = checklist(_changes(checklist, agent, frequency, crcl, checklist.before(minutes=minutes)))
    assert math.isclose(outcome.derived["crcl"], crcl)
    assert outcome.severity(RULE) == _expected(minutes, hard, warn), outcome.summary()
    # Nothing else fires: the hold is the only difference from the clean record that could.
    others = {f.rule_id for f in outcome.findings} - {RULE, "LAB-01-inr-warfarin"}
    assert others == set(), outcome.summary()
    for finding in outcome.of(RULE):
        assert finding.item_id == "medications"
        assert finding.key.split("@")[0] == f"{RULE}:medications:{agent.partition(':')[0]}#1"
        assert finding.source_id == "SIR2019-HOLDS:" + agent + (f":{label}" if label else "")
        assert finding.citation


def test_hard_stop_message_names_the_hold_and_the_earliest_start(checklist):
    outcome = checklist(_changes(checklist, "apixaban", "bid", 60, checklist.before(47, 59)))
    (finding,) = outcome.of(RULE)
    assert "4 doses" in finding.message and "twice a day" in finding.message
    assert "CrCl 60" in finding.message
    assert "12/01/2026 8:31 AM" in finding.action


@pytest.mark.parametrize("weight, label, hard_h", [(50, "CrCl>=50", 48), (49.9, "CrCl<50", 72)])
@pytest.mark.parametrize("agent", ["apixaban", "dabigatran", "fondaparinux"])
def test_crcl_exactly_50_takes_the_at_least_50_row(checklist, agent, weight, label, hard_h):
    frequency = "daily" if agent == "fondaparinux" else "bid"
    ok = checklist(_changes(checklist, agent, frequency, weight, checklist.before(hard_h)))
    assert ok.derived["crcl"] == weight
    assert ok.severity(RULE) in (None, "warning"), ok.summary()
    short = checklist(_changes(checklist, agent, frequency, weight, checklist.before(hard_h, -1)))
    (finding,) = short.of(RULE)
    assert finding.severity == "hard_stop"
    assert finding.source_id.endswith(f":{agent}:{label}")


def test_crcl_50_vs_49_9_with_the_same_last_dose(checklist):
    last = checklist.before(48)  # 4 doses of apixaban: enough at CrCl 50, not at 49.9 (6 doses)
    assert checklist(_changes(checklist, "apixaban", "bid", 50, last)).severity(RULE) is None
    assert checklist(_changes(checklist, "apixaban", "bid", 49.9, last)).severity(RULE) == "hard_stop"


@pytest.mark.parametrize("weight, stops", [(30, False), (29.9, True)])
def test_rivaroxaban_crcl_30_boundary(checklist, weight, stops):
    outcome = checklist(_changes(checklist, "rivaroxaban", "daily", weight, checklist.before(48)))
    assert outcome.severity(RULE) == ("hard_stop" if stops else None)


@pytest.mark.parametrize("agent, frequency, hours", [
    ("apixaban", "bid", 72), ("dabigatran", "bid", 72), ("rivaroxaban", "daily", 72), ("fondaparinux", "daily", 72),
])
def test_unknown_crcl_uses_the_longest_row_and_says_so(checklist, agent, frequency, hours):
    changes = {"medications": [checklist.med(agent, checklist.before(hours, -1), frequency)]}
    outcome = checklist(changes, remove=["creatinine"])
    assert outcome.derived["crcl"] is None
    (finding,) = outcome.of(RULE)
    assert finding.severity == "hard_stop"
    assert "CrCl is not known" in finding.message and "longest" in finding.message
    # The missing creatinine is a hard stop of its own (it decides the hold).
    assert "LAB-04-creatinine-missing" in outcome.hard
    enough = checklist({"medications": [checklist.med(agent, checklist.before(hours), frequency)]},
                       remove=["creatinine"])
    assert enough.severity(RULE) in (None, "warning")


@pytest.mark.parametrize("frequency", ["as_needed", "other", "continuous"])
@pytest.mark.parametrize("agent, crcl, approx, warn", [
    ("apixaban", 60, 48, None),
    ("apixaban", 40, 72, None),
    ("rivaroxaban", 20, 72, None),
    ("dabigatran", 40, 72, 96),  # warning band: 8 of 6 doses of the 72 h approximation
    ("edoxaban", 60, 48, None),
    ("enoxaparin_therapeutic", 60, 24, None),
    ("enoxaparin_prophylactic", 60, 24, None),
    ("dalteparin", 60, 24, None),
])
def test_irregular_frequency_uses_the_approximate_hours(checklist, agent, crcl, approx, warn, frequency):
    def at(minutes):
        return checklist(_changes(checklist, agent, frequency, crcl, checklist.before(minutes=minutes)))

    short = at(approx * 60 - 1)
    (finding,) = short.of(RULE)
    assert finding.severity == "hard_stop"
    assert "not recorded as regular" in finding.message
    assert at(approx * 60).severity(RULE) == ("warning" if warn else None)
    if warn:
        assert at(warn * 60 - 1).severity(RULE) == "warning"
        assert at(warn * 60).severity(RULE) is None


def test_enoxaparin_dose_count_follows_the_frequency(checklist):
    # Prophylactic: hold 1 dose. Twice a day that is 12 h; once a day 24 h.
    last = checklist.before(12)
    assert checklist(_changes(checklist, "enoxaparin_prophylactic", "bid", 60, last)).severity(RULE) is None
    assert checklist(_changes(checklist, "enoxaparin_prophylactic", "daily", 60, last)).severity(RULE) == "hard_stop"


@pytest.mark.parametrize("agent", sorted(["warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban",
                                          "enoxaparin_prophylactic", "enoxaparin_therapeutic", "dalteparin",
                                          "fondaparinux", "heparin_iv", "heparin_sc", "clopidogrel",
                                          "ticagrelor", "prasugrel", "aspirin"]))
def test_missing_last_dose_is_a_hard_stop_reported_once(checklist, agent):
    changes = {"medications": [checklist.med(agent, None)]}
    if agent == "aspirin":
        changes["medications"][0]["aspirin_reason"] = "primary_prevention"
    if agent == "warfarin":
        changes["thrombotic_risk_high"] = False
    outcome = checklist(changes)
    (finding,) = outcome.of(RULE)
    assert finding.severity == "hard_stop"
    assert "not recorded" in finding.message
    # The required field is the same problem: not reported a second time by the completeness rule.
    assert outcome.of("REQ-01-complete") == [], outcome.summary()
    assert outcome.evaluation.missing_required == ("medications[0].last_dose",)


def test_nsaid_is_a_warning_whatever_the_timing(checklist):
    for last in (checklist.before(1), checklist.before(24 * 30)):
        outcome = checklist({"medications": [checklist.med("nsaid", last, "tid")]})
        (finding,) = outcome.of(RULE)
        assert finding.severity == "warning"
        assert "half-lives" in finding.message
        assert outcome.hard == set()


@pytest.mark.parametrize("agent", ["celecoxib", "cilostazol"])
def test_continue_medicines_give_nothing(checklist, agent):
    outcome = checklist({"medications": [checklist.med(agent, checklist.before(0, 30))]})
    assert outcome.findings == (), outcome.summary()


def test_cangrelor_or_gp2b3a_defers_the_procedure(checklist):
    for last in (checklist.before(1), checklist.before(24 * 30)):
        outcome = checklist({"medications": [checklist.med("cangrelor_gp2b3a", last, "continuous")]})
        (finding,) = outcome.of(RULE)
        assert finding.severity == "hard_stop"
        assert "cardiology" in finding.action.lower()


def test_non_antithrombotics_are_not_held(checklist):
    outcome = checklist({"medications": [checklist.med("metformin", checklist.before(0, 30), "bid")]})
    assert outcome.of(RULE) == []


def test_a_medicine_recorded_as_other_is_brought_to_the_proceduralist(checklist):
    """'Other: Xarelto' 12.5 h before the start does not pass in silence."""
    entry = {**checklist.med("other", checklist.before(12, 30), "daily"), "name": "Xarelto"}
    (finding,) = checklist({"medications": [entry]}).of(RULE)
    assert finding.severity == "warning" and "Xarelto" in finding.message and "thins the blood" in finding.message


@pytest.mark.parametrize(("agent", "frequency", "hours", "stops"), [
    ("rivaroxaban", "bid", 25.5, True),   # 2 doses twice a day would be 24 h; the source says ~2 d
    ("rivaroxaban", "bid", 48, False),
    ("apixaban", "tid", 34.5, True),      # 4 doses three times a day would be 32 h
    ("enoxaparin_therapeutic", "tid", 16, True),  # "2 doses or 24 h"
    ("enoxaparin_prophylactic", "bid", 12, False),  # "hold 1 dose": no day value to keep
])
def test_a_frequent_schedule_never_shortens_the_sources_days(checklist, agent, frequency, hours, stops):
    outcome = checklist({"medications": [checklist.med(agent, checklist.before(hours), frequency)]})
    assert (outcome.severity(RULE) == "hard_stop") is stops, outcome.summary()


def test_each_listed_medicine_is_its_own_finding(checklist):
    outcome = checklist({"medications": [checklist.med("clopidogrel", checklist.before(24)),
                                         {**checklist.med("aspirin", checklist.before(96)),
                                          "aspirin_reason": "primary_prevention"},
                                         checklist.med("apixaban", checklist.before(24), "bid")]})
    by_key = {f.key.split("@")[0]: f.severity for f in outcome.of(RULE)}
    assert by_key == {
        f"{RULE}:medications:clopidogrel#1": "hard_stop",
        f"{RULE}:medications:aspirin#2": "warning",
        f"{RULE}:medications:apixaban#3": "hard_stop",
    }


# --- Cockcroft-Gault ----------------------------------------------------------------------------------


def _cockcroft_gault(age, weight, female, scr_mg_dl):
    crcl = (140 - age) * weight / (72 * scr_mg_dl)
    return crcl * 0.85 if female else crcl


def test_cockcroft_gault_for_the_clean_patient(checklist):
    # 72-year-old woman, 68 kg, creatinine 0.9 mg/dL: (140-72) x 68 / (72 x 0.9) x 0.85 = 60.65 mL/min.
    outcome = checklist()
    assert outcome.derived["age_years"] == 72
    assert outcome.derived["crcl"] == 60.6  # 60.65... truncated: what is shown is what decides
    exact = _cockcroft_gault(72, 68, True, 0.9)
    assert exact - 0.1 < outcome.derived["crcl"] <= exact


@pytest.mark.parametrize("sex, dob, age, weight, scr", [
    ("female", "1954-03-12", 72, 68, 0.9),
    ("male", "1954-03-12", 72, 68, 0.9),
    ("male", "1958-06-01", 68, 80, 1.4),
    ("female", "1941-01-15", 85, 45, 1.6),
    ("male", "1980-07-30", 46, 110, 0.7),
])
def test_cockcroft_gault_matches_the_published_formula(checklist, sex, dob, age, weight, scr):
    outcome = checklist({"sex": sex, "date_of_birth": dob, "weight_kg": weight,
                         "creatinine": checklist.lab(scr, "mg/dL"), "medications": [],
                         "pregnancy_status": "cannot_be_pregnant"})
    assert outcome.derived["age_years"] == age
    exact = _cockcroft_gault(age, weight, sex == "female", scr)
    assert exact - 0.1 < outcome.derived["crcl"] <= exact


@pytest.mark.parametrize("mg_dl", [0.9, 1.0, 1.4, 2.3])
def test_creatinine_in_umol_per_l_gives_the_same_crcl(checklist, mg_dl):
    umol = round(mg_dl * 88.4, 2)
    in_mg = checklist({"creatinine": checklist.lab(mg_dl, "mg/dL")})
    in_umol = checklist({"creatinine": checklist.lab(umol, "umol/L")})
    assert in_umol.derived["crcl"] == in_mg.derived["crcl"]
    assert in_umol.derived["egfr"] == in_mg.derived["egfr"]


def test_umol_per_l_creatinine_picks_the_same_hold_row(checklist):
    last = checklist.before(48)
    mg = checklist(_changes(checklist, "apixaban", "bid", 50, last))
    umol = {**_changes(checklist, "apixaban", "bid", 50, last), **checklist.crcl_patient(50, 88.4, "umol/L")}
    umol_outcome = checklist(umol)
    assert umol_outcome.derived["crcl"] == mg.derived["crcl"] == 50
    assert umol_outcome.severity(RULE) == mg.severity(RULE) is None


def test_many_other_medicines_are_one_finding_listing_them(checklist):
    """Forty home medicines recorded as Other are one line for the proceduralist, not forty."""
    entries = [{**checklist.med("other", checklist.before(20 + n), "daily"), "name": f"Remedy {n}"} for n in range(40)]
    (finding,) = checklist({"medications": entries}).of(RULE)
    assert finding.severity == "warning"
    assert "#1 Remedy 0" in finding.message and "#5 Remedy 4" in finding.message and "and 35 more" in finding.message
