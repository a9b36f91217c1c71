"""A checklist signed for real in a data folder's database, for the commands that read signed versions
(``render --record-id``): staff with PINs, an example record saved as a draft, overridden and signed with
PINs through ``workflows`` (no window), as the app does it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from checklist_app import storage
from checklist_app.domain.signed import SignedVersion
from checklist_app.domain.timeutil import aware
from checklist_app.storage.paths import DATA_DIR_ENV
from checklist_app.workflows import packet, signing
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore

SIGNED_NOW = aware(datetime(2026, 11, 21, 7, 15))
NURSE, PHYSICIAN = "rn.signer", "md.signer"
PINS = {NURSE: "1357", PHYSICIAN: "2468"}


def sign_example(data_dir: Path, name: str = "clean", *, url: str | None = None, keep: bool = False,
                 override: str = "") -> SignedVersion:
    """Sign ``forms/examples/<name>.json`` in ``data_dir``'s database (or the one at ``url``). ``override``:
    the physician overrides every open hard stop with this reason first (with their PIN). ``keep``: make,
    seal and store the packet as the app does at signing (with ``data_dir``'s certificate)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(DATA_DIR_ENV, str(data_dir))  # where the installation's sealing certificate lives
        env.delenv(storage.paths.DATABASE_URL_ENV, raising=False)
        store = ChecklistStore(storage.open_database(url, data_dir=data_dir), data_dir)
        session = Session(store=store, clock=lambda: SIGNED_NOW)
        try:
            for staff_id, role in ((NURSE, "nurse"), (PHYSICIAN, "physician")):
                if store.staff(staff_id) is None:
                    storage.add_staff(store.db, staff_id, f"Test {role.title()}", "MD" if role == "physician" else "RN",
                                      role, PINS[staff_id], actor="test")
            session.set_user(store.staff(NURSE))
            data = demo_data(session.form, SIGNED_NOW.date(), f"examples/{name}.json")
            for claims in ("overrides", "acknowledgements"):  # a file's claims are not given: those below are
                data.pop(claims, None)
            state, _ = ChecklistState.from_data(session.form, data, fallback_staff=NURSE, now=SIGNED_NOW,
                                                policy_id="sir-2019")
            store.save_draft(state.record_id, state.draft_data(), NURSE)
            checklist = OpenChecklist(session, state)
            if override:
                for stop in checklist.evaluation.open_hard_stops:
                    checklist.override(stop.key, PHYSICIAN, PINS[PHYSICIAN], override)
                checklist.refresh()
            version = signing.sign(checklist, NURSE, PINS[NURSE], signing.meaning_of(checklist)[0])
            signing.settle_signed(checklist, version)
            if keep:
                packet.keep_packet(session, version, checklist.staff_name)
                version = store.latest_version(version.record_id)
            return version
        finally:
            from checklist_app.pdf import certificates

            certificates.use_site_identity(None)  # the session chose this database's certificate
            session.close()
