"""The patient's calendar on screen, with Print and Save: after a plan is signed, and on the day beside the
checklist ("Pre-admission plan"). Shows the PDF kept with the signed plan, exactly as the patient got it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QWidget

from checklist_app import storage
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.signed import SignedVersion
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.context import AppContext
from checklist_app.ui.signing.preview import PdfPreviewWidget
from checklist_app.workflows.plan_comparison import plan_name
from checklist_app.workflows.plan_records import CALENDAR_KIND


class CalendarDialog(QDialog):
    """One signed plan's calendar, as kept with it."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, version: SignedVersion, pdf: bytes) -> None:
        super().__init__(parent)
        self.ctx, self.version, self.pdf = ctx, version, pdf
        title = "Pre-admission plan"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setObjectName("plan_calendar_dialog")
        self.resize(760, 860)
        layout = controls.vbox(self, spacing=theme.SPACING, margins=theme.MARGIN)
        layout.addWidget(controls.label(title, role="title"))
        layout.addWidget(controls.label(f"The patient's calendar, {plan_name(version)} (version "
                                        f"{version.version_no}).", role="help", selectable=True,
                                        name="Which plan"))
        self.preview = PdfPreviewWidget(self)
        layout.addWidget(self.preview, 1)
        self.preview.set_pdf(pdf)
        self.large_check = QCheckBox("&Large print (16 pt)")
        self.large_check.setAccessibleName("Large print")
        self.large_check.toggled.connect(self._on_large_print_toggled)
        self.print_button = controls.button("&Print calendar...", self.print_calendar, role="primary")
        self.save_button = controls.button("&Save PDF...", self.save_calendar)
        self.close_button = controls.button("&Close", self.accept)
        layout.addLayout(controls.hbox(self.large_check, None, self.close_button, self.save_button,
                                       self.print_button))
        self.kept = pdf

    def _on_large_print_toggled(self, large: bool) -> None:
        """The calendar made again from the signed plan in 16 pt type (or the one kept, again)."""
        from checklist_app.workflows.plan_records import calendar_again

        try:
            self.pdf = calendar_again(self.ctx, self.version, large_print=True) if large else self.kept
        except ChecklistError as exc:
            messages.show_error(self, exc)
            return
        self.preview.set_pdf(self.pdf)

    def _documents(self) -> list[tuple[str, bytes]]:
        return [(f"{self.version.record_id}-calendar.pdf", self.pdf)]

    def print_calendar(self) -> None:
        """The system print dialog, then the site's printer; recorded as printed."""
        from checklist_app.ui.signing.printing import print_packet
        from checklist_app.workflows.print_jobs import sent_message

        try:
            job = print_packet(self, self._documents(), printer_name=self.ctx.site.printer,
                               paper=self.ctx.site.paper)
            if job is None:
                return
            storage.record_printed(self.ctx.store.db, self.version.record_id, self.version.version_id,
                                   staff_id=self.ctx.user_id(), kind=CALENDAR_KIND)
        except ChecklistError as exc:
            messages.show_error(self, exc)
            return
        messages.show_message(self, "Calendar printed", sent_message(job))

    def save_calendar(self) -> None:
        """Save the PDF in a folder the user picks; recorded as exported."""
        from checklist_app.ui.signing.printing import save_packet
        from checklist_app.workflows.print_jobs import saved_message

        try:
            paths = save_packet(self, self._documents())
            if not paths:
                return
            storage.record_exported(self.ctx.store.db, self.version.record_id, self.version.version_id,
                                    staff_id=self.ctx.user_id(), kind=CALENDAR_KIND, file_name=paths[0].name)
        except ChecklistError as exc:
            messages.show_error(self, exc)
            return
        messages.show_message(self, "Calendar saved", *saved_message(paths))


def show_calendar(parent: QWidget | None, ctx: AppContext, version: SignedVersion) -> CalendarDialog | None:
    """Open the calendar kept with ``version`` (non-modal); says so when none is kept."""
    pdf = ctx.store.pdf(version.version_id, CALENDAR_KIND)
    if pdf is None:
        messages.show_message(parent, "No calendar kept", f"Plan {version.record_id} has no calendar kept with it.")
        return None
    dialog = CalendarDialog(parent, ctx, version, pdf)
    dialog.show()
    return dialog
