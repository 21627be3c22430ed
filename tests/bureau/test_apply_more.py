"""The bureau applies every record type other than 210: people (110), agreements (220) and the
requests that rename, correct, delete or annotate an account (211-215) or an agreement
(221-224).

The stories: institution ``B10211000H0001`` reports 张三 (born 1990, married, employed) and his
revolving loan ``…R1A0001`` (June to August 2024 held), his credit card ``…R2C0001``, his
instalment loan ``…D1L0001`` and his agreement ``…CTR0001`` (¥50,000 from 2024-06-01), and then
sends the bureau what changed. Each refusal shows its code and leaves the store as it was.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import Backend, row_counts
from zhengxin.bureau.apply_more import ingest_other
from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    Agreement,
    BureauBase,
    CodeChange,
    SpecialEvent,
    Subject,
    SubjectInfo,
    Submission,
)
from zhengxin.bureau.outcome import Rejection
from zhengxin.bureau.registry import InstitutionKind, register, snapshot
from zhengxin.codes import (
    AccountStatus,
    AccountType,
    AgreementReportCode,
    AgreementStatus,
    EffectFlag,
    EmploymentStatus,
    FiveCategory,
    IdentityCategory,
    IdType,
    RepaymentStatus,
    SegmentMark210,
    SegmentMark220,
    SpecialEventType,
)
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import InvalidInput
from zhengxin.pboc import (
    AccountRecord,
    AgreementRecord,
    BasicInfoRecord,
    FileName,
    MonthlySegment,
    NonMonthlySegment,
    RecordError,
    collateral,
    read_submission,
    record110,
    record220,
    write_submission,
)
from zhengxin.pboc.corrections import AccountCorrection, AgreementCorrection, BaseCorrection
from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.record110 import EmploymentSegment, IncomeSegment
from zhengxin.pboc.record220 import CoObligor, CreditLimitSegment, co_obligors
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.variants import (
    AccountDeletion,
    AccountIdChange,
    AccountSegmentDeletion,
    AgreementDeletion,
    AgreementIdChange,
    AgreementSegmentDeletion,
)
from zhengxin.pboc.variants import SpecialEvent as SpecialEventRecord

INSTITUTION = "B10211000H0001"
FILE_DATE = date(2024, 9, 30)
CLOCK = FixedClock.on(FILE_DATE)
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "pboc_examples.txt"

LOAN = f"{INSTITUTION}R1A0001"
OTHER_LOAN = f"{INSTITUTION}R1A0002"
RENAMED_LOAN = f"{INSTITUTION}R1B0001"
CARD = f"{INSTITUTION}R2C0001"
INSTALMENTS = f"{INSTITUTION}D1L0001"
CONTRACT = f"{INSTITUTION}CTR0001"
OTHER_CONTRACT = f"{INSTITUTION}CTR0002"


@dataclass(frozen=True)
class Person:
    id_type: str
    id_number: str
    name: str


ZHANG = Person("10", "110105199003071239", "张三")
LI = Person("10", "110108198511204020", "李梅")

T = TypeVar("T")


# --- the bureau under test ---------------------------------------------------------------


class Bureau:
    """One bureau's store on one backend, with the files sent to it."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        self._serial = itertools.count(1)

    def send(self, record_type: str, records: Sequence[Any]) -> tuple[int, list[Rejection]]:
        """Write ``records`` (typed records, or lines as text) into a file of 2024-09-30, read
        it back, and apply it in one unit of work."""
        lines = [r if isinstance(r, str) else r.to_line() for r in records]
        serial = f"{next(self._serial):03d}"
        name = FileName(INSTITUTION, FILE_DATE, record_type, serial)
        path = write_submission(self.folder, name, datetime(2024, 9, 30, 23, 0), lines)
        submission = read_submission(path)
        with unit_of_work(self.engine) as session:
            row = self._submission(session, path.name, record_type, len(lines))
            context = FileContext(record_type, FILE_DATE, INSTITUTION, snapshot(session))
            return ingest_other(session, CLOCK, row, submission.lines(), context)

    def accepts(self, record_type: str, *records: Any) -> None:
        accepted, rejections = self.send(record_type, records)
        assert rejections == []
        assert accepted == len(records)

    def refuses(self, record_type: str, record: Any) -> RecordError:
        """Send one record that must be refused; it must change no row but the file's own."""
        before = self.counts()
        accepted, rejections = self.send(record_type, [record])
        assert accepted == 0
        assert len(rejections) == 1 and len(rejections[0].errors) == 1
        assert self.counts() == {**before, "submission": before["submission"] + 1}
        return rejections[0].errors[0]

    def counts(self) -> dict[str, int]:
        return row_counts(self.engine, BureauBase.metadata)

    def rows(self, model: type[T], *where: Any) -> list[T]:
        with Session(self.engine) as session:
            return list(session.scalars(select(model).where(*where)))

    def one(self, model: type[T], *where: Any) -> T:
        (found,) = self.rows(model, *where)
        return found

    def _submission(
        self, session: Session, file_name: str, record_type: str, count: int
    ) -> Submission:
        row = Submission(
            file_name=file_name,
            institution_code=INSTITUTION,
            record_type=record_type,
            file_date=FILE_DATE,
            received_at=CLOCK.now(),
            record_count=count,
            accepted_count=0,
            rejected_count=0,
        )
        session.add(row)
        session.flush()
        return row

    # What the bureau holds from earlier 210 files, stated as rows.

    def holds_account(
        self,
        code: str,
        kind: str = "R1",
        months: Sequence[tuple[date, date]] = (),
        events: Sequence[date] = (),
        person: Person = ZHANG,
        agreement: str | None = None,
    ) -> None:
        """Account ``code`` of ``person`` with ``months`` (month, report date) of performance
        and non-monthly reports on ``events``."""
        with unit_of_work(self.engine) as session:
            seed = self._submission(session, f"held-{code[-7:]}", "210", 0)
            subject = session.scalar(
                select(Subject).where(
                    Subject.id_type == person.id_type, Subject.id_number == person.id_number
                )
            )
            if subject is None:
                subject = Subject(
                    id_type=person.id_type,
                    id_number=person.id_number,
                    name=person.name,
                    updated_at=CLOCK.now(),
                )
                session.add(subject)
                session.flush()
            account = Account(
                institution_code=INSTITUTION,
                account_code=code,
                subject_id=subject.id,
                account_type=kind,
                business_line="1",
                business_detail="91",
                open_date=date(2024, 6, 1),
                currency="CNY",
                credit_limit_yuan=20000,
                agreement_code=agreement,
            )
            session.add(account)
            session.flush()
            for month, reported in months:
                session.add(
                    AccountMonth(
                        account_id=account.id,
                        month=month,
                        report_date=reported,
                        report_timing="30",
                        account_status="2",
                        balance_yuan=5000,
                        five_category="2",
                        five_category_date=reported,
                        repayment_status="1",
                        overdue_total_yuan=520,
                        last_repayment_date=reported,
                        submission_id=seed.id,
                    )
                )
            for reported in events:
                session.add(
                    AccountEvent(
                        account_id=account.id,
                        report_date=reported,
                        report_timing="40",
                        account_status="2",
                        balance_yuan=5000,
                        last_repayment_yuan=500,
                        last_repayment_date=reported,
                        submission_id=seed.id,
                    )
                )

    def holds_event(self, code: str, kind: str, month: date, reported: date) -> None:
        with unit_of_work(self.engine) as session:
            seed = self._submission(session, f"event-{code[-7:]}-{kind}-{month:%Y%m}", "215", 0)
            account = session.scalars(select(Account).where(Account.account_code == code)).one()
            session.add(
                SpecialEvent(
                    account_id=account.id,
                    event_type=kind,
                    month=month,
                    effective=True,
                    report_date=reported,
                    submission_id=seed.id,
                )
            )


@pytest.fixture
def bureau(backend: Backend, tmp_path: Path) -> Bureau:
    engine = backend.engine("bureau")
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        register(session, CLOCK, INSTITUTION, "示例银行", InstitutionKind.BANK)
    return Bureau(engine, tmp_path / "files")


def month(year: int, number: int) -> date:
    return date(year, number, 1)


JUNE, JULY, AUGUST = month(2024, 6), month(2024, 7), month(2024, 8)
LOAN_HISTORY = (
    (JUNE, date(2024, 7, 1)),
    (JULY, date(2024, 8, 1)),
    (AUGUST, date(2024, 9, 1)),
)
"""The revolving loan's months as held: June, July and August, each reported on the 1st."""


# --- 110: who a person is ----------------------------------------------------------------

FIRST_REPORT = BasicInfoRecord.from_line(record110.SAMPLE_LINE)
"""张三's first report of 2024-09-12: married, a bachelor's degree, a clerk at 北京某某科技."""


def update_of(day: date, name: str = "张三", **segments: Any) -> BasicInfoRecord:
    """An update (RptDateCode 20) of 张三 reported on ``day`` carrying only ``segments``."""
    base = dataclasses.replace(FIRST_REPORT.base, rpt_date=day, rpt_date_code="20", name=name)
    return BasicInfoRecord(base, **segments)


LOST_HIS_JOB = EmploymentSegment(
    emp_status=EmploymentStatus.UNEMPLOYED, octpn_info_up_date=date(2024, 9, 18)
)
PAY_RISE = IncomeSegment(annl_inc=300000, tax_income=250000, inc_info_up_date=date(2024, 9, 18))


def test_a_first_report_makes_the_person_known_with_every_fact_it_carries(
    bureau: Bureau,
) -> None:
    bureau.accepts("110", FIRST_REPORT)
    person = bureau.one(Subject)
    assert (person.id_type, person.id_number, person.name) == ("10", ZHANG.id_number, "张三")
    info = bureau.one(SubjectInfo)
    assert (info.institution_code, info.report_date, info.report_timing) == (
        INSTITUTION,
        date(2024, 9, 12),
        "10",
    )
    assert (info.sex, info.birth_date, info.nation, info.cell_phone) == (
        "1",
        date(1990, 3, 7),
        "CHN",
        "13800138000",
    )
    assert (info.marital_status, info.education, info.degree) == ("20", "20", "4")
    assert (info.employment_status, info.employer, info.occupation) == (
        "17",
        "北京某某科技有限公司",
        "1",
    )
    assert (info.residence_status, info.residence_address, info.mailing_address) == (
        "2",
        "北京市朝阳区建国路1号",
        "北京市朝阳区建国路1号",
    )
    assert info.annual_income_yuan == 240000


def test_an_update_changes_only_the_segments_it_carries(bureau: Bureau) -> None:
    bureau.accepts("110", FIRST_REPORT)
    bureau.accepts(
        "110", update_of(date(2024, 9, 20), "张叁", employment=LOST_HIS_JOB, income=PAY_RISE)
    )
    info = bureau.one(SubjectInfo)
    assert (info.report_date, info.report_timing) == (date(2024, 9, 20), "20")
    assert (info.employment_status, info.employer, info.occupation) == ("70", None, None)
    assert info.annual_income_yuan == 300000
    assert (info.marital_status, info.education, info.cell_phone) == ("20", "20", "13800138000")
    assert bureau.one(Subject).name == "张叁"


def test_an_older_report_cannot_replace_the_one_held(bureau: Bureau) -> None:
    bureau.accepts("110", FIRST_REPORT)
    older = update_of(
        date(2024, 9, 10), income=dataclasses.replace(PAY_RISE, inc_info_up_date=date(2024, 9, 1))
    )
    error = bureau.refuses("110", older)
    assert (error.code, error.tag, error.value) == ("BBR002", "RptDate", "2024-09-10")
    assert "2024-09-12" in error.message
    assert bureau.one(SubjectInfo).annual_income_yuan == 240000


def test_a_first_report_to_the_bureau_must_carry_the_six_core_segments(bureau: Bureau) -> None:
    error = bureau.refuses("110", update_of(date(2024, 9, 20), income=PAY_RISE))
    assert (error.code, error.tag) == ("BBR001", MULTI_ITEM_TAG)
    assert "FcsInfSgmt" in error.message and "MlgInfSgmt" in error.message


# --- 220: credit agreements --------------------------------------------------------------

STARTED = AgreementRecord.from_line(record220.SAMPLE_LINE)
"""Agreement …CTR0001 of 张三: ¥50,000 revolving from 2024-06-01, reported on 2024-06-05."""


def agreement_report(
    day: date,
    timing: AgreementReportCode,
    limit: int = 50000,
    status: AgreementStatus = AgreementStatus.VALID,
    code: str = CONTRACT,
) -> AgreementRecord:
    base = dataclasses.replace(STARTED.base, rpt_date=day, rpt_date_code=timing, contract_code=code)
    credit = dataclasses.replace(STARTED.credit_limit, credit_lim=limit, con_status=status)
    return dataclasses.replace(STARTED, base=base, credit_limit=credit)


RAISED = agreement_report(date(2024, 7, 10), AgreementReportCode.LIMIT_CHANGED, 80000)
ENDED = agreement_report(
    date(2024, 8, 31), AgreementReportCode.EXPIRED, status=AgreementStatus.EXPIRED
)


def test_an_agreement_starts_and_its_limit_is_raised(bureau: Bureau) -> None:
    bureau.accepts("220", STARTED)
    held = bureau.one(Agreement)
    assert (held.contract_code, held.report_timing, held.limit_yuan, held.status) == (
        CONTRACT,
        "10",
        50000,
        "1",
    )
    assert (held.limit_type, held.revolving, held.currency) == ("10", "1", "CNY")
    assert (held.effective_date, held.expiry_date) == (date(2024, 6, 1), date(2027, 5, 31))
    assert bureau.one(Subject).id == held.subject_id

    bureau.accepts("220", RAISED)
    held = bureau.one(Agreement)
    assert (held.report_date, held.report_timing, held.limit_yuan) == (
        date(2024, 7, 10),
        "30",
        80000,
    )


def test_a_report_no_newer_than_the_one_held_is_taken_but_changes_nothing(
    bureau: Bureau,
) -> None:
    bureau.accepts("220", STARTED, RAISED)
    bureau.accepts(
        "220",
        STARTED,
        agreement_report(date(2024, 7, 10), AgreementReportCode.LIMIT_CHANGED, 70000),
    )
    held = bureau.one(Agreement)
    assert (held.report_date, held.limit_yuan) == (date(2024, 7, 10), 80000)


def test_nothing_more_is_taken_after_the_agreement_ended(bureau: Bureau) -> None:
    bureau.accepts("220", STARTED, ENDED)
    error = bureau.refuses(
        "220", agreement_report(date(2024, 9, 10), AgreementReportCode.LIMIT_CHANGED, 90000)
    )
    assert (error.code, error.tag) == ("BCR001", "RptDate")
    assert bureau.one(Agreement).status == "2"


def test_a_back_dated_report_may_not_end_the_agreement(bureau: Bureau) -> None:
    bureau.accepts("220", STARTED, RAISED)
    back_dated_end = agreement_report(
        date(2024, 7, 1), AgreementReportCode.EXPIRED, status=AgreementStatus.EXPIRED
    )
    error = bureau.refuses("220", back_dated_end)
    assert (error.code, error.tag, error.value) == ("BCR002", "ConStatus", "2")


# --- 211: an account changes its code ----------------------------------------------------

RENAME = AccountIdChange(od_bnes_code=LOAN, nw_bnes_code=RENAMED_LOAN)


def test_an_identifier_change_moves_the_history_to_the_new_code(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    bureau.accepts("211", RENAME)
    account = bureau.one(Account)
    assert account.account_code == RENAMED_LOAN
    assert [m.month for m in bureau.rows(AccountMonth, AccountMonth.account_id == account.id)] == [
        JUNE,
        JULY,
        AUGUST,
    ]
    change = bureau.one(CodeChange)
    assert (change.kind, change.old_code, change.new_code, change.changed_on) == (
        "account",
        LOAN,
        RENAMED_LOAN,
        FILE_DATE,
    )


def test_the_old_code_is_refused_afterwards(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    bureau.accepts("211", RENAME)
    again = bureau.refuses("211", RENAME)
    assert (again.code, again.tag) == ("BIE001", "OdBnesCode")
    assert RENAMED_LOAN in again.message
    deletion = bureau.refuses("214", AccountDeletion(del_rec_code=LOAN))
    assert (deletion.code, deletion.tag) == ("ABE012", "DelRecCode")
    assert f"report it as {RENAMED_LOAN}" in deletion.message


def test_an_account_may_take_back_its_own_old_code(bureau: Bureau) -> None:
    bureau.holds_account(LOAN)
    bureau.accepts("211", RENAME)
    bureau.accepts("211", AccountIdChange(od_bnes_code=RENAMED_LOAN, nw_bnes_code=LOAN))
    assert bureau.one(Account).account_code == LOAN
    change = bureau.one(CodeChange)
    assert (change.old_code, change.new_code) == (RENAMED_LOAN, LOAN)


def test_an_unknown_account_cannot_change_its_code(bureau: Bureau) -> None:
    error = bureau.refuses("211", RENAME)
    assert (error.code, error.value) == ("BIE001", LOAN)


def test_a_code_in_use_by_another_account_cannot_be_taken(bureau: Bureau) -> None:
    bureau.holds_account(LOAN)
    bureau.holds_account(OTHER_LOAN)
    error = bureau.refuses("211", AccountIdChange(od_bnes_code=LOAN, nw_bnes_code=OTHER_LOAN))
    assert (error.code, error.tag) == ("BIE002", "NwBnesCode")


def test_a_code_another_account_gave_up_cannot_be_taken(bureau: Bureau) -> None:
    bureau.holds_account(LOAN)
    bureau.holds_account(OTHER_LOAN)
    bureau.accepts("211", RENAME)
    error = bureau.refuses("211", AccountIdChange(od_bnes_code=OTHER_LOAN, nw_bnes_code=LOAN))
    assert (error.code, error.value) == ("BIE002", LOAN)


# --- 212: one segment of an account corrected --------------------------------------------

JULY_CORRECTED = MonthlySegment(
    month=JULY,
    sett_date=date(2024, 7, 25),
    acct_status=AccountStatus.OVERDUE,
    acct_bal=5000,
    rem_rep_prd=0,
    five_cate=FiveCategory.SPECIAL_MENTION,
    five_cate_adj_date=date(2024, 7, 31),
    rpy_status=RepaymentStatus.OVERDUE_1_30,
    overd_prd=1,
    tot_overd=530,
    overd_princ=500,
    oved31_60_princ=0,
    oved61_90_princ=0,
    oved91_180_princ=0,
    oved_princ180=0,
    cur_rpy_amt=530,
    act_rpy_amt=0,
    lat_rpy_date=date(2024, 6, 25),
)
"""July as it should have been reported on 2024-08-01: 530 overdue, not 520."""


def correction(segment: Any, day: date = date(2024, 8, 1), **changes: Any) -> AccountCorrection:
    fields = {"mod_rec_code": LOAN, "rpt_date": day, "acct_type": AccountType.R1}
    return AccountCorrection(segment=segment, **{**fields, **changes})


def test_a_corrected_monthly_segment_replaces_the_month_the_bureau_held(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    bureau.accepts("212", correction(JULY_CORRECTED))
    july = bureau.one(AccountMonth, AccountMonth.month == JULY)
    assert (july.overdue_total_yuan, july.due_yuan, july.settlement_date) == (
        530,
        530,
        date(2024, 7, 25),
    )
    assert (july.report_date, july.report_timing) == (date(2024, 8, 1), "30")
    assert [
        m.overdue_total_yuan for m in bureau.rows(AccountMonth, AccountMonth.month != JULY)
    ] == [
        520,
        520,
    ]


def test_a_month_the_bureau_does_not_hold_cannot_be_corrected(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY[:1])
    error = bureau.refuses("212", correction(JULY_CORRECTED))
    assert (error.code, error.tag, error.value) == ("BMR007", "Month", "2024-07")
    assert "no monthly performance" in error.message and "2024-07" in error.message


def test_only_the_latest_version_of_a_month_can_be_corrected(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=[(JULY, date(2024, 8, 5))])
    error = bureau.refuses("212", correction(JULY_CORRECTED))
    assert (error.code, error.tag, error.value) == ("BMR008", "RptDate", "2024-08-01")
    assert "2024-08-05" in error.message


def test_a_correction_of_an_unknown_account_is_refused(bureau: Bureau) -> None:
    error = bureau.refuses("212", correction(JULY_CORRECTED))
    assert (error.code, error.tag, error.value) == ("BMR006", "ModRecCode", LOAN)


def test_a_correction_must_name_the_type_the_account_is_held_with(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, kind="R4", months=LOAN_HISTORY)
    error = bureau.refuses("212", correction(JULY_CORRECTED))
    assert (error.code, error.tag, error.value) == ("BMR012", "AcctType", "R1")


def test_a_corrected_borrower_takes_the_account_to_that_person(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    borrower = BaseCorrection(
        name=LI.name, id_type=IdType.RESIDENT_ID, id_num=LI.id_number, mngmt_org_code=INSTITUTION
    )
    bureau.accepts("212", correction(borrower, date(2024, 9, 1)))
    li = bureau.one(Subject, Subject.id_number == LI.id_number)
    assert li.name == "李梅"
    assert bureau.one(Account).subject_id == li.id
    assert len(bureau.rows(AccountMonth)) == 3


def test_a_base_correction_must_name_the_latest_report(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    borrower = BaseCorrection(
        name="张三", id_type=IdType.RESIDENT_ID, id_num=ZHANG.id_number, mngmt_org_code=INSTITUTION
    )
    error = bureau.refuses("212", correction(borrower, date(2024, 8, 1)))
    assert (error.code, error.tag) == ("BMR008", "RptDate")
    assert "2024-09-01" in error.message


def test_corrected_base_facts_and_credit_line_replace_those_held(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    opened = AccountRecord.from_line(EXAMPLES.read_text(encoding="utf-8").splitlines()[0])
    assert opened.basic_info is not None and opened.credit_line is not None
    info = dataclasses.replace(opened.basic_info, open_date=date(2024, 5, 30), acct_cred_line=30000)
    line = dataclasses.replace(opened.credit_line, mcc=CONTRACT)
    bureau.accepts("212", correction(info, date(2024, 9, 1)), correction(line, date(2024, 9, 1)))
    account = bureau.one(Account)
    assert (account.open_date, account.credit_limit_yuan, account.repay_mode) == (
        date(2024, 5, 30),
        30000,
        "33",
    )
    assert account.agreement_code == CONTRACT


def test_a_corrected_non_monthly_report_replaces_the_one_of_that_date(bureau: Bureau) -> None:
    bureau.holds_account(INSTALMENTS, kind="D1", events=[date(2024, 8, 1)])
    recovered = NonMonthlySegment(
        acct_status=AccountStatus.OVERDUE,
        acct_bal=3500,
        five_cate=FiveCategory.SPECIAL_MENTION,
        five_cate_adj_date=date(2024, 7, 31),
        rem_rep_prd=10,
        rpy_status=RepaymentStatus.PAID_AS_AGREED,
        overd_prd=0,
        tot_overd=0,
        lat_rpy_amt=1500,
        lat_rpy_date=date(2024, 8, 1),
    )
    fix = correction(recovered, mod_rec_code=INSTALMENTS, acct_type=AccountType.D1)
    bureau.accepts("212", fix)
    event = bureau.one(AccountEvent)
    assert (event.balance_yuan, event.last_repayment_yuan, event.report_timing) == (
        3500,
        1500,
        "40",
    )
    next_day = date(2024, 8, 2)
    unheld = correction(
        dataclasses.replace(recovered, lat_rpy_date=next_day),
        next_day,
        mod_rec_code=INSTALMENTS,
        acct_type=AccountType.D1,
    )
    error = bureau.refuses("212", unheld)
    assert (error.code, error.value) == ("BMR009", "2024-08-02")


def test_a_segment_the_bureau_does_not_keep_cannot_be_corrected(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    error = bureau.refuses("212", correction(collateral([f"{INSTITUTION}CCC0001"])))
    assert (error.code, error.tag, error.value) == ("BMR021", "MdfcSgmtCode", "E")


# --- 213: a segment deleted over a range of report dates ---------------------------------


def deletion(mark: SegmentMark210, start: date | None, end: date | None = None) -> Any:
    return AccountSegmentDeletion(
        del_rec_code=LOAN, del_sgmt_code=mark, del_start_date=start, del_end_date=end
    )


def test_deleted_months_are_gone_and_the_others_stay(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    bureau.accepts("213", deletion(SegmentMark210.MONTHLY, date(2024, 8, 1), date(2024, 9, 1)))
    assert [m.month for m in bureau.rows(AccountMonth)] == [JUNE]


def test_deleted_non_monthly_reports_and_base_facts_are_gone(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY, events=[date(2024, 7, 15), date(2024, 9, 15)])
    bureau.accepts(
        "213",
        deletion(SegmentMark210.NON_MONTHLY, None, date(2024, 8, 31)),
        deletion(SegmentMark210.BASIC_INFO, date(2024, 6, 1)),
        deletion(SegmentMark210.SPECIAL_TRANSACTIONS, date(2024, 6, 1)),
    )
    assert [e.report_date for e in bureau.rows(AccountEvent)] == [date(2024, 9, 15)]
    account = bureau.one(Account)
    assert (account.open_date, account.credit_limit_yuan, account.business_line) == (
        None,
        None,
        None,
    )
    assert len(bureau.rows(AccountMonth)) == 3


def test_nothing_can_be_deleted_from_an_unknown_account(bureau: Bureau) -> None:
    error = bureau.refuses("213", deletion(SegmentMark210.MONTHLY, date(2024, 8, 1)))
    assert (error.code, error.tag, error.value) == ("BSR000", "DelRecCode", LOAN)


def test_a_range_holding_a_special_event_in_force_is_refused(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    bureau.holds_event(LOAN, "11", month(2024, 9), date(2024, 9, 20))
    error = bureau.refuses("213", deletion(SegmentMark210.MONTHLY, date(2024, 8, 1)))
    assert error.code == "BSR002"
    assert "215 with Flag 0" in error.message


def test_after_a_card_was_reopened_only_later_reports_can_be_deleted(bureau: Bureau) -> None:
    bureau.holds_account(CARD, kind="R2", months=LOAN_HISTORY)
    bureau.holds_event(CARD, "12", JULY, date(2024, 7, 5))
    too_early = dataclasses.replace(
        deletion(SegmentMark210.MONTHLY, date(2024, 6, 1)), del_rec_code=CARD
    )
    error = bureau.refuses("213", too_early)
    assert (error.code, error.tag) == ("BSR001", "DelStartDate")
    assert "2024-07-01" in error.message
    bureau.accepts("213", dataclasses.replace(too_early, del_start_date=date(2024, 7, 6)))
    assert [m.month for m in bureau.rows(AccountMonth)] == [JUNE]


# --- 214: the whole account deleted ------------------------------------------------------


def test_a_deleted_account_leaves_no_trace_of_its_months(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY, events=[date(2024, 8, 15)])
    bureau.holds_event(LOAN, "11", month(2024, 9), date(2024, 9, 20))
    bureau.holds_account(OTHER_LOAN, months=LOAN_HISTORY[:1])
    bureau.accepts("214", AccountDeletion(del_rec_code=LOAN))
    assert [a.account_code for a in bureau.rows(Account)] == [OTHER_LOAN]
    assert len(bureau.rows(AccountMonth)) == 1
    assert bureau.rows(AccountEvent) == [] and bureau.rows(SpecialEvent) == []


def test_an_unknown_account_cannot_be_deleted(bureau: Bureau) -> None:
    error = bureau.refuses("214", AccountDeletion(del_rec_code=LOAN))
    assert (error.code, error.tag, error.value) == ("BTE000", "DelRecCode", LOAN)


# --- 215: special events -----------------------------------------------------------------

NO_AUGUST_STATEMENT = SpecialEventRecord(
    acct_code=CARD,
    opetn_type=SpecialEventType.NO_STATEMENT_BILLING_DATE_CHANGED,
    month=AUGUST,
    flag=EffectFlag.VALID,
    rpt_date=date(2024, 8, 20),
)
"""Card …R2C0001 had no statement in August: its billing date moved."""


def test_a_month_without_a_statement_is_noted_and_the_note_withdrawn(bureau: Bureau) -> None:
    bureau.holds_account(CARD, kind="R2", months=LOAN_HISTORY[:2])
    bureau.accepts("215", NO_AUGUST_STATEMENT)
    event = bureau.one(SpecialEvent)
    assert (event.event_type, event.month, event.effective, event.report_date) == (
        "11",
        AUGUST,
        True,
        date(2024, 8, 20),
    )
    withdrawn = dataclasses.replace(
        NO_AUGUST_STATEMENT, flag=EffectFlag.INVALID, rpt_date=date(2024, 8, 28)
    )
    bureau.accepts("215", withdrawn)
    event = bureau.one(SpecialEvent)
    assert (event.effective, event.report_date) == (False, date(2024, 8, 28))
    error = bureau.refuses("215", withdrawn)
    assert (error.code, error.tag) == ("BQR005", "Flag")


def test_an_event_of_an_unknown_account_is_refused(bureau: Bureau) -> None:
    error = bureau.refuses("215", NO_AUGUST_STATEMENT)
    assert (error.code, error.tag, error.value) == ("BQR001", "AcctCode", CARD)


def test_a_missing_statement_is_only_for_a_card_and_a_month_without_one(bureau: Bureau) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY[:2])
    on_a_loan = dataclasses.replace(NO_AUGUST_STATEMENT, acct_code=LOAN)
    error = bureau.refuses("215", on_a_loan)
    assert (error.code, error.tag) == ("BQR002", "OpetnType")
    bureau.holds_account(CARD, kind="R2", months=LOAN_HISTORY)
    error = bureau.refuses("215", NO_AUGUST_STATEMENT)
    assert (error.code, error.tag, error.value) == ("BQR002", "Month", "2024-08")


def test_a_transfer_out_must_follow_the_months_held(bureau: Bureau) -> None:
    bureau.holds_account(INSTALMENTS, kind="D1", months=LOAN_HISTORY)
    transfer = SpecialEventRecord(
        acct_code=INSTALMENTS,
        opetn_type=SpecialEventType.TRANSFERRED_OUT,
        month=AUGUST,
        flag=EffectFlag.VALID,
        rpt_date=date(2024, 8, 30),
    )
    error = bureau.refuses("215", transfer)
    assert (error.code, error.tag) == ("BQR004", "Month")
    bureau.accepts(
        "215", dataclasses.replace(transfer, month=month(2024, 9), rpt_date=date(2024, 9, 5))
    )
    assert bureau.one(SpecialEvent).event_type == "21"


# --- 221-224: agreements renamed, corrected and deleted ----------------------------------


def test_an_agreement_changes_its_code_and_its_accounts_follow(bureau: Bureau) -> None:
    bureau.accepts("220", STARTED)
    bureau.holds_account(LOAN, agreement=CONTRACT)
    bureau.accepts("221", AgreementIdChange(od_bnes_code=CONTRACT, nw_bnes_code=OTHER_CONTRACT))
    assert bureau.one(Agreement).contract_code == OTHER_CONTRACT
    assert bureau.one(Account).agreement_code == OTHER_CONTRACT
    change = bureau.one(CodeChange)
    assert (change.kind, change.old_code, change.new_code) == (
        "agreement",
        CONTRACT,
        OTHER_CONTRACT,
    )
    error = bureau.refuses("220", RAISED)
    assert (error.code, error.tag, error.value) == ("ABE012", "ContractCode", CONTRACT)


def test_an_agreement_code_change_needs_a_held_code_and_a_free_one(bureau: Bureau) -> None:
    rename = AgreementIdChange(od_bnes_code=CONTRACT, nw_bnes_code=OTHER_CONTRACT)
    error = bureau.refuses("221", rename)
    assert (error.code, error.tag) == ("BIE101", "OdBnesCode")
    bureau.accepts(
        "220",
        STARTED,
        agreement_report(STARTED.base.rpt_date, AgreementReportCode.STARTED, code=OTHER_CONTRACT),
    )
    error = bureau.refuses("221", rename)
    assert (error.code, error.tag) == ("BIE102", "NwBnesCode")


NEW_LIMIT = CreditLimitSegment(
    credit_lim_type=STARTED.credit_limit.credit_lim_type,
    lim_loop_flg=STARTED.credit_limit.lim_loop_flg,
    credit_lim=60000,
    cy=STARTED.credit_limit.cy,
    con_eff_date=date(2024, 6, 1),
    con_exp_date=date(2027, 5, 31),
    con_status=AgreementStatus.VALID,
)


def test_a_corrected_limit_replaces_the_one_held(bureau: Bureau) -> None:
    bureau.accepts("220", STARTED)
    bureau.accepts(
        "222",
        AgreementCorrection(mod_rec_code=CONTRACT, rpt_date=date(2024, 6, 5), segment=NEW_LIMIT),
    )
    held = bureau.one(Agreement)
    assert (held.limit_yuan, held.report_date) == (60000, date(2024, 6, 5))


def test_an_agreement_correction_needs_the_agreement_and_its_latest_report(
    bureau: Bureau,
) -> None:
    fix = AgreementCorrection(mod_rec_code=CONTRACT, rpt_date=date(2024, 6, 5), segment=NEW_LIMIT)
    error = bureau.refuses("222", fix)
    assert (error.code, error.tag) == ("BMR106", "ModRecCode")
    bureau.accepts("220", STARTED, RAISED)
    error = bureau.refuses("222", fix)
    assert (error.code, error.tag) == ("BMR108", "RptDate")
    assert "2024-07-10" in error.message
    partner = CoObligor(
        brer_type=IdentityCategory.NATURAL_PERSON,
        cert_rel_name=LI.name,
        cert_rel_id_type="10",
        cert_rel_id_num=LI.id_number,
    )
    error = bureau.refuses(
        "222", dataclasses.replace(fix, rpt_date=date(2024, 7, 10), segment=co_obligors([partner]))
    )
    assert error.code == "BMR121"


def test_a_corrected_borrower_takes_the_agreement_to_that_person(bureau: Bureau) -> None:
    bureau.accepts("220", STARTED)
    borrower = BaseCorrection(
        name=LI.name, id_type=IdType.RESIDENT_ID, id_num=LI.id_number, mngmt_org_code=INSTITUTION
    )
    bureau.accepts(
        "222",
        AgreementCorrection(mod_rec_code=CONTRACT, rpt_date=date(2024, 6, 5), segment=borrower),
    )
    li = bureau.one(Subject, Subject.id_number == LI.id_number)
    assert bureau.one(Agreement).subject_id == li.id


def test_a_deleted_limit_segment_leaves_the_agreement_without_limit_facts(
    bureau: Bureau,
) -> None:
    bureau.accepts("220", STARTED)
    not_in_range = AgreementSegmentDeletion(
        del_rec_code=CONTRACT,
        del_sgmt_code=SegmentMark220.CREDIT_LIMIT,
        del_start_date=date(2024, 7, 1),
    )
    bureau.accepts("223", not_in_range)
    assert bureau.one(Agreement).limit_yuan == 50000
    bureau.accepts("223", dataclasses.replace(not_in_range, del_start_date=date(2024, 6, 1)))
    held = bureau.one(Agreement)
    assert (held.limit_yuan, held.status, held.expiry_date) == (None, None, None)
    assert held.report_date == date(2024, 6, 5)


def test_an_unknown_agreement_has_no_limit_segment_to_delete(bureau: Bureau) -> None:
    error = bureau.refuses(
        "223",
        AgreementSegmentDeletion(
            del_rec_code=CONTRACT,
            del_sgmt_code=SegmentMark220.CREDIT_LIMIT,
            del_start_date=date(2024, 6, 1),
        ),
    )
    assert (error.code, error.value) == ("BSR100", CONTRACT)


def test_a_deleted_agreement_is_gone(bureau: Bureau) -> None:
    bureau.accepts("220", STARTED)
    bureau.accepts("224", AgreementDeletion(del_rec_code=CONTRACT))
    assert bureau.rows(Agreement) == []
    error = bureau.refuses("224", AgreementDeletion(del_rec_code=CONTRACT))
    assert (error.code, error.tag, error.value) == ("BTE100", "DelRecCode", CONTRACT)


# --- lines that are not records, and records that break a rule ---------------------------


def test_unreadable_and_rule_breaking_lines_are_rejected_and_the_rest_applied(
    bureau: Bureau,
) -> None:
    bureau.holds_account(LOAN, months=LOAN_HISTORY)
    bureau.holds_account(OTHER_LOAN)
    foreign = AccountDeletion(del_rec_code="C10211000H0001R1A0009").to_line()
    accepted, rejections = bureau.send(
        "214",
        [
            AccountDeletion(del_rec_code=LOAN),
            "<Document><InAcctEntDel><Nope/></InAcctEntDel></Document>",
            foreign,
            AccountDeletion(del_rec_code=OTHER_LOAN),
        ],
    )
    assert accepted == 2
    assert [(r.line, r.account_code, r.errors[0].code) for r in rejections] == [
        (2, "", "ABR000"),
        (3, "C10211000H0001R1A0009", "ABE002"),
    ]
    assert rejections[0].errors[0].tag == MULTI_ITEM_TAG
    assert rejections[1].text == foreign
    assert bureau.rows(Account) == []


def test_a_loan_account_file_is_not_applied_here(bureau: Bureau) -> None:
    with pytest.raises(InvalidInput) as err:
        bureau.send("210", [EXAMPLES.read_text(encoding="utf-8").splitlines()[0]])
    assert err.value.code == "ingest.record_type"
