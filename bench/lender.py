"""Lender benchmarks: authorizations per second, and the day-end and month-end of N accounts.

Run from the repository root::

    .venv/bin/python bench/lender.py --quick                      # smoke run, about a minute
    .venv/bin/python bench/lender.py                              # both backends, 100,000 accounts
    .venv/bin/python bench/lender.py --backend sqlite --accounts 2000 --runs 5 --profile 1000

Every figure is one line ``lender.<what> key=value ...``:

``lender.authorize``
    Each authorization is one transaction: ``unit_of_work`` + ``LenderService.authorize`` (with
    an idempotency key, as a card network sends one) on a random line among ``--auth-lines``
    lines whose limits are too large for any refusal. SQLite: one process, one thread.
    PostgreSQL: ``--workers`` worker processes, each with its own engine, started together.
    ``rate`` = authorizations / wall time of the run; ``p50``/``p99`` = latency of one
    transaction, commit included. One line per run (``run=i/K``), then the median of the runs
    (``runs=K median=true``) checked against the floor.
``lender.setup``
    Loading N accounts (not timed against any floor).
``lender.month_end``
    ``Furnisher.month_end_records`` for January 2025: the month-end 210 records of every line,
    BUILT IN MEMORY (reads only). ``lender.month_end_write`` times, apart, writing those records
    as one 210 file into a temporary folder with ``Furnisher.write`` (commit included).
``lender.day_end``
    ``LenderService.run_day_end(2025-02-01)`` in one unit of work, commit included: the bill day,
    the heaviest day, when every used line gets its statement (and overdue interest, and holds
    placed a week earlier expire).
``lender.check``
    The statements the timed day-end cut, and the monthly segments of the month-end records,
    equal those the real services produced for the accounts the load copied (see below).

How the N accounts are made: ``--templates`` lines live November 2024 to January 2025 through
the real ``LenderService`` (open_line, purchase, authorize/capture, refund, repay, and
run_day_end every day) in a scratch SQLite database: payers in full, minimum payers, late
payers, non-payers, refunds, idle lines, open and partly captured holds. Their rows (subject,
credit_line, hold, entry, leg, statement) are then copied N times with SQLAlchemy Core bulk
inserts, renumbering ids and the codes derived from them exactly as ``open_line`` does, and
with a new, valid resident ID number per subject. So every loaded row is one the service wrote.
On PostgreSQL the id sequences are moved past the loaded ids and the tables ANALYZEd.

When ``--accounts`` is above the largest of ``--probes`` and a measured run is estimated to take
longer than ``--budget`` seconds, the two probe sizes are measured and the figures for N are
extrapolated, printed with ``extrapolated=true``: the straight line through both probes, but
never less than the larger probe's time per account times N. ``--full`` measures N regardless.

The machine may be shared: ``lender.machine busy_before=`` is how busy all CPUs were in the
second before the start, ``machine_busy=`` how busy they were during an authorization run (ours
included: one SQLite process keeps 1 CPU busy), and ``--wait-quiet S`` waits up to S seconds
before each measurement for the machine to fall idle.

The PostgreSQL server is the test suite's throwaway server (``tests/pgserver.py``): a private
cluster in a temporary folder, fsync=off and synchronous_commit=off. Temporary databases, the
folder and the server are removed at the end, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing as mp
import os
import platform
import pstats
import queue
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time as systime
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy
from sqlalchemy import DateTime, Engine, select, text, update

from zhengxin.furnishing.service import Furnisher
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.identity import InstitutionCode, ResidentId
from zhengxin.kernel.money import Money
from zhengxin.lender.models import CreditLine, LenderBase, Statement
from zhengxin.lender.service import LenderService
from zhengxin.pboc import MonthlySegment

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.pgserver import PostgresServer, find_bin_dir  # noqa: E402

MIGRATIONS = "zhengxin.lender.migrations"
INSTITUTION = InstitutionCode.parse("Q10152900H0001")
HISTORY_START = date(2024, 11, 1)
HISTORY_END = date(2025, 1, 31)
MONTH = date(2025, 1, 1)
BILL_DAY = date(2025, 2, 1)
AUTH_DAY = date(2025, 2, 2)
LINE_LIMIT_FEN = 5_000_000
AUTH_LIMIT_FEN = 10**13
TABLES = ("subject", "credit_line", "hold", "entry", "leg", "statement")
EMPTY_TABLES = ("loan", "instalment_plan", "furnished_file")
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷", "徐明")
KINDS = ("full", "minimum", "late", "unpaid", "refund", "new", "idle", "hold", "capture", "full")

AUTH_FLOORS = {"sqlite": 2000.0, "postgresql": 1000.0}
DAY_END_FLOOR = (100_000, 60.0)
STATEMENT_FIELDS = (
    "statement_date",
    "due_date",
    "new_principal_fen",
    "instalment_fen",
    "interest_fen",
    "fee_fen",
    "balance_fen",
    "past_due_fen",
    "minimum_fen",
    "instalment_plan_id",
)


# -- the stories the template lines live ----------------------------------------------------


@dataclass
class Story:
    """What one template line does from November 2024 to January 2025."""

    kind: str
    opens_on: date
    purchases: dict[date, list[int]] = field(default_factory=dict)
    refunds: dict[date, int] = field(default_factory=dict)
    authorize_on: dict[date, int] = field(default_factory=dict)
    capture_on: dict[date, float] = field(default_factory=dict)
    pay_offset: int | None = None
    pay: str = "full"


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def make_stories(count: int, seed: int) -> list[Story]:
    rng = random.Random(seed)
    stories = []
    for j in range(count):
        kind = KINDS[j % len(KINDS)]
        if kind == "new":
            opens = _day_between(rng, date(2025, 1, 2), date(2025, 1, 20))
        else:
            opens = _day_between(rng, HISTORY_START, date(2024, 12, 20))
        story = Story(kind, opens)
        if kind != "idle":
            for month_start, month_last in (
                (date(2024, 11, 1), date(2024, 11, 30)),
                (date(2024, 12, 1), date(2024, 12, 31)),
                (date(2025, 1, 1), date(2025, 1, 31)),
            ):
                if month_last < opens:
                    continue
                for _ in range(rng.randint(1, 3)):
                    day = _day_between(rng, max(opens, month_start), month_last)
                    story.purchases.setdefault(day, []).append(rng.randint(2_000, 300_000))
        if kind in ("full", "refund", "new", "hold", "capture"):
            story.pay_offset, story.pay = rng.randint(2, 8), "full"
        elif kind == "minimum":
            story.pay_offset, story.pay = rng.randint(3, 9), "minimum"
        elif kind == "late":
            story.pay_offset, story.pay = rng.randint(12, 25), "minimum"
        if kind == "refund" and story.purchases:
            day, amounts = sorted(story.purchases.items())[0]
            story.refunds[day + timedelta(days=3)] = amounts[0] // 2
        if kind == "hold":
            # placed 01-24..01-29: the earliest expire at the bench's day-end of 02-01
            story.authorize_on[_day_between(rng, date(2025, 1, 24), date(2025, 1, 29))] = (
                rng.randint(5_000, 80_000)
            )
        if kind == "capture":
            for _ in range(2):
                day = _day_between(rng, max(opens, date(2024, 12, 1)), date(2025, 1, 29))
                story.authorize_on[day] = rng.randint(5_000, 80_000)
                story.capture_on[day + timedelta(days=1)] = 0.8
        stories.append(story)
    return stories


def _act(svc: LenderService, story: Story, code: str, day: date, holds: list[int]) -> None:
    if story.pay_offset is not None and day.day == 1 + story.pay_offset:
        line = svc.line(code)
        statements = svc.repo.statements(line.id)
        if statements and statements[-1].statement_date == day.replace(day=1):
            bill = statements[-1]
            want = bill.balance_fen if story.pay == "full" else bill.minimum_fen + bill.past_due_fen
            amount = min(want, svc.owed(line).fen)
            if amount > 0:
                svc.repay(code, Money(amount))
    for amount in story.purchases.get(day, []):
        svc.purchase(code, Money(amount), "bench purchase")
    if day in story.refunds:
        svc.refund(code, Money(story.refunds[day]), "bench refund")
    if day in story.capture_on and holds:
        hold = svc.repo.hold(holds.pop(0))
        assert hold is not None
        svc.capture(hold.id, Money(int(hold.amount_fen * story.capture_on[day])), "bench capture")
    if day in story.authorize_on:
        holds.append(svc.authorize(code, Money(story.authorize_on[day]), "bench merchant").id)


# -- templates: rows the service wrote, and what the service makes of them ------------------


@dataclass
class TemplateLine:
    rows: dict[str, list[dict[str, Any]]]
    monthly: MonthlySegment | None = None
    statement: tuple[Any, ...] | None = None


@dataclass
class Templates:
    lines: list[TemplateLine]
    seconds: float


def _rows(engine: Engine, name: str) -> list[dict[str, Any]]:
    table = LenderBase.metadata.tables[name]
    stamped = [c.name for c in table.columns if isinstance(c.type, DateTime)]
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]
    for row in rows:
        for column in stamped:  # SQLite hands back naive UTC; the service writes aware UTC
            value = row[column]
            if isinstance(value, datetime) and value.tzinfo is None:
                row[column] = value.replace(tzinfo=UTC)
    return rows


def build_templates(folder: Path, count: int, seed: int) -> Templates:
    started = systime.perf_counter()
    engine = make_engine(f"sqlite:///{folder / 'templates.sqlite3'}")
    try:
        migrate(engine, MIGRATIONS)
        stories = make_stories(count, seed)
        clock = FixedClock.on(HISTORY_START)
        codes: dict[int, str] = {}
        holds: dict[int, list[int]] = {j: [] for j in range(count)}
        day = HISTORY_START
        while day <= HISTORY_END:
            clock.set_date(day)
            with unit_of_work(engine) as session:
                LenderService(session, clock, INSTITUTION).run_day_end(day)
            with unit_of_work(engine) as session:
                svc = LenderService(session, clock, INSTITUTION)
                for j, story in enumerate(stories):
                    if day == story.opens_on:
                        number = ResidentId.make("110105", date(1985, 1, 1) + timedelta(j), j)
                        line = svc.open_line(
                            number.number, NAMES[j % len(NAMES)], Money(LINE_LIMIT_FEN)
                        )
                        codes[j] = line.account_code
                    if j in codes:
                        _act(svc, story, codes[j], day, holds[j])
            day += timedelta(days=1)
        for name in EMPTY_TABLES:
            assert not _rows(engine, name), f"templates must not use {name}"
        by_table = {name: _rows(engine, name) for name in TABLES}
        assert all(e["reverses_id"] is None and e["loan_id"] is None for e in by_table["entry"])
        lines = []
        for line in by_table["credit_line"]:
            rows = {
                "subject": [s for s in by_table["subject"] if s["id"] == line["subject_id"]],
                "credit_line": [line],
            }
            for name in ("hold", "entry", "leg", "statement"):
                rows[name] = [r for r in by_table[name] if r["line_id"] == line["id"]]
            lines.append(TemplateLine(rows))
        index = {t.rows["credit_line"][0]["account_code"]: t for t in lines}
        # What the real services make of these lines: the month-end records, then the day-end.
        clock.set_date(HISTORY_END, time(23, 0))
        with unit_of_work(engine) as session:
            svc = LenderService(session, clock, INSTITUTION)
            for record in Furnisher(svc, folder).month_end_records(MONTH):
                index[record.base.acct_code].monthly = record.monthly
        clock.set_date(BILL_DAY, time(0, 30))
        with unit_of_work(engine) as session:
            LenderService(session, clock, INSTITUTION).run_day_end(BILL_DAY)
        by_id = {t.rows["credit_line"][0]["id"]: t for t in lines}
        for row in _rows(engine, "statement"):
            if row["statement_date"] == BILL_DAY:
                by_id[row["line_id"]].statement = tuple(row[f] for f in STATEMENT_FIELDS)
    finally:
        engine.dispose()
    return Templates(lines, systime.perf_counter() - started)


# -- loading N accounts ---------------------------------------------------------------------


def _resident(i: int) -> str:
    return ResidentId.make("310104", date(1960, 1, 1) + timedelta(days=i // 1000), i % 1000).number


def _renumber(code: str, new_id: int) -> str:
    """``open_line`` ends both codes with the line id on ten digits."""
    return f"{code[:-10]}{new_id:010d}"


def populate(engine: Engine, templates: Templates, n: int, batch: int = 5000) -> int:
    """Copy the template lines into ``n`` accounts; returns the number of rows written."""
    tables = LenderBase.metadata.tables
    next_id = dict.fromkeys(("hold", "entry", "leg", "statement"), 1)
    written = 0
    for start in range(0, n, batch):
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        for i in range(start, min(n, start + batch)):
            t = templates.lines[i % len(templates.lines)].rows
            new = i + 1
            subject = dict(t["subject"][0], id=new, id_number=_resident(i))
            out["subject"].append(subject)
            line = t["credit_line"][0]
            out["credit_line"].append(
                dict(
                    line,
                    id=new,
                    subject_id=new,
                    account_code=_renumber(line["account_code"], new),
                    agreement_code=_renumber(line["agreement_code"], new),
                )
            )
            for row in t["hold"]:
                out["hold"].append(dict(row, id=next_id["hold"], line_id=new))
                next_id["hold"] += 1
            entries: dict[int, int] = {}
            for row in t["entry"]:
                entries[row["id"]] = next_id["entry"]
                out["entry"].append(dict(row, id=next_id["entry"], line_id=new))
                next_id["entry"] += 1
            for row in t["leg"]:
                out["leg"].append(
                    dict(row, id=next_id["leg"], line_id=new, entry_id=entries[row["entry_id"]])
                )
                next_id["leg"] += 1
            for row in t["statement"]:
                out["statement"].append(dict(row, id=next_id["statement"], line_id=new))
                next_id["statement"] += 1
        with engine.begin() as conn:
            for name in TABLES:
                if out[name]:
                    conn.execute(tables[name].insert(), out[name])
                    written += len(out[name])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for name in TABLES:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return written


# -- databases --------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    new_url: Callable[[str], str]
    drop_url: Callable[[str], None]

    @contextmanager
    def database(self, label: str) -> Iterator[tuple[str, Engine]]:
        url = self.new_url(label)
        engine = make_engine(url)
        try:
            migrate(engine, MIGRATIONS)
            yield url, engine
        finally:
            engine.dispose()
            self.drop_url(url)


def sqlite_backend(folder: Path) -> Backend:
    counter = iter(range(1_000_000))

    def new_url(label: str) -> str:
        return f"sqlite:///{folder / f'{label}-{next(counter)}.sqlite3'}"

    def drop_url(url: str) -> None:
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)

    return Backend("sqlite", new_url, drop_url)


def postgres_backend(server: PostgresServer) -> Backend:
    return Backend("postgresql", server.new_database, server.drop_database)


# -- authorizations -------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthRun:
    n: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.n / self.seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def auth_worker(
    url: str,
    codes: list[str],
    n: int,
    warmup: int,
    seed: int,
    tag: str,
    barrier: Any = None,
    results: Any = None,
) -> tuple[float, float, list[float]]:
    """Authorize ``n`` times (after ``warmup`` untimed ones); returns (start, end, latencies)."""
    engine = make_engine(url)
    rng = random.Random(seed)
    clock = FixedClock.on(AUTH_DAY, time(10, 0))

    def one(key: str) -> float:
        code = rng.choice(codes)
        amount = Money(rng.randint(100, 50_000))
        began = systime.perf_counter()
        with unit_of_work(engine) as session:
            LenderService(session, clock, INSTITUTION).authorize(code, amount, "bench", key=key)
        return systime.perf_counter() - began

    try:
        for i in range(warmup):
            one(f"{tag}-w{i}")
        if barrier is not None:
            barrier.wait()
        start = systime.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
        latencies = [one(f"{tag}-{i}") for i in range(n)]
        end = systime.perf_counter()
    finally:
        engine.dispose()
    if results is not None:
        results.put((start, end, latencies))
    return start, end, latencies


def run_auth_parallel(
    url: str, codes: list[str], n: int, workers: int, warmup: int, run: int
) -> AuthRun:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(workers)
    results = ctx.Queue()
    shares = [n // workers + (1 if w < n % workers else 0) for w in range(workers)]
    procs = [
        ctx.Process(
            target=auth_worker,
            args=(url, codes, shares[w], warmup, 1000 * run + w, f"r{run}w{w}", barrier, results),
        )
        for w in range(workers)
    ]
    collected: list[tuple[float, float, list[float]]] = []
    try:
        for proc in procs:
            proc.start()
        while len(collected) < workers:
            try:
                collected.append(results.get(timeout=1.0))
            except queue.Empty:  # check that no worker died
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    code = dead[0].exitcode
                    raise RuntimeError(f"authorization worker failed: exit {code}") from None
        for proc in procs:
            proc.join()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join()
    start = min(c[0] for c in collected)
    end = max(c[1] for c in collected)
    return AuthRun(n, end - start, [x for c in collected for x in c[2]])


def bench_authorize(backend: Backend, templates: Templates, args: argparse.Namespace) -> None:
    workers = 1 if backend.name == "sqlite" else args.workers
    with backend.database("auth") as (url, engine):
        populate(engine, templates, args.auth_lines)
        with engine.begin() as conn:  # what LenderService.change_limit writes
            conn.execute(update(CreditLine).values(limit_fen=AUTH_LIMIT_FEN))
            codes = list(conn.scalars(select(CreditLine.account_code).order_by(CreditLine.id)))
        engine.dispose()
        runs: list[AuthRun] = []
        for run in range(1, args.runs + 1):
            wait_quiet(args.wait_quiet)
            cpu_before = cpu_sample()
            if workers == 1:
                start, end, lat = auth_worker(url, codes, args.auth, args.warmup, run, f"r{run}")
                result = AuthRun(args.auth, end - start, lat)
            else:
                result = run_auth_parallel(url, codes, args.auth, workers, args.warmup, run)
            runs.append(result)
            print(
                f"lender.authorize backend={backend.name} workers={workers} n={args.auth} "
                f"run={run}/{args.runs} rate={result.rate:.0f}/s "
                f"p50={1000 * result.quantile(0.50):.2f}ms "
                f"p99={1000 * result.quantile(0.99):.2f}ms "
                f"machine_busy={busy_since(cpu_before)} load1={os.getloadavg()[0]:.2f}",
                flush=True,
            )
    rate = statistics.median(r.rate for r in runs)
    p50 = statistics.median(r.quantile(0.50) for r in runs)
    p99 = statistics.median(r.quantile(0.99) for r in runs)
    floor = AUTH_FLOORS[backend.name]
    print(
        f"lender.authorize backend={backend.name} workers={workers} n={args.auth} "
        f"runs={args.runs} median=true rate={rate:.0f}/s p50={1000 * p50:.2f}ms "
        f"p99={1000 * p99:.2f}ms lines={args.auth_lines} floor={floor:.0f}/s "
        f"ok={str(rate >= floor).lower()}",
        flush=True,
    )


# -- day-end and month-end --------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    accounts: int
    setup: float
    month_end: float
    month_end_write: float
    day_end: float
    records: int
    statements: int

    @property
    def total(self) -> float:
        return self.setup + self.month_end + self.month_end_write + self.day_end


def _month_end(engine: Engine, outbox: Path) -> tuple[float, float, list[Any]]:
    clock = FixedClock.on(HISTORY_END, time(23, 0))
    began = systime.perf_counter()
    with unit_of_work(engine) as session:
        furnisher = Furnisher(LenderService(session, clock, INSTITUTION), outbox)
        records = furnisher.month_end_records(MONTH)
        built = systime.perf_counter()
        furnisher.write(HISTORY_END, records)
    written = systime.perf_counter()
    return built - began, written - built, records


def _day_end(engine: Engine) -> tuple[float, int]:
    clock = FixedClock.on(BILL_DAY, time(0, 30))
    began = systime.perf_counter()
    with unit_of_work(engine) as session:
        done = LenderService(session, clock, INSTITUTION).run_day_end(BILL_DAY)
    return systime.perf_counter() - began, done.statements


def _check(
    backend: Backend,
    engine: Engine,
    templates: Templates,
    n: int,
    records: list[Any] | None,
) -> None:
    """The copies must come out of month-end and day-end exactly as their templates did."""
    lines = templates.lines
    want_records = sum(1 for i in range(n) if lines[i % len(lines)].monthly is not None)
    bad = records is not None and len(records) != want_records
    for record in records or []:
        i = int(record.base.acct_code[-10:]) - 1
        bad = bad or record.monthly != lines[i % len(lines)].monthly
    with engine.connect() as conn:
        got = {
            row.line_id: tuple(getattr(row, f) for f in STATEMENT_FIELDS)
            for row in conn.execute(select(Statement).where(Statement.statement_date == BILL_DAY))
        }
    for i in range(n):
        bad = bad or got.get(i + 1) != lines[i % len(lines)].statement
    print(
        f"lender.check backend={backend.name} accounts={n} "
        f"records={'skipped' if records is None else len(records)} "
        f"statements={len(got)} same_as_service={str(not bad).lower()}",
        flush=True,
    )
    if bad:
        raise SystemExit("the loaded accounts do not behave like the service's own")


def measure_batch(
    backend: Backend,
    templates: Templates,
    n: int,
    folder: Path,
    quiet: float = 0,
    month_end: bool = True,
) -> Batch:
    with backend.database("batch") as (_url, engine):
        wait_quiet(quiet)
        began = systime.perf_counter()
        rows = populate(engine, templates, n)
        setup = systime.perf_counter() - began
        print(
            f"lender.setup backend={backend.name} accounts={n} rows={rows} seconds={setup:.2f}",
            flush=True,
        )
        build, write, records = 0.0, 0.0, None
        if month_end:
            outbox = Path(tempfile.mkdtemp(prefix="outbox-", dir=folder))
            try:
                build, write, records = _month_end(engine, outbox)
            finally:
                shutil.rmtree(outbox, ignore_errors=True)
        day_end, statements = _day_end(engine)
        count = -1 if records is None else len(records)
        batch = Batch(n, setup, build, write, day_end, count, statements)
        print_batch(backend.name, batch, extrapolated=None)
        _check(backend, engine, templates, n, records)
    return batch


def print_batch(name: str, b: Batch, extrapolated: tuple[int, int] | None) -> None:
    tail = (
        ""
        if extrapolated is None
        else f" extrapolated=true from={extrapolated[0]},{extrapolated[1]}"
    )
    floor = ""
    if b.accounts == DAY_END_FLOOR[0]:
        floor = f" floor={DAY_END_FLOOR[1]:.0f}s ok={str(b.day_end <= DAY_END_FLOOR[1]).lower()}"
    if b.records >= 0:
        print_month_end(name, b, tail)
    print(
        f"lender.day_end backend={name} accounts={b.accounts} day={BILL_DAY} "
        f"statements={b.statements} seconds={b.day_end:.2f} "
        f"per_account={1000 * b.day_end / b.accounts:.3f}ms{floor}{tail}",
        flush=True,
    )


def print_month_end(name: str, b: Batch, tail: str) -> None:
    print(
        f"lender.month_end backend={name} accounts={b.accounts} month={MONTH:%Y-%m} "
        f"records={b.records} mode=build seconds={b.month_end:.2f} "
        f"per_account={1000 * b.month_end / b.accounts:.3f}ms{tail}",
        flush=True,
    )
    print(
        f"lender.month_end_write backend={name} accounts={b.accounts} month={MONTH:%Y-%m} "
        f"records={b.records} mode=write_tempdir seconds={b.month_end_write:.2f}{tail}",
        flush=True,
    )


def _extrapolate(x1: int, y1: float, x2: int, y2: float, x: int) -> float:
    """The line through both probes, or the larger probe's time per account, whichever is
    more: a noisy small probe must not make the guess optimistic."""
    proportional = y2 * x / x2
    return max(y1 + (y2 - y1) / (x2 - x1) * (x - x1), proportional)


def bench_batches(
    backend: Backend, templates: Templates, args: argparse.Namespace, folder: Path
) -> None:
    n = args.accounts
    small, large = args.probes
    if args.full or n <= large:
        measure_batch(backend, templates, n, folder, args.wait_quiet, "month_end" not in args.skip)
        return
    first = measure_batch(
        backend, templates, small, folder, args.wait_quiet, "month_end" not in args.skip
    )
    estimate = first.total * n / small
    if estimate <= args.budget:
        measure_batch(backend, templates, n, folder, args.wait_quiet, "month_end" not in args.skip)
        return
    print(
        f"lender.plan backend={backend.name} accounts={n} estimated_seconds={estimate:.0f} "
        f"budget={args.budget:.0f} action=extrapolate_from={small},{large}",
        flush=True,
    )
    second = measure_batch(
        backend, templates, large, folder, args.wait_quiet, "month_end" not in args.skip
    )

    def ex(attr: str) -> float:
        return _extrapolate(small, getattr(first, attr), large, getattr(second, attr), n)

    ratio = n / large
    projected = Batch(
        n,
        ex("setup"),
        ex("month_end"),
        ex("month_end_write"),
        ex("day_end"),
        round(second.records * ratio) if second.records >= 0 else -1,
        round(second.statements * ratio),
    )
    print_batch(backend.name, projected, extrapolated=(small, large))


# -- profile ----------------------------------------------------------------------------------


def profile(
    backend: Backend, templates: Templates, n: int, auths: int, folder: Path, top: int
) -> None:
    """cProfile of month-end and day-end at ``n`` accounts, then of ``auths`` authorizations
    in this process (on those lines, their limits raised)."""
    with backend.database("profile") as (url, engine):
        populate(engine, templates, n)
        outbox = Path(tempfile.mkdtemp(prefix="outbox-", dir=folder))

        def authorize() -> None:
            with engine.begin() as conn:
                conn.execute(update(CreditLine).values(limit_fen=AUTH_LIMIT_FEN))
                codes = list(conn.scalars(select(CreditLine.account_code)))
            auth_worker(url, codes, auths, 0, 1, "profile")

        for label, job in (
            ("month_end", lambda: _month_end(engine, outbox)),
            ("day_end", lambda: _day_end(engine)),
            ("authorize", authorize),
        ):
            profiler = cProfile.Profile()
            profiler.runcall(job)
            print_profile(f"backend={backend.name} job={label} accounts={n}", profiler, top)
        shutil.rmtree(outbox, ignore_errors=True)


def print_profile(what: str, profiler: cProfile.Profile, top: int) -> None:
    """Three views, one line per function: the ``top`` by cumulative time, the ``top`` by own
    time, and the ``top`` functions of zhengxin itself by cumulative time."""
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = [
        (cum, own, calls, f"{Path(file).name}:{line}({func})", "/zhengxin/" in file)
        for (file, line, func), (_prim, calls, own, cum, _callers) in stats.items()
    ]
    total = max(r[0] for r in rows)
    views: list[tuple[str, list[Any]]] = [
        ("cumulative", sorted(rows, key=lambda r: -r[0])),
        ("tottime", sorted(rows, key=lambda r: -r[1])),
        ("zhengxin_cumulative", sorted((r for r in rows if r[4]), key=lambda r: -r[0])),
    ]
    for order, ranked in views:
        print(f"lender.profile {what} sort={order} top={top} total={total:.2f}s", flush=True)
        for rank, (cum, own, calls, name, _) in enumerate(ranked[:top], 1):
            print(f"  {rank:2d}. cum={cum:7.3f}s own={own:7.3f}s calls={calls:<8d} {name}")
    sys.stdout.flush()


# -- the machine and main --------------------------------------------------------------------


def cpu_sample() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs so far, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        ticks = [int(x) for x in first[1:9]]  # user nice system idle iowait irq softirq steal
    except (OSError, ValueError):
        return 0, 0
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def busy_since(before: tuple[int, int]) -> str:
    """How busy all CPUs were since ``before``, every process counted (ours too)."""
    after = cpu_sample()
    total = after[1] - before[1]
    return f"{100 * (after[0] - before[0]) / total:.0f}%" if total > 0 else "unknown"


def wait_quiet(limit: float, busy_under: float = 20.0) -> None:
    """Wait up to ``limit`` seconds for the machine to be nearly idle (other jobs finishing)."""
    if limit <= 0:
        return
    began = systime.perf_counter()
    while True:
        before = cpu_sample()
        systime.sleep(2.0)
        after = cpu_sample()
        total = after[1] - before[1]
        busy = 100 * (after[0] - before[0]) / total if total > 0 else 0.0
        waited = systime.perf_counter() - began
        if busy < busy_under or waited >= limit:
            print(f"lender.wait_quiet waited={waited:.0f}s busy={busy:.0f}%", flush=True)
            return


def machine_line(server: PostgresServer | None) -> str:
    before = cpu_sample()
    systime.sleep(1.0)
    idle_busy = busy_since(before)
    cpu = "unknown"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip().replace(" ", "_")
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()).replace(" ", ",")
    pg = "none"
    if server is not None:
        out = subprocess.run(
            [str(server.bin_dir / "postgres"), "--version"],
            check=False,
            capture_output=True,
            text=True,
        )
        found = re.search(r"\d+\.\d+", out.stdout)
        pg = found.group(0) if found else "unknown"
    commit = "unknown"
    with suppress(OSError):
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            check=False,
            capture_output=True,
            text=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "src"],
            check=False,
            capture_output=True,
            text=True,
        )
        if head.returncode == 0:
            commit = head.stdout.strip() + ("+dirty_src" if dirty.stdout.strip() else "")
    return (
        f"lender.machine commit={commit} cpus={os.cpu_count()} cpu={cpu} load={load} "
        f"busy_before={idle_busy} "
        f"python={platform.python_version()} sqlite={sqlite3.sqlite_version} "
        f"sqlalchemy={sqlalchemy.__version__} psycopg={psycopg.__version__} postgresql={pg}"
        + (" pg_fsync=off pg_synchronous_commit=off" if server is not None else "")
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--accounts", type=int, help="accounts for day-end (default 100000)")
    parser.add_argument("--auth", type=int, help="authorizations per run (default 20000)")
    parser.add_argument("--runs", type=int, help="authorization runs (default 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--workers", type=int, default=4, help="PostgreSQL worker processes")
    parser.add_argument("--auth-lines", type=int, default=1000, help="lines authorized against")
    parser.add_argument("--warmup", type=int, default=200, help="untimed authorizations/worker")
    parser.add_argument("--templates", type=int, default=50, help="lines lived by the service")
    parser.add_argument("--probes", default="1000,5000", help="sizes to extrapolate from")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds per full-size run")
    parser.add_argument("--full", action="store_true", help="measure --accounts, never guess")
    parser.add_argument("--profile", type=int, default=0, help="profile at this many accounts")
    parser.add_argument("--profile-top", type=int, default=10)
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        help="before each measurement wait up to this many seconds for an idle machine",
    )
    parser.add_argument("--skip", default="", help="comma list of auth, batch, month_end")
    parser.add_argument("--seed", type=int, default=20250201)
    args = parser.parse_args(argv)
    quick = args.quick
    args.accounts = args.accounts or (300 if quick else 100_000)
    args.auth = args.auth or (2000 if quick else 20_000)
    args.runs = args.runs or 3
    if quick:
        args.warmup = min(args.warmup, 50)
    args.probes = tuple(sorted(int(x) for x in args.probes.split(",")))
    if len(args.probes) != 2 or args.probes[0] == args.probes[1]:
        parser.error("--probes takes two different sizes, e.g. 1000,5000")
    args.skip = {s for s in args.skip.split(",") if s}
    return args


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    folder = Path(tempfile.mkdtemp(prefix="zhengxin-bench-"))
    server: PostgresServer | None = None
    try:
        backends: list[Backend] = []
        if args.backend in ("sqlite", "both"):
            backends.append(sqlite_backend(folder))
        if args.backend in ("postgresql", "both"):
            bin_dir = find_bin_dir()
            if bin_dir is None:
                raise SystemExit("PostgreSQL server binaries not found (see tests/pgserver.py)")
            server = PostgresServer(bin_dir)
            server.start()
            backends.append(postgres_backend(server))
        print(machine_line(server), flush=True)
        templates = build_templates(folder, args.templates, args.seed)
        print(
            f"lender.templates lines={len(templates.lines)} "
            f"rows={sum(len(r) for t in templates.lines for r in t.rows.values())} "
            f"seconds={templates.seconds:.2f}",
            flush=True,
        )
        for backend in backends:
            if "auth" not in args.skip:
                bench_authorize(backend, templates, args)
            if "batch" not in args.skip:
                bench_batches(backend, templates, args, folder)
            if args.profile:
                profile(backend, templates, args.profile, args.auth // 10, folder, args.profile_top)
    finally:
        if server is not None:
            with suppress(subprocess.CalledProcessError):
                server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
