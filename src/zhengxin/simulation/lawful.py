"""After the simulated months: reading a person's report under the law, in one story.

李娜 (the demo's ``overdue`` persona) missed three bills in 2024 and caught up. When the story
starts, the day after the simulation ends:

1. **A mortgage inquiry.** 示例商业银行 asks the CRC for her report to approve a mortgage (02)
   without her signature: refused (``inquiry.no_authorization``), recorded, audited, and not in
   her query records. She signs the bank's authorization, the bank lodges it, asks again and is
   answered.
2. **Self-queries.** She reads her own report three times that year: the third is chargeable.
3. **A dispute (art. 25).** She disputes the first month of her overdue spell (否认逾期): her
   repayment reached the lender on the due day and was posted late. Her report shows the
   mark at once. The lender sees the task, finds she is right, and sends a 212 correcting that
   month's performance; the bureau takes it in, the lender answers "corrected" naming the file,
   the bureau closes the dispute, and the month on her report changes. She adds a statement.
4. **Retention (art. 16).** Her adverse spell shows on the report the day before it is five
   years old and is gone on the day; the purge job then deletes it.
5. **Audit (art. 22).** The chain verifies, and she sees every institution that read her data.

The story is a function returning what happened, so that the demo prints it and the tests
check it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from zhengxin.bureau.audit import AuditLog, Reading, Verdict, verify
from zhengxin.bureau.disputes import DisputeAnswer, DisputeDesk, DisputeTask
from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.inquiries import Answer, Ask, AuthorizationFiling, InquiryDesk
from zhengxin.bureau.models import Account, Dispute, Statement
from zhengxin.bureau.outcome import IngestResult
from zhengxin.bureau.report import AccountSection, CreditReport
from zhengxin.bureau.repository import BureauRepository
from zhengxin.bureau.retention import Purged, Spell, purge, spells
from zhengxin.codes import (
    AccountStatus,
    DisputeType,
    FiveCategory,
    RepaymentStatus,
    StatementType,
)
from zhengxin.furnishing.service import Furnisher
from zhengxin.kernel.db import unit_of_work
from zhengxin.simulation.personas import Persona
from zhengxin.simulation.world import BANK_CODE, LENDER_CODE, World

BANK_DOCUMENT = """示例商业银行个人征信查询授权书
本人授权示例商业银行向中国人民银行征信中心查询本人信用报告，用于个人住房贷款审批。
I authorize Example Commercial Bank to query my credit report at the CRC to approve my mortgage.
"""
BANK_REFERENCE = "MTG-2026-000001"
PERSON = "overdue"
MORTGAGE = "02"


@dataclass
class LawStory:
    """What happened, step by step."""

    person: Persona
    id_number: str
    refused: Answer
    answered: Answer
    self_queries: list[Answer] = field(default_factory=list)
    disputed_account: str = ""
    disputed_month: date | None = None
    filed: Dispute | None = None
    marked: CreditReport | None = None
    tasks: list[DisputeTask] = field(default_factory=list)
    correction: Path | None = None
    correction_result: IngestResult | None = None
    closed: Dispute | None = None
    corrected: CreditReport | None = None
    statement: Statement | None = None
    spell: Spell | None = None
    before_expiry: CreditReport | None = None
    after_expiry: CreditReport | None = None
    purged: Purged | None = None
    audit: Verdict | None = None
    readers: list[Reading] = field(default_factory=list)

    @property
    def reports(self) -> list[CreditReport]:
        """Every report the story made."""
        out = [a.report for a in (self.answered, *self.self_queries) if a.report is not None]
        out += [
            r
            for r in (self.marked, self.corrected, self.before_expiry, self.after_expiry)
            if r is not None
        ]
        return out


def run_story(world: World) -> LawStory:
    """Play the story on the world's CRC, starting the day after the world's clock."""
    person = next(p for p in world.people if p.key == PERSON)
    number = world.id_number(person)
    crc = world.bureaus["CRC"]
    day = world.clock.today() + timedelta(days=1)

    # 1. the bank's mortgage inquiry, without and with her signature
    world.clock.set_date(day)
    ask = Ask(BANK_CODE, number, MORTGAGE, None)
    with unit_of_work(crc) as s:
        refused = InquiryDesk(s, world.clock).ask(ask)
    sha = hashlib.sha256(BANK_DOCUMENT.encode()).hexdigest()
    with unit_of_work(crc) as s:
        InquiryDesk(s, world.clock).lodge(
            AuthorizationFiling(
                institution_code=BANK_CODE,
                reference=BANK_REFERENCE,
                id_number=number,
                name=person.name,
                document="示例商业银行个人征信查询授权书 v1",
                document_sha256=sha,
                signed_on=day,
                scope="query",
                purposes=(MORTGAGE,),
            )
        )
    with unit_of_work(crc) as s:
        answered = InquiryDesk(s, world.clock).ask(
            Ask(BANK_CODE, number, MORTGAGE, BANK_REFERENCE, sha)
        )
    story = LawStory(person, number, refused, answered)

    # 2. three self-queries in one year
    for offset in range(3):
        world.clock.set_date(day + timedelta(days=offset))
        with unit_of_work(crc) as s:
            story.self_queries.append(InquiryDesk(s, world.clock).self_query(number))

    # 3. a dispute, marked at once, corrected by the lender, closed by the bureau
    day += timedelta(days=3)
    world.clock.set_date(day)
    first = _first_overdue(story.self_queries[-1].report)
    if first is not None:
        section, month = first
        story.disputed_account, story.disputed_month = section.account_code, month
        _dispute(world, story, section.institution_code)

    # 4. five years after the spell ended
    story.spell = _last_spell(world, number)
    if story.spell is not None and story.spell.expires_on is not None:
        expiry = story.spell.expires_on
        world.clock.set_date(expiry - timedelta(days=1))
        with unit_of_work(crc) as s:
            story.before_expiry = InquiryDesk(s, world.clock).self_query(number).report
        world.clock.set_date(expiry)
        with unit_of_work(crc) as s:
            story.after_expiry = InquiryDesk(s, world.clock).self_query(number).report
        with unit_of_work(crc) as s:
            story.purged = purge(s, world.clock)

    # 5. the audit chain, and who read her data
    with unit_of_work(crc) as s:
        story.audit = verify(s)
        subject = BureauRepository(s).subject("10", number)
        if subject is not None:
            story.readers = AuditLog(s, world.clock).readers(subject.id)
    return story


def _first_overdue(report: CreditReport | None) -> tuple[AccountSection, date] | None:
    """Her revolving line and the first overdue month its 24-month grid shows."""
    if report is None:
        return None
    for section in report.accounts:
        for cell in section.grid:
            if cell.status is not None and _overdue(cell.status):
                return section, cell.month
    return None


def _overdue(status: str) -> bool:
    try:
        return RepaymentStatus(status).is_overdue
    except ValueError:
        return False


def _dispute(world: World, story: LawStory, institution: str) -> None:
    crc = world.bureaus["CRC"]
    month = story.disputed_month
    assert month is not None
    with unit_of_work(crc) as s:
        story.filed = DisputeDesk(s, world.clock).file(
            story.id_number,
            DisputeType.DENY_OVERDUE.value,
            institution_code=institution,
            account_code=story.disputed_account,
            month=month,
            detail=(
                "我在还款日当天已转账还款，贵司入账延迟 I paid on the due day; it was posted late."
            ),
        )
    with unit_of_work(crc) as s:
        story.marked = InquiryDesk(s, world.clock).self_query(story.id_number).report
    with unit_of_work(crc) as s:
        story.tasks = DisputeDesk(s, world.clock).tasks(LENDER_CODE)

    # The lender finds the payment arrived on the due day: the month was paid as agreed.
    world.clock.set_date(world.clock.today() + timedelta(days=1))
    day = world.clock.today()
    with unit_of_work(world.lender_engine) as s:
        furnisher = Furnisher(world.lender(s), world.bureau_outbox("CRC"), "CRC")
        furnished = furnisher.correct_month(day, story.disputed_account, month, **paid_as_agreed())
    story.correction = furnished.path
    with unit_of_work(crc) as s:
        story.correction_result = Ingestor(s, world.clock).ingest(furnished.path)
    with unit_of_work(crc) as s:
        desk = DisputeDesk(s, world.clock)
        assert story.filed is not None
        desk.answer(
            story.filed.id,
            LENDER_CODE,
            DisputeAnswer.CORRECTED,
            "还款于还款日到账，入账延迟系我司原因，已更正为按时还款",
            furnished.path.name,
        )
    world.clock.set_date(day + timedelta(days=1))
    with unit_of_work(crc) as s:
        story.closed = DisputeDesk(s, world.clock).close(
            story.filed.id, "经机构核实，该月记录已更正 The institution corrected the month."
        )
    with unit_of_work(crc) as s:
        story.statement = DisputeDesk(s, world.clock).add_statement(
            story.id_number,
            StatementType.THIRD_PARTY_LATE.value,
            "2024年部分还款由家人代为转账，曾延迟到账 Family members paid some bills late.",
        )
    with unit_of_work(crc) as s:
        story.corrected = InquiryDesk(s, world.clock).self_query(story.id_number).report


def paid_as_agreed() -> dict[str, object]:
    """The H segment's fields of a month paid as agreed: nothing overdue."""
    return {
        "acct_status": AccountStatus.NORMAL,
        "rpy_status": RepaymentStatus.PAID_AS_AGREED,
        "five_cate": FiveCategory.PASS,
        "overd_prd": 0,
        "tot_overd": 0,
        "overd_princ": 0,
        "oved31_60_princ": 0,
        "oved61_90_princ": 0,
        "oved91_180_princ": 0,
        "oved_princ180": 0,
    }


def _last_spell(world: World, number: str) -> Spell | None:
    """The latest adverse spell of her accounts that has ended."""
    with unit_of_work(world.bureaus["CRC"]) as s:
        ended = [
            spell
            for account in _accounts(s, number)
            for spell in spells(
                BureauRepository(s).months_of(account.id), BureauRepository(s).events_of(account.id)
            )
            if spell.ended_on is not None
        ]
    return max(ended, key=lambda spell: spell.ended_on or date.min, default=None)


def _accounts(session: Session, number: str) -> list[Account]:
    repo = BureauRepository(session)
    subject = repo.subject("10", number)
    return [] if subject is None else list(repo.accounts_of(subject.id))
