"""PIN hashing with scrypt, a memory-hard KDF from the standard library.

A stored hash reads ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``: the salt is random per account and the
cost parameters travel with the hash, so they can be raised later without locking anyone out
(``needs_rehash`` tells when a successful sign-in should re-hash with today's parameters).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from checklist_app.domain.errors import ChecklistError

# n=2**15, r=8: 32 MiB and about a tenth of a second per check. A PIN has little entropy, so the real
# protection against guessing is the five-attempt lock; the cost slows an attacker who copied the file.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 128


class PinPolicyError(ChecklistError):
    """A new PIN was refused (too short, too long, or blank around the edges)."""


def check_pin_policy(pin: str) -> None:
    """Refuse a PIN that is too short or too long, with the rule in the message."""
    if len(pin) < MIN_PIN_LENGTH:
        raise PinPolicyError(f"The PIN must be at least {MIN_PIN_LENGTH} characters long.")
    if len(pin) > MAX_PIN_LENGTH:
        raise PinPolicyError(f"The PIN must be at most {MAX_PIN_LENGTH} characters long.")
    if pin != pin.strip():
        raise PinPolicyError("The PIN must not start or end with a space.")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # scrypt needs 128 * n * r bytes; hashlib's default limit (32 MiB) is exactly at our default cost.
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20,
                          dklen=KEY_BYTES)


def hash_pin(pin: str) -> str:
    """Hash a PIN with a fresh salt and the current cost parameters."""
    salt = os.urandom(SALT_BYTES)
    key = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${key.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches the stored hash (compared in constant time). A malformed hash never matches."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _derive(pin, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, bytes.fromhex(key))


def needs_rehash(stored: str) -> bool:
    """True when the stored hash used weaker parameters than today's."""
    try:
        scheme, n, r, p, _salt, _key = stored.split("$")
        return scheme != "scrypt" or int(n) < SCRYPT_N or int(r) < SCRYPT_R or int(p) < SCRYPT_P
    except ValueError:
        return True


def spend_check_time(pin: str) -> None:
    """Do the work of one check and discard it, so an unknown staff ID takes as long as a wrong PIN."""
    _derive(pin, bytes(SALT_BYTES), SCRYPT_N, SCRYPT_R, SCRYPT_P)
