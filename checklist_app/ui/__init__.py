"""The intake window: PySide6 only, above the use cases in ``workflows`` (see the import-linter layers).

``app.run_gui`` starts it; the worklist lists today's checklists and the checklist window is generated
from the form in ``forms/`` by the widget factory in ``ui.widgets`` (no hand-written widget per item).
"""

from checklist_app.ui.none_guard import guard_none_refcount

guard_none_refcount()  # before any Qt call: see none_guard.py (PySide6 6.12.0 on Python 3.11)
