"""Records 211, 213, 214 and 215: an account renamed, partly or wholly deleted, or annotated with
a special event (§7.1, §7.3-§7.5). Accounts are the institution's, found by AcctCode.

Server checks and the codes used:

* 211 — **BIE001** the old code is not an account of the institution; **BIE002** the new code
  belongs to another account, now or before (a code may be taken back only by the account that
  had it, §7.1). The account keeps its history under the new code, and the old one is recorded
  as retired so that records naming it are refused (ABE012).
* 213 — **BSR000** the account is not held; **BSR001** the card was reopened (special event 12
  in force) and the range starts before the first day of the reopening month; **BSR002** the
  range holds the report date of a special event in force (§7.3). Deleting C clears the base
  facts (they are held once, without a report date of their own, so the range cannot select
  them); H deletes the months reported within the range, J the non-monthly reports dated within
  it; I and K are not kept, so there is nothing to delete and the record is accepted. When the
  month or report that closed the account goes, the account is no longer shown closed.
* 214 — **BTE000** the account is not held (§7.4). Its months, non-monthly reports and special
  events go with it; the identifiers it retired stay retired.
* 215 — **BQR001** the account is not held. With Flag 1: event 11 on an account that is not R2,
  or for a month whose performance the bureau holds (a month with a statement), **BQR002**;
  event 12 on an account that is not R2, or for a month not after the latest month held,
  **BQR003**; event 21 on an account that is not D1, or for a month not after the latest month
  held, **BQR004**. With Flag 0: no event of that type and month in force, **BQR005**. §7.5
  names the range BQR001-BQR006 without numbering each check; these follow its order (the
  account, then the events 11, 12 and 21, then the withdrawal). A valid event reported again
  replaces the one held; a withdrawn one stays held, no longer in force.

Every record naming an AcctCode retired by a 211 is refused with ABE012 first.
"""

from __future__ import annotations

from zhengxin.bureau.apply_common import (
    ACCOUNT,
    Applying,
    describe_range,
    in_range,
    refuse,
    refuse_code_change,
)
from zhengxin.bureau.models import Account, SpecialEvent
from zhengxin.codes import AccountType, EffectFlag, SegmentMark210, SpecialEventType
from zhengxin.pboc import RecordError
from zhengxin.pboc.variants import (
    AccountDeletion,
    AccountIdChange,
    AccountSegmentDeletion,
)
from zhengxin.pboc.variants import SpecialEvent as SpecialEventRecord

OLD_CODE_UNKNOWN = "BIE001"
NEW_CODE_TAKEN = "BIE002"
SEGMENT_ACCOUNT_NOT_HELD = "BSR000"
BEFORE_REOPENING = "BSR001"
EVENT_IN_RANGE = "BSR002"
DELETED_NOT_HELD = "BTE000"
EVENT_ACCOUNT_NOT_HELD = "BQR001"
EVENT_CHECKS = {
    SpecialEventType.NO_STATEMENT_BILLING_DATE_CHANGED: ("BQR002", AccountType.R2),
    SpecialEventType.CARD_REACTIVATED: ("BQR003", AccountType.R2),
    SpecialEventType.TRANSFERRED_OUT: ("BQR004", AccountType.D1),
}
"""Per event type: the code of its checks and the only account type it may be reported on."""
NOTHING_TO_WITHDRAW = "BQR005"

_REOPENED = SpecialEventType.CARD_REACTIVATED.value


def apply_account_id_change(work: Applying, record: AccountIdChange) -> RecordError | None:
    """Apply one record 211: the account's AcctCode changes."""
    refused = refuse_code_change(
        work,
        ACCOUNT,
        record,
        lambda code: work.repo.account(work.institution, code),
        (OLD_CODE_UNKNOWN, NEW_CODE_TAKEN),
    )
    if refused is not None:
        return refused
    old, new = record.od_bnes_code, record.nw_bnes_code
    account = work.repo.account(work.institution, old)
    assert account is not None
    account.account_code = new
    work.session.flush()
    work.retire(ACCOUNT, old, new)
    return None


def apply_account_segment_deletion(
    work: Applying, record: AccountSegmentDeletion
) -> RecordError | None:
    """Apply one record 213: one segment deleted over a range of report dates."""
    code = record.del_rec_code
    root = type(record).spec.tag
    start, end = record.del_start_date, record.del_end_date
    stale = work.superseded(ACCOUNT, code, root, "DelRecCode")
    if stale is not None:
        return stale
    account = work.repo.account(work.institution, code)
    if account is None:
        return refuse(
            SEGMENT_ACCOUNT_NOT_HELD,
            root,
            "DelRecCode",
            code,
            f"the bureau holds no account {code} from {work.institution}; nothing to delete "
            f"for {describe_range(start, end)}",
        )
    events = work.repo.special_events_of(account.id)
    reopenings = [e.month for e in events if e.effective and e.event_type == _REOPENED]
    if reopenings and (start is None or start < max(reopenings)):
        reopened = max(reopenings)
        return refuse(
            BEFORE_REOPENING,
            root,
            "DelStartDate",
            start.isoformat() if start else "",
            f"card {code} was reopened in {reopened:%Y-%m}; a deletion must lie after the "
            f"reopening, so start it on {reopened} or later",
        )
    covered = [e for e in events if e.effective and in_range(e.report_date, start, end)]
    if covered:
        first = covered[0]
        return refuse(
            EVENT_IN_RANGE,
            root,
            "DelStartDate",
            start.isoformat() if start else "",
            f"special event {first.event_type} of {first.month:%Y-%m} (reported "
            f"{first.report_date}) is in force within {describe_range(start, end)}; withdraw "
            "it (215 with Flag 0) or narrow the range",
        )
    mark = record.del_sgmt_code
    if mark is SegmentMark210.BASIC_INFO:
        _clear_base_facts(account)
    elif mark is SegmentMark210.MONTHLY:
        work.repo.delete_months(account.id, start, end)
    elif mark is SegmentMark210.NON_MONTHLY:
        work.repo.delete_events(account.id, start, end)
    if account.close_date is not None and account.close_date not in work.repo.close_dates_of(
        account.id
    ):
        account.close_date = None
    work.session.flush()
    return None


def apply_account_deletion(work: Applying, record: AccountDeletion) -> RecordError | None:
    """Apply one record 214: the account and everything held on it are deleted."""
    code = record.del_rec_code
    root = type(record).spec.tag
    stale = work.superseded(ACCOUNT, code, root, "DelRecCode")
    if stale is not None:
        return stale
    account = work.repo.account(work.institution, code)
    if account is None:
        return refuse(
            DELETED_NOT_HELD,
            root,
            "DelRecCode",
            code,
            f"the bureau holds no account {code} from {work.institution}; nothing to delete",
        )
    work.repo.delete_account(account)
    return None


def apply_special_event(work: Applying, record: SpecialEventRecord) -> RecordError | None:
    """Apply one record 215: a special event put in force (Flag 1) or withdrawn (Flag 0)."""
    code = record.acct_code
    root = type(record).spec.tag
    stale = work.superseded(ACCOUNT, code, root, "AcctCode")
    if stale is not None:
        return stale
    account = work.repo.account(work.institution, code)
    if account is None:
        return refuse(
            EVENT_ACCOUNT_NOT_HELD,
            root,
            "AcctCode",
            code,
            f"the bureau holds no account {code} from {work.institution}",
        )
    kind, month = record.opetn_type, record.month
    held = work.repo.special_event(account.id, kind.value, month)
    if record.flag is EffectFlag.INVALID:
        if held is None or not held.effective:
            return refuse(
                NOTHING_TO_WITHDRAW,
                root,
                "Flag",
                record.flag.value,
                f"account {code} has no special event {kind.value} of {month:%Y-%m} in force "
                "to withdraw",
            )
        held.effective = False
    else:
        refusal = _event_refusal(work, account, record)
        if refusal is not None:
            return refusal
        if held is None:
            held = SpecialEvent(account_id=account.id, event_type=kind.value, month=month)
            work.session.add(held)
        held.effective = True
    held.report_date = record.rpt_date
    held.submission_id = work.submission.id
    work.session.flush()
    return None


def _event_refusal(
    work: Applying, account: Account, record: SpecialEventRecord
) -> RecordError | None:
    """The check of an event put in force against the account and its months (BQR002-004)."""
    kind, month = record.opetn_type, record.month
    code, account_type = EVENT_CHECKS[kind]
    root = type(record).spec.tag
    if account.account_type != account_type.value:
        return refuse(
            code,
            root,
            "OpetnType",
            kind.value,
            f"special event {kind.value} ({kind.label}) is reported only on {account_type.value} "
            f"accounts; {account.account_code} is {account.account_type}",
        )
    if kind is SpecialEventType.NO_STATEMENT_BILLING_DATE_CHANGED:
        if work.repo.month(account.id, month) is not None:
            return refuse(
                code,
                root,
                "Month",
                f"{month:%Y-%m}",
                f"the bureau holds a monthly performance of {account.account_code} for "
                f"{month:%Y-%m}, so that month had a statement; delete the month (213) first",
            )
        return None
    latest = work.repo.latest_month(account.id)
    if latest is not None and latest.month >= month:
        return refuse(
            code,
            root,
            "Month",
            f"{month:%Y-%m}",
            f"special event {kind.value} ({kind.label}) must fall after the latest month held "
            f"for {account.account_code}, {latest.month:%Y-%m}",
        )
    return None


BASE_FACTS = (
    "business_line", "business_detail", "open_date", "currency", "credit_limit_yuan",
    "loan_amount_yuan", "due_date", "repay_mode", "repay_frequency", "guarantee_mode",
)  # fmt: skip
"""The account's base facts (segment C) a 213 deletion of that segment clears."""


def _clear_base_facts(account: Account) -> None:
    for name in BASE_FACTS:
        setattr(account, name, None)
