"""The line's state at any date, derived from its postings and statements alone.

Nothing here touches storage: :func:`replay` takes the line's postings and statements and
walks them in date order, so the state on any past date can be recomputed exactly.

Delinquency follows ``law-and-products.md`` §5: each statement creates an obligation (its
minimum) due on its due date; repayments settle obligations oldest first; days past due count
from the day after the due date of the oldest obligation still unpaid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
class Movement:
    """A posting as the ledger sees it: positive raises the debt, negative lowers it."""

    posted_on: date
    amount_fen: int
    kind: str


@dataclass(frozen=True, slots=True)
class Bill:
    """A statement as the ledger sees it."""

    statement_date: date
    due_date: date
    balance_fen: int
    new_minimum_fen: int
    past_due_fen: int

    @property
    def minimum_due_fen(self) -> int:
        """Everything the subject must pay by the due date: this bill's minimum plus arrears."""
        return self.new_minimum_fen + self.past_due_fen


@dataclass(slots=True)
class Obligation:
    """One bill's minimum, and how much of it is still unpaid."""

    due_date: date
    amount_fen: int
    remaining_fen: int
    settled_on: date | None = None


@dataclass(frozen=True, slots=True)
class LineState:
    """What a line looks like at the end of ``as_of``."""

    as_of: date
    opened_on: date
    balance_fen: int
    overdue: tuple[Obligation, ...]
    obligations: tuple[Obligation, ...]
    last_repayment_on: date | None
    last_cure_on: date | None
    purchased_fen_by_month: dict[date, int] = field(default_factory=dict)
    repaid_fen_by_month: dict[date, int] = field(default_factory=dict)

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

    def overdue_principal_by_age(self, low: int, high: int | None) -> int:
        """Unpaid minimums whose age in days past due lies in ``[low, high]``."""
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


def replay(opened_on: date, movements: list[Movement], bills: list[Bill], as_of: date) -> LineState:
    """Walk the line's history up to the end of ``as_of``.

    On one day, a statement is cut before that day's postings (it covers the days before it).
    """
    events: list[tuple[date, int, Movement | Bill]] = [
        (b.statement_date, 0, b) for b in bills if b.statement_date <= as_of
    ]
    events += [(m.posted_on, 1, m) for m in movements if m.posted_on <= as_of]
    events.sort(key=lambda e: (e[0], e[1]))

    balance = 0
    obligations: list[Obligation] = []
    last_repayment: date | None = None
    last_cure: date | None = None
    purchased: dict[date, int] = {}
    repaid: dict[date, int] = {}
    for day, _, event in events:
        if isinstance(event, Bill):
            if event.new_minimum_fen > 0:
                obligations.append(
                    Obligation(event.due_date, event.new_minimum_fen, event.new_minimum_fen)
                )
            continue
        balance += event.amount_fen
        month = day.replace(day=1)
        if event.amount_fen > 0:
            purchased[month] = purchased.get(month, 0) + event.amount_fen
            continue
        paid = -event.amount_fen
        repaid[month] = repaid.get(month, 0) + paid
        last_repayment = day
        was_overdue = any(o.remaining_fen and o.due_date < day for o in obligations)
        for obligation in obligations:
            if paid == 0:
                break
            if obligation.remaining_fen == 0:
                continue
            applied = min(paid, obligation.remaining_fen)
            obligation.remaining_fen -= applied
            paid -= applied
            if obligation.remaining_fen == 0:
                obligation.settled_on = day
        if was_overdue and not any(o.remaining_fen and o.due_date < day for o in obligations):
            last_cure = day

    overdue = tuple(o for o in obligations if o.remaining_fen and o.due_date < as_of)
    return LineState(
        as_of=as_of,
        opened_on=opened_on,
        balance_fen=balance,
        overdue=overdue,
        obligations=tuple(obligations),
        last_repayment_on=last_repayment,
        last_cure_on=last_cure,
        purchased_fen_by_month=purchased,
        repaid_fen_by_month=repaid,
    )


def month_status(state: LineState, month: date, closed_on: date | None) -> RepaymentStatus:
    """The repayment-status code for ``month`` (``state`` is taken at that month's end).

    C closed; 1-7 overdue by days past due; M a minimum due this month was paid late but
    before the month ended; * no spending and nothing due this month; N otherwise.
    """
    if closed_on is not None and closed_on <= month_end(month):
        return RepaymentStatus.CLOSED
    if state.days_past_due > 0:
        return RepaymentStatus.for_days_past_due(state.days_past_due)
    due_this_month = [
        o for o in state.obligations if o.due_date.replace(day=1) == month and o.amount_fen
    ]
    if any(o.settled_on is not None and o.settled_on > o.due_date for o in due_this_month):
        return RepaymentStatus.PAID_LATE_IN_MONTH
    if not due_this_month and not state.purchased_fen_by_month.get(month):
        return RepaymentStatus.NOTHING_DUE
    return RepaymentStatus.PAID_AS_AGREED


def account_status(state: LineState, closed_on: date | None) -> AccountStatus:
    """账户状态 at ``state.as_of``: closed, overdue, or normal."""
    if closed_on is not None and closed_on <= state.as_of:
        return AccountStatus.CLOSED
    if state.days_past_due > 0:
        return AccountStatus.OVERDUE
    return AccountStatus.NORMAL
