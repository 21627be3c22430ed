"""The lender's accounts as the furnisher reads them: a line (R1), or a cash loan under it (R4).

:class:`Account` puts the two behind one face (code, holder, opening and closing days), and
:class:`Accounts` finds them by code, describes them for their records and reads their month
facts from the ledger, remembering what it looked up for the length of one furnishing run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhengxin.furnishing import loans, records
from zhengxin.lender.facts import MonthFacts
from zhengxin.lender.models import CreditLine, Loan, Subject
from zhengxin.lender.service import LenderService


@dataclass(frozen=True, slots=True)
class Account:
    """A line, or a loan drawn under ``line``."""

    line: CreditLine
    loan: Loan | None = None

    @property
    def code(self) -> str:
        return self.loan.account_code if self.loan is not None else self.line.account_code

    @property
    def subject_id(self) -> int:
        return self.line.subject_id

    @property
    def opened_on(self) -> date:
        return self.loan.drawn_on if self.loan is not None else self.line.opened_on

    @property
    def closed_on(self) -> date | None:
        """The day the account ended: the line's closure, or the loan's settlement."""
        return self.loan.settled_on if self.loan is not None else self.line.closed_on


class Accounts:
    """Finds, describes and reads the facts of the lender's accounts for one furnishing run."""

    def __init__(self, lender: LenderService) -> None:
        self.lender = lender
        self._by_code: dict[str, Account | None] = {}
        self._lines: dict[int, CreditLine] = {}
        self._subjects: dict[int, Subject] = {}
        self._described: dict[str, records.ReportedAccount] = {}

    def line(self, line: CreditLine) -> Account:
        return Account(line)

    def loan(self, loan: Loan) -> Account:
        line = self._lines.get(loan.line_id)
        if line is None:
            line = self._lines[loan.line_id] = self.lender.repo.line_by_id(loan.line_id)
        return Account(line, loan)

    def by_code(self, code: str) -> Account | None:
        """The line or loan with account code ``code``, or None."""
        if code not in self._by_code:
            line = self.lender.repo.line_by_code(code)
            if line is not None:
                self._by_code[code] = Account(line)
            else:
                found = self.lender.repo.loan_by_code(code)
                self._by_code[code] = self.loan(found) if found is not None else None
        return self._by_code[code]

    def subject(self, account: Account) -> Subject:
        subject = self._subjects.get(account.subject_id)
        if subject is None:
            subject = self._subjects[account.subject_id] = self.lender.repo.subject(
                account.subject_id
            )
        return subject

    def describe(self, account: Account) -> records.ReportedAccount:
        """What every record of the account repeats (its C segment is read now)."""
        described = self._described.get(account.code)
        if described is not None:
            return described
        line = account.line
        product = self.lender.product_of(line)
        if account.loan is None:
            account_type = product.account_type
            terms = records.line_terms(line, product, self.lender.line_due_date(line))
        else:
            loan_product = self.lender.catalog.loan(account.loan.product_code)
            account_type = loan_product.account_type
            terms = loans.loan_terms(account.loan, line, product, loan_product)
        described = records.ReportedAccount(
            code=account.code,
            account_type=account_type,
            subject=self.subject(account),
            institution=self.lender.institution.code,
            agreement_code=line.agreement_code,
            terms=terms,
        )
        self._described[account.code] = described
        return described

    def facts(self, account: Account, month: date, as_of: date | None = None) -> MonthFacts:
        """The account's facts for ``month`` (at its end, its closing day, or ``as_of``)."""
        if account.loan is None:
            return self.lender.month_facts(account.line, month, as_of)
        return self.lender.loan_facts(account.loan, month, as_of)

    def notice_days(self, code: str) -> int:
        """The days an art. 15 notice must precede an adverse record of the account: its line's
        product's figure (loans follow their line)."""
        account = self.by_code(code)
        return self.lender.product_of(account.line).adverse_notice_days if account else 0
