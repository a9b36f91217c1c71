"""The findings panel: every problem the rules engine sees, updated on every change.

Each finding is a card saying what is wrong, what to do and where the rule comes from (sources the
policy marks UNCONFIRMED say so in words), with the actions it allows: acknowledge a warning with a
note; for a hard stop, a physician override or "not cleared, physician notified". Clicking a card, or
Enter on it, goes to its item. Unanswered required items are counted in one card, not listed one by one.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget

from checklist_app.domain.findings import Finding
from checklist_app.domain.form import FormDefinition
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.widgets.base import ENTER_KEYS
from checklist_app.ui.widgets.flow_layout import FlowLayout
from checklist_app.ui.widgets.wrap_label import WrapLabel

RETIRED_CARDS = 8  # hidden cards kept for reuse (see FindingsPanel._retired)


class FindingCard(QFrame):
    """One finding, with its actions."""

    activated = Signal(str)

    def __init__(self, finding: Finding, form: FormDefinition, status: str, kind: str) -> None:
        super().__init__()
        self.finding = finding
        self.kind = kind  # "open", "acknowledged", "overridden" or "notified"
        done = kind in ("acknowledged", "overridden")
        theme.set_role(self, "card-done" if done else f"card-{finding.severity}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        severity = "HARD STOP" if finding.is_hard_stop else "WARNING"
        icon_name = {"acknowledged": "state-acknowledged", "overridden": "state-overridden"}.get(
            kind, "state-hard-stop" if finding.is_hard_stop else "state-warning")
        heading = {"acknowledged": " - acknowledged", "overridden": " - overridden",
                   "notified": " - NOT CLEARED, physician notified"}.get(kind, "")
        layout = controls.vbox(self, spacing=4, margins=10)
        icon = QLabel()
        icon.setPixmap(theme.pixmap(icon_name, 22))
        title = WrapLabel(severity + heading, role=f"finding-{finding.severity}")
        layout.addLayout(controls.hbox(icon, title, None, spacing=6))
        self.message_label = WrapLabel(finding.message, role="item-label")
        layout.addWidget(self.message_label)
        layout.addWidget(WrapLabel(f"What to do: {finding.action}"))
        where = self._where(form)
        layout.addWidget(WrapLabel(f"Item: {where}", role="help"))
        layout.addWidget(WrapLabel(f"Source: {finding.source_id} - {finding.citation}", role="help"))
        if finding.unconfirmed:
            mark = QLabel()
            mark.setPixmap(theme.pixmap("unconfirmed", 18))
            note = WrapLabel(messages.text("findings.unconfirmed"), role="help")
            layout.addLayout(controls.hbox(mark, note, spacing=6))
            layout.itemAt(layout.count() - 1).layout().setStretch(1, 1)
        if status:
            layout.addWidget(WrapLabel(status, role="ok" if done else "help"))
        self.buttons = FlowLayout(spacing=6)  # the actions wrap under each other in a narrow panel
        layout.addLayout(self.buttons)
        self.setAccessibleName(f"{severity}{heading}: {finding.message} Item: {where}")
        self.setAccessibleDescription(f"What to do: {finding.action}")

    def _where(self, form: FormDefinition) -> str:
        if not form.has_item(self.finding.item_id):
            return self.finding.item_id
        item = form.item(self.finding.item_id)
        return f"{item.label} ({form.section_of(item.id).title})"

    def add_action(self, text: str, callback: object, role: str | None = None) -> None:
        """A button under the card (its accessible name repeats the finding)."""
        widget = controls.button(text, callback, name=f"{controls.plain(text)}: {self.finding.message}", role=role)
        self.buttons.addWidget(widget)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self.activated.emit(self.finding.item_id)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (*ENTER_KEYS, Qt.Key.Key_Space):
            self.activated.emit(self.finding.item_id)
            return
        super().keyPressEvent(event)


class FindingsPanel(QWidget):
    """The column of finding cards."""

    finding_activated = Signal(str)
    acknowledge_requested = Signal(object)
    override_requested = Signal(object)
    notify_requested = Signal(object)

    def __init__(self, form: FormDefinition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.setObjectName("findings_panel")
        self.setAccessibleName("Findings")
        layout = controls.vbox(self, spacing=theme.SPACING)
        self.title = controls.label("Findings", role="subtitle")
        self.summary = WrapLabel("", name="Findings summary")
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.holder = QWidget()
        self.card_layout = controls.vbox(self.holder, spacing=theme.SPACING)
        self.card_layout.addStretch(1)
        self.scroll.setWidget(self.holder)
        layout.addWidget(self.scroll, 1)
        self.cards: list[FindingCard] = []  # in the order shown: the engine's, the missing-answers card last
        self._identities: list[tuple] = []  # what each card shows, to keep the cards that stay the same
        # Cards taken off recently, hidden, by what they show: an answer flipped back and forth (Y, then N,
        # then Y) brings the same card back without making it again. A few only; older ones are deleted.
        self._retired: OrderedDict[tuple, FindingCard] = OrderedDict()
        self._shown: tuple = ()
        self.read_only = False

    def show_findings(self, findings: tuple[Finding, ...], missing: tuple[str, ...],
                      statuses: dict[str, tuple[str, str]]) -> None:
        """Show the findings in the engine's order; ``statuses``: key -> (kind, text) for dealt-with ones.

        Only the cards whose content changed are made or removed; the others stay as they are. Making a
        card (style polish, text layout, paint) was most of a keystroke's cost when every card was rebuilt.
        """
        signature = (tuple((f.key, f.message, statuses.get(f.key)) for f in findings), missing, self.read_only)
        if signature == self._shown:
            return
        self._shown = signature
        spare: dict[tuple, list[QFrame]] = {}
        for identity, card in zip(self._identities, self.cards, strict=True):
            spare.setdefault(identity, []).append(card)
        wanted: list[tuple[tuple, Finding | None, QFrame | None]] = []
        for finding in findings:
            identity = ("finding", finding, statuses.get(finding.key), self.read_only)
            pool = spare.get(identity)
            wanted.append((identity, finding, pool.pop(0) if pool else self._retired.pop(identity, None)))
        if missing:
            # The card shows the count and the first four missing items; its button goes to the first.
            identity = ("missing", len(missing), missing[:4])
            pool = spare.get(identity)
            wanted.append((identity, None, pool.pop(0) if pool else None))
        for identity, cards in spare.items():
            for card in cards:
                self._discard(card, identity)
        self.cards, self._identities = [], []
        for index, (identity, finding, card) in enumerate(wanted):
            if card is None:
                card = self._finding_card(finding, statuses) if finding is not None else self._missing_card(missing)
            self._place(card, index)
            self.cards.append(card)  # type: ignore[arg-type]
            self._identities.append(identity)
        self._summarise(findings, missing, statuses)

    def _discard(self, card: QFrame, identity: tuple) -> None:
        # Hidden (and kept or deleted) where it is, never reparented to None: that made the card a top-level
        # window for a moment, and its destruction took the activation (and focus) from the window,
        # so a field being typed in lost focus and committed half-typed text.
        self.card_layout.removeWidget(card)
        card.hide()
        if not isinstance(card, FindingCard) or identity in self._retired:
            card.deleteLater()
            return
        self._retired[identity] = card
        while len(self._retired) > RETIRED_CARDS:
            self._retired.popitem(last=False)[1].deleteLater()

    def _place(self, card: QFrame, index: int) -> None:
        """Put ``card`` at ``index`` of the column (moving it only when it is elsewhere)."""
        where = self.card_layout.indexOf(card)
        if where == index:
            return
        if where >= 0:
            self.card_layout.removeWidget(card)  # stays a child of the column: no reparenting, no focus loss
        self.card_layout.insertWidget(index, card)
        if card.isHidden():
            card.show()  # a retired card coming back

    def _finding_card(self, finding: Finding, statuses: dict[str, tuple[str, str]]) -> FindingCard:
        kind, status = statuses.get(finding.key, ("open", ""))
        card = FindingCard(finding, self.form, status, kind)
        card.activated.connect(self.finding_activated)
        if not self.read_only and kind == "open" and not finding.is_hard_stop:
            card.add_action("Acknowledge...", lambda f=finding: self.acknowledge_requested.emit(f))
        if not self.read_only and finding.is_hard_stop and kind in ("open", "notified") and finding.overridable:
            card.add_action("Physician override...", lambda f=finding: self.override_requested.emit(f),
                            role="danger")
            if kind == "open":
                card.add_action("Not cleared...", lambda f=finding: self.notify_requested.emit(f))
        return card

    def _missing_card(self, missing: tuple[str, ...]) -> QFrame:
        card = controls.card("card")
        card.setObjectName("missing_card")
        layout = controls.vbox(card, spacing=4, margins=10)
        icon = QLabel()
        icon.setPixmap(theme.pixmap("state-missing", 22))
        count = len(missing)
        text = messages.text("findings.missing_one") if count == 1 else \
            messages.text("findings.missing_many", count=count)
        title_row = controls.hbox(icon, WrapLabel(text, role="item-label"), spacing=6)
        title_row.setStretch(1, 1)
        layout.addLayout(title_row)
        labels = [self.form.item(m).label for m in missing[:4] if self.form.has_item(m)]
        more = f" and {count - 4} more" if count > 4 else ""
        layout.addWidget(WrapLabel("Next: " + "; ".join(labels) + more, role="help"))
        go = controls.button("&Go to the next missing answer", lambda: self.finding_activated.emit(missing[0]))
        layout.addLayout(controls.hbox(go, None))
        card.setAccessibleName(text)
        return card

    def _summarise(self, findings: tuple[Finding, ...], missing: tuple[str, ...],
                   statuses: dict[str, tuple[str, str]]) -> None:
        open_stops = sum(1 for f in findings if f.is_hard_stop and statuses.get(f.key, ("open",))[0] != "overridden")
        warnings = sum(1 for f in findings if not f.is_hard_stop and f.key not in statuses)
        parts = []
        if open_stops:
            parts.append(f"{open_stops} hard stop{'s' if open_stops != 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''} to acknowledge")
        if missing:
            parts.append(f"{len(missing)} answer{'s' if len(missing) != 1 else ''} missing")
        text = ", ".join(parts) if parts else messages.text("findings.none")
        self.summary.setText(text)
        self.summary.setAccessibleName(f"Findings: {text}")
        role = "finding-hard_stop" if open_stops else "finding-warning" if warnings else "help" if missing else "ok"
        theme.set_role(self.summary, role)

    def first_card(self) -> QWidget | None:
        """The first card, for keyboard focus."""
        return self.cards[0] if self.cards else None
