"""Fixed-window rate limits shared by every process through the database."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
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


def rate_limit_allows(*, key: str, limit: Limit) -> bool:
    """True while `key` has been hit fewer than limit.hits times in the current window."""
    now = timezone.now()
    start = _window_start(now, limit.seconds)
    current = RateLimitCounter.objects.filter(key=key, window_start=start).values_list("hits", flat=True).first() or 0
    return current < limit.hits


def rate_limit_hit(*, key: str, limit: Limit) -> None:
    now = timezone.now()
    start = _window_start(now, limit.seconds)
    counter = RateLimitCounter.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not counter.update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(
                        key=key, window_start=start, window_end=start + timedelta(seconds=limit.seconds), hits=1
                    )
            except IntegrityError:
                counter.update(hits=F("hits") + 1)
    if random.random() < 0.01:  # noqa: S311 (housekeeping, now and then)
        RateLimitCounter.objects.filter(window_end__lt=now).delete()
