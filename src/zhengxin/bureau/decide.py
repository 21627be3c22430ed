"""The decide step of ingestion: what a checked chunk does to the store (§4.5).

:func:`decide` is a pure function of a :class:`~zhengxin.bureau.chunks.CheckedChunk` and of
what the store already :class:`~zhengxin.bureau.rows.Held` for the chunk's accounts. It takes
the accepted records in file order and makes the checks only the bureau's server can make, each
against the store *and* the records of the chunk before it, so that the result equals applying
the records one at a time:

* **ABE012** — an account code that a 211 record changed may not be reported again;
* **BLR004 / BLR005** — the first record of an account the bureau does not know must carry the
  segments a new-account report (code 10) must carry, and none it must not, whatever its own
  report-timing code (§4.1, §4.5). So a first report at code 31 carrying special transactions
  (K, which code 31 allows and code 10 does not) is refused with BLR005;
* **BLR019** — the account type must be the type on file;
* **BLR020** — nothing more once the account's latest record shows it closed (status 3, 4 for
  cards) or ended (2, collection accounts). The latest record is the month or non-monthly
  report with the latest report date; when several share that date, any of them closing the
  account makes it closed;
* **BLR021** — a closing record may not be dated before the account's latest record (which
  keeps the closing record the latest one, as BLR020 reads it);
* **BLR027** — a month already held is replaced only by a record with a later report date (an
  update of that month, never a second one); an older or equally old one is refused with
  BLR027: §4.5 lists it among the server's errors, so the furnisher hears of it in the feedback
  file. Two records for one month in one file are judged the same way, in file order.

A non-monthly report (segment J) is kept one per account and report date; a later file's report
for the same date replaces it. What survives becomes a :class:`~zhengxin.bureau.rows.Plan`:
rows for the store, each key (subject, account, month, event) at most once, holding its last
state in file order, so that one set-based statement per table writes the chunk (PostgreSQL
refuses an upsert that touches one row twice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from zhengxin.bureau.chunks import (
    BASE,
    SEGMENT_OF_MARK,
    CheckedChunk,
    Fields,
    Report,
)
from zhengxin.bureau.rows import BASIC_FIELDS, Changed, Held, Plan, Row, Target
from zhengxin.pboc import RecordError
from zhengxin.pboc.errors import MULTI_ITEM_TAG

CLOSED_STATUS: Mapping[str, str] = {
    "D1": "3",
    "R1": "3",
    "R4": "3",
    "R2": "4",
    "R3": "4",
    "C1": "2",
}
"""The status that shows an account closed (结清/销户), or ended (结束) for collection accounts."""
ERROR_CAP = 5


class _Account:
    """An account as the chunk so far leaves it."""

    __slots__ = ("agreement", "basic", "close_date", "closed", "id", "kind", "latest", "subject")

    def __init__(
        self, id: int | None, kind: str, latest: str | None, closed: bool, subject: Row = ()
    ) -> None:
        self.id = id
        self.kind = kind
        self.latest = latest
        self.closed = closed
        self.subject = subject
        self.basic: tuple[str | int | None, ...] | None = None
        self.agreement: str | None = None
        self.close_date: str | None = None

    def ending(self) -> tuple[str | None, str | None]:
        """The agreement and close date, the last two columns of an account's row."""
        return self.agreement, self.close_date


def decide(checked: CheckedChunk, held: Held, target: Target) -> Plan:
    """The server checks on a chunk's accepted records, in file order, and the rows to write."""
    return _distinct(checked.reports, held, target) or _in_order(checked.reports, held, target)


def _distinct(reports: Sequence[Report], held: Held, target: Target) -> Plan | None:
    """The plan of the usual chunk, where each account appears once and every record passes
    (a month-end file): each record then depends on the store alone, and one pass builds the
    rows. ``None`` for any other chunk, which :func:`_in_order` then walks."""
    if held.changed or len({r.account_code for r in reports}) != len(reports):
        return None
    accounts, months = held.accounts, held.months
    institution, submission_id = target.institution, target.submission_id
    nothing = (None,) * len(BASIC_FIELDS)
    plan = Plan(accepted=len(reports))
    subjects: dict[tuple[str, str], str] = {}
    new, updates, month_rows, event_rows = plan.accounts, plan.updates, plan.months, plan.events
    opening = _opening_ok
    for r in reports:
        (
            _,
            code,
            kind,
            day,
            _,
            name,
            id_type,
            number,
            marks,
            flag,
            basic,
            agreement,
            monthly,
            event,
        ) = r
        closed = CLOSED_STATUS[kind]
        closing = None
        if monthly is not None and monthly[4] == closed:
            closing = str(monthly[20])
        elif event is not None:
            closing = _closing(kind, monthly, event)
        known = accounts.get(code)
        if known is None:
            if basic is None or not opening(kind, flag, basic[9], basic[1], marks):
                return None
            new.append((institution, code, id_type, number, kind, *basic, agreement, closing))
        else:
            if known.kind != kind or known.closed:
                return None
            if closing is not None and known.latest is not None and day < known.latest:
                return None
            if basic is not None or agreement is not None or closing is not None:
                updates.append(
                    (known.id, basic is not None, *(basic or nothing), agreement, closing)
                )
        if monthly is not None:
            if months and months.get((code, str(monthly[0])), "") >= day:
                return None
            month_rows.append((institution, code, *monthly, submission_id))
        if event is not None:
            event_rows.append((institution, code, *event, submission_id))
        subjects[(id_type, number)] = name
    plan.subjects = [(id_type, number, name) for (id_type, number), name in subjects.items()]
    return plan


def _in_order(reports: Sequence[Report], held: Held, target: Target) -> Plan:
    """The plan of any chunk: the records walked one at a time, each against the store and the
    records before it."""
    plan = Plan()
    accounts: dict[str, _Account] = {}
    touched: dict[str, _Account] = {}
    months = dict(held.months)
    subjects: dict[tuple[str, str], str] = {}
    month_rows: dict[tuple[str, str], Row] = {}
    event_rows: dict[tuple[str, str], Row] = {}
    institution, submission_id = target.institution, target.submission_id
    held_accounts, changed = held.accounts, held.changed
    refused, accepted = plan.refused, 0
    for report in reports:
        code, kind, report_date = report.account_code, report.kind, report.report_date
        monthly, event = report.monthly, report.event
        account = accounts.get(code)
        if account is None:
            known = held_accounts.get(code)
            if known is not None:
                account = _Account(known.id, known.kind, known.latest, known.closed)
                accounts[code] = account
        closing = _closing(kind, monthly, event)
        month_key = None if monthly is None else (code, str(monthly[0]))
        # The checks pass for almost every record: look closer only when one may fail.
        if (
            account is None
            or account.kind != kind
            or account.closed
            or code in changed
            or (closing is not None and report_date < (account.latest or ""))
            or (month_key is not None and months.get(month_key, "") >= report_date)
        ):
            errors = _problems(report, account, changed.get(code), closing, months)
            if errors:
                refused.append((report.line, code, tuple(errors[:ERROR_CAP])))
                continue
        accepted += 1
        subject = (report.id_type, report.id_number)
        subjects[subject] = report.name
        if account is None:
            account = _Account(None, kind, None, False, subject)
            accounts[code] = account
        touched[code] = account
        if account.latest is None or report_date > account.latest:
            account.latest = report_date
        if report.basic is not None:
            account.basic = report.basic
        if report.agreement is not None:
            account.agreement = report.agreement
        if closing is not None:
            account.closed = True
            account.close_date = closing
        if monthly is not None and month_key is not None:
            months[month_key] = report_date
            month_rows[month_key] = (institution, code, *monthly, submission_id)
        if event is not None:
            event_rows[(code, report_date)] = (institution, code, *event, submission_id)
    plan.accepted = accepted
    plan.subjects = [(id_type, number, name) for (id_type, number), name in subjects.items()]
    nothing = (None,) * len(BASIC_FIELDS)
    for code, account in touched.items():
        basic = account.basic or nothing
        if account.id is None:
            plan.accounts.append(
                (institution, code, *account.subject, account.kind, *basic, *account.ending())
            )
        elif account.basic is not None or account.agreement or account.close_date:
            plan.updates.append((account.id, account.basic is not None, *basic, *account.ending()))
    plan.months = list(month_rows.values())
    plan.events = list(event_rows.values())
    return plan


def _closing(kind: str, monthly: Fields | None, event: Fields | None) -> str | None:
    """The close date of a record that shows its account closed or ended, else ``None``
    (a closed status always comes with its CloseDate: BLE001, BLE043)."""
    closed = CLOSED_STATUS.get(kind)
    if monthly is not None and monthly[4] == closed:
        return str(monthly[20])
    if event is not None and event[2] == closed:
        return str(event[12])
    return None


@cache
def _opening_ok(kind: str, flag: str | None, guarantee: object, detail: object, marks: str) -> bool:
    """Whether a first report of this shape carries the opening segments (one answer per
    shape: a file repeats a handful of them)."""
    required, forbidden = _opening(kind, flag, guarantee, detail)
    return all(m in marks for m in required) and not any(m in marks for m in forbidden)


def _problems(
    report: Report,
    account: _Account | None,
    changed: Changed | None,
    closing: str | None,
    months: Mapping[tuple[str, str], str],
) -> list[RecordError]:
    """Every server-check error of ``report``, given the account as the store and the chunk
    so far leave it (``None`` when unknown)."""
    code = report.account_code
    errors: list[RecordError] = []
    if changed is not None:
        errors.append(
            RecordError(
                "ABE012",
                BASE,
                "AcctCode",
                code,
                f"account code {code} was changed to {changed.new_code} by a 211 record on "
                f"{changed.changed_on}; report the account under {changed.new_code}",
            )
        )
    if account is None:
        errors.extend(opening_problems(report))
        return errors
    if report.kind != account.kind:
        errors.append(
            RecordError(
                "BLR019",
                BASE,
                "AcctType",
                report.kind,
                f"account {code} is on file as type {account.kind}, not {report.kind}; report "
                f"it as {account.kind}, or correct the type on file first (record 212)",
            )
        )
    if account.closed:
        errors.append(
            RecordError(
                "BLR020",
                BASE,
                MULTI_ITEM_TAG,
                None,
                f"account {code} is closed: its latest record on file shows it closed or ended, "
                "so no further record may be reported for it",
            )
        )
    elif closing is not None and account.latest and report.report_date < account.latest:
        errors.append(
            RecordError(
                "BLR021",
                BASE,
                "RptDate",
                report.report_date,
                f"this record closes account {code} on RptDate {report.report_date}, before its "
                f"latest record on file ({account.latest}); date the closing record on or after "
                f"{account.latest}",
            )
        )
    monthly = report.monthly
    if monthly is not None:
        month = str(monthly[0])
        held = months.get((code, month))
        if held is not None and held >= report.report_date:
            errors.append(
                RecordError(
                    "BLR027",
                    BASE,
                    "RptDate",
                    report.report_date,
                    f"month {month[:7]} of account {code} is held from a record dated {held}; "
                    f"a record dated {report.report_date} cannot replace it (send the month "
                    "again with a later RptDate, or correct it with record 212)",
                )
            )
    return errors


def opening_segments(report: Report) -> tuple[frozenset[str], frozenset[str]]:
    """The marks of the segments a new-account record (code 10) must carry and those it must
    not carry, for the record's account type (§4.1); conditions read the record's own basic
    segment, and do not fire when it is absent."""
    basic = report.basic
    guarantee = detail = None
    if basic is not None:
        guarantee, detail = basic[9], basic[1]
    return _opening(report.kind, report.flag, guarantee, detail)


@cache
def _opening(
    kind: str, flag: str | None, guarantee: object, detail: object
) -> tuple[frozenset[str], frozenset[str]]:
    required, forbidden = {"C"}, set()
    if kind == "C1":
        required |= {"G", "J"}
        forbidden |= {"E", "F", "H", "I"}
        return frozenset(required), frozenset(forbidden)
    required.add("H")
    forbidden |= {"G", "J", "K"}
    if kind != "R2":
        forbidden.add("I")
    if guarantee in ("3", "5"):
        required.add("D")  # a guarantee: the guarantors must be named (BLR014)
    if kind == "D1":
        if flag in ("1", "2"):
            required.add("F")
        elif flag == "0":
            forbidden.add("F")
    elif kind == "R2":
        if detail is not None:
            (forbidden if detail == "82" else required).add("F")
    else:
        required.add("F")
    return frozenset(required), frozenset(forbidden)


def opening_problems(report: Report) -> list[RecordError]:
    """BLR004 for each segment a first report lacks, BLR005 for each it must not carry."""
    required, forbidden = opening_segments(report)
    code, marks = report.account_code, report.marks
    errors = []
    for mark in sorted(required):
        if mark not in marks:
            tag = SEGMENT_OF_MARK[mark]
            errors.append(
                RecordError(
                    "BLR004",
                    tag,
                    tag,
                    None,
                    f"account {code} is not on file, so this first report must carry {tag} "
                    f"as a new-account report (code 10) does; send {tag} with it",
                )
            )
    for mark in sorted(forbidden):
        if mark in marks:
            tag = SEGMENT_OF_MARK[mark]
            errors.append(
                RecordError(
                    "BLR005",
                    tag,
                    tag,
                    None,
                    f"account {code} is not on file, so this first report may not carry {tag}, "
                    "as a new-account report (code 10) may not; leave it out",
                )
            )
    return errors
