"""Sending one HL7 v2 message over MLLP and reading its ACK: a small blocking client on ``socket``.

python-hl7 ships an MLLP client, but it connects without a timeout, writes with a single ``send`` (which
may write only part of a 300 KB message carrying a PDF) and reads the ACK with a single ``recv`` (which may
return part of it); a sender that must survive a hung interface engine needs all three bounded and whole.
The framing is MLLP's: ``<VT>message<FS><CR>``. python-hl7 parses the ACK.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

START, END = b"\x0b", b"\x1c\x0d"
MAX_ACK_BYTES = 1 << 20


class MllpError(Exception):
    """The message could not be delivered, or its ACK could not be read; the text says which, in words."""


@dataclass(frozen=True)
class Ack:
    """What the receiver answered: MSA-1 (AA accepted, AE error, AR rejected), MSA-2 and MSA-3's text."""

    code: str
    control_id: str
    text: str

    @property
    def accepted(self) -> bool:
        """Whether the receiver took the message (AA, or CA in enhanced mode)."""
        return self.code in ("AA", "CA")


def send(host: str, port: int, message: str, *, timeout: float) -> Ack:
    """Send ``message`` (segments separated by CR) and return the receiver's ACK."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(START + message.encode("utf-8") + END)
            reply = _read_frame(conn)
    except TimeoutError:
        raise MllpError(f"unreachable: no answer from {host}:{port} within {timeout:g} s") from None
    except OSError as exc:
        raise MllpError(f"unreachable: {host}:{port}: {exc.strerror or exc}") from None
    return parse_ack(reply)


def _read_frame(conn: socket.socket) -> bytes:
    data = b""
    while END not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise MllpError("unreachable: the connection was closed before an ACK arrived")
        data += chunk
        if len(data) > MAX_ACK_BYTES:
            raise MllpError("refused: the answer is not an MLLP ACK (too long)")
    start = data.find(START)
    return data[start + 1 if start >= 0 else 0:data.index(END)]


def parse_ack(frame: bytes) -> Ack:
    """The MSA of an ACK frame, read with python-hl7."""
    import hl7

    try:
        message = hl7.parse(frame.decode("utf-8").replace("\n", "\r"))
        msa = message.segment("MSA")
    except (KeyError, ValueError, IndexError, UnicodeDecodeError, hl7.ParseException):
        raise MllpError("refused: the answer is not an HL7 ACK") from None
    code, control_id = str(msa(1)), str(msa(2))
    text = str(msa(3)) if len(msa) > 3 else ""
    return Ack(code=code, control_id=control_id, text=text)
