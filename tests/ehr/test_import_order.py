"""The procedure's order fills the planned procedure and its levels, with the order's source and date, from the
shipped examples and from a Procedure in preparation; an order the form cannot read says which resource and
field and why, and fills what it safely can."""

from __future__ import annotations

import pytest
from importing_helpers import NOW, example, fresh_state, read, resource

from checklist_app.ehr.apply import apply_import, source_line


def test_the_apixaban_example_fills_the_procedure_and_level_with_the_orders_source_and_date() -> None:
    state = fresh_state()
    apply_import(state, read(example("okafor-apixaban-recent")), "rn1", NOW)
    answers = state.to_data()["answers"]
    assert answers["procedure_type"] == "kyphoplasty" and answers["levels"] == ["L1"]
    assert answers["scheduled_start"].startswith("2026-12-01T08:30")
    assert source_line(state, "scheduled_start").endswith(", 2026-11-18")  # dated by the order, like the others
    assert source_line(state, "procedure_type") == "From the EHR: Kyphoplasty (balloon) ordered, 2026-11-18"
    assert source_line(state, "levels") == "From the EHR: levels L1 ordered, 2026-11-18"
    assert state.sources["levels"]["resource"] == "ServiceRequest/sr-kyphoplasty-1"


@pytest.mark.parametrize(("words", "levels"), [("T12-L1", ["T12", "L1"]), ("T11 to T12", ["T11", "T12"]),
                                               ("T12\u2013L2", ["T12", "L1", "L2"]), ("L1, L3", ["L1", "L3"])])
def test_a_range_of_levels_is_filled_level_by_level(words: str, levels: list[str]) -> None:
    bundle = example("okafor-warfarin-stale-labs")
    resource(bundle, "ServiceRequest/sr-kyphoplasty-1")["bodySite"] = [{"text": words}]
    state = fresh_state()
    apply_import(state, read(bundle), "rn1", NOW)
    assert state.to_data()["answers"]["levels"] == levels


def test_a_procedure_in_preparation_is_read_like_an_order() -> None:
    bundle = example("okafor-apixaban-recent")
    order = resource(bundle, "ServiceRequest/sr-kyphoplasty-1")
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"] is not order]
    bundle["entry"].append({"resource": {
        "resourceType": "Procedure", "id": "proc-1", "status": "preparation",
        "subject": {"reference": "Patient/pat-204811"}, "code": {"text": "Percutaneous vertebroplasty"},
        "bodySite": [{"text": "T11 and T12"}], "performedDateTime": "2026-12-01T08:30:00Z"}})
    state = fresh_state()
    apply_import(state, read(bundle), "rn1", NOW)
    answers = state.to_data()["answers"]
    assert (answers["procedure_type"], answers["levels"]) == ("vertebroplasty", ["T11", "T12"])


@pytest.mark.parametrize(("change", "expected", "filled"), [
    ({"code": {"text": "Vertebral augmentation", "coding": [{"system": "http://snomed.info/sct", "code": "1234"}]}},
     "ServiceRequest/sr-kyphoplasty-1 code: SNOMED CT 1234 (Vertebral augmentation) names neither vertebroplasty "
     "nor kyphoplasty; the procedure is not filled", "levels"),
    ({"code": {"text": "Vertebroplasty or kyphoplasty"}},
     "names vertebroplasty and kyphoplasty; the procedure is not filled", "levels"),
    ({"bodySite": [{"text": "L7"}]},
     "ServiceRequest/sr-kyphoplasty-1 bodySite: names L7, not a level this checklist offers", "procedure_type"),
    ({"bodySite": [{"text": "lumbar spine"}]},
     "ServiceRequest/sr-kyphoplasty-1 bodySite: names no vertebral level", "procedure_type"),
    ({"status": "completed"}, "ServiceRequest/sr-kyphoplasty-1 status: is 'completed': not a planned procedure",
     None),
])
def test_an_order_the_form_cannot_read_is_reported_by_resource_and_field(change: dict, expected: str,
                                                                          filled: str | None) -> None:
    bundle = example("okafor-apixaban-recent")
    resource(bundle, "ServiceRequest/sr-kyphoplasty-1").update(change)
    typed = fresh_state(procedure_type="vertebroplasty") if filled == "levels" else fresh_state()
    result = read(bundle)
    apply_import(typed, result, "rn1", NOW)
    assert any(expected in line for line in result.problem_lines()), result.problem_lines()
    answers = typed.to_data()["answers"]
    if filled is not None:
        assert filled in answers  # what the order says clearly is still filled
    if filled == "levels":
        assert answers["procedure_type"] == "vertebroplasty"  # the nurse's answer is kept
    assert answers["inr"]["value"] == 1.1  # and the rest of the Bundle is used
