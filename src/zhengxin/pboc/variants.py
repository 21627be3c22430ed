"""The request records that change, delete or annotate a 210 account or a 220 agreement (§7).

These records have no segments: their items sit directly inside the root element, so that a
line is ``<Document><InAcctEntDel><InfRecType>214</InfRecType>…</InAcctEntDel></Document>``.
Each is declared as one :class:`~zhengxin.pboc.line.SegmentSpec` whose tag is the root itself
(the reader and the rule engine both know that shape), and its typed record is that pseudo
segment's frozen dataclass, with the same ``to_line``/``from_line`` as the other records.

=====  ==================  ====================================================================
type   root                record
=====  ==================  ====================================================================
211    InAcctIDCagsInf     :class:`AccountIdChange`: an account's AcctCode replaced
213    InAcctDel           :class:`AccountSegmentDeletion`: one segment deleted over a date range
214    InAcctEntDel        :class:`AccountDeletion`: the whole account deleted
215    InSpcEvtDscInf      :class:`SpecialEvent`: a special event of the account in a month
221    InCtrctIDCagsInf    :class:`AgreementIdChange`: an agreement's ContractCode replaced
223    InCtrctDel          :class:`AgreementSegmentDeletion`: the limit segment deleted
224    InCtrctEntDel       :class:`AgreementDeletion`: the whole agreement deleted
=====  ==================  ====================================================================

>>> AccountDeletion.from_line(SAMPLES["214"])
AccountDeletion(del_rec_code='B10211000H0001R1A0001')
>>> AccountDeletion(del_rec_code="B10211000H0001R1A0001").to_line() == SAMPLES["214"]
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Self

from zhengxin.codes import EffectFlag, SegmentMark210, SegmentMark220, SpecialEventType
from zhengxin.pboc.errors import RecordError, RecordInvalid, RecordUnreadable
from zhengxin.pboc.fields import FieldSpec, item
from zhengxin.pboc.line import DOCUMENT, RawRecord, SegmentSpec, to_segment, write_segment
from zhengxin.pboc.record import read


class FlatRecord:
    """A record whose items sit directly inside its root: one table, no segments.

    Subclasses are frozen dataclasses; :func:`_declare` gives each its record type and its
    table (``spec``), whose tag is the root element.
    """

    __slots__ = ()
    record_type: ClassVar[str]
    spec: ClassVar[SegmentSpec]

    def to_line(self) -> str:
        """The canonical body line, or :class:`RecordInvalid` listing every value that does
        not fit its field."""
        out: list[str] = []
        errors: list[RecordError] = []
        write_segment(self.spec, self, out, errors)
        if errors:
            raise RecordInvalid(errors)
        return f"<{DOCUMENT}>{''.join(out)}</{DOCUMENT}>"

    @classmethod
    def parse_line(cls, line: str) -> RawRecord:
        """Read a body line of this record type into the raw value model of §1.1 (ABR000 when
        the line cannot be parsed)."""
        return read(cls.spec.tag, (cls.spec,), line)

    @classmethod
    def from_line(cls, line: str) -> Self:
        """The typed record of a body line.

        Raises :class:`RecordUnreadable` (ABR000) when the line cannot be parsed or its
        InfRecType is not this record type, and :class:`RecordInvalid` listing every value that
        cannot be converted (ABD000, ABE000, ABE001, ABE008).
        """
        raw = cls.parse_line(line)
        found = raw.value(cls.spec.tag, "InfRecType")
        if found and found != cls.record_type:
            raise RecordUnreadable(
                f"InfRecType is {found!r} but this is a {cls.record_type} record"
            )
        errors: list[RecordError] = []
        record = to_segment(cls.spec, raw.segments[cls.spec.tag], errors)
        if errors or not isinstance(record, cls):
            raise RecordInvalid(errors)
        return record


def _declare(
    cls: type[FlatRecord], record_type: str, root: str, name: str, fields: tuple[FieldSpec, ...]
) -> SegmentSpec:
    """The table of a flat record, with ``InfRecType`` first; attached to ``cls``."""
    const = item("InfRecType", "", "信息记录类型", "N3", const=record_type)
    spec = SegmentSpec(root, "", "record", name, (const, *fields), cls)
    cls.record_type = record_type
    cls.spec = spec
    return spec


def _code(tag: str, attr: str, name: str) -> FieldSpec:
    return item(tag, attr, name, "AN..60")


# --- 211 / 221: identifier change --------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountIdChange(FlatRecord):
    """211 个人借贷账户标识变更请求记录 (§7.1): the account's AcctCode ``od_bnes_code`` becomes
    ``nw_bnes_code``; the two must differ (BIE000)."""

    od_bnes_code: str
    nw_bnes_code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementIdChange(FlatRecord):
    """221 个人授信协议标识变更请求记录 (§7.6): the agreement's ContractCode ``od_bnes_code``
    becomes ``nw_bnes_code``; the two must differ (BIE100)."""

    od_bnes_code: str
    nw_bnes_code: str


def _id_change_fields() -> tuple[FieldSpec, ...]:
    return (
        _code("OdBnesCode", "od_bnes_code", "原业务标识码"),
        _code("NwBnesCode", "nw_bnes_code", "新业务标识码"),
    )


ACCOUNT_ID_CHANGE = _declare(
    AccountIdChange, "211", "InAcctIDCagsInf", "个人借贷账户标识变更请求记录", _id_change_fields()
)
AGREEMENT_ID_CHANGE = _declare(
    AgreementIdChange,
    "221",
    "InCtrctIDCagsInf",
    "个人授信协议标识变更请求记录",
    _id_change_fields(),
)


# --- 213 / 223: segment deletion ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSegmentDeletion(FlatRecord):
    """213 个人借贷账户按段删除请求记录 (§7.3): delete segment ``del_sgmt_code`` (C, H, I, J or
    K) of account ``del_rec_code`` for the reports dated in the range.

    Both dates are mandatory tags that may be blank (``None``), but at least one must be given
    (BSE000), and the start may not follow the end (BSE001).
    """

    del_rec_code: str
    del_sgmt_code: SegmentMark210
    del_start_date: date | None = None
    del_end_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementSegmentDeletion(FlatRecord):
    """223 个人授信协议按段删除请求记录 (§7.6): delete the credit-limit segment (``D``, the only
    one that may be deleted) of agreement ``del_rec_code`` for the reports dated in the range.

    Dates as in :class:`AccountSegmentDeletion`, with the codes BSE100 and BSE101.
    """

    del_rec_code: str
    del_sgmt_code: SegmentMark220
    del_start_date: date | None = None
    del_end_date: date | None = None


def _deletion_fields(marks: type[SegmentMark210] | type[SegmentMark220]) -> tuple[FieldSpec, ...]:
    return (
        _code("DelRecCode", "del_rec_code", "待删除业务标识码"),
        item("DelSgmtCode", "del_sgmt_code", "待删除段段标", marks),
        item("DelStartDate", "del_start_date", "待删除起始日期", "Date", "MB"),
        item("DelEndDate", "del_end_date", "待删除结束日期", "Date", "MB"),
    )


ACCOUNT_SEGMENT_DELETION = _declare(
    AccountSegmentDeletion,
    "213",
    "InAcctDel",
    "个人借贷账户按段删除请求记录",
    _deletion_fields(SegmentMark210),
)
AGREEMENT_SEGMENT_DELETION = _declare(
    AgreementSegmentDeletion,
    "223",
    "InCtrctDel",
    "个人授信协议按段删除请求记录",
    _deletion_fields(SegmentMark220),
)


# --- 214 / 224: whole deletion -----------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountDeletion(FlatRecord):
    """214 个人借贷账户整笔删除请求记录 (§7.4): delete account ``del_rec_code`` entirely."""

    del_rec_code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementDeletion(FlatRecord):
    """224 个人授信协议整笔删除请求记录 (§7.6): delete agreement ``del_rec_code`` entirely."""

    del_rec_code: str


ACCOUNT_DELETION = _declare(
    AccountDeletion,
    "214",
    "InAcctEntDel",
    "个人借贷账户整笔删除请求记录",
    (_code("DelRecCode", "del_rec_code", "待删除业务标识码"),),
)
AGREEMENT_DELETION = _declare(
    AgreementDeletion,
    "224",
    "InCtrctEntDel",
    "个人授信协议整笔删除请求记录",
    (_code("DelRecCode", "del_rec_code", "待删除业务标识码"),),
)


# --- 215: special event ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialEvent(FlatRecord):
    """215 个人借贷账户特殊事件说明记录 (§7.5): event ``opetn_type`` of account ``acct_code`` in
    ``month`` (held as the 1st of the month), effective or withdrawn by ``flag``.

    The report date must fall in the event's month (BQR000).
    """

    acct_code: str
    opetn_type: SpecialEventType
    month: date
    flag: EffectFlag
    rpt_date: date


SPECIAL_EVENT = _declare(
    SpecialEvent,
    "215",
    "InSpcEvtDscInf",
    "个人借贷账户特殊事件说明记录",
    (
        _code("AcctCode", "acct_code", "账户标识码"),
        item("OpetnType", "opetn_type", "特殊事件类型", SpecialEventType),
        item("Month", "month", "发生月份", "Month"),
        item("Flag", "flag", "生效标志", EffectFlag),
        item("RptDate", "rpt_date", "信息报告日期", "Date"),
    ),
)


VARIANTS: dict[str, type[FlatRecord]] = {
    cls.record_type: cls
    for cls in (
        AccountIdChange,
        AccountSegmentDeletion,
        AccountDeletion,
        SpecialEvent,
        AgreementIdChange,
        AgreementSegmentDeletion,
        AgreementDeletion,
    )
}
"""The typed record class of each record type of this module."""

SAMPLES: dict[str, str] = {
    "211": "<Document><InAcctIDCagsInf><InfRecType>211</InfRecType>"
    "<OdBnesCode>B10211000H0001R1A0001</OdBnesCode><NwBnesCode>B10211000H0001R1B0001</NwBnesCode>"
    "</InAcctIDCagsInf></Document>",
    "213": "<Document><InAcctDel><InfRecType>213</InfRecType>"
    "<DelRecCode>B10211000H0001R1A0001</DelRecCode><DelSgmtCode>H</DelSgmtCode>"
    "<DelStartDate>2024-07-01</DelStartDate><DelEndDate>2024-08-31</DelEndDate>"
    "</InAcctDel></Document>",
    "214": "<Document><InAcctEntDel><InfRecType>214</InfRecType>"
    "<DelRecCode>B10211000H0001R1A0001</DelRecCode></InAcctEntDel></Document>",
    "215": "<Document><InSpcEvtDscInf><InfRecType>215</InfRecType>"
    "<AcctCode>B10211000H0001R2C0001</AcctCode><OpetnType>11</OpetnType><Month>2024-08</Month>"
    "<Flag>1</Flag><RptDate>2024-08-20</RptDate></InSpcEvtDscInf></Document>",
    "221": "<Document><InCtrctIDCagsInf><InfRecType>221</InfRecType>"
    "<OdBnesCode>B10211000H0001CTR0001</OdBnesCode><NwBnesCode>B10211000H0001CTR0002</NwBnesCode>"
    "</InCtrctIDCagsInf></Document>",
    "223": "<Document><InCtrctDel><InfRecType>223</InfRecType>"
    "<DelRecCode>B10211000H0001CTR0001</DelRecCode><DelSgmtCode>D</DelSgmtCode>"
    "<DelStartDate>2024-06-01</DelStartDate><DelEndDate></DelEndDate></InCtrctDel></Document>",
    "224": "<Document><InCtrctEntDel><InfRecType>224</InfRecType>"
    "<DelRecCode>B10211000H0001CTR0001</DelRecCode></InCtrctEntDel></Document>",
}
"""A valid line of each record type (for a file of 2024-09-30 from ``B10211000H0001``)."""
