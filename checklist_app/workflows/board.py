"""Noticing what other workstations did: a background thread that polls the database's board stamp and
says this app is still running. No Qt.

Every ``interval`` seconds it reads ``store.board_stamp()`` (two tiny queries) and calls ``on_change`` when
it moved: a checklist created, an answer committed, a status changed, one signed, printed, opened, closed
or taken over anywhere. Polling, rather than PostgreSQL's LISTEN/NOTIFY, works the same on a shared SQLite
file and on a server, needs no connection kept aside, and within half a second meets "within a second".
Every ``heartbeat`` seconds it refreshes this app's checkouts, so others see it is alive; a checklist it
no longer holds (taken over) is also reported through ``on_change``. Callbacks run on the watcher's
thread: a Qt screen re-emits them as signals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from checklist_app.domain.errors import StorageError
from checklist_app.storage.checkouts import HEARTBEAT_SECONDS
from checklist_app.workflows.store import ChecklistStore

log = logging.getLogger(__name__)


class BoardWatcher:
    """Polls for changes made elsewhere; ``stop()`` it when the app closes."""

    def __init__(self, store: ChecklistStore, session_id: str, *, on_change: Callable[[], None],
                 on_error: Callable[[StorageError | None], None] | None = None, interval: float = 0.5,
                 heartbeat: float = HEARTBEAT_SECONDS) -> None:
        self.store, self.session_id = store, session_id
        self.on_change, self.on_error = on_change, on_error
        self.interval, self.heartbeat_every = interval, heartbeat
        self._stop = threading.Event()
        self._stamp: Any = None
        self._held: set[str] | None = None
        self._failing = False
        self._thread = threading.Thread(target=self._run, name="checklist-board", daemon=True)

    def start(self) -> None:
        """Start polling (the first stamp read is the baseline, not a change)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for the thread (at most one poll)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        next_beat = time.monotonic()
        while not self._stop.is_set():
            try:
                changed = self._poll()
                if time.monotonic() >= next_beat:
                    changed = self._beat() or changed
                    next_beat = time.monotonic() + self.heartbeat_every
                self._report(None)
            except StorageError as exc:  # the server is gone for now: say so once, keep polling
                self._report(exc)
                changed = False
            except Exception:  # a bug must not stop the heartbeat, or this app's holds would go stale
                log.exception("watching for changes elsewhere failed unexpectedly")
                changed = False
            if changed:
                self.on_change()
            self._stop.wait(self.interval)

    def _poll(self) -> bool:
        stamp = self.store.board_stamp()
        changed = self._stamp is not None and stamp != self._stamp
        self._stamp = stamp
        return changed

    def _beat(self) -> bool:
        held = self.store.heartbeat(self.session_id)
        lost = self._held is not None and bool(self._held - held)
        self._held = held
        return lost

    def _report(self, error: StorageError | None) -> None:
        if (error is not None) == self._failing:
            return
        self._failing = error is not None
        if error is not None:
            log.warning("watching for changes elsewhere failed: %s", error)
        if self.on_error is not None:
            self.on_error(error)
