"""What the furnisher tells each bureau, told as stories in the lender's own words.

Every story lives day by day: each day runs the lender's day-end job, the people act, and at
the day's end one furnisher per bureau (the CRC and Baihang) writes what the day owes it.
Every file written is checked against every rule of the interface, and every record in it
with :func:`~zhengxin.pboc.check_line` in the file's context (institution and date), so each
story also proves that each record it built is valid. Each story runs on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import Backend
from tests.lender.conftest import INSTITUTION, ZHANG_SAN, Lender
from zhengxin.codes import ReportTimingCode
from zhengxin.furnishing.corrections import Remedy
from zhengxin.furnishing.service import (
    NO_AUTHORIZATION,
    SUBJECT_INCOMPLETE,
    Furnished,
    Furnisher,
    bureau_outbox,
)
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.identity import ResidentId
from zhengxin.kernel.money import Money
from zhengxin.lender.consent import text_hash
from zhengxin.lender.service import LenderService
from zhengxin.pboc import (
    AccountRecord,
    AgreementRecord,
    BasicInfoRecord,
    FileContext,
    FileName,
    RecordError,
    RejectedRecord,
    check_file,
    check_line,
    read_submission,
    write_feedback,
)

YUAN = Money.yuan
BUREAUS = ("CRC", "BAIHANG")
DOCUMENT = "AUTH"
BOTH = "本人授权贵司查询本人信用报告，并向征信中心及百行征信报送本人的信用信息。"
CRC_ONLY = "本人授权贵司查询本人信用报告，并向征信中心报送本人的信用信息。"
LI_SI = ResidentId.make("310115", date(1985, 11, 20), 456).number
START = date(2025, 1, 1)


def check_written(furnished: Furnished, day: date) -> None:
    """Every record of the file passes every rule, alone and in its file."""
    context = FileContext(furnished.record_type, day, INSTITUTION.code)
    for record in furnished.records:
        errors = check_line(record.to_line(), furnished.record_type, context)
        assert errors == [], (furnished.path.name, errors)
    check = check_file(furnished.path)
    assert check.ok, check.file_errors
    assert all(not result.errors for result in check.records())
    assert check.accepted == len(furnished.records)


class Story:
    """A lender and its two bureaus' outboxes, lived one day at a time."""

    def __init__(self, lender: Lender, outbox: Path) -> None:
        self.lender = lender
        self.outbox = outbox
        self.files: list[tuple[date, Furnished]] = []
        self.held: list[tuple[date, str, str, str, str]] = []
        self._furnished: set[date] = set()

    @property
    def today(self) -> date:
        return self.lender.clock.today()

    @contextmanager
    def service(self) -> Iterator[LenderService]:
        with self.lender.service() as s:
            yield s

    def publish(self) -> None:
        with self.service() as s:
            s.consent.publish(DOCUMENT, 1, "个人征信查询报送授权书", BOTH, "both", BUREAUS)
            s.consent.publish(DOCUMENT, 2, "个人征信查询报送授权书", CRC_ONLY, "both", ["CRC"])

    def open_line(
        self, id_number: str, name: str, limit: int = 5000, cash: int = 0, sign: int | None = 1
    ) -> str:
        """Open a line for someone the lender has a mailing address for; ``sign`` is the
        version of the authorization they sign at once (2 names only the CRC), if any."""
        with self.service() as s:
            line = s.open_line(
                id_number, name, YUAN(limit), cash_limit=YUAN(cash) if cash else None
            )
            subject = s.subject_of(line)
            subject.mail_address, subject.mail_post_code = "上海市浦东新区世纪大道100号", "200120"
            if sign is not None:
                self.sign(s, id_number, name, sign)
            return line.account_code

    def sign(self, s: LenderService, id_number: str, name: str, version: int = 1) -> None:
        text = BOTH if version == 1 else CRC_ONLY
        s.consent.sign(id_number, name, DOCUMENT, version, text_hash(text))

    def furnish_today(self) -> None:
        """Today's files for each bureau, once."""
        day = self.today
        if day in self._furnished:
            return
        self._furnished.add(day)
        with self.service() as s:
            for bureau in BUREAUS:
                furnisher = Furnisher(s, bureau_outbox(self.outbox, bureau), bureau)
                for furnished in furnisher.furnish(day):
                    check_written(furnished, day)
                    self.files.append((day, furnished))
                self.held += [
                    (day, bureau, h.account_code, h.timing, h.reason) for h in furnisher.held_back
                ]

    def go(self, day: date) -> Story:
        """Furnish today, then live each day up to ``day`` (its day-end done, not yet
        furnished)."""
        self.furnish_today()
        while self.today < day:
            self.lender.clock.set_date(self.today + timedelta(days=1))
            with self.service() as s:
                s.run_day_end(self.today)
            if self.today < day:
                self.furnish_today()
        return self

    def records(
        self, bureau: str, record_type: str = "210", day: date | None = None
    ) -> list[AccountRecord | BasicInfoRecord | AgreementRecord]:
        """What was written to ``bureau`` (on ``day``), in file order."""
        return [
            record
            for when, furnished in self.files
            if furnished.bureau == bureau
            and furnished.record_type == record_type
            and (day is None or when == day)
            for record in furnished.records
        ]

    def timings(self, bureau: str, code: str) -> list[tuple[date, str]]:
        """The 210 records of account ``code`` at ``bureau``: (report date, timing code)."""
        return [
            (r.base.rpt_date, r.base.rpt_date_code.value)
            for r in self.records(bureau)
            if isinstance(r, AccountRecord) and r.base.acct_code == code
        ]


def accounts(story: Story, bureau: str, day: date | None = None) -> list[AccountRecord]:
    return [r for r in story.records(bureau, "210", day) if isinstance(r, AccountRecord)]


def agreements(story: Story, bureau: str, day: date | None = None) -> list[AgreementRecord]:
    return [r for r in story.records(bureau, "220", day) if isinstance(r, AgreementRecord)]


def people(story: Story, bureau: str, day: date | None = None) -> list[BasicInfoRecord]:
    return [r for r in story.records(bureau, "110", day) if isinstance(r, BasicInfoRecord)]


@pytest.fixture
def story(backend: Backend, tmp_path: Path) -> Story:
    engine = backend.engine("lender")
    migrate(engine, "zhengxin.lender.migrations")
    told = Story(Lender(engine, FixedClock.on(START)), tmp_path / "outbox")
    told.publish()
    return told


def test_a_line_opened_and_signed_meets_each_bureau_with_110_220_and_210_the_same_day(
    story: Story,
) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    story.go(date(2025, 1, 2))
    for bureau in BUREAUS:
        day_files = [f for when, f in story.files if when == START and f.bureau == bureau]
        assert [f.record_type for f in day_files] == ["110", "220", "210"]
        assert all(f.path.parent == story.outbox / bureau for f in day_files)
        (person,) = people(story, bureau)
        assert person.base.rpt_date_code == "10" and person.base.name == "张三"
        assert person.profile is not None and person.profile.dob == date(1990, 3, 7)
        assert person.profile.sex.value == "1" and person.profile.nation.value == "CHN"
        assert person.mailing is not None and person.mailing.mail_pc == "200120"
        (agreement,) = agreements(story, bureau)
        assert agreement.base.rpt_date_code.value == "10"
        assert agreement.credit_limit.credit_lim == 5000
        assert agreement.credit_limit.con_status.value == "1"
        (opening,) = accounts(story, bureau)
        assert (opening.base.acct_code, opening.base.rpt_date_code.value) == (line, "10")
        assert opening.credit_line is not None
        assert opening.credit_line.mcc == agreement.base.contract_code


def test_a_cash_loan_is_an_r4_account_opened_under_the_line_agreement(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三", cash=10000)
    story.go(date(2025, 1, 15))
    with story.service() as s:
        loan = s.draw_loan(line, YUAN(3000), 6).account_code
    story.go(date(2025, 1, 16))
    (record,) = accounts(story, "CRC", date(2025, 1, 15))
    assert record.base.acct_code == loan
    assert (record.base.acct_type.value, record.base.rpt_date_code.value) == ("R4", "10")
    info = record.basic_info
    assert info is not None and info.loan_amt == 3000 and info.acct_cred_line is None
    assert info.repay_prd == 6 and info.repay_mode is not None and info.repay_mode.value == "11"
    assert info.repay_freqcy is not None and info.repay_freqcy.value == "03"
    assert info.due_date == date(2025, 7, 15)  # the sixth period's due date
    assert info.open_date == date(2025, 1, 15)
    (agreement,) = agreements(story, "CRC")
    assert record.credit_line is not None
    assert record.credit_line.mcc == agreement.base.contract_code
    assert record.monthly is not None and record.monthly.acct_bal == 3000
    assert record.monthly.rem_rep_prd == 6
    assert agreements(story, "CRC", date(2025, 1, 15)) == []  # the agreement was known


def test_a_month_end_reports_the_line_and_the_loan_with_30(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三", cash=10000)
    story.go(date(2025, 1, 10))
    with story.service() as s:
        s.purchase(line, YUAN(800))
        loan = s.draw_loan(line, YUAN(2000), 12).account_code
    story.go(date(2025, 2, 1))
    month_end = accounts(story, "BAIHANG", date(2025, 1, 31))
    assert [(r.base.acct_code, r.base.rpt_date_code.value) for r in month_end] == [
        (line, "30"),
        (loan, "30"),
    ]
    for record in month_end:
        assert record.basic_info is None and record.credit_line is None
        assert record.monthly is not None and record.monthly.month == date(2025, 1, 1)
    loan_month = month_end[1].monthly
    assert loan_month is not None and loan_month.acct_bal == 2000
    assert loan_month.rem_rep_prd == 12


def test_a_loan_settled_mid_month_closes_with_20_and_on_the_last_day_with_32(
    story: Story,
) -> None:
    line = story.open_line(ZHANG_SAN, "张三", cash=10000)
    story.go(date(2025, 1, 10))
    with story.service() as s:
        early = s.draw_loan(line, YUAN(1000), 6).account_code
        late = s.draw_loan(line, YUAN(1000), 6).account_code
    story.go(date(2025, 1, 25))
    with story.service() as s:
        s.repay_loan(early, s.payoff_quote(early))
    story.go(date(2025, 1, 31))
    with story.service() as s:
        s.repay_loan(late, s.payoff_quote(late))
    story.go(date(2025, 3, 1))
    assert story.timings("CRC", early) == [(date(2025, 1, 10), "10"), (date(2025, 1, 25), "20")]
    assert story.timings("CRC", late) == [(date(2025, 1, 10), "10"), (date(2025, 1, 31), "32")]
    (closing,) = [r for r in accounts(story, "CRC") if r.base.rpt_date_code.value == "32"]
    assert closing.monthly is not None and closing.monthly.acct_status.value == "3"
    assert closing.monthly.rpy_status.value == "C" and closing.monthly.acct_bal == 0
    assert closing.monthly.close_date == date(2025, 1, 31)
    assert closing.monthly.month == date(2025, 1, 1)
    assert story.timings("CRC", line) == [  # the line lives on
        (START, "10"),
        (date(2025, 1, 31), "30"),
        (date(2025, 2, 28), "30"),
    ]


def test_someone_who_signs_months_after_opening_is_first_reported_with_31(story: Story) -> None:
    line = story.open_line(LI_SI, "李四", sign=None)
    story.go(date(2025, 1, 20))
    with story.service() as s:
        s.purchase(line, YUAN(300))
    story.go(date(2025, 3, 12))
    with story.service() as s:
        story.sign(s, LI_SI, "李四")
    story.go(date(2025, 5, 1))
    for bureau in BUREAUS:
        assert story.timings(bureau, line) == [
            (date(2025, 3, 31), "31"),
            (date(2025, 4, 30), "30"),
        ]
        (first,) = accounts(story, bureau, date(2025, 3, 31))
        assert first.basic_info is not None and first.basic_info.open_date == START
        assert first.credit_line is not None and first.monthly is not None
        (person,) = people(story, bureau)
        (agreement,) = agreements(story, bureau)
        assert person.base.rpt_date == agreement.base.rpt_date == date(2025, 3, 31)
        assert person.base.rpt_date_code == "10"
        assert agreement.base.rpt_date_code.value == "10"
    held = {(day, bureau, timing, reason) for day, bureau, _, timing, reason in story.held}
    assert (START, "CRC", "10", NO_AUTHORIZATION) in held
    assert (date(2025, 2, 28), "BAIHANG", "31", NO_AUTHORIZATION) in held


def test_an_overdue_spell_cleared_by_a_repayment_is_reported_with_40_that_day(
    story: Story,
) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    with story.service() as s:
        s.purchase(line, YUAN(1000))
    story.go(date(2025, 3, 5))  # billed 02-01, due 02-10, nothing paid
    (february,) = [r for r in accounts(story, "CRC", date(2025, 2, 28))]
    assert february.monthly is not None and february.monthly.rpy_status.value == "1"
    with story.service() as s:
        s.repay(line, s.owed(s.line(line)))
    story.go(date(2025, 3, 6))
    (recovery,) = accounts(story, "CRC", date(2025, 3, 5))
    assert recovery.base.rpt_date_code.value == "40"
    assert recovery.basic_info is None and recovery.monthly is None
    assert recovery.credit_line is None
    found = recovery.non_monthly
    assert found is not None and found.rpy_status is not None
    assert found.rpy_status.value == "N" and found.lat_rpy_date == date(2025, 3, 5)
    assert found.acct_status.value == "1" and found.tot_overd == 0
    assert found.lat_rpy_amt > 0
    assert accounts(story, "BAIHANG", date(2025, 3, 5))[0].base.rpt_date_code.value == "40"


def test_a_write_off_shows_in_the_month_end_records_and_its_recovery_and_closure_follow(
    story: Story,
) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    with story.service() as s:
        s.purchase(line, YUAN(1000))
    story.go(date(2025, 11, 5))  # due 02-10, never paid: over 180 days by the end of August
    statuses = {
        r.base.rpt_date: (r.monthly.acct_status.value, r.monthly.rpy_status.value)
        for r in accounts(story, "CRC")
        if r.monthly is not None
    }
    assert statuses[date(2025, 8, 31)] == ("41", "7")  # awaiting write-off
    assert statuses[date(2025, 9, 30)] == ("42", "B")  # written off at that month end
    assert statuses[date(2025, 10, 31)] == ("42", "B")
    with story.service() as s:
        s.repay(line, s.owed(s.line(line)))
    story.go(date(2025, 11, 6))
    with story.service() as s:
        s.close_line(line)
    story.go(date(2025, 12, 1))
    assert [t for _, t in story.timings("CRC", line)][-3:] == ["30", "40", "20"]
    recovery, closing = accounts(story, "CRC")[-2:]
    assert recovery.non_monthly is not None and recovery.non_monthly.acct_status.value == "42"
    assert recovery.non_monthly.lat_rpy_date == date(2025, 11, 5)
    assert closing.monthly is not None and closing.monthly.acct_status.value == "3"
    assert closing.monthly.rpy_status.value == "G"  # ended otherwise: not a normal settlement
    with story.service() as s:
        furnisher = Furnisher(s, story.outbox / "CRC", "CRC")
        assert furnisher.rebuild(line, "40", date(2025, 11, 5)) == recovery
        assert furnisher.rebuild(line, "20", date(2025, 11, 6)) == closing


def test_a_limit_change_is_reported_as_a_220_adjustment(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    story.go(date(2025, 2, 14))
    with story.service() as s:
        s.change_limit(line, YUAN(8000))
    story.go(date(2025, 2, 16))
    for bureau in BUREAUS:
        codes = [(a.base.rpt_date, a.base.rpt_date_code.value) for a in agreements(story, bureau)]
        assert codes == [(START, "10"), (date(2025, 2, 14), "30")]
        adjusted = agreements(story, bureau)[-1].credit_limit
        assert adjusted.credit_lim == 8000 and adjusted.con_status.value == "1"


def test_a_closure_ends_the_agreement_and_the_account_and_nothing_follows(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    with story.service() as s:
        s.purchase(line, YUAN(200))
    story.go(date(2025, 2, 20))
    with story.service() as s:
        s.repay(line, s.owed(s.line(line)))
        s.close_line(line)
    story.go(date(2025, 4, 1))
    for bureau in BUREAUS:
        assert story.timings(bureau, line) == [
            (START, "10"),
            (date(2025, 1, 31), "30"),
            (date(2025, 2, 20), "20"),
        ]
        (closing,) = accounts(story, bureau, date(2025, 2, 20))
        assert closing.basic_info is None  # the bureau knows the account
        assert closing.monthly is not None and closing.monthly.rpy_status.value == "C"
        codes = [(a.base.rpt_date, a.base.rpt_date_code.value) for a in agreements(story, bureau)]
        assert codes == [(START, "10"), (date(2025, 2, 20), "20")]
        ended = agreements(story, bureau)[-1].credit_limit
        assert ended.con_status.value == "2" and ended.con_exp_date == date(2025, 2, 20)


def test_a_line_closed_on_the_last_day_of_a_month_closes_once_with_32(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    story.go(date(2025, 2, 28))
    with story.service() as s:
        s.close_line(line)
    story.go(date(2025, 3, 2))
    assert story.timings("CRC", line) == [
        (START, "10"),
        (date(2025, 1, 31), "30"),
        (date(2025, 2, 28), "32"),
    ]
    assert [a.base.rpt_date_code.value for a in agreements(story, "CRC")] == ["10", "20"]


def test_a_closure_the_bureau_never_heard_of_carries_the_opening_segments(
    story: Story,
) -> None:
    line = story.open_line(LI_SI, "李四", sign=None)
    story.go(date(2025, 1, 20))
    with story.service() as s:
        story.sign(s, LI_SI, "李四")
        s.close_line(line)  # closing the last line ends the authorization at once
    story.go(date(2025, 1, 21))
    (closing,) = accounts(story, "CRC")
    assert closing.base.rpt_date_code.value == "20"
    assert closing.basic_info is not None and closing.credit_line is not None
    (agreement,) = agreements(story, "CRC")
    assert agreement.base.rpt_date_code.value == "20"  # started and ended: told once
    assert [p.base.rpt_date_code for p in people(story, "CRC")] == ["10"]


def test_a_subject_who_authorized_only_the_crc_never_reaches_baihang(story: Story) -> None:
    both = story.open_line(ZHANG_SAN, "张三", cash=5000)
    crc_only = story.open_line(LI_SI, "李四", cash=5000, sign=2)
    story.go(date(2025, 1, 12))
    with story.service() as s:
        s.draw_loan(crc_only, YUAN(1000), 6)
        s.draw_loan(both, YUAN(1000), 6)
    story.go(date(2025, 3, 1))
    for _, furnished in story.files:
        if furnished.bureau == "BAIHANG":
            assert LI_SI not in furnished.path.read_text(encoding="utf-8")
    assert {p.base.id_num for p in people(story, "BAIHANG")} == {ZHANG_SAN}
    assert {p.base.id_num for p in people(story, "CRC")} == {ZHANG_SAN, LI_SI}
    crc_codes = {r.base.acct_code for r in accounts(story, "CRC")}
    baihang_codes = {r.base.acct_code for r in accounts(story, "BAIHANG")}
    assert crc_only in crc_codes and crc_only not in baihang_codes and both in baihang_codes
    assert len(crc_codes) == 4 and len(baihang_codes) == 2


def test_a_name_correction_is_told_as_a_110_update_once(story: Story) -> None:
    story.open_line(ZHANG_SAN, "张三")
    story.go(date(2025, 1, 9))
    with story.service() as s:
        s.consent.subject(ZHANG_SAN).name = "张叁"
    story.go(date(2025, 1, 12))
    for bureau in BUREAUS:
        told = [(p.base.rpt_date, p.base.rpt_date_code, p.base.name) for p in people(story, bureau)]
        assert told == [(START, "10", "张三"), (date(2025, 1, 9), "20", "张叁")]


def test_without_a_mailing_address_the_110_waits_and_the_accounts_do_not(story: Story) -> None:
    with story.service() as s:
        line = s.open_line(ZHANG_SAN, "张三", YUAN(5000)).account_code
        story.sign(s, ZHANG_SAN, "张三")
    story.go(date(2025, 1, 2))
    assert people(story, "CRC") == []
    assert [r.base.rpt_date_code.value for r in accounts(story, "CRC")] == ["10"]
    assert (START, "CRC", f"10:{ZHANG_SAN}", "10", SUBJECT_INCOMPLETE) in story.held
    with story.service() as s:
        subject = s.consent.subject(ZHANG_SAN)
        subject.mail_address, subject.mail_post_code = "北京市朝阳区建国路1号", "100022"
    story.go(date(2025, 2, 1))
    assert [p.base.rpt_date for p in people(story, "CRC")] == [date(2025, 1, 31)]
    assert story.timings("CRC", line)[-1] == (date(2025, 1, 31), "30")


def test_rebuild_gives_the_ledger_record_for_any_timing(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    with story.service() as s:
        s.purchase(line, YUAN(600))
    story.go(date(2025, 2, 2))
    (january,) = accounts(story, "CRC", date(2025, 1, 31))
    with story.service() as s:
        furnisher = Furnisher(s, story.outbox / "CRC", "CRC")
        assert furnisher.rebuild(line, "30", date(2025, 1, 31)) == january
        first = furnisher.rebuild(line, "31", date(2025, 1, 31))
        assert first is not None and first.basic_info is not None
        assert first.credit_line is not None and first.monthly == january.monthly
        assert furnisher.rebuild("Q10152900H0001R19999999999", "30", date(2025, 1, 31)) is None
        for timing, on in (("10", START), ("30", date(2025, 1, 31)), ("31", date(2025, 1, 31))):
            rebuilt = furnisher.rebuild(line, timing, on)
            assert rebuilt is not None
            assert rebuilt.base.rpt_date_code is ReportTimingCode(timing)
            context = FileContext("210", date(2025, 2, 1), INSTITUTION.code)
            assert check_line(rebuilt.to_line(), "210", context) == []
        with pytest.raises(ZhengxinError) as wrong:
            furnisher.rebuild(line, "90", date(2025, 1, 31))
        assert wrong.value.code == "furnishing.timing"
        with pytest.raises(ZhengxinError) as early:
            furnisher.rebuild(line, "30", date(2024, 12, 31))
        assert early.value.code == "furnishing.before_opening"


def test_an_account_opened_and_closed_on_a_month_end_is_told_once_with_32(
    story: Story,
) -> None:
    line = story.open_line(ZHANG_SAN, "张三", cash=5000)
    story.go(date(2025, 1, 31))
    with story.service() as s:
        loan = s.draw_loan(line, YUAN(1000), 6).account_code
        s.repay_loan(loan, s.payoff_quote(loan))
    story.go(date(2025, 2, 1))
    (closing,) = [r for r in accounts(story, "CRC") if r.base.acct_code == loan]
    assert closing.base.rpt_date_code.value == "32"
    assert closing.basic_info is not None and closing.credit_line is not None


def test_furnishing_a_day_again_tells_the_bureau_nothing_twice(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    with story.service() as s:
        s.purchase(line, YUAN(1000))
    story.go(date(2025, 3, 5))
    with story.service() as s:
        s.repay(line, s.owed(s.line(line)))  # a recovery (40)
        s.change_limit(line, YUAN(6000))  # a 220 adjustment
        s.consent.subject(ZHANG_SAN).name = "张叁"  # a 110 update
    story.go(date(2025, 4, 1))
    told = [f.record_type for when, f in story.files if when == date(2025, 3, 5)]
    assert told == ["110", "220", "210"] * 2  # to each bureau
    for day in (date(2025, 3, 5), date(2025, 3, 31)):
        with story.service() as s:
            again = Furnisher(s, story.outbox / "CRC", "CRC")
            assert again.furnish(day) == [], day


def test_serials_run_per_bureau_day_and_record_type(story: Story) -> None:
    story.open_line(ZHANG_SAN, "张三")
    story.go(date(2025, 1, 2))
    names = {(f.bureau, f.path.name) for _, f in story.files}
    assert {name[22:29] for _, name in names} == {"1100001", "2200001", "2100001"}
    assert {bureau for bureau, _ in names} == set(BUREAUS)
    for _, furnished in story.files:
        assert read_submission(furnished.path).header.record_count == len(furnished.records)


def _answer(story: Story, refusals: list[tuple[AccountRecord, str]], day: date) -> Path:
    """The CRC's feedback on a 210 file of ``day``, refusing each record with its code."""
    name = FileName(INSTITUTION.code, day, "210", "001")
    rejected = [
        RejectedRecord.of(n, [RecordError(code, "AcctBsSgmt", "AcctCode", None, code)], r.to_line())
        for n, (r, code) in enumerate(refusals, 1)
    ]
    return write_feedback(story.outbox / "answers", name, datetime(2025, 2, 1, 9), 0, rejected)


def test_an_account_refused_twice_is_put_right_once(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    story.go(date(2025, 2, 1))
    (month_end,) = [r for r in accounts(story, "CRC", date(2025, 1, 31))]
    answer = _answer(story, [(month_end, "BLR004"), (month_end, "BLR004")], date(2025, 1, 31))

    with story.service() as s:
        done = Furnisher(s, bureau_outbox(story.outbox, "CRC"), "CRC").remedy(
            answer, date(2025, 2, 1)
        )

    assert [v.remedy for v in done.verdicts] == [Remedy.FIRST_REPORT] * 2
    (resent,) = done.files
    check_written(resent, date(2025, 2, 1))
    assert [(r.base.acct_code, r.base.rpt_date_code.value) for r in resent.records] == [
        (line, "31")
    ]


def test_a_deletion_whose_history_cannot_go_back_is_left_to_a_person(story: Story) -> None:
    line = story.open_line(ZHANG_SAN, "张三")
    story.go(date(2025, 2, 1))
    (month_end,) = [r for r in accounts(story, "CRC", date(2025, 1, 31))]
    with story.service() as s:
        s.close_line(line)  # closing the only line revokes the authorization
    answer = _answer(story, [(month_end, "BLR019")], date(2025, 1, 31))

    with story.service() as s:
        done = Furnisher(s, bureau_outbox(story.outbox, "CRC"), "CRC").remedy(
            answer, date(2025, 2, 3)
        )

    (verdict,) = done.verdicts
    assert verdict.remedy is Remedy.PERSON
    assert "would lose it" in verdict.reason
    assert done.files == ()
