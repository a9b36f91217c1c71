"""Keep Python 3.11 alive under PySide6 6.12.0's lost reference to ``None``.

shiboken6 6.12.0 drops one reference to ``None`` on every call of a Qt method that returns nothing
(``QLineEdit.setText``...). On Python 3.12 and later ``None`` is immortal and nothing happens; on 3.11 its
count falls with every keystroke until Python aborts with "Fatal Python error: none_dealloc" — for a nurse,
after a few hundred keys. PySide6-Pdf exists only for 6.12, so an older PySide6 is not an option.

The guard does what Python 3.12 does: it gives ``None`` a reference count so large that no session can
use it up (2**40 lost references, about a trillion calls). It changes nothing else and runs once, when
the ui package is imported; ``tests/ui/test_none_guard.py`` proves the abort without it and none with it.
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 2**40


def guard_none_refcount() -> bool:
    """Raise None's reference count out of reach on CPython < 3.12; returns whether it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field of every object
    if refcount.value < _MARGIN:
        refcount.value += _MARGIN
    return True
