"""The credit report (二代个人信用报告), assembled from the bureau's store.

:class:`ReportService` reads everything one subject's report needs set-based, one statement per
table whatever the number of accounts: the accounts; their months and non-monthly reports of the
last five years; their special events; the agreements; the latest basic information; the
answered inquiries of the last two years; disputes; statements; the institutions' names. What a
report shows of an account's months and non-monthly reports then goes through the retention
rule (:func:`zhengxin.bureau.retention.shown`, art. 16). The sections are the values of
:mod:`zhengxin.bureau.report_parts`, built by :mod:`zhengxin.bureau.report_build`.

Renderings: :func:`report_json` here, text in :mod:`zhengxin.bureau.render`, HTML in
:mod:`zhengxin.bureau.html`; the published JSON schema in :mod:`zhengxin.bureau.schema`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhengxin.bureau.audit import Action, Actor, AuditLog
from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    Agreement,
    Dispute,
    Inquiry,
    Institution,
    SpecialEvent,
    Statement,
    Subject,
    SubjectInfo,
)
from zhengxin.bureau.people import known_subject
from zhengxin.bureau.report_build import (
    GRID_MONTHS,
    HISTORY_MONTHS,
    NO_RECORD,
    QUERY_MONTHS,
    account_section,
    agreement_section,
    dispute_mark,
    dispute_view,
    identity_section,
    query_record,
    statement_view,
    summary_section,
)
from zhengxin.bureau.report_parts import (
    AccountSection,
    CreditReport,
    DisputeMark,
    QueryHeader,
    QueryRecords,
    SelfQueryRecord,
    StatementView,
)
from zhengxin.bureau.repository import BureauRepository
from zhengxin.bureau.retention import shown
from zhengxin.codes import IdType
from zhengxin.kernel.clock import CHINA, Clock, add_months, china_time
from zhengxin.kernel.errors import InvalidInput

__all__ = [
    "GRID_MONTHS",
    "HISTORY_MONTHS",
    "NO_RECORD",
    "OPERATOR",
    "QUERY_MONTHS",
    "AccountSection",
    "CreditReport",
    "QueryHeader",
    "ReportRepository",
    "ReportService",
    "report_json",
    "report_number",
]

OPERATOR = "运营查询 operator"
"""Who asks when the bureau's own operator reads a report (not an inquiry: no query record)."""


class ReportRepository:
    """The statements one report is read with: one per table for the whole subject."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def accounts(self, subject_id: int) -> Sequence[Account]:
        return self.session.scalars(
            select(Account).where(Account.subject_id == subject_id).order_by(Account.id)
        ).all()

    def months(self, account_ids: Collection[int]) -> Sequence[AccountMonth]:
        """The accounts' months, by account and month."""
        return self.session.scalars(
            select(AccountMonth)
            .where(AccountMonth.account_id.in_(account_ids))
            .order_by(AccountMonth.account_id, AccountMonth.month)
        ).all()

    def events(self, account_ids: Collection[int]) -> Sequence[AccountEvent]:
        """The accounts' non-monthly reports, by account and date."""
        return self.session.scalars(
            select(AccountEvent)
            .where(AccountEvent.account_id.in_(account_ids))
            .order_by(AccountEvent.account_id, AccountEvent.report_date)
        ).all()

    def special_events(self, account_ids: Collection[int]) -> Sequence[SpecialEvent]:
        """The special events in force (a withdrawn one stays held, not in force)."""
        return self.session.scalars(
            select(SpecialEvent)
            .where(SpecialEvent.account_id.in_(account_ids), SpecialEvent.effective.is_(True))
            .order_by(SpecialEvent.account_id, SpecialEvent.month, SpecialEvent.event_type)
        ).all()

    def agreements(self, subject_id: int) -> Sequence[Agreement]:
        return self.session.scalars(
            select(Agreement).where(Agreement.subject_id == subject_id).order_by(Agreement.id)
        ).all()

    def latest_info(self, subject_id: int) -> SubjectInfo | None:
        """The basic information of the most recent record 110 any institution sent."""
        return self.session.scalar(
            select(SubjectInfo)
            .where(SubjectInfo.subject_id == subject_id)
            .order_by(SubjectInfo.report_date.desc(), SubjectInfo.id.desc())
            .limit(1)
        )

    def inquiries(
        self, subject_id: int, since: datetime, until: datetime, leave_out: int | None
    ) -> Sequence[Inquiry]:
        """Answered inquiries asked from ``since`` to ``until`` inclusive, newest first, but
        ``leave_out`` (the inquiry a report answers)."""
        query = select(Inquiry).where(
            Inquiry.subject_id == subject_id,
            Inquiry.asked_at >= since,
            Inquiry.asked_at <= until,
            Inquiry.outcome == "answered",
        )
        if leave_out is not None:
            query = query.where(Inquiry.id != leave_out)
        return self.session.scalars(
            query.order_by(Inquiry.asked_at.desc(), Inquiry.id.desc())
        ).all()

    def disputes(self, subject_id: int) -> Sequence[Dispute]:
        return self.session.scalars(
            select(Dispute).where(Dispute.subject_id == subject_id).order_by(Dispute.id)
        ).all()

    def statements(self, subject_id: int, at: datetime) -> Sequence[Statement]:
        """The statements not withdrawn at ``at``."""
        return self.session.scalars(
            select(Statement)
            .where(
                Statement.subject_id == subject_id,
                or_(Statement.withdrawn_at.is_(None), Statement.withdrawn_at > at),
            )
            .order_by(Statement.added_at, Statement.id)
        ).all()

    def institutions(self, codes: Collection[str]) -> dict[str, Institution]:
        if not codes:
            return {}
        found = self.session.scalars(select(Institution).where(Institution.code.in_(codes)))
        return {i.code: i for i in found}


def report_number(now: datetime, subject_id: int, sequence: int) -> str:
    """报告编号: the time in China to the second, the subject's id (its last 6 digits) and a
    sequence (its last 10 digits), 30 digits. Unique while the sequence (an inquiry's id)
    grows by fewer than 10^10 within one second.

    >>> from zhengxin.kernel.clock import china_time
    >>> from datetime import time
    >>> report_number(china_time(date(2025, 3, 1), time(9, 30, 5)), 42, 7)
    '202503010930050000420000000007'
    """
    if now.tzinfo is None or subject_id < 0 or sequence < 0:
        raise InvalidInput(
            "report.number",
            "a report number needs an aware instant and non-negative subject id and sequence; "
            f"got {now!r}, {subject_id}, {sequence}",
        )
    stamp = now.astimezone(CHINA).strftime("%Y%m%d%H%M%S")
    return f"{stamp}{subject_id % 10**6:06d}{sequence % 10**10:010d}"


def report_json(report: CreditReport) -> str:
    """The report as JSON, as ``docs/report.schema.json`` describes it."""
    return report.model_dump_json(indent=2)


@dataclass
class _Rows:
    """Everything one report is built from, as read."""

    accounts: Sequence[Account]
    months: dict[int, list[AccountMonth]] = field(default_factory=lambda: defaultdict(list))
    events: dict[int, list[AccountEvent]] = field(default_factory=lambda: defaultdict(list))
    specials: dict[int, list[SpecialEvent]] = field(default_factory=lambda: defaultdict(list))
    agreements: Sequence[Agreement] = ()
    info: SubjectInfo | None = None
    inquiries: Sequence[Inquiry] = ()
    disputes: Sequence[Dispute] = ()
    statements: Sequence[Statement] = ()
    institutions: dict[str, Institution] = field(default_factory=dict)


class ReportService:
    """Assembles reports from one bureau's store."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = ReportRepository(session)

    def report_for(
        self,
        id_number: str,
        id_type: IdType = IdType.RESIDENT_ID,
        why: str = "the bureau's review of the history it holds",
    ) -> CreditReport:
        """The report for a person, by ID number, as the bureau's operator sees it (运营查询:
        not an inquiry, so it leaves no query record, but a line in the audit log, ``why``)."""
        subject = known_subject(BureauRepository(self.session), id_type.value, id_number)
        now = self.clock.now()
        header = QueryHeader(
            asked_at=now,
            institution_code=None,
            institution_name=OPERATOR,
            institution_kind=None,
            reason=None,
            reason_label=OPERATOR,
            self_query=False,
        )
        sequence = int(now.strftime("%f"))  # two operator views in one second differ
        return self.assemble(subject, header, report_number(now, subject.id, sequence), why)

    def assemble(
        self,
        subject: Subject,
        query: QueryHeader,
        report_number: str,
        why: str,
        inquiry_id: int | None = None,
    ) -> CreditReport:
        """The report on ``subject`` for ``query``, as of the clock's time, and the audit
        line of the read: by the institution that asked, the subject, or the operator, for
        ``why``. Query records and counts take the answered inquiries asked up to
        ``query.asked_at``, but ``inquiry_id``, the one this report answers."""
        if query.asked_at.tzinfo is None:
            raise InvalidInput(
                "report.query_time", f"the query's time must carry a zone; got {query.asked_at!r}"
            )
        now = self.clock.now()
        today = self.clock.today()
        report_month = today.replace(day=1)
        # Each account shows its own last five years, ending with its latest month: a closed
        # account's history does not fade with the calendar. Adverse information leaves a
        # report by the retention rule alone (art. 16), on the day it expires.
        since_month = date.min
        query_since = add_months(today, -QUERY_MONTHS)
        rows = self._load(subject.id, query_since, query.asked_at, now, inquiry_id)
        names = {code: i.name for code, i in rows.institutions.items()}
        kinds = {code: i.kind for code, i in rows.institutions.items()}

        by_account = {a.id: a for a in rows.accounts}
        account_marks: dict[int, list[DisputeMark]] = defaultdict(list)
        query_marks: dict[int, DisputeMark] = {}
        for d in rows.disputes:
            if d.account_id is not None:
                account_marks[d.account_id].append(dispute_mark(d))
            if d.inquiry_id is not None:
                query_marks[d.inquiry_id] = dispute_mark(d)
        statements = [statement_view(s, by_account) for s in rows.statements]
        attached: dict[int, list[StatementView]] = defaultdict(list)
        for row, view in zip(rows.statements, statements, strict=True):
            if row.account_id is not None:
                attached[row.account_id].append(view)

        histories: list[tuple[AccountSection, list[AccountMonth]]] = []
        for account in rows.accounts:
            months, events = shown(rows.months[account.id], rows.events[account.id], today)
            section = account_section(
                account,
                names.get(account.institution_code, account.institution_code),
                months,
                events,
                rows.specials[account.id],
                (since_month, report_month),
                account_marks[account.id],
                attached[account.id],
            )
            # The summary counts what the 5-year history shows, not what the store holds.
            recent = [m for m in months if m.month >= section.five_year_start]
            histories.append((section, recent))
        agreements = [agreement_section(a, names) for a in rows.agreements]
        inquiries = rows.inquiries
        report = CreditReport(
            report_number=report_number,
            generated_at=now,
            report_date=today,
            query=query,
            identity=identity_section(subject, rows.info, names),
            summary=summary_section(histories, agreements, inquiries, today),
            accounts=tuple(section for section, _ in histories),
            agreements=tuple(agreements),
            statements=tuple(statements),
            disputes=tuple(
                dispute_view(d, by_account, {i.id: i for i in inquiries}, names, today)
                for d in rows.disputes
            ),
            query_records=QueryRecords(
                since=query_since,
                institutional=tuple(
                    query_record(i, names, kinds, query_marks.get(i.id))
                    for i in inquiries
                    if not i.self_query
                ),
                self_queries=tuple(
                    SelfQueryRecord(asked_on=i.asked_on, chargeable=i.chargeable)
                    for i in inquiries
                    if i.self_query
                ),
            ),
        )
        if query.self_query:
            actor = Actor.SUBJECT.value
        elif query.institution_code is not None:
            actor = query.institution_code
        else:
            actor = Actor.OPERATOR.value
        AuditLog(self.session, self.clock).record(
            actor, Action.READ, f"credit report {report_number}", why, subject.id
        )
        return report

    def _load(
        self,
        subject_id: int,
        query_since: date,
        asked_at: datetime,
        now: datetime,
        inquiry_id: int | None,
    ) -> _Rows:
        rows = _Rows(self.repo.accounts(subject_id))
        ids = [a.id for a in rows.accounts]
        if ids:
            for m in self.repo.months(ids):
                rows.months[m.account_id].append(m)
            for e in self.repo.events(ids):
                rows.events[e.account_id].append(e)
            for s in self.repo.special_events(ids):
                rows.specials[s.account_id].append(s)
        rows.agreements = self.repo.agreements(subject_id)
        rows.info = self.repo.latest_info(subject_id)
        # The instant bounds use the index; the business date decides at the edges.
        rows.inquiries = [
            i
            for i in self.repo.inquiries(
                subject_id, china_time(query_since), asked_at.astimezone(UTC), inquiry_id
            )
            if i.asked_on >= query_since
        ]
        rows.disputes = self.repo.disputes(subject_id)
        rows.statements = self.repo.statements(subject_id, now)
        codes = {a.institution_code for a in rows.accounts}
        codes |= {a.institution_code for a in rows.agreements}
        codes |= {d.institution_code for d in rows.disputes}
        codes |= {i.institution_code for i in rows.inquiries if i.institution_code}
        if rows.info is not None:
            codes.add(rows.info.institution_code)
        rows.institutions = self.repo.institutions(codes)
        return rows
