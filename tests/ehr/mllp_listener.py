"""A real MLLP listener on a localhost port, made with python-hl7's asyncio MLLP server: it parses each message
with the library, keeps it, and answers an ACK (AA, or what it is told to answer). Like an interface engine,
it counts a message whose control id (MSH-10) it has seen before as a duplicate, not a new document.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hl7
from hl7.mllp import start_hl7_server

LIMIT = 16 * 1024 * 1024  # the asyncio reader's default (64 KB) is smaller than a message carrying a PDF


class MllpListener:
    """Messages received (parsed), documents accepted by control id, and the ACK code to answer."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.documents: dict[str, Any] = {}  # MSH-10 -> the message, first copy only
        self.duplicates = 0
        self.ack_code = "AA"
        self.drop_next = 0  # messages to take and then close the connection without answering
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            start_hl7_server(self._client, "127.0.0.1", 0, limit=LIMIT, encoding="utf-8"))
        self.port = self.server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    async def _client(self, reader: Any, writer: Any) -> None:
        try:
            while not reader.at_eof():
                message = await reader.readmessage()
                self.messages.append(message)
                control_id = str(message.segment("MSH")(10))
                if control_id in self.documents:
                    self.duplicates += 1
                elif self.ack_code == "AA":
                    self.documents[control_id] = message
                if self.drop_next:  # the document is taken, the ACK is lost
                    self.drop_next -= 1
                    break
                writer.writemessage(message.create_ack(self.ack_code))
                await writer.drain()
        except asyncio.IncompleteReadError:
            pass
        finally:
            writer.close()

    def start(self) -> MllpListener:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def parse(message: str) -> Any:
    return hl7.parse(message)


@contextmanager
def running() -> Iterator[MllpListener]:
    listener = MllpListener().start()
    try:
        yield listener
    finally:
        listener.stop()
