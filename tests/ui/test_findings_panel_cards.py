"""The findings panel changes only the cards whose finding changed: the others stay the same objects (a
keystroke does not rebuild the column), the order is always the engine's, a card taken off and brought
back by the next keystroke is the same card shown again, and the result reads exactly like a panel
built from scratch."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from checklist_app.domain.findings import Finding
from checklist_app.ui.context import shipped_form
from checklist_app.ui.findings_panel import RETIRED_CARDS, FindingCard, FindingsPanel

FORM = shipped_form()


def finding(name: str, severity: str = "warning", message: str | None = None, item_id: str = "pain_score") -> Finding:
    text = message or f"{name} is a problem"
    return Finding(key=f"R-{name}:{item_id}@{abs(hash(text)) % 10**8:08d}", rule_id=f"R-{name}", item_id=item_id,
                   severity=severity, message=text, action=f"Deal with {name}", source_id="SRC", citation="p. 1")


STOP, WARN, OTHER = finding("stop", "hard_stop", item_id="systemic_infection"), finding("warn"), finding("other")


@pytest.fixture
def panel(qtbot):
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
    assert panel.cards[3] is not missing and panel.cards[3].objectName() == "missing_card"
    assert "1 answer missing" in panel.summary.text() and missing.isHidden()


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


POOL = (STOP, WARN, OTHER, finding("fourth"), finding("warn", message="warn is worse"))
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
