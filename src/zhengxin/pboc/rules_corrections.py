"""The rule books of the correction records 212 and 222 (§7.2, §7.6).

A correction is checked in two parts. Its own base segment BsSgmt carries the usual checks:
presence, blanks, formats, code tables (AcctType, MdfcSgmtCode), the institution prefix of
ModRecCode (ABE002) and the report date against the file date (ABR001). Then each segment the
record can correct has a presence rule — the segment named by MdfcSgmtCode must be there,
no other may be — and the corrected segment is checked with the rules of the record it
corrects, reused from that record's book rather than declared again:

* 212 reuses the 210 book without any BLR rule and without BLE004, BLE005, BLE006, BLE008,
  BLE010, BLE016, BLE037 and BLE041 (they compare with another segment or with RptDateCode,
  which a correction does not carry). It adds BMR005, the segments an account type cannot
  correct.
* 222 reuses the 220 book without BCR000 and BCE003 (BCE000, BCE002 and BCE004 stay).

The reused rules read the account type and the report date from the base segment of the
record they were written for (``AcctBsSgmt``/``CtrctBsSgmt``); a :class:`CorrectionBook` walks
a record whose lookups of those items are answered from BsSgmt instead. Every other lookup of
the base segment (IDType and IDNum for ABE004 in a base correction) reads the corrected
segment itself. Base items a correction may not carry are reported by their declarations
(BMR003 / BMR105, see :mod:`zhengxin.pboc.corrections`), and the rules on them are not reused.

Readings where §7 is silent:

* A missing BsSgmt is ABD000 (tag BsSgmt): without it nothing else can be checked.
* The presence rules run only when MdfcSgmtCode is a valid mark; an absent, blank or invalid
  MdfcSgmtCode is reported on its own (ABD000 / ABE000 / ABE001), as a guard on an invalid code
  is false (§1.4). They report with the segment's tag.
* 222 reports BMR101 both for the named segment missing and for another segment present.
* The three BMR005 rules are independent, so a C1 account correcting I gets two.

>>> from datetime import date
>>> from zhengxin.pboc.corrections import SAMPLE_212
>>> BOOK_212.check(SAMPLE_212, FileContext("212", date(2024, 9, 30), "B10211000H0001"))
('B10211000H0001R1A0001', [])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zhengxin.codes import SegmentMark210
from zhengxin.pboc.corrections import (
    ACCOUNT_CORRECTION_BASE,
    AGREEMENT_CORRECTION_BASE,
    BASE_TAG,
    CORRECTED_212,
    CORRECTED_222,
    PRESENCE_212,
    PRESENCE_222,
    RECORD_TYPE_212,
    RECORD_TYPE_222,
    ROOT_212,
    ROOT_222,
    SEGMENT_NOT_APPLICABLE_212,
    forbidden_base_items,
    parse_line_212,
    parse_line_222,
)
from zhengxin.pboc.errors import MISSING
from zhengxin.pboc.line import RawRecord, SegmentSpec
from zhengxin.pboc.rules import ERROR_CAP, FileContext, Record, RuleBook
from zhengxin.pboc.rules210_perf import BOOK as BOOK_210
from zhengxin.pboc.rules220 import BOOK as BOOK_220
from zhengxin.pboc.rules_common import not_after_file_rule, prefix_rule

__all__ = [
    "BOOKS_CORRECTIONS",
    "BOOK_212",
    "BOOK_222",
    "EXCLUDED_210",
    "EXCLUDED_220",
    "CorrectionBook",
]

Alias = Mapping[tuple[str, str], tuple[str, str]]

EXCLUDED_210 = frozenset(
    {"BLE004", "BLE005", "BLE006", "BLE008", "BLE010", "BLE016", "BLE037", "BLE041"}
)
"""The 210 BLE rules a 212 record does not apply (§7.2); no BLR rule applies either."""
EXCLUDED_220 = frozenset({"BCR000", "BCE003"})
"""The 220 rules a 222 record does not apply: segment presence, and the co-obligor compared
with the borrower, who is not in the record (§7.6)."""


class _CorrectionRecord(Record):
    """A correction being checked, as the reused rules expect to see it: the items listed in
    ``aliases`` (the corrected record's base items AcctType and RptDate) are read from
    BsSgmt."""

    __slots__ = ("_aliases",)

    def __init__(
        self, book: CorrectionBook, raw: RawRecord, context: FileContext, cap: int
    ) -> None:
        self._aliases = book.aliases
        super().__init__(book, raw, context, cap)

    def text(self, segment: str, tag: str) -> str | None:
        found = self._aliases.get((segment, tag))
        return super().text(*found) if found else super().text(segment, tag)

    def value(self, segment: str, tag: str) -> Any:
        found = self._aliases.get((segment, tag))
        return super().value(*found) if found else super().value(segment, tag)


@dataclass
class CorrectionBook(RuleBook):
    """The book of a correction record: its lines are read by ``reader`` and its records
    walked with the lookups of ``aliases`` redirected (corrected base item → BsSgmt item)."""

    reader: Callable[[str], RawRecord] = field(kw_only=True)
    aliases: Alias = field(kw_only=True)

    def read(self, line: str) -> RawRecord:
        """The line in the value model of §1.1, or ``RecordUnreadable`` (ABR000)."""
        return self.reader(line)

    def record_of(self, raw: RawRecord, context: FileContext, cap: int = ERROR_CAP) -> Record:
        """The record the walk checks (its base-item lookups redirected to BsSgmt)."""
        return _CorrectionRecord(self, raw, context, cap)


# --- shared declarations -----------------------------------------------------------------


def _base_rules(book: RuleBook) -> None:
    """BsSgmt: present (ABD000), ModRecCode's institution prefix, RptDate not after the file."""

    @book.on_segment(BASE_TAG, MISSING)
    def _base_present(record: Record) -> bool:
        """Every correction needs its base segment BsSgmt."""
        return record.has(BASE_TAG)

    prefix_rule(book, BASE_TAG, "ModRecCode")
    not_after_file_rule(book, BASE_TAG)


def _presence_rules(book: RuleBook, presence: Mapping[str, tuple[str, str]]) -> None:
    """The segment named by MdfcSgmtCode must be present, and no other (§7.2, §7.6)."""
    for spec in book.segments[1:]:
        tag, mark = spec.tag, spec.mark
        missing, extra = presence[tag]

        def named_present(record: Record, tag: str = tag, mark: str = mark) -> bool:
            return record.value(BASE_TAG, "MdfcSgmtCode") != mark or record.has(tag)

        named_present.__doc__ = f"MdfcSgmtCode is {mark} but {tag} is missing."
        book.on_segment(tag, missing)(named_present)

        def others_absent(record: Record, tag: str = tag, mark: str = mark) -> bool:
            named = record.value(BASE_TAG, "MdfcSgmtCode")
            return named is None or named == mark or not record.has(tag)

        others_absent.__doc__ = (
            f"{tag} (segment {mark}) is present but MdfcSgmtCode names another segment: a "
            "correction carries exactly one segment."
        )
        book.on_segment(tag, extra)(others_absent)


def _reuse(source: RuleBook, target: RuleBook, excluded: Callable[[str], bool]) -> None:
    """Register on ``target`` the rules of ``source`` on the segments both have, except those
    whose code is ``excluded`` and those on base items a correction may not carry."""
    tags = {spec.tag for spec in target.segments}
    forbidden = {
        (spec.tag, item) for spec in target.segments for item in forbidden_base_items(spec)
    }
    for segment, rules in source.segment_rules.items():
        for rule in rules:
            if segment in tags and not excluded(rule.code):
                target.on_segment(segment, rule.code, rule.tag, rule.scope, rule.needs)(rule.test)
    for (segment, item), rules in source.item_rules.items():
        if segment not in tags or (segment, item) in forbidden:
            continue
        for rule in rules:
            if not excluded(rule.code):
                on_item = target.on_item(segment, item, rule.code, rule.tag, rule.scope, rule.needs)
                on_item(rule.test)
    for segment, rules in source.group_rules.items():
        for rule in rules:
            if segment in tags and not excluded(rule.code):
                target.on_group(segment, rule.code, rule.tag)(rule.test)
    for (segment, item), element_rules in source.element_rules.items():
        for element_rule in element_rules:
            if segment in tags and not excluded(element_rule.code):
                on_element = target.on_element(segment, item, element_rule.code, element_rule.tag)
                on_element(element_rule.test)


# --- 212 ---------------------------------------------------------------------------------

_ACCOUNT_BASE = CORRECTED_212[0].tag


def _excluded_210(code: str) -> bool:
    return code.startswith("BLR") or code in EXCLUDED_210


def _book_212() -> CorrectionBook:
    book = CorrectionBook(
        RECORD_TYPE_212,
        ROOT_212,
        (ACCOUNT_CORRECTION_BASE, *CORRECTED_212),
        key_item=(BASE_TAG, "ModRecCode"),
        acct_type_item=(BASE_TAG, "AcctType"),
        acct_types=BOOK_210.acct_types,
        item_order=BOOK_210.item_order,
        reader=parse_line_212,
        aliases={
            (_ACCOUNT_BASE, "AcctType"): (BASE_TAG, "AcctType"),
            (_ACCOUNT_BASE, "RptDate"): (BASE_TAG, "RptDate"),
        },
    )
    _base_rules(book)
    _not_applicable(book, {"C1"}, "EFHI", "a collection account (C1) cannot correct E/F/H/I")
    _not_applicable(
        book, {"D1", "R1", "R2", "R3", "R4"}, "G", "only a collection account (C1) has segment G"
    )
    _not_applicable(
        book, {"D1", "R1", "R3", "R4", "C1"}, "I", "only a credit card (R2) has segment I"
    )
    _presence_rules(book, PRESENCE_212)
    _reuse(BOOK_210, book, _excluded_210)
    return book


def _not_applicable(book: RuleBook, kinds: set[str], marks: str, why: str) -> None:
    """BMR005 (tag MdfcSgmtCode): account types ``kinds`` may not correct segments ``marks``."""
    refused = frozenset(SegmentMark210(mark) for mark in marks)

    def test(record: Record) -> bool:
        return record.value(BASE_TAG, "MdfcSgmtCode") not in refused

    test.__doc__ = f"MdfcSgmtCode names a segment the account type cannot have: {why}."
    wanted = frozenset(kinds)
    book.on_item(
        BASE_TAG, "MdfcSgmtCode", SEGMENT_NOT_APPLICABLE_212, scope=lambda t, k: k in wanted
    )(test)


BOOK_212 = _book_212()
"""The rule book of record 212 个人借贷账户按段更正请求记录."""


# --- 222 ---------------------------------------------------------------------------------


def _excluded_220(code: str) -> bool:
    return code in EXCLUDED_220


def _book_222() -> CorrectionBook:
    agreement_base = CORRECTED_222[0].tag
    book = CorrectionBook(
        RECORD_TYPE_222,
        ROOT_222,
        (AGREEMENT_CORRECTION_BASE, *_in_order(CORRECTED_222, BOOK_220.segments)),
        key_item=(BASE_TAG, "ModRecCode"),
        item_order=BOOK_220.item_order,
        reader=parse_line_222,
        aliases={(agreement_base, "RptDate"): (BASE_TAG, "RptDate")},
    )
    _base_rules(book)
    _presence_rules(book, PRESENCE_222)
    _reuse(BOOK_220, book, _excluded_220)
    return book


def _in_order(
    specs: tuple[SegmentSpec, ...], order: tuple[SegmentSpec, ...]
) -> tuple[SegmentSpec, ...]:
    """``specs`` in the rule-file order of the record they correct (§1.5: 220 walks B, D, C)."""
    position = {spec.tag: index for index, spec in enumerate(order)}
    return tuple(sorted(specs, key=lambda spec: position[spec.tag]))


BOOK_222 = _book_222()
"""The rule book of record 222 个人授信协议按段更正请求记录."""

BOOKS_CORRECTIONS: dict[str, RuleBook] = {"212": BOOK_212, "222": BOOK_222}
"""The rule book of each correction record type, keyed by record type."""
