"""A month the bureau holds wrong is put right with a 212 correcting its monthly segment (H).

The record corrected first is the interface reference's own month-end example: the R1 account
``B10211000H0001R1A0001``'s July 2024, reported on 2024-08-01 as 1-30 days overdue (¥520 past
due, five-category 2). Then the whole way: 张三 buys ¥1,000 on his new ¥5,000 line on
2025-01-01, the February bill (due 02-10) goes unpaid, the bureau holds February as overdue
(1); the lender finds the repayment was posted to the wrong account, and on 2025-03-03 corrects
February to paid as agreed. The bureau, ingesting the 212 file, then holds February as N.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import row_counts
from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.models import AccountMonth, Submission
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.codes import AccountStatus, FiveCategory, RepaymentStatus, ReportTimingCode
from zhengxin.furnishing.corrections import month_correction
from zhengxin.furnishing.service import Furnished, Furnisher, bureau_outbox
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.identity import InstitutionCode
from zhengxin.kernel.money import Money
from zhengxin.lender.consent import text_hash
from zhengxin.lender.models import LenderBase
from zhengxin.lender.service import LenderService
from zhengxin.pboc import (
    AccountRecord,
    FileContext,
    MonthlySegment,
    check_line,
    read_submission,
)
from zhengxin.pboc.corrections import AccountCorrection

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "pboc_examples.txt"
OPENING, JULY = (
    AccountRecord.from_line(line)
    for line in EXAMPLES.read_text(encoding="utf-8").splitlines()
    if line
)
CONTEXT = FileContext("212", date(2024, 9, 30), "B10211000H0001")
PAID_AS_AGREED: dict[str, Any] = {
    "acct_status": AccountStatus.NORMAL,
    "rpy_status": RepaymentStatus.PAID_AS_AGREED,
    "five_cate": FiveCategory.PASS,
    "overd_prd": 0,
    "tot_overd": 0,
    "overd_princ": 0,
}
"""What a month paid on time reports: normal, N, five-category 1, nothing past due."""


def changed_fields(before: MonthlySegment, after: MonthlySegment) -> set[str]:
    old, new = dataclasses.asdict(before), dataclasses.asdict(after)
    return {name for name in old if old[name] != new[name]}


def corrected(correction: AccountCorrection) -> MonthlySegment:
    """The monthly segment a month correction carries."""
    assert isinstance(correction.segment, MonthlySegment)
    return correction.segment


# --- the record --------------------------------------------------------------------------


def test_july_corrected_to_paid_as_agreed_round_trips_and_passes_every_212_rule() -> None:
    correction = month_correction(JULY, **PAID_AS_AGREED)

    line = correction.to_line()
    assert AccountCorrection.from_line(line) == correction
    assert AccountCorrection.from_line(line).to_line() == line
    assert check_line(line, "212", CONTEXT) == []
    assert (correction.mod_rec_code, correction.rpt_date) == (JULY.base.acct_code, date(2024, 8, 1))
    assert correction.acct_type.value == "R1"
    assert correction.mdfc_sgmt_code is not None and correction.mdfc_sgmt_code.value == "H"


def test_only_the_fields_asked_change() -> None:
    correction = month_correction(JULY, **PAID_AS_AGREED)

    assert JULY.monthly is not None
    assert changed_fields(JULY.monthly, corrected(correction)) == set(PAID_AS_AGREED)
    segment = corrected(correction)
    assert segment.rpy_status is RepaymentStatus.PAID_AS_AGREED
    assert (segment.tot_overd, segment.overd_prd, segment.overd_princ) == (0, 0, 0)
    assert (segment.acct_bal, segment.month, segment.cur_rpy_amt) == (5000, date(2024, 7, 1), 520)


def test_codes_may_be_given_as_text() -> None:
    as_text = month_correction(
        JULY, **{k: v.value if isinstance(v, StrEnum) else v for k, v in PAID_AS_AGREED.items()}
    )
    assert as_text == month_correction(JULY, **PAID_AS_AGREED)
    assert corrected(as_text).five_cate is FiveCategory.PASS


@given(
    balance=st.integers(min_value=0, max_value=10**9),
    grade=st.sampled_from(list(FiveCategory)),
    repaid=st.integers(min_value=0, max_value=10**6),
)
def test_any_correction_changes_what_it_asks_and_nothing_else(
    balance: int, grade: FiveCategory, repaid: int
) -> None:
    asked = {"acct_bal": balance, "five_cate": grade, "act_rpy_amt": repaid}
    correction = month_correction(JULY, **asked)
    assert JULY.monthly is not None
    expected = {name for name, value in asked.items() if getattr(JULY.monthly, name) != value}
    assert changed_fields(JULY.monthly, corrected(correction)) == expected
    assert AccountCorrection.from_line(correction.to_line()) == correction


@pytest.mark.parametrize(
    ("record", "changes", "code"),
    [
        (OPENING, {"acct_bal": 0}, "furnishing.not_month_end"),
        (JULY, {}, "furnishing.correction_empty"),
        (JULY, {"balance": 0}, "furnishing.correction_field"),
        (JULY, {"month": date(2024, 6, 1)}, "furnishing.correction_month"),
        (JULY, {"rpy_status": "Q"}, "furnishing.correction_invalid"),
        (JULY, {"tot_overd": -1}, "furnishing.correction_invalid"),
    ],
    ids=["an opening", "nothing", "no such field", "another month", "no such code", "negative"],
)
def test_what_cannot_be_a_month_correction(
    record: AccountRecord, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        month_correction(record, **changes)
    assert err.value.code == code


def test_a_month_end_closure_is_corrected_too() -> None:
    closing = dataclasses.replace(
        JULY,
        base=dataclasses.replace(JULY.base, rpt_date_code=ReportTimingCode.CLOSED_AT_MONTH_END),
    )
    assert corrected(month_correction(closing, acct_bal=4800)).acct_bal == 4800


# --- the whole way: the lender's ledger, its 212 file and the bureau -----------------------

INSTITUTION = InstitutionCode("Q10152900H0001")
ZHANG_SAN = "110105199003071239"
AUTHORIZATION = "本人授权贵司查询本人信用报告，并向征信中心报送本人的信用信息。"
START = date(2025, 1, 1)
FEBRUARY = date(2025, 2, 1)


class Chain:
    """A lender furnishing the CRC every day, and the CRC ingesting each file at once."""

    def __init__(self, folder: Path) -> None:
        self.clock = FixedClock.on(START)
        self.lender = make_engine(f"sqlite:///{folder / 'lender.sqlite3'}")
        self.bureau = make_engine(f"sqlite:///{folder / 'bureau.sqlite3'}")
        self.outbox = bureau_outbox(folder / "outbox", "CRC")
        migrate(self.lender, "zhengxin.lender.migrations")
        migrate(self.bureau, "zhengxin.bureau.migrations")
        with unit_of_work(self.bureau) as session:
            register(session, self.clock, INSTITUTION.code, "示例消费金融", InstitutionKind.BANK)

    def open_and_spend(self) -> str:
        """张三's ¥5,000 line, opened and signed on 2025-01-01, with ¥1,000 spent that day."""
        with unit_of_work(self.lender) as session:
            lender = LenderService(session, self.clock, INSTITUTION)
            lender.consent.publish("AUTH", 1, "授权书", AUTHORIZATION, "both", ["CRC"])
            line = lender.open_line(ZHANG_SAN, "张三", Money.yuan(5000))
            subject = lender.subject_of(line)
            subject.mail_address, subject.mail_post_code = "上海市浦东新区世纪大道100号", "200120"
            lender.consent.sign(ZHANG_SAN, "张三", "AUTH", 1, text_hash(AUTHORIZATION))
            lender.purchase(line.account_code, Money.yuan(1000))
            return line.account_code

    def live_until(self, last: date) -> None:
        """Each day: the lender's day-end, its files for the CRC, and the CRC ingesting them."""
        day = self.clock.today()
        self.furnish(day)
        while day < last:
            day += timedelta(days=1)
            self.clock.set_date(day)
            with unit_of_work(self.lender) as session:
                LenderService(session, self.clock, INSTITUTION).run_day_end(day)
            self.furnish(day)

    def furnish(self, day: date) -> None:
        with unit_of_work(self.lender) as session:
            files = self.furnisher(session).furnish(day)
        for furnished in files:
            self.ingest(furnished)

    def furnisher(self, session: Any) -> Furnisher:
        return Furnisher(LenderService(session, self.clock, INSTITUTION), self.outbox, "CRC")

    def correct(self, day: date, code: str, month: date, **changes: Any) -> Furnished:
        with unit_of_work(self.lender) as session:
            return self.furnisher(session).correct_month(day, code, month, **changes)

    def ingest(self, furnished: Furnished) -> None:
        with unit_of_work(self.bureau) as session:
            result = Ingestor(session, self.clock).ingest(furnished.path)
        assert (result.rejected, result.accepted) == (0, len(furnished.records))

    def month_held(self, month: date) -> AccountMonth:
        with unit_of_work(self.bureau) as session:
            held = session.scalars(select(AccountMonth).where(AccountMonth.month == month)).one()
            session.expunge(held)
            return held

    def reported(self, record_type: str, code: str) -> dict[str, Any]:
        with unit_of_work(self.lender) as session:
            rows = LenderService(session, self.clock, INSTITUTION).repo.reported(
                "CRC", record_type, [code]
            )
            return {key: (row.last_reported_on, row.last_timing) for key, row in rows.items()}


@pytest.fixture
def chain(tmp_path: Path) -> Chain:
    return Chain(tmp_path)


def test_a_february_reported_overdue_is_corrected_and_the_bureau_then_holds_it_paid(
    chain: Chain,
) -> None:
    code = chain.open_and_spend()
    chain.live_until(date(2025, 3, 1))
    wrong = chain.month_held(FEBRUARY)
    assert (wrong.repayment_status, wrong.account_status, wrong.overdue_total_yuan) == (
        "1",
        "2",
        100,
    )
    told = chain.reported("210", code)

    fixed = chain.correct(
        date(2025, 3, 3),
        code,
        FEBRUARY,
        **PAID_AS_AGREED,
        act_rpy_amt=100,
        lat_rpy_date=date(2025, 2, 10),
    )

    assert fixed.record_type == "212" and fixed.path.name == "Q10152900H00012025030321200010.txt"
    (correction,) = fixed.records
    assert isinstance(correction, AccountCorrection)
    assert correction.rpt_date == date(2025, 2, 28)
    assert (
        check_line(
            correction.to_line(), "212", FileContext("212", date(2025, 3, 3), INSTITUTION.code)
        )
        == []
    )
    assert read_submission(fixed.path).header.record_count == 1
    # A correction changes a report the bureau holds, not the latest one it heard of.
    assert chain.reported("210", code) == told
    assert chain.reported("212", code) == {}

    chain.clock.set_date(date(2025, 3, 3))
    chain.ingest(fixed)
    right = chain.month_held(FEBRUARY)
    assert (right.repayment_status, right.account_status, right.five_category) == ("N", "1", "1")
    assert (right.overdue_total_yuan, right.overdue_periods, right.repaid_yuan) == (0, 0, 100)
    assert (right.report_date, right.report_timing) == (date(2025, 2, 28), "30")
    with unit_of_work(chain.bureau) as session:
        by = session.get(Submission, right.submission_id)
        assert by is not None and by.file_name == fixed.path.name
    assert chain.month_held(date(2025, 1, 1)).repayment_status == "N"


def test_a_correction_that_breaks_a_rule_or_names_no_account_writes_nothing(
    chain: Chain,
) -> None:
    code = chain.open_and_spend()
    chain.live_until(date(2025, 3, 1))
    files = sorted(chain.outbox.iterdir())
    before = row_counts(chain.lender, LenderBase.metadata)

    with pytest.raises(InvalidInput) as err:
        # N with one period and ¥100 still past due: BLE017
        chain.correct(date(2025, 3, 3), code, FEBRUARY, rpy_status="N")
    assert err.value.code == "furnishing.correction_rules"
    assert "BLE017" in err.value.message and "TotOverd" in err.value.message

    with pytest.raises(InvalidInput) as err:
        chain.correct(date(2025, 3, 3), "Q10152900H0001R19999999999", FEBRUARY, **PAID_AS_AGREED)
    assert err.value.code == "furnishing.unknown_account"

    assert sorted(chain.outbox.iterdir()) == files
    assert row_counts(chain.lender, LenderBase.metadata) == before
