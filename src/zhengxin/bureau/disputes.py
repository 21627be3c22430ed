"""Disputes (异议, art. 25) and subjects' own statements (本人声明) at the bureau.

A subject who believes a record is wrong files a dispute: the bureau marks the record at once
and has the institution concerned verify it. The institution answers within
:data:`DISPUTE_DAYS` days, either that the record stands (:attr:`DisputeAnswer.CONFIRMED`) or
that it corrected it (:attr:`DisputeAnswer.CORRECTED`), naming the correction file it sent; the
bureau then closes the dispute with an outcome. What is disputed is one of:

* a **credit record** (every :class:`~zhengxin.codes.DisputeType` but 04): an account of the
  subject, as a whole or one month of its history. The account's institution answers;
* a **query record** (04, 查询记录非本人授权): an answered institutional inquiry about the
  subject. The institution that queried answers. A query record is not something a submission
  file changes: the institution answers CONFIRMED when the subject's authorization stands.
  One that admits the query was not authorized has no answer here; the dispute stays open,
  and shows past its deadline, for the bureau to take up.

**What counts as a correction.** The file must be one the bureau received from the answering
institution after the dispute was filed, of record type 212, 213 or 214, with at least one
record applied. The bureau keeps no copy of a file's records, only what applying them left
behind, so it checks the file against that trace:

* **212** on a disputed month: the month is held and was last written by that file (a 212 H
  sets ``AccountMonth.submission_id``). On the whole account: a month or non-monthly report of
  the account carries that file, or the account no longer belongs to the subject (a 212 B moved
  it to its real borrower, which also settles a month dispute). A 212 of the base facts (C) or
  the agreement (F) leaves no trace on its own and is not accepted alone;
* **213** on a disputed month: the month is no longer held (a 213 H deleted it) while the
  account is. On the whole account: its base facts are cleared (213 C) or no month is held any
  more (213 H over the whole range). Which 213 file did it cannot be told apart from the trace,
  so any 213 from that institution received after the filing is taken;
* **214**: the account is no longer held. A closed dispute whose account is gone has outcome
  :attr:`DisputeOutcome.DELETED`.

Every call that reads or writes personal data leaves one line in the audit log (art. 22) per
subject whose data it touched: the subject as actor when they file, read or state; the
institution when it reads its tasks or answers; ``bureau`` when the bureau closes or lists
overdue disputes. A call that fails changes nothing, the audit log included. Services never
commit; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhengxin.bureau.apply_accounts import BASE_FACTS
from zhengxin.bureau.audit import Action, Actor, AuditLog
from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    Dispute,
    Inquiry,
    Statement,
    Subject,
    Submission,
)
from zhengxin.bureau.people import identity
from zhengxin.bureau.repository import BureauRepository
from zhengxin.codes import DisputeType, StatementType
from zhengxin.kernel.clock import Clock, business_date, stored_instant
from zhengxin.kernel.errors import Conflict, InvalidInput, NotFound, Refused, ZhengxinError
from zhengxin.kernel.identity import InstitutionCode
from zhengxin.kernel.log import get_logger
from zhengxin.pboc import FileName

log = get_logger(__name__)

DISPUTE_DAYS = 20
"""Days the bureau has to answer a dispute in writing (art. 25)."""
MAX_TEXT = 500
"""The longest detail, note or statement text, in characters."""
CORRECTION_TYPES = frozenset({"212", "213", "214"})
"""The record types of a file that corrects a disputed credit record (§7.2-§7.4)."""
SUBJECT = Actor.SUBJECT.value
BUREAU = Actor.BUREAU.value
"""The audit log's actors for the person themselves and for the bureau's own staff."""
_AUDIT_TEXT = 200
_ANSWERED = "answered"


class DisputeStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class DisputeAnswer(StrEnum):
    """What the institution found: the record stands, or it corrected it."""

    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


class DisputeOutcome(StrEnum):
    """How the bureau closed a dispute: ``upheld`` means the record stands as it was."""

    CORRECTED = "corrected"
    DELETED = "deleted"
    UPHELD = "upheld"


@dataclass(frozen=True, slots=True)
class DisputeTask:
    """A dispute as the institution that must answer it sees it.

    ``held`` is the record as the bureau holds it today: the disputed month's facts, the
    account's base facts for a whole-account dispute, or the inquiry's date and purpose;
    empty when the record is no longer held (it was deleted). ``days_left`` is negative once
    the deadline has passed.
    """

    dispute_id: int
    dispute_type: str
    dispute_type_label: str
    account_code: str | None
    month: date | None
    inquiry_id: int | None
    detail: str
    filed_on: date
    deadline: date
    days_left: int
    status: str
    held: dict[str, object]


_MONTH_FIELDS = tuple(
    c.key
    for c in AccountMonth.__table__.columns
    if c.key not in {"id", "account_id", "submission_id"}
)
"""What a task shows of a disputed month: every fact held, without the row's keys."""
_BASE_FIELDS = tuple(
    c.key
    for c in Account.__table__.columns
    if c.key not in {"id", "institution_code", "account_code", "subject_id"}
)
"""What a task shows of a disputed account: its base facts."""


class DisputeRepository(BureauRepository):
    """The queries disputes and statements need, beyond the bureau's own."""

    def subject(self, id_type: str, id_number: str, *, lock: bool = False) -> Subject | None:
        """The subject with that ID; ``lock`` takes their row for the transaction."""
        query = select(Subject).where(Subject.id_type == id_type, Subject.id_number == id_number)
        if lock:
            # Filing checks for an open dispute on the same target, then inserts: taking the
            # subject's row first makes two filings of one person queue on PostgreSQL.
            query = query.with_for_update()
        return self.session.scalar(query)

    def account_by_id(self, account_id: int | None) -> Account | None:
        return None if account_id is None else self.session.get(Account, account_id)

    def holds_months(self, account_id: int) -> bool:
        return (
            self.session.scalar(
                select(AccountMonth.id).where(AccountMonth.account_id == account_id).limit(1)
            )
            is not None
        )

    def carries(self, account_id: int, submission_id: int) -> bool:
        """Whether a month or non-monthly report of the account was last written by the file."""
        month = select(AccountMonth.id).where(
            AccountMonth.account_id == account_id, AccountMonth.submission_id == submission_id
        )
        event = select(AccountEvent.id).where(
            AccountEvent.account_id == account_id, AccountEvent.submission_id == submission_id
        )
        return (
            self.session.scalar(month.limit(1)) is not None
            or self.session.scalar(event.limit(1)) is not None
        )

    def inquiry(self, inquiry_id: int) -> Inquiry | None:
        return self.session.get(Inquiry, inquiry_id)

    def submission(self, file_name: str) -> Submission | None:
        return self.session.scalar(select(Submission).where(Submission.file_name == file_name))

    def dispute(self, dispute_id: int) -> Dispute | None:
        return self.session.scalar(
            select(Dispute)
            .where(Dispute.id == dispute_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def pending_on(
        self, account_id: int | None, month: date | None, inquiry_id: int | None
    ) -> Dispute | None:
        """A dispute not yet closed on exactly this target."""
        query = select(Dispute).where(Dispute.status != DisputeStatus.CLOSED.value)
        if inquiry_id is not None:
            query = query.where(Dispute.inquiry_id == inquiry_id)
        else:
            query = query.where(Dispute.account_id == account_id, Dispute.inquiry_id.is_(None))
            query = query.where(
                Dispute.month.is_(None) if month is None else Dispute.month == month
            )
        return self.session.scalar(query.order_by(Dispute.id).limit(1))

    def of_institution(self, institution_code: str, include_closed: bool) -> Sequence[Dispute]:
        query = select(Dispute).where(Dispute.institution_code == institution_code)
        if not include_closed:
            query = query.where(Dispute.status != DisputeStatus.CLOSED.value)
        return self.session.scalars(query.order_by(Dispute.deadline, Dispute.id)).all()

    def of_subject(self, subject_id: int) -> Sequence[Dispute]:
        return self.session.scalars(
            select(Dispute)
            .where(Dispute.subject_id == subject_id)
            .order_by(Dispute.filed_at, Dispute.id)
        ).all()

    def overdue(self, today: date) -> Sequence[Dispute]:
        return self.session.scalars(
            select(Dispute)
            .where(Dispute.status != DisputeStatus.CLOSED.value, Dispute.deadline < today)
            .order_by(Dispute.deadline, Dispute.id)
        ).all()

    def statement(self, statement_id: int) -> Statement | None:
        return self.session.scalar(
            select(Statement)
            .where(Statement.id == statement_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )


class DisputeDesk:
    """Takes disputes and statements from subjects, answers from institutions, and closes
    disputes with their outcome (see the module's docstring)."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = DisputeRepository(session)
        self.audit = AuditLog(session, clock)

    # -- the subject files ----------------------------------------------------------------

    def file(
        self,
        id_number: str,
        dispute_type: str,
        *,
        institution_code: str | None = None,
        account_code: str | None = None,
        month: date | None = None,
        inquiry_id: int | None = None,
        detail: str = "",
        id_type: str = "10",
    ) -> Dispute:
        """File a dispute: about an account of the subject (``institution_code`` and
        ``account_code``, optionally one ``month`` given by its first day) or, for type 04,
        about an answered inquiry (``inquiry_id``). Open at once, due in 20 days."""
        kind = DisputeType.parse(dispute_type)
        _short("dispute", "the detail", detail)
        if kind.about_a_query:
            if inquiry_id is None or institution_code or account_code or month is not None:
                raise InvalidInput(
                    "dispute.target",
                    f"a dispute of type {kind.value} ({kind.label}) names an inquiry "
                    "(inquiry_id) and no account or month",
                )
        elif inquiry_id is not None or not institution_code or not account_code:
            raise InvalidInput(
                "dispute.target",
                f"a dispute of type {kind.value} ({kind.label}) names an account "
                "(institution_code and account_code, optionally a month) and no inquiry",
            )
        id_type, id_number = identity(id_type, id_number)
        subject = self.repo.subject(id_type, id_number, lock=True)
        if subject is None:
            raise NotFound(
                "dispute.unknown_subject",
                "the bureau holds no record of this person, so there is nothing to dispute",
            )
        if inquiry_id is not None:
            inquiry = self._inquiry_of(subject, inquiry_id)
            assert inquiry.institution_code is not None
            answerer, account, target = inquiry.institution_code, None, f"inquiry {inquiry.id}"
        else:
            assert institution_code and account_code
            account = self._account_of(
                subject, InstitutionCode.parse(institution_code).code, account_code.strip()
            )
            if month is not None:
                self._month_of(account, month)
            answerer = account.institution_code
            target = _describe(account.account_code, month)
        pending = self.repo.pending_on(account.id if account else None, month, inquiry_id)
        if pending is not None:
            raise Conflict(
                "dispute.already_open",
                f"{target} is already under dispute {pending.id}, filed on {pending.filed_on} "
                f"and due by {pending.deadline}; wait for its answer",
            )
        today = self.clock.today()
        dispute = Dispute(
            subject_id=subject.id,
            dispute_type=kind.value,
            account_id=account.id if account else None,
            month=month,
            inquiry_id=inquiry_id,
            institution_code=answerer,
            detail=detail,
            filed_at=self.clock.now(),
            filed_on=today,
            deadline=today + timedelta(days=DISPUTE_DAYS),
            status=DisputeStatus.OPEN.value,
        )
        self.session.add(dispute)
        self.session.flush()
        self.audit.record(
            SUBJECT,
            Action.WRITE,
            _clip(f"dispute {dispute.id} filed ({kind.value} {kind.label}) on {target}"),
            "art. 25: the subject disputes a record",
            subject_id=subject.id,
        )
        log.info(
            "dispute.filed",
            dispute=dispute.id,
            dispute_type=kind.value,
            institution=answerer,
            deadline=dispute.deadline.isoformat(),
        )
        return dispute

    def of_subject(self, id_number: str, id_type: str = "10") -> list[Dispute]:
        """The subject's disputes, oldest first, whatever their status."""
        id_type, id_number = identity(id_type, id_number)
        subject = self.repo.subject(id_type, id_number)
        if subject is None:
            raise NotFound("dispute.unknown_subject", "the bureau holds no record of this person")
        found = list(self.repo.of_subject(subject.id))
        self.audit.record(
            SUBJECT,
            Action.READ,
            f"own disputes listed ({len(found)})",
            "art. 25: the subject follows their disputes",
            subject_id=subject.id,
        )
        return found

    # -- the institution answers ----------------------------------------------------------

    def tasks(self, institution_code: str, include_closed: bool = False) -> list[DisputeTask]:
        """The disputes ``institution_code`` must answer (and, with ``include_closed``, those
        it answered and the bureau closed), nearest deadline first, each with the record as
        the bureau holds it."""
        institution_code = InstitutionCode.parse(institution_code).code
        disputes = self.repo.of_institution(institution_code, include_closed)
        today = self.clock.today()
        tasks = [self._task(d, today) for d in disputes]
        self._audit_reads(
            institution_code, disputes, "dispute tasks read", "art. 25: verifying a dispute"
        )
        return tasks

    def answer(
        self,
        dispute_id: int,
        institution_code: str,
        answer: DisputeAnswer,
        note: str,
        correction_file: str | None = None,
    ) -> Dispute:
        """The institution's answer to an open dispute it must answer: the record stands
        (CONFIRMED), or it was corrected (CORRECTED) by ``correction_file``, a 212, 213 or
        214 file the bureau received from it since the dispute was filed."""
        institution_code = InstitutionCode.parse(institution_code).code
        dispute = self._dispute(dispute_id)
        if dispute.institution_code != institution_code:
            raise Refused(
                "dispute.not_yours",
                f"dispute {dispute.id} is for institution {dispute.institution_code} to answer, "
                f"not {institution_code}",
            )
        if dispute.status != DisputeStatus.OPEN.value:
            raise Conflict(
                "dispute.not_open",
                f"dispute {dispute.id} was already answered on {dispute.answered_on} "
                f"({dispute.answer}); it is {dispute.status}",
            )
        try:
            found = DisputeAnswer(answer)
        except ValueError:
            valid = ", ".join(a.value for a in DisputeAnswer)
            raise InvalidInput(
                "dispute.answer", f"{answer!r} is not an answer; use one of {valid}"
            ) from None
        _short("dispute", "the note", note)
        correction: Submission | None = None
        if found is DisputeAnswer.CORRECTED:
            correction = self._correction(dispute, correction_file)
        elif correction_file is not None:
            raise InvalidInput(
                "dispute.correction_file",
                "a confirmed record was not corrected, so the answer names no correction file",
            )
        dispute.status = DisputeStatus.ANSWERED.value
        dispute.answer = found.value
        dispute.answer_note = note
        dispute.answered_on = self.clock.today()
        dispute.correction_submission_id = correction.id if correction else None
        self.session.flush()
        by = f" by {correction.file_name}" if correction else ""
        self.audit.record(
            institution_code,
            Action.WRITE,
            _clip(f"dispute {dispute.id} answered {found.value}{by}"),
            "art. 25: the institution verified the disputed record",
            subject_id=dispute.subject_id,
        )
        log.info("dispute.answered", dispute=dispute.id, answer=found.value)
        return dispute

    # -- the bureau closes ----------------------------------------------------------------

    def close(self, dispute_id: int, note: str = "") -> Dispute:
        """Close an answered dispute with its outcome: UPHELD when the record was confirmed,
        CORRECTED when it was corrected, DELETED when the account is no longer held."""
        dispute = self._dispute(dispute_id)
        if dispute.status == DisputeStatus.CLOSED.value:
            raise Conflict(
                "dispute.closed",
                f"dispute {dispute.id} was closed on {dispute.closed_on} ({dispute.outcome})",
            )
        if dispute.status != DisputeStatus.ANSWERED.value:
            raise Conflict(
                "dispute.unanswered",
                f"institution {dispute.institution_code} has not answered dispute {dispute.id} "
                f"yet; it is due by {dispute.deadline}",
            )
        _short("dispute", "the note", note)
        if dispute.answer == DisputeAnswer.CONFIRMED.value:
            outcome = DisputeOutcome.UPHELD
        elif dispute.inquiry_id is None and self.repo.account_by_id(dispute.account_id) is None:
            outcome = DisputeOutcome.DELETED
        else:
            outcome = DisputeOutcome.CORRECTED
        dispute.status = DisputeStatus.CLOSED.value
        dispute.outcome = outcome.value
        dispute.outcome_note = note
        dispute.closed_on = self.clock.today()
        self.session.flush()
        self.audit.record(
            BUREAU,
            Action.WRITE,
            f"dispute {dispute.id} closed {outcome.value}",
            "art. 25: the bureau answers the subject in writing",
            subject_id=dispute.subject_id,
        )
        log.info("dispute.closed", dispute=dispute.id, outcome=outcome.value)
        return dispute

    def past_deadline(self) -> list[Dispute]:
        """Disputes not closed whose deadline is before today: the bureau must chase them."""
        found = list(self.repo.overdue(self.clock.today()))
        self._audit_reads(
            BUREAU, found, "disputes past their deadline listed", "art. 25: answer within 20 days"
        )
        return found

    # -- statements -----------------------------------------------------------------------

    def add_statement(
        self,
        id_number: str,
        statement_type: str,
        text: str,
        *,
        institution_code: str | None = None,
        account_code: str | None = None,
        id_type: str = "10",
    ) -> Statement:
        """The subject's own statement, shown on every report until withdrawn; about one of
        their accounts when ``institution_code`` and ``account_code`` are given."""
        kind = StatementType.parse(statement_type)
        if not text.strip():
            raise InvalidInput("statement.empty", "a statement needs some text")
        _short("statement", "the statement", text)
        if bool(institution_code) != bool(account_code):
            raise InvalidInput(
                "statement.target",
                "a statement about an account names both institution_code and account_code",
            )
        id_type, id_number = identity(id_type, id_number)
        subject = self.repo.subject(id_type, id_number)
        if subject is None:
            raise NotFound(
                "statement.unknown_subject",
                "the bureau holds no record of this person, so no report shows a statement",
            )
        account: Account | None = None
        if institution_code and account_code:
            account = self.repo.account(institution_code, account_code)
            if account is None or account.subject_id != subject.id:
                raise NotFound(
                    "statement.unknown_account",
                    f"no account {account_code} of institution {institution_code} is held "
                    "for this person",
                )
        statement = Statement(
            subject_id=subject.id,
            statement_type=kind.value,
            text=text,
            account_id=account.id if account else None,
            added_at=self.clock.now(),
        )
        self.session.add(statement)
        self.session.flush()
        about = f" on {account.account_code}" if account else ""
        self.audit.record(
            SUBJECT,
            Action.WRITE,
            _clip(f"statement {statement.id} added ({kind.value} {kind.label}){about}"),
            "the subject's own statement on the report",
            subject_id=subject.id,
        )
        return statement

    def withdraw_statement(
        self, statement_id: int, id_number: str, id_type: str = "10"
    ) -> Statement:
        """Withdraw a statement; only the subject who made it may."""
        statement = self.repo.statement(statement_id)
        if statement is None:
            raise NotFound("statement.unknown", f"there is no statement {statement_id}")
        id_type, id_number = identity(id_type, id_number)
        subject = self.repo.subject(id_type, id_number)
        if subject is None or subject.id != statement.subject_id:
            raise Refused(
                "statement.not_yours",
                f"statement {statement_id} was made by someone else; only they may withdraw it",
            )
        if statement.withdrawn_at is not None:
            raise Conflict(
                "statement.withdrawn",
                f"statement {statement_id} was already withdrawn on "
                f"{business_date(stored_instant(statement.withdrawn_at))}",
            )
        statement.withdrawn_at = self.clock.now()
        self.session.flush()
        self.audit.record(
            SUBJECT,
            Action.WRITE,
            f"statement {statement.id} withdrawn",
            "the subject's own statement on the report",
            subject_id=subject.id,
        )
        return statement

    # -- helpers --------------------------------------------------------------------------

    def _dispute(self, dispute_id: int) -> Dispute:
        dispute = self.repo.dispute(dispute_id)
        if dispute is None:
            raise NotFound("dispute.unknown", f"there is no dispute {dispute_id}")
        return dispute

    def _account_of(self, subject: Subject, institution_code: str, account_code: str) -> Account:
        account = self.repo.account(institution_code, account_code)
        # Someone else's account reads as unknown: the subject learns nothing about it.
        if account is None or account.subject_id != subject.id:
            raise NotFound(
                "dispute.unknown_account",
                f"no account {account_code} of institution {institution_code} is held for this "
                "person; check the account code on the report",
            )
        return account

    def _month_of(self, account: Account, month: date) -> AccountMonth:
        held = self.repo.month(account.id, month) if month.day == 1 else None
        if held is None:
            named = f"{month:%Y-%m}" if month.day == 1 else f"{month} (not a month's first day)"
            raise NotFound(
                "dispute.unknown_month",
                f"the bureau holds no month {named} of account {account.account_code}; name a "
                "month shown in its repayment history by its first day",
            )
        return held

    def _inquiry_of(self, subject: Subject, inquiry_id: int) -> Inquiry:
        inquiry = self.repo.inquiry(inquiry_id)
        if (
            inquiry is None
            or inquiry.subject_id != subject.id
            or inquiry.self_query
            or inquiry.institution_code is None
            or inquiry.outcome != _ANSWERED
        ):
            raise NotFound(
                "dispute.unknown_inquiry",
                f"inquiry {inquiry_id} is not an institution's query shown in this person's "
                "query records",
            )
        return inquiry

    def _correction(self, dispute: Dispute, file_name: str | None) -> Submission:
        """The submission that corrected the disputed record, or ``dispute.correction_file``
        saying which check failed (see the module's docstring)."""

        def refused(why: str) -> InvalidInput:
            return InvalidInput("dispute.correction_file", why, dispute=dispute.id)

        if dispute.inquiry_id is not None:
            raise refused(
                "a query record is not corrected by a submission file; answer whether the "
                "subject authorized the query (CONFIRMED when the authorization stands)"
            )
        if not file_name:
            raise refused("a corrected record names the 212, 213 or 214 file that corrected it")
        try:
            canonical = FileName.parse(file_name).render()
        except ZhengxinError:
            raise refused(f"{file_name!r} is not a submission file name") from None
        submission = self.repo.submission(canonical)
        if submission is None:
            raise refused(f"the bureau has received no file named {canonical}")
        if submission.institution_code != dispute.institution_code:
            raise refused(
                f"{canonical} was sent by institution {submission.institution_code}, not "
                f"{dispute.institution_code}"
            )
        if submission.record_type not in CORRECTION_TYPES:
            raise refused(
                f"{canonical} is a record type {submission.record_type} file; a correction is "
                "a 212 (segment corrected), 213 (segment deleted) or 214 (account deleted) file"
            )
        received = stored_instant(submission.received_at)
        if received <= stored_instant(dispute.filed_at):
            raise refused(
                f"{canonical} was received on {business_date(received)}, before dispute "
                f"{dispute.id} was filed on {dispute.filed_on}; send the correction now"
            )
        if submission.accepted_count == 0:
            raise refused(f"the bureau applied none of the records of {canonical}")
        problem = self._untouched(dispute, submission)
        if problem is not None:
            raise refused(f"{canonical}: {problem}")
        return submission

    def _untouched(self, dispute: Dispute, submission: Submission) -> str | None:
        """Why the file's trace does not show it corrected the disputed record, or ``None``."""
        account = self.repo.account_by_id(dispute.account_id)
        kind = submission.record_type
        if account is None:
            if kind == "214":
                return None
            return (
                "the disputed account is no longer held, so it was deleted whole; name the "
                "214 file that deleted it"
            )
        code = account.account_code
        if kind == "214":
            return f"a whole-account deletion, but the bureau still holds account {code}"
        moved = account.subject_id != dispute.subject_id
        if dispute.month is not None:
            held = self.repo.month(account.id, dispute.month)
            target = _describe(code, dispute.month)
            if kind == "212":
                if moved or (held is not None and held.submission_id == submission.id):
                    return None
                if held is None:
                    return f"the bureau no longer holds {target}; name the file that deleted it"
                return f"{target} was not changed by this file; correct it with a 212 H record"
            if held is None:
                return None
            return f"the bureau still holds {target}; a 213 correction must delete it"
        if kind == "212":
            if moved or self.repo.carries(account.id, submission.id):
                return None
            return (
                f"the bureau sees no change to account {code} by this file (a corrected month, "
                "non-monthly report or borrower leaves one; base facts alone do not)"
            )
        cleared = all(getattr(account, f) is None for f in BASE_FACTS)
        if cleared or not self.repo.holds_months(account.id):
            return None
        return (
            f"the bureau still holds account {code}'s base facts and months; a 213 answers a "
            "whole-account dispute when it deletes the base facts or every month"
        )

    def _task(self, dispute: Dispute, today: date) -> DisputeTask:
        kind = DisputeType(dispute.dispute_type)
        account = self.repo.account_by_id(dispute.account_id)
        held: dict[str, object] = {}
        if dispute.inquiry_id is not None:
            inquiry = self.repo.inquiry(dispute.inquiry_id)
            if inquiry is not None:
                held = {
                    "asked_on": inquiry.asked_on,
                    "purpose": inquiry.purpose,
                    "authorization_ref": inquiry.authorization_ref,
                }
        elif account is not None and dispute.month is not None:
            month = self.repo.month(account.id, dispute.month)
            if month is not None:
                held = {f: getattr(month, f) for f in _MONTH_FIELDS}
        elif account is not None:
            held = {f: getattr(account, f) for f in _BASE_FIELDS}
        return DisputeTask(
            dispute_id=dispute.id,
            dispute_type=kind.value,
            dispute_type_label=kind.label,
            account_code=account.account_code if account else None,
            month=dispute.month,
            inquiry_id=dispute.inquiry_id,
            detail=dispute.detail,
            filed_on=dispute.filed_on,
            deadline=dispute.deadline,
            days_left=(dispute.deadline - today).days,
            status=dispute.status,
            held=held,
        )

    def _audit_reads(self, actor: str, disputes: Iterable[Dispute], what: str, why: str) -> None:
        """One read line per subject whose disputes were shown."""
        shown: dict[int, list[int]] = {}
        for dispute in disputes:
            shown.setdefault(dispute.subject_id, []).append(dispute.id)
        for subject_id, ids in shown.items():
            listed = ", ".join(str(i) for i in ids)
            self.audit.record(
                actor, Action.READ, _clip(f"{what}: {listed}"), why, subject_id=subject_id
            )


def _describe(account_code: str, month: date | None) -> str:
    return f"account {account_code}" + (f" month {month:%Y-%m}" if month else "")


def _short(noun: str, what: str, text: str) -> None:
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"{noun}.too_long",
            f"{what} has {len(text)} characters; at most {MAX_TEXT} are kept",
        )


def _clip(text: str) -> str:
    """An audit line's text, within the log's 200 characters."""
    return text if len(text) <= _AUDIT_TEXT else text[: _AUDIT_TEXT - 1] + "…"
