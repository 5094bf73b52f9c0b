"""Statements whose best plan depends on their values: planned for those values each time.

On PostgreSQL a statement run a few times on a connection is prepared (config/settings.py,
`prepare_threshold`), and after five runs PostgreSQL may keep one generic plan for it, made
without looking at the values. That suits the inbox's filters, not its free-text search: the
same statement finds a rare name through the trigram index and a common word by reading the
newest dossiers in order, and a generic plan picks one way for every term (at 1 000 000
dossiers, "club from edinburgh" took 77 ms through the index instead of 0.7 ms in order).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def planned_for_their_values() -> Iterator[None]:
    """Inside, statements are sent unprepared, so that PostgreSQL plans each for its values."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    kept = driver.prepare_threshold
    # psycopg prepares nothing, and runs no prepared statement, while its threshold is None.
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = kept
