"""Tabbing through the findings panel keeps the focused button on screen: with a long hard stop card above
it, a warning's "Acknowledge..." sat below the panel's fold and Tab reached it unseen."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QPushButton


def test_the_focused_finding_button_is_scrolled_into_view(qtbot, open_example):
    window = open_example("warnings-only")
    window.resize(1280, 500)  # a short window: the cards do not all fit
    qtbot.wait(50)
    panel = window.findings.scroll
    buttons = [b for b in panel.widget().findChildren(QPushButton) if b.isVisibleTo(window)]
    last = buttons[-1]
    last.setFocus()
    qtbot.waitUntil(lambda: last.hasFocus())
    top = last.mapTo(panel.viewport(), QPoint(0, 0)).y()
    assert 0 <= top and top + last.height() <= panel.viewport().height(), (top, panel.viewport().height())
