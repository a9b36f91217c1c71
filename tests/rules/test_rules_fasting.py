"""Fasting intervals (ASA): each intake type exactly at its minimum, and one minute either side."""

import pytest

FASTING = [
    # item, rule, minimum hours (ASA 2017/2023 as in the clinical reference, section 2.1)
    ("last_clear_liquid", "NPO-01-clear", 2),
    ("last_light_meal", "NPO-01-light", 6),
    ("last_milk", "NPO-01-milk", 6),
    ("last_fatty_meal", "NPO-01-fatty", 8),
]


def test_the_clean_record_has_no_findings(checklist):
    outcome = checklist()
    assert outcome.findings == (), outcome.summary()
    assert outcome.evaluation.cleared


@pytest.mark.parametrize("item, rule, hours", FASTING, ids=[f[1] for f in FASTING])
@pytest.mark.parametrize("offset_min, stops", [(0, False), (-1, True), (1, False), (-60, True)],
                         ids=["exactly", "1-min-short", "1-min-over", "1-h-short"])
def test_fasting_boundary(checklist, item, rule, hours, offset_min, stops):
    # Every other intake "none" so only this one can flag; clear liquids 3 h before (not over-fasted).
    changes = {i: "none" for i, _, _ in FASTING}
    changes["last_clear_liquid"] = checklist.before(3)
    changes[item] = checklist.before(hours, minutes=offset_min)
    outcome = checklist(changes)
    assert outcome.hard == ({rule} if stops else set()), outcome.summary()
    assert outcome.warnings == set()
    if stops:
        (finding,) = outcome.of(rule)
        assert finding.item_id == item
        assert finding.source_id == "ASA-FASTING"


def test_clear_liquid_2h00_passes_1h59_fails_with_the_times_in_the_message(checklist):
    ok = checklist({"last_clear_liquid": "2026-12-01T06:30"})
    assert "NPO-01-clear" not in ok.hard
    late = checklist({"last_clear_liquid": "2026-12-01T06:31"})
    (finding,) = late.of("NPO-01-clear")
    assert finding.severity == "hard_stop"
    assert "1 h 59 min" in finding.message and "2 h" in finding.message
    assert "8:31 AM" in finding.action  # the earliest start that would meet the minimum


@pytest.mark.parametrize("item", [f[0] for f in FASTING])
def test_none_since_midnight_passes_for_a_0830_start(checklist, item):
    outcome = checklist({item: "none"})
    assert not {r for _, r, _ in FASTING} & (outcome.hard | outcome.warnings)


@pytest.mark.parametrize(("start", "item", "stops"), [
    ("2026-12-01T07:00", "last_fatty_meal", True),    # midnight is only 7 h before: 8 h needed
    ("2026-12-01T08:00", "last_fatty_meal", False),   # exactly 8 h
    ("2026-12-01T05:59", "last_light_meal", True),    # 6 h needed
    ("2026-12-01T06:00", "last_light_meal", False),
])
def test_none_since_midnight_counts_from_midnight(checklist, start, item, stops):
    """'none since before midnight' cannot prove 8 h before a 07:00 start."""
    outcome = checklist({"scheduled_start": start, item: "none", "last_clear_liquid": "2026-12-01T01:00"})
    rule = {"last_fatty_meal": "NPO-01-fatty", "last_light_meal": "NPO-01-light"}[item]
    assert (rule in outcome.hard) is stops, outcome.summary()
    if stops:
        (finding,) = outcome.of(rule)
        assert "none since before midnight" in finding.message and "enter that time" in finding.action


def test_intake_at_the_start_itself_is_a_stop(checklist):
    outcome = checklist({"last_fatty_meal": checklist.before(0)})
    assert outcome.hard == {"NPO-01-fatty"}


def test_local_only_hides_the_fasting_section_so_no_fasting_finding(checklist):
    recent = {item: checklist.before(0, 10) for item, _, _ in FASTING}
    sedated = checklist({**recent, "sedation_type": "moderate_sedation"})
    assert sedated.hard == {r for _, r, _ in FASTING}
    local = checklist({**recent, "sedation_type": "local_only"})
    assert local.findings == (), local.summary()
    assert not {i for i, _, _ in FASTING} & local.evaluation.visible_items


@pytest.mark.parametrize("sedation", ["moderate_sedation", "mac", "general"])
def test_every_sedation_type_checks_fasting(checklist, sedation):
    outcome = checklist({"sedation_type": sedation, "last_clear_liquid": checklist.before(1)})
    assert "NPO-01-clear" in outcome.hard
