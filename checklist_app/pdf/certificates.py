"""The sealing certificate: a PKCS#12 file the site provides, the site's own kept in the shared database,
or this installation's, made on first use.

In that order:
- A site with its own PKI sets ``CHECKLIST_APP_SEAL_PKCS12`` to a .p12/.pfx file (and
  ``CHECKLIST_APP_SEAL_PASSWORD`` if it has one); validators then trust the last certificate of its chain,
  or ``CHECKLIST_APP_SEAL_TRUST`` (a PEM file).
- Workstations sharing a database use the site's certificate kept there (``workflows.site_seal`` finds or
  makes it and hands it over with ``use_site_identity``): one root, so a PDF sealed at one workstation
  verifies at every other. It is an encrypted PKCS#12 made by ``make_site_pkcs12``; its password is the
  site secret (``CHECKLIST_APP_SITE_SECRET_FILE``, or ``CHECKLIST_APP_SITE_SECRET``), which never goes into
  the database, so a copy of the database alone (a dump, a backup) cannot seal. Its root certificate is
  kept beside it in clear, so a workstation without the secret can still verify.
- Otherwise a self-signed root CA and a seal certificate issued by it are created in
  ``<data folder>/seal/`` (files readable by this user only).

``cryptography`` is imported inside the functions, like pyHanko in ``seal``.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs

from checklist_app import file_modes
from checklist_app.domain.errors import PdfRenderError

DATA_DIR_ENV = "CHECKLIST_APP_DATA_DIR"
PKCS12_ENV = "CHECKLIST_APP_SEAL_PKCS12"
PASSWORD_ENV = "CHECKLIST_APP_SEAL_PASSWORD"
TRUST_ENV = "CHECKLIST_APP_SEAL_TRUST"
SITE_SECRET_FILE_ENV = "CHECKLIST_APP_SITE_SECRET_FILE"
SITE_SECRET_ENV = "CHECKLIST_APP_SITE_SECRET"
SITE_SECRET_MIN_LENGTH = 16
# PBKDF2 rounds for the site PKCS#12: the secret is meant to be random (openssl rand), but a person may
# choose one; this makes each guess cost a few milliseconds, and a workstation pays it once per process.
SITE_PKCS12_ROUNDS = 200_000
FILES = {"ca_cert": "root-ca.pem", "ca_key": "root-ca.key", "cert": "seal.pem", "key": "seal.key"}


@dataclass(frozen=True)
class SealIdentity:
    """Where the signing key and certificates are; either PEM files or one PKCS#12 file."""

    trust_root: Path | None
    key: Path | None = None
    cert: Path | None = None
    chain: tuple[Path, ...] = ()
    pkcs12: Path | None = None
    password: bytes | None = None
    # The site's certificate from the shared database: PKCS#12 bytes and the root to trust (PEM bytes).
    pkcs12_data: bytes | None = None
    trust_pem: bytes | None = None
    # Why this identity can verify but not seal (the site secret is missing or wrong); "" when it can.
    cannot_seal: str = ""


# Set by workflows.site_seal on a workstation sharing its database: returns the site's identity (made
# first when the argument, ``create``, is True).
_site_identity: Callable[[bool], SealIdentity] | None = None


def use_site_identity(provider: Callable[[bool], SealIdentity] | None) -> None:
    """Seal with (and trust) what ``provider(create)`` returns instead of this installation's own
    certificate; None goes back to the installation's. A site PKCS#12 file (``CHECKLIST_APP_SEAL_PKCS12``)
    still comes first."""
    global _site_identity
    _site_identity = provider


def seal_dir() -> Path:
    """``<data folder>/seal``: ``$CHECKLIST_APP_DATA_DIR`` or the platform's user data folder."""
    chosen = os.environ.get(DATA_DIR_ENV, "").strip()
    base = Path(chosen).expanduser() if chosen else Path(platformdirs.user_data_dir("checklist_app", appauthor=False))
    return base / "seal"


def installation_identity(directory: Path | None = None, *, create: bool = True) -> SealIdentity:
    """The site's PKCS#12 when configured, else the shared site certificate when this workstation shares
    its database, else this installation's own certificate (made if missing, unless ``create`` is False:
    then an identity that trusts nothing and says why)."""
    p12 = os.environ.get(PKCS12_ENV, "").strip()
    if p12:
        return pkcs12_identity(Path(p12), os.environ.get(PASSWORD_ENV))
    if directory is None and _site_identity is not None:
        return _site_identity(create)
    folder = directory or seal_dir()
    paths = {name: folder / file for name, file in FILES.items()}
    try:
        if not folder.exists():
            if not create:
                return SealIdentity(trust_root=None, cannot_seal=f"this installation has sealed nothing yet (there "
                                                                 f"is no certificate folder {folder})")
            _create_folder(folder)
        missing = [p.name for p in paths.values() if not p.is_file()]
    except OSError as exc:
        raise PdfRenderError(f"The sealing certificate folder {folder} cannot be read ({exc.strerror}). Ask IT to "
                             f"give this account access to it again, or restore it from a backup.") from None
    if missing:
        raise PdfRenderError(f"The sealing certificate folder {folder} is incomplete (missing {', '.join(missing)}). "
                             "Move the folder away to make a new certificate, or restore it from a backup.")
    return SealIdentity(trust_root=paths["ca_cert"], key=paths["key"], cert=paths["cert"], chain=(paths["ca_cert"],))


def pkcs12_identity(path: Path, password: str | None = None) -> SealIdentity:
    """A site-provided PKCS#12 file; its last chain certificate (or $CHECKLIST_APP_SEAL_TRUST) is trusted."""
    if not path.is_file():
        raise PdfRenderError(f"The sealing certificate {path} ({PKCS12_ENV}) does not exist.")
    trust = os.environ.get(TRUST_ENV, "").strip()
    return SealIdentity(trust_root=Path(trust) if trust else None, pkcs12=path,
                        password=password.encode() if password else None)


def _write_private(path: Path, data: bytes) -> None:
    file_modes.write_private(path, data)  # 0600 from the first byte on POSIX; the folder's ACL on Windows


def _create_folder(folder: Path) -> None:
    """Make the four files in a private temporary folder, then rename it into place in one step, so two
    processes starting together never mix one's CA with the other's key: the second rename fails and
    that process uses the winner's folder."""
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".seal-", dir=folder.parent))
    except OSError as exc:
        raise PdfRenderError(f"Cannot create the sealing certificate folder {folder}: {exc.strerror}") from None
    try:
        _create(tmp, {name: tmp / file for name, file in FILES.items()})
        os.rename(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not folder.is_dir():
            raise


def _create(folder: Path, paths: dict[str, Path]) -> None:
    from cryptography.hazmat.primitives import serialization

    host = socket.gethostname() or "workstation"
    ca_key, ca, key, cert = _root_and_seal(f"checklist_app seal root ({host})",
                                           f"checklist_app document seal ({host})", "checklist_app installation")

    def pem_key(k) -> bytes:
        # Unencrypted but 0600 in the user's private data folder, like the database beside it: a passphrase
        # would have to be stored next to it for unattended sealing.
        return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())

    _write_private(paths["ca_key"], pem_key(ca_key))
    _write_private(paths["key"], pem_key(key))
    _write_private(paths["ca_cert"], ca.public_bytes(serialization.Encoding.PEM))
    _write_private(paths["cert"], cert.public_bytes(serialization.Encoding.PEM))


def _root_and_seal(root_name: str, seal_name: str, organization: str) -> tuple:
    """A self-signed root CA (20 years) and a document-seal certificate it issues (10 years), with keys."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC) - timedelta(minutes=5)  # tolerate a slightly slow clock elsewhere
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
                          x509.NameAttribute(NameOID.COMMON_NAME, common[:64])])

    ca_name = name(root_name)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now)
          .not_valid_after(now + timedelta(days=365 * 20))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(name(seal_name))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=365 * 10))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return ca_key, ca, key, cert


# --- the site's certificate, kept in the shared database ------------------------------------------------

def site_secret() -> tuple[bytes | None, str]:
    """The site secret (the password of the site's PKCS#12) and, when there is none, why, in words.

    ``CHECKLIST_APP_SITE_SECRET_FILE`` (a file IT deploys, readable by the app's users only) comes before
    ``CHECKLIST_APP_SITE_SECRET``; surrounding whitespace and the final newline are not part of it.
    """
    chosen = os.environ.get(SITE_SECRET_FILE_ENV, "").strip()
    if chosen:
        try:
            secret = Path(chosen).expanduser().read_bytes().strip()
        except OSError as exc:
            return None, (f"the site secret file {chosen} ({SITE_SECRET_FILE_ENV}) cannot be read "
                          f"({exc.strerror}); ask IT to check it")
        source = f"the site secret file {chosen} ({SITE_SECRET_FILE_ENV})"
    else:
        secret = os.environ.get(SITE_SECRET_ENV, "").strip().encode()
        source = SITE_SECRET_ENV
        if not secret:
            return None, (f"no site secret is set on this workstation. IT sets {SITE_SECRET_FILE_ENV} to a file "
                          f"holding the site's secret (the same on every workstation; make one with "
                          f"'openssl rand -base64 32'), or {PKCS12_ENV} to the site's own certificate")
    if len(secret) < SITE_SECRET_MIN_LENGTH:
        return None, (f"{source} is shorter than {SITE_SECRET_MIN_LENGTH} characters; IT makes a long one "
                      f"with 'openssl rand -base64 32'")
    return secret, ""


def make_site_pkcs12(site_name: str, secret: bytes) -> tuple[bytes, bytes]:
    """A new site root and seal certificate: (the PKCS#12 of the seal key and chain, encrypted with
    ``secret`` (AES-256, PBKDF2-SHA256), the root certificate as PEM).

    The root's private key is not kept anywhere: it signs the seal certificate here and is dropped, so
    nothing stored can issue another certificate under the site's root.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, pkcs12

    label = site_name.strip() or "checklist_app site"
    _, ca, key, cert = _root_and_seal(f"checklist_app site seal root ({label})",
                                      f"checklist_app document seal ({label})", "checklist_app site")
    encryption = (PrivateFormat.PKCS12.encryption_builder().kdf_rounds(SITE_PKCS12_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(secret))
    data = pkcs12.serialize_key_and_certificates(b"checklist_app site seal", key, cert, [ca], encryption)
    return data, ca.public_bytes(Encoding.PEM)


def site_identity(pkcs12_data: bytes, root_pem: bytes, secret: bytes | None, no_secret: str = "") -> SealIdentity:
    """The site's identity from the shared database; it can only verify when the secret is missing or
    does not open the PKCS#12 (``cannot_seal`` then says why)."""
    if secret is None:
        return SealIdentity(trust_root=None, trust_pem=root_pem,
                            cannot_seal=f"The site's sealing certificate cannot be used: {no_secret}.")
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        pkcs12.load_key_and_certificates(pkcs12_data, secret)
    except ValueError:
        return SealIdentity(trust_root=None, trust_pem=root_pem, cannot_seal=(
            f"The site's sealing certificate in the shared database does not open with this workstation's site "
            f"secret ({SITE_SECRET_FILE_ENV} or {SITE_SECRET_ENV}). Every workstation needs the same secret as the "
            f"one that made the certificate; ask IT to copy it here."))
    return SealIdentity(trust_root=None, trust_pem=root_pem, pkcs12_data=pkcs12_data, password=secret)
