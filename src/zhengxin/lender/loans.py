"""Cash loans (Jiebei-like): drawn under a line's cash limit, each its own R4 sub-account.

A loan follows its schedule (:mod:`zhengxin.lender.schedules`): on each due date the period's
principal becomes billed and its interest is charged. Overdue principal accrues the contract
rate × the product's multiplier (1.5) a day, charged on due dates and before each repayment.
A repayment settles what is billed, overdue first; paying more than is due is an early
repayment of the whole loan (提前还款: outstanding principal plus interest accrued since the
last due date, no penalty). A partial early repayment is refused: the schedule does not change.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from zhengxin.codes import RepaymentMode
from zhengxin.kernel.errors import InvalidInput, NotFound, Refused
from zhengxin.kernel.money import Money
from zhengxin.lender import books
from zhengxin.lender.books import (
    CASH,
    INCOME_INTEREST,
    INCOME_PENALTY,
    INTEREST,
    PENALTY,
    PRINCIPAL,
    LegSpec,
)
from zhengxin.lender.checks import check_amount
from zhengxin.lender.delinquency import Due, Paid
from zhengxin.lender.models import CreditLine, Entry, Loan
from zhengxin.lender.products import CashLoanProduct
from zhengxin.lender.schedules import (
    RepaymentMethod,
    Schedule,
    accrued_interest,
    loan_schedule,
    overdue_interest,
)

if TYPE_CHECKING:
    from zhengxin.lender.service import LenderService


def schedule_of(loan: Loan, product: CashLoanProduct) -> Schedule:
    return loan_schedule(
        loan.principal_fen,
        Decimal(loan.daily_rate),
        loan.periods,
        RepaymentMethod(loan.method),
        loan.drawn_on,
        days_per_month=product.days_per_month,
    )


def loan_dues(loan: Loan, product: CashLoanProduct) -> list[Due]:
    """The loan's periods as obligations; none after an early payoff."""
    return [
        Due(loan.drawn_on, p.due_date, p.total_fen)
        for p in schedule_of(loan, product).periods
        if loan.settled_on is None or p.due_date <= loan.settled_on
    ]


def loan_payments(svc: LenderService, loan: Loan) -> list[Paid]:
    return [
        Paid(e.posted_on, e.amount_fen)
        for e in svc.repo.entries(loan.line_id, ("loan_repayment",))
        if e.loan_id == loan.id
    ]


def draw_loan(
    svc: LenderService,
    account_code: str,
    amount: Money,
    periods: int,
    method: RepaymentMode = RepaymentMode.EQUAL_INSTALMENTS,
    product_code: str = "JB01",
) -> Loan:
    """Draw a cash loan under the line's cash limit."""
    line = svc.spendable_line(account_code)
    product = svc.catalog.loan(product_code)
    check_amount(amount, line.currency, what="loan")
    if periods not in product.periods:
        raise InvalidInput(
            "loan.periods", f"loans run {sorted(product.periods)} months; got {periods}"
        )
    if method not in product.methods:
        raise InvalidInput(
            "loan.method",
            f"repayment mode must be one of {[m.value for m in product.methods]}; got {method}",
        )
    outstanding = sum(
        amount_fen
        for (loan_id, book, _), amount_fen in svc.balances(line).items()
        if loan_id is not None and book == PRINCIPAL
    )
    room = line.cash_limit_fen - outstanding
    if amount.fen > room:
        raise Refused(
            "loan.insufficient_cash_limit",
            f"a loan of {amount} exceeds the cash limit left, {Money(max(room, 0))}",
        )
    loan = Loan(
        line_id=line.id,
        account_code=f"pending-{line.id}-{svc.clock.now().timestamp()}",
        product_code=product.code,
        principal_fen=amount.fen,
        daily_rate=str(product.daily_rate),
        periods=periods,
        method=method.value,
        drawn_on=svc.clock.today(),
        periods_billed=0,
        created_at=svc.clock.now(),
    )
    svc.session.add(loan)
    svc.session.flush()
    loan.account_code = f"{svc.institution}{product.account_type}{loan.id:010d}"
    svc.post(
        line,
        "loan_draw",
        [LegSpec(PRINCIPAL, amount.fen, None, loan.id), LegSpec(CASH, -amount.fen)],
        amount.fen,
        f"{periods} periods, mode {method.value}",
        loan_id=loan.id,
    )
    return loan


def loan(svc: LenderService, account_code: str) -> tuple[Loan, CreditLine, CashLoanProduct]:
    found = svc.repo.loan_by_code(account_code)
    if found is None:
        raise NotFound("loan.unknown", f"no loan with account code {account_code!r}")
    line = svc.repo.line_by_id(found.line_id, for_update=True)
    return found, line, svc.catalog.loan(found.product_code)


def bill_due_periods(svc: LenderService, day: date) -> int:
    """Day-end: bill every loan period falling due on ``day``, and charge overdue interest."""
    billed = 0
    for item in svc.repo.open_loans():
        if item.written_off_on is not None:
            continue
        line = svc.repo.line_by_id(item.line_id)
        product = svc.catalog.loan(item.product_code)
        schedule = schedule_of(item, product)
        while item.periods_billed < item.periods:
            period = schedule.periods[item.periods_billed]
            if period.due_date > day:
                break
            charge_penalty(svc, item, line, product, period.due_date)
            unbilled = svc.balances(line).get((item.id, PRINCIPAL, None), 0)
            principal = min(period.principal_fen, unbilled)
            legs = []
            if principal:
                legs += [
                    LegSpec(PRINCIPAL, -principal, None, item.id),
                    LegSpec(PRINCIPAL, principal, period.due_date, item.id),
                ]
            if period.interest_fen:
                legs += [
                    LegSpec(INTEREST, period.interest_fen, period.due_date, item.id),
                    LegSpec(INCOME_INTEREST, -period.interest_fen),
                ]
            if legs:
                svc.post(
                    line,
                    "loan_period",
                    legs,
                    period.total_fen,
                    f"period {period.number}",
                    loan_id=item.id,
                    on=period.due_date,
                )
            item.periods_billed += 1
            billed += 1
    svc.session.flush()
    return billed


def charge_penalty(
    svc: LenderService, item: Loan, line: CreditLine, product: CashLoanProduct, day: date
) -> int:
    """Overdue interest on the loan's overdue principal, from the last charge up to ``day``."""
    overdue = sum(
        amount
        for (loan_id, book, cycle), amount in svc.balances(line).items()
        if loan_id == item.id and book == PRINCIPAL and cycle is not None and cycle < day
    )
    since = item.penalty_through
    if overdue <= 0:
        item.penalty_through = day
        return 0
    if since is None:
        since = min(
            cycle
            for (loan_id, book, cycle), amount in svc.balances(line).items()
            if loan_id == item.id and book == PRINCIPAL and cycle is not None and amount > 0
        )
    days = (day - since).days
    item.penalty_through = day
    charge = overdue_interest(overdue, Decimal(item.daily_rate), days, product.overdue_multiplier)
    if charge > 0:
        svc.post(
            line,
            "loan_penalty",
            [LegSpec(PENALTY, charge, day, item.id), LegSpec(INCOME_PENALTY, -charge)],
            charge,
            f"overdue interest {days} days",
            loan_id=item.id,
        )
    return charge


def repay_loan(
    svc: LenderService, account_code: str, amount: Money, key: str | None = None
) -> Entry:
    """Repay what is due on a loan; an amount covering the whole payoff settles the loan."""
    item, line, product = loan(svc, account_code)
    check_amount(amount, line.currency, what="repayment")
    if key is not None and (done := svc.repo.entry_by_key(line.id, key)) is not None:
        return svc.replayed(done, "loan_repayment", amount)
    if item.settled_on is not None:
        raise Refused("loan.settled", f"loan {account_code} was settled on {item.settled_on}")
    today = svc.clock.today()
    charge_penalty(svc, item, line, product, today)
    balances = svc.balances(line)
    billed = sum(
        amount_fen
        for (loan_id, book, cycle), amount_fen in balances.items()
        if loan_id == item.id and cycle is not None and books.receivable(book)
    )
    if amount.fen > billed:
        payoff = payoff_quote(svc, account_code)
        if amount.fen != payoff.fen:
            raise Refused(
                "loan.partial_prepayment",
                f"{Money(billed)} is due now and {payoff} repays the loan in full; "
                f"a repayment of {amount} is neither",
            )
        accrue_to_today(svc, item, line)
        balances = svc.balances(line)
    past_due = sum(
        amount_fen
        for (loan_id, book, cycle), amount_fen in balances.items()
        if loan_id == item.id and cycle is not None and cycle < today and books.receivable(book)
    )
    order = svc.product_of(line).allocation  # the line's table serves the loans under it
    legs = books.allocate(balances, amount.fen, order, past_due, loan_id=item.id)
    legs.append(LegSpec(CASH, amount.fen))
    entry = svc.post(line, "loan_repayment", legs, amount.fen, "", key, loan_id=item.id)
    if books.owed(svc.balances(line), item.id) == 0:
        item.settled_on = today
        svc.session.flush()
    return entry


def payoff_quote(svc: LenderService, account_code: str) -> Money:
    """What repays the loan in full today: all billed and unpaid, the principal not yet
    billed, and interest accrued on it since the last due date (or the draw)."""
    item, line, _ = loan(svc, account_code)
    balances = svc.balances(line)
    owed = books.owed(balances, item.id)
    return Money(owed + _accrued(svc, item, line, balances), line.currency)


def _accrued(
    svc: LenderService, item: Loan, line: CreditLine, balances: dict[books.Position, int]
) -> int:
    product = svc.catalog.loan(item.product_code)
    schedule = schedule_of(item, product)
    last_due = (
        schedule.periods[item.periods_billed - 1].due_date if item.periods_billed else item.drawn_on
    )
    unbilled = balances.get((item.id, PRINCIPAL, None), 0)
    return accrued_interest(unbilled, Decimal(item.daily_rate), last_due, svc.clock.today())


def accrue_to_today(svc: LenderService, item: Loan, line: CreditLine) -> None:
    """Bill the unbilled principal and the interest accrued on it, for an early payoff."""
    today = svc.clock.today()
    balances = svc.balances(line)
    interest = _accrued(svc, item, line, balances)
    unbilled = balances.get((item.id, PRINCIPAL, None), 0)
    legs = []
    if unbilled:
        legs += [
            LegSpec(PRINCIPAL, -unbilled, None, item.id),
            LegSpec(PRINCIPAL, unbilled, today, item.id),
        ]
    if interest:
        legs += [LegSpec(INTEREST, interest, today, item.id), LegSpec(INCOME_INTEREST, -interest)]
    if legs:
        svc.post(line, "loan_payoff", legs, unbilled + interest, "early repayment", loan_id=item.id)
