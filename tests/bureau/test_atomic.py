"""A submission file is applied whole or not at all: killed half-way, refused, or sent twice.

The kill tests run the ingestion in a child process, wait until it has written a few chunks
into its transaction, kill it with SIGKILL (no cleanup of any kind runs), and then show that the
store holds exactly what it held before, and that the same file then goes in whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import types
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.bureau.test_load import CLOCK, INSTITUTION, record, submit
from tests.conftest import Backend, row_counts
from zhengxin.bureau.ingest import Ingestor
from zhengxin.bureau.models import BureauBase, Submission
from zhengxin.bureau.outcome import IngestResult, Rejection
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.kernel.clock import Clock
from zhengxin.kernel.db import make_engine, migrate, unit_of_work
from zhengxin.kernel.errors import FileRejected
from zhengxin.pboc import FileContext, FileName, write_submission

CHILD = """
import sys
from datetime import date
from pathlib import Path

from zhengxin.bureau.ingest import Ingestor
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.clock import Clock
from zhengxin.kernel.db import make_engine, unit_of_work


def progress(done):
    print(done, flush=True)


if __name__ == "__main__":
    url, path, workers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    with unit_of_work(make_engine(url)) as session:
        ingestor = Ingestor(session, FixedClock.on(date(2025, 4, 1)), workers, chunk_lines=500)
        ingestor.ingest(path, progress)
    print("committed", flush=True)
"""
RECORDS = 20_000


@dataclass
class Store:
    url: str
    engine: Engine

    def counts(self) -> dict[str, int]:
        return row_counts(self.engine, BureauBase.metadata)

    def ingest(self, path: Path, **options: Any) -> IngestResult:
        with unit_of_work(self.engine) as session:
            return Ingestor(session, CLOCK, **options).ingest(path)


def bureau_store(backend: Backend, **registration: Any) -> Store:
    url = backend.url("bureau")
    engine = make_engine(url)
    backend._cleanup.append(engine.dispose)
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        register(
            session,
            CLOCK,
            INSTITUTION,
            "示例银行",
            registration.pop("kind", InstitutionKind.BANK),
            **registration,
        )
    return Store(url, engine)


@pytest.fixture
def store(backend: Backend) -> Store:
    return bureau_store(backend)


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """January's first reports of 20,000 accounts."""
    lines = (record(f"R1A{n:05d}", date(2025, 1, 31), "31", person=n % 2) for n in range(RECORDS))
    return submit(tmp_path_factory.mktemp("large"), list(lines), "900")


def children(pid: int) -> list[int]:
    """The processes ``pid`` started and that still run (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.parametrize("workers", [0, 2])
def test_a_kill_half_way_leaves_the_store_as_it_was(
    store: Store, large_file: Path, tmp_path: Path, workers: int
) -> None:
    store.ingest(submit(tmp_path, [record("R4L01", date(2025, 1, 31), "31", "R4")]))
    before = store.counts()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, store.url, str(large_file), str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    done = 0
    for line in child.stdout:
        assert line.strip() != "committed", "the file went in before it could be killed"
        done = int(line)
        if done >= 1_500:  # three chunks written into the open transaction
            workers_of_child = children(child.pid)
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    assert 1_500 <= done < RECORDS
    assert store.counts() == before
    # The workers end with the process that started them, rather than wait forever.
    assert len(workers_of_child) >= workers
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers_of_child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers_of_child if alive(pid)]

    result = store.ingest(large_file)
    assert (result.records, result.accepted, result.rejected) == (RECORDS, RECORDS, 0)
    after = store.counts()
    assert after["account"] == before["account"] + RECORDS
    assert after["account_month"] == before["account_month"] + RECORDS
    assert after["submission"] == before["submission"] + 1


def test_the_same_file_twice_is_a_duplicate_and_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    path = submit(tmp_path, [record("R1A01", date(2025, 1, 31), "31")])
    store.ingest(path)
    before = store.counts()
    again = store.ingest(path)
    assert again.duplicate is True
    assert (again.records, again.accepted, again.rejected) == (0, 0, 0)
    assert store.counts() == before


def test_the_same_name_with_other_content_is_refused(store: Store, tmp_path: Path) -> None:
    path = submit(tmp_path, [record("R1A01", date(2025, 1, 31), "31")])
    store.ingest(path)
    before = store.counts()
    path.unlink()
    other = submit(tmp_path, [record("R1A02", date(2025, 1, 31), "31")])
    assert other.name == path.name
    with pytest.raises(FileRejected) as refused:
        store.ingest(other)
    assert refused.value.code == "ABF009"
    assert f"a file named {path.name} was already received" in refused.value.message
    assert "other content" in refused.value.message
    assert store.counts() == before


def test_a_record_type_the_institution_may_not_submit_is_refused(
    backend: Backend, tmp_path: Path
) -> None:
    store = bureau_store(backend, record_types=["110", "220"])
    before = store.counts()
    with pytest.raises(FileRejected) as refused:
        store.ingest(submit(tmp_path, [record("R1A01", date(2025, 1, 31), "31")]))
    assert refused.value.code == "ABH006"
    assert INSTITUTION in refused.value.message
    assert "record type 210" in refused.value.message and "110, 220" in refused.value.message
    assert store.counts() == before


def test_an_institution_that_is_not_a_lender_may_not_submit(
    backend: Backend, tmp_path: Path
) -> None:
    store = bureau_store(backend, kind=InstitutionKind.OTHER)
    with pytest.raises(FileRejected) as refused:
        store.ingest(submit(tmp_path, [record("R1A01", date(2025, 1, 31), "31")]))
    assert refused.value.code == "ABN004"
    assert "not a lender" in refused.value.message


def _file_110(folder: Path) -> Path:
    name = FileName(INSTITUTION, date(2025, 4, 1), "110", "001")
    line = "<Document><InBasInf><BsSgmt><InfRecType>110</InfRecType></BsSgmt></InBasInf></Document>"
    return write_submission(folder, name, CLOCK.now(), [line, line])


def test_other_record_types_go_to_their_own_applier(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def ingest_other(
        session: Session,
        clock: Clock,
        submission: Submission,
        lines: Iterable[tuple[int, str]],
        context: FileContext,
    ) -> tuple[int, list[Rejection]]:
        seen["lines"] = [number for number, _ in lines]
        seen["type"] = (submission.record_type, context.record_type, submission.id is not None)
        return 1, [Rejection(2, "", (), "line two")]

    fake = types.ModuleType("zhengxin.bureau.apply_more")
    fake.ingest_other = ingest_other
    monkeypatch.setitem(sys.modules, "zhengxin.bureau.apply_more", fake)
    result = store.ingest(_file_110(tmp_path))
    assert seen == {"lines": [1, 2], "type": ("110", "110", True)}
    assert (result.records, result.accepted, result.rejected) == (2, 1, 1)


def test_without_an_applier_other_record_types_are_refused_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "zhengxin.bureau.apply_more", None)
    before = store.counts()
    with pytest.raises(FileRejected) as refused:
        store.ingest(_file_110(tmp_path))
    assert refused.value.code == "ABF007"
    assert "record type 110" in refused.value.message
    assert store.counts() == before


@pytest.mark.parametrize("workers", [0, 2])
def test_a_file_level_fault_found_in_the_body_refuses_the_file_whoever_reads_it(
    store: Store, tmp_path: Path, workers: int
) -> None:
    """Line 2 ends with LF alone: the line checks refuse the file (ABF010) before anything
    is written, whether they run here or in a worker."""
    lines = [record(f"R1A{n:02d}", date(2025, 1, 31), "31") for n in range(4)]
    path = submit(tmp_path, lines)
    data = path.read_bytes()
    header_end = data.index(b"\r\n")
    second_end = data.index(b"\r\n", data.index(b"\r\n", header_end + 2) + 2)
    path.write_bytes(data[:second_end] + data[second_end + 1 :])
    before = store.counts()
    with pytest.raises(FileRejected) as refused:
        store.ingest(path, workers=workers)
    assert refused.value.code == "ABF010"
    assert "line 2" in refused.value.message
    assert store.counts() == before
