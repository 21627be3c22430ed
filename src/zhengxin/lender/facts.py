"""One account's facts for one month, as furnishing needs them (amounts in fen).

Everything here is derived: balances from the legs posted up to the day, delinquency from the
obligations and repayments (:func:`zhengxin.lender.delinquency.replay`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from zhengxin.codes import AccountStatus, FiveCategory, RepaymentStatus
from zhengxin.kernel.clock import month_end
from zhengxin.kernel.errors import InvalidInput
from zhengxin.lender import billing, books, delinquency, loans
from zhengxin.lender.models import CreditLine, Loan

if TYPE_CHECKING:
    from zhengxin.lender.service import LenderService


@dataclass(frozen=True, slots=True)
class MonthFacts:
    """One account's facts for one month (amounts in fen)."""

    account_code: str
    month: date
    as_of: date
    settlement_date: date | None
    account_status: AccountStatus
    balance_fen: int
    five_category: FiveCategory
    five_category_since: date
    repayment_status: RepaymentStatus
    overdue_periods: int
    past_due_fen: int
    overdue_31_60_fen: int
    overdue_61_90_fen: int
    overdue_91_180_fen: int
    overdue_over_180_fen: int
    due_this_month_fen: int
    repaid_this_month_fen: int
    last_repayment_on: date
    closed_on: date | None
    remaining_periods: int = 0


def line_month(
    svc: LenderService, line: CreditLine, month: date, as_of: date | None = None
) -> MonthFacts:
    """The revolving line's facts for ``month``, at its end, its closing day, or ``as_of``."""
    first = month.replace(day=1)
    as_of = _as_of(line.opened_on, line.closed_on, first, as_of, line.account_code)
    state = delinquency.replay(
        line.opened_on, billing.line_dues(svc, line), billing.line_payments(svc, line), as_of
    )
    product = svc.product_of(line)
    entries = svc.repo.entries(line.id)
    in_month = [e for e in entries if e.loan_id is None and first <= e.posted_on <= as_of]
    due_day = first.replace(day=product.due_day)
    bill = next(
        (s for s in svc.repo.statements(line.id) if s.due_date.replace(day=1) == first), None
    )
    balance = books.owed(svc.balances(line, through=as_of), None)
    return _facts(
        line.account_code,
        first,
        as_of,
        state,
        settlement=due_day if line.opened_on <= due_day <= as_of else None,
        balance=balance,
        used_in_month=any(e.kind == "purchase" for e in in_month),
        due=(bill.minimum_fen + bill.past_due_fen) if bill else 0,
        repaid=sum(e.amount_fen for e in in_month if e.kind in books.REPAYMENTS),
        closed_on=line.closed_on,
        written_off_on=line.written_off_on,
        threshold=product.write_off_after_days,
    )


def loan_month(
    svc: LenderService, loan: Loan, month: date, as_of: date | None = None
) -> MonthFacts:
    """A cash loan's facts for ``month`` (an R4 sub-account)."""
    line = svc.repo.line_by_id(loan.line_id)
    product = svc.catalog.loan(loan.product_code)
    first = month.replace(day=1)
    as_of = _as_of(loan.drawn_on, loan.settled_on, first, as_of, loan.account_code)
    state = delinquency.replay(
        loan.drawn_on, loans.loan_dues(loan, product), loans.loan_payments(svc, loan), as_of
    )
    schedule = loans.schedule_of(loan, product)
    in_month = [
        e
        for e in svc.repo.entries(line.id)
        if e.loan_id == loan.id and first <= e.posted_on <= as_of
    ]
    due_periods = [p for p in schedule.periods if p.due_date.replace(day=1) == first]
    return _facts(
        loan.account_code,
        first,
        as_of,
        state,
        settlement=due_periods[0].due_date if due_periods else None,
        balance=books.owed(svc.balances(line, through=as_of), loan.id),
        used_in_month=any(e.kind == "loan_draw" for e in in_month),
        due=sum(p.total_fen for p in due_periods),
        repaid=sum(e.amount_fen for e in in_month if e.kind == "loan_repayment"),
        closed_on=loan.settled_on,
        written_off_on=loan.written_off_on,
        threshold=svc.product_of(line).write_off_after_days,
        remaining=sum(1 for p in schedule.periods if p.due_date > as_of)
        if loan.settled_on is None or loan.settled_on > as_of
        else 0,
    )


def _as_of(opened: date, ended: date | None, first: date, as_of: date | None, code: str) -> date:
    if opened > month_end(first):
        raise InvalidInput("account.not_open_yet", f"account {code} opened after {first:%Y-%m}")
    day = as_of or month_end(first)
    if ended is not None and ended <= day:
        day = ended
    return day


def _facts(
    code: str,
    month: date,
    as_of: date,
    state: delinquency.DelinquencyState,
    *,
    settlement: date | None,
    balance: int,
    used_in_month: bool,
    due: int,
    repaid: int,
    closed_on: date | None,
    written_off_on: date | None,
    threshold: int,
    remaining: int = 0,
) -> MonthFacts:
    return MonthFacts(
        account_code=code,
        month=month,
        as_of=as_of,
        settlement_date=settlement,
        account_status=delinquency.account_status(
            state,
            closed_on=closed_on,
            written_off_on=written_off_on,
            write_off_after_days=threshold,
        ),
        balance_fen=max(balance, 0),
        five_category=state.five_category,
        five_category_since=state.five_category_since,
        repayment_status=delinquency.month_status(
            state,
            month,
            used_in_month=used_in_month,
            closed_on=closed_on,
            written_off_on=written_off_on,
        ),
        overdue_periods=state.overdue_periods,
        past_due_fen=state.past_due_fen,
        overdue_31_60_fen=state.past_due_by_age(31, 60),
        overdue_61_90_fen=state.past_due_by_age(61, 90),
        overdue_91_180_fen=state.past_due_by_age(91, 180),
        overdue_over_180_fen=state.past_due_by_age(181, None),
        due_this_month_fen=due,
        repaid_this_month_fen=repaid,
        last_repayment_on=state.last_repayment_on or state.opened_on,
        closed_on=closed_on if closed_on and closed_on <= as_of else None,
        remaining_periods=remaining,
    )
