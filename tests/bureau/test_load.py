"""The chunked ingestion of record-210 files: what lands, what is refused and why.

The stories: institution ``B10211000H0001`` furnishes the revolving lines (R1) and cash loans
(R4) of 张三 and 李四 from January to March 2025. Each server check of §4.5 has its story; the
chunk tests show that where the chunks fall never changes the store; and a property test holds
the pipeline to a plain one-record-at-a-time applier written here.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import Backend
from zhengxin.bureau import ingest as ingest_module
from zhengxin.bureau.ingest import Ingestor, answer, survey
from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    CodeChange,
    Subject,
    Submission,
)
from zhengxin.bureau.outcome import IngestResult, Rejection
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.bureau.spool import RejectionSpool
from zhengxin.codes import (
    AccountStatus,
    AccountType,
    AssetTransferFlag,
    BusinessDetail,
    BusinessLine,
    Currency,
    FiveCategory,
    FundSource,
    GuaranteeMode,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
    RepaymentFrequency,
    RepaymentMode,
    RepaymentStatus,
    ReportTimingCode,
)
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.pboc import (
    AccountRecord,
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    FileContext,
    FileName,
    MonthlySegment,
    NonMonthlySegment,
    RecordError,
    SpecialTransaction,
    read_feedback,
    special_transactions,
    write_submission,
)
from zhengxin.pboc.rules210_perf import BOOK

INSTITUTION = "B10211000H0001"
FILE_DAY = date(2025, 4, 1)
CLOCK = FixedClock.on(FILE_DAY)
OPENED = date(2024, 6, 1)
PEOPLE = (("张三", "110105199003071239"), ("李四", "310115198511204566"))


# --- records, built from their segments --------------------------------------------------


def code_of(account: str) -> str:
    return f"{INSTITUTION}{account}"


def month_of(day: date) -> date:
    return day.replace(day=1)


def record(
    account: str,
    reported: date,
    timing: str = "30",
    kind: str = "R1",
    *,
    month: date | None = None,
    basic: bool | None = None,
    agreement: str | None = None,
    overdue: bool = False,
    person: int = 0,
    name: str | None = None,
    balance: int = 5_000,
    special: bool = False,
) -> str:
    """One valid record 210 line of account ``account`` (the part after the institution code).

    ``timing`` 10/31 carry the basic and credit-line segments (``basic`` adds them to others),
    20 closes the account, 40 reports a recovery (segment J, no monthly segment).
    """
    holder, number = PEOPLE[person]
    opened = reported - timedelta(days=3) if timing == "10" else OPENED
    base = BaseSegment(
        acct_type=AccountType(kind),
        acct_code=code_of(account),
        rpt_date=reported,
        rpt_date_code=ReportTimingCode(timing),
        name=name or holder,
        id_type=IdType.RESIDENT_ID,
        id_num=number,
        mngmt_org_code=INSTITUTION,
    )
    with_basic = timing in ("10", "31") if basic is None else basic
    terms = _terms(kind, opened) if with_basic else None
    credit = None
    if with_basic or agreement is not None:
        credit = CreditLineSegment(mcc=agreement or f"{INSTITUTION}CRL{account}")
    if timing == "40":
        recovery = NonMonthlySegment(
            acct_status=AccountStatus.NORMAL,
            acct_bal=balance,
            five_cate=FiveCategory.PASS,
            five_cate_adj_date=OPENED,
            rem_rep_prd=0 if kind == "R1" else 6,
            rpy_status=RepaymentStatus.PAID_AS_AGREED,
            overd_prd=0,
            tot_overd=0,
            lat_rpy_amt=500,
            lat_rpy_date=reported,
        )
        return AccountRecord(base, non_monthly=recovery).to_line()
    monthly = _monthly(
        kind, timing, opened, reported, month or month_of(reported), overdue, balance
    )
    transactions = None
    if special:
        transactions = special_transactions(
            [
                SpecialTransaction(
                    chan_tran_type="4", tran_date=reported, tran_amt=1_000, due_tran_mon=0
                )
            ]
        )
    return AccountRecord(
        base,
        basic_info=terms,
        credit_line=credit,
        monthly=monthly,
        special_transactions=transactions,
    ).to_line()


def _terms(kind: str, opened: date) -> BasicInfoSegment:
    revolving = kind == "R1"
    return BasicInfoSegment(
        busi_lines=BusinessLine.LOAN,
        busi_dtl_lines=BusinessDetail("91"),
        open_date=opened,
        cy=Currency("CNY"),
        acct_cred_line=20_000 if revolving else None,
        loan_amt=None if revolving else 6_000,
        due_date=opened + timedelta(days=3 * 365),
        repay_mode=RepaymentMode("33" if revolving else "11"),
        repay_freqcy=RepaymentFrequency("03"),
        repay_prd=None if revolving else 12,
        apply_busi_dist="110105",
        guar_mode=GuaranteeMode.UNSECURED,
        oth_repy_guar_way=OtherRepayGuarantee("0"),
        asset_trand_flag=AssetTransferFlag("0"),
        fund_sou=FundSource("1"),
        loan_form=LoanForm("1"),
    )


def _monthly(
    kind: str,
    timing: str,
    opened: date,
    reported: date,
    month: date,
    overdue: bool,
    balance: int,
) -> MonthlySegment:
    periods = 0 if kind == "R1" else 6
    if timing in ("20", "32"):
        closed_on = reported - timedelta(days=1)
        return MonthlySegment(
            month=month,
            sett_date=None,
            acct_status=AccountStatus.CLOSED,
            acct_bal=0,
            rem_rep_prd=0,
            five_cate=FiveCategory.PASS,
            five_cate_adj_date=OPENED,
            rpy_status=RepaymentStatus("C"),
            overd_prd=0,
            tot_overd=0,
            overd_princ=0,
            oved31_60_princ=0,
            oved61_90_princ=0,
            oved91_180_princ=0,
            oved_princ180=0,
            cur_rpy_amt=0,
            act_rpy_amt=balance,
            lat_rpy_date=closed_on,
            close_date=closed_on,
        )
    due = balance // 10
    return MonthlySegment(
        month=month,
        sett_date=None,
        acct_status=AccountStatus.OVERDUE if overdue else AccountStatus.NORMAL,
        acct_bal=balance,
        rem_rep_prd=periods,
        five_cate=FiveCategory.SPECIAL_MENTION if overdue else FiveCategory.PASS,
        five_cate_adj_date=opened,
        rpy_status=RepaymentStatus.OVERDUE_1_30 if overdue else RepaymentStatus.PAID_AS_AGREED,
        overd_prd=1 if overdue else 0,
        tot_overd=due + 20 if overdue else 0,
        overd_princ=due if overdue else 0,
        oved31_60_princ=0,
        oved61_90_princ=0,
        oved91_180_princ=0,
        oved_princ180=0,
        cur_rpy_amt=due,
        act_rpy_amt=0 if overdue else due,
        lat_rpy_date=opened,
        close_date=None,
    )


def broken(line: str) -> str:
    """The line with an amount no rule accepts (ABE001)."""
    return line.replace("<AcctBal>5000</AcctBal>", "<AcctBal>5,000</AcctBal>", 1)


def submit(folder: Path, lines: Sequence[str], serial: str = "001") -> Path:
    name = FileName(INSTITUTION, FILE_DAY, "210", serial)
    return write_submission(folder, name, datetime(2025, 4, 1, 1, 0), lines)


# --- the bureau ------------------------------------------------------------------------


@dataclass
class Bureau:
    """One bureau's store and a folder for its files."""

    engine: Engine
    folder: Path
    serials: Iterator[int] = field(default_factory=lambda: iter(range(1, 1000)))

    def file(self, lines: Sequence[str]) -> Path:
        return submit(self.folder, lines, f"{next(self.serials):03d}")

    def ingest(self, lines: Sequence[str], **options: Any) -> IngestResult:
        with unit_of_work(self.engine) as session:
            return Ingestor(session, CLOCK, **options).ingest(self.file(lines))

    def tables(self) -> Tables:
        with Session(self.engine) as session:
            return read_tables(session)


@pytest.fixture
def bureau(backend: Backend, tmp_path: Path) -> Bureau:
    engine = backend.engine("bureau")
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        register(session, CLOCK, INSTITUTION, "示例银行", InstitutionKind.BANK)
    return Bureau(engine, tmp_path)


def codes(result: IngestResult) -> list[tuple[int, list[str]]]:
    return [(r.line, [e.code for e in r.errors]) for r in result.rejections]


# --- the tables as plain values, keyed by what identifies each row -----------------------

Tables = dict[str, dict[Any, tuple[Any, ...]]]
_ACCOUNT_FACTS = (
    "account_type",
    "business_line",
    "business_detail",
    "open_date",
    "currency",
    "credit_limit_yuan",
    "loan_amount_yuan",
    "due_date",
    "repay_mode",
    "repay_frequency",
    "guarantee_mode",
    "agreement_code",
    "close_date",
)
_MONTH_FACTS = tuple(
    c.name for c in AccountMonth.__table__.columns if c.name not in ("id", "account_id", "month")
)
_EVENT_FACTS = tuple(
    c.name
    for c in AccountEvent.__table__.columns
    if c.name not in ("id", "account_id", "report_date")
)


def read_tables(session: Session) -> Tables:
    """Subjects, accounts, months and events as plain values (ids replaced by natural keys,
    the submission by its file name)."""
    subjects = {s.id: s for s in session.scalars(select(Subject))}
    accounts = {a.id: a for a in session.scalars(select(Account))}
    files = {s.id: s.file_name for s in session.scalars(select(Submission))}
    tables: Tables = {
        "subject": {(s.id_type, s.id_number): (s.name,) for s in subjects.values()},
        "account": {},
        "month": {},
        "event": {},
    }
    for a in accounts.values():
        holder = subjects[a.subject_id]
        facts = tuple(getattr(a, c) for c in _ACCOUNT_FACTS)
        tables["account"][a.account_code] = ((holder.id_type, holder.id_number), *facts)
    for m in session.scalars(select(AccountMonth)):
        facts = tuple(
            files[m.submission_id] if c == "submission_id" else getattr(m, c) for c in _MONTH_FACTS
        )
        tables["month"][(accounts[m.account_id].account_code, m.month)] = facts
    for e in session.scalars(select(AccountEvent)):
        facts = tuple(
            files[e.submission_id] if c == "submission_id" else getattr(e, c) for c in _EVENT_FACTS
        )
        tables["event"][(accounts[e.account_id].account_code, e.report_date)] = facts
    return tables


# --- a plain applier: one record at a time, in file order, with the same rules -----------

_CLOSED = {"D1": "3", "R1": "3", "R4": "3", "R2": "4", "R3": "4", "C1": "2"}


@dataclass
class Reference:
    """What the store should hold after applying records one at a time (§4.5)."""

    tables: Tables = field(
        default_factory=lambda: {"subject": {}, "account": {}, "month": {}, "event": {}}
    )
    retired: set[str] = field(default_factory=set)

    def apply_file(self, name: str, lines: Sequence[str]) -> list[tuple[int, list[str]]]:
        refused = []
        context = FileContext("210", FILE_DAY, INSTITUTION)
        for number, line in enumerate(lines, 1):
            _, errors = BOOK.check(line, context)
            found = [e.code for e in errors] or self.apply(name, AccountRecord.from_line(line))
            if found:
                refused.append((number, found[:5]))
        return refused

    def _latest(self, code: str) -> tuple[date | None, bool]:
        kind = self.tables["account"][code][1]
        dated = [(m[0], m[3]) for (c, _), m in self.tables["month"].items() if c == code]
        dated += [(day, e[1]) for (c, day), e in self.tables["event"].items() if c == code]
        if not dated:
            return None, False
        newest = max(day for day, _ in dated)
        return newest, any(day == newest and s == _CLOSED[kind] for day, s in dated)

    def apply(self, name: str, record: AccountRecord) -> list[str]:
        b, h, j = record.base, record.monthly, record.non_monthly
        code, kind, day = b.acct_code, b.acct_type.value, b.rpt_date
        accounts, months, events = (self.tables[t] for t in ("account", "month", "event"))
        closing = (h is not None and h.acct_status.value == _CLOSED[kind]) or (
            j is not None and j.acct_status.value == _CLOSED[kind]
        )
        problems = ["ABE012"] if code in self.retired else []
        if code not in accounts:
            problems += _opening_problems(record)
        else:
            latest, closed = self._latest(code)
            if accounts[code][1] != kind:
                problems.append("BLR019")
            if closed:
                problems.append("BLR020")
            elif closing and latest is not None and day < latest:
                problems.append("BLR021")
            held = months.get((code, h.month)) if h is not None else None
            if held is not None and held[0] >= day:
                problems.append("BLR027")
        if problems:
            return problems
        person = (b.id_type.value, b.id_num)
        self.tables["subject"][person] = (b.name,)
        facts = list(accounts.get(code) or (person, kind, *[None] * 12))
        c = record.basic_info
        if c is not None:
            facts[2:12] = [
                c.busi_lines.value,
                c.busi_dtl_lines.value,
                c.open_date,
                c.cy.value,
                c.acct_cred_line,
                c.loan_amt,
                c.due_date,
                c.repay_mode.value if c.repay_mode else None,
                c.repay_freqcy.value if c.repay_freqcy else None,
                c.guar_mode.value if c.guar_mode else None,
            ]
        if record.credit_line is not None:
            facts[12] = record.credit_line.mcc
        if closing:
            facts[13] = h.close_date if h is not None and h.close_date else j and j.close_date
        accounts[code] = tuple(facts)
        if h is not None:
            months[(code, h.month)] = (
                day,
                b.rpt_date_code.value,
                h.sett_date,
                h.acct_status.value,
                h.acct_bal,
                h.rem_rep_prd,
                h.five_cate.value,
                h.five_cate_adj_date,
                h.rpy_status.value,
                h.overd_prd,
                h.tot_overd,
                h.overd_princ,
                h.oved31_60_princ,
                h.oved61_90_princ,
                h.oved91_180_princ,
                h.oved_princ180,
                h.cur_rpy_amt,
                h.act_rpy_amt,
                h.lat_rpy_date,
                h.close_date,
                name,
            )
        if j is not None:
            events[(code, day)] = (
                b.rpt_date_code.value,
                j.acct_status.value,
                j.acct_bal,
                j.five_cate.value if j.five_cate else None,
                j.five_cate_adj_date,
                j.rpy_status.value if j.rpy_status else None,
                j.rem_rep_prd,
                j.overd_prd,
                j.tot_overd,
                j.lat_rpy_amt,
                j.lat_rpy_date,
                j.close_date,
                name,
            )
        return []


def _opening_problems(record: AccountRecord) -> list[str]:
    """BLR004/BLR005 as §4.1's code-10 table reads for the loan types these tests use."""
    kind, info = record.base.acct_type.value, record.basic_info
    present = {
        "C": info is not None,
        "F": record.credit_line is not None,
        "H": record.monthly is not None,
        "J": record.non_monthly is not None,
        "K": record.special_transactions is not None,
        "I": record.special_instalment is not None,
        "G": record.original_creditor is not None,
        "D": record.related_parties is not None,
    }
    required = {"C", "H", "F"}
    if info is not None and info.guar_mode is not None and info.guar_mode.value in ("3", "5"):
        required.add("D")
    forbidden = {"G", "I", "J", "K"}
    assert kind in ("R1", "R4"), "extend the table for other account types"
    return ["BLR004" for s in sorted(required) if not present[s]] + [
        "BLR005" for s in sorted(forbidden) if present[s]
    ]


# --- stories -----------------------------------------------------------------------------


def test_first_reports_open_the_accounts_and_month_ends_follow(bureau: Bureau) -> None:
    first = bureau.ingest(
        [
            record("R1A01", date(2025, 1, 31), "31", agreement=f"{INSTITUTION}CTR01"),
            record("R4L01", date(2025, 1, 31), "31", "R4", person=1),
        ]
    )
    assert (first.records, first.accepted, first.rejected) == (2, 2, 0)
    second = bureau.ingest([record("R1A01", date(2025, 2, 28), overdue=True, name="张叁")])
    assert (second.accepted, second.rejected) == (1, 0)
    tables = bureau.tables()
    line = tables["account"][code_of("R1A01")]
    assert line[:2] == (("10", PEOPLE[0][1]), "R1")
    assert line[4:7] == (OPENED, "CNY", 20_000)
    assert line[12] == f"{INSTITUTION}CTR01"
    assert tables["subject"][("10", PEOPLE[0][1])] == ("张叁",)  # the name as last reported
    feb = tables["month"][(code_of("R1A01"), date(2025, 2, 1))]
    assert feb[:5] == (date(2025, 2, 28), "30", None, "2", 5_000)


def test_a_sprinkling_of_bad_records_is_answered_and_the_rest_lands(
    bureau: Bureau, tmp_path: Path
) -> None:
    lines = [record(f"R1A{n:02d}", date(2025, 1, 31), "31") for n in range(12)]
    lines[3] = broken(lines[3])
    lines[7] = "<Document><InAcctInf><Nope/></InAcctInf></Document>"
    lines[10] = record("R1A10", date(2025, 1, 31), "30")  # unknown account, no basic segment
    result = bureau.ingest(lines, chunk_lines=4)
    assert codes(result) == [(4, ["ABE001"]), (8, ["ABR000"]), (11, ["BLR004", "BLR004"])]
    assert result.accepted == 9
    assert len(bureau.tables()["account"]) == 9
    answered = read_feedback(answer(result, tmp_path / "answers", CLOCK.now()))
    assert (answered.header.accepted, answered.header.rejected) == (9, 3)
    found = [(r.position, r.errors[0].code, r.line) for r in answered.rejected()]
    assert found == [(4, "ABE001", lines[3]), (8, "ABR000", lines[7]), (11, "BLR004", lines[10])]


def test_a_first_report_must_carry_the_opening_segments(bureau: Bureau) -> None:
    """BLR004: an account the bureau does not know, first reported at month end (code 30)
    without its basic and credit-line segments, is refused; its new-account report lands."""
    result = bureau.ingest(
        [
            record("R1A01", date(2025, 1, 31)),
            record("R1A01", date(2025, 1, 28), "10"),
        ]
    )
    [refused] = result.rejections
    assert [(e.code, e.tag) for e in refused.errors] == [
        ("BLR004", "AcctBsInfSgmt"),
        ("BLR004", "AcctCredSgmt"),
    ]
    assert "send AcctBsInfSgmt" in refused.errors[0].message
    assert code_of("R1A01") in bureau.tables()["account"]


def test_a_first_report_may_not_carry_what_a_new_account_may_not(bureau: Bureau) -> None:
    """BLR005: a first report at code 31 may carry special transactions, a new-account report
    may not, and a first report is held to the new-account table."""
    result = bureau.ingest([record("R1A01", date(2025, 1, 31), "31", special=True)])
    [refused] = result.rejections
    assert [(e.code, e.tag) for e in refused.errors] == [("BLR005", "AcctSpecTrstDspnSgmt")]
    assert bureau.tables()["account"] == {}


def test_the_account_type_must_stay_the_type_on_file(bureau: Bureau) -> None:
    """BLR019: R1A01 is a revolving line; a report calling it a cash loan is refused."""
    bureau.ingest([record("R1A01", date(2025, 1, 31), "31")])
    result = bureau.ingest([record("R1A01", date(2025, 2, 28), kind="R4")])
    assert codes(result) == [(1, ["BLR019"])]
    assert "on file as type R1, not R4" in result.rejections[0].errors[0].message


def test_nothing_more_after_the_account_closed(bureau: Bureau) -> None:
    """BLR020: R1A01 closed on 2025-02-14; February's month end is refused."""
    result = bureau.ingest(
        [
            record("R1A01", date(2025, 1, 31), "31"),
            record("R1A01", date(2025, 2, 15), "20"),
        ]
    )
    assert result.rejected == 0
    assert bureau.tables()["account"][code_of("R1A01")][13] == date(2025, 2, 14)
    later = bureau.ingest([record("R1A01", date(2025, 2, 28))])
    assert codes(later) == [(1, ["BLR020"])]


def test_a_closing_record_may_not_be_dated_before_the_latest_one(bureau: Bureau) -> None:
    """BLR021: February's month end (02-28) is held; a closure dated 02-01 for January is
    refused, and the account stays open."""
    result = bureau.ingest(
        [
            record("R1A01", date(2025, 1, 31), "31", month=date(2024, 12, 1)),
            record("R1A01", date(2025, 2, 28)),
            record("R1A01", date(2025, 2, 1), "20", month=date(2025, 1, 1)),
        ]
    )
    assert codes(result) == [(3, ["BLR021"])]
    assert bureau.tables()["account"][code_of("R1A01")][13] is None


def test_a_month_is_replaced_only_by_a_later_report(bureau: Bureau) -> None:
    """BLR027: January is held from a report dated 01-31. A report dated 02-05 replaces it
    (an update, not a second January); an equally old one is refused."""
    bureau.ingest([record("R1A01", date(2025, 1, 31), "31", balance=5_000)])
    result = bureau.ingest(
        [
            record("R1A01", date(2025, 2, 5), month=date(2025, 1, 1), balance=4_000),
            record("R1A01", date(2025, 2, 5), month=date(2025, 1, 1), balance=3_000),
        ]
    )
    assert codes(result) == [(2, ["BLR027"])]
    assert "cannot replace it" in result.rejections[0].errors[0].message
    months = bureau.tables()["month"]
    assert list(months) == [(code_of("R1A01"), date(2025, 1, 1))]
    assert months[(code_of("R1A01"), date(2025, 1, 1))][:5:4] == (date(2025, 2, 5), 4_000)


def test_a_recovery_is_an_event_and_a_later_file_replaces_it(bureau: Bureau) -> None:
    """Code 40 (segment J) goes to the account's events, one per report date."""
    bureau.ingest([record("R1A01", date(2025, 1, 31), "31")])
    bureau.ingest([record("R1A01", date(2025, 2, 12), "40", balance=4_500)])
    bureau.ingest([record("R1A01", date(2025, 2, 12), "40", balance=4_400)])
    events = bureau.tables()["event"]
    assert list(events) == [(code_of("R1A01"), date(2025, 2, 12))]
    assert events[(code_of("R1A01"), date(2025, 2, 12))][:3] == ("40", "1", 4_400)


def test_a_changed_account_code_may_not_be_reported_again(bureau: Bureau) -> None:
    """ABE012: a 211 record renamed R1A01 to R1B01; R1A01 is refused from then on."""
    bureau.ingest([record("R1A01", date(2025, 1, 31), "31")])
    with unit_of_work(bureau.engine) as session:
        account = session.scalars(select(Account)).one()
        account.account_code = code_of("R1B01")
        session.add(
            CodeChange(
                institution_code=INSTITUTION,
                kind="account",
                old_code=code_of("R1A01"),
                new_code=code_of("R1B01"),
                changed_on=date(2025, 2, 10),
                submission_id=session.scalars(select(Submission.id)).one(),
            )
        )
    result = bureau.ingest([record("R1A01", date(2025, 2, 28)), record("R1B01", date(2025, 2, 28))])
    assert codes(result) == [(1, ["ABE012", "BLR004", "BLR004"])]
    assert f"report the account under {code_of('R1B01')}" in result.rejections[0].errors[0].message


# --- chunks ------------------------------------------------------------------------------


def _straddling() -> list[str]:
    """R1A01's January three times (first report, a later update, a stale copy) among other
    accounts, so that chunks of 1-4 lines split the three every possible way."""
    return [
        record("R1A01", date(2025, 1, 31), "31", balance=5_000),
        record("R4L01", date(2025, 1, 31), "31", "R4", person=1),
        record("R1A01", date(2025, 2, 3), month=date(2025, 1, 1), balance=4_000),
        record("R1A02", date(2025, 1, 31), "31"),
        record("R1A01", date(2025, 2, 2), month=date(2025, 1, 1), balance=3_000),
        record("R1A01", date(2025, 2, 28), balance=2_000, name="张叁"),
        record("R4L01", date(2025, 2, 28), kind="R1"),
        record("R1A02", date(2025, 2, 15), "20"),
        record("R1A02", date(2025, 2, 28)),
    ]


@pytest.mark.parametrize("chunk_lines", [1, 2, 3, 4, 10_000])
def test_where_the_chunks_fall_changes_nothing(bureau: Bureau, chunk_lines: int) -> None:
    lines = _straddling()
    result = bureau.ingest(lines, chunk_lines=chunk_lines)
    reference = Reference()
    expected = reference.apply_file("B10211000H00012025040121000010.txt", lines)
    assert codes(result) == expected == [(5, ["BLR027"]), (7, ["BLR019"]), (9, ["BLR020"])]
    assert bureau.tables() == reference.tables


def test_worker_processes_give_the_same_store(bureau: Bureau, backend: Backend) -> None:
    lines = _straddling() * 3  # later copies: stale months, closed accounts
    result = bureau.ingest(lines, workers=2, chunk_lines=2)
    other = Bureau(backend.engine("other"), bureau.folder / "other")
    migrate(other.engine, "zhengxin.bureau.migrations")
    with unit_of_work(other.engine) as session:
        register(session, CLOCK, INSTITUTION, "示例银行", InstitutionKind.BANK)
    alone = other.ingest(lines)
    assert codes(result) == codes(alone)
    assert bureau.tables() == other.tables()


# --- the property: bulk equals one at a time ---------------------------------------------

_DATES = [date(2025, 1, 31), date(2025, 2, 3), date(2025, 2, 15), date(2025, 2, 28)]


@st.composite
def lines_of(draw: st.DrawFn) -> list[str]:
    """A small file about three accounts of two people: openings, month ends, closures,
    recoveries, wrong types, stale and repeated months, and the odd broken line."""
    found = []
    for _ in range(draw(st.integers(1, 9))):
        account = draw(st.sampled_from(["R1A01", "R1A02", "R4L01"]))
        home = "R4" if account.startswith("R4") else "R1"
        kind = draw(st.sampled_from([home, home, home, "R4" if home == "R1" else "R1"]))
        reported = draw(st.sampled_from(_DATES))
        timing = draw(st.sampled_from(["10", "31", "31", "30", "30", "30", "20", "40"]))
        month = month_of(reported)
        if timing in ("30", "31") and draw(st.booleans()):
            month = month_of(month - timedelta(days=1))  # BLE039 allows the month before
        line = record(
            account,
            reported,
            timing,
            kind,
            month=month,
            basic=draw(st.booleans()) if timing in ("30", "20") else None,
            overdue=draw(st.booleans()),
            person=draw(st.sampled_from([0, 1])),
            name=draw(st.sampled_from([None, "王五"])),
            balance=draw(st.sampled_from([5_000, 800])),
        )
        found.append(broken(line) if draw(st.integers(0, 9)) == 0 else line)
    return found


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(lines_of(), min_size=1, max_size=3), chunk_lines=st.integers(1, 4))
def test_the_pipeline_equals_applying_one_record_at_a_time(
    bureau: Bureau, files: list[list[str]], chunk_lines: int
) -> None:
    reference = Reference()
    folder = Path(tempfile.mkdtemp(dir=bureau.folder))
    with Session(bureau.engine) as session, session.begin():
        try:
            for serial, lines in enumerate(files, 1):
                path = submit(folder, lines, f"{serial:03d}")
                result = Ingestor(session, CLOCK, chunk_lines=chunk_lines).ingest(path)
                assert codes(result) == reference.apply_file(path.name, lines)
                assert result.accepted + result.rejected == len(lines)
            session.flush()
            assert read_tables(session) == reference.tables
        finally:
            session.rollback()


# --- the rejections, in constant memory --------------------------------------------------


def test_rejections_beyond_the_bound_go_to_disk_and_come_back_in_order() -> None:
    error = RecordError("ABE001", "AcctMthlyBlgInfSgmt", "AcctBal", "x", "not a number")
    spool = RejectionSpool(held=3)
    spool.extend(Rejection(n, f"A{n}", (error,), f"line {n}") for n in range(1, 11))
    assert len(spool) == 10 and bool(spool)
    assert [r.line for r in spool] == list(range(1, 11))
    assert [r.line for r in spool] == list(range(1, 11))  # iterated again
    assert spool[7].text == "line 8" and spool[-1].line == 10
    assert spool == [Rejection(n, f"A{n}", (error,), f"line {n}") for n in range(1, 11)]


def test_the_log_says_a_file_was_already_ingested(
    bureau: Bureau, caplog: pytest.LogCaptureFixture
) -> None:
    path = bureau.file([record("R1A01", date(2025, 1, 31), "31")])
    with unit_of_work(bureau.engine) as session:
        Ingestor(session, CLOCK).ingest(path)
    with caplog.at_level(logging.INFO, logger="zhengxin"), unit_of_work(bureau.engine) as s:
        again = Ingestor(s, CLOCK).ingest(path)
    assert again.duplicate is True
    assert "ingest.already_ingested" in caplog.text


@pytest.mark.parametrize("block", [1, 2, 5, 1 << 20])
@pytest.mark.parametrize("ending", [b"", b"\r\n"])
def test_the_survey_finds_every_chunk_whatever_the_read_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int, ending: bytes
) -> None:
    monkeypatch.setattr(ingest_module, "_BLOCK", block)
    body = [b"x" * (n % 7 + 1) for n in range(23)]
    path = tmp_path / "f"
    path.write_bytes(b"H" * 50 + b"\r\n" + b"\r\n".join(body) + ending)
    for size in (1, 2, 4, 23, 100):
        _, spans = survey(path, 52, size)
        data = path.read_bytes()
        assert [s.first for s in spans] == list(range(1, 24, size))
        read = [line for s in spans for line in data[s.start : s.end].split(b"\r\n") if line]
        assert read == body
        assert sum(s.count for s in spans) == 23
