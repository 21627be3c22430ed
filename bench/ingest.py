"""Ingestion benchmark: a bureau takes a lender's monthly 210 files, end to end.

Run from the repository root::

    .venv/bin/python bench/ingest.py                                 # 1,000,000 records, 3 runs
    .venv/bin/python bench/ingest.py --records 100000 --runs 1 --workers 0

Two files of ``--records`` accounts each, generated once and kept in ``var/bench/ingest/``
(``--cache`` to choose the folder): **month 1**, January 2025, is every account's first report
(code 31: base, basic-information, credit-line and monthly segments, so the bureau creates the
accounts and their holders, one person per account); **month 2**, February, is the month-end
report (code 30: base and monthly segments) of the same accounts on top. R1 revolving lines and
R4 cash loans, a tenth of them overdue, as ``bench/pboc.py`` builds them.

Each run starts from an empty bureau (a fresh SQLite file, or a fresh database on a throwaway
PostgreSQL server started from the server binaries as the test suite does: on the same machine,
competing for its cores, and with fsync off, so without durable commits) and measures, in a
fresh child process, ``Ingestor.ingest`` (read, validate, write) plus the commit plus the
feedback file, for month 1 and then month 2. ``rate`` is records per second of wall time;
``peak_mb`` is the largest resident set of the child and every process it started (its
workers), as ``wait4`` reports it; ``tree_mb`` the largest sum of the resident sets of the
child and its workers, sampled every 50 ms; ``cpu_s`` the processor time of the child and its
workers; ``load1`` the machine's load average after the run (other work on the machine slows
the run down: compare ``cpu_s``). One line per run, then the medians as a table,
against the floors: ≥ 20,000 records/s on SQLite, < 300 MB. ``--workers`` (default 2) and
``--chunk-lines`` (default the ingestor's) are passed to the ``Ingestor``; ``--backends``
chooses among ``sqlite,postgresql``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from zhengxin.bureau.ingest import CHUNK_LINES, Ingestor, answer
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.codes import (
    AccountStatus,
    AccountType,
    AssetTransferFlag,
    BusinessDetail,
    BusinessLine,
    Currency,
    FiveCategory,
    FundSource,
    GuaranteeMode,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
    RepaymentFrequency,
    RepaymentMode,
    RepaymentStatus,
    ReportTimingCode,
)
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.identity import ResidentId
from zhengxin.pboc import (
    AccountRecord,
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    FileName,
    MonthlySegment,
    write_submission,
)

ROOT = Path(__file__).resolve().parents[1]
FLOOR_RATE = 20_000
FLOOR_MB = 300
INSTITUTION = "B10211000H0001"
NAMES = ("张三", "李四", "王五", "赵六", "陈静", "刘洋", "黄磊", "周敏", "吴昊", "郑爽")
MONTHS = {1: (date(2025, 1, 1), date(2025, 1, 31)), 2: (date(2025, 2, 1), date(2025, 2, 28))}
CLOCK = FixedClock(datetime(2025, 3, 2, 1, 0, tzinfo=UTC))


def file_name(month: int) -> FileName:
    """Month 1 goes out on 1 February, month 2 on 1 March."""
    return FileName(INSTITUTION, MONTHS[month][1] + timedelta(days=1), "210", "001")


def records(count: int, month: int) -> Iterator[str]:
    """The lines of ``count`` accounts' reports for ``month`` (1: first reports, 2: month end)."""
    first, rpt = MONTHS[month]
    born = date(1960, 1, 1)
    for n in range(count):
        kind = AccountType.R4 if n % 5 == 0 else AccountType.R1
        overdue = n % 10 == 2 + month
        balance = 500 + (n * 37 + month * 101) % 20_000
        due = 0 if balance < 600 else balance // 10
        holder = ResidentId.make("110105", born + timedelta(days=n // 1000), n % 1000)
        base = BaseSegment(
            acct_type=kind,
            acct_code=f"{INSTITUTION}{kind}{n:012d}",
            rpt_date=rpt,
            rpt_date_code=ReportTimingCode.FIRST_MONTHLY
            if month == 1
            else ReportTimingCode.MONTHLY,
            name=NAMES[n % len(NAMES)],
            id_type=IdType.RESIDENT_ID,
            id_num=str(holder),
            mngmt_org_code=INSTITUTION,
        )
        monthly = MonthlySegment(
            month=first,
            sett_date=first.replace(day=10),
            acct_status=AccountStatus.OVERDUE if overdue else AccountStatus.NORMAL,
            acct_bal=balance,
            rem_rep_prd=0 if kind is AccountType.R1 else 12 - month,
            five_cate=FiveCategory.SPECIAL_MENTION if overdue else FiveCategory.PASS,
            five_cate_adj_date=date(2024, 6, 1),
            rpy_status=RepaymentStatus.OVERDUE_1_30 if overdue else RepaymentStatus.PAID_AS_AGREED,
            overd_prd=1 if overdue else 0,
            tot_overd=due + 50 if overdue else 0,
            overd_princ=due if overdue else 0,
            oved31_60_princ=0,
            oved61_90_princ=0,
            oved91_180_princ=0,
            oved_princ180=0,
            cur_rpy_amt=due,
            act_rpy_amt=0 if overdue else due,
            lat_rpy_date=date(2024, 12, 10) if overdue else first.replace(day=10),
            close_date=None,
        )
        if month != 1:
            yield AccountRecord(base, monthly=monthly).to_line()
            continue
        opened = date(2023, 1, 1) + timedelta(days=n % 300)
        revolving = kind is AccountType.R1
        terms = BasicInfoSegment(
            busi_lines=BusinessLine.LOAN,
            busi_dtl_lines=BusinessDetail("91"),
            open_date=opened,
            cy=Currency("CNY"),
            acct_cred_line=20_000 + n % 30_000 if revolving else None,
            loan_amt=None if revolving else 6_000 + n % 10_000,
            due_date=opened + timedelta(days=3 * 365),
            repay_mode=RepaymentMode("33" if revolving else "11"),
            repay_freqcy=RepaymentFrequency("03"),
            repay_prd=None if revolving else 12,
            apply_busi_dist="110105",
            guar_mode=GuaranteeMode.UNSECURED,
            oth_repy_guar_way=OtherRepayGuarantee("0"),
            asset_trand_flag=AssetTransferFlag("0"),
            fund_sou=FundSource("1"),
            loan_form=LoanForm("1"),
        )
        agreement = CreditLineSegment(mcc=f"{INSTITUTION}CRL{n:012d}")
        yield AccountRecord(
            base, basic_info=terms, credit_line=agreement, monthly=monthly
        ).to_line()


def submission(cache: Path, count: int, month: int) -> Path:
    """The month's file for ``count`` accounts, written once into ``cache``."""
    folder = cache / f"{count}" / f"month{month}"
    name = file_name(month)
    path = folder / name.render()
    if not path.exists():
        started = time.perf_counter()
        created = datetime.combine(name.file_date, datetime.min.time()).replace(hour=1)
        path = write_submission(folder, name, created, records(count, month))
        print(
            f"ingest.generate month={month} records={count} "
            f"seconds={time.perf_counter() - started:.0f} file_mb={path.stat().st_size / 2**20:.0f}"
        )
    return path


# --- one measured ingestion, in its own process -------------------------------------------


def child_ingest(
    url: str, path: Path, workers: int, chunk_lines: int, answers: Path
) -> dict[str, Any]:
    engine = make_engine(url)
    started = time.perf_counter()
    with unit_of_work(engine) as session:
        ingestor = Ingestor(session, CLOCK, workers=workers, chunk_lines=chunk_lines)
        result = ingestor.ingest(path)
    answer(result, answers, CLOCK.now())
    seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "records": result.records,
        "accepted": result.accepted,
        "rejected": result.rejected,
    }


def _tree(pid: int) -> list[int]:
    found, unvisited = [], [pid]
    while unvisited:
        current = unvisited.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    unvisited.extend(int(c) for c in children.read().split())
            except OSError:
                continue
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(*args: str) -> dict[str, Any]:
    """Run ``bench/ingest.py --child ...`` in a fresh process: its figures, its peak resident
    set (largest process of its tree, from ``wait4``) and the sampled peak sum over its tree."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, __file__, *args], stdout=out, stderr=err, cwd=ROOT
        )
        tree_mb = 0.0
        stop = threading.Event()

        def sample() -> None:
            nonlocal tree_mb
            while not stop.wait(0.05):
                tree_mb = max(tree_mb, _rss_mb(_tree(child.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        stop.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"bench child failed: {err.read().strip()[-3000:]}")
        figures: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    figures["peak_mb"] = usage.ru_maxrss / 1024
    figures["tree_mb"] = tree_mb
    figures["cpu_s"] = usage.ru_utime + usage.ru_stime
    return figures


# --- the stores -------------------------------------------------------------------------


def _empty_bureau(url: str) -> None:
    engine = make_engine(url)
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        register(session, CLOCK, INSTITUTION, "示例银行", InstitutionKind.BANK)
    engine.dispose()


def _postgres() -> Any:
    """A throwaway PostgreSQL server (the test suite's), or ``None`` without the binaries."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    pgserver = importlib.import_module("tests.pgserver")
    bin_dir = pgserver.find_bin_dir()
    if bin_dir is None:
        return None
    server = pgserver.PostgresServer(bin_dir)
    server.start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-lines", type=int, default=CHUNK_LINES)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench" / "ingest")
    parser.add_argument("--child", choices=("ingest",))
    parser.add_argument("--url")
    parser.add_argument("--path", type=Path)
    parser.add_argument("--answers", type=Path)
    args = parser.parse_args()
    if args.child == "ingest":
        figures = child_ingest(args.url, args.path, args.workers, args.chunk_lines, args.answers)
        print(json.dumps(figures))
        return
    count, runs, workers = args.records, args.runs, args.workers
    print(
        f"ingest.machine cpus={os.cpu_count()} python={sys.version.split()[0]} "
        f"workers={workers} chunk_lines={args.chunk_lines}"
    )
    files = {month: submission(args.cache, count, month) for month in MONTHS}
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    server = _postgres() if "postgresql" in backends else None
    if "postgresql" in backends and server is None:
        print("ingest.skip backend=postgresql reason=no PostgreSQL server binaries found")
        backends.remove("postgresql")
    figures: dict[tuple[str, int], list[dict[str, Any]]] = {}
    try:
        for backend in backends:
            for run in range(1, runs + 1):
                with tempfile.TemporaryDirectory(prefix="zhengxin-bench-") as scratch:
                    url = (
                        f"sqlite:///{scratch}/bureau.sqlite3"
                        if backend == "sqlite"
                        else server.new_database("bench")
                    )
                    _empty_bureau(url)
                    for month, path in files.items():
                        found = measure(
                            "--child",
                            "ingest",
                            "--url",
                            url,
                            "--path",
                            str(path),
                            "--workers",
                            str(workers),
                            "--chunk-lines",
                            str(args.chunk_lines),
                            "--answers",
                            str(Path(scratch) / f"answers{month}"),
                        )
                        if found["accepted"] != count:
                            raise SystemExit(f"month {month}: only {found['accepted']} accepted")
                        figures.setdefault((backend, month), []).append(found)
                        print(
                            f"ingest.run backend={backend} month={month} records={count} "
                            f"run={run}/{runs} seconds={found['seconds']:.1f} "
                            f"rate={count / found['seconds']:.0f} "
                            f"peak_mb={found['peak_mb']:.0f} tree_mb={found['tree_mb']:.0f} "
                            f"cpu_s={found['cpu_s']:.1f} load1={os.getloadavg()[0]:.1f}"
                        )
                    if backend == "postgresql":
                        server.drop_database(url)
    finally:
        if server is not None:
            server.stop()
    print()
    print(f"| backend    | month | records   | rate rec/s | peak MB | tree MB | workers={workers}")
    print("|------------|-------|-----------|------------|---------|---------|")
    verdicts = []
    for (backend, month), found in figures.items():
        rate = count / statistics.median(f["seconds"] for f in found)
        peak = max(f["peak_mb"] for f in found)
        tree = max(f["tree_mb"] for f in found)
        cells = f"{rate:>10,.0f} | {peak:>7.0f} | {tree:>7.0f}"
        print(f"| {backend:<10} | {month:>5} | {count:>9,} | {cells} |")
        fast = backend != "sqlite" or rate >= FLOOR_RATE
        verdicts.append(fast and peak < FLOOR_MB and tree < FLOOR_MB)
    verdict = "met" if all(verdicts) else "NOT met"
    print(
        f"ingest.floor rate>={FLOOR_RATE} (sqlite) peak_mb<{FLOOR_MB} runs={runs} "
        f"median=true floor={verdict}"
    )


if __name__ == "__main__":
    main()
