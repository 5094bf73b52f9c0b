"""When a school's staff is at work: the demo's secretaries do not answer at three in the morning.

Clients write at any hour; what a secretary does (take a dossier, answer it,
remind the client, ask for a payment, close or archive it) happens while the
office is open. Ski schools work weekends in season, so every day is a day at work.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

OPENS, CLOSES = time(8, 30), time(19, 0)
# Whatever waited overnight is done in the first hour and a half of the morning.
MORNING_CATCH_UP = timedelta(minutes=90)


def at_the_office(moment: datetime, rng: random.Random) -> datetime:
    """`moment` when the office is open then, else in the first hour and a half after it next opens."""
    local = timezone.localtime(moment)
    if OPENS <= local.time() < CLOSES:
        return moment
    day = local.date() if local.time() < OPENS else local.date() + timedelta(days=1)
    opening = datetime.combine(day, OPENS, tzinfo=timezone.get_current_timezone())
    # In UTC, as the moments it is given: a local time would make the caller's `+ timedelta(days=7)`
    # a wall-clock sum, an hour off across a change of summer time.
    return opening.astimezone(UTC) + MORNING_CATCH_UP * rng.random()


def at_the_office_before(moment: datetime, limit: datetime, rng: random.Random) -> datetime:
    """As `at_the_office`, unless that would reach `limit` (what must come after): then `moment` as it was."""
    shifted = at_the_office(moment, rng)
    return shifted if shifted < limit else moment
