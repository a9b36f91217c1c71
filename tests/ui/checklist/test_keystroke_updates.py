"""A keystroke touches only what it changed on screen, and still changes everything it should: items whose
visibility and finding stay the same are left alone, only the section rows whose state changed are
rewritten, and Python's full garbage collection is kept off the open window's objects while it is open."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from checklist_app.ui import gc_pause
from checklist_app.ui.widgets.base import ItemWidget


def infection_page(window):
    index = [s.id for s in window.ctx.form.sections].index("infection")
    window.show_section(index, focus=False)
    return index, window.pages[index]


def test_a_keystroke_touches_only_the_items_and_rows_it_changed(qtbot, open_example, monkeypatch):
    window = open_example("clean")
    index, page = infection_page(window)
    touched: list[str] = []
    original = ItemWidget.set_finding
    monkeypatch.setattr(ItemWidget, "set_finding",
                        lambda self, *args: (touched.append(self.item.id), original(self, *args))[1])
    rows: list[int] = []
    window.section_list.model().dataChanged.connect(lambda top, bottom, *_: rows.extend(range(top.row(),
                                                                                              bottom.row() + 1)))
    item = page.items["systemic_infection"]
    item.first_focus().setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y)  # a hard stop under this item only
    assert touched == ["systemic_infection"] and item.finding.text.startswith("Hard stop: ")
    assert set(rows) == {index} and "Hard stop" in window.section_list.item(index).text()
    touched.clear()
    rows.clear()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert touched == ["systemic_infection"] and item.finding.text == ""
    assert set(rows) == {index} and "Hard stop" not in window.section_list.item(index).text()
    touched.clear()
    window.refresh()  # nothing changed: nothing is touched
    assert touched == [] and item.finding.isHidden()


def test_show_if_still_hides_and_shows_items_that_were_left_alone(qtbot, open_example):
    window = open_example("clean")
    consent = [s.id for s in window.ctx.form.sections].index("consent")
    page = window.pages[consent]
    page.items["consent_signed"].first_focus().setFocus()
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
        assert page.items["consent_date"].isHidden()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y)
        assert not page.items["consent_date"].isHidden()


def test_full_collections_skip_the_window_while_any_checklist_is_open(qtbot, open_example):
    assert gc.get_freeze_count() == 0 or gc_pause._open_windows > 0
    first = open_example("clean")
    assert gc.get_freeze_count() > 0  # the window's objects are out of the collector's sight
    second = open_example("clean", record_id="R-GC-SECOND")
    first.close()
    assert gc.get_freeze_count() > 0  # another checklist is still open
    second.close()
    assert gc.get_freeze_count() == 0 and gc_pause._open_windows == 0
    first.close()  # closing again (Qt may send a second close) does not unbalance the count
    assert gc_pause._open_windows == 0
