"""Fields sized for their text: a long date-and-time hint ('e.g. 0630, 6:30 AM or yesterday 10 PM') is shown
whole, however a site words it; a message never breaks inside a date or its format ('YYYY-' then 'MM-DD')."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from ui_helpers import NOW

from checklist_app.rules import load_form
from checklist_app.ui.widgets import create_item_widget, dates
from checklist_app.ui.widgets.base import InlineMessage

FORM = load_form()
LONG_HINT = "e.g. 0630, 6:30 AM or yesterday 10 PM"


def test_a_long_time_hint_is_shown_whole(qtbot, monkeypatch):
    monkeypatch.setattr(dates, "datetime_placeholder", lambda: LONG_HINT)
    widget = create_item_widget(FORM.item("last_clear_liquid"), clock=lambda: NOW)
    qtbot.addWidget(widget)
    edit = widget.edit
    assert edit.placeholderText() == LONG_HINT
    needed = edit.fontMetrics().horizontalAdvance(LONG_HINT)
    assert edit.minimumWidth() >= needed + 16 and edit.maximumWidth() >= edit.minimumWidth()


def test_a_message_never_breaks_inside_a_date_or_its_format(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    message = InlineMessage("problem", "test: problem", holder)
    message.show_message("'31/02' is not a valid date (use YYYY-MM-DD, e.g. 2026-12-01)", "state-warning")
    shown = message.text_label.text()
    assert "YYYY\u2011MM\u2011DD" in shown and "2026\u20111201" not in shown and "2026\u201112\u201101" in shown
    assert message.text_label.accessibleName() == "'31/02' is not a valid date (use YYYY-MM-DD, e.g. 2026-12-01)"
    assert message.text == "'31/02' is not a valid date (use YYYY-MM-DD, e.g. 2026-12-01)"


def test_a_date_and_time_as_shown_or_typed_fits_its_field(qtbot):
    from datetime import datetime

    from checklist_app.domain import conventions

    widget = create_item_widget(FORM.item("scheduled_start"), clock=lambda: NOW)
    qtbot.addWidget(widget)
    late = datetime(2026, 12, 31, 22, 30)
    metrics = widget.edit.fontMetrics()
    for text in (widget.as_text(late), f"yesterday {conventions.format_time(late)}"):
        assert metrics.horizontalAdvance(text) + 16 <= widget.edit.minimumWidth(), text
