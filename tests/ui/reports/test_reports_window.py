"""The Reports window: opened from the worklist by an administrator only, its figures and charts on a
database with checklists signed for real, saving the PDF and the CSV files, and nothing of it loaded at
start-up."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from signed_record import sign_example
from ui_helpers import ADMIN, NURSE, PINS

from checklist_app.ui.reports import NO_ADMIN
from checklist_app.ui.reports.window import ReportsWindow
from checklist_app.ui.settings.credentials_dialog import CredentialsDialog
from checklist_app.ui.worklist.window import WorklistWindow

ROOT = Path(__file__).resolve().parents[3]


def test_the_worklist_opens_reports_for_an_admin_only(qtbot, ctx, monkeypatch):
    refusals = []

    def ask(cls, parent, title, intro, verify):
        try:
            verify(NURSE, PINS[NURSE])
        except Exception as exc:  # noqa: BLE001 (the nurse's refusal is what we look at)
            refusals.append(str(exc))
        return verify(ADMIN, PINS[ADMIN])

    monkeypatch.setattr(CredentialsDialog, "ask", classmethod(ask))
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    qtbot.mouseClick(worklist.reports_button, Qt.MouseButton.LeftButton)
    window = worklist.reports_window
    assert isinstance(window, ReportsWindow) and window.isVisible()
    assert "admin" in refusals[0]
    # Opened on the last whole month before the app's today (2026-11-21).
    assert (window.report.first_day, window.report.last_day) == (date(2026, 10, 1), date(2026, 10, 31))
    window.close()


def test_without_an_admin_account_it_says_how_to_add_one(qtbot, bare_ctx, monkeypatch):
    shown = []
    monkeypatch.setattr("checklist_app.ui.messages.show_message",
                        lambda parent, title, body, *a, **k: shown.append(body))
    worklist = WorklistWindow(bare_ctx)
    qtbot.addWidget(worklist)
    worklist.reports_button.click()
    assert shown == [NO_ADMIN] and getattr(worklist, "reports_window", None) is None


@pytest.fixture
def signed_window(qtbot, ctx, staffed_dir):
    sign_example(staffed_dir, "clean")
    sign_example(staffed_dir, "hard-inr", override="INR re-checked by the lab, 1.3 at 06:50")
    window = ReportsWindow(ctx.store.db, site="Test Clinic", default_policy="sir-2019", today=date.today())
    qtbot.addWidget(window)
    window.show()
    window.show_range(date.today(), date.today())
    return window


def test_the_figures_charts_and_tables_show_what_was_signed(qtbot, signed_window):
    window = signed_window
    assert window.figures["started"][1].text() == "2"
    assert window.figures["cleared"][1].text() == "2"
    assert window.figures["not_cleared"][1].text() == "0"
    assert window.figures["overrides"][1].text() == "1"
    assert window.physicians_table.rowCount() == 1 and "md.signer" in window.physicians_table.item(0, 0).text()
    assert window.nurses_table.item(0, 1).text() == "2"
    assert "not available yet" in window.note_label.text() and "No patient is named" in window.note_label.text()
    qtbot.waitUntil(lambda: window.outcomes_chart.image() is not None)
    image = window.outcomes_chart.image()
    assert image.width() > 300 and image.height() > 80
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.stops_chart.image() is not None)


def test_save_pdf_and_csv(qtbot, signed_window, tmp_path, monkeypatch):
    window = signed_window
    monkeypatch.setattr(ReportsWindow, "ask_pdf_path", staticmethod(lambda parent, suggested: tmp_path / suggested))
    monkeypatch.setattr(ReportsWindow, "ask_csv_folder", staticmethod(lambda parent: tmp_path / "csv"))
    window.pdf_button.click()
    window.csv_button.click()
    today = date.today()
    assert (tmp_path / f"unit-report-{today}-to-{today}.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "csv" / "summary.csv").exists() and not (tmp_path / "csv" / "deferred_patients.csv").exists()
    assert "Saved the CSV files" in window.statusBar().currentMessage()


def test_start_up_does_not_load_the_reports():
    code = ("import sys; import checklist_app.ui.worklist.window; "
            "print(sorted(m for m in sys.modules if m.startswith(('checklist_app.ui.reports', 'reportlab.graphics', "
            "'checklist_app.workflows.reports'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_range_ending_before_it_starts_is_refused_in_the_windows_words(qtbot, signed_window, monkeypatch):
    shown = []
    monkeypatch.setattr("checklist_app.ui.messages.show_error", lambda parent, exc: shown.append(str(exc)))
    before = signed_window.report
    signed_window.show_range(date(2026, 11, 5), date(2026, 11, 1))
    assert shown and shown[0].startswith("To: 2026-11-01 is before From (2026-11-05)")
    assert signed_window.report is before  # the figures shown stay those of the last good range
