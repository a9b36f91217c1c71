"""The worklist: the start window. Today's checklists, search by name or MRN (a wristband scan works:
the scanner types the MRN and Enter, which opens that patient), New checklist, and reopening drafts.

A checklist that was open when the app stopped unexpectedly is offered back at the top. The window title
never names a patient; the table is hidden whenever the workstation locks.

At start-up the window is painted before the app is open (``WorklistWindow(first_view=...)``: the rows read
with plain sqlite3, drafts "Checking..."), and made live by ``attach(ctx)`` once the database, form and
policies are loaded. Until then what needs them is disabled, the status bar says "Opening...", and a
checklist asked for (Enter after a wristband scan, a double-click) is opened as soon as the window is live.
Nothing here imports storage or pydantic at module level, so that first paint does not wait for them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QMainWindow, QTableView, QWidget

from checklist_app.domain import conventions
from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.planning import hooks as planning_hooks
from checklist_app.ui.worklist.model import COLUMNS, READY_COLUMN, STATUS_COLUMN, WorklistFilter, WorklistModel
from checklist_app.ui.worklist.opening import ChecklistOpening
from checklist_app.workflows.first_view import FirstView
from checklist_app.workflows.worklist_rows import WorklistRow, build_rows

if TYPE_CHECKING:  # imported when a checklist is opened: it pulls in the PDF stack, which start-up need not
    from checklist_app.ui.checklist.window import ChecklistWindow
    from checklist_app.ui.context import AppContext
    from checklist_app.workflows.readiness import ReadinessRules

WINDOW_TITLE = "Checklist worklist"
OPENING = "Opening the checklist database..."
OPENING_CHOSEN = "Opening the checklist database... the checklist you chose opens as soon as it is ready."


class WorklistWindow(ChecklistOpening, QMainWindow):
    """Today's checklists."""

    checklist_opened = Signal(object)  # the ChecklistWindow
    painted = Signal()  # once, after the first paint event was handled (start-up then opens the app)

    def __init__(self, ctx: AppContext | None = None, *, first_view: FirstView | None = None) -> None:
        super().__init__()
        self.ctx: AppContext | None = None  # None until attach(): the app is still opening
        self.open_windows: dict[str, ChecklistWindow] = {}
        self.recovered: list[str] = []
        self.pending_open: str | None = None  # chosen while opening; opened by attach()
        self.needs_app: list[QWidget] = []  # disabled while opening
        self._painted = False
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("worklist_window")
        self.setAccessibleName("Worklist")
        self._refresh_timer = QTimer(self, singleShot=True, interval=300, timeout=self.refresh)
        # Readiness says "in 3 h" and turns to "deadline passed" as the clock moves, between refreshes too.
        self._clock_timer = QTimer(self, interval=60_000, timeout=self._tick)
        self.readiness_rules: ReadinessRules | None = None
        self.readiness_problem = ""  # why readiness cannot be worked out (a broken planning file), or ""
        self._build()
        if ctx is not None:
            self.attach(ctx)
        else:
            self._show_first_view(first_view or FirstView())

    def attach(self, ctx: AppContext) -> None:
        """Make the window live on the open app: real statuses, every action, the recovery offer."""
        self.ctx = ctx
        self.staff_notice.setText(messages.text("startup.no_staff"))  # painted first from the cache's copy
        ctx.user_changed.connect(self._show_user)
        ctx.site_changed.connect(self._show_user)
        ctx.site_changed.connect(self._on_site_changed)
        self._load_readiness_rules()
        # A draft's status follows what autosave wrote, and changes made at other workstations show: at most one
        # refresh per timer period, however busy the unit. Starting the timer only when it is not running
        # matters: restarting it on each autosave would hold other bays' changes back while someone types here.
        ctx.records_changed.connect(self._refresh_soon)
        ctx.saved.connect(self._refresh_soon)
        ctx.board_changed.connect(self._refresh_soon)
        ctx.server_trouble.connect(self._show_server_trouble)
        ctx.watch_board()
        ctx.chart_export.connect(self._refresh_soon)  # "Sent to the chart" / "Waiting: ..." in the Chart column
        ctx.send_to_chart()
        if self.needs_app:
            for control in self.needs_app:
                control.setEnabled(True)
            self.statusBar().hide()
        self._show_user()
        self.refresh()
        self.show_recovered(ctx.store.crashed_records())
        pending, self.pending_open = self.pending_open, None
        if pending is not None:
            self.open_record(pending)

    @property
    def live(self) -> bool:
        """Whether the app is open (False while start-up shows the first view)."""
        return self.ctx is not None

    def _show_first_view(self, view: FirstView) -> None:
        self.facility_label.setText(view.facility_name)
        self.staff_notice.setVisible(not view.has_staff and not view.problem)
        self.model.set_rows(view.rows, datetime.now().astimezone())
        self._update_empty()
        if self.proxy.rowCount():
            self.table.selectRow(0)
        self.needs_app = [self.new_button, self.open_button, self.lock_button, self.settings_button, self.scope_combo,
                          self.risk_button]
        for control in self.needs_app:
            control.setEnabled(False)
        self.statusBar().showMessage(OPENING)

    def event(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        handled = super().event(event)
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.painted.emit()
        return handled

    def _build(self) -> None:
        self.facility_label = controls.label("", role="title", wrap=False)
        self.user_label = controls.label("", role="help", wrap=False)
        self.lock_button = controls.button("&Lock", self._lock, tooltip="Lock the workstation", icon="lock",
                                           shortcut="Ctrl+L")
        self.settings_button = controls.button("Se&ttings...", self._open_settings)
        self.reports_button = controls.button("Re&ports...", self._open_reports, tooltip="The unit's reports (admins)")
        self.risk_button = controls.button("Cases at &risk...", self._open_readiness,
                                           tooltip="A day's scheduled cases: which are not ready by the deadline")
        self.notice = controls.card("notice")
        self.notice.setObjectName("recovery_notice")
        notice_layout = controls.vbox(self.notice, margins=10)
        self.notice_label = controls.label("", name="Recovered checklist")
        self.reopen_button = controls.button("Re&open it now", self._reopen_recovered, role="primary")
        self.dismiss_button = controls.button("Later", self._dismiss_recovered)
        notice_layout.addWidget(self.notice_label)
        notice_layout.addLayout(controls.hbox(self.reopen_button, self.dismiss_button, None))
        self.notice.hide()
        self.staff_notice = controls.label(messages.text("startup.no_staff"), role="help")
        self.search_edit = controls.line_edit("Search by name or MRN",
                                              placeholder="Name or MRN")
        # Room for the whole hint, kept short enough to fit at 125% on 1280 px (scanning is in the tooltip).
        self.search_edit.setMinimumWidth(
            self.search_edit.fontMetrics().horizontalAdvance(self.search_edit.placeholderText()) + 16)
        self.search_edit.setToolTip("Type part of a name or an MRN, or scan the patient's wristband")
        self.search_edit.textChanged.connect(self._on_search)
        self.search_edit.returnPressed.connect(self._open_single_match)
        QShortcut(QKeySequence("Down"), self.search_edit, self.table_focus, Qt.ShortcutContext.WidgetShortcut)
        search_label = controls.label("&Search:", wrap=False)
        search_label.setBuddy(self.search_edit)
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Which checklists")
        self.scope_combo.addItems(["Today and unfinished", "All dates"])
        self.scope_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button = controls.button("&New checklist", self.new_checklist, role="primary", shortcut="Ctrl+N")
        self.open_button = controls.button("&Open", self.open_selected)
        self.model = WorklistModel()
        self.proxy = WorklistFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("worklist_table")
        self.table.setAccessibleName("Checklists")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Short columns take their contents' width; the patient, procedure, time and readiness share what is
        # left (a long "what is missing" list is cut with its whole text in the tooltip, never the name).
        for column in (COLUMNS.index("MRN"), COLUMNS.index("Level(s)"), STATUS_COLUMN, len(COLUMNS) - 1):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        self.empty_label = controls.label("", role="help")
        central = QWidget()
        layout = controls.vbox(central, spacing=theme.SPACING + 2, margins=theme.MARGIN + 4)
        layout.addLayout(controls.hbox(self.facility_label, None, self.user_label, self.lock_button,
                                       self.reports_button, self.settings_button))
        layout.addWidget(self.notice)
        layout.addWidget(self.staff_notice)
        layout.addLayout(controls.hbox(search_label, self.search_edit, self.scope_combo, self.risk_button,
                                       self.open_button, self.new_button))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        self.setCentralWidget(central)
        planning_hooks.install_worklist(self)  # "Pre-admission call..." beside "New checklist"
        QShortcut(QKeySequence("Ctrl+F"), self, self.search_edit.setFocus)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        QShortcut(QKeySequence("F1"), self, lambda: controls.show_shortcuts(self))
        self.search_edit.setFocus()

    # --- content ------------------------------------------------------------------------------------
    def _show_user(self) -> None:
        if self.ctx is None:
            return
        self.facility_label.setText(self.ctx.site.facility_name)
        self.user_label.setText(f"Signed in: {self.ctx.user_display()}")
        self.staff_notice.setVisible(not self.ctx.store.active_staff())

    def refresh(self) -> None:
        """Re-read the checklists from the database."""
        ctx = self.ctx
        if ctx is None:
            return  # still opening: the first view's rows stay until attach()
        selected = self.selected_record()
        self._show_user()  # staff accounts added meanwhile (here or elsewhere) end the "no accounts" notice
        try:
            rows = self.read_rows(all_dates=self.scope_combo.currentIndex() == 1)
        except ChecklistError as exc:
            messages.show_error(self, exc)
            return
        self.model.set_rows(rows, ctx.now())
        self._clock_timer.start()
        self._update_readiness_view()
        # A site that sends nothing to the chart has no use for an always empty column.
        self.table.setColumnHidden(COLUMNS.index("Chart"), not any(row.chart for row in rows))
        self._update_empty()
        for proxy_row in range(self.proxy.rowCount()):
            row = self.proxy.index(proxy_row, 0).data(Qt.ItemDataRole.UserRole)
            if row.record_id == selected or (selected is None and proxy_row == 0):
                self.table.selectRow(proxy_row)
                break

    def read_rows(self, *, all_dates: bool, plans_of: date | None = None) -> list[WorklistRow]:
        """The checklists' rows from the database (today's and every unfinished draft, or all dates); with
        ``plans_of``, also the signed pre-admission plans of that procedure day."""
        ctx = self.ctx
        if ctx is None:
            return []
        return build_rows(ctx.store, ctx.form, ctx.policy, ctx.completeness_rules, ctx.now(), all_dates=all_dates,
                          default_policy=ctx.site.default_policy, session_id=ctx.session_id,
                          readiness_rules=self.readiness_rules, plans_of=plans_of)

    def _load_readiness_rules(self) -> None:
        from checklist_app.workflows.readiness import rules_for

        self.readiness_rules, self.readiness_problem = None, ""
        try:
            self.readiness_rules = rules_for(self.ctx.site, self.ctx.form)
        except ChecklistError as exc:  # the worklist still lists every checklist; the column stays empty
            self.readiness_problem = str(exc)
        self.table.setColumnHidden(READY_COLUMN, self.readiness_rules is None)

    def _on_site_changed(self) -> None:
        self._load_readiness_rules()  # the deadline may have changed
        self.refresh()

    def _tick(self) -> None:
        if self.ctx is not None:
            self.model.set_now(self.ctx.now())
            self._update_readiness_view()

    def _update_readiness_view(self) -> None:
        """An open "Cases at risk" follows the worklist: changes saved anywhere, and the clock."""
        view = getattr(self, "readiness_dialog", None)
        if view is not None and view.isVisible():
            view.reload()

    def _open_readiness(self) -> None:
        from checklist_app.ui.worklist.readiness_view import ReadinessDialog

        if self.ctx is None:
            return
        view = getattr(self, "readiness_dialog", None)
        if view is None:
            view = self.readiness_dialog = ReadinessDialog(self)
        elif not view.isVisible():  # opened again later: on the day whose deadline is today by then
            view.show_day(view.default_day())
        view.show()
        view.raise_()
        view.activateWindow()

    def _refresh_soon(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _show_server_trouble(self, problem: str) -> None:
        """Say that the database is out of reach (answers typed meanwhile stay on screen), or clear it."""
        if problem:
            self.statusBar().show()
            self.statusBar().showMessage(f"Waiting for the database server: {problem}")
        else:
            self.statusBar().clearMessage()
            self.statusBar().hide()
            self.refresh()

    def table_focus(self) -> None:
        """Down from the search field: into the list of checklists."""
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.table.selectionModel().selectedRows() and self.proxy.rowCount():
            self.table.selectRow(0)

    def _update_empty(self) -> None:
        query = self.search_edit.text().strip()
        if self.proxy.rowCount():
            self.empty_label.setText(f"{self.proxy.rowCount()} checklist(s). Enter or double-click opens one.")
        elif query:
            self.empty_label.setText(messages.text("worklist.empty_search", query=query))
        else:
            self.empty_label.setText(messages.text("worklist.empty_today"))

    def _on_search(self, text: str) -> None:
        self.proxy.set_query(text)
        self._update_empty()
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def _open_single_match(self) -> None:
        if self.proxy.rowCount() == 1:
            self.open_selected()

    def selected_record(self) -> str | None:
        """The record id of the selected row."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return rows[0].data(Qt.ItemDataRole.UserRole).record_id

    def open_selected(self) -> None:
        """Open the selected checklist (while the app is still opening: as soon as it is open)."""
        record_id = self.selected_record()
        if record_id is None:
            return
        if self.ctx is None:
            self.pending_open = record_id
            self.statusBar().showMessage(OPENING_CHOSEN)
            return
        self.open_record(record_id)

    # --- crash recovery -----------------------------------------------------------------------------
    def show_recovered(self, record_ids: list[str]) -> None:
        """Offer back checklists that were open when the app stopped unexpectedly."""
        self.recovered = record_ids
        if not record_ids:
            self.notice.hide()
            return
        if len(record_ids) == 1 and self.ctx is not None:
            draft = self.ctx.store.load_draft(record_ids[0])
            answers = (draft.data.get("answers") or {}) if draft is not None else {}
            patient = answers.get("patient_name") or "a patient (name not entered)"
            saved = conventions.format_time(draft.saved_at.astimezone()) if draft is not None else "the last change"
            text = messages.text("worklist.recovered_one", patient=patient, saved_at=saved)
        else:
            text = messages.text("worklist.recovered_many", count=len(record_ids))
        self.notice_label.setText(text)
        self.notice.show()
        self.reopen_button.setFocus()

    def _reopen_recovered(self) -> None:
        for record_id in self.recovered:
            self.open_record(record_id)
        self.ctx.store.forget_crashed(self.recovered)
        self.show_recovered([])

    def _dismiss_recovered(self) -> None:
        self.ctx.store.forget_crashed(self.recovered)
        self.show_recovered([])
        self.search_edit.setFocus()

    # --- other actions ------------------------------------------------------------------------------
    def _lock(self) -> None:
        locker = getattr(self.ctx, "idle_lock", None) if self.ctx is not None else None
        if locker is not None:
            locker.lock()

    def _open_reports(self) -> None:
        from checklist_app.ui.reports import open_reports  # reportlab's charts load only when asked for

        if self.ctx is not None:
            self.reports_window = open_reports(self, self.ctx)

    def _open_settings(self) -> None:
        from checklist_app.ui.settings.dialog import open_settings  # only admins get this far

        if self.ctx is not None:
            open_settings(self, self.ctx)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        # Closing the worklist quits the app: never while autosave still holds answers it could not write.
        if self.ctx is None:  # still opening: nothing typed yet, nothing to save
            super().closeEvent(event)
            return
        for window in self.open_windows.values():
            window.commit_typing()
        from checklist_app.ui import unsaved  # its message box: not before the first paint

        if not unsaved.settle(self.ctx, self):
            event.ignore()
            return
        for window in list(self.open_windows.values()):
            if not window.close():  # it could not save its last answers: it stays, and so does the app
                event.ignore()
                return
        super().closeEvent(event)

