"""Interface benchmark: write, then read and fully validate, a monthly file of 210 records.

Run from the repository root::

    .venv/bin/python bench/pboc.py                    # 1,000,000 records, 3 runs of each
    .venv/bin/python bench/pboc.py --records 100000 --runs 1

Every figure is one line ``pboc.<what> key=value ...``:

``pboc.write``
    Building N typed month-end records (``AccountRecord``: base + monthly segment, R1 revolving
    lines and R4 cash loans, a tenth of them overdue with their buckets) and writing them with
    ``write_submission`` (typed record → canonical line → file, header with the true count).
``pboc.validate``
    ``check_file`` on that file in one streamed pass, as ``zhengxin pboc validate`` does: the
    file-level rules (name, header, separators, encoding, line lengths, record count) and every
    record rule of §3-§4 on every line. Every record must pass; the run fails otherwise.

Each measurement runs in its own child process on one core, so ``peak_mb`` (the child's peak
resident memory) is that step's own. ``rate`` is records per second of wall time. One line per
run (``run=i/K``), then the median of the runs (``median=true``) against the floor: read +
validate ≥ 25,000 records/s, peak memory < 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from zhengxin.codes import (
    AccountStatus,
    AccountType,
    FiveCategory,
    IdType,
    RepaymentStatus,
    ReportTimingCode,
)
from zhengxin.kernel.identity import ResidentId
from zhengxin.pboc import AccountRecord, BaseSegment, FileName, MonthlySegment, write_submission
from zhengxin.pboc.validator import check_file

FLOOR_RATE = 25_000
FLOOR_MB = 200
INSTITUTION = "B10211000H0001"
FILE_DAY = date(2025, 2, 1)
NAMES = ("张三", "李四", "王五", "赵六", "陈静", "刘洋", "黄磊", "周敏", "吴昊", "郑爽")


def records(count: int) -> Iterator[str]:
    """The lines of ``count`` varied, valid month-end records for January 2025."""
    ids = [
        str(ResidentId.make("110105", date(1970 + n % 30, 1 + n % 12, 1 + n % 28), n))
        for n in range(997)
    ]
    rpt = date(2025, 1, 31)
    for n in range(count):
        kind = AccountType.R4 if n % 5 == 0 else AccountType.R1
        overdue = n % 10 == 3
        balance = 500 + (n * 37) % 20_000
        due = 0 if balance < 600 else balance // 10
        base = BaseSegment(
            acct_type=kind,
            acct_code=f"{INSTITUTION}{kind}{n:012d}",
            rpt_date=rpt,
            rpt_date_code=ReportTimingCode.MONTHLY,
            name=NAMES[n % len(NAMES)],
            id_type=IdType.RESIDENT_ID,
            id_num=ids[n % len(ids)],
            mngmt_org_code=INSTITUTION,
        )
        overdue_amount = due + 50 if overdue else 0
        monthly = MonthlySegment(
            month=date(2025, 1, 1),
            sett_date=date(2025, 1, 10),
            acct_status=AccountStatus.OVERDUE if overdue else AccountStatus.NORMAL,
            acct_bal=balance,
            rem_rep_prd=0 if kind is AccountType.R1 else 6,
            five_cate=FiveCategory.SPECIAL_MENTION if overdue else FiveCategory.PASS,
            five_cate_adj_date=date(2024, 6, 1),
            rpy_status=RepaymentStatus.OVERDUE_1_30 if overdue else RepaymentStatus.PAID_AS_AGREED,
            overd_prd=1 if overdue else 0,
            tot_overd=overdue_amount,
            overd_princ=due if overdue else 0,
            oved31_60_princ=0,
            oved61_90_princ=0,
            oved91_180_princ=0,
            oved_princ180=0,
            cur_rpy_amt=due,
            act_rpy_amt=0 if overdue else due,
            lat_rpy_date=date(2024, 12, 10) if overdue else date(2025, 1, 10),
            close_date=None,
        )
        yield AccountRecord(base, monthly=monthly).to_line()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_write(folder: Path, count: int) -> dict[str, float]:
    name = FileName(INSTITUTION, FILE_DAY, "210", "001")
    started = time.perf_counter()
    path = write_submission(folder, name, datetime(2025, 2, 1, 1, 0), records(count))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_mb(), "bytes": path.stat().st_size}


def child_validate(path: Path) -> dict[str, float]:
    started = time.perf_counter()
    check = check_file(path, verify_first=False)
    bad = None
    for result in check.records():
        if result.errors and bad is None:
            bad = result
    seconds = time.perf_counter() - started
    if check.file_errors:
        raise SystemExit(f"file refused: {check.file_errors}")
    if bad is not None:
        raise SystemExit(f"line {bad.line} has errors: {bad.errors}")
    return {"seconds": seconds, "peak_mb": _peak_mb(), "records": check.accepted}


def _run_child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench child failed: {done.stderr.strip() or done.stdout.strip()}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=("write", "validate"))
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.child == "write":
        print(json.dumps(child_write(Path(args.path), args.records)))
        return
    if args.child == "validate":
        print(json.dumps(child_validate(Path(args.path))))
        return
    count, runs = args.records, args.runs
    print(f"pboc.machine cpus={os.cpu_count()} python={sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="zhengxin-bench-") as scratch:
        folder = Path(scratch)
        writes, checks = [], []
        path = folder / "B10211000H00012025020121000010.txt"
        for run in range(1, runs + 1):
            if path.exists():
                path.unlink()
            figures = _run_child("--child", "write", "--path", str(folder), "--records", str(count))
            writes.append(figures)
            print(
                f"pboc.write records={count} run={run}/{runs} seconds={figures['seconds']:.1f} "
                f"rate={count / figures['seconds']:.0f} peak_mb={figures['peak_mb']:.0f} "
                f"file_mb={figures['bytes'] / 2**20:.0f}"
            )
        for run in range(1, runs + 1):
            figures = _run_child("--child", "validate", "--path", str(path))
            checks.append(figures)
            print(
                f"pboc.validate records={count} run={run}/{runs} "
                f"seconds={figures['seconds']:.1f} rate={count / figures['seconds']:.0f} "
                f"peak_mb={figures['peak_mb']:.0f}"
            )
    write_rate = count / statistics.median(f["seconds"] for f in writes)
    rate = count / statistics.median(f["seconds"] for f in checks)
    peak = max(f["peak_mb"] for f in checks)
    print(
        f"pboc.write records={count} runs={runs} median=true rate={write_rate:.0f} "
        f"peak_mb={max(f['peak_mb'] for f in writes):.0f}"
    )
    verdict = "met" if rate >= FLOOR_RATE and peak < FLOOR_MB else "NOT met"
    print(
        f"pboc.validate records={count} runs={runs} median=true rate={rate:.0f} "
        f"peak_mb={peak:.0f} floor_rate={FLOOR_RATE} floor_mb={FLOOR_MB} floor={verdict}"
    )


if __name__ == "__main__":
    main()
