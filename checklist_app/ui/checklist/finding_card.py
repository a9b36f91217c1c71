"""The cards of the findings panel: a finding (what is wrong, what to do, where the rule comes from, and
actions), and the count of missing answers.

A card is made empty and filled (``fill``), and can be filled again: making a card (widgets, style polish)
costs several milliseconds, more than a keystroke can spare, so the panel keeps a spare finding card or two
and refills them, and fills its missing-answers card again when the count changes. Everything a card shows
is set by ``fill``, so a refilled card reads and looks exactly like one made for what it shows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QWidget

from checklist_app.domain.findings import Finding
from checklist_app.domain.form import FormDefinition
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.widgets.base import ENTER_KEYS
from checklist_app.ui.widgets.flow_layout import FlowLayout
from checklist_app.ui.widgets.wrap_label import WrapLabel

# The actions a card can offer, in the order they are shown: (name, button text, style role).
ACTIONS = (("acknowledge", "Acknowledge...", None), ("override", "Physician override...", "danger"),
           ("notify", "Not cleared...", None))


class FindingCard(QFrame):
    """One finding, with its actions."""

    activated = Signal(str)
    action_chosen = Signal(str, object)  # (action name from ACTIONS, the finding)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding: Finding | None = None
        self.kind = "open"  # "open", "acknowledged", "overridden" or "notified"
        self.actions: tuple[str, ...] = ()
        # Made with a hard stop's look: a new card is most often a new hard stop, and a role set again to the
        # same value costs nothing, while a different one re-polishes.
        theme.set_role(self, "card-hard_stop")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Finding")  # until filled (a spare is hidden, but never a nameless control)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = controls.vbox(self, spacing=4, margins=10)
        self.icon = QLabel()
        self._icon_name = "state-hard-stop"
        self.icon.setPixmap(theme.pixmap(self._icon_name, 22))
        self.title = WrapLabel("", role="finding-hard_stop")
        layout.addLayout(controls.hbox(self.icon, self.title, None, spacing=6))
        self.message_label = WrapLabel("", role="item-label")
        self.action_label = WrapLabel("")
        self.where_label = WrapLabel("", role="help")
        self.source_label = WrapLabel("", role="help")
        for label in (self.message_label, self.action_label, self.where_label, self.source_label):
            layout.addWidget(label)
        self.unconfirmed_mark = QLabel()
        self.unconfirmed_mark.setPixmap(theme.pixmap("unconfirmed", 18))
        self.unconfirmed_note = WrapLabel(messages.text("findings.unconfirmed"), role="help")
        unconfirmed_row = controls.hbox(self.unconfirmed_mark, self.unconfirmed_note, spacing=6)
        unconfirmed_row.setStretch(1, 1)
        layout.addLayout(unconfirmed_row)
        self.status_label = WrapLabel("", role="help")
        layout.addWidget(self.status_label)
        self.buttons = FlowLayout(spacing=6)  # the actions wrap under each other in a narrow panel
        layout.addLayout(self.buttons)
        self._buttons: dict[str, QPushButton] = {}
        for name, text, role in ACTIONS:
            button = controls.button(text, lambda chosen=name: self._choose(chosen), role=role)
            button.setParent(self)
            button.hide()
            self._buttons[name] = button
        self._show_actions(("override", "notify"))

    def fill(self, finding: Finding, form: FormDefinition, status: str, kind: str, actions: tuple[str, ...]) -> None:
        """Show ``finding`` (dealt with as ``kind``, ``status`` saying by whom), offering ``actions``."""
        self.finding, self.kind = finding, kind
        done = kind in ("acknowledged", "overridden")
        theme.set_role(self, "card-done" if done else f"card-{finding.severity}")
        severity = "HARD STOP" if finding.is_hard_stop else "WARNING"
        icon_name = {"acknowledged": "state-acknowledged", "overridden": "state-overridden"}.get(
            kind, "state-hard-stop" if finding.is_hard_stop else "state-warning")
        if icon_name != self._icon_name:
            self._icon_name = icon_name
            self.icon.setPixmap(theme.pixmap(icon_name, 22))
        heading = {"acknowledged": " - acknowledged", "overridden": " - overridden",
                   "notified": " - NOT CLEARED, physician notified"}.get(kind, "")
        self.title.setText(severity + heading)
        self.title.setAccessibleName(severity + heading)
        theme.set_role(self.title, f"finding-{finding.severity}")
        where = _where(form, finding.item_id)
        texts = ((self.message_label, finding.message), (self.action_label, f"What to do: {finding.action}"),
                 (self.where_label, f"Item: {where}"),
                 (self.source_label, f"Source: {finding.source_id} - {finding.citation}"))
        for label, text in texts:
            label.setText(text)
            label.setAccessibleName(text)
        self.unconfirmed_mark.setVisible(finding.unconfirmed)
        self.unconfirmed_note.setVisible(finding.unconfirmed)
        self.status_label.setText(status)
        self.status_label.setAccessibleName(status)
        theme.set_role(self.status_label, "ok" if done else "help")
        self.status_label.setVisible(bool(status))
        self._show_actions(actions)
        for name, text, _role in ACTIONS:
            self._buttons[name].setAccessibleName(f"{controls.plain(text)}: {finding.message}")
        self.setAccessibleName(f"{severity}{heading}: {finding.message} Item: {where}")
        self.setAccessibleDescription(f"What to do: {finding.action}")

    def _show_actions(self, actions: tuple[str, ...]) -> None:
        """Only the offered buttons are in the row (and visible); the others wait hidden, out of it."""
        if actions == self.actions:
            return
        self.actions = actions
        while self.buttons.count():
            self.buttons.takeAt(0)
        for name, button in self._buttons.items():
            if name in actions:
                self.buttons.addWidget(button)
            button.setVisible(name in actions)

    def _choose(self, action: str) -> None:
        if self.finding is not None:
            self.action_chosen.emit(action, self.finding)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self.finding is not None:
            self.activated.emit(self.finding.item_id)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (*ENTER_KEYS, Qt.Key.Key_Space) and self.finding is not None:
            self.activated.emit(self.finding.item_id)
            return
        super().keyPressEvent(event)


def _where(form: FormDefinition, item_id: str) -> str:
    if not form.has_item(item_id):
        return item_id
    item = form.item(item_id)
    return f"{item.label} ({form.section_of(item.id).title})"


class MissingCard(QFrame):
    """How many required answers are missing, the first four, and a button to the first."""

    def __init__(self, form: FormDefinition, go_to: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.missing: tuple[str, ...] = ()
        theme.set_role(self, "card")
        self.setObjectName("missing_card")
        layout = controls.vbox(self, spacing=4, margins=10)
        icon = QLabel()
        icon.setPixmap(theme.pixmap("state-missing", 22))
        self.count_label = WrapLabel("", role="item-label")
        title_row = controls.hbox(icon, self.count_label, spacing=6)
        title_row.setStretch(1, 1)
        layout.addLayout(title_row)
        self.next_label = WrapLabel("", role="help")
        layout.addWidget(self.next_label)
        go = controls.button("&Go to the next missing answer", lambda: go_to(self.missing[0]))
        layout.addLayout(controls.hbox(go, None))

    def fill(self, missing: tuple[str, ...]) -> None:
        """Show ``missing`` (item ids, at least one)."""
        self.missing = missing
        count = len(missing)
        text = messages.text("findings.missing_one") if count == 1 else \
            messages.text("findings.missing_many", count=count)
        labels = [self.form.item(m).label for m in missing[:4] if self.form.has_item(m)]
        more = f" and {count - 4} more" if count > 4 else ""
        for label, shown in ((self.count_label, text), (self.next_label, "Next: " + "; ".join(labels) + more)):
            label.setText(shown)
            label.setAccessibleName(shown)
        self.setAccessibleName(text)
        # Refilled in place, it may need more height: say so now, or the column's next layout pass squeezes
        # the card above it instead (one frame with a hard stop's buttons cut off).
        self.updateGeometry()
