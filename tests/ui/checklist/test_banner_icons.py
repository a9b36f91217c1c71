"""The banner's icons say what they are: each sits beside its badge and carries the badge's words as tooltip
and accessible name (an icon far from its words read as an unexplained sign by the scheduled time)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication


def test_banner_icons_are_named_and_sit_by_their_badges(qtbot, open_example):
    window = open_example("warnings-only")
    QApplication.processEvents()
    banner = window.banner
    for icon, badge in ((banner.allergy_icon, banner.allergy_label), (banner.status_icon, banner.status_label)):
        assert badge.text() and icon.toolTip() == badge.text() and icon.accessibleName() == badge.text()
        gap = badge.geometry().left() - icon.geometry().right()
        assert 0 < gap <= 12, f"{badge.text()!r}: {gap} px between the icon and its badge"
    banner.update_from({**window.state.answers, "allergies": []}, "draft", window.ctx.now())  # words follow
    assert banner.allergy_icon.toolTip() == "No known allergies" == banner.allergy_label.text()
