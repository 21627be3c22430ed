"""Building a credit report's sections from the bureau's rows.

Pure functions: :class:`~zhengxin.bureau.report.ReportService` reads the rows, set-based, and
these turn them into the values of :mod:`zhengxin.bureau.report_parts`: codes get their labels
(account statuses by account type), grids get their slots, disputes their marks, and the
summary its figures. Nothing here reads the store or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    Agreement,
    Dispute,
    Inquiry,
    SpecialEvent,
    Statement,
    Subject,
    SubjectInfo,
)
from zhengxin.bureau.report_parts import (
    AccountSection,
    AccountTypeSummary,
    AgreementSection,
    AgreementSummary,
    BadDebtSummary,
    DisputeMark,
    DisputeView,
    FiveYearCell,
    GridCell,
    Identity,
    LatestStatus,
    MonthView,
    OverdueSummary,
    PersonalInfo,
    QueryCounts,
    QueryRecord,
    SpecialEventView,
    SpecialTransaction,
    StatementView,
    Summary,
)
from zhengxin.codes import (
    BAD_DEBT_ACCOUNT_STATUSES,
    AccountStatus,
    AccountType,
    AgreementStatus,
    BusinessDetail,
    BusinessLine,
    Code,
    Country,
    CreditLimitType,
    Degree,
    DisputeType,
    Education,
    EmploymentStatus,
    FiveCategory,
    Gender,
    GuaranteeMode,
    IdType,
    MaritalStatus,
    Occupation,
    QueryReason,
    RepaymentFrequency,
    RepaymentMode,
    RepaymentStatus,
    ReportTimingCode,
    ResidenceStatus,
    SpecialEventType,
    StatementType,
)
from zhengxin.kernel.clock import add_months, business_date, stored_instant
from zhengxin.kernel.identity import mask_id

GRID_MONTHS = 24
"""最近24个月还款记录: the months of the repayment grid."""
HISTORY_MONTHS = 60
"""最近5年历史表现: the months of the 5-year history, ending with the account's latest month."""
QUERY_MONTHS = 24
"""Query records cover the two years before the report."""
NO_RECORD = "/"
"""Shown in a grid slot for a month the account was open but nothing was reported."""

_OVERDUE = frozenset(s.value for s in RepaymentStatus if s.is_overdue)
_REPORTED_REASONS = {
    QueryReason.POST_LOAN.value: "post_loan",
    QueryReason.LOAN_APPROVAL.value: "loan_approval",
    QueryReason.CARD_APPROVAL.value: "card_approval",
    QueryReason.LIMIT_APPROVAL.value: "limit_approval",
}
"""The reasons the summary counts apart; every other reason counts as ``other``."""
_KIND_LABELS = {
    "bank": "商业银行 bank",
    "consumer_finance": "消费金融公司 consumer finance",
    "microloan": "小额贷款公司 microloan",
    "other": "其他机构 other",
}
_DISPUTE_STATUS = {
    "open": "处理中 under review",
    "answered": "机构已答复 answered",
    "closed": "已办结 closed",
}
_OUTCOMES = {
    "corrected": "已更正 corrected",
    "deleted": "已删除 deleted",
    "upheld": "维持原记录 record stands",
}


def _label(table: type[Code], code: str | None) -> str | None:
    """The code's label in ``table``; None for no code, or one the table does not hold."""
    if code is None:
        return None
    try:
        return table(code).label
    except ValueError:
        return None


def _named(table: type[Code], code: str) -> str:
    return _label(table, code) or code


_C1_STATUSES = {"1": "催收", "2": "结束"}


def _status_label(account_type: str, status: str) -> str:
    """账户状态 in words by account type: 6 is 未激活 on a card, and a collection account reads
    1 and 2 as 催收 and 结束 (§9.4)."""
    if account_type in ("R2", "R3") and status == "6":
        return "未激活"
    if account_type == AccountType.C1:
        return _C1_STATUSES.get(status, status)
    return _named(AccountStatus, status)


def mask_phone(phone: str | None) -> str | None:
    """A phone number with every character but the last 4 hidden.

    >>> mask_phone("13812345678")
    '*******5678'
    """
    if phone is None:
        return None
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def identity_section(
    subject: Subject, info: SubjectInfo | None, names: Mapping[str, str]
) -> Identity:
    """个人基本信息: who the subject is, with the facts of the latest record 110."""
    return Identity(
        name=subject.name,
        id_type=subject.id_type,
        id_type_label=_named(IdType, subject.id_type),
        id_number_masked=mask_id(subject.id_number),
        personal=None if info is None else _personal(info, names),
    )


def _personal(info: SubjectInfo, names: Mapping[str, str]) -> PersonalInfo:
    return PersonalInfo(
        reported_by_code=info.institution_code,
        reported_by_name=names.get(info.institution_code, info.institution_code),
        reported_on=info.report_date,
        sex=info.sex,
        sex_label=_label(Gender, info.sex),
        birth_date=info.birth_date,
        nationality=info.nation,
        nationality_label=_label(Country, info.nation),
        marital_status=info.marital_status,
        marital_status_label=_label(MaritalStatus, info.marital_status),
        education=info.education,
        education_label=_label(Education, info.education),
        degree=info.degree,
        degree_label=_label(Degree, info.degree),
        employment_status=info.employment_status,
        employment_status_label=_label(EmploymentStatus, info.employment_status),
        employer=info.employer,
        occupation=info.occupation,
        occupation_label=_label(Occupation, info.occupation),
        residence_status=info.residence_status,
        residence_status_label=_label(ResidenceStatus, info.residence_status),
        residence_address=info.residence_address,
        mailing_address=info.mailing_address,
        phone_masked=mask_phone(info.cell_phone),
    )


def _months_ending(end: date, count: int) -> list[date]:
    """The first days of the ``count`` months ending with ``end``'s, oldest first.

    >>> [f"{m:%Y-%m}" for m in _months_ending(date(2025, 2, 1), 3)]
    ['2024-12', '2025-01', '2025-02']
    """
    last = end.year * 12 + end.month - 1
    return [date(n // 12, n % 12 + 1, 1) for n in range(last - count + 1, last + 1)]


def _status_in(
    held: Mapping[date, AccountMonth], month: date, account: Account, since: date
) -> str | None:
    """A grid slot: the status held; ``/`` in the account's life but unreported; None outside
    its life or before the report's five years."""
    row = held.get(month)
    if row is not None:
        return row.repayment_status
    if month < since:
        return None
    opened, closed = account.open_date, account.close_date
    if (opened is None or month >= opened.replace(day=1)) and (
        closed is None or month <= closed.replace(day=1)
    ):
        return NO_RECORD
    return None


def account_section(
    account: Account,
    institution_name: str,
    months: Sequence[AccountMonth],
    events: Sequence[AccountEvent],
    specials: Sequence[SpecialEvent],
    window: tuple[date, date],
    marks: Sequence[DisputeMark],
    statements: Sequence[StatementView],
) -> AccountSection:
    """One account's details from the months and non-monthly reports a report may show (the
    retention rule applied); ``window`` is the first and the last month of the report's five
    years."""
    since, report_month = window
    held = {m.month: m for m in months}
    latest = held[max(held)] if held else None
    end = latest.month if latest is not None else report_month
    history = _months_ending(end, HISTORY_MONTHS)
    grid = history[-GRID_MONTHS:]
    status = {m: _status_in(held, m, account, since) for m in history}
    kind = account.account_type
    return AccountSection(
        institution_code=account.institution_code,
        institution_name=institution_name,
        account_code=account.account_code,
        account_type=kind,
        account_type_label=_named(AccountType, kind),
        business_line=account.business_line,
        business_line_label=_label(BusinessLine, account.business_line),
        business_detail=account.business_detail,
        business_detail_label=_label(BusinessDetail, account.business_detail),
        open_date=account.open_date,
        currency=account.currency,
        credit_limit_yuan=account.credit_limit_yuan,
        loan_amount_yuan=account.loan_amount_yuan,
        due_date=account.due_date,
        repay_mode=account.repay_mode,
        repay_mode_label=_label(RepaymentMode, account.repay_mode),
        repay_frequency=account.repay_frequency,
        repay_frequency_label=_label(RepaymentFrequency, account.repay_frequency),
        guarantee_mode=account.guarantee_mode,
        guarantee_mode_label=_label(GuaranteeMode, account.guarantee_mode),
        agreement_code=account.agreement_code,
        close_date=account.close_date,
        status=_latest_status(kind, latest, events),
        latest=None if latest is None else _month_view(kind, latest),
        grid_start=grid[0],
        grid_end=grid[-1],
        # The cells are built from values already checked (dates, codes held), without
        # validating each of the 84 again: a report is on a latency budget.
        grid=tuple(GridCell.model_construct(month=m, status=status[m]) for m in grid),
        five_year_start=history[0],
        five_year_end=history[-1],
        five_year=tuple(
            FiveYearCell.model_construct(
                month=m,
                status=status[m],
                overdue_total_yuan=held[m].overdue_total_yuan if m in held else None,
            )
            for m in history
        ),
        special_transactions=tuple(_transaction(kind, e) for e in events),
        special_events=tuple(
            SpecialEventView(
                event_type=s.event_type,
                event_type_label=_named(SpecialEventType, s.event_type),
                month=s.month,
                reported_on=s.report_date,
            )
            for s in specials
        ),
        dispute_marks=tuple(marks),
        statements=tuple(statements),
    )


def _month_view(kind: str, m: AccountMonth) -> MonthView:
    return MonthView(
        month=m.month,
        report_date=m.report_date,
        account_status=m.account_status,
        account_status_label=_status_label(kind, m.account_status),
        balance_yuan=m.balance_yuan,
        five_category=m.five_category,
        five_category_label=_named(FiveCategory, m.five_category),
        repayment_status=m.repayment_status,
        repayment_status_label=_named(RepaymentStatus, m.repayment_status),
        remaining_periods=m.remaining_periods,
        overdue_periods=m.overdue_periods,
        overdue_total_yuan=m.overdue_total_yuan,
        due_yuan=m.due_yuan,
        repaid_yuan=m.repaid_yuan,
        last_repayment_date=m.last_repayment_date,
    )


def _latest_status(
    kind: str, month: AccountMonth | None, events: Sequence[AccountEvent]
) -> LatestStatus | None:
    """From the latest month, or from a non-monthly report dated after it."""
    event = max(events, key=lambda e: e.report_date) if events else None
    latest: AccountMonth | AccountEvent | None = month
    if event is not None and (month is None or event.report_date > month.report_date):
        latest = event
    if latest is None:
        return None
    return LatestStatus(
        source="event" if latest is event else "monthly",
        reported_on=latest.report_date,
        report_timing=latest.report_timing,
        report_timing_label=_named(ReportTimingCode, latest.report_timing),
        account_status=latest.account_status,
        account_status_label=_status_label(kind, latest.account_status),
        balance_yuan=latest.balance_yuan,
        five_category=latest.five_category,
        five_category_label=_label(FiveCategory, latest.five_category),
        repayment_status=latest.repayment_status,
        repayment_status_label=_label(RepaymentStatus, latest.repayment_status),
        overdue_total_yuan=latest.overdue_total_yuan,
        last_repayment_date=latest.last_repayment_date,
        close_date=latest.close_date,
    )


def _transaction(kind: str, e: AccountEvent) -> SpecialTransaction:
    return SpecialTransaction(
        reported_on=e.report_date,
        report_timing=e.report_timing,
        report_timing_label=_named(ReportTimingCode, e.report_timing),
        account_status=e.account_status,
        account_status_label=_status_label(kind, e.account_status),
        balance_yuan=e.balance_yuan,
        repayment_status=e.repayment_status,
        overdue_total_yuan=e.overdue_total_yuan,
        last_repayment_yuan=e.last_repayment_yuan,
        last_repayment_date=e.last_repayment_date,
        close_date=e.close_date,
    )


def agreement_section(a: Agreement, names: Mapping[str, str]) -> AgreementSection:
    """One credit agreement as last reported."""
    return AgreementSection(
        institution_code=a.institution_code,
        institution_name=names.get(a.institution_code, a.institution_code),
        contract_code=a.contract_code,
        limit_type=a.limit_type,
        limit_type_label=_label(CreditLimitType, a.limit_type),
        revolving=None if a.revolving is None else a.revolving == "1",
        limit_yuan=a.limit_yuan,
        currency=a.currency,
        effective_date=a.effective_date,
        expiry_date=a.expiry_date,
        status=a.status,
        status_label=_label(AgreementStatus, a.status),
        reported_on=a.report_date,
    )


def statement_view(s: Statement, accounts: Mapping[int, Account]) -> StatementView:
    """A statement, with the account it is attached to when it is."""
    account = accounts.get(s.account_id) if s.account_id is not None else None
    return StatementView(
        statement_type=s.statement_type,
        statement_type_label=_named(StatementType, s.statement_type),
        text=s.text,
        added_on=business_date(stored_instant(s.added_at)),
        institution_code=account.institution_code if account else None,
        account_code=account.account_code if account else None,
    )


def dispute_mark(d: Dispute) -> DisputeMark:
    """The mark a disputed record carries: under dispute until closed, then the outcome."""
    if d.status == "closed":
        outcome = _OUTCOMES.get(d.outcome or "", d.outcome or "closed")
        on = f" {d.closed_on.isoformat()}" if d.closed_on else ""
        text = f"异议处理结果 dispute closed{on}: {outcome}"
        if d.outcome_note:
            text += f" — {d.outcome_note}"
    else:
        text = f"异议标注 under dispute since {d.filed_on.isoformat()}"
    return DisputeMark(
        dispute_type=d.dispute_type,
        dispute_type_label=_named(DisputeType, d.dispute_type),
        month=d.month,
        filed_on=d.filed_on,
        status=d.status,
        outcome=d.outcome if d.status == "closed" else None,
        outcome_note=d.outcome_note if d.status == "closed" else None,
        text=text,
    )


def dispute_view(
    d: Dispute,
    accounts: Mapping[int, Account],
    inquiries: Mapping[int, Inquiry],
    names: Mapping[str, str],
    today: date,
) -> DisputeView:
    """A dispute in the statements-and-disputes section: what it is about and where it stands;
    past its deadline when not closed and ``today`` is after the deadline."""
    account = accounts.get(d.account_id) if d.account_id is not None else None
    inquiry = inquiries.get(d.inquiry_id) if d.inquiry_id is not None else None
    name = names.get(d.institution_code, d.institution_code)
    if account is not None:
        about = f"账户 account {account.institution_code}/{account.account_code}"
        about += f", {d.month:%Y-%m}" if d.month else ""
    elif d.account_id is not None:
        about = "账户 account no longer held on this person"
    elif inquiry is not None:
        about = f"查询记录 query of {inquiry.asked_on.isoformat()} by {name}"
    elif d.inquiry_id is not None:
        about = f"查询记录 query by {name}"
    else:
        about = f"{name} 报送的信息 information reported by {name}"
    return DisputeView(
        dispute_type=d.dispute_type,
        dispute_type_label=_named(DisputeType, d.dispute_type),
        about=about,
        institution_code=d.institution_code,
        institution_name=name,
        account_code=account.account_code if account else None,
        month=d.month,
        inquiry_asked_on=inquiry.asked_on if inquiry else None,
        detail=d.detail,
        filed_on=d.filed_on,
        deadline=d.deadline,
        status=d.status,
        status_label=_DISPUTE_STATUS.get(d.status, d.status),
        answered_on=d.answered_on,
        outcome=d.outcome,
        outcome_label=_OUTCOMES.get(d.outcome, d.outcome) if d.outcome else None,
        outcome_note=d.outcome_note,
        closed_on=d.closed_on,
        past_deadline=d.status != "closed" and today > d.deadline,
    )


def query_record(
    i: Inquiry, names: Mapping[str, str], kinds: Mapping[str, str], mark: DisputeMark | None
) -> QueryRecord:
    """An institution's answered query, marked when the subject disputes it."""
    code = i.institution_code
    kind = kinds.get(code) if code else None
    return QueryRecord(
        asked_on=i.asked_on,
        institution_code=code,
        institution_name=names.get(code, code) if code else "-",
        institution_kind=kind,
        institution_kind_label=_KIND_LABELS.get(kind, kind) if kind else "-",
        reason=i.purpose,
        reason_label=_named(QueryReason, i.purpose) if i.purpose else "-",
        dispute_mark=mark,
    )


# --- the summary ---------------------------------------------------------------------------


def _closed(section: AccountSection) -> bool:
    return section.close_date is not None or (
        section.status is not None and section.status.close_date is not None
    )


def _balance(section: AccountSection) -> int:
    return section.status.balance_yuan if section.status is not None else 0


def summary_section(
    accounts: Sequence[tuple[AccountSection, Sequence[AccountMonth]]],
    agreements: Sequence[AgreementSection],
    inquiries: Sequence[Inquiry],
    today: date,
) -> Summary:
    """信息概要 from the account sections with the months each shows (its last five years),
    the agreements, and the answered inquiries of the two years before the report."""
    sections = [s for s, _ in accounts]
    order = [t.value for t in AccountType]
    kinds = sorted(
        {s.account_type for s in sections},
        key=lambda t: (order.index(t) if t in order else len(order), t),
    )
    overdue_months = [
        (s, [m for m in months if m.repayment_status in _OVERDUE]) for s, months in accounts
    ]
    bad = [
        s
        for s in sections
        if s.status is not None
        and (
            s.status.account_status in BAD_DEBT_ACCOUNT_STATUSES or s.status.repayment_status == "B"
        )
    ]
    in_force = [a for a in agreements if a.status != AgreementStatus.EXPIRED]
    limits = [a.limit_yuan or 0 for a in in_force]
    return Summary(
        accounts=len(sections),
        open_accounts=sum(1 for s in sections if not _closed(s)),
        closed_accounts=sum(1 for s in sections if _closed(s)),
        overdue_accounts=sum(1 for s in sections if _overdue_now(s)),
        total_credit_limit_yuan=sum(s.credit_limit_yuan or 0 for s in sections if not _closed(s)),
        total_balance_yuan=sum(_balance(s) for s in sections),
        months_overdue=sum(len(found) for _, found in overdue_months),
        by_type=tuple(
            _by_type(kind, [s for s in sections if s.account_type == kind]) for kind in kinds
        ),
        overdue=tuple(
            _overdue(kind, [found for s, found in overdue_months if s.account_type == kind])
            for kind in kinds
        ),
        bad_debt=BadDebtSummary(accounts=len(bad), balance_yuan=sum(_balance(s) for s in bad)),
        agreements=AgreementSummary(
            agreements=len(agreements),
            in_force=len(in_force),
            total_limit_yuan=sum(limits),
            highest_limit_yuan=max(limits, default=0),
        ),
        queries_last_month=_counts(inquiries, add_months(today, -1)),
        queries_last_two_years=_counts(inquiries, add_months(today, -QUERY_MONTHS)),
    )


def _overdue_now(section: AccountSection) -> bool:
    status = section.status
    return status is not None and (
        status.account_status == AccountStatus.OVERDUE or status.repayment_status in _OVERDUE
    )


def _by_type(kind: str, sections: Sequence[AccountSection]) -> AccountTypeSummary:
    open_ = [s for s in sections if not _closed(s)]
    return AccountTypeSummary(
        account_type=kind,
        account_type_label=_named(AccountType, kind),
        accounts=len(sections),
        open_accounts=len(open_),
        closed_accounts=len(sections) - len(open_),
        total_credit_limit_yuan=sum(s.credit_limit_yuan or 0 for s in open_),
        total_balance_yuan=sum(_balance(s) for s in sections),
    )


def _overdue(kind: str, per_account: Sequence[Sequence[AccountMonth]]) -> OverdueSummary:
    months = [m for found in per_account for m in found]
    return OverdueSummary(
        account_type=kind,
        account_type_label=_named(AccountType, kind),
        accounts=sum(1 for found in per_account if found),
        months=len(months),
        highest_month_overdue_yuan=max((m.overdue_total_yuan or 0 for m in months), default=0),
        longest_overdue_periods=max(
            (
                m.overdue_periods if m.overdue_periods is not None else int(m.repayment_status)
                for m in months
            ),
            default=0,
        ),
    )


def _counts(inquiries: Iterable[Inquiry], since: date) -> QueryCounts:
    window = [i for i in inquiries if i.asked_on >= since]
    institutional = [i for i in window if not i.self_query]
    reasons = [_REPORTED_REASONS.get(i.purpose or "", "other") for i in institutional]
    return QueryCounts(
        since=since,
        institutional=len(institutional),
        post_loan=reasons.count("post_loan"),
        loan_approval=reasons.count("loan_approval"),
        card_approval=reasons.count("card_approval"),
        limit_approval=reasons.count("limit_approval"),
        other=reasons.count("other"),
        self_queries=len(window) - len(institutional),
    )
