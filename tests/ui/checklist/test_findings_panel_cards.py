"""The findings panel changes only the cards whose finding changed: the others stay the same objects (a
keystroke does not rebuild the column), the order is always the engine's, a card taken off and brought
back by the next keystroke is the same card shown again, a new finding is shown on a spare card made
when the panel was first shown (refilled, not made on the keystroke), the missing-answers card is filled
again when the count changes, and the result reads and looks exactly like a panel built from scratch."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from checklist_app.domain.findings import Finding
from checklist_app.ui import messages, theme
from checklist_app.ui.checklist.finding_card import MissingCard
from checklist_app.ui.checklist.findings_panel import RETIRED_CARDS, SPARE_CARDS, FindingCard, FindingsPanel
from checklist_app.ui.widgets.wrap_label import WrapLabel
from checklist_app.workflows.session import shipped_form

FORM = shipped_form()


def finding(name: str, severity: str = "warning", message: str | None = None, item_id: str = "pain_score",
            **extra) -> Finding:
    text = message or f"{name} is a problem"
    return Finding(key=f"R-{name}:{item_id}@{zlib.crc32(text.encode()):08x}", rule_id=f"R-{name}", item_id=item_id,
                   severity=severity, message=text, action=f"Deal with {name}", source_id="SRC", citation="p. 1",
                   **extra)


STOP, WARN, OTHER = finding("stop", "hard_stop", item_id="systemic_infection"), finding("warn"), finding("other")


@pytest.fixture
def panel(qapp, qtbot):
    theme.apply_theme(qapp)  # the app's style sheet: cards refilled with another role must be styled again
    widget = FindingsPanel(FORM)
    qtbot.addWidget(widget)
    widget.resize(360, 700)
    widget.show()
    return widget


def laid_out(panel: FindingsPanel) -> list:
    """The cards in the order the column shows them."""
    return [panel.card_layout.itemAt(i).widget() for i in range(panel.card_layout.count() - 1)]  # less the stretch


def describe(panel: FindingsPanel) -> list[tuple]:
    """What a reader gets from the column: each card's name, description and buttons."""
    out = []
    for card in laid_out(panel):
        buttons = [card.buttons.itemAt(i).widget().text() for i in range(card.buttons.count())] \
            if isinstance(card, FindingCard) else []
        out.append((card.accessibleName(), card.accessibleDescription(), tuple(buttons), card.isVisibleTo(panel)))
    return out


def test_unchanged_findings_keep_their_cards_and_the_order_is_the_engines(panel):
    panel.show_findings((STOP, WARN, OTHER), ("patient_name", "mrn"), {})
    stop, warn, other, missing = panel.cards
    assert missing.objectName() == "missing_card"
    changed = finding("warn", message="warn is a different problem now")
    panel.show_findings((STOP, OTHER, changed), ("patient_name", "mrn"), {})
    assert panel.cards[:2] == [stop, other] and panel.cards[3] is missing
    assert panel.cards[2] is not warn and panel.cards[2].finding == changed
    assert laid_out(panel) == panel.cards
    assert [c.finding.key for c in panel.cards[:3]] == [STOP.key, OTHER.key, changed.key]
    panel.show_findings((OTHER, STOP, changed), ("patient_name",), {})  # reordered; one answer less missing
    assert panel.cards[:3] == [other, stop, panel.cards[2]] and laid_out(panel) == panel.cards
    assert panel.cards[3] is missing and missing.isVisibleTo(panel)  # the same card, filled again
    assert missing.accessibleName() == "1 required answer is missing."
    assert "1 answer missing" in panel.summary.text()


def test_a_status_change_replaces_only_that_card(panel):
    panel.show_findings((STOP, WARN), (), {})
    stop, warn = panel.cards
    panel.show_findings((STOP, WARN), (), {WARN.key: ("acknowledged", "Acknowledged by Test Nurse")})
    assert panel.cards[0] is stop and panel.cards[1] is not warn
    assert panel.cards[1].kind == "acknowledged" and "acknowledged" in panel.cards[1].accessibleName()


def test_a_card_taken_off_and_brought_back_is_the_same_card_shown_again(panel):
    panel.show_findings((WARN,), (), {})
    warn = panel.cards[0]
    panel.show_findings((STOP, WARN), (), {})  # "Y": a hard stop appears
    stop = panel.cards[0]
    panel.show_findings((WARN,), (), {})  # "N": it goes
    assert panel.cards == [warn] and stop.isHidden() and laid_out(panel) == [warn]
    panel.show_findings((STOP, WARN), (), {})  # "Y" again
    assert panel.cards == [stop, warn] and stop.isVisibleTo(panel) and laid_out(panel) == [stop, warn]
    for n in range(RETIRED_CARDS * 3):  # many different findings come and go: only a few cards are kept
        panel.show_findings((finding(f"f{n}"),), (), {})
    assert len(panel._retired) <= RETIRED_CARDS


def test_a_new_finding_is_shown_on_a_spare_card_made_before(panel, monkeypatch):
    spares = list(panel._spares)  # made when the panel was shown
    assert len(spares) == SPARE_CARDS and all(card.isHidden() and card.parent() is panel.holder for card in spares)
    made = []
    monkeypatch.setattr(FindingCard, "__init__", lambda *a, **k: made.append(a) or pytest.fail("a card was made"))
    panel.show_findings((WARN,), (), {})
    panel.show_findings((STOP, WARN), (), {})
    assert not made and not panel._spares
    assert set(panel.cards) == set(spares) and [c.finding for c in panel.cards] == [STOP, WARN]
    assert all(card.isVisibleTo(panel) for card in panel.cards)


def test_answering_a_missing_question_fills_the_missing_card_again(panel, monkeypatch):
    panel.show_findings((WARN,), ("patient_name", "mrn", "sex"), {})
    missing = panel.cards[-1]
    monkeypatch.setattr(MissingCard, "__init__", lambda *a, **k: pytest.fail("a missing-answers card was made"))
    for left in (("mrn", "sex"), ("sex",), ("mrn", "sex")):
        panel.show_findings((WARN,), left, {})
        assert panel.cards[-1] is missing and missing.missing == left
    assert "Next: " in missing.next_label.text() and "Sex" in missing.next_label.text()


def test_cards_retired_long_ago_are_filled_again_not_made_again(panel, monkeypatch):
    """Many different findings coming and going (one at a time) never make a card once the first few exist:
    the oldest retired card becomes the spare for the next new finding."""
    for n in range(RETIRED_CARDS + 1):
        panel.show_findings((finding(f"f{n}"),), (), {})
    monkeypatch.setattr(FindingCard, "__init__", lambda *a, **k: pytest.fail("a card was made"))
    for n in range(RETIRED_CARDS + 1, 3 * RETIRED_CARDS):
        panel.show_findings((finding(f"f{n}"),), (), {})
        assert panel.cards[0].finding.rule_id == f"R-f{n}" and panel.cards[0].isVisibleTo(panel)
    assert len(panel._retired) == RETIRED_CARDS and len(panel._spares) <= SPARE_CARDS
    assert all(card.isHidden() for card in [*panel._retired.values(), *panel._spares])


def test_read_only_cards_have_no_actions(panel):
    panel.show_findings((STOP, WARN), (), {})
    assert describe(panel)[0][2] == ("Physician override...", "Not cleared...")
    panel.read_only = True
    panel.show_findings((STOP, WARN), (), {})
    assert [d[2] for d in describe(panel)] == [(), ()]


def test_typing_keeps_focus_while_cards_come_and_go(qtbot, panel):
    edit = QLineEdit(panel)  # stands for a field in the open section
    panel.layout().addWidget(edit)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    for n in range(6):
        QTest.keyClick(edit, Qt.Key.Key_X)
        panel.show_findings((STOP, WARN) if n % 2 == 0 else (WARN,), ("mrn",) if n % 3 else (), {})
        qtbot.wait(1)
        assert edit.hasFocus()
    assert edit.text() == "x" * 6


POOL = (STOP, WARN, OTHER, finding("fourth"), finding("warn", message="warn is worse"),
        finding("unsure", "hard_stop", unconfirmed=True, overridable=False, item_id="no_such_item"))
STATES = st.lists(st.tuples(
    st.lists(st.sampled_from(POOL), unique_by=lambda f: f.key, max_size=4),
    st.sampled_from([(), ("mrn",), ("mrn", "patient_name")]),
    st.dictionaries(st.sampled_from([f.key for f in POOL]),
                    st.sampled_from([("acknowledged", "Acknowledged by Test Nurse"), ("notified", "Told Dr X")]),
                    max_size=2),
), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(STATES)
def test_after_any_sequence_the_column_reads_like_one_built_from_scratch(qtbot, panel, states):
    for findings, missing, statuses in states:
        panel.show_findings(tuple(findings), missing, statuses)
        fresh = FindingsPanel(FORM)
        qtbot.addWidget(fresh)
        fresh.resize(360, 700)
        fresh.show()
        fresh.show_findings(tuple(findings), missing, statuses)
        assert describe(panel) == describe(fresh)
        assert panel.summary.text() == fresh.summary.text()
        assert laid_out(panel) == panel.cards
        QApplication.sendPostedEvents()  # the layouts, as the event loop runs them before the next paint
        QApplication.processEvents()
        assert panel.grab().toImage() == fresh.grab().toImage()  # refilled cards look like new ones


UNSURE = POOL[-1]
FILLS = [  # (finding, status, kind, actions) as the panel fills a card
    (STOP, "", "open", ("override", "notify")),
    (WARN, "", "open", ("acknowledge",)),
    (WARN, "Acknowledged by Test Nurse", "acknowledged", ()),
    (STOP, "Told Dr X", "notified", ("override",)),
    (STOP, "Overridden by Dr X", "overridden", ()),
    (UNSURE, "", "open", ()),
]


def shown_card(qtbot, *fills) -> tuple[FindingCard, QWidget]:
    """A card in a column 360 wide (returned too, to keep it alive), filled with each of ``fills`` in turn
    (shown, and styled, after the first), laid out and ready to paint."""
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.resize(360, 400)
    card = FindingCard(holder)
    holder.setLayout(QVBoxLayout())
    holder.layout().addWidget(card)
    holder.layout().addStretch(1)
    field = QLineEdit()  # takes the focus, so that no card draws a focus frame
    holder.layout().addWidget(field)
    field.setFocus()
    for n, (found, status, kind, actions) in enumerate(fills):
        card.fill(found, FORM, status, kind, actions)
        if n == 0:
            holder.show()
            QApplication.processEvents()
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    return card, holder


def expected_look(found: Finding, status: str, kind: str) -> tuple:
    """What a card for ``found`` shows, written out from the finding: the card's and title's style roles, and
    its visible texts in order."""
    done = kind in ("acknowledged", "overridden")
    heading = {"acknowledged": " - acknowledged", "overridden": " - overridden",
               "notified": " - NOT CLEARED, physician notified"}.get(kind, "")
    where = "Active infection anywhere (on treatment or suspected) (Infection screen)" \
        if found.item_id == "systemic_infection" else "Back pain score now (0-10) (Procedure)" \
        if found.item_id == "pain_score" else found.item_id
    texts = [("HARD STOP" if found.is_hard_stop else "WARNING") + heading, found.message,
             f"What to do: {found.action}", f"Item: {where}", f"Source: {found.source_id} - {found.citation}"]
    if found.unconfirmed:
        texts.append(messages.text("findings.unconfirmed"))
    if status:
        texts.append(status)
    return "card-done" if done else f"card-{found.severity}", f"finding-{found.severity}", texts


def look(card: FindingCard) -> tuple:
    texts = [label.text() for label in card.findChildren(WrapLabel) if label.isVisibleTo(card)]
    return card.property("role"), card.title.property("role"), texts


@pytest.mark.parametrize("target", range(len(FILLS)))
def test_a_refilled_card_looks_like_a_card_made_for_its_finding(qapp, qtbot, target):
    theme.apply_theme(qapp)
    made, _column = shown_card(qtbot, FILLS[target])
    for before in range(len(FILLS)):
        refilled, _other_column = shown_card(qtbot, FILLS[before], FILLS[target])
        assert look(refilled) == look(made) == expected_look(*FILLS[target][:3])
        assert refilled.accessibleName() == made.accessibleName()
        assert [b.text() for b in refilled.findChildren(QPushButton) if b.isVisibleTo(refilled)] == \
            [b.text() for b in made.findChildren(QPushButton) if b.isVisibleTo(made)]
        assert refilled.size() == made.size()
        assert refilled.grab().toImage() == made.grab().toImage(), (FILLS[before][2], FILLS[target][2])
