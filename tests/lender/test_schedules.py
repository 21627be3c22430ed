"""Repayment schedules, told as loans a borrower takes, with the sums worked by hand.

Every expected figure below is a literal worked out in the comment beside it (digits checked with
``decimal`` at 50 digits), never a re-run of the formula under test. Amounts are fen unless a
comment says ¥.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.kernel.errors import InvalidInput
from zhengxin.lender.schedules import (
    Period,
    RepaymentMethod,
    Schedule,
    accrued_interest,
    equal_instalment,
    instalment_plan,
    loan_schedule,
    overdue_interest,
    payoff_amount,
)

EQUAL = RepaymentMethod.EQUAL_INSTALMENTS
BULLET = RepaymentMethod.INTEREST_THEN_PRINCIPAL


def rows(schedule: Schedule) -> list[tuple[str, int, int, int, int]]:
    """(due date, opening principal, principal, interest, total) of every period."""
    return [
        (
            p.due_date.isoformat(),
            p.opening_principal_fen,
            p.principal_fen,
            p.interest_fen,
            p.total_fen,
        )
        for p in schedule.periods
    ]


# --- mode 11, 等额本息 ----------------------------------------------------------------------


def test_twelve_month_cash_loan_at_five_hundredths_of_a_percent_a_day() -> None:
    # Zhang San draws ¥10,000 on 2025-01-15 at 0.05 %/day, 12 equal monthly instalments.
    #   r = 0.0005 × 30 = 0.015 a month
    #   1.015^12 = 1.195618171461535...
    #   A = 10000 × 0.015 × 1.1956181714615 / 0.1956181714615
    #     = 150 × 6.1119995...            = ¥916.7999290... → ¥916.80 (91,680 fen)
    # Period 1: opening 10,000.00; interest 10000 × 0.015 = 150.00;
    #           principal 916.80 − 150.00 = 766.80
    # Period 2: opening 10000 − 766.80 = 9,233.20; interest 9233.20 × 0.015 = 138.498 → 138.50;
    #           principal 916.80 − 138.50 = 778.30
    # ... periods 3-11 the same way: 789.98, 801.83, 813.85, 826.06, 838.45, 851.03, 863.79,
    #     876.75, 889.90 of principal, leaving 903.26 after period 11 ...
    # Period 12: opening 903.26; interest 903.26 × 0.015 = 13.5489 → 13.55; principal all 903.26;
    #            total 916.81 — one fen more than A, the rounding of A caught up at the end.
    schedule = loan_schedule(1_000_000, Decimal("0.0005"), 12, EQUAL, date(2025, 1, 15))

    assert len(schedule.periods) == 12
    assert rows(schedule)[0] == ("2025-02-15", 1_000_000, 76_680, 15_000, 91_680)
    assert rows(schedule)[1] == ("2025-03-15", 923_320, 77_830, 13_850, 91_680)
    assert rows(schedule)[11] == ("2026-01-15", 90_326, 90_326, 1_355, 91_681)
    assert equal_instalment(1_000_000, Decimal("0.015"), 12) == 91_680
    # interest: 150.00 + 138.50 + 126.82 + 114.97 + 102.95 + 90.74 + 78.35 + 65.77 + 53.01
    #         + 40.05 + 26.90 + 13.55 = ¥1,001.61
    assert schedule.principal_fen == 1_000_000
    assert schedule.interest_fen == 100_161
    assert schedule.fee_fen == 0
    assert schedule.total_fen == 1_100_161  # 11 × 916.80 + 916.81


def test_six_month_loan_drawn_on_the_31st_falls_due_on_each_month_end() -> None:
    # ¥5,000 drawn 2025-01-31 at 0.03 %/day over 6 months.
    #   r = 0.0003 × 30 = 0.009;  1.009^6 = 1.055229678769825441
    #   A = 5000 × 0.009 × 1.0552296787698 / 0.0552296787698 = 45 × 19.10620...
    #     = ¥859.7793... → ¥859.78
    # Period 1: interest 5000 × 0.009 = 45.00; principal 859.78 − 45.00 = 814.78
    # Period 2: opening 4,185.22; interest 37.66698 → 37.67; principal 822.11
    # Period 6: opening 852.11; interest 7.66899 → 7.67; principal 852.11; total 859.78 (= A)
    # Due dates: the 31st, clamped to each month's end.
    schedule = loan_schedule(500_000, Decimal("0.0003"), 6, EQUAL, date(2025, 1, 31))

    assert [p.due_date.isoformat() for p in schedule.periods] == [
        "2025-02-28",
        "2025-03-31",
        "2025-04-30",
        "2025-05-31",
        "2025-06-30",
        "2025-07-31",
    ]
    assert rows(schedule)[0] == ("2025-02-28", 500_000, 81_478, 4_500, 85_978)
    assert rows(schedule)[1] == ("2025-03-31", 418_522, 82_211, 3_767, 85_978)
    assert rows(schedule)[5] == ("2025-07-31", 85_211, 85_211, 767, 85_978)
    # interest 45.00 + 37.67 + 30.27 + 22.80 + 15.27 + 7.67 = ¥158.68
    assert schedule.interest_fen == 15_868


def test_a_fixed_due_day_puts_every_period_on_that_day() -> None:
    # ¥1,200 drawn 2025-01-31 with due day 28: the 28th of Feb, Mar, Apr. Interest is a flat
    # month each period whatever the calendar: r = 0.0005 × 30 = 0.015.
    #   1.015^3 = 1.045678375;  A = 1200 × 0.015 × 1.045678375 / 0.045678375 = ¥412.0596... → 412.06
    #   period 1: interest 1200 × 0.015 = 18.00, principal 412.06 − 18.00 = 394.06
    schedule = loan_schedule(120_000, Decimal("0.0005"), 3, EQUAL, date(2025, 1, 31), due_day=28)

    assert rows(schedule) == [
        ("2025-02-28", 120_000, 39_406, 1_800, 41_206),
        ("2025-03-28", 80_594, 39_997, 1_209, 41_206),  # 805.94 × 0.015 = 12.0891 → 12.09
        ("2025-04-28", 40_597, 40_597, 609, 41_206),  # 405.97 × 0.015 = 6.08955 → 6.09
    ]


def test_a_31_day_month_convention_raises_the_monthly_rate() -> None:
    # ¥1,000 at 0.05 %/day for one period priced on 31 days: r = 0.0155, so one period pays
    # the principal plus 1000 × 0.0155 = 15.50 interest.
    schedule = loan_schedule(
        100_000, Decimal("0.0005"), 1, EQUAL, date(2025, 3, 1), days_per_month=31
    )
    assert rows(schedule) == [("2025-04-01", 100_000, 100_000, 1_550, 101_550)]


def test_an_interest_free_loan_splits_the_principal_with_the_odd_fen_last() -> None:
    # A promotional ¥1,000.05 at 0 %/day over 12 months: 100005 = 12 × 8333 + 9, so periods
    # 1-11 repay ¥83.33 and period 12 repays 83.33 + 0.09 = ¥83.42. No interest.
    schedule = loan_schedule(100_005, Decimal(0), 12, EQUAL, date(2025, 1, 31))

    assert [p.principal_fen for p in schedule.periods] == [8_333] * 11 + [8_342]
    assert schedule.interest_fen == 0
    assert schedule.periods[0].due_date == date(2025, 2, 28)
    assert schedule.periods[-1].due_date == date(2026, 1, 31)


# --- mode 13, 到期还本分期结息 --------------------------------------------------------------


def test_interest_monthly_principal_at_the_end() -> None:
    # ¥20,000 drawn 2025-03-25 at 0.02 %/day, 12 months, due on the 10th.
    #   r = 0.0002 × 30 = 0.006;  monthly interest 20000 × 0.006 = ¥120.00
    #   periods 1-11: ¥120.00 of interest only; period 12: ¥20,000 + ¥120.00
    schedule = loan_schedule(
        2_000_000, Decimal("0.0002"), 12, BULLET, date(2025, 3, 25), due_day=10
    )

    assert rows(schedule)[0] == ("2025-04-10", 2_000_000, 0, 12_000, 12_000)
    assert rows(schedule)[1] == ("2025-05-10", 2_000_000, 0, 12_000, 12_000)
    assert rows(schedule)[11] == ("2026-03-10", 2_000_000, 2_000_000, 12_000, 2_012_000)
    assert schedule.interest_fen == 144_000  # 12 × 120.00
    assert schedule.outstanding_principal_after(11) == 2_000_000


def test_interest_only_periods_round_half_up() -> None:
    # ¥12,345.67 at 0.035 %/day: r = 0.0105; 12345.67 × 0.0105 = 129.629535 → ¥129.63
    schedule = loan_schedule(1_234_567, Decimal("0.00035"), 2, BULLET, date(2025, 1, 1))
    assert [p.total_fen for p in schedule.periods] == [12_963, 1_234_567 + 12_963]


def test_the_method_may_be_given_by_its_report_code() -> None:
    assert RepaymentMethod("11") is EQUAL
    assert RepaymentMethod("13") is BULLET


# --- Huabei instalments, 花呗分期 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("periods", "fee_rate", "principal_parts", "fee_parts", "fee_total"),
    [
        # 100001 = 3 × 33333 + 2;   fee 1000.01 × 2.5 % = 25.00025 → 25.00; 2500 = 3 × 833 + 1
        (3, "0.025", [33_335, 33_333, 33_333], [834, 833, 833], 2_500),
        # 100001 = 6 × 16666 + 5;   fee 1000.01 × 4.5 % = 45.00045 → 45.00; 4500 = 6 × 750
        (6, "0.045", [16_671] + [16_666] * 5, [750] * 6, 4_500),
        # 100001 = 9 × 11111 + 2;   fee 1000.01 × 6.5 % = 65.00065 → 65.00; 6500 = 9 × 722 + 2
        (9, "0.065", [11_113] + [11_111] * 8, [724] + [722] * 8, 6_500),
        # 100001 = 12 × 8333 + 5;   fee 1000.01 × 8.8 % = 88.00088 → 88.00; 8800 = 12 × 733 + 4
        (12, "0.088", [8_338] + [8_333] * 11, [737] + [733] * 11, 8_800),
    ],
)
def test_a_bill_of_1000_yuan_and_one_fen_in_instalments(
    periods: int,
    fee_rate: str,
    principal_parts: list[int],
    fee_parts: list[int],
    fee_total: int,
) -> None:
    # Li Si splits a ¥1,000.01 bill due 2025-03-10; the odd fen of principal and fee fall
    # in period 1.
    plan = instalment_plan(100_001, periods, Decimal(fee_rate), date(2025, 3, 10))

    assert [p.principal_fen for p in plan.periods] == principal_parts
    assert [p.fee_fen for p in plan.periods] == fee_parts
    assert plan.fee_fen == fee_total
    assert plan.interest_fen == 0
    assert plan.principal_fen == 100_001
    assert plan.total_fen == 100_001 + fee_total
    assert plan.periods[0].due_date == date(2025, 3, 10)
    assert plan.periods[1].due_date == date(2025, 4, 10)
    assert plan.periods[0].opening_principal_fen == 100_001
    assert plan.periods[1].opening_principal_fen == 100_001 - principal_parts[0]


def test_instalments_first_due_on_the_31st_clamp_without_drifting() -> None:
    # Each date is counted from the first due date, so February's clamp to the 28th does not
    # pull March back from the 31st.
    plan = instalment_plan(90_000, 3, Decimal("0.025"), date(2025, 1, 31))
    assert [p.due_date for p in plan.periods] == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
    ]
    # 900.00 / 3 = 300.00 each; fee 900 × 2.5 % = 22.50 = 3 × 7.50
    assert [p.total_fen for p in plan.periods] == [30_750, 30_750, 30_750]


# --- accrual, payoff, overdue -------------------------------------------------------------


def test_interest_accrues_by_the_day_across_a_month_end() -> None:
    # ¥10,000 from 2025-01-20 to 2025-02-05: Jan 20-31 is 12 days, Feb 1-4 is 4: 16 days.
    #   10000 × 0.0005 × 16 = ¥80.00
    assert accrued_interest(1_000_000, Decimal("0.0005"), date(2025, 1, 20), date(2025, 2, 5)) == (
        8_000
    )
    # Over a leap February: 2024-02-27 → 03-02 is Feb 27, 28, 29 and Mar 1: 4 days.
    #   1234.57 × 0.00035 × 4 = 1.728398 → ¥1.73
    assert accrued_interest(123_457, Decimal("0.00035"), date(2024, 2, 27), date(2024, 3, 2)) == 173


def test_no_interest_accrues_without_days() -> None:
    assert accrued_interest(1_000_000, Decimal("0.0005"), date(2025, 2, 5), date(2025, 2, 5)) == 0
    assert accrued_interest(1_000_000, Decimal("0.0005"), date(2025, 2, 6), date(2025, 2, 5)) == 0


def test_paying_off_the_twelve_month_loan_after_two_instalments() -> None:
    # The ¥10,000 loan of the first test: periods 1 and 2 paid (due 02-15 and 03-15), the rest
    # repaid in full on 2025-04-01.
    #   outstanding: 10000 − 766.80 − 778.30 = ¥8,454.90
    #   days 03-15 → 04-01: Mar 15-31 = 17 days
    #   interest 8454.90 × 0.0005 × 17 = 71.866650 → ¥71.87
    #   payoff 8454.90 + 71.87 = ¥8,526.77 — no prepayment penalty, no future interest
    schedule = loan_schedule(1_000_000, Decimal("0.0005"), 12, EQUAL, date(2025, 1, 15))

    assert schedule.outstanding_principal_after(2) == 845_490
    assert [p.number for p in schedule.due_on_or_before(date(2025, 3, 31))] == [1, 2]
    assert (
        payoff_amount(schedule, 2, Decimal("0.0005"), date(2025, 3, 15), date(2025, 4, 1))
        == 852_677
    )


def test_paying_off_before_the_first_instalment_counts_from_the_draw_date() -> None:
    # Drawn 2025-01-15, repaid 2025-01-25: 10 days of 10000 × 0.0005 = ¥50.00
    schedule = loan_schedule(1_000_000, Decimal("0.0005"), 12, EQUAL, date(2025, 1, 15))
    assert schedule.due_on_or_before(date(2025, 2, 14)) == ()
    assert (
        payoff_amount(schedule, 0, Decimal("0.0005"), date(2025, 1, 15), date(2025, 1, 25))
        == 1_005_000
    )
    # After the last period nothing is owed.
    assert payoff_amount(schedule, 12, Decimal("0.0005"), date(2026, 1, 15), date(2026, 2, 1)) == 0


def test_overdue_principal_bears_the_contract_rate_plus_half() -> None:
    # ¥1,000 overdue 10 days at 0.05 %/day × 1.5 = 0.075 %/day: 1000 × 0.00075 × 10 = ¥7.50
    assert overdue_interest(100_000, Decimal("0.0005"), 10) == 750
    # ¥60.00 for one day: 6000 × 0.00075 = 4.5 fen → 5 (half up, not to even)
    assert overdue_interest(6_000, Decimal("0.0005"), 1) == 5
    # A contract with a +100 % penalty: 1000 × 0.0005 × 2 × 10 = ¥10.00
    assert overdue_interest(100_000, Decimal("0.0005"), 10, multiplier=Decimal(2)) == 1_000
    assert overdue_interest(100_000, Decimal("0.0005"), 0) == 0


# --- the schedule as a record ---------------------------------------------------------------


def test_a_period_and_a_schedule_are_frozen() -> None:
    period = Period(1, date(2025, 2, 15), 100, 100, 5, fee_fen=1)
    assert period.total_fen == 106
    assert period.closing_principal_fen == 0
    with pytest.raises(AttributeError):
        period.interest_fen = 0  # type: ignore[misc]
    with pytest.raises(InvalidInput) as caught:
        Schedule((period,)).outstanding_principal_after(2)
    assert caught.value.code == "schedule.periods_paid"


# --- bad input --------------------------------------------------------------------------------

DRAWN = date(2025, 1, 15)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: loan_schedule(0, Decimal("0.0005"), 12, EQUAL, DRAWN), "schedule.principal"),
        (lambda: loan_schedule(-1, Decimal("0.0005"), 12, EQUAL, DRAWN), "schedule.principal"),
        (lambda: loan_schedule(100, Decimal("0.0005"), 0, EQUAL, DRAWN), "schedule.periods"),
        (lambda: loan_schedule(100, Decimal("0.0005"), 361, EQUAL, DRAWN), "schedule.periods"),
        (lambda: loan_schedule(100, Decimal("-0.0001"), 12, EQUAL, DRAWN), "schedule.rate"),
        (lambda: loan_schedule(100, Decimal("0.01"), 12, EQUAL, DRAWN), "schedule.rate"),
        (lambda: loan_schedule(100, 0.0005, 12, EQUAL, DRAWN), "schedule.rate"),  # type: ignore[arg-type]
        (
            lambda: loan_schedule(100, Decimal("0.0005"), 12, EQUAL, DRAWN, due_day=0),
            "schedule.due_day",
        ),
        (
            lambda: loan_schedule(100, Decimal("0.0005"), 12, EQUAL, DRAWN, due_day=29),
            "schedule.due_day",
        ),
        (
            lambda: loan_schedule(100, Decimal("0.0005"), 12, EQUAL, DRAWN, days_per_month=0),
            "schedule.days_per_month",
        ),
        (lambda: instalment_plan(0, 3, Decimal("0.025"), DRAWN), "schedule.principal"),
        (lambda: instalment_plan(100, 0, Decimal("0.025"), DRAWN), "schedule.periods"),
        (lambda: instalment_plan(100, 37, Decimal("0.025"), DRAWN), "schedule.periods"),
        (lambda: instalment_plan(100, 3, Decimal("-0.01"), DRAWN), "schedule.rate"),
        (lambda: instalment_plan(100, 3, Decimal(1), DRAWN), "schedule.rate"),
        (
            lambda: accrued_interest(-1, Decimal("0.0005"), DRAWN, date(2025, 2, 1)),
            "schedule.principal",
        ),
        (
            lambda: accrued_interest(100, Decimal("-0.0005"), DRAWN, date(2025, 2, 1)),
            "schedule.rate",
        ),
        (lambda: overdue_interest(-1, Decimal("0.0005"), 3), "schedule.principal"),
        (lambda: overdue_interest(100, Decimal("0.0005"), -3), "schedule.days"),
        (
            lambda: overdue_interest(100, Decimal("0.0005"), 3, multiplier=Decimal(-1)),
            "schedule.rate",
        ),
    ],
)
def test_bad_input_is_refused_with_its_code(call: object, code: str) -> None:
    assert callable(call)
    with pytest.raises(InvalidInput) as caught:
        call()
    assert caught.value.code == code


# --- properties -------------------------------------------------------------------------------

daily_rates = st.integers(0, 9_999).map(lambda micro: Decimal(micro).scaleb(-6))  # < 1 %/day
draw_dates = st.dates(date(2000, 1, 1), date(2060, 12, 31))


@given(
    principal=st.integers(1, 10**12),
    daily_rate=daily_rates,
    periods=st.integers(1, 360),
    method=st.sampled_from(RepaymentMethod),
    drawn_on=draw_dates,
    due_day=st.none() | st.integers(1, 28),
)
def test_any_loan_repays_exactly_its_principal_in_parts_never_negative(
    principal: int,
    daily_rate: Decimal,
    periods: int,
    method: RepaymentMethod,
    drawn_on: date,
    due_day: int | None,
) -> None:
    schedule = loan_schedule(principal, daily_rate, periods, method, drawn_on, due_day=due_day)

    assert [p.number for p in schedule.periods] == list(range(1, periods + 1))
    assert schedule.principal_fen == principal
    assert all(p.principal_fen >= 0 and p.interest_fen >= 0 for p in schedule.periods)
    assert all(a.due_date < b.due_date for a, b in pairwise(schedule.periods))
    assert drawn_on < schedule.periods[0].due_date or due_day is not None
    assert schedule.outstanding_principal_after(periods) == 0
    for a, b in pairwise(schedule.periods):
        assert b.opening_principal_fen == a.closing_principal_fen


@given(
    principal=st.integers(10_000, 10**12),  # from ¥100
    daily_rate=st.integers(0, 1_000).map(lambda micro: Decimal(micro).scaleb(-6)),  # ≤ 0.1 %/day
    periods=st.integers(2, 36),
    drawn_on=draw_dates,
)
def test_equal_instalments_are_equal_but_for_the_last(
    principal: int, daily_rate: Decimal, periods: int, drawn_on: date
) -> None:
    # Every consumer cash loan in range (¥100 up, up to 36 months, up to 0.1 %/day): the
    # rounding drift of A is too small to clear the loan before the last period.
    schedule = loan_schedule(principal, daily_rate, periods, EQUAL, drawn_on)
    instalment = equal_instalment(principal, daily_rate * 30, periods)

    assert {p.total_fen for p in schedule.periods[:-1]} == {instalment}


@given(
    principal=st.integers(1, 10**12),
    periods=st.integers(1, 36),
    fee_per_ten_thousand=st.integers(0, 9_999),
    first_due=draw_dates,
)
def test_any_instalment_plan_adds_up(
    principal: int, periods: int, fee_per_ten_thousand: int, first_due: date
) -> None:
    fee_rate = Decimal(fee_per_ten_thousand).scaleb(-4)
    plan = instalment_plan(principal, periods, fee_rate, first_due)

    assert plan.principal_fen == principal
    assert plan.fee_fen == round_half_up(principal * fee_rate)
    assert plan.interest_fen == 0
    assert all(p.principal_fen >= 0 and p.fee_fen >= 0 for p in plan.periods)
    # periods 2..n are equal; period 1 carries the odd fen (fewer than n of them)
    assert len({p.principal_fen for p in plan.periods[1:]}) <= 1
    assert 0 <= plan.periods[0].principal_fen - plan.periods[-1].principal_fen < periods
    assert 0 <= plan.periods[0].fee_fen - plan.periods[-1].fee_fen < periods
    assert all(a.due_date < b.due_date for a, b in pairwise(plan.periods))


def round_half_up(amount: Decimal) -> int:
    """Half up to whole fen by integer arithmetic, independent of the module's rounding."""
    numerator, denominator = amount.as_integer_ratio()
    whole, rest = divmod(numerator, denominator)
    return whole + (1 if 2 * rest >= denominator else 0)
