"""The findings panel: every problem the rules engine sees, updated on every change.

Each finding is a card saying what is wrong, what to do and where the rule comes from (sources the
policy marks UNCONFIRMED say so in words), with the actions it allows: acknowledge a warning with a
note; for a hard stop, a physician override or "not cleared, physician notified". Clicking a card, or
Enter on it, goes to its item. Unanswered required items are counted in one card, not listed one by one.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from checklist_app.domain.findings import Finding
from checklist_app.domain.form import FormDefinition
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.checklist.finding_card import FindingCard, MissingCard
from checklist_app.ui.widgets.wrap_label import WrapLabel

__all__ = ["RETIRED_CARDS", "SPARE_CARDS", "FindingCard", "FindingsPanel"]

RETIRED_CARDS = 8  # hidden cards kept for the finding they showed (see FindingsPanel._retired)
SPARE_CARDS = 2  # hidden cards kept to be filled with a new finding (see FindingsPanel._spares)


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
        # then Y) brings the same card back without making it again. A few only; older ones become spares.
        self._retired: OrderedDict[tuple, FindingCard] = OrderedDict()
        # Hidden cards to be filled with a new finding, children of the column but not in its layout. Made
        # when the panel is first shown (see showEvent), so a new finding on a keystroke makes no card.
        self._spares: list[FindingCard] = []
        self._shown: tuple = ()
        self.read_only = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        while len(self._spares) < SPARE_CARDS:
            card = self._new_card()
            card.ensurePolished()  # styled now, in the column it will be shown in: not on the keystroke
            self._spares.append(card)

    def show_findings(self, findings: tuple[Finding, ...], missing: tuple[str, ...],
                      statuses: dict[str, tuple[str, str]]) -> None:
        """Show the findings in the engine's order; ``statuses``: key -> (kind, text) for dealt-with ones.

        Only the cards whose content changed are made or removed; the others stay as they are: making a
        card (style polish, text layout, paint) costs more than the rest of a keystroke.
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
            wanted.append((identity, None, pool.pop(0) if pool else self._refilled_missing(spare, missing)))
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
        # Hidden (and kept or deleted) where it is, never reparented to None: that makes the card a top-level
        # window for a moment, and its destruction takes the activation (and focus) from the window,
        # so a field being typed in loses focus and commits half-typed text.
        self.card_layout.removeWidget(card)
        card.hide()
        if not isinstance(card, FindingCard) or identity in self._retired:
            card.deleteLater()
            return
        self._retired[identity] = card
        while len(self._retired) > RETIRED_CARDS:
            self._spare(self._retired.popitem(last=False)[1])

    def _spare(self, card: FindingCard) -> None:
        """Keep a hidden card to fill again, or delete it when there are spares enough."""
        if len(self._spares) < SPARE_CARDS:
            self._spares.append(card)
        else:
            card.deleteLater()

    def _new_card(self) -> FindingCard:
        card = FindingCard(self.holder)  # a child of the column from the start, hidden until placed
        card.hide()
        card.activated.connect(self.finding_activated)
        card.action_chosen.connect(self._on_action)
        return card

    def _on_action(self, action: str, finding: Finding) -> None:
        {"acknowledge": self.acknowledge_requested, "override": self.override_requested,
         "notify": self.notify_requested}[action].emit(finding)

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
        """A card for a finding no card shows: a spare filled (a new one only when none is left)."""
        kind, status = statuses.get(finding.key, ("open", ""))
        actions: tuple[str, ...] = ()
        if not self.read_only and kind == "open" and not finding.is_hard_stop:
            actions = ("acknowledge",)
        if not self.read_only and finding.is_hard_stop and kind in ("open", "notified") and finding.overridable:
            actions = ("override", "notify") if kind == "open" else ("override",)
        card = self._spares.pop() if self._spares else self._new_card()
        card.fill(finding, self.form, status, kind, actions)
        return card

    def _refilled_missing(self, spare: dict[tuple, list[QFrame]], missing: tuple[str, ...]) -> QFrame | None:
        """The missing-answers card shown until now, filled with ``missing`` (None: there was none)."""
        for identity, cards in spare.items():
            if identity[0] == "missing" and cards:
                card = cards.pop(0)
                card.fill(missing)  # type: ignore[attr-defined]
                return card
        return None

    def _missing_card(self, missing: tuple[str, ...]) -> QFrame:
        card = MissingCard(self.form, self.finding_activated.emit)
        card.fill(missing)
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
        # What was dealt with is said too: "no problems" would hide that a physician overrode a hard stop.
        overridden = sum(1 for f in findings if f.is_hard_stop and statuses.get(f.key, ("open",))[0] == "overridden")
        acknowledged = sum(1 for f in findings if not f.is_hard_stop and f.key in statuses)
        if overridden:
            parts.append(f"{overridden} hard stop{'s' if overridden != 1 else ''} overridden by a physician")
        if acknowledged:
            parts.append(f"{acknowledged} warning{'s' if acknowledged != 1 else ''} acknowledged")
        text = ", ".join(parts) if parts else messages.text("findings.none")
        self.summary.setText(text)
        self.summary.setAccessibleName(f"Findings: {text}")
        role = "finding-hard_stop" if open_stops else "finding-warning" if warnings else "help" if missing else "ok"
        theme.set_role(self.summary, role)

    def first_card(self) -> QWidget | None:
        """The first card, for keyboard focus."""
        return self.cards[0] if self.cards else None
