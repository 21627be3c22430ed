"""How long the bureau keeps adverse information (art. 16), and the job that deletes it.

Adverse (不良) information is kept five years from the day the adverse act or event ended, then
deleted. The rule is a pure function of one account's history and a date:

* A record is adverse when its repayment status is 1-7 (overdue), B (bad debt), D (paid by a
  guarantor) or Z (settled with assets), or its account status is 2 (overdue) or 41/42/51/52
  (bad debt).
* A **spell** is a maximal run of consecutive adverse records of one account, months and
  non-monthly events taken together in report-date order (a month before an event on a shared
  report date). A gap of missing months does not break a run.
* A spell **ends** at the first non-adverse record after it, on the day that record says the
  adverse episode ended: the closing date when it carries one (a closure after bad debt);
  otherwise, for an event (such as a 40 recovery), its last repayment date, or else its report
  date; for a month, its last repayment date when that falls after the last adverse record's
  report date and not after this month's report date, else this month's report date. The day is
  never before the last adverse record's report date nor after the ending record's. A spell
  with no non-adverse record after it has not ended, and is kept until it does.
* An ended spell **expires** on the day it ended plus five years (29 February → 28 February): a
  report made the day before still shows it, a report made that day does not. An expired
  spell hides every month from its first adverse month to its last, and every event reported
  between its first month's first day and the day it ended, both inclusive (the record of the
  recovery belongs to the adverse episode).
* Nothing that belongs to a spell not yet expired is hidden, whatever an older spell's range
  covers; so nothing of a spell that has not ended is ever hidden.

:func:`shown` applies the rule for a report made on a given day; :func:`purge` deletes from the
store exactly what :func:`shown` hides on the clock's day, and writes an audit line for each
account it deleted data of.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Month:
...     month: date; report_date: date; repayment_status: str; account_status: str
...     last_repayment_date: date; close_date: date | None = None
>>> history = [
...     Month(date(2024, 2, 1), date(2024, 2, 29), "N", "1", date(2024, 2, 10)),
...     Month(date(2024, 3, 1), date(2024, 3, 31), "1", "2", date(2024, 2, 10)),
...     Month(date(2024, 4, 1), date(2024, 4, 30), "N", "1", date(2024, 4, 5)),
... ]
>>> [spell.expires_on for spell in spells(history, [])]
[datetime.date(2029, 4, 5)]
>>> [m.month.month for m in shown(history, [], date(2029, 4, 5))[0]]
[2, 4]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, TypeVar, cast

from sqlalchemy import Date, delete, literal, null, or_, select, union, union_all
from sqlalchemy.orm import Session

from zhengxin.bureau.audit import Action, Actor, AuditLog
from zhengxin.bureau.models import Account, AccountEvent, AccountMonth
from zhengxin.codes import BAD_DEBT_ACCOUNT_STATUSES, AccountStatus, RepaymentStatus
from zhengxin.kernel.clock import Clock, add_months
from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.log import get_logger

log = get_logger(__name__)

RETENTION_YEARS = 5
"""Art. 16: adverse information is kept this many years after the adverse episode ended."""

ADVERSE_REPAYMENT_STATUSES = frozenset(s.value for s in RepaymentStatus if s.is_adverse)
"""Repayment statuses that are adverse (art. 44): 1-7, B, D, Z."""

ADVERSE_ACCOUNT_STATUSES = BAD_DEBT_ACCOUNT_STATUSES | {AccountStatus.OVERDUE.value}
"""Account statuses that are adverse: overdue (2) and bad debt (41, 42, 51, 52)."""

WHY = "art. 16: adverse information kept 5 years after it ended"

_DELETE_CHUNK = 1_000
"""Ids per DELETE statement: well under every backend's limit on bound parameters."""


# --- storage ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredMonth:
    """The facts of a stored month that the rule reads, with the row's id."""

    id: int
    account_id: int
    month: date
    report_date: date
    repayment_status: str
    account_status: str
    last_repayment_date: date
    close_date: date | None


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """The facts of a stored non-monthly report that the rule reads, with the row's id."""

    id: int
    account_id: int
    report_date: date
    repayment_status: str | None
    account_status: str
    last_repayment_date: date | None
    close_date: date | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """An account that may hold adverse information old enough to have expired."""

    account_id: int
    subject_id: int
    institution_code: str
    account_code: str


_MONTH_ROW, _EVENT_ROW = 0, 1

_HistoryRow = tuple[int, int, int, date | None, date, str | None, str, date | None, date | None]
"""kind, id, account id, month (None for an event), report date, repayment status, account
status, last repayment date, close date."""


class RetentionRepository:
    """The queries of the retention job: a set at a time, never an account at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(self, reported_by: date) -> list[Candidate]:
        """The accounts with an adverse month or event reported on or before ``reported_by``,
        in account order."""
        adverse_months = select(AccountMonth.account_id).where(
            or_(
                AccountMonth.repayment_status.in_(ADVERSE_REPAYMENT_STATUSES),
                AccountMonth.account_status.in_(ADVERSE_ACCOUNT_STATUSES),
            ),
            AccountMonth.report_date <= reported_by,
        )
        adverse_events = select(AccountEvent.account_id).where(
            or_(
                AccountEvent.repayment_status.in_(ADVERSE_REPAYMENT_STATUSES),
                AccountEvent.account_status.in_(ADVERSE_ACCOUNT_STATUSES),
            ),
            AccountEvent.report_date <= reported_by,
        )
        adverse = union(adverse_months, adverse_events).subquery()
        rows = self.session.execute(
            select(Account.id, Account.subject_id, Account.institution_code, Account.account_code)
            .where(Account.id.in_(select(adverse.c.account_id)))
            .order_by(Account.id)
        ).all()
        return [Candidate(*row) for row in rows]

    def histories(
        self, account_ids: Sequence[int]
    ) -> dict[int, tuple[list[StoredMonth], list[StoredEvent]]]:
        """The months and events of the accounts (one statement), by account id."""
        months = select(
            literal(_MONTH_ROW).label("kind"),
            AccountMonth.id,
            AccountMonth.account_id,
            AccountMonth.month,
            AccountMonth.report_date,
            AccountMonth.repayment_status,
            AccountMonth.account_status,
            AccountMonth.last_repayment_date,
            AccountMonth.close_date,
        ).where(AccountMonth.account_id.in_(account_ids))
        events = select(
            literal(_EVENT_ROW),
            AccountEvent.id,
            AccountEvent.account_id,
            null().cast(Date),
            AccountEvent.report_date,
            AccountEvent.repayment_status,
            AccountEvent.account_status,
            AccountEvent.last_repayment_date,
            AccountEvent.close_date,
        ).where(AccountEvent.account_id.in_(account_ids))
        found: dict[int, tuple[list[StoredMonth], list[StoredEvent]]] = {
            account_id: ([], []) for account_id in account_ids
        }
        # The two halves share one column list, so the rows come back as plain tuples of it.
        rows = cast(Sequence[_HistoryRow], self.session.execute(union_all(months, events)).all())
        for kind, id_, account_id, month, reported, repayment, status, repaid, closed in rows:
            if kind == _MONTH_ROW:
                assert month is not None and repayment is not None and repaid is not None
                found[account_id][0].append(
                    StoredMonth(id_, account_id, month, reported, repayment, status, repaid, closed)
                )
            else:
                found[account_id][1].append(
                    StoredEvent(id_, account_id, reported, repayment, status, repaid, closed)
                )
        return found

    def delete_months(self, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), _DELETE_CHUNK):
            chunk = ids[start : start + _DELETE_CHUNK]
            self.session.execute(delete(AccountMonth).where(AccountMonth.id.in_(chunk)))

    def delete_events(self, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), _DELETE_CHUNK):
            chunk = ids[start : start + _DELETE_CHUNK]
            self.session.execute(delete(AccountEvent).where(AccountEvent.id.in_(chunk)))


# --- the rule -----------------------------------------------------------------------------


class MonthFacts(Protocol):
    """What the rule reads of a month of an account's history (``AccountMonth`` has it)."""

    @property
    def month(self) -> date: ...
    @property
    def report_date(self) -> date: ...
    @property
    def repayment_status(self) -> str: ...
    @property
    def account_status(self) -> str: ...
    @property
    def last_repayment_date(self) -> date: ...
    @property
    def close_date(self) -> date | None: ...


class EventFacts(Protocol):
    """What the rule reads of a non-monthly report (``AccountEvent`` has it)."""

    @property
    def report_date(self) -> date: ...
    @property
    def repayment_status(self) -> str | None: ...
    @property
    def account_status(self) -> str: ...
    @property
    def last_repayment_date(self) -> date | None: ...
    @property
    def close_date(self) -> date | None: ...


M = TypeVar("M", bound=MonthFacts)
E = TypeVar("E", bound=EventFacts)


@dataclass(frozen=True, slots=True)
class Spell:
    """One adverse episode of an account: its first and last adverse month and the day it ended.

    >>> Spell(date(2024, 1, 1), date(2024, 2, 1), date(2024, 2, 29)).expires_on
    datetime.date(2029, 2, 28)
    >>> Spell(date(2024, 1, 1), date(2024, 2, 1), None).expires_on is None
    True
    """

    first_month: date
    """The first day of the first adverse month."""
    last_month: date
    """The first day of the last adverse month."""
    ended_on: date | None
    """The day the adverse episode ended; None while it has not."""

    @property
    def expires_on(self) -> date | None:
        """The first day a report no longer shows the spell: five years after it ended, 29
        February falling on 28 February; None while it has not ended."""
        if self.ended_on is None:
            return None
        return add_months(self.ended_on, RETENTION_YEARS * 12)


def is_adverse(repayment_status: str | None, account_status: str) -> bool:
    """Whether a record carries adverse information (art. 44).

    >>> is_adverse("1", "1"), is_adverse("N", "2"), is_adverse("N", "1"), is_adverse(None, "42")
    (True, True, False, True)
    """
    return (
        repayment_status in ADVERSE_REPAYMENT_STATUSES or account_status in ADVERSE_ACCOUNT_STATUSES
    )


_MONTH, _EVENT = 0, 1


@dataclass(frozen=True, slots=True)
class _Entry:
    """A month or an event, placed in the account's report-date order."""

    report_date: date
    kind: int
    month: date
    index: int
    adverse: bool
    last_repayment_date: date | None
    close_date: date | None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _entries(months: Sequence[MonthFacts], events: Sequence[EventFacts]) -> list[_Entry]:
    entries = [
        _Entry(
            m.report_date,
            _MONTH,
            _month_start(m.month),
            i,
            is_adverse(m.repayment_status, m.account_status),
            m.last_repayment_date,
            m.close_date,
        )
        for i, m in enumerate(months)
    ]
    entries.extend(
        _Entry(
            e.report_date,
            _EVENT,
            _month_start(e.report_date),
            i,
            is_adverse(e.repayment_status, e.account_status),
            e.last_repayment_date,
            e.close_date,
        )
        for i, e in enumerate(events)
    )
    entries.sort(key=lambda e: (e.report_date, e.kind, e.month, e.index))
    return entries


def _ended_on(last_adverse: date, ending: _Entry) -> date:
    """The day the non-adverse record ``ending`` says the episode ended."""
    if ending.close_date is not None:
        day = ending.close_date
    elif ending.kind == _EVENT:
        day = ending.last_repayment_date or ending.report_date
    else:
        repaid = ending.last_repayment_date
        in_between = repaid is not None and last_adverse < repaid <= ending.report_date
        day = repaid if in_between and repaid is not None else ending.report_date
    # Inconsistent dates must neither end a spell before its last adverse report nor keep it
    # past the record that ended it; this also keeps every spell's records inside its range.
    return max(last_adverse, min(day, ending.report_date))


def _runs(
    months: Sequence[MonthFacts], events: Sequence[EventFacts]
) -> list[tuple[Spell, list[_Entry]]]:
    """Each spell with the adverse records that make it up, in report-date order."""
    found: list[tuple[Spell, list[_Entry]]] = []
    run: list[_Entry] = []

    def spell(ended_on: date | None) -> Spell:
        return Spell(min(e.month for e in run), max(e.month for e in run), ended_on)

    for entry in _entries(months, events):
        if entry.adverse:
            run.append(entry)
        elif run:
            found.append((spell(_ended_on(run[-1].report_date, entry)), run))
            run = []
    if run:
        found.append((spell(None), run))
    return found


def spells(months: Sequence[MonthFacts], events: Sequence[EventFacts]) -> tuple[Spell, ...]:
    """The adverse spells of one account's history, in report-date order."""
    return tuple(spell for spell, _ in _runs(months, events))


def _expired(spell: Spell, today: date) -> bool:
    expires_on = spell.expires_on
    return expires_on is not None and expires_on <= today


def _hidden(
    months: Sequence[MonthFacts], events: Sequence[EventFacts], today: date
) -> tuple[list[bool], list[bool]]:
    """For each month and each event, whether a report made on ``today`` hides it."""
    hidden_months = [False] * len(months)
    hidden_events = [False] * len(events)
    expired: list[Spell] = []
    kept: set[tuple[int, int]] = set()
    for spell, members in _runs(months, events):
        if _expired(spell, today):
            expired.append(spell)
        else:
            kept.update((entry.kind, entry.index) for entry in members)
    for spell in expired:
        assert spell.ended_on is not None
        for i, m in enumerate(months):
            if spell.first_month <= _month_start(m.month) <= spell.last_month:
                hidden_months[i] = (_MONTH, i) not in kept
        for i, e in enumerate(events):
            if spell.first_month <= e.report_date <= spell.ended_on:
                hidden_events[i] = (_EVENT, i) not in kept
    return hidden_months, hidden_events


def shown(months: Sequence[M], events: Sequence[E], today: date) -> tuple[list[M], list[E]]:
    """The months and events of one account a report made on ``today`` may show: all but what
    expired spells hide, in the order given."""
    hidden_months, hidden_events = _hidden(months, events, today)
    return (
        [m for m, hidden in zip(months, hidden_months, strict=True) if not hidden],
        [e for e, hidden in zip(events, hidden_events, strict=True) if not hidden],
    )


# --- the purge job ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purged:
    """What one purge deleted: accounts it deleted data of, months and events deleted."""

    accounts: int
    months: int
    events: int


def _latest_adverse_report(today: date) -> date:
    """The latest report date an adverse record may carry and yet belong to a spell expired by
    ``today``: a spell ends no earlier than its last adverse report. Five years back from
    ``today``, plus the day that 29 February adds when five years later falls on 28 February."""
    return add_months(today, -RETENTION_YEARS * 12) + timedelta(days=1)


def purge(session: Session, clock: Clock, batch: int = 1_000) -> Purged:
    """Delete, for every account, what a report made on ``clock.today()`` no longer shows, and
    write one audit line for each account whose data went. The caller owns the transaction;
    a second run on the same day deletes nothing."""
    if batch < 1:
        raise InvalidInput("retention.batch", f"a batch must hold at least 1 account; got {batch}")
    today = clock.today()
    repository = RetentionRepository(session)
    audit = AuditLog(session, clock)
    candidates = repository.candidates(_latest_adverse_report(today))
    accounts = months_deleted = events_deleted = 0
    for start in range(0, len(candidates), batch):
        chunk = candidates[start : start + batch]
        histories = repository.histories([c.account_id for c in chunk])
        month_ids: list[int] = []
        event_ids: list[int] = []
        touched: list[tuple[Candidate, int, int]] = []
        for candidate in chunk:
            months, events = histories[candidate.account_id]
            hidden_months, hidden_events = _hidden(months, events, today)
            gone_months = [m.id for m, hidden in zip(months, hidden_months, strict=True) if hidden]
            gone_events = [e.id for e, hidden in zip(events, hidden_events, strict=True) if hidden]
            if gone_months or gone_events:
                month_ids.extend(gone_months)
                event_ids.extend(gone_events)
                touched.append((candidate, len(gone_months), len(gone_events)))
        repository.delete_months(month_ids)
        repository.delete_events(event_ids)
        for candidate, n, k in touched:
            # An institution code is 14 characters and an account code at most 60, so the line
            # stays well inside the log's 200.
            audit.record(
                Actor.BUREAU.value,
                Action.WRITE,
                what=(
                    f"purged {n} months, {k} events of account "
                    f"{candidate.institution_code}/{candidate.account_code}"
                ),
                why=WHY,
                subject_id=candidate.subject_id,
            )
        accounts += len(touched)
        months_deleted += len(month_ids)
        events_deleted += len(event_ids)
    session.flush()
    log.info(
        "retention.purged",
        on=today.isoformat(),
        candidates=len(candidates),
        accounts=accounts,
        months=months_deleted,
        events=events_deleted,
    )
    return Purged(accounts, months_deleted, events_deleted)
