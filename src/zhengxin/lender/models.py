"""The lender's tables. Money columns are BigInteger fen; business dates are Date.

The ledger is double-entry: a :class:`Entry` (one business event) has :class:`Leg`\\ s that sum
to zero. A leg names a *book*: a receivable the subject owes on a line or loan
(``principal``, ``instalment``, ``interest``, ``fee``, ``penalty``, ``written_off``), or one of
the lender's own books (``lender.cash``, ``lender.income.interest`` ...). A receivable leg also
names the *cycle* it belongs to: the statement date that billed it, or none while unbilled.
Every balance is a sum of legs; the few cached figures on :class:`CreditLine` are updated in
the same transaction and checked against the legs by the tests.
"""

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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from zhengxin.kernel.db import NAMING_CONVENTION


class LenderBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Subject(LenderBase):
    """A person the lender serves, identified by ID type and number."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_type: Mapped[str] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(30))
    mail_address: Mapped[str | None] = mapped_column(
        String(100), nullable=True, doc="where letters reach the subject (record 110 MailAddr)"
    )
    mail_post_code: Mapped[str | None] = mapped_column(
        String(6), nullable=True, doc="the six-digit post code of the mailing address"
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CreditLine(LenderBase):
    """A revolving credit line (R1) with an optional cash limit for loans drawn under it.

    ``used_fen`` (purchase and instalment principal outstanding) and ``held_fen`` (open
    authorization holds) are caches of the ledger, kept for the authorization hot path:
    available limit = ``limit_fen - used_fen - held_fen``.
    """

    __tablename__ = "credit_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_code: Mapped[str] = mapped_column(String(60), unique=True)
    agreement_code: Mapped[str] = mapped_column(String(60), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    limit_fen: Mapped[int] = mapped_column(BigInteger)
    cash_limit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    used_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    held_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="open")
    close_requested_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    written_off_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Loan(LenderBase):
    """A cash loan drawn under a line (R4 循环额度下分账户), with its own repayment schedule."""

    __tablename__ = "loan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"), index=True)
    account_code: Mapped[str] = mapped_column(String(60), unique=True)
    product_code: Mapped[str] = mapped_column(String(20))
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    daily_rate: Mapped[str] = mapped_column(String(20), doc="the contract's daily rate, exact")
    periods: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(2), doc="repayment mode 11 or 13")
    drawn_on: Mapped[date] = mapped_column(Date)
    settled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    written_off_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    periods_billed: Mapped[int] = mapped_column(Integer, default=0)
    penalty_through: Mapped[date | None] = mapped_column(
        Date, nullable=True, doc="overdue interest has been charged up to this day"
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Hold(LenderBase):
    """An authorization hold on a line: placed, then captured (in full or part), voided, or
    expired."""

    __tablename__ = "hold"
    __table_args__ = (UniqueConstraint("line_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    captured_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(10), default="held")
    merchant: Mapped[str] = mapped_column(String(100), default="")
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_on: Mapped[date] = mapped_column(Date)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class Entry(LenderBase):
    """One business event in the ledger. Never edited; a mistake is undone by a reversal."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("line_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger, doc="the event's headline amount")
    posted_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    memo: Mapped[str] = mapped_column(String(200), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), nullable=True)
    legs: Mapped[list[Leg]] = relationship(back_populates="entry", lazy="raise_on_sql")


class Leg(LenderBase):
    """One side of an entry: an amount on one book (and cycle) of one line or loan."""

    __tablename__ = "leg"
    __table_args__ = (Index("ix_leg_line_book", "line_id", "loan_id", "book", "cycle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"), nullable=True)
    book: Mapped[str] = mapped_column(String(30))
    cycle: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    posted_on: Mapped[date] = mapped_column(Date)
    entry: Mapped[Entry] = relationship(back_populates="legs", lazy="raise_on_sql")


class Statement(LenderBase):
    """A monthly bill cut on the bill day."""

    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("line_id", "statement_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"), index=True)
    statement_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    new_principal_fen: Mapped[int] = mapped_column(BigInteger, doc="purchases billed, fen")
    instalment_fen: Mapped[int] = mapped_column(BigInteger, doc="instalment parts billed, fen")
    interest_fen: Mapped[int] = mapped_column(BigInteger, doc="interest billed, fen")
    fee_fen: Mapped[int] = mapped_column(BigInteger, doc="fees billed, fen")
    balance_fen: Mapped[int] = mapped_column(BigInteger, doc="all owed on the bill day, fen")
    past_due_fen: Mapped[int] = mapped_column(BigInteger, doc="earlier minimums unpaid, fen")
    minimum_fen: Mapped[int] = mapped_column(BigInteger, doc="this bill's own minimum, fen")
    instalment_plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class InstalmentPlan(LenderBase):
    """A bill or merchant instalment: principal repaid in equal parts with a fee."""

    __tablename__ = "instalment_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), doc="bill or merchant")
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    fee_fen: Mapped[int] = mapped_column(BigInteger)
    fee_rate: Mapped[str] = mapped_column(String(20))
    periods: Mapped[int] = mapped_column(Integer)
    periods_billed: Mapped[int] = mapped_column(Integer, default=0)
    fee_paid_by_seller: Mapped[bool] = mapped_column(Boolean, default=False)
    created_on: Mapped[date] = mapped_column(Date)


class FurnishedFile(LenderBase):
    """Each submission file the lender wrote to a bureau, so that a serial number never
    repeats for one bureau, day and record type (file names repeat across bureaus)."""

    __tablename__ = "furnished_file"
    __table_args__ = (
        UniqueConstraint(
            "bureau", "file_date", "record_type", "serial", name="uq_furnished_file_serial"
        ),
        UniqueConstraint("bureau", "file_name", name="uq_furnished_file_bureau_file_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bureau: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(40))
    file_date: Mapped[date] = mapped_column(Date)
    record_type: Mapped[str] = mapped_column(String(3))
    serial: Mapped[str] = mapped_column(String(3))
    record_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Reported(LenderBase):
    """What one bureau has been told about one thing: a subject (record type ``110``, keyed by
    ID type and number), a credit agreement (``220``, keyed by its contract code) or an
    account (``210``, keyed by its account code).

    Written with the file that told it, in the same transaction. ``digest`` is the SHA-256
    of the facts last reported in a 110 or 220 (a change to them calls for an update);
    ``ended_on`` is the report date of the record that ended it (an account's closure, an
    agreement's end), after which nothing more is reported.
    """

    __tablename__ = "reported"
    __table_args__ = (UniqueConstraint("bureau", "record_type", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bureau: Mapped[str] = mapped_column(String(20))
    record_type: Mapped[str] = mapped_column(String(3))
    key: Mapped[str] = mapped_column(String(60))
    first_reported_on: Mapped[date] = mapped_column(Date)
    last_reported_on: Mapped[date] = mapped_column(Date)
    last_timing: Mapped[str] = mapped_column(String(2))
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)


# -- consent: authorization documents, signatures, the service upgrade ------------------------


class AuthorizationDocument(LenderBase):
    """One version of an authorization text (授权书), stored whole with its SHA-256.

    ``scope`` is ``query``, ``report`` or ``both``; ``bureaus`` the comma-separated bureau codes
    it covers; ``validity_months`` how long a signature lasts (none: until the line closes).
    """

    __tablename__ = "authorization_document"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(10))
    bureaus: Mapped[str] = mapped_column(String(200))
    validity_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Signature(LenderBase):
    """A subject's signature of one document version: who, which text, when, how. Never
    edited; it ends by a :class:`Revocation` or when its document's validity runs out."""

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("authorization_document.id"))
    document_sha256: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Revocation(LenderBase):
    """The end of a signature, at an instant, with its reason (the line's closure)."""

    __tablename__ = "revocation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id"), unique=True)
    revoked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(200))


class Campaign(LenderBase):
    """A service upgrade: a document to sign, a notice date, and a deadline."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("authorization_document.id"))
    notice_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CampaignStage(LenderBase):
    """From ``effective_on``, the campaign reaches ``percent`` of subjects (a stable cohort)."""

    __tablename__ = "campaign_stage"
    __table_args__ = (UniqueConstraint("campaign_id", "percent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    percent: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Notice(LenderBase):
    """A notice sent to a subject: what it said, through which channel, when (art. 15)."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    account_code: Mapped[str] = mapped_column(String(60), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AdverseSpell(LenderBase):
    """A stretch of days an account was overdue (or in bad debt), with the notice sent for it."""

    __tablename__ = "adverse_spell"
    __table_args__ = (UniqueConstraint("account_code", "started_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_code: Mapped[str] = mapped_column(String(60), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))


class Inquiry(LenderBase):
    """A credit report the lender asked a bureau for: whom, why, under which signature."""

    __tablename__ = "inquiry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    bureau: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(2))
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id"))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")
