"""The checklist window's way in from the chart: a "From the EHR" button (import a FHIR Bundle file, or pull
from the server by the MRN or the scanned wristband), the source line under each answer filled from the
chart, and the side-by-side of a pull again.

``install(window)`` adds all of it to a checklist window; the work itself is Qt-free (``checklist_app.ehr``):
this module asks, shows and saves. Pulled answers are saved like typed ones (audited autosave) and the audit
trail gets an ``imported`` event naming the source, the resources and what was filled. The libraries
(fhir.resources, httpx) are imported only when the nurse imports.

Reading (the server's searches, or a Bundle file and its validation) runs on a worker thread: a slow EHR
must not freeze the checklist. Meanwhile the window says "Asking the EHR..." beside a Cancel button and the
nurse may go on working. The worker touches no widget and emits no Qt signal: it hands its result to
``AppContext._post`` (``chart_pulled``), and the result is applied on the GUI thread to the answers as they
are then, so nothing typed meanwhile is overwritten. A cancelled read's result is dropped when it arrives.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLayout, QMenu, QPushButton, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import controls, messages

SHORTCUT = "Ctrl+Shift+E"
log = logging.getLogger(__name__)


def install(window: Any) -> ChartImport:
    """Give a checklist window its 'From the EHR' button, shortcut and source lines."""
    importer = ChartImport(window)
    window.chart_import = importer
    return importer


@dataclass
class Reading:
    """One read from the chart under way on a worker thread."""

    waiting_text: str
    cancelled: bool = False
    outcome: Any = None  # the ImportResult, or the ChecklistError that refused it
    done: threading.Event = field(default_factory=threading.Event)


class ChartImport(QObject):
    """What one checklist window does with the chart (a child of the window: its connection to the app's
    ``chart_pulled`` ends with the window)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.lines: dict[str, QLabel] = {}
        self.reading: Reading | None = None
        self.button = QPushButton("From the &EHR", window)
        self.button.setAccessibleName("From the EHR")
        self.button.setToolTip(f"Fill answers from the hospital's chart ({SHORTCUT}); each shows where it came from")
        menu = QMenu(self.button)
        menu.addAction("Import a FHIR Bundle file...", self.import_file)
        menu.addAction("Pull from the EHR server (by MRN)...", self.pull)
        self.button.setMenu(menu)
        self.waiting_label = controls.label("", role="help", name="Reading from the EHR")
        self.cancel_button = controls.button("Cance&l", self.cancel, name="Cancel reading from the EHR")
        row = _layout_holding(window.centralWidget().layout(), window.close_button)
        if row is not None:
            for widget in (self.waiting_label, self.cancel_button, self.button):
                row.insertWidget(row.indexOf(window.close_button), widget)
        self.waiting_label.hide()
        self.cancel_button.hide()
        window.ctx.chart_pulled.connect(self._on_read)
        self.button.setVisible(window.holds_draft)
        QShortcut(QKeySequence(SHORTCUT), window, self.button.showMenu)
        for page in window.pages:
            page.answer_changed.connect(lambda *_: self.show_sources())
        self.show_sources()

    # --- the source lines ---------------------------------------------------------------------------
    def show_sources(self) -> None:
        """Under each answer from the chart: 'From the EHR: INR 1.1, 2026-11-28' (or that it was changed)."""
        from checklist_app.ehr.apply import source_line

        state = self.window.state
        texts: dict[str, list[str]] = {}
        for key in state.sources:
            line = source_line(state, key)
            if line:
                texts.setdefault(key.split("#", 1)[0], []).append(line)
        for item_id in set(self.lines) | set(texts):
            lines = texts.get(item_id)
            label = self.lines.get(item_id)
            if label is None and lines:
                widget = self._item_widget(item_id)
                if widget is None:
                    continue
                label = self.lines[item_id] = controls.label("", role="help", name="Source")
                label.setObjectName(f"source_{item_id}")
                widget.layout().addWidget(label)
            if label is not None:
                label.setText(_joined(lines or []))
                label.setVisible(bool(lines))

    def _item_widget(self, item_id: str) -> QWidget | None:
        for page in self.window.pages:
            if item_id in page.items:
                return page.items[item_id]
        return None

    # --- importing ----------------------------------------------------------------------------------
    def import_file(self) -> None:
        """Ask for a Bundle file and import it."""
        path = self.ask_file(self.window)
        if path is None:
            return
        from checklist_app.ehr.fhir_import import read_bundle, read_bundle_file

        self._run(lambda form, index, mrn_system, today: read_bundle(
            read_bundle_file(path), form, index, origin=f"FHIR Bundle file {path.name}", mrn_system=mrn_system,
            today=today), f"Reading {path.name}...")

    def pull(self) -> None:
        """Ask for the MRN (the checklist's, or a wristband scan) and pull from the server."""
        from checklist_app.ehr.import_model import ImportRefused
        from checklist_app.ehr.pull import pull_patient, pull_source

        answers = self.window.state.answers
        mrn = self.ask_mrn(self.window, str(answers.get("wristband_scan") or answers.get("mrn") or ""))
        if not mrn:
            return
        try:
            source = pull_source()
        except ChecklistError as exc:
            messages.show_message(self.window, "Nothing was filled", str(exc), icon=messages_warning())
            return
        if source is None:
            messages.show_message(self.window, "Nothing was filled", str(ImportRefused(
                "No EHR server is set up for this site; an administrator sets it in Settings, Chart "
                "connection.")), icon=messages_warning())
            return
        self._run(lambda form, index, _mrn_system, today: pull_patient(source, mrn, form, index, today=today),
                  "Asking the EHR...")

    def _run(self, read: Any, waiting_text: str) -> None:
        """Start ``read`` on a worker thread; its result is applied by ``_on_read`` on the GUI thread."""
        from checklist_app.ehr.codes import CodeIndex
        from checklist_app.ehr.export_config import systems

        if self.reading is not None:
            return  # one read at a time; the Cancel button is there for the one under way
        window = self.window
        ctx = window.ctx
        form, index, mrn_system, today = ctx.form, CodeIndex.build(ctx.form, window.policy), systems().mrn, \
            ctx.now().date()
        reading = self.reading = Reading(waiting_text)
        self._show_waiting(reading)

        def work() -> None:
            try:
                reading.outcome = read(form, index, mrn_system, today)
            except ChecklistError as exc:
                reading.outcome = exc
            except Exception as exc:  # a bug must still end the wait, in words, with the trace in the log
                log.exception("reading from the chart failed")
                reading.outcome = ChecklistError(f"Reading from the EHR failed unexpectedly ({type(exc).__name__}); "
                                                 "nothing was filled. The details are in the log.")
            reading.done.set()
            ctx._post("chart_pulled", reading)

        threading.Thread(target=work, name="chart-read", daemon=True).start()

    def cancel(self) -> None:
        """Stop waiting: whatever the read brings back later is dropped, nothing is filled."""
        if self.reading is not None:
            self.reading.cancelled = True
            self.reading = None
        self._show_waiting(None)

    def _show_waiting(self, reading: Reading | None) -> None:
        self.waiting_label.setText(reading.waiting_text if reading else "")
        self.waiting_label.setVisible(reading is not None)
        self.cancel_button.setVisible(reading is not None)
        self.button.setEnabled(reading is None)

    def _on_read(self, reading: Reading) -> None:
        """On the GUI thread: a read finished; fill from it unless it was cancelled or is another window's."""
        if reading is not self.reading or reading.cancelled:
            return
        self.reading = None
        self._show_waiting(None)
        if not self.window.isVisible():
            return  # closed while the EHR was asked: the checklist is no longer being worked on here
        if isinstance(reading.outcome, ChecklistError):
            messages.show_message(self.window, "Nothing was filled", str(reading.outcome), icon=messages_warning())
            return
        self._apply(reading.outcome)

    def _apply(self, result: Any) -> None:
        from checklist_app.ehr.apply import apply_import, resolve
        from checklist_app.ehr.importing import audit_details

        window = self.window
        ctx, state = window.ctx, window.state
        now = ctx.now()
        try:
            applied = apply_import(state, result, ctx.user_id(), now)
        except ChecklistError as exc:
            messages.show_message(window, "Nothing was filled", str(exc), icon=messages_warning())
            return
        chosen: dict[str, bool] = {}
        if applied.differences:
            chosen = self.ask_choices(window, applied.differences) or {}
            resolve(state, applied.differences, chosen, ctx.user_id(), now)
        for page in window.pages:
            page.set_answers(state.answers)
        window.record_changed()
        _log(ctx, state.record_id, audit_details(result, applied, chosen))
        self.show_sources()
        messages.show_message(window, "Filled from the EHR", _summary(result, applied, chosen),
                              "\n".join(result.problem_lines()[:40]))

    # --- questions (classmethods, so tests answer them without a modal) ---------------------------------
    @classmethod
    def ask_file(cls, parent: QWidget) -> Path | None:
        """The Bundle file to import, or None."""
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(parent, "Import a FHIR Bundle", "", "FHIR JSON (*.json)")
        return Path(name) if name else None

    @classmethod
    def ask_mrn(cls, parent: QWidget, suggested: str) -> str | None:
        """The MRN to pull for (typed or scanned), or None."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(parent, "Pull from the EHR", "MRN (type it or scan the wristband):",
                                        text=suggested)
        return text.strip() if ok and text.strip() else None

    @classmethod
    def ask_choices(cls, parent: QWidget, differences: list[Any]) -> dict[str, bool] | None:
        """Per difference, True to take the chart's value; None when cancelled (then nothing is taken)."""
        from PySide6.QtWidgets import QDialog

        from checklist_app.ui.checklist.pull_again_dialog import PullAgainDialog

        dialog = PullAgainDialog(differences, parent)
        return dialog.choices() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _layout_holding(layout: QLayout | None, widget: QWidget) -> Any:
    """The (nested) box layout that holds ``widget``, or None."""
    if layout is None:
        return None
    if layout.indexOf(widget) >= 0:
        return layout
    for n in range(layout.count()):
        found = _layout_holding(layout.itemAt(n).layout(), widget)
        if found is not None:
            return found
    return None


def _joined(lines: list[str]) -> str:
    if len(lines) == 1:
        return lines[0]
    return "From the EHR: " + "; ".join(line.removeprefix("From the EHR: ") for line in lines)


def _summary(result: Any, applied: Any, chosen: dict[str, bool]) -> str:
    taken = sum(1 for v in chosen.values() if v)
    parts = [f"{len(applied.filled)} answers filled from {result.origin}"]
    if taken:
        parts.append(f"{taken} changed to the EHR's value")
    if result.problems:
        parts.append(f"{len(result.problems) + result.more_problems} things not used (below)")
    return "; ".join(parts) + ". Check each one as you go through the checklist."


def _log(ctx: Any, record_id: str, details: dict[str, Any]) -> None:
    from checklist_app import storage

    storage.log_event(ctx.store.db, "imported", staff_id=ctx.user_id(), record_id=record_id, details=details)


def messages_warning() -> Any:
    """The warning icon of a message box."""
    from PySide6.QtWidgets import QMessageBox

    return QMessageBox.Icon.Warning
