"""Furnishing jobs: what each day owes a bureau, as 110, 220 and 210 files.

A furnisher works for one bureau and writes into that bureau's outbox
(:func:`bureau_outbox`: ``outbox/<BUREAU>/``). :meth:`Furnisher.furnish` does a whole day:

1. **record 210** for every account (the line, R1, and each cash loan under it, R4), with the
   report-timing code the day calls for (§9.2):

   * **10** on the day a line is opened or a loan drawn;
   * **20** on the day a line closes or a loan is settled (its ``closed_on``/``settled_on``),
     unless that is the month's last day, when the closure is a **32** and replaces the
     month-end record; a closure on the opening day is the account's only record;
   * **30** on the month's last day for every account open at its end, and **31** instead for
     an account this bureau has never been told about (a line that existed before its
     holder authorized the bureau, or whose earlier records were held back), with the
     basic-information and credit-line segments; an account opened that day has its 10;
   * **40** on a day a repayment is posted to an account that had an amount past due at the
     end of the day before and has none at the end of the day, when the account stays open
     and the bureau already knows it (otherwise its next month-end record tells the same).
     It covers recoveries after a write-off as well;
   * a write-off shows in the month-end records, through the account status (41, 42) and
     the repayment status (B) the month facts give;
   * nothing for an account after its closure was reported;

2. **record 220** for each credit agreement (a line's ``agreement_code``): 10 with the first
   210 of the line or of a loan under it, 30 when the limit or the expiry changed since the
   bureau was last told, 20 when the line closes (:mod:`zhengxin.furnishing.agreements`);
3. **record 110** for each subject: 10 with the subject's first 210, 20 when the facts a 110
   reports (name, ID, mailing address) changed since (:mod:`zhengxin.furnishing.basic`).

Files go out per record type in the order 110, 220, 210 (the day's events, then the month
end), so a bureau meets the subject and the agreement before the accounts. Each file is
recorded (:class:`~zhengxin.lender.models.FurnishedFile`, its serial unique per bureau, day and
record type), and so is what it told the bureau
(:class:`~zhengxin.lender.models.Reported`), in the same transaction: that record decides
first report (10, 31, 110 10, 220 10) against update, and makes a day furnished twice
tell the bureau nothing the second time.

Every record passes two gates before it is written:

* **consent** (art. 13, 29): the subject holds, at the file's instant, a signature whose
  document covers reporting to this bureau. A closure (210 code 20 or 32, 220 code 20) is the
  exception: it goes out when a covering signature was in force on the closing day, since
  closing the last line is what revoked it. A 110 or 220 that goes with a 210 follows it;
* **notice** (art. 15): a record carrying adverse information goes out only when the
  account's latest adverse spell begun by the record's date has its notice sent at least the
  product's ``adverse_notice_days`` before the file.

A record that fails a gate is held back (listed in :attr:`Furnisher.held_back` and logged);
the next month-end record reports the account's state in full once the gate opens. An update
(110 20, 220 30) waits silently while the subject's authorization is not in force.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from zhengxin.codes import AgreementReportCode, BasicInfoReportCode, Bureau, ReportTimingCode
from zhengxin.furnishing import agreements, basic, corrections, records
from zhengxin.furnishing.accounts import Account, Accounts
from zhengxin.kernel.clock import CHINA, china_time, month_end, stored_instant
from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.log import get_logger
from zhengxin.lender.books import REPAYMENTS
from zhengxin.lender.consent import Scope
from zhengxin.lender.models import CreditLine, FurnishedFile, Reported, Subject
from zhengxin.lender.notices import noticed_by
from zhengxin.lender.service import LenderService
from zhengxin.pboc import (
    AccountRecord,
    AgreementRecord,
    BasicInfoRecord,
    FileContext,
    FileName,
    check_line,
    read_feedback,
    write_submission,
)
from zhengxin.pboc.corrections import AccountCorrection
from zhengxin.pboc.variants import AccountDeletion

log = get_logger(__name__)

RECORD_TYPE = "210"
FILE_TIME = time(23, 0)
NO_AUTHORIZATION = "no_report_authorization"
NOTICE_PENDING = "adverse_notice_pending"
SUBJECT_INCOMPLETE = "no_mailing_address"
LOAN_REPAYMENTS = ("loan_repayment",)

Record = AccountRecord | BasicInfoRecord | AgreementRecord | AccountDeletion | AccountCorrection
DELETION = "214"
CORRECTION = "212"


def bureau_outbox(root: Path, bureau: str) -> Path:
    """Where the files for ``bureau`` go under the lender's outbox: ``root/<BUREAU>``."""
    return Path(root) / Bureau.parse(bureau).value


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A record the gates kept from the bureau, and why. ``account_code`` is the account's,
    the agreement's or (for a 110) the subject's key."""

    account_code: str
    timing: str
    reason: str


@dataclass(frozen=True, slots=True)
class Furnished:
    """A file written: where it is, what it holds, and for which bureau."""

    path: Path
    records: tuple[Record, ...]
    record_type: str = RECORD_TYPE
    bureau: str = Bureau.CRC.value


@dataclass(frozen=True, slots=True)
class Remedied:
    """What the furnisher made of one feedback file: a verdict for each rejected record, and
    the files it wrote to put things right."""

    feedback: Path
    verdicts: tuple[corrections.Verdict, ...]
    files: tuple[Furnished, ...]

    def needing_a_person(self) -> list[corrections.Verdict]:
        return [v for v in self.verdicts if v.remedy is corrections.Remedy.PERSON]


class Furnisher:
    """Builds the lender's records for one bureau and writes them into ``outbox``."""

    def __init__(self, lender: LenderService, outbox: Path, bureau: str = Bureau.CRC) -> None:
        self.lender = lender
        self.outbox = Path(outbox)
        self.bureau = Bureau.parse(bureau).value
        self.held_back: list[HeldBack] = []
        self.accounts = Accounts(lender)
        self._authorized_on: dict[date, set[int]] = {}

    @property
    def institution(self) -> str:
        return self.lender.institution.code

    # -- the day ----------------------------------------------------------------------------

    def furnish(self, day: date) -> list[Furnished]:
        """Write everything ``day`` owes this bureau (see the module's docstring), in order:
        the 110 file, the 220 file, the day's 210 events, and on a month's last day the
        month-end 210 file. Files with no record are not written."""
        events = self.event_records(day)
        monthly = self.month_end_records(day) if day == month_end(day) else []
        told = [*events, *monthly]
        batches: list[tuple[str, Sequence[Record]]] = [
            ("110", self.subject_records(day, told)),
            ("220", self.agreement_records(day, told)),
            (RECORD_TYPE, events),
            (RECORD_TYPE, monthly),
        ]
        return [self._write(day, kind, batch) for kind, batch in batches if batch]

    def event_records(self, day: date) -> list[AccountRecord]:
        """The day's 210 events: openings (10), closures (20, not on a month's last day) and
        recoveries (40), gated."""
        authorized = self._authorized(day)
        repo = self.lender.repo
        opened = [*map(self.accounts.line, repo.lines_opened_on(day))]
        opened += map(self.accounts.loan, repo.loans_drawn_on(day))
        closed = [*map(self.accounts.line, repo.lines_closed_on(day))]
        closed += map(self.accounts.loan, repo.loans_settled_on(day))
        told = self._told([a.code for a in (*opened, *closed)])
        closing = {a.code for a in closed}
        out: list[AccountRecord] = []
        for account in opened:
            if account.code in closing or account.code in told:
                continue
            if self._consented(account, authorized, ReportTimingCode.OPENED):
                facts = self.accounts.facts(account, day, day)
                out.append(records.opening_record(self.accounts.describe(account), facts, day))
        if day != month_end(day):
            for account in closed:
                row = told.get(account.code)
                if row is not None and row.ended_on is not None:
                    continue
                if self._closure_allowed(account, day, ReportTimingCode.CLOSED):
                    out.append(
                        self._closing(account, day, ReportTimingCode.CLOSED, first=row is None)
                    )
        out += self._recoveries(day, authorized)
        return self.gate(day, out)

    def month_end_records(self, month: date) -> list[AccountRecord]:
        """The month-end 210 records of ``month``: 30 (or 31 for an account this bureau has
        not met) for every account open at its last day, 32 for an account closed on it;
        an account opened on the last day has its opening (10) instead, unless it closed
        that day too. Nothing is told again that the bureau holds already, or anything later
        than. Gated."""
        last = month_end(month)
        authorized = self._authorized(last)
        repo = self.lender.repo
        accounts = [*map(self.accounts.line, repo.lines_open_on(last))]
        accounts += map(self.accounts.loan, repo.loans_open_on(last))
        accounts = [a for a in accounts if a.opened_on < last or a.closed_on == last]
        told = self._told([a.code for a in accounts])
        out: list[AccountRecord] = []
        for account in accounts:
            row = told.get(account.code)
            if row is not None and (row.ended_on is not None or _told_by(row, last, _MONTH_END)):
                continue
            first = row is None
            if account.closed_on == last:
                timing = ReportTimingCode.CLOSED_AT_MONTH_END
                if self._closure_allowed(account, last, timing):
                    out.append(self._closing(account, last, timing, first=first))
                continue
            timing = ReportTimingCode.FIRST_MONTHLY if first else ReportTimingCode.MONTHLY
            if self._consented(account, authorized, timing):
                facts = self.accounts.facts(account, last)
                described = self.accounts.describe(account)
                out.append(records.monthly_record(described, facts, last, first=first))
        return self.gate(last, out)

    def subject_records(self, day: date, told: Sequence[AccountRecord]) -> list[BasicInfoRecord]:
        """Record 110 for ``day``: a first report (10) of each subject of ``told`` (the day's
        210s that passed the gates) this bureau has not met, and an update (20) of each
        subject it has met whose reported facts changed, while their authorization is in
        force."""
        repo = self.lender.repo
        firsts = {basic.subject_key(r.base.id_type.value, r.base.id_num) for r in told}
        new = sorted(firsts - set(repo.reported(self.bureau, "110", firsts)))
        live = repo.reported_live(self.bureau, "110")
        subjects = self._subjects([*new, *(row.key for row in live)])
        out: list[BasicInfoRecord] = []
        for key in new:
            subject = subjects.get(key)
            if subject is None:
                continue
            record = basic.basic_record(
                subject, self.institution, day, BasicInfoReportCode.NEW_CUSTOMER
            )
            if record is None:
                self._hold(key, BasicInfoReportCode.NEW_CUSTOMER.value, SUBJECT_INCOMPLETE)
                continue
            out.append(record)
        authorized = self._authorized(day)
        for row in live:
            subject = subjects.get(row.key)
            if subject is None or subject.id not in authorized:
                continue
            if basic.subject_digest(subject) == row.digest:
                continue
            update = basic.basic_record(subject, self.institution, day, BasicInfoReportCode.UPDATE)
            if update is not None:
                out.append(update)
        return out

    def agreement_records(self, day: date, told: Sequence[AccountRecord]) -> list[AgreementRecord]:
        """Record 220 for ``day``: the start (10) of each agreement ``told`` (the day's 210s
        that passed the gates) draws on and this bureau has not met, or its end (20) when
        the line is closed by then; the end (20) of each agreement the bureau knows whose
        line closed; a limit adjustment (30) of each whose limit or expiry changed."""
        lines: dict[str, CreditLine] = {}
        for record in told:
            account = self.accounts.by_code(record.base.acct_code)
            if account is not None:
                lines.setdefault(account.line.agreement_code, account.line)
        rows = self.lender.repo.reported(self.bureau, "220", lines)
        out: list[AgreementRecord] = []
        for code in sorted(set(lines) - set(rows)):
            line = lines[code]
            ended = line.closed_on is not None and line.closed_on <= day
            timing = AgreementReportCode.EXPIRED if ended else AgreementReportCode.STARTED
            out.append(self._agreement(line, day, timing))
        authorized = self._authorized(day)
        live = self.lender.repo.reported_live(self.bureau, "220")
        by_code = self.lender.repo.lines_by_agreement(row.key for row in live)
        for row in live:
            known = by_code.get(row.key)
            if known is None:
                continue
            line = known
            if line.closed_on is not None and line.closed_on <= day:
                through = self.lender.consent.authorized_through(
                    line.subject_id, Scope.REPORT, self.bureau, line.closed_on
                )
                if through:
                    out.append(self._agreement(line, day, AgreementReportCode.EXPIRED))
                elif line.closed_on == day:
                    self._hold(row.key, AgreementReportCode.EXPIRED.value, NO_AUTHORIZATION)
            elif line.subject_id in authorized and row.digest != agreements.line_digest(
                line, self.lender.line_due_date(line)
            ):
                out.append(self._agreement(line, day, AgreementReportCode.LIMIT_CHANGED))
        return out

    def rebuild(self, account_code: str, timing: str, report_date: date) -> AccountRecord | None:
        """The record 210 the ledger gives for ``account_code`` with report-timing code
        ``timing`` dated ``report_date``, as this furnisher would build it (the gates aside);
        None when the lender holds no such account.

        A closure (20, 32) carries the basic-information and credit-line segments when this
        bureau was never told about the account. Raises :class:`InvalidInput` for a code the
        furnisher does not send (90) or a date before the account opened.
        """
        account = self.accounts.by_code(account_code)
        if account is None:
            return None
        try:
            code = ReportTimingCode(timing)
        except ValueError:
            raise InvalidInput(
                "furnishing.timing", f"{timing!r} is not a report-timing code of record 210"
            ) from None
        if report_date < account.opened_on:
            raise InvalidInput(
                "furnishing.before_opening",
                f"account {account_code} opened on {account.opened_on}, after {report_date}",
            )
        described = self.accounts.describe(account)
        facts = self.accounts.facts(account, report_date, report_date)
        if code is ReportTimingCode.OPENED:
            return records.opening_record(described, facts, report_date)
        if code in (ReportTimingCode.MONTHLY, ReportTimingCode.FIRST_MONTHLY):
            first = code is ReportTimingCode.FIRST_MONTHLY
            return records.monthly_record(described, facts, report_date, first=first)
        if code in records.CLOSURES:
            first = account_code not in self._told([account_code])
            return self._closing(account, report_date, code, first=first)
        if code is ReportTimingCode.RECOVERED:
            repaid = self._repaid(account, report_date)
            return records.recovery_record(described, facts, report_date, repaid)
        raise InvalidInput(
            "furnishing.timing", f"the furnisher does not send records with code {timing}"
        )

    def correct_month(
        self, day: date, account_code: str, month: date, **changes: object
    ) -> Furnished:
        """Correct a month the bureau holds wrong (a disputed month, art. 25): rebuild the
        month-end record of ``month`` from the ledger, replace the fields of its monthly
        segment named in ``changes`` (:func:`~zhengxin.furnishing.corrections.month_correction`)
        and write the 212 as ``day``'s next 212 file, once it passes every rule of record 212.

        The correction names the report of ``month``'s last day, the one a month-end record
        (30, 31, 32) gives the bureau; a month whose last report was another one (a closure
        mid-month) is refused by the bureau (BMR008). It does not pass the consent and notice
        gates: it puts right what the bureau already holds, which the subject's objection asks
        for, and tells it nothing new. Raises :class:`InvalidInput` for an account the lender
        does not hold (``furnishing.unknown_account``), a month before the account opened, a
        change that does not fit the segment, or a correction that breaks a rule
        (``furnishing.correction_rules``).
        """
        last = month_end(month)
        record = self.rebuild(account_code, ReportTimingCode.MONTHLY.value, last)
        if record is None:
            raise InvalidInput(
                "furnishing.unknown_account",
                f"the lender holds no account {account_code}, so it has no month to correct",
            )
        correction = corrections.month_correction(record, **changes)
        context = FileContext(CORRECTION, day, self.institution)
        errors = check_line(correction.to_line(), CORRECTION, context)
        if errors:
            listed = "; ".join(f"{e.code} {e.tag}: {e.message}" for e in errors)
            raise InvalidInput(
                "furnishing.correction_rules",
                f"the correction of {account_code} for {month:%Y-%m} breaks the rules of record "
                f"212: {listed}",
                errors=[e.as_dict() for e in errors],
            )
        log.info(
            "furnishing.month_corrected",
            account=account_code,
            bureau=self.bureau,
            month=f"{month:%Y-%m}",
            fields=",".join(sorted(changes)),
        )
        return self._write(day, CORRECTION, [correction])

    # -- building -------------------------------------------------------------------------

    def _closing(
        self, account: Account, day: date, timing: ReportTimingCode, *, first: bool
    ) -> AccountRecord:
        facts = self.accounts.facts(account, day, day)
        return records.closing_record(
            self.accounts.describe(account), facts, day, timing, first=first
        )

    def _recoveries(self, day: date, authorized: set[int]) -> list[AccountRecord]:
        """40 for each account whose repayment today cleared what was past due last night."""
        repo = self.lender.repo
        repaid = repo.repaid_on(day, REPAYMENTS)
        repaid.update(repo.repaid_on(day, LOAN_REPAYMENTS))
        candidates: list[tuple[Account, int]] = []
        for (line_id, loan_id), fen in sorted(
            repaid.items(), key=lambda i: (i[0][0], i[0][1] or 0)
        ):
            if loan_id is None:
                account = self.accounts.line(repo.line_by_id(line_id))
            else:
                account = self.accounts.loan(repo.loan_by_id(loan_id))
            if account.opened_on >= day or (account.closed_on and account.closed_on <= day):
                continue
            candidates.append((account, fen))
        told = self._told([a.code for a, _ in candidates])
        out = []
        for account, fen in candidates:
            row = told.get(account.code)
            if row is None or row.ended_on is not None or _told_by(row, day, _RECOVERY):
                continue
            before = self.accounts.facts(account, day - timedelta(days=1), day - timedelta(days=1))
            if before.past_due_fen <= 0:
                continue
            after = self.accounts.facts(account, day, day)
            if after.past_due_fen > 0:
                continue
            if self._consented(account, authorized, ReportTimingCode.RECOVERED):
                described = self.accounts.describe(account)
                out.append(records.recovery_record(described, after, day, fen))
        return out

    def _repaid(self, account: Account, day: date) -> int:
        repo = self.lender.repo
        if account.loan is None:
            return repo.repaid_on(day, REPAYMENTS).get((account.line.id, None), 0)
        return repo.repaid_on(day, LOAN_REPAYMENTS).get((account.line.id, account.loan.id), 0)

    def _agreement(
        self, line: CreditLine, day: date, timing: AgreementReportCode
    ) -> AgreementRecord:
        return agreements.agreement_record(
            line,
            self.lender.subject_of(line),
            self.institution,
            day,
            timing,
            self.lender.line_due_date(line),
        )

    def _subjects(self, keys: Iterable[str]) -> dict[str, Subject]:
        """The subjects of these subject keys, by key."""
        numbers: dict[str, list[str]] = {}
        for key in keys:
            id_type, number = key.split(":", 1)
            numbers.setdefault(id_type, []).append(number)
        out: dict[str, Subject] = {}
        for id_type, listed in numbers.items():
            found = self.lender.repo.subjects_by_id_number(id_type, listed)
            out.update((basic.subject_key(id_type, n), s) for n, s in found.items())
        return out

    def _told(self, codes: Iterable[str]) -> dict[str, Reported]:
        return self.lender.repo.reported(self.bureau, RECORD_TYPE, codes)

    # -- the gates ------------------------------------------------------------------------

    def instant(self, day: date) -> datetime:
        """When the day's files are written (and the gates are judged)."""
        return china_time(day, FILE_TIME)

    def gate(self, day: date, batch: list[AccountRecord]) -> list[AccountRecord]:
        """The records of ``batch`` that may go to the bureau in ``day``'s file: the consent
        gate, then the notice gate. Every 210 record written passes through here."""
        if not batch:
            return batch
        subjects = self.lender.repo.subject_ids([r.base.id_num for r in batch])
        authorized = self._authorized(day)
        consented = []
        for record in batch:
            subject_id = subjects.get(record.base.id_num)
            code = record.base.acct_code
            timing = record.base.rpt_date_code
            if subject_id is None:
                self._hold(code, timing.value, NO_AUTHORIZATION)
            elif timing in records.CLOSURES:
                if self._closure_consented(subject_id, code, record.base.rpt_date, timing):
                    consented.append(record)
            elif subject_id in authorized:
                consented.append(record)
            else:
                self._hold(code, timing.value, NO_AUTHORIZATION)
        return self._noticed(consented, day)

    def _authorized(self, day: date) -> set[int]:
        """The subjects this bureau may be told about at ``day``'s file instant; read once
        per day by a furnisher, which lives for one furnishing run."""
        if day not in self._authorized_on:
            self._authorized_on[day] = self.lender.consent.authorized_subjects(
                Scope.REPORT, self.bureau, self.instant(day)
            )
        return self._authorized_on[day]

    def _consented(self, account: Account, authorized: set[int], timing: ReportTimingCode) -> bool:
        if account.subject_id in authorized:
            return True
        self._hold(account.code, timing.value, NO_AUTHORIZATION)
        return False

    def _closure_allowed(self, account: Account, day: date, timing: ReportTimingCode) -> bool:
        return self._closure_consented(account.subject_id, account.code, day, timing)

    def _closure_consented(
        self, subject_id: int, account_code: str, day: date, timing: ReportTimingCode
    ) -> bool:
        if self.lender.consent.authorized_through(subject_id, Scope.REPORT, self.bureau, day):
            return True
        self._hold(account_code, timing.value, NO_AUTHORIZATION)
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
                days = self.accounts.notice_days(code)
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

    def _hold(self, key: str, timing: str, reason: str) -> None:
        self.held_back.append(HeldBack(key, timing, reason))
        log.info(
            "furnishing.held_back",
            account=key,
            bureau=self.bureau,
            timing=timing,
            reason=reason,
        )

    # -- writing --------------------------------------------------------------------------

    def write(self, day: date, batch: list[AccountRecord], at: time = FILE_TIME) -> Furnished:
        """Write what of ``batch`` passes the gates as the next 210 file of ``day``, and
        record it."""
        return self._write(day, RECORD_TYPE, self.gate(day, batch), at)

    def _write(
        self, day: date, record_type: str, batch: Sequence[Record], at: time = FILE_TIME
    ) -> Furnished:
        serial = self.lender.repo.next_serial(day, record_type, self.bureau)
        name = FileName(
            institution=self.institution,
            file_date=day,
            record_type=record_type,
            serial=f"{serial:03d}",
        )
        created = datetime.combine(day, at)
        path = write_submission(self.outbox, name, created, (r.to_line() for r in batch))
        self.lender.session.add(
            FurnishedFile(
                bureau=self.bureau,
                file_name=path.name,
                file_date=day,
                record_type=record_type,
                serial=name.serial,
                record_count=len(batch),
                created_at=datetime.combine(day, at, tzinfo=CHINA),
            )
        )
        if record_type == DELETION:
            self._forget([r.del_rec_code for r in batch if isinstance(r, AccountDeletion)])
        else:
            self._remember(record_type, batch)
        self.lender.session.flush()
        log.info("furnishing.file_written", file=path.name, bureau=self.bureau, records=len(batch))
        return Furnished(path, tuple(batch), record_type, self.bureau)

    def _forget(self, account_codes: Sequence[str]) -> None:
        """The bureau deleted these accounts (214): it has been told nothing about them."""
        for row in self.lender.repo.reported(self.bureau, RECORD_TYPE, account_codes).values():
            self.lender.session.delete(row)

    # -- the bureau's answer -----------------------------------------------------------------

    def remedy(self, feedback: Path, day: date) -> Remedied:
        """Read the bureau's answer to one of this furnisher's 210 files and put right each
        record it rejected, in ``day``'s files (:mod:`zhengxin.furnishing.corrections`): the
        accounts to delete go first in a 214 file, then the records rebuilt from the ledger in
        a 210 file, through the same gates as every record. A record only a person can fix is
        logged (``furnishing.person_must_act``) and returned in the verdicts."""
        answer = read_feedback(feedback)
        original = answer.name
        context = FileContext(RECORD_TYPE, day, self.institution)
        if original.record_type != RECORD_TYPE:
            verdicts = tuple(
                corrections.Verdict(
                    r.position,
                    "",
                    tuple(e.code for e in r.errors),
                    corrections.Remedy.PERSON,
                    f"a rejected {original.record_type} record: check the lender's data "
                    "behind it and send it again",
                )
                for r in answer.rejected()
            )
        else:
            verdicts = tuple(
                self._deletable(day, v)
                for v in corrections.remedies(answer.rejected(), self, context)
            )
        deletions = list({d.del_rec_code: d for v in verdicts for d in v.deletions}.values())
        resent = list(
            {
                (r.base.acct_code, r.base.rpt_date, r.base.rpt_date_code): r
                for v in verdicts
                for r in v.records
            }.values()
        )
        files = []
        if deletions:
            files.append(self._write(day, DELETION, deletions))
        if resent:
            files.append(self.write(day, resent))
        for verdict in verdicts:
            if verdict.remedy is corrections.Remedy.PERSON:
                log.warning(
                    "furnishing.person_must_act",
                    bureau=self.bureau,
                    file=answer.header.original_name + "0",
                    line=verdict.position,
                    account=verdict.account_code,
                    codes=",".join(verdict.codes),
                    reason=verdict.reason,
                )
        return Remedied(feedback, verdicts, tuple(files))

    def _deletable(self, day: date, verdict: corrections.Verdict) -> corrections.Verdict:
        """A whole deletion goes out only with every record of the history that replaces it
        passing today's gates; otherwise the bureau would lose the account."""
        if verdict.remedy is not corrections.Remedy.DELETE_AND_RESEND:
            return verdict
        if len(self.gate(day, list(verdict.records))) == len(verdict.records):
            return verdict
        return dataclasses.replace(
            verdict,
            remedy=corrections.Remedy.PERSON,
            reason="the bureau holds the account under another type, but its history cannot "
            "all pass today's consent and notice gates: deleting it would lose it",
            records=(),
            deletions=(),
        )

    def _remember(self, record_type: str, batch: Sequence[Record]) -> None:
        """Keep what ``batch`` told the bureau, beside the file that told it. A deletion is
        forgotten instead (:meth:`_forget`), and a correction (212) is not kept: it changes a
        report the bureau holds, not the latest report it heard of the account."""
        told = [
            _told(record)
            for record in batch
            if not isinstance(record, AccountDeletion | AccountCorrection)
        ]
        rows = self.lender.repo.reported(self.bureau, record_type, [t.key for t in told])
        for item in told:
            row = rows.get(item.key)
            if row is None:
                row = rows[item.key] = Reported(
                    bureau=self.bureau,
                    record_type=record_type,
                    key=item.key,
                    first_reported_on=item.on,
                )
                self.lender.session.add(row)
            if row.last_reported_on is not None and item.on < row.last_reported_on:
                continue  # a re-sent older record does not move what the bureau last heard
            row.last_reported_on = item.on
            row.last_timing = item.timing
            if item.digest is not None:
                row.digest = item.digest
            if item.ends:
                row.ended_on = item.on


_MONTH_END = frozenset({"30", "31", "32"})
_RECOVERY = frozenset({"40"})


def _told_by(row: Reported, day: date, timings: frozenset[str]) -> bool:
    """Whether the bureau already holds a later record of the row than one of ``timings``
    dated ``day`` would be: one dated after ``day``, or one of ``timings`` dated ``day``."""
    if row.last_reported_on == day:
        return row.last_timing in timings
    return row.last_reported_on > day


@dataclass(frozen=True, slots=True)
class _Told:
    key: str
    on: date
    timing: str
    digest: str | None
    ends: bool


def _told(record: AccountRecord | BasicInfoRecord | AgreementRecord) -> _Told:
    if isinstance(record, AccountRecord):
        base = record.base
        ends = base.rpt_date_code in records.CLOSURES
        return _Told(base.acct_code, base.rpt_date, base.rpt_date_code.value, None, ends)
    if isinstance(record, AgreementRecord):
        agreement = record.base
        return _Told(
            agreement.contract_code,
            agreement.rpt_date,
            agreement.rpt_date_code.value,
            agreements.record_digest(record),
            agreement.rpt_date_code is AgreementReportCode.EXPIRED,
        )
    person = record.base
    return _Told(
        basic.subject_key(person.id_type.value, person.id_num),
        person.rpt_date,
        person.rpt_date_code,
        basic.record_digest(record),
        False,
    )
