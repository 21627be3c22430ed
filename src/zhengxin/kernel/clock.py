"""Time comes from a clock that is passed in.

Instants are timezone-aware UTC; business dates are the calendar date in China Standard Time
(UTC+8, no daylight saving), where every lender and bureau in this system keeps its books.
No domain function calls ``date.today()`` or ``datetime.now()``: it asks a :class:`Clock`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Protocol, runtime_checkable

from zhengxin.kernel.errors import InvalidInput

CHINA = timezone(timedelta(hours=8), "CST")


@runtime_checkable
class Clock(Protocol):
    """Tells the time. ``now()`` is UTC; ``today()`` is the business date in China."""

    def now(self) -> datetime: ...

    def today(self) -> date: ...


def business_date(instant: datetime) -> date:
    """The calendar date in China at a UTC instant."""
    _require_aware(instant)
    return instant.astimezone(CHINA).date()


def china_time(day: date, at: time = time(0, 0)) -> datetime:
    """The UTC instant of a wall-clock time in China on ``day``.

    >>> china_time(date(2025, 3, 1), time(9, 30)).isoformat()
    '2025-03-01T01:30:00+00:00'
    """
    return datetime.combine(day, at, tzinfo=CHINA).astimezone(UTC)


def stored_instant(instant: datetime) -> datetime:
    """An instant read back from storage, as an aware UTC datetime: SQLite returns the UTC
    wall time without its zone, PostgreSQL an aware value.

    >>> stored_instant(datetime(2025, 1, 1, 4, 0)).isoformat()
    '2025-01-01T04:00:00+00:00'
    """
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput("clock.naive", f"instants must carry a time zone; got {instant!r}")


class SystemClock:
    """The real time of the machine."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return business_date(self.now())


class FixedClock:
    """A clock that stands still until told to move: for tests and simulations.

    >>> clock = FixedClock.on(date(2025, 1, 31))
    >>> clock.advance(days=1).today()
    datetime.date(2025, 2, 1)
    >>> clock.now().tzinfo is UTC
    True
    """

    def __init__(self, instant: datetime) -> None:
        _require_aware(instant)
        self._now = instant.astimezone(UTC)

    @classmethod
    def on(cls, day: date, at: time = time(12, 0)) -> FixedClock:
        """A clock standing at wall-clock ``at`` in China on ``day`` (noon by default)."""
        return cls(china_time(day, at))

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return business_date(self._now)

    def advance(self, days: int = 0, seconds: float = 0) -> FixedClock:
        """Move forward; a clock never goes back."""
        step = timedelta(days=days, seconds=seconds)
        if step < timedelta(0):
            raise InvalidInput("clock.backwards", f"a clock cannot go back; asked to move {step}")
        self._now += step
        return self

    def set_date(self, day: date, at: time = time(12, 0)) -> FixedClock:
        """Jump forward to wall-clock ``at`` in China on ``day``."""
        target = china_time(day, at)
        if target < self._now:
            raise InvalidInput(
                "clock.backwards", f"a clock cannot go back from {self.today()} to {day}"
            )
        self._now = target
        return self


def month_end(day: date) -> date:
    """The last day of ``day``'s month.

    >>> month_end(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    return next_month_start(day) - timedelta(days=1)


def next_month_start(day: date) -> date:
    """The first day of the month after ``day``'s."""
    if day.month == 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to that month's end (01-31 + 1 → 02-28/29).

    >>> add_months(date(2024, 1, 31), 1), add_months(date(2024, 3, 10), -3)
    (datetime.date(2024, 2, 29), datetime.date(2023, 12, 10))
    """
    year, month0 = divmod(day.year * 12 + (day.month - 1) + months, 12)
    first = date(year, month0 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month (2025-01 → 2025-03 is 2)."""
    return (end.year - start.year) * 12 + (end.month - start.month)
