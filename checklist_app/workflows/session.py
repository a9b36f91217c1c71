"""One running app without its screens: the store, the form and policies, the site settings, the clock,
who is signed in, and the autosaver. No Qt.

The intake window's ``AppContext`` is a ``Session`` plus the Qt signals that tell windows when something
changed; the use cases (``workflows.signing``, ``workflows.packet``...) take a ``Session`` and so run the
same way in the window, in a command and in a test.
"""

from __future__ import annotations

import getpass
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from checklist_app import storage
from checklist_app.domain import conventions
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.site import SiteSettings
from checklist_app.domain.timeutil import aware
from checklist_app.rules import load_form, load_policy_for
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.workflows.board import BoardWatcher
from checklist_app.workflows.site_seal import use_for_sealing
from checklist_app.workflows.site_settings import load_effective_site
from checklist_app.workflows.store import ChecklistStore


def shipped_form() -> FormDefinition:
    """The shipped form, loaded once per process and site locale (it is immutable; its wording follows the
    site's spelling)."""
    return _shipped_form(conventions.site_locale())


@lru_cache(maxsize=2)
def _shipped_form(locale: str) -> FormDefinition:
    return load_form()


_POLICIES: dict[tuple[int, str], tuple[FormDefinition, PolicyDefinition]] = {}


def _policy(form: FormDefinition, policy_id: str) -> PolicyDefinition:
    cached = _POLICIES.get((id(form), policy_id))
    if cached is None or cached[0] is not form:
        # Only an installed policy, by id: a draft or signed version naming a path or an unknown id (written
        # behind the app's back) is refused in words (PolicyChoiceError, a PolicyDefinitionError), as is a
        # missing or broken file.
        cached = (form, load_policy_for(form, policy_id, field="the checklist's policy_id"))
        _POLICIES[(id(form), policy_id)] = cached
    return cached[1]


def _os_user() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


class Session:
    """Shared state of one running app.

    Keyword-only construction, passing on what it does not take: ``AppContext`` derives from ``QObject``
    and ``Session``, and PySide6 hands the keywords on along the class hierarchy.
    """

    def __init__(self, *, store: ChecklistStore, clock: Callable[[], datetime] | None = None,
                 form: FormDefinition | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.site: SiteSettings = load_effective_site(store.data_dir, store.db)
        storage.outbox.use_site_chart(self.site.chart)  # what signing queues for the chart
        conventions.set_site_locale(self.site.locale)  # before the form: its wording follows the site's spelling
        self.form = form or shipped_form()
        self._clock = clock or (lambda: datetime.now().astimezone())
        # Workstations sharing a database seal with the site's one certificate (read when first needed).
        use_for_sealing(store.db, store.data_dir, site_name=self.site.facility_name, created_by=_os_user())
        self._user: storage.StaffMember | None = None
        self._user_id: str | None = None  # user_id(), worked out again when the user changes
        self._autosaver: storage.Autosaver | None = None
        # This running app among all those sharing the database: who holds which checklist open is kept
        # per app, so a second app on the same workstation is "elsewhere" too.
        self.session_id = secrets.token_hex(8)
        self._board: BoardWatcher | None = None

    # --- time and people ----------------------------------------------------------------------------
    def now(self) -> datetime:
        """The current moment (a fixed clock in tests and screenshots)."""
        return aware(self._clock())

    @property
    def user(self) -> storage.StaffMember | None:
        """The signed-in staff member (None: nobody)."""
        return self._user

    @user.setter
    def user(self, member: storage.StaffMember | None) -> None:
        self._user, self._user_id = member, None

    def user_id(self) -> str:
        """Who is working: the signed-in staff ID, else the operating-system account (os:<login>).

        Kept until the user changes: every keystroke asks (twice), and the account lookup reads the
        environment and possibly the password database each time."""
        if self._user_id is None:
            self._user_id = self._user.staff_id if self._user is not None else _os_user()
        return self._user_id

    def user_display(self) -> str:
        """'Jane Doe, RN', or the workstation account when nobody has signed in."""
        return self.user.display if self.user is not None else f"workstation account {self.user_id()[3:]}"

    def set_user(self, member: storage.StaffMember | None) -> None:
        """Change who is signed in."""
        self.user = member

    def staff_name(self, staff_id: str) -> str:
        """'A. Mensah, MD' for a staff ID, else the ID itself (a workstation account, a removed one)."""
        member = self.store.staff(staff_id) if not staff_id.startswith("os:") else None
        return member.display if member is not None else staff_id

    # --- form, policy, settings ---------------------------------------------------------------------
    def policy(self, policy_id: str | None = None) -> PolicyDefinition:
        """A policy by id (default: the site's), checked against the form; cached."""
        return _policy(self.form, policy_id or self.site.default_policy)

    def completeness_rules(self, policy: PolicyDefinition) -> frozenset[str]:
        """Ids of the policy's 'required item not answered' rules (counted, not listed, on screen)."""
        return frozenset(rule.id for rule in policy.rules if rule.check == "required_items")

    def reload_site(self) -> None:
        """Re-read the site settings after the Settings dialog saved them."""
        self.site = load_effective_site(self.store.data_dir, self.store.db)
        storage.outbox.use_site_chart(self.site.chart)

    # --- saving -------------------------------------------------------------------------------------
    def on_saved(self) -> None:
        """Autosave committed a change (called on autosave's worker thread)."""

    def on_save_failed(self, exc: BaseException) -> None:
        """Autosave could not commit a change; it retries (called on autosave's worker thread)."""

    @property
    def autosaver(self) -> storage.Autosaver:
        """The one background autosaver of this app (created on first use)."""
        if self._autosaver is None:
            self._autosaver = self.store.autosaver(on_saved=self.on_saved, on_error=self.on_save_failed,
                                                   session_id=self.session_id)
        return self._autosaver

    # --- other workstations -------------------------------------------------------------------------
    def watch_board(self) -> None:
        """Start noticing changes made elsewhere (``on_board_changed``) and saying this app is alive."""
        if self._board is None:
            self._board = BoardWatcher(self.store, self.session_id, on_change=self.on_board_changed,
                                       on_error=self.on_board_error)
            self._board.start()

    def on_board_changed(self) -> None:
        """Something another workstation should see changed (called on the watcher's thread)."""

    def on_board_error(self, exc: BaseException | None) -> None:
        """The database cannot be reached for now (``exc``), or can again (None); watcher's thread."""

    @property
    def has_unsaved(self) -> bool:
        """Whether autosave still holds a change that is not in the database (False before any change)."""
        return self._autosaver is not None and self._autosaver.has_unsaved

    def close(self) -> None:
        """Flush unsaved changes and close the database (StorageError if a change could not be saved)."""
        try:
            if self._board is not None:
                self._board.stop()
            if self._autosaver is not None:
                self._autosaver.close()
        finally:
            self.store.close()
