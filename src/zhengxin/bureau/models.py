"""The bureau's tables. Amounts are whole yuan, as the interface reports them (``*_yuan``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from zhengxin.kernel.db import NAMING_CONVENTION


class BureauBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Institution(BureauBase):
    """A registered institution: who may submit records and who may query."""

    __tablename__ = "institution"

    code: Mapped[str] = mapped_column(String(14), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    may_submit: Mapped[bool] = mapped_column(Boolean)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record_types: Mapped[str] = mapped_column(
        String(100), default="", doc="the record types it may submit, comma-separated"
    )
    head_office: Mapped[str | None] = mapped_column(
        String(14), nullable=True, doc="the head office's code, for a branch (§1.7)"
    )


class Submission(BureauBase):
    """A submission file received and applied whole (rejected files leave no row)."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(40), unique=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("institution.code"))
    record_type: Mapped[str] = mapped_column(String(3))
    file_date: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record_count: Mapped[int] = mapped_column(Integer)
    accepted_count: Mapped[int] = mapped_column(Integer)
    rejected_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), default="", doc="of the file's bytes")


class Subject(BureauBase):
    """A person the bureau holds data on; the name is kept as last reported."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_type: Mapped[str] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Account(BureauBase):
    """An account as reported: its base facts, keyed by (institution, account code)."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("institution_code", "account_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("institution.code"))
    account_code: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    account_type: Mapped[str] = mapped_column(String(2))
    business_line: Mapped[str | None] = mapped_column(String(1), nullable=True)
    business_detail: Mapped[str | None] = mapped_column(String(2), nullable=True)
    open_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    credit_limit_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    loan_amount_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    repay_mode: Mapped[str | None] = mapped_column(String(2), nullable=True)
    repay_frequency: Mapped[str | None] = mapped_column(String(2), nullable=True)
    guarantee_mode: Mapped[str | None] = mapped_column(String(1), nullable=True)
    agreement_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    close_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class AccountMonth(BureauBase):
    """One month of an account's performance (the H segment's facts for that month).

    A later record for a month already held replaces it; an older or equally old one does not.
    """

    __tablename__ = "account_month"
    __table_args__ = (UniqueConstraint("account_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    month: Mapped[date] = mapped_column(Date, doc="the first day of the month reported")
    report_date: Mapped[date] = mapped_column(Date)
    report_timing: Mapped[str] = mapped_column(String(2))
    settlement_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    account_status: Mapped[str] = mapped_column(String(2))
    balance_yuan: Mapped[int] = mapped_column(BigInteger)
    remaining_periods: Mapped[int | None] = mapped_column(Integer, nullable=True)
    five_category: Mapped[str] = mapped_column(String(1))
    five_category_date: Mapped[date] = mapped_column(Date)
    repayment_status: Mapped[str] = mapped_column(String(1))
    overdue_periods: Mapped[int | None] = mapped_column(Integer, nullable=True)
    overdue_total_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    overdue_principal_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    overdue_31_60_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    overdue_61_90_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    overdue_91_180_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    overdue_over_180_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    due_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    repaid_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_repayment_date: Mapped[date] = mapped_column(Date)
    close_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))


class SubjectInfo(BureauBase):
    """A person's basic information (record 110) as one institution last reported it."""

    __tablename__ = "subject_info"
    __table_args__ = (UniqueConstraint("subject_id", "institution_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("institution.code"))
    report_date: Mapped[date] = mapped_column(Date)
    report_timing: Mapped[str] = mapped_column(String(2))
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    nation: Mapped[str | None] = mapped_column(String(3), nullable=True)
    cell_phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    marital_status: Mapped[str | None] = mapped_column(String(2), nullable=True)
    education: Mapped[str | None] = mapped_column(String(2), nullable=True)
    degree: Mapped[str | None] = mapped_column(String(1), nullable=True)
    employment_status: Mapped[str | None] = mapped_column(String(2), nullable=True)
    employer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    occupation: Mapped[str | None] = mapped_column(String(2), nullable=True)
    residence_status: Mapped[str | None] = mapped_column(String(2), nullable=True)
    residence_address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    mailing_address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    annual_income_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))


class Agreement(BureauBase):
    """A credit agreement (record 220) as last reported, keyed by (institution, contract code)."""

    __tablename__ = "agreement"
    __table_args__ = (UniqueConstraint("institution_code", "contract_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("institution.code"))
    contract_code: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    report_date: Mapped[date] = mapped_column(Date)
    report_timing: Mapped[str] = mapped_column(String(2))
    limit_type: Mapped[str | None] = mapped_column(String(2), nullable=True)
    revolving: Mapped[str | None] = mapped_column(String(1), nullable=True)
    limit_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    expiry_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str | None] = mapped_column(String(1), nullable=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))


class AccountEvent(BureauBase):
    """A non-monthly performance report (segment J, e.g. code 40 recovery of overdue amounts),
    one per account and report date."""

    __tablename__ = "account_event"
    __table_args__ = (UniqueConstraint("account_id", "report_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    report_date: Mapped[date] = mapped_column(Date)
    report_timing: Mapped[str] = mapped_column(String(2))
    account_status: Mapped[str] = mapped_column(String(2))
    balance_yuan: Mapped[int] = mapped_column(BigInteger)
    five_category: Mapped[str | None] = mapped_column(String(1), nullable=True)
    five_category_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    repayment_status: Mapped[str | None] = mapped_column(String(1), nullable=True)
    remaining_periods: Mapped[int | None] = mapped_column(Integer, nullable=True)
    overdue_periods: Mapped[int | None] = mapped_column(Integer, nullable=True)
    overdue_total_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_repayment_yuan: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_repayment_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    close_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))


class SpecialEvent(BureauBase):
    """A special event (record 215) on an account: its type, month and whether in force."""

    __tablename__ = "special_event"
    __table_args__ = (UniqueConstraint("account_id", "event_type", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(2))
    month: Mapped[date] = mapped_column(Date)
    effective: Mapped[bool] = mapped_column(Boolean)
    report_date: Mapped[date] = mapped_column(Date)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))


class CodeChange(BureauBase):
    """An identifier change (record 211 for accounts, 221 for agreements): the old code may not
    be reported again (ABE012)."""

    __tablename__ = "code_change"
    __table_args__ = (UniqueConstraint("institution_code", "kind", "old_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("institution.code"))
    kind: Mapped[str] = mapped_column(String(10), doc="account or agreement")
    old_code: Mapped[str] = mapped_column(String(60))
    new_code: Mapped[str] = mapped_column(String(60))
    changed_on: Mapped[date] = mapped_column(Date)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))


class Authorization(BureauBase):
    """A subject's signed authorization, lodged by the institution that holds it (art. 18, 29).

    An inquiry names it by ``reference``; it covers that institution, the listed ``purposes``
    (query-reason codes) and the instants from ``signed_on`` until ``valid_until`` or
    ``revoked_on``. The bureau keeps the signed text's hash, not the text."""

    __tablename__ = "authorization"
    __table_args__ = (UniqueConstraint("institution_code", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("institution.code"))
    reference: Mapped[str] = mapped_column(String(40), index=True)
    id_type: Mapped[str] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(30))
    document: Mapped[str] = mapped_column(String(60))
    document_sha256: Mapped[str] = mapped_column(String(64))
    signed_on: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(10), doc="query, report or both")
    purposes: Mapped[str] = mapped_column(String(100), doc="query-reason codes, comma-separated")
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    revoked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lodged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Inquiry(BureauBase):
    """One request for a subject's report, answered or refused: an institution's (with a
    purpose and an authorization) or the subject's own (本人查询)."""

    __tablename__ = "inquiry"
    __table_args__ = (
        Index("ix_inquiry_subject_asked", "subject_id", "asked_at"),
        Index("ix_inquiry_id_number", "id_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    asked_on: Mapped[date] = mapped_column(Date, doc="the business date (UTC+8) of asked_at")
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"), nullable=True)
    id_type: Mapped[str] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(20))
    institution_code: Mapped[str | None] = mapped_column(
        String(14), nullable=True, doc="who asked; None for the subject's own query"
    )
    self_query: Mapped[bool] = mapped_column(Boolean)
    purpose: Mapped[str | None] = mapped_column(String(2), nullable=True)
    authorization_ref: Mapped[str | None] = mapped_column(String(40), nullable=True)
    authorization_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorization.id"), nullable=True
    )
    outcome: Mapped[str] = mapped_column(String(10), doc="answered or refused")
    refusal_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    report_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    chargeable: Mapped[bool] = mapped_column(Boolean, default=False)


class Dispute(BureauBase):
    """A subject's objection to a record or a query record (art. 25): marked on the report
    from the moment it is filed, answered by the institution concerned, closed by the bureau
    with an outcome within 20 days."""

    __tablename__ = "dispute"
    __table_args__ = (Index("ix_dispute_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    dispute_type: Mapped[str] = mapped_column(String(2))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), nullable=True)
    month: Mapped[date | None] = mapped_column(
        Date, nullable=True, doc="the month disputed; None for the whole account"
    )
    inquiry_id: Mapped[int | None] = mapped_column(ForeignKey("inquiry.id"), nullable=True)
    institution_code: Mapped[str] = mapped_column(
        ForeignKey("institution.code"), index=True, doc="who must answer"
    )
    detail: Mapped[str] = mapped_column(String(500), default="")
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    filed_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), doc="open, answered or closed")
    answer: Mapped[str | None] = mapped_column(String(10), nullable=True)
    answer_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    correction_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id"), nullable=True
    )
    answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(12), nullable=True)
    outcome_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Statement(BureauBase):
    """A subject's own statement (本人声明), shown on every report until withdrawn."""

    __tablename__ = "statement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    statement_type: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(String(500))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), nullable=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntry(BureauBase):
    """One line of the append-only audit log (art. 22): who read or wrote whose personal data,
    what, why and when. Each line carries the hash of the one before it and its own hash over
    both, so an edit, a deletion or a reordering breaks the chain."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(40), doc="an institution code, subject or operator")
    action: Mapped[str] = mapped_column(String(10), doc="read or write")
    subject_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    what: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(String(200))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(BureauBase):
    """The chain's last line (one row): its sequence number and hash. Appends lock it, so the
    log has one order; verification checks the log ends where the head says."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
