"""The installation's sealing certificate: made on first use, or a PKCS#12 file the site provides.

On first use a self-signed root CA and a seal certificate issued by it are created in
``<data folder>/seal/`` (files readable by this user only). A site with its own PKI sets
``CHECKLIST_APP_SEAL_PKCS12`` to a .p12/.pfx file (and ``CHECKLIST_APP_SEAL_PASSWORD`` if it has one);
validators then trust the last certificate of its chain, or ``CHECKLIST_APP_SEAL_TRUST`` (a PEM file).
``cryptography`` is imported inside the functions, like pyHanko in ``seal``.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs

from checklist_app.domain.errors import PdfRenderError

DATA_DIR_ENV = "CHECKLIST_APP_DATA_DIR"
PKCS12_ENV = "CHECKLIST_APP_SEAL_PKCS12"
PASSWORD_ENV = "CHECKLIST_APP_SEAL_PASSWORD"
TRUST_ENV = "CHECKLIST_APP_SEAL_TRUST"
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


def seal_dir() -> Path:
    """``<data folder>/seal``: ``$CHECKLIST_APP_DATA_DIR`` or the platform's user data folder."""
    chosen = os.environ.get(DATA_DIR_ENV, "").strip()
    base = Path(chosen).expanduser() if chosen else Path(platformdirs.user_data_dir("checklist_app", appauthor=False))
    return base / "seal"


def installation_identity(directory: Path | None = None) -> SealIdentity:
    """The site's PKCS#12 when configured, else this installation's own certificate (made if missing)."""
    p12 = os.environ.get(PKCS12_ENV, "").strip()
    if p12:
        return pkcs12_identity(Path(p12), os.environ.get(PASSWORD_ENV))
    folder = directory or seal_dir()
    paths = {name: folder / file for name, file in FILES.items()}
    if not folder.exists():
        _create_folder(folder)
    missing = [p.name for p in paths.values() if not p.is_file()]
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
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # 0600 from the first byte
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)  # O_CREAT's mode is filtered by the umask


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
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    host = socket.gethostname() or "workstation"
    now = datetime.now(UTC) - timedelta(minutes=5)  # tolerate a slightly slow clock elsewhere
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "checklist_app installation"),
                          x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_name = name(f"checklist_app seal root ({host})")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now)
          .not_valid_after(now + timedelta(days=365 * 20))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(name(f"checklist_app document seal ({host})"))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=365 * 10))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))

    def pem_key(k: ec.EllipticCurvePrivateKey) -> bytes:
        # Unencrypted but 0600 in the user's private data folder, like the database beside it: a passphrase
        # would have to be stored next to it for unattended sealing.
        return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())

    _write_private(paths["ca_key"], pem_key(ca_key))
    _write_private(paths["key"], pem_key(key))
    _write_private(paths["ca_cert"], ca.public_bytes(serialization.Encoding.PEM))
    _write_private(paths["cert"], cert.public_bytes(serialization.Encoding.PEM))
