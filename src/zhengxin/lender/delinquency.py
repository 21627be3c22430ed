"""Delinquency derived from obligations and repayments alone.

Nothing here touches storage: :func:`replay` takes an account's obligations (bill minimums,
or loan periods) and its repayments and walks them in date order, so the state on any past
date can be recomputed exactly. Repayments settle obligations oldest first; days past due count
from the day after the due date of the oldest obligation still unpaid
(``law-and-products.md`` §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zhengxin.codes import AccountStatus, FiveCategory, RepaymentStatus
from zhengxin.kernel.clock import month_end

# Lower bound, in days past due, of each overdue five-category class.
_CLASS_STARTS = {
    FiveCategory.SPECIAL_MENTION: 1,
    FiveCategory.SUBSTANDARD: 91,
    FiveCategory.DOUBTFUL: 121,
    FiveCategory.LOSS: 181,
}


@dataclass(frozen=True, slots=True)
class Due:
    """An amount falling due: ``created_on`` is when it became known (the bill day)."""

    created_on: date
    due_date: date
    amount_fen: int


@dataclass(frozen=True, slots=True)
class Paid:
    paid_on: date
    amount_fen: int


@dataclass(slots=True)
class Obligation:
    due_date: date
    amount_fen: int
    remaining_fen: int
    settled_on: date | None = None


@dataclass(frozen=True, slots=True)
class DelinquencyState:
    """An account's delinquency at the end of ``as_of``."""

    as_of: date
    opened_on: date
    obligations: tuple[Obligation, ...]
    overdue: tuple[Obligation, ...]
    last_repayment_on: date | None
    last_cure_on: date | None

    @property
    def days_past_due(self) -> int:
        if not self.overdue:
            return 0
        return (self.as_of - self.overdue[0].due_date).days

    @property
    def past_due_fen(self) -> int:
        return sum(o.remaining_fen for o in self.overdue)

    @property
    def overdue_periods(self) -> int:
        return len(self.overdue)

    def past_due_by_age(self, low: int, high: int | None) -> int:
        """Unpaid amounts whose age in days past due lies in ``[low, high]``."""
        return sum(
            o.remaining_fen
            for o in self.overdue
            if (self.as_of - o.due_date).days >= low
            and (high is None or (self.as_of - o.due_date).days <= high)
        )

    @property
    def five_category(self) -> FiveCategory:
        return FiveCategory.for_days_past_due(self.days_past_due)

    @property
    def five_category_since(self) -> date:
        """The day the current five-category class began."""
        category = self.five_category
        if category is FiveCategory.PASS:
            return self.last_cure_on or self.opened_on
        return self.as_of - timedelta(days=self.days_past_due - _CLASS_STARTS[category])


def replay(opened_on: date, dues: list[Due], payments: list[Paid], as_of: date) -> DelinquencyState:
    """Walk an account's obligations and repayments up to the end of ``as_of``.

    On one day an obligation becomes known before that day's repayments.
    """
    events: list[tuple[date, int, Due | Paid]] = [
        (d.created_on, 0, d) for d in dues if d.created_on <= as_of and d.amount_fen > 0
    ]
    events += [(p.paid_on, 1, p) for p in payments if p.paid_on <= as_of]
    events.sort(key=lambda e: (e[0], e[1]))
    obligations: list[Obligation] = []
    last_repayment: date | None = None
    last_cure: date | None = None
    for day, _, event in events:
        if isinstance(event, Due):
            obligations.append(Obligation(event.due_date, event.amount_fen, event.amount_fen))
            continue
        last_repayment = day
        left = event.amount_fen
        was_overdue = any(o.remaining_fen and o.due_date < day for o in obligations)
        for obligation in sorted(obligations, key=lambda o: o.due_date):
            if left == 0:
                break
            applied = min(left, obligation.remaining_fen)
            obligation.remaining_fen -= applied
            left -= applied
            if applied and obligation.remaining_fen == 0:
                obligation.settled_on = day
        if was_overdue and not any(o.remaining_fen and o.due_date < day for o in obligations):
            last_cure = day
    overdue = tuple(
        sorted(
            (o for o in obligations if o.remaining_fen and o.due_date < as_of),
            key=lambda o: o.due_date,
        )
    )
    return DelinquencyState(
        as_of=as_of,
        opened_on=opened_on,
        obligations=tuple(obligations),
        overdue=overdue,
        last_repayment_on=last_repayment,
        last_cure_on=last_cure,
    )


def month_status(
    state: DelinquencyState,
    month: date,
    *,
    used_in_month: bool,
    closed_on: date | None,
    written_off_on: date | None,
) -> RepaymentStatus:
    """The repayment-status code for ``month`` (``state`` is taken at that month's end).

    B written off; C closed; 1-7 overdue by days past due; M a sum due this month was paid
    late but before the month ended; * nothing used and nothing due this month; N otherwise.
    """
    if written_off_on is not None and written_off_on <= month_end(month):
        return RepaymentStatus.BAD_DEBT
    if closed_on is not None and closed_on <= month_end(month):
        return RepaymentStatus.CLOSED
    if state.days_past_due > 0:
        return RepaymentStatus.for_days_past_due(state.days_past_due)
    due_this_month = [
        o for o in state.obligations if o.due_date.replace(day=1) == month and o.amount_fen
    ]
    if any(o.settled_on is not None and o.settled_on > o.due_date for o in due_this_month):
        return RepaymentStatus.PAID_LATE_IN_MONTH
    if not due_this_month and not used_in_month:
        return RepaymentStatus.NOTHING_DUE
    return RepaymentStatus.PAID_AS_AGREED


def account_status(
    state: DelinquencyState,
    *,
    closed_on: date | None,
    written_off_on: date | None,
    write_off_after_days: int,
) -> AccountStatus:
    """账户状态 at ``state.as_of``: written off (42), awaiting write-off (41), closed,
    overdue, or normal."""
    if written_off_on is not None and written_off_on <= state.as_of:
        return AccountStatus.WRITTEN_OFF
    if closed_on is not None and closed_on <= state.as_of:
        return AccountStatus.CLOSED
    if state.days_past_due > write_off_after_days:
        return AccountStatus.BAD_DEBT_PENDING
    if state.days_past_due > 0:
        return AccountStatus.OVERDUE
    return AccountStatus.NORMAL
