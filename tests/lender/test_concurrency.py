"""Many callers against one line at once: the limit holds, the caches match, nothing leaks.

Each call is its own unit of work on its own connection, as concurrent requests would be. On
SQLite the threads share one file and queue on ``BEGIN IMMEDIATE``; on PostgreSQL the line's
row is locked with ``SELECT ... FOR UPDATE``. Either way a ¥1,000 line takes exactly 33
authorizations of ¥30, however the threads interleave.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, func, select, text

from tests.conftest import Backend
from tests.lender.conftest import INSTITUTION, ZHANG_SAN
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.money import Money
from zhengxin.lender.books import INSTALMENT, PRINCIPAL
from zhengxin.lender.models import CreditLine, Entry, Hold, Leg
from zhengxin.lender.service import LenderService

LIMIT = Money.yuan(1000)
TICKET = Money.yuan(30)
THREADS = 8
TRIES = 20
FITS = LIMIT.fen // TICKET.fen  # 33 tickets of ¥30 fit in ¥1,000

Call = Callable[[LenderService, str, int, int], object]
"""One request: (service, account code, thread number, attempt number)."""


@dataclass
class Tally:
    """What the threads saw: successes, refusals for want of limit, and anything else."""

    done: int = 0
    refused: int = 0
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def fresh_line(backend: Backend, clock: FixedClock) -> tuple[Engine, str]:
    engine = backend.engine("lender")
    migrate(engine, "zhengxin.lender.migrations")
    with unit_of_work(engine) as session:
        code = LenderService(session, clock, INSTITUTION).open_line(ZHANG_SAN, "张三", LIMIT)
        return engine, code.account_code


def hammer(engine: Engine, clock: FixedClock, code: str, call: Call) -> Tally:
    """Run ``THREADS`` threads of ``TRIES`` calls each, all released at the same moment."""
    tally = Tally()
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        start.wait()
        for attempt in range(TRIES):
            try:
                with unit_of_work(engine) as session:
                    call(LenderService(session, clock, INSTITUTION), code, number, attempt)
            except ZhengxinError as err:
                with tally.lock:
                    if err.code == "line.insufficient_limit":
                        tally.refused += 1
                    else:
                        tally.errors.append(err)
            except BaseException as err:  # a leak of any other kind is what this test hunts
                with tally.lock:
                    tally.errors.append(err)
            else:
                with tally.lock:
                    tally.done += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return tally


@dataclass(frozen=True)
class LineState:
    limit_fen: int
    used_fen: int
    held_fen: int
    open_holds: int
    open_holds_fen: int
    used_by_legs_fen: int
    purchases: int


def line_state(engine: Engine, code: str) -> LineState:
    with unit_of_work(engine) as session:
        line = session.scalars(select(CreditLine).where(CreditLine.account_code == code)).one()
        held = session.execute(
            select(func.count(), func.coalesce(func.sum(Hold.amount_fen), 0)).where(
                Hold.line_id == line.id, Hold.status == "held"
            )
        ).one()
        used = session.scalar(
            select(func.coalesce(func.sum(Leg.amount_fen), 0)).where(
                Leg.line_id == line.id,
                Leg.loan_id.is_(None),
                Leg.book.in_((PRINCIPAL, INSTALMENT)),
            )
        )
        purchases = session.scalar(
            select(func.count()).where(Entry.line_id == line.id, Entry.kind == "purchase")
        )
        return LineState(
            line.limit_fen,
            line.used_fen,
            line.held_fen,
            int(held[0]),
            int(held[1]),
            int(used or 0),
            int(purchases or 0),
        )


def authorize(s: LenderService, code: str, number: int, attempt: int) -> object:
    return s.authorize(code, TICKET, merchant=f"shop {number}")


def purchase(s: LenderService, code: str, number: int, attempt: int) -> object:
    return s.purchase(code, TICKET, memo=f"shop {number}")


def keyed_purchase(s: LenderService, code: str, number: int, attempt: int) -> object:
    return s.purchase(code, TICKET, memo=f"shop {number}", key=f"order-{number}-{attempt}")


def test_parallel_authorizations_never_pass_the_limit(backend: Backend) -> None:
    clock = FixedClock.on(date(2025, 1, 3))
    engine, code = fresh_line(backend, clock)

    tally = hammer(engine, clock, code, authorize)

    assert tally.errors == []
    assert (tally.done, tally.refused) == (FITS, THREADS * TRIES - FITS)
    state = line_state(engine, code)
    assert state.open_holds == FITS
    assert state.open_holds_fen == FITS * TICKET.fen <= state.limit_fen
    assert state.held_fen == state.open_holds_fen
    assert state.used_fen == state.used_by_legs_fen == 0


def test_parallel_purchases_never_pass_the_limit(backend: Backend) -> None:
    clock = FixedClock.on(date(2025, 1, 3))
    engine, code = fresh_line(backend, clock)

    tally = hammer(engine, clock, code, purchase)

    assert tally.errors == []
    assert (tally.done, tally.refused) == (FITS, THREADS * TRIES - FITS)
    state = line_state(engine, code)
    assert state.purchases == FITS
    assert state.used_by_legs_fen == FITS * TICKET.fen <= state.limit_fen
    assert state.used_fen == state.used_by_legs_fen
    assert state.open_holds == state.held_fen == 0


# -- two requests that overlap: the second waits on the first's lock, then carries on -------
#
# Each of these failed on PostgreSQL before the line's lock was taken first everywhere and a
# locked read refreshed the objects the session had already loaded: a keyed purchase checked
# the limit against a stale line (passing it, and losing the other purchase's update); a
# retry overlapping its first request hit the unique key with IntegrityError; the day-end
# job expired a hold captured while it waited, taking it off held_fen twice.


def wait_until_blocked(engine: Engine) -> None:
    """Give the second request time to reach the first one's lock and wait there."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)  # it waits in SQLite's busy handler on BEGIN IMMEDIATE
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            waiting = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        time.sleep(0.02)


def overlap(
    engine: Engine,
    clock: FixedClock,
    first: Callable[[LenderService], object],
    second: Callable[[LenderService], object],
) -> object:
    """Run ``first`` and keep its transaction open until ``second`` waits on it; then commit
    ``first`` and return what ``second`` returned or raised."""
    outcome: list[object] = []

    def run_second() -> None:
        try:
            with unit_of_work(engine) as session:
                outcome.append(second(LenderService(session, clock, INSTITUTION)))
        except BaseException as err:
            outcome.append(err)

    other = threading.Thread(target=run_second)
    with unit_of_work(engine) as session:
        first(LenderService(session, clock, INSTITUTION))
        other.start()
        wait_until_blocked(engine)
    other.join(timeout=60)
    assert not other.is_alive(), "the second request hung"
    return outcome[0]


def test_parallel_keyed_purchases_never_pass_the_limit(backend: Backend) -> None:
    # the same hammer as above, but every purchase carries its order number as its key
    clock = FixedClock.on(date(2025, 1, 3))
    engine, code = fresh_line(backend, clock)

    tally = hammer(engine, clock, code, keyed_purchase)

    assert tally.errors == []
    state = line_state(engine, code)
    assert state.used_by_legs_fen <= state.limit_fen
    assert state.used_fen == state.used_by_legs_fen
    assert (tally.done, state.purchases) == (FITS, FITS)


def test_a_keyed_purchase_that_waited_sees_the_purchase_before_it(backend: Backend) -> None:
    # ¥600 is being bought on a ¥1,000 line; another ¥600 arrives before the first commits
    clock = FixedClock.on(date(2025, 1, 3))
    engine, code = fresh_line(backend, clock)

    second = overlap(
        engine,
        clock,
        lambda s: s.purchase(code, Money.yuan(600), key="order-1"),
        lambda s: s.purchase(code, Money.yuan(600), key="order-2"),
    )

    assert isinstance(second, ZhengxinError), second
    assert second.code == "line.insufficient_limit"
    state = line_state(engine, code)
    assert (state.used_fen, state.used_by_legs_fen, state.purchases) == (60000, 60000, 1)


def test_a_retry_overlapping_the_first_request_moves_money_once(backend: Backend) -> None:
    clock = FixedClock.on(date(2025, 1, 3))
    engine, code = fresh_line(backend, clock)

    second = overlap(
        engine,
        clock,
        lambda s: s.purchase(code, Money.yuan(50), key="order-1"),
        lambda s: s.purchase(code, Money.yuan(50), key="order-1"),
    )

    assert isinstance(second, Entry), second
    state = line_state(engine, code)
    assert (state.used_fen, state.used_by_legs_fen, state.purchases) == (5000, 5000, 1)


def test_a_hold_captured_while_the_day_end_runs_stays_captured(backend: Backend) -> None:
    # a ¥30 hold placed 01-03 lives until 01-10; on 01-11 the merchant captures it just as
    # the day-end job for 01-11 releases the holds that outlived their life
    clock = FixedClock.on(date(2025, 1, 3))
    engine, code = fresh_line(backend, clock)
    with unit_of_work(engine) as session:
        hold_id = LenderService(session, clock, INSTITUTION).authorize(code, TICKET).id
    clock.set_date(date(2025, 1, 11))

    second = overlap(
        engine,
        clock,
        lambda s: s.capture(hold_id),
        lambda s: s.run_day_end(date(2025, 1, 11)),
    )

    assert not isinstance(second, BaseException), second
    state = line_state(engine, code)
    assert (state.held_fen, state.open_holds) == (0, 0)
    assert (state.used_fen, state.used_by_legs_fen) == (TICKET.fen, TICKET.fen)
    with unit_of_work(engine) as session:
        assert session.get_one(Hold, hold_id).status == "captured"
