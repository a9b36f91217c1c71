"""The section list repaints only the row whose state changed, and still looks exactly like a list given the
final states from the start (a row whose height changes still makes the list lay its rows out again)."""

from __future__ import annotations

from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtWidgets import QApplication

from checklist_app.ui.checklist.section_list import SectionList
from checklist_app.workflows.section_state import SectionState
from checklist_app.workflows.session import shipped_form

FORM = shipped_form()
IDS = [s.id for s in FORM.sections]


class PaintedRegion(QObject):
    """Collects the rectangles the list's viewport is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self.rects.append(QRect(event.rect()))
        return False


def make_list(qtbot, states: dict[str, str] | None) -> SectionList:
    """A list shown and laid out with ``states`` from the start (None: as the window first shows it)."""
    widget = SectionList(FORM)
    qtbot.addWidget(widget)
    if states is not None:
        widget.set_states(states)
    widget.resize(244, 620)
    widget.show()
    settle()
    return widget


def settle() -> None:
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def test_a_changed_state_repaints_only_its_row(qtbot):
    states = dict.fromkeys(IDS, "complete")
    widget = make_list(qtbot, states)
    painted = PaintedRegion()
    widget.viewport().installEventFilter(painted)
    settle()
    painted.rects.clear()
    widget.set_states({**states, IDS[3]: "hard_stop"})
    settle()
    row = widget.visualRect(widget.model().index(3, 0))
    assert painted.rects, "the changed row was not repainted"
    assert all(row.contains(rect) for rect in painted.rects), (row, painted.rects)
    assert "Hard stop" in widget.item(3).text()


def test_rows_get_their_height_when_their_text_first_changes(qtbot):
    """The first states add a second line under every title: the rows must grow, not overlap, and sit where
    they sit in a list laid out from the start with that text."""
    states = dict.fromkeys(IDS, "not_started")
    widget = make_list(qtbot, None)
    widget.set_states(states)
    settle()
    fresh = make_list(qtbot, states)
    rects = [widget.visualRect(widget.model().index(row, 0)) for row in range(len(IDS))]
    assert rects == [fresh.visualRect(fresh.model().index(row, 0)) for row in range(len(IDS))]
    assert all(not below.intersects(above) for above, below in zip(rects, rects[1:], strict=False))
    assert widget.grab().toImage() == fresh.grab().toImage()


SEQUENCES = st.lists(st.dictionaries(st.sampled_from(IDS), st.sampled_from(get_args(SectionState)), min_size=1),
                     min_size=1, max_size=5)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(SEQUENCES)
def test_after_any_sequence_the_list_looks_like_one_given_the_last_states(qtbot, changes):
    states = dict.fromkeys(IDS, "not_started")
    widget = make_list(qtbot, None)
    for change in changes:
        states = {**states, **change}
        widget.set_states(states)
        settle()
    fresh = make_list(qtbot, states)
    assert widget.grab().toImage() == fresh.grab().toImage()
    assert [widget.item(r).text() for r in range(len(IDS))] == [fresh.item(r).text() for r in range(len(IDS))]
