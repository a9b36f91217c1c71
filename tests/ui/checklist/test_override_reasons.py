"""A physician overriding a DOAC hold can pick the policy's named reason (a documented drug level); the
reason written into the override is that reason, which they may still add to. Other hard stops offer none."""

from __future__ import annotations

from test_actions import card_for, click, drive
from ui_helpers import PHYSICIAN, PINS

from checklist_app.ui.checklist.override_dialog import OverrideDialog


def test_a_doac_hold_offers_the_drug_level_reason_and_records_it(qtbot, open_example, monkeypatch):
    window = open_example("hard-anticoagulant-hold")  # apixaban, CrCl below 50
    offered = []

    def fill(dialog):
        offered.extend(dialog.reason_choice.itemText(i) for i in range(dialog.reason_choice.count()))
        qtbot.keyClicks(dialog.id_edit, PHYSICIAN)
        qtbot.keyClicks(dialog.pin_edit, PINS[PHYSICIAN])
        dialog.reason_choice.setCurrentIndex(1)
        qtbot.keyClicks(dialog.reason_edit, "; apixaban level 18 ng/mL at 06:00")

    monkeypatch.setattr(OverrideDialog, "ask", drive(qtbot, fill))
    click(qtbot, card_for(window, "MED-01-holds"), "Physician override")
    assert offered[0] == "Type the reason below" and "drug level" in offered[1].lower()
    (override,) = window.state.overrides
    assert override.reason == f"{offered[1]}; apixaban level 18 ng/mL at 06:00"


def test_a_fever_offers_no_named_reason(qtbot, open_example, monkeypatch):
    window = open_example("hard-fever")
    seen = []
    monkeypatch.setattr(OverrideDialog, "ask", drive(qtbot, lambda d: seen.append(d.reason_choice)))
    click(qtbot, card_for(window, "INF-01-fever"), "Physician override")
    assert seen == [None]
