"""Record 220 (个人授信协议信息记录): the credit agreement behind a line and its loans.

Each line is one agreement (its ``agreement_code``, which the line's and its loans' credit-line
segments name as Mcc): a revolving-loan line (CreditLimType 10, LimLoopFlg 1) of the line's
limit, in force from the opening to the line's reported expiry. The report-timing codes are
those of §9.33:

* **10 授信开始**: with the first record of the line (or of a loan under it) a bureau gets;
* **30 额度调整**: when the limit (or the expiry) differs from what the bureau was last told;
* **20 授信到期/失效**: when the line closes; the agreement is then ended (ConStatus 2) and
  its expiry date is the closing day. An agreement whose line closed before the bureau ever
  heard of it is reported once, with this code.

:func:`digest_of` fingerprints the facts a code 30 reports, so that the furnisher sees a
change since the bureau was last told.
"""

from __future__ import annotations

import hashlib
from datetime import date

from zhengxin.codes import (
    AgreementReportCode,
    AgreementStatus,
    CreditLimitType,
    Currency,
    IdType,
    RevolvingFlag,
)
from zhengxin.furnishing.records import to_yuan
from zhengxin.lender.models import CreditLine, Subject
from zhengxin.pboc import AgreementRecord
from zhengxin.pboc.record220 import AgreementBaseSegment, CreditLimitSegment


def digest_of(limit_yuan: int, expires_on: date) -> str:
    """The SHA-256 of what a limit adjustment (30) reports: the limit and the expiry."""
    return hashlib.sha256(f"{limit_yuan}\x1f{expires_on.isoformat()}".encode()).hexdigest()


def line_digest(line: CreditLine, expires_on: date) -> str:
    """:func:`digest_of` the line as the lender holds it now."""
    return digest_of(to_yuan(line.limit_fen), expires_on)


def record_digest(record: AgreementRecord) -> str:
    """:func:`digest_of` a record 220 as it was written."""
    limit = record.credit_limit
    return digest_of(limit.credit_lim, limit.con_exp_date)


def agreement_record(
    line: CreditLine,
    subject: Subject,
    institution: str,
    report_date: date,
    timing: AgreementReportCode,
    expires_on: date,
) -> AgreementRecord:
    """The line's record 220 dated ``report_date`` with report-timing code ``timing``;
    ``expires_on`` is the line's reported expiry (an ended agreement shows its closing day)."""
    ended = timing is AgreementReportCode.EXPIRED
    if ended and line.closed_on is not None:
        expires_on = max(line.closed_on, line.opened_on)
    return AgreementRecord(
        base=AgreementBaseSegment(
            contract_code=line.agreement_code,
            rpt_date=report_date,
            rpt_date_code=timing,
            name=subject.name,
            id_type=IdType(subject.id_type),
            id_num=subject.id_number,
            mngmt_org_code=institution,
        ),
        credit_limit=CreditLimitSegment(
            credit_lim_type=CreditLimitType.REVOLVING_LOAN,
            lim_loop_flg=RevolvingFlag.YES,
            credit_lim=to_yuan(line.limit_fen),
            cy=Currency(line.currency),
            con_eff_date=line.opened_on,
            con_exp_date=expires_on,
            con_status=AgreementStatus.EXPIRED if ended else AgreementStatus.VALID,
        ),
    )
