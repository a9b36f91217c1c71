"""Open the checklist window (every section of three examples, one waiting for lab results) and its PIN
dialogs after a wrong PIN as a nurse would see them on a 1280x800 screen, and list every text that does not
fit; run as a script, in a process of its own per scale (QT_SCALE_FACTOR is read once per process):
``python layout_probe.py [PNG_FOLDER]`` prints how many screens it checked, then one problem a line (and
saves each screen in PNG_FOLDER when given).

What counts as not fitting, for visible widgets only: a one-line label or a button narrower than its text
(the text is elided or cut), a wrapped label shorter than its text at its width (lines cut off below), a
button or field squeezed below its height, a field's grey example text (placeholder) or a read-only field's
text (a calculated value) wider than the field, a table heading wider than its column or with more lines
than the header's height, a list row wider than the list or shorter than its wrapped text (a section's
state line cut off), controls drawn over one another in a dialog, and the banner changing height from one
section to the next.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QStyle,
    QWidget,
)

from checklist_app.ui import theme

WIDTH, HEIGHT = 1280, 800
DIRECT = Qt.FindChildOption.FindDirectChildrenOnly
EXAMPLES = ("hard-anticoagulant-hold", "warnings-only", "hard-incomplete")
UNANSWERED = {"hard-incomplete": ("weight_kg", "creatinine")}  # CrCl and eGFR then say what they wait for
WRONG_PIN = "The staff ID or PIN is not correct (4 attempts left before the account is locked)."  # as storage says


def _visible(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.textFormat() == Qt.TextFormat.RichText or label.pixmap() is not None and not text:
        return None
    room = label.contentsRect().width() - 2 * label.margin() - max(label.indent(), 0)
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"wrapped label {text!r}: {label.height()} px high, its text needs {needed}"
        return None
    if label.buddy() is not None:  # '&PIN:' shows as 'PIN:' (the & marks the Alt key)
        text = text.replace("&&", "\x00").replace("&", "").replace("\x00", "&")
    widest = max(label.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
    if widest > room + 1:
        return f"label {text!r}: {room} px wide, its text needs {widest}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    hint = button.sizeHint()
    if button.width() + 1 < hint.width():
        return f"button {button.text()!r}: {button.width()} px wide, needs {hint.width()}"
    if button.height() + 1 < button.minimumSizeHint().height():
        return f"button {button.text()!r}: squeezed to {button.height()} px high"
    return None


def _edit_problem(edit: QLineEdit) -> str | None:
    if edit.height() + 1 < edit.minimumSizeHint().height():
        return f"field {edit.accessibleName()!r}: squeezed to {edit.height()} px high"
    margins = edit.textMargins()
    if edit.isReadOnly() and edit.text():  # a calculated value: nobody scrolls through it
        room = edit.width() - margins.left() - margins.right() - 2 * (2 + 4 + 2)
        needed = edit.fontMetrics().horizontalAdvance(edit.text())
        return f"read-only {edit.text()!r}: {room} px of room, needs {needed}" if needed > room else None
    placeholder = edit.placeholderText()
    if not placeholder or edit.text():
        return None
    # The text area: inside the frame (2 px) and the style sheet's padding (about 4 px), less Qt's 2 px margin.
    room = edit.width() - margins.left() - margins.right() - 2 * (2 + 4 + 2)
    needed = edit.fontMetrics().horizontalAdvance(placeholder)
    if needed > room:
        return f"placeholder {placeholder!r} of {edit.accessibleName()!r}: {room} px of room, needs {needed}"
    return None


def _header_problems(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return []
    problems = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        needed = max(header.fontMetrics().horizontalAdvance(line) for line in text.split("\n")) + 2 * 6
        lines_room = header.height() // header.fontMetrics().lineSpacing()
        if text.count("\n") + 1 > lines_room:
            problems.append(f"column heading {text!r}: {lines_room} line(s) high")
        if text and needed > header.sectionSize(section):
            problems.append(f"column heading {text!r}: {header.sectionSize(section)} px wide, needs {needed}")
    return problems


def _list_problems(view: QListWidget) -> list[str]:
    """Rows whose wrapped text needs more height than the row has: the last line, a section's state, is cut
    off or elided. The text's width is the row's less the icon and the style's margins around both, as
    the style lays it out when painting."""
    problems = []
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    for row in range(view.count()):
        if view.isRowHidden(row):  # not shown at all (a section the site's policy leaves off)
            continue
        rect = view.visualRect(view.model().index(row, 0))
        width = rect.width() - view.iconSize().width() - 4 * margin - 2 * theme.LIST_ITEM_PADDING_X  # the sheet's
        text = view.item(row).text()
        needed = view.fontMetrics().boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text).height()
        if rect.right() >= view.viewport().width():  # laid out for a wider list (before its scroll bar showed)
            problems.append(f"list row {text!r}: {rect.width()} px wide in a list {view.viewport().width()} px wide")
        elif needed > rect.height():
            problems.append(f"list row {text!r}: {rect.height()} px high, its text needs {needed}")
    return problems


def problems_in(window: QWidget) -> list[str]:
    """Every text in ``window`` that does not fit (see the module's docstring)."""
    found: list[str | None] = []
    for label in window.findChildren(QLabel):
        if _visible(label, window):
            found.append(_label_problem(label))
    for button in window.findChildren(QAbstractButton):
        if _visible(button, window):
            found.append(_button_problem(button))
    for edit in window.findChildren(QLineEdit):
        if _visible(edit, window):
            found.append(_edit_problem(edit))
    for header in window.findChildren(QHeaderView):
        if _visible(header, window):
            found += _header_problems(header)
    for view in window.findChildren(QListWidget):
        if _visible(view, window):
            found += _list_problems(view)
    return [problem for problem in found if problem]


def overlaps(window: QWidget) -> list[str]:
    """Controls and texts drawn over one another (a problem shown after a wrong PIN once pushed 'Clear
    drawing' over the signature pad): any two visible ones whose rectangles cross, neither inside the other."""
    kinds = (QAbstractButton, QLabel, QLineEdit, QAbstractScrollArea)
    shown = [w for w in window.findChildren(QWidget) if _visible(w, window) and not w.isWindow()]
    parts = [w for w in shown if isinstance(w, kinds)
             or not any(_visible(c, window) for c in w.findChildren(QWidget, options=DIRECT))]  # or drawn by itself
    parts = [w for w in parts if not any(p is not w and p.isAncestorOf(w) for p in parts)]
    rects = [(w, QRect(w.mapTo(window, w.rect().topLeft()), w.size())) for w in parts]
    problems = []
    for number, (first, one) in enumerate(rects):
        for second, other in rects[number + 1:]:
            if one.intersects(other):
                names = [w.accessibleName() or getattr(w, "text", lambda: "")() or type(w).__name__
                         for w in (first, second)]
                problems.append(f"{names[0]!r} and {names[1]!r} overlap")
    return problems


def settle(app: QApplication, wait_ms: int = 0) -> None:
    """Let the layouts settle; ``wait_ms`` for those Qt delays (a list lays its rows out again 100 ms after a
    resize)."""
    QTest.qWait(wait_ms)
    for _ in range(3):
        app.processEvents()


def main(png_folder: Path | None) -> list[str]:
    from checklist_app import storage
    from checklist_app.ui.checklist.override_dialog import OverrideDialog
    from checklist_app.ui.checklist.window import ChecklistWindow
    from checklist_app.ui.context import AppContext
    from checklist_app.ui.signing.review_dialog import ReviewDialog
    from checklist_app.ui.signing.review_text import review_html
    from checklist_app.ui.signing.signature_dialog import SignatureDialog
    from checklist_app.workflows import signing
    from checklist_app.workflows.checklist_state import ChecklistState
    from checklist_app.workflows.demo import demo_data
    from checklist_app.workflows.store import ChecklistStore

    app = QApplication.instance() or QApplication([])
    theme.apply_theme(app)
    folder = Path(os.environ.get("CHECKLIST_APP_DATA_DIR") or tempfile.mkdtemp())
    db = storage.open_database(data_dir=folder)
    storage.add_staff(db, "rn.test", "Test Nurse", "RN", "nurse", "1357", actor="tests")
    storage.add_staff(db, "md.test", "Test Physician", "MD", "physician", "2468", actor="tests")
    db.close()
    ctx = AppContext(ChecklistStore.open(folder))
    ctx.set_user(ctx.store.staff("rn.test"))
    problems: list[str] = []
    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))  # 1280x800 device pixels are fewer logical ones
    size = (round(WIDTH / scale), round(HEIGHT / scale))

    looked = [0]

    def look(widget: QWidget, name: str) -> None:
        looked[0] += 1
        settle(app)
        problems.extend(f"{name}: {problem}" for problem in problems_in(widget))
        if png_folder is not None:
            widget.grab().save(str(png_folder / f"{name}.png"))

    finding = None
    for example in EXAMPLES:
        data = demo_data(ctx.form, ctx.now().date(), f"examples/{example}.json")
        data["record_id"] = example
        for item_id in UNANSWERED.get(example, ()):
            data["answers"].pop(item_id, None)
        state, _ = ChecklistState.from_data(ctx.form, data, fallback_staff="rn.test", now=ctx.now(),
                                            policy_id="sir-2019")
        window = ChecklistWindow(ctx, state)
        window.resize(*size)
        window.show()
        settle(app, 200)
        heights = set()
        for index, section in enumerate(ctx.form.sections):
            window.show_section(index, focus=False)
            look(window, f"{example}-{index + 1:02d}-{section.id}")
            heights.add(window.banner.height())
        finding = finding or next((f for f in window.view.shown if f.severity == "hard_stop"), None)
        if example == EXAMPLES[0]:  # the review before signing, with the reason signing is not offered yet
            checklist = window.checklist
            html = review_html(ctx.form, checklist.state.answers, checklist.evaluation, checklist.view,
                               checklist.statuses)
            review = ReviewDialog(window, html, signing.blocked_reason(checklist) or "Not ready to sign.")
            review.show()
            look(review, "review-dialog-not-ready")
            problems.extend(f"review-dialog-not-ready: {problem}" for problem in overlaps(review))
            review.close()
        if len(heights) > 1:
            problems.append(f"{example}: the banner's height changes between sections: {sorted(heights)}")
        window.close()
        window.deleteLater()
    dialogs = []
    if finding is not None:
        override = OverrideDialog(None, finding, lambda *_: (_ for _ in ()).throw(
            storage.AuthenticationError(WRONG_PIN, staff_id="md.test")), reasons=("Documented drug level",))
        dialogs.append((override, "override-dialog-after-error"))
    signature = SignatureDialog(None, signer_id="rn.test", meaning="I completed this checklist. No hard stop is "
                                "left open; hard stops were overridden by Dr Test Physician.",
                                sign=lambda *_: (_ for _ in ()).throw(storage.AuthenticationError(
                                    WRONG_PIN, staff_id="rn.test")))
    dialogs.append((signature, "signature-dialog-after-wrong-pin"))
    for dialog, name in dialogs:
        dialog.show()
        settle(app)
        dialog.id_edit.setText(dialog.id_edit.text() or "md.test")
        dialog.pin_edit.setText("0000")
        if hasattr(dialog, "reason_edit"):
            dialog.reason_edit.setText("Level checked with the lab")
        dialog.on_primary()
        look(dialog, name)
        problems.extend(f"{name}: {problem}" for problem in overlaps(dialog))
        dialog.close()
    settle(app)
    ctx.close()
    return [f"checked {looked[0]} screens", *problems]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    print("\n".join(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)))
