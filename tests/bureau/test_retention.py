"""Art. 16: adverse information is kept five years after the adverse episode ended, then the
report stops showing it and the purge job deletes it.

The stories: a borrower one month late in March 2024 who repaid on 2024-04-05; one whose
arrears a 40 recovery cleared on 2024-03-20; a loan three months late; a bad debt settled by
closing the account; a loan never brought back to order; and in the store, 张三's loan (late
February-March 2024, cleared by a recovery on 2024-04-05) beside 李梅's loan that is still
overdue, 王芳's loan that was always paid and 赵伟's card repaid on 2024-06-10.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import Backend, row_counts
from zhengxin.bureau.audit import Action
from zhengxin.bureau.models import (
    Account,
    AccountEvent,
    AccountMonth,
    AuditEntry,
    BureauBase,
    Subject,
    Submission,
)
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.bureau.retention import (
    RETENTION_YEARS,
    Purged,
    Spell,
    is_adverse,
    purge,
    shown,
    spells,
)
from zhengxin.kernel.clock import FixedClock, add_months, month_end
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import InvalidInput

# --- histories as plain records -----------------------------------------------------------


@dataclass(frozen=True)
class Month:
    month: date
    report_date: date
    repayment_status: str
    account_status: str
    last_repayment_date: date
    close_date: date | None = None


@dataclass(frozen=True)
class Event:
    report_date: date
    repayment_status: str | None
    account_status: str
    last_repayment_date: date | None
    close_date: date | None = None


def day(text: str) -> date:
    return date.fromisoformat(text)


def month(
    ym: str,
    status: str,
    repaid: str,
    reported: str | None = None,
    account_status: str | None = None,
    closed: str | None = None,
) -> Month:
    """Month ``ym`` with repayment ``status``, last repaid on ``repaid``, reported at the
    month's end unless ``reported`` says otherwise; overdue months are account status 2."""
    first = day(f"{ym}-01")
    if account_status is None:
        account_status = "2" if status in "1234567" else "1"
    return Month(
        first,
        day(reported) if reported else month_end(first),
        status,
        account_status,
        day(repaid),
        day(closed) if closed else None,
    )


def recovery(on: str) -> Event:
    """A 40 record: the overdue amounts were repaid on ``on``."""
    return Event(day(on), "N", "1", day(on))


def hidden_on(months: Sequence[Month], events: Sequence[Event], today: date) -> list[Any]:
    kept_months, kept_events = shown(months, events, today)
    return [m for m in months if m not in kept_months] + [e for e in events if e not in kept_events]


# --- the rule on plain records ------------------------------------------------------------


def test_adverse_is_an_overdue_or_bad_debt_status_of_either_kind() -> None:
    assert [is_adverse(s, "1") for s in "1234567BDZ"] == [True] * 10
    assert [is_adverse(s, "1") for s in "NM*CG#"] == [False] * 6
    assert [is_adverse("N", s) for s in ("2", "41", "42", "51", "52")] == [True] * 5
    assert [is_adverse("N", s) for s in ("1", "3", "4", "31", "5", "6", "8")] == [False] * 7
    assert is_adverse(None, "1") is False


ONE_MONTH_LATE = [
    month("2024-02", "N", "2024-02-10"),
    month("2024-03", "1", "2024-02-10"),
    month("2024-04", "N", "2024-04-05"),
]
"""Due 2024-03-10, nothing paid in March; the arrears repaid on 2024-04-05."""


def test_one_month_late_is_shown_until_five_years_after_the_repayment() -> None:
    (spell,) = spells(ONE_MONTH_LATE, [])
    assert spell == Spell(day("2024-03-01"), day("2024-03-01"), day("2024-04-05"))
    assert spell.expires_on == day("2029-04-05")
    assert shown(ONE_MONTH_LATE, [], day("2029-04-04")) == (ONE_MONTH_LATE, [])
    february, _, april = ONE_MONTH_LATE
    assert shown(ONE_MONTH_LATE, [], day("2029-04-05")) == ([february, april], [])


def test_a_recovery_record_ends_the_spell_on_its_day_and_goes_with_it() -> None:
    """February late (reported 02-29); a 40 record: repaid 03-20; March paid as agreed."""
    months = [
        month("2024-01", "N", "2024-01-10"),
        month("2024-02", "1", "2024-01-10"),
        month("2024-03", "N", "2024-03-20"),
    ]
    events = [recovery("2024-03-20")]
    assert spells(months, events) == (
        Spell(day("2024-02-01"), day("2024-02-01"), day("2024-03-20")),
    )
    assert hidden_on(months, events, day("2029-03-19")) == []
    assert hidden_on(months, events, day("2029-03-20")) == [months[1], events[0]]


def test_a_longer_spell_hides_every_late_month_together() -> None:
    """Late in January, February and March (1, 2, 3); repaid in full on 2024-04-12."""
    months = [
        month("2023-12", "N", "2023-12-10"),
        month("2024-01", "1", "2023-12-10"),
        month("2024-02", "2", "2023-12-10"),
        month("2024-03", "3", "2023-12-10"),
        month("2024-04", "N", "2024-04-12"),
        month("2024-05", "N", "2024-05-10"),
    ]
    assert spells(months, []) == (Spell(day("2024-01-01"), day("2024-03-01"), day("2024-04-12")),)
    assert hidden_on(months, [], day("2029-04-11")) == []
    assert hidden_on(months, [], day("2029-04-12")) == months[1:4]


def test_a_month_back_in_order_without_a_new_repayment_ends_the_spell_on_its_report_date() -> None:
    """Late in March; April is reported N but the last repayment is still February's."""
    months = [month("2024-03", "1", "2024-02-10"), month("2024-04", "N", "2024-02-10")]
    assert spells(months, [])[0].ended_on == day("2024-04-30")


def test_a_bad_debt_ends_when_the_account_is_closed() -> None:
    """Written off in January 2024 (B, 42); the debt settled on 2024-03-10, the account closed
    on 2024-03-15 and reported closed at the month's end (C, 3)."""
    months = [
        month("2023-12", "7", "2023-05-10"),
        month("2024-01", "B", "2023-05-10", account_status="42"),
        month("2024-02", "B", "2023-05-10", account_status="42"),
        month("2024-03", "C", "2024-03-10", account_status="3", closed="2024-03-15"),
    ]
    assert spells(months, []) == (Spell(day("2023-12-01"), day("2024-02-01"), day("2024-03-15")),)
    assert hidden_on(months, [], day("2029-03-14")) == []
    assert hidden_on(months, [], day("2029-03-15")) == months[:3]


def test_a_month_of_a_spell_still_running_is_kept_inside_an_expired_one() -> None:
    """Late in January and March 2024 and repaid on 2024-04-08; in June the bank corrects
    February to late (reported 2024-06-20) and nothing has been reported since: February's
    own spell has not ended, so it stays when the January-March spell expires."""
    months = [
        month("2024-01", "1", "2023-12-10"),
        month("2024-02", "1", "2023-12-10", reported="2024-06-20"),
        month("2024-03", "1", "2023-12-10"),
        month("2024-04", "N", "2024-04-08"),
    ]
    assert spells(months, []) == (
        Spell(day("2024-01-01"), day("2024-03-01"), day("2024-04-08")),
        Spell(day("2024-02-01"), day("2024-02-01"), None),
    )
    assert hidden_on(months, [], day("2029-04-08")) == [months[0], months[2]]


def test_an_event_of_a_spell_still_running_is_kept_inside_an_expired_one() -> None:
    """Late in January 2024, repaid in full on 2024-02-29 (the February report); a record of
    the same day says the account is overdue again, and nothing has been reported since."""
    months = [month("2024-01", "1", "2023-12-10"), month("2024-02", "N", "2024-02-29")]
    events = [Event(day("2024-02-29"), "N", "2", day("2024-02-29"))]
    assert [s.ended_on for s in spells(months, events)] == [day("2024-02-29"), None]
    assert hidden_on(months, events, day("2029-02-28")) == [months[0]]


def test_contradictory_dates_end_a_spell_between_its_last_late_report_and_its_end() -> None:
    """Late in February 2024 (reported 02-29). One recovery record of 03-20 claims a
    repayment of 02-15, before February was reported late; another claims one of 03-25."""
    february = month("2024-02", "1", "2024-01-10")
    too_early = Event(day("2024-03-20"), "N", "1", day("2024-02-15"))
    too_late = Event(day("2024-03-20"), "N", "1", day("2024-03-25"))
    assert spells([february], [too_early])[0].ended_on == day("2024-02-29")
    assert spells([february], [too_late])[0].ended_on == day("2024-03-20")


def test_a_spell_that_never_ended_is_kept() -> None:
    """Late since January 2024 and never brought back to order: written off in August."""
    months = [month(f"2024-0{n}", s, "2023-12-10") for n, s in enumerate("1234567", 1)]
    months.append(month("2024-08", "B", "2023-12-10", account_status="42"))
    (spell,) = spells(months, [])
    assert (spell.ended_on, spell.expires_on) == (None, None)
    assert shown(months, [], day("2040-01-01")) == (months, [])


def test_two_spells_on_one_account_expire_each_on_its_own_day() -> None:
    """Late in January 2024 (repaid 02-08); late again in June (repaid 07-15)."""
    months = [
        month("2024-01", "1", "2023-12-10"),
        month("2024-02", "N", "2024-02-08"),
        month("2024-03", "N", "2024-03-10"),
        month("2024-06", "1", "2024-03-10"),
        month("2024-07", "N", "2024-07-15"),
    ]
    first, second = spells(months, [])
    assert (first.expires_on, second.expires_on) == (day("2029-02-08"), day("2029-07-15"))
    assert hidden_on(months, [], day("2029-02-07")) == []
    assert hidden_on(months, [], day("2029-02-08")) == [months[0]]
    assert hidden_on(months, [], day("2029-07-14")) == [months[0]]
    assert hidden_on(months, [], day("2029-07-15")) == [months[0], months[3]]


def test_a_spell_that_ended_on_29_february_expires_on_28_february() -> None:
    """Late in January 2024; repaid on 2024-02-29; five years on there is no 29 February."""
    months = [month("2024-01", "1", "2023-12-10"), month("2024-02", "N", "2024-02-29")]
    (spell,) = spells(months, [])
    assert spell.expires_on == day("2029-02-28")
    assert hidden_on(months, [], day("2029-02-27")) == []
    assert hidden_on(months, [], day("2029-02-28")) == [months[0]]


# --- properties ---------------------------------------------------------------------------

START = date(2020, 1, 1)
STATUSES = ["N", "N", "N", "M", "*", "1", "2", "3", "7", "B", "D", "C"]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Month], list[Event]]:
    """Up to three years of an account: months reported at month end (some missing), with
    now and then a non-monthly report before the month's end, until a closure."""
    months: list[Month] = []
    events: list[Event] = []
    repaid = START
    for k in range(draw(st.integers(0, 36))):
        first = add_months(START, k)
        if draw(st.integers(0, 5)) == 0:
            continue
        if draw(st.integers(0, 4)) == 0:
            on = first + timedelta(days=draw(st.integers(0, 20)))
            status = draw(st.sampled_from(["1", "2", "41"]))
            events.append(Event(on, draw(st.sampled_from(["N", None])), status, on))
            repaid = on
        if draw(st.booleans()):
            repaid = first + timedelta(days=draw(st.integers(21, 27)))
        status = draw(st.sampled_from(STATUSES))
        if status == "C":
            months.append(Month(first, repaid, "C", "3", repaid, repaid))
            break
        account_status = {"B": "42", "D": "3"}.get(status, "2" if status in "1237" else "1")
        months.append(Month(first, month_end(first), status, account_status, repaid))
    return months, events


DAYS = st.dates(date(2019, 1, 1), date(2045, 12, 31))
SOME = settings(max_examples=300, deadline=None)


def identities(records: Sequence[object]) -> list[int]:
    return [id(r) for r in records]


@SOME
@given(histories(), DAYS)
def test_a_normal_month_outside_every_spell_is_never_hidden(
    history: tuple[list[Month], list[Event]], today: date
) -> None:
    months, events = history
    ranges = [(s.first_month, s.last_month) for s in spells(months, events)]
    kept = identities(shown(months, events, today)[0])
    for m in months:
        if not is_adverse(m.repayment_status, m.account_status) and not any(
            first <= m.month <= last for first, last in ranges
        ):
            assert id(m) in kept


@SOME
@given(histories(), DAYS)
def test_nothing_is_hidden_before_a_spell_has_expired(
    history: tuple[list[Month], list[Event]], today: date
) -> None:
    months, events = history
    if all(s.expires_on is None or today < s.expires_on for s in spells(months, events)):
        assert shown(months, events, today) == (months, events)


@SOME
@given(histories(), DAYS, st.integers(0, 4000))
def test_what_is_hidden_stays_hidden(
    history: tuple[list[Month], list[Event]], today: date, days_later: int
) -> None:
    months, events = history
    later = min(today + timedelta(days=days_later), date(2049, 12, 31))
    for before, after in zip(
        shown(months, events, today), shown(months, events, later), strict=True
    ):
        assert set(identities(after)) <= set(identities(before))


@SOME
@given(histories(), DAYS)
def test_what_is_shown_is_the_input_in_its_order_less_some(
    history: tuple[list[Month], list[Event]], today: date
) -> None:
    months, events = history
    for given_records, kept in zip((months, events), shown(months, events, today), strict=True):
        remaining = iter(identities(given_records))
        assert all(record in remaining for record in identities(kept))


@SOME
@given(histories(), DAYS)
def test_hiding_twice_hides_nothing_more(
    history: tuple[list[Month], list[Event]], today: date
) -> None:
    """What :func:`purge` relies on to be idempotent."""
    once = shown(*history, today)
    assert shown(*once, today) == once


@SOME
@given(histories())
def test_a_spell_expires_five_years_after_it_ended(
    history: tuple[list[Month], list[Event]],
) -> None:
    for spell in spells(*history):
        assert spell.first_month <= spell.last_month
        if spell.ended_on is not None and spell.expires_on is not None:
            assert spell.last_month <= spell.ended_on
            assert spell.expires_on.year == spell.ended_on.year + RETENTION_YEARS
            assert (spell.expires_on - spell.ended_on).days in range(1825, 1828)


# --- the purge job on a store -------------------------------------------------------------

BANK = "Q10152900H0001"
REGISTERED = FixedClock.on(date(2024, 1, 2))
BOUNDARY = date(2029, 4, 5)
"""Five years after 张三's recovery of 2024-04-05."""


@dataclass(frozen=True)
class Holder:
    id_number: str
    name: str


ZHANG = Holder("110105199003071239", "张三")
LI = Holder("110108198511204020", "李梅")
WANG = Holder("110101199203154526", "王芳")
ZHAO = Holder("110102198807190013", "赵伟")

ZHANG_LOAN = f"{BANK}D1ZS0001"
STORE: dict[str, tuple[Holder, list[Month], list[Event]]] = {
    ZHANG_LOAN: (
        ZHANG,
        [
            month("2024-01", "N", "2024-01-10"),
            month("2024-02", "1", "2024-01-10"),
            month("2024-03", "2", "2024-01-10"),
            month("2024-04", "N", "2024-04-05"),
            month("2024-05", "N", "2024-05-10"),
        ],
        [recovery("2024-04-05")],
    ),
    f"{BANK}D1LM0001": (
        LI,
        [month("2024-02", "1", "2024-01-10"), month("2024-03", "2", "2024-01-10")],
        [],
    ),
    f"{BANK}D1WF0001": (
        WANG,
        [month("2024-02", "N", "2024-02-10"), month("2024-03", "N", "2024-03-10")],
        [],
    ),
    f"{BANK}R2ZW0001": (
        ZHAO,
        [
            month("2024-03", "1", "2024-02-20", account_status="1"),
            month("2024-04", "2", "2024-02-20", account_status="1"),
            month("2024-05", "3", "2024-02-20", account_status="1"),
            month("2024-06", "N", "2024-06-10", account_status="1"),
        ],
        [],
    ),
}


def build_store(engine: Engine) -> None:
    """The bank, its four borrowers and their accounts, as the bureau holds them."""
    with unit_of_work(engine) as session:
        register(session, REGISTERED, BANK, "示例银行", InstitutionKind.BANK)
        seed = Submission(
            file_name=f"{BANK}2024063021000.txt",
            institution_code=BANK,
            record_type="210",
            file_date=date(2024, 6, 30),
            received_at=REGISTERED.now(),
            record_count=0,
            accepted_count=0,
            rejected_count=0,
        )
        session.add(seed)
        session.flush()
        for code, (holder, months, events) in STORE.items():
            subject = Subject(
                id_type="10",
                id_number=holder.id_number,
                name=holder.name,
                updated_at=REGISTERED.now(),
            )
            session.add(subject)
            session.flush()
            account = Account(
                institution_code=BANK,
                account_code=code,
                subject_id=subject.id,
                account_type=code[14:16],
                open_date=date(2023, 12, 1),
            )
            session.add(account)
            session.flush()
            session.add_all(stored_month(account.id, seed.id, m) for m in months)
            session.add_all(stored_event(account.id, seed.id, e) for e in events)


def stored_month(account_id: int, submission_id: int, m: Month) -> AccountMonth:
    return AccountMonth(
        account_id=account_id,
        month=m.month,
        report_date=m.report_date,
        report_timing="30",
        account_status=m.account_status,
        balance_yuan=5000,
        five_category="1",
        five_category_date=m.month,
        repayment_status=m.repayment_status,
        overdue_total_yuan=520 if is_adverse(m.repayment_status, m.account_status) else 0,
        last_repayment_date=m.last_repayment_date,
        close_date=m.close_date,
        submission_id=submission_id,
    )


def stored_event(account_id: int, submission_id: int, e: Event) -> AccountEvent:
    return AccountEvent(
        account_id=account_id,
        report_date=e.report_date,
        report_timing="40",
        account_status=e.account_status,
        balance_yuan=4480,
        repayment_status=e.repayment_status,
        last_repayment_yuan=520,
        last_repayment_date=e.last_repayment_date,
        close_date=e.close_date,
        submission_id=submission_id,
    )


@pytest.fixture
def store(backend: Backend) -> Engine:
    engine = backend.engine("retention")
    migrate(engine, "zhengxin.bureau.migrations")
    build_store(engine)
    return engine


def run_purge(engine: Engine, today: date, batch: int = 1_000) -> Purged:
    with unit_of_work(engine) as session:
        return purge(session, FixedClock.on(today), batch=batch)


def held(engine: Engine) -> dict[str, tuple[list[date], list[date]]]:
    """Each account's months and event dates as the store holds them."""
    with Session(engine) as session:
        found: dict[str, tuple[list[date], list[date]]] = {}
        for account in session.scalars(select(Account).order_by(Account.account_code)):
            found[account.account_code] = (
                list(
                    session.scalars(
                        select(AccountMonth.month)
                        .where(AccountMonth.account_id == account.id)
                        .order_by(AccountMonth.month)
                    )
                ),
                list(
                    session.scalars(
                        select(AccountEvent.report_date)
                        .where(AccountEvent.account_id == account.id)
                        .order_by(AccountEvent.report_date)
                    )
                ),
            )
        return found


def audit_lines(engine: Engine) -> list[tuple[str, str, int | None, str, str]]:
    with Session(engine) as session:
        return [
            (e.actor, e.action, e.subject_id, e.what, e.why)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        ]


def subject_id(engine: Engine, holder: Holder) -> int:
    with Session(engine) as session:
        found = session.scalar(select(Subject.id).where(Subject.id_number == holder.id_number))
        assert found is not None
        return found


@pytest.mark.storage
def test_the_day_before_five_years_are_up_nothing_is_deleted(store: Engine) -> None:
    before = row_counts(store, BureauBase.metadata)
    assert run_purge(store, BOUNDARY - timedelta(days=1)) == Purged(0, 0, 0)
    assert row_counts(store, BureauBase.metadata) == before


@pytest.mark.storage
@pytest.mark.parametrize("batch", [1, 1_000])
def test_on_the_day_five_years_are_up_exactly_the_spell_goes(store: Engine, batch: int) -> None:
    """张三 was late in February and March 2024 and repaid on 2024-04-05 (a 40 record): on
    2029-04-05 those two months and the recovery go, with one audit line naming his loan."""
    before = held(store)
    assert run_purge(store, BOUNDARY, batch) == Purged(accounts=1, months=2, events=1)
    after = held(store)
    assert after[ZHANG_LOAN] == ([day("2024-01-01"), day("2024-04-01"), day("2024-05-01")], [])
    assert {k: v for k, v in after.items() if k != ZHANG_LOAN} == {
        k: v for k, v in before.items() if k != ZHANG_LOAN
    }
    assert audit_lines(store) == [
        (
            "bureau",
            Action.WRITE,
            subject_id(store, ZHANG),
            f"purged 2 months, 1 events of account {BANK}/{ZHANG_LOAN}",
            "art. 16: adverse information kept 5 years after it ended",
        )
    ]


@pytest.mark.storage
def test_a_second_purge_deletes_nothing(store: Engine) -> None:
    run_purge(store, BOUNDARY)
    before = row_counts(store, BureauBase.metadata)
    assert run_purge(store, BOUNDARY) == Purged(0, 0, 0)
    assert row_counts(store, BureauBase.metadata) == before


@pytest.mark.storage
def test_purging_leaves_every_report_as_it_was(store: Engine) -> None:
    """赵伟's card (late March-May 2024, repaid 06-10) goes on 2029-06-10; 李梅's loan, still
    overdue, stays in 2040; 王芳's never-late loan is never touched; each purge deletes just
    what a report made that day would no longer show."""
    for today in (BOUNDARY, date(2029, 6, 10), date(2040, 1, 1)):
        run_purge(store, today)
        expected = {}
        for code, (_, months, events) in STORE.items():
            kept_months, kept_events = shown(months, events, today)
            expected[code] = ([m.month for m in kept_months], [e.report_date for e in kept_events])
        assert held(store) == dict(sorted(expected.items()))
    assert held(store)[f"{BANK}D1LM0001"] == ([day("2024-02-01"), day("2024-03-01")], [])
    assert [line[2] for line in audit_lines(store)] == [
        subject_id(store, ZHANG),
        subject_id(store, ZHAO),
    ]


@pytest.mark.storage
def test_a_batch_must_hold_an_account(store: Engine) -> None:
    before = row_counts(store, BureauBase.metadata)
    with pytest.raises(InvalidInput) as raised:
        run_purge(store, BOUNDARY, batch=0)
    assert raised.value.code == "retention.batch"
    assert row_counts(store, BureauBase.metadata) == before
