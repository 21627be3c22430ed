"""The lender's queries. Services call these; no ``select()`` lives anywhere else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhengxin.lender.models import CreditLine, FurnishedFile, Posting, Statement, Subject


class LenderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def subject_by_id_number(self, id_type: str, id_number: str) -> Subject | None:
        return self.session.scalar(
            select(Subject).where(Subject.id_type == id_type, Subject.id_number == id_number)
        )

    def subject(self, subject_id: int) -> Subject:
        return self.session.get_one(Subject, subject_id)

    def line_by_code(self, account_code: str, *, for_update: bool = False) -> CreditLine | None:
        query = select(CreditLine).where(CreditLine.account_code == account_code)
        if for_update:
            query = query.with_for_update()
        return self.session.scalar(query)

    def lines(self) -> Sequence[CreditLine]:
        return self.session.scalars(select(CreditLine).order_by(CreditLine.id)).all()

    def lines_open_on(self, day: date) -> Sequence[CreditLine]:
        """Lines opened on or before ``day`` and not closed before it."""
        return self.session.scalars(
            select(CreditLine)
            .where(CreditLine.opened_on <= day)
            .where((CreditLine.closed_on.is_(None)) | (CreditLine.closed_on >= day))
            .order_by(CreditLine.id)
        ).all()

    def lines_opened_on(self, day: date) -> Sequence[CreditLine]:
        return self.session.scalars(
            select(CreditLine).where(CreditLine.opened_on == day).order_by(CreditLine.id)
        ).all()

    def lines_closed_on(self, day: date) -> Sequence[CreditLine]:
        return self.session.scalars(
            select(CreditLine).where(CreditLine.closed_on == day).order_by(CreditLine.id)
        ).all()

    def postings(self, line_id: int) -> Sequence[Posting]:
        return self.session.scalars(
            select(Posting).where(Posting.line_id == line_id).order_by(Posting.id)
        ).all()

    def posting_by_key(self, line_id: int, key: str) -> Posting | None:
        return self.session.scalar(
            select(Posting).where(Posting.line_id == line_id, Posting.idempotency_key == key)
        )

    def balance_fen(self, line_id: int, before: date | None = None) -> int:
        query = select(func.coalesce(func.sum(Posting.amount_fen), 0)).where(
            Posting.line_id == line_id
        )
        if before is not None:
            query = query.where(Posting.posted_on < before)
        return int(self.session.scalar(query) or 0)

    def statements(self, line_id: int) -> Sequence[Statement]:
        return self.session.scalars(
            select(Statement).where(Statement.line_id == line_id).order_by(Statement.statement_date)
        ).all()

    def statement_on(self, line_id: int, day: date) -> Statement | None:
        return self.session.scalar(
            select(Statement).where(Statement.line_id == line_id, Statement.statement_date == day)
        )

    def next_serial(self, file_date: date, record_type: str) -> int:
        used = self.session.scalar(
            select(func.count())
            .select_from(FurnishedFile)
            .where(FurnishedFile.file_date == file_date, FurnishedFile.record_type == record_type)
        )
        return int(used or 0) + 1
