"""The bureau's tables. Amounts are whole yuan, as the interface reports them (``*_yuan``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
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
