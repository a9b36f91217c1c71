"""One sealing certificate for the whole site when workstations share a database. No Qt.

A lone workstation keeps sealing with its own certificate in ``<data folder>/seal/`` (``pdf.certificates``).
Workstations sharing a database would otherwise each make their own, and a PDF sealed at bay 1 would be
"not trusted" at bay 3. So when the database is shared (``storage.site_store.is_shared``):

- a site PKCS#12 file (``CHECKLIST_APP_SEAL_PKCS12``) still comes first, as everywhere;
- otherwise the site's certificate is read from the database's ``site_files``; the first workstation that
  needs it and has the site secret makes it, once (two making it at the same moment end up with the
  winner's, see ``site_store.add_files_once``), and every workstation seals with it and trusts its root;
- a workstation without the secret can still verify (the root is stored in clear), but sealing there fails
  with a message saying what IT must set, rather than quietly sealing with a certificate nobody else trusts.

``use_for_sealing`` hands this to ``pdf.seal`` for the rest of the process (the app's session does it at
start, the commands before they seal or verify).
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from checklist_app.pdf import certificates
from checklist_app.pdf.certificates import SealIdentity
from checklist_app.storage import paths
from checklist_app.storage.database import Database, open_database
from checklist_app.storage.site_store import add_files_once, is_shared, read_files

PKCS12_FILE = "site-seal.p12"
ROOT_FILE = "site-seal-root.pem"


def site_identity(db: Database, *, site_name: str, created_by: str, create: bool = True) -> SealIdentity:
    """The site's certificate from ``db``, made and stored first if there is none yet, ``create`` is True
    and the secret is set."""
    stored = read_files(db, (PKCS12_FILE, ROOT_FILE))
    secret, no_secret = certificates.site_secret()
    if PKCS12_FILE not in stored:
        if not create:
            return SealIdentity(trust_root=None, cannot_seal=(
                "this site has sealed nothing yet (the shared database holds no site certificate)"))
        if secret is None:
            return SealIdentity(trust_root=None, cannot_seal=(
                f"The site has no sealing certificate yet, and this workstation cannot make it: {no_secret}."))
        data, root = certificates.make_site_pkcs12(site_name, secret)
        stored = add_files_once(db, {PKCS12_FILE: data, ROOT_FILE: root}, created_by=created_by)
    return certificates.site_identity(stored[PKCS12_FILE], stored[ROOT_FILE], secret, no_secret)


def use_for_sealing(db: Database, data_dir: Path, *, site_name: str = "", created_by: str = "") -> None:
    """From now on in this process, seal and verify with the site's certificate when ``db`` is shared (the
    installation's own otherwise). The database is read when a seal is first made or checked, not now."""
    if not is_shared(db, data_dir):
        certificates.use_site_identity(None)
        return
    lock = threading.Lock()
    found: list[SealIdentity] = []
    who = created_by or os_account()

    def provider(create: bool) -> SealIdentity:
        # Kept once it can seal; asked again while it cannot, since another workstation may make the
        # certificate in the meantime (the question costs one small read).
        with lock:
            if not found or found[0].cannot_seal:
                found[:] = [site_identity(db, site_name=site_name, created_by=who, create=create)]
            return found[0]

    certificates.use_site_identity(provider)


def os_account() -> str:
    """``os:<login>``: who made the site certificate, when no staff member is signed in."""
    try:
        return f"os:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "os:unknown"


@contextmanager
def command_database(data_dir: Path | None = None) -> Iterator[Database | None]:
    """For a headless command: the shared database when ``$CHECKLIST_APP_DATABASE_URL`` is set (closed at
    the end), else None, so a command on a lone workstation creates no database file it does not need."""
    if not os.environ.get(paths.DATABASE_URL_ENV, "").strip():
        yield None
        return
    db = open_database(data_dir=data_dir if data_dir is not None else paths.data_dir())
    try:
        yield db
    finally:
        certificates.use_site_identity(None)
        db.close()
