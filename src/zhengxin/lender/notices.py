"""Notices to subjects, and the adverse-information notice the law requires (art. 15).

A provider must tell the subject *before* it reports adverse information (overdue, bad debt).
The day-end job keeps, for every line and loan, its **adverse spells**: a spell starts on the
first day the account is overdue and ends on the first day it is not. When a spell starts, a
notice goes to the subject through the :class:`Notifier` port and is recorded (channel,
instant, content). The furnisher then sends a record carrying adverse information only when
the account's latest spell that began by the record's date has a notice sent at least the
product's ``adverse_notice_days`` before the file (0: any time before it).

Adapters: :class:`MemoryNotifier` (kept in the process), :class:`FileNotifier` (one JSON line
per notice) and :class:`ConsoleNotifier` (printed). A real deployment adds SMS or the app's
inbox behind the same port.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select

from zhengxin.kernel.identity import mask_id
from zhengxin.kernel.log import get_logger
from zhengxin.kernel.money import Money
from zhengxin.lender import billing, loans
from zhengxin.lender.delinquency import replay
from zhengxin.lender.models import AdverseSpell, CreditLine, Loan, Notice, Statement, Subject

if TYPE_CHECKING:
    from zhengxin.lender.service import LenderService

log = get_logger(__name__)

ADVERSE = "adverse"


@dataclass(frozen=True, slots=True)
class Message:
    """A notice on its way to a subject."""

    subject_name: str
    id_number: str
    account_code: str
    kind: str
    channel: str
    content: str
    sent_at: datetime


class Notifier(Protocol):
    """Where notices go: one call per notice."""

    channel: str

    def send(self, message: Message) -> None: ...


@dataclass
class MemoryNotifier:
    """Keeps the notices it was given, in order."""

    channel: str = "app"
    sent: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.sent.append(message)


@dataclass
class FileNotifier:
    """Appends each notice to a file as one JSON line (ID numbers masked)."""

    path: Path
    channel: str = "sms"

    def send(self, message: Message) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        row = asdict(message) | {
            "id_number": mask_id(message.id_number),
            "sent_at": message.sent_at.isoformat(),
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


@dataclass
class ConsoleNotifier:
    """Prints each notice through ``echo`` (``print`` by default)."""

    echo: Callable[[str], None] = print
    channel: str = "app"

    def send(self, message: Message) -> None:
        self.echo(f"[{message.channel} → {message.subject_name}] {message.content}")


def adverse_content(name: str, account_code: str, owed: Money, since: date) -> str:
    """The notice's text: what is overdue, since when, and what happens next."""
    return (
        f"尊敬的{name}：您的账户（尾号{account_code[-4:]}）自{since:%Y年%m月%d日}起逾期，"
        f"当前欠款{owed}。根据《征信业管理条例》第十五条，我司将向您授权的征信机构"
        "报送该不良信息。请尽快还款。"
        f" / Your account ending {account_code[-4:]} is overdue since {since}; {owed} is owed. "
        "Under art. 15 of the Credit Reporting Regulation we will report this adverse "
        "information to the bureaus you authorized. Please repay soon."
    )


def track_adverse(svc: LenderService, day: date) -> int:
    """Day-end: open a spell (and send its notice) for each account that became overdue,
    and close the spells of accounts that are no longer. Returns the notices sent."""
    open_spells = {
        s.account_code: s
        for s in svc.session.scalars(select(AdverseSpell).where(AdverseSpell.ended_on.is_(None)))
    }
    due_yesterday = set(
        svc.session.scalars(
            select(Statement.line_id).where(Statement.due_date == day - timedelta(days=1))
        )
    )
    sent = 0
    lines = [
        line
        for line in _lines(svc, due_yesterday, open_spells)
        if line.closed_on is None or line.account_code in open_spells
    ]
    for line, state in billing.line_states(svc, lines, day):
        sent += _step(svc, line, None, line.account_code, state.days_past_due, day, open_spells)
    for item in svc.repo.open_loans():
        product = svc.catalog.loan(item.product_code)
        dues = loans.loan_dues(item, product)
        if item.account_code not in open_spells and not any(
            d.due_date == day - timedelta(days=1) for d in dues
        ):
            continue
        dpd = replay(item.drawn_on, dues, loans.loan_payments(svc, item), day).days_past_due
        line = svc.repo.line_by_id(item.line_id)
        sent += _step(svc, line, item, item.account_code, dpd, day, open_spells)
    # Spells of loans settled in full end with the settlement.
    if open_spells:
        settled = svc.session.scalars(
            select(Loan.account_code).where(
                Loan.account_code.in_(list(open_spells)), Loan.settled_on.is_not(None)
            )
        )
        for code in settled:
            open_spells[code].ended_on = day
    svc.session.flush()
    return sent


def _lines(
    svc: LenderService, due_yesterday: set[int], open_spells: dict[str, AdverseSpell]
) -> Sequence[CreditLine]:
    if not due_yesterday and not open_spells:
        return []
    return svc.session.scalars(
        select(CreditLine)
        .where(CreditLine.id.in_(due_yesterday) | CreditLine.account_code.in_(list(open_spells)))
        .order_by(CreditLine.id)
    ).all()


def _step(
    svc: LenderService,
    line: CreditLine,
    loan: Loan | None,
    account_code: str,
    days_past_due: int,
    day: date,
    open_spells: dict[str, AdverseSpell],
) -> int:
    spell = open_spells.get(account_code)
    if days_past_due == 0:
        if spell is not None:
            spell.ended_on = day
        return 0
    if spell is not None:
        return 0
    since = day - timedelta(days=days_past_due - 1)
    owed = svc.owed(line, loan.id if loan is not None else None)
    subject = svc.repo.subject(line.subject_id)
    content = adverse_content(subject.name, account_code, owed, since)
    notice = send(svc, subject, account_code, ADVERSE, content)
    svc.session.add(AdverseSpell(account_code=account_code, started_on=since, notice_id=notice.id))
    return 1


def send(
    svc: LenderService, subject: Subject, account_code: str, kind: str, content: str
) -> Notice:
    """Send ``content`` to the subject through the service's notifier, and record it."""
    now = svc.clock.now()
    channel = svc.notifier.channel
    svc.notifier.send(
        Message(subject.name, subject.id_number, account_code, kind, channel, content, now)
    )
    notice = Notice(
        subject_id=subject.id,
        account_code=account_code,
        kind=kind,
        channel=channel,
        content=content,
        sent_at=now,
    )
    svc.session.add(notice)
    svc.session.flush()
    log.info("notice.sent", account=account_code, kind=kind, channel=channel)
    return notice


def noticed_by(
    svc: LenderService, account_codes: list[str], as_of: date
) -> dict[str, tuple[date, datetime]]:
    """For each account, its latest spell begun by ``as_of``: (start, notice sent at)."""
    out: dict[str, tuple[date, datetime]] = {}
    for start in range(0, len(account_codes), 2000):
        rows = svc.session.execute(
            select(AdverseSpell.account_code, AdverseSpell.started_on, Notice.sent_at)
            .join(Notice, Notice.id == AdverseSpell.notice_id)
            .where(
                AdverseSpell.account_code.in_(account_codes[start : start + 2000]),
                AdverseSpell.started_on <= as_of,
            )
            .order_by(AdverseSpell.account_code, AdverseSpell.started_on)
        )
        for code, started_on, sent_at in rows:
            out[code] = (started_on, sent_at)
    return out
