"""Keep Python's full garbage collection away from typing while a checklist window is open.

Opening a checklist makes tens of thousands of long-lived objects (the form, the widgets' wrappers, the
answers). Python's oldest-generation collection walks all of them: with a 200-medication record it takes
60-70 ms, and it comes every few dozen keystrokes, so one key in forty would freeze the screen. ``gc.freeze()``
moves everything alive at that moment out of the collector's sight (it is still freed by reference
counting); objects made later are collected as usual.

Frozen objects are never collected, so garbage must not be frozen: each freeze collects first, and when a
window closes while another stays open, the closed window's objects (frozen with the rest) are unfrozen,
collected and the survivors frozen again. These full collections happen when a window opens or closes, not
while typing. When the last checklist window closes, everything is handed back to the collector.
Objects that arrive in bulk later (the seal machinery imported while the review is read) are frozen once
they are loaded (``freeze_after``), or the next full collection would walk them during typing.
"""

from __future__ import annotations

import gc
import threading

_open_windows = 0


def _collect_and_freeze() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def window_opened() -> None:
    """A checklist window finished opening: its objects are long-lived from now on."""
    global _open_windows
    _open_windows += 1
    _collect_and_freeze()


def window_closed() -> None:
    """A checklist window closed: its garbage is collected; with none left open, nothing stays frozen."""
    global _open_windows
    _open_windows = max(0, _open_windows - 1)
    if _open_windows:
        _collect_and_freeze()
    else:
        gc.unfreeze()


def freeze_after(loading: threading.Thread) -> None:
    """Once ``loading`` (a background import) has finished, freeze what it made if a checklist is open."""
    def wait() -> None:
        loading.join()
        if _open_windows:
            gc.freeze()

    threading.Thread(target=wait, name="gc-freeze-after-load", daemon=True).start()


def frozen_count() -> int:
    """How many objects are out of the collector's sight (for tests)."""
    return gc.get_freeze_count()
