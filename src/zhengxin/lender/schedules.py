"""Repayment schedules: what a borrower owes, period by period, and what ending early costs.

Pure arithmetic, no storage. Two products use it:

* a Jiebei-like cash loan (借呗), priced by a **daily rate** and repaid monthly, either in equal
  instalments (等额本息, repayment mode 11) or interest monthly with the principal at the end
  (到期还本分期结息, mode 13) — :func:`loan_schedule`;
* a Huabei-like bill or merchant instalment plan (花呗分期): the principal in equal parts plus a
  flat fee quoted as a share of the principal, no interest — :func:`instalment_plan`.

Every amount is whole fen (``int``); every rate is a :class:`~decimal.Decimal`; every fractional
amount becomes fen through :func:`~zhengxin.kernel.money.round_fen`, half up.

>>> plan = loan_schedule(1_000_000, Decimal("0.0005"), 12, RepaymentMethod.EQUAL_INSTALMENTS,
...                      date(2025, 1, 15))
>>> first = plan.periods[0]
>>> first.due_date, first.interest_fen, first.principal_fen, first.total_fen
(datetime.date(2025, 2, 15), 15000, 76680, 91680)
>>> plan.principal_fen, plan.interest_fen
(1000000, 100161)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from zhengxin.kernel.clock import add_months
from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.money import Rounding, round_fen

MAX_LOAN_PERIODS = 360
"""Thirty years of monthly periods: the longest loan schedule accepted."""
MAX_INSTALMENT_PERIODS = 36
"""The longest bill or merchant instalment plan accepted (Huabei offers 3/6/9/12)."""
MAX_DAILY_RATE = Decimal("0.01")
"""Daily rates must stay below 1 % a day; anything higher is a typing error, not a product."""
MAX_DUE_DAY = 28
"""A fixed due day must exist in every month, February included."""

# Enough digits that (1 + r)^360 and the annuity quotient carry no rounding of their own:
# ``round_fen`` is the only rounding a schedule sees.
_PRECISION = 50


class RepaymentMethod(StrEnum):
    """How a cash loan is repaid; the values are the report's 还款方式 codes (``RepaymentMode``)."""

    EQUAL_INSTALMENTS = "11"
    """分期等额本息: the same total every month, interest first, principal the rest."""
    INTEREST_THEN_PRINCIPAL = "13"
    """到期还本分期结息: interest every month, all the principal with the last period."""


@dataclass(frozen=True, slots=True)
class Period:
    """One period of a schedule; every amount in fen."""

    number: int
    """1-based position in the schedule."""
    due_date: date
    opening_principal_fen: int
    """Principal outstanding at the start of the period, before this period's repayment."""
    principal_fen: int
    """Principal repaid in this period."""
    interest_fen: int
    """Interest due in this period."""
    fee_fen: int = 0
    """Instalment fee (手续费) due in this period."""

    @property
    def total_fen(self) -> int:
        """Everything due in this period."""
        return self.principal_fen + self.interest_fen + self.fee_fen

    @property
    def closing_principal_fen(self) -> int:
        """Principal outstanding once this period is paid."""
        return self.opening_principal_fen - self.principal_fen


@dataclass(frozen=True, slots=True)
class Schedule:
    """The periods of a loan or instalment plan, in due-date order."""

    periods: tuple[Period, ...]

    @property
    def principal_fen(self) -> int:
        return sum(p.principal_fen for p in self.periods)

    @property
    def interest_fen(self) -> int:
        return sum(p.interest_fen for p in self.periods)

    @property
    def fee_fen(self) -> int:
        return sum(p.fee_fen for p in self.periods)

    @property
    def total_fen(self) -> int:
        return sum(p.total_fen for p in self.periods)

    def due_on_or_before(self, day: date) -> tuple[Period, ...]:
        """The periods whose due date is ``day`` or earlier."""
        return tuple(p for p in self.periods if p.due_date <= day)

    def outstanding_principal_after(self, periods_paid: int) -> int:
        """Principal still owed once the first ``periods_paid`` periods are paid (0 .. n)."""
        if not 0 <= periods_paid <= len(self.periods):
            raise InvalidInput(
                "schedule.periods_paid",
                f"periods paid must be between 0 and {len(self.periods)}; got {periods_paid}",
            )
        return self.principal_fen - sum(p.principal_fen for p in self.periods[:periods_paid])


def loan_schedule(
    principal_fen: int,
    daily_rate: Decimal,
    periods: int,
    method: RepaymentMethod,
    drawn_on: date,
    *,
    due_day: int | None = None,
    days_per_month: int = 30,
) -> Schedule:
    """The monthly schedule of a cash loan of ``principal_fen`` priced at ``daily_rate``.

    Chinese consumer lenders quote a daily rate (日利率, e.g. 0.05 %) and price a month as
    ``days_per_month`` (30) days whatever the calendar says, so the monthly rate is
    ``r = daily_rate × days_per_month`` for every period, short February or long March alike.

    Period ``k`` falls due on ``add_months(drawn_on, k)`` (same day of the month, clamped to the
    month's end), or, with ``due_day`` (1-28), on that day of the same month — so the first
    period may be shorter or longer than a month; its interest is still one month's.

    * :attr:`RepaymentMethod.EQUAL_INSTALMENTS`: the instalment
      ``A = P·r·(1+r)^n / ((1+r)^n − 1)`` rounded to fen; each period's interest is its opening
      principal × r rounded to fen, its principal ``A − interest``. The last period repays all
      the principal left, so the principal parts sum exactly to ``P``. With ``r = 0`` the
      principal is split equally and the remainder fen fall to the last period.
      The fen rounding of ``A`` compounds at ``1 + r`` a period, and the last total absorbs it:
      for consumer loans (¥100 up, up to 36 months, up to 0.1 %/day) it differs from ``A`` by
      a few fen, at most some tens. Far outside that (hundreds of periods at several tenths of
      a percent a day) it can leave nearly all the principal to the last period, or clear the
      loan early — then principal stops at zero and the periods left are zero.
    * :attr:`RepaymentMethod.INTEREST_THEN_PRINCIPAL`: every period's interest is ``P × r``
      rounded to fen; the principal is all due with the last period.

    >>> s = loan_schedule(600_000, Decimal("0.0004"), 3, RepaymentMethod.INTEREST_THEN_PRINCIPAL,
    ...                   date(2025, 1, 31))
    >>> [(str(p.due_date), p.principal_fen, p.interest_fen) for p in s.periods]
    [('2025-02-28', 0, 7200), ('2025-03-31', 0, 7200), ('2025-04-30', 600000, 7200)]
    """
    _check_principal(principal_fen)
    _check_periods(periods, MAX_LOAN_PERIODS)
    _check_rate(daily_rate, "daily rate", below=MAX_DAILY_RATE)
    if due_day is not None and not 1 <= due_day <= MAX_DUE_DAY:
        raise InvalidInput(
            "schedule.due_day", f"due day must be between 1 and {MAX_DUE_DAY}; got {due_day}"
        )
    if not 1 <= days_per_month <= 31:
        raise InvalidInput(
            "schedule.days_per_month",
            f"days per month must be between 1 and 31; got {days_per_month}",
        )
    monthly_rate = daily_rate * days_per_month
    due_dates = [_loan_due_date(drawn_on, k, due_day) for k in range(1, periods + 1)]
    method = RepaymentMethod(method)
    if method is RepaymentMethod.INTEREST_THEN_PRINCIPAL:
        interest = _interest(principal_fen, monthly_rate)
        rows = [
            Period(
                number=k,
                due_date=due,
                opening_principal_fen=principal_fen,
                principal_fen=principal_fen if k == periods else 0,
                interest_fen=interest,
            )
            for k, due in enumerate(due_dates, start=1)
        ]
        return Schedule(tuple(rows))
    if monthly_rate == 0:
        parts = _split(principal_fen, periods, remainder_first=False)
        return Schedule(_interest_free(principal_fen, parts, [0] * periods, due_dates))
    instalment = equal_instalment(principal_fen, monthly_rate, periods)
    rows = []
    opening = principal_fen
    for k, due in enumerate(due_dates, start=1):
        interest = _interest(opening, monthly_rate)
        part = opening if k == periods else min(instalment - interest, opening)
        rows.append(Period(k, due, opening, part, interest))
        opening -= part
    return Schedule(tuple(rows))


def equal_instalment(principal_fen: int, monthly_rate: Decimal, periods: int) -> int:
    """The 等额本息 instalment ``P·r·(1+r)^n / ((1+r)^n − 1)`` in fen, half up.

    At a zero rate it is ``P // n``, what every period but the last repays.

    >>> equal_instalment(1_000_000, Decimal("0.015"), 12)
    91680
    """
    _check_principal(principal_fen)
    _check_periods(periods, MAX_LOAN_PERIODS)
    _check_rate(monthly_rate, "monthly rate")
    with localcontext(prec=_PRECISION):
        if monthly_rate == 0:
            return principal_fen // periods
        growth = (1 + monthly_rate) ** periods
        exact = principal_fen * monthly_rate * growth / (growth - 1)
        return round_fen(exact, Rounding.HALF_UP)


def instalment_plan(
    principal_fen: int, periods: int, total_fee_rate: Decimal, first_due: date
) -> Schedule:
    """A Huabei-like bill or merchant instalment plan (花呗分期): equal parts plus a flat fee.

    The principal is split into ``periods`` equal parts by floor division and the fee total
    ``round_fen(P × total_fee_rate)`` likewise; in both, the **remainder fen go to the first
    period**, so later periods are equal and the borrower clears the odd fen at once. No interest
    is charged. Period ``k`` falls due on ``add_months(first_due, k - 1)``.

    >>> plan = instalment_plan(100_001, 3, Decimal("0.025"), date(2025, 3, 10))
    >>> [(p.principal_fen, p.fee_fen) for p in plan.periods], plan.fee_fen
    ([(33335, 834), (33333, 833), (33333, 833)], 2500)
    """
    _check_principal(principal_fen)
    _check_periods(periods, MAX_INSTALMENT_PERIODS)
    _check_rate(total_fee_rate, "total fee rate", below=Decimal(1))
    with localcontext(prec=_PRECISION):
        fee_total = round_fen(principal_fen * total_fee_rate, Rounding.HALF_UP)
    due_dates = [add_months(first_due, k) for k in range(periods)]
    principal_parts = _split(principal_fen, periods, remainder_first=True)
    fee_parts = _split(fee_total, periods, remainder_first=True)
    return Schedule(_interest_free(principal_fen, principal_parts, fee_parts, due_dates))


def accrued_interest(principal_fen: int, daily_rate: Decimal, start: date, end: date) -> int:
    """Simple daily interest for the days from ``start`` (inclusive) to ``end`` (exclusive).

    ``P × daily_rate × days``, half up to fen; 0 when ``end`` is not after ``start``.

    >>> accrued_interest(1_000_000, Decimal("0.0005"), date(2025, 1, 20), date(2025, 2, 5))
    8000
    """
    _check_not_negative(principal_fen)
    _check_rate(daily_rate, "daily rate")
    days = (end - start).days
    if days <= 0:
        return 0
    with localcontext(prec=_PRECISION):
        return round_fen(principal_fen * daily_rate * days, Rounding.HALF_UP)


def payoff_amount(
    schedule: Schedule, periods_paid: int, daily_rate: Decimal, last_due: date, on: date
) -> int:
    """What repays a loan in full on ``on`` (提前还款), once ``periods_paid`` periods are paid.

    The principal still outstanding plus the interest accrued on it at ``daily_rate`` from
    ``last_due`` — the due date of the last period paid, or the draw date if none is — to ``on``
    (see :func:`accrued_interest`). No prepayment penalty (违约金) is charged. The interest and
    fees of periods not yet due are not owed.
    """
    outstanding = schedule.outstanding_principal_after(periods_paid)
    return outstanding + accrued_interest(outstanding, daily_rate, last_due, on)


def overdue_interest(
    overdue_principal_fen: int,
    contract_daily_rate: Decimal,
    days: int,
    multiplier: Decimal = Decimal("1.5"),
) -> int:
    """Penalty interest (罚息) on overdue principal: contract rate × ``multiplier`` per day.

    The default 1.5 is "contract rate + 50 %" (unconfirmed for Jiebei); half up to fen.

    >>> overdue_interest(100_000, Decimal("0.0005"), 10)
    750
    """
    _check_not_negative(overdue_principal_fen)
    _check_rate(contract_daily_rate, "contract daily rate")
    _check_rate(multiplier, "multiplier")
    if days < 0:
        raise InvalidInput("schedule.days", f"days overdue cannot be negative; got {days}")
    with localcontext(prec=_PRECISION):
        return round_fen(
            overdue_principal_fen * contract_daily_rate * multiplier * days, Rounding.HALF_UP
        )


def _loan_due_date(drawn_on: date, k: int, due_day: int | None) -> date:
    month = add_months(drawn_on, k)
    return month if due_day is None else month.replace(day=due_day)


def _interest(principal_fen: int, rate: Decimal) -> int:
    with localcontext(prec=_PRECISION):
        return round_fen(principal_fen * rate, Rounding.HALF_UP)


def _split(amount_fen: int, parts: int, *, remainder_first: bool) -> list[int]:
    """``amount_fen`` in ``parts`` equal whole-fen parts; the remainder to the first or last."""
    base, remainder = divmod(amount_fen, parts)
    result = [base] * parts
    result[0 if remainder_first else -1] += remainder
    return result


def _interest_free(
    principal_fen: int, principal_parts: list[int], fee_parts: list[int], due_dates: list[date]
) -> tuple[Period, ...]:
    rows = []
    opening = principal_fen
    for k, (part, fee, due) in enumerate(zip(principal_parts, fee_parts, due_dates, strict=True)):
        rows.append(Period(k + 1, due, opening, part, 0, fee))
        opening -= part
    return tuple(rows)


def _check_principal(principal_fen: int) -> None:
    if isinstance(principal_fen, bool) or not isinstance(principal_fen, int) or principal_fen <= 0:
        raise InvalidInput(
            "schedule.principal", f"principal must be a positive number of fen; got {principal_fen}"
        )


def _check_not_negative(principal_fen: int) -> None:
    if isinstance(principal_fen, bool) or not isinstance(principal_fen, int) or principal_fen < 0:
        raise InvalidInput(
            "schedule.principal",
            f"principal must be a whole number of fen ≥ 0; got {principal_fen}",
        )


def _check_periods(periods: int, most: int) -> None:
    if isinstance(periods, bool) or not isinstance(periods, int) or not 1 <= periods <= most:
        raise InvalidInput(
            "schedule.periods", f"periods must be between 1 and {most}; got {periods}"
        )


def _check_rate(value: Decimal, what: str, below: Decimal | None = None) -> None:
    """Rates are finite Decimals (never float), at least 0 and, if ``below`` is given, under it."""
    if (
        not isinstance(value, Decimal)
        or not value.is_finite()
        or value < 0
        or (below is not None and value >= below)
    ):
        bound = "" if below is None else f" and below {below}"
        raise InvalidInput(
            "schedule.rate", f"{what} must be a Decimal of at least 0{bound}; got {value!r}"
        )
