"""The 2024-2025 guidance as policy data: GLP-1 by risk (2024 multi-society) or by hold window (ASA 2023),
enoxaparin by dose intensity and aspirin by why it is taken, the drug-level override reason, the over-fasting
advisory, the structured pregnancy test and the bridging advice. Each at its boundaries, each finding with
the source its number came from (clinical reference, section 9)."""

from __future__ import annotations

import pytest

from checklist_app.rules import load_policy_for

GLP1_SETTLED = {"glp1_escalation_phase": False, "glp1_liquid_diet": "followed", "glp1_anesthesia_informed": True}


def _glp1(checklist, frequency="weekly", hours=72, agent="semaglutide", **answers):
    changes = {"medications": [checklist.med(agent, checklist.before(hours), frequency)], "glp1_gi_symptoms": False,
               **GLP1_SETTLED, **answers}
    return checklist(changes)


# --- GLP-1: the 2024 multi-society approach (the shipped default) ----------------------------------------


def test_the_shipped_policy_follows_the_2024_guidance_with_its_numbers_as_data(policy):
    assert policy.glp1.approach == "ms-2024"
    assert policy.glp1.risk_based.liquid_diet_hours == 24
    assert policy.glp1.risk_based.source == "GLP1-MS-2024" and "GLP1-MS-2024" in policy.sources
    assert policy.glp1.hold_windows.weekly_hours == 168
    assert policy.glp1.hold_windows.source == "ASA2023-GLP1"


@pytest.mark.parametrize("last", ["2026-12-01T06:00", "2026-11-30T20:00"])
def test_low_risk_daily_patient_is_not_told_to_stop(checklist, last):
    """A daily agent, not escalating, no symptoms: a dose this morning is no finding at all."""
    outcome = checklist({"medications": [checklist.med("liraglutide", last, "daily")], "glp1_gi_symptoms": False,
                         "glp1_escalation_phase": False, "glp1_liquid_diet": "not_advised",
                         "glp1_anesthesia_informed": False})
    assert outcome.findings == (), outcome.summary()


def test_weekly_dose_two_days_ago_is_no_hold_finding_under_the_2024_guidance(checklist):
    outcome = _glp1(checklist, hours=48)
    assert outcome.findings == (), outcome.summary()  # settled: anesthesia told, liquid diet kept


@pytest.mark.parametrize(("frequency", "answers", "reason"), [
    ("weekly", {}, "weekly dosing"),
    ("other", {}, "weekly dosing"),  # a schedule not recorded as daily counts as weekly
    ("daily", {"glp1_escalation_phase": True}, "dose still being increased"),
    ("daily", {"aspiration_risk": True}, "another cause of slow stomach emptying"),
])
def test_a_higher_risk_patient_is_flagged_until_anesthesia_is_told(checklist, frequency, answers, reason):
    outcome = _glp1(checklist, frequency, **answers, glp1_anesthesia_informed=False)
    (finding,) = outcome.of("MED-03-glp1-risk")
    assert finding.severity == "warning" and outcome.hard == set()
    assert reason in finding.message and "anesthesia team has not been told" in finding.message
    assert "anesthesiologist" in finding.action.lower()
    assert finding.source_id == "GLP1-MS-2024:higher-risk" and "2024" in finding.citation
    told = _glp1(checklist, frequency, **answers)
    assert told.of("MED-03-glp1-risk") == [], told.summary()


@pytest.mark.parametrize(("diet", "flags", "said"), [
    ("followed", False, ""), ("not_followed", True, "advised, not followed"), ("not_advised", True, "not advised"),
])
def test_a_higher_risk_patient_keeps_the_24_h_liquid_diet(checklist, diet, flags, said):
    outcome = _glp1(checklist, "weekly", glp1_liquid_diet=diet)
    assert bool(outcome.of("MED-03-glp1-risk")) is flags, outcome.summary()
    if flags:
        (finding,) = outcome.of("MED-03-glp1-risk")
        assert "24 hours" in finding.message and said in finding.message
        assert finding.item_id == "glp1_liquid_diet"  # anesthesia was told: what is left is the diet


def test_gi_symptoms_are_a_stop_and_a_higher_risk(checklist):
    outcome = _glp1(checklist, "daily", glp1_gi_symptoms=True, glp1_anesthesia_informed=False)
    assert outcome.hard == {"MED-03-glp1-symptoms"}
    assert "stomach symptoms today" in outcome.of("MED-03-glp1-risk")[0].message


def test_a_site_can_drop_a_risk_factor_in_its_policy(checklist_with, policy):
    risk = policy.glp1.risk_based.model_copy(update={"higher_risk_when": ("dose_escalation", "gi_symptoms")})
    cl = checklist_with()
    cl.policy = policy.model_copy(update={"glp1": policy.glp1.model_copy(update={"risk_based": risk})})
    assert _glp1(cl, "weekly", glp1_anesthesia_informed=False).of("MED-03-glp1-risk") == []
    assert _glp1(cl, "weekly", glp1_escalation_phase=True, glp1_anesthesia_informed=False).of("MED-03-glp1-risk")


def test_the_new_glp1_questions_are_asked_only_on_a_glp1(checklist):
    asked = {"glp1_escalation_phase", "glp1_liquid_diet", "glp1_anesthesia_informed"}
    assert not asked & checklist().evaluation.visible_items
    outcome = checklist({"medications": [checklist.med("semaglutide", checklist.before(72), "weekly")],
                         "glp1_gi_symptoms": False})
    assert asked <= outcome.evaluation.visible_items
    assert {f.item_id for f in outcome.of("REQ-01-complete")} >= asked - {"glp1_anesthesia_informed"}


# --- GLP-1: ASA 2023 kept as a choice ---------------------------------------------------------------------


def test_under_asa_2023_the_risk_rule_is_silent_and_the_hold_window_applies(checklist_with):
    asa = checklist_with(glp1_approach="asa-2023")
    inside = _glp1(asa, "weekly", hours=167, glp1_escalation_phase=True, glp1_anesthesia_informed=False)
    assert {f.rule_id for f in inside.findings} == {"MED-03-glp1-hold"}, inside.summary()
    assert inside.of("MED-03-glp1-hold")[0].source_id == "ASA2023-GLP1:weekly"
    assert _glp1(asa, "weekly", hours=168).findings == ()


# --- Dose intensity (ASRA 2025 terms) and the drug-level override reason ------------------------------------


def _enoxaparin(checklist, intensity, frequency, hours, minutes=0):
    entry = checklist.med("enoxaparin", checklist.before(hours, minutes), frequency)
    if intensity:
        entry["dose_intensity"] = intensity
    return checklist({"medications": [entry]})


@pytest.mark.parametrize(("intensity", "frequency", "hours"), [
    ("low", "daily", 24), ("low", "bid", 12), ("high", "bid", 24), ("high", "daily", 48),
])
def test_enoxaparin_hold_follows_the_recorded_intensity(checklist, intensity, frequency, hours):
    short = _enoxaparin(checklist, intensity, frequency, hours, -1)
    (finding,) = short.of("MED-01-holds")
    assert finding.severity == "hard_stop" and f"{intensity} dose" in finding.message
    assert finding.source_id == f"SIR2019-HOLDS:enoxaparin:{intensity}"
    assert _enoxaparin(checklist, intensity, frequency, hours).of("MED-01-holds") == []


def test_enoxaparin_without_its_intensity_gets_the_longer_hold_and_a_question(checklist):
    outcome = _enoxaparin(checklist, None, "bid", 12)  # enough for a low dose, not for a high one
    by_severity = {f.severity: f for f in outcome.of("MED-01-holds")}
    assert set(by_severity) == {"hard_stop", "warning"}
    assert "Dose intensity" in by_severity["warning"].message and "record" in by_severity["warning"].action
    assert "2 doses" in by_severity["hard_stop"].message


def test_the_enoxaparin_intensity_terms_are_cited(policy):
    assert "low" in policy.sources["ASRA-RA-2025"].citation and "high" in policy.sources["ASRA-RA-2025"].citation
    assert policy.medicines["enoxaparin"].depends_on == "dose_intensity"


@pytest.mark.parametrize("agent", ["apixaban", "rivaroxaban", "dabigatran", "edoxaban"])
def test_a_documented_drug_level_is_a_named_override_reason_for_a_doac_hold(checklist, policy, agent):
    outcome = checklist({**checklist.crcl_patient(60), "medications": [checklist.med(agent, checklist.before(24),
                                                                                       "bid")]})
    (finding,) = outcome.of("MED-01-holds")
    reasons = policy.override_reasons_for(finding.rule_id, finding.source_id)
    assert [r.id for r in reasons] == ["drug_level"]
    assert "drug level" in reasons[0].label.lower() and reasons[0].source == "ASRA-RA-2025"


def test_no_drug_level_reason_for_other_holds(checklist, policy):
    outcome = checklist({"medications": [checklist.med("clopidogrel", checklist.before(24))]})
    (finding,) = outcome.of("MED-01-holds")
    assert policy.override_reasons_for(finding.rule_id, finding.source_id) == ()
    fever = checklist({"temperature": {"value": 38.5, "unit": "C"}}).of("INF-01-fever")[0]
    assert policy.override_reasons_for(fever.rule_id, fever.source_id) == ()


# --- Aspirin: the policy's row for why it is taken ---------------------------------------------------------


def _aspirin(checklist, reason, hours, minutes=0):
    entry = checklist.med("aspirin", checklist.before(hours, minutes))
    if reason:
        entry["aspirin_reason"] = reason
    return checklist({"medications": [entry]})


@pytest.mark.parametrize(("hours", "minutes", "severity"), [
    (71, 59, "hard_stop"), (72, 0, "warning"), (119, 59, "warning"), (120, 0, None),
])
def test_aspirin_for_primary_prevention_has_the_3_to_5_day_row(checklist, hours, minutes, severity):
    outcome = _aspirin(checklist, "primary_prevention", hours, minutes)
    assert outcome.severity("MED-01-holds") == severity, outcome.summary()


@pytest.mark.parametrize(("hours", "minutes", "severity"), [
    (71, 59, "hard_stop"), (72, 0, "warning"), (119, 59, "warning"), (120, 0, None),
])
def test_aspirin_for_secondary_prevention_is_held_unless_a_physician_decides(checklist, hours, minutes, severity):
    # A nurse's answer "secondary prevention" must not lift the hold: going ahead is the physician's override.
    outcome = _aspirin(checklist, "secondary_prevention", hours, minutes)
    assert outcome.severity("MED-01-holds") == severity, outcome.summary()
    if severity:
        (finding,) = outcome.of("MED-01-holds")
        assert finding.source_id == "SIR2019-HOLDS:aspirin:secondary_prevention" and finding.overridable
        assert "prescriber" in finding.message + finding.action


def test_aspirin_after_a_recent_stent_waits_for_cardiology(checklist):
    (finding,) = _aspirin(checklist, "recent_stent", 200).of("MED-01-holds")
    assert finding.severity == "hard_stop" and "cardiology" in finding.action.lower()
    assert "stent" in finding.message and finding.source_id == "SIR2019-HOLDS:aspirin:recent_stent"


def test_aspirin_without_its_reason_is_asked_and_gets_the_general_row(checklist):
    outcome = _aspirin(checklist, None, 200)  # past the general row: only the question remains
    (finding,) = outcome.of("MED-01-holds")
    assert finding.severity == "warning" and "Why aspirin is taken" in finding.message


@pytest.mark.parametrize(("hours", "minutes", "stops"), [(143, 59, True), (144, 0, False)])
def test_asra_holds_primary_prevention_aspirin_for_6_days(form, checklist_with, hours, minutes, stops):
    asra = checklist_with()
    asra.policy = load_policy_for(form, "asra-2018")
    outcome = _aspirin(asra, "primary_prevention", hours, minutes)
    assert (outcome.severity("MED-01-holds") == "hard_stop") is stops, outcome.summary()
    if stops:
        assert outcome.of("MED-01-holds")[0].source_id == "ASRA2018-HOLDS:aspirin:primary_prevention"


# --- Over-fasting advisory -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "minutes", "advises"), [(7, 59, False), (8, 0, False), (8, 1, True), (12, 0, True)])
def test_clear_liquids_stopped_more_than_8_h_before_is_advice(checklist, hours, minutes, advises):
    outcome = checklist({"last_clear_liquid": checklist.before(hours, minutes)})
    assert outcome.hard == set()
    assert outcome.severity("NPO-02-overfast") == ("warning" if advises else None), outcome.summary()
    if advises:
        (finding,) = outcome.of("NPO-02-overfast")
        assert finding.source_id == "OVERFAST-2025" and finding.unconfirmed
        assert "clock time" in finding.action and "2 h before the start" in finding.action


def test_none_since_midnight_before_a_morning_start_is_over_fasting(checklist):
    (finding,) = checklist({"last_clear_liquid": "none"}).of("NPO-02-overfast")
    assert "at least 8 h 30 min" in finding.message and "nothing after midnight" in finding.action


def test_the_over_fasting_threshold_is_the_policys(policy):
    rule = next(r for r in policy.rules if r.id == "NPO-02-overfast")
    assert rule.severity == "warning" and rule.parsed.advise_after_hours == 8 and rule.unconfirmed


# --- Pregnancy test as type, result and time ------------------------------------------------------------------

YOUNG_WOMAN = {"sex": "female", "date_of_birth": "1990-05-05", "pregnancy_determined_how": "Point-of-care hCG"}


def test_negative_test_needs_its_type(checklist):
    outcome = checklist({**YOUNG_WOMAN, "pregnancy_status": "test_negative",
                         "pregnancy_test_at": checklist.before(3)})
    assert [f.item_id for f in outcome.of("REQ-01-complete")] == ["pregnancy_test_type"]
    typed = checklist({**YOUNG_WOMAN, "pregnancy_status": "test_negative", "pregnancy_test_type": "serum",
                       "pregnancy_test_at": checklist.before(3)})
    assert typed.findings == (), typed.summary()


def test_a_stale_test_names_its_type(checklist):
    outcome = checklist({**YOUNG_WOMAN, "pregnancy_status": "test_negative", "pregnancy_test_type": "urine",
                         "pregnancy_test_at": checklist.before(72, 1)})
    assert "negative urine pregnancy test" in outcome.of("PREG-01-test")[0].message


@pytest.mark.parametrize("dob", ["1990-05-05", "1954-03-12"])
def test_an_unclear_result_is_its_own_stop_at_any_age(checklist, dob):
    outcome = checklist({**YOUNG_WOMAN, "date_of_birth": dob, "pregnancy_status": "test_inconclusive"})
    assert outcome.hard == {"PREG-01-inconclusive"}, outcome.summary()
    assert outcome.of("PREG-01-inconclusive")[0].source_id == "ACR-SPR-PREGNANCY"


# --- Bridging: advice, not a requirement (CHEST 2022) -------------------------------------------------------


def test_bridging_is_advice_citing_chest_2022(checklist):
    outcome = checklist({"medications": [checklist.med("warfarin", checklist.before(24 * 6))],
                         "thrombotic_risk_high": True})
    (finding,) = outcome.of("MED-02-bridging")
    assert finding.severity == "warning" and finding.source_id == "CHEST-2022"
    assert "not advised" in finding.message and "none is a valid answer" in finding.action
    decided = checklist({"medications": [checklist.med("warfarin", checklist.before(24 * 6))],
                         "thrombotic_risk_high": True, "bridging_plan": "No bridging (Dr. Mensah)"})
    assert decided.of("MED-02-bridging") == []


def test_a_field_for_other_entries_is_never_missing(form, checklist):
    """Why aspirin is taken is asked on aspirin entries only: if a form made it required, an apixaban entry
    would still not miss it (the completeness check honours the field's show_if)."""
    meds = form.item("medications")
    reason = meds.field("aspirin_reason")
    assert reason.show_if is not None and reason.show_if.holds({"agent": "aspirin"}.get)
    assert not reason.show_if.holds({"agent": "apixaban"}.get)
    required = reason.model_copy(update={"required": True})
    fields = tuple(required if f.id == "aspirin_reason" else f for f in meds.fields)
    strict_meds = meds.model_copy(update={"fields": fields})
    sections = tuple(s.model_copy(update={"items": tuple(strict_meds if i.id == "medications" else i for i in s.items)})
                     for s in form.sections)
    strict = form.model_copy(update={"sections": sections})
    from checklist_app.rules import evaluate_answers

    answers = checklist(
        {"medications": [checklist.med("apixaban", checklist.before(72), "bid"),
                         checklist.med("aspirin", checklist.before(200))]}).record.answer_values()
    missing = evaluate_answers(strict, answers, checklist.policy, checklist.start).missing_required
    assert missing == ("medications[1].aspirin_reason",)
