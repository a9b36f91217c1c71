"""What every window shares: a ``workflows.Session`` (the store, the form and policies, the site settings,
the clock and who is signed in) plus the Qt signals that tell windows when any of these change.

Autosave, the board watcher, the chart sender and a pull from the chart run on worker threads. Their
callbacks never emit a Qt signal from there: they put a note in a thread-safe queue, which a timer on the GUI
thread empties every 50 ms, emitting the signal there. So no widget is touched from a worker, and no Qt signal is
emitted from a Python thread.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from checklist_app import storage
from checklist_app.domain.errors import DatabaseUnavailableError, DraftConflictError
from checklist_app.domain.form import FormDefinition
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore

log = logging.getLogger(__name__)


class AppContext(QObject, Session):
    """Shared state of one running app, with signals."""

    user_changed = Signal()
    site_changed = Signal()
    saved = Signal()
    save_failed = Signal(str)
    records_changed = Signal()  # a checklist was created, signed or its status changed
    save_conflict = Signal(str, str)  # record id, why: it changed elsewhere; autosave set the answers aside
    board_changed = Signal()  # something changed at another workstation (or another app on this one)
    server_trouble = Signal(str)  # why the database cannot be reached now; "" once it can again
    chart_export = Signal()  # an export to the chart was delivered or failed (re-emitted from the sender's thread)
    chart_pulled = Signal(object)  # a read from the chart (server pull, Bundle file) finished on its worker thread

    def __init__(self, store: ChecklistStore, *, clock: Callable[[], datetime] | None = None,
                 form: FormDefinition | None = None) -> None:
        super().__init__(store=store, clock=clock, form=form)  # QObject passes these on to Session
        self.idle_lock: Any = None  # set by ui.lock.idle_lock.IdleLock
        self._chart_sender: Any = None  # ehr.sender.ChartSender, when this workstation exports to the chart
        self._from_workers: deque[tuple[str, tuple[Any, ...]]] = deque()  # (signal name, arguments)
        self._worker_timer = QTimer(self, interval=50, timeout=self._emit_from_workers)
        self._worker_timer.start()

    def _post(self, signal: str, *args: Any) -> None:
        """Emit ``signal`` on the GUI thread: now when called there, else at the timer's next turn."""
        if threading.current_thread() is threading.main_thread():
            getattr(self, signal).emit(*args)
        else:
            self._from_workers.append((signal, args))

    def _emit_from_workers(self) -> None:
        while self._from_workers:
            signal, args = self._from_workers.popleft()
            getattr(self, signal).emit(*args)

    def set_user(self, member: storage.StaffMember | None) -> None:
        """Change who is signed in, and tell the windows."""
        super().set_user(member)
        self.user_changed.emit()

    def reload_site(self) -> None:
        """Re-read the site settings after the Settings dialog saved them, and tell the windows."""
        super().reload_site()
        self.site_changed.emit()

    def on_saved(self) -> None:
        self._post("saved")

    def on_save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DraftConflictError):
            self._post("save_conflict", exc.record_id, str(exc))
            return
        self._post("save_failed", str(exc))
        if isinstance(exc, DatabaseUnavailableError):
            self._post("server_trouble", str(exc))

    def on_board_changed(self) -> None:
        self._post("board_changed")

    def on_board_error(self, exc: BaseException | None) -> None:
        self._post("server_trouble", "" if exc is None else str(exc))

    def send_to_chart(self) -> None:
        """Deliver the outbox to the chart in the background, when this workstation has a destination (README,
        "Exchanging with the chart"). The sender runs no Qt: its callback only emits ``chart_export``. Imported
        here, after the window is up: the sender's libraries load only when it first sends."""
        if self._chart_sender is not None or not storage.outbox.configured_kinds():
            return  # nothing to send to: not even the sender's modules are imported
        from checklist_app.ehr.export_config import ExportConfigError
        from checklist_app.ehr.sender import ChartSender

        try:
            sender = ChartSender.configured(self.store.db, on_result=lambda _outcome: self._post("chart_export"))
        except ExportConfigError as exc:  # exports stay queued; the worklist shows them waiting
            log.warning("not sending to the chart: %s", exc)
            return
        if sender.kinds:
            self._chart_sender = sender
            sender.start()

    def close(self) -> None:
        if self._chart_sender is not None:
            self._chart_sender.stop()
        super().close()
