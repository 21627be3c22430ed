"""Credit-report latency on a bureau holding a million accounts with 24 months of history each.

Run from the repository root::

    .venv/bin/python bench/report.py                             # 1,000,000 accounts, 3 runs
    .venv/bin/python bench/report.py --accounts 20000 --runs 1 --samples 50
    .venv/bin/python bench/report.py --keep var/bench/report     # load once, measure again later

The store. ``--accounts`` accounts at four registered institutions (two banks, a consumer
finance company, a microloan company), each with ``--months`` month-end rows (2024-01 to
2025-12 by default: 24,000,000 ``account_month`` rows), loaded month after month as month-end
files arrive, so one account's months lie far apart. 60% revolving lines (R1, each under its
own credit agreement), 20% drawings under a line (R4), 20% instalment loans (D1, a fifth of them
mortgages; a seventh of the others close in the last month). Months are paid as agreed (N), or
nothing due (*) on 8% of revolving months; 4% of accounts have one month 1-30 days overdue,
half of those a second month 31-60 days overdue and then a recovery (a code-40 event). A
quarter of a percent carry a special event (21 转出). Subjects: ``accounts / 500`` hold 50
accounts, ``accounts / 50`` hold 10, the rest hold one (2,000 / 20,000 / 700,000 for a
million), each with a valid resident ID number (GB 11643 check character computed in SQL), the
basic information (record 110) one institution reported, and a history of answered queries: 12
for each 50-account subject, 6 for each 10-account subject and one for every third
single-account subject, over the two years before, most under a lodged authorization, some
the subject's own. The rows are generated inside the database (``generate_series`` on
PostgreSQL, a recursive number table on SQLite) with ``INSERT ... SELECT`` and foreign-key
checks off; then ``VACUUM ANALYZE`` (PostgreSQL) or ``ANALYZE`` (SQLite). ``report.load``
gives the wall time, the database size and the loader's peak resident set (the loading
process's, not the PostgreSQL server's). ``--keep DIR`` keeps the SQLite file and the
PostgreSQL cluster in ``DIR`` and loads only what is not there yet (``reused=true``); without
it everything lives in temporary folders and is deleted.

The measurement. Before each run the database's files are read once (``report.warm``), so the
store sits in the operating system's file cache as a bureau's working set would in memory,
whatever ran on the machine before (``--cold`` skips this). Then, in a fresh process per run
and backend, after a warm-up: for each of ``--samples`` subjects per size (1, 10 and 50
accounts), drawn at random without repeats across runs, the whole path an institution sees:
``unit_of_work`` + ``InquiryDesk.ask`` (authorization check, report assembly, the inquiry row
and its audit line) + commit + the report's JSON (``model_dump_json``), with the subject's
authorization lodged beforehand, outside the timing. ``path=report`` times
``ReportService.report_for`` + JSON alone, on other subjects of the same size, for comparison.
Without ``zhengxin.bureau.inquiries`` only ``path=report`` is measured. ``--gc-freeze`` calls
``gc.freeze()`` after the warm-up, as a long-running server would after start-up, so that
full collections no longer walk every object the imports created (``gc=frozen``; otherwise
``gc=default``). One ``report.run`` line per run, size and path (p50/p99/max in ms, the
child's peak resident set, the load average after), then the medians across runs as a
table, and ``report.floor``: p99 <= 50 ms for 10-account subjects on the inquiry path, on
each backend.

The PostgreSQL server is the test suite's throwaway server (``tests/pgserver.py``, fsync off,
default shared buffers) on the same two shared cores, so other work on the machine shows in
the figures (``load1``).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import json
import math
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.pgserver import PostgresServer, find_bin_dir  # noqa: E402

from zhengxin.bureau.models import Subject  # noqa: E402
from zhengxin.bureau.registry import InstitutionKind, register  # noqa: E402
from zhengxin.bureau.report import ReportService  # noqa: E402
from zhengxin.kernel.clock import FixedClock, add_months, china_time, month_end  # noqa: E402
from zhengxin.kernel.db import make_engine, migrate, unit_of_work  # noqa: E402
from zhengxin.kernel.identity import ResidentId  # noqa: E402
from zhengxin.kernel.runtime import settle  # noqa: E402

FLOOR_P99_MS = 50.0
FLOOR_SIZE = 10
SIZES = (1, 10, 50)
WARMUP = 30
INSTITUTIONS = (
    ("B10211000H0001", "示例商业银行", InstitutionKind.BANK),
    ("B10311000H0001", "示例城市商业银行", InstitutionKind.BANK),
    ("Q10152900H0001", "示例消费金融", InstitutionKind.CONSUMER_FINANCE),
    ("Q10152900H0002", "示例小额贷款", InstitutionKind.MICROLOAN),
)
ASKER = INSTITUTIONS[0][0]
AREAS = ("110105", "310104", "440305", "330106", "510107", "420106", "320102", "370102")
NAMES: tuple[str, ...] = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰")
NAMES += ("吴婷", "徐明", "孙丽", "马超", "朱琳", "胡斌", "郭敏", "何平", "高峰", "林霞", "罗勇")
EMPLOYERS: tuple[str, ...] = ("示例科技有限公司", "示例制造股份有限公司", "示例市第一人民医院")
EMPLOYERS += ("示例大学", "示例商贸有限公司", "示例物流有限公司", "示例餐饮管理有限公司")
CITIES: tuple[str, ...] = ("北京市朝阳区建国路", "上海市徐汇区漕溪北路", "深圳市南山区科技园路")
CITIES += (
    "杭州市西湖区文三路",
    "成都市武侯区人民南路",
    "武汉市江汉区解放大道",
    "南京市玄武区中山路",
)
LAST_MONTH = date(2025, 12, 1)
TODAY = date(2026, 1, 15)
LOADED_AT = china_time(date(2026, 1, 5), wall_time(2, 0))
DOCUMENT = "个人征信查询授权书 v2021"
DOCUMENT_SHA256 = hashlib.sha256(DOCUMENT.encode()).hexdigest()
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


# --- the shape of the store -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """How ``accounts`` accounts fall to subjects: ids ``1..fifty`` hold 50 accounts, the next
    ``ten`` hold 10, the rest one each. Account ``n`` goes to slot ``(n - 1) * step % accounts``
    (``step`` coprime with ``accounts``), slots in subject order, so a subject's accounts are
    scattered over the whole account table, as accounts opened years apart are."""

    accounts: int
    months: int

    @property
    def fifty(self) -> int:
        return self.accounts // 500

    @property
    def ten(self) -> int:
        return self.accounts // 50

    @property
    def single(self) -> int:
        return self.accounts - 50 * self.fifty - 10 * self.ten

    @property
    def subjects(self) -> int:
        return self.fifty + self.ten + self.single

    @property
    def step(self) -> int:
        step = int(self.accounts * 0.6180339887) | 1
        while math.gcd(step, self.accounts) != 1:
            step += 2
        return step

    def subject_ids(self, size: int) -> range:
        first = {50: 1, 10: self.fifty + 1, 1: self.fifty + self.ten + 1}[size]
        count = {50: self.fifty, 10: self.ten, 1: self.single}[size]
        return range(first, first + count)

    def month(self, m: int) -> date:
        return add_months(LAST_MONTH, m - self.months + 1)

    @property
    def label(self) -> str:
        return f"report_{self.accounts}x{self.months}"


# --- SQL that differs between the backends ------------------------------------------------


class Dialect:
    """The few expressions SQLite and PostgreSQL spell differently."""

    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"

    def series(self, count: int) -> str:
        """A one-column table ``g(n)`` of 1..count."""
        if self.pg:
            return f"generate_series(1, {count}::bigint) AS g(n)"
        return f"(SELECT n FROM nums WHERE n <= {count}) AS g"

    def day(self, d: date) -> str:
        return f"DATE '{d}'" if self.pg else f"'{d}'"

    def instant(self, at: datetime) -> str:
        utc = at.astimezone(UTC).replace(tzinfo=None)
        return f"TIMESTAMPTZ '{utc}+00'" if self.pg else f"'{utc:%Y-%m-%d %H:%M:%S}.000000'"

    def days_after(self, base: date, days: str) -> str:
        if self.pg:
            return f"(DATE '{base}' + ({days})::int)"
        return f"date('{base}', '+' || ({days}) || ' days')"

    def days_before(self, base: date, days: str) -> str:
        if self.pg:
            return f"(DATE '{base}' - ({days})::int)"
        return f"date('{base}', '-' || ({days}) || ' days')"

    def instant_before(self, base: datetime, days: str) -> str:
        utc = base.astimezone(UTC).replace(tzinfo=None)
        if self.pg:
            return f"(TIMESTAMPTZ '{utc}+00' - ({days}) * INTERVAL '1 day')"
        return f"(datetime('{utc}', '-' || ({days}) || ' days') || '.000000')"

    def yyyymmdd(self, base: date, days: str) -> str:
        if self.pg:
            return f"to_char(DATE '{base}' + ({days})::int, 'YYYYMMDD')"
        return f"strftime('%Y%m%d', '{base}', '+' || ({days}) || ' days')"

    def birth_date(self, id_number: str) -> str:
        """The birth date written in a resident ID number."""
        if self.pg:
            return f"to_date(substr({id_number}, 7, 8), 'YYYYMMDD')"
        return (
            f"substr({id_number}, 7, 4) || '-' || substr({id_number}, 11, 2) || '-' || "
            f"substr({id_number}, 13, 2)"
        )

    def pad(self, value: str, width: int) -> str:
        if self.pg:
            return f"lpad(({value})::text, {width}, '0')"
        return f"substr('{'0' * width}' || ({value}), -{width})"

    def flag(self, condition: str) -> str:
        return f"({condition})" if self.pg else f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _cases(value: str, results: tuple[str, ...]) -> str:
    arms = " ".join(f"WHEN {i} THEN '{r}'" for i, r in enumerate(results))
    return f"(CASE ({value}) % {len(results)} {arms} END)"


# --- loading ------------------------------------------------------------------------------


def _subjects_sql(d: Dialect, layout: Layout) -> str:
    """Subjects with valid resident ID numbers: area, birth date and sequence are an injective
    function of the subject id, the check character is GB 11643's, all computed in SQL."""
    day = "((r % 18000) * 7919 % 18000)"
    sequence = f"((r / 18000) * 37 + {day}) % 1000"
    first17 = (
        f"{_cases('r0', AREAS)} || {d.yyyymmdd(date(1955, 1, 1), day)} || {d.pad(sequence, 3)}"
    )
    weighted = " + ".join(
        f"CAST(substr(f, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS)
    )
    return f"""
        INSERT INTO subject (id, id_type, id_number, name, updated_at)
        SELECT s, '10', f || substr('10X98765432', ({weighted}) % 11 + 1, 1),
               {_cases("s", NAMES)}, {d.instant(LOADED_AT)}
        FROM (SELECT s, {first17} AS f
              FROM (SELECT n AS s, n - 1 AS r0, (n - 1) / {len(AREAS)} AS r
                    FROM {d.series(layout.subjects)}) AS x) AS y
        ORDER BY s"""


def _subject_info_sql(d: Dialect, layout: Layout) -> str:
    """Each subject's basic information (record 110) as one institution last reported it."""
    codes = tuple(code for code, _, _ in INSTITUTIONS)
    first = month_end(layout.month(0))
    phone = "CAST(id AS BIGINT) * 7919 % 1000000000"
    return f"""
        INSERT INTO subject_info (id, subject_id, institution_code, report_date,
            report_timing, sex, birth_date, nation, cell_phone, marital_status, education,
            degree, employment_status, employer, occupation, residence_status,
            residence_address, mailing_address, annual_income_yuan, submission_id)
        SELECT id, id, {_cases("id", codes)}, {d.days_after(first, "id * 13 % 600")}, '10',
            CASE WHEN CAST(substr(id_number, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END,
            {d.birth_date("id_number")}, 'CHN', '13' || {d.pad(phone, 9)},
            {_cases("id", ("10", "20", "20", "21", "40"))},
            {_cases("id", ("10", "20", "20", "30", "40", "60", "70"))},
            {_cases("id * 3", ("3", "4", "4", "5", "9"))},
            {_cases("id", ("11", "13", "17", "17", "21", "24", "27"))},
            {_cases("id", EMPLOYERS)},
            {_cases("id", ("0", "1", "3", "3", "4", "5", "6"))},
            {_cases("id", ("1", "2", "2", "5", "3"))},
            {_cases("id", CITIES)} || (id % 300 + 1) || '号',
            {_cases("id", CITIES)} || (id % 300 + 1) || '号',
            NULL, 1
        FROM subject ORDER BY id"""


def _accounts_sql(d: Dialect, layout: Layout) -> str:
    a, fifty, ten = layout.accounts, layout.fifty, layout.ten
    opened_from = layout.month(0) - timedelta(days=2190)
    closes = month_end(layout.month(layout.months - 1)) - timedelta(days=10)
    codes = tuple(code for code, _, _ in INSTITUTIONS)
    subject = f"""CASE WHEN p < {50 * fifty} THEN 1 + p / 50
        WHEN p < {50 * fifty + 10 * ten} THEN {1 + fifty} + (p - {50 * fifty}) / 10
        ELSE {1 + fifty + ten} + (p - {50 * fifty + 10 * ten}) END"""
    return f"""
        INSERT INTO account (id, institution_code, account_code, subject_id, account_type,
            business_line, business_detail, open_date, currency, credit_limit_yuan,
            loan_amount_yuan, due_date, repay_mode, repay_frequency, guarantee_mode,
            agreement_code, close_date)
        SELECT n, inst, inst || t || {d.pad("n", 12)}, {subject}, t, '1',
            CASE WHEN t = 'D1' AND n % 5 = 0 THEN '11' ELSE '91' END,
            {d.days_after(opened_from, f"(n - 1) * 2189 / {a}")}, 'CNY',
            CASE WHEN t = 'R1' THEN 1000 * (1 + n * 37 % 50) END,
            CASE WHEN t = 'R4' THEN 1000 * (2 + n * 13 % 30)
                 WHEN t = 'D1' AND n % 5 = 0 THEN 10000 * (30 + n * 17 % 170)
                 WHEN t = 'D1' THEN 1000 * (10 + n * 17 % 190) END,
            {d.days_after(date(2026, 6, 30), "n * 11 % 3650")},
            CASE WHEN t = 'R1' THEN '33' ELSE '11' END, '03',
            CASE WHEN t = 'D1' AND n % 5 = 0 THEN '2' ELSE '4' END,
            CASE WHEN t = 'R1' THEN inst || 'CRL' || {d.pad("n", 12)} END,
            CASE WHEN t = 'D1' AND n % 7 = 1 AND n % 5 <> 0 THEN {d.day(closes)} END
        FROM (SELECT n, (n - 1) * {layout.step} % {a} AS p, {_cases("n", codes)} AS inst,
                CASE WHEN n * 7 % 10 < 6 THEN 'R1' WHEN n * 7 % 10 < 8 THEN 'R4' ELSE 'D1' END
                    AS t
              FROM {d.series(a)}) AS x
        ORDER BY n"""


def _month_sql(d: Dialect, layout: Layout, m: int) -> str:
    """One month-end file's rows for every account, in account order."""
    month = layout.month(m)
    last = m == layout.months - 1
    settled = month.replace(day=10)
    before = add_months(month, -1).replace(day=10)
    cycle = layout.months - 2
    status = f"""CASE
        WHEN close_date IS NOT NULL AND {int(last)} = 1 THEN 'C'
        WHEN id % 25 = 3 AND (id / 25) % {cycle} = {m} THEN '1'
        WHEN id % 50 = 3 AND (id / 25) % {cycle} + 1 = {m} THEN '2'
        WHEN account_type = 'R1' AND ((id % 1000) * 7919 + {m * 104729}) % 1000 < 80 THEN '*'
        ELSE 'N' END"""
    balance = f"""CASE WHEN st IN ('C', '*') THEN 0
        WHEN account_type = 'R1' THEN credit_limit_yuan * ((id * 13 + {m * 7}) % 90 + 5) / 100
        ELSE loan_amount_yuan * (200 - id % 40 - {m}) / 200 END"""
    due = """CASE WHEN st IN ('C', '*') THEN 0 WHEN account_type = 'R1' THEN bal / 10
        ELSE loan_amount_yuan / 36 END"""
    late = "st IN ('1', '2')"
    return f"""
        INSERT INTO account_month (account_id, month, report_date, report_timing,
            settlement_date, account_status, balance_yuan, remaining_periods, five_category,
            five_category_date, repayment_status, overdue_periods, overdue_total_yuan,
            overdue_principal_yuan, overdue_31_60_yuan, overdue_61_90_yuan,
            overdue_91_180_yuan, overdue_over_180_yuan, due_yuan, repaid_yuan,
            last_repayment_date, close_date, submission_id)
        SELECT id, {d.day(month)}, {d.day(month_end(month))},
            CASE WHEN st = 'C' THEN '32' WHEN {m} = 0 THEN '31' ELSE '30' END,
            {d.day(settled)},
            CASE WHEN st = 'C' THEN '3' WHEN {late} THEN '2' ELSE '1' END,
            bal,
            CASE WHEN account_type = 'R1' OR st = 'C' THEN 0
                 ELSE (200 - id % 40 - {m}) / 4 END,
            CASE WHEN {late} THEN '2' ELSE '1' END,
            CASE WHEN {late} THEN {d.day(month_end(month))} ELSE {d.day(layout.month(0))} END,
            st,
            CASE st WHEN '1' THEN 1 WHEN '2' THEN 2 ELSE 0 END,
            CASE st WHEN '1' THEN due + 30 WHEN '2' THEN 2 * due + 60 ELSE 0 END,
            CASE st WHEN '1' THEN due WHEN '2' THEN 2 * due ELSE 0 END,
            CASE st WHEN '2' THEN due ELSE 0 END, 0, 0, 0,
            due,
            CASE WHEN {late} THEN 0 ELSE due END,
            CASE WHEN {late} OR st = '*' THEN {d.day(before)} ELSE {d.day(settled)} END,
            CASE WHEN st = 'C' THEN close_date END,
            1
        FROM (SELECT *, {due} AS due
              FROM (SELECT *, {balance} AS bal
                    FROM (SELECT id, account_type, credit_limit_yuan, loan_amount_yuan,
                                 close_date, {status} AS st
                          FROM account) AS a1) AS a2) AS a3
        ORDER BY id"""


def _history_sql(d: Dialect, layout: Layout) -> list[tuple[str, str]]:
    """Events, special events, agreements, and two years of answered queries."""
    cycle = layout.months - 2
    codes = tuple(code for code, _, _ in INSTITUTIONS)
    asked_base = china_time(TODAY - timedelta(days=1), wall_time(10, 0))
    many = f"""CASE WHEN s.id <= {layout.fifty} THEN 12
        WHEN s.id <= {layout.fifty + layout.ten} THEN 6
        WHEN s.id % 3 = 0 THEN 1 ELSE 0 END"""
    months = " UNION ALL ".join(
        f"SELECT {m} AS m, {d.day(layout.month(m))} AS month, "
        f"{d.day(month_end(layout.month(m)))} AS rpt, "
        f"{d.day(layout.month(m).replace(day=20))} AS recovered"
        for m in range(layout.months)
    )
    return [
        ("months", f"CREATE TEMP TABLE months AS {months}"),
        (
            "account_event",
            f"""INSERT INTO account_event (account_id, report_date, report_timing, account_status,
                balance_yuan, five_category, five_category_date, repayment_status,
                remaining_periods, overdue_periods, overdue_total_yuan, last_repayment_yuan,
                last_repayment_date, close_date, submission_id)
            SELECT a.id, mo.recovered, '40', '1',
                COALESCE(a.credit_limit_yuan, a.loan_amount_yuan) / 2, '1', mo.recovered, 'N',
                CASE WHEN a.account_type = 'R1' THEN 0 ELSE 20 END, 0, 0,
                COALESCE(a.credit_limit_yuan / 20, a.loan_amount_yuan / 18), mo.recovered,
                NULL, 1
            FROM account a JOIN months mo ON mo.m = (a.id / 25) % {cycle} + 2
            WHERE a.id % 50 = 3
            ORDER BY mo.m, a.id""",
        ),
        (
            "special_event",
            f"""INSERT INTO special_event (account_id, event_type, month, effective, report_date,
                submission_id)
            SELECT a.id, '21', mo.month, {d.flag("1 = 1")}, mo.rpt, 1
            FROM account a JOIN months mo ON mo.m = (a.id / 400) % {layout.months}
            WHERE a.id % 400 = 17
            ORDER BY mo.m, a.id""",
        ),
        (
            "agreement",
            """INSERT INTO agreement (id, institution_code, contract_code, subject_id, report_date,
                report_timing, limit_type, revolving, limit_yuan, currency, effective_date,
                expiry_date, status, submission_id)
            SELECT id, institution_code, agreement_code, subject_id, open_date, '10', '10',
                '1', credit_limit_yuan, 'CNY', open_date, due_date, '1', 1
            FROM account WHERE account_type = 'R1' ORDER BY id""",
        ),
        (
            "asked",
            f"""CREATE TEMP TABLE asked AS
            SELECT s.id AS s, g.n AS j, s.id_number, s.name,
                (s.id * 7 + g.n * 53) % 730 AS x,
                {d.flag("(s.id + g.n) % 7 = 0")} AS own,
                {_cases("s.id + g.n", codes)} AS inst,
                {_cases("g.n", ("01", "02", "03", "26"))} AS purpose
            FROM subject s JOIN {d.series(12)} ON g.n <= {many}""",
        ),
        (
            "authorization",
            f"""INSERT INTO "authorization" (institution_code, reference, id_type, id_number, name,
                document, document_sha256, signed_on, scope, purposes, valid_until,
                revoked_on, lodged_at)
            SELECT inst, 'H' || s || '-' || j, '10', id_number, name, '{DOCUMENT}',
                '{DOCUMENT_SHA256}', {d.days_before(TODAY, "x + 4")}, 'query', purpose,
                NULL, NULL, {d.instant_before(asked_base, "x + 3")}
            FROM asked WHERE NOT own ORDER BY x DESC, s, j""",
        ),
        (
            "inquiry",
            f"""INSERT INTO inquiry (asked_at, asked_on, subject_id, id_type, id_number,
                institution_code, self_query, purpose, authorization_ref, authorization_id,
                outcome, refusal_code, report_number, chargeable)
            SELECT {d.instant_before(asked_base, "h.x")}, {d.days_before(TODAY, "h.x + 1")},
                h.s, '10', h.id_number, CASE WHEN h.own THEN NULL ELSE h.inst END, h.own,
                CASE WHEN h.own THEN NULL ELSE h.purpose END, au.reference, au.id, 'answered',
                NULL, 'H' || {d.pad("h.s", 10)} || {d.pad("h.j", 2)}, {d.flag("1 = 0")}
            FROM asked h
            LEFT JOIN "authorization" au
                ON NOT h.own AND au.institution_code = h.inst
                AND au.reference = 'H' || h.s || '-' || h.j
            ORDER BY h.x DESC, h.s, h.j""",
        ),
    ]


def _submission_sql(d: Dialect, layout: Layout) -> str:
    received = china_time(TODAY - timedelta(days=14), wall_time(8, 0))
    return f"""INSERT INTO submission (id, file_name, institution_code, record_type, file_date,
            received_at, record_count, accepted_count, rejected_count, sha256)
        VALUES (1, '{ASKER}2026010121000001', '{ASKER}', '210', {d.day(TODAY)},
            {d.instant(received)}, {layout.accounts * layout.months},
            {layout.accounts * layout.months}, 0, '')"""


LOADED_TABLES = (
    "submission",
    "subject",
    "subject_info",
    "account",
    "account_month",
    "account_event",
    "special_event",
    "agreement",
    "authorization",
    "inquiry",
)


def _steps(d: Dialect, layout: Layout) -> Iterator[tuple[str, str]]:
    yield "submission", _submission_sql(d, layout)
    yield "subject", _subjects_sql(d, layout)
    yield "subject_info", _subject_info_sql(d, layout)
    yield "account", _accounts_sql(d, layout)
    for m in range(layout.months):
        yield f"account_month {m + 1}/{layout.months}", _month_sql(d, layout, m)
    yield from _history_sql(d, layout)


def _progress(backend: str, step: str, started: float) -> None:
    print(
        f"report.load_step backend={backend} step={step.replace(' ', '=')} "
        f"seconds={time.perf_counter() - started:.1f}",
        file=sys.stderr,
        flush=True,
    )


def load_sqlite(path: Path, layout: Layout) -> None:
    d = Dialect("sqlite")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("CREATE TEMP TABLE nums (n INTEGER PRIMARY KEY)")
    count = max(layout.accounts, layout.subjects, 12)
    conn.execute(
        "INSERT INTO nums WITH RECURSIVE seq(n) AS "
        f"(SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) SELECT n FROM seq"
    )
    started = time.perf_counter()
    for step, sql in _steps(d, layout):
        conn.execute("BEGIN")
        conn.execute(sql)
        conn.execute("COMMIT")
        _progress("sqlite", step, started)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    _progress("sqlite", "analyze", started)
    conn.close()


def load_postgresql(url: str, layout: Layout) -> None:
    d = Dialect("postgresql")
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        # Foreign keys are checked by constraint triggers; the generated rows satisfy them.
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        for step, sql in _steps(d, layout):
            with conn.transaction():
                conn.execute(sql)
            _progress("postgresql", step, started)
        for table in LOADED_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
        conn.execute("VACUUM ANALYZE")
        _progress("postgresql", "vacuum_analyze", started)


def check_store(url: str, layout: Layout) -> dict[str, Any]:
    """The subjects per account count, and that sampled ID numbers parse."""
    engine = make_engine(url)
    with engine.connect() as conn:
        per_size: dict[int, int] = dict(
            conn.exec_driver_sql(
                "SELECT c, count(*) FROM (SELECT count(*) AS c FROM account GROUP BY subject_id)"
                " AS x GROUP BY c"
            ).all()
        )
        months = conn.exec_driver_sql("SELECT count(*) FROM account_month").scalar_one()
        numbers = conn.execute(
            select(Subject.id_number).where(Subject.id.in_(range(1, layout.subjects, 997)))
        ).scalars()
        for number in numbers:
            ResidentId.parse(number)
    engine.dispose()
    expected = {50: layout.fifty, 10: layout.ten, 1: layout.single}
    if per_size != {k: v for k, v in expected.items() if v}:
        raise SystemExit(f"subjects per account count {per_size}, expected {expected}")
    if months != layout.accounts * layout.months:
        raise SystemExit(f"{months} account months, expected {layout.accounts * layout.months}")
    return {"account_months": months}


def child_load(backend: str, url: str, path: Path | None, layout: Layout) -> dict[str, Any]:
    started = time.perf_counter()
    engine = make_engine(url)
    migrate(engine, "zhengxin.bureau.migrations")
    clock = FixedClock(LOADED_AT - timedelta(days=800))
    with unit_of_work(engine) as session:
        for code, name, kind in INSTITUTIONS:
            register(session, clock, code, name, kind)
    engine.dispose()
    if backend == "sqlite":
        assert path is not None
        load_sqlite(path, layout)
    else:
        load_postgresql(url, layout)
    seconds = time.perf_counter() - started
    figures = check_store(url, layout)
    return {"seconds": seconds, **figures}


# --- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def samples_for(
    layout: Layout, size: int, run: int, runs: int, count: int
) -> tuple[list[int], list[int]]:
    """Run ``run``'s subjects of ``size`` accounts: one list for the report alone, one for the
    inquiry path; distinct across the ``runs`` runs while the population lasts."""
    population = layout.subject_ids(size)
    wanted = 2 * count * runs
    drawn = random.Random(size).sample(population, min(wanted, len(population)))
    mine = [drawn[(2 * count * (run - 1) + i) % len(drawn)] for i in range(2 * count)]
    return mine[:count], mine[count:]


def child_measure(
    url: str, layout: Layout, run: int, runs: int, count: int, freeze: bool
) -> dict[str, Any]:
    try:
        desk_module: Any = importlib.import_module("zhengxin.bureau.inquiries")
    except ImportError:
        desk_module = None
    engine = make_engine(url)
    clock = FixedClock.on(TODAY, wall_time(9, 0))
    stamp = uuid.uuid4().hex[:8]
    chosen = {size: samples_for(layout, size, run, runs, count) for size in SIZES}
    warm = random.Random(-run).sample(layout.subject_ids(1), min(WARMUP, layout.single))
    wanted = {s for pair in chosen.values() for group in pair for s in group} | set(warm)
    with unit_of_work(engine) as session:
        rows = session.execute(
            select(Subject.id, Subject.id_number, Subject.name).where(Subject.id.in_(wanted))
        ).all()
    people = {row.id: (row.id_number, row.name) for row in rows}

    def report_alone(subject: int) -> float:
        started = time.perf_counter()
        with unit_of_work(engine) as session:
            report = ReportService(session, clock).report_for(people[subject][0])
        report.model_dump_json()
        return time.perf_counter() - started

    def lodge(subjects: list[int], label: str) -> list[str]:
        references = [f"BENCH-{stamp}-{run}-{label}-{i}" for i in range(len(subjects))]
        with unit_of_work(engine) as session:
            desk = desk_module.InquiryDesk(session, clock)
            for s, reference in zip(subjects, references, strict=True):
                number, name = people[s]
                desk.lodge(
                    desk_module.AuthorizationFiling(
                        institution_code=ASKER,
                        reference=reference,
                        id_number=number,
                        name=name,
                        document=DOCUMENT,
                        document_sha256=DOCUMENT_SHA256,
                        signed_on=TODAY - timedelta(days=1),
                        scope="query",
                        purposes=("02",),
                    )
                )
        return references

    def inquiry(subject: int, reference: str) -> float:
        clock.advance(seconds=1)
        ask = desk_module.Ask(ASKER, people[subject][0], "02", reference, DOCUMENT_SHA256)
        started = time.perf_counter()
        with unit_of_work(engine) as session:
            answer = desk_module.InquiryDesk(session, clock).ask(ask)
        if not answer.answered or answer.report is None:
            raise SystemExit(f"inquiry refused: {answer.code} {answer.message}")
        answer.report.model_dump_json()
        return time.perf_counter() - started

    for subject in warm:
        report_alone(subject)
    if desk_module is not None:
        for subject, reference in zip(warm, lodge(warm, "warm"), strict=True):
            inquiry(subject, reference)
    if freeze:
        # What a long-running server holds after start-up (modules, mappers, schemas) is
        # left out of every later collection: the serving posture of zhengxin.kernel.runtime.
        settle()
    timings: dict[str, dict[int, list[float]]] = {"report": {}, "inquiry": {}}
    for size, (alone, asked) in chosen.items():
        timings["report"][size] = [report_alone(s) for s in alone]
        if desk_module is not None:
            references = lodge(asked, str(size))
            timings["inquiry"][size] = [
                inquiry(s, r) for s, r in zip(asked, references, strict=True)
            ]
    engine.dispose()
    return {
        path: {str(size): [t * 1000 for t in found] for size, found in sizes.items()}
        for path, sizes in timings.items()
        if sizes
    }


def child(*args: str) -> tuple[dict[str, Any], float]:
    """Run ``bench/report.py --child ...`` in a fresh process: its figures (the last line it
    prints) and its peak resident set in MB. Its progress lines go straight to our stderr."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen([sys.executable, __file__, *args], stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"bench child {args[:2]} failed")
        out.seek(0)
        figures: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    return figures, usage.ru_maxrss / 1024


# --- the stores -------------------------------------------------------------------------


class KeptServer:
    """A PostgreSQL cluster kept in a folder between invocations, started as the test suite's
    throwaway server is (fsync off), and stopped cleanly so the next start needs no recovery."""

    user = PostgresServer.user

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root.resolve()
        self.data = self.root / "data"
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as_user, *args], check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)
            self.root.mkdir(parents=True, exist_ok=True)
            if self._as_user:
                shutil.chown(self.root, "postgres", "postgres")
            self._run(
                str(self.bin_dir / "initdb"),
                *("-D", str(self.data), "-U", self.user, "--auth=trust"),
                *("--encoding=UTF8", "--locale=C"),
            )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            *("-D", str(self.data), "-o", options, "-l", str(self.root / "server.log")),
            *("-w", "start"),
        )

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"

    def database(self, name: str, fresh: bool) -> str:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            if fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if found.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def database_files(backend: str, url: str, path: Path | None) -> list[Path]:
    """The files holding the database: the SQLite file and its log, or the PostgreSQL
    database's folder under the server's data directory."""
    if backend == "sqlite":
        assert path is not None
        return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT current_setting('data_directory'), oid FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    return sorted((Path(row[0]) / "base" / str(row[1])).iterdir())


def database_mb(backend: str, url: str, path: Path | None) -> float:
    return sum(f.stat().st_size for f in database_files(backend, url, path)) / 2**20


def warm(backend: str, url: str, path: Path | None) -> tuple[float, float]:
    """Read the whole database once, so that it sits in the operating system's file cache as
    a bureau's working set would in memory, whatever ran on the machine before: (MB read,
    seconds)."""
    started = time.perf_counter()
    read = 0
    for name in database_files(backend, url, path):
        with name.open("rb", buffering=0) as file:
            while chunk := file.read(8 * 2**20):
                read += len(chunk)
    return read / 2**20, time.perf_counter() - started


@contextlib.contextmanager
def store(
    backend: str, layout: Layout, keep: Path | None, server: Any
) -> Iterator[tuple[str, Path | None, Path | None]]:
    """(url, SQLite file, marker of a finished load kept from an earlier invocation)."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        marker = keep / f"{backend}-{layout.label}.loaded"
        if backend == "sqlite":
            path = keep / f"{layout.label}.sqlite3"
            if not marker.exists():
                for stale in (path, path.with_name(path.name + "-wal")):
                    stale.unlink(missing_ok=True)
            yield f"sqlite:///{path}", path, marker
        else:
            yield server.database(layout.label, fresh=not marker.exists()), None, marker
        return
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="zhengxin-bench-") as scratch:
            path = Path(scratch) / "bureau.sqlite3"
            yield f"sqlite:///{path}", path, None
        return
    url = server.new_database("report")
    try:
        yield url, None, None
    finally:
        server.drop_database(url)


def _start_server(keep: Path | None) -> Any:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None
    server: Any = PostgresServer(bin_dir) if keep is None else KeptServer(bin_dir, keep / "pg")
    server.start()
    return server


# --- the script ---------------------------------------------------------------------------


def _load(backend: str, layout: Layout, url: str, path: Path | None, marker: Path | None) -> None:
    if marker is not None and marker.exists():
        figures = json.loads(marker.read_text())
        reused = "true"
        engine = make_engine(url)
        migrate(engine, "zhengxin.bureau.migrations")
        engine.dispose()
    else:
        args = ["--child", "load", "--backend", backend, "--url", url]
        args += ["--accounts", str(layout.accounts), "--months", str(layout.months)]
        found, peak = child(*args, *(["--path", str(path)] if path else []))
        figures = {**found, "peak_mb": peak}
        if marker is not None:
            marker.write_text(json.dumps(figures))
        reused = "false"
    print(
        f"report.load backend={backend} accounts={layout.accounts} months={layout.months} "
        f"account_months={figures['account_months']} seconds={figures['seconds']:.0f} "
        f"db_mb={database_mb(backend, url, path):.0f} peak_mb={figures['peak_mb']:.0f} "
        f"reused={reused}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--cold", action="store_true", help="measure without reading the store")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="settle the heap after the warm-up, as a serving process does (kernel.runtime)",
    )
    parser.add_argument("--child", choices=("load", "measure"))
    parser.add_argument("--backend")
    parser.add_argument("--url")
    parser.add_argument("--path", type=Path)
    parser.add_argument("--run", type=int, default=1)
    args = parser.parse_args()
    # A plain kill runs the cleanup too: the throwaway server stops, its folder goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    layout = Layout(args.accounts, args.months)
    if args.months < 3 or args.accounts < 500:
        raise SystemExit("--months must be at least 3 and --accounts at least 500")
    if args.child == "load":
        print(json.dumps(child_load(args.backend, args.url, args.path, layout)))
        return
    if args.child == "measure":
        print(
            json.dumps(
                child_measure(args.url, layout, args.run, args.runs, args.samples, args.gc_freeze)
            )
        )
        return
    print(
        f"report.machine cpus={os.cpu_count()} python={sys.version.split()[0]} "
        f"sqlite={sqlite3.sqlite_version} accounts={layout.accounts} months={layout.months} "
        f"subjects={layout.subjects} with50={layout.fifty} with10={layout.ten} "
        f"with1={layout.single}",
        flush=True,
    )
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    server = _start_server(args.keep) if "postgresql" in backends else None
    if "postgresql" in backends and server is None:
        print("report.skip backend=postgresql reason=no PostgreSQL server binaries found")
        backends.remove("postgresql")
    figures: dict[tuple[str, str, int], list[dict[str, float]]] = {}
    collector = "frozen" if args.gc_freeze else "default"
    try:
        for backend in backends:
            with store(backend, layout, args.keep, server) as (url, path, marker):
                _load(backend, layout, url, path, marker)
                for run in range(1, args.runs + 1):
                    if not args.cold:
                        mb, seconds = warm(backend, url, path)
                        print(
                            f"report.warm backend={backend} run={run}/{args.runs} "
                            f"read_mb={mb:.0f} seconds={seconds:.1f}",
                            flush=True,
                        )
                    measured, peak = child(
                        *("--child", "measure", "--url", url),
                        *("--run", str(run), "--runs", str(args.runs)),
                        *("--accounts", str(layout.accounts), "--months", str(layout.months)),
                        *("--samples", str(args.samples)),
                        *(["--gc-freeze"] if args.gc_freeze else []),
                    )
                    for where, sizes in measured.items():
                        for size, found in sizes.items():
                            line = _figures(found, peak)
                            figures.setdefault((backend, where, int(size)), []).append(line)
                            print(
                                f"report.run backend={backend} path={where} accounts={size} "
                                f"run={run}/{args.runs} samples={len(found)} "
                                f"{_cells(line)} gc={collector} peak_mb={peak:.0f} "
                                f"load1={os.getloadavg()[0]:.1f}",
                                flush=True,
                            )
    finally:
        if server is not None:
            server.stop()
    _summary(figures, args.runs, collector)


def _figures(found: list[float], peak: float) -> dict[str, float]:
    return {
        "p50": percentile(found, 0.50),
        "p99": percentile(found, 0.99),
        "max": max(found),
        "peak_mb": peak,
    }


def _cells(f: dict[str, float]) -> str:
    return f"p50_ms={f['p50']:.1f} p99_ms={f['p99']:.1f} max_ms={f['max']:.1f}"


def median(found: list[dict[str, float]], key: str) -> float:
    return statistics.median(f[key] for f in found)


def _summary(
    figures: dict[tuple[str, str, int], list[dict[str, float]]], runs: int, collector: str
) -> None:
    print()
    print("| backend    | path    | accounts | p50 ms | p99 ms | max ms | peak MB |")
    print("|------------|---------|----------|--------|--------|--------|---------|")
    for (backend, where, size), found in sorted(figures.items()):
        print(
            f"| {backend:<10} | {where:<7} | {size:>8} | {median(found, 'p50'):>6.1f} | "
            f"{median(found, 'p99'):>6.1f} | {median(found, 'max'):>6.1f} | "
            f"{max(f['peak_mb'] for f in found):>7.0f} |"
        )
    where = "inquiry" if any(k[1] == "inquiry" for k in figures) else "report"
    verdicts = {
        backend: median(found, "p99") <= FLOOR_P99_MS
        for (backend, path, size), found in figures.items()
        if path == where and size == FLOOR_SIZE
    }
    cells = " ".join(f"{b}={'met' if ok else 'NOT_met'}" for b, ok in verdicts.items())
    print(
        f"report.floor p99_ms<={FLOOR_P99_MS:.0f} accounts={FLOOR_SIZE} path={where} {cells} "
        f"gc={collector} runs={runs} median=true"
    )


if __name__ == "__main__":
    main()
