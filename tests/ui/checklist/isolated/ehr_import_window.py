"""The checklist window's 'From the EHR': importing the shipped Bundle fills the answers, each with its source
line under it ('From the EHR: INR 1.1, 2026-11-28'), saves them and records 'imported'; a pull with a
different INR asks side by side, 'keep mine' keeps the typed value and is not asked again after the
checklist is reopened; another patient's Bundle fills nothing and says why. A pull from a slow server runs on
a worker thread: the window keeps processing events and says "Asking the EHR..." with Cancel, and the answers
arrive; a cancelled pull fills nothing. The window is grabbed to PNG after the import (tests look at the labs
page a nurse sees).

Run in a fresh process by ``tests/ui/checklist/test_ehr_import_fresh_process.py``: reads reach the window
from a worker thread (see ``tests/ui/worklist/test_in_fresh_process.py`` for why)."""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from ui_helpers import NURSE, wait_saved

from checklist_app.domain.timeutil import aware
from checklist_app.ui.checklist import ehr_import
from checklist_app.ui.checklist.ehr_import import ChartImport

ROOT = Path(__file__).resolve().parents[4]
EXAMPLES = ROOT / "forms" / "examples" / "fhir"
sys.path.insert(0, str(ROOT / "tests" / "ehr"))
import fhir_server  # noqa: E402 (the EHR tests' FHIR server on localhost)

MORNING = aware(datetime(2026, 11, 30, 16, 0))  # the afternoon before the procedure


@pytest.fixture
def morning_ctx(qapp, staffed_dir, monkeypatch):
    from checklist_app.ui import theme
    from checklist_app.ui.context import AppContext
    from checklist_app.workflows.store import ChecklistStore

    monkeypatch.setenv("CHECKLIST_APP_FHIR_MRN_SYSTEM", "http://hospital.example.org/mrn")
    theme.apply_theme(qapp)
    context = AppContext(ChecklistStore.open(staffed_dir), clock=lambda: MORNING)
    context.set_user(context.store.staff(NURSE))
    yield context
    context.close()


@pytest.fixture
def shown(monkeypatch):
    said: list[tuple[str, str, str]] = []
    monkeypatch.setattr(ehr_import.messages, "show_message",
                        lambda parent, title, body, detail="", **_kw: said.append((title, body, detail)))
    return said


def _open(qtbot, ctx, answers: dict):
    from checklist_app.ui.checklist.window import ChecklistWindow
    from checklist_app.workflows.checklist_state import ChecklistState

    data = {"schema_version": 1, "record_id": "okafor-ehr", "form_id": ctx.form.id, "form_version": ctx.form.version,
            "policy_id": "sir-2019", "created_by": NURSE, "created_at": MORNING.isoformat(), "answers": answers}
    draft = ctx.store.load_draft("okafor-ehr")
    if draft is None:
        ctx.store.save_draft("okafor-ehr", data, NURSE)
    else:
        data = draft.data
    state, _ = ChecklistState.from_data(ctx.form, data, fallback_staff=NURSE, now=MORNING, policy_id="sir-2019")
    window = ChecklistWindow(ctx, state)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _finished(qtbot, window) -> None:
    """Wait until the read on its worker thread has been applied in the window."""
    qtbot.waitUntil(lambda: window.chart_import.reading is None, timeout=15000)


def _labs(window) -> None:
    window.show_section([s.id for s in window.ctx.form.sections].index("labs"), focus=False)


def test_import_fills_answers_with_their_source_line_saves_and_audits(qtbot, morning_ctx, shown, monkeypatch,
                                                                      tmp_path):
    window = _open(qtbot, morning_ctx, {"mrn": "MRN-204811", "patient_name": "Okafor, Grace Adaeze"})
    monkeypatch.setattr(ChartImport, "ask_file", classmethod(lambda cls, parent: EXAMPLES /
                                                              "okafor-apixaban-recent.json"))
    window.chart_import.import_file()
    _finished(qtbot, window)
    assert window.state.to_data()["answers"]["inr"] == {"value": 1.1, "unit": "ratio", "date": "2026-11-28"}
    _labs(window)
    line = window.findChild(type(window.save_label), "source_inr")
    assert line is not None and line.isVisible() and line.text() == "From the EHR: INR 1.1, 2026-11-28"
    meds = window.findChild(type(window.save_label), "source_medications")
    assert meds.text().startswith("From the EHR: apixaban, 5 mg, 2026-11-28; metformin, 500 mg")
    title, body, detail = shown[-1]
    assert title == "Filled from the EHR" and body.startswith("14 answers filled from FHIR Bundle file")
    assert "MedicationStatement/ms-atorvastatin" in detail
    wait_saved(qtbot, morning_ctx)
    saved = morning_ctx.store.load_draft("okafor-ehr").data
    assert saved["sources"]["inr"]["resource"] == "Observation/inr-20261128"
    from checklist_app.storage import list_events

    [event] = [e for e in list_events(morning_ctx.store.db, "okafor-ehr") if e.event_type == "imported"]
    assert event.details["source"] == "FHIR Bundle file okafor-apixaban-recent.json"
    assert "inr" in event.details["filled"]
    qtbot.waitExposed(window)
    picture = tmp_path / "ehr-import-labs.png"
    assert window.grab().save(str(picture))
    if Path("/tmp").is_dir():
        window.grab().save("/tmp/ehr-import-labs.png")


def test_pull_again_asks_side_by_side_and_keeps_mine_after_reopening(qtbot, morning_ctx, shown, monkeypatch,
                                                                     tmp_path):
    window = _open(qtbot, morning_ctx, {"mrn": "MRN-204811"})
    monkeypatch.setattr(ChartImport, "ask_file", classmethod(lambda cls, parent: EXAMPLES /
                                                              "okafor-apixaban-recent.json"))
    window.chart_import.import_file()
    _finished(qtbot, window)
    _labs(window)
    page = window.pages[window.stack.currentIndex()]
    page.answer_changed.emit("inr", {"value": 1.3, "unit": "ratio", "date": date(2026, 11, 30)})  # as typed
    assert window.findChild(type(window.save_label), "source_inr").text() == \
        "Changed here; the EHR had INR 1.1 (2026-11-28)"
    changed = json.loads((EXAMPLES / "okafor-apixaban-recent.json").read_text())
    inr = next(e["resource"] for e in changed["entry"] if e["resource"]["id"] == "inr-20261128")
    inr.update(effectiveDateTime="2026-11-30T09:00:00Z", meta={"versionId": "2"})
    inr["valueQuantity"]["value"] = 1.2
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(changed))
    monkeypatch.setattr(ChartImport, "ask_file", classmethod(lambda cls, parent: newer))
    asked: list[list[str]] = []

    def keep_mine(cls, parent, differences):
        asked.append([d.key for d in differences])
        return {d.key: False for d in differences}

    monkeypatch.setattr(ChartImport, "ask_choices", classmethod(keep_mine))
    window.chart_import.import_file()
    _finished(qtbot, window)
    assert asked == [["inr"]] and window.state.answers["inr"]["value"] == 1.3
    wait_saved(qtbot, morning_ctx)
    window.close()
    reopened = _open(qtbot, morning_ctx, {})
    reopened.chart_import.import_file()
    _finished(qtbot, reopened)
    assert asked == [["inr"]]  # the same chart version is not asked again
    assert reopened.state.answers["inr"]["value"] == 1.3


def test_another_patients_bundle_fills_nothing_and_says_why(qtbot, morning_ctx, shown, monkeypatch):
    window = _open(qtbot, morning_ctx, {"mrn": "MRN-204811"})
    before = window.state.to_data()["answers"]
    monkeypatch.setattr(ChartImport, "ask_file", classmethod(lambda cls, parent: EXAMPLES /
                                                              "lindqvist-other-patient.json"))
    window.chart_import.import_file()
    _finished(qtbot, window)
    title, body, _ = shown[-1]
    assert title == "Nothing was filled" and body.startswith("This is another patient")
    assert window.state.to_data()["answers"] == before and not window.state.sources


def test_the_side_by_side_shows_both_values_keeps_mine_by_default_and_takes_what_is_chosen(qtbot):
    from PySide6.QtWidgets import QLabel, QRadioButton

    from checklist_app.ehr.apply import Difference
    from checklist_app.ehr.import_model import Proposal
    from checklist_app.ui.checklist.pull_again_dialog import PullAgainDialog

    source = {"resource": "Observation/inr-2", "version": "2", "observed": "2026-12-01", "text": "INR 1.2"}
    differences = [
        Difference("inr", "INR", {"value": 1.3, "unit": "ratio", "date": "2026-11-30"},
                   {"value": 1.2, "unit": "ratio", "date": "2026-12-01"}, Proposal("inr", "inr", {}, source)),
        Difference("weight_kg", "Weight", 70.0, 68.0, Proposal("weight_kg", "weight_kg", 68.0, {
            **source, "resource": "Observation/wt", "text": "Weight 68 kg", "observed": "2026-11-28"})),
    ]
    dialog = PullAgainDialog(differences)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert {"INR", "1.3, ratio, 2026-11-30", "INR 1.2 (2026-12-01)", "Weight 68 kg (2026-11-28)"} <= set(texts)
    assert dialog.choices() == {"inr": False, "weight_kg": False}
    [take] = [b for b in dialog.groups["weight_kg"].buttons() if isinstance(b, QRadioButton) and "new" in b.text()]
    take.click()
    assert dialog.choices() == {"inr": False, "weight_kg": True}


@pytest.fixture
def slow_server(monkeypatch, tmp_path):
    from checklist_app.ehr import export_config, pull
    from checklist_app.storage import outbox

    with fhir_server.running() as server:
        server.load(json.loads((EXAMPLES / "okafor-apixaban-recent.json").read_text()))
        server.search_delay = 0.4  # seven searches: about three seconds for the whole pull
        token = tmp_path / "token"
        token.write_text("bearer-for-the-test\n")
        monkeypatch.delenv(outbox.FHIR_BASE_URL_ENV, raising=False)
        monkeypatch.setenv(pull.IMPORT_URL_ENV, server.url)
        monkeypatch.setenv(export_config.FHIR_TOKEN_FILE_ENV, str(token))
        yield server


def test_a_pull_from_a_slow_ehr_runs_beside_the_window_which_keeps_working(qtbot, morning_ctx, shown, monkeypatch,
                                                                          slow_server):
    from PySide6.QtCore import QTimer

    window = _open(qtbot, morning_ctx, {"mrn": "MRN-204811"})
    monkeypatch.setattr(ChartImport, "ask_mrn", classmethod(lambda cls, parent, suggested: suggested))
    asked: list[list[str]] = []
    monkeypatch.setattr(ChartImport, "ask_choices", classmethod(
        lambda cls, parent, differences: asked.append([d.key for d in differences]) or {}))
    ticks: list[float] = []
    timer = QTimer(interval=20, timeout=lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    window.chart_import.pull()
    returned = time.monotonic()
    importer = window.chart_import
    assert returned - started < 0.3  # the GUI thread did not wait for the server
    assert importer.waiting_label.isVisible() and importer.waiting_label.text() == "Asking the EHR..."
    assert importer.cancel_button.isVisible() and not importer.button.isEnabled()
    assert "inr" not in window.state.answers
    # The nurse types meanwhile: the window takes it, and the pull keeps it.
    window.pages[0].answer_changed.emit("patient_name", "Okafor, Grace")
    _finished(qtbot, window)
    timer.stop()
    took = time.monotonic() - started
    assert took > 2.0  # the server was slow indeed
    during = [t for t in ticks if t < started + took - 0.2]
    gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
    assert len(during) > 40 and max(gaps) < 0.5  # events processed all along: never frozen for long
    answers = window.state.to_data()["answers"]
    assert answers["inr"] == {"value": 1.1, "unit": "ratio", "date": "2026-11-28"}
    assert answers["patient_name"] == "Okafor, Grace" and answers["levels"] == ["L1"]
    assert asked == [["patient_name"]]  # the chart's longer name is offered, not put over the typed one
    assert not importer.waiting_label.isVisible() and importer.button.isEnabled()
    title, body, _ = shown[-1]
    assert title == "Filled from the EHR" and f"from FHIR {slow_server.url}" in body


def test_a_cancelled_pull_fills_nothing_when_its_answer_arrives(qtbot, morning_ctx, shown, monkeypatch, slow_server):
    window = _open(qtbot, morning_ctx, {"mrn": "MRN-204811"})
    monkeypatch.setattr(ChartImport, "ask_mrn", classmethod(lambda cls, parent, suggested: suggested))
    window.chart_import.pull()
    reading = window.chart_import.reading
    window.chart_import.cancel_button.click()
    assert not window.chart_import.waiting_label.isVisible() and window.chart_import.button.isEnabled()
    assert reading.done.wait(15)  # the server answered in the end...
    qtbot.wait(200)  # ...and the GUI thread's timer has handed it over
    assert reading.outcome is not None and "inr" not in window.state.answers and not shown
