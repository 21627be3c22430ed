"""The bureau's queries. Services call these; no ``select()`` lives anywhere else."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Integer,
    Row,
    cast,
    delete,
    func,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    Agreement,
    CodeChange,
    Dispute,
    Institution,
    SpecialEvent,
    Statement,
    Subject,
    SubjectInfo,
    Submission,
)


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

    def subject_info(self, subject_id: int, institution_code: str) -> SubjectInfo | None:
        """The basic information (110) ``institution_code`` last reported on a subject."""
        return self.session.scalar(
            select(SubjectInfo).where(
                SubjectInfo.subject_id == subject_id,
                SubjectInfo.institution_code == institution_code,
            )
        )

    def agreement(self, institution_code: str, contract_code: str) -> Agreement | None:
        return self.session.scalar(
            select(Agreement).where(
                Agreement.institution_code == institution_code,
                Agreement.contract_code == contract_code,
            )
        )

    def accounts_under_agreement(
        self, institution_code: str, agreement_code: str
    ) -> Sequence[Account]:
        """The institution's accounts whose credit-line segment names ``agreement_code``."""
        return self.session.scalars(
            select(Account)
            .where(
                Account.institution_code == institution_code,
                Account.agreement_code == agreement_code,
            )
            .order_by(Account.id)
        ).all()

    def code_change(self, institution_code: str, kind: str, old_code: str) -> CodeChange | None:
        """The change (211 ``account`` / 221 ``agreement``) that retired ``old_code``, if any."""
        return self.session.scalar(
            select(CodeChange).where(
                CodeChange.institution_code == institution_code,
                CodeChange.kind == kind,
                CodeChange.old_code == old_code,
            )
        )

    def account_event(self, account_id: int, report_date: date) -> AccountEvent | None:
        """The non-monthly report (segment J) of an account on ``report_date``."""
        return self.session.scalar(
            select(AccountEvent).where(
                AccountEvent.account_id == account_id, AccountEvent.report_date == report_date
            )
        )

    def events_of(self, account_id: int) -> Sequence[AccountEvent]:
        """The non-monthly reports of an account, oldest first."""
        return self.session.scalars(
            select(AccountEvent)
            .where(AccountEvent.account_id == account_id)
            .order_by(AccountEvent.report_date)
        ).all()

    def latest_month(self, account_id: int) -> AccountMonth | None:
        """The most recent month of an account's performance held."""
        return self.session.scalar(
            select(AccountMonth)
            .where(AccountMonth.account_id == account_id)
            .order_by(AccountMonth.month.desc())
            .limit(1)
        )

    def latest_report_date(self, account_id: int) -> date | None:
        """The latest report date of anything held on an account (months and non-monthly
        reports), ``None`` when nothing is."""
        month = self.session.scalar(
            select(func.max(AccountMonth.report_date)).where(AccountMonth.account_id == account_id)
        )
        event = self.session.scalar(
            select(func.max(AccountEvent.report_date)).where(AccountEvent.account_id == account_id)
        )
        dates = [d for d in (month, event) if d is not None]
        return max(dates) if dates else None

    def close_dates_of(self, account_id: int) -> set[date]:
        """Every closing date the account's months and non-monthly reports still carry."""
        months = self.session.scalars(
            select(AccountMonth.close_date).where(
                AccountMonth.account_id == account_id, AccountMonth.close_date.is_not(None)
            )
        ).all()
        events = self.session.scalars(
            select(AccountEvent.close_date).where(
                AccountEvent.account_id == account_id, AccountEvent.close_date.is_not(None)
            )
        ).all()
        return {d for d in (*months, *events) if d is not None}

    def special_event(self, account_id: int, event_type: str, month: date) -> SpecialEvent | None:
        return self.session.scalar(
            select(SpecialEvent).where(
                SpecialEvent.account_id == account_id,
                SpecialEvent.event_type == event_type,
                SpecialEvent.month == month,
            )
        )

    def special_events_of(self, account_id: int) -> Sequence[SpecialEvent]:
        return self.session.scalars(
            select(SpecialEvent)
            .where(SpecialEvent.account_id == account_id)
            .order_by(SpecialEvent.month, SpecialEvent.event_type)
        ).all()

    def delete_months(self, account_id: int, start: date | None, end: date | None) -> None:
        """Delete the months of an account reported between ``start`` and ``end`` (inclusive;
        ``None`` leaves that side open)."""
        statement = delete(AccountMonth).where(AccountMonth.account_id == account_id)
        if start is not None:
            statement = statement.where(AccountMonth.report_date >= start)
        if end is not None:
            statement = statement.where(AccountMonth.report_date <= end)
        self.session.execute(statement)

    def delete_events(self, account_id: int, start: date | None, end: date | None) -> None:
        """Delete the non-monthly reports of an account dated between ``start`` and ``end``
        (inclusive; ``None`` leaves that side open)."""
        statement = delete(AccountEvent).where(AccountEvent.account_id == account_id)
        if start is not None:
            statement = statement.where(AccountEvent.report_date >= start)
        if end is not None:
            statement = statement.where(AccountEvent.report_date <= end)
        self.session.execute(statement)

    def delete_account(self, account: Account) -> None:
        """Delete an account with its months, non-monthly reports and special events. A
        dispute or statement about it stays, about an account no longer held."""
        account_id = account.id
        for linked in (Dispute, Statement):
            self.session.execute(
                update(linked).where(linked.account_id == account_id).values(account_id=None)
            )
        self.session.execute(delete(SpecialEvent).where(SpecialEvent.account_id == account_id))
        self.delete_months(account_id, None, None)
        self.delete_events(account_id, None, None)
        self.session.delete(account)
        self.session.flush()

    # --- what ingestion asks about one chunk of records, a set at a time -----------------
    #
    # A chunk's keys travel as one JSON array parameter, unpacked by the database itself
    # (json_each on SQLite, json_array_elements_text on PostgreSQL): one statement and one
    # bound value per chunk, where an IN list would bind, and name, every key. Each key then
    # probes its unique index. SQLite plans ``IN (keys)`` so by itself; PostgreSQL is given
    # the keys as the outer side of a LATERAL lookup (fenced with OFFSET 0, so that it stays
    # one), since without statistics on rows this transaction wrote it may prefer to scan the
    # whole table once a chunk.

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _keys(self, values: Collection[str] | Collection[int]) -> Any:
        """The values as a one-column table ``value`` (text on PostgreSQL)."""
        listed = literal(json.dumps(list(values)))
        if self._postgres:
            return func.json_array_elements_text(cast(listed, JSON)).table_valued("value")
        return func.json_each(listed).table_valued("value")

    def _each(self, keys: Any, lookup: Any) -> Any:
        """``lookup`` (which names ``keys.c.value``) run once per key, on PostgreSQL."""
        found = lookup.offset(0).lateral()
        return select(*found.c).select_from(keys).join(found, true())

    def accounts_by_code(
        self, institution_code: str, account_codes: Collection[str]
    ) -> list[Row[str, int, str]]:
        """(account code, id, account type) of those of the codes the institution has on file."""
        keys = self._keys(account_codes)
        lookup = select(Account.account_code, Account.id, Account.account_type).where(
            Account.institution_code == institution_code
        )
        statement: Any
        if self._postgres:
            statement = self._each(keys, lookup.where(Account.account_code == keys.c.value))
        else:
            statement = lookup.where(Account.account_code.in_(select(keys.c.value)))
        return list(self.session.execute(statement).all())

    def latest_records(self, account_ids: Collection[int]) -> list[Row[int, date, str]]:
        """(account id, report date, status) of each account's latest stored records: its
        months and non-monthly events that carry the latest report date it holds (several
        when they share that date)."""
        tables: tuple[type[AccountMonth] | type[AccountEvent], ...] = (AccountMonth, AccountEvent)
        parts: list[Any] = []
        for table in tables:
            keys = self._keys(account_ids)
            other = aliased(table)
            if self._postgres:
                key = cast(keys.c.value, Integer)
                newest = (
                    select(func.max(other.report_date))
                    .where(other.account_id == key)
                    .correlate_except(other)
                )
                lookup = select(table.account_id, table.report_date, table.account_status).where(
                    table.account_id == key, table.report_date == newest.scalar_subquery()
                )
                parts.append(self._each(keys, lookup))
                continue
            newest = select(func.max(other.report_date)).where(other.account_id == table.account_id)
            parts.append(
                select(table.account_id, table.report_date, table.account_status).where(
                    table.account_id.in_(select(keys.c.value)),
                    table.report_date == newest.scalar_subquery(),
                )
            )
        return list(self.session.execute(union_all(*parts)).all())

    def months_held(
        self, account_ids: Collection[int], months: Collection[date]
    ) -> list[Row[int, date, date]]:
        """(account id, month, report date) of the months held among ``months`` for the accounts."""
        keys = self._keys(account_ids)
        lookup = select(
            AccountMonth.account_id, AccountMonth.month, AccountMonth.report_date
        ).where(AccountMonth.month.in_(months))
        if self._postgres:
            key = cast(keys.c.value, Integer)
            statement = self._each(keys, lookup.where(AccountMonth.account_id == key))
        else:
            statement = lookup.where(AccountMonth.account_id.in_(select(keys.c.value)))
        return list(self.session.execute(statement).all())

    def has_changed_codes(self, institution_code: str, kind: str) -> bool:
        """Whether any identifier of the institution was ever changed (records 211, 221)."""
        return (
            self.session.scalar(
                select(CodeChange.id)
                .where(CodeChange.institution_code == institution_code, CodeChange.kind == kind)
                .limit(1)
            )
            is not None
        )

    def changed_codes(
        self, institution_code: str, kind: str, old_codes: Collection[str]
    ) -> list[Row[str, str, date]]:
        """(old code, new code, changed on) of those of the codes a 211/221 record changed."""
        keys = self._keys(old_codes)
        return list(
            self.session.execute(
                select(CodeChange.old_code, CodeChange.new_code, CodeChange.changed_on).where(
                    CodeChange.institution_code == institution_code,
                    CodeChange.kind == kind,
                    CodeChange.old_code.in_(select(keys.c.value)),
                )
            ).all()
        )
