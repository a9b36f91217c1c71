"""Child process of the kill -9 tests: types into a draft through the autosaver until it is killed.

Prints ``ready`` once the database is open, then one line per keystroke, ``<n> <unix time>``, after
handing the new state to the autosaver, so the parent knows what was typed and when. With ``--unaudited``
it types as the window does while a field is being typed: every keystroke goes to the autosaver with
``audit=False``, and only every ``COMMIT_EVERY``-th keystroke is committed (audited), as Enter would.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from checklist_app.storage import Autosaver, open_database

# A committed answer now and then, as Enter would, typing in between. 7, out of step with the autosaver's
# half-second rhythm (10 keystrokes), so the state saved at the kill is usually typing, not a commit.
COMMIT_EVERY = 7


def main(data_dir: str, unaudited: bool) -> None:
    db = open_database(data_dir=Path(data_dir))
    saver = Autosaver(db)  # the production debounce
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        audit = not unaudited or n % COMMIT_EVERY == 0
        saver.update("r1", {"answers": {"note": f"keystroke {n}", "n": n}}, staff_id="rn1", audit=audit)
        print(f"{n} {time.time():.6f}", flush=True)
        time.sleep(0.05)


if __name__ == "__main__":
    main(sys.argv[1], "--unaudited" in sys.argv[2:])
