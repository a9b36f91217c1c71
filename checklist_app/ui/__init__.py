"""The intake window: PySide6 only, above rules, storage and pdf (see the import-linter layers).

``app.run_gui`` starts it; the worklist lists today's checklists and the checklist window is generated
from the form in ``forms/`` by the widget factory in ``ui.widgets`` (no hand-written widget per item).
"""
