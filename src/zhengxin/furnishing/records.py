"""From the lender's line and month facts to a record 210 (个人借贷账户信息记录).

Amounts: the lender keeps fen, the interface whole yuan. Every amount is converted by
:func:`to_yuan`, which rounds *up* to the next whole yuan, so a record never reports less than
is owed: a debt of ¥0.40 past due is reported as 1, keeping "overdue ⇒ overdue amount > 0"
(BLE019) true for every real debt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhengxin.codes import (
    AccountStatus,
    AssetTransferFlag,
    Currency,
    FundSource,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
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
)

REPORTING_ROUNDING = Rounding.UP


def to_yuan(fen: int) -> int:
    """Fen to whole yuan for the interface, rounding up (see the module's docstring).

    >>> to_yuan(0), to_yuan(1), to_yuan(100), to_yuan(12345)
    (0, 1, 1, 124)
    """
    return Money(fen).whole_yuan(REPORTING_ROUNDING)


@dataclass(frozen=True, slots=True)
class ReportedLine:
    """Everything about one line that its records repeat: the line, its holder and terms."""

    line: CreditLine
    subject: Subject
    product: RevolvingProduct
    institution: str
    line_due_date: date


def base_segment(ctx: ReportedLine, report_date: date, timing: ReportTimingCode) -> BaseSegment:
    return BaseSegment(
        acct_type=ctx.product.account_type,
        acct_code=ctx.line.account_code,
        rpt_date=report_date,
        rpt_date_code=timing,
        name=ctx.subject.name,
        id_type=IdType(ctx.subject.id_type),
        id_num=ctx.subject.id_number,
        mngmt_org_code=ctx.institution,
    )


def basic_info_segment(ctx: ReportedLine) -> BasicInfoSegment:
    """The C segment of a revolving line: limit, term and the product's terms."""
    return BasicInfoSegment(
        busi_lines=ctx.product.business_line,
        busi_dtl_lines=ctx.product.business_detail,
        open_date=ctx.line.opened_on,
        cy=Currency(ctx.line.currency),
        acct_cred_line=to_yuan(ctx.line.limit_fen),
        loan_amt=None,
        flag=None,
        due_date=ctx.line_due_date,
        repay_mode=ctx.product.repay_mode,
        repay_freqcy=ctx.product.repay_frequency,
        repay_prd=None,
        apply_busi_dist="",
        guar_mode=ctx.product.guarantee_mode,
        oth_repy_guar_way=OtherRepayGuarantee.NONE,
        asset_trand_flag=AssetTransferFlag.NOT_TRANSFERRED,
        fund_sou=FundSource.OWN,
        loan_form=LoanForm.NEW,
    )


def monthly_segment(facts: MonthFacts, settlement_date: date | None) -> MonthlySegment:
    """The H segment from the month's facts (R1: no R2/R3-only items)."""
    past_due = to_yuan(facts.past_due_fen)
    return MonthlySegment(
        month=facts.month,
        sett_date=settlement_date,
        acct_status=facts.account_status,
        acct_bal=to_yuan(facts.balance_fen),
        prid_acct_bal=None,
        used_amt=None,
        not_isu_bal=None,
        rem_rep_prd=0,
        five_cate=facts.five_category,
        five_cate_adj_date=facts.five_category_since,
        rpy_status=facts.repayment_status,
        rpy_prct=None,
        overd_prd=facts.overdue_periods,
        tot_overd=past_due,
        overd_princ=past_due,
        oved31_60_princ=to_yuan(facts.overdue_31_60_fen),
        oved61_90_princ=to_yuan(facts.overdue_61_90_fen),
        oved91_180_princ=to_yuan(facts.overdue_91_180_fen),
        oved_princ180=to_yuan(facts.overdue_over_180_fen),
        ovedraw_ba_ove180=None,
        cur_rpy_amt=to_yuan(facts.due_this_month_fen),
        act_rpy_amt=to_yuan(facts.repaid_this_month_fen),
        lat_rpy_date=facts.last_repayment_on,
        close_date=facts.closed_on,
    )


def opening_record(ctx: ReportedLine, facts: MonthFacts) -> AccountRecord:
    """Code 10 (新开户), dated the opening day: base, basic-information, credit-line and
    monthly segments, as R1 requires."""
    return AccountRecord(
        base=base_segment(ctx, ctx.line.opened_on, ReportTimingCode.OPENED),
        basic_info=basic_info_segment(ctx),
        credit_line=CreditLineSegment(mcc=ctx.line.agreement_code),
        monthly=monthly_segment(facts, settlement_date=ctx.line.opened_on),
    )


def monthly_record(ctx: ReportedLine, facts: MonthFacts) -> AccountRecord:
    """Code 30 (月度结算), dated the month's last day."""
    return AccountRecord(
        base=base_segment(ctx, facts.as_of, ReportTimingCode.MONTHLY),
        monthly=monthly_segment(facts, facts.settlement_date),
    )


def closing_record(ctx: ReportedLine, facts: MonthFacts) -> AccountRecord:
    """Code 20 (账户关闭), dated the closing day: closed, settled, nothing owed."""
    if facts.closed_on is None or facts.account_status is not AccountStatus.CLOSED:
        raise ValueError("a closing record needs the facts of a closed line")
    return AccountRecord(
        base=base_segment(ctx, facts.closed_on, ReportTimingCode.CLOSED),
        monthly=monthly_segment(facts, settlement_date=facts.closed_on),
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
