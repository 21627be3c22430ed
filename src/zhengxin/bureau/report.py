"""The credit report (二代个人信用报告), assembled from the bureau's history.

One data model, built here; renderings live in :mod:`zhengxin.bureau.render`. This first cut
carries the header, identity, a summary and the credit-account details with the 24-month
repayment grid; query records, disputes and scores arrive with their own capabilities.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from zhengxin.bureau.models import Account, AccountMonth
from zhengxin.bureau.repository import BureauRepository
from zhengxin.codes import AccountStatus, AccountType, IdType, RepaymentStatus
from zhengxin.kernel.clock import Clock, add_months
from zhengxin.kernel.errors import NotFound
from zhengxin.kernel.identity import ResidentId, mask_id

GRID_MONTHS = 24
NO_RECORD = "/"
"""Shown in a grid slot for a month the account was open but nothing was reported."""


class GridCell(BaseModel):
    """One month of the repayment grid: the status code, or None before the account opened."""

    model_config = ConfigDict(frozen=True)

    month: date
    status: str | None


class MonthView(BaseModel):
    model_config = ConfigDict(frozen=True)

    month: date
    report_date: date
    account_status: str
    account_status_label: str
    balance_yuan: int
    five_category: str
    repayment_status: str
    overdue_periods: int | None
    overdue_total_yuan: int | None
    due_yuan: int | None
    repaid_yuan: int | None
    last_repayment_date: date


class AccountSection(BaseModel):
    """One credit account: base facts, the latest month, and the 24-month grid."""

    model_config = ConfigDict(frozen=True)

    institution_code: str
    institution_name: str
    account_code: str
    account_type: str
    account_type_label: str
    open_date: date | None
    currency: str | None
    credit_limit_yuan: int | None
    close_date: date | None
    latest: MonthView | None
    grid_start: date
    grid_end: date
    grid: tuple[GridCell, ...]

    @property
    def grid_text(self) -> str:
        return "".join(cell.status or " " for cell in self.grid)


class Summary(BaseModel):
    model_config = ConfigDict(frozen=True)

    accounts: int
    open_accounts: int
    closed_accounts: int
    overdue_accounts: int
    total_credit_limit_yuan: int
    total_balance_yuan: int
    months_ever_overdue: int


class CreditReport(BaseModel):
    """A personal credit report as of ``generated_at``."""

    model_config = ConfigDict(frozen=True)

    report_number: str
    generated_at: datetime
    name: str
    id_type: str
    id_number_masked: str
    summary: Summary
    accounts: tuple[AccountSection, ...]


def grid_for(
    months: dict[date, AccountMonth], opened: date | None, end: date, closed: date | None
) -> tuple[GridCell, ...]:
    """The 24 months ending with ``end``: a status where reported, ``/`` where the account
    was open but nothing was reported, None outside the account's life."""
    cells = []
    for offset in range(GRID_MONTHS - 1, -1, -1):
        month = add_months(end, -offset)
        held = months.get(month)
        if held is not None:
            status: str | None = held.repayment_status
        elif (opened is None or month >= opened.replace(day=1)) and (
            closed is None or month <= closed.replace(day=1)
        ):
            status = NO_RECORD
        else:
            status = None
        cells.append(GridCell(month=month, status=status))
    return tuple(cells)


class ReportService:
    """Assembles reports from one bureau's store."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = BureauRepository(session)

    def report_for(self, id_number: str, id_type: IdType = IdType.RESIDENT_ID) -> CreditReport:
        """The report for a person, by ID number."""
        number = ResidentId.parse(id_number).number if id_type is IdType.RESIDENT_ID else id_number
        subject = self.repo.subject(id_type.value, number)
        if subject is None:
            raise NotFound(
                "subject.unknown", f"the bureau holds no credit record for {mask_id(number)}"
            )
        now = self.clock.now()
        sections = [self._section(a) for a in self.repo.accounts_of(subject.id)]
        return CreditReport(
            report_number=f"{now:%Y%m%d%H%M%S}{subject.id:010d}",
            generated_at=now,
            name=subject.name,
            id_type=subject.id_type,
            id_number_masked=mask_id(subject.id_number),
            summary=_summary(sections),
            accounts=tuple(sections),
        )

    def _section(self, account: Account) -> AccountSection:
        institution = self.repo.institution(account.institution_code)
        months = {m.month: m for m in self.repo.months_of(account.id)}
        latest = months[max(months)] if months else None
        end = latest.month if latest else self.clock.today().replace(day=1)
        grid = grid_for(months, account.open_date, end, account.close_date)
        return AccountSection(
            institution_code=account.institution_code,
            institution_name=institution.name if institution else account.institution_code,
            account_code=account.account_code,
            account_type=account.account_type,
            account_type_label=AccountType(account.account_type).label,
            open_date=account.open_date,
            currency=account.currency,
            credit_limit_yuan=account.credit_limit_yuan,
            close_date=account.close_date,
            latest=_month_view(latest) if latest else None,
            grid_start=grid[0].month,
            grid_end=grid[-1].month,
            grid=grid,
        )


def _month_view(m: AccountMonth) -> MonthView:
    return MonthView(
        month=m.month,
        report_date=m.report_date,
        account_status=m.account_status,
        account_status_label=AccountStatus(m.account_status).label,
        balance_yuan=m.balance_yuan,
        five_category=m.five_category,
        repayment_status=m.repayment_status,
        overdue_periods=m.overdue_periods,
        overdue_total_yuan=m.overdue_total_yuan,
        due_yuan=m.due_yuan,
        repaid_yuan=m.repaid_yuan,
        last_repayment_date=m.last_repayment_date,
    )


_OVERDUE_CODES = frozenset(s.value for s in RepaymentStatus if s.is_overdue)


def _summary(sections: list[AccountSection]) -> Summary:
    closed = sum(1 for s in sections if s.close_date is not None)
    return Summary(
        accounts=len(sections),
        open_accounts=len(sections) - closed,
        closed_accounts=closed,
        overdue_accounts=sum(
            1
            for s in sections
            if s.latest is not None and s.latest.account_status == AccountStatus.OVERDUE
        ),
        total_credit_limit_yuan=sum(
            s.credit_limit_yuan or 0 for s in sections if s.close_date is None
        ),
        total_balance_yuan=sum(s.latest.balance_yuan for s in sections if s.latest),
        months_ever_overdue=sum(1 for s in sections for c in s.grid if c.status in _OVERDUE_CODES),
    )
