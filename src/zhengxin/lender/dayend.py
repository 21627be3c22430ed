"""The lender's day-end job: the nightly batch that makes a business date ready.

``run_day_end(day)`` runs after the close of the day before and does everything dated ``day``.

In order: holds that outlived their life are released; bills are cut on the bill day; loan
periods falling due are billed; at month end, accounts more than the product's write-off
threshold past due are written off (核销) — their receivables move to the ``written_off`` book,
still owed, and later repayments are recoveries; queued closures whose balance is now zero
are closed (ending the subject's authorization with their last line); accounts that became
overdue open an adverse spell and their subject gets the art. 15 notice. Running it twice
for one day changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from zhengxin.kernel.clock import month_end
from zhengxin.kernel.log import get_logger
from zhengxin.lender import billing, books, loans, notices
from zhengxin.lender.books import WRITTEN_OFF, LegSpec
from zhengxin.lender.delinquency import replay
from zhengxin.lender.models import CreditLine

if TYPE_CHECKING:
    from zhengxin.lender.service import LenderService

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class DayEnd:
    day: date
    holds_expired: int
    statements: int
    loan_periods: int
    written_off: int
    closed: int
    notices: int = 0


def run_day_end(svc: LenderService, day: date) -> DayEnd:
    expired = svc.expire_holds(day)
    statements = billing.cut_statements(svc, day)
    periods = loans.bill_due_periods(svc, day)
    written_off = write_off_due(svc, day) if day == month_end(day) else 0
    closed = close_queued(svc, day)
    sent = notices.track_adverse(svc, day)
    return DayEnd(day, expired, len(statements), periods, written_off, closed, sent)


def write_off_due(svc: LenderService, day: date) -> int:
    """At month end, write off every line and loan that was more than the threshold past due
    at the end of the month before: a month reported with status 7 and account status 41
    (呆账, awaiting write-off) comes first, then the write-off (42) and B."""
    count = 0
    day_before = day.replace(day=1) - timedelta(days=1)
    lines = [
        line
        for line in svc.repo.lines_open_on(day)
        if line.closed_on is None and line.written_off_on is None
    ]
    for line, state in billing.line_states(svc, lines, day_before):
        if state.days_past_due > svc.product_of(line).write_off_after_days:
            _write_off(svc, line, None, day)
            line.written_off_on = day
            line.status = "written_off"
            count += 1
    for item in svc.repo.open_loans():
        if item.written_off_on is not None:
            continue
        line = svc.repo.line_by_id(item.line_id)
        product = svc.catalog.loan(item.product_code)
        state = replay(
            item.drawn_on,
            loans.loan_dues(item, product),
            loans.loan_payments(svc, item),
            day_before,
        )
        if state.days_past_due > svc.product_of(line).write_off_after_days:
            _write_off(svc, line, item.id, day)
            item.written_off_on = day
            count += 1
    svc.session.flush()
    return count


def _write_off(svc: LenderService, line: CreditLine, loan_id: int | None, day: date) -> None:
    legs: list[LegSpec] = []
    for (loan, book, cycle), amount in svc.balances(line).items():
        if loan != loan_id or not books.receivable(book) or book == WRITTEN_OFF or not amount:
            continue
        legs += [LegSpec(book, -amount, cycle, loan), LegSpec(WRITTEN_OFF, amount, cycle, loan)]
    if legs:
        total = sum(leg.amount_fen for leg in legs if leg.book == WRITTEN_OFF)
        svc.post(line, "write_off", legs, total, "核销", loan_id=loan_id, on=day)
    log.info("line.written_off", account=line.account_code, loan=loan_id)


def close_queued(svc: LenderService, day: date) -> int:
    closed = 0
    for line in svc.repo.lines_to_close():
        if books.owed(svc.balances(line), None) == 0 and not line.held_fen:
            line.closed_on = day
            line.status = "closed"
            svc.session.flush()
            svc.consent.end_with_last_line(line)
            closed += 1
    svc.session.flush()
    return closed
