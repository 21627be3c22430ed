"""The correction records 212 and 222: one segment of a 210 account or a 220 agreement, resent
with corrected values (§7.2, §7.6).

A line holds a base segment ``BsSgmt``, which names the record to correct and the segment's
mark, and a ``MdfcSgmt`` wrapper around the corrected segment, written with its own tag and
items exactly as in the record it corrects::

    <Document><InAcctMdfc>
      <BsSgmt>InfRecType ModRecCode RptDate AcctType MdfcSgmtCode</BsSgmt>
      <MdfcSgmt><AcctMthlyBlgInfSgmt>…</AcctMthlyBlgInfSgmt></MdfcSgmt>
    </InAcctMdfc></Document>

Record 222 (root ``InCtrctMdfc``) is the same without AcctType; §7.6 does not list its base
items, so they are read as those of 212 less AcctType: InfRecType, ModRecCode, RptDate,
MdfcSgmtCode (B, C or D).

The corrected segment reuses the 210 and 220 segment tables and dataclasses, except for the
base segment: a base correction may change only Name, IDType, IDNum and MngmtOrgCode
(:class:`BaseCorrection`); every other base item is declared so that the reader knows it and
the rule book can report it (BMR003 for 212, BMR105 for 222) rather than reject the line.

The reader (:func:`read_correction`) follows the rules of
:func:`~zhengxin.pboc.line.read_raw_full`: unknown tags, duplicated segments or items and
broken XML make the line unreadable (ABR000). It produces the same
:class:`~zhengxin.pboc.line.RawRecord` value model as the other records, with the corrected
segment stored under its own tag next to ``BsSgmt``. The wrapper itself leaves no trace: a
line without ``MdfcSgmt`` reads as a correction whose segment is missing (BMR001 / BMR101).
``MdfcSgmt`` may hold more than one segment when read, so that the rule book can report each
extra one; a typed record holds exactly one.

>>> AccountCorrection.from_line(SAMPLE_212).to_line() == SAMPLE_212
True
>>> AgreementCorrection.from_line(SAMPLE_222).mdfc_sgmt_code
<SegmentMark220.CREDIT_LIMIT: 'D'>
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Self

from zhengxin.codes import AccountType, IdType, SegmentMark210, SegmentMark220
from zhengxin.pboc.errors import (
    MISSING,
    UNREADABLE,
    WRONG_TYPE,
    RecordError,
    RecordInvalid,
    RecordUnreadable,
)
from zhengxin.pboc.fields import FieldSpec, item
from zhengxin.pboc.line import (
    DOCUMENT,
    RawRecord,
    RawSegment,
    SegmentSpec,
    check_plain,
    read_fields,
    read_segment_element,
    record_element,
    to_segment,
    write_segment,
)
from zhengxin.pboc.record210 import SEGMENTS_210
from zhengxin.pboc.record220 import (
    AGREEMENT_BASE,
    CO_OBLIGORS,
    CREDIT_LIMIT,
    CoObligorsSegment,
    CreditLimitSegment,
)
from zhengxin.pboc.segments import (
    BASE,
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
    NonMonthlySegment,
)
from zhengxin.pboc.segments_more import (
    ORIGINAL_CREDITOR,
    CollateralSegment,
    OriginalCreditorSegment,
    RelatedPartiesSegment,
    SpecialInstalmentSegment,
    SpecialTransactionsSegment,
)
from zhengxin.pboc.when import Cond

RECORD_TYPE_212, ROOT_212 = "212", "InAcctMdfc"
RECORD_TYPE_222, ROOT_222 = "222", "InCtrctMdfc"
BASE_TAG = "BsSgmt"
"""The tag of a correction's own base segment (both record types)."""
WRAPPER = "MdfcSgmt"
"""The element that holds the corrected segment."""

SEGMENT_MISSING_212 = "BMR001"
"""212: the segment named by MdfcSgmtCode is missing; for OrigCreditorInfSgmt, also when it is
present without being named (§7.2)."""
BASE_ITEM_SENT_212 = "BMR003"
"""212: a base correction carries an item it may not change."""
SEGMENT_NOT_APPLICABLE_212 = "BMR005"
"""212: the account type cannot have the segment named by MdfcSgmtCode."""
SEGMENT_MISMATCH_222 = "BMR101"
"""222: the segment named by MdfcSgmtCode is missing, or another one is present."""
BASE_ITEM_SENT_222 = "BMR105"
"""222: a base correction carries an item it may not change."""

CORRECTABLE_BASE_ITEMS = ("Name", "IDType", "IDNum", "MngmtOrgCode")
"""The only items a base-segment correction may carry, in both record types (§7.2, §7.6)."""


# --- the corrected base segment ----------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseCorrection:
    """A corrected base segment (mark B): the borrower's name and identity and the managing
    institution, the only base items a correction may change (§7.2, §7.6).

    The same dataclass serves 212 (AcctBsSgmt) and 222 (CtrctBsSgmt).
    """

    name: str
    id_type: IdType
    id_num: str
    mngmt_org_code: str


def _never(record: Any) -> bool:
    return False


NOT_CORRECTABLE = Cond(
    _never,
    "the whole base segment is reported; a correction carries only Name, IDType, IDNum and "
    "MngmtOrgCode",
    by_type=True,
)
"""The condition of a base item a correction may not carry: it never holds, so the item is
reported (with the record type's code) whenever it is present."""


def _base_correction(source: SegmentSpec, code: str) -> SegmentSpec:
    """The table of a corrected base segment, built from the record's own base table: the four
    correctable items as declared there, every other item optional and forbidden (``code``)."""
    fields: list[FieldSpec] = []
    for spec in source.fields:
        if spec.tag in CORRECTABLE_BASE_ITEMS:
            fields.append(spec)
        else:
            fields.append(
                dataclasses.replace(
                    spec, attr="", mandatory=False, const=None, when=NOT_CORRECTABLE, when_code=code
                )
            )
    return SegmentSpec(source.tag, source.mark, "base", source.name, tuple(fields), BaseCorrection)


def forbidden_base_items(spec: SegmentSpec) -> dict[str, str]:
    """The items of a corrected base segment that a correction may not carry, each with the
    code reported when it is present (empty for any other segment).

    >>> forbidden_base_items(BASE_CORRECTION_222)
    {'InfRecType': 'BMR105', 'ContractCode': 'BMR105', 'RptDate': 'BMR105', 'RptDateCode': 'BMR105'}
    """
    return {f.tag: f.when_code for f in spec.fields if f.when is NOT_CORRECTABLE}


BASE_CORRECTION_212 = _base_correction(BASE, BASE_ITEM_SENT_212)
"""AcctBsSgmt as corrected by a 212 record."""
BASE_CORRECTION_222 = _base_correction(AGREEMENT_BASE, BASE_ITEM_SENT_222)
"""CtrctBsSgmt as corrected by a 222 record."""

CORRECTED_212: tuple[SegmentSpec, ...] = (BASE_CORRECTION_212, *SEGMENTS_210[1:])
"""The segments a 212 record can correct, B to K, in the canonical order of §3.1."""
CORRECTED_222: tuple[SegmentSpec, ...] = (BASE_CORRECTION_222, CO_OBLIGORS, CREDIT_LIMIT)
"""The segments a 222 record can correct, B to D, in the canonical order of §6."""

PRESENCE_212: Mapping[str, tuple[str, str]] = {
    spec.tag: (
        SEGMENT_MISSING_212,
        SEGMENT_MISSING_212 if spec.tag == ORIGINAL_CREDITOR.tag else UNREADABLE,
    )
    for spec in CORRECTED_212
}
"""212, per segment: the code when it is named but missing, and when it is present but not
named (ABR000, except BMR001 for OrigCreditorInfSgmt, §7.2)."""
PRESENCE_222: Mapping[str, tuple[str, str]] = {
    spec.tag: (SEGMENT_MISMATCH_222, SEGMENT_MISMATCH_222) for spec in CORRECTED_222
}
"""222, per segment: BMR101 both when it is named but missing and when it is present but not
named (§7.6)."""


CorrectedSegment222 = BaseCorrection | CoObligorsSegment | CreditLimitSegment
"""The typed segment a 222 record carries."""
CorrectedSegment210 = (
    BaseCorrection
    | BasicInfoSegment
    | RelatedPartiesSegment
    | CollateralSegment
    | CreditLineSegment
    | OriginalCreditorSegment
    | MonthlySegment
    | SpecialInstalmentSegment
    | NonMonthlySegment
    | SpecialTransactionsSegment
)
"""The typed segment a 212 record carries."""


# --- reading -----------------------------------------------------------------------------


def read_correction(
    line: str, root: str, base: SegmentSpec, corrected: Mapping[str, SegmentSpec]
) -> RawRecord:
    """Parse a correction line into the raw value model, or raise :class:`RecordUnreadable`.

    ``<root>`` may hold ``base`` (its own base segment) and the wrapper ``MdfcSgmt``, each at
    most once, and ``MdfcSgmt`` only segments of ``corrected`` (tag → table), each at most
    once. Everything else makes the line unreadable, as in
    :func:`~zhengxin.pboc.line.read_raw_full`.

    >>> raw = read_correction(SAMPLE_222, ROOT_222, AGREEMENT_CORRECTION_BASE,
    ...                       {s.tag: s for s in CORRECTED_222})
    >>> sorted(raw.segments)
    ['BsSgmt', 'CreditLimSgmt']
    """
    record = record_element(line, root)
    check_plain(record, "the record")
    raw: dict[str, RawSegment] = {}
    wrapped = False
    for element in record:
        if element.tag == base.tag:
            if base.tag in raw:
                raise RecordUnreadable(f"segment <{base.tag}> appears twice")
            raw[base.tag] = read_segment_element(element, base)
        elif element.tag == WRAPPER:
            if wrapped:
                raise RecordUnreadable(f"<{WRAPPER}> appears twice")
            wrapped = True
            check_plain(element, WRAPPER)
            for child in element:
                spec = corrected.get(child.tag)
                if spec is None:
                    raise RecordUnreadable(f"unknown segment <{child.tag}> in <{WRAPPER}>")
                if child.tag in raw:
                    raise RecordUnreadable(f"segment <{child.tag}> appears twice")
                raw[child.tag] = read_segment_element(child, spec)
        else:
            raise RecordUnreadable(f"unknown element <{element.tag}> in <{root}>")
    return RawRecord(root, raw)


# --- typed records -----------------------------------------------------------------------


class Correction:
    """What records 212 and 222 share: a base segment naming the record and the segment, and
    the one corrected segment, whose type decides the mark written as MdfcSgmtCode.

    Subclasses are frozen dataclasses with a ``segment`` attribute; the class variables give
    the record type, root, tables and the codes of a wrong segment.
    """

    __slots__ = ()
    record_type: ClassVar[str]
    root: ClassVar[str]
    base_spec: ClassVar[SegmentSpec]
    corrected: ClassVar[tuple[SegmentSpec, ...]]
    presence: ClassVar[Mapping[str, tuple[str, str]]]
    segment: Any

    @property
    def segment_spec(self) -> SegmentSpec | None:
        """The table of the corrected segment (``None`` when it is no segment of the record)."""
        kind = type(self.segment)
        return next((s for s in self.corrected if s.cls is kind), None)

    def to_line(self) -> str:
        """The canonical body line, or :class:`RecordInvalid` listing every value that does
        not fit its field."""
        spec = self.segment_spec
        if spec is None:
            names = ", ".join(s.cls.__name__ for s in self.corrected)
            found = type(self.segment).__name__
            raise RecordInvalid(
                [
                    RecordError(
                        WRONG_TYPE, WRAPPER, WRAPPER, None, f"segment must be {names}; got {found}"
                    )
                ]
            )
        out = [f"<{DOCUMENT}><{self.root}>"]
        errors: list[RecordError] = []
        write_segment(self.base_spec, self, out, errors)
        out.append(f"<{WRAPPER}>")
        write_segment(spec, self.segment, out, errors)
        out.append(f"</{WRAPPER}></{self.root}></{DOCUMENT}>")
        if errors:
            raise RecordInvalid(errors)
        return "".join(out)

    @classmethod
    def parse_line(cls, line: str) -> RawRecord:
        """Read a body line of this record type into the raw value model (ABR000 when the line
        cannot be parsed)."""
        return read_correction(line, cls.root, cls.base_spec, {s.tag: s for s in cls.corrected})

    @classmethod
    def from_line(cls, line: str) -> Self:
        """The typed record of a body line.

        Raises :class:`RecordUnreadable` (ABR000) when the line cannot be parsed or its
        InfRecType is not this record type, and :class:`RecordInvalid` listing every value
        that cannot be converted (ABD000, ABE000, ABE001, ABE008), a missing BsSgmt (ABD000),
        a segment named but missing or present but not named (the codes of ``presence``),
        and every base item a base correction may not carry (BMR003 / BMR105).
        """
        return cls.from_raw(cls.parse_line(line))

    @classmethod
    def from_raw(cls, raw: RawRecord) -> Self:
        """The typed record of a line already read by :meth:`parse_line`."""
        base = cls.base_spec
        found = raw.value(base.tag, "InfRecType")
        if found and found != cls.record_type:
            raise RecordUnreadable(
                f"InfRecType is {found!r} but this is a {cls.record_type} record"
            )
        errors: list[RecordError] = []
        values: dict[str, Any] = {}
        base_raw = raw.segments.get(base.tag)
        if base_raw is None:
            errors.append(
                RecordError(
                    MISSING, base.tag, base.tag, None, f"{base.tag} ({base.name}) is missing"
                )
            )
        else:
            values = read_fields(base.fields, base_raw.items, base.tag, errors)
        mark = values.pop("mdfc_sgmt_code", None)
        for spec in cls.corrected:
            segment = raw.segments.get(spec.tag)
            missing_code, extra_code = cls.presence[spec.tag]
            if spec.mark == mark and segment is None:
                errors.append(
                    RecordError(
                        missing_code,
                        spec.tag,
                        spec.tag,
                        None,
                        f"MdfcSgmtCode {mark} names {spec.tag}, which is missing",
                    )
                )
            elif spec.mark == mark and segment is not None:
                values["segment"] = to_segment(spec, segment, errors)
                for tag, code in forbidden_base_items(spec).items():
                    if tag not in segment.items:
                        continue
                    errors.append(
                        RecordError(
                            code,
                            spec.tag,
                            tag,
                            segment.items[tag],
                            f"a base correction may not carry {tag}",
                        )
                    )
            elif segment is not None and mark is not None:
                errors.append(
                    RecordError(
                        extra_code,
                        spec.tag,
                        spec.tag,
                        None,
                        f"{spec.tag} is present but MdfcSgmtCode names segment {mark}",
                    )
                )
        if errors:
            raise RecordInvalid(errors)
        return cls(**values)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountCorrection(Correction):
    """212 个人借贷账户按段更正请求记录 (§7.2): segment ``segment`` of account ``mod_rec_code``,
    as reported on ``rpt_date``, replaced by the values given.

    ``rpt_date`` identifies the stored report being corrected, so a monthly segment's Month must
    lie within a month of it (BLE039) and its dates may not follow it (ABE007). ``acct_type``
    decides which items the segment must carry, as in record 210 (BLD000), and which segments
    may be corrected at all (BMR005). MdfcSgmtCode is the mark of ``segment``'s type.
    """

    record_type: ClassVar[str] = RECORD_TYPE_212
    root: ClassVar[str] = ROOT_212
    corrected: ClassVar[tuple[SegmentSpec, ...]] = CORRECTED_212
    presence: ClassVar[Mapping[str, tuple[str, str]]] = PRESENCE_212

    mod_rec_code: str
    rpt_date: date
    acct_type: AccountType
    segment: CorrectedSegment210

    @property
    def mdfc_sgmt_code(self) -> SegmentMark210 | None:
        """The mark (B-K) of the corrected segment, written as MdfcSgmtCode."""
        spec = self.segment_spec
        return None if spec is None else SegmentMark210(spec.mark)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementCorrection(Correction):
    """222 个人授信协议按段更正请求记录 (§7.6): segment ``segment`` of agreement
    ``mod_rec_code``, as reported on ``rpt_date``, replaced by the values given.

    MdfcSgmtCode is the mark (B, C or D) of ``segment``'s type.
    """

    record_type: ClassVar[str] = RECORD_TYPE_222
    root: ClassVar[str] = ROOT_222
    corrected: ClassVar[tuple[SegmentSpec, ...]] = CORRECTED_222
    presence: ClassVar[Mapping[str, tuple[str, str]]] = PRESENCE_222

    mod_rec_code: str
    rpt_date: date
    segment: CorrectedSegment222

    @property
    def mdfc_sgmt_code(self) -> SegmentMark220 | None:
        """The mark (B, C or D) of the corrected segment, written as MdfcSgmtCode."""
        spec = self.segment_spec
        return None if spec is None else SegmentMark220(spec.mark)


def _correction_base(record_type: str, *fields: FieldSpec) -> tuple[FieldSpec, ...]:
    return (
        item("InfRecType", "", "信息记录类型", "N3", const=record_type),
        item("ModRecCode", "mod_rec_code", "待更正业务标识码", "AN..60"),
        item("RptDate", "rpt_date", "信息报告日期", "Date"),
        *fields,
    )


ACCOUNT_CORRECTION_BASE = SegmentSpec(
    BASE_TAG,
    "",
    "",
    "基础段",
    _correction_base(
        RECORD_TYPE_212,
        item("AcctType", "acct_type", "账户类型", AccountType),
        item("MdfcSgmtCode", "mdfc_sgmt_code", "待更正段段标", SegmentMark210),
    ),
    AccountCorrection,
)
"""BsSgmt of record 212 (§7.2): every item mandatory and required."""
AGREEMENT_CORRECTION_BASE = SegmentSpec(
    BASE_TAG,
    "",
    "",
    "基础段",
    _correction_base(
        RECORD_TYPE_222, item("MdfcSgmtCode", "mdfc_sgmt_code", "待更正段段标", SegmentMark220)
    ),
    AgreementCorrection,
)
"""BsSgmt of record 222 (§7.6): every item mandatory and required."""

# The base tables name their dataclass, so they are attached once both exist.
AccountCorrection.base_spec = ACCOUNT_CORRECTION_BASE
AgreementCorrection.base_spec = AGREEMENT_CORRECTION_BASE


def parse_line_212(line: str) -> RawRecord:
    """Read one 212 body line into the raw value model (ABR000 when unreadable)."""
    return AccountCorrection.parse_line(line)


def parse_line_222(line: str) -> RawRecord:
    """Read one 222 body line into the raw value model (ABR000 when unreadable)."""
    return AgreementCorrection.parse_line(line)


SAMPLE_212 = (
    "<Document><InAcctMdfc><BsSgmt><InfRecType>212</InfRecType>"
    "<ModRecCode>B10211000H0001R1A0001</ModRecCode><RptDate>2024-08-01</RptDate>"
    "<AcctType>R1</AcctType><MdfcSgmtCode>H</MdfcSgmtCode></BsSgmt><MdfcSgmt>"
    "<AcctMthlyBlgInfSgmt><Month>2024-07</Month><SettDate>2024-07-25</SettDate>"
    "<AcctStatus>2</AcctStatus><AcctBal>5000</AcctBal><RemRepPrd>0</RemRepPrd>"
    "<FiveCate>2</FiveCate><FiveCateAdjDate>2024-07-31</FiveCateAdjDate>"
    "<RpyStatus>1</RpyStatus><OverdPrd>1</OverdPrd><TotOverd>530</TotOverd>"
    "<OverdPrinc>500</OverdPrinc><Oved31_60Princ>0</Oved31_60Princ>"
    "<Oved61_90Princ>0</Oved61_90Princ><Oved91_180Princ>0</Oved91_180Princ>"
    "<OvedPrinc180>0</OvedPrinc180><CurRpyAmt>530</CurRpyAmt><ActRpyAmt>0</ActRpyAmt>"
    "<LatRpyDate>2024-06-25</LatRpyDate><CloseDate></CloseDate></AcctMthlyBlgInfSgmt>"
    "</MdfcSgmt></InAcctMdfc></Document>"
)
"""R1 account ``…R1A0001``'s July 2024 monthly performance, first reported on 2024-08-01
(§10.2) with TotOverd 520, corrected to 530 (valid in a file of 2024-09-30 from
``B10211000H0001``)."""

SAMPLE_222 = (
    "<Document><InCtrctMdfc><BsSgmt><InfRecType>222</InfRecType>"
    "<ModRecCode>B10211000H0001CTR0001</ModRecCode><RptDate>2024-06-05</RptDate>"
    "<MdfcSgmtCode>D</MdfcSgmtCode></BsSgmt><MdfcSgmt><CreditLimSgmt>"
    "<CreditLimType>10</CreditLimType><LimLoopFlg>1</LimLoopFlg><CreditLim>60000</CreditLim>"
    "<Cy>CNY</Cy><ConEffDate>2024-06-01</ConEffDate><ConExpDate>2027-05-31</ConExpDate>"
    "<ConStatus>1</ConStatus><CreditRest>20000</CreditRest>"
    "<CreditRestCode>B10211000H0001LIM0001</CreditRestCode></CreditLimSgmt></MdfcSgmt>"
    "</InCtrctMdfc></Document>"
)
"""Agreement ``…CTR0001``'s limit segment as reported on 2024-06-05, corrected from ¥50,000 to
¥60,000 (valid in a file of 2024-09-30 from ``B10211000H0001``)."""
