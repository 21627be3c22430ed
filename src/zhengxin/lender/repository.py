"""The lender's queries. Services call these; no ``select()`` lives anywhere else."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from zhengxin.codes import IdType
from zhengxin.lender.books import (
    INSTALMENT,
    PRINCIPAL,
    REPAYMENTS,
    Position,
    check_balanced,
)
from zhengxin.lender.models import (
    CreditLine,
    Entry,
    FurnishedFile,
    Hold,
    InstalmentPlan,
    Leg,
    Loan,
    Reported,
    Statement,
    Subject,
)

if TYPE_CHECKING:
    from zhengxin.lender.billing import Bill, Posting


class LenderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- subjects, lines, loans ---------------------------------------------------------

    def subject_by_id_number(self, id_type: str, id_number: str) -> Subject | None:
        return self.session.scalar(
            select(Subject).where(Subject.id_type == id_type, Subject.id_number == id_number)
        )

    def subject_ids(self, id_numbers: list[str]) -> dict[str, int]:
        """The subject id of each resident ID number known, in chunks."""
        out: dict[str, int] = {}
        unique = sorted(set(id_numbers))
        for start in range(0, len(unique), 2000):
            rows = self.session.execute(
                select(Subject.id_number, Subject.id).where(
                    Subject.id_type == IdType.RESIDENT_ID.value,
                    Subject.id_number.in_(unique[start : start + 2000]),
                )
            )
            out.update({number: subject_id for number, subject_id in rows})
        return out

    def subject(self, subject_id: int) -> Subject:
        return self.session.get_one(Subject, subject_id)

    def line_by_code(self, account_code: str, *, for_update: bool = False) -> CreditLine | None:
        query = select(CreditLine).where(CreditLine.account_code == account_code)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(query)

    def line_by_id(self, line_id: int, *, for_update: bool = False) -> CreditLine:
        query = select(CreditLine).where(CreditLine.id == line_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).one()

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

    def lines_to_close(self) -> Sequence[CreditLine]:
        return self.session.scalars(
            select(CreditLine).where(
                CreditLine.close_requested_on.is_not(None), CreditLine.closed_on.is_(None)
            )
        ).all()

    def loan_by_code(self, account_code: str) -> Loan | None:
        return self.session.scalar(select(Loan).where(Loan.account_code == account_code))

    def open_loans(self) -> Sequence[Loan]:
        return self.session.scalars(
            select(Loan).where(Loan.settled_on.is_(None)).order_by(Loan.id)
        ).all()

    def loan_by_id(self, loan_id: int) -> Loan:
        return self.session.get_one(Loan, loan_id)

    def loans_open_on(self, day: date) -> Sequence[Loan]:
        """Loans drawn on or before ``day`` and not settled before it."""
        return self.session.scalars(
            select(Loan)
            .where(Loan.drawn_on <= day)
            .where((Loan.settled_on.is_(None)) | (Loan.settled_on >= day))
            .order_by(Loan.id)
        ).all()

    def loans_drawn_on(self, day: date) -> Sequence[Loan]:
        return self.session.scalars(
            select(Loan).where(Loan.drawn_on == day).order_by(Loan.id)
        ).all()

    def loans_settled_on(self, day: date) -> Sequence[Loan]:
        return self.session.scalars(
            select(Loan).where(Loan.settled_on == day).order_by(Loan.id)
        ).all()

    def repaid_on(self, day: date, kinds: tuple[str, ...]) -> dict[tuple[int, int | None], int]:
        """What was repaid on ``day`` on each (line, loan or None) by entries of ``kinds``,
        in fen."""
        rows = self.session.execute(
            select(Entry.line_id, Entry.loan_id, func.sum(Entry.amount_fen))
            .where(Entry.posted_on == day, Entry.kind.in_(kinds))
            .group_by(Entry.line_id, Entry.loan_id)
        )
        return {(line_id, loan_id): int(total) for line_id, loan_id, total in rows if total}

    # -- what each bureau was told ------------------------------------------------------

    def reported(self, bureau: str, record_type: str, keys: Iterable[str]) -> dict[str, Reported]:
        """The rows of ``keys`` a bureau was told about, by key (in chunks)."""
        unique = sorted(set(keys))
        out: dict[str, Reported] = {}
        for start in range(0, len(unique), 2000):
            out.update(
                (row.key, row)
                for row in self.session.scalars(
                    select(Reported).where(
                        Reported.bureau == bureau,
                        Reported.record_type == record_type,
                        Reported.key.in_(unique[start : start + 2000]),
                    )
                )
            )
        return out

    def reported_live(self, bureau: str, record_type: str) -> Sequence[Reported]:
        """Every row of a record type a bureau was told about and not told the end of."""
        return self.session.scalars(
            select(Reported)
            .where(
                Reported.bureau == bureau,
                Reported.record_type == record_type,
                Reported.ended_on.is_(None),
            )
            .order_by(Reported.id)
        ).all()

    def subjects_by_id_number(self, id_type: str, id_numbers: Iterable[str]) -> dict[str, Subject]:
        """The subjects of these ID numbers (of one ID type), by number."""
        unique = sorted(set(id_numbers))
        out: dict[str, Subject] = {}
        for start in range(0, len(unique), 2000):
            out.update(
                (subject.id_number, subject)
                for subject in self.session.scalars(
                    select(Subject).where(
                        Subject.id_type == id_type,
                        Subject.id_number.in_(unique[start : start + 2000]),
                    )
                )
            )
        return out

    def lines_by_agreement(self, agreement_codes: Iterable[str]) -> dict[str, CreditLine]:
        """The lines of these agreement codes, by code."""
        unique = sorted(set(agreement_codes))
        out: dict[str, CreditLine] = {}
        for start in range(0, len(unique), 2000):
            out.update(
                (line.agreement_code, line)
                for line in self.session.scalars(
                    select(CreditLine).where(
                        CreditLine.agreement_code.in_(unique[start : start + 2000])
                    )
                )
            )
        return out

    # -- the ledger ---------------------------------------------------------------------

    def balances(self, line_id: int, *, through: date | None = None) -> dict[Position, int]:
        """Every non-zero position of a line and its loans, from the legs."""
        query = (
            select(Leg.loan_id, Leg.book, Leg.cycle, func.sum(Leg.amount_fen))
            .where(Leg.line_id == line_id)
            .group_by(Leg.loan_id, Leg.book, Leg.cycle)
        )
        if through is not None:
            query = query.where(Leg.posted_on <= through)
        return {
            (loan, book, cycle): int(total)
            for loan, book, cycle, total in self.session.execute(query)
            if total
        }

    def entries(self, line_id: int, kinds: tuple[str, ...] | None = None) -> Sequence[Entry]:
        query = select(Entry).where(Entry.line_id == line_id)
        if kinds is not None:
            query = query.where(Entry.kind.in_(kinds))
        return self.session.scalars(query.order_by(Entry.id)).all()

    def entry_by_key(self, line_id: int, key: str) -> Entry | None:
        return self.session.scalar(
            select(Entry).where(Entry.line_id == line_id, Entry.idempotency_key == key)
        )

    def entry_with_legs(self, entry_id: int) -> Entry | None:
        return self.session.scalar(
            select(Entry).where(Entry.id == entry_id).options(selectinload(Entry.legs))
        )

    def reversal_of(self, entry_id: int) -> Entry | None:
        return self.session.scalar(select(Entry).where(Entry.reverses_id == entry_id))

    def hold(self, hold_id: int, *, for_update: bool = False) -> Hold | None:
        query = select(Hold).where(Hold.id == hold_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(query)

    def lock_line_row(self, account_code: str) -> Any:
        """The line's figures as a plain row, locked (the authorization hot path)."""
        return self.session.connection().execute(_LOCK_LINE, {"code": account_code}).first()

    def place_hold(self, line_id: int, values: dict[str, Any], held_after: int) -> Hold:
        """Insert a hold and add it to the line's held figure through Core, keeping any
        loaded CreditLine in step without a flush."""
        connection = self.session.connection()
        hold_id = connection.execute(_INSERT_HOLD, values).scalar_one()
        connection.execute(_ADD_HELD, {"line_id": line_id, "amount": values["amount_fen"]})
        loaded = self.session.identity_map.get(identity_key(CreditLine, line_id))
        if loaded is not None:
            set_committed_value(loaded, "held_fen", held_after)
        # Returned detached: the row is written; a later read in this session loads it.
        hold = Hold(id=hold_id, **values)
        make_transient_to_detached(hold)
        return hold

    def hold_id_by_key(self, line_id: int, key: str) -> Any:
        """The (id, amount_fen) of the hold placed with ``key``, or None (a prepared read)."""
        return (
            self.session.connection()
            .execute(_HOLD_BY_KEY, {"line_id": line_id, "key": key})
            .first()
        )

    def holds_expiring(self, day: date) -> Sequence[Hold]:
        return self.session.scalars(
            select(Hold).where(Hold.status == "held", Hold.expires_on < day).order_by(Hold.id)
        ).all()

    def open_holds_fen(self, line_id: int) -> int:
        total = self.session.scalar(
            select(func.coalesce(func.sum(Hold.amount_fen - Hold.captured_fen), 0)).where(
                Hold.line_id == line_id, Hold.status == "held"
            )
        )
        return int(total or 0)

    # -- bulk reads and writes for the bill day ----------------------------------------

    def lines_to_bill(self, day: date) -> Sequence[CreditLine]:
        """Open lines opened before ``day`` that have no bill dated ``day`` yet."""
        billed = select(Statement.line_id).where(Statement.statement_date == day)
        return self.session.scalars(
            select(CreditLine)
            .where(
                CreditLine.opened_on < day,
                CreditLine.closed_on.is_(None),
                CreditLine.written_off_on.is_(None),
                CreditLine.id.not_in(billed),
            )
            .order_by(CreditLine.id)
        ).all()

    def line_balances(self, ids: list[int]) -> dict[int, dict[Position, int]]:
        """The non-zero positions of the lines themselves (not their loans), by line."""
        out: dict[int, dict[Position, int]] = {i: {} for i in ids}
        rows = self.session.execute(
            select(Leg.line_id, Leg.book, Leg.cycle, func.sum(Leg.amount_fen))
            .where(Leg.line_id.in_(ids), Leg.loan_id.is_(None))
            .group_by(Leg.line_id, Leg.book, Leg.cycle)
        )
        for line_id, book, cycle, total in rows:
            if total:
                out[line_id][(None, book, cycle)] = int(total)
        return out

    def statements_of(self, ids: list[int]) -> dict[int, list[Statement]]:
        out: dict[int, list[Statement]] = {}
        for statement in self.session.scalars(
            select(Statement)
            .where(Statement.line_id.in_(ids))
            .order_by(Statement.line_id, Statement.statement_date)
        ):
            out.setdefault(statement.line_id, []).append(statement)
        return out

    def settlements_of(self, ids: list[int]) -> dict[int, list[tuple[date, int, str]]]:
        """Repayments and refunds on the lines themselves: (day, amount, kind), in order."""
        out: dict[int, list[tuple[date, int, str]]] = {}
        rows = self.session.execute(
            select(Entry.line_id, Entry.posted_on, Entry.amount_fen, Entry.kind)
            .where(
                Entry.line_id.in_(ids),
                Entry.loan_id.is_(None),
                Entry.kind.in_((*REPAYMENTS, "refund")),
            )
            .order_by(Entry.line_id, Entry.id)
        )
        for line_id, posted_on, amount, kind in rows:
            out.setdefault(line_id, []).append((posted_on, int(amount), kind))
        return out

    def open_plans_of(self, ids: list[int]) -> dict[int, list[InstalmentPlan]]:
        out: dict[int, list[InstalmentPlan]] = {}
        for plan in self.session.scalars(
            select(InstalmentPlan)
            .where(
                InstalmentPlan.line_id.in_(ids),
                InstalmentPlan.periods_billed < InstalmentPlan.periods,
            )
            .order_by(InstalmentPlan.id)
        ):
            out.setdefault(plan.line_id, []).append(plan)
        return out

    def billed_principal_changes(self, ids: list[int]) -> dict[int, list[tuple[date, int]]]:
        """Every change to billed principal and instalment parts of the lines: (day, amount)."""
        out: dict[int, list[tuple[date, int]]] = {}
        if not ids:
            return out
        rows = self.session.execute(
            select(Leg.line_id, Leg.posted_on, Leg.cycle, Leg.amount_fen).where(
                Leg.line_id.in_(ids),
                Leg.loan_id.is_(None),
                Leg.book.in_((PRINCIPAL, INSTALMENT)),
                Leg.cycle.is_not(None),
            )
        )
        for line_id, posted_on, _, amount in rows:
            out.setdefault(line_id, []).append((posted_on, int(amount)))
        return out

    def write_bills(self, bills: Sequence[Bill], now: datetime, day: date) -> None:
        """Insert the entries, legs and statements of many bills in a few statements
        (COPY on PostgreSQL)."""
        postings = [p for b in bills for p in b.postings]
        statements = [
            tuple(getattr(b.statement, c) for c in _STATEMENT_COLUMNS)
            for b in bills
            if b.statement is not None
        ]
        if self.session.get_bind().dialect.name == "postgresql":
            self._copy_bills(postings, statements, now, day)
        else:
            self._insert_bills(postings, statements, now, day)
        for bill in bills:
            for plan in bill.plans_billed:
                plan.periods_billed += 1
        self.session.flush()

    def _insert_bills(
        self,
        postings: list[Posting],
        statements: list[tuple[object, ...]],
        now: datetime,
        day: date,
    ) -> None:
        if postings:
            ids = self.session.scalars(
                insert(Entry).returning(Entry.id, sort_by_parameter_order=True),
                [
                    {
                        "line_id": p.line_id,
                        "kind": p.kind,
                        "amount_fen": p.amount_fen,
                        "posted_on": day,
                        "created_at": now,
                        "memo": p.memo[:200],
                    }
                    for p in postings
                ],
            ).all()
            self.session.execute(
                insert(Leg),
                [
                    dict(zip(_LEG_COLUMNS, row, strict=True))
                    for row in _leg_rows(ids, postings, day)
                ],
            )
        if statements:
            self.session.execute(
                insert(Statement),
                [dict(zip(_STATEMENT_COLUMNS, row, strict=True)) for row in statements],
            )

    def _copy_bills(
        self,
        postings: list[Posting],
        statements: list[tuple[object, ...]],
        now: datetime,
        day: date,
    ) -> None:
        """PostgreSQL's COPY: entry ids are drawn from the sequence first, then every row is
        streamed in one COPY per table, inside the session's transaction."""
        self.session.flush()
        driver = self.session.connection().connection.driver_connection
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            if postings:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('entry', 'id')) "
                    "FROM generate_series(1, %s)",
                    (len(postings),),
                )
                ids = [int(row[0]) for row in cursor.fetchall()]
                with cursor.copy(
                    "COPY entry (id, line_id, kind, amount_fen, posted_on, created_at, memo) "
                    "FROM STDIN"
                ) as copy:
                    for entry_id, p in zip(ids, postings, strict=True):
                        copy.write_row(
                            (entry_id, p.line_id, p.kind, p.amount_fen, day, now, p.memo[:200])
                        )
                with cursor.copy(f"COPY leg ({', '.join(_LEG_COLUMNS)}) FROM STDIN") as copy:
                    for row in _leg_rows(ids, postings, day):
                        copy.write_row(row)
            if statements:
                with cursor.copy(
                    f"COPY statement ({', '.join(_STATEMENT_COLUMNS)}) FROM STDIN"
                ) as copy:
                    for row in statements:
                        copy.write_row(row)

    # -- statements and plans -----------------------------------------------------------

    def statements(self, line_id: int) -> Sequence[Statement]:
        return self.session.scalars(
            select(Statement).where(Statement.line_id == line_id).order_by(Statement.statement_date)
        ).all()

    def plans(self, line_id: int) -> Sequence[InstalmentPlan]:
        return self.session.scalars(
            select(InstalmentPlan)
            .where(InstalmentPlan.line_id == line_id)
            .order_by(InstalmentPlan.id)
        ).all()

    def next_serial(self, file_date: date, record_type: str, bureau: str = "CRC") -> int:
        """The next serial number of a file of ``record_type`` to ``bureau`` on ``file_date``."""
        used = self.session.scalar(
            select(func.count())
            .select_from(FurnishedFile)
            .where(
                FurnishedFile.bureau == bureau,
                FurnishedFile.file_date == file_date,
                FurnishedFile.record_type == record_type,
            )
        )
        return int(used or 0) + 1


_LEG_COLUMNS = ("entry_id", "line_id", "loan_id", "book", "cycle", "amount_fen", "posted_on")
_STATEMENT_COLUMNS = tuple(c.key for c in Statement.__table__.columns if c.key != "id")


def _leg_rows(
    ids: Sequence[int], postings: list[Posting], day: date
) -> Iterator[tuple[object, ...]]:
    for entry_id, p in zip(ids, postings, strict=True):
        for leg in check_balanced(p.legs):
            yield (entry_id, p.line_id, leg.loan_id, leg.book, leg.cycle, leg.amount_fen, day)


_LINES = CreditLine.__table__
_HOLDS = Hold.__table__
_LOCK_LINE = (
    select(
        _LINES.c.id,
        _LINES.c.subject_id,
        _LINES.c.account_code,
        _LINES.c.currency,
        _LINES.c.product_code,
        _LINES.c.limit_fen,
        _LINES.c.used_fen,
        _LINES.c.held_fen,
        _LINES.c.status,
        _LINES.c.opened_on,
        _LINES.c.closed_on,
    )
    .where(_LINES.c.account_code == bindparam("code"))
    .with_for_update()
)
_INSERT_HOLD = insert(Hold).returning(Hold.id)
_HOLD_BY_KEY = select(_HOLDS.c.id, _HOLDS.c.amount_fen).where(
    _HOLDS.c.line_id == bindparam("line_id"), _HOLDS.c.idempotency_key == bindparam("key")
)
_ADD_HELD = (
    update(CreditLine)
    .where(CreditLine.id == bindparam("line_id"))
    .values(held_fen=CreditLine.held_fen + bindparam("amount"))
)
