"""One section of the checklist on screen: its title, help and the generated item widgets.

The page applies each Evaluation: it hides what ``show_if`` hides, shows derived values, and puts each
finding under the item it is about. Enter on the last part of an item moves to the next visible item;
after the last one the page reports ``finished`` and the window opens the next section.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.form import FormDefinition, Section
from checklist_app.ui import controls, theme
from checklist_app.ui.widgets import ItemWidget, create_item_widget
from checklist_app.ui.widgets.base import Clock
from checklist_app.ui.widgets.readonly import DerivedWidget


class SectionPage(QWidget):
    """The items of one section."""

    answer_changed = Signal(str, object)  # item id, the answer (committed: saved and audited)
    answer_edited = Signal(str, object)  # item id, the answer as typed so far (findings, unaudited save)
    finished = Signal()  # Enter after the last item

    def __init__(self, form: FormDefinition, section: Section, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setObjectName(f"section_{section.id}")
        layout = controls.vbox(self, spacing=theme.SPACING * 2, margins=theme.MARGIN + 4)
        self.title_label = controls.label(section.title, role="title")
        layout.addWidget(self.title_label)
        if section.help:
            layout.addWidget(controls.label(section.help, role="help"))
        self.items: dict[str, ItemWidget] = {}
        self._applied: dict[str, tuple] = {}  # per item: (visible, derived value's type and value, finding)
        for item in section.items:
            widget = create_item_widget(item, clock=clock)
            if isinstance(widget, DerivedWidget):
                widget.set_inputs([form.item(src).label for src in item.inputs.values() if form.has_item(src)])
            widget.answer_changed.connect(lambda value, item_id=item.id: self.answer_changed.emit(item_id, value))
            widget.answer_edited.connect(lambda value, item_id=item.id: self.answer_edited.emit(item_id, value))
            widget.advance_requested.connect(lambda w=widget: self.advance_from(w))
            layout.addWidget(widget)
            self.items[item.id] = widget
        layout.addStretch(1)

    def set_answers(self, answers: dict[str, Any]) -> None:
        """Show saved answers (no signals)."""
        for item_id, widget in self.items.items():
            if widget.takes_answer:
                widget.set_value(answers.get(item_id))

    def apply(self, evaluation: Evaluation, findings: dict[str, list[Finding]], resolved: set[str]) -> None:
        """Visibility, derived values and the finding under each item (``resolved``: keys dealt with).

        Called after every keystroke for every page, so an item is touched only when what it shows changed:
        re-setting an unchanged message or value still repaints it (and moves the cursor of a derived field).
        """
        for item_id, widget in self.items.items():
            mine = [f for f in findings.get(item_id, ()) if f.key not in resolved]
            if mine:
                worst = mine[0]  # the engine lists hard stops first
                more = f" (+{len(mine) - 1} more)" if len(mine) > 1 else ""
                finding: tuple[str | None, str] = (worst.severity, worst.message + more)
            else:
                finding = (None, "")
            derived = evaluation.derived.get(item_id) if isinstance(widget, DerivedWidget) else None
            shown = (item_id in evaluation.visible_items, type(derived), derived, finding)  # 1 == 1.0 == True
            if self._applied.get(item_id) == shown:
                continue
            self._applied[item_id] = shown
            widget.setVisible(shown[0])
            if isinstance(widget, DerivedWidget):
                widget.set_value(derived)
            widget.set_finding(*finding)

    def visible_items(self) -> list[ItemWidget]:
        """Item widgets currently shown, in form order."""
        return [w for w in self.items.values() if not w.isHidden()]

    def first_focus(self) -> QWidget | None:
        """The first field of the first visible item that takes focus."""
        return next((w.first_focus() for w in self.visible_items() if w.first_focus() is not None), None)

    def focus_first(self) -> bool:
        """Put focus on the first field; False when there is nothing to type on this page."""
        target = self.first_focus()
        if target is None:
            return False
        target.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def advance_from(self, widget: ItemWidget) -> None:
        """Move focus to the next visible item after ``widget``, or report ``finished``."""
        shown = self.visible_items()
        later = shown[shown.index(widget) + 1:] if widget in shown else []
        target = next((w.first_focus() for w in later if w.first_focus() is not None), None)
        if target is None:
            self.finished.emit()
        else:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def focus_item(self, item_id: str) -> ItemWidget | None:
        """Focus an item (for "go to item") and flash it so the eye finds it."""
        widget = self.items.get(item_id)
        if widget is None:
            return None
        target = widget.first_focus()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        theme.set_role(widget, "highlight")
        QTimer.singleShot(1500, widget, lambda: theme.set_role(widget, ""))
        return widget

    def set_read_only(self, read_only: bool) -> None:
        """Signed checklists are read, not edited."""
        for widget in self.items.values():
            widget.set_read_only(read_only)
