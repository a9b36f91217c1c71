"""Start the app: logging, QApplication and theme, the excepthook, the database, the demo patient on a
fresh installation, sign-in (when staff accounts exist), the idle lock, and the worklist.
"""

from __future__ import annotations

import argparse
import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from checklist_app import storage
from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import messages, theme, unsaved
from checklist_app.ui.context import AppContext
from checklist_app.ui.controls import fit_to_screen
from checklist_app.ui.demo import seed_demo
from checklist_app.ui.idle_lock import IdleLock
from checklist_app.ui.store import ChecklistStore
from checklist_app.ui.worklist_window import WorklistWindow

log = logging.getLogger("checklist_app")


def setup_logging(data_dir: Path) -> Path:
    """Log to ``logs/app.log`` in the data folder (rotated; no patient data is ever logged)."""
    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "app.log"
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    messages.LOG_FILE["path"] = str(path)
    return path


def install_excepthook() -> None:
    """Any uncaught error is logged and shown as a friendly message; the app keeps running."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        messages.show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook


def start(options: argparse.Namespace) -> int:
    """Run the app until the worklist closes; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Checklist")
    app.setOrganizationName("checklist_app")
    theme.apply_theme(app)
    try:
        store = ChecklistStore.open()
    except ChecklistError as exc:
        title, what, advice = messages.error_texts(exc)
        QMessageBox.critical(None, title, f"{what}\n\n{advice}")
        return 1
    setup_logging(store.data_dir)
    install_excepthook()
    ctx = AppContext(store)
    if seed_demo(store, ctx.form, ctx.now().astimezone().date()):
        log.info("demo patient added to a new database")
    worklist = WorklistWindow(ctx)
    fit_to_screen(worklist)
    lock = IdleLock(ctx)
    if store.active_staff():
        lock.lock(sign_in=True)
        lock.hidden = [worklist]
    else:
        worklist.show()
    try:
        while True:
            status = app.exec()
            if unsaved.settle(ctx, None):
                return status
            # "Keep open": autosave still holds answers the database refused; quitting would lose them.
            log.warning("quit refused: answers not saved yet")
            shown = lock.screen if lock.locked and lock.screen is not None else worklist
            shown.show()
    finally:
        for widget in QApplication.topLevelWidgets():
            widget.close()
            widget.deleteLater()
        # Delete the windows while Qt is fully up, not in whatever order the interpreter exits in.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        try:
            ctx.close()
        except storage.StorageError as exc:
            print(f"Some changes could not be saved: {exc}", file=sys.stderr)
