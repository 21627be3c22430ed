"""Furnishing jobs: the day's events and the month's settlement, written as 210 files.

A file holds one record type for one institution and day (``pboc-records.md`` §2); each file
the lender writes is recorded so that its serial number never repeats within a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from zhengxin.furnishing import records
from zhengxin.kernel.clock import CHINA, month_end
from zhengxin.kernel.log import get_logger
from zhengxin.lender.models import CreditLine, FurnishedFile
from zhengxin.lender.service import LenderService
from zhengxin.pboc import AccountRecord, FileName, write_submission

log = get_logger(__name__)

RECORD_TYPE = "210"


@dataclass(frozen=True, slots=True)
class Furnished:
    """A file written: where it is and what it holds."""

    path: Path
    records: tuple[AccountRecord, ...]


class Furnisher:
    """Builds the lender's 210 records and writes them into ``outbox``."""

    def __init__(self, lender: LenderService, outbox: Path) -> None:
        self.lender = lender
        self.outbox = outbox

    @property
    def institution(self) -> str:
        return self.lender.institution.code

    def reported(self, line: CreditLine) -> records.ReportedLine:
        return records.ReportedLine(
            line=line,
            subject=self.lender.subject_of(line),
            product=self.lender.product_of(line),
            institution=self.institution,
            line_due_date=self.lender.line_due_date(line),
        )

    def event_records(self, day: date) -> list[AccountRecord]:
        """Code 10 for each line opened on ``day``; code 20 for each line closed on it."""
        out = [
            records.opening_record(self.reported(line), self.lender.month_facts(line, day, day))
            for line in self.lender.repo.lines_opened_on(day)
        ]
        out += [
            records.closing_record(self.reported(line), self.lender.month_facts(line, day, day))
            for line in self.lender.repo.lines_closed_on(day)
        ]
        return out

    def month_end_records(self, month: date) -> list[AccountRecord]:
        """Code 30 for every line open at the end of ``month`` (closures went out as 20)."""
        last = month_end(month)
        return [
            records.monthly_record(self.reported(line), self.lender.month_facts(line, month))
            for line in self.lender.repo.lines_open_on(last)
            if not _closed_by(line, last)
        ]

    def write(self, day: date, batch: list[AccountRecord], at: time = time(23, 0)) -> Furnished:
        """Write ``batch`` as the next 210 file of ``day`` and record it."""
        serial = self.lender.repo.next_serial(day, RECORD_TYPE)
        name = FileName(
            institution=self.institution,
            file_date=day,
            record_type=RECORD_TYPE,
            serial=f"{serial:03d}",
        )
        created = datetime.combine(day, at)
        path = write_submission(self.outbox, name, created, (r.to_line() for r in batch))
        self.lender.session.add(
            FurnishedFile(
                file_name=path.name,
                file_date=day,
                record_type=RECORD_TYPE,
                serial=name.serial,
                record_count=len(batch),
                created_at=datetime.combine(day, at, tzinfo=CHINA),
            )
        )
        self.lender.session.flush()
        log.info("furnishing.file_written", file=path.name, records=len(batch))
        return Furnished(path, tuple(batch))


def _closed_by(line: CreditLine, day: date) -> bool:
    return line.closed_on is not None and line.closed_on <= day
