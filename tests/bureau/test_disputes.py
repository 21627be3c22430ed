"""Disputes (art. 25) and statements at the bureau, told as 张三's stories.

张三 (110105199003071239) has a revolving loan ``B10211000H0001R1A0001`` at 示例银行, first
reported for January 2024 and then every month end to May: paid as agreed each month but March,
which the bank reported 1-30 days overdue (¥520 past due). 李梅 has a loan at the same bank.
On 2024-06-01 another lender, ``Q10152900H0001``, queried 张三's report for a loan approval.
Every record reached the bureau in real 210 files; corrections arrive as 212, 213 and 214 files.

On 2024-06-03 张三 disputes the March overdue (02 否认逾期): the bureau marks it at once and the
bank has until 2024-06-23 to answer. Each refusal leaves the database exactly as it was.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import Backend, row_counts
from zhengxin.bureau.disputes import (
    DISPUTE_DAYS,
    DisputeAnswer,
    DisputeDesk,
    DisputeOutcome,
    DisputeStatus,
    DisputeTask,
)
from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.models import (
    Account,
    AccountMonth,
    AuditEntry,
    BureauBase,
    Dispute,
    Inquiry,
    Statement,
    Subject,
)
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.codes import (
    AccountStatus,
    FiveCategory,
    IdType,
    RepaymentStatus,
    ReportTimingCode,
    SegmentMark210,
)
from zhengxin.furnishing.corrections import month_correction
from zhengxin.kernel.clock import FixedClock, china_time, month_end
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.pboc import AccountRecord, FileName, write_submission
from zhengxin.pboc.corrections import AccountCorrection, BaseCorrection
from zhengxin.pboc.variants import AccountDeletion, AccountSegmentDeletion

BANK = "B10211000H0001"
QUERIER = "Q10152900H0001"
LOAN = f"{BANK}R1A0001"
LI_LOAN = f"{BANK}R1A0002"
ZHANG = "110105199003071239"
LI = "110108198511204020"
JANUARY, FEBRUARY, MARCH, APRIL, MAY = (date(2024, m, 1) for m in range(1, 6))
FILED = date(2024, 6, 3)
DEADLINE = date(2024, 6, 23)

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "pboc_examples.txt"
OPENING, OVERDUE_MONTH = (
    AccountRecord.from_line(line)
    for line in EXAMPLES.read_text(encoding="utf-8").splitlines()
    if line
)
PAID_AS_AGREED: dict[str, Any] = {
    "acct_status": AccountStatus.NORMAL,
    "rpy_status": RepaymentStatus.PAID_AS_AGREED,
    "five_cate": FiveCategory.PASS,
    "overd_prd": 0,
    "tot_overd": 0,
    "overd_princ": 0,
    "act_rpy_amt": 520,
}
"""A month paid on the 25th as agreed: normal, N, five-category 1, nothing past due."""

T = TypeVar("T")


def month_record(
    month: date,
    *,
    overdue: bool = False,
    code: str = LOAN,
    name: str = "张三",
    id_number: str = ZHANG,
) -> AccountRecord:
    """The month-end record of ``month`` (31 for January, the first, else 30): ¥5,000 owed,
    ¥520 due on the 25th, paid that day unless ``overdue``."""
    due = month.replace(day=25)
    first = month == JANUARY
    base = dataclasses.replace(
        OVERDUE_MONTH.base,
        acct_code=code,
        rpt_date=month_end(month),
        rpt_date_code=ReportTimingCode.FIRST_MONTHLY if first else ReportTimingCode.MONTHLY,
        name=name,
        id_num=id_number,
    )
    assert OVERDUE_MONTH.monthly is not None and OPENING.basic_info is not None
    monthly = dataclasses.replace(
        OVERDUE_MONTH.monthly,
        month=month,
        sett_date=due,
        five_cate_adj_date=due,
        lat_rpy_date=month.replace(day=2) if overdue else due,
    )
    if not overdue:
        monthly = dataclasses.replace(monthly, **PAID_AS_AGREED)
    if not first:
        return AccountRecord(base, monthly=monthly)
    opened = dataclasses.replace(OPENING.basic_info, open_date=date(2024, 1, 1))
    return AccountRecord(base, opened, OPENING.credit_line, monthly)


class Bureau:
    """One bureau's store on one backend, its clock, and the files the bank sends it."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        self.clock = FixedClock.on(date(2024, 1, 31))
        self._serials = itertools.count(1)

    def on(self, day: date, at: time = time(12, 0)) -> Bureau:
        self.clock.set_date(day, at)
        return self

    def send(
        self,
        record_type: str,
        records: Sequence[Any],
        institution: str = BANK,
        accepted: int | None = None,
    ) -> str:
        """Write ``records`` into a file of today's date and ingest it; its file name. Every
        record must be accepted, or ``accepted`` of them."""
        today = self.clock.today()
        name = FileName(institution, today, record_type, f"{next(self._serials):03d}")
        lines = [r.to_line() for r in records]
        path = write_submission(self.folder, name, datetime.combine(today, time(20)), lines)
        with unit_of_work(self.engine) as session:
            result = Ingestor(session, self.clock).ingest(path)
        assert result.accepted == (len(records) if accepted is None else accepted)
        assert result.rejected == len(records) - result.accepted
        return path.name

    def desk(self, call: Callable[[DisputeDesk], T]) -> T:
        """One call to the dispute desk in its own unit of work, as a request would make it."""
        with unit_of_work(self.engine) as session:
            return call(DisputeDesk(session, self.clock))

    def refuses(self, call: Callable[[DisputeDesk], object]) -> ZhengxinError:
        """A call that must fail, leaving every table (the audit log included) as it was."""
        before = self.counts()
        with pytest.raises(ZhengxinError) as err:
            self.desk(call)
        assert self.counts() == before
        return err.value

    def counts(self) -> dict[str, int]:
        return row_counts(self.engine, BureauBase.metadata)

    def one(self, model: type[T], *where: Any) -> T:
        with Session(self.engine) as session:
            return session.scalars(select(model).where(*where)).one()

    def month(self, month: date, code: str = LOAN) -> AccountMonth | None:
        with Session(self.engine) as session:
            return session.scalar(
                select(AccountMonth)
                .join(Account, Account.id == AccountMonth.account_id)
                .where(Account.account_code == code, AccountMonth.month == month)
            )

    def audit(self) -> list[tuple[str, str, int | None, str]]:
        """The audit log's lines, oldest first: (actor, action, subject id, what)."""
        with Session(self.engine) as session:
            return [
                (e.actor, e.action, e.subject_id, e.what)
                for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
            ]

    def subject_id(self, id_number: str = ZHANG) -> int:
        return self.one(Subject, Subject.id_number == id_number).id

    def inquiry(
        self, about: str = ZHANG, by: str | None = QUERIER, outcome: str = "answered"
    ) -> int:
        """An inquiry about ``about`` on 2024-06-01: ``by`` an institution for a loan approval
        (02), or the subject's own when ``by`` is None."""
        asked = china_time(date(2024, 6, 1), time(10))
        with unit_of_work(self.engine) as session:
            row = Inquiry(
                asked_at=asked,
                asked_on=date(2024, 6, 1),
                subject_id=self.subject_id(about),
                id_type="10",
                id_number=about,
                institution_code=by,
                self_query=by is None,
                purpose="02" if by else None,
                authorization_ref="AUTH-0001" if by else None,
                outcome=outcome,
                refusal_code=None if outcome == "answered" else "inquiry.no_authorization",
                chargeable=False,
            )
            session.add(row)
            session.flush()
            return row.id


@pytest.fixture
def bureau(backend: Backend, tmp_path: Path) -> Bureau:
    """The bureau on 2024-06-01, holding 张三's January to May and 李梅's January."""
    engine = backend.engine("bureau")
    migrate(engine, "zhengxin.bureau.migrations")
    b = Bureau(engine, tmp_path / "files")
    with unit_of_work(engine) as session:
        register(session, b.clock, BANK, "示例银行", InstitutionKind.BANK)
        register(session, b.clock, QUERIER, "示例消费金融", InstitutionKind.CONSUMER_FINANCE)
    li = month_record(JANUARY, code=LI_LOAN, name="李梅", id_number=LI)
    b.send("210", [month_record(JANUARY), li])
    for month in (FEBRUARY, MARCH, APRIL, MAY):
        b.on(month_end(month)).send("210", [month_record(month, overdue=month == MARCH)])
    b.on(date(2024, 6, 1))
    return b


def dispute_march(bureau: Bureau, detail: str = "我3月25日已按时还款") -> Dispute:
    """张三 disputes the March overdue on 2024-06-03 (02 否认逾期)."""
    return bureau.on(FILED).desk(
        lambda d: d.file(
            ZHANG, "02", institution_code=BANK, account_code=LOAN, month=MARCH, detail=detail
        )
    )


def march_paid_as_agreed() -> AccountCorrection:
    """The bank's 212 putting March right: paid on the 25th as agreed."""
    return month_correction(
        month_record(MARCH, overdue=True), **PAID_AS_AGREED, lat_rpy_date=date(2024, 3, 25)
    )


def tasks(bureau: Bureau, institution: str = BANK, closed: bool = False) -> list[DisputeTask]:
    return bureau.desk(lambda d: d.tasks(institution, include_closed=closed))


# --- the story of a corrected month ------------------------------------------------------


def test_zhang_disputes_his_march_overdue_and_the_bank_sees_it_with_the_month_held(
    bureau: Bureau,
) -> None:
    filed = dispute_march(bureau)

    assert (filed.status, filed.dispute_type, filed.institution_code) == ("open", "02", BANK)
    assert (filed.filed_on, filed.deadline, filed.month) == (FILED, DEADLINE, MARCH)
    assert filed.deadline - filed.filed_on == timedelta(days=DISPUTE_DAYS)
    assert filed.subject_id == bureau.subject_id()

    (task,) = tasks(bureau.on(date(2024, 6, 5)))
    assert (task.dispute_id, task.dispute_type, task.dispute_type_label) == (
        filed.id,
        "02",
        "否认逾期",
    )
    assert (task.account_code, task.month, task.inquiry_id) == (LOAN, MARCH, None)
    assert (task.detail, task.filed_on, task.deadline) == ("我3月25日已按时还款", FILED, DEADLINE)
    assert (task.days_left, task.status) == (18, "open")
    held = task.held
    assert (held["month"], held["report_date"], held["report_timing"]) == (
        MARCH,
        date(2024, 3, 31),
        "30",
    )
    assert (held["repayment_status"], held["account_status"], held["overdue_total_yuan"]) == (
        "1",
        "2",
        520,
    )
    assert tasks(bureau, QUERIER) == []


def test_the_bank_corrects_march_with_a_212_and_the_dispute_closes_corrected(
    bureau: Bureau,
) -> None:
    filed = dispute_march(bureau)
    correction = bureau.on(date(2024, 6, 10)).send("212", [march_paid_as_agreed()])

    answered = bureau.desk(
        lambda d: d.answer(
            filed.id,
            BANK,
            DisputeAnswer.CORRECTED,
            "还款入账错误，已更正",
            correction.removesuffix(".txt"),  # the name without its extension names it too
        )
    )
    assert (answered.status, answered.answer, answered.answered_on) == (
        "answered",
        "corrected",
        date(2024, 6, 10),
    )
    assert answered.answer_note == "还款入账错误，已更正"
    assert answered.correction_submission_id is not None

    closed = bureau.on(date(2024, 6, 11)).desk(lambda d: d.close(filed.id, "已更正"))
    assert (closed.status, closed.outcome, closed.closed_on) == (
        "closed",
        DisputeOutcome.CORRECTED.value,
        date(2024, 6, 11),
    )
    assert closed.outcome_note == "已更正"
    march = bureau.month(MARCH)
    assert march is not None
    assert (march.repayment_status, march.account_status, march.overdue_total_yuan) == (
        "N",
        "1",
        0,
    )
    assert march.submission_id == answered.correction_submission_id
    assert tasks(bureau) == []
    (shown,) = tasks(bureau, closed=True)
    assert (shown.status, shown.held["repayment_status"]) == ("closed", "N")


def test_a_record_the_bank_confirms_closes_upheld(bureau: Bureau) -> None:
    filed = bureau.on(FILED).desk(
        lambda d: d.file(
            ZHANG, "05", institution_code=BANK, account_code=LOAN, detail="额度不是两万"
        )
    )
    (task,) = tasks(bureau)
    assert task.month is None
    assert (task.held["account_type"], task.held["credit_limit_yuan"]) == ("R1", 20000)
    assert task.held["open_date"] == JANUARY

    bureau.on(date(2024, 6, 12)).desk(
        lambda d: d.answer(filed.id, BANK, DisputeAnswer.CONFIRMED, "合同额度为两万元")
    )
    closed = bureau.desk(lambda d: d.close(filed.id))
    assert (closed.outcome, closed.closed_on) == (DisputeOutcome.UPHELD.value, date(2024, 6, 12))
    assert closed.correction_submission_id is None
    march = bureau.month(MARCH)
    assert march is not None and march.repayment_status == "1"


def test_an_unanswered_dispute_is_past_its_deadline_on_the_24th_not_the_23rd(
    bureau: Bureau,
) -> None:
    filed = dispute_march(bureau)
    settled = bureau.desk(lambda d: d.file(ZHANG, "05", institution_code=BANK, account_code=LOAN))
    bureau.on(date(2024, 6, 20)).desk(
        lambda d: d.answer(settled.id, BANK, DisputeAnswer.CONFIRMED, "核实无误")
    )
    bureau.desk(lambda d: d.close(settled.id))

    assert bureau.on(DEADLINE, time(23, 59)).desk(lambda d: d.past_deadline()) == []
    (late,) = bureau.on(date(2024, 6, 24), time(0, 1)).desk(lambda d: d.past_deadline())
    assert late.id == filed.id
    (task,) = tasks(bureau)
    assert (task.dispute_id, task.days_left) == (filed.id, -1)
    error = bureau.refuses(lambda d: d.close(filed.id))
    assert error.code == "dispute.unanswered"
    assert BANK in error.message and str(DEADLINE) in error.message


def test_a_query_dispute_goes_to_the_institution_that_queried(bureau: Bureau) -> None:
    inquiry = bureau.inquiry()
    filed = bureau.on(FILED).desk(
        lambda d: d.file(ZHANG, "04", inquiry_id=inquiry, detail="我没有向该机构申请贷款")
    )
    assert (filed.institution_code, filed.inquiry_id, filed.account_id) == (QUERIER, inquiry, None)
    assert tasks(bureau) == []
    (task,) = tasks(bureau, QUERIER)
    assert (task.dispute_type_label, task.inquiry_id, task.account_code) == (
        "查询记录非本人授权",
        inquiry,
        None,
    )
    assert task.held == {
        "asked_on": date(2024, 6, 1),
        "purpose": "02",
        "authorization_ref": "AUTH-0001",
    }
    error = bureau.refuses(
        lambda d: d.answer(filed.id, QUERIER, DisputeAnswer.CORRECTED, "删除", "x.txt")
    )
    assert error.code == "dispute.correction_file" and "query record" in error.message
    bureau.desk(lambda d: d.answer(filed.id, QUERIER, DisputeAnswer.CONFIRMED, "有本人签字授权"))
    assert bureau.desk(lambda d: d.close(filed.id)).outcome == "upheld"


# --- what else counts as a correction ----------------------------------------------------


def test_a_213_that_deletes_the_disputed_month_answers_it(bureau: Bureau) -> None:
    filed = dispute_march(bureau)
    deletion = AccountSegmentDeletion(
        del_rec_code=LOAN,
        del_sgmt_code=SegmentMark210.MONTHLY,
        del_start_date=date(2024, 3, 31),
        del_end_date=date(2024, 3, 31),
    )
    file_name = bureau.on(date(2024, 6, 7)).send("213", [deletion])

    bureau.desk(lambda d: d.answer(filed.id, BANK, DisputeAnswer.CORRECTED, "删除3月", file_name))
    assert bureau.desk(lambda d: d.close(filed.id)).outcome == "corrected"
    assert bureau.month(MARCH) is None and bureau.month(APRIL) is not None
    (task,) = tasks(bureau, closed=True)
    assert task.held == {}  # the month is no longer held


def test_a_212_moving_the_account_to_its_real_borrower_answers_a_not_mine_dispute(
    bureau: Bureau,
) -> None:
    filed = bureau.on(FILED).desk(
        lambda d: d.file(ZHANG, "01", institution_code=BANK, account_code=LOAN)
    )
    moved = AccountCorrection(
        mod_rec_code=LOAN,
        rpt_date=date(2024, 5, 31),
        acct_type=OVERDUE_MONTH.base.acct_type,
        segment=BaseCorrection(
            name="李梅", id_type=IdType.RESIDENT_ID, id_num=LI, mngmt_org_code=BANK
        ),
    )
    file_name = bureau.on(date(2024, 6, 8)).send("212", [moved])

    bureau.desk(
        lambda d: d.answer(filed.id, BANK, DisputeAnswer.CORRECTED, "借款人为李梅", file_name)
    )
    assert bureau.desk(lambda d: d.close(filed.id)).outcome == "corrected"
    assert bureau.one(Account, Account.account_code == LOAN).subject_id == bureau.subject_id(LI)


def test_a_correction_file_that_did_not_correct_the_record_is_refused_with_why(
    bureau: Bureau,
) -> None:
    early = bureau.on(date(2024, 6, 2)).send("212", [march_paid_as_agreed()])
    filed = dispute_march(bureau)
    whole = bureau.desk(lambda d: d.file(ZHANG, "05", institution_code=BANK, account_code=LOAN))
    april = month_correction(month_record(APRIL), act_rpy_amt=600)
    other_month = bureau.on(date(2024, 6, 4)).send("212", [april])
    month_end_file = bureau.send("210", [month_record(MAY)], accepted=0)  # May again
    whole_file = bureau.send(
        "213",
        [
            AccountSegmentDeletion(
                del_rec_code=LOAN,
                del_sgmt_code=SegmentMark210.MONTHLY,
                del_start_date=date(2024, 4, 30),
                del_end_date=date(2024, 4, 30),
            )
        ],
    )

    def why(dispute: int, file_name: str | None) -> str:
        error = bureau.refuses(
            lambda d: d.answer(dispute, BANK, DisputeAnswer.CORRECTED, "已更正", file_name)
        )
        assert error.code == "dispute.correction_file"
        return error.message

    assert "names the 212, 213 or 214 file" in why(filed.id, None)
    assert "not a submission file name" in why(filed.id, "march.txt")
    assert "no file named" in why(filed.id, f"{BANK}20240609212000{9}0.txt")
    assert "before dispute" in why(filed.id, early)
    assert "record type 210" in why(filed.id, month_end_file)
    assert "2024-03 was not changed by this file" in why(filed.id, other_month)
    assert "still holds account" in why(whole.id, whole_file)  # April alone went
    confirmed = bureau.refuses(
        lambda d: d.answer(filed.id, BANK, DisputeAnswer.CONFIRMED, "无误", other_month)
    )
    assert confirmed.code == "dispute.correction_file"


def test_a_file_from_another_institution_does_not_answer(bureau: Bureau) -> None:
    filed = dispute_march(bureau)
    with unit_of_work(bureau.engine) as session:
        register(session, bureau.clock, "C10211000H0009", "另一家银行", InstitutionKind.BANK)
    theirs = AccountSegmentDeletion(
        del_rec_code="C10211000H0009R1A0001",
        del_sgmt_code=SegmentMark210.MONTHLY,
        del_start_date=date(2024, 3, 31),
        del_end_date=date(2024, 3, 31),
    )
    received = bureau.on(date(2024, 6, 6)).send(
        "213", [theirs], institution="C10211000H0009", accepted=0
    )

    error = bureau.refuses(
        lambda d: d.answer(filed.id, BANK, DisputeAnswer.CORRECTED, "已更正", received)
    )
    assert error.code == "dispute.correction_file"
    assert "sent by institution C10211000H0009, not B10211000H0001" in error.message


def test_a_file_whose_records_were_all_refused_does_not_answer(bureau: Bureau) -> None:
    filed = dispute_march(bureau)
    stale = month_correction(
        month_record(MARCH, overdue=True), act_rpy_amt=520, lat_rpy_date=date(2024, 3, 25)
    )
    not_held = dataclasses.replace(stale, rpt_date=date(2024, 3, 30))  # BMR008
    received = bureau.on(date(2024, 6, 6)).send("212", [not_held], accepted=0)
    error = bureau.refuses(
        lambda d: d.answer(filed.id, BANK, DisputeAnswer.CORRECTED, "已更正", received)
    )
    assert "applied none of the records" in error.message


# --- refusals ----------------------------------------------------------------------------


def test_filing_is_refused_for_an_unknown_person_account_month_or_inquiry(bureau: Bureau) -> None:
    bureau.on(FILED)
    li_inquiry = bureau.inquiry(about=LI)
    own_query = bureau.inquiry(by=None)
    refused_query = bureau.inquiry(outcome="refused")
    cases: list[tuple[Callable[[DisputeDesk], object], str]] = [
        (lambda d: d.file("110101199001011237", "02", institution_code=BANK, account_code=LOAN),
         "dispute.unknown_subject"),
        (lambda d: d.file(ZHANG, "99", institution_code=BANK, account_code=LOAN),
         "code.DisputeType"),
        (lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=f"{BANK}R1A0009"),
         "dispute.unknown_account"),
        (lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=LI_LOAN),
         "dispute.unknown_account"),
        (lambda d: d.file(ZHANG, "02", institution_code=QUERIER, account_code=LOAN),
         "dispute.unknown_account"),
        (lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=LOAN,
                          month=date(2024, 7, 1)),
         "dispute.unknown_month"),
        (lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=LOAN,
                          month=date(2024, 3, 15)),
         "dispute.unknown_month"),
        (lambda d: d.file(ZHANG, "04", inquiry_id=li_inquiry), "dispute.unknown_inquiry"),
        (lambda d: d.file(ZHANG, "04", inquiry_id=own_query), "dispute.unknown_inquiry"),
        (lambda d: d.file(ZHANG, "04", inquiry_id=refused_query), "dispute.unknown_inquiry"),
        (lambda d: d.file(ZHANG, "04", inquiry_id=10_000), "dispute.unknown_inquiry"),
        (lambda d: d.file(ZHANG, "04", institution_code=BANK, account_code=LOAN),
         "dispute.target"),
        (lambda d: d.file(ZHANG, "02", inquiry_id=li_inquiry), "dispute.target"),
        (lambda d: d.file(ZHANG, "02", account_code=LOAN), "dispute.target"),
        (lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=LOAN,
                          detail="逾" * 501),
         "dispute.too_long"),
    ]  # fmt: skip
    for call, code in cases:
        assert bureau.refuses(call).code == code


def test_a_target_under_dispute_cannot_be_disputed_again_until_closed(bureau: Bureau) -> None:
    filed = dispute_march(bureau)
    again = bureau.refuses(
        lambda d: d.file(ZHANG, "03", institution_code=BANK, account_code=LOAN, month=MARCH)
    )
    assert again.code == "dispute.already_open"
    assert str(filed.id) in again.message and str(DEADLINE) in again.message
    april = bureau.desk(
        lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=LOAN, month=APRIL)
    )
    assert april.month == APRIL  # another month is another target
    bureau.desk(lambda d: d.answer(filed.id, BANK, DisputeAnswer.CONFIRMED, "无误"))
    assert (
        bureau.refuses(
            lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=LOAN, month=MARCH)
        ).code
        == "dispute.already_open"
    )
    bureau.desk(lambda d: d.close(filed.id))
    reopened = bureau.desk(
        lambda d: d.file(ZHANG, "02", institution_code=BANK, account_code=LOAN, month=MARCH)
    )
    assert reopened.status == "open" and reopened.id != filed.id


def test_only_the_institution_named_answers_and_only_once(bureau: Bureau) -> None:
    filed = dispute_march(bureau)
    error = bureau.refuses(lambda d: d.answer(filed.id, QUERIER, DisputeAnswer.CONFIRMED, "无误"))
    assert (error.code, error.status) == ("dispute.not_yours", 403)
    assert (
        bureau.refuses(lambda d: d.answer(filed.id, BANK, DisputeAnswer.CONFIRMED, "无" * 501)).code
        == "dispute.too_long"
    )
    assert (
        bureau.refuses(
            lambda d: d.answer(filed.id, BANK, "maybe", "无误")  # type: ignore[arg-type]
        ).code
        == "dispute.answer"
    )
    assert (
        bureau.refuses(lambda d: d.answer(10_000, BANK, DisputeAnswer.CONFIRMED, "无误")).code
        == "dispute.unknown"
    )
    bureau.desk(lambda d: d.answer(filed.id, BANK, DisputeAnswer.CONFIRMED, "无误"))
    again = bureau.refuses(lambda d: d.answer(filed.id, BANK, DisputeAnswer.CONFIRMED, "无误"))
    assert (again.code, again.status) == ("dispute.not_open", 409)
    bureau.desk(lambda d: d.close(filed.id))
    assert bureau.refuses(lambda d: d.close(filed.id)).code == "dispute.closed"
    assert bureau.refuses(lambda d: d.close(10_000)).code == "dispute.unknown"


def test_a_subject_follows_their_own_disputes(bureau: Bureau) -> None:
    first = dispute_march(bureau)
    second = bureau.desk(lambda d: d.file(ZHANG, "05", institution_code=BANK, account_code=LOAN))
    mine = bureau.desk(lambda d: d.of_subject(ZHANG))
    assert [(d.id, d.status) for d in mine] == [(first.id, "open"), (second.id, "open")]
    assert bureau.desk(lambda d: d.of_subject(LI)) == []
    unknown = bureau.refuses(lambda d: d.of_subject("110101199001011237"))
    assert unknown.code == "dispute.unknown_subject"


# --- statements --------------------------------------------------------------------------


def test_statements_are_added_and_withdrawn_by_their_subject(bureau: Bureau) -> None:
    general = bureau.on(FILED).desk(
        lambda d: d.add_statement(ZHANG, "05", "3月还款由公司代扣，曾延迟入账")
    )
    about_loan = bureau.desk(
        lambda d: d.add_statement(
            ZHANG, "01", "该账户非本人申请", institution_code=BANK, account_code=LOAN
        )
    )
    assert (general.statement_type, general.account_id, general.withdrawn_at) == ("05", None, None)
    assert about_loan.account_id == bureau.one(Account, Account.account_code == LOAN).id
    assert about_loan.subject_id == bureau.subject_id()

    assert bureau.refuses(lambda d: d.withdraw_statement(general.id, LI)).code == (
        "statement.not_yours"
    )
    withdrawn = bureau.on(date(2024, 6, 5)).desk(lambda d: d.withdraw_statement(general.id, ZHANG))
    assert withdrawn.withdrawn_at is not None
    again = bureau.refuses(lambda d: d.withdraw_statement(general.id, ZHANG))
    assert again.code == "statement.withdrawn" and "2024-06-05" in again.message
    held = bureau.one(Statement, Statement.id == about_loan.id)
    assert held.withdrawn_at is None and held.text == "该账户非本人申请"


def test_statements_are_refused_when_they_cannot_be_kept(bureau: Bureau) -> None:
    cases: list[tuple[Callable[[DisputeDesk], object], str]] = [
        (lambda d: d.add_statement(ZHANG, "07", "x"), "code.StatementType"),
        (lambda d: d.add_statement(ZHANG, "05", "   "), "statement.empty"),
        (lambda d: d.add_statement(ZHANG, "05", "声" * 501), "statement.too_long"),
        (lambda d: d.add_statement("110101199001011237", "05", "x"),
         "statement.unknown_subject"),
        (lambda d: d.add_statement(ZHANG, "01", "x", institution_code=BANK,
                                   account_code=LI_LOAN),
         "statement.unknown_account"),
        (lambda d: d.add_statement(ZHANG, "01", "x", account_code=LOAN), "statement.target"),
        (lambda d: d.withdraw_statement(10_000, ZHANG), "statement.unknown"),
    ]  # fmt: skip
    for call, code in cases:
        assert bureau.refuses(call).code == code
    assert bureau.desk(lambda d: d.add_statement(ZHANG, "05", "声" * 500)).text == "声" * 500


# --- the audit log -----------------------------------------------------------------------


def test_each_call_leaves_its_audit_line(bureau: Bureau) -> None:
    zhang, li = bureau.subject_id(), bureau.subject_id(LI)
    start = len(bureau.audit())

    def line_of(call: Callable[[DisputeDesk], object]) -> tuple[str, str, int | None, str]:
        before = bureau.audit()
        bureau.desk(call)
        after = bureau.audit()
        assert len(after) == len(before) + 1
        return after[-1]

    filed = dispute_march(bureau)
    assert bureau.audit()[-1][:3] == ("subject", "write", zhang)
    assert f"dispute {filed.id} filed" in bureau.audit()[-1][3]
    assert line_of(lambda d: d.tasks(BANK))[:3] == (BANK, "read", zhang)
    assert line_of(lambda d: d.of_subject(ZHANG))[:3] == ("subject", "read", zhang)
    correction = bureau.on(date(2024, 6, 10)).send("212", [march_paid_as_agreed()])
    answered = line_of(
        lambda d: d.answer(filed.id, BANK, DisputeAnswer.CORRECTED, "已更正", correction)
    )
    assert answered[:3] == (BANK, "write", zhang) and correction in answered[3]
    assert line_of(lambda d: d.close(filed.id))[:3] == ("bureau", "write", zhang)
    statement = bureau.desk(lambda d: d.add_statement(LI, "02", "卡片遗失后被盗刷"))
    assert bureau.audit()[-1][:3] == ("subject", "write", li)
    assert line_of(lambda d: d.withdraw_statement(statement.id, LI))[:3] == (
        "subject",
        "write",
        li,
    )
    late = bureau.on(date(2024, 6, 11)).desk(
        lambda d: d.file(ZHANG, "05", institution_code=BANK, account_code=LOAN)
    )
    bureau.on(date(2024, 7, 2))
    assert line_of(lambda d: d.past_deadline())[:3] == ("bureau", "read", zhang)
    assert str(late.id) in bureau.audit()[-1][3]
    # Nothing read, nothing logged: an institution with no dispute to answer.
    quiet = len(bureau.audit())
    assert tasks(bureau, QUERIER) == []
    assert len(bureau.audit()) == quiet
    assert len(bureau.audit()) - start == 10  # nine here, and the correction file's own


def test_a_task_list_covering_two_people_logs_a_read_of_each(bureau: Bureau) -> None:
    mine = dispute_march(bureau)
    hers = bureau.desk(lambda d: d.file(LI, "01", institution_code=BANK, account_code=LI_LOAN))
    before = len(bureau.audit())
    assert [t.dispute_id for t in tasks(bureau)] == [mine.id, hers.id]
    lines = bureau.audit()[before:]
    assert [(actor, action, subject) for actor, action, subject, _ in lines] == [
        (BANK, "read", bureau.subject_id()),
        (BANK, "read", bureau.subject_id(LI)),
    ]


def test_dispute_states_are_the_three_of_the_law() -> None:
    assert [s.value for s in DisputeStatus] == ["open", "answered", "closed"]
    assert [o.value for o in DisputeOutcome] == ["corrected", "deleted", "upheld"]


def test_a_whole_account_deletion_closes_a_dispute_deleted(bureau: Bureau) -> None:
    filed = bureau.on(FILED).desk(
        lambda d: d.file(ZHANG, "03", institution_code=BANK, account_code=LOAN, detail="冒名办理")
    )
    deleted = bureau.on(date(2024, 6, 9)).send("214", [AccountDeletion(del_rec_code=LOAN)])
    bureau.desk(lambda d: d.answer(filed.id, BANK, DisputeAnswer.CORRECTED, "冒名", deleted))
    assert bureau.desk(lambda d: d.close(filed.id)).outcome == DisputeOutcome.DELETED.value


def test_the_person_is_the_same_however_their_id_number_is_typed(bureau: Bureau) -> None:
    filed = bureau.desk(
        lambda d: d.file(f"  {ZHANG} ", "05", institution_code=f" {BANK}", account_code=LOAN)
    )
    assert [d.id for d in bureau.desk(lambda d: d.of_subject(f"{ZHANG}\t"))] == [filed.id]
    assert [t.dispute_id for t in tasks(bureau, f"{BANK} ")] == [filed.id]
