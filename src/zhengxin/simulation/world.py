"""The demo's world: one lender, two bureaus, synthetic people, and a fixed clock.

The bureaus are the national one (the CRC, database ``crc.sqlite3``) and a licensed market
bureau (Baihang, ``baihang.sqlite3``); each registers the lender. Each simulated day: the
lender cuts the day's statements, the people act, and at day end one furnisher per bureau
writes what the day owes that bureau (110, 220 and 210 files, see
:mod:`zhengxin.furnishing.service`) into ``outbox/<BUREAU>/``; each bureau ingests its own
files the same night and answers into ``outbox/<BUREAU>/feedback/``. Nothing is shared but the
files, and the inquiry port through which the lender asks a bureau for a report.

Consent: the lender publishes its authorization document on the first day, version 1 naming
both bureaus and version 2 naming only the CRC. A person who answers ``at_opening`` signs when
opening the line; with a :class:`CampaignPlan`, the service upgrade (asking for version 1 or
later) starts on its notice date and widens on its stage dates; each person it reaches signs
``sign_after`` days later (``prompted``), never signs (``never``), or pays off and closes the
line instead (``objects``). The people of :attr:`World.crc_only` sign version 2, so their
records reach the CRC alone.

The lender knows each person's mailing address (record 110 requires one): a street in the
city of their ID number's area code.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from zhengxin.bureau.ingest import Ingestor, answer, refusal
from zhengxin.bureau.inquiries import Ask, AuthorizationFiling, InquiryDesk
from zhengxin.bureau.models import BureauBase
from zhengxin.bureau.outcome import IngestResult
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.furnishing.service import Furnished, Furnisher, HeldBack, Remedied, bureau_outbox
from zhengxin.kernel.clock import FixedClock, add_months, month_end
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.errors import FileRejected, ZhengxinError
from zhengxin.kernel.identity import InstitutionCode, ResidentId
from zhengxin.kernel.money import Money
from zhengxin.lender.consent import (
    AuthorizationRef,
    Consent,
    Scope,
    Stage,
    reached_on,
    reference_of,
)
from zhengxin.lender.inquiry import InquiryAnswer, InquiryRequest
from zhengxin.lender.models import LenderBase
from zhengxin.lender.notices import MemoryNotifier
from zhengxin.lender.service import LenderService
from zhengxin.simulation.faults import damage
from zhengxin.simulation.personas import Bill, Persona, cast

LENDER_CODE = "Q10152900H0001"
LENDER_NAME = "示例消费金融有限公司 Example Consumer Finance Co."
BANK_CODE = "B10211000H0001"
BANK_NAME = "示例商业银行 Example Commercial Bank"
"""A bank registered at both bureaus: it lends mortgages and queries, but furnishes nothing here."""

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
DOCUMENT_PURPOSES = ("01", "02", "26")
"""What the text lets the lender query for: credit applications (02), limit reviews (26) and
account management (01)."""
CRC_ONLY_TEXT = """个人征信查询报送授权书
Authorization to query and report personal credit information

本人同意并授权：示例消费金融有限公司（以下简称"贵司"）在本人使用花呗服务期间，
向中国人民银行金融信用信息基础数据库（征信中心）：
一、查询本人的信用报告，用于审核本人的授信申请、额度调整及贷后管理；
二、报送本人的个人基本信息、授信及借贷交易信息，包括可能对本人产生不利影响的逾期信息。
贵司报送不良信息前将依法事先告知本人。本授权自本人签署之日起生效，至本人花呗服务关闭之日终止。

I authorize the lender, while I use the revolving credit service, to query my credit report
at the credit reference centre of the People's Bank of China, for credit approval, limit
review and account management, and to report my basic, credit and repayment information to
it, including adverse information, of which the lender will tell me before reporting it. This
authorization runs from my signature until my line is closed.
"""
"""Version 2: the same authorization for the national database alone."""
CRC_ONLY_BUREAUS = ("CRC",)
BUREAUS = ("CRC", "BAIHANG")
"""The world's bureaus: the national one and a licensed market bureau."""
_CITIES = {
    "110105": ("北京市朝阳区", "100020"),
    "310115": ("上海市浦东新区", "200120"),
    "440305": ("深圳市南山区", "518052"),
    "330106": ("杭州市西湖区", "310012"),
    "510104": ("成都市锦江区", "610021"),
    "320102": ("南京市玄武区", "210018"),
    "420106": ("武汉市武昌区", "430061"),
    "500103": ("重庆市渝中区", "400010"),
}
_STREETS = ("人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "长江路", "文化路")


@dataclass(frozen=True, slots=True)
class CampaignPlan:
    """The service upgrade as the demo runs it: notice, deadline, and the rollout's stages."""

    code: str
    notice_on: date
    deadline: date
    stages: tuple[tuple[date, int], ...]  # (effective_on, percent), the first on notice_on


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """What happened in one simulated month, for the narration.

    ``files`` holds each file a bureau ingested, as its path under the outbox
    (``CRC/Q1015…txt``) and the bureau's result; ``refused`` each file a bureau refused as a
    whole, with the refusal's code.
    """

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
    refused: tuple[tuple[str, str], ...] = ()
    damaged: int = 0
    remedied: tuple[Remedied, ...] = ()


@dataclass
class World:
    """A lender and its bureaus, each with its own database, and the people who use the
    lender. ``bureaus`` maps each bureau's code to its database."""

    lender_engine: Engine
    bureaus: dict[str, Engine]
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
    crc_only: set[str] = field(default_factory=set)
    faults: dict[date, int] = field(default_factory=dict)
    """Days whose month-end 210 file to the CRC a faulty export damages: every n-th record."""
    answers: list[tuple[str, Path]] = field(default_factory=list)
    """Feedback files with rejected records, which the lender reads the next morning."""
    lodged: dict[str, tuple[Persona, AuthorizationRef]] = field(default_factory=dict)
    """Authorizations lodged with the bureaus and not yet revoked there, by person."""

    @property
    def bureau_engine(self) -> Engine:
        """The national bureau's (CRC) database."""
        return self.bureaus["CRC"]

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
        bureaus = {
            code: make_engine(f"sqlite:///{folder / f'{code.lower()}.sqlite3'}") for code in BUREAUS
        }
        world = cls.on(lender, bureaus, folder / "outbox", start, people)
        world.campaign = campaign
        return world

    @classmethod
    def on(
        cls,
        lender: Engine,
        bureaus: Mapping[str, Engine],
        outbox: Path,
        start: date,
        people: list[Persona] | None = None,
    ) -> World:
        """A world over existing (empty) databases, the bureaus' by bureau code: migrates them
        all and registers the lender at each bureau."""
        migrate(lender, "zhengxin.lender.migrations")
        clock = FixedClock.on(start)
        for engine in bureaus.values():
            migrate(engine, "zhengxin.bureau.migrations")
            with unit_of_work(engine) as session:
                register(session, clock, LENDER_CODE, LENDER_NAME, InstitutionKind.CONSUMER_FINANCE)
                register(session, clock, BANK_CODE, BANK_NAME, InstitutionKind.BANK)
        with unit_of_work(lender) as session:
            consent = Consent(session, clock)
            consent.publish(
                DOCUMENT_CODE, 1, DOCUMENT_TITLE, DOCUMENT_TEXT, "both", DOCUMENT_BUREAUS
            )
            consent.publish(
                DOCUMENT_CODE, 2, DOCUMENT_TITLE, CRC_ONLY_TEXT, "both", CRC_ONLY_BUREAUS
            )
        cast_ = people if people is not None else cast(start)
        crc_only = {p.key for p in cast_ if authorizes_crc_only(p)}
        return cls(lender, dict(bureaus), clock, outbox, cast_, crc_only=crc_only)

    def lender(self, session: Session) -> LenderService:
        """The lender's service in ``session``, sending notices to the world's notifier."""
        return LenderService(session, self.clock, self.institution, notifier=self.notifier)

    def desk(self, bureau: str = "CRC") -> BureauDesk:
        """A bureau as the lender's inquiry port reaches it, in-process."""
        return BureauDesk(self.bureaus[bureau], self.clock)

    def bureau_outbox(self, bureau: str) -> Path:
        """Where the lender's files for ``bureau`` go, and (under ``feedback``) its answers."""
        return bureau_outbox(self.outbox, bureau)

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
            self._withdraw_ended(lender, day)
            written: list[Furnished] = []
            answers, self.answers = self.answers, []
            for bureau, feedback in answers:
                furnisher = Furnisher(lender, self.bureau_outbox(bureau), bureau)
                remedied = furnisher.remedy(feedback, day)
                tally.remedied.append(remedied)
                written += remedied.files
            for bureau in self.bureaus:
                furnisher = Furnisher(lender, self.bureau_outbox(bureau), bureau)
                today = furnisher.furnish(day)
                written += today
                tally.held_back += furnisher.held_back
                if bureau == "CRC" and day in self.faults and today:
                    last = today[-1]
                    if last.record_type == "210":
                        tally.damaged += len(damage(last.path, self.faults[day]))
        for furnished in written:
            self._ingest(furnished, tally)

    def _ingest(self, furnished: Furnished, tally: _Tally) -> None:
        """The bureau takes in one file and answers it (what the lender reads back each
        night), after its unit of work committed; a file refused as a whole gets its flag-2
        answer and the world goes on."""
        folder = self.bureau_outbox(furnished.bureau)
        shown = f"{furnished.bureau}/{furnished.path.name}"
        try:
            with unit_of_work(self.bureaus[furnished.bureau]) as session:
                result = Ingestor(session, self.clock).ingest(furnished.path)
        except FileRejected as refused:
            refusal(furnished.path, refused, folder / "feedback", self.clock.now())
            tally.refused.append((shown, refused.code))
            return
        feedback = answer(result, folder / "feedback", self.clock.now())
        tally.files.append((shown, result))
        if result.rejected and furnished.record_type == "210":
            self.answers.append((furnished.bureau, feedback))

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
                subject = lender.subject_of(line)
                if subject.mail_address is None:
                    subject.mail_address, subject.mail_post_code = mailing_address(person)
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

    def _withdraw_ended(self, lender: LenderService, day: date) -> None:
        """An authorization the lender no longer holds (the line closed, the person objected
        and closed it) is revoked at every bureau it was lodged with, the same day."""
        now = self.clock.now()
        for key, (person, ref) in list(self.lodged.items()):
            if person.closes_on is None or day < person.closes_on:
                continue
            subject = lender.consent.subject(self.id_number(person))
            ended = [
                bureau
                for bureau in ref.bureaus
                if bureau in self.bureaus
                and lender.consent.authorization(subject.id, Scope.QUERY, bureau, now) is None
            ]
            for bureau in ended:
                with unit_of_work(self.bureaus[bureau]) as session:
                    InquiryDesk(session, self.clock).revoke(self.institution.code, ref.reference)
            if ended:
                del self.lodged[key]

    def _sign(self, lender: LenderService, person: Persona, channel: str) -> None:
        version = 2 if person.key in self.crc_only else 1
        document = lender.consent.document(DOCUMENT_CODE, version)
        signature = lender.consent.sign(
            self.id_number(person),
            person.name,
            document.code,
            document.version,
            document.sha256,
            channel,
        )
        self.signed.add(person.key)
        ref = reference_of(signature, document)
        self.lodge(self.id_number(person), person.name, ref)
        self.lodged[person.key] = (person, ref)

    def lodge(self, id_number: str, name: str, ref: AuthorizationRef) -> None:
        """The lender lodges a signed authorization with every bureau it names, for the
        purposes its text states, so that the bureau can check the lender's inquiries."""
        for code in ref.bureaus:
            engine = self.bureaus.get(code)
            if engine is None:
                continue
            with unit_of_work(engine) as session:
                InquiryDesk(session, self.clock).lodge(
                    AuthorizationFiling(
                        institution_code=self.institution.code,
                        reference=ref.reference,
                        id_number=id_number,
                        name=name,
                        document=ref.document,
                        document_sha256=ref.document_sha256,
                        signed_on=ref.signed_on,
                        scope=ref.scope.value,
                        purposes=DOCUMENT_PURPOSES,
                    )
                )


def authorizes_crc_only(person: Persona) -> bool:
    """Whether ``person`` authorizes the national bureau alone: 赵敏 of the seven, and a
    stable quarter of the crowd."""
    if person.key == "dormant":
        return True
    return person.key.startswith("crowd") and hashlib.sha256(person.key.encode()).digest()[0] < 64


def mailing_address(person: Persona) -> tuple[str, str]:
    """A mailing address and its post code in the city of the person's ID area code."""
    city, post_code = _CITIES.get(person.area, ("北京市东城区", "100010"))
    street = _STREETS[person.sequence % len(_STREETS)]
    return f"{city}{street}{person.sequence % 300 + 1}号", post_code


@dataclass
class BureauDesk:
    """The lender's inquiry port, answered in-process by the bureau's inquiry desk: the
    bureau checks the authorization the request names against the one lodged, and records
    the inquiry whatever it answers."""

    engine: Engine
    clock: FixedClock

    def inquire(self, request: InquiryRequest) -> InquiryAnswer:
        ask = Ask(
            institution_code=request.institution,
            id_number=request.id_number,
            purpose=request.purpose.value,
            authorization_ref=request.authorization.reference,
            authorization_sha256=request.authorization.document_sha256,
            id_type=request.id_type,
        )
        try:
            with unit_of_work(self.engine) as session:
                answer = InquiryDesk(session, self.clock).ask(ask)
        except ZhengxinError as refused:
            return InquiryAnswer(False, None, refused.code, refused.message)
        if not answer.answered or answer.report is None:
            return InquiryAnswer(False, None, answer.code, answer.message)
        return InquiryAnswer(True, answer.report.model_dump(mode="json"))


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
    refused: list[tuple[str, str]] = field(default_factory=list)
    damaged: int = 0
    remedied: list[Remedied] = field(default_factory=list)

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
            tuple(self.refused),
            self.damaged,
            tuple(self.remedied),
        )
