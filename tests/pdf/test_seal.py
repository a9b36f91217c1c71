"""The PAdES seal: validates against the installation's root; one flipped byte anywhere in the signed
range, in the seal itself (its padding, its certificates, its signature value), or anything appended, makes
it fail; pyHanko is not imported until sealing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from seal_bytes import byte_range, flip_hex_digit, seal_places

from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf import render_checklist
from checklist_app.pdf.certificates import FILES

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def sealed(make_packet, seal_identity):
    from checklist_app.pdf.seal import seal_pdf

    return seal_pdf(render_checklist(make_packet("clean"), invariant=True), seal_identity)


def test_seal_validates_with_the_installation_root(sealed, seal_identity):
    from checklist_app.pdf.seal import validate_sealed

    check = validate_sealed(sealed, identity=seal_identity)
    assert check.valid and check.intact and check.trusted and check.whole_file, check.problem
    assert "checklist_app document seal" in check.signer
    assert check.summary().startswith("Seal valid")
    assert sealed.count(b"/SubFilter /ETSI.CAdES.detached") == 1


def _positions(pdf: bytes) -> list[int]:
    """Spread over both signed ranges: starts, ends, and evenly between (in PDF syntax and in streams)."""
    start1, length1, start2, length2 = byte_range(pdf)
    assert start1 == 0 and start2 + length2 == len(pdf), "the seal covers the whole file"
    first = [start1 + length1 * k // 12 for k in range(12)] + [length1 - 1]
    second = [start2 + length2 * k // 6 for k in range(6)] + [start2 + length2 - 1]
    return sorted(set(first + second))


def test_any_flipped_byte_in_the_signed_range_fails(sealed, seal_identity):
    from checklist_app.pdf.seal import validate_sealed

    for position in _positions(sealed):
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        check = validate_sealed(bytes(tampered), identity=seal_identity)
        assert not check.valid, f"a change at byte {position} went unnoticed"
        assert check.problem


@pytest.mark.parametrize(("part", "expected"), [
    ("padding", "the seal itself was changed after sealing: the padding after the signature is not all zeros"),
    ("root certificate", "the seal itself was changed after sealing: a certificate in it is not one of those the "
                         "seal was validated with"),
    ("signer's certificate", "the seal itself was changed after sealing: its signature and its certificates do not "
                             "fit together"),
    ("signature value", "the content does not match the seal"),
    ("signed content", "the content does not match the seal"),
])
def test_a_byte_changed_anywhere_in_the_seal_fails(sealed, seal_identity, part, expected):
    from checklist_app.pdf.seal import validate_sealed

    position = seal_places(sealed)[part]
    if part != "signed content":
        assert sealed[position] in b"0123456789ABCDEF", "the place is inside the hex string"
    check = validate_sealed(flip_hex_digit(sealed, position), identity=seal_identity)
    assert not check.valid and expected in check.problem, check.problem
    assert check.summary().startswith("Seal NOT valid: ")


def test_every_hex_digit_of_a_seal_is_checked(sealed, seal_identity):
    """A sample across the whole /Contents string, one in 40 of its characters: each change fails. (Every one
    of the 3,000 digits of the CMS fails too; that takes two minutes, so the suite checks a spread.)"""
    from checklist_app.pdf.seal import validate_sealed

    _, end1, start2, _ = byte_range(sealed)
    passed = [position - end1 for position in range(end1 + 1, start2 - 1, 40)
              if validate_sealed(flip_hex_digit(sealed, position), identity=seal_identity).valid]
    assert passed == [], f"changes at these offsets of the hex string went unnoticed: {passed}"


@pytest.mark.parametrize("change", [
    lambda contents: contents.lower(),  # the same bytes in PDF syntax, but not what a seal holds
    lambda contents: contents[:-3] + b" 0>",  # white space inside the hex string
])
def test_the_seal_is_written_one_way_only(sealed, seal_identity, change):
    from checklist_app.pdf.seal import validate_sealed

    _, end1, start2, _ = byte_range(sealed)
    tampered = sealed[:end1] + change(sealed[end1:start2]) + sealed[start2:]
    assert len(tampered) == len(sealed)
    check = validate_sealed(tampered, identity=seal_identity)
    assert not check.valid and "the seal itself was changed" in check.problem, check.problem


def test_a_seal_re_encoded_without_its_key_fails(sealed, seal_identity):
    """The same signature in a longer encoding (BER's long form for the outer length, one byte taken from the
    padding): every value is unchanged, so pyHanko accepts it; only DER's one encoding tells it apart."""
    from asn1crypto import parser

    from checklist_app.pdf.seal import validate_sealed

    _, end1, start2, _ = byte_range(sealed)
    room = bytes.fromhex(sealed[end1 + 1:start2 - 1].decode("ascii"))
    _, _, _, header, body, trailer = parser.parse(room, strict=False)
    assert header[:2] == b"\x30\x82", "a SEQUENCE with a two-byte length"
    longer = b"\x30\x83\x00" + header[2:] + body + trailer
    hex_digits = longer.hex().upper().encode().ljust(start2 - end1 - 2, b"0")
    check = validate_sealed(sealed[:end1 + 1] + hex_digits + sealed[start2 - 1:], identity=seal_identity)
    assert not check.valid and "the signature is not in its one canonical encoding" in check.problem, check.problem


def test_a_changed_word_in_the_text_fails(sealed, seal_identity):
    from checklist_app.pdf.seal import validate_sealed

    # pages are compressed, so change a visible word in the document information instead
    assert b"Okafor" in sealed
    tampered = sealed.replace(b"Okafor", b"Okafar", 1)
    assert not validate_sealed(tampered, identity=seal_identity).valid


def test_anything_appended_after_sealing_fails(sealed, seal_identity):
    from checklist_app.pdf.seal import validate_sealed

    check = validate_sealed(sealed + b"\n% appended\n", identity=seal_identity)
    assert not check.valid


def test_another_root_is_not_trusted(sealed, tmp_path):
    from checklist_app.pdf.certificates import installation_identity
    from checklist_app.pdf.seal import validate_sealed

    stranger = installation_identity(tmp_path / "other")
    check = validate_sealed(sealed, identity=stranger)
    assert not check.valid and not check.trusted and check.intact


def test_unsealed_and_garbage_files_fail_without_raising(make_packet, seal_identity):
    from checklist_app.pdf.seal import validate_sealed

    assert validate_sealed(render_checklist(make_packet("clean")), identity=seal_identity).problem == \
        "the file has no seal"
    assert not validate_sealed(b"not a pdf", identity=seal_identity).valid


def test_sealing_garbage_is_a_render_error(seal_identity):
    from checklist_app.pdf.seal import seal_pdf

    with pytest.raises(PdfRenderError):
        seal_pdf(b"%PDF-1.4\nnot really\n", seal_identity)


def test_certificate_files_are_private(seal_identity):
    folder = seal_identity.cert.parent
    for name in FILES.values():
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


def test_site_pkcs12_is_used_when_configured(make_packet, seal_identity, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, load_pem_private_key, pkcs12
    from cryptography.x509 import load_pem_x509_certificate

    from checklist_app.pdf.certificates import installation_identity
    from checklist_app.pdf.seal import seal_pdf, validate_sealed

    key = load_pem_private_key(seal_identity.key.read_bytes(), None)
    cert = load_pem_x509_certificate(seal_identity.cert.read_bytes())
    ca = load_pem_x509_certificate(seal_identity.trust_root.read_bytes())
    p12 = tmp_path / "site.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"site", key, cert, [ca], BestAvailableEncryption(b"pw")))
    monkeypatch.setenv("CHECKLIST_APP_SEAL_PKCS12", str(p12))
    monkeypatch.setenv("CHECKLIST_APP_SEAL_PASSWORD", "pw")
    identity = installation_identity()
    assert identity.pkcs12 == p12
    sealed = seal_pdf(render_checklist(make_packet("clean")))
    assert validate_sealed(sealed).valid
    monkeypatch.setenv("CHECKLIST_APP_SEAL_PASSWORD", "wrong")
    with pytest.raises(PdfRenderError, match="cannot be loaded"):
        seal_pdf(render_checklist(make_packet("clean")))


def test_importing_the_pdf_package_does_not_import_pyhanko():
    code = ("import sys, checklist_app.pdf, checklist_app.pdf.seal, checklist_app.cli.render; "
            "print(sorted(m for m in sys.modules if m.startswith(('pyhanko', 'cryptography'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pyhanko" not in out, out
