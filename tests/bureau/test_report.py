"""The credit report the bureau assembles: every section, from the store, on both backends.

The story, as of Sunday 2025-06-15 (noon in China): 王芳 has a revolving line (R1) at 蚂蚁消费金融
``Q10152900H0001`` opened 2023-01-10 with a ¥8,000 limit. She paid nothing by the due date in
March 2024 (status 1, ¥1,200 overdue) nor in April (status 2, ¥2,500 overdue), and paid the
¥2,500 back on 2024-05-08 (a 40 recovery); every other month is N. She also has a credit card
(R2) at 招商银行 ``B10211000H0001`` since 2024-08-01 (¥20,000), whose billing date moved in
February 2025 (special event 11, no statement that month). 招商银行 asked for her report for a
loan on 2025-06-01, 蚂蚁 for post-loan management on 2024-11-20 and for a limit on 2023-06-16;
招商银行's card query of 2023-05-10 is more than two years old, and 蚂蚁's loan query of
2025-06-10 was refused. She read her own report three times in 2025, the third chargeable. On
2025-05-26 she disputed April 2024 (否认逾期) and stated that a third party paid late; a
dispute of the 2024-11-20 query was closed in January, the record upheld.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from tests.conftest import Backend
from zhengxin.bureau import report as report_module
from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    Agreement,
    Dispute,
    Inquiry,
    SpecialEvent,
    Statement,
    Subject,
    SubjectInfo,
    Submission,
)
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.bureau.report import (
    OPERATOR,
    CreditReport,
    QueryHeader,
    ReportService,
    report_json,
    report_number,
)
from zhengxin.bureau.report_build import account_section
from zhengxin.bureau.schema import report_schema
from zhengxin.kernel.clock import CHINA, FixedClock, add_months, china_time, month_end
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import InvalidInput, NotFound
from zhengxin.kernel.identity import ResidentId

TODAY = date(2025, 6, 15)
ANT = "Q10152900H0001"
BANK = "B10211000H0001"
LINE = f"{ANT}R1HB0001"
CARD = f"{BANK}R2CC0001"
CONTRACT = f"{ANT}CTR0001"
WANG = ResidentId.make("110105", date(1992, 5, 17), 123).number
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"
REGENERATE = ".venv/bin/python -m zhengxin.bureau.schema docs/report.schema.json"


def clock(day: date = TODAY) -> FixedClock:
    return FixedClock.on(day)


# --- building a store ---------------------------------------------------------------------


@dataclass
class Story:
    engine: Engine
    subject_id: int
    line_id: int
    card_id: int
    ant_query_id: int
    own_inquiry_id: int
    """The inquiry the report of TODAY answers."""


class Writer:
    """Writes bureau rows directly, as ingestion would have left them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.serial = 0

    def submission(self, institution: str, record_type: str, day: date) -> int:
        self.serial += 1
        row = Submission(
            file_name=f"{institution}{record_type}{self.serial:06d}.txt",
            institution_code=institution,
            record_type=record_type,
            file_date=day,
            received_at=china_time(day, time(23)),
            record_count=1,
            accepted_count=1,
            rejected_count=0,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def subject(self, id_number: str, name: str) -> Subject:
        row = Subject(id_type="10", id_number=id_number, name=name, updated_at=clock().now())
        self.session.add(row)
        self.session.flush()
        return row

    def account(
        self, subject: Subject, institution: str, code: str, kind: str, **facts: Any
    ) -> int:
        row = Account(
            institution_code=institution,
            account_code=code,
            subject_id=subject.id,
            account_type=kind,
            **facts,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def months(
        self,
        account_id: int,
        institution: str,
        first: date,
        last: date,
        overdue: dict[date, tuple[str, int, int]] | None = None,
        skip: frozenset[date] = frozenset(),
    ) -> None:
        """Monthly reports from ``first`` to ``last``: N, balance ¥3,000, except the months
        in ``overdue`` (status, overdue total, periods overdue)."""
        submission = self.submission(institution, "210", last)
        month = first
        while month <= last:
            if month not in skip:
                status, owed, periods = (overdue or {}).get(month, ("N", 0, 0))
                self.session.add(
                    AccountMonth(
                        account_id=account_id,
                        month=month,
                        report_date=month_end(month),
                        report_timing="30",
                        account_status="2" if owed else "1",
                        balance_yuan=3000,
                        five_category="2" if owed else "1",
                        five_category_date=month_end(month),
                        repayment_status=status,
                        overdue_periods=periods,
                        overdue_total_yuan=owed,
                        due_yuan=300,
                        repaid_yuan=0 if owed else 300,
                        last_repayment_date=month.replace(day=8),
                        submission_id=submission,
                    )
                )
            month = add_months(month, 1)
        self.session.flush()

    def inquiry(
        self,
        subject: Subject,
        institution: str | None,
        day: date,
        purpose: str | None = None,
        outcome: str = "answered",
        chargeable: bool = False,
        at: datetime | None = None,
    ) -> int:
        row = Inquiry(
            asked_at=at or china_time(day, time(10)),
            asked_on=day,
            subject_id=subject.id,
            id_type=subject.id_type,
            id_number=subject.id_number,
            institution_code=institution,
            self_query=institution is None,
            purpose=purpose,
            authorization_ref=None if institution is None else "AUTH-1",
            outcome=outcome,
            chargeable=chargeable,
        )
        self.session.add(row)
        self.session.flush()
        return row.id


def _register(session: Session) -> None:
    register(
        session,
        clock(date(2020, 1, 1)),
        ANT,
        "重庆蚂蚁消费金融有限公司",
        InstitutionKind.CONSUMER_FINANCE,
    )
    register(session, clock(date(2020, 1, 1)), BANK, "招商银行", InstitutionKind.BANK)


def _story(session: Session) -> tuple[int, int, int, int, int]:
    w = Writer(session)
    wang = w.subject(WANG, "王芳")
    line = w.account(
        wang,
        ANT,
        LINE,
        "R1",
        business_line="1",
        business_detail="91",
        open_date=date(2023, 1, 10),
        currency="CNY",
        credit_limit_yuan=8000,
        repay_mode="33",
        guarantee_mode="4",
        agreement_code=CONTRACT,
    )
    w.months(
        line,
        ANT,
        date(2023, 1, 1),
        date(2025, 5, 1),
        overdue={date(2024, 3, 1): ("1", 1200, 1), date(2024, 4, 1): ("2", 2500, 2)},
    )
    session.add(
        AccountEvent(
            account_id=line,
            report_date=date(2024, 5, 8),
            report_timing="40",
            account_status="1",
            balance_yuan=3000,
            repayment_status="N",
            overdue_total_yuan=0,
            last_repayment_yuan=2500,
            last_repayment_date=date(2024, 5, 8),
            submission_id=w.submission(ANT, "210", date(2024, 5, 8)),
        )
    )
    card = w.account(
        wang,
        BANK,
        CARD,
        "R2",
        business_line="2",
        business_detail="81",
        open_date=date(2024, 8, 1),
        currency="CNY",
        credit_limit_yuan=20000,
        guarantee_mode="4",
    )
    w.months(card, BANK, date(2024, 8, 1), date(2025, 5, 1), skip=frozenset({date(2025, 2, 1)}))
    session.add(
        SpecialEvent(
            account_id=card,
            event_type="11",
            month=date(2025, 2, 1),
            effective=True,
            report_date=date(2025, 2, 3),
            submission_id=w.submission(BANK, "215", date(2025, 2, 3)),
        )
    )
    for institution, contract, kind, limit, status in (
        (ANT, CONTRACT, "10", 8000, "1"),
        (BANK, f"{BANK}CTR0009", "30", 20000, "2"),
    ):
        session.add(
            Agreement(
                institution_code=institution,
                contract_code=contract,
                subject_id=wang.id,
                report_date=date(2023, 1, 10),
                report_timing="10",
                limit_type=kind,
                revolving="1",
                limit_yuan=limit,
                currency="CNY",
                effective_date=date(2023, 1, 10),
                expiry_date=date(2028, 1, 9),
                status=status,
                submission_id=w.submission(institution, "220", date(2023, 1, 10)),
            )
        )
    for institution, day, married, phone in (
        (ANT, date(2024, 1, 5), "10", "13900001111"),
        (BANK, date(2025, 2, 1), "20", "13812345678"),
    ):
        session.add(
            SubjectInfo(
                subject_id=wang.id,
                institution_code=institution,
                report_date=day,
                report_timing="20",
                sex="2",
                birth_date=date(1992, 5, 17),
                nation="CHN",
                cell_phone=phone,
                marital_status=married,
                education="20",
                degree="4",
                employment_status="17",
                employer="杭州云栖科技有限公司",
                occupation="1",
                residence_status="5",
                residence_address="浙江省杭州市西湖区文三路90号",
                mailing_address="浙江省杭州市西湖区文三路90号",
                submission_id=w.submission(institution, "110", day),
            )
        )
    w.inquiry(wang, BANK, date(2025, 6, 1), "02")
    ant_query = w.inquiry(wang, ANT, date(2024, 11, 20), "01")
    w.inquiry(wang, ANT, date(2023, 6, 16), "26")
    w.inquiry(wang, BANK, date(2023, 5, 10), "03")
    w.inquiry(wang, ANT, date(2025, 6, 10), "02", outcome="refused")
    w.inquiry(wang, None, date(2025, 2, 1))
    w.inquiry(wang, None, date(2025, 3, 1))
    w.inquiry(wang, None, date(2025, 5, 20), chargeable=True)
    # The inquiry this very report answers: recorded before the report is assembled.
    own = w.inquiry(wang, BANK, TODAY, "02", at=clock().now())
    session.add_all(
        [
            Dispute(
                subject_id=wang.id,
                dispute_type="02",
                account_id=line,
                month=date(2024, 4, 1),
                institution_code=ANT,
                detail="我已按时还款",
                filed_at=china_time(date(2025, 5, 26), time(9)),
                filed_on=date(2025, 5, 26),
                deadline=date(2025, 6, 15),
                status="open",
            ),
            Dispute(
                subject_id=wang.id,
                dispute_type="04",
                inquiry_id=ant_query,
                institution_code=ANT,
                detail="我没有授权",
                filed_at=china_time(date(2025, 1, 10), time(9)),
                filed_on=date(2025, 1, 10),
                deadline=date(2025, 1, 30),
                status="closed",
                answer="confirmed",
                answered_on=date(2025, 1, 20),
                outcome="upheld",
                outcome_note="授权书有效",
                closed_on=date(2025, 1, 28),
            ),
            Statement(
                subject_id=wang.id,
                statement_type="05",
                text="2024年3月至4月的逾期系代还人延迟还款所致",
                account_id=line,
                added_at=china_time(date(2025, 5, 26), time(9, 30)),
            ),
            Statement(
                subject_id=wang.id,
                statement_type="04",
                text="信用卡曾经丢失",
                added_at=china_time(date(2025, 1, 2)),
                withdrawn_at=china_time(date(2025, 5, 1)),
            ),
        ]
    )
    session.flush()
    return wang.id, line, card, ant_query, own


@pytest.fixture(scope="module")
def story(module_backend: Backend) -> Story:
    engine = module_backend.engine("report")
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        _register(session)
        ids = _story(session)
    return Story(engine, *ids)


# --- reading reports ----------------------------------------------------------------------


_VALIDATOR: list[Draft202012Validator] = []


def checked(report: CreditReport) -> CreditReport:
    """Every report a test builds must match the published schema."""
    if not _VALIDATOR:
        _VALIDATOR.append(Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))))
    document = json.loads(report_json(report))
    errors = sorted(_VALIDATOR[0].iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return report


def bank_header(at: datetime) -> QueryHeader:
    return QueryHeader(
        asked_at=at,
        institution_code=BANK,
        institution_name="招商银行",
        institution_kind="bank",
        reason="02",
        reason_label="贷款审批",
        self_query=False,
    )


def read(story: Story, day: date = TODAY) -> CreditReport:
    """The report 招商银行 asks for on ``day`` (noon in China), for a loan."""
    c = clock(day)
    with unit_of_work(story.engine) as session:
        subject = session.get(Subject, story.subject_id)
        assert subject is not None
        number = report_number(c.now(), subject.id, 99)
        own = story.own_inquiry_id if day == TODAY else None
        report = ReportService(session, c).assemble(
            subject, bank_header(c.now()), number, "02 loan approval", own
        )
        return checked(report)


def statuses(cells: Any) -> dict[str, str | None]:
    return {f"{c.month:%Y-%m}": c.status for c in cells}


# --- the stories --------------------------------------------------------------------------


def test_the_overdue_spring_shows_in_both_grids_and_the_summary(story: Story) -> None:
    report = read(story)
    line = next(a for a in report.accounts if a.account_code == LINE)
    grid = statuses(line.grid)
    assert (line.grid_start, line.grid_end) == (date(2023, 6, 1), date(2025, 5, 1))
    assert len(grid) == 24
    assert grid["2024-03"] == "1" and grid["2024-04"] == "2"
    assert {s for m, s in grid.items() if m not in ("2024-03", "2024-04")} == {"N"}
    assert len(line.five_year) == 60
    assert (line.five_year_start, line.five_year_end) == (date(2020, 6, 1), date(2025, 5, 1))
    owed = {
        f"{c.month:%Y-%m}": c.overdue_total_yuan for c in line.five_year if c.overdue_total_yuan
    }
    assert owed == {"2024-03": 1200, "2024-04": 2500}
    history = statuses(line.five_year)
    assert history["2022-12"] is None and history["2023-01"] == "N"  # before it opened
    assert line.latest is not None and line.latest.month == date(2025, 5, 1)
    assert line.status is not None and line.status.source == "monthly"
    (recovery,) = line.special_transactions
    assert (recovery.reported_on, recovery.report_timing, recovery.last_repayment_yuan) == (
        date(2024, 5, 8),
        "40",
        2500,
    )
    summary = report.summary
    assert summary.months_overdue == 2
    overdue = {o.account_type: o for o in summary.overdue}
    assert overdue["R1"].model_dump() == {
        "account_type": "R1",
        "account_type_label": "循环贷账户",
        "accounts": 1,
        "months": 2,
        "highest_month_overdue_yuan": 2500,
        "longest_overdue_periods": 2,
    }
    assert overdue["R2"].months == 0
    assert [(t.account_type, t.accounts, t.total_credit_limit_yuan) for t in summary.by_type] == [
        ("R1", 1, 8000),
        ("R2", 1, 20000),
    ]
    assert (summary.overdue_accounts, summary.bad_debt.accounts) == (0, 0)


def test_a_card_month_without_a_statement_shows_its_special_event(story: Story) -> None:
    card = next(a for a in read(story).accounts if a.account_code == CARD)
    grid = statuses(card.grid)
    assert grid["2025-02"] == "/"  # open, nothing reported that month
    assert grid["2024-07"] is None and grid["2024-08"] == "N"
    assert [(e.event_type, e.event_type_label, e.month) for e in card.special_events] == [
        ("11", "信用卡因调整账单日本月不出单", date(2025, 2, 1))
    ]


def test_query_records_show_answered_inquiries_of_two_years_and_self_queries_apart(
    story: Story,
) -> None:
    records = read(story).query_records
    assert records.since == date(2023, 6, 15)
    assert [
        (r.asked_on, r.institution_name, r.reason, r.reason_label) for r in records.institutional
    ] == [
        (date(2025, 6, 1), "招商银行", "02", "贷款审批"),
        (date(2024, 11, 20), "重庆蚂蚁消费金融有限公司", "01", "贷后管理"),
        (date(2023, 6, 16), "重庆蚂蚁消费金融有限公司", "26", "额度审批"),
    ]
    assert records.institutional[0].institution_kind_label == "商业银行 bank"
    assert [(q.asked_on, q.chargeable) for q in records.self_queries] == [
        (date(2025, 5, 20), True),
        (date(2025, 3, 1), False),
        (date(2025, 2, 1), False),
    ]


def test_the_query_counts_by_window_and_reason(story: Story) -> None:
    summary = read(story).summary
    month = summary.queries_last_month
    assert month.since == date(2025, 5, 15)
    assert (month.institutional, month.loan_approval, month.self_queries) == (1, 1, 1)
    years = summary.queries_last_two_years
    assert years.model_dump() == {
        "since": date(2023, 6, 15),
        "institutional": 3,
        "post_loan": 1,
        "loan_approval": 1,
        "card_approval": 0,
        "limit_approval": 1,
        "other": 0,
        "self_queries": 3,
    }


def test_a_query_two_years_and_a_day_old_drops_out(story: Story) -> None:
    """On 2025-06-17 the limit query of 2023-06-16 is older than two years."""
    records = read(story, date(2025, 6, 17)).query_records
    assert date(2023, 6, 16) not in [r.asked_on for r in records.institutional]
    assert len(records.institutional) == 3  # today's own inquiry (2025-06-15) now shows


def test_an_open_dispute_marks_its_account_and_passes_its_deadline_after_20_days(
    story: Story,
) -> None:
    on_deadline = read(story, date(2025, 6, 15))
    line = next(a for a in on_deadline.accounts if a.account_code == LINE)
    (mark,) = line.dispute_marks
    assert mark.text == "异议标注 under dispute since 2025-05-26"
    assert (mark.month, mark.status, mark.dispute_type_label) == (
        date(2024, 4, 1),
        "open",
        "否认逾期",
    )
    dispute = next(d for d in on_deadline.disputes if d.status == "open")
    assert dispute.about == f"账户 account {ANT}/{LINE}, 2024-04"
    assert dispute.deadline == date(2025, 6, 15) and not dispute.past_deadline
    late = next(d for d in read(story, date(2025, 6, 16)).disputes if d.status == "open")
    assert late.past_deadline


def test_a_closed_query_dispute_marks_the_query_record_with_its_outcome(story: Story) -> None:
    report = read(story)
    disputed = next(r for r in report.query_records.institutional if r.reason == "01")
    assert disputed.dispute_mark is not None
    assert disputed.dispute_mark.text == (
        "异议处理结果 dispute closed 2025-01-28: 维持原记录 record stands — 授权书有效"
    )
    closed = next(d for d in report.disputes if d.status == "closed")
    assert closed.about == "查询记录 query of 2024-11-20 by 重庆蚂蚁消费金融有限公司"
    assert not closed.past_deadline and closed.outcome == "upheld"
    assert all(
        r.dispute_mark is None for r in report.query_records.institutional if r.reason != "01"
    )


def test_statements_not_withdrawn_show_on_the_report_and_on_their_account(story: Story) -> None:
    report = read(story)
    (statement,) = report.statements
    assert (statement.statement_type, statement.statement_type_label) == ("05", "第三方代还延迟")
    assert statement.added_on == date(2025, 5, 26) and statement.account_code == LINE
    line = next(a for a in report.accounts if a.account_code == LINE)
    assert line.statements == (statement,)
    withdrawn_before = read(story, date(2025, 6, 20)).statements
    assert [s.text for s in withdrawn_before] == [statement.text]


def test_agreements_show_and_only_those_in_force_count_towards_the_limits(story: Story) -> None:
    report = read(story)
    assert [
        (a.contract_code, a.limit_type_label, a.limit_yuan, a.status_label)
        for a in report.agreements
    ] == [
        (CONTRACT, "循环贷款额度", 8000, "有效"),
        (f"{BANK}CTR0009", "信用卡共享额度", 20000, "到期/失效"),
    ]
    assert report.summary.agreements.model_dump() == {
        "agreements": 2,
        "in_force": 1,
        "total_limit_yuan": 8000,
        "highest_limit_yuan": 8000,
    }


def test_the_personal_facts_come_from_the_latest_basic_information_record(story: Story) -> None:
    identity = read(story).identity
    assert (identity.name, identity.id_number_masked) == ("王芳", WANG[:3] + "*" * 11 + WANG[-4:])
    p = identity.personal
    assert p is not None
    assert (p.reported_by_code, p.reported_by_name, p.reported_on) == (
        BANK,
        "招商银行",
        date(2025, 2, 1),
    )
    assert (p.marital_status, p.marital_status_label) == ("20", "已婚")
    assert (p.education_label, p.employment_status_label, p.occupation_label) == (
        "本科",
        "职员",
        "专业技术人员",
    )
    assert p.phone_masked == "*******5678"
    assert (p.sex_label, p.nationality_label) == ("女性", "中国")


def test_the_header_names_the_query_and_the_operator_view_says_so(story: Story) -> None:
    report = read(story)
    assert report.query.institution_code == BANK and report.query.reason == "02"
    assert report.report_date == TODAY and report.generated_at == clock().now()
    with unit_of_work(story.engine) as session:
        operator = checked(ReportService(session, clock()).report_for(WANG))
    assert operator.query.institution_name == OPERATOR == "运营查询 operator"
    assert operator.query.institution_code is None and operator.query.reason is None
    assert operator.accounts == report.accounts


def test_a_report_for_someone_unknown_is_not_found(story: Story) -> None:
    stranger = ResidentId.make("310115", date(1985, 11, 20), 456).number
    with unit_of_work(story.engine) as session, pytest.raises(NotFound) as caught:
        ReportService(session, clock()).report_for(stranger)
    assert caught.value.code == "subject.unknown"


def test_what_the_retention_rule_hides_the_report_does_not_show(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report shows an account's months and events only through ``retention.shown``."""
    seen: list[date] = []

    def hide_all(months: Any, events: Any, today: date) -> tuple[list[Any], list[Any]]:
        seen.append(today)
        return [], []

    monkeypatch.setattr(report_module, "shown", hide_all)
    report = read(story, date(2025, 6, 18))
    assert seen == [date(2025, 6, 18)] * 2
    line = next(a for a in report.accounts if a.account_code == LINE)
    assert line.latest is None and line.status is None and line.special_transactions == ()
    assert all(c.overdue_total_yuan is None for c in line.five_year)
    assert report.summary.months_overdue == 0


# --- a person with nothing but a name, and the cost of a report --------------------------


def test_a_person_with_no_accounts_gets_an_empty_report_that_still_matches_the_schema(
    backend: Backend,
) -> None:
    engine = backend.engine("empty")
    migrate(engine, "zhengxin.bureau.migrations")
    number = ResidentId.make("440305", date(2000, 1, 2), 8).number
    with unit_of_work(engine) as session:
        Writer(session).subject(number, "陈新")
    with unit_of_work(engine) as session:
        report = checked(ReportService(session, clock()).report_for(number))
    assert report.accounts == () and report.identity.personal is None
    assert report.summary.accounts == 0 and report.summary.by_type == ()
    assert report.query_records.institutional == () and report.disputes == ()


def _people_with(session: Session, counts: dict[str, int]) -> None:
    """People with ``n`` cards each at the bank, a year of months, an event, a special event,
    a dispute and a statement on every card."""
    w = Writer(session)
    for sequence, (name, n) in enumerate(counts.items(), start=1):
        person = w.subject(ResidentId.make("320102", date(1990, 1, 1), sequence).number, name)
        for k in range(n):
            card = w.account(person, BANK, f"{BANK}{name}{k:03d}", "R2", open_date=date(2024, 1, 1))
            w.months(card, BANK, date(2024, 6, 1), date(2025, 5, 1))
            submission = w.submission(BANK, "215", date(2025, 1, 5))
            session.add_all(
                [
                    AccountEvent(
                        account_id=card,
                        report_date=date(2025, 1, 5),
                        report_timing="40",
                        account_status="1",
                        balance_yuan=100,
                        submission_id=submission,
                    ),
                    SpecialEvent(
                        account_id=card,
                        event_type="11",
                        month=date(2025, 1, 1),
                        effective=True,
                        report_date=date(2025, 1, 5),
                        submission_id=submission,
                    ),
                    Dispute(
                        subject_id=person.id,
                        dispute_type="05",
                        account_id=card,
                        institution_code=BANK,
                        filed_at=clock(date(2025, 6, 1)).now(),
                        filed_on=date(2025, 6, 1),
                        deadline=date(2025, 6, 21),
                        status="open",
                    ),
                    Statement(
                        subject_id=person.id,
                        statement_type="04",
                        text="卡片曾丢失",
                        account_id=card,
                        added_at=clock(date(2025, 6, 1)).now(),
                    ),
                ]
            )
        w.inquiry(person, BANK, date(2025, 5, 1), "03")
    session.flush()


def test_a_report_reads_each_table_once_whatever_the_number_of_accounts(backend: Backend) -> None:
    engine = backend.engine("cost")
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        _register(session)
        _people_with(session, {"ONE": 1, "TEN": 10})
    with unit_of_work(engine) as session:  # the audit log's first line creates its head
        ReportService(session, clock()).report_for(
            ResidentId.make("320102", date(1990, 1, 1), 1).number
        )
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    costs = {}
    for sequence, name in ((1, "ONE"), (2, "TEN")):
        number = ResidentId.make("320102", date(1990, 1, 1), sequence).number
        with unit_of_work(engine) as session:
            event.listen(engine, "before_cursor_execute", count)
            try:
                report = ReportService(session, clock()).report_for(number)
            finally:
                event.remove(engine, "before_cursor_execute", count)
        checked(report)
        assert len(report.accounts) == (1 if name == "ONE" else 10)
        assert all(a.dispute_marks and a.statements and a.special_events for a in report.accounts)
        costs[name] = len(statements)
        statements.clear()
    assert costs["ONE"] == costs["TEN"], costs
    assert costs["TEN"] <= 16, costs  # 13 reads, and the audit line: head, line, head


# --- the grids, as a property --------------------------------------------------------------


@given(
    opened=st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 5, 31)),
    statuses=st.lists(st.sampled_from(list("N*M1234567BC")), min_size=0, max_size=90),
)
def test_each_month_held_shows_in_its_slot_and_the_24_months_end_the_5_years(
    opened: date, statuses: list[str]
) -> None:
    """Whatever an account reported month by month since it opened: every month of the report's
    five years shows its status in its own slot of both grids, the months between show ``/``,
    and the 24-month grid is the last 24 slots of the 5-year history."""
    since, report_month = date(2020, 7, 1), date(2025, 6, 1)
    first = opened.replace(day=1)
    held = [add_months(first, k) for k in range(len(statuses))]
    months = [
        AccountMonth(
            month=m,
            report_date=month_end(m),
            report_timing="30",
            account_status="1",
            balance_yuan=0,
            five_category="1",
            repayment_status=status,
            last_repayment_date=m,
        )
        for m, status in zip(held, statuses, strict=True)
        if since <= m < report_month
    ]
    account = Account(institution_code=BANK, account_code="X", account_type="R1", open_date=opened)
    section = account_section(account, "招商银行", months, [], [], (since, report_month), [], [])
    assert [(c.month, c.status) for c in section.grid] == [
        (c.month, c.status) for c in section.five_year[-24:]
    ]
    shown_status = {m.month: m.repayment_status for m in months}
    for cell in section.five_year:
        if cell.month in shown_status:
            assert cell.status == shown_status[cell.month]
        elif cell.month < since or cell.month < first:
            assert cell.status is None
        else:
            assert cell.status == "/"
    assert section.five_year_end == (months[-1].month if months else report_month)


# --- the report number and the published schema ------------------------------------------


@given(
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 30)),
    subject_id=st.integers(min_value=0, max_value=10**12),
    sequence=st.integers(min_value=0, max_value=10**14),
)
def test_a_report_number_is_30_digits_led_by_the_time_in_china(
    at: datetime, subject_id: int, sequence: int
) -> None:
    instant = at.replace(tzinfo=UTC)
    number = report_number(instant, subject_id, sequence)
    assert len(number) == 30 and number.isdigit()
    assert number[:14] == f"{instant.astimezone(CHINA):%Y%m%d%H%M%S}"
    assert int(number[20:]) == sequence % 10**10


def test_a_report_number_needs_an_aware_instant() -> None:
    with pytest.raises(InvalidInput) as caught:
        report_number(datetime(2025, 1, 1, 12), 1, 1)
    assert caught.value.code == "report.number"


def test_the_published_schema_is_the_one_the_model_generates() -> None:
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert published == report_schema(), (
        f"docs/report.schema.json is out of date with the report model; regenerate it: {REGENERATE}"
    )
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert (
        text.endswith("}\n")
        and text == json.dumps(published, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    )


def test_every_field_of_the_schema_is_described() -> None:
    schema = report_schema()
    undescribed = [
        f"{name}.{field}"
        for name, definition in {"CreditReport": schema, **schema["$defs"]}.items()
        for field, spec in definition.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undescribed == []


def test_the_schema_refuses_a_report_missing_a_section(story: Story) -> None:
    document = json.loads(report_json(read(story)))
    del document["query_records"]
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(document)] == [
        "'query_records' is a required property"
    ]


def test_the_summary_counts_only_the_five_years_the_report_shows(backend: Backend) -> None:
    """A loan overdue every month of 2018-2021 (status 7 by the end), then paid up and
    reported through 2025-05: the 5-year history runs 2020-06 to 2025-05, so the summary
    counts the 19 overdue months of 2020-06 to 2021-12, not the 48 the store holds."""
    engine = backend.engine("old")
    migrate(engine, "zhengxin.bureau.migrations")
    overdue = {}
    month = date(2018, 1, 1)
    while month <= date(2021, 12, 1):
        overdue[month] = ("7", 100 + month.month, 12)
        month = add_months(month, 1)
    with unit_of_work(engine) as session:
        _register(session)
        w = Writer(session)
        person = w.subject(WANG, "王五")
        loan = w.account(person, BANK, f"{BANK}D1OLD", "R2", open_date=date(2018, 1, 1))
        w.months(loan, BANK, date(2018, 1, 1), date(2025, 5, 1), overdue)
    with unit_of_work(engine) as session:
        report = checked(ReportService(session, clock()).report_for(WANG))
    (section,) = report.accounts
    assert (section.five_year_start, section.five_year_end) == (date(2020, 6, 1), date(2025, 5, 1))
    assert report.summary.months_overdue == 19
    assert [o.months for o in report.summary.overdue] == [19]
