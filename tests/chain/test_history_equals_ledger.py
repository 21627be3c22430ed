"""Every month of every account both bureaus hold equals what the lender's ledger says.

A crowd lives 24 months under the service upgrade: lines opened before their holders
authorized the bureaus (first reported as 31), cash loans (R4), overdue spells and their
recovery (40), write-offs, closures (20 and 32). One month-end file to the CRC is damaged by a
faulty export; the bureau rejects the damaged records, the lender rebuilds them from its
ledger the next morning and sends them again, and the history ends right.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Backend
from zhengxin.bureau.models import Account, AccountEvent, AccountMonth
from zhengxin.bureau.rows import MONTHLY_FIELDS
from zhengxin.cli.demo import upgrade_plan
from zhengxin.furnishing.corrections import Remedy
from zhengxin.furnishing.service import Furnisher
from zhengxin.kernel.clock import month_end
from zhengxin.kernel.db import unit_of_work
from zhengxin.lender.models import Reported
from zhengxin.pboc import AccountRecord
from zhengxin.simulation.personas import cast, crowd
from zhengxin.simulation.world import MonthSummary, World

START = date(2024, 1, 1)
LAST = date(2025, 12, 31)
FAULTY = date(2024, 10, 31)
TIMING = re.compile(r"<RptDateCode>(\d\d)</RptDateCode>")


@dataclass
class Story:
    world: World
    months: list[MonthSummary]


@pytest.fixture(scope="module")
def story(module_backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Story:
    outbox = tmp_path_factory.mktemp("outbox")
    bureaus = {code: module_backend.engine(code.lower()) for code in ("CRC", "BAIHANG")}
    people = cast(START) + crowd(START, 60)
    for person in people:  # make sure one closer closes on a month's last day (32)
        if person.story == "closer" and person.closes_on is not None:
            person.closes_on = month_end(person.closes_on)
            break
    world = World.on(module_backend.engine("lender"), bureaus, outbox, START, people)
    world.campaign = upgrade_plan(START)
    world.faults[FAULTY] = 5
    months: list[MonthSummary] = []
    world.run_until(LAST, months.append)
    return Story(world, months)


def _monthly(record: AccountRecord) -> dict[str, object]:
    h = record.monthly
    assert h is not None
    return {
        "report_timing": record.base.rpt_date_code.value,
        "settlement_date": h.sett_date,
        "account_status": h.acct_status.value,
        "balance_yuan": h.acct_bal,
        "remaining_periods": h.rem_rep_prd,
        "five_category": h.five_cate.value,
        "five_category_date": h.five_cate_adj_date,
        "repayment_status": h.rpy_status.value,
        "overdue_periods": h.overd_prd,
        "overdue_total_yuan": h.tot_overd,
        "overdue_principal_yuan": h.overd_princ,
        "overdue_31_60_yuan": h.oved31_60_princ,
        "overdue_61_90_yuan": h.oved61_90_princ,
        "overdue_91_180_yuan": h.oved91_180_princ,
        "overdue_over_180_yuan": h.oved_princ180,
        "due_yuan": h.cur_rpy_amt,
        "repaid_yuan": h.act_rpy_amt,
        "last_repayment_date": h.lat_rpy_date,
        "close_date": h.close_date,
    }


HELD = tuple(f for f in MONTHLY_FIELDS if f not in ("month", "report_date"))
"""The month's facts compared: everything the bureau keeps of it but its key and date."""


def _held(row: AccountMonth) -> dict[str, object]:
    return {key: getattr(row, key) for key in HELD}


def _compare(story: Story, bureau: str) -> Counter[str]:
    """Compare every month and event ``bureau`` holds with the ledger; count what was seen."""
    world = story.world
    seen: Counter[str] = Counter()
    with unit_of_work(world.lender_engine) as ls, Session(world.bureaus[bureau]) as bs:
        furnisher = Furnisher(world.lender(ls), world.bureau_outbox(bureau), bureau)
        accounts = {a.id: a for a in bs.scalars(select(Account))}
        for row in bs.scalars(select(AccountMonth).order_by(AccountMonth.id)):
            account = accounts[row.account_id]
            record = furnisher.rebuild(account.account_code, row.report_timing, row.report_date)
            assert record is not None, account.account_code
            assert _held(row) == _monthly(record), (bureau, account.account_code, row.month)
            seen[f"timing {row.report_timing}"] += 1
            seen[f"type {account.account_type}"] += 1
            seen[f"status {row.account_status}"] += 1
        for event in bs.scalars(select(AccountEvent)):
            account = accounts[event.account_id]
            record = furnisher.rebuild(account.account_code, event.report_timing, event.report_date)
            assert record is not None and record.non_monthly is not None
            j = record.non_monthly
            assert (event.account_status, event.balance_yuan, event.repayment_status) == (
                j.acct_status.value,
                j.acct_bal,
                j.rpy_status.value if j.rpy_status else None,
            ), (bureau, account.account_code, event.report_date)
            assert event.last_repayment_date == j.lat_rpy_date == event.report_date
            seen[f"timing {event.report_timing}"] += 1
    return seen


def test_every_month_the_crc_holds_equals_the_ledger(story: Story) -> None:
    seen = _compare(story, "CRC")
    assert sum(v for k, v in seen.items() if k.startswith("timing 3")) > 500
    assert seen["timing 31"] > 0 and seen["timing 40"] > 0
    sent = Counter(
        timing
        for path in story.world.bureau_outbox("CRC").glob("*.txt")
        for timing in TIMING.findall(path.read_text(encoding="utf-8"))
    )
    for timing in ("10", "20", "30", "31", "32", "40"):
        assert sent[timing] > 0, timing
    assert seen["type R1"] > 0 and seen["type R4"] > 0
    assert seen["status 42"] + seen["status 41"] > 0, "no write-off in the story"


def test_every_month_the_market_bureau_holds_equals_the_ledger(story: Story) -> None:
    seen = _compare(story, "BAIHANG")
    assert seen["timing 30"] > 0


def test_each_bureau_holds_exactly_the_accounts_the_lender_told_it_about(story: Story) -> None:
    world = story.world
    with Session(world.lender_engine) as ls:
        told = {
            bureau: set(
                ls.scalars(
                    select(Reported.key).where(
                        Reported.bureau == bureau, Reported.record_type == "210"
                    )
                )
            )
            for bureau in world.bureaus
        }
    for bureau, engine in world.bureaus.items():
        with Session(engine) as bs:
            held = set(bs.scalars(select(Account.account_code)))
        assert held == told[bureau], bureau
    assert told["BAIHANG"] < told["CRC"]


def test_a_faulty_export_is_rejected_then_rebuilt_from_the_ledger_and_lands(
    story: Story,
) -> None:
    october = next(m for m in story.months if m.month == date(2024, 10, 1))
    november = next(m for m in story.months if m.month == date(2024, 11, 1))
    assert october.damaged > 0
    rejected = sum(r.rejected for name, r in october.files if name.startswith("CRC/"))
    assert rejected == october.damaged
    codes = Counter(e.code for name, r in october.files for rej in r.rejections for e in rej.errors)
    assert set(codes) <= {"ABE001", "ABE004", "ABE005", "ABE007"}, codes
    (remedied,) = november.remedied
    assert len(remedied.verdicts) == october.damaged
    assert all(v.remedy is Remedy.RESEND for v in remedied.verdicts)
    (resent,) = remedied.files
    result = next(r for name, r in november.files if name.endswith(resent.path.name))
    assert (result.accepted, result.rejected) == (october.damaged, 0)
    later = [r for m in story.months if m.month > date(2024, 10, 1) for _, r in m.files]
    assert all(r.rejected == 0 for r in later)
