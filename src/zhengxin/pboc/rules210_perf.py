"""The rules of record 210 on the account's performance: segments G to K (§3.7-§3.11, §4).

Monthly performance (H), the special instalment line (I), non-monthly performance (J) and
special transactions (K), registered on the same :data:`~zhengxin.pboc.rules210.BOOK`. The
conventions are those of :mod:`zhengxin.pboc.rules210`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.fields import ValueProblem
from zhengxin.pboc.rules import Record, parse_text
from zhengxin.pboc.rules210 import (
    _BAD_DEBT,
    _CLOSED_H,
    _CLOSED_J,
    _OVERDUE,
    _ZERO_OK,
    BOOK,
    B,
    C,
    H,
    I,
    J,
    K,
    _closed,
    _not_after,
    _not_before,
    _open_date,
    _rpt_date,
    _status_is,
    _zero,
)

__all__ = ["BOOK"]


def _number(record: Record, segment: str, tag: str) -> int | None:
    value: int | None = record.value(segment, tag)
    return value


def _day(record: Record, segment: str, tag: str) -> date | None:
    value: date | None = record.value(segment, tag)
    return value


def _dates_after_opening(segment: str, *tags: str) -> None:
    for tag in tags:

        def not_before_open(record: Record, tag: str = tag) -> bool:
            if not record.raw[segment].items.get(tag):
                return True  # nothing to compare (§1.3)
            return _not_before(record, segment, tag, _open_date(record))

        not_before_open.__doc__ = f"{tag} is earlier than the account's OpenDate."
        BOOK.on_item(segment, tag, "BLE005", "OpenDate", needs=(C,))(not_before_open)


def _not_after_report(segment: str, tag: str) -> None:
    def test(record: Record) -> bool:
        if not record.raw[segment].items.get(tag):
            return True  # nothing to compare (§1.3)
        value, rpt = record.value(segment, tag), record.value(B, "RptDate")
        return value is None or rpt is None or value <= rpt

    test.__doc__ = f"{tag} is later than RptDate."
    BOOK.on_item(segment, tag, "ABE007")(test)


def _zero_when(
    segment: str,
    tag: str,
    code: str,
    statuses: tuple[str, ...],
    why: str,
    kinds: tuple[str, ...] = (),
) -> None:
    wanted = frozenset(statuses)

    def test(record: Record) -> bool:
        items = record.raw[segment].items
        return items.get("RpyStatus") not in wanted or items.get(tag) in _ZERO_OK

    test.__doc__ = f"{tag} must be 0 {why}."
    scope = (lambda t, k: k in kinds) if kinds else None
    BOOK.on_item(segment, tag, code, scope=scope)(test)


def _zero_when_closed(segment: str, tag: str, code: str = "BLE004") -> None:
    closed_sets = _CLOSED_H if segment == H else _CLOSED_J
    for kind, closed in closed_sets.items():

        def test(record: Record, closed: frozenset[str] = frozenset(closed)) -> bool:
            items = record.raw[segment].items
            return items.get("AcctStatus") not in closed or items.get(tag) in _ZERO_OK

        test.__doc__ = f"{tag} must be 0 when the account is closed."
        BOOK.on_item(segment, tag, code, scope=_of_type(kind))(test)


def _of_type(kind: str) -> Callable[[str | None, str | None], bool]:
    def scope(timing: str | None, found: str | None) -> bool:
        return found == kind

    return scope


def _zero_when_dormant(segment: str, tag: str, kinds: tuple[str, ...]) -> None:
    def test(record: Record) -> bool:
        items = record.raw[segment].items
        return items.get("AcctStatus") != "6" or items.get(tag) in _ZERO_OK

    test.__doc__ = f"{tag} must be 0 for a card not yet activated (AcctStatus 6)."
    BOOK.on_item(segment, tag, "BLE014", scope=lambda t, k: k in kinds)(test)


def _positive_when_overdue(tag: str, guard: str) -> None:
    def test(record: Record) -> bool:
        if record.raw[H].items.get("RpyStatus") not in _OVERDUE:
            return True
        if _number(record, H, guard) is None:
            return True
        value = _number(record, H, tag)
        return value is None or value > 0

    test.__doc__ = f"{tag} must be above 0 when RpyStatus is overdue (1-7)."
    BOOK.on_item(H, tag, "BLE019")(test)


# --- G: original creditor (C1) has no rules beyond its declarations ----------------------

# --- H: monthly performance --------------------------------------------------------------


@BOOK.on_item(H, "Month", "BLE039", "RptDate")
def _month_near_report(record: Record) -> bool:
    """Month must be RptDate's month, the month before or the month after."""
    month: date | None = record.value(H, "Month")
    rpt: date | None = record.value(B, "RptDate")
    if month is None or rpt is None:
        return True
    return abs((month.year * 12 + month.month) - (rpt.year * 12 + rpt.month)) <= 1


@BOOK.on_item(H, "SettDate", "BLE012")
def _settled_in_month(record: Record) -> bool:
    """SettDate must fall in Month."""
    day, month = record.value(H, "SettDate"), record.value(H, "Month")
    return day is None or month is None or (day.year, day.month) == (month.year, month.month)


_not_after_report(H, "SettDate")
_dates_after_opening(H, "SettDate")


def _closing(timing: str | None, kind: str | None) -> bool:
    return timing in ("20", "32") and kind in ("D1", "R1", "R2", "R3", "R4")


@BOOK.on_item(H, "AcctStatus", "BLE037", scope=_closing)
def _closing_report_closes(record: Record) -> bool:
    """A closing report (code 20 or 32) must show the account closed (3, or 4 for cards)."""
    return not record.raw[H].items.get("AcctStatus") or _closed(record, H)


_zero_when_closed(H, "AcctBal", "BLE026")
_zero_when_dormant(H, "AcctBal", ("R2", "R3"))


def _r3(timing: str | None, kind: str | None) -> bool:
    return kind == "R3"


@BOOK.on_item(H, "AcctBal", "BLE023", scope=_r3)
def _no_overdraft_no_balance(record: Record) -> bool:
    """A semi-credit card (R3) with RpyStatus * must show AcctBal 0."""
    return not _status_is(record, H, "*") or _zero(record, H, "AcctBal")


@BOOK.on_item(H, "AcctBal", "BLE025", scope=_r3)
def _overdrawn_has_balance(record: Record) -> bool:
    """A semi-credit card (R3) overdue (RpyStatus 1-7) must show AcctBal above 0."""
    if record.text(H, "RpyStatus") not in _OVERDUE:
        return True
    balance = _number(record, H, "AcctBal")
    return balance is None or balance > 0


_zero_when(H, "PridAcctBal", "BLE015", ("*",), "when RpyStatus is *", ("R2",))
_dates_after_opening(H, "FiveCateAdjDate")
_not_after_report(H, "FiveCateAdjDate")


@BOOK.on_item(H, "RpyStatus", "BLE030")
def _closed_is_settled(record: Record) -> bool:
    """A closed account's RpyStatus must be C (settled) or G (ended)."""
    status = record.text(H, "RpyStatus")
    return not _closed(record, H) or not status or status in ("C", "G")


@BOOK.on_item(H, "RpyStatus", "BLE014", scope=lambda t, k: k in ("R2", "R3"))
def _dormant_status(record: Record) -> bool:
    """A card not yet activated (AcctStatus 6) must show RpyStatus *."""
    dormant = record.text(H, "AcctStatus") == "6"
    status = record.text(H, "RpyStatus")
    return not dormant or not status or status == "*"


@BOOK.on_item(H, "RpyPrct", "BLE002", scope=lambda t, k: k == "R2")
def _no_ratio_when_unused(record: Record) -> bool:
    """RpyPrct must be blank when RpyStatus is * (the tag stays)."""
    return not _status_is(record, H, "*") or not record.text(H, "RpyPrct")


for _tag in ("OverdPrd", "TotOverd"):
    _zero_when(H, _tag, "BLE015", ("*",), "when RpyStatus is *")
    _zero_when(H, _tag, "BLE017", ("N", "M"), "when RpyStatus is N or M")
    _positive_when_overdue(_tag, "OverdPrd")
    _zero_when_closed(H, _tag)
    _zero_when_dormant(H, _tag, ("R2",))


@BOOK.on_item(H, "TotOverd", "BLE013")
def _bad_debt_is_owed(record: Record) -> bool:
    """A bad-debt account (status 41/42, or 51/52 for cards) must show TotOverd above 0."""
    kind, status = record.acct_type, record.text(H, "AcctStatus")
    if kind is None or status not in _BAD_DEBT.get(kind, ()):
        return True
    text = record.text(H, "TotOverd")
    return not text or text != "0"


@BOOK.on_item(H, "OverdPrinc", "BLE020", MULTI_ITEM_TAG, scope=lambda t, k: k in ("D1", "R1", "R4"))
def _principal_within_total(record: Record) -> bool:
    """OverdPrinc is greater than TotOverd."""
    princ, total = record.value(H, "OverdPrinc"), record.value(H, "TotOverd")
    return princ is None or total is None or princ <= total


@BOOK.on_item(H, "OvedrawBaOve180", "BLE022", scope=_r3)
def _old_overdraft_within_balance(record: Record) -> bool:
    """OvedrawBaOve180 is greater than AcctBal."""
    old, balance = _number(record, H, "OvedrawBaOve180"), _number(record, H, "AcctBal")
    return old is None or balance is None or old <= balance


_zero_when(H, "CurRpyAmt", "BLE015", ("*",), "when RpyStatus is *")
_not_after_report(H, "LatRpyDate")
_dates_after_opening(H, "LatRpyDate")


@BOOK.on_item(H, "CloseDate", "BLE001")
def _closed_has_date(record: Record) -> bool:
    """A closed account must give its CloseDate."""
    return not _closed(record, H) or record.text(H, "CloseDate") != ""


_not_after_report(H, "CloseDate")
_dates_after_opening(H, "CloseDate")
for _other in ("LatRpyDate", "FiveCateAdjDate", "SettDate"):

    def _close_after(record: Record, other: str = _other) -> bool:
        if not record.raw[H].items.get("CloseDate"):
            return True  # an open account: nothing to compare (§1.3)
        closed, day = record.value(H, "CloseDate"), record.value(H, other)
        return closed is None or day is None or closed >= day

    _close_after.__doc__ = f"CloseDate is earlier than {_other}."
    BOOK.on_item(H, "CloseDate", "BLE011")(_close_after)


@BOOK.on_item(H, "CloseDate", "BLE010", "RptDate", scope=lambda t, k: t == "20")
def _closure_on_time(record: Record) -> bool:
    """A closure (code 20) must be reported within 30 days: CloseDate ≥ RptDate − 29 days."""
    if not record.raw[H].items.get("CloseDate"):
        return True
    return _not_before(record, H, "CloseDate", _rpt_date(record), -29)


# --- I: special instalment line ----------------------------------------------------------


@BOOK.on_item(I, "SpecEfctDate", "BLE007")
def _line_starts_before_end(record: Record) -> bool:
    """SpecEfctDate is later than SpecEndDate."""
    return _not_after(record, I, "SpecEfctDate", _day(record, I, "SpecEndDate"))


_not_after_report(I, "SpecEfctDate")
_dates_after_opening(I, "SpecEfctDate")


def _before_closing(segment: str, tag: str, element: bool = False) -> None:
    for closing in (H, J):

        def test(record: Record, closing: str = closing) -> bool:
            return _not_after(record, segment, tag, _day(record, closing, "CloseDate"))

        test.__doc__ = f"{tag} is later than the CloseDate of {closing}."
        if not element:
            BOOK.on_item(segment, tag, "BLE006", "CloseDate", needs=(closing,))(test)
            continue

        def element_test(record: Record, found: Mapping[str, str], closing: str = closing) -> bool:
            closed = _day(record, closing, "CloseDate")
            day = _element_day(found, tag)
            return day is None or closed is None or day <= closed

        element_test.__doc__ = test.__doc__
        BOOK.on_element(segment, tag, "BLE006", "CloseDate")(element_test)


_before_closing(I, "SpecEfctDate")
_dates_after_opening(I, "SpecEndDate")


# --- J: non-monthly performance ----------------------------------------------------------


@BOOK.on_item(J, "AcctStatus", "BLE016", MULTI_ITEM_TAG)
def _recovery_does_not_close(record: Record) -> bool:
    """A non-monthly record cannot close an account (AcctStatus 3, or 4 for cards)."""
    return record.acct_type == "C1" or not _closed(record, J)


_zero_when_dormant(J, "AcctBal", ("R2", "R3"))


@BOOK.on_item(J, "AcctBal", "BLE027", scope=lambda t, k: k == "C1")
def _ended_collection_is_zero(record: Record) -> bool:
    """An ended collection account (C1, AcctStatus 2) must show AcctBal 0."""
    ended = record.text(J, "AcctStatus") == "2"
    return not ended or _zero(record, J, "AcctBal")


_not_after_report(J, "FiveCateAdjDate")
_dates_after_opening(J, "FiveCateAdjDate")


@BOOK.on_item(J, "RpyStatus", "BLE034")
def _recovery_is_normal(record: Record) -> bool:
    """A non-monthly record's RpyStatus must be N."""
    status = record.text(J, "RpyStatus")
    return not status or status == "N"


for _tag in ("OverdPrd", "TotOverd"):
    _zero_when(J, _tag, "BLE018", ("N", "M"), "when RpyStatus is N or M")
    _zero_when_dormant(J, _tag, ("R2",))
    _zero_when_closed(J, _tag)


@BOOK.on_item(J, "LatRpyDate", "BLE040")
def _recovered_on_report_day(record: Record) -> bool:
    """LatRpyDate must equal RptDate: a recovery is reported on the day it is received."""
    if record.acct_type in (None, "C1"):
        return True
    day, rpt = _day(record, J, "LatRpyDate"), _rpt_date(record)
    return day is None or rpt is None or day == rpt


_dates_after_opening(J, "LatRpyDate")


@BOOK.on_item(J, "CloseDate", "BLE043")
def _ended_has_date(record: Record) -> bool:
    """A closed or ended account must give its CloseDate."""
    return not _closed(record, J) or record.text(J, "CloseDate") != ""


_not_after_report(J, "CloseDate")
_dates_after_opening(J, "CloseDate")
for _other in ("LatRpyDate", "FiveCateAdjDate"):

    def _close_after_j(record: Record, other: str = _other) -> bool:
        if not record.raw[J].items.get("CloseDate"):
            return True  # nothing to compare (§1.3)
        return _not_before(record, J, "CloseDate", _day(record, J, other))

    _close_after_j.__doc__ = f"CloseDate is earlier than {_other}."
    BOOK.on_item(J, "CloseDate", "BLE042")(_close_after_j)


# --- K: special transactions -------------------------------------------------------------


@BOOK.on_item(K, "CagOfTrdNm", "BLE046")
def _some_transactions(record: Record) -> bool:
    """CagOfTrdNm must be above 0."""
    count = _number(record, K, "CagOfTrdNm")
    return count is None or count > 0


@BOOK.on_group(K, "ABD000", "CagOfTrdInf")
def _transactions_sent(record: Record) -> bool:
    """AcctSpecTrstDspnSgmt must carry at least one CagOfTrdInf element."""
    return bool(record.groups(K))


@BOOK.on_group(K, "ABE010", "CagOfTrdNm")
def _transaction_count(record: Record) -> bool:
    """CagOfTrdNm differs from the number of CagOfTrdInf elements."""
    count: int | None = record.value(K, "CagOfTrdNm")
    elements = record.groups(K)
    return count is None or not elements or count == len(elements)


@BOOK.on_group(K, "ABE011", "CagOfTrdNm")
def _transactions_distinct(record: Record) -> bool:
    """two CagOfTrdInf elements share ChanTranType + TranDate."""
    seen = [(e.get("ChanTranType"), e.get("TranDate")) for e in record.groups(K)]
    return len(seen) == len(set(seen))


def _element_day(found: Mapping[str, str], tag: str) -> date | None:
    """The date of an element's item, or ``None`` when absent, blank or not a valid date."""
    text = found.get(tag)
    if not text:
        return None
    try:
        value = parse_text(BOOK.spec(K, tag), text)
    except ValueProblem:
        return None
    return value if isinstance(value, date) else None


@BOOK.on_element(K, "TranDate", "ABE007")
def _transaction_reported(record: Record, found: Mapping[str, str]) -> bool:
    """TranDate is later than RptDate."""
    day, rpt = _element_day(found, "TranDate"), _rpt_date(record)
    return day is None or rpt is None or day <= rpt


@BOOK.on_element(K, "TranDate", "BLE005", "OpenDate")
def _transaction_after_opening(record: Record, found: Mapping[str, str]) -> bool:
    """TranDate is earlier than the account's OpenDate."""
    day, opened = _element_day(found, "TranDate"), _open_date(record)
    return day is None or opened is None or day >= opened


_before_closing(K, "TranDate", element=True)
