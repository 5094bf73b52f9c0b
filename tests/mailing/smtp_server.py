"""A real SMTP server on loopback (aiosmtpd) that records what it receives.

It can refuse messages with a given answer, and hold a message in the
middle of its delivery (to kill the sending worker at that moment).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message
    # The bytes as they came over the wire, to see how a header or a part was encoded.
    raw: bytes = b""

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    # Answer every DATA with this instead of accepting (e.g. "451 4.3.0 try later").
    data_answer: str | None = None
    # Hold the message in DATA (after recording it) until released.
    hold: threading.Event | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.data_answer:
            return self.data_answer
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=default_policy)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        if self.hold is not None and not self.hold.is_set():
            self.holding.set()
            while not self.hold.is_set():
                await asyncio.sleep(0.05)
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None, **controller_options: Any) -> None:
        # controller_options go to aiosmtpd's Controller: tls_context, require_starttls, ssl_context …
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self.controller_options = controller_options
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.controller_options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, the server received {len(self.received)}")
