"""The demo's world: one lender, one bureau, synthetic people, and a fixed clock.

Each simulated day: the lender cuts the day's statements, the people act, and at day end
the lender furnishes the day's events (and, on the last day of a month, every open line) as
210 files; the bureau ingests each file the same night. Nothing is shared but the files, and
the inquiry port through which the lender asks the bureau for a report.

Consent: the lender publishes its authorization document on the first day. A person who
answers ``at_opening`` signs it when opening the line. With a :class:`CampaignPlan`, the
service upgrade starts on its notice date and widens on its stage dates; each person it reaches
signs ``sign_after`` days later (``prompted``), never signs (``never``), or pays off and closes
the line instead (``objects``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zhengxin.bureau.ingest import Ingestor, answer
from zhengxin.bureau.models import BureauBase
from zhengxin.bureau.outcome import IngestResult
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.bureau.report import ReportService
from zhengxin.furnishing.service import Furnisher, HeldBack
from zhengxin.kernel.clock import FixedClock, add_months, month_end
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.identity import InstitutionCode, ResidentId
from zhengxin.kernel.money import Money
from zhengxin.lender.consent import Consent, Stage, reached_on
from zhengxin.lender.inquiry import InquiryAnswer, InquiryRequest
from zhengxin.lender.models import LenderBase
from zhengxin.lender.notices import MemoryNotifier
from zhengxin.lender.service import LenderService
from zhengxin.simulation.personas import Bill, Persona, cast

LENDER_CODE = "Q10152900H0001"
LENDER_NAME = "示例消费金融有限公司 Example Consumer Finance Co."

_ = (BureauBase, LenderBase)  # both schemas are created by their migrations

DOCUMENT_CODE = "HB-CREDIT-AUTH"
DOCUMENT_TITLE = "个人征信查询报送授权书"
DOCUMENT_TEXT = """个人征信查询报送授权书
Authorization to query and report personal credit information

本人同意并授权：示例消费金融有限公司（以下简称"贵司"）在本人使用花呗服务期间，
向中国人民银行金融信用信息基础数据库（征信中心）及百行征信有限公司：
一、查询本人的信用报告，用于审核本人的授信申请、额度调整及贷后管理；
二、报送本人的个人基本信息、授信及借贷交易信息，包括可能对本人产生不利影响的逾期信息。
贵司报送不良信息前将依法事先告知本人。本授权自本人签署之日起生效，至本人花呗服务关闭之日终止。

I authorize the lender, while I use the revolving credit service, to query my credit report
at the credit reference centre of the People's Bank of China and at Baihang Credit, for
credit approval, limit review and account management, and to report my basic, credit and
repayment information to them, including adverse information, of which the lender will tell
me before reporting it. This authorization runs from my signature until my line is closed.
"""
DOCUMENT_BUREAUS = ("CRC", "BAIHANG")


@dataclass(frozen=True, slots=True)
class CampaignPlan:
    """The service upgrade as the demo runs it: notice, deadline, and the rollout's stages."""

    code: str
    notice_on: date
    deadline: date
    stages: tuple[tuple[date, int], ...]  # (effective_on, percent), the first on notice_on


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """What happened in one simulated month, for the narration."""

    month: date
    opened: int
    statements: int
    purchased: Money
    repaid: Money
    files: tuple[tuple[str, IngestResult], ...]
    signed: int = 0
    blocked: int = 0
    objected: int = 0
    notices: int = 0
    held_back: tuple[HeldBack, ...] = ()


@dataclass
class World:
    """A lender and a bureau, each with its own database, and the people who use the lender."""

    lender_engine: Engine
    bureau_engine: Engine
    clock: FixedClock
    outbox: Path
    people: list[Persona]
    institution: InstitutionCode = field(default_factory=lambda: InstitutionCode(LENDER_CODE))
    accounts: dict[str, str] = field(default_factory=dict)
    loans: dict[str, str] = field(default_factory=dict)
    campaign: CampaignPlan | None = None
    notifier: MemoryNotifier = field(default_factory=MemoryNotifier)
    signed: set[str] = field(default_factory=set)
    document_version: int = 1

    @classmethod
    def create(
        cls,
        folder: Path,
        start: date,
        people: list[Persona] | None = None,
        campaign: CampaignPlan | None = None,
    ) -> World:
        """A fresh world in ``folder`` (its databases and files are recreated)."""
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        lender = make_engine(f"sqlite:///{folder / 'lender.sqlite3'}")
        bureau = make_engine(f"sqlite:///{folder / 'bureau.sqlite3'}")
        world = cls.on(lender, bureau, folder / "outbox", start, people)
        world.campaign = campaign
        return world

    @classmethod
    def on(
        cls,
        lender: Engine,
        bureau: Engine,
        outbox: Path,
        start: date,
        people: list[Persona] | None = None,
    ) -> World:
        """A world over existing (empty) databases: migrates both and registers the lender."""
        migrate(lender, "zhengxin.lender.migrations")
        migrate(bureau, "zhengxin.bureau.migrations")
        clock = FixedClock.on(start)
        with unit_of_work(bureau) as session:
            register(session, clock, LENDER_CODE, LENDER_NAME, InstitutionKind.CONSUMER_FINANCE)
        with unit_of_work(lender) as session:
            Consent(session, clock).publish(
                DOCUMENT_CODE, 1, DOCUMENT_TITLE, DOCUMENT_TEXT, "both", DOCUMENT_BUREAUS
            )
        return cls(lender, bureau, clock, outbox, people if people is not None else cast(start))

    def lender(self, session: Session) -> LenderService:
        """The lender's service in ``session``, sending notices to the world's notifier."""
        return LenderService(session, self.clock, self.institution, notifier=self.notifier)

    def desk(self) -> BureauDesk:
        """The bureau as the lender's inquiry port reaches it, in-process."""
        return BureauDesk(self.bureau_engine, self.clock)

    def id_number(self, person: Persona) -> str:
        return ResidentId.make(person.area, person.birth, person.sequence).number

    def run_until(
        self, last_day: date, on_month: Callable[[MonthSummary], None] | None = None
    ) -> None:
        """Live every day from the clock's day through ``last_day``."""
        day = self.clock.today()
        tally = _Tally(day.replace(day=1))
        while day <= last_day:
            self.clock.set_date(day)
            self._live(day, tally)
            if day == month_end(day):
                if on_month is not None:
                    on_month(tally.summary())
                tally = _Tally(add_months(day.replace(day=1), 1))
            day += timedelta(days=1)

    def _live(self, day: date, tally: _Tally) -> None:
        with unit_of_work(self.lender_engine) as session:
            lender = self.lender(session)
            done = lender.run_day_end(day)
            tally.statements += done.statements
            tally.notices += done.notices
            self._run_campaign(lender, day)
            for person in self.people:
                self._answer(lender, person, day, tally)
                self._act(lender, person, day, tally)
            furnisher = Furnisher(lender, self.outbox)
            written = []
            events = furnisher.event_records(day)
            if events:
                written.append(furnisher.write(day, events))
            if day == month_end(day):
                monthly = furnisher.month_end_records(day)
                if monthly:
                    written.append(furnisher.write(day, monthly))
            tally.held_back += furnisher.held_back
        for furnished in written:
            with unit_of_work(self.bureau_engine) as session:
                result = Ingestor(session, self.clock).ingest(furnished.path)
            # The bureau's answer, once the file is in: what the lender reads back each night.
            answer(result, self.outbox / "feedback", self.clock.now())
            tally.files.append((furnished.path.name, result))

    def _act(self, lender: LenderService, person: Persona, day: date, tally: _Tally) -> None:
        if not person.busy(day):
            return
        code = self.accounts.get(person.key)
        if code is None:
            if day == person.opens_on:
                line = lender.open_line(
                    self.id_number(person), person.name, person.limit, cash_limit=person.cash_limit
                )
                self.accounts[person.key] = line.account_code
                tally.opened += 1
                if person.consent == "at_opening":
                    self._sign(lender, person, "app")
            return
        self._borrow(lender, person, day, tally)
        line = lender.line(code)
        if line.status in ("closed", "written_off"):
            return
        owed = lender.owed(line)
        statements = lender.repo.statements(line.id)
        bill = None
        if statements:
            s = statements[-1]
            bill = Bill(
                s.statement_date,
                s.due_date,
                Money(s.balance_fen),
                Money(s.minimum_fen + s.past_due_fen),
            )
        available = lender.available(line)
        for action in person.actions(day, bill, owed, available):
            if action.kind == "purchase":
                try:
                    lender.purchase(code, action.amount, action.memo)
                except ZhengxinError as refused:
                    if refused.code != "consent.required":
                        raise
                    tally.blocked += 1
                    continue
                tally.purchased += action.amount
            elif action.kind == "repay":
                lender.repay(code, action.amount)
                tally.repaid += action.amount
            elif action.kind == "close":
                lender.close_line(code)

    def _borrow(self, lender: LenderService, person: Persona, day: date, tally: _Tally) -> None:
        """Draw the person's loan on its day, and repay each period on its due date."""
        code = self.accounts[person.key]
        if day == person.loan_on and person.loan is not None:
            line = lender.line(code)
            if line.status == "open":
                try:
                    drawn = lender.draw_loan(code, person.loan, person.loan_periods)
                except ZhengxinError as refused:
                    if refused.code != "consent.required":
                        raise
                    tally.blocked += 1
                    return
                self.loans[person.key] = drawn.account_code
            return
        loan_code = self.loans.get(person.key)
        if loan_code is None or not person.pays_loans_on(day):
            return
        loan = lender.repo.loan_by_code(loan_code)
        if loan is None or loan.settled_on is not None or loan.written_off_on is not None:
            return
        line = lender.repo.line_by_id(loan.line_id)
        due = sum(
            amount
            for (loan_id, book, cycle), amount in lender.balances(line).items()
            if loan_id == loan.id and cycle is not None and cycle <= day and amount > 0
        )
        if due > 0:
            lender.repay_loan(loan_code, Money(due))
            tally.repaid += Money(due)

    # -- consent -------------------------------------------------------------------------

    def _run_campaign(self, lender: LenderService, day: date) -> None:
        plan = self.campaign
        if plan is None:
            return
        if day == plan.notice_on:
            first = plan.stages[0][1]
            lender.consent.start_campaign(
                plan.code, DOCUMENT_CODE, self.document_version, day, plan.deadline, first
            )
        for effective_on, percent in plan.stages[1:]:
            if day == effective_on:
                lender.consent.widen(plan.code, percent, day)

    def reached_on(self, person: Persona, day: date) -> date | None:
        """When the campaign reached ``person``, as of ``day`` (None: not yet)."""
        plan = self.campaign
        if plan is None:
            return None
        stages = [Stage(percent, effective_on) for effective_on, percent in plan.stages]
        return reached_on(plan.code, self.id_number(person), stages, day)

    def _answer(self, lender: LenderService, person: Persona, day: date, tally: _Tally) -> None:
        """The person answers the campaign's prompt on the day they decided to."""
        if person.key in self.signed or person.key not in self.accounts:
            return
        if person.consent not in ("prompted", "objects"):
            return
        reached = self.reached_on(person, day)
        if reached is None or day != max(reached, person.opens_on) + timedelta(person.sign_after):
            return
        if person.consent == "prompted":
            self._sign(lender, person, "app")
            tally.signed += 1
        elif lender.line(self.accounts[person.key]).status != "closed":
            person.closes_on = day + timedelta(days=1)
            tally.objected += 1

    def _sign(self, lender: LenderService, person: Persona, channel: str) -> None:
        document = lender.consent.document(DOCUMENT_CODE)
        lender.consent.sign(
            self.id_number(person),
            person.name,
            document.code,
            document.version,
            document.sha256,
            channel,
        )
        self.signed.add(person.key)


@dataclass
class BureauDesk:
    """The lender's inquiry port, answered in-process by the bureau's report service."""

    engine: Engine
    clock: FixedClock

    def inquire(self, request: InquiryRequest) -> InquiryAnswer:
        try:
            with unit_of_work(self.engine) as session:
                report = ReportService(session, self.clock).report_for(request.id_number)
                return InquiryAnswer(True, report.model_dump(mode="json"))
        except ZhengxinError as refused:
            return InquiryAnswer(False, None, refused.code, refused.message)


@dataclass
class _Tally:
    month: date
    opened: int = 0
    statements: int = 0
    purchased: Money = field(default_factory=Money.zero)
    repaid: Money = field(default_factory=Money.zero)
    files: list[tuple[str, IngestResult]] = field(default_factory=list)
    signed: int = 0
    blocked: int = 0
    objected: int = 0
    notices: int = 0
    held_back: list[HeldBack] = field(default_factory=list)

    def summary(self) -> MonthSummary:
        return MonthSummary(
            self.month,
            self.opened,
            self.statements,
            self.purchased,
            self.repaid,
            tuple(self.files),
            self.signed,
            self.blocked,
            self.objected,
            self.notices,
            tuple(self.held_back),
        )
