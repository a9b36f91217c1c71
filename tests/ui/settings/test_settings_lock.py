"""Site settings (admin only, checked beside each field, saved where the app reads them) and the idle
lock (hides every window with patient data until a staff PIN is entered)."""

from __future__ import annotations

import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import ADMIN, NURSE, PINS

from checklist_app.ui.lock.idle_lock import IdleLock
from checklist_app.ui.settings.credentials_dialog import CredentialsDialog
from checklist_app.ui.settings.dialog import SettingsDialog, open_settings
from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows.site_settings import load_effective_site, site_file


def settings_dialog(qtbot, ctx) -> SettingsDialog:
    dialog = SettingsDialog(None, ctx.site, ctx.store.data_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_bad_values_are_shown_beside_their_field(qtbot, ctx):
    dialog = settings_dialog(qtbot, ctx)
    dialog.fields["facility_name"].clear()
    dialog.fields["clinic_phone"].setText("1")
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value is None
    assert dialog.problems["facility_name"].text() == "This cannot be left empty."
    assert "at least 3" in dialog.problems["clinic_phone"].text()
    assert dialog.problems["printer"].isHidden()
    assert not site_file(ctx.store.data_dir).exists()


def test_saved_settings_override_the_shipped_file(qtbot, ctx, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    dialog = settings_dialog(qtbot, ctx)
    dialog.fields["facility_name"].setText("Northside Spine Centre")
    dialog.fields["logo"].setText(str(logo))
    dialog.lock_spin.setValue(3)
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    saved = dialog.result_value
    assert saved.facility_name == "Northside Spine Centre" and saved.idle_lock_minutes == 3
    written = yaml.safe_load(site_file(ctx.store.data_dir).read_text())
    assert "discharge_defaults" not in written  # only what the dialog edits; the rest stays shipped
    assert load_effective_site(ctx.store.data_dir).logo == str(ctx.store.data_dir / "site-logo.png")


def test_only_an_admin_opens_the_settings(qtbot, ctx, monkeypatch):
    results = []

    def ask(cls, parent, title, intro, verify):
        member = None
        for staff_id in (NURSE, ADMIN):
            try:
                member = verify(staff_id, PINS[staff_id])
                results.append(member.staff_id)
            except Exception as exc:  # noqa: BLE001 (the nurse's refusal is what we look at)
                results.append(str(exc))
        return member  # like the dialog: the verified member

    opened_by = []
    monkeypatch.setattr(CredentialsDialog, "ask", classmethod(ask))
    monkeypatch.setattr(SettingsDialog, "ask", classmethod(lambda cls, *a: opened_by.append(a[-1])))
    open_settings(None, ctx)
    assert "admin can change the site settings" in results[0] and results[1] == ADMIN
    assert opened_by == [ADMIN], "the settings are saved in the name of the admin who signed in"


def test_idle_lock_hides_patient_data_until_a_pin_is_entered(qtbot, ctx):
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    worklist.show()
    lock = IdleLock(ctx, minutes=0.002)  # 120 ms for the test; the site setting is in minutes
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    screen = lock.screen
    qtbot.addWidget(screen)
    assert not worklist.isVisible()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [screen]
    qtbot.keyClicks(screen.id_edit, NURSE)
    qtbot.keyClicks(screen.pin_edit, "0000")
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    assert lock.locked and "not correct" in screen.problem.text
    qtbot.keyClicks(screen.pin_edit, PINS[NURSE])
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    assert not lock.locked and worklist.isVisible()
    assert ctx.user.staff_id == NURSE
    lock.set_minutes(60)
    lock.detach()


def test_without_staff_accounts_the_lock_says_so_and_continues(qtbot, bare_ctx):
    lock = IdleLock(bare_ctx, minutes=60)
    screen = lock.lock()
    qtbot.addWidget(screen)
    texts = " ".join(label.text() for label in screen.findChildren(type(screen.problem.text_label)))
    assert screen.no_accounts and "no staff accounts on this workstation" in texts
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.locked
    lock.detach()


def test_ctrl_l_in_a_checklist_locks_and_unlocking_gives_the_checklist_back(qtbot, ctx, open_example):
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    worklist.show()
    checklist = open_example("clean")
    with qtbot.waitActive(checklist):
        checklist.show()
        checklist.activateWindow()
    lock = IdleLock(ctx, minutes=60)
    try:
        qtbot.keyClick(checklist, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert lock.locked and not checklist.isVisible() and not worklist.isVisible()
        screen = lock.screen
        qtbot.addWidget(screen)
        qtbot.keyClicks(screen.id_edit, NURSE)
        qtbot.keyClicks(screen.pin_edit, PINS[NURSE])
        qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
        assert not lock.locked and checklist.isVisible() and worklist.isVisible()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is checklist, timeout=3000)
    finally:
        lock.detach()


def test_on_a_shared_database_the_dialog_saves_a_version_for_every_workstation(qtbot, tmp_path, monkeypatch):
    """Two workstations on one database: the dialog says where it saves, saves in the admin's name, and a
    save after another administrator's is refused at the top of the dialog, not lost."""
    from checklist_app.storage import open_database
    from checklist_app.storage.paths import DATABASE_URL_ENV
    from checklist_app.storage.site_store import latest_settings
    from checklist_app.workflows.site_settings import save_site_settings

    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    one, two = tmp_path / "bay1", tmp_path / "bay2"
    with open_database(url, data_dir=one, workstation="bay1") as db1, \
            open_database(url, data_dir=two, workstation="bay2") as db2:
        dialog = SettingsDialog(None, load_effective_site(one, db1), one, db1, ADMIN)
        qtbot.addWidget(dialog)
        dialog.show()
        assert "Saved in the shared database, for every workstation" in dialog.place.description
        dialog.fields["facility_name"].setText("Northside Spine Centre")
        qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        assert dialog.result_value.facility_name == "Northside Spine Centre"
        assert latest_settings(db2).saved_by == ADMIN
        assert load_effective_site(two, db2).facility_name == "Northside Spine Centre"
        assert not site_file(one).exists()

        late = SettingsDialog(None, load_effective_site(two, db2), two, db2, ADMIN)
        qtbot.addWidget(late)
        late.show()
        save_site_settings(one, {"facility_name": "Saved Meanwhile"}, db=db1, staff_id="it2")
        late.fields["clinic_phone"].setText("(555) 010-0000")
        qtbot.mouseClick(late.primary_button, Qt.MouseButton.LeftButton)
        assert late.result_value is None and late.isVisible()
        assert "another administrator changed the site settings" in late.problem.text_label.text()
        assert load_effective_site(two, db2).facility_name == "Saved Meanwhile"
