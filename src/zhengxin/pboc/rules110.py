"""The rules of record 110 个人基本信息记录 that its declarations do not already imply (§5).

The declarations in :mod:`zhengxin.pboc.record110` give presence (ABD000, and BBD000/BBD001 for
the employer and spouse items), blank values (ABE000), formats and code tables (ABE001, ABE008).
The rules here add the rest, each registered on the node of the rule tree it belongs to, in the
rule file's order (§1.5): segments BsSgmt, IDSgmt, FcsInfSgmt, EduInfSgmt, OctpnInfSgmt,
RedncInfSgmt, MlgInfSgmt, SpsInfSgmt, IncInfSgmt; BsSgmt's items InfRecType, InfSurcCode,
RptDate, RptDateCode, Name, IDType, IDNum, Cimoc, CustomerType.

Rules pass vacuously when what they compare is absent, blank or not a valid value (§1.3). A
condition on a code (EduLevel, CpnType, the ID types) holds only for a valid code, as the guard
chains of §1.4 resolve; the value a code-set rule tests is compared as text, as a Contains or
NotContains check does (so an AcaDegree that is no code at all also fails BBE004).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.fields import FIRST_YEAR, LAST_YEAR, ValueProblem
from zhengxin.pboc.idcheck import personal_id_ok
from zhengxin.pboc.record110 import (
    BASE_TAG,
    CORE_SEGMENTS_110,
    EDUCATION,
    EDUCATION_TAG,
    EMPLOYMENT,
    EMPLOYMENT_TAG,
    INCOME,
    INCOME_TAG,
    MAILING,
    MAILING_TAG,
    OTHER_IDENTITIES,
    OTHER_IDS_TAG,
    PERSON_BASE,
    PROFILE,
    PROFILE_TAG,
    RECORD_TYPE_110,
    RESIDENCE,
    RESIDENCE_TAG,
    ROOT_110,
    SPOUSE,
    SPOUSE_TAG,
)
from zhengxin.pboc.rules import Record, RuleBook, parse_text
from zhengxin.pboc.rules_common import institution_rule, not_after_file_rule, prefix_rule

__all__ = ["BOOK"]

BS, IDS, FCS, SPS = BASE_TAG, OTHER_IDS_TAG, PROFILE_TAG, SPOUSE_TAG
EDU, OCT, RED, MLG, INC = EDUCATION_TAG, EMPLOYMENT_TAG, RESIDENCE_TAG, MAILING_TAG, INCOME_TAG

BOOK = RuleBook(
    RECORD_TYPE_110,
    ROOT_110,
    (
        *(PERSON_BASE, OTHER_IDENTITIES, PROFILE, EDUCATION, EMPLOYMENT),
        *(RESIDENCE, MAILING, SPOUSE, INCOME),
    ),
    key_item=(BS, "IDNum"),
    item_order={
        BS: (
            *("InfRecType", "InfSurcCode", "RptDate", "RptDateCode", "Name"),
            *("IDType", "IDNum", "Cimoc", "CustomerType"),
        )
    },
)
"""The rule book of record 110."""

_NO_DEGREE_LEVELS = frozenset({"30", "40", "70", "80"})
"""EduLevel 大专, 中专/职高/技校, 初中, 小学: no degree can go with them (BBE004)."""
_NO_DEGREE = ("5", "9")
_PRIVATE_EMPLOYERS = frozenset({"30", "40", "50"})
"""CpnType 外资, 个体/私营, 其他: the occupation cannot be 单位负责人 or 军人 (BBE005)."""
_NOT_PRIVATE_OCCUPATIONS = ("0", "X")


def _timing(record: Record) -> str | None:
    return record.text(BS, "RptDateCode")


def _day(record: Record, segment: str, tag: str) -> date | None:
    value: date | None = record.value(segment, tag)
    return value


def _valid(segment: str, tag: str, text: str | None) -> bool:
    """Whether ``text`` is a non-blank valid value of the item (for repeated elements, whose
    values :meth:`Record.value` does not reach)."""
    if not text:
        return False
    try:
        parse_text(BOOK.spec(segment, tag), text)
    except ValueProblem:
        return False
    return True


# --- segment presence (§5) ----------------------------------------------------------------


@BOOK.on_segment(BS, "BBR000")
def _base_present(record: Record) -> bool:
    """Every record 110 needs its base segment BsSgmt (§5)."""
    return record.has(BS)


def _core_segment(segment: str) -> None:
    def test(record: Record) -> bool:
        return _timing(record) != "10" or record.has(segment)

    test.__doc__ = f"A first report (RptDateCode 10) must carry {segment} (§5)."
    BOOK.on_segment(segment, "BBR000")(test)


for _segment in CORE_SEGMENTS_110:
    _core_segment(_segment)


# --- BsSgmt (§5.1) -----------------------------------------------------------------------


prefix_rule(BOOK, BS, "InfSurcCode")
not_after_file_rule(BOOK, BS)


@BOOK.on_item(BS, "IDNum", "ABE004")
def _subject_id(record: Record) -> bool:
    """IDNum is not a well-formed number for its IDType (§1.8)."""
    kind, number = record.value(BS, "IDType"), record.value(BS, "IDNum")
    return kind is None or number is None or personal_id_ok(kind, number)


institution_rule(BOOK, BS, "Cimoc")


# --- update dates (§5) -------------------------------------------------------------------


def _checked_report_date(record: Record) -> date | None:
    """RptDate when the update dates are compared with it: only when it is itself no later
    than the file date (§5), so a late RptDate reports its ABR001 alone."""
    rpt, file_date = _day(record, BS, "RptDate"), record.context.file_date
    if rpt is None or (file_date is not None and rpt > file_date):
        return None
    return rpt


def _updated_by_report(segment: str, tag: str) -> None:
    def test(record: Record) -> bool:
        updated, rpt = _day(record, segment, tag), _checked_report_date(record)
        return updated is None or rpt is None or updated <= rpt

    test.__doc__ = f"{tag} is later than RptDate."
    BOOK.on_item(segment, tag, "ABE007")(test)


# --- IDSgmt (§5.2) -----------------------------------------------------------------------


@BOOK.on_item(IDS, "IDNm", "BBE006")
def _some_identities(record: Record) -> bool:
    """IDNm must be above 0."""
    count: int | None = record.value(IDS, "IDNm")
    return count is None or count > 0


_updated_by_report(IDS, "IDInfoUpDate")


@BOOK.on_group(IDS, "ABD000", "IDRec")
def _identities_sent(record: Record) -> bool:
    """IDSgmt must carry at least one IDRec element."""
    return bool(record.groups(IDS))


@BOOK.on_group(IDS, "ABE010", "IDNm")
def _identity_count(record: Record) -> bool:
    """IDNm differs from the number of IDRec elements."""
    count: int | None = record.value(IDS, "IDNm")
    elements = record.groups(IDS)
    return count is None or not elements or count == len(elements)


@BOOK.on_group(IDS, "ABE011", "IDRec")
def _distinct_identities(record: Record) -> bool:
    """Two IDRec elements share OthIDType + OthIDNum."""
    seen = [(e.get("OthIDType"), e.get("OthIDNum")) for e in record.groups(IDS)]
    return len(seen) == len(set(seen))


@BOOK.on_group(IDS, "BBD002", MULTI_ITEM_TAG)
def _not_the_subject(record: Record) -> bool:
    """An IDRec element repeats the base segment's IDType + IDNum."""
    own = (record.text(BS, "IDType"), record.text(BS, "IDNum"))
    if not all(own):
        return True
    return not any((e.get("OthIDType"), e.get("OthIDNum")) == own for e in record.groups(IDS))


@BOOK.on_element(IDS, "OthIDNum", "ABE004")
def _other_id(record: Record, element: Mapping[str, str]) -> bool:
    """OthIDNum is not a well-formed number for its OthIDType (§1.8)."""
    kind, number = element.get("OthIDType"), element.get("OthIDNum")
    if kind is None or number is None:
        return True
    if not (_valid(IDS, "OthIDType", kind) and _valid(IDS, "OthIDNum", number)):
        return True
    return personal_id_ok(kind, number)


# --- FcsInfSgmt (§5.3) -------------------------------------------------------------------


@BOOK.on_item(FCS, "DOB", "BBE001")
def _born_before_update(record: Record) -> bool:
    """DOB is later than FcsInfoUpDate."""
    born, updated = _day(record, FCS, "DOB"), _day(record, FCS, "FcsInfoUpDate")
    return born is None or updated is None or born <= updated


_updated_by_report(FCS, "FcsInfoUpDate")


# --- EduInfSgmt (§5.5) -------------------------------------------------------------------


@BOOK.on_item(EDU, "AcaDegree", "BBE004")
def _degree_fits_education(record: Record) -> bool:
    """AcaDegree must be 5 (none) or 9 (unknown) when EduLevel is 30, 40, 70 or 80."""
    level, degree = record.value(EDU, "EduLevel"), record.text(EDU, "AcaDegree")
    return level not in _NO_DEGREE_LEVELS or not degree or degree in _NO_DEGREE


_updated_by_report(EDU, "EduInfoUpDate")


# --- OctpnInfSgmt (§5.6) -----------------------------------------------------------------


@BOOK.on_item(OCT, "Occupation", "BBE005")
def _occupation_fits_employer(record: Record) -> bool:
    """Occupation cannot be 0 (head of organisation) or X (military) when CpnType is 30, 40
    or 50."""
    kind, occupation = record.value(OCT, "CpnType"), record.text(OCT, "Occupation")
    return kind not in _PRIVATE_EMPLOYERS or occupation not in _NOT_PRIVATE_OCCUPATIONS


@BOOK.on_item(OCT, "WorkStartDate", "ABE008")
def _work_start_year(record: Record) -> bool:
    """WorkStartDate (a year) must lie in 1901-2099."""
    year: str | None = record.value(OCT, "WorkStartDate")
    return year is None or FIRST_YEAR <= int(year) <= LAST_YEAR


_updated_by_report(OCT, "OctpnInfoUpDate")


# --- RedncInfSgmt (§5.7) -----------------------------------------------------------------


@BOOK.on_item(RED, "ResiPc", "ABD000")
def _post_code_with_address(record: Record) -> bool:
    """ResiPc must be sent when ResiAddr is filled in."""
    return not record.text(RED, "ResiAddr") or record.text(RED, "ResiPc") is not None


@BOOK.on_item(RED, "ResiDist", "ABD000")
def _district_with_post_code(record: Record) -> bool:
    """ResiDist (any six-digit division code is accepted) must be sent when ResiPc is filled
    in."""
    return not record.text(RED, "ResiPc") or record.text(RED, "ResiDist") is not None


_updated_by_report(RED, "ResiInfoUpDate")


# --- MlgInfSgmt (§5.8) -------------------------------------------------------------------


@BOOK.on_item(MLG, "MailPc", "ABD000")
def _mail_post_code(record: Record) -> bool:
    """MailPc must be sent with a valid MailAddr."""
    return record.value(MLG, "MailAddr") is None or record.text(MLG, "MailPc") is not None


_updated_by_report(MLG, "MlgInfoUpDate")


# --- SpsInfSgmt (§5.4) -------------------------------------------------------------------


@BOOK.on_item(SPS, "SpoIDType", "BBE002")
def _spouse_id_type(record: Record) -> bool:
    """SpoIDType must be filled in when SpoIDNum is."""
    return not record.text(SPS, "SpoIDNum") or record.text(SPS, "SpoIDType") != ""


@BOOK.on_item(SPS, "SpoIDNum", "BBE002")
def _spouse_id_number(record: Record) -> bool:
    """SpoIDNum must be filled in when SpoIDType is."""
    return not record.text(SPS, "SpoIDType") or record.text(SPS, "SpoIDNum") != ""


@BOOK.on_item(SPS, "SpoIDNum", "ABE004")
def _spouse_id(record: Record) -> bool:
    """SpoIDNum is not a well-formed number for its SpoIDType (§1.8)."""
    kind, number = record.value(SPS, "SpoIDType"), record.value(SPS, "SpoIDNum")
    return kind is None or number is None or personal_id_ok(kind, number)


@BOOK.on_item(SPS, "SpoIDNum", "BBD003", MULTI_ITEM_TAG)
def _spouse_not_subject(record: Record) -> bool:
    """The spouse's SpoIDType + SpoIDNum repeat the customer's own IDType + IDNum."""
    kind, number = record.text(SPS, "SpoIDType"), record.text(SPS, "SpoIDNum")
    if not kind or not number:
        return True
    return (kind, number) != (record.text(BS, "IDType"), record.text(BS, "IDNum"))


_updated_by_report(SPS, "SpsInfoUpDate")


# --- IncInfSgmt (§5.9) -------------------------------------------------------------------

_updated_by_report(INC, "IncInfoUpDate")
