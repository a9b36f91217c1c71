"""The checklist window: patient banner on top, sections on the left, the open section in the middle,
findings on the right. Everything in it is generated from the form; nothing is specific to one item.

Every answer goes to the state, the rules engine is asked again (it is pure and fast), the screen shows
the result, and autosave gets the draft (saved within a second, in the background). Text still being
typed is saved the same way but unaudited, so a crash loses at most a second of it; the audit trail
records it once it is committed (Enter, leaving the field, a pause), never as keystroke fragments.
Keyboard: Enter moves on through items and sections, Ctrl+PgDown/Ctrl+PgUp or Alt+Right/Alt+Left change
section, F6 moves between the three panes, Alt+R reviews and signs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QScrollArea, QSplitter, QStackedWidget, QWidget

from checklist_app.domain import conventions
from checklist_app.domain.errors import StorageError
from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.signed import SignedVersion
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.storage.checkouts import Holder
from checklist_app.ui import controls, gc_pause, messages, theme, unsaved
from checklist_app.ui.checklist import attestation_dialog, ehr_import, finding_actions
from checklist_app.ui.checklist.findings_panel import FindingsPanel
from checklist_app.ui.checklist.navigation import SectionNavigation
from checklist_app.ui.checklist.patient_banner import PatientBanner
from checklist_app.ui.checklist.section_list import SectionList
from checklist_app.ui.checklist.section_page import SectionPage
from checklist_app.ui.checklist.sharing import ChecklistSharing
from checklist_app.ui.context import AppContext
from checklist_app.ui.controls import show_shortcuts
from checklist_app.ui.planning import hooks as planning_hooks
from checklist_app.ui.signing import amend as amend_flow
from checklist_app.ui.signing import flow as signing_flow
from checklist_app.ui.signing import packet as packet_flow
from checklist_app.workflows import sharing
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.section_state import Overview
from checklist_app.workflows.signing import settle_signed

WINDOW_TITLE = "Pre-procedure checklist"  # never the patient's name: titles show in taskbars and shares


class ChecklistWindow(ChecklistSharing, SectionNavigation, QMainWindow):
    """One patient's checklist, editable (a draft this app holds) or read-only (signed, or a draft another
    app holds: ``view_only``)."""

    closed = Signal(str)
    status_changed = Signal(str)

    def __init__(self, ctx: AppContext, state: ChecklistState, signed: SignedVersion | None = None, *,
                 view_only: Holder | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.view_only = view_only
        self.checklist = OpenChecklist(ctx, state, signed)  # the policy is loaded here: refused before any widget
        self._typing: set[str] = set()  # items whose typed text is saved unaudited but not committed yet
        self._attested_items = [i.id for i in ctx.form.iter_items() if getattr(i, "attested_by", None)]
        self._attestation_lines: dict[str, QWidget] = {}  # item -> its "Attested by ..." line, made when needed
        # Whether the draft holds answers the audit trail lacks: typing saved unaudited, or a draft
        # recovered after a crash with such typing in it. audit_draft() records them.
        self._unaudited = False
        if signed is None and view_only is None:
            draft = ctx.store.load_draft(state.record_id)
            self._unaudited = draft is not None and not draft.audited
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("checklist_window")
        self.setAccessibleName("Checklist")
        self._build()
        for page in self.pages:
            page.set_answers(state.answers)
        self.show_evaluation()  # the checklist was just evaluated
        self.show_section(self._first_open_section(), focus=False)
        if signed is not None:
            self._show_signed(signed)
        elif view_only is not None:
            self.show_view_only(view_only)
        else:
            ctx.store.mark_open(state.record_id)
            state.prepare_drafts()
            self._show_set_asides()
        ehr_import.install(self)  # 'From the EHR' (import, pull again) and the source line under pre-filled answers
        planning_hooks.install_checklist(self)  # 'Pre-admission plan...' when a signed plan is found for the day
        ctx.saved.connect(self._on_saved)
        ctx.save_failed.connect(self._on_save_failed)
        ctx.save_conflict.connect(self.on_save_conflict)
        ctx.board_changed.connect(self.look_elsewhere)
        ctx.server_trouble.connect(self._on_server_trouble)
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        gc_pause.window_opened()
        self._gc_paused = True

    # --- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        # Built top-down, each widget created inside its final parent: moving a finished subtree into a
        # new parent makes Qt re-apply the style sheet to all of it, which triples the opening time.
        form = self.ctx.form
        central = QWidget(self)
        self.setCentralWidget(central)
        layout = controls.vbox(central, spacing=0)
        self.banner = PatientBanner(form, central)
        layout.addWidget(self.banner)
        body = controls.vbox(spacing=theme.SPACING, margins=theme.SPACING)
        layout.addLayout(body, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, central)
        splitter.setChildrenCollapsible(False)
        body.addWidget(splitter, 1)
        policy = self.checklist.policy
        self.section_list = SectionList(form, splitter, switched_off=frozenset(
            s.id for s in form.sections if s.optional and s.id not in policy.sections_on))
        self.section_list.setMinimumWidth(200)
        self.section_list.section_chosen.connect(lambda row: self.show_section(row, focus=False))
        self.section_list.activated.connect(lambda index: self.show_section(index.row()))  # Enter: into it
        self.stack = QStackedWidget(splitter)
        self.findings = FindingsPanel(form, splitter)
        self.findings.setMinimumWidth(260)
        self.findings.finding_activated.connect(self.go_to_item)
        self.findings.acknowledge_requested.connect(lambda f: self._act(finding_actions.acknowledge, f))
        self.findings.override_requested.connect(lambda f: self._act(finding_actions.override, f))
        self.findings.notify_requested.connect(lambda f: self._act(finding_actions.notify, f))
        for index, stretch in enumerate((2, 5, 3)):
            splitter.setStretchFactor(index, stretch)
        splitter.setSizes([240, 640, 360])
        self.pages: list[SectionPage] = []
        self.scrolls: list[QScrollArea] = []
        for section in form.sections:
            scroll = QScrollArea(self.stack)
            scroll.setWidgetResizable(True)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.stack.addWidget(scroll)
            page = SectionPage(form, section, self.ctx.now, parent=scroll.viewport())
            scroll.setWidget(page)
            page.answer_changed.connect(self._on_answer_changed)
            page.answer_edited.connect(self._on_answer_edited)
            page.finished.connect(self._on_page_finished)
            self.pages.append(page)
            self.scrolls.append(scroll)
        self.previous_button = controls.button("&Previous section", self.previous_section,
                                               tooltip="Alt+Left or Ctrl+PgUp")
        self.next_button = controls.button("&Next section", self.next_section, tooltip="Alt+Right or Ctrl+PgDown")
        self.save_label = controls.label("F1 lists the keyboard shortcuts", role="help", wrap=False,
                                         name="Save status")
        self.review_button = controls.button("&Review and sign...", self.review_and_sign, role="primary")
        self.packet_button = controls.button("Print pac&ket...", self.show_packet, role="primary")
        self.packet_button.hide()
        self.amend_button = controls.button("&Amend...", self.amend, tooltip="Change a signed checklist: a new "
                                                                              "version, with a reason, signed again")
        self.amend_button.hide()
        self.close_button = controls.button("&Close", self.close)
        self.take_over_button = controls.button("&Take over...", self.take_over,
                                                tooltip="Edit it here; the workstation that has it open is told")
        self.take_over_button.hide()
        self.set_aside_button = controls.button("Review set-aside answers...", self.review_set_asides,
                                                role="primary")
        self.set_aside_button.hide()
        body.addLayout(controls.hbox(self.previous_button, self.next_button, self.save_label, None,
                                     self.set_aside_button, self.close_button, self.take_over_button,
                                     self.amend_button, self.review_button, self.packet_button))
        keys = [("Ctrl+PgDown", self.next_section), ("Alt+Right", self.next_section),
                ("Ctrl+PgUp", self.previous_section), ("Alt+Left", self.previous_section),
                ("F6", lambda: self.cycle_pane(1)), ("Shift+F6", lambda: self.cycle_pane(-1)),
                ("Ctrl+W", self.close), ("Ctrl+L", self.lock_workstation), ("F1", lambda: show_shortcuts(self))]
        for sequence, slot in keys:
            QShortcut(QKeySequence(sequence), self, slot)

    # --- the open checklist, as the window shows it ---------------------------------------------------
    @property
    def state(self) -> ChecklistState:
        """The answers, acknowledgements and overrides."""
        return self.checklist.state

    @property
    def signed(self) -> SignedVersion | None:
        """The signed version shown (None while the checklist is a draft)."""
        return self.checklist.signed

    @property
    def policy(self) -> PolicyDefinition:
        """The policy the checklist is checked against."""
        return self.checklist.policy

    @property
    def evaluation(self) -> Evaluation:
        """What the rules engine said at the last refresh."""
        return self.checklist.evaluation

    @property
    def view(self) -> Overview:
        """Section states, findings shown and missing answers at the last refresh."""
        return self.checklist.view

    @property
    def statuses(self) -> dict[str, tuple[str, str]]:
        """What was done about each finding, in words."""
        return self.checklist.statuses

    def _act(self, action: Callable[[QWidget, OpenChecklist, Finding], bool], finding: Finding) -> None:
        """Run a finding action's dialog; re-evaluate and save when it recorded something."""
        if action(self, self.checklist, finding):
            self.record_changed()

    # --- evaluation and saving ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask the rules engine about the current answers and show the result everywhere."""
        self.checklist.refresh()
        self.show_evaluation()

    def show_evaluation(self) -> None:
        """Show the checklist's last evaluation everywhere: banner, sections, fields, findings."""
        status = self.view.status if self.signed is None else self._signed_status()
        self.banner.update_from(self.state.answers, status, self.ctx.now())
        self.section_list.set_states(self.view.sections)
        by_item: dict[str, list[Any]] = {}
        for finding in self.view.shown:
            by_item.setdefault(finding.item_id, []).append(finding)
        resolved = {k for k, (kind, _) in self.statuses.items() if kind in ("acknowledged", "overridden")}
        for page in self.pages:
            page.apply(self.evaluation, by_item, resolved)
        self.findings.show_findings(self.view.shown, self.view.missing if self.signed is None else (),
                                    self.statuses)
        self._show_attestations()

    def _show_attestations(self) -> None:
        """Under each checked physician's statement, who attests it (or that nobody is named yet)."""
        form = self.ctx.form
        for item_id in self._attested_items:
            widget = self.pages[form.sections.index(form.section_of(item_id))].items[item_id]
            attestation = self.state.attestation(item_id)
            if self.state.answers.get(item_id) is not True:
                text = ""  # checking it asks which physician attests it
            elif attestation is None:
                text = "No physician named: uncheck it and check it again to name the physician."
            else:
                text = f"{attestation.statement}."
            label = self._attestation_lines.get(item_id)
            if label is None and text:
                label = self._attestation_lines[item_id] = controls.label("", role="help", name="Attested by")
                label.setObjectName(f"attestation_{item_id}")
                widget.layout().addWidget(label)
            if label is not None:
                label.setText(text)
                label.setVisible(bool(text))

    def lock_workstation(self) -> None:
        """Ctrl+L: lock now, as the worklist's Lock button does (text being typed is saved first)."""
        if self.ctx.idle_lock is not None:
            self.commit_typing()
            self.ctx.idle_lock.lock()

    def staff_name(self, staff_id: str) -> str:
        """'A. Mensah, MD' for a staff ID (cached), else the ID itself."""
        return self.checklist.staff_name(staff_id)

    def _on_answer_edited(self, item_id: str, value: Any) -> None:
        """Text being typed: the findings follow it and it is saved now, unaudited (audited once committed)."""
        if not self.holds_draft or not self.state.set_answer(item_id, value):
            return
        self._typing.add(item_id)
        self.checklist.touch()
        self.refresh()
        self._autosave(audit=False)

    def _on_answer_changed(self, item_id: str, value: Any) -> None:
        if not self.holds_draft:
            return
        if not self._attestation_follows(item_id, value):
            return
        if not self.state.set_answer(item_id, value) and item_id not in self._typing:
            return
        self._typing.discard(item_id)
        self.record_changed()

    def _attestation_follows(self, item_id: str, value: Any) -> bool:
        """A physician's statement ticked: ask who attests it (cancelled: the box goes back to unticked).
        Unticked: its attestation is withdrawn. False when the change must not be taken."""
        item = self.ctx.form.item(item_id) if self.ctx.form.has_item(item_id) else None
        if getattr(item, "attested_by", None) is None:
            return True
        try:
            if value is True and self.state.attestation(item_id) is None:
                if not attestation_dialog.attest(self, self.checklist, item_id):
                    self.pages[self.ctx.form.sections.index(self.ctx.form.section_of(item_id))] \
                        .items[item_id].set_value(self.state.answers.get(item_id))
                    return False
            elif value is not True:
                self.checklist.withdraw_attestation(item_id)
        except StorageError as exc:
            messages.show_error(self, exc)
            return False
        return True

    def commit_typing(self) -> None:
        """Take any text still being typed as its answer now (before review, closing or quitting)."""
        form = self.ctx.form
        for item_id in list(self._typing):
            if form.has_item(item_id):
                page = self.pages[form.sections.index(form.section_of(item_id))]
                page.items[item_id].commit()
            self._typing.discard(item_id)  # committed now (or typed back to the answer it had)

    def record_changed(self) -> None:
        """After any committed change: who and when, re-evaluate, autosave (audited)."""
        # An audited save records every answer in the draft, so text still being typed in another field
        # is committed first: the trail must get it as an answer, not as the fragment typed so far.
        self.commit_typing()
        self.checklist.touch()
        self.refresh()
        if self._autosave(audit=True):
            self.status_changed.emit(self.state.record_id)

    def _autosave(self, *, audit: bool) -> bool:
        """Hand the draft to autosave (``audit=False``: typing, saved but not audited); False if refused."""
        try:
            self.checklist.save(audit=audit)
        except (RuntimeError, ValueError) as exc:
            messages.show_error(self, exc)
            return False
        self._unaudited = not audit
        self.save_label.setText("Saving...")
        return True

    def audit_draft(self) -> None:
        """Make sure the trail has every answer in the draft (before review, on close): typing recovered
        after a crash is saved but unaudited until something commits it. Writes nothing if all is audited."""
        self.commit_typing()
        if self.holds_draft and self._unaudited:
            self._autosave(audit=True)

    def _on_saved(self) -> None:
        if self.holds_draft and not self.ctx.autosaver.has_unsaved:
            amending = "Amendment, not signed yet. " if self.state.is_amendment else ""
            saved_at = conventions.format_time(self.ctx.now().astimezone(), seconds=True)
            self.save_label.setText(f"{amending}All changes saved at {saved_at}")
            theme.set_role(self.save_label, "help")

    def _on_save_failed(self, message: str) -> None:
        if not self.holds_draft:
            return
        self.save_label.setText("NOT SAVED YET, retrying every second. Your answers stay on screen.")
        self.save_label.setToolTip(message)
        theme.set_role(self.save_label, "problem")

    def _on_server_trouble(self, problem: str) -> None:
        if problem and self.holds_draft:
            self.save_label.setText("Waiting for the database server. Your answers stay on screen and are saved "
                                    "as soon as it is back.")
            self.save_label.setToolTip(problem)
            theme.set_role(self.save_label, "problem")
        elif not problem:
            self._on_saved()  # back: says "All changes saved" unless autosave still holds something

    # --- signing and closing ------------------------------------------------------------------------
    def review_and_sign(self) -> SignedVersion | None:
        """Review every answer and finding, then sign; the signed version, or None."""
        if not self.holds_draft:
            return None  # read only (taken over, or changed elsewhere): signing is for the app holding it
        self.audit_draft()
        if not self.set_asides_gone_through():
            return None
        self.refresh()
        version = signing_flow.review_and_sign(self, self.checklist)
        if version is not None:
            self.mark_signed(version)
        else:
            self.show_evaluation()  # a refused signing evaluated the checklist again
        return version

    def show_packet(self) -> None:
        """Preview, print or save the signed packet."""
        packet_flow.show_packet(self, self.checklist, self._on_printed)

    def _on_printed(self) -> None:
        self.ctx.records_changed.emit()
        self.status_changed.emit(self.state.record_id)

    def mark_signed(self, version: SignedVersion) -> None:
        """Show the checklist as signed (read-only) after signing."""
        settle_signed(self.checklist, version)  # evaluates it again
        self._let_go()
        self._show_signed(version)
        self.show_evaluation()
        packet_flow.keep_packet(self, self.checklist, version)  # the PDFs as of now, kept for every reprint
        self.status_changed.emit(self.state.record_id)
        self.ctx.records_changed.emit()

    def amend(self) -> None:
        """Amend the signed checklist: ask why, then reopen it as a draft based on this version."""
        amendment = amend_flow.amend(self, self.checklist)
        if amendment is not None:
            self.reopen_for_amendment(amendment.state)
            amend_flow.say_dropped(self, amendment)

    def reopen_for_amendment(self, state: ChecklistState) -> None:
        """Show an amendment's draft (made from the signed version on screen) editable, ready to sign again."""
        replaced = self.signed
        self.checklist = OpenChecklist(self.ctx, state)
        self._typing.clear()
        self._unaudited = False  # the amendment's draft was just saved, audited, from the signed version
        for page in self.pages:
            page.set_read_only(False)
            page.set_answers(state.answers)
        self.findings.read_only = False
        self.packet_button.hide()
        self.amend_button.hide()
        self.review_button.show()
        self.ctx.store.mark_open(state.record_id)
        self.refresh()
        number = replaced.version_no if replaced is not None else "?"
        self.save_label.setText(f"Amending version {number}: {state.amendment_reason}. Sign again to replace it.")
        theme.set_role(self.save_label, "help")
        self.show_section(self._first_open_section(), focus=True)
        self.status_changed.emit(state.record_id)
        self.ctx.records_changed.emit()

    def _signed_status(self) -> str:
        return "signed" if (self.signed and self.signed.cleared) else "signed_not_cleared"

    def _show_signed(self, version: SignedVersion) -> None:
        for page in self.pages:
            page.set_read_only(True)
        self.findings.read_only = True
        self.review_button.hide()
        self.packet_button.show()
        self.amend_button.show()
        self.packet_button.setFocus()
        signer = version.signer.name or version.signer.staff_id
        at = version.signed_at.astimezone()
        text = messages.text("sign.signed", name=signer, at=conventions.format_datetime(at))
        if version.replaces_version_id is not None:
            text += f" Amendment (version {version.version_no}): {version.amendment_reason}"
        self.save_label.setText(text)
        theme.set_role(self.save_label, "ok")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()  # a field waiting for Enter takes its text now
        self.audit_draft()
        if self.holds_draft:
            try:
                self.ctx.autosaver.flush()
            except StorageError as exc:
                if self.ctx.autosaver.unsaved_data(self.state.record_id) is not None:
                    # Closing would throw these answers away: stay open (autosave keeps retrying) and say so.
                    event.ignore()
                    unsaved.show_not_saved(self, exc)
                    return
        if self._gc_paused:  # closing from here on, whatever happens below
            self._gc_paused = False
            gc_pause.window_closed()
        if self.checklist.signed is None:
            self.ctx.store.mark_closed(self.state.record_id)  # closed on purpose, whatever its state: no crash
        if self.holds_draft:
            self._let_go()
        try:
            QApplication.instance().focusChanged.disconnect(self._on_focus_changed)
        except (RuntimeError, TypeError):
            pass
        self.closed.emit(self.state.record_id)
        super().closeEvent(event)

    def _let_go(self) -> None:
        """This app no longer holds the checklist (closed or signed); others may open it for work."""
        try:
            sharing.let_go(self.ctx, self.state.record_id)
        except StorageError:
            pass  # the server is out of reach: the hold expires by itself when no longer refreshed
