"""Art. 15 as a property: for any story, the notice comes first, then the adverse record.

A story opens and signs a line on 2025-01-01, then plays random steps (days pass, the subject
spends, repays part, all or nothing) for up to eight months, with the product's notice period
drawn at random. Every day runs the day-end job; every month end furnishes and writes the
month's file. Afterwards, for every record written that carries adverse information, the
account's latest adverse spell begun by the record's date has a notice, and that notice was
sent at least the notice period before the file. Never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests.lender.conftest import ZHANG_SAN, Lender
from zhengxin.furnishing.records import carries_adverse
from zhengxin.furnishing.service import FILE_TIME, Furnisher
from zhengxin.kernel.clock import FixedClock, china_time, month_end, stored_instant
from zhengxin.kernel.db import unit_of_work
from zhengxin.kernel.money import Money
from zhengxin.lender.consent import text_hash
from zhengxin.lender.models import AdverseSpell, LenderBase, Notice
from zhengxin.lender.products import ProductCatalog
from zhengxin.pboc import AccountRecord, read_submission

START = date(2025, 1, 1)
TEXT = "本人授权查询和报送个人信用信息。"


@dataclass(frozen=True)
class Step:
    days: int
    spend_yuan: int
    repay_share: float  # of what is owed; 0 pays nothing


steps = st.lists(
    st.builds(
        Step,
        days=st.integers(1, 25),
        spend_yuan=st.sampled_from([0, 50, 300, 900, 900]),
        repay_share=st.sampled_from([0.0, 0.0, 0.0, 0.05, 0.5, 1.0]),
    ),
    min_size=3,
    max_size=14,
)


def _catalog(notice_days: int) -> ProductCatalog:
    base = ProductCatalog()
    line = base.get("HB01").model_copy(update={"adverse_notice_days": notice_days})
    return ProductCatalog([line], [base.loan("JB01")])


def _play(lender: Lender, outbox: Path, plan: list[Step]) -> list[tuple[date, Path]]:
    with lender.service() as s:
        s.consent.publish("AUTH", 1, "个人征信查询报送授权书", TEXT, "both", ["CRC"])
        code = s.open_line(ZHANG_SAN, "张三", Money.yuan(2000)).account_code
        s.consent.sign(ZHANG_SAN, "张三", "AUTH", 1, text_hash(TEXT))
    files: list[tuple[date, Path]] = []
    day = START
    for step in plan:
        for _ in range(step.days):
            day += timedelta(days=1)
            lender.clock.set_date(day)
            with lender.service() as s:
                s.run_day_end(day)
            if day == month_end(day):
                with lender.service() as s:
                    furnisher = Furnisher(s, outbox)
                    batch = furnisher.month_end_records(day)
                    if batch:
                        files.append((day, furnisher.write(day, batch).path))
        with lender.service() as s:
            line = s.line(code)
            if step.spend_yuan and line.status == "open":
                amount = Money.yuan(step.spend_yuan)
                if amount <= s.available(line):
                    s.purchase(code, amount)
            owed = s.owed(line)
            if step.repay_share and owed.fen:
                s.repay(code, Money(max(1, int(owed.fen * step.repay_share))))
    return files


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps, notice_days=st.sampled_from([0, 0, 7, 40]))
def test_no_adverse_record_leaves_before_its_notice(
    lender: Lender, plan: list[Step], notice_days: int
) -> None:
    with lender.engine.begin() as conn:
        for table in reversed(LenderBase.metadata.sorted_tables):
            conn.execute(delete(table))
    story = Lender(lender.engine, FixedClock.on(START), _catalog(notice_days))
    with TemporaryDirectory() as folder:
        files = _play(story, Path(folder), plan)
        written: list[tuple[date, AccountRecord]] = []
        for day, path in files:
            for _, text in read_submission(path).lines():
                written.append((day, AccountRecord.from_line(text)))
    with unit_of_work(story.engine) as session:
        spells = session.execute(
            select(AdverseSpell.account_code, AdverseSpell.started_on, Notice.sent_at)
            .join(Notice, Notice.id == AdverseSpell.notice_id)
            .order_by(AdverseSpell.started_on)
        ).all()
    adverse = sum(carries_adverse(record) for _, record in written)
    event("adverse records written" if adverse else "no adverse record written")
    sent = [note.sent_at for note in story.notifier.sent]
    assert len(sent) == len(spells), "every spell has exactly one notice, and no notice is lost"
    for day, record in written:
        if not carries_adverse(record):
            continue
        begun = [s for s in spells if s.started_on <= record.base.rpt_date]
        assert begun, f"an adverse record for {day} left with no notice at all"
        latest = begun[-1]
        file_at = china_time(day, FILE_TIME)
        sent_at = stored_instant(latest.sent_at)
        assert sent_at <= file_at - timedelta(days=notice_days), (
            f"the adverse record of {day} left {file_at - sent_at} after its notice"
        )
