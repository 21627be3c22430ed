"""From the lender's accounts and month facts to records 210 (个人借贷账户信息记录).

An account is a revolving line (R1) or a cash loan drawn under it (R4, see
:mod:`zhengxin.furnishing.loans`); both are described by a :class:`ReportedAccount`, whose
records differ only in their basic-information (C) segment. Which segments a record carries
follows §4.1: an opening (10) and a first month-end report (31) carry C, F and H; a month-end
report (30) and a closure (20, 32) carry H, and C and F as well when the bureau has never met
the account (the first report of an account must carry what an opening carries, §4.5
BLR004/BLR005); a recovery (40) carries J alone.

Amounts: the lender keeps fen, the interface whole yuan. Every amount is converted by
:func:`to_yuan`, which rounds *up* to the next whole yuan, so a record never reports less than
is owed: a debt of ¥0.40 past due is reported as 1, keeping "overdue ⇒ overdue amount > 0"
(BLE019) true for every real debt.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from zhengxin.codes import (
    AccountStatus,
    AccountType,
    AssetTransferFlag,
    Currency,
    FundSource,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
    RepaymentStatus,
    ReportTimingCode,
)
from zhengxin.kernel.money import Money, Rounding
from zhengxin.lender.facts import MonthFacts
from zhengxin.lender.models import CreditLine, Subject
from zhengxin.lender.products import RevolvingProduct
from zhengxin.pboc import (
    AccountRecord,
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
    NonMonthlySegment,
)

REPORTING_ROUNDING = Rounding.UP
CLOSURES = (ReportTimingCode.CLOSED, ReportTimingCode.CLOSED_AT_MONTH_END)
"""The report-timing codes that end an account (账户关闭, 月结日账户关闭)."""


def to_yuan(fen: int) -> int:
    """Fen to whole yuan for the interface, rounding up (see the module's docstring).

    >>> to_yuan(0), to_yuan(1), to_yuan(100), to_yuan(12345)
    (0, 1, 1, 124)
    """
    return Money(fen).whole_yuan(REPORTING_ROUNDING)


@dataclass(frozen=True, slots=True)
class ReportedAccount:
    """Everything an account's records repeat: its code and type, its holder, its terms (the
    basic-information segment C) and the credit agreement it draws on (the F segment's Mcc)."""

    code: str
    account_type: AccountType
    subject: Subject
    institution: str
    agreement_code: str
    terms: BasicInfoSegment

    @property
    def opened_on(self) -> date:
        return self.terms.open_date


def line_terms(line: CreditLine, product: RevolvingProduct, due_date: date) -> BasicInfoSegment:
    """The C segment of a revolving line (R1): its limit, expiry and the product's terms."""
    return BasicInfoSegment(
        busi_lines=product.business_line,
        busi_dtl_lines=product.business_detail,
        open_date=line.opened_on,
        cy=Currency(line.currency),
        acct_cred_line=to_yuan(line.limit_fen),
        due_date=due_date,
        repay_mode=product.repay_mode,
        repay_freqcy=product.repay_frequency,
        apply_busi_dist="",
        guar_mode=product.guarantee_mode,
        oth_repy_guar_way=OtherRepayGuarantee.NONE,
        asset_trand_flag=AssetTransferFlag.NOT_TRANSFERRED,
        fund_sou=FundSource.OWN,
        loan_form=LoanForm.NEW,
    )


def base_segment(
    account: ReportedAccount, report_date: date, timing: ReportTimingCode
) -> BaseSegment:
    return BaseSegment(
        acct_type=account.account_type,
        acct_code=account.code,
        rpt_date=report_date,
        rpt_date_code=timing,
        name=account.subject.name,
        id_type=IdType(account.subject.id_type),
        id_num=account.subject.id_number,
        mngmt_org_code=account.institution,
    )


def monthly_segment(facts: MonthFacts, settlement_date: date | None) -> MonthlySegment:
    """The H segment from the month's facts (R1 and R4: no R2/R3-only items)."""
    past_due = to_yuan(facts.past_due_fen)
    return MonthlySegment(
        month=facts.month,
        sett_date=settlement_date,
        acct_status=facts.account_status,
        acct_bal=to_yuan(facts.balance_fen),
        rem_rep_prd=facts.remaining_periods,
        five_cate=facts.five_category,
        five_cate_adj_date=facts.five_category_since,
        rpy_status=facts.repayment_status,
        overd_prd=facts.overdue_periods,
        tot_overd=past_due,
        overd_princ=past_due,
        oved31_60_princ=to_yuan(facts.overdue_31_60_fen),
        oved61_90_princ=to_yuan(facts.overdue_61_90_fen),
        oved91_180_princ=to_yuan(facts.overdue_91_180_fen),
        oved_princ180=to_yuan(facts.overdue_over_180_fen),
        cur_rpy_amt=to_yuan(facts.due_this_month_fen),
        act_rpy_amt=to_yuan(facts.repaid_this_month_fen),
        lat_rpy_date=facts.last_repayment_on,
        close_date=facts.closed_on,
    )


def _credit_line(account: ReportedAccount) -> CreditLineSegment:
    return CreditLineSegment(mcc=account.agreement_code)


def opening_record(account: ReportedAccount, facts: MonthFacts, report_date: date) -> AccountRecord:
    """Code 10 (新开户), dated the opening day: base, basic-information, credit-line and
    monthly segments, as R1 and R4 require."""
    return AccountRecord(
        base=base_segment(account, report_date, ReportTimingCode.OPENED),
        basic_info=account.terms,
        credit_line=_credit_line(account),
        monthly=monthly_segment(facts, settlement_date=report_date),
    )


def monthly_record(
    account: ReportedAccount, facts: MonthFacts, report_date: date, *, first: bool
) -> AccountRecord:
    """Code 30 (月度结算), dated the month's last day; or code 31 (月结日首次上报存量账户)
    when ``first``: the first month-end report of an account the bureau has not met, with the
    basic-information and credit-line segments as well."""
    timing = ReportTimingCode.FIRST_MONTHLY if first else ReportTimingCode.MONTHLY
    return AccountRecord(
        base=base_segment(account, report_date, timing),
        basic_info=account.terms if first else None,
        credit_line=_credit_line(account) if first else None,
        monthly=monthly_segment(facts, facts.settlement_date),
    )


def closing_record(
    account: ReportedAccount,
    facts: MonthFacts,
    report_date: date,
    timing: ReportTimingCode = ReportTimingCode.CLOSED,
    *,
    first: bool = False,
) -> AccountRecord:
    """Code 20 (账户关闭, the closing day) or 32 (月结日账户关闭, a closure on the month's
    last day): closed, settled, nothing owed. With ``first`` (the bureau never met the account)
    it carries the basic-information and credit-line segments too.

    An account closed after a write-off is still 呆账 in the month facts (42, B); its closure
    is reported as closed (3) and ended otherwise (G), the only statuses a closure may carry
    (BLE037, BLE030) that do not call the recovery a normal settlement.
    """
    monthly = monthly_segment(facts, settlement_date=facts.closed_on)
    if facts.closed_on is not None and monthly.acct_status is not AccountStatus.CLOSED:
        monthly = dataclasses.replace(
            monthly, acct_status=AccountStatus.CLOSED, rpy_status=RepaymentStatus.ENDED
        )
    return AccountRecord(
        base=base_segment(account, report_date, timing),
        basic_info=account.terms if first else None,
        credit_line=_credit_line(account) if first else None,
        monthly=monthly,
    )


def recovery_record(
    account: ReportedAccount, facts: MonthFacts, report_date: date, repaid_fen: int
) -> AccountRecord:
    """Code 40 (收回逾期款项): a repayment received on ``report_date`` that left nothing past
    due. The non-monthly segment J alone (§4.1): the account's status after the repayment,
    repayment status N with no overdue periods or amount (BLE034, BLE018), the amount repaid
    that day and LatRpyDate equal to the report date (BLE040)."""
    return AccountRecord(
        base=base_segment(account, report_date, ReportTimingCode.RECOVERED),
        non_monthly=NonMonthlySegment(
            acct_status=facts.account_status,
            acct_bal=to_yuan(facts.balance_fen),
            five_cate=facts.five_category,
            five_cate_adj_date=facts.five_category_since,
            rem_rep_prd=facts.remaining_periods,
            rpy_status=RepaymentStatus.PAID_AS_AGREED,
            overd_prd=0,
            tot_overd=0,
            lat_rpy_amt=to_yuan(repaid_fen),
            lat_rpy_date=report_date,
            close_date=None,
        ),
    )


_ADVERSE_STATUSES = (
    AccountStatus.OVERDUE,
    AccountStatus.BAD_DEBT_PENDING,
    AccountStatus.WRITTEN_OFF,
)


def carries_adverse(record: AccountRecord) -> bool:
    """Whether the record tells the bureau something adverse (art. 44): an overdue or bad-debt
    account status, or an adverse repayment status."""
    for segment in (record.monthly, record.non_monthly):
        if segment is None:
            continue
        if segment.acct_status in _ADVERSE_STATUSES:
            return True
        if segment.rpy_status is not None and segment.rpy_status.is_adverse:
            return True
    return False
