"""Invariants of the lender's books under random stories (hypothesis).

A story opens a ¥1,000 line on 2025-01-01 and plays a random sequence of operations on it:
purchases, authorizations, captures in part or in full, voids, refunds, repayments, limit
changes (cuts below the balance included), freezes, and days passing so that the day-end job
cuts bills, charges interest, releases expired holds and writes off. After every operation:

* every entry's legs sum to zero, and so do all the legs in the database;
* replaying the postings reproduces the line's caches: ``used_fen`` is the sum of the line's
  ``principal`` and ``instalment`` legs, ``held_fen`` the sum of its open holds;
* ``owed`` is the sum of the receivable legs (every book not named ``lender.``);
* the available limit is never negative, and used + held stays within the limit unless a
  cut put the limit below it (after which it never grows until it is back within);
* an operation is refused exactly when the rules say so, with the rule's code, and a refused
  operation leaves the database as it was (row counts, the line's figures);
* an idempotency key moves money once: a retry returns the first entry and writes nothing, the
  same key with another amount or another kind is refused with ``posting.key_reused``.

The random stories are expensive (each replays up to a few hundred day-end jobs, one
transaction per day), so they run ``ZHENGXIN_STORIES`` (80) examples on SQLite and a tenth as
many on the throwaway PostgreSQL, where every transaction costs more; the
idempotency-and-refusal property runs on both backends. Set ``ZHENGXIN_STORIES=1000`` to hunt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from tests.lender.conftest import ZHANG_SAN, Lender
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.money import Money
from zhengxin.lender.books import INSTALMENT, PRINCIPAL
from zhengxin.lender.models import Entry, Hold, Leg, LenderBase
from zhengxin.lender.service import LenderService

START = date(2025, 1, 1)
LIMIT_FEN = 100_000  # ¥1,000
STORIES = int(os.environ.get("ZHENGXIN_STORIES", "80"))
"""Random stories per run on SQLite (a tenth as many on PostgreSQL); raise it to hunt."""


# -- the operations a story is made of ------------------------------------------------------


@dataclass(frozen=True)
class Purchase:
    amount_fen: int
    key: str | None = None


@dataclass(frozen=True)
class Authorize:
    amount_fen: int


@dataclass(frozen=True)
class Capture:
    pick: int
    percent: int | None  # None captures the whole hold


@dataclass(frozen=True)
class Void:
    pick: int


@dataclass(frozen=True)
class Refund:
    amount_fen: int


@dataclass(frozen=True)
class Repay:
    percent: int  # of what is owed; a line owing nothing is asked for 1 fen
    key: str | None = None


@dataclass(frozen=True)
class Overpay:
    extra_fen: int


@dataclass(frozen=True)
class ChangeLimit:
    limit_fen: int


@dataclass(frozen=True)
class Advance:
    days: int


@dataclass(frozen=True)
class Freeze:
    pass


@dataclass(frozen=True)
class Unfreeze:
    pass


@dataclass(frozen=True)
class Close:
    pass


@dataclass(frozen=True)
class Retry:
    """Send a keyed request that succeeded earlier again, exactly as it was."""

    pick: int


@dataclass(frozen=True)
class ReuseKey:
    """Send a key that was used earlier with another amount."""

    pick: int
    delta_fen: int


Op = (
    Purchase
    | Authorize
    | Capture
    | Void
    | Refund
    | Repay
    | Overpay
    | ChangeLimit
    | Advance
    | Freeze
    | Unfreeze
    | Close
    | Retry
    | ReuseKey
)

amounts = st.one_of(
    st.integers(1, 30_000),  # up to ¥300: several fit in the limit
    st.integers(30_000, 150_000),  # large ones, some beyond the limit
)
keys = st.one_of(st.none(), st.sampled_from(["k1", "k2", "k3"]))
picks = st.integers(0, 50)
percents = st.integers(1, 100)


def weighted(*choices: tuple[int, st.SearchStrategy[Op]]) -> st.SearchStrategy[Op]:
    """One of ``choices``, each drawn in proportion to its weight."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


small = st.integers(1, 30_000)
operations = weighted(
    (4, st.builds(Purchase, amounts, keys)),
    (3, st.builds(Authorize, small)),
    (1, st.builds(Authorize, amounts)),
    (4, st.builds(Capture, picks, st.none() | percents)),
    (1, st.builds(Void, picks)),
    (2, st.builds(Refund, st.integers(1, 50_000))),
    (4, st.builds(Repay, percents, keys)),
    (1, st.builds(Repay, st.just(100))),
    (1, st.builds(Overpay, st.integers(1, 10_000))),
    (2, st.builds(ChangeLimit, st.integers(1, 200_000))),
    (4, st.builds(Advance, st.integers(1, 12))),
    (2, st.builds(Advance, st.integers(13, 40))),
    (1, st.builds(Advance, st.integers(60, 240))),  # long enough for a write-off
    (1, st.builds(Retry, picks)),
    (1, st.builds(ReuseKey, picks, st.integers(1, 5_000))),
    (1, st.just(Freeze())),
    (1, st.just(Unfreeze())),
    (1, st.just(Close())),
)

# -- reading the database --------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The line as the rules see it just before an operation."""

    status: str
    limit_fen: int
    used_fen: int
    held_fen: int
    available_fen: int
    owed_fen: int

    @property
    def usage_fen(self) -> int:
        return self.used_fen + self.held_fen


def figures(lender: Lender, code: str) -> Figures:
    with lender.service() as s:
        line = s.line(code)
        return Figures(
            line.status,
            line.limit_fen,
            line.used_fen,
            line.held_fen,
            s.available(line).fen,
            s.owed(line).fen,
        )


def snapshot(lender: Lender, code: str) -> tuple[dict[str, int], Figures]:
    return lender.row_counts(), figures(lender, code)


def check_books(lender: Lender, code: str) -> None:
    """The invariants that hold after every operation, refused or not."""
    with lender.service() as s:
        session = s.session
        unbalanced = session.execute(
            select(Leg.entry_id, func.sum(Leg.amount_fen))
            .group_by(Leg.entry_id)
            .having(func.sum(Leg.amount_fen) != 0)
        ).all()
        assert unbalanced == [], "entries whose legs do not sum to zero"
        assert int(session.scalar(select(func.coalesce(func.sum(Leg.amount_fen), 0))) or 0) == 0
        legless = session.scalar(
            select(func.count())
            .select_from(Entry)
            .where(~select(Leg.id).where(Leg.entry_id == Entry.id).exists())
        )
        assert legless == 0, "entries without legs"

        line = s.line(code)
        used_by_legs = session.scalar(
            select(func.coalesce(func.sum(Leg.amount_fen), 0)).where(
                Leg.line_id == line.id,
                Leg.loan_id.is_(None),
                Leg.book.in_((PRINCIPAL, INSTALMENT)),
            )
        )
        assert line.used_fen == int(used_by_legs or 0), "used_fen is not the ledger's"
        open_holds = session.scalar(
            select(func.coalesce(func.sum(Hold.amount_fen), 0)).where(
                Hold.line_id == line.id, Hold.status == "held"
            )
        )
        assert line.held_fen == int(open_holds or 0), "held_fen is not the open holds'"
        stale = session.scalar(
            select(func.count()).where(
                Hold.line_id == line.id,
                Hold.status == "held",
                Hold.expires_on < s.clock.today(),
            )
        )
        assert stale == 0, "a hold outlived its life"
        receivable = session.scalar(
            select(func.coalesce(func.sum(Leg.amount_fen), 0)).where(
                Leg.line_id == line.id, Leg.book.not_like("lender.%")
            )
        )
        assert s.owed(line).fen == int(receivable or 0)
        available = s.available(line).fen
        assert available >= 0
        assert available == max(0, line.limit_fen - line.used_fen - line.held_fen)


# -- playing a story -------------------------------------------------------------------------

Call = Callable[[LenderService], object]


class Story:
    """One line and what the test remembers about it: holds placed, keys used, limit cuts."""

    def __init__(self, lender: Lender) -> None:
        self.lender = lender
        with lender.service() as s:
            self.code = s.open_line(ZHANG_SAN, "张三", Money(LIMIT_FEN)).account_code
        self.holds: list[int] = []
        self.keys: dict[str, tuple[str, int, int]] = {}  # key → (kind, amount, entry id)
        self.over_limit_allowed = False
        self.last = figures(lender, self.code)

    def play(self, ops: list[Op]) -> None:
        check_books(self.lender, self.code)
        for op in ops:
            self.step(op)

    def step(self, op: Op) -> None:
        if isinstance(op, Advance):
            self.lender.on(self.lender.clock.today() + timedelta(days=op.days))
            event(f"line {figures(self.lender, self.code).status} after days passed")
        else:
            self.request(op)
        check_books(self.lender, self.code)
        self.check_limit()

    def request(self, op: Op) -> None:
        rows, before = snapshot(self.lender, self.code)
        planned = self.plan(op, before)
        if planned is None:
            return  # nothing to act on yet (no hold placed, no key used)
        call, expected = planned
        try:
            with self.lender.service() as s:
                outcome = call(s)
        except ZhengxinError as err:
            event(f"{type(op).__name__} refused: {err.code}")
            assert err.code == expected, f"{op}: expected {expected}, got {err}; {before}"
            assert snapshot(self.lender, self.code) == (rows, before), (
                f"the refused {op} changed the database"
            )
            return
        event(f"{type(op).__name__} done")
        assert expected == "ok", f"{op} succeeded, expected {expected}; {before}"
        self.remember(op, before, rows, outcome)

    def plan(self, op: Op, f: Figures) -> tuple[Call, str] | None:
        """The call an operation makes, and "ok" or the code of the refusal the rules give."""
        code = self.code
        match op:
            case Purchase(amount, key):
                if key is not None and key in self.keys:
                    return (
                        lambda s: s.purchase(code, Money(amount), key=key),
                        self.replay_or_conflict(key, "purchase", amount),
                    )
                return (
                    lambda s: s.purchase(code, Money(amount), key=key),
                    _spending(f, amount),
                )
            case Authorize(amount):
                return (lambda s: s.authorize(code, Money(amount))), _spending(f, amount)
            case Capture(pick, percent):
                hold = self.hold(pick)
                if hold is None:
                    return None
                part = None if percent is None else Money(max(1, hold.amount_fen * percent // 100))
                return (
                    lambda s: s.capture(hold.id, part),
                    "ok" if hold.status == "held" else "hold.not_open",
                )
            case Void(pick):
                hold = self.hold(pick)
                if hold is None:
                    return None
                return (
                    lambda s: s.void(hold.id),
                    "ok" if hold.status == "held" else "hold.not_open",
                )
            case Refund(amount):
                return (
                    lambda s: s.refund(code, Money(amount)),
                    "line.closed" if f.status == "closed" else "ok",
                )
            case Repay(percent, key):
                amount = max(1, f.owed_fen * percent // 100)
                if key is not None and key in self.keys:
                    expected = self.replay_or_conflict(key, "repayment", amount)
                elif f.status == "closed":
                    expected = "line.closed"
                else:
                    expected = "repayment.exceeds_balance" if amount > f.owed_fen else "ok"
                return (lambda s: s.repay(code, Money(amount), key=key)), expected
            case Overpay(extra):
                amount = f.owed_fen + extra
                if amount <= 0:
                    expected = "money.not_positive"
                elif f.status == "closed":
                    expected = "line.closed"
                else:
                    expected = "repayment.exceeds_balance"
                return (lambda s: s.repay(code, Money(amount))), expected
            case ChangeLimit(limit):
                return (
                    lambda s: s.change_limit(code, Money(limit)),
                    _status_refusal(f) or "ok",
                )
            case Freeze():
                return (lambda s: s.freeze(code)), _status_refusal(f) or "ok"
            case Unfreeze():
                return (
                    lambda s: s.unfreeze(code),
                    "ok" if f.status == "frozen" else "line.not_frozen",
                )
            case Close():
                if f.status == "closed":
                    expected = "line.closed"
                else:
                    expected = "line.balance_owed" if f.owed_fen or f.held_fen else "ok"
                return (lambda s: s.close_line(code)), expected
            case Retry(pick) | ReuseKey(pick):
                if not self.keys:
                    return None
                key = self.key(pick)
                kind, amount, _ = self.keys[key]
                if isinstance(op, ReuseKey):
                    amount += op.delta_fen
                if kind == "purchase":
                    call: Call = lambda s: s.purchase(code, Money(amount), key=key)  # noqa: E731
                else:
                    call = lambda s: s.repay(code, Money(amount), key=key)  # noqa: E731
                return call, "ok" if isinstance(op, Retry) else "posting.key_reused"
        raise AssertionError(f"no plan for {op}")

    def key(self, pick: int) -> str:
        return sorted(self.keys)[pick % len(self.keys)]

    def replay_or_conflict(self, key: str, kind: str, amount: int) -> str:
        return "ok" if self.keys[key][:2] == (kind, amount) else "posting.key_reused"

    def hold(self, pick: int) -> Hold | None:
        if not self.holds:
            return None
        with self.lender.service() as s:
            return s.repo.hold(self.holds[-1 - pick % len(self.holds)])  # latest first

    def remember(self, op: Op, f: Figures, rows: dict[str, int], outcome: object) -> None:
        match op:
            case Authorize():
                assert isinstance(outcome, Hold)
                self.holds.append(outcome.id)
            case Purchase(_, key) | Repay(_, key) if key is not None:
                assert isinstance(outcome, Entry)
                if key in self.keys:
                    assert outcome.id == self.keys[key][2], "a retry posted a new entry"
                    assert self.lender.row_counts() == rows, "a retry wrote something"
                else:
                    self.keys[key] = (outcome.kind, outcome.amount_fen, outcome.id)
            case Retry():
                assert isinstance(outcome, Entry)
                assert outcome.id in {entry for _, _, entry in self.keys.values()}
                assert self.lender.row_counts() == rows, "a retry wrote something"
            case ChangeLimit(limit) if limit < f.usage_fen:
                event("limit cut below the balance")
                self.over_limit_allowed = True

    def check_limit(self) -> None:
        now = figures(self.lender, self.code)
        if now.usage_fen > now.limit_fen:
            assert self.over_limit_allowed, f"over the limit without a cut: {now}"
            assert now.usage_fen <= self.last.usage_fen, f"spent while over a cut limit: {now}"
        else:
            self.over_limit_allowed = False
        self.last = now


def _spending(f: Figures, amount_fen: int) -> str:
    """What the rules say to new spending of ``amount_fen``."""
    if f.status == "frozen":
        return "line.frozen"
    if refusal := _status_refusal(f):
        return refusal
    return "line.insufficient_limit" if amount_fen > f.available_fen else "ok"


def _status_refusal(f: Figures) -> str | None:
    return {"closed": "line.closed", "written_off": "line.written_off"}.get(f.status)


def fresh(lender: Lender) -> Lender:
    """Empty the database behind the fixture's lender and start a new clock on START."""
    with lender.engine.begin() as conn:
        for table in reversed(LenderBase.metadata.sorted_tables):
            conn.execute(delete(table))
    return Lender(lender.engine, FixedClock.on(START))


# -- the properties --------------------------------------------------------------------------


stories = st.lists(operations, min_size=10, max_size=60)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(
    max_examples=STORIES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=stories)
def test_random_stories_keep_the_books_balanced_and_the_caches_true(
    lender: Lender, ops: list[Op]
) -> None:
    Story(fresh(lender)).play(ops)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@settings(
    max_examples=max(1, STORIES // 10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=stories)
def test_random_stories_on_postgresql(lender: Lender, ops: list[Op]) -> None:
    Story(fresh(lender)).play(ops)


def refused(lender: Lender, code: str, call: Call, expected: str) -> None:
    """``call`` is refused with ``expected`` and leaves the database as it was."""
    before = snapshot(lender, code)
    with pytest.raises(ZhengxinError) as err, lender.service() as s:
        call(s)
    assert err.value.code == expected, err.value
    assert snapshot(lender, code) == before, f"the refused {expected} changed the database"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    spent=st.integers(1, LIMIT_FEN),
    days=st.integers(0, 45),
    percent=st.integers(1, 100),
    other_fen=st.integers(1, 5_000),
    beyond_fen=st.integers(1, 10_000),
)
def test_a_key_moves_money_once_and_a_refusal_writes_nothing(
    lender: Lender, spent: int, days: int, percent: int, other_fen: int, beyond_fen: int
) -> None:
    # bought `spent` fen with key order-1 on 01-01, retried; `days` later repaid `percent` %
    # of what was owed with key pay-1, retried; every other request below is refused
    lender = fresh(lender)
    with lender.service() as s:
        code = s.open_line(ZHANG_SAN, "张三", Money(LIMIT_FEN)).account_code
        first = s.purchase(code, Money(spent), key="order-1")
    rows = lender.row_counts()
    with lender.service() as s:
        assert s.purchase(code, Money(spent), key="order-1").id == first.id
    assert lender.row_counts() == rows
    refused(
        lender,
        code,
        lambda s: s.purchase(code, Money(spent + other_fen), key="order-1"),
        "posting.key_reused",
    )
    available = figures(lender, code).available_fen
    refused(
        lender,
        code,
        lambda s: s.purchase(code, Money(available + beyond_fen)),
        "line.insufficient_limit",
    )
    refused(
        lender,
        code,
        lambda s: s.authorize(code, Money(available + beyond_fen)),
        "line.insufficient_limit",
    )

    lender.on(START + timedelta(days=days))
    owed = figures(lender, code).owed_fen
    amount = max(1, owed * percent // 100)
    with lender.service() as s:
        paid = s.repay(code, Money(amount), key="pay-1")
    rows = lender.row_counts()
    with lender.service() as s:
        assert s.repay(code, Money(amount), key="pay-1").id == paid.id
    assert lender.row_counts() == rows
    assert figures(lender, code).owed_fen == owed - amount
    for wrong in (
        lambda s: s.repay(code, Money(amount + other_fen), key="pay-1"),
        lambda s: s.repay(code, Money(spent), key="order-1"),  # a purchase's key
        lambda s: s.purchase(code, Money(amount), key="pay-1"),  # a repayment's key
    ):
        refused(lender, code, wrong, "posting.key_reused")
    refused(
        lender,
        code,
        lambda s: s.repay(code, Money(owed - amount + beyond_fen)),
        "repayment.exceeds_balance",
    )
    check_books(lender, code)


def test_a_retry_after_a_freeze_returns_the_purchase_it_repeats(lender: Lender) -> None:
    # bought ¥50 with key order-1 on 01-01; risk control froze the line; the merchant, who
    # never saw the answer, sends order-1 again
    with lender.service() as s:
        code = s.open_line(ZHANG_SAN, "张三", Money(LIMIT_FEN)).account_code
        first = s.purchase(code, Money.yuan(50), key="order-1")
        s.freeze(code)
    rows = lender.row_counts()
    with lender.service() as s:
        assert s.purchase(code, Money.yuan(50), key="order-1").id == first.id
    assert lender.row_counts() == rows
