"""The demo's world: one lender, one bureau, synthetic people, and a fixed clock.

Each simulated day: the lender cuts the day's statements, the people act, and at day end
the lender furnishes the day's events (and, on the last day of a month, every open line) as
210 files; the bureau ingests each file the same night. Nothing is shared but the files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from zhengxin.bureau.ingest import Ingestor, IngestResult
from zhengxin.bureau.models import BureauBase
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.furnishing.service import Furnisher
from zhengxin.kernel.clock import FixedClock, add_months, month_end
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.identity import InstitutionCode, ResidentId
from zhengxin.kernel.money import Money
from zhengxin.lender.models import LenderBase
from zhengxin.lender.service import LenderService
from zhengxin.simulation.personas import Bill, Persona, cast

LENDER_CODE = "Q10152900H0001"
LENDER_NAME = "示例消费金融有限公司 Example Consumer Finance Co."

_ = (BureauBase, LenderBase)  # both schemas are created by their migrations


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """What happened in one simulated month, for the narration."""

    month: date
    opened: int
    statements: int
    purchased: Money
    repaid: Money
    files: tuple[tuple[str, IngestResult], ...]


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

    @classmethod
    def create(cls, folder: Path, start: date, people: list[Persona] | None = None) -> World:
        """A fresh world in ``folder`` (its databases and files are recreated)."""
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        lender = make_engine(f"sqlite:///{folder / 'lender.sqlite3'}")
        bureau = make_engine(f"sqlite:///{folder / 'bureau.sqlite3'}")
        return cls.on(lender, bureau, folder / "outbox", start, people)

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
        return cls(lender, bureau, clock, outbox, people if people is not None else cast(start))

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
            lender = LenderService(session, self.clock, self.institution)
            tally.statements += lender.run_day_end(day).statements
            for person in self.people:
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
        for furnished in written:
            with unit_of_work(self.bureau_engine) as session:
                result = Ingestor(session, self.clock).ingest(furnished.path)
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
                lender.purchase(code, action.amount, action.memo)
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
                drawn = lender.draw_loan(code, person.loan, person.loan_periods)
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


@dataclass
class _Tally:
    month: date
    opened: int = 0
    statements: int = 0
    purchased: Money = field(default_factory=Money.zero)
    repaid: Money = field(default_factory=Money.zero)
    files: list[tuple[str, IngestResult]] = field(default_factory=list)

    def summary(self) -> MonthSummary:
        return MonthSummary(
            self.month,
            self.opened,
            self.statements,
            self.purchased,
            self.repaid,
            tuple(self.files),
        )
