"""A workstation as a separate process, for the tests with several workstations on one database.

``edit URL NAME SECONDS``: reads the draft ``r1``, adds an answer of its own (``NAME_<n>``) and saves it based
on the revision it read, as fast as it can for SECONDS; prints JSON: the answers it committed, and how many
saves were refused because the other workstation saved first (or the database was busy).

``type URL NAME [SECONDS]``: types into ``r1`` through an autosaver holding it (the production debounce), one
keystroke every 20 ms, printing ``ready`` first; stops when autosave reports a conflict (the record was
signed or taken over elsewhere) or after SECONDS (default 20), closes the autosaver (which saves what is
left, retrying for up to 10 s if the database is out of reach), and prints JSON: the last keystroke typed,
the conflict's message and whether it was a signing, and the other errors reported meanwhile.
"""

from __future__ import annotations

import json
import sys
import threading
import time

from checklist_app.domain.errors import DatabaseBusyError, DraftConflictError, StorageError
from checklist_app.storage import Autosaver, load_draft, open_database, save_draft


def edit(url: str, name: str, seconds: float) -> None:
    db = open_database(url, workstation=name, busy_timeout=5)
    committed: list[str] = []
    refused = busy = 0
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        draft = load_draft(db, "r1")
        assert draft is not None
        n += 1
        answers = {**draft.data["answers"], f"{name}_{n}": n}
        try:
            save_draft(db, "r1", {**draft.data, "answers": answers}, staff_id=name, based_on=draft.revision)
        except DraftConflictError:
            refused += 1
            continue
        except DatabaseBusyError:
            busy += 1
            continue
        committed.append(f"{name}_{n}")
    db.close()
    print(json.dumps({"committed": committed, "refused": refused, "busy": busy}), flush=True)


def type_into(url: str, name: str, seconds: float) -> None:
    db = open_database(url, workstation=name, busy_timeout=5)
    conflict: list[DraftConflictError] = []
    other: list[str] = []
    stop = threading.Event()

    def on_error(exc: StorageError) -> None:
        if isinstance(exc, DraftConflictError):
            conflict.append(exc)
            stop.set()
        else:
            other.append(str(exc))

    draft = load_draft(db, "r1")
    assert draft is not None
    saver = Autosaver(db, on_error=on_error, session_id=name)
    saver.track("r1", draft.revision)
    print("ready", flush=True)
    n, deadline = 0, time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        n += 1
        saver.update("r1", {**draft.data, "answers": {**draft.data["answers"], "note": f"keystroke {n}"}},
                     staff_id=name, audit=n % 5 == 0)
        time.sleep(0.02)
    for _attempt in range(10):
        try:
            saver.close()
            break
        except DraftConflictError:
            break
        except StorageError as exc:
            other.append(str(exc))
            time.sleep(1)
    print(json.dumps({"last": n, "conflict": str(conflict[0]) if conflict else None,
                      "signed": bool(conflict and conflict[0].signed), "other": other}), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "edit":
        edit(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        type_into(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 20.0)
