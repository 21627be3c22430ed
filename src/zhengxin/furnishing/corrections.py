"""Reading the bureau's answer: for each rejected record, the remedy the interface provides, or
a report that a person must act.

A rejected record never reached the bureau's history, so the ledger, which is the source of
truth, decides what to send instead. The remedy depends on what the bureau objected to:

* **superseded** (BLR027): the bureau already holds a later report of that month. Nothing to
  send.
* **unknown account** (BLR004, BLR005): the bureau has not met the account, so its first
  record must carry the opening segments. Send the account's first report (code 31, with the
  basic-information, credit-line and monthly segments) at the last month end, then the record
  itself.
* **another type on file** (BLR019): the bureau holds the account under a different account
  type, and a 212 correction may not change AcctType (§7.2). Delete the account whole (214) and
  send its history again from the ledger: the opening (10), then every month end (30).
* **any other rule**: rebuild the record from the ledger. If the rebuilt record passes every
  rule and differs from the one refused, re-send it: the fault was in the export. If the
  ledger gives the same record back, or a record that still breaks a rule, the fault is in the
  lender's own data (a customer's ID number, a name), and only a person can fix it.
* **a retired code** (ABE012) or **nothing after closure** (BLR020): only a person can decide.

Corrections of records the bureau *accepted* are built here too: :func:`base_correction` (212
for the base segment, when the lender corrects a customer's name or ID), :func:`month_correction`
(212 for one month's performance, when a disputed month was reported wrong) and
:func:`identifier_change` (211, when the lender renumbers an account).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from zhengxin.codes import AccountType, IdType, ReportTimingCode
from zhengxin.kernel.clock import add_months, month_end
from zhengxin.kernel.errors import InvalidInput
from zhengxin.pboc import (
    AccountRecord,
    FileContext,
    MonthlySegment,
    RejectedRecord,
    check_line,
)
from zhengxin.pboc.corrections import AccountCorrection, BaseCorrection
from zhengxin.pboc.errors import RecordInvalid, RecordUnreadable
from zhengxin.pboc.record210 import parse_line
from zhengxin.pboc.variants import AccountDeletion, AccountIdChange

BASE = "AcctBsSgmt"
SUPERSEDED = frozenset({"BLR027"})
UNKNOWN_ACCOUNT = frozenset({"BLR004", "BLR005"})
OTHER_TYPE = frozenset({"BLR019"})
PERSON_ONLY = {
    "ABE012": "the bureau retired this account code by an identifier change (211); report the "
    "account under its new code",
    "BLR020": "the bureau holds the account as closed; a record after closure is refused. "
    "Check whether the account was closed in error (then delete and re-send it, 214)",
}


class Remedy(StrEnum):
    RESEND = "resend"
    FIRST_REPORT = "first_report"
    DELETE_AND_RESEND = "delete_and_resend"
    NOTHING = "nothing"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do about one rejected record."""

    position: int
    account_code: str
    codes: tuple[str, ...]
    remedy: Remedy
    reason: str
    records: tuple[AccountRecord, ...] = ()
    deletions: tuple[AccountDeletion, ...] = ()

    def describe(self) -> str:
        """One line for the furnisher's operator."""
        codes = ",".join(self.codes)
        account = self.account_code or "(no account code)"
        return f"line {self.position}: {account} [{codes}] {self.remedy.value}: {self.reason}"


class Rebuilder(Protocol):
    """The furnisher's view of its ledger: the record it would send for an account."""

    def rebuild(self, account_code: str, timing: str, report_date: date) -> AccountRecord | None:
        """The record for ``account_code`` with ``timing`` at ``report_date``, or ``None`` when
        the lender holds no such account."""


@dataclass(frozen=True, slots=True)
class _Refused:
    account_code: str
    timing: str
    report_date: date | None


def _refused(line: str) -> _Refused | None:
    try:
        raw = parse_line(line)
    except RecordUnreadable:
        return None
    code = raw.value(BASE, "AcctCode") or ""
    timing = raw.value(BASE, "RptDateCode") or ""
    try:
        when = date.fromisoformat(raw.value(BASE, "RptDate") or "")
    except ValueError:
        when = None
    return _Refused(code, timing, when)


def remedies(
    rejected: Iterable[RejectedRecord], rebuilder: Rebuilder, context: FileContext
) -> Iterator[Verdict]:
    """The remedy for each rejected record of a feedback file, in the file's order.

    ``context`` is the file the remedies will go out in (its date and institution), against
    which every rebuilt record is checked before it is proposed.
    """
    for record in rejected:
        yield verdict(record, rebuilder, context)


def verdict(record: RejectedRecord, rebuilder: Rebuilder, context: FileContext) -> Verdict:
    """The remedy for one rejected record (see the module's docstring)."""
    codes = tuple(dict.fromkeys(e.code for e in record.errors))
    found = set(codes)
    refused = _refused(record.line)
    if refused is None or not refused.account_code or refused.report_date is None:
        return Verdict(
            record.position,
            refused.account_code if refused else "",
            codes,
            Remedy.PERSON,
            "the refused line cannot be read back to an account and date; "
            "find it in the submission file and fix the export",
        )
    code = refused.account_code

    def person(reason: str) -> Verdict:
        return Verdict(record.position, code, codes, Remedy.PERSON, reason)

    if found <= SUPERSEDED:
        return Verdict(
            record.position,
            code,
            codes,
            Remedy.NOTHING,
            "the bureau holds a later report of that month; nothing to send",
        )
    for known, reason in PERSON_ONLY.items():
        if known in found:
            return person(reason)
    try:
        return _remedy(record, rebuilder, context, codes, refused)
    except InvalidInput as exc:
        return person(f"the ledger cannot rebuild this record: {exc.message}")


def _remedy(
    record: RejectedRecord,
    rebuilder: Rebuilder,
    context: FileContext,
    codes: tuple[str, ...],
    refused: _Refused,
) -> Verdict:
    found = set(codes)
    code, when, timing = refused.account_code, refused.report_date, refused.timing
    assert when is not None

    def person(reason: str) -> Verdict:
        return Verdict(record.position, code, codes, Remedy.PERSON, reason)

    if found & OTHER_TYPE:
        history = _history(rebuilder, code, timing, when, context)
        if history is None:
            return person("the ledger cannot give this account's whole history again")
        return Verdict(
            record.position,
            code,
            codes,
            Remedy.DELETE_AND_RESEND,
            f"the bureau holds {code} under another account type; delete it whole and send "
            f"its {len(history)} records again",
            history,
            (AccountDeletion(del_rec_code=code),),
        )
    if found & UNKNOWN_ACCOUNT:
        first = _first_report(rebuilder, code, timing, when, context) or _opened_since(
            rebuilder, code, timing, when, context
        )
        if first is None:
            return person("the ledger cannot give this account's first report")
        return Verdict(
            record.position,
            code,
            codes,
            Remedy.FIRST_REPORT,
            "the bureau has not met this account; send its first report (31, or its opening "
            "10) and the record",
            first,
        )
    rebuilt = rebuilder.rebuild(code, refused.timing, when)
    if rebuilt is None:
        return person(f"the lender holds no account {code}; the export invented it")
    line = rebuilt.to_line()
    errors = check_line(line, "210", context)
    if errors:
        listed = "; ".join(f"{e.code} {e.tag}: {e.message}" for e in errors)
        return person(f"the ledger's own record for {code} breaks the rules: {listed}")
    if line == record.line:
        return person(
            f"the ledger gives the same record back; the bureau's objection "
            f"({', '.join(codes)}) needs the lender's data for {code} checked by a person"
        )
    return Verdict(
        record.position,
        code,
        codes,
        Remedy.RESEND,
        "rebuilt from the ledger; it passes every rule",
        (rebuilt,),
    )


def _passing(records: list[AccountRecord | None], context: FileContext) -> bool:
    return all(r is not None and not check_line(r.to_line(), "210", context) for r in records)


def _first_report(
    rebuilder: Rebuilder, code: str, timing: str, when: date, context: FileContext
) -> tuple[AccountRecord, ...] | None:
    """The account's first report to a bureau that has not met it, then the refused record
    itself: a 31 at the last month end (or, for an account opened since, its opening 10)."""
    last = when if when == month_end(when) else month_end(add_months(when.replace(day=1), -1))
    try:
        first = rebuilder.rebuild(code, ReportTimingCode.FIRST_MONTHLY.value, last)
    except InvalidInput:  # opened after ``last``: see :func:`_opened_since`
        return None
    if first is None or first.basic_info is None or first.basic_info.open_date > last:
        return None
    out: list[AccountRecord | None] = [first]
    if when > last:
        out.append(rebuilder.rebuild(code, timing, when))
    return tuple(r for r in out if r is not None) if _passing(out, context) else None


def _opening(rebuilder: Rebuilder, code: str, known_on: date) -> AccountRecord | None:
    """The account's opening record (10), dated its opening day, found from a day it existed."""
    probe = rebuilder.rebuild(code, ReportTimingCode.OPENED.value, known_on)
    if probe is None or probe.basic_info is None:
        return None
    return rebuilder.rebuild(code, ReportTimingCode.OPENED.value, probe.basic_info.open_date)


def _opened_since(
    rebuilder: Rebuilder, code: str, timing: str, when: date, context: FileContext
) -> tuple[AccountRecord, ...] | None:
    """For an account opened in ``when``'s month: its opening (10), then the refused record."""
    opening = _opening(rebuilder, code, when)
    if opening is None:
        return None
    out: list[AccountRecord | None] = [opening]
    if when > opening.base.rpt_date or timing != ReportTimingCode.OPENED.value:
        out.append(rebuilder.rebuild(code, timing, when))
    return tuple(r for r in out if r is not None) if _passing(out, context) else None


def _history(
    rebuilder: Rebuilder, code: str, timing: str, through: date, context: FileContext
) -> tuple[AccountRecord, ...] | None:
    """The account's life again as the ledger tells it, up to the refused record: the opening,
    each month end before ``through``'s month, then the refused record itself (a closure stays
    a closure). Recoveries (40) of earlier months are not sent again: the months hold them."""
    opening = _opening(rebuilder, code, through)
    if opening is None or opening.basic_info is None:
        return None
    opened = opening.basic_info.open_date
    out: list[AccountRecord | None] = [opening]
    month = opened.replace(day=1)
    while month_end(month) < through.replace(day=1):
        if month_end(month) > opened:
            out.append(rebuilder.rebuild(code, ReportTimingCode.MONTHLY.value, month_end(month)))
        month = add_months(month, 1)
    if through > opened or timing != ReportTimingCode.OPENED.value:
        out.append(rebuilder.rebuild(code, timing, through))
    return tuple(r for r in out if r is not None) if _passing(out, context) else None


def base_correction(record: AccountRecord, name: str, id_type: str, id_num: str) -> str:
    """A 212 correcting the base segment of an account the bureau holds (the lender corrected
    the customer's name or ID), dated the account's latest report as §7.2 requires."""
    base = record.base
    correction = AccountCorrection(
        mod_rec_code=base.acct_code,
        rpt_date=base.rpt_date,
        acct_type=AccountType(base.acct_type),
        segment=BaseCorrection(
            name=name,
            id_type=IdType(id_type),
            id_num=id_num,
            mngmt_org_code=base.mngmt_org_code,
        ),
    )
    return correction.to_line()


MONTH_END_TIMINGS = frozenset(
    {
        ReportTimingCode.MONTHLY,
        ReportTimingCode.FIRST_MONTHLY,
        ReportTimingCode.CLOSED_AT_MONTH_END,
    }
)
"""The report-timing codes of the record that reports a month's performance at its end."""
_MONTHLY_FIELDS = frozenset(f.name for f in dataclasses.fields(MonthlySegment))


def month_correction(record: AccountRecord, **changes: object) -> AccountCorrection:
    """A 212 correcting the monthly-performance segment (H) of a month-end record the bureau
    holds: ``record``'s H segment with the fields named in ``changes`` replaced, dated the
    record's RptDate, the report the bureau holds for that month (§7.2, BMR008).

    ``changes`` are :class:`~zhengxin.pboc.MonthlySegment` fields, by value or by code
    (``rpy_status="N", tot_overd=0``). The month itself cannot change: a 212 corrects the
    month it names. A value that does not fit its field is an :class:`InvalidInput`
    (``furnishing.correction_invalid``); the interface's rules are not applied here:
    :meth:`~zhengxin.furnishing.service.Furnisher.correct_month` applies them before the
    correction goes out.

    >>> from zhengxin.pboc.record210 import SAMPLE_LINE
    >>> closing = AccountRecord.from_line(SAMPLE_LINE)  # closed on 2024-09-12: timing 20
    >>> month_correction(closing, acct_bal=0)
    Traceback (most recent call last):
    ...
    zhengxin.kernel.errors.InvalidInput: furnishing.not_month_end: ...
    >>> at_month_end = dataclasses.replace(closing, base=dataclasses.replace(
    ...     closing.base, rpt_date=date(2024, 9, 30), rpt_date_code="32"))
    >>> fixed = month_correction(at_month_end, five_cate="1", act_rpy_amt=4800)
    >>> fixed.rpt_date, fixed.mdfc_sgmt_code, fixed.segment.act_rpy_amt
    (datetime.date(2024, 9, 30), <SegmentMark210.MONTHLY: 'H'>, 4800)
    """
    base = record.base
    if base.rpt_date_code not in MONTH_END_TIMINGS or record.monthly is None:
        raise InvalidInput(
            "furnishing.not_month_end",
            f"record {base.acct_code} of {base.rpt_date} has timing {base.rpt_date_code.value}; "
            "a month is corrected from its month-end record (30, 31 or 32)",
        )
    unknown = sorted(set(changes) - _MONTHLY_FIELDS)
    if unknown:
        raise InvalidInput(
            "furnishing.correction_field",
            f"{', '.join(unknown)} is not a field of the monthly segment; use "
            f"{', '.join(sorted(_MONTHLY_FIELDS - {'month'}))}",
        )
    if "month" in changes and changes["month"] != record.monthly.month:
        raise InvalidInput(
            "furnishing.correction_month",
            f"a correction of {record.monthly.month:%Y-%m} cannot move it to another month; "
            "correct that month's own record",
        )
    if not changes:
        raise InvalidInput("furnishing.correction_empty", "a correction changes at least one field")
    segment = dataclasses.replace(record.monthly, **changes)  # type: ignore[arg-type]
    built = AccountCorrection(
        mod_rec_code=base.acct_code,
        rpt_date=base.rpt_date,
        acct_type=AccountType(base.acct_type),
        segment=segment,
    )
    # Written and read back, so that codes given as text come back as their code lists and
    # a value that does not fit its field is found now rather than in the file.
    try:
        return AccountCorrection.from_line(built.to_line())
    except (RecordInvalid, RecordUnreadable) as exc:
        errors = exc.errors if isinstance(exc, RecordInvalid) else ()
        listed = "; ".join(f"{e.tag} {e.value!r}: {e.message}" for e in errors) or exc.message
        raise InvalidInput(
            "furnishing.correction_invalid",
            f"the correction of {base.acct_code} for {record.monthly.month:%Y-%m} does not fit "
            f"the record: {listed}",
        ) from None


def identifier_change(old: str, new: str) -> str:
    """A 211: the account the bureau knows as ``old`` is now ``new``."""
    return AccountIdChange(od_bnes_code=old, nw_bnes_code=new).to_line()
