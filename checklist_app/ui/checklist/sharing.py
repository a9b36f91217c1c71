"""A checklist window among several workstations: read-only while another app holds the checklist, told at
once when it is taken over, and offered answers that were set aside.

A mixin of ``ChecklistWindow``, kept apart so that module stays small. The watcher (workflows.board) tells
the app that something changed elsewhere; each window then asks only about its own checklist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checklist_app.domain.errors import ChecklistError, StorageError
from checklist_app.storage.checkouts import Holder, local_time
from checklist_app.ui import messages, theme
from checklist_app.workflows import sharing
from checklist_app.workflows.opening import load_checklist

if TYPE_CHECKING:
    from checklist_app.ui.context import AppContext
    from checklist_app.workflows.open_checklist import OpenChecklist


class ChecklistSharing:
    """For a ChecklistWindow: ``ctx``, ``checklist``, ``pages``, ``findings``, ``save_label``, the buttons."""

    ctx: AppContext
    checklist: OpenChecklist
    pages: list[Any]
    findings: Any
    save_label: Any
    review_button: Any
    take_over_button: Any
    set_aside_button: Any
    view_only: Holder | None  # set while another app holds this draft: shown, not edited
    refused: bool = False  # a save was refused (changed elsewhere): shown, not edited, until taken back

    @property
    def holds_draft(self) -> bool:
        """Whether this window edits a draft this app holds (not a signed version, not a view)."""
        return self.checklist.signed is None and self.view_only is None and not self.refused

    def show_view_only(self, holder: Holder, text: str | None = None) -> None:
        """Show the draft without letting it be edited, saying who has it."""
        self.view_only = holder
        self._read_only(text or f"Read only: {holder.describe()}.")

    def _read_only(self, text: str) -> None:
        """Nothing on the draft can be edited or signed here; ``text`` says why; Take over is offered."""
        for page in self.pages:
            page.set_read_only(True)
        self.findings.read_only = True
        self.review_button.hide()
        self.set_aside_button.hide()
        self.take_over_button.show()
        self.save_label.setText(text)
        theme.set_role(self.save_label, "problem")
        self.show_evaluation()  # type: ignore[attr-defined]

    def take_over(self) -> None:
        """Take the checklist over from the app holding it (asked first; audited), or, after a refused save,
        read it again as it is now and edit it here."""
        holder = self.view_only
        if holder is None and not self.refused:
            return
        said = f"{holder.describe()}." if holder is not None else "This checklist changed elsewhere."
        if not messages.ask_choice(
                self, "Take over this checklist?", said,  # type: ignore[arg-type]
                "Taking it over lets you edit it here as it is now; any workstation that has it open is told at "
                "once and can no longer save into it. Answers not saved yet are set aside and offered to you.",
                act="Take over", stay="Cancel", name="take_over_question"):
            return
        try:
            loaded, _previous = sharing.take_over(self.ctx, self.checklist.record_id)
        except ChecklistError as exc:
            messages.show_error(self, exc)  # type: ignore[arg-type]
            return
        if loaded is None or loaded.signed is not None:
            messages.show_message(self, "This checklist is no longer a draft",  # type: ignore[arg-type]
                                  "It was signed or discarded meanwhile.", "Open it again from the worklist.")
            self.close()  # type: ignore[attr-defined]
            return
        self.view_only, self.refused = None, False
        self.take_over_button.hide()
        self._show_state(loaded.state, editable=True)
        self.save_label.setText("You took this checklist over; changes are saved as you type.")
        theme.set_role(self.save_label, "help")
        self.ctx.records_changed.emit()
        self.look_elsewhere()

    def look_elsewhere(self) -> None:
        """After a change somewhere: taken over? new set-aside answers? (a view: show the newest answers)."""
        if self.checklist.signed is not None or self.refused:
            return  # a refused window waits to be taken back; nothing else here changes
        try:
            if self.view_only is not None:
                self._follow_holder()
            else:
                holder = sharing.still_held(self.ctx, self.checklist.record_id)
                if holder is not None:
                    self.taken_over(holder)
                else:
                    self._show_set_asides()
        except StorageError:
            return  # the server is out of reach: the watcher says so; look again at the next change

    def taken_over(self, holder: Holder) -> None:
        """Another app took this checklist over: keep what was typed (set aside), then show it read-only."""
        self.commit_typing()  # type: ignore[attr-defined]
        try:
            self.ctx.autosaver.flush()
        except StorageError:
            pass  # refused as expected: autosave set the answers aside (or keeps them, and retries)
        self.show_view_only(holder, f"Taken over at {holder.workstation} by {holder.staff_name} at "
                                    f"{local_time(holder.opened_at.isoformat())}. Anything not saved here was set "
                                    f"aside for them to review. Read only now.")

    def on_save_conflict(self, record_id: str, message: str) -> None:
        """Autosave was refused because the checklist changed elsewhere; its answers were set aside."""
        if record_id != self.checklist.record_id or not self.holds_draft:
            return
        try:
            holder = sharing.still_held(self.ctx, record_id)
        except StorageError:
            holder = None
        if holder is not None:
            self.taken_over(holder)
            return
        # Signed, discarded or saved elsewhere while no one held it: nothing more is saved from this window
        # (autosave refuses and sets aside every later save too) until the checklist is read again.
        self.refused = True
        self._read_only(f"{message} Your unsaved answers were set aside. Read only now: take it over to edit it "
                        f"as it is now.")
        self.save_label.setToolTip(message)
        try:
            sharing.let_go(self.ctx, record_id)
        except StorageError:
            pass  # out of reach: the hold expires by itself

    def _follow_holder(self) -> None:
        holder = self.ctx.store.holder(self.checklist.record_id)
        loaded = load_checklist(self.ctx, self.checklist.record_id)
        if loaded is None or loaded.signed is not None:
            self.save_label.setText("This checklist was signed or discarded elsewhere. Close it and open it "
                                    "again from the worklist.")
            self.take_over_button.hide()
            return
        self._show_state(loaded.state, editable=False)
        previous, self.view_only = self.view_only, holder or self.view_only
        if holder is None:
            self.save_label.setText("Read only: the other workstation closed this checklist. Take it over to "
                                    "edit it here.")
        elif previous is None or holder.session_id != previous.session_id:
            self.save_label.setText(f"Read only: {holder.describe()}.")
        # else: the same holder; what the label says (perhaps why this window is read-only) still holds

    def _show_state(self, state: Any, *, editable: bool) -> None:
        from checklist_app.workflows.open_checklist import OpenChecklist

        self.checklist = OpenChecklist(self.ctx, state)
        for page in self.pages:
            page.set_read_only(not editable)
            page.set_answers(state.answers)
        self.findings.read_only = not editable
        self.review_button.setVisible(editable)
        if editable:
            self.ctx.store.mark_open(state.record_id)
            state.prepare_drafts()
        self.refresh()  # type: ignore[attr-defined]

    def _show_set_asides(self) -> None:
        waiting = self.ctx.store.set_asides(self.checklist.record_id)
        self.set_aside_button.setVisible(bool(waiting))
        if waiting:
            self.set_aside_button.setText(f"Set-aside answers ({len(waiting)})...")
            self.set_aside_button.setToolTip(f"Answers typed at {waiting[0].workstation} that could not be saved "
                                             f"into this checklist: keep yours or use theirs")

    def set_asides_gone_through(self) -> bool:
        """Before signing: go through set-aside answers first; False while some are left for later."""
        if not self.ctx.store.set_asides(self.checklist.record_id):
            return True
        self.review_set_asides()
        if not self.ctx.store.set_asides(self.checklist.record_id):
            return True
        messages.show_message(self, "Set-aside answers are waiting",  # type: ignore[arg-type]
                              "Answers typed at another workstation were set aside for this checklist.",
                              "Go through them (keep yours or use theirs) before signing.")
        return False

    def review_set_asides(self) -> None:
        """Go through answers set aside for this checklist: keep mine, or use theirs, answer by answer."""
        from checklist_app.ui.checklist.set_aside_dialog import SetAsideDialog

        for kept in self.ctx.store.set_asides(self.checklist.record_id):
            differences = sharing.differences(self.checklist, kept)
            dialog = SetAsideDialog(self, kept, differences)  # type: ignore[arg-type]
            if not dialog.exec():
                break  # decide later: they stay set aside
            self.commit_typing()  # type: ignore[attr-defined]
            try:
                sharing.use_set_aside(self.checklist, kept, dialog.chosen())
            except ChecklistError as exc:
                messages.show_error(self, exc)  # type: ignore[arg-type]
                break
            for page in self.pages:
                page.set_answers(self.checklist.state.answers)
            self.refresh()  # type: ignore[attr-defined]
        self._show_set_asides()
