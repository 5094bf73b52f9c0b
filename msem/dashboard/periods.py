"""The periods the dashboard looks at, and how a period is cut into days or weeks.

Days are days in Paris: a request received at 00:30 on 15 January in Paris
(23:30 UTC on the 14th) belongs to the 15th. Every boundary is computed here,
in Python, as an instant; the database then only compares instants, which is
the same on SQLite and PostgreSQL and needs no time-zone support from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

# A longer period would make charts of hundreds of bars and scans of several seasons.
MAX_PERIOD_DAYS = 366
# Up to this many days a chart has a bar per day; beyond, a bar per week.
MAX_DAILY_DAYS = 62


class PeriodKind:
    WEEK = "week"
    MONTH = "month"
    LAST_MONTH = "last-month"
    SEASON = "season"
    CUSTOM = "custom"


class Granularity:
    DAY = "day"
    WEEK = "week"


def day_start(day: date) -> datetime:
    """Midnight in Paris at the start of `day`, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=PARIS)


@dataclass(frozen=True)
class Bucket:
    """One bar of a time chart: the days first_day..last_day, both included."""

    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return day_start(self.first_day)

    @property
    def end(self) -> datetime:
        return day_start(self.last_day + timedelta(days=1))


@dataclass(frozen=True)
class Period:
    kind: str
    first_day: date
    last_day: date  # included
    granularity: str = field(init=False)

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("a period ends after it starts")
        daily = self.days <= MAX_DAILY_DAYS
        object.__setattr__(self, "granularity", Granularity.DAY if daily else Granularity.WEEK)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> datetime:
        return day_start(self.first_day)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return day_start(self.last_day + timedelta(days=1))

    @property
    def cache_key(self) -> str:
        return f"{self.first_day.isoformat()}:{self.last_day.isoformat()}"

    def buckets(self) -> list[Bucket]:
        """Days, or weeks from Monday to Sunday (the first and last may be cut by the period)."""
        if self.granularity == Granularity.DAY:
            return [Bucket(day, day) for day in _days(self.first_day, self.last_day)]
        buckets = []
        first = self.first_day
        while first <= self.last_day:
            sunday = first + timedelta(days=6 - first.weekday())
            last = min(sunday, self.last_day)
            buckets.append(Bucket(first, last))
            first = last + timedelta(days=1)
        return buckets


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def today_in_paris(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def period_this_week(today: date) -> Period:
    monday = today - timedelta(days=today.weekday())
    return Period(PeriodKind.WEEK, monday, monday + timedelta(days=6))


def period_this_month(today: date) -> Period:
    """The calendar month of `today`, from its 1st to its last day."""
    first = today.replace(day=1)
    next_first = (first + timedelta(days=31)).replace(day=1)
    return Period(PeriodKind.MONTH, first, next_first - timedelta(days=1))


def period_last_month(today: date) -> Period:
    """The calendar month before `today`'s: what a director looks back at when a month closes."""
    last = today.replace(day=1) - timedelta(days=1)
    return Period(PeriodKind.LAST_MONTH, last.replace(day=1), last)


def season_of(today: date) -> tuple[date, date]:
    """The winter season that `today` belongs to: 1 September to 30 April.

    From May to August, the season that has just ended: the next one has no
    requests yet, and the last one is what a school looks back at.
    """
    year = today.year if today.month >= 9 else today.year - 1
    return date(year, 9, 1), date(year + 1, 4, 30)


def period_this_season(today: date) -> Period:
    first, last = season_of(today)
    return Period(PeriodKind.SEASON, first, last)


def period_custom(first_day: date, last_day: date) -> Period:
    """Raises ValueError when the days are in the wrong order or too far apart."""
    if last_day < first_day:
        raise ValueError("a period ends after it starts")
    if (last_day - first_day).days + 1 > MAX_PERIOD_DAYS:
        raise ValueError("a period is one year at most")
    return Period(PeriodKind.CUSTOM, first_day, last_day)
