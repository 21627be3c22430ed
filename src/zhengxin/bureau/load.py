"""The store side of ingestion: what the store holds for a chunk, and a chunk's plan written.

:class:`Loader` answers :meth:`Loader.held` with a few set-based queries per chunk (the
chunk's accounts, their latest records, the months the chunk reports, changed codes), never one
per record, and writes a :class:`~zhengxin.bureau.rows.Plan` with one set-based statement per
table, in the caller's transaction (it never commits):

* on SQLite, ``executemany`` of ``INSERT ... ON CONFLICT DO UPDATE`` whose account and subject
  ids are looked up by the statement itself, one B-tree probe a row, all inside SQLite;
* on PostgreSQL (psycopg), ``COPY`` into temporary staging tables, then ``INSERT ... SELECT ...
  ON CONFLICT`` where each staged row finds its account or subject by its unique key, and
  ``UPDATE ... FROM`` by account id.

Rows are plain tuples in the column orders of :mod:`zhengxin.bureau.rows`; dates are ISO
text, which is how SQLAlchemy itself stores a ``Date`` on SQLite, and what PostgreSQL's ``COPY``
reads. A month is replaced only by a later report (``WHERE excluded.report_date >
account_month.report_date``), a guard that holds even if two writers raced.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from zhengxin.bureau.chunks import CheckedChunk
from zhengxin.bureau.decide import CLOSED_STATUS
from zhengxin.bureau.models import Account, AccountEvent, AccountMonth, Subject
from zhengxin.bureau.repository import BureauRepository
from zhengxin.bureau.rows import (
    ACCOUNT_COLUMNS,
    EVENT_COLUMNS,
    MONTH_COLUMNS,
    SUBJECT_COLUMNS,
    UPDATE_COLUMNS,
    Changed,
    Held,
    HeldAccount,
    Plan,
    Row,
    Target,
)
from zhengxin.kernel.errors import ConfigurationError

ACCOUNT_KIND = "account"
""":attr:`CodeChange.kind <zhengxin.bureau.models.CodeChange.kind>` of a 211 record's change."""
SQLITE_CACHE_KIB = 32_768
"""SQLite page cache while a file is applied: the indexes a large file grows stay in memory."""
_BASIC = ACCOUNT_COLUMNS[5:15]
_MONTH_VALUES = MONTH_COLUMNS[2:]
_EVENT_VALUES = EVENT_COLUMNS[2:]


class Loader:
    """Reads and writes one submission's chunks through ``session``'s connection."""

    def __init__(self, session: Session, target: Target, now: datetime) -> None:
        self.session = session
        self.target = target
        self.repo = BureauRepository(session)
        connection = session.connection()
        dialect = connection.dialect
        raw = connection.connection.driver_connection
        self._writer: _SqliteWriter | _PostgresWriter
        if dialect.name == "sqlite":
            self._writer = _SqliteWriter(raw, _stored(Subject.__table__.c.updated_at, now, dialect))
        elif dialect.name == "postgresql" and dialect.driver == "psycopg":
            self._writer = _PostgresWriter(raw, now, dialect)
        else:
            raise ConfigurationError(
                "db.driver",
                f"bulk ingestion runs on SQLite or on PostgreSQL through psycopg; got "
                f"{dialect.name}+{dialect.driver} (use a postgresql+psycopg:// URL)",
            )
        self._codes_changed = self.repo.has_changed_codes(target.institution, ACCOUNT_KIND)

    def held(self, checked: CheckedChunk) -> Held:
        """What the store holds for the accounts ``checked`` reports on."""
        reports = checked.reports
        codes = {r.account_code for r in reports}
        if not codes:
            return Held()
        institution = self.target.institution
        changed = {}
        if self._codes_changed:
            changed = {
                old: Changed(new, on.isoformat())
                for old, new, on in self.repo.changed_codes(institution, ACCOUNT_KIND, codes)
            }
        found = self.repo.accounts_by_code(institution, codes)
        if not found:
            return Held(changed=changed)
        code_of = {account_id: (code, kind) for code, account_id, kind in found}
        latest: dict[int, tuple[str, bool]] = {}
        for account_id, day, status in self.repo.latest_records(code_of):
            when = day.isoformat()
            closed = status == CLOSED_STATUS.get(code_of[account_id][1])
            before = latest.get(account_id)
            if before is None or when > before[0]:
                latest[account_id] = (when, closed)
            elif when == before[0] and closed:
                latest[account_id] = (when, True)
        accounts = {}
        for account_id, (code, kind) in code_of.items():
            newest = latest.get(account_id)
            if newest is None:
                accounts[code] = HeldAccount(account_id, kind, None, False)
            else:
                accounts[code] = HeldAccount(account_id, kind, *newest)
        wanted = {str(r.monthly[0]) for r in reports if r.monthly is not None}
        months = {}
        if wanted:
            days = [date.fromisoformat(m) for m in wanted]
            for account_id, month, day in self.repo.months_held(code_of, days):
                months[(code_of[account_id][0], month.isoformat())] = day.isoformat()
        return Held(accounts, months, changed)

    def write(self, plan: Plan) -> None:
        """Write the rows of ``plan``: subjects, then accounts, then months and events."""
        self._writer.write(plan)

    def close(self, failed: bool = False) -> None:
        """Give the connection back as it was found (the transaction stays open). After a
        ``failed`` write the transaction can only be rolled back, which undoes the rest."""
        self._writer.close(failed)


def _stored(column: ColumnElement[Any], value: Any, dialect: Dialect) -> Any:
    """``value`` as SQLAlchemy itself would bind it to ``column`` on ``dialect``."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


def _sql(*parts: str) -> str:
    """A statement from its parts: keywords as literals, column lists from this module's
    constants (never from input)."""
    return "".join(parts)


def _names(columns: Sequence[str], prefix: str = "") -> str:
    return ", ".join(prefix + c for c in columns)


def _params(first: int, count: int) -> str:
    return ", ".join(f"?{n}" for n in range(first, first + count))


def _sets(columns: Sequence[str]) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns)


def _keep_or_take(columns: Sequence[str], flag: str, values: Sequence[str], held: str = "") -> str:
    return ", ".join(
        _sql(c, " = CASE WHEN ", flag, " THEN ", v, " ELSE ", held, c, " END")
        for c, v in zip(columns, values, strict=True)
    )


# --- SQLite ------------------------------------------------------------------------------

_ACCOUNT_ID = "(SELECT id FROM account WHERE institution_code = ?1 AND account_code = ?2)"
_LATER = " WHERE excluded.report_date > account_month.report_date"
_SQLITE_SUBJECT = (
    "INSERT INTO subject (id_type, id_number, name, updated_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (id_type, id_number) DO UPDATE SET name = excluded.name, "
    "updated_at = excluded.updated_at WHERE subject.name <> excluded.name"
)
_SQLITE_ACCOUNT = _sql(
    "INSERT INTO account (institution_code, account_code, subject_id, account_type, ",
    _names(ACCOUNT_COLUMNS[5:]),
    ") VALUES (?1, ?2, (SELECT id FROM subject WHERE id_type = ?3 AND id_number = ?4), ",
    _params(5, len(ACCOUNT_COLUMNS) - 4),
    ")",
)
_SQLITE_UPDATE = _sql(
    "UPDATE account SET ",
    _keep_or_take(_BASIC, "?2", [f"?{n}" for n in range(3, 3 + len(_BASIC))]),
    ", agreement_code = COALESCE(?13, agreement_code), close_date = COALESCE(?14, close_date)",
    " WHERE id = ?1",
)
_SQLITE_MONTH = _sql(
    "INSERT INTO account_month (account_id, ",
    _names(_MONTH_VALUES),
    ") VALUES (",
    _ACCOUNT_ID,
    ", ",
    _params(3, len(_MONTH_VALUES)),
    ") ON CONFLICT (account_id, month) DO UPDATE SET ",
    _sets(_MONTH_VALUES[1:]),
    _LATER,
)
_SQLITE_EVENT = _sql(
    "INSERT INTO account_event (account_id, ",
    _names(_EVENT_VALUES),
    ") VALUES (",
    _ACCOUNT_ID,
    ", ",
    _params(3, len(_EVENT_VALUES)),
    ") ON CONFLICT (account_id, report_date) DO UPDATE SET ",
    _sets(_EVENT_VALUES[1:]),
)


class _SqliteWriter:
    def __init__(self, connection: Any, updated_at: Any) -> None:
        self.connection = connection
        self.updated_at = updated_at
        self._cache = connection.execute("PRAGMA cache_size").fetchone()[0]
        connection.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")

    def write(self, plan: Plan) -> None:
        run = self.connection.executemany
        if plan.subjects:
            now = self.updated_at
            run(_SQLITE_SUBJECT, [(*row, now) for row in plan.subjects])
        if plan.accounts:
            run(_SQLITE_ACCOUNT, plan.accounts)
        if plan.updates:
            run(_SQLITE_UPDATE, plan.updates)
        if plan.months:
            run(_SQLITE_MONTH, plan.months)
        if plan.events:
            run(_SQLITE_EVENT, plan.events)

    def close(self, failed: bool) -> None:
        # A connection setting, which a rollback would not undo.
        self.connection.execute(f"PRAGMA cache_size = {int(self._cache)}")


# --- PostgreSQL --------------------------------------------------------------------------


def _stage_types(dialect: Dialect) -> dict[str, str]:
    types = {"has_basic": "boolean", "account_id": "integer"}
    for model in (AccountMonth, AccountEvent, Account, Subject):
        for column in model.__table__.columns:
            types.setdefault(column.name, column.type.compile(dialect=dialect))
    return types


_STAGES = {
    "zx_stage_subject": SUBJECT_COLUMNS,
    "zx_stage_account": ACCOUNT_COLUMNS,
    "zx_stage_update": UPDATE_COLUMNS,
    "zx_stage_month": MONTH_COLUMNS,
    "zx_stage_event": EVENT_COLUMNS,
}
_PG_SUBJECT = (
    "INSERT INTO subject (id_type, id_number, name, updated_at) "
    "SELECT id_type, id_number, name, %(now)s FROM zx_stage_subject "
    "ON CONFLICT (id_type, id_number) DO UPDATE SET name = EXCLUDED.name, "
    "updated_at = EXCLUDED.updated_at WHERE subject.name IS DISTINCT FROM EXCLUDED.name"
)
# Each staged row finds its account (or subject) by a correlated lookup on the unique key:
# one index probe a row, whatever the planner believes of tables this transaction has grown
# (a join would let it scan the whole table once a chunk).
_ACCOUNT_OF_ROW = (
    "(SELECT a.id FROM account a WHERE a.institution_code = s.institution_code "
    "AND a.account_code = s.account_code)"
)
_PG_ACCOUNT = _sql(
    "INSERT INTO account (institution_code, account_code, subject_id, account_type, ",
    _names(ACCOUNT_COLUMNS[5:]),
    ") SELECT s.institution_code, s.account_code, ",
    "(SELECT j.id FROM subject j WHERE j.id_type = s.id_type AND j.id_number = s.id_number), ",
    "s.account_type, ",
    _names(ACCOUNT_COLUMNS[5:], "s."),
    " FROM zx_stage_account s",
)
_PG_UPDATE = _sql(
    "UPDATE account AS a SET ",
    _keep_or_take(_BASIC, "u.has_basic", ["u." + c for c in _BASIC], "a."),
    ", agreement_code = COALESCE(u.agreement_code, a.agreement_code), ",
    "close_date = COALESCE(u.close_date, a.close_date) ",
    "FROM zx_stage_update u WHERE a.id = u.account_id",
)
_PG_MONTH = _sql(
    "INSERT INTO account_month (account_id, ",
    _names(_MONTH_VALUES),
    ") SELECT ",
    _ACCOUNT_OF_ROW,
    ", ",
    _names(_MONTH_VALUES, "s."),
    " FROM zx_stage_month s ON CONFLICT (account_id, month) DO UPDATE SET ",
    _sets(_MONTH_VALUES[1:]),
    _LATER,
)
_PG_EVENT = _sql(
    "INSERT INTO account_event (account_id, ",
    _names(_EVENT_VALUES),
    ") SELECT ",
    _ACCOUNT_OF_ROW,
    ", ",
    _names(_EVENT_VALUES, "s."),
    " FROM zx_stage_event s ON CONFLICT (account_id, report_date) DO UPDATE SET ",
    _sets(_EVENT_VALUES[1:]),
)


class _PostgresWriter:
    def __init__(self, connection: Any, now: datetime, dialect: Dialect) -> None:
        self.connection = connection
        self.now = now
        types = _stage_types(dialect)
        with connection.cursor() as cursor:
            # The planner has no statistics for rows this transaction wrote, guesses them
            # expensive and compiles each statement to machine code (JIT), which then costs
            # far more than running it: not for statements a chunk at a time.
            cursor.execute("SHOW jit")
            self._jit = str(cursor.fetchone()[0])
            cursor.execute("SET LOCAL jit = off")
            for name, columns in _STAGES.items():
                listed = ", ".join(f"{c} {types[c]}" for c in columns)
                # Dropped when the transaction ends, committed or not: nothing outlives it.
                cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({listed}) ON COMMIT DROP")

    def write(self, plan: Plan) -> None:
        staged: list[tuple[str, list[Row], str, dict[str, Any] | None]] = [
            ("zx_stage_subject", plan.subjects, _PG_SUBJECT, {"now": self.now}),
            ("zx_stage_account", plan.accounts, _PG_ACCOUNT, None),
            ("zx_stage_update", plan.updates, _PG_UPDATE, None),
            ("zx_stage_month", plan.months, _PG_MONTH, None),
            ("zx_stage_event", plan.events, _PG_EVENT, None),
        ]
        with self.connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(_STAGES))
            for table, rows, _, _ in staged:
                if rows:
                    columns = ", ".join(_STAGES[table])
                    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            if plan.updates:
                cursor.execute("ANALYZE zx_stage_update")  # so that the join probes by key
            for _, rows, merge, params in staged:
                if rows:
                    cursor.execute(merge, params)

    def close(self, failed: bool) -> None:
        """The rest of the transaction plans as it did before (the staging tables go with
        the transaction, and so does the setting when it is rolled back)."""
        if failed:
            return
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('jit', %s, true)", (self._jit,))
