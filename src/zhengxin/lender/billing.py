"""Billing: the statement cut on the bill day, revolving interest, and instalment plans.

On the bill day, for each line, in this order:

1. **interest** on the previous bill, unless that bill was paid in full by its due date. The
   default method (:attr:`InterestMethod.UNPAID_FROM_BILL_DAY`) charges, for each day from the
   previous bill day up to the day before this one, the revolving daily rate on the billed
   principal still unpaid that day, and the overdue daily rate instead on the part past due;
   the sum is rounded half up to the fen once. :attr:`InterestMethod.FULL_FROM_BILL_DAY`
   charges the whole billed principal until the due date, the unpaid part after it;
2. a **late fee** (违约金), the product's rate on a missed minimum (default none);
3. the next part of every **instalment plan** (principal part, and its fee unless the seller
   pays);
4. the cycle's purchases become **billed principal**;
5. the **statement** and its minimum: the product's share (10 %) of the revolving principal
   not already past due, rounded up to the fen, plus in full the interest, fees and
   instalment parts billed today. Earlier unpaid minimums stay due as they were.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from zhengxin.kernel.clock import add_months
from zhengxin.kernel.errors import Conflict, InvalidInput, NotFound, Refused
from zhengxin.kernel.money import Money, Rounding, round_fen
from zhengxin.lender import books
from zhengxin.lender.books import (
    CASH,
    FEE,
    INCOME_FEE,
    INCOME_INTEREST,
    INCOME_PENALTY,
    INSTALMENT,
    INTEREST,
    PENALTY,
    PRINCIPAL,
    REPAYMENTS,
    SELLER_FEES,
    LegSpec,
    Position,
)
from zhengxin.lender.delinquency import DelinquencyState, Due, Paid, replay
from zhengxin.lender.models import CreditLine, Entry, InstalmentPlan, Statement
from zhengxin.lender.products import InterestMethod, RevolvingProduct
from zhengxin.lender.schedules import instalment_plan

if TYPE_CHECKING:
    from zhengxin.lender.service import LenderService

_BILLED_EXTRAS = (INTEREST, FEE, PENALTY, INSTALMENT)


def due_date_for(statement_date: date, product: RevolvingProduct) -> date:
    if product.due_day > product.bill_day:
        return statement_date.replace(day=product.due_day)
    return add_months(statement_date, 1).replace(day=product.due_day)


def statement_dues(statements: Iterable[Statement]) -> list[Due]:
    """A line's obligations: each bill's own minimum, due on its due date."""
    return [Due(s.statement_date, s.due_date, s.minimum_fen) for s in statements]


def repayments(settlements: Iterable[tuple[date, int, str]]) -> list[Paid]:
    """The repayments among (day, amount, kind) settlements; refunds do not pay minimums."""
    return [Paid(day, amount) for day, amount, kind in settlements if kind in REPAYMENTS]


def line_dues(svc: LenderService, line: CreditLine) -> list[Due]:
    return statement_dues(svc.repo.statements(line.id))


def line_payments(svc: LenderService, line: CreditLine) -> list[Paid]:
    return repayments(svc.repo.settlements_of([line.id]).get(line.id, []))


def line_states(
    svc: LenderService, lines: Sequence[CreditLine], as_of: date, chunk: int = 2000
) -> Iterator[tuple[CreditLine, DelinquencyState]]:
    """Each line's delinquency at the end of ``as_of``, reading bills and repayments for
    ``chunk`` lines at a time (the nightly jobs that look at many lines)."""
    for start in range(0, len(lines), chunk):
        group = lines[start : start + chunk]
        ids = [line.id for line in group]
        statements = svc.repo.statements_of(ids)
        settlements = svc.repo.settlements_of(ids)
        for line in group:
            dues = statement_dues(statements.get(line.id, []))
            paid = repayments(settlements.get(line.id, []))
            yield line, replay(line.opened_on, dues, paid, as_of)


@dataclass(slots=True)
class LineBook:
    """What billing needs to know about one line, loaded in bulk for many lines at once."""

    line: CreditLine
    product: RevolvingProduct
    balances: dict[Position, int]
    statements: list[Statement]
    payments: list[Paid]
    settlements: list[tuple[date, int]]
    """Repayments and refunds (day, amount): what counts toward paying a bill in full."""
    plans: list[InstalmentPlan]
    legs: list[tuple[date, int]] = field(default_factory=list)
    """Changes (day, amount) to billed principal and instalment parts, for interest."""


@dataclass(slots=True)
class Posting:
    line_id: int
    kind: str
    legs: list[LegSpec]
    amount_fen: int
    memo: str = ""


@dataclass(slots=True)
class Bill:
    """The outcome of one line's bill day: what to post and the statement (if any)."""

    postings: list[Posting]
    statement: Statement | None
    plans_billed: list[InstalmentPlan]


def cut_statements(svc: LenderService, day: date, chunk: int = 2000) -> list[Statement]:
    """Cut the bill of every open line whose bill day is ``day``; idempotent per day.

    Lines are taken in chunks: each chunk's data is read in a few queries, every bill is
    computed in memory by :func:`compute_bill`, and the results are written in bulk.
    """
    candidates = [
        line for line in svc.repo.lines_to_bill(day) if svc.product_of(line).bill_day == day.day
    ]
    cut: list[Statement] = []
    for start in range(0, len(candidates), chunk):
        group = candidates[start : start + chunk]
        bills = [compute_bill(book, day) for book in load_books(svc, group)]
        svc.repo.write_bills(bills, svc.clock.now(), day)
        cut.extend(b.statement for b in bills if b.statement is not None)
    return cut


def load_books(svc: LenderService, lines: list[CreditLine]) -> list[LineBook]:
    """Read what billing needs for ``lines`` in a handful of queries."""
    ids = [line.id for line in lines]
    balances = svc.repo.line_balances(ids)
    statements = svc.repo.statements_of(ids)
    settlements = svc.repo.settlements_of(ids)
    plans = svc.repo.open_plans_of(ids)
    out = []
    for line in lines:
        line_settlements = settlements.get(line.id, [])
        out.append(
            LineBook(
                line=line,
                product=svc.product_of(line),
                balances=balances.get(line.id, {}),
                statements=statements.get(line.id, []),
                payments=repayments(line_settlements),
                settlements=[(d, a) for d, a, _ in line_settlements],
                plans=plans.get(line.id, []),
            )
        )
    legs = svc.repo.billed_principal_changes([b.line.id for b in out if _owes_interest(b)])
    for book in out:
        book.legs = legs.get(book.line.id, [])
    return out


def _owes_interest(book: LineBook) -> bool:
    """Whether the previous bill was left partly unpaid after its due date."""
    if not book.statements:
        return False
    previous = book.statements[-1]
    paid = sum(
        amount
        for day, amount in book.settlements
        if previous.statement_date <= day <= previous.due_date
    )
    return paid < previous.balance_fen


def compute_bill(book: LineBook, day: date) -> Bill:
    """One line's bill day, in memory (see the module's docstring for the steps)."""
    product = book.product
    balances = dict(book.balances)
    previous = book.statements[-1] if book.statements else None
    dues = statement_dues(book.statements)
    state = replay(book.line.opened_on, dues, book.payments, day - timedelta(days=1))
    postings: list[Posting] = []

    def post(kind: str, legs: list[LegSpec], amount: int, memo: str = "") -> None:
        postings.append(Posting(book.line.id, kind, legs, amount, memo))
        books.apply(balances, legs)

    interest = late_fee = 0
    if previous is not None:
        if _owes_interest(book):
            interest = _interest(book, previous, dues, day)
        missed = sum(o.remaining_fen for o in state.overdue if o.due_date == previous.due_date)
        late_fee = round_fen(Decimal(missed) * product.late_fee_rate, Rounding.HALF_UP)
    if interest:
        post(
            "interest",
            [LegSpec(INTEREST, interest, day), LegSpec(INCOME_INTEREST, -interest)],
            interest,
        )
    if late_fee:
        post(
            "late_fee",
            [LegSpec(PENALTY, late_fee, day), LegSpec(INCOME_PENALTY, -late_fee)],
            late_fee,
        )
    parts = fees = 0
    billed_plans = []
    for plan in book.plans:
        if plan.periods_billed >= plan.periods or plan.created_on >= day:
            continue
        schedule = instalment_plan(plan.principal_fen, plan.periods, Decimal(plan.fee_rate), day)
        period = schedule.periods[plan.periods_billed]
        legs = [
            LegSpec(INSTALMENT, -period.principal_fen, None),
            LegSpec(INSTALMENT, period.principal_fen, day),
        ]
        if period.fee_fen and not plan.fee_paid_by_seller:
            legs += [LegSpec(FEE, period.fee_fen, day), LegSpec(INCOME_FEE, -period.fee_fen)]
            fees += period.fee_fen
        memo = f"plan {plan.id} part {plan.periods_billed + 1}"
        post("instalment", legs, period.principal_fen, memo)
        parts += period.principal_fen
        billed_plans.append(plan)
    unbilled = balances.get((None, PRINCIPAL, None), 0)
    if unbilled > 0:
        legs = [LegSpec(PRINCIPAL, -unbilled, None), LegSpec(PRINCIPAL, unbilled, day)]
        post("bill", legs, unbilled)
    owed = books.owed(balances, None) - balances.get((None, INSTALMENT, None), 0)
    if owed <= 0:
        return Bill(postings, None, billed_plans)  # nothing owed: no bill this month
    revolving = sum(
        amount
        for (loan, b, cycle), amount in balances.items()
        if loan is None and b == PRINCIPAL and cycle is not None and amount > 0
    )
    past_due = min(state.past_due_fen, owed)
    extras_today = sum(
        amount
        for (loan, b, cycle), amount in balances.items()
        if loan is None and b in _BILLED_EXTRAS and cycle == day and amount > 0
    )
    share = round_fen(Decimal(max(revolving - past_due, 0)) * product.minimum_rate, Rounding.UP)
    statement = Statement(
        line_id=book.line.id,
        statement_date=day,
        due_date=due_date_for(day, product),
        new_principal_fen=max(unbilled, 0),
        instalment_fen=parts,
        interest_fen=interest,
        fee_fen=fees + late_fee,
        balance_fen=owed,
        past_due_fen=past_due,
        minimum_fen=max(0, min(owed - past_due, share + extras_today)),
    )
    return Bill(postings, statement, billed_plans)


def _interest(book: LineBook, previous: Statement, dues: list[Due], day: date) -> int:
    """Revolving and overdue interest for the cycle from ``previous`` to ``day``."""
    product = book.product
    changes: dict[date, int] = defaultdict(int)
    for posted_on, amount in book.legs:
        changes[posted_on] += amount
    same_rates = product.revolving_daily_rate == product.overdue_daily_rate
    full = product.interest_method is InterestMethod.FULL_FROM_BILL_DAY
    total = Decimal(0)
    unpaid = sum(v for d, v in changes.items() if d < previous.statement_date)
    original = unpaid + changes.get(previous.statement_date, 0)
    current = previous.statement_date
    while current < day:
        unpaid += changes.get(current, 0)
        base = max(unpaid, original) if full and current <= previous.due_date else unpaid
        base = max(base, 0)
        overdue = 0
        if not same_rates and base:
            state = replay(book.line.opened_on, dues, book.payments, current)
            overdue = min(base, state.past_due_fen)
        total += (base - overdue) * product.revolving_daily_rate
        total += overdue * product.overdue_daily_rate
        current += timedelta(days=1)
    return round_fen(total, Rounding.HALF_UP)


def _bill_part(
    svc: LenderService,
    line: CreditLine,
    plan: InstalmentPlan,
    principal: int,
    fee: int,
    cycle: date,
) -> None:
    legs = [LegSpec(INSTALMENT, -principal, None), LegSpec(INSTALMENT, principal, cycle)]
    if fee and not plan.fee_paid_by_seller:
        legs += [LegSpec(FEE, fee, cycle), LegSpec(INCOME_FEE, -fee)]
    svc.post(
        line,
        "instalment",
        legs,
        principal,
        f"plan {plan.id} part {plan.periods_billed + 1}",
        on=cycle,
    )
    plan.periods_billed += 1


def instalment_bill(svc: LenderService, account_code: str, periods: int) -> InstalmentPlan:
    """Turn the latest bill's principal into ``periods`` monthly parts plus the product's fee.

    Allowed from the bill day until its due date, before anything was repaid on it. The first
    part falls due with this bill, whose minimum is restated to match; the rest are billed one
    a month.
    """
    line = svc.line(account_code, for_update=True)
    svc.require_open(line)
    product = svc.product_of(line)
    if periods not in product.bill_instalment_fees:
        raise InvalidInput(
            "instalment.periods",
            f"bill instalments come in {sorted(product.bill_instalment_fees)} periods; "
            f"got {periods}",
        )
    statements = svc.repo.statements(line.id)
    today = svc.clock.today()
    if not statements or not statements[-1].statement_date <= today <= statements[-1].due_date:
        raise Refused("instalment.no_bill", "there is no bill open for instalments today")
    bill = statements[-1]
    if bill.instalment_plan_id is not None:
        raise Conflict("instalment.exists", "this bill has already been turned into instalments")
    if any(e.posted_on >= bill.statement_date for e in svc.repo.entries(line.id, REPAYMENTS)):
        raise Refused("instalment.repaid", "part of this bill was repaid already")
    principal = svc.balances(line).get((None, PRINCIPAL, bill.statement_date), 0)
    if principal <= 0:
        raise NotFound("instalment.nothing", "the bill has no principal to spread")
    fee_rate = product.bill_instalment_fees[periods]
    schedule = instalment_plan(principal, periods, fee_rate, bill.due_date)
    plan = InstalmentPlan(
        line_id=line.id,
        kind="bill",
        principal_fen=principal,
        fee_fen=schedule.fee_fen,
        fee_rate=str(fee_rate),
        periods=periods,
        periods_billed=0,
        fee_paid_by_seller=False,
        created_on=today,
    )
    svc.session.add(plan)
    svc.session.flush()
    svc.post(
        line,
        "instalment",
        [LegSpec(PRINCIPAL, -principal, bill.statement_date), LegSpec(INSTALMENT, principal, None)],
        principal,
        f"bill of {bill.statement_date} in {periods} parts",
    )
    first = schedule.periods[0]
    _bill_part(svc, line, plan, first.principal_fen, first.fee_fen, bill.statement_date)
    share = round_fen(Decimal(principal) * product.minimum_rate, Rounding.UP)
    bill.minimum_fen = max(0, bill.minimum_fen - share) + first.principal_fen + first.fee_fen
    # The bill is restated: paying it "in full" now means paying the first part, not the
    # whole principal that moved into the plan.
    bill.balance_fen = bill.balance_fen - principal + first.principal_fen + first.fee_fen
    bill.instalment_plan_id = plan.id
    svc.session.flush()
    return plan


def merchant_instalment(
    svc: LenderService,
    account_code: str,
    amount: Money,
    periods: int,
    seller_pays_fee: bool = False,
    memo: str = "",
) -> Entry:
    """A purchase repaid in ``periods`` parts; the fee is the buyer's or the seller's."""
    line = svc.spendable_line(account_code)
    product = svc.product_of(line)
    if periods not in product.merchant_instalment_fees:
        raise InvalidInput(
            "instalment.periods",
            f"merchant instalments come in {sorted(product.merchant_instalment_fees)} periods",
        )
    placed = svc.authorize(account_code, amount, memo)
    hold = svc.repo.hold(placed.id, for_update=True)
    assert hold is not None
    hold.status = "captured"
    hold.captured_fen = amount.fen
    line.held_fen -= amount.fen
    fee_rate = product.merchant_instalment_fees[periods]
    schedule = instalment_plan(amount.fen, periods, fee_rate, svc.clock.today())
    plan = InstalmentPlan(
        line_id=line.id,
        kind="merchant",
        principal_fen=amount.fen,
        fee_fen=schedule.fee_fen,
        fee_rate=str(fee_rate),
        periods=periods,
        periods_billed=0,
        fee_paid_by_seller=seller_pays_fee,
        created_on=svc.clock.today(),
    )
    svc.session.add(plan)
    svc.session.flush()
    legs = [LegSpec(INSTALMENT, amount.fen, None), LegSpec(CASH, -amount.fen)]
    if seller_pays_fee and schedule.fee_fen:
        legs += [LegSpec(SELLER_FEES, schedule.fee_fen), LegSpec(INCOME_FEE, -schedule.fee_fen)]
    return svc.post(line, "purchase", legs, amount.fen, memo or f"instalment plan {plan.id}")
