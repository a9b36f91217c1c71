"""One site, one identity: two workstations (two data folders) sharing one database, on an SQLite file
elsewhere and on PostgreSQL. Settings saved at one are in effect at the other (the logo's bytes too); a PDF
sealed at one verifies at the other; the site's key is kept encrypted, with the secret outside the database;
a lone workstation keeps everything in its data folder as before."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf import certificates
from checklist_app.pdf.certificates import SITE_SECRET_ENV, SITE_SECRET_FILE_ENV
from checklist_app.storage import list_events, open_database
from checklist_app.storage.paths import DATA_DIR_ENV, DATABASE_URL_ENV
from checklist_app.storage.site_store import latest_settings, read_files
from checklist_app.workflows import site_seal
from checklist_app.workflows.site_settings import (
    load_effective_site,
    save_site_settings,
    settings_place,
    site_file,
)

SECRET = "correct-horse-battery-staple-42"
PNG = b"\x89PNG\r\n\x1a\n" + b"logo bytes" * 10


def a_pdf() -> bytes:
    """A one-page PDF to seal (what is in it does not matter here)."""
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Checklist")
    page.save()
    return out.getvalue()


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request, tmp_path) -> str:
    """A database both workstations use: an SQLite file outside either data folder, or a PostgreSQL one."""
    if request.param == "sqlite":
        (tmp_path / "server").mkdir()
        yield f"sqlite:///{tmp_path / 'server' / 'shared.sqlite3'}"
        return
    from pg_cluster import APP

    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.new_database(initialised=True)
    yield cluster.url(name, APP)
    cluster.drop_database(name)


@pytest.fixture
def bays(shared_url, tmp_path, monkeypatch):
    """(data folder, open database) for bay 1 and bay 2."""
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv(certificates.PKCS12_ENV, raising=False)
    opened = []
    for name in ("bay1", "bay2"):
        folder = tmp_path / name
        folder.mkdir()
        opened.append((folder, open_database(shared_url, data_dir=folder, workstation=name)))
    yield opened
    certificates.use_site_identity(None)
    for _, db in opened:
        db.close()


@pytest.fixture
def secret(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "site-secret"
    path.write_text(SECRET + "\n")
    monkeypatch.setenv(SITE_SECRET_FILE_ENV, str(path))
    monkeypatch.delenv(SITE_SECRET_ENV, raising=False)
    return path


def test_settings_saved_at_one_workstation_are_in_effect_at_the_other(bays, tmp_path):
    (one, db1), (two, db2) = bays
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    site_file(two).write_text("facility_name: Bay Two's own name\n")  # overridden once the site has settings
    save_site_settings(one, {"facility_name": "Northside Spine Centre", "logo": str(logo),
                             "idle_lock_minutes": 3}, db=db1, staff_id="it1")
    logo.unlink()  # the workstation's file is gone; the site keeps the bytes
    seen = load_effective_site(two, db2)
    assert seen.facility_name == "Northside Spine Centre" and seen.idle_lock_minutes == 3
    assert Path(seen.logo).parent == two / "site-files" and Path(seen.logo).read_bytes() == PNG
    assert seen.clinic_phone == "(555) 010-4477", "keys nobody changed still come from the shipped file"
    assert "discharge_defaults" not in latest_settings(db2).values
    assert not site_file(one).exists(), "nothing is written to the saving workstation's own site.yaml"
    place = settings_place(two, db2)
    assert place.shared and place.version.version_no == 1
    assert "shared database, for every workstation" in place.description and "it1 at bay1" in place.description


def test_an_unchanged_save_makes_no_version_and_a_change_is_audited_from_and_to(bays):
    (one, db1), (two, db2) = bays
    save_site_settings(one, {"facility_name": "Northside Spine Centre"}, db=db1, staff_id="it1")
    site = load_effective_site(two, db2)
    values = {key: getattr(site, key) for key in ("facility_name", "clinic_phone", "default_policy")}
    save_site_settings(two, values, db=db2, staff_id="it2")
    assert latest_settings(db2).version_no == 1, "saving what is already in effect adds no version"
    save_site_settings(two, {**values, "default_policy": "asra-2018"}, db=db2, staff_id="it2")
    event = [e for e in list_events(db1) if e.event_type == "site_settings_changed"][-1]
    assert event.staff_id == "it2" and event.workstation == "bay2"
    assert event.details == {"version": 2, "changes": {"default_policy": {"from": "sir-2019", "to": "asra-2018"}}}
    assert load_effective_site(one, db1).default_policy == "asra-2018"


def test_until_the_first_shared_version_each_workstation_keeps_its_own_file(bays):
    (one, db1), (two, db2) = bays
    site_file(two).write_text("facility_name: Bay Two Clinic\nclinic_phone: '(555) 010-2222'\n")
    assert load_effective_site(two, db2).facility_name == "Bay Two Clinic"
    assert load_effective_site(one, db1).facility_name == "Riverside Spine and Pain Clinic"
    place = settings_place(two, db2)
    assert place.version is None and "no shared settings yet" in place.description
    assert str(site_file(two)) in place.description, "the dialog says where the values it shows come from"
    # Bay 2's administrator saves what the dialog showed: that becomes the site's, audited from bay 2's file.
    shown = load_effective_site(two, db2)
    save_site_settings(two, {"facility_name": shown.facility_name, "clinic_phone": "(555) 010-3333"},
                       db=db2, staff_id="it2", based_on=place)
    assert load_effective_site(one, db1).facility_name == "Bay Two Clinic"
    event = [e for e in list_events(db1) if e.event_type == "site_settings_changed"][0]
    assert event.details["changes"] == {"clinic_phone": {"from": "(555) 010-2222", "to": "(555) 010-3333"}}


def test_a_dialog_opened_before_another_admin_saved_is_refused(bays):
    (one, db1), (two, db2) = bays
    opened_at_two = settings_place(two, db2)
    save_site_settings(one, {"facility_name": "Saved First"}, db=db1, staff_id="it1")
    with pytest.raises(Exception, match="another administrator changed the site settings.*it1 at bay1"):
        save_site_settings(two, {"facility_name": "Saved Second"}, db=db2, staff_id="it2", based_on=opened_at_two)
    assert load_effective_site(two, db2).facility_name == "Saved First"


def test_a_lone_workstation_keeps_its_settings_in_its_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    folder = tmp_path / "lone"
    with open_database(data_dir=folder) as db:
        assert not settings_place(folder, db).shared
        save_site_settings(folder, {"facility_name": "Lone Clinic"}, db=db, staff_id="it1")
        assert yaml.safe_load(site_file(folder).read_text())["facility_name"] == "Lone Clinic"
        assert latest_settings(db) is None
        assert load_effective_site(folder, db).facility_name == "Lone Clinic"


def test_a_pdf_sealed_at_one_workstation_verifies_at_the_other(bays, secret):
    from checklist_app.pdf.seal import seal_pdf, validate_sealed

    (one, db1), (two, db2) = bays
    site_seal.use_for_sealing(db1, one, site_name="Northside Spine Centre")
    sealed = seal_pdf(a_pdf())
    site_seal.use_for_sealing(db2, two)
    check = validate_sealed(sealed)
    assert check.valid, check.problem
    assert check.signer == "checklist_app document seal (Northside Spine Centre)"
    sealed_at_two = seal_pdf(a_pdf())
    site_seal.use_for_sealing(db1, one)
    assert validate_sealed(sealed_at_two).valid, "bay 2 sealed with the same site certificate, not a new one"
    assert not (one / "seal").exists() and not (two / "seal").exists(), "no per-workstation certificate"
    stranger = certificates.installation_identity(one / "elsewhere")
    foreign = seal_pdf(a_pdf(), stranger)
    verdict = validate_sealed(foreign)
    assert not verdict.valid and "another site or installation" in verdict.problem


def test_the_sites_private_key_is_never_in_the_database_in_clear(bays, secret):
    from cryptography.hazmat.primitives.serialization import pkcs12

    (one, db1), _ = bays
    identity = site_seal.site_identity(db1, site_name="Northside", created_by="os:test")
    stored = read_files(db1, (site_seal.PKCS12_FILE, site_seal.ROOT_FILE, "anything-else"))
    assert set(stored) == {site_seal.PKCS12_FILE, site_seal.ROOT_FILE}
    assert all(b"PRIVATE KEY" not in content for content in stored.values())
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(stored[site_seal.PKCS12_FILE], None)
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(stored[site_seal.PKCS12_FILE], b"a-guessed-password-000")
    key, cert, chain = pkcs12.load_key_and_certificates(stored[site_seal.PKCS12_FILE], SECRET.encode())
    assert key is not None and len(chain) == 1, "the seal key and the root certificate; the root's key is not kept"
    assert identity.password == SECRET.encode() and not identity.cannot_seal


def test_without_the_secret_sealing_is_refused_in_words_and_verifying_still_works(bays, secret,
                                                                                  monkeypatch):
    from checklist_app.pdf.seal import seal_pdf, validate_sealed

    (one, db1), (two, db2) = bays
    site_seal.use_for_sealing(db1, one)
    sealed = seal_pdf(a_pdf())
    monkeypatch.delenv(SITE_SECRET_FILE_ENV)
    site_seal.use_for_sealing(db2, two)
    no_secret = f"no site secret is set on this workstation. IT sets {SITE_SECRET_FILE_ENV} "
    with pytest.raises(PdfRenderError, match=no_secret):
        seal_pdf(a_pdf())
    assert validate_sealed(sealed).valid
    monkeypatch.setenv(SITE_SECRET_ENV, "another-secret-of-enough-length")
    site_seal.use_for_sealing(db2, two)
    with pytest.raises(PdfRenderError, match="does not open with this workstation's site secret"):
        seal_pdf(a_pdf())
    monkeypatch.setenv(SITE_SECRET_ENV, "short")
    with pytest.raises(PdfRenderError, match="shorter than 16 characters"):
        seal_pdf(a_pdf())


def test_no_secret_and_no_certificate_yet_makes_none_and_says_what_to_set(bays, monkeypatch):
    from checklist_app.pdf.seal import seal_pdf

    (one, db1), _ = bays
    monkeypatch.delenv(SITE_SECRET_FILE_ENV, raising=False)
    monkeypatch.delenv(SITE_SECRET_ENV, raising=False)
    site_seal.use_for_sealing(db1, one)
    with pytest.raises(PdfRenderError, match="The site has no sealing certificate yet.*openssl rand"):
        seal_pdf(a_pdf())
    assert read_files(db1, (site_seal.PKCS12_FILE,)) == {}
    assert not (one / "seal").exists(), "no private certificate is made instead"


RACER = textwrap.dedent("""
    import hashlib, sys, time
    from pathlib import Path
    from checklist_app.storage import open_database
    from checklist_app.workflows.site_seal import site_identity
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    url, folder, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    db = open_database(url, data_dir=folder, workstation=folder.name)
    while not go.exists():
        time.sleep(0.005)
    identity = site_identity(db, site_name=folder.name, created_by="os:" + folder.name)
    _, cert, _ = pkcs12.load_key_and_certificates(identity.pkcs12_data, identity.password)
    print(hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest())
""")


def test_workstations_making_the_site_certificate_at_once_end_with_one(shared_url, secret, tmp_path):
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop(DATABASE_URL_ENV, None)
    racers = []
    for n in range(4):
        folder = tmp_path / f"ws{n}"
        folder.mkdir()
        racers.append(subprocess.Popen([sys.executable, "-c", RACER, shared_url, str(folder), str(go)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       env={**env, DATA_DIR_ENV: str(folder)}))
    with open_database(shared_url, data_dir=tmp_path / "ws0"):
        pass  # all four have started opening by now; release them together
    go.touch()
    results = [racer.communicate(timeout=120) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in results]
    fingerprints = {out.strip() for out, _ in results}
    assert len(fingerprints) == 1, "every workstation seals with the one certificate that was stored first"
    with open_database(shared_url, data_dir=tmp_path / "ws0") as db:
        stored = read_files(db, (site_seal.PKCS12_FILE, site_seal.ROOT_FILE))
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    _, cert, _ = pkcs12.load_key_and_certificates(stored[site_seal.PKCS12_FILE], SECRET.encode())
    assert fingerprints == {hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()}


def test_the_app_signs_at_one_bay_and_the_packet_verifies_at_the_other(shared_url, secret, tmp_path, monkeypatch):
    """The running app's path: each bay's Session reads the shared settings and seals with the site's
    certificate; the packet kept at signing at bay 1 verifies at bay 2."""
    from datetime import datetime

    from checklist_app import storage
    from checklist_app.domain.timeutil import aware
    from checklist_app.pdf.seal import validate_sealed
    from checklist_app.workflows import packet, signing
    from checklist_app.workflows.checklist_state import ChecklistState
    from checklist_app.workflows.demo import demo_data
    from checklist_app.workflows.open_checklist import OpenChecklist
    from checklist_app.workflows.session import Session
    from checklist_app.workflows.store import ChecklistStore

    now = aware(datetime(2026, 11, 21, 7, 15))
    monkeypatch.setenv(DATABASE_URL_ENV, shared_url)
    monkeypatch.delenv(certificates.PKCS12_ENV, raising=False)
    sessions = []
    try:
        monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "bay1"))
        store = ChecklistStore.open(tmp_path / "bay1")
        storage.add_staff(store.db, "rn.test", "Test Nurse", "RN", "nurse", "1357", actor="test")
        save_site_settings(store.data_dir, {"facility_name": "Northside Spine Centre"}, db=store.db, staff_id="it1")
        one = Session(store=store, clock=lambda: now)
        sessions.append(one)
        assert one.site.facility_name == "Northside Spine Centre"
        one.set_user(one.store.staff("rn.test"))
        data = demo_data(one.form, now.date(), "examples/clean.json")
        state, _ = ChecklistState.from_data(one.form, data, fallback_staff="rn.test", now=now, policy_id="sir-2019")
        one.store.save_draft(state.record_id, state.draft_data(), "rn.test")
        checklist = OpenChecklist(one, state)
        version = signing.sign(checklist, "rn.test", "1357", signing.meaning_of(checklist)[0])
        signing.settle_signed(checklist, version)
        packet.keep_packet(one, version, checklist.staff_name)
        # Bay 2's app starts (in a process of its own, in real life; here it takes over the process-wide seal).
        monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "bay2"))
        two = Session(store=ChecklistStore.open(tmp_path / "bay2"), clock=lambda: now)
        sessions.append(two)
        assert two.site.facility_name == "Northside Spine Centre"
        for kind in ("checklist", "discharge"):
            check = validate_sealed(two.store.pdf(version.version_id, kind))
            assert check.valid, check.problem
            assert check.signer == "checklist_app document seal (Northside Spine Centre)"
        assert not (tmp_path / "bay1" / "seal").exists() and not (tmp_path / "bay2" / "seal").exists()
    finally:
        for opened in sessions:
            opened.close()
        certificates.use_site_identity(None)
