"""The lender's services: open a line, spend, repay, cut statements, close, and read state.

Services never commit: the caller owns the transaction (see ``kernel.db.unit_of_work``).
Every method checks its input first and raises a :class:`ZhengxinError` before writing
anything, so a refused request leaves the database as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from zhengxin.codes import AccountStatus, FiveCategory, IdType, RepaymentStatus
from zhengxin.kernel.clock import Clock, add_months, month_end
from zhengxin.kernel.errors import Conflict, InvalidInput, NotFound, Refused
from zhengxin.kernel.identity import InstitutionCode, ResidentId
from zhengxin.kernel.log import get_logger
from zhengxin.kernel.money import Money, Rounding, round_fen
from zhengxin.lender import ledger
from zhengxin.lender.models import CreditLine, Posting, Statement, Subject
from zhengxin.lender.products import ProductCatalog, RevolvingProduct
from zhengxin.lender.repository import LenderRepository

log = get_logger(__name__)

MAX_NAME = 30


@dataclass(frozen=True, slots=True)
class MonthFacts:
    """One line's facts for one month, as furnishing needs them (amounts in fen)."""

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


class LenderService:
    """The lender's operations on its own database, for one institution."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        institution: InstitutionCode,
        catalog: ProductCatalog | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.institution = institution
        self.catalog = catalog or ProductCatalog()
        self.repo = LenderRepository(session)

    # -- subjects and lines -------------------------------------------------------------

    def open_line(
        self, id_number: str, name: str, limit: Money, product_code: str = "HB01"
    ) -> CreditLine:
        """Open a revolving line for a person (registered on first sight) with ``limit``."""
        resident = ResidentId.parse(id_number)
        clean_name = _check_name(name)
        product = self.catalog.get(product_code)
        _check_amount(limit, product, what="limit")
        now = self.clock.now()
        subject = self.repo.subject_by_id_number(IdType.RESIDENT_ID, resident.number)
        if subject is None:
            subject = Subject(
                id_type=IdType.RESIDENT_ID.value,
                id_number=resident.number,
                name=clean_name,
                created_at=now,
            )
            self.session.add(subject)
            self.session.flush()
        elif subject.name != clean_name:
            raise Conflict(
                "subject.name_mismatch",
                f"ID number {resident.masked} is registered under another name",
            )
        placeholder = uuid.uuid4().hex
        line = CreditLine(
            account_code=placeholder,
            agreement_code=placeholder,
            subject_id=subject.id,
            product_code=product.code,
            currency=product.currency,
            limit_fen=limit.fen,
            opened_on=self.clock.today(),
            created_at=now,
        )
        self.session.add(line)
        self.session.flush()
        line.account_code = f"{self.institution}{product.account_type}{line.id:010d}"
        line.agreement_code = f"{self.institution}CRL{line.id:010d}"
        self.session.flush()
        log.info("line.opened", account=line.account_code, id_number=resident.number)
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
        return date.fromordinal(add_months(line.opened_on, term).toordinal() - 1)

    # -- money movements ----------------------------------------------------------------

    def purchase(
        self, account_code: str, amount: Money, memo: str = "", key: str | None = None
    ) -> Posting:
        """Spend ``amount`` on the line; refused when it would pass the limit."""
        line = self._open_line_for_update(account_code)
        product = self.product_of(line)
        _check_amount(amount, product, what="purchase")
        if key is not None and (done := self._replayed(line, key, "purchase", amount)):
            return done
        available = line.limit_fen - self.repo.balance_fen(line.id)
        if amount.fen > available:
            raise Refused(
                "line.insufficient_limit",
                f"purchase of {amount} exceeds the available limit of {Money(available)}",
            )
        return self._post(line, "purchase", amount.fen, memo, key)

    def repay(self, account_code: str, amount: Money, key: str | None = None) -> Posting:
        """Repay ``amount``; it settles the oldest unpaid minimum first."""
        line = self._open_line_for_update(account_code)
        _check_amount(amount, self.product_of(line), what="repayment")
        if key is not None and (done := self._replayed(line, key, "repayment", amount)):
            return done
        owed = self.repo.balance_fen(line.id)
        if amount.fen > owed:
            raise Refused(
                "repayment.exceeds_balance",
                f"repayment of {amount} is more than the {Money(owed)} owed",
            )
        return self._post(line, "repayment", -amount.fen, "", key)

    def close_line(self, account_code: str) -> CreditLine:
        """Close the line today; refused while anything is owed."""
        line = self._open_line_for_update(account_code)
        owed = self.repo.balance_fen(line.id)
        if owed != 0:
            raise Refused(
                "line.balance_owed",
                f"the line cannot be closed while {Money(owed)} is owed; repay it first",
            )
        line.closed_on = self.clock.today()
        self.session.flush()
        log.info("line.closed", account=line.account_code)
        return line

    def _open_line_for_update(self, account_code: str) -> CreditLine:
        line = self.line(account_code, for_update=True)
        if line.closed_on is not None:
            raise Refused("line.closed", f"line {account_code} was closed on {line.closed_on}")
        return line

    def _replayed(self, line: CreditLine, key: str, kind: str, amount: Money) -> Posting | None:
        earlier = self.repo.posting_by_key(line.id, key)
        if earlier is None:
            return None
        if earlier.kind != kind or abs(earlier.amount_fen) != amount.fen:
            raise Conflict(
                "posting.key_reused",
                f"idempotency key {key!r} was already used for a different request",
            )
        return earlier

    def _post(
        self, line: CreditLine, kind: str, amount_fen: int, memo: str, key: str | None
    ) -> Posting:
        posting = Posting(
            line_id=line.id,
            kind=kind,
            amount_fen=amount_fen,
            posted_on=self.clock.today(),
            created_at=self.clock.now(),
            memo=memo[:200],
            idempotency_key=key,
        )
        self.session.add(posting)
        self.session.flush()
        return posting

    # -- day-end: statements --------------------------------------------------------------

    def cut_statements(self, day: date) -> list[Statement]:
        """Cut the bill of every open line whose bill day is ``day``; idempotent per day."""
        cut: list[Statement] = []
        for line in self.repo.lines_open_on(day):
            product = self.product_of(line)
            if day.day != product.bill_day or line.opened_on >= day:
                continue
            if line.closed_on is not None or self.repo.statement_on(line.id, day) is not None:
                continue
            balance = self.repo.balance_fen(line.id, before=day)
            if balance <= 0:
                continue
            state = self.state_of(line, as_of=day)
            past_due = min(state.past_due_fen, balance)
            share = ledger_share(balance - past_due, product)
            statement = Statement(
                line_id=line.id,
                statement_date=day,
                due_date=_due_date(day, product),
                balance_fen=balance,
                new_minimum_fen=share,
                past_due_fen=past_due,
            )
            self.session.add(statement)
            cut.append(statement)
        self.session.flush()
        return cut

    # -- state --------------------------------------------------------------------------

    def state_of(self, line: CreditLine, as_of: date) -> ledger.LineState:
        movements = [
            ledger.Movement(p.posted_on, p.amount_fen, p.kind) for p in self.repo.postings(line.id)
        ]
        bills = [
            ledger.Bill(
                s.statement_date, s.due_date, s.balance_fen, s.new_minimum_fen, s.past_due_fen
            )
            for s in self.repo.statements(line.id)
        ]
        return ledger.replay(line.opened_on, movements, bills, as_of)

    def month_facts(self, line: CreditLine, month: date, as_of: date | None = None) -> MonthFacts:
        """The line's facts for ``month``, taken at the month's end, its closing day, or
        ``as_of`` (a day within the month, for event records)."""
        first = month.replace(day=1)
        if line.opened_on > month_end(first):
            raise InvalidInput(
                "line.not_open_yet", f"line {line.account_code} opened after {first:%Y-%m}"
            )
        if as_of is None:
            as_of = month_end(first)
        if line.closed_on is not None and line.closed_on <= as_of:
            as_of = line.closed_on
        state = self.state_of(line, as_of)
        product = self.product_of(line)
        due_day = first.replace(day=product.due_day)
        settlement = due_day if line.opened_on <= due_day <= as_of else None
        bill = next(
            (s for s in self.repo.statements(line.id) if s.due_date.replace(day=1) == first),
            None,
        )
        return MonthFacts(
            account_code=line.account_code,
            month=first,
            as_of=as_of,
            settlement_date=settlement,
            account_status=ledger.account_status(state, line.closed_on),
            balance_fen=state.balance_fen,
            five_category=state.five_category,
            five_category_since=state.five_category_since,
            repayment_status=ledger.month_status(state, first, line.closed_on),
            overdue_periods=state.overdue_periods,
            past_due_fen=state.past_due_fen,
            overdue_31_60_fen=state.overdue_principal_by_age(31, 60),
            overdue_61_90_fen=state.overdue_principal_by_age(61, 90),
            overdue_91_180_fen=state.overdue_principal_by_age(91, 180),
            overdue_over_180_fen=state.overdue_principal_by_age(181, None),
            due_this_month_fen=(bill.new_minimum_fen + bill.past_due_fen) if bill else 0,
            repaid_this_month_fen=state.repaid_fen_by_month.get(first, 0),
            last_repayment_on=state.last_repayment_on or line.opened_on,
            closed_on=line.closed_on if line.closed_on and line.closed_on <= as_of else None,
        )


def ledger_share(balance_fen: int, product: RevolvingProduct) -> int:
    """This bill's own minimum: the product's share of the balance, rounded up to the fen."""
    if balance_fen <= 0:
        return 0
    return min(balance_fen, round_fen(Decimal(balance_fen) * product.minimum_rate, Rounding.UP))


def _due_date(statement_date: date, product: RevolvingProduct) -> date:
    if product.due_day > product.bill_day:
        return statement_date.replace(day=product.due_day)
    return add_months(statement_date, 1).replace(day=product.due_day)


def _check_amount(amount: Money, product: RevolvingProduct, what: str) -> None:
    if not isinstance(amount, Money):
        raise InvalidInput("money.type", f"the {what} must be Money, not {type(amount).__name__}")
    if amount.currency != product.currency:
        raise InvalidInput(
            "money.currency",
            f"the {what} is in {amount.currency} but the line is in {product.currency}",
        )
    if amount.fen <= 0:
        raise InvalidInput("money.not_positive", f"the {what} must be positive; got {amount}")


def _check_name(name: str) -> str:
    clean = (name or "").strip()
    if not clean or len(clean) > MAX_NAME:
        raise InvalidInput(
            "subject.name", f"a name must have 1-{MAX_NAME} characters; got {name!r}"
        )
    return clean
