"""What every dialog shares (``base.FormDialog``). Each dialog has a classmethod ``ask(...)`` that runs it and
returns the result (or None when cancelled), which tests replace with monkeypatch instead of driving a modal
loop; each can also be built and shown non-modally and driven with qtbot. The dialogs themselves live with
their screen (``ui.checklist``, ``ui.signing``, ``ui.settings``).
"""
