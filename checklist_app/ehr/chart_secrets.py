"""Sealing the chart connection's secrets (bearer token, SMART private key) with the site secret. No Qt.

The site secret is the one the site's sealing certificate already depends on (``pdf.certificates.site_secret``:
``CHECKLIST_APP_SITE_SECRET_FILE``, set by IT on every workstation, never in the database). A secret typed in
Settings is encrypted with AES-256-GCM under a key derived from it (HKDF-SHA256, its own ``info`` so the key
serves nothing else), the field's name bound in as associated data (a sealed token pasted into the key's field
does not open), and stored as ``sealed:v1:<base64 nonce and ciphertext>``. A workstation without the site
secret can neither store nor use one, and says so in words; the database and the settings file hold only the
sealed form, and no message or log line ever shows the clear one.
"""

from __future__ import annotations

import base64
import os

from checklist_app.domain.chart_connection import SEALED_PREFIX
from checklist_app.domain.errors import ChecklistError

INFO = b"checklist-app chart connection secret v1"


class ChartSecretError(ChecklistError):
    """A secret cannot be sealed or opened here (no site secret, or another site's)."""


def _key(field: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from checklist_app.pdf.certificates import site_secret

    secret, why_not = site_secret()
    if secret is None:
        raise ChartSecretError(f"The {field.replace('_', ' ')} cannot be kept sealed on this workstation: {why_not}.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret)


def seal(field: str, clear: str) -> str:
    """``clear`` encrypted for the settings (``sealed:v1:...``)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_key(field)).encrypt(nonce, clear.encode(), field.encode())
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(field: str, sealed: str) -> str:
    """The clear secret of a sealed settings value; ChartSecretError when this workstation cannot open it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        data = base64.urlsafe_b64decode(sealed.removeprefix(SEALED_PREFIX).encode())
        return AESGCM(_key(field)).decrypt(data[:12], data[12:], field.encode()).decode()
    except (InvalidTag, ValueError):
        raise ChartSecretError(f"The stored {field.replace('_', ' ')} does not open with this workstation's site "
                               "secret (another site's, or the secret changed); an administrator types it again "
                               "in Settings, Chart connection.") from None
