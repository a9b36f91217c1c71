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
from checklist_app.domain.errors import ChecklistError, DefinitionError
from checklist_app.domain.site import SiteSettingsError
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


def startup_error_texts(exc: BaseException, data_dir: Path | None = None) -> tuple[str, str, str]:
    """(title, what happened, what to do) for an error that keeps the app from starting.

    The general advice ("open Settings to correct it") cannot be followed when the app does not start,
    so a broken settings, form or policy file gets advice that names the file and how to get going again.
    """
    title, what, advice = messages.error_texts(exc)
    if isinstance(exc, DefinitionError):
        path = Path(exc.path)
        if isinstance(exc, SiteSettingsError) and data_dir is not None and path.parent == Path(data_dir):
            advice = (f"Correct {path} as described above, or move that file out of the data folder to go back to "
                      f"the shipped settings (then set them again in Settings); then start the app again. Ask the "
                      f"site administrator if you are not sure.")
        else:
            advice = (f"Ask the site administrator to correct or restore {path}; the app cannot start until the "
                      f"file is fixed.")
    return title, what, advice


def critical(title: str, text: str) -> None:
    """A blocking error box before any window exists (tests replace this)."""
    QMessageBox.critical(None, title, text)


def show_startup_error(exc: BaseException, data_dir: Path | None = None) -> None:
    """Show why the app cannot start (unexpected errors are logged first, without their text)."""
    if not isinstance(exc, ChecklistError):
        messages.log_unexpected(exc)
    title, what, advice = startup_error_texts(exc, data_dir)
    critical(title, f"{what}\n\n{advice}")


def start(options: argparse.Namespace) -> int:
    """Run the app until the worklist closes; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Checklist")
    app.setOrganizationName("checklist_app")
    theme.apply_theme(app)
    try:
        store = ChecklistStore.open()
    except ChecklistError as exc:
        show_startup_error(exc)
        return 1
    setup_logging(store.data_dir)
    install_excepthook()
    ctx: AppContext | None = None
    try:
        # Site settings, form and policies are read here: a broken file must be named on screen, not
        # end the app with status 1 and nothing shown.
        ctx = AppContext(store)
        if seed_demo(store, ctx.form, ctx.now().astimezone().date()):
            log.info("demo patient added to a new database")
        worklist = WorklistWindow(ctx)
    except Exception as exc:  # noqa: BLE001 (whatever it is, the user must see it)
        show_startup_error(exc, store.data_dir)
        try:
            (ctx if ctx is not None else store).close()
        except ChecklistError:
            pass  # nothing was typed yet; the error shown is the one that matters
        return 1
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
