"""Records 220-224: credit agreements, kept per institution and ContractCode (§6, §7.6).

The bureau keeps the latest report of each agreement: its borrower, report date and timing code
(10 授信开始, 20 到期/失效, 30 额度调整, §9.33) and the limit segment's facts. The co-obligor
segment (C) has no place in the store: it is accepted in a 220 and not kept.

Server checks and the codes used (§6, §7.6, §8.2). The reference names BCR001/BCR002, BIE101/
BIE102 and BSR100; it numbers no server code of 222 and none of 224, so those follow the rule
the agreement codes follow everywhere else (the account code plus 100: BIE000→BIE100,
BSE000→BSE100, BSR000→BSR100):

* 220 — **BCR001** a report dated after the one held when the held one says the agreement has
  ended (ConStatus 2); **BCR002** a back-dated report (older than the one held) with ConStatus 2.
  Any other report dated on or before the one held is accepted into nothing: it does not
  replace the newer facts (the bureau keeps no history of agreements).
* 221 — **BIE101** the old code is not an agreement of the institution; **BIE102** the new code
  belongs to another agreement, now or before (a code may be taken back only by the agreement
  that had it). The institution's accounts whose credit-line segment named the old code name
  the new one afterwards, so the link between them survives.
* 222 — **BMR106** the agreement is not held; **BMR108** RptDate is not the date of the report
  held (only the latest report can be corrected); **BMR121** the segment corrected (co-obligors)
  is not kept by the bureau, so there is nothing to correct.
* 223 — **BSR100** the agreement is not held. The limit segment is cleared when the report held
  is dated within the range; otherwise nothing held lies in the range and nothing changes.
* 224 — **BTE100** the agreement is not held.

Every record naming a ContractCode retired by a 221 is refused with ABE012 first.
"""

from __future__ import annotations

from zhengxin.bureau.apply_common import (
    AGREEMENT,
    Applying,
    describe_range,
    in_range,
    refuse,
    refuse_code_change,
    refuse_record,
)
from zhengxin.bureau.models import Agreement
from zhengxin.codes import AgreementStatus
from zhengxin.pboc import AgreementRecord, RecordError
from zhengxin.pboc.corrections import BASE_TAG, AgreementCorrection, BaseCorrection
from zhengxin.pboc.record220 import AGREEMENT_BASE, CREDIT_LIMIT, CreditLimitSegment
from zhengxin.pboc.variants import AgreementDeletion, AgreementIdChange, AgreementSegmentDeletion

ENDED_BEFORE = "BCR001"
BACK_DATED_END = "BCR002"
OLD_CODE_UNKNOWN = "BIE101"
NEW_CODE_TAKEN = "BIE102"
CORRECTED_NOT_HELD = "BMR106"
CORRECTED_NOT_LATEST = "BMR108"
CORRECTED_NOT_KEPT = "BMR121"
DELETED_SEGMENT_NOT_HELD = "BSR100"
DELETED_NOT_HELD = "BTE100"

_ENDED = AgreementStatus.EXPIRED.value


def apply_agreement(work: Applying, record: AgreementRecord) -> RecordError | None:
    """Apply one record 220; the refusal when a server check fails, else ``None``."""
    base, limit = record.base, record.credit_limit
    code = base.contract_code
    stale = work.superseded(AGREEMENT, code, AGREEMENT_BASE.tag, "ContractCode")
    if stale is not None:
        return stale
    held = work.repo.agreement(work.institution, code)
    if held is not None:
        if base.rpt_date > held.report_date and held.status == _ENDED:
            return refuse(
                ENDED_BEFORE,
                AGREEMENT_BASE.tag,
                "RptDate",
                base.rpt_date.isoformat(),
                f"agreement {code} ended (ConStatus 2) in the report of {held.report_date}; "
                "nothing more may be reported for it",
            )
        if base.rpt_date < held.report_date and limit.con_status.value == _ENDED:
            return refuse(
                BACK_DATED_END,
                CREDIT_LIMIT.tag,
                "ConStatus",
                limit.con_status.value,
                f"agreement {code} is held as reported on {held.report_date}; a report dated "
                f"{base.rpt_date}, before it, may not end the agreement (ConStatus 2)",
            )
        if base.rpt_date <= held.report_date:
            return None
    subject = work.subject(base.id_type.value, base.id_num, base.name)
    if held is None:
        held = Agreement(institution_code=work.institution, contract_code=code)
        work.session.add(held)
    held.subject_id = subject.id
    held.report_date = base.rpt_date
    held.report_timing = base.rpt_date_code.value
    _set_limit(held, limit)
    held.submission_id = work.submission.id
    work.session.flush()
    return None


def apply_agreement_id_change(work: Applying, record: AgreementIdChange) -> RecordError | None:
    """Apply one record 221: the agreement's ContractCode changes."""
    refused = refuse_code_change(
        work,
        AGREEMENT,
        record,
        lambda code: work.repo.agreement(work.institution, code),
        (OLD_CODE_UNKNOWN, NEW_CODE_TAKEN),
    )
    if refused is not None:
        return refused
    old, new = record.od_bnes_code, record.nw_bnes_code
    held = work.repo.agreement(work.institution, old)
    assert held is not None
    held.contract_code = new
    for account in work.repo.accounts_under_agreement(work.institution, old):
        account.agreement_code = new
    work.session.flush()
    work.retire(AGREEMENT, old, new)
    return None


def apply_agreement_correction(work: Applying, record: AgreementCorrection) -> RecordError | None:
    """Apply one record 222: the borrower (B) or the limit (D) of the latest report held."""
    code = record.mod_rec_code
    stale = work.superseded(AGREEMENT, code, BASE_TAG, "ModRecCode")
    if stale is not None:
        return stale
    held = work.repo.agreement(work.institution, code)
    if held is None:
        return refuse(
            CORRECTED_NOT_HELD,
            BASE_TAG,
            "ModRecCode",
            code,
            f"the bureau holds no agreement {code} from {work.institution}; report it with a "
            "220 record",
        )
    segment = record.segment
    if not isinstance(segment, BaseCorrection | CreditLimitSegment):
        return refuse_record(
            CORRECTED_NOT_KEPT,
            "the bureau keeps no co-obligors (segment C) of an agreement, so there is nothing "
            "to correct",
        )
    if record.rpt_date != held.report_date:
        return refuse(
            CORRECTED_NOT_LATEST,
            BASE_TAG,
            "RptDate",
            record.rpt_date.isoformat(),
            f"agreement {code} is held as reported on {held.report_date}; only that report "
            f"can be corrected, not one of {record.rpt_date}",
        )
    if isinstance(segment, BaseCorrection):
        subject = work.subject(segment.id_type.value, segment.id_num, segment.name)
        held.subject_id = subject.id
    else:
        _set_limit(held, segment)
    held.submission_id = work.submission.id
    work.session.flush()
    return None


def apply_agreement_segment_deletion(
    work: Applying, record: AgreementSegmentDeletion
) -> RecordError | None:
    """Apply one record 223: the limit segment reported within the range is deleted."""
    code = record.del_rec_code
    root = type(record).spec.tag
    stale = work.superseded(AGREEMENT, code, root, "DelRecCode")
    if stale is not None:
        return stale
    held = work.repo.agreement(work.institution, code)
    if held is None:
        return refuse(
            DELETED_SEGMENT_NOT_HELD,
            root,
            "DelRecCode",
            code,
            f"the bureau holds no agreement {code} from {work.institution}; nothing to delete "
            f"for {describe_range(record.del_start_date, record.del_end_date)}",
        )
    if in_range(held.report_date, record.del_start_date, record.del_end_date):
        held.limit_type = None
        held.revolving = None
        held.limit_yuan = None
        held.currency = None
        held.effective_date = None
        held.expiry_date = None
        held.status = None
        held.submission_id = work.submission.id
        work.session.flush()
    return None


def apply_agreement_deletion(work: Applying, record: AgreementDeletion) -> RecordError | None:
    """Apply one record 224: the agreement is deleted."""
    code = record.del_rec_code
    root = type(record).spec.tag
    stale = work.superseded(AGREEMENT, code, root, "DelRecCode")
    if stale is not None:
        return stale
    held = work.repo.agreement(work.institution, code)
    if held is None:
        return refuse(
            DELETED_NOT_HELD,
            root,
            "DelRecCode",
            code,
            f"the bureau holds no agreement {code} from {work.institution}; nothing to delete",
        )
    work.session.delete(held)
    work.session.flush()
    return None


def _set_limit(held: Agreement, limit: CreditLimitSegment) -> None:
    held.limit_type = limit.credit_lim_type.value
    held.revolving = limit.lim_loop_flg.value
    held.limit_yuan = limit.credit_lim
    held.currency = limit.cy.value
    held.effective_date = limit.con_eff_date
    held.expiry_date = limit.con_exp_date
    held.status = limit.con_status.value
