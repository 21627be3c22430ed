"""Consent stories: the service upgrade, closure ending consent, the query and report gates.

Each story runs on SQLite and on PostgreSQL. The bureau on the other side of the inquiry
port is a recording stand-in: these stories are about what the lender sends, and whether.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from tests.lender.conftest import ZHANG_SAN, Lender
from zhengxin.furnishing.service import NO_AUTHORIZATION, Furnisher
from zhengxin.kernel.clock import china_time
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.identity import ResidentId
from zhengxin.kernel.money import Money
from zhengxin.lender.consent import Scope, cohort_bucket, text_hash
from zhengxin.lender.inquiry import InquiryAnswer, InquiryClient, InquiryRequest
from zhengxin.lender.products import ProductCatalog
from zhengxin.lender.service import LenderService

TEXT = (
    "本人授权贵司查询本人信用报告，并向征信中心报送本人的信用信息。"
    " I authorize querying and reporting."
)
DOC = "AUTH"
YUAN = Money.yuan


def person(sequence: int) -> str:
    return ResidentId.make("110105", date(1990, 3, 7), sequence).number


def publish(s: LenderService, bureaus: tuple[str, ...] = ("CRC",), version: int = 1) -> None:
    s.consent.publish(DOC, version, "个人征信查询报送授权书", TEXT, "both", bureaus)


def sign(s: LenderService, id_number: str, name: str, version: int = 1) -> None:
    s.consent.sign(id_number, name, DOC, version, text_hash(TEXT))


def spend(lender: Lender, account: str, amount: str = "100") -> str:
    """The outcome of a purchase: "ok" or the refusal's code."""
    try:
        with lender.service() as s:
            s.purchase(account, YUAN(amount))
    except ZhengxinError as refused:
        return refused.code
    return "ok"


@dataclass
class RecordingBureau:
    """The bureau's side of the inquiry port: it answers and remembers what it was asked."""

    asked: list[InquiryRequest] = field(default_factory=list)

    def inquire(self, request: InquiryRequest) -> InquiryAnswer:
        self.asked.append(request)
        return InquiryAnswer(True, {"name": request.name})


def test_signed_before_the_deadline_is_unaffected_and_never_signed_is_blocked_but_can_repay(
    lender: Lender,
) -> None:
    with lender.service() as s:
        publish(s)
        signer = s.open_line(ZHANG_SAN, "张三", YUAN(5000)).account_code
        holdout = s.open_line(person(246), "李四", YUAN(5000), cash_limit=YUAN(5000)).account_code
        sign(s, ZHANG_SAN, "张三")
        s.consent.start_campaign("UP", DOC, 1, date(2025, 1, 1), date(2025, 1, 31), 100)
    assert spend(lender, holdout, "300") == "ok"
    with lender.service() as s:
        (prompt,) = s.consent.prompts(s.line(holdout).subject_id)
        assert (prompt.campaign, prompt.deadline, prompt.blocked) == (
            "UP",
            date(2025, 1, 31),
            False,
        )
        assert s.consent.prompts(s.line(signer).subject_id) == []

    lender.on(date(2025, 1, 31))
    assert spend(lender, holdout) == "ok"  # the deadline day itself still counts
    lender.on(date(2025, 2, 1))
    assert spend(lender, signer) == "ok"
    before = lender.row_counts()
    assert spend(lender, holdout) == "consent.required"
    with pytest.raises(ZhengxinError) as refused, lender.service() as s:
        s.draw_loan(holdout, YUAN(1000), 12)
    assert refused.value.code == "consent.required"
    assert "UP" in refused.value.message and "repay" in refused.value.message.lower()
    with pytest.raises(ZhengxinError) as refused, lender.service() as s:
        s.authorize(holdout, YUAN(10))
    assert refused.value.code == "consent.required"
    assert lender.row_counts() == before

    with lender.service() as s:  # repayments, refunds and closure always work
        owed = s.owed(s.line(holdout))
        s.refund(holdout, YUAN(100))
        s.repay(holdout, owed - YUAN(100))
        assert s.owed(s.line(holdout)) == Money.zero()
        s.close_line(holdout)
    with lender.service() as s:
        assert s.line(holdout).status == "closed"


def _in_and_out(campaign: str, percent: int) -> tuple[str, str]:
    inside = outside = None
    for sequence in range(1, 999):
        number = person(sequence)
        bucket = cohort_bucket(campaign, number)
        if bucket < percent * 100 and inside is None:
            inside = number
        if bucket >= percent * 100 and outside is None:
            outside = number
        if inside and outside:
            return inside, outside
    raise AssertionError("no subjects on both sides of the cohort")


def test_outside_the_cohort_is_unaffected_until_the_rollout_widens(lender: Lender) -> None:
    inside, outside = _in_and_out("UP", 10)
    with lender.service() as s:
        publish(s)
        a = s.open_line(inside, "王芳", YUAN(5000)).account_code
        b = s.open_line(outside, "赵敏", YUAN(5000)).account_code
        s.consent.start_campaign("UP", DOC, 1, date(2025, 1, 1), date(2025, 1, 31), 10)
    lender.on(date(2025, 2, 10))
    assert spend(lender, a) == "consent.required"
    assert spend(lender, b) == "ok"
    with lender.service() as s:
        assert s.consent.prompts(s.line(b).subject_id) == []
        s.consent.widen("UP", 100)
        (prompt,) = s.consent.prompts(s.line(b).subject_id)
        # reached late, the subject gets the first cohort's 30 days of grace
        assert prompt.reached_on == date(2025, 2, 10)
        assert prompt.deadline == date(2025, 3, 12)
        assert s.consent.progress("UP").reached == 2
    assert spend(lender, b) == "ok"
    lender.on(date(2025, 3, 12))
    assert spend(lender, b) == "ok"
    lender.on(date(2025, 3, 13))
    assert spend(lender, b) == "consent.required"
    with lender.service() as s:
        sign(s, outside, "赵敏")
    assert spend(lender, b) == "ok"


def test_a_newer_version_does_not_extend_an_older_signature(lender: Lender) -> None:
    with lender.service() as s:
        publish(s, ("CRC",), 1)
        s.open_line(ZHANG_SAN, "张三", YUAN(5000))
        sign(s, ZHANG_SAN, "张三", 1)
        publish(s, ("CRC", "BAIHANG"), 2)
        subject = s.consent.subject(ZHANG_SAN).id
        now = lender.clock.now()
        assert s.consent.authorization(subject, Scope.REPORT, "CRC", now) is not None
        assert s.consent.authorization(subject, Scope.REPORT, "BAIHANG", now) is None
        s.consent.start_campaign("V2", DOC, 2, date(2025, 1, 1), date(2025, 1, 10), 100)
        (prompt,) = s.consent.prompts(subject)
        assert prompt.document == f"{DOC} v2"
        sign(s, ZHANG_SAN, "张三", 2)
        assert s.consent.authorization(subject, Scope.REPORT, "BAIHANG", now) is not None
        assert s.consent.prompts(subject) == []


def test_a_closed_line_ends_consent_no_later_inquiry_or_record(
    lender: Lender, tmp_path: Path
) -> None:
    bureau = RecordingBureau()
    with lender.service() as s:
        publish(s)
        line = s.open_line(ZHANG_SAN, "张三", YUAN(5000)).account_code
        sign(s, ZHANG_SAN, "张三")
        s.purchase(line, YUAN(200))
        answer = InquiryClient(s, {"CRC": bureau}).inquire(ZHANG_SAN, "CRC", "02")
        assert answer.answered
    (asked,) = bureau.asked
    assert asked.purpose.value == "02"
    assert asked.authorization.document_sha256 == text_hash(TEXT)
    assert asked.authorization.signed_on == date(2025, 1, 1)
    assert asked.authorization.reference.startswith("SIG")

    lender.on(date(2025, 1, 20))
    with lender.service() as s:
        s.repay(line, s.owed(s.line(line)))
        s.close_line(line)
        events = [e.event for e in s.consent.history(ZHANG_SAN)]
        assert events == ["signed", "revoked"]
        furnisher = Furnisher(s, tmp_path)
        closing = furnisher.event_records(date(2025, 1, 20))
        assert [r.base.rpt_date_code.value for r in closing] == ["20"]
        furnisher.write(date(2025, 1, 20), closing)
    lender.on(date(2025, 1, 31))
    with lender.service() as s:
        with pytest.raises(ZhengxinError) as refused:
            InquiryClient(s, {"CRC": bureau}).inquire(ZHANG_SAN, "CRC", "01")
        assert refused.value.code == "consent.no_query_authorization"
        assert Furnisher(s, tmp_path).month_end_records(date(2025, 1, 1)) == []
    assert len(bureau.asked) == 1


def test_no_path_furnishes_or_queries_an_unsigned_subject(lender: Lender, tmp_path: Path) -> None:
    bureau = RecordingBureau()
    with lender.service() as s:
        publish(s)
        line = s.open_line(ZHANG_SAN, "张三", YUAN(5000)).account_code
        s.purchase(line, YUAN(200))
        furnisher = Furnisher(s, tmp_path)
        assert furnisher.event_records(date(2025, 1, 1)) == []
        assert [(h.account_code, h.reason) for h in furnisher.held_back] == [
            (line, NO_AUTHORIZATION)
        ]
        with pytest.raises(ZhengxinError) as refused:
            InquiryClient(s, {"CRC": bureau}).inquire(ZHANG_SAN, "CRC", "02")
        assert refused.value.code == "consent.no_query_authorization"
    lender.on(date(2025, 1, 31))
    with lender.service() as s:
        furnisher = Furnisher(s, tmp_path)
        built = furnisher.month_end_records(date(2025, 1, 1))
        assert built == []
        # the records a careless caller builds itself are stopped by write()
        sign(s, ZHANG_SAN, "张三")
        monthly = Furnisher(s, tmp_path).month_end_records(date(2025, 1, 1))
        assert len(monthly) == 1
    with lender.service() as s:
        s.consent.revoke_all(s.consent.subject(ZHANG_SAN).id, "test: consent withdrawn")
        written = Furnisher(s, tmp_path).write(date(2025, 1, 31), monthly)
        assert written.records == ()
        # a signature for one bureau is no authorization for another
        with pytest.raises(ZhengxinError) as refused:
            InquiryClient(s, {"BAIHANG": bureau}).inquire(ZHANG_SAN, "BAIHANG", "02")
        assert refused.value.code == "consent.no_query_authorization"
    assert bureau.asked == []


def test_an_overdue_account_gets_its_notice_before_its_adverse_record(
    lender: Lender, tmp_path: Path
) -> None:
    with lender.service() as s:
        publish(s)
        line = s.open_line(ZHANG_SAN, "张三", YUAN(5000)).account_code
        sign(s, ZHANG_SAN, "张三")
        s.purchase(line, YUAN(1000))
    lender.on(date(2025, 2, 10))  # billed 02-01, due 02-10, nothing paid
    assert lender.notifier.sent == []
    lender.on(date(2025, 2, 11))
    (message,) = lender.notifier.sent
    assert message.account_code == line and message.sent_at == lender.clock.now()
    assert "逾期" in message.content and "2025-02-11" in message.content
    lender.on(date(2025, 2, 28))
    with lender.service() as s:
        (record,) = Furnisher(s, tmp_path).month_end_records(date(2025, 2, 1))
        assert record.monthly is not None and record.monthly.rpy_status.value == "1"
    lender.on(date(2025, 3, 5))
    with lender.service() as s:
        s.repay(line, s.owed(s.line(line)))
    lender.on(date(2025, 3, 6))
    assert len(lender.notifier.sent) == 1  # one spell, one notice


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_with_a_notice_period_the_adverse_record_waits(lender: Lender, tmp_path: Path) -> None:
    base = ProductCatalog()
    product = base.get("HB01").model_copy(update={"adverse_notice_days": 30})
    lender.catalog = ProductCatalog([product], [base.loan("JB01")])
    with lender.service() as s:
        publish(s)
        line = s.open_line(ZHANG_SAN, "张三", YUAN(5000)).account_code
        sign(s, ZHANG_SAN, "张三")
        s.purchase(line, YUAN(1000))
    lender.on(date(2025, 2, 28))
    with lender.service() as s:
        furnisher = Furnisher(s, tmp_path)
        assert furnisher.month_end_records(date(2025, 2, 1)) == []
        assert [h.reason for h in furnisher.held_back] == ["adverse_notice_pending"]
    lender.on(date(2025, 3, 31))  # the notice went out on 02-11: 48 days before
    with lender.service() as s:
        (record,) = Furnisher(s, tmp_path).month_end_records(date(2025, 3, 1))
        assert record.monthly is not None and record.monthly.rpy_status.value == "2"


def test_bad_consent_input_is_refused_and_writes_nothing(lender: Lender) -> None:
    with lender.service() as s:
        publish(s)
        s.open_line(ZHANG_SAN, "张三", YUAN(5000))
        sign(s, ZHANG_SAN, "张三")
    cases = [
        ("consent.unknown_document", lambda s: s.consent.sign(ZHANG_SAN, "张三", DOC, 9, "x")),
        ("consent.unknown_document", lambda s: s.consent.sign(ZHANG_SAN, "张三", "NOPE", 1, "x")),
        (
            "consent.hash_mismatch",
            lambda s: s.consent.sign(person(7), "王五", DOC, 1, text_hash(TEXT + " ")),
        ),
        ("consent.already_signed", lambda s: sign(s, ZHANG_SAN, "张三")),
        ("subject.name_mismatch", lambda s: sign(s, ZHANG_SAN, "张四")),
        (
            "consent.channel",
            lambda s: s.consent.sign(person(7), "王五", DOC, 1, text_hash(TEXT), "fax"),
        ),
        (
            "campaign.deadline_before_notice",
            lambda s: s.consent.start_campaign(
                "UP", DOC, 1, date(2025, 2, 1), date(2025, 1, 31), 50
            ),
        ),
        (
            "campaign.deadline_before_notice",
            lambda s: s.consent.start_campaign(
                "UP", DOC, 1, date(2025, 2, 1), date(2025, 2, 1), 50
            ),
        ),
        (
            "campaign.notice_in_past",
            lambda s: s.consent.start_campaign(
                "UP", DOC, 1, date(2024, 12, 1), date(2025, 2, 1), 50
            ),
        ),
        (
            "campaign.percent",
            lambda s: s.consent.start_campaign("UP", DOC, 1, date(2025, 1, 1), date(2025, 2, 1), 0),
        ),
        ("consent.version_exists", publish),
        ("consent.scope", lambda s: s.consent.publish(DOC, 2, "t", "x", "all", ["CRC"])),
        ("code.Bureau", lambda s: s.consent.publish(DOC, 2, "t", "x", "both", ["EQUIFAX"])),
        ("campaign.unknown", lambda s: s.consent.widen("NOPE", 50)),
        ("code.QueryReason", lambda s: InquiryClient(s, {}).inquire(ZHANG_SAN, "CRC", "99")),
        ("inquiry.purpose", lambda s: InquiryClient(s, {}).inquire(ZHANG_SAN, "CRC", "09")),
        ("inquiry.bureau", lambda s: InquiryClient(s, {}).inquire(ZHANG_SAN, "CRC", "01")),
    ]
    before = lender.row_counts()
    for expected, call in cases:
        with pytest.raises(ZhengxinError) as refused, lender.service() as s:
            call(s)
        assert refused.value.code == expected, (expected, refused.value)
        assert lender.row_counts() == before, f"{expected} changed the database"


def test_a_campaign_only_widens(lender: Lender) -> None:
    with lender.service() as s:
        publish(s)
        s.consent.start_campaign("UP", DOC, 1, date(2025, 1, 1), date(2025, 1, 31), 30)
        s.consent.widen("UP", 60, date(2025, 1, 15))
    before = lender.row_counts()
    for percent, day, code in (
        (50, None, "campaign.narrowing"),
        (60, None, "campaign.narrowing"),
        (90, date(2025, 1, 10), "campaign.stage_in_past"),
        (101, None, "campaign.percent"),
    ):
        with pytest.raises(ZhengxinError) as refused, lender.service() as s:
            s.consent.widen("UP", percent, day)
        assert refused.value.code == code
    assert lender.row_counts() == before


def test_a_time_limited_signature_lapses(lender: Lender) -> None:
    with lender.service() as s:
        s.consent.publish(DOC, 1, "一年期授权书", TEXT, "query", ["CRC"], validity_months=12)
        s.open_line(ZHANG_SAN, "张三", YUAN(5000))
        sign(s, ZHANG_SAN, "张三")
        subject = s.consent.subject(ZHANG_SAN).id
        assert s.consent.authorization(subject, Scope.QUERY, "CRC", lender.clock.now())
        assert s.consent.authorization(subject, Scope.REPORT, "CRC", lender.clock.now()) is None
        last_day = china_time(date(2025, 12, 31))
        assert s.consent.authorization(subject, Scope.QUERY, "CRC", last_day) is not None
        lapsed = china_time(date(2026, 1, 1))
        assert s.consent.authorization(subject, Scope.QUERY, "CRC", lapsed) is None
        assert [e.event for e in s.consent.history(ZHANG_SAN)] == ["signed", "lapses"]
