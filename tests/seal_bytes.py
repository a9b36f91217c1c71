"""Places in a sealed PDF's seal, and a one-character change to one, for the tests of the seal's own bytes
(tests/pdf/test_seal.py in process, tests/cli/test_verify_seal.py through the command)."""

from __future__ import annotations

import re


def byte_range(pdf: bytes) -> list[int]:
    """The last seal's /ByteRange: [0, end of the first range, start of the second, its length]."""
    match = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf))[-1]
    return [int(g) for g in match.groups()]


def seal_places(pdf: bytes) -> dict[str, int]:
    """A byte offset in each part of the last seal: in its /Contents hex string, a digit of the padding of zeros
    after the CMS, of the embedded root certificate, of the signer's certificate and of the signature value;
    and a byte of the content the signature covers (the middle of the first range)."""
    from asn1crypto import cms, parser

    _, end1, start2, _ = byte_range(pdf)
    hex_start = end1 + 1  # after '<'
    room = bytes.fromhex(pdf[hex_start:start2 - 1].decode("ascii"))
    _, _, _, header, body, trailer = parser.parse(room, strict=False)
    der_length = len(header) + len(body) + len(trailer)
    signed = cms.ContentInfo.load(room[:der_length])["content"]
    certificates = [c.chosen for c in signed["certificates"]]
    root = next(c for c in certificates if c.self_issued)
    signer = next(c for c in certificates if not c.self_issued)
    signature = signed["signer_infos"][0]["signature"].native

    def last_byte_of(part: bytes) -> int:
        # A hex digit of the part's last byte: a value byte, never a tag or a length (a change there could make
        # the seal unreadable instead, also refused, but with another verdict).
        return hex_start + 2 * (room.index(part) + len(part) - 1)

    return {"padding": hex_start + 2 * der_length + (len(room) - der_length),
            "root certificate": last_byte_of(root.dump()),
            "signer's certificate": last_byte_of(signer.dump()),
            "signature value": last_byte_of(signature),
            "signed content": end1 // 2}


def flip_hex_digit(pdf: bytes, position: int) -> bytes:
    """``pdf`` with the character at ``position`` replaced by another upper-case hex digit (the file stays a
    well-formed PDF with a well-formed hex string: only the value changes)."""
    tampered = bytearray(pdf)
    tampered[position] = ord("1") if tampered[position] != ord("1") else ord("2")
    return bytes(tampered)
