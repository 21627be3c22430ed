"""Ingestion: a submission file in, accounts and their monthly history out.

A file is applied whole or not at all: file-level checks (name, header, registry, the header's
record count against the real one) run before anything is written, and the caller's unit of
work commits the accepted records together. The same file twice changes nothing the second
time and says so. Each record is checked against every rule of the interface (the ``pboc``
validator, with the file's date and institution); a record that breaks any is rejected alone,
its errors returned as values.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from zhengxin.bureau.models import Account, AccountMonth, Subject, Submission
from zhengxin.bureau.outcome import IngestResult, Rejection
from zhengxin.bureau.repository import BureauRepository
from zhengxin.kernel.clock import Clock
from zhengxin.kernel.errors import FileRejected, ZhengxinError
from zhengxin.kernel.log import get_logger
from zhengxin.pboc import (
    AccountRecord,
    FeedbackError,
    FileName,
    RecordError,
    RecordUnreadable,
    RejectedRecord,
    read_submission,
    write_feedback,
)
from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.rules import FileContext, SameInstitution
from zhengxin.pboc.rules210_perf import BOOK as BOOK_210

log = get_logger(__name__)


class Ingestor:
    """Applies submission files to one bureau's store."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = BureauRepository(session)

    def ingest(self, path: Path) -> IngestResult:
        """Check and apply one 210 file; raises :class:`FileRejected` for file-level faults."""
        submission = read_submission(path)
        name = submission.name
        result = IngestResult(file_name=path.name)
        institution = self.repo.institution(name.institution)
        if institution is None:
            raise FileRejected(
                "ABN004", f"institution {name.institution} in the file name is not registered"
            )
        if not institution.may_submit:
            raise FileRejected(
                "ABN004", f"institution {name.institution} is not a lender and may not submit"
            )
        if name.record_type != "210":
            raise FileRejected(
                "ABF007", f"this bureau takes record type 210 files; got {name.record_type}"
            )
        if self.repo.submission_by_name(path.name) is not None:
            log.info("ingest.duplicate_file", file=path.name)
            result.duplicate = True
            return result
        submission.verify()

        row = Submission(
            file_name=path.name,
            institution_code=name.institution,
            record_type=name.record_type,
            file_date=name.file_date,
            received_at=self.clock.now(),
            record_count=submission.header.record_count,
            accepted_count=0,
            rejected_count=0,
        )
        self.session.add(row)
        self.session.flush()
        context = FileContext("210", name.file_date, name.institution, SameInstitution())
        for line_number, text in submission.lines():
            result.records += 1
            try:
                raw = BOOK_210.read(text)
            except RecordUnreadable as exc:
                error = RecordError(exc.code, MULTI_ITEM_TAG, MULTI_ITEM_TAG, None, exc.message)
                result.rejections.append(Rejection(line_number, "", (error,), text))
                continue
            errors = BOOK_210.check_raw(raw, context)
            if errors:
                key = BOOK_210.key_of(raw)
                result.rejections.append(Rejection(line_number, key, tuple(errors), text))
                continue
            record = AccountRecord.from_raw(raw)
            self._apply(record, name.institution, row.id)
            result.accepted += 1
        row.accepted_count = result.accepted
        row.rejected_count = result.rejected
        self.session.flush()
        log.info(
            "ingest.file_applied",
            file=path.name,
            accepted=result.accepted,
            rejected=result.rejected,
        )
        return result

    def _apply(self, record: AccountRecord, institution: str, submission_id: int) -> None:
        base = record.base
        subject = self.repo.subject(base.id_type.value, base.id_num)
        if subject is None:
            subject = Subject(
                id_type=base.id_type.value,
                id_number=base.id_num,
                name=base.name,
                updated_at=self.clock.now(),
            )
            self.session.add(subject)
            self.session.flush()
        elif subject.name != base.name:
            subject.name = base.name
            subject.updated_at = self.clock.now()

        account = self.repo.account(institution, base.acct_code)
        if account is None:
            account = Account(
                institution_code=institution,
                account_code=base.acct_code,
                subject_id=subject.id,
                account_type=base.acct_type.value,
            )
            self.session.add(account)
        info = record.basic_info
        if info is not None:
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
        if record.credit_line is not None:
            account.agreement_code = record.credit_line.mcc
        self.session.flush()
        if record.monthly is not None:
            self._apply_month(account, record, submission_id)

    def _apply_month(self, account: Account, record: AccountRecord, submission_id: int) -> None:
        h = record.monthly
        assert h is not None
        base = record.base
        held = self.repo.month(account.id, h.month)
        if held is not None and held.report_date >= base.rpt_date:
            # An older or equally old record never replaces a month (BLR027).
            return
        if held is None:
            held = AccountMonth(account_id=account.id, month=h.month)
            self.session.add(held)
        held.report_date = base.rpt_date
        held.report_timing = base.rpt_date_code.value
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
        held.submission_id = submission_id
        if h.close_date is not None:
            account.close_date = h.close_date
        self.session.flush()


def answer(result: IngestResult, folder: Path, created: datetime) -> Path:
    """Write the feedback file for an ingested submission (§2.5): flag 1 when every record
    was loaded, 3 with each rejected record, its errors (at most five) and its line.

    Call it after the ingestion's unit of work has committed, so that the answer never
    reports records the store does not hold.
    """
    original = FileName.parse(result.file_name)
    rejected = (RejectedRecord.of(r.line, r.errors, r.text) for r in result.rejections)
    return write_feedback(folder, original, created, result.accepted, rejected)


def refusal(path: Path, error: FileRejected, folder: Path, created: datetime) -> Path | None:
    """Write the flag-2 feedback for a file refused as a whole, or ``None`` when its name is
    itself unreadable (a feedback file is named after the file it answers)."""
    try:
        original = FileName.parse(path.name)
    except ZhengxinError:
        return None
    return write_feedback(
        folder, original, created, 0, (), [FeedbackError(error.code, error.message)]
    )
