"""A local SMTP server (aiosmtpd) that accepts everything and notes when each message arrived.

Unlike tests/mailing/smtp_server.py it does not parse the messages: the bench
runs on the same cores as the worker it measures, and parsing would steal
CPU from it. It only keeps (arrival time, recipients) per message.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Arrival:
    at: float  # time.monotonic() when DATA was accepted
    recipients: list[str]
    size: int


@dataclass
class TimestampingHandler:
    arrivals: list[Arrival] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        arrival = Arrival(time.monotonic(), [r.lower() for r in envelope.rcpt_tos], len(envelope.content or b""))
        with self.lock:
            self.arrivals.append(arrival)
        return "250 2.0.0 Message accepted for delivery"


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = TimestampingHandler()
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def arrivals(self) -> list[Arrival]:
        with self.handler.lock:
            return list(self.handler.arrivals)

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.arrivals)

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.05)
        return self.count() >= count
