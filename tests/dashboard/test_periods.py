"""Periods: this week, this season, two dates; days in Paris, bars per day or per week."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from msem.dashboard.periods import (
    Granularity,
    Period,
    PeriodKind,
    period_custom,
    period_last_month,
    period_this_month,
    period_this_season,
    period_this_week,
    today_in_paris,
)


def test_this_week_runs_from_monday_to_sunday():
    period = period_this_week(date(2026, 11, 26))  # a Thursday
    assert (period.first_day, period.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period.granularity == Granularity.DAY
    assert len(period.buckets()) == 7


@pytest.mark.parametrize(
    ("today", "this_month", "last_month"),
    [
        (date(2026, 12, 7), (date(2026, 12, 1), date(2026, 12, 31)), (date(2026, 11, 1), date(2026, 11, 30))),
        (date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31)), (date(2026, 11, 1), date(2026, 11, 30))),
        # Across the new year, and February's 28 or 29 days.
        (date(2027, 1, 1), (date(2027, 1, 1), date(2027, 1, 31)), (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2027, 3, 31), (date(2027, 3, 1), date(2027, 3, 31)), (date(2027, 2, 1), date(2027, 2, 28))),
        (date(2028, 2, 15), (date(2028, 2, 1), date(2028, 2, 29)), (date(2028, 1, 1), date(2028, 1, 31))),
    ],
)
def test_this_month_and_last_month_are_whole_calendar_months(today, this_month, last_month):
    """What a director looks at when a month closes: "this season" and two dates typed were all she had."""
    assert (period_this_month(today).first_day, period_this_month(today).last_day) == this_month
    assert (period_last_month(today).first_day, period_last_month(today).last_day) == last_month
    assert period_this_month(today).granularity == Granularity.DAY


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 11, 29), date(2026, 9, 1), date(2027, 4, 30)),
        (date(2026, 9, 1), date(2026, 9, 1), date(2027, 4, 30)),
        (date(2027, 2, 14), date(2026, 9, 1), date(2027, 4, 30)),
        (date(2027, 4, 30), date(2026, 9, 1), date(2027, 4, 30)),
        # In summer, the season that has just ended.
        (date(2027, 7, 14), date(2026, 9, 1), date(2027, 4, 30)),
        (date(2027, 8, 31), date(2026, 9, 1), date(2027, 4, 30)),
    ],
)
def test_the_season_runs_from_september_to_april(today, first, last):
    period = period_this_season(today)
    assert (period.kind, period.first_day, period.last_day) == (PeriodKind.SEASON, first, last)


def test_a_season_is_cut_into_weeks_from_monday_to_sunday():
    buckets = period_this_season(date(2026, 11, 29)).buckets()
    # 1 September 2026 is a Tuesday: the first bar is a short week.
    assert (buckets[0].first_day, buckets[0].last_day) == (date(2026, 9, 1), date(2026, 9, 6))
    assert (buckets[1].first_day, buckets[1].last_day) == (date(2026, 9, 7), date(2026, 9, 13))
    assert buckets[-1].last_day == date(2027, 4, 30)
    assert sum((b.last_day - b.first_day).days + 1 for b in buckets) == 242
    assert all(b.first_day.weekday() == 0 for b in buckets[1:])


def test_up_to_62_days_a_bar_per_day_beyond_a_bar_per_week():
    assert period_custom(date(2026, 1, 1), date(2026, 3, 3)).granularity == Granularity.DAY  # 62 days
    assert period_custom(date(2026, 1, 1), date(2026, 3, 4)).granularity == Granularity.WEEK


def test_days_start_at_midnight_in_paris_in_winter_and_in_summer():
    winter = Period(PeriodKind.CUSTOM, date(2026, 1, 15), date(2026, 1, 15))
    assert winter.start == datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    assert winter.end == datetime(2026, 1, 15, 23, 0, tzinfo=UTC)
    # Summer time starts on 29 March 2026: that day is 23 hours long.
    spring = Period(PeriodKind.CUSTOM, date(2026, 3, 29), date(2026, 3, 29))
    assert spring.start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert spring.end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_today_is_today_in_paris():
    assert today_in_paris(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 2, 1), date(2026, 1, 31)), (date(2025, 1, 1), date(2026, 1, 2))],
)
def test_a_custom_period_is_in_order_and_a_year_at_most(first, last):
    with pytest.raises(ValueError, match="a period"):
        period_custom(first, last)


def test_a_custom_period_of_a_whole_leap_year_is_allowed():
    period = period_custom(date(2028, 1, 1), date(2028, 12, 31))
    assert period.days == 366
    assert period.granularity == Granularity.WEEK
