"""Findings appear the moment a value is typed and clear when it is corrected; each says what is wrong,
what to do and its source; clicking one goes to its item; sections show their state in icon and words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import wait_saved

from checklist_app.ui.checklist.findings_panel import FindingCard


def cards(window) -> list[FindingCard]:
    return [c for c in window.findings.cards if isinstance(c, FindingCard)]


def retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_wristband_mismatch_is_a_hard_stop_at_once_and_clears_when_corrected(qtbot, open_example):
    window = open_example("clean")
    assert window.view.status == "ready" and not cards(window)
    scan = window.pages[0].items["wristband_scan"]
    retype(qtbot, scan.edit, "MRN-204118")  # a scanner types the code and Enter
    assert [c.finding.rule_id for c in cards(window)] == ["ID-02-wristband"]
    card = cards(window)[0]
    assert "MRN-204118" in card.finding.message and "wrong patient" in card.finding.message
    assert "Re-check the patient's identity" in card.finding.action
    assert card.finding.source_id == "JC-NPSG-01"
    assert scan.finding.text.startswith("Hard stop: ")  # also shown under the field itself
    assert window.view.sections["identification"] == "hard_stop"
    assert "Hard stop" in window.section_list.item(0).text()  # the state in words, not colour alone
    assert window.banner.status_label.text() == "Hard stop"
    labels = [card.buttons.itemAt(i).widget().text() for i in range(card.buttons.count())]
    assert "Physician override..." not in labels  # a wrong wristband is fixed, never overridden
    retype(qtbot, scan.edit, "mrn-204811")  # case and spaces a scanner adds do not matter
    assert not cards(window) and scan.finding.text == ""
    assert window.view.sections["identification"] == "complete"


def test_fever_typed_in_fahrenheit_then_corrected(qtbot, open_example):
    window = open_example("clean")
    infection = [s.id for s in window.ctx.form.sections].index("infection")
    window.show_section(infection)
    temperature = window.pages[infection].items["temperature"]
    retype(qtbot, temperature.value_edit, "100.6 F")
    assert [c.finding.rule_id for c in cards(window)] == ["INF-01-fever"]
    retype(qtbot, temperature.value_edit, "98.2 F")
    assert not cards(window)


def test_apixaban_taken_too_late_shows_the_hold_and_saves_the_draft(qtbot, ctx, open_example):
    window = open_example("clean")
    meds = [s.id for s in window.ctx.form.sections].index("medications")
    window.show_section(meds)
    entry = window.pages[meds].items["medications"].select_entry(0)
    retype(qtbot, entry.fields["last_dose"].edit, "yesterday 20:00")
    found = [c.finding for c in cards(window)]
    assert [f.rule_id for f in found] == ["MED-01-holds"]
    assert "Apixaban" in found[0].message
    wait_saved(qtbot, ctx)
    saved = ctx.store.load_draft(window.state.record_id).data
    assert saved["answers"]["medications"][0]["last_dose"].startswith("2026-11-20T20:00")


def test_clicking_a_finding_goes_to_its_item(qtbot, open_example):
    window = open_example("warnings-only")
    ecg = next(c for c in cards(window) if c.finding.item_id == "ecg_done")
    assert ecg.finding.unconfirmed
    qtbot.mouseClick(ecg, Qt.MouseButton.LeftButton)
    cardiac = [s.id for s in window.ctx.form.sections].index("cardiac")
    assert window.current_index() == cardiac
    target = window.pages[cardiac].items["ecg_done"]
    assert target.isAncestorOf(QApplication.focusWidget())


def test_unconfirmed_sources_say_so_in_words(qtbot, open_example):
    window = open_example("warnings-only")
    card = next(c for c in cards(window) if c.finding.unconfirmed)
    assert any("UNCONFIRMED" in label.text() for label in card.findChildren(type(window.save_label)))


def test_show_if_applies_live(qtbot, open_example):
    window = open_example("clean")
    consent = [s.id for s in window.ctx.form.sections].index("consent")
    page = window.pages[consent]
    signed = page.items["consent_signed"]
    signed.first_focus().setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert page.items["consent_date"].isHidden() and page.items["consent_levels"].isHidden()
    assert [c.finding.rule_id for c in cards(window)] == ["CONS-01-unsigned"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y)
    assert not page.items["consent_date"].isHidden()
    assert page.items["consent_date"].value() is not None  # the earlier answer comes back


def test_missing_answers_are_counted_not_listed(qtbot, open_example):
    window = open_example("clean", weight_kg=None)
    assert window.view.missing == ("weight_kg",)
    missing = window.findings.findChild(type(window.findings.cards[-1]), "missing_card")
    assert missing is not None
    assert window.view.sections["labs"] == "in_progress"


def test_nothing_shouts_about_questions_not_reached_yet(qtbot, ctx, open_example):
    window = open_example("clean")
    for item_id in list(window.state.answers):
        window.state.set_answer(item_id, None)
    window.state.set_answer("patient_name", "Test, Patient")
    window.refresh()
    assert window.view.status == "draft"
    assert not cards(window)  # no "INR missing" before the labs section is started
    assert window.view.sections["identification"] == "in_progress"
    assert window.view.sections["labs"] == "not_started"
    assert window.view.sections["discharge_plan"] == "optional"  # nothing there is asked for
    assert window.view.sections["discharge_teaching"] == "not_started"  # the policy needs teach-back


def test_overrides_and_acknowledgements_are_said_not_hidden_as_no_problems(qtbot, open_example):
    from checklist_app.ui.signing.review_text import review_html

    window = open_example("overridden")
    overridden = [k for k, (kind, _) in window.statuses.items() if kind == "overridden"]
    assert overridden, "the example carries a physician override"
    summary = window.findings.summary.text()
    assert "overridden by a physician" in summary and summary != "No problems found so far."
    html = review_html(window.ctx.form, window.state.answers, window.evaluation, window.view, window.statuses)
    assert f"({len(overridden)} overridden by a physician)" in html
