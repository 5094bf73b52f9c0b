"""Fixed-window rate limits shared by every process through the database."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from msem.platform.models import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    """At most `hits` per `seconds`."""

    hits: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "10/3600" → ten per hour."""
        hits, seconds = text.split("/")
        return cls(int(hits), int(seconds))


def private_key(*parts: str) -> str:
    """A counter key that does not store the address or IP it counts."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def rate_limits_exceeded(counters: Sequence[tuple[str, Limit]]) -> list[str]:
    """The keys whose counter has reached its limit's hits in its current window (one query)."""
    now = timezone.now()
    windows = {key: _window_start(now, limit.seconds) for key, limit in counters}
    hits = {
        (key, start): count
        for key, start, count in RateLimitCounter.objects.filter(_any_window(windows)).values_list(
            "key", "window_start", "hits"
        )
    }
    return [key for key, limit in counters if hits.get((key, windows[key]), 0) >= limit.hits]


def rate_limits_allow(counters: Sequence[tuple[str, Limit]]) -> bool:
    """True while every counter has been hit fewer than its limit's hits in its current window (one query)."""
    return not rate_limits_exceeded(counters)


def rate_limits_hit(counters: Sequence[tuple[str, Limit]]) -> None:
    """Count one hit on each counter, opening the windows that are not there yet: one statement.

    INSERT … ON CONFLICT DO UPDATE (SQLite since 3.24, PostgreSQL since 9.5)
    is atomic per row, so concurrent requests never lose a hit; Django's ORM
    can only overwrite on conflict, not add.
    """
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    rows: list[str | None] = []
    for key, limit in counters:
        start = _window_start(now, limit.seconds)
        rows += [key, adapt(start), adapt(start + timedelta(seconds=limit.seconds))]
    quote = connection.ops.quote_name
    table = quote(RateLimitCounter._meta.db_table)
    hits = quote("hits")
    values = ", ".join(["(%s, %s, %s, 1)"] * len(counters))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('key')}, {quote('window_start')}, {quote('window_end')}, {hits}) "  # noqa: S608
            f"VALUES {values} ON CONFLICT ({quote('key')}, {quote('window_start')}) "
            f"DO UPDATE SET {hits} = {table}.{hits} + 1",
            rows,
        )
    if random.random() < 0.01:  # noqa: S311 (housekeeping, now and then)
        RateLimitCounter.objects.filter(window_end__lt=now).delete()


def _any_window(windows: dict[str, datetime]) -> Q:
    condition = Q(pk__in=[])
    for key, start in windows.items():
        condition |= Q(key=key, window_start=start)
    return condition
