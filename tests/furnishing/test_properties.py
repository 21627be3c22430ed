"""Furnishing as a property: for any small story, every record is valid and every life is one.

A story opens a line on 2025-01-01 for a person who authorizes both bureaus at once, only the
CRC, both bureaus some days later, or nobody; then plays random steps (days pass; the person
spends, repays part, all or nothing, draws a cash loan, pays its periods or pays it off, has
the limit changed, or pays everything and closes the line) for up to about five months, with
both bureaus furnished every day. Afterwards:

* every record written passed every rule of its record type, alone and in its file (checked
  as each file was written);
* per bureau, each account's report-timing codes form a life: it starts with 10 or 31 (or is
  a single closure, 20 or 32), then 30s and 40s, and ends with at most one 20 or 32, with
  nothing after it and no report dated before the one before it;
* per bureau, each agreement is started (10), adjusted (30) and ended (20) in that order, and
  each subject is first reported (10) before any update (20);
* nothing reaches a bureau the person did not authorize.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from tests.conftest import Backend
from tests.furnishing.test_stories import BUREAUS, START, YUAN, Story, accounts, agreements, people
from tests.lender.conftest import ZHANG_SAN, Lender
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.money import Money
from zhengxin.lender.models import LenderBase

ACCOUNT_LIFE = re.compile(r"(10|31)(30|40)*(20|32)?|20|32")
AGREEMENT_LIFE = re.compile(r"10(30)*(20)?|20")
SUBJECT_LIFE = re.compile(r"10(20)*")


@dataclass(frozen=True)
class Step:
    days: int
    spend_yuan: int
    repay_share: float  # of what the line owes; 0 pays nothing
    loan: str  # "none" | "draw" | "pay_due" | "payoff"
    new_limit_yuan: int | None
    close: bool


steps = st.lists(
    st.builds(
        Step,
        days=st.integers(1, 28),
        spend_yuan=st.sampled_from([0, 50, 300, 900]),
        repay_share=st.sampled_from([0.0, 0.0, 0.05, 0.5, 1.0]),
        loan=st.sampled_from(["none", "none", "draw", "pay_due", "pay_due", "payoff"]),
        new_limit_yuan=st.sampled_from([None, None, None, None, 3000, 8000]),
        close=st.sampled_from([False] * 14 + [True]),
    ),
    min_size=3,
    max_size=9,
)
consents = st.sampled_from(["both", "both", "crc_only", "later", "never"])


def _due_on_loans(story: Story, line: str) -> list[tuple[str, Money]]:
    with story.service() as s:
        found = s.line(line)
        out = []
        for loan in s.repo.open_loans():
            if loan.line_id != found.id or loan.written_off_on is not None:
                continue
            due = sum(
                amount
                for (loan_id, book, cycle), amount in s.balances(found).items()
                if loan_id == loan.id and cycle is not None and cycle <= story.today and amount > 0
            )
            out.append((loan.account_code, Money(due)))
        return out


def _act(story: Story, line: str, step: Step) -> None:
    """The person's doings on one day; what the lender refuses is simply not done."""
    try:
        with story.service() as s:
            if step.loan == "draw" and s.line(line).status == "open":
                s.draw_loan(line, YUAN(1000), 6)
            if step.spend_yuan and s.line(line).status == "open":
                amount = YUAN(step.spend_yuan)
                if amount <= s.available(s.line(line)):
                    s.purchase(line, amount)
            owed = s.owed(s.line(line))
            if step.repay_share and owed.fen and s.line(line).status != "closed":
                s.repay(line, Money(max(1, int(owed.fen * step.repay_share))))
            if step.new_limit_yuan is not None and s.line(line).status == "open":
                s.change_limit(line, YUAN(step.new_limit_yuan))
    except ZhengxinError:
        pass
    for loan, due in _due_on_loans(story, line):
        try:
            with story.service() as s:
                if step.loan == "payoff" or step.close:
                    s.repay_loan(loan, s.payoff_quote(loan))
                elif step.loan == "pay_due" and due.fen:
                    s.repay_loan(loan, due)
        except ZhengxinError:
            pass
    if step.close:
        try:
            with story.service() as s:
                owed = s.owed(s.line(line))
                if owed.fen:
                    s.repay(line, owed)
                s.close_line(line)
        except ZhengxinError:
            pass


def _clear(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(LenderBase.metadata.sorted_tables):
            connection.execute(delete(table))


@pytest.fixture
def engine(backend: Backend) -> Engine:
    engine = backend.engine("lender")
    migrate(engine, "zhengxin.lender.migrations")
    return engine


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps, consent=consents, sign_after=st.integers(5, 70))
def test_every_story_furnishes_valid_records_and_whole_lives(
    engine: Engine, plan: list[Step], consent: str, sign_after: int
) -> None:
    _clear(engine)
    with TemporaryDirectory() as folder:
        story = Story(Lender(engine, FixedClock.on(START)), Path(folder) / "outbox")
        story.publish()
        version = {"both": 1, "crc_only": 2}.get(consent)
        line = story.open_line(ZHANG_SAN, "张三", cash=5000, sign=version)
        signs_on = START + timedelta(days=sign_after) if consent == "later" else None
        day = START
        for step in plan:
            target = day + timedelta(days=step.days)
            if signs_on is not None and day < signs_on <= target:
                story.go(signs_on)
                with story.service() as s:
                    story.sign(s, ZHANG_SAN, "张三")
            story.go(target)
            day = target
            _act(story, line, step)
        story.go(day + timedelta(days=1))

        authorized = {"both": BUREAUS, "later": BUREAUS, "crc_only": ("CRC",)}.get(consent, ())
        for bureau in BUREAUS:
            records = accounts(story, bureau)
            if bureau not in authorized:
                assert story.records(bureau, "210") == []
                assert people(story, bureau) == [] and agreements(story, bureau) == []
                continue
            codes = {r.base.acct_code for r in records}
            for code in codes:
                life = [r for r in records if r.base.acct_code == code]
                timings = "".join(r.base.rpt_date_code.value for r in life)
                assert ACCOUNT_LIFE.fullmatch(timings), (bureau, code, timings)
                dates = [r.base.rpt_date for r in life]
                assert dates == sorted(dates), (bureau, code, dates)
                event(f"life {timings[:2]}…{timings[-2:]}")
            agreed = "".join(a.base.rpt_date_code.value for a in agreements(story, bureau))
            assert AGREEMENT_LIFE.fullmatch(agreed) or (agreed == "" and not codes), agreed
            told = "".join(p.base.rpt_date_code for p in people(story, bureau))
            assert SUBJECT_LIFE.fullmatch(told) or (told == "" and not codes), told
