"""Keep Python's full garbage collection away from typing while a checklist window is open.

Opening a checklist makes tens of thousands of long-lived objects (the form, the widgets' wrappers, the
answers). Python's oldest-generation collection walks all of them: with a 200-medication record it took
60-70 ms, and it came every few dozen keystrokes, so one key in forty froze the screen. ``gc.freeze()``
moves everything alive at that moment out of the collector's sight (it is still freed by reference
counting); objects made later are collected as usual. When the last checklist window closes, everything
is handed back to the collector, so cycles left by a closed window are still collected.
"""

from __future__ import annotations

import gc

_open_windows = 0


def window_opened() -> None:
    """A checklist window finished opening: its objects are long-lived from now on."""
    global _open_windows
    _open_windows += 1
    gc.freeze()


def window_closed() -> None:
    """A checklist window closed; with none left open, the collector sees every object again."""
    global _open_windows
    _open_windows = max(0, _open_windows - 1)
    if _open_windows == 0:
        gc.unfreeze()
