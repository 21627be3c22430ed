"""The rules of record 220 个人授信协议信息记录 that its declarations do not already imply (§6).

Each rule is a small function registered on its node of the rule tree with its official code;
its docstring is the message a furnisher reads. Rules pass vacuously when what they compare is
absent, blank or not a valid value (§1.3). The rule file walks the segments in the order
CtrctBsSgmt, CreditLimSgmt, CtrctCertRelSgmt and the credit-limit items in an order of its own
(§1.5); :data:`BOOK` follows both.

The helpers :func:`prefix_rule`, :func:`institution_rule` and :func:`not_after_file_rule` declare
the institution and report-date checks every record type shares (§1.7, §7).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from zhengxin.codes import PARTY_ORGANISATION_ID_TYPES, IdType
from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.fields import utf16_length
from zhengxin.pboc.idcheck import organisation_id_ok, personal_id_ok
from zhengxin.pboc.record220 import (
    AGREEMENT_BASE,
    CO_OBLIGORS,
    CREDIT_LIMIT,
    RECORD_TYPE_220,
    ROOT_220,
    SEGMENT_MISSING_220,
)
from zhengxin.pboc.rules import Record, RuleBook
from zhengxin.pboc.rules_common import institution_rule, not_after_file_rule, prefix_rule

B, C, D = AGREEMENT_BASE.tag, CO_OBLIGORS.tag, CREDIT_LIMIT.tag

BOOK = RuleBook(
    RECORD_TYPE_220,
    ROOT_220,
    (AGREEMENT_BASE, CREDIT_LIMIT, CO_OBLIGORS),
    key_item=(B, "ContractCode"),
    item_order={
        D: (
            *("CreditLimType", "CreditLim", "Cy", "LimLoopFlg", "ConEffDate", "ConExpDate"),
            *("ConStatus", "CreditRestCode", "CreditRest"),
        )
    },
)
"""The rule book of record 220."""

PERSON, ORGANISATION = "1", "2"
_PERSON_ID_TYPES = frozenset(t.value for t in IdType)

"""Of §9.14b, a co-obligor organisation may use only these (BCE002)."""
_PERSON_NAME_LENGTH, _PERSON_ID_LENGTH = 30, 20


# --- shared declarations -----------------------------------------------------------------


def _date(record: Record, segment: str, tag: str) -> date | None:
    value: date | None = record.value(segment, tag)
    return value


# --- segment presence (§6) ---------------------------------------------------------------


@BOOK.on_segment(B, SEGMENT_MISSING_220)
def _base_present(record: Record) -> bool:
    """Every record 220 needs its base segment CtrctBsSgmt (§6)."""
    return record.has(B)


@BOOK.on_segment(D, SEGMENT_MISSING_220)
def _limit_present(record: Record) -> bool:
    """Every record 220 needs its credit-limit segment CreditLimSgmt (§6)."""
    return record.has(D)


# --- B: base segment ---------------------------------------------------------------------

prefix_rule(BOOK, B, "ContractCode")
not_after_file_rule(BOOK, B)


@BOOK.on_item(B, "IDNum", "ABE004")
def _borrower_id(record: Record) -> bool:
    """IDNum is not a well-formed number for its IDType (§1.8)."""
    kind, number = record.text(B, "IDType"), record.text(B, "IDNum")
    return not kind or not number or personal_id_ok(kind, number)


institution_rule(BOOK, B, "MngmtOrgCode")


# --- D: credit limit ---------------------------------------------------------------------


@BOOK.on_item(D, "ConEffDate", "ABE007")
def _effective_by_report(record: Record) -> bool:
    """ConEffDate is later than RptDate."""
    effective, reported = _date(record, D, "ConEffDate"), _date(record, B, "RptDate")
    return effective is None or reported is None or effective <= reported


@BOOK.on_item(D, "ConExpDate", "BCE000", "ConEffDate")
def _expires_after_start(record: Record) -> bool:
    """ConExpDate is earlier than ConEffDate."""
    effective, expiry = _date(record, D, "ConEffDate"), _date(record, D, "ConExpDate")
    return effective is None or expiry is None or expiry >= effective


@BOOK.on_item(D, "CreditRestCode", "BCE004", MULTI_ITEM_TAG)
def _restriction_pair(record: Record) -> bool:
    """CreditRest and CreditRestCode must be sent together or not at all."""
    # One error for the pair, on CreditRestCode: the rule file evaluates it first.
    return (record.text(D, "CreditRest") is None) == (record.text(D, "CreditRestCode") is None)


prefix_rule(BOOK, D, "CreditRestCode")


# --- C: co-obligors ----------------------------------------------------------------------


@BOOK.on_group(C, "ABE010", "BrerNm")
def _count_matches(record: Record) -> bool:
    """BrerNm differs from the number of CtrctCertRel elements (checked only when at least one
    element is sent, as the client does)."""
    count: int | None = record.value(C, "BrerNm")
    elements = record.groups(C)
    return count is None or not elements or count == len(elements)


@BOOK.on_group(C, "ABE011", "BrerNm")
def _distinct(record: Record) -> bool:
    """Two CtrctCertRel elements share BrerType + CertRelIDType + CertRelIDNum."""
    keys = ("BrerType", "CertRelIDType", "CertRelIDNum")
    seen = [tuple(e.get(k) for k in keys) for e in record.groups(C)]
    return len(seen) == len(set(seen))


@BOOK.on_group(C, "BCE003", MULTI_ITEM_TAG)
def _co_obligor_not_borrower(record: Record) -> bool:
    """A natural-person co-obligor repeats the borrower's own IDType and IDNum."""
    own = (record.text(B, "IDType"), record.text(B, "IDNum"))
    if not all(own):
        return True
    return not any(
        e.get("BrerType") == PERSON and (e.get("CertRelIDType"), e.get("CertRelIDNum")) == own
        for e in record.groups(C)
    )


@BOOK.on_element(C, "CertRelName", "ABE001")
def _person_name_length(record: Record, element: Mapping[str, str]) -> bool:
    """A natural person's CertRelName has at most 30 characters."""
    name = element.get("CertRelName")
    if element.get("BrerType") != PERSON or not name:
        return True
    size = utf16_length(name)
    return size <= _PERSON_NAME_LENGTH or size > _declared(C, "CertRelName")  # (once, §1.2)


@BOOK.on_element(C, "CertRelIDType", "BCE002", MULTI_ITEM_TAG)
def _co_obligor_id_type(record: Record, element: Mapping[str, str]) -> bool:
    """CertRelIDType must be a personal ID type (§9.13), or 10/20/30 for an organisation."""
    kind, text = element.get("BrerType"), element.get("CertRelIDType")
    if not text:
        return True
    if kind == PERSON:
        return text in _PERSON_ID_TYPES
    if kind == ORGANISATION:
        return text in PARTY_ORGANISATION_ID_TYPES
    return True


@BOOK.on_element(C, "CertRelIDNum", "ABE001")
def _person_id_length(record: Record, element: Mapping[str, str]) -> bool:
    """A natural person's CertRelIDNum has at most 20 characters."""
    number = element.get("CertRelIDNum")
    if element.get("BrerType") != PERSON or not number:
        return True
    size = utf16_length(number)
    return size <= _PERSON_ID_LENGTH or size > _declared(C, "CertRelIDNum")  # (once, §1.2)


def _declared(segment: str, tag: str) -> int:
    """The longest value an item's declaration allows: beyond it the format check reports."""
    return BOOK.spec(segment, tag).length


@BOOK.on_element(C, "CertRelIDNum", "ABE004")
def _co_obligor_id(record: Record, element: Mapping[str, str]) -> bool:
    """CertRelIDNum is not a well-formed number for its CertRelIDType (§1.8)."""
    kind, number = element.get("CertRelIDType"), element.get("CertRelIDNum")
    if not kind or not number:
        return True
    if element.get("BrerType") == PERSON:
        return personal_id_ok(kind, number)
    if element.get("BrerType") == ORGANISATION:
        return organisation_id_ok(kind, number)
    return True
