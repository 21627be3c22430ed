"""Cash loans drawn under a line, as the interface sees them: R4 循环额度下分账户.

A loan's records are those of :mod:`zhengxin.furnishing.records`; only its basic-information
segment (C) differs from the line's. Per §4.2 an R4 account carries the loan amount (LoanAmt,
not a credit line), the repayment mode from the D1/R4 table (§9.7a: 11 equal instalments or
13 interest monthly, principal at the end), the monthly frequency, the number of periods
(RepayPrd) and, as its DueDate, the due date of the last period. The business line, the
guarantee and the other flags are the line's: the loan is drawn under the line's agreement,
whose code its credit-line segment (F) names.
"""

from __future__ import annotations

from zhengxin.codes import (
    AccountType,
    AssetTransferFlag,
    Currency,
    FundSource,
    LoanForm,
    OtherRepayGuarantee,
    RepaymentFrequency,
    RepaymentMode,
)
from zhengxin.furnishing.records import to_yuan
from zhengxin.lender.loans import schedule_of
from zhengxin.lender.models import CreditLine, Loan
from zhengxin.lender.products import CashLoanProduct, RevolvingProduct
from zhengxin.pboc import BasicInfoSegment

LOAN_ACCOUNT_TYPE = AccountType.R4


def loan_terms(
    loan: Loan,
    line: CreditLine,
    line_product: RevolvingProduct,
    loan_product: CashLoanProduct,
) -> BasicInfoSegment:
    """The C segment of a cash loan (R4): amount, periods, mode, and the last due date."""
    schedule = schedule_of(loan, loan_product)
    last_due = schedule.periods[-1].due_date if schedule.periods else loan.drawn_on
    return BasicInfoSegment(
        busi_lines=line_product.business_line,
        busi_dtl_lines=line_product.business_detail,
        open_date=loan.drawn_on,
        cy=Currency(line.currency),
        loan_amt=to_yuan(loan.principal_fen),
        due_date=last_due,
        repay_mode=RepaymentMode(loan.method),
        repay_freqcy=RepaymentFrequency.MONTHLY,
        repay_prd=loan.periods,
        apply_busi_dist="",
        guar_mode=line_product.guarantee_mode,
        oth_repy_guar_way=OtherRepayGuarantee.NONE,
        asset_trand_flag=AssetTransferFlag.NOT_TRANSFERRED,
        fund_sou=FundSource.OWN,
        loan_form=LoanForm.NEW,
    )
