"""The bureau's queries. Services call these; no ``select()`` lives anywhere else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhengxin.bureau.models import Account, AccountMonth, Institution, Subject, Submission


class BureauRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def institution(self, code: str) -> Institution | None:
        return self.session.get(Institution, code)

    def institutions(self) -> Sequence[Institution]:
        return self.session.scalars(select(Institution).order_by(Institution.code)).all()

    def submission_by_name(self, file_name: str) -> Submission | None:
        return self.session.scalar(select(Submission).where(Submission.file_name == file_name))

    def subject(self, id_type: str, id_number: str) -> Subject | None:
        return self.session.scalar(
            select(Subject).where(Subject.id_type == id_type, Subject.id_number == id_number)
        )

    def account(self, institution_code: str, account_code: str) -> Account | None:
        return self.session.scalar(
            select(Account).where(
                Account.institution_code == institution_code,
                Account.account_code == account_code,
            )
        )

    def accounts_of(self, subject_id: int) -> Sequence[Account]:
        return self.session.scalars(
            select(Account).where(Account.subject_id == subject_id).order_by(Account.id)
        ).all()

    def month(self, account_id: int, month: date) -> AccountMonth | None:
        return self.session.scalar(
            select(AccountMonth).where(
                AccountMonth.account_id == account_id, AccountMonth.month == month
            )
        )

    def months_of(self, account_id: int) -> Sequence[AccountMonth]:
        return self.session.scalars(
            select(AccountMonth)
            .where(AccountMonth.account_id == account_id)
            .order_by(AccountMonth.month)
        ).all()
