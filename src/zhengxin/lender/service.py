"""The lender's services: lines, holds, purchases, refunds, repayments, limits and closure.

Services never commit: the caller owns the transaction (see ``kernel.db.unit_of_work``).
Every method checks its input first and raises a :class:`ZhengxinError` before writing
anything, so a refused request leaves the database as it was. Billing, loans, the day-end
job and the monthly facts live in their own modules and are reached through this service.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhengxin.codes import RepaymentMode
from zhengxin.kernel.clock import Clock, add_months
from zhengxin.kernel.errors import Conflict, InvalidInput, NotFound, Refused
from zhengxin.kernel.identity import InstitutionCode
from zhengxin.kernel.log import get_logger
from zhengxin.kernel.money import Money
from zhengxin.lender import billing, books, dayend, facts, loans
from zhengxin.lender.books import CASH, INSTALMENT, PRINCIPAL, REPAYMENTS, LegSpec, Position
from zhengxin.lender.checks import check_amount
from zhengxin.lender.consent import Consent
from zhengxin.lender.delinquency import DelinquencyState, replay
from zhengxin.lender.models import (
    CreditLine,
    Entry,
    Hold,
    InstalmentPlan,
    Leg,
    Loan,
    Statement,
    Subject,
)
from zhengxin.lender.notices import MemoryNotifier, Notifier
from zhengxin.lender.products import ClosurePolicy, ProductCatalog, RevolvingProduct
from zhengxin.lender.repository import LenderRepository

log = get_logger(__name__)

_USED_BOOKS = (PRINCIPAL, INSTALMENT)


class LenderService:
    """The lender's operations on its own database, for one institution."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        institution: InstitutionCode,
        catalog: ProductCatalog | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.institution = institution
        self.catalog = catalog or _default_catalog()
        self.repo = LenderRepository(session)
        self.consent = Consent(session, clock)
        self.notifier: Notifier = notifier if notifier is not None else MemoryNotifier()

    # -- subjects and lines -------------------------------------------------------------

    def open_line(
        self,
        id_number: str,
        name: str,
        limit: Money,
        product_code: str = "HB01",
        cash_limit: Money | None = None,
    ) -> CreditLine:
        """Open a revolving line (registering the person on first sight) with ``limit`` and
        an optional cash limit for loans."""
        subject = self.consent.subject_for(id_number, name)
        product = self.catalog.get(product_code)
        check_amount(limit, product.currency, what="limit")
        cash = cash_limit if cash_limit is not None else Money.zero(product.currency)
        if cash.fen:
            check_amount(cash, product.currency, what="cash limit")
        now = self.clock.now()
        if subject.id is None:
            self.session.add(subject)
            self.session.flush()
        placeholder = uuid.uuid4().hex
        line = CreditLine(
            account_code=placeholder,
            agreement_code=placeholder,
            subject_id=subject.id,
            product_code=product.code,
            currency=product.currency,
            limit_fen=limit.fen,
            cash_limit_fen=cash.fen,
            used_fen=0,
            held_fen=0,
            status="open",
            opened_on=self.clock.today(),
            created_at=now,
        )
        self.session.add(line)
        self.session.flush()
        line.account_code = f"{self.institution}{product.account_type}{line.id:010d}"
        line.agreement_code = f"{self.institution}CRL{line.id:010d}"
        self.session.flush()
        log.info("line.opened", account=line.account_code, id_number=subject.id_number)
        return line

    def line(self, account_code: str, *, for_update: bool = False) -> CreditLine:
        line = self.repo.line_by_code(account_code, for_update=for_update)
        if line is None:
            raise NotFound("line.unknown", f"no credit line with account code {account_code!r}")
        return line

    def subject_of(self, line: CreditLine) -> Subject:
        return self.repo.subject(line.subject_id)

    def product_of(self, line: CreditLine) -> RevolvingProduct:
        return self.catalog.get(line.product_code)

    def line_due_date(self, line: CreditLine) -> date:
        """The line's reported expiry: opening plus the product's term, less a day."""
        term = self.product_of(line).line_term_months
        return add_months(line.opened_on, term) - timedelta(days=1)

    def available(self, line: CreditLine) -> Money:
        """Limit less principal used and open holds; never below zero (after a limit cut)."""
        return Money(
            books.available_fen(line.limit_fen, line.used_fen, line.held_fen), line.currency
        )

    def balances(self, line: CreditLine, through: date | None = None) -> dict[Position, int]:
        return self.repo.balances(line.id, through=through)

    def owed(self, line: CreditLine, loan_id: int | None = None) -> Money:
        """What the subject owes on the line itself (``loan_id`` None) or on one loan."""
        return Money(books.owed(self.balances(line), loan_id), line.currency)

    # -- holds and purchases --------------------------------------------------------------

    def authorize(
        self, account_code: str, amount: Money, merchant: str = "", key: str | None = None
    ) -> Hold:
        """Place a hold for ``amount``; refused when it would pass the available limit."""
        # The hot path reads and writes plain rows (no unit-of-work flush); the rules are
        # the same as everywhere else.
        line = self.repo.lock_line_row(account_code)
        if line is None:
            raise NotFound("line.unknown", f"no credit line with account code {account_code!r}")
        check_amount(amount, line.currency, what="authorization")
        if key is not None and (earlier := self.repo.hold_id_by_key(line.id, key)) is not None:
            if earlier.amount_fen != amount.fen:
                raise Conflict("hold.key_reused", f"idempotency key {key!r} was used already")
            found = self.repo.hold(earlier.id)
            assert found is not None
            return found
        self.require_spendable(line)
        available = books.available_fen(line.limit_fen, line.used_fen, line.held_fen)
        if amount.fen > available:
            raise Refused(
                "line.insufficient_limit",
                f"{amount} exceeds the available limit of {Money(available, line.currency)}",
            )
        values = {
            "line_id": line.id,
            "amount_fen": amount.fen,
            "captured_fen": 0,
            "status": "held",
            "merchant": merchant[:100],
            "placed_at": self.clock.now(),
            "expires_on": self.clock.today()
            + timedelta(days=self.catalog.get(line.product_code).hold_days),
            "idempotency_key": key,
        }
        return self.repo.place_hold(line.id, values, line.held_fen + amount.fen)

    def capture(self, hold_id: int, amount: Money | None = None, memo: str = "") -> Entry:
        """Turn a hold into a purchase, in full or in part; the rest of the hold is released."""
        hold, line = self._locked_hold(hold_id)
        if hold.status != "held":
            raise Conflict("hold.not_open", f"hold {hold_id} is {hold.status}, not held")
        take = amount if amount is not None else Money(hold.amount_fen, line.currency)
        check_amount(take, line.currency, what="capture")
        if take.fen > hold.amount_fen:
            raise Refused(
                "hold.capture_exceeds",
                f"cannot capture {take} from a hold of {hold.amount_fen / 100:.2f}",
            )
        hold.captured_fen = take.fen
        hold.status = "captured"
        line.held_fen -= hold.amount_fen
        return self.post(
            line,
            "purchase",
            [LegSpec(PRINCIPAL, take.fen), LegSpec(CASH, -take.fen)],
            take.fen,
            memo or hold.merchant,
        )

    def void(self, hold_id: int) -> Hold:
        """Release a hold without a purchase."""
        hold, line = self._locked_hold(hold_id)
        if hold.status != "held":
            raise Conflict("hold.not_open", f"hold {hold_id} is {hold.status}, not held")
        hold.status = "voided"
        line.held_fen -= hold.amount_fen
        self.session.flush()
        return hold

    def _locked_hold(self, hold_id: int) -> tuple[Hold, CreditLine]:
        """The hold and its line, locked line first (the order every writer uses)."""
        found = self.repo.hold(hold_id)
        if found is None:
            raise NotFound("hold.unknown", f"no hold {hold_id}")
        line = self.repo.line_by_id(found.line_id, for_update=True)
        hold = self.repo.hold(hold_id, for_update=True)
        assert hold is not None
        return hold, line

    def expire_holds(self, day: date) -> int:
        """Release every hold whose life ended before ``day``."""
        expired = 0
        for candidate in self.repo.holds_expiring(day):
            # Lock the line, then read the hold again: a capture may have won the race.
            line = self.repo.line_by_id(candidate.line_id, for_update=True)
            hold = self.repo.hold(candidate.id, for_update=True)
            if hold is None or hold.status != "held":
                continue
            hold.status = "expired"
            line.held_fen -= hold.amount_fen
            expired += 1
        self.session.flush()
        return expired

    def purchase(
        self, account_code: str, amount: Money, memo: str = "", key: str | None = None
    ) -> Entry:
        """Spend at once: the limit is checked and the purchase posted in one step, with no
        hold in between (a purchase that needs no separate settlement)."""
        line = self.line(account_code, for_update=True)
        check_amount(amount, line.currency, what="purchase")
        # A retry is answered before the line's state is checked: the money already moved.
        if key is not None and (done := self.repo.entry_by_key(line.id, key)) is not None:
            return self.replayed(done, "purchase", amount)
        self.require_spendable(line)
        available = self.available(line)
        if amount.fen > available.fen:
            raise Refused(
                "line.insufficient_limit",
                f"purchase of {amount} exceeds the available limit of {available}",
            )
        return self.post(
            line,
            "purchase",
            [LegSpec(PRINCIPAL, amount.fen), LegSpec(CASH, -amount.fen)],
            amount.fen,
            memo,
            key,
        )

    def refund(
        self, account_code: str, amount: Money, memo: str = "", key: str | None = None
    ) -> Entry:
        """A merchant's refund: it lowers what is owed, unbilled principal first, then billed
        principal newest first; anything beyond is a credit on the line."""
        line = self.line(account_code, for_update=True)
        if line.status == "closed":
            raise Refused("line.closed", f"line {account_code} is closed")
        check_amount(amount, line.currency, what="refund")
        if key is not None and (done := self.repo.entry_by_key(line.id, key)) is not None:
            return self.replayed(done, "refund", amount)
        positions = sorted(
            (
                (pos, bal)
                for pos, bal in self.balances(line).items()
                if pos[0] is None and pos[1] in _USED_BOOKS and bal > 0
            ),
            key=lambda item: (item[0][2] is not None, -(item[0][2] or date.min).toordinal()),
        )
        legs: list[LegSpec] = []
        left = amount.fen
        for (_, book, cycle), balance in positions:
            take = min(left, balance)
            if take:
                legs.append(LegSpec(book, -take, cycle))
                left -= take
        if left:
            legs.append(LegSpec(PRINCIPAL, -left, None))
        legs.append(LegSpec(CASH, amount.fen))
        return self.post(line, "refund", legs, amount.fen, memo, key)

    def repay(self, account_code: str, amount: Money, key: str | None = None) -> Entry:
        """Repay the line: overdue before due, then by the product's order of books."""
        line = self.line(account_code, for_update=True)
        check_amount(amount, line.currency, what="repayment")
        kind = "recovery" if line.written_off_on is not None else "repayment"
        if key is not None and (done := self.repo.entry_by_key(line.id, key)) is not None:
            # A retry after the write-off repeats a repayment made before it.
            return self.replayed(done, done.kind if done.kind in REPAYMENTS else kind, amount)
        if line.status == "closed":
            raise Refused("line.closed", f"line {account_code} was closed on {line.closed_on}")
        balances = self.balances(line)
        owed = books.owed(balances, None)
        if amount.fen > owed:
            raise Refused(
                "repayment.exceeds_balance",
                f"repayment of {amount} is more than the {Money(max(owed, 0))} owed",
            )
        past_due = self.delinquency(line).past_due_fen
        legs = books.allocate(balances, amount.fen, self.product_of(line).allocation, past_due)
        legs.append(LegSpec(CASH, amount.fen))
        return self.post(line, kind, legs, amount.fen, "", key)

    def reverse(self, entry_id: int, memo: str = "") -> Entry:
        """Undo an entry with its mirror image; entries are never edited or deleted."""
        entry = self.repo.entry_with_legs(entry_id)
        if entry is None:
            raise NotFound("entry.unknown", f"no entry {entry_id}")
        line = self.repo.line_by_id(entry.line_id, for_update=True)
        self.require_open(line)
        if entry.reverses_id is not None:
            raise Conflict("entry.is_reversal", f"entry {entry_id} is itself a reversal")
        if self.repo.reversal_of(entry_id) is not None:
            raise Conflict("entry.reversed", f"entry {entry_id} was reversed already")
        mirror = [LegSpec(leg.book, -leg.amount_fen, leg.cycle, leg.loan_id) for leg in entry.legs]
        reversal = self.post(
            line,
            "reversal",
            mirror,
            entry.amount_fen,
            memo or f"reverses {entry.kind} {entry_id}",
            loan_id=entry.loan_id,
        )
        reversal.reverses_id = entry.id
        self.session.flush()
        return reversal

    # -- limits and closure ---------------------------------------------------------------

    def change_limit(self, account_code: str, new_limit: Money) -> CreditLine:
        """Raise or cut the limit. A cut may leave the balance above it: spending stops,
        nothing else changes."""
        line = self.line(account_code, for_update=True)
        self.require_open(line)
        check_amount(new_limit, line.currency, what="limit")
        log.info(
            "line.limit_changed", account=line.account_code, old=line.limit_fen, new=new_limit.fen
        )
        line.limit_fen = new_limit.fen
        self.session.flush()
        return line

    def freeze(self, account_code: str) -> CreditLine:
        line = self.line(account_code, for_update=True)
        self.require_open(line)
        line.status = "frozen"
        self.session.flush()
        return line

    def unfreeze(self, account_code: str) -> CreditLine:
        line = self.line(account_code, for_update=True)
        if line.status != "frozen":
            raise Conflict("line.not_frozen", f"line {account_code} is {line.status}, not frozen")
        line.status = "open"
        self.session.flush()
        return line

    def close_line(self, account_code: str) -> CreditLine:
        """Close the line today when nothing is owed; otherwise refuse, or queue the closure
        until payoff, as the product says."""
        line = self.line(account_code, for_update=True)
        if line.status == "closed":
            raise Refused("line.closed", f"line {account_code} was closed on {line.closed_on}")
        owed = books.owed(self.balances(line))
        if owed != 0 or line.held_fen:
            if self.product_of(line).closure_policy is ClosurePolicy.QUEUE:
                line.close_requested_on = self.clock.today()
                line.status = "frozen"
                self.session.flush()
                return line
            raise Refused(
                "line.balance_owed",
                f"the line cannot be closed while {Money(owed)} is owed or held; repay it first",
            )
        line.closed_on = self.clock.today()
        line.status = "closed"
        self.session.flush()
        self.consent.end_with_last_line(line)
        log.info("line.closed", account=line.account_code)
        return line

    # -- billing, loans, day-end and monthly facts (in their own modules) ------------------

    def cut_statements(self, day: date) -> list[Statement]:
        """Cut the bills of every line whose bill day is ``day``."""
        return billing.cut_statements(self, day)

    def instalment_bill(self, account_code: str, periods: int) -> InstalmentPlan:
        """Spread the latest bill's principal over ``periods`` months (bill instalment)."""
        return billing.instalment_bill(self, account_code, periods)

    def merchant_instalment(
        self,
        account_code: str,
        amount: Money,
        periods: int,
        seller_pays_fee: bool = False,
        memo: str = "",
    ) -> Entry:
        """A purchase repaid in ``periods`` monthly parts (merchant instalment)."""
        return billing.merchant_instalment(
            self, account_code, amount, periods, seller_pays_fee, memo
        )

    def draw_loan(
        self,
        account_code: str,
        amount: Money,
        periods: int,
        method: RepaymentMode = RepaymentMode.EQUAL_INSTALMENTS,
        product_code: str = "JB01",
    ) -> Loan:
        """Draw a cash loan under the line's cash limit."""
        return loans.draw_loan(self, account_code, amount, periods, method, product_code)

    def repay_loan(self, account_code: str, amount: Money, key: str | None = None) -> Entry:
        """Repay what is due on a loan, or its whole payoff."""
        return loans.repay_loan(self, account_code, amount, key)

    def payoff_quote(self, account_code: str) -> Money:
        """What repays a loan in full today."""
        return loans.payoff_quote(self, account_code)

    def run_day_end(self, day: date) -> dayend.DayEnd:
        """The day-end job for ``day``."""
        return dayend.run_day_end(self, day)

    def month_facts(
        self, line: CreditLine, month: date, as_of: date | None = None
    ) -> facts.MonthFacts:
        """The line's facts for ``month``."""
        return facts.line_month(self, line, month, as_of)

    def delinquency(self, line: CreditLine, as_of: date | None = None) -> DelinquencyState:
        """The line's delinquency at the end of ``as_of`` (today by default)."""
        return replay(
            line.opened_on,
            billing.line_dues(self, line),
            billing.line_payments(self, line),
            as_of or self.clock.today(),
        )

    def loan_facts(self, loan: Loan, month: date, as_of: date | None = None) -> facts.MonthFacts:
        """A loan's facts for ``month``."""
        return facts.loan_month(self, loan, month, as_of)

    # -- shared mechanics -----------------------------------------------------------------

    def spendable_line(self, account_code: str) -> CreditLine:
        line = self.line(account_code, for_update=True)
        self.require_spendable(line)
        return line

    def require_spendable(self, line: CreditLine | Any) -> None:
        self.require_open(line)
        self.require_opened(line)
        if line.status == "frozen":
            raise Refused("line.frozen", f"line {line.account_code} is frozen; no new spending")
        self.consent.require_standing(line.subject_id)

    def require_opened(self, line: CreditLine | Any, day: date | None = None) -> None:
        """Refuse anything dated before the line was opened."""
        when = day or self.clock.today()
        if when < line.opened_on:
            raise InvalidInput(
                "date.before_opening",
                f"{when} is before line {line.account_code} was opened on {line.opened_on}",
            )

    def require_open(self, line: CreditLine | Any) -> None:
        if line.status == "closed":
            raise Refused("line.closed", f"line {line.account_code} was closed on {line.closed_on}")
        if line.status == "written_off":
            raise Refused("line.written_off", f"line {line.account_code} was written off")

    def replayed(self, entry: Entry, kind: str, amount: Money) -> Entry:
        if entry.kind != kind or entry.amount_fen != amount.fen:
            raise Conflict(
                "posting.key_reused",
                f"idempotency key {entry.idempotency_key!r} was already used for another request",
            )
        return entry

    def post(
        self,
        line: CreditLine,
        kind: str,
        legs: Iterable[LegSpec],
        amount_fen: int,
        memo: str = "",
        key: str | None = None,
        loan_id: int | None = None,
        on: date | None = None,
    ) -> Entry:
        """Write one balanced entry and keep the line's cache of used principal."""
        checked = books.check_balanced(legs)
        day = on or self.clock.today()
        self.require_opened(line, day)
        entry = Entry(
            line_id=line.id,
            loan_id=loan_id,
            kind=kind,
            amount_fen=amount_fen,
            posted_on=day,
            created_at=self.clock.now(),
            memo=memo[:200],
            idempotency_key=key,
            legs=[
                Leg(
                    line_id=line.id,
                    loan_id=leg.loan_id,
                    book=leg.book,
                    cycle=leg.cycle,
                    amount_fen=leg.amount_fen,
                    posted_on=day,
                )
                for leg in checked
            ],
        )
        self.session.add(entry)
        line.used_fen += sum(
            leg.amount_fen for leg in checked if leg.loan_id is None and leg.book in _USED_BOOKS
        )
        self.session.flush()
        return entry


_CATALOG: list[ProductCatalog] = []


def _default_catalog() -> ProductCatalog:
    if not _CATALOG:
        _CATALOG.append(ProductCatalog())
    return _CATALOG[0]
