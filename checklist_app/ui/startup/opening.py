"""Start the app: logging, QApplication and theme, the excepthook, the database, the demo patient on a
fresh installation, sign-in (when staff accounts exist), the idle lock, and the worklist.

Two steps, so that the first window is on screen before most of the app is even imported:

1. ``Opening.show_first_view``: the worklist with the rows read from the database file by plain ``sqlite3``
   (``first_view.read_first_view``), or, when staff accounts exist, the sign-in screen alone (no patient
   is read before someone signs in; the worklist is made behind it in step 2). Actions that need the open
   app are disabled and say "Opening...". A new installation has no file yet: its first view is the empty
   worklist. Its wording, procedure labels and facility name may come from the YAML files' JSON copies in
   the user cache folder (``cached_yaml``), which the user can edit: display only.
2. ``Opening.finish``, once that window has been painted: the database checked (quick_check), opened
   with SQLAlchemy and migrated (made, with the demo patient, on a new installation), every copy the first
   view used compared with its installed file (one that differs is written again and named in the log;
   the message catalogue is the installed file's from then on), the form, policies and site settings
   loaded from the installed files, the full AppContext; the windows then go live. A failure here is
   shown exactly as before (the same boxes), and the app ends with status 1.

``start`` runs step 2 right after step 1 (one step, as before) unless ``options.paint_first`` is set, as
``run_gui`` does for the real app; a server database (``$CHECKLIST_APP_DATABASE_URL``) always starts in
one step, since there is no file to read first.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from checklist_app.domain.errors import ChecklistError, DefinitionError, StorageError
from checklist_app.ui import messages, theme
from checklist_app.ui.controls import fit_to_screen
from checklist_app.ui.lock.idle_lock import LockScreen
from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows import messages as wording
from checklist_app.workflows.first_view import DATABASE_URL_ENV, FirstView, default_data_dir, read_first_view

if TYPE_CHECKING:
    from checklist_app.ui.context import AppContext
    from checklist_app.ui.lock.idle_lock import IdleLock

log = logging.getLogger("checklist_app")
FINISH_ANYWAY_MS = 2000  # step 2 starts by then even if the first window was never painted


def setup_logging(data_dir: Path) -> Path:
    """Log to ``logs/app.log`` in the data folder (rotated; no patient data is ever logged).

    Every log file begins with the app's version and build (a new file, and each one a rotation starts), and
    each start says it again, so every line can be traced to the software that wrote it.
    """
    from logging.handlers import RotatingFileHandler

    from checklist_app.version import describe

    class VersionedLog(RotatingFileHandler):
        def __init__(self) -> None:
            super().__init__(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            self.new_file = self._begin(f"{describe()} started")

        def doRollover(self) -> None:  # noqa: N802 - logging's name
            super().doRollover()
            self._begin(f"{describe()} (continued from the previous log file)")

        def _begin(self, text: str) -> bool:
            """Write ``text`` as the first line of a file still empty; True when it was."""
            if self.stream is None or self.stream.tell() > 0:
                return False
            self.stream.write(self.format(logging.makeLogRecord({"name": log.name, "levelno": logging.INFO,
                                                                 "levelname": "INFO", "msg": text})) + "\n")
            self.stream.flush()
            return True

    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "app.log"
    handler = VersionedLog()
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    if not handler.new_file:
        log.info("%s started", describe())
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
    from checklist_app.domain.site import SiteSettingsError

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


UNATTENDED = {"on": False}  # --exit-when-open: nobody is there to close a box


def critical(title: str, text: str) -> None:
    """A blocking error box before any window exists (tests replace this); printed when unattended."""
    if UNATTENDED["on"]:
        print(f"{title}: {text}", file=sys.stderr)
        return
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, title, text)


def show_startup_error(exc: BaseException, data_dir: Path | None = None) -> None:
    """Show why the app cannot start (unexpected errors are logged first, without their text)."""
    if not isinstance(exc, ChecklistError):
        messages.log_unexpected(exc)
    title, what, advice = startup_error_texts(exc, data_dir)
    critical(title, f"{what}\n\n{advice}")


class Opening:
    """The two steps of start-up (see the module docstring) and the windows they make."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.worklist: WorklistWindow | None = None
        self.screen: LockScreen | None = None  # the sign-in screen of the first view
        self.ctx: AppContext | None = None
        self.lock: IdleLock | None = None
        self.failed = False
        self.deferred = False  # True when finish() runs from the event loop, after the first paint
        self.finishing = False
        self.exit_when_open = False  # --exit-when-open: quit as soon as finish() has opened the app

    @property
    def first_window(self) -> QWidget | None:
        """The window on screen first (its ``painted`` signal says when)."""
        return self.screen or self.worklist

    def show_first_view(self, data_dir: Path) -> None:
        """Step 1: the worklist, or the sign-in screen in front of it, from the file read with sqlite3."""
        wording.paint_from_copy()  # until finish() has compared the copies with the installed files
        view = read_first_view(data_dir, datetime.now().astimezone())
        self._show(view)

    def _show(self, view: FirstView) -> None:
        if view.has_staff:  # the worklist is made behind it once the app is open (no patient data before)
            self.screen = LockScreen(None, sign_in=True, facility_name=view.facility_name)
            fit_to_screen(self.screen)
            self.screen.show()
        else:
            self.worklist = WorklistWindow(first_view=view)
            fit_to_screen(self.worklist)
            self.worklist.show()

    def finish_once(self) -> None:
        """``finish``, unless it has run (after the first paint, or from the fallback timer)."""
        if not self.finishing:
            self.finishing = True
            self.finish()

    def finish(self) -> None:
        """Step 2: open the database and the app; the windows go live (or the failure is shown)."""
        from checklist_app.ui.context import AppContext
        from checklist_app.ui.lock.idle_lock import IdleLock
        from checklist_app.workflows.demo import seed_demo
        from checklist_app.workflows.store import ChecklistStore

        try:
            store = ChecklistStore.open()
        except ChecklistError as exc:
            self._fail(exc, None)
            return
        setup_logging(store.data_dir)
        install_excepthook()
        wording.confirm_installed()  # after setup_logging: a copy found changed is named in the log file
        try:
            # Site settings, form and policies are read here: a broken file must be named on screen, not
            # end the app with status 1 and nothing shown.
            self.ctx = AppContext(store)
            if seed_demo(store, self.ctx.form, self.ctx.now().astimezone().date()):
                log.info("demo patient added to a new database")
            if self.worklist is None:
                self.worklist = WorklistWindow(self.ctx)
                fit_to_screen(self.worklist)
            else:
                self.worklist.attach(self.ctx)
        except Exception as exc:  # noqa: BLE001 (whatever it is, the user must see it)
            self._fail(exc, store.data_dir)
            try:
                (self.ctx if self.ctx is not None else store).close()
            except ChecklistError:
                pass  # nothing was typed yet; the error shown is the one that matters
            self.ctx = None
            return
        self.lock = IdleLock(self.ctx)
        if self.exit_when_open:
            log.info("open; exiting as asked (--exit-when-open)")
            QTimer.singleShot(0, self.app.quit)
        if store.active_staff():
            if self.screen is not None:
                self.lock.adopt(self.screen, [self.worklist])
            else:
                self.lock.lock(sign_in=True)
                self.lock.hidden = [self.worklist]
        else:
            self.worklist.show()
            if self.screen is not None:  # the accounts were removed meanwhile: nobody needs to sign in
                self.screen.close()
                self.screen.deleteLater()
                self.screen = None

    def _fail(self, exc: BaseException, data_dir: Path | None) -> None:
        self.failed = True
        wording.confirm_installed()  # the box's wording too comes from the installed file (a no-op if done)
        show_startup_error(exc, data_dir)
        for window in (self.screen, self.worklist):
            if window is not None:
                window.hide()
        if self.deferred:
            self.app.exit(1)


def _settle(ctx: AppContext) -> bool:
    from checklist_app.ui import unsaved  # its message box: not before the first paint

    return unsaved.settle(ctx, None)


def _first_view_shown(opening: Opening) -> bool:
    """Step 1; False (logged, nothing left on screen) when it failed unexpectedly: the one-step start then
    opens the app and shows whatever is wrong in its own words, as it always has."""
    opening.deferred = True
    try:
        opening.show_first_view(default_data_dir())
        return True
    except Exception as exc:  # noqa: BLE001 (a fast path must never be the reason the app does not open)
        messages.log_unexpected(exc)
        for window in (opening.screen, opening.worklist):
            if window is not None:
                window.hide()
                window.deleteLater()
        opening.screen = opening.worklist = None
        opening.deferred = False
        return False


def start(options: argparse.Namespace) -> int:
    """Run the app until the worklist closes; returns the exit status."""
    app = QApplication.instance() or theme.make_app(sys.argv[:1])
    app.setApplicationName("Checklist")
    app.setOrganizationName("checklist_app")
    theme.apply_theme(app)
    opening = Opening(app)
    opening.exit_when_open = UNATTENDED["on"] = bool(getattr(options, "exit_when_open", False))
    if getattr(options, "paint_first", False) and not os.environ.get(DATABASE_URL_ENV, "").strip() \
            and _first_view_shown(opening):
        first = opening.first_window
        # Queued after whatever the paint itself queued: the window is on screen before the heavy part starts.
        first.painted.connect(lambda: QTimer.singleShot(0, opening.finish_once))  # type: ignore[union-attr]
        # A window the system does not paint (minimised, a disconnected remote session) must still open.
        QTimer.singleShot(FINISH_ANYWAY_MS, opening.finish_once)
    else:
        opening.finish()
        if opening.failed:
            return 1
    try:
        while True:
            status = app.exec()
            if opening.failed:
                return 1
            ctx = opening.ctx
            if ctx is None or _settle(ctx):
                return status
            # "Keep open": autosave still holds answers the database refused; quitting would lose them.
            log.warning("quit refused: answers not saved yet")
            lock = opening.lock
            shown = lock.screen if lock is not None and lock.locked and lock.screen is not None else opening.worklist
            if shown is not None:
                shown.show()
    finally:
        if opening.lock is not None:  # the app is ending: nothing left to lock, no windows left to watch
            opening.lock.detach()
        for widget in QApplication.topLevelWidgets():
            widget.close()
            widget.deleteLater()
        # Delete the windows while Qt is fully up, not in whatever order the interpreter exits in.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        if opening.ctx is not None:
            try:
                opening.ctx.close()
            except StorageError as exc:
                print(f"Some changes could not be saved: {exc}", file=sys.stderr)
