"""PAdES seal of the signed checklist PDF with pyHanko, and its validation.

``seal_pdf`` adds an invisible PAdES baseline (B-B) signature made with the installation's certificate
(see ``certificates``); ``validate_sealed`` checks it against the installation's root and says in words
what is wrong. Any changed byte in the signed range, or anything appended after sealing, fails it; so does
any changed byte in the seal itself (``_seal_bytes_problem``): the signature's container is not covered by
the signature, and pyHanko alone accepted a changed padding or a changed copy of the root certificate.

pyHanko is imported inside the functions: importing it takes about half a second (aiohttp alone about
200 ms: ``pyhanko.sign.timestamps`` imports its HTTP time-stamp client whatever is used, and every signing
module imports that package, so no narrower import avoids it; we use no time stamps). Start-up and commands
that do not seal should not pay for it, and the app should not make the nurse wait for it after the PIN:
``preload()`` imports it (and loads the fonts and the certificate) on a background thread when "Review and
sign" opens, and ``seal_pdf`` waits for that thread rather than importing the same modules beside it.
A warm seal reuses the loaded certificate and the room its first seal needed in the file, so pyHanko does
not make a trial signature before each real one to measure it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf.certificates import SealIdentity, installation_identity

log = logging.getLogger(__name__)

# pyHanko logs every failed check as a warning with its traceback. Here a seal from another site, or a
# changed file, is a routine verdict that validate_sealed reports in words, and every sealing failure
# becomes a PdfRenderError saying what to do; so pyHanko's own log records go nowhere (not to the terminal
# of verify-seal, not into the app's log).
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

FIELD_NAME = "ChecklistSeal"
REASON = "Sealed by checklist_app: any change after sealing makes this seal invalid."


@dataclass(frozen=True)
class SealCheck:
    """What validation found; ``valid`` is the one answer callers need."""

    valid: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    problem: str = ""

    def summary(self) -> str:
        """One line for a person: valid, or what is wrong."""
        if self.valid:
            when = f" at {self.signed_at:%Y-%m-%d %H:%M %Z}" if self.signed_at else ""
            return f"Seal valid: sealed by {self.signer}{when}; the file is unchanged since."
        return f"Seal NOT valid: {self.problem}"


_preload_lock = threading.Lock()
_preloading: threading.Thread | None = None


def preload() -> threading.Thread:
    """Start loading what signing needs on a background thread (once per process) and return that thread.

    It registers the PDF fonts, imports pyHanko's signing modules and loads (or makes) the installation's
    certificate. Join the thread to wait for it; calling again returns the same thread, so it is harmless. A
    failure is only logged: ``seal_pdf`` then does the same work itself and reports the error.
    """
    global _preloading
    with _preload_lock:
        if _preloading is None:
            _preloading = threading.Thread(target=_load_for_sealing, name="seal-preload", daemon=True)
            _preloading.start()
        return _preloading


def _load_for_sealing() -> None:
    try:
        from checklist_app.pdf import fonts

        fonts.register_fonts()
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: F401
        from pyhanko.sign import signers  # noqa: F401
        from pyhanko.sign.fields import SigSeedSubFilter  # noqa: F401

        _signer(installation_identity())
    except Exception:  # a background warm-up: seal_pdf repeats the work and reports the error
        log.warning("loading the seal machinery in the background failed", exc_info=True)


def wait_for_preload() -> None:
    """Wait for a running ``preload`` (never two threads importing pyHanko side by side)."""
    thread = _preloading
    if thread is not None and thread is not threading.current_thread():
        thread.join()


# Loaded signers by identity and the SHA-256 of its files (a replaced certificate is reloaded, even when
# it was copied with its old modification time; the files are a few KB, hashed in microseconds).
_signers: dict[tuple, object] = {}
# The room each identity's seal takes in the file, learnt from its first seal: without it pyHanko makes a
# whole trial signature before each real one only to measure it (a third of the time a seal takes).
_reserved: dict[SealIdentity, int] = {}
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _signer(identity: SealIdentity):
    files = [p for p in (identity.pkcs12, identity.key, identity.cert, *identity.chain) if p is not None]
    try:
        key = (identity, tuple(hashlib.sha256(p.read_bytes()).digest() for p in files))
    except OSError:
        return _load_signer(identity)  # reports the missing file
    if key not in _signers:
        _signers[key] = _load_signer(identity)
    return _signers[key]


def _load_signer(identity: SealIdentity):
    from pyhanko.sign import signers

    if identity.cannot_seal:
        raise PdfRenderError(identity.cannot_seal)
    try:
        if identity.pkcs12_data is not None:
            signer = signers.SimpleSigner.load_pkcs12_data(identity.pkcs12_data, (), passphrase=identity.password)
        elif identity.pkcs12 is not None:
            signer = signers.SimpleSigner.load_pkcs12(str(identity.pkcs12), passphrase=identity.password)
        else:
            signer = signers.SimpleSigner.load(str(identity.key), str(identity.cert),
                                               ca_chain_files=tuple(str(p) for p in identity.chain))
    except (OSError, ValueError) as exc:
        raise PdfRenderError(f"The sealing certificate cannot be loaded ({exc}).") from None
    if signer is None:  # pyHanko logs the reason and returns None for a wrong password or bad file
        raise PdfRenderError("The sealing certificate cannot be loaded: wrong password or not a certificate file.")
    return signer


def seal_pdf(pdf_bytes: bytes, signer: SealIdentity | None = None, *, reason: str = REASON,
             location: str | None = None) -> bytes:
    """Return ``pdf_bytes`` with a PAdES seal added as an incremental update."""
    wait_for_preload()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.general import SigningError

    identity = signer or installation_identity()
    loaded = _signer(identity)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location)

    def sign(reserved: int | None) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        return signers.sign_pdf(writer, meta, signer=loaded, bytes_reserved=reserved).getvalue()

    try:
        try:
            sealed = sign(_reserved.get(identity))
        except SigningError:
            if identity not in _reserved:
                raise
            sealed = sign(None)  # the room learnt before was too small after all: let pyHanko measure again
    except (PdfError, SigningError) as exc:
        raise PdfRenderError(f"The PDF could not be sealed ({exc}).") from exc
    room = _room_of_last_seal(sealed)
    if room > 0:
        _reserved[identity] = max(_reserved.get(identity, 0), room)
    return sealed


def _room_of_last_seal(sealed: bytes) -> int:
    """The hex digits reserved for the last seal in ``sealed``: the gap its /ByteRange leaves, less '<' '>'."""
    match = _BYTE_RANGE.match(sealed, sealed.rfind(b"/ByteRange"))
    if match is None:
        return 0
    _, first_end, second_start, _ = (int(g) for g in match.groups())
    return second_start - first_end - 2


def _trust_roots(identity: SealIdentity | None, trust_root: Path | None) -> list:
    """The root certificates a seal must chain to; PdfRenderError (in words) when they cannot be read."""
    if trust_root is not None:
        return [_load_root(trust_root.read_bytes, str(trust_root))]
    identity = identity or installation_identity(create=False)  # verifying never makes a certificate
    if identity.trust_pem is not None:
        return [_load_root(lambda: identity.trust_pem, "the site's root certificate in the shared database")]
    if identity.trust_root is not None:
        return [_load_root(identity.trust_root.read_bytes, str(identity.trust_root))]
    if identity.pkcs12 is not None:  # a site PKI without an explicit root: trust the top of the file's chain
        from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

        try:
            bundle = pkcs12.load_pkcs12(identity.pkcs12.read_bytes(), identity.password)
        except (OSError, ValueError) as exc:
            raise PdfRenderError(f"The site certificate {identity.pkcs12} cannot be read to know which seals to "
                                 f"trust ({getattr(exc, 'strerror', None) or 'wrong password or not a PKCS#12 file'})."
                                 ) from None
        chain = [c.certificate for c in bundle.additional_certs] or [bundle.cert.certificate]
        from asn1crypto import x509 as asn1_x509

        return [asn1_x509.Certificate.load(chain[-1].public_bytes(Encoding.DER))]
    return []


def _load_root(read, where: str) -> object:
    from pyhanko.keys import load_certs_from_pemder_data

    try:
        certificates = list(load_certs_from_pemder_data(read()))
    except OSError as exc:
        raise PdfRenderError(f"The trusted root certificate {where} cannot be read ({exc.strerror}).") from None
    except ValueError:
        certificates = []
    if not certificates:
        raise PdfRenderError(f"The trusted root certificate {where} is not a certificate (PEM or DER) or is damaged.")
    return certificates[0]


# The seal's /Contents as pyHanko writes it: one hex string, upper case, no spaces (the PDF syntax would
# also allow lower case and white space, which a valid seal therefore never has).
_SEAL_CONTENTS = re.compile(rb"<(?:[0-9A-F]{2})+>")


def _seal_bytes_problem(pdf_bytes: bytes, seal, status) -> str:
    """What in the seal's own bytes differs from what a valid seal of this file can hold; "" when nothing.

    The signature covers the file except its /Contents hex string, and inside that string it covers only the
    signed attributes. Everything else there is checked against the one value a seal made here can have:
    the hex (upper case, as pyHanko writes it) is the DER of the CMS and then zeros to the end (the room kept
    for it); the DER is canonical (re-encoding it gives the same bytes); the certificates in it are exactly
    ones of the chain that was just validated, byte for byte, the signer's included and none twice; and each
    field the signature does not cover has the only value RFC 5652 allows for it (versions, the digest
    algorithm list, detached data, no CRLs, no unsigned attributes, the signer named as its certificate says).
    Not checked, because no byte of the file says it: that ECDSA lets anyone turn a valid signature value into
    a second valid one over the same content (README, "Seal and verify").
    """
    from asn1crypto import cms, parser

    start1, end1, start2, length2 = (int(n) for n in seal.byte_range)
    if start1 != 0 or not 0 < end1 < start2 or start2 + length2 != len(pdf_bytes):
        return "its byte range is not the whole file around the signature"
    contents = pdf_bytes[end1:start2]
    if not _SEAL_CONTENTS.fullmatch(contents):
        return "the signature's hex string holds characters a seal never has"
    room = bytes.fromhex(contents[1:-1].decode("ascii"))
    if room != seal.pkcs7_content:
        return "the signature read is not the bytes in the file"
    _, _, _, header, body, trailer = parser.parse(room, strict=False)
    der = room[: len(header) + len(body) + len(trailer)]
    if any(room[len(der):]):
        return "the padding after the signature is not all zeros"
    info = cms.ContentInfo.load(der, strict=True)
    if info.dump(force=True) != der:
        return "the signature is not in its one canonical encoding"
    return _cms_problem(info, status)


def _cms_problem(info, status) -> str:
    """The unsigned parts of the CMS against the values a valid seal has ("" when they are all right)."""
    from asn1crypto import x509

    if info["content_type"].native != "signed_data":
        return "it is not a signed-data container"
    signed = info["content"]
    if len(signed["signer_infos"]) != 1:
        return "it does not hold exactly one signer"
    signer_info = signed["signer_infos"][0]
    sid, cert = signer_info["sid"], status.signing_cert
    by_key = sid.name == "subject_key_identifier"
    if by_key and sid.chosen.native != cert.key_identifier:
        return "the signer is named by another key"
    if not by_key and (sid.chosen["issuer"].dump() != cert.issuer.dump()
                       or sid.chosen["serial_number"].native != cert.serial_number):
        return "the signer is named by another certificate"
    if signer_info["version"].native != ("v3" if by_key else "v1"):
        return "the signer's version number was changed"
    if signed["version"].native != ("v3" if by_key else "v1"):
        return "the container's version number was changed"
    algorithms = signed["digest_algorithms"]
    if len(algorithms) != 1 or algorithms[0].dump() != signer_info["digest_algorithm"].dump():
        return "the list of digest algorithms is not the signer's one"
    if signer_info["digest_algorithm"]["parameters"].native is not None:
        return "the digest algorithm has parameters a seal never has"
    signature_algorithm = signer_info["signature_algorithm"]
    if signature_algorithm["algorithm"].native != "rsassa_pss" and signature_algorithm["parameters"].native is not None:
        return "the signature algorithm has parameters a seal never has"
    encapsulated = signed["encap_content_info"]
    if encapsulated["content_type"].native != "data" or encapsulated["content"].native is not None:
        return "the signed content is not the PDF's bytes"
    if signed["crls"].native is not None or signer_info["unsigned_attrs"].native is not None:
        return "it holds revocation lists or unsigned attributes a seal never has"
    validated = {c.dump() for c in status.validation_path.iter_certs(include_root=True)}
    embedded = [c.chosen for c in signed["certificates"]]
    if any(not isinstance(c, x509.Certificate) for c in embedded):
        return "it holds a certificate of a kind a seal never has"
    ders = [c.dump() for c in embedded]
    if len(set(ders)) != len(ders) or cert.dump() not in ders:
        return "its certificates are not the chain it was sealed with"
    if any(d not in validated for d in ders):
        return "a certificate in it is not one of those the seal was validated with (one was changed or added)"
    return ""


def validate_sealed(pdf_bytes: bytes, *, identity: SealIdentity | None = None,
                    trust_root: Path | None = None) -> SealCheck:
    """Validate the last seal in ``pdf_bytes``, trusting the installation's or site's root (or ``trust_root``).

    Never raises for a damaged, truncated, tampered or foreign file: that is a failed check, with the
    reason in ``problem``. Raises PdfRenderError (in words) only when the roots to trust cannot be read,
    since then nothing can be said about the file.
    """
    wait_for_preload()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if identity is None and trust_root is None:
        identity = installation_identity(create=False)  # verifying never makes a certificate
    roots = _trust_roots(identity, trust_root)
    if not pdf_bytes.strip():
        return SealCheck(False, problem="the file is empty")
    if b"%PDF-" not in pdf_bytes[:1024]:
        return SealCheck(False, problem="the file is not a PDF")
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        seals = reader.embedded_signatures
        if not seals:
            return SealCheck(False, problem="the file has no seal")
        status = validate_pdf_signature(seals[-1], ValidationContext(trust_roots=roots, allow_fetching=False))
    except SignatureValidationError:  # readable, but its parts do not fit together (a certificate changed)
        return SealCheck(False, problem="the seal itself was changed after sealing: its signature and its "
                                        "certificates do not fit together")
    except Exception as exc:  # a tampered or cut-off file can break the parser in many ways; all mean "not valid"
        log.info("seal validation failed: %s", type(exc).__name__)
        return SealCheck(False, problem="the file is damaged, cut short or was changed after sealing: it cannot "
                                        "be read as a sealed PDF")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signer = status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    problems = []
    if not status.intact or not status.valid:
        problems.append("the content does not match the seal (it was changed after sealing)")
    elif status.trusted:
        try:
            changed = _seal_bytes_problem(pdf_bytes, seals[-1], status)
        except Exception as exc:  # an odd structure that pyHanko accepted but that a valid seal never has
            log.info("seal structure check failed: %s", type(exc).__name__)
            changed = "its structure is not that of a seal"
        if changed:
            problems.append(f"the seal itself was changed after sealing: {changed}")
    if not status.trusted and not roots and identity is not None and identity.cannot_seal:
        problems.append(f"the seal ('{signer}') cannot be trusted here: {identity.cannot_seal}")
    elif not status.trusted:
        problems.append(f"the seal was made with a certificate this site does not trust ('{signer}'): the PDF "
                        f"was sealed at another site or installation, or by someone else")
    if not whole:
        problems.append("something was added to the file after it was sealed")
    return SealCheck(valid=not problems, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
                     whole_file=whole, signer=signer, signed_at=status.signer_reported_dt,
                     problem="; ".join(problems))
