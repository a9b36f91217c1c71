"""Dialogs of the intake window. Each has a classmethod ``ask(...)`` that runs it and returns the result
(or None when cancelled), which tests replace with monkeypatch instead of driving a modal loop; each
can also be built and shown non-modally and driven with qtbot.
"""
