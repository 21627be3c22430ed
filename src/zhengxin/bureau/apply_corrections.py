"""Record 212: one segment of an account corrected in place (§7.2).

A correction names the account (ModRecCode), its type, the report it corrects (RptDate) and the
segment (MdfcSgmtCode), and carries the segment as it should have been. What the bureau does
with each segment:

* **B** the borrower: the account moves to the person with the corrected IDType + IDNum
  (created when the bureau does not know them), whose name becomes the corrected one. The
  managing institution (MngmtOrgCode) is not kept.
* **C** the base facts (business line, dates, amounts, repayment terms) are replaced.
* **F** the agreement the account draws on (Mcc) is replaced.
* **H** the month named by the segment's Month is replaced, facts and closing date alike; its
  report date and timing code stay those of the report corrected.
* **J** the non-monthly report of RptDate is replaced.
* **D, E, G, I, K** are not kept by the bureau: there is nothing to correct, and the record is
  refused rather than accepted and dropped.

Server checks. §7.2 reserves BMR006-BMR021 for them and gives two examples (only the latest
version of a month can be corrected; a base correction's date must be the latest report date)
without numbering any, so the codes are this bureau's choice, in that range:

* **BMR006** the account is not held;
* **BMR007** the month corrected (H) is not held;
* **BMR008** RptDate is not the date of the version held: for H the report of that month held
  (the bureau keeps only the latest); for B, C and F, which are held once per account, the
  account's latest report date;
* **BMR009** no non-monthly report (J) of the account is held on RptDate;
* **BMR012** AcctType is not the type the account is held with (as BLR019 for 210);
* **BMR021** the segment is one the bureau does not keep.

A ModRecCode retired by a 211 is refused with ABE012 first.
"""

from __future__ import annotations

from zhengxin.bureau.apply_common import ACCOUNT, Applying, refuse
from zhengxin.bureau.models import Account, AccountEvent, AccountMonth
from zhengxin.pboc import (
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
    NonMonthlySegment,
    RecordError,
)
from zhengxin.pboc.corrections import BASE_TAG, AccountCorrection, BaseCorrection

ACCOUNT_NOT_HELD = "BMR006"
MONTH_NOT_HELD = "BMR007"
NOT_THE_VERSION_HELD = "BMR008"
EVENT_NOT_HELD = "BMR009"
TYPE_DIFFERS = "BMR012"
SEGMENT_NOT_KEPT = "BMR021"

_HELD_ONCE = BaseCorrection | BasicInfoSegment | CreditLineSegment


def apply_account_correction(work: Applying, record: AccountCorrection) -> RecordError | None:
    """Apply one record 212; the refusal when a server check fails, else ``None``."""
    code = record.mod_rec_code
    stale = work.superseded(ACCOUNT, code, BASE_TAG, "ModRecCode")
    if stale is not None:
        return stale
    account = work.repo.account(work.institution, code)
    if account is None:
        return refuse(
            ACCOUNT_NOT_HELD,
            BASE_TAG,
            "ModRecCode",
            code,
            f"the bureau holds no account {code} from {work.institution}; report it with a "
            "210 record",
        )
    if account.account_type != record.acct_type.value:
        return refuse(
            TYPE_DIFFERS,
            BASE_TAG,
            "AcctType",
            record.acct_type.value,
            f"account {code} is held as type {account.account_type}, not {record.acct_type.value}",
        )
    segment = record.segment
    if isinstance(segment, MonthlySegment):
        return _correct_month(work, account, record, segment)
    if isinstance(segment, NonMonthlySegment):
        return _correct_event(work, account, record, segment)
    if isinstance(segment, _HELD_ONCE):
        latest = work.repo.latest_report_date(account.id)
        if latest is not None and record.rpt_date != latest:
            return refuse(
                NOT_THE_VERSION_HELD,
                BASE_TAG,
                "RptDate",
                record.rpt_date.isoformat(),
                f"the latest report of account {code} is of {latest}; segment "
                f"{record.mdfc_sgmt_code} is held once per account, so a correction must name "
                f"that report, not {record.rpt_date}",
            )
        if isinstance(segment, BaseCorrection):
            subject = work.subject(segment.id_type.value, segment.id_num, segment.name)
            account.subject_id = subject.id
        elif isinstance(segment, BasicInfoSegment):
            _set_base_facts(account, segment)
        else:
            account.agreement_code = segment.mcc
        work.session.flush()
        return None
    return refuse(
        SEGMENT_NOT_KEPT,
        BASE_TAG,
        "MdfcSgmtCode",
        str(record.mdfc_sgmt_code),
        f"the bureau does not keep segment {record.mdfc_sgmt_code} of an account, so there "
        "is nothing to correct",
    )


def _correct_month(
    work: Applying, account: Account, record: AccountCorrection, h: MonthlySegment
) -> RecordError | None:
    held = work.repo.month(account.id, h.month)
    if held is None:
        return refuse(
            MONTH_NOT_HELD,
            "AcctMthlyBlgInfSgmt",
            "Month",
            f"{h.month:%Y-%m}",
            f"the bureau holds no monthly performance of account {account.account_code} for "
            f"{h.month:%Y-%m}; report the month with a 210 record",
        )
    if held.report_date != record.rpt_date:
        return refuse(
            NOT_THE_VERSION_HELD,
            BASE_TAG,
            "RptDate",
            record.rpt_date.isoformat(),
            f"the month {h.month:%Y-%m} of account {account.account_code} is held as reported "
            f"on {held.report_date}; only that report can be corrected, not one of "
            f"{record.rpt_date}",
        )
    previous_close = held.close_date
    _set_month(held, h)
    held.submission_id = work.submission.id
    if h.close_date is not None:
        account.close_date = h.close_date
    elif previous_close is not None and account.close_date == previous_close:
        account.close_date = None
    work.session.flush()
    return None


def _correct_event(
    work: Applying, account: Account, record: AccountCorrection, j: NonMonthlySegment
) -> RecordError | None:
    held = work.repo.account_event(account.id, record.rpt_date)
    if held is None:
        return refuse(
            EVENT_NOT_HELD,
            BASE_TAG,
            "RptDate",
            record.rpt_date.isoformat(),
            f"the bureau holds no non-monthly report of account {account.account_code} dated "
            f"{record.rpt_date}",
        )
    previous_close = held.close_date
    _set_event(held, j)
    held.submission_id = work.submission.id
    if j.close_date is not None:
        account.close_date = j.close_date
    elif previous_close is not None and account.close_date == previous_close:
        account.close_date = None
    work.session.flush()
    return None


def _set_base_facts(account: Account, info: BasicInfoSegment) -> None:
    account.business_line = info.busi_lines.value
    account.business_detail = info.busi_dtl_lines.value
    account.open_date = info.open_date
    account.currency = info.cy.value
    account.credit_limit_yuan = info.acct_cred_line
    account.loan_amount_yuan = info.loan_amt
    account.due_date = info.due_date
    account.repay_mode = info.repay_mode.value if info.repay_mode else None
    account.repay_frequency = info.repay_freqcy.value if info.repay_freqcy else None
    account.guarantee_mode = info.guar_mode.value if info.guar_mode else None


def _set_month(held: AccountMonth, h: MonthlySegment) -> None:
    held.settlement_date = h.sett_date
    held.account_status = h.acct_status.value
    held.balance_yuan = h.acct_bal
    held.remaining_periods = h.rem_rep_prd
    held.five_category = h.five_cate.value
    held.five_category_date = h.five_cate_adj_date
    held.repayment_status = h.rpy_status.value
    held.overdue_periods = h.overd_prd
    held.overdue_total_yuan = h.tot_overd
    held.overdue_principal_yuan = h.overd_princ
    held.overdue_31_60_yuan = h.oved31_60_princ
    held.overdue_61_90_yuan = h.oved61_90_princ
    held.overdue_91_180_yuan = h.oved91_180_princ
    held.overdue_over_180_yuan = h.oved_princ180
    held.due_yuan = h.cur_rpy_amt
    held.repaid_yuan = h.act_rpy_amt
    held.last_repayment_date = h.lat_rpy_date
    held.close_date = h.close_date


def _set_event(held: AccountEvent, j: NonMonthlySegment) -> None:
    held.account_status = j.acct_status.value
    held.balance_yuan = j.acct_bal
    held.five_category = j.five_cate.value if j.five_cate else None
    held.five_category_date = j.five_cate_adj_date
    held.repayment_status = j.rpy_status.value if j.rpy_status else None
    held.remaining_periods = j.rem_rep_prd
    held.overdue_periods = j.overd_prd
    held.overdue_total_yuan = j.tot_overd
    held.last_repayment_yuan = j.lat_rpy_amt
    held.last_repayment_date = j.lat_rpy_date
    held.close_date = j.close_date
