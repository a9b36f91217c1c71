"""Child process of the kill -9 test: types into a draft through the autosaver until it is killed.

Prints ``ready`` once the database is open, then one line per keystroke, ``<n> <unix time>``, after
handing the new state to the autosaver, so the parent knows what was typed and when.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from checklist_app.storage import Autosaver, open_database


def main(data_dir: str) -> None:
    db = open_database(data_dir=Path(data_dir))
    saver = Autosaver(db)  # the production debounce
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        saver.update("r1", {"answers": {"note": f"keystroke {n}", "n": n}}, staff_id="rn1")
        print(f"{n} {time.time():.6f}", flush=True)
        time.sleep(0.05)


if __name__ == "__main__":
    main(sys.argv[1])
