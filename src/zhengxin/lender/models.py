"""The lender's tables. Money columns are BigInteger fen; business dates are Date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CreditLine(LenderBase):
    """A revolving credit line (R1). ``limit_fen`` is the credit limit in fen."""

    __tablename__ = "credit_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_code: Mapped[str] = mapped_column(String(60), unique=True)
    agreement_code: Mapped[str] = mapped_column(String(60), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    limit_fen: Mapped[int] = mapped_column(BigInteger)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Posting(LenderBase):
    """One movement of money on a line. Never edited; a mistake is reversed by another posting.

    ``amount_fen`` is signed from the lender's side: positive raises what the subject owes
    (a purchase), negative lowers it (a repayment).
    """

    __tablename__ = "posting"
    __table_args__ = (UniqueConstraint("line_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    posted_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    memo: Mapped[str] = mapped_column(String(200), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(80), nullable=True)


class Statement(LenderBase):
    """A monthly bill cut on the bill day: the balance owed then and the minimum due."""

    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("line_id", "statement_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("credit_line.id"), index=True)
    statement_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    balance_fen: Mapped[int] = mapped_column(BigInteger)
    new_minimum_fen: Mapped[int] = mapped_column(
        BigInteger, doc="this bill's own minimum, in fen (the share of the balance)"
    )
    past_due_fen: Mapped[int] = mapped_column(
        BigInteger, doc="earlier minimums still unpaid on the bill day, in fen"
    )


class FurnishedFile(LenderBase):
    """Each submission file the lender wrote, so serial numbers never repeat in a day."""

    __tablename__ = "furnished_file"
    __table_args__ = (UniqueConstraint("file_date", "record_type", "serial"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(40), unique=True)
    file_date: Mapped[date] = mapped_column(Date)
    record_type: Mapped[str] = mapped_column(String(3))
    serial: Mapped[str] = mapped_column(String(3))
    record_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
