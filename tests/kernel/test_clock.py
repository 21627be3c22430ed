"""Clocks, business dates in China, and calendar-month arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.kernel.clock import (
    CHINA,
    Clock,
    FixedClock,
    SystemClock,
    add_months,
    business_date,
    china_time,
    month_end,
    months_between,
    next_month_start,
)
from zhengxin.kernel.errors import InvalidInput

days = st.dates(min_value=date(1901, 1, 1), max_value=date(2098, 12, 31))
month_steps = st.integers(min_value=-1200, max_value=1200)


class NoOffset(tzinfo):
    """A tzinfo that does not know its offset: as good as naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


# --- instants and business dates --------------------------------------------------------------


def test_china_is_utc_plus_eight_all_year() -> None:
    assert CHINA.utcoffset(datetime(2025, 1, 15)) == timedelta(hours=8)
    assert CHINA.utcoffset(datetime(2025, 7, 15)) == timedelta(hours=8)


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        (datetime(2025, 1, 31, 15, 59, 59, tzinfo=UTC), date(2025, 1, 31)),
        (datetime(2025, 1, 31, 16, 0, 0, tzinfo=UTC), date(2025, 2, 1)),
        (datetime(2025, 1, 31, 17, 0, tzinfo=UTC), date(2025, 2, 1)),
        (datetime(2024, 12, 31, 16, 0, tzinfo=UTC), date(2025, 1, 1)),
        (datetime(2024, 2, 28, 16, 0, tzinfo=UTC), date(2024, 2, 29)),
        (datetime(2025, 3, 1, 0, 0, tzinfo=UTC), date(2025, 3, 1)),
        (datetime(2025, 3, 1, 8, 0, tzinfo=CHINA), date(2025, 3, 1)),
        (datetime(2025, 3, 1, 20, 0, tzinfo=timezone(timedelta(hours=-5))), date(2025, 3, 2)),
    ],
)
def test_business_date_is_the_calendar_date_in_china(instant: datetime, day: date) -> None:
    assert business_date(instant) == day


@pytest.mark.parametrize(
    "instant", [datetime(2025, 1, 1, 12), datetime(2025, 1, 1, tzinfo=NoOffset())]
)
def test_business_date_refuses_naive_instants(instant: datetime) -> None:
    with pytest.raises(InvalidInput) as exc:
        business_date(instant)
    assert exc.value.code == "clock.naive"


@pytest.mark.parametrize(
    ("day", "at", "instant"),
    [
        (date(2025, 3, 1), time(9, 30), datetime(2025, 3, 1, 1, 30, tzinfo=UTC)),
        (date(2025, 3, 1), time(0, 0), datetime(2025, 2, 28, 16, 0, tzinfo=UTC)),
        (date(2025, 1, 1), time(7, 59), datetime(2024, 12, 31, 23, 59, tzinfo=UTC)),
        (date(2025, 3, 1), time(23, 59, 59), datetime(2025, 3, 1, 15, 59, 59, tzinfo=UTC)),
    ],
)
def test_china_time_is_the_utc_instant_of_a_wall_clock_time(
    day: date, at: time, instant: datetime
) -> None:
    result = china_time(day, at)
    assert result == instant
    assert result.tzinfo is UTC
    assert business_date(result) == day


def test_china_time_defaults_to_midnight() -> None:
    assert china_time(date(2025, 3, 1)) == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)


@given(days, st.times())
def test_china_time_lands_on_its_own_business_date(day: date, at: time) -> None:
    assert business_date(china_time(day, at)) == day


# --- FixedClock -------------------------------------------------------------------------------


def test_fixed_clock_on_a_day_stands_at_noon_in_china() -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    assert clock.now() == datetime(2025, 3, 1, 4, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    assert clock.today() == date(2025, 3, 1)


def test_fixed_clock_on_a_day_at_a_time() -> None:
    late = FixedClock.on(date(2025, 3, 1), time(23, 59))
    assert late.now() == datetime(2025, 3, 1, 15, 59, tzinfo=UTC)
    assert late.today() == date(2025, 3, 1)
    early = FixedClock.on(date(2025, 3, 1), time(0, 30))
    assert early.now() == datetime(2025, 2, 28, 16, 30, tzinfo=UTC)  # still Feb 28 in UTC
    assert early.today() == date(2025, 3, 1)


def test_fixed_clock_today_across_the_utc_china_date_boundary() -> None:
    # 17:00 UTC on Jan 31 is 01:00 on Feb 1 in Beijing
    clock = FixedClock(datetime(2025, 1, 31, 17, 0, tzinfo=UTC))
    assert clock.now().date() == date(2025, 1, 31)
    assert clock.today() == date(2025, 2, 1)


def test_fixed_clock_stands_still() -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    assert clock.now() == clock.now()
    assert clock.today() == clock.today()


def test_fixed_clock_keeps_instants_in_utc() -> None:
    clock = FixedClock(datetime(2025, 1, 1, 8, 0, tzinfo=CHINA))
    assert clock.now() == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


@pytest.mark.parametrize(
    "instant", [datetime(2025, 1, 1, 12), datetime(2025, 1, 1, tzinfo=NoOffset())]
)
def test_fixed_clock_refuses_naive_instants(instant: datetime) -> None:
    with pytest.raises(InvalidInput) as exc:
        FixedClock(instant)
    assert exc.value.code == "clock.naive"
    assert exc.value.status == 422


def test_advance_moves_forward_and_returns_the_clock() -> None:
    clock = FixedClock.on(date(2025, 1, 31))
    assert clock.advance(days=1) is clock
    assert clock.today() == date(2025, 2, 1)
    assert clock.now() == datetime(2025, 2, 1, 4, 0, tzinfo=UTC)
    clock.advance(seconds=3600)
    assert clock.now() == datetime(2025, 2, 1, 5, 0, tzinfo=UTC)
    clock.advance(days=2, seconds=0.5)
    assert clock.now() == datetime(2025, 2, 3, 5, 0, 0, 500000, tzinfo=UTC)


def test_advance_over_the_china_midnight_changes_the_business_date() -> None:
    clock = FixedClock.on(date(2025, 2, 28), time(23, 0))
    clock.advance(seconds=3600)
    assert clock.today() == date(2025, 3, 1)


def test_advance_by_nothing_is_allowed() -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    before = clock.now()
    clock.advance()
    clock.advance(days=1, seconds=-86400)
    assert clock.now() == before


def test_advance_judges_the_net_step() -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    clock.advance(days=1, seconds=-3600)  # 23 hours forward
    assert clock.now() == datetime(2025, 3, 2, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("step_days", "step_seconds"), [(-1, 0), (0, -1), (0, -0.001), (1, -86401)]
)
def test_advance_refuses_to_go_back(step_days: int, step_seconds: float) -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    before = clock.now()
    with pytest.raises(InvalidInput) as exc:
        clock.advance(days=step_days, seconds=step_seconds)
    assert exc.value.code == "clock.backwards"
    assert clock.now() == before


def test_set_date_jumps_forward_to_noon_or_a_given_time() -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    assert clock.set_date(date(2025, 4, 15)) is clock
    assert clock.today() == date(2025, 4, 15)
    assert clock.now() == datetime(2025, 4, 15, 4, 0, tzinfo=UTC)
    clock.set_date(date(2025, 4, 15), time(18, 0))
    assert clock.now() == datetime(2025, 4, 15, 10, 0, tzinfo=UTC)


def test_set_date_to_the_same_instant_is_allowed() -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    clock.set_date(date(2025, 3, 1))
    assert clock.now() == datetime(2025, 3, 1, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "at"),
    [
        (date(2025, 2, 28), time(12, 0)),
        (date(2024, 3, 1), time(12, 0)),
        (date(2025, 3, 1), time(11, 59)),  # the same day, but earlier in it
        (date(2025, 3, 1), time(0, 0)),
    ],
)
def test_set_date_refuses_to_go_back(day: date, at: time) -> None:
    clock = FixedClock.on(date(2025, 3, 1))
    with pytest.raises(InvalidInput) as exc:
        clock.set_date(day, at)
    assert exc.value.code == "clock.backwards"
    assert "2025-03-01" in exc.value.message
    assert clock.now() == datetime(2025, 3, 1, 4, 0, tzinfo=UTC)


def test_fixed_clocks_are_independent() -> None:
    a = FixedClock.on(date(2025, 3, 1))
    b = FixedClock.on(date(2025, 3, 1))
    a.advance(days=10)
    assert b.today() == date(2025, 3, 1)


# --- SystemClock and the protocol -------------------------------------------------------------


def test_system_clock_tells_the_real_time_in_utc() -> None:
    clock = SystemClock()
    before = datetime.now(UTC)
    now = clock.now()
    after = datetime.now(UTC)
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after


def test_system_clock_today_is_the_business_date_now() -> None:
    before = business_date(datetime.now(UTC))
    today = SystemClock().today()
    after = business_date(datetime.now(UTC))
    assert today in {before, after}


def test_both_clocks_are_clocks() -> None:
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FixedClock.on(date(2025, 3, 1)), Clock)
    assert not isinstance(object(), Clock)


# --- months -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2024, 2, 10), date(2024, 2, 29)),
        (date(2023, 2, 1), date(2023, 2, 28)),
        (date(2000, 2, 15), date(2000, 2, 29)),  # divisible by 400: leap
        (date(1900, 2, 15), date(1900, 2, 28)),  # divisible by 100 only: not leap
        (date(2025, 1, 31), date(2025, 1, 31)),
        (date(2025, 4, 1), date(2025, 4, 30)),
        (date(2025, 6, 30), date(2025, 6, 30)),
        (date(2025, 12, 15), date(2025, 12, 31)),
    ],
)
def test_month_end(day: date, end: date) -> None:
    assert month_end(day) == end


@given(days)
def test_month_end_is_the_last_day_of_the_same_month(day: date) -> None:
    end = month_end(day)
    assert (end.year, end.month) == (day.year, day.month)
    assert end >= day
    assert (end + timedelta(days=1)).day == 1


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2025, 1, 31), date(2025, 2, 1)),
        (date(2025, 12, 1), date(2026, 1, 1)),
        (date(2025, 12, 31), date(2026, 1, 1)),
        (date(2024, 2, 29), date(2024, 3, 1)),
    ],
)
def test_next_month_start(day: date, start: date) -> None:
    assert next_month_start(day) == start


@given(days)
def test_next_month_start_is_the_first_of_the_following_month(day: date) -> None:
    start = next_month_start(day)
    assert start.day == 1
    assert start > day
    assert months_between(day, start) == 1
    assert start == month_end(day) + timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        (date(2025, 8, 31), -6, date(2025, 2, 28)),
        (date(2024, 1, 31), 13, date(2025, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), 1, date(2024, 3, 29)),  # no clamping back up to the 31st
        (date(2024, 3, 10), -3, date(2023, 12, 10)),
        (date(2025, 1, 1), 120, date(2035, 1, 1)),
    ],
)
def test_add_months(day: date, months: int, result: date) -> None:
    assert add_months(day, months) == result


@given(days, month_steps)
def test_add_months_lands_in_the_right_month_on_the_same_or_an_earlier_day(
    day: date, months: int
) -> None:
    result = add_months(day, months)
    assert months_between(day, result) == months
    assert result.day <= day.day
    # the day only moves when the target month is too short for it
    assert result.day == min(day.day, month_end(result).day)


@given(days.filter(lambda d: d.day <= 28), month_steps)
def test_add_months_is_reversible_for_days_every_month_has(day: date, months: int) -> None:
    assert add_months(add_months(day, months), -months) == day


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 1, 1), date(2025, 3, 1), 2),
        (date(2025, 1, 31), date(2025, 3, 1), 2),  # calendar months, not 30-day periods
        (date(2025, 1, 1), date(2025, 1, 31), 0),
        (date(2024, 11, 5), date(2025, 2, 1), 3),
        (date(2025, 3, 1), date(2025, 1, 31), -2),
        (date(2020, 1, 1), date(2025, 1, 1), 60),
    ],
)
def test_months_between(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months


@given(days, days)
def test_months_between_is_antisymmetric(a: date, b: date) -> None:
    assert months_between(a, b) == -months_between(b, a)
