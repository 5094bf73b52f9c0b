from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from msem.platform import rate_limits
from msem.platform.models import RateLimitCounter
from msem.platform.rate_limits import Limit, rate_limits_allow, rate_limits_hit

pytestmark = pytest.mark.django_db

HOURLY = Limit(3, 3600)
DAILY = Limit(5, 86400)


def hits() -> dict[str, int]:
    return dict(RateLimitCounter.objects.values_list("key", "hits"))


def test_each_counter_counts_its_hits_in_its_own_window():
    rate_limits_hit([("ip", HOURLY), ("school", DAILY)])
    rate_limits_hit([("ip", HOURLY), ("school", DAILY)])
    rate_limits_hit([("school", DAILY), ("someone-new", HOURLY)])

    assert hits() == {"ip": 2, "school": 3, "someone-new": 1}
    windows = {row.key: row.window_end - row.window_start for row in RateLimitCounter.objects.all()}
    assert windows == {"ip": timedelta(hours=1), "school": timedelta(days=1), "someone-new": timedelta(hours=1)}


def test_allowed_until_any_one_counter_reaches_its_limit():
    counters = [("ip", HOURLY), ("school", DAILY)]
    for _ in range(3):
        assert rate_limits_allow(counters)
        rate_limits_hit(counters)
    assert not rate_limits_allow(counters)
    assert rate_limits_allow([("school", DAILY)])


@pytest.fixture
def housekeeping(monkeypatch):
    """Whether this hit also clears past windows (one hit in a hundred, at random, in production)."""

    def choose(*, runs: bool) -> None:
        monkeypatch.setattr(rate_limits.random, "random", lambda: 0.0 if runs else 1.0)

    return choose


def test_a_past_window_does_not_count(housekeeping):
    housekeeping(runs=False)
    past = timezone.now() - timedelta(hours=2)
    RateLimitCounter.objects.create(key="ip", window_start=past, window_end=past + timedelta(hours=1), hits=99)
    assert rate_limits_allow([("ip", HOURLY)])
    rate_limits_hit([("ip", HOURLY)])
    assert sorted(RateLimitCounter.objects.values_list("hits", flat=True)) == [1, 99]


def test_now_and_then_a_hit_clears_the_past_windows(housekeeping):
    housekeeping(runs=True)
    past = timezone.now() - timedelta(hours=2)
    RateLimitCounter.objects.create(key="ip", window_start=past, window_end=past + timedelta(hours=1), hits=99)
    rate_limits_hit([("ip", HOURLY)])
    assert hits() == {"ip": 1}
