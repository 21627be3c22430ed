"""The double-entry books of a line: legs, balances, and how a payment is allocated.

Pure functions over plain values; the service turns them into rows. A *position* is one
receivable balance: ``(loan_id, book, cycle)``: ``loan_id`` is None for the line itself,
``cycle`` is the statement date (a loan's due date) that billed the amount, or None while it
is unbilled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

PRINCIPAL = "principal"
INSTALMENT = "instalment"
INTEREST = "interest"
FEE = "fee"
PENALTY = "penalty"
WRITTEN_OFF = "written_off"
RECEIVABLES = (PRINCIPAL, INSTALMENT, INTEREST, FEE, PENALTY, WRITTEN_OFF)

CASH = "lender.cash"
INCOME_INTEREST = "lender.income.interest"
INCOME_FEE = "lender.income.fee"
INCOME_PENALTY = "lender.income.penalty"
WRITE_OFF_LOSS = "lender.loss.write_off"
RECOVERY = "lender.income.recovery"
SELLER_FEES = "lender.receivable.seller_fees"

Position = tuple[int | None, str, date | None]

REPAYMENTS = ("repayment", "recovery")
"""Entry kinds that repay a line: a recovery is a repayment after the write-off."""


@dataclass(frozen=True, slots=True)
class LegSpec:
    """One leg before it is stored: positive amounts raise a balance, negative lower it."""

    book: str
    amount_fen: int
    cycle: date | None = None
    loan_id: int | None = None

    @property
    def position(self) -> Position:
        return (self.loan_id, self.book, self.cycle)


def available_fen(limit_fen: int, used_fen: int, held_fen: int) -> int:
    """Limit less principal used and open holds; never below zero (after a limit cut)."""
    return max(0, limit_fen - used_fen - held_fen)


def check_balanced(legs: Iterable[LegSpec]) -> list[LegSpec]:
    """Return the legs as a list after checking they sum to zero and none is zero."""
    out = list(legs)
    if not out or sum(leg.amount_fen for leg in out) != 0:
        raise ValueError(f"an entry's legs must sum to zero: {out}")
    if any(leg.amount_fen == 0 for leg in out):
        raise ValueError(f"an entry has an empty leg: {out}")
    return out


def receivable(book: str) -> bool:
    return not book.startswith("lender.")


def owed(balances: Mapping[Position, int], loan_id: int | object | None = ...) -> int:
    """What the subject owes on all receivable positions (of one loan, when given)."""
    return sum(
        amount
        for (loan, book, _), amount in balances.items()
        if receivable(book) and (loan_id is ... or loan == loan_id)
    )


@dataclass(frozen=True, slots=True)
class AllocationOrder:
    """In what order a payment settles what is owed (a product table).

    Written-off amounts come first (a recovery). Then, when ``overdue_first``, the part past
    due is settled oldest cycle first, by ``books`` within a cycle. The rest goes to billed
    amounts by ``books`` order, oldest cycle first within a book, and last to unbilled ones.
    """

    books: tuple[str, ...] = (PENALTY, FEE, INTEREST, INSTALMENT, PRINCIPAL)
    overdue_first: bool = True

    def rank(self, book: str) -> int:
        return self.books.index(book) if book in self.books else len(self.books)


def allocate(
    balances: Mapping[Position, int],
    amount_fen: int,
    order: AllocationOrder,
    past_due_fen: int = 0,
    loan_id: int | None = None,
) -> list[LegSpec]:
    """Credit legs that settle ``amount_fen`` across the positions of one line or loan.

    What cannot be placed is left to the caller (an overpayment).
    """
    open_positions = {
        position: balance
        for position, balance in balances.items()
        if position[0] == loan_id and balance > 0 and receivable(position[1])
    }
    taken: dict[Position, int] = {}
    legs: list[LegSpec] = []
    left = amount_fen

    def settle(positions: list[Position], budget: int) -> int:
        nonlocal left
        for position in positions:
            if budget <= 0 or left <= 0:
                break
            available = open_positions[position] - taken.get(position, 0)
            applied = min(available, budget, left)
            if applied > 0:
                taken[position] = taken.get(position, 0) + applied
                budget -= applied
                left -= applied
        return budget

    billed = [p for p in open_positions if p[2] is not None and p[1] != WRITTEN_OFF]
    settle(sorted((p for p in open_positions if p[1] == WRITTEN_OFF), key=_cycle), left)
    if order.overdue_first and past_due_fen > 0:
        settle(sorted(billed, key=lambda p: (_cycle(p), order.rank(p[1]))), past_due_fen)
    settle(sorted(billed, key=lambda p: (order.rank(p[1]), _cycle(p))), left)
    unbilled = [p for p in open_positions if p[2] is None and p[1] != WRITTEN_OFF]
    settle(sorted(unbilled, key=lambda p: order.rank(p[1])), left)
    for (loan, book, cycle), applied in taken.items():
        legs.append(LegSpec(book, -applied, cycle, loan))
    return legs


def _cycle(position: Position) -> date:
    return position[2] or date.min


def apply(balances: dict[Position, int], legs: Iterable[LegSpec]) -> dict[Position, int]:
    """Add ``legs`` to ``balances`` in place (zero positions are dropped) and return it."""
    for leg in legs:
        key = leg.position
        value = balances.get(key, 0) + leg.amount_fen
        if value:
            balances[key] = value
        else:
            balances.pop(key, None)
    return balances
