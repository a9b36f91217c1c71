"""The autosaver: every change is saved within a second, in the background, without Qt.

The screen calls ``update(record_id, data, staff_id=...)`` on every change; that only copies the data
into memory. A worker thread saves it once typing pauses (``quiet``) or, while typing goes on, at most
``max_delay`` after the first unsaved change, so at most that much typing can be lost to a crash or a
``kill -9``. When a save fails (read-only folder, full disk, database locked) the latest state stays in
memory, ``error`` says why, and the save is retried every ``retry_interval`` until it succeeds or the
data is flushed by hand. ``on_saved``/``on_error`` run on the worker thread: a Qt screen should
re-emit them as signals rather than touch widgets there. To sign: ``flush()``, then ``sign(...)``, then
``forget(record_id)`` (a draft saved after signing would be refused as stale).

Saves carry the revision they build on: ``track(record_id, revision)`` says which draft revision the
screen read (0: none yet), and each save moves it on. A save the database refuses because the checklist
changed elsewhere meanwhile (saved, taken over, signed or discarded at another workstation: a
``DraftConflictError``) is not retried: its data is set aside in the database (checkouts.py), the record
is dropped from the queue, and ``on_error`` gets the conflict, so the screen can say so and offer the
answers back. Nothing typed is written over another's, and nothing typed is dropped.

``update(..., audit=False)`` is for text still being typed: it is saved as fast as any change, but not
recorded in the audit trail (see drafts.py). Coalesced updates are audited if any of them was (the OR of
their flags); the trail then records the state of the last audited update, and typing noted after it is
written unaudited just after it (a second, short transaction), so a fragment typed right after a commit
never reaches the trail.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_jsonable_python

from checklist_app.domain.errors import DraftConflictError, StorageError
from checklist_app.storage.checkouts import set_aside
from checklist_app.storage.database import Database
from checklist_app.storage.drafts import check_record_id, save_draft

log = logging.getLogger(__name__)

REFUSED = -1  # the revision of a record whose save was refused: no draft has it, so every later save is refused


@dataclass
class _Pending:
    data: dict[str, Any]
    staff_id: str
    base_version_id: int | None
    generation: int
    first_change: float  # monotonic time of the oldest change not yet being written
    last_change: float
    in_flight: int = -1  # the generation a save is currently writing
    # The data of the latest audited update not yet written (None: nothing to audit), and its generation.
    audited: dict[str, Any] | None = None
    audited_generation: int = -1
    conflict: DraftConflictError | None = None  # refused as stale; only setting the data aside remains


class Autosaver:
    """Debounced, retrying background saver of drafts; ``close()`` it (it flushes) when done."""

    def __init__(self, db: Database, *, quiet: float = 0.25, max_delay: float = 0.5,
                 retry_interval: float = 1.0, on_saved: Callable[[], None] | None = None,
                 on_error: Callable[[StorageError], None] | None = None, session_id: str | None = None) -> None:
        if not 0 < quiet <= max_delay <= 1.0:
            raise ValueError("need 0 < quiet <= max_delay <= 1 second")
        self.db = db
        self.quiet, self.max_delay, self.retry_interval = quiet, max_delay, retry_interval
        self.on_saved, self.on_error = on_saved, on_error
        self.session_id = session_id  # the running app: saves are refused while another app holds the record
        self._revisions: dict[str, int] = {}  # record -> the draft revision its next save builds on
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()  # one save at a time: worker and flush() never interleave
        self._pending: dict[str, _Pending] = {}
        self._error: StorageError | None = None
        self._retry_at: float | None = None
        self._closed = False
        # A daemon thread: an app that exits without close() must not hang; each save is a transaction,
        # so stopping between saves loses nothing already written.
        self._thread = threading.Thread(target=self._run, name="checklist-autosave", daemon=True)
        self._thread.start()

    def update(self, record_id: str, data: Mapping[str, Any], *, staff_id: str,
               base_version_id: int | None = None, audit: bool = True) -> None:
        """Note the record's latest state; it is copied now and saved shortly (see the module docstring).

        ``audit=False``: saved, but not recorded in the audit trail (text still being typed)."""
        check_record_id(record_id)
        plain = to_jsonable_python(dict(data))  # a copy: later edits to ``data`` do not leak in
        now = time.monotonic()
        with self._cond:
            if self._closed:
                raise RuntimeError("the autosaver is closed")
            entry = self._pending.get(record_id)
            if entry is None:
                entry = self._pending[record_id] = _Pending(plain, staff_id, base_version_id, 0, now, now)
                self._cond.notify_all()  # the worker may be waiting for nothing, or for a later moment
            else:
                # No wake-up: this change only moves the save later, and the worker looks again when it wakes.
                # Waking it on every keystroke would make it take the GIL in the middle of the key's screen update.
                if entry.in_flight == entry.generation:
                    entry.first_change = now  # the older state is being written; this change starts anew
                entry.data, entry.staff_id, entry.base_version_id = plain, staff_id, base_version_id
                entry.generation += 1
                entry.last_change = now
            if audit:
                entry.audited, entry.audited_generation = plain, entry.generation

    def track(self, record_id: str, revision: int) -> None:
        """Base the record's next saves on this draft revision (0: no draft existed when it was read)."""
        with self._cond:
            self._revisions[record_id] = revision

    def revision(self, record_id: str) -> int | None:
        """The draft revision the record's next save builds on (None: not tracked, saves unchecked)."""
        with self._cond:
            return self._revisions.get(record_id)

    def forget(self, record_id: str) -> dict[str, Any] | None:
        """Drop a record's unsaved state on purpose (it was signed or discarded); returns what was dropped."""
        with self._cond:
            entry = self._pending.pop(record_id, None)
            self._revisions.pop(record_id, None)
            if not self._pending:
                self._error, self._retry_at = None, None
            self._cond.notify_all()
        return entry.data if entry is not None else None

    def flush(self) -> None:
        """Save everything now (in the calling thread); raise the StorageError if something stays unsaved."""
        error = self._save_pending()
        if error is not None:
            raise error

    def close(self) -> None:
        """Stop the worker and flush; on a StorageError the data stays here and ``flush()`` may be retried."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()
        self.flush()

    def wait_until_saved(self, timeout: float) -> bool:
        """Block until nothing is unsaved (True) or ``timeout`` seconds pass (False). For tests and exit."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending, timeout)

    @property
    def error(self) -> StorageError | None:
        """Why the last save failed, or None once a save succeeds."""
        with self._cond:
            return self._error

    @property
    def has_unsaved(self) -> bool:
        """Whether some change is only in memory."""
        with self._cond:
            return bool(self._pending)

    def unsaved_data(self, record_id: str) -> dict[str, Any] | None:
        """The latest state of a record not yet saved, or None if everything is saved."""
        with self._cond:
            entry = self._pending.get(record_id)
            return entry.data if entry is not None else None

    def _due(self) -> float | None:
        if not self._pending:
            return None
        due = min(min(p.first_change + self.max_delay, p.last_change + self.quiet)
                  for p in self._pending.values())
        return max(due, self._retry_at) if self._retry_at is not None else due

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    due, now = self._due(), time.monotonic()
                    if due is not None and due <= now:
                        break
                    self._cond.wait(None if due is None else due - now)
                if self._closed:
                    return
            self._save_pending()

    def _save_pending(self) -> StorageError | None:
        with self._write_lock:
            with self._cond:
                batch = {}
                for record_id, entry in self._pending.items():
                    entry.in_flight = entry.generation
                    batch[record_id] = (entry.generation, entry.data, entry.audited, entry.staff_id,
                                        entry.base_version_id)
            error: StorageError | None = None
            conflicts: list[DraftConflictError] = []
            for record_id, (generation, data, audited, staff_id, base) in batch.items():
                try:
                    if self._conflicted(record_id) is None:
                        self._save_one(record_id, data, audited, staff_id, base)
                except DraftConflictError as exc:
                    with self._cond:
                        entry = self._pending.get(record_id)
                        if entry is not None:
                            entry.conflict = exc
                except StorageError as exc:
                    error = exc
                    continue
                except Exception as exc:  # a bug must not lose the draft either: keep it, report it
                    # The type only: an exception's text could quote the draft.
                    log.error("autosave failed unexpectedly (%s)", exc.__class__.__name__)
                    error = StorageError(f"Saving failed unexpectedly ({exc.__class__.__name__}). Your "
                                         f"changes are kept on screen; please tell IT.")
                    continue
                conflict = self._conflicted(record_id)
                if conflict is not None:
                    try:
                        self._set_aside(record_id, conflict)
                    except StorageError as exc:
                        error = exc  # retried: the answers stay here until they are kept somewhere
                    else:
                        conflicts.append(conflict)
                    continue
                with self._cond:
                    entry = self._pending.get(record_id)
                    if entry is not None and entry.generation == generation:
                        del self._pending[record_id]
                    elif entry is not None and entry.audited_generation <= generation:
                        entry.audited = None  # written; what came since is typing only
            with self._cond:
                for entry in self._pending.values():
                    entry.in_flight = -1
                self._error = error
                self._retry_at = time.monotonic() + self.retry_interval if error else None
                self._cond.notify_all()
        for conflict in conflicts:
            log.warning("autosave refused, the checklist changed elsewhere; the answers were set aside")
            if self.on_error:
                self.on_error(conflict)
        if error is not None:
            log.warning("autosave failed, will retry in %.1f s: %s", self.retry_interval, error)
            if self.on_error:
                self.on_error(error)
        elif batch and self.on_saved and not conflicts:
            self.on_saved()
        return error or (conflicts[0] if conflicts else None)

    def _save_one(self, record_id: str, data: dict[str, Any], audited: dict[str, Any] | None, staff_id: str,
                  base: int | None) -> None:
        for payload, audit in ((audited, True), (data if audited is not data else None, False)):
            if payload is None:
                continue  # the second: no typing noted after the last audited update
            with self._cond:
                based_on = self._revisions.get(record_id)
            draft = save_draft(self.db, record_id, payload, staff_id=staff_id, base_version_id=base, audit=audit,
                               based_on=based_on, session_id=self.session_id)
            with self._cond:
                if record_id in self._revisions:
                    self._revisions[record_id] = draft.revision

    def _conflicted(self, record_id: str) -> DraftConflictError | None:
        with self._cond:
            entry = self._pending.get(record_id)
            return entry.conflict if entry is not None else None

    def _set_aside(self, record_id: str, conflict: DraftConflictError) -> None:
        """Keep the refused answers in the database, then stop saving the record (see the module docstring)."""
        with self._cond:
            entry = self._pending.get(record_id)
            if entry is None:
                return
            data, staff_id, based_on = entry.data, entry.staff_id, self._revisions.get(record_id)
        set_aside(self.db, record_id, data, based_on=based_on, staff_id=staff_id)
        with self._cond:
            self._pending.pop(record_id, None)
            # Not forgotten: every later save of this record must be refused (and set aside) too, never
            # written unchecked over what changed elsewhere, until the screen reads the record again (track).
            self._revisions[record_id] = REFUSED
            self._cond.notify_all()
        log.info("answers set aside for %s after a conflict", record_id)
