"""Record 210 个人借贷账户信息记录: the typed record and its one-line XML form (§3).

:meth:`AccountRecord.to_line` writes the canonical line (segments and items in the order of §3,
absent items left out, mandatory-but-blank items as ``<X></X>``, no whitespace);
:meth:`AccountRecord.from_line` reads any line the PBOC client can parse (any element order,
full-width characters, surrounding spaces) and reports every value it cannot convert.

>>> line = SAMPLE_LINE
>>> AccountRecord.from_line(line).to_line() == line
True
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from zhengxin.pboc.errors import (
    MULTI_ITEM_TAG,
    NO_BASE_SEGMENT,
    RecordError,
    RecordInvalid,
    RecordUnreadable,
)
from zhengxin.pboc.line import RawRecord, SegmentSpec, read_raw, to_segment, write_segment
from zhengxin.pboc.segments import (
    BASE,
    BASIC_INFO,
    CREDIT_LINE,
    MONTHLY,
    NON_MONTHLY,
    RECORD_TYPE_210,
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
    NonMonthlySegment,
)
from zhengxin.pboc.segments_more import (
    COLLATERAL,
    ORIGINAL_CREDITOR,
    RELATED_PARTIES,
    SPECIAL_INSTALMENT,
    SPECIAL_TRANSACTIONS,
    CollateralSegment,
    OriginalCreditorSegment,
    RelatedPartiesSegment,
    SpecialInstalmentSegment,
    SpecialTransactionsSegment,
)

ROOT_210 = "InAcctInf"
SEGMENTS_210: tuple[SegmentSpec, ...] = (
    BASE,
    BASIC_INFO,
    RELATED_PARTIES,
    COLLATERAL,
    CREDIT_LINE,
    ORIGINAL_CREDITOR,
    MONTHLY,
    SPECIAL_INSTALMENT,
    NON_MONTHLY,
    SPECIAL_TRANSACTIONS,
)
"""Every segment of record 210 in canonical order (§3.1)."""
_BY_TAG = {spec.tag: spec for spec in SEGMENTS_210}


def parse_line(line: str) -> RawRecord:
    """Read one 210 body line into the raw value model of §1.1, after preprocessing.

    Raises :class:`RecordUnreadable` (ABR000) when the line is not ``<Document>…</Document>``,
    is not well-formed XML, has another root than ``InAcctInf``, or holds an unknown tag or a
    duplicated segment or item.

    >>> parse_line("<Document><InAcctInf><AcctCredSgmt><Mcc> ＡＢ1 </Mcc></AcctCredSgmt>"
    ...            "</InAcctInf></Document>").value("AcctCredSgmt", "Mcc")
    'AB1'
    """
    return read_raw(line, ROOT_210, _BY_TAG)


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """One record 210: the base segment and whichever other segments the report carries.

    A segment that is ``None`` is not in the line. Which segments a report must carry depends
    on the report-timing code and the account type (§4.1); that is the validator's business.
    """

    base: BaseSegment
    basic_info: BasicInfoSegment | None = None
    credit_line: CreditLineSegment | None = None
    monthly: MonthlySegment | None = None
    non_monthly: NonMonthlySegment | None = None
    _: KW_ONLY
    related_parties: RelatedPartiesSegment | None = None
    collateral: CollateralSegment | None = None
    original_creditor: OriginalCreditorSegment | None = None
    special_instalment: SpecialInstalmentSegment | None = None
    special_transactions: SpecialTransactionsSegment | None = None

    def to_line(self) -> str:
        """The canonical body line, or :class:`RecordInvalid` listing every value that does
        not fit its field (negative amount, over-long text, date outside 1901-2099 ...)."""
        out = [f"<Document><{ROOT_210}>"]
        errors: list[RecordError] = []
        for spec in SEGMENTS_210:
            segment = getattr(self, spec.attr)
            if segment is not None:
                write_segment(spec, segment, out, errors)
        if errors:
            raise RecordInvalid(errors)
        out.append(f"</{ROOT_210}></Document>")
        return "".join(out)

    @classmethod
    def from_line(cls, line: str) -> AccountRecord:
        """The typed record of a 210 body line.

        Raises :class:`RecordUnreadable` (ABR000) when the line cannot be parsed or its
        InfRecType is not ``210``, and :class:`RecordInvalid` listing every value that cannot
        be converted (ABD000 missing tag, ABE000 blank value, ABE001 wrong type or unknown code,
        ABE008 date outside 1901-2099, BLR029 no base segment).
        """
        return cls.from_raw(parse_line(line))

    @classmethod
    def from_raw(cls, raw: RawRecord) -> AccountRecord:
        """The typed record of a line already read by :func:`parse_line`."""
        record_type = raw.value(BASE.tag, "InfRecType")
        if record_type and record_type != RECORD_TYPE_210:
            raise RecordUnreadable(
                f"InfRecType is {record_type!r} but this is a {RECORD_TYPE_210} record"
            )
        errors: list[RecordError] = []
        values: dict[str, Any] = {}
        if BASE.tag not in raw.segments:
            errors.append(
                RecordError(
                    NO_BASE_SEGMENT,
                    BASE.tag,
                    MULTI_ITEM_TAG,
                    None,
                    f"every record needs the {BASE.tag} ({BASE.name}) segment",
                )
            )
        for spec in SEGMENTS_210:
            segment = raw.segments.get(spec.tag)
            if segment is not None:
                values[spec.attr] = to_segment(spec, segment, errors)
        if errors:
            raise RecordInvalid(errors)
        return cls(**values)


SAMPLE_LINE = (
    "<Document><InAcctInf><AcctBsSgmt><InfRecType>210</InfRecType><AcctType>R1</AcctType>"
    "<AcctCode>B10211000H0001R1A0001</AcctCode><RptDate>2024-09-12</RptDate>"
    "<RptDateCode>20</RptDateCode><Name>张三</Name><IDType>10</IDType>"
    "<IDNum>110105199003071239</IDNum><MngmtOrgCode>B10211000H0001</MngmtOrgCode></AcctBsSgmt>"
    "<AcctMthlyBlgInfSgmt><Month>2024-09</Month><SettDate>2024-09-10</SettDate>"
    "<AcctStatus>3</AcctStatus><AcctBal>0</AcctBal><RemRepPrd>0</RemRepPrd><FiveCate>1</FiveCate>"
    "<FiveCateAdjDate>2024-09-10</FiveCateAdjDate><RpyStatus>C</RpyStatus><OverdPrd>0</OverdPrd>"
    "<TotOverd>0</TotOverd><OverdPrinc>0</OverdPrinc><Oved31_60Princ>0</Oved31_60Princ>"
    "<Oved61_90Princ>0</Oved61_90Princ><Oved91_180Princ>0</Oved91_180Princ>"
    "<OvedPrinc180>0</OvedPrinc180><CurRpyAmt>0</CurRpyAmt><ActRpyAmt>5000</ActRpyAmt>"
    "<LatRpyDate>2024-09-10</LatRpyDate><CloseDate>2024-09-10</CloseDate></AcctMthlyBlgInfSgmt>"
    "</InAcctInf></Document>"
)
"""The §10.3 example (closure of an R1 account), for docstrings and quick experiments."""
