"""Furnishing jobs: the day's events and the month's settlement, written as 210 files.

A file holds one record type for one institution and day (``pboc-records.md`` §2); each file
the lender writes is recorded so that its serial number never repeats within a day.

A furnisher works for one bureau, and every record passes two gates before it is written:

* **consent** (art. 13, 29): the subject holds, at the file's instant, a signature whose
  document covers reporting to this bureau. The closure record is the exception: it goes out
  when a covering signature was in force on the closing day, since closing the last line is
  what revoked it;
* **notice** (art. 15): a record carrying adverse information goes out only when the
  account's latest adverse spell begun by the record's date has its notice sent at least the
  product's ``adverse_notice_days`` before the file.

A record that fails a gate is held back (listed in :attr:`Furnisher.held_back` and logged);
the next month-end record reports the account's state in full once the gate opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from zhengxin.codes import Bureau, ReportTimingCode
from zhengxin.furnishing import records
from zhengxin.kernel.clock import CHINA, china_time, month_end, stored_instant
from zhengxin.kernel.log import get_logger
from zhengxin.lender.consent import Scope
from zhengxin.lender.models import CreditLine, FurnishedFile
from zhengxin.lender.notices import noticed_by
from zhengxin.lender.service import LenderService
from zhengxin.pboc import AccountRecord, FileName, write_submission

log = get_logger(__name__)

RECORD_TYPE = "210"
FILE_TIME = time(23, 0)
NO_AUTHORIZATION = "no_report_authorization"
NOTICE_PENDING = "adverse_notice_pending"


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A record the gates kept from the bureau, and why."""

    account_code: str
    timing: str
    reason: str


@dataclass(frozen=True, slots=True)
class Furnished:
    """A file written: where it is and what it holds."""

    path: Path
    records: tuple[AccountRecord, ...]


class Furnisher:
    """Builds the lender's 210 records and writes them into ``outbox``."""

    def __init__(self, lender: LenderService, outbox: Path, bureau: str = Bureau.CRC) -> None:
        self.lender = lender
        self.outbox = outbox
        self.bureau = Bureau.parse(bureau).value
        self.held_back: list[HeldBack] = []
        self._authorized_on: dict[date, set[int]] = {}

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
        authorized = self._authorized(day)
        opened = [
            records.opening_record(self.reported(line), self.lender.month_facts(line, day, day))
            for line in self._consented(self.lender.repo.lines_opened_on(day), authorized, "10")
        ]
        closed = [
            records.closing_record(self.reported(line), self.lender.month_facts(line, day, day))
            for line in self.lender.repo.lines_closed_on(day)
            if self._closure_allowed(line.subject_id, line.account_code, day)
        ]
        return self.gate(day, opened + closed)

    def month_end_records(self, month: date) -> list[AccountRecord]:
        """Code 30 for every line open at the end of ``month`` (closures went out as 20)."""
        last = month_end(month)
        authorized = self._authorized(last)
        lines = [
            line for line in self.lender.repo.lines_open_on(last) if not _closed_by(line, last)
        ]
        out = [
            records.monthly_record(self.reported(line), self.lender.month_facts(line, month))
            for line in self._consented(lines, authorized, "30")
        ]
        return self.gate(last, out)

    # -- the gates ------------------------------------------------------------------------

    def instant(self, day: date) -> datetime:
        """When the day's files are written (and the gates are judged)."""
        return china_time(day, FILE_TIME)

    def gate(self, day: date, batch: list[AccountRecord]) -> list[AccountRecord]:
        """The records of ``batch`` that may go to the bureau in ``day``'s file: the consent
        gate, then the notice gate. Every record :meth:`write` writes passes through here."""
        if not batch:
            return batch
        subjects = self.lender.repo.subject_ids([r.base.id_num for r in batch])
        authorized = self._authorized(day)
        consented = []
        for record in batch:
            subject_id = subjects.get(record.base.id_num)
            code = record.base.acct_code
            if subject_id is None:
                self._hold(code, record.base.rpt_date_code.value, NO_AUTHORIZATION)
            elif record.base.rpt_date_code is ReportTimingCode.CLOSED:
                if self._closure_allowed(subject_id, code, record.base.rpt_date):
                    consented.append(record)
            elif subject_id in authorized:
                consented.append(record)
            else:
                self._hold(code, record.base.rpt_date_code.value, NO_AUTHORIZATION)
        return self._noticed(consented, day)

    def _authorized(self, day: date) -> set[int]:
        """The subjects this bureau may be told about at ``day``'s file instant; read once
        per day by a furnisher, which lives for one furnishing run."""
        if day not in self._authorized_on:
            self._authorized_on[day] = self.lender.consent.authorized_subjects(
                Scope.REPORT, self.bureau, self.instant(day)
            )
        return self._authorized_on[day]

    def _consented(
        self, lines: Iterable[CreditLine], authorized: set[int], timing: str
    ) -> list[CreditLine]:
        kept = []
        for line in lines:
            if line.subject_id in authorized:
                kept.append(line)
            else:
                self._hold(line.account_code, timing, NO_AUTHORIZATION)
        return kept

    def _closure_allowed(self, subject_id: int, account_code: str, day: date) -> bool:
        if self.lender.consent.authorized_through(subject_id, Scope.REPORT, self.bureau, day):
            return True
        self._hold(account_code, "20", NO_AUTHORIZATION)
        return False

    def _noticed(self, batch: list[AccountRecord], day: date) -> list[AccountRecord]:
        adverse = [r for r in batch if records.carries_adverse(r)]
        if not adverse:
            return batch
        latest = max(r.base.rpt_date for r in adverse)
        spells = noticed_by(self.lender, [r.base.acct_code for r in adverse], latest)
        file_at = self.instant(day)
        kept = []
        for record in batch:
            code = record.base.acct_code
            if records.carries_adverse(record):
                line = self.lender.repo.line_by_code(code)
                days = self.lender.product_of(line).adverse_notice_days if line else 0
                spell = spells.get(code)
                if (
                    spell is None
                    or spell[0] > record.base.rpt_date
                    or stored_instant(spell[1]) > file_at - timedelta(days=days)
                ):
                    self._hold(code, record.base.rpt_date_code.value, NOTICE_PENDING)
                    continue
            kept.append(record)
        return kept

    def _hold(self, account_code: str, timing: str, reason: str) -> None:
        self.held_back.append(HeldBack(account_code, timing, reason))
        log.info(
            "furnishing.held_back",
            account=account_code,
            bureau=self.bureau,
            timing=timing,
            reason=reason,
        )

    def write(self, day: date, batch: list[AccountRecord], at: time = FILE_TIME) -> Furnished:
        """Write what of ``batch`` passes the gates as the next 210 file of ``day``, and
        record it."""
        batch = self.gate(day, batch)
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
