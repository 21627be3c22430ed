"""The rule books of the request records 211, 213, 214, 215, 221, 223 and 224 (§7).

Each record is one flat table (:mod:`zhengxin.pboc.variants`), so each book has a single
pseudo segment, the root itself. Besides what the tables imply (presence, blanks, formats,
code tables, and ABR000 for a wrong InfRecType), every identifier carries the institution-prefix
check ABE002, and the rules of §7:

* 211 / 221: the new identifier differs from the old one (BIE000 / BIE100);
* 213 / 223: only some segments may be deleted (ABE001), at least one date of the range is given
  (BSE000 / BSE100) and the range is in order (BSE001 / BSE101);
* 215: the report date is not after the file date (ABR001) and lies in the event's month
  (BQR000).

Rules pass vacuously when what they compare is absent, blank or not a valid value (§1.3).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from zhengxin.codes import SegmentMark210, SegmentMark220
from zhengxin.pboc.errors import MULTI_ITEM_TAG, WRONG_TYPE
from zhengxin.pboc.line import SegmentSpec
from zhengxin.pboc.rules import Record, RuleBook
from zhengxin.pboc.rules_common import not_after_file_rule, prefix_rule
from zhengxin.pboc.variants import (
    ACCOUNT_DELETION,
    ACCOUNT_ID_CHANGE,
    ACCOUNT_SEGMENT_DELETION,
    AGREEMENT_DELETION,
    AGREEMENT_ID_CHANGE,
    AGREEMENT_SEGMENT_DELETION,
    SPECIAL_EVENT,
    FlatRecord,
)

DELETABLE_210 = frozenset(
    {
        SegmentMark210.BASIC_INFO,
        SegmentMark210.MONTHLY,
        SegmentMark210.SPECIAL_INSTALMENT,
        SegmentMark210.NON_MONTHLY,
        SegmentMark210.SPECIAL_TRANSACTIONS,
    }
)
"""The 210 segments a 213 record may delete: C, H, I, J and K (§7.3)."""
DELETABLE_220 = frozenset({SegmentMark220.CREDIT_LIMIT})
"""The only 220 segment a 223 record may delete: D, the credit-limit segment (§7.6)."""


def _book(spec: SegmentSpec, key: str) -> RuleBook:
    """The book of a flat record: its one table, keyed by identifier ``key``."""
    record_class: type[FlatRecord] = spec.cls
    return RuleBook(record_class.record_type, spec.tag, (spec,), key_item=(spec.tag, key))


def _prefixes(book: RuleBook, tags: Iterable[str]) -> None:
    for tag in tags:
        prefix_rule(book, book.root, tag)


def _id_change_book(spec: SegmentSpec, code: str) -> RuleBook:
    book = _book(spec, "OdBnesCode")
    root = spec.tag
    _prefixes(book, ("OdBnesCode", "NwBnesCode"))

    @book.on_item(root, "NwBnesCode", code)
    def _new_code_differs(record: Record) -> bool:
        """NwBnesCode is the same as OdBnesCode: the new identifier must differ from the old."""
        old, new = record.text(root, "OdBnesCode"), record.text(root, "NwBnesCode")
        # Absent passes (§1.3); blank is compared as "", so two blank codes are the same.
        return old is None or new is None or old != new

    return book


def _deletion_book(
    spec: SegmentSpec, deletable: frozenset[str], range_code: str, order_code: str
) -> RuleBook:
    book = _book(spec, "DelRecCode")
    root = spec.tag
    _prefixes(book, ("DelRecCode",))
    marks = "/".join(sorted(deletable))

    def deletable_segment(record: Record) -> bool:
        mark: str | None = record.value(root, "DelSgmtCode")
        return mark is None or mark in deletable

    deletable_segment.__doc__ = f"DelSgmtCode must name a segment that can be deleted: {marks}."
    book.on_item(root, "DelSgmtCode", WRONG_TYPE)(deletable_segment)

    @book.on_item(root, "DelStartDate", range_code, MULTI_ITEM_TAG)
    def _range_given(record: Record) -> bool:
        """At least one of DelStartDate and DelEndDate must be given."""
        start, end = record.text(root, "DelStartDate"), record.text(root, "DelEndDate")
        return (start is None and end is None) or bool(start) or bool(end)

    @book.on_item(root, "DelStartDate", order_code)
    def _range_in_order(record: Record) -> bool:
        """DelStartDate is later than DelEndDate."""
        start: date | None = record.value(root, "DelStartDate")
        end: date | None = record.value(root, "DelEndDate")
        return start is None or end is None or start <= end

    return book


def _deletion_of_all_book(spec: SegmentSpec) -> RuleBook:
    book = _book(spec, "DelRecCode")
    _prefixes(book, ("DelRecCode",))
    return book


def _special_event_book() -> RuleBook:
    book = _book(SPECIAL_EVENT, "AcctCode")
    root = SPECIAL_EVENT.tag
    _prefixes(book, ("AcctCode",))
    not_after_file_rule(book, root)

    @book.on_item(root, "RptDate", "BQR000", MULTI_ITEM_TAG)
    def _reported_in_month(record: Record) -> bool:
        """RptDate must fall in the event's Month."""
        month: date | None = record.value(root, "Month")
        reported: date | None = record.value(root, "RptDate")
        return month is None or reported is None or reported.replace(day=1) == month

    return book


BOOK_211 = _id_change_book(ACCOUNT_ID_CHANGE, "BIE000")
BOOK_213 = _deletion_book(ACCOUNT_SEGMENT_DELETION, DELETABLE_210, "BSE000", "BSE001")
BOOK_214 = _deletion_of_all_book(ACCOUNT_DELETION)
BOOK_215 = _special_event_book()
BOOK_221 = _id_change_book(AGREEMENT_ID_CHANGE, "BIE100")
BOOK_223 = _deletion_book(AGREEMENT_SEGMENT_DELETION, DELETABLE_220, "BSE100", "BSE101")
BOOK_224 = _deletion_of_all_book(AGREEMENT_DELETION)

BOOKS_VARIANTS: dict[str, RuleBook] = {
    book.record_type: book
    for book in (BOOK_211, BOOK_213, BOOK_214, BOOK_215, BOOK_221, BOOK_223, BOOK_224)
}
"""The rule book of each request record type, keyed by record type."""
