"""Moving around the checklist window: sections (Enter, Ctrl+PgDown/PgUp, Alt+Right/Left), "go to item"
from a finding, and F6 between the three panes. A mix-in of ``ChecklistWindow``, kept apart to keep the
window's module small; it uses the window's pages, scroll areas, section list and findings panel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from checklist_app.ui.checklist.section_page import SectionPage


class SectionNavigation:
    """Section and pane navigation for ``ChecklistWindow`` (which provides the attributes used here)."""

    def current_index(self) -> int:
        """The index of the section on screen."""
        return self.stack.currentIndex()

    def current_page(self) -> SectionPage:
        """The section page on screen."""
        return self.pages[self.current_index()]

    def show_section(self, index: int, *, focus: bool = True) -> None:
        """Open a section (and put focus on its first field)."""
        self.stack.setCurrentIndex(index)
        self.section_list.select(index)
        self.scrolls[index].verticalScrollBar().setValue(0)
        if focus:
            self.pages[index].focus_first()

    def _step(self, direction: int) -> None:
        rows = self.section_list.needed_rows()
        current = self.current_index()
        later = [r for r in rows if (r > current if direction > 0 else r < current)]
        if later:
            self.show_section(later[0] if direction > 0 else later[-1])

    def next_section(self) -> None:
        """Go to the next section that applies."""
        self._step(1)

    def previous_section(self) -> None:
        """Go to the previous section that applies."""
        self._step(-1)

    def _on_page_finished(self) -> None:
        rows = [r for r in self.section_list.needed_rows() if r > self.current_index()]
        if rows:
            self.show_section(rows[0])
        else:
            self.review_button.setFocus(Qt.FocusReason.TabFocusReason)

    def _first_open_section(self) -> int:
        for index, section in enumerate(self.ctx.form.sections):
            if self.view.sections.get(section.id) not in ("complete", "not_needed", "optional"):
                return index
        return 0

    def go_to_item(self, item_id: str) -> None:
        """Open the item's section and put focus on the item (clicking a finding does this)."""
        form = self.ctx.form
        if not form.has_item(item_id):
            return
        index = form.sections.index(form.section_of(item_id))
        self.show_section(index, focus=False)
        widget = self.pages[index].focus_item(item_id)
        if widget is not None:
            self.scrolls[index].ensureWidgetVisible(widget, 20, 40)

    def cycle_pane(self, step: int) -> None:
        """F6: sections, the open section, findings (Shift+F6 backwards)."""
        targets = [self.section_list, self.current_page().first_focus(), self.findings.first_card()]
        targets = [t for t in targets if t is not None]
        focused = QApplication.focusWidget()
        here = next((i for i, t in enumerate(targets) if t is focused or t.isAncestorOf(focused)), -1)
        if here < 0 and self.current_page().isAncestorOf(focused):
            here = 1
        targets[(here + step) % len(targets)].setFocus(Qt.FocusReason.TabFocusReason)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        scroll = self.scrolls[self.current_index()] if self.scrolls else None
        if new is not None and scroll is not None and scroll.widget().isAncestorOf(new):
            scroll.ensureWidgetVisible(new, 20, 60)
        findings = self.findings.scroll  # Tab through the findings: the button with focus is on screen
        if new is not None and findings.widget() is not None and findings.widget().isAncestorOf(new):
            findings.ensureWidgetVisible(new, 10, 40)
