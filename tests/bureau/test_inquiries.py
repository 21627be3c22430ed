"""Who may read a credit report: an institution with a lawful purpose and the subject's lodged
authorization, or the subject themself.

The stories: 张三 signs 示例商业银行's mortgage authorization (reference BANK-MTG-0001, purpose
02 贷款审批) on 2025-03-01, and the bank lodges it with the bureau. On 2025-03-10 the bank asks
for his report. Others ask without a signature, for a purpose they may not use, under someone
else's signature; every attempt is recorded, only answers appear in his query records, and the
refusals are in the audit log. He reads his own report three times in 2025: the third is
chargeable.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, select

from tests.conftest import Backend, row_counts
from zhengxin.bureau.audit import Action, AuditLog, verify
from zhengxin.bureau.inquiries import Answer, Ask, AuthorizationFiling, InquiryDesk
from zhengxin.bureau.models import BureauBase, Inquiry, Subject
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.bureau.report import ReportService
from zhengxin.bureau.repository import BureauRepository
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import InvalidInput, ZhengxinError
from zhengxin.kernel.identity import ResidentId

BANK = "B10211000H0001"
LENDER = "Q10152900H0001"
COLLECTOR = "Z10152900H0009"
ZHANG_SAN = ResidentId.make("110105", date(1990, 3, 7), 123).number
LI_SI = ResidentId.make("310104", date(1988, 11, 2), 456).number
SHA = "ab" * 32
SIGNED = date(2025, 3, 1)
ASKED = date(2025, 3, 10)

MORTGAGE = AuthorizationFiling(
    institution_code=BANK,
    reference="BANK-MTG-0001",
    id_number=ZHANG_SAN,
    name="张三",
    document="个人征信查询授权书 v3",
    document_sha256=SHA,
    signed_on=SIGNED,
    scope="query",
    purposes=("02",),
)


def ask(reference: str | None = "BANK-MTG-0001", **changes: str | None) -> Ask:
    return replace(Ask(BANK, ZHANG_SAN, "02", reference, SHA), **changes)


@pytest.fixture
def bureau(backend: Backend) -> Engine:
    engine = backend.engine("bureau")
    migrate(engine, "zhengxin.bureau.migrations")
    clock = FixedClock.on(date(2025, 1, 2))
    with unit_of_work(engine) as s:
        register(s, clock, BANK, "示例商业银行", InstitutionKind.BANK)
        register(s, clock, LENDER, "示例消费金融", InstitutionKind.CONSUMER_FINANCE)
        register(s, clock, COLLECTOR, "示例催收公司", InstitutionKind.OTHER)
        for name, number in (("张三", ZHANG_SAN), ("李四", LI_SI)):  # reported by a lender
            s.add(Subject(id_type="10", id_number=number, name=name, updated_at=clock.now()))
    with unit_of_work(engine) as s:
        InquiryDesk(s, FixedClock.on(SIGNED)).lodge(MORTGAGE)
    return engine


def inquire(engine: Engine, request: Ask, day: date = ASKED) -> Answer:
    with unit_of_work(engine) as s:
        return InquiryDesk(s, FixedClock.on(day)).ask(request)


def self_query(engine: Engine, day: date, number: str = ZHANG_SAN) -> Answer:
    with unit_of_work(engine) as s:
        return InquiryDesk(s, FixedClock.on(day)).self_query(number)


def test_the_bank_with_his_signature_gets_his_report_and_he_sees_who_asked(
    bureau: Engine,
) -> None:
    answer = inquire(bureau, ask())
    assert answer.answered, answer.message
    assert answer.report is not None
    query = answer.report.query
    assert (query.institution_code, query.reason, query.self_query) == (BANK, "02", False)

    mine = self_query(bureau, date(2025, 3, 11))
    assert mine.report is not None
    records = mine.report.query_records.institutional
    assert [(r.institution_name, r.reason) for r in records] == [("示例商业银行", "02")]
    with unit_of_work(bureau) as s:
        subject = BureauRepository(s).subject("10", ZHANG_SAN)
        assert subject is not None
        readers = AuditLog(s, FixedClock.on(ASKED)).readers(subject.id)
    assert [r.actor for r in readers] == [BANK, "subject"]


REFUSALS: list[tuple[str, Ask]] = [
    ("inquiry.institution_unknown", ask(institution_code="B99999999H0001")),
    ("inquiry.may_not_query", ask(institution_code=COLLECTOR)),
    ("inquiry.purpose_not_allowed", ask(institution_code=LENDER, purpose="08")),
    ("inquiry.no_authorization", ask(None)),
    ("inquiry.no_authorization_hash", ask(authorization_sha256=None)),
    ("inquiry.no_authorization_hash", ask(authorization_sha256="   ")),
    ("inquiry.authorization_not_yours", ask(institution_code=LENDER, purpose="02")),
    ("inquiry.authorization_unknown", ask("BANK-MTG-9999")),
    ("inquiry.authorization_other_subject", ask(id_number=LI_SI)),
    ("inquiry.authorization_mismatch", ask(authorization_sha256="cd" * 32)),
    ("inquiry.authorization_purpose", ask(purpose="03")),
]


@pytest.mark.parametrize(
    ("code", "request_"), REFUSALS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REFUSALS)]
)
def test_a_query_the_law_does_not_allow_is_refused_recorded_and_audited_but_not_shown(
    bureau: Engine, code: str, request_: Ask
) -> None:
    answer = inquire(bureau, request_)
    assert (answer.answered, answer.code) == (False, code), answer.message
    assert answer.report is None and answer.message
    with unit_of_work(bureau) as s:
        row = s.get(Inquiry, answer.inquiry_id)
        assert row is not None
        assert (row.outcome, row.refusal_code) == ("refused", code)
        lines = AuditLog(s, FixedClock.on(ASKED)).entries(limit=1)
        assert lines[0].action == Action.WRITE.value and code in lines[0].what
    mine = self_query(bureau, date(2025, 3, 11), request_.id_number)
    assert mine.report is not None
    assert mine.report.query_records.institutional == ()
    with unit_of_work(bureau) as s:
        assert verify(s).ok


def test_a_signature_for_reporting_only_does_not_let_anyone_query(bureau: Engine) -> None:
    with unit_of_work(bureau) as s:
        InquiryDesk(s, FixedClock.on(SIGNED)).lodge(
            replace(MORTGAGE, reference="BANK-RPT-0001", scope="report", purposes=())
        )
    assert inquire(bureau, ask("BANK-RPT-0001")).code == "inquiry.authorization_scope"


def test_a_revoked_or_expired_signature_covers_nothing_from_that_day(bureau: Engine) -> None:
    with unit_of_work(bureau) as s:
        InquiryDesk(s, FixedClock.on(SIGNED)).lodge(
            replace(MORTGAGE, reference="BANK-MTG-0002", valid_until=date(2025, 3, 31))
        )
    assert inquire(bureau, ask("BANK-MTG-0002"), date(2025, 3, 31)).answered
    assert inquire(bureau, ask("BANK-MTG-0002"), date(2025, 4, 1)).code == (
        "inquiry.authorization_expired"
    )
    with unit_of_work(bureau) as s:
        InquiryDesk(s, FixedClock.on(date(2025, 3, 20))).revoke(BANK, "BANK-MTG-0001")
    assert inquire(bureau, ask(), date(2025, 3, 19)).answered
    assert inquire(bureau, ask(), date(2025, 3, 20)).code == "inquiry.authorization_revoked"


def test_a_signature_dated_after_the_query_does_not_cover_it(bureau: Engine) -> None:
    assert inquire(bureau, ask(), date(2025, 2, 28)).code == "inquiry.authorization_not_yet"
    assert inquire(bureau, ask(), SIGNED).answered


def test_the_third_self_query_of_a_year_is_chargeable_and_a_new_year_starts_free(
    bureau: Engine,
) -> None:
    assert inquire(bureau, ask()).answered
    charged = [
        self_query(bureau, day).chargeable
        for day in (date(2025, 4, 1), date(2025, 8, 1), date(2025, 12, 31), date(2026, 1, 1))
    ]
    assert charged == [False, False, True, False]
    last = self_query(bureau, date(2026, 1, 2))
    assert last.report is not None
    selves = last.report.query_records.self_queries
    assert [(r.asked_on, r.chargeable) for r in selves] == [
        (date(2026, 1, 1), False),
        (date(2025, 12, 31), True),
        (date(2025, 8, 1), False),
        (date(2025, 4, 1), False),
    ]
    assert [r.reason for r in last.report.query_records.institutional] == ["02"]


def test_a_mistyped_id_number_is_an_error_and_records_nothing(bureau: Engine) -> None:
    before = row_counts(bureau, BureauBase.metadata)
    wrong = ZHANG_SAN[:-1] + ("0" if ZHANG_SAN[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as raised:
        inquire(bureau, ask(id_number=wrong))
    assert raised.value.code == "id.check_digit"
    with pytest.raises(InvalidInput):
        inquire(bureau, ask(purpose="99"))
    assert row_counts(bureau, BureauBase.metadata) == before


@pytest.mark.parametrize(
    ("code", "filing"),
    [
        ("authorization.exists", MORTGAGE),
        ("authorization.scope", replace(MORTGAGE, reference="X1", scope="everything")),
        ("authorization.sha256", replace(MORTGAGE, reference="X2", document_sha256="abc")),
        ("authorization.purposes", replace(MORTGAGE, reference="X3", purposes=())),
        ("code.QueryReason", replace(MORTGAGE, reference="X4", purposes=("77",))),
        ("authorization.signed_on", replace(MORTGAGE, reference="X5", signed_on=date(2026, 1, 1))),
        ("institution.unknown", replace(MORTGAGE, institution_code="B99999999H0001")),
    ],
)
def test_a_wrong_lodging_is_a_clear_error_and_changes_nothing(
    bureau: Engine, code: str, filing: AuthorizationFiling
) -> None:
    before = row_counts(bureau, BureauBase.metadata)
    with pytest.raises(ZhengxinError) as raised, unit_of_work(bureau) as s:
        InquiryDesk(s, FixedClock.on(ASKED)).lodge(filing)
    assert raised.value.code == code
    assert row_counts(bureau, BureauBase.metadata) == before


def test_an_answer_for_someone_the_bureau_never_heard_of_is_an_empty_report_and_kept(
    bureau: Engine,
) -> None:
    wang = ResidentId.make("440305", date(2001, 5, 5), 77).number
    with unit_of_work(bureau) as s:
        InquiryDesk(s, FixedClock.on(SIGNED)).lodge(
            replace(MORTGAGE, reference="BANK-MTG-0003", id_number=wang, name="王五")
        )
    answer = inquire(bureau, ask("BANK-MTG-0003", id_number=wang))
    assert answer.report is not None and answer.report.accounts == ()
    assert answer.report.identity.name == "王五"
    with unit_of_work(bureau) as s:
        held = s.scalars(select(Inquiry.outcome).where(Inquiry.id_number == wang)).all()
    assert held == ["answered"]
    assert self_query(bureau, ASKED, wang).answered


def test_the_operators_own_view_is_no_query_record_but_leaves_a_trace(bureau: Engine) -> None:
    with unit_of_work(bureau) as s:
        ReportService(s, FixedClock.on(ASKED)).report_for(ZHANG_SAN)
    mine = self_query(bureau, date(2025, 3, 11))
    assert mine.report is not None and mine.report.query_records.institutional == ()
    with unit_of_work(bureau) as s:
        subject = BureauRepository(s).subject("10", ZHANG_SAN)
        assert subject is not None
        readers = AuditLog(s, FixedClock.on(ASKED)).readers(subject.id)
    assert [r.actor for r in readers] == ["operator", "subject"]


def test_an_answer_given_the_same_instant_as_a_report_is_in_its_query_records(
    bureau: Engine,
) -> None:
    assert inquire(bureau, ask()).answered
    mine = self_query(bureau, ASKED)  # the same clock instant as the bank's inquiry
    assert mine.report is not None
    assert [r.reason for r in mine.report.query_records.institutional] == ["02"]
    assert mine.report.query_records.self_queries == ()  # not the query this report answers


def test_the_operator_sees_every_attempt_on_a_person_even_before_the_bureau_knew_them(
    bureau: Engine,
) -> None:
    wang = ResidentId.make("440305", date(2001, 5, 5), 77).number
    assert inquire(bureau, ask("BANK-MTG-0003", id_number=wang)).code == (
        "inquiry.authorization_unknown"
    )
    with unit_of_work(bureau) as s:
        InquiryDesk(s, FixedClock.on(SIGNED)).lodge(
            replace(MORTGAGE, reference="BANK-MTG-0003", id_number=wang, name="王五")
        )
    assert inquire(bureau, ask("BANK-MTG-0003", id_number=wang)).answered
    with unit_of_work(bureau) as s:
        seen = InquiryDesk(s, FixedClock.on(ASKED)).history(wang, "a complaint")
        assert [i.outcome for i in seen] == ["answered", "refused"]
        line = AuditLog(s, FixedClock.on(ASKED)).entries(limit=1)[0]
        assert (line.actor, line.action, line.why) == ("operator", "read", "a complaint")
    with pytest.raises(InvalidInput), unit_of_work(bureau) as s:
        InquiryDesk(s, FixedClock.on(ASKED)).history(wang, " ")
