"""WrapLabel answers heightForWidth exactly like a plain wrapped QLabel, and after a new text, font or
style it answers for the new one (its remembered heights are forgotten)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from checklist_app.ui import theme
from checklist_app.ui.widgets.wrap_label import WrapLabel

LONG = "Medicine recorded as Other: " + "; ".join(f"#{n} Remedy {n:03d} extended-release tablet" for n in range(40))


def plain(text: str, font: QFont | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if font is not None:
        label.setFont(font)
    return label


def test_heights_match_a_plain_label_and_follow_text_font_and_style(qtbot):
    label = WrapLabel(LONG, "help")
    reference = plain(LONG)
    theme.set_role(reference, "help")
    qtbot.addWidget(label)
    qtbot.addWidget(reference)
    widths = (120, 240, 360, 240)
    assert [label.heightForWidth(w) for w in widths] == [reference.heightForWidth(w) for w in widths]
    tall = label.heightForWidth(240)
    label.setText("short")
    assert label.heightForWidth(240) == plain("short").heightForWidth(240) < tall
    label.setText(LONG)
    big = QFont(label.font())
    big.setPointSizeF(label.font().pointSizeF() * 2)
    label.setFont(big)
    assert label.heightForWidth(240) == plain(LONG, big).heightForWidth(240) > tall
    label.setFont(reference.font())
    theme.set_role(label, "item-label")  # another look (bold): the style sheet may change the font
    theme.set_role(reference, "item-label")
    assert label.heightForWidth(240) == reference.heightForWidth(240)
    label.setContentsMargins(60, 10, 60, 10)  # narrower text area: more lines
    reference.setContentsMargins(60, 10, 60, 10)
    assert label.heightForWidth(240) == reference.heightForWidth(240) > tall


def test_clear_and_set_num_forget_the_heights_too(qtbot):
    label = WrapLabel(LONG)
    qtbot.addWidget(label)
    tall = label.heightForWidth(240)
    label.clear()
    assert label.heightForWidth(240) == plain("").heightForWidth(240) < tall
    label.setText(LONG)
    assert label.heightForWidth(240) == tall
    label.setNum(7)
    assert label.heightForWidth(240) == plain("7").heightForWidth(240) < tall


def test_it_is_a_plain_text_wrapped_label_named_for_screen_readers(qtbot):
    label = WrapLabel("<b>not bold</b>", name="Summary")
    qtbot.addWidget(label)
    assert label.wordWrap() and label.accessibleName() == "Summary"
    assert label.textFormat().name == "PlainText"
