"""Long-running processes (the worker, the scheduler) outlive a database outage.

A PostgreSQL restart, a failover or a network cut makes every query fail for
a while; on SQLite a long write lock does the same past the busy timeout.
A process that lets the error end it stops delivering e-mails and reporting
sales until someone restarts it by hand. These helpers let it log the
error, drop the broken connections and wait, longer each time, instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# What an outage looks like from Django: the server is gone (OperationalError),
# or the connection object is (InterfaceError: "connection already closed").
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def connections_drop() -> None:
    """Close every connection, broken ones included, so the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            # Closing a connection the server already dropped may fail too; it is gone either way.
            connection.connection = None


@dataclass
class Backoff:
    """1 s, 2 s, 4 s … up to `longest`; back to `first` once things went well for `longest`."""

    first: float = 1.0
    longest: float = 30.0
    _pause: float = 0.0
    _last_failure: float = 0.0

    def wait(self, what: str, error: Exception) -> None:
        now = time.monotonic()
        if not self._pause or now - self._last_failure > self.longest + self._pause:
            self._pause = self.first
        else:
            self._pause = min(self._pause * 2, self.longest)
        self._last_failure = now
        logger.warning("%s: database unavailable (%s); trying again in %.0f s", what, error, self._pause)
        connections_drop()
        time.sleep(self._pause)
