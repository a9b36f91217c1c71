"""Lab limits (SIR 2019 high risk; chronic liver disease), missing results, result age, renal rules."""

import pytest


def _only(outcome, rule, severity):
    """``rule`` gives exactly one finding of ``severity`` (or none when severity is None)."""
    assert outcome.severity(rule) == severity, outcome.summary()


# --- INR and platelets, no liver disease ------------------------------------------------------------


@pytest.mark.parametrize("inr, stops", [(1.79, False), (1.8, False), (1.81, True), (2.1, True), (0.9, False)])
def test_inr_above_1_8_is_a_hard_stop(checklist, inr, stops):
    outcome = checklist({"inr": checklist.lab(inr, "ratio")})
    _only(outcome, "LAB-01-inr", "hard_stop" if stops else None)
    assert outcome.hard == ({"LAB-01-inr"} if stops else set())
    if stops:
        assert "at most 1.8" in outcome.of("LAB-01-inr")[0].message


@pytest.mark.parametrize("unit", ["x10^9/L", "x10^3/uL"])
@pytest.mark.parametrize("platelets, stops", [(51, False), (50, False), (49.9, True), (49, True), (12, True)])
def test_platelets_below_50_is_a_hard_stop(checklist, platelets, stops, unit):
    outcome = checklist({"platelets": checklist.lab(platelets, unit)})
    _only(outcome, "LAB-02-platelets", "hard_stop" if stops else None)
    assert outcome.hard == ({"LAB-02-platelets"} if stops else set())


@pytest.mark.parametrize("item, rule", [("inr", "LAB-01-inr-missing"), ("platelets", "LAB-02-platelets-missing")])
def test_missing_inr_or_platelets_is_a_hard_stop(checklist, item, rule):
    outcome = checklist(remove=[item])
    assert outcome.hard == {rule}, outcome.summary()
    (finding,) = outcome.of(rule)
    assert finding.item_id == item


def test_missing_haemoglobin_is_a_warning(checklist):
    outcome = checklist(remove=["hemoglobin"])
    assert outcome.hard == set()
    assert outcome.warnings == {"LAB-03-hemoglobin-missing"}


# --- Chronic liver disease --------------------------------------------------------------------------


def _liver(checklist, **labs):
    changes = {"liver_disease": True, "fibrinogen": checklist.lab(250, "mg/dL")}
    for item, (value, unit) in labs.items():
        changes[item] = checklist.lab(value, unit)
    return checklist(changes)


def test_liver_disease_with_normal_labs_gives_nothing(checklist):
    outcome = _liver(checklist)
    assert outcome.findings == (), outcome.summary()


@pytest.mark.parametrize("inr, stops", [(2.0, False), (2.49, False), (2.5, True), (2.6, True)])
def test_liver_disease_inr_must_be_below_2_5(checklist, inr, stops):
    outcome = _liver(checklist, inr=(inr, "ratio"))
    assert outcome.hard == ({"LAB-05-liver-inr"} if stops else set()), outcome.summary()
    # The ordinary INR limit (1.8) does not apply with liver disease.
    assert "LAB-01-inr" not in outcome.hard


@pytest.mark.parametrize("platelets, stops", [(45, False), (31, False), (30.1, False), (30, True), (29, True)])
def test_liver_disease_platelets_must_be_above_30(checklist, platelets, stops):
    outcome = _liver(checklist, platelets=(platelets, "x10^9/L"))
    assert outcome.hard == ({"LAB-05-liver-platelets"} if stops else set()), outcome.summary()
    assert "LAB-02-platelets" not in outcome.hard


@pytest.mark.parametrize("value, unit, stops", [
    (101, "mg/dL", False), (100.1, "mg/dL", False), (100, "mg/dL", True), (80, "mg/dL", True),
    (1.01, "g/L", False), (1.0, "g/L", True),
])
def test_liver_disease_fibrinogen_must_be_above_100(checklist, value, unit, stops):
    outcome = _liver(checklist, fibrinogen=(value, unit))
    assert outcome.hard == ({"LAB-05-liver-fibrinogen"} if stops else set()), outcome.summary()


def test_liver_disease_without_fibrinogen_is_a_warning(checklist):
    outcome = checklist({"liver_disease": True})
    assert outcome.hard == set()
    assert outcome.warnings == {"LAB-05-fibrinogen-missing"}


def test_fibrinogen_is_ignored_without_liver_disease(checklist):
    outcome = checklist({"fibrinogen": checklist.lab(50, "mg/dL")})
    assert outcome.findings == (), outcome.summary()
    assert "fibrinogen" not in outcome.evaluation.visible_items


# --- Result age, counted to the procedure date ------------------------------------------------------


AGED = [("inr", "ratio", 1.1, "LAB-01-inr-age"), ("platelets", "x10^9/L", 212, "LAB-02-platelets-age"),
        ("creatinine", "mg/dL", 0.9, "LAB-04-creatinine-age")]


@pytest.mark.parametrize("item, unit, value, rule", AGED, ids=[a[0] for a in AGED])
@pytest.mark.parametrize("taken, warns", [("2026-11-02", False), ("2026-11-01", False), ("2026-10-31", True)],
                         ids=["29-days", "30-days", "31-days"])
def test_results_older_than_30_days_warn(checklist, item, unit, value, rule, taken, warns):
    outcome = checklist({item: checklist.lab(value, unit, taken)})  # start 2026-12-01
    assert outcome.hard == set()
    assert outcome.warnings == ({rule} if warns else set()), outcome.summary()


def test_result_age_counts_to_the_procedure_date_not_today(checklist):
    # 2026-11-01 is 20 days before "now" (2026-11-21) but 31 days before a 2026-12-02 start.
    changes = {"inr": checklist.lab(1.1, "ratio", "2026-11-01"), "scheduled_start": "2026-12-02T08:30",
               "last_clear_liquid": "2026-12-02T06:00"}  # as close to the later start as to clean.json's
    outcome = checklist(changes)
    assert outcome.warnings == {"LAB-01-inr-age"}, outcome.summary()
    assert "31 days" in outcome.of("LAB-01-inr-age")[0].message
    same_start = checklist({"inr": checklist.lab(1.1, "ratio", "2026-11-01")})
    assert same_start.warnings == set()


def test_result_age_with_no_start_counts_to_today(checklist):
    outcome = checklist({"inr": checklist.lab(1.1, "ratio", "2026-10-21")}, remove=["scheduled_start"])
    assert "LAB-01-inr-age" in outcome.warnings  # 31 days before 2026-11-21
    outcome = checklist({"inr": checklist.lab(1.1, "ratio", "2026-10-22")}, remove=["scheduled_start"])
    assert "LAB-01-inr-age" not in outcome.warnings


# --- Same-day INR on warfarin ------------------------------------------------------------------------


def _warfarin(checklist, inr_date, now):
    changes = {"medications": [checklist.med("warfarin", checklist.before(24 * 6))],
               "thrombotic_risk_high": False, "inr": checklist.lab(1.2, "ratio", inr_date)}
    return checklist(changes, now=now)


def test_warfarin_with_an_inr_from_the_procedure_day_passes(checklist):
    outcome = _warfarin(checklist, "2026-12-01", now="2026-12-01T07:00")
    assert outcome.findings == (), outcome.summary()


def test_warfarin_with_yesterdays_inr_warns(checklist):
    outcome = _warfarin(checklist, "2026-11-30", now="2026-12-01T07:00")
    assert outcome.hard == set()
    assert outcome.warnings == {"LAB-01-inr-warfarin"}, outcome.summary()
    assert "2026-12-01" in outcome.of("LAB-01-inr-warfarin")[0].message


def test_same_day_inr_is_only_asked_for_warfarin(checklist):
    outcome = checklist({"inr": checklist.lab(1.1, "ratio", "2026-11-20")})
    assert "LAB-01-inr-warfarin" not in outcome.warnings


def test_warfarin_high_clot_risk_without_a_bridging_plan_warns(checklist):
    base = {"medications": [checklist.med("warfarin", checklist.before(24 * 6))],
            "inr": checklist.lab(1.2, "ratio", "2026-12-01")}
    outcome = checklist({**base, "thrombotic_risk_high": True}, now="2026-12-01T07:00")
    assert outcome.warnings == {"MED-02-bridging"}
    planned = checklist({**base, "thrombotic_risk_high": True, "bridging_plan": "Enoxaparin bridge, Dr X"},
                        now="2026-12-01T07:00")
    assert planned.warnings == set()


# --- Kidney function ---------------------------------------------------------------------------------
# CKD-EPI 2021 for the clean patient (woman of 72): creatinine 1.778 mg/dL gives 30.005 (shown 30.0), 1.779 gives
# 29.985 (shown 29.9): derived values are truncated to 0.1, so what is shown is what decides.


def _ckd_epi_2021(age, female, scr):
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    egfr = 142 * min(scr / kappa, 1) ** alpha * max(scr / kappa, 1) ** -1.2 * 0.9938 ** age
    return egfr * 1.012 if female else egfr


@pytest.mark.parametrize("scr, egfr, warns", [(1.778, 30.0, False), (1.779, 29.9, True), (2.5, None, True)])
def test_egfr_below_30_warns(checklist, scr, egfr, warns):
    outcome = checklist({"creatinine": checklist.lab(scr, "mg/dL"), "medications": []})
    exact = _ckd_epi_2021(72, True, scr)
    assert exact - 0.1 < outcome.derived["egfr"] <= exact
    if egfr is not None:
        assert outcome.derived["egfr"] == egfr
    assert outcome.hard == set()
    assert outcome.warnings == ({"LAB-04-egfr"} if warns else set()), outcome.summary()


def test_egfr_for_a_known_example():
    # Published worked value: man of 50 with creatinine 1.0 mg/dL has an eGFR of about 92 (CKD-EPI 2021).
    assert _ckd_epi_2021(50, False, 1.0) == pytest.approx(92, abs=0.5)


def test_egfr_matches_the_published_formula_for_a_man(checklist):
    outcome = checklist({**checklist.crcl_patient(80, 1.3), "medications": []})
    assert outcome.derived["egfr"] == pytest.approx(_ckd_epi_2021(68, False, 1.3), abs=0.05)


@pytest.mark.parametrize("scr, contrast, on_metformin, warns", [
    (1.779, True, True, True),
    (1.778, True, True, False),
    (1.779, False, True, False),
    (1.779, True, False, False),
])
def test_metformin_with_contrast_and_egfr_below_30(checklist, scr, contrast, on_metformin, warns):
    meds = [checklist.med("metformin", checklist.before(12), "bid")] if on_metformin else []
    outcome = checklist({"creatinine": checklist.lab(scr, "mg/dL"), "medications": meds,
                         "contrast_planned": contrast})
    assert ("MED-04-metformin" in outcome.warnings) is warns, outcome.summary()
    assert outcome.hard == set()


@pytest.mark.parametrize("agent", ["apixaban", "rivaroxaban", "dabigatran", "edoxaban", "fondaparinux"])
def test_missing_creatinine_is_a_hard_stop_on_doacs_and_fondaparinux(checklist, agent):
    outcome = checklist({"medications": [checklist.med(agent, checklist.before(24 * 10))]}, remove=["creatinine"])
    assert outcome.hard == {"LAB-04-creatinine-missing"}, outcome.summary()


def test_missing_creatinine_without_a_doac_is_not_a_stop(checklist):
    outcome = checklist({"medications": [checklist.med("clopidogrel", checklist.before(24 * 10))]},
                        remove=["creatinine"])
    assert outcome.hard == set()
    assert outcome.derived["crcl"] is None and outcome.derived["egfr"] is None


def test_abnormal_white_cell_count_warns(checklist):
    outcome = checklist({"wbc": checklist.lab(15.2, "x10^9/L"), "wbc_abnormal": True})
    assert outcome.warnings == {"LAB-06-wbc"}
    assert checklist({"wbc": checklist.lab(7, "x10^9/L"), "wbc_abnormal": False}).findings == ()

