"""The review before signing: every answer and every finding, read-only, in one scrollable page.

Signing is offered only from here, so nobody signs what they have not seen. When the checklist is not
ready (answers missing, a hard stop neither overridden nor recorded as not cleared, a warning not
acknowledged) the reason is shown and the Sign button stays off.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from checklist_app.ui import controls
from checklist_app.ui.dialogs.base import FormDialog


class ReviewDialog(FormDialog):
    """``ask`` returns True when the nurse goes on to sign."""

    primary_text = "&Sign..."

    def __init__(self, parent: QWidget | None, html: str, blocked: str = "") -> None:
        super().__init__(parent, "Review before signing",
                         "Read every answer and finding. To change something, go back to the checklist.")
        self.browser = QTextBrowser()
        self.browser.setObjectName("review_text")
        self.browser.setAccessibleName("Review of every answer and finding")
        self.browser.setHtml(html)
        self.browser.setMinimumHeight(360)
        self.outer.insertWidget(self.outer.indexOf(self.problem), self.browser, 1)
        self.cancel_button.setText("&Back to the checklist")
        self.cancel_button.setAccessibleName(controls.plain(self.cancel_button.text()))
        self.primary_button.setEnabled(not blocked)
        self.show_problem(blocked)
        if parent is not None:
            size = parent.window().size()
            self.resize(int(size.width() * 0.8), int(size.height() * 0.9))
        self.initial_focus = self.browser

    def on_primary(self) -> None:
        self.result_value = True
        self.accept()
