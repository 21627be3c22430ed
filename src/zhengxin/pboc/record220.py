"""Record 220 个人授信协议信息记录 (personal credit agreement): typed segments and line (§6).

The record has three segments, written in this canonical order: the base segment CtrctBsSgmt
(B), the co-obligors CtrctCertRelSgmt (C, optional, holding 0..n ``CtrctCertRel`` elements) and
the credit-limit segment CreditLimSgmt (D). Each segment is a frozen dataclass whose attributes
are the snake case of the tags, declared once as a :class:`~zhengxin.pboc.line.SegmentSpec`
table that drives the writer, the reader and the rule book alike. Amounts are whole yuan.

>>> AgreementRecord.from_line(SAMPLE_LINE).to_line() == SAMPLE_LINE
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from zhengxin.codes import (
    AgreementReportCode,
    AgreementStatus,
    CreditLimitType,
    Currency,
    IdentityCategory,
    IdType,
    RevolvingFlag,
)
from zhengxin.pboc.fields import item
from zhengxin.pboc.line import GroupSpec, RawRecord, SegmentSpec
from zhengxin.pboc.record import from_raw, read, to_line
from zhengxin.pboc.segments_more import PARTY_ID_TYPES

RECORD_TYPE_220 = "220"
ROOT_220 = "InCtrctInf"
SEGMENT_MISSING_220 = "BCR000"
"""The code of a record 220 without its base or credit-limit segment (§6)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementBaseSegment:
    """CtrctBsSgmt 基础段 (B), §6.1. ``InfRecType`` (``220``) is written automatically, first.

    ``contract_code`` is 授信协议标识码, the agreement's identifier; its first 14 characters
    are the submitting institution's code.
    """

    contract_code: str
    rpt_date: date
    rpt_date_code: AgreementReportCode
    name: str
    id_type: IdType
    id_num: str
    mngmt_org_code: str


AGREEMENT_BASE = SegmentSpec(
    "CtrctBsSgmt",
    "B",
    "base",
    "基础段",
    (
        item("InfRecType", "", "信息记录类型", "N3", const=RECORD_TYPE_220),
        item("ContractCode", "contract_code", "授信协议标识码", "AN..60"),
        item("RptDate", "rpt_date", "信息报告日期", "Date"),
        item("RptDateCode", "rpt_date_code", "报告时点说明代码", AgreementReportCode),
        item("Name", "name", "受信人姓名", "ANC..30"),
        item("IDType", "id_type", "受信人证件类型", IdType),
        item("IDNum", "id_num", "受信人证件号码", "ANC..20"),
        item("MngmtOrgCode", "mngmt_org_code", "业务管理机构代码", "AN14"),
    ),
    AgreementBaseSegment,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoObligor:
    """CtrctCertRel 共同受信人信息: one co-obligor of the agreement (§6.2).

    ``cert_rel_id_type`` is a personal ID type (§9.13) for a natural person (BrerType ``1``)
    and ``10``, ``20`` or ``30`` (§9.14b) for an organisation (BrerType ``2``). A person's name
    has at most 30 characters and ID number at most 20; an organisation's 80 and 40.
    """

    brer_type: IdentityCategory
    cert_rel_name: str
    cert_rel_id_type: str
    cert_rel_id_num: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CoObligorsSegment:
    """CtrctCertRelSgmt 共同受信人信息段 (C), §6.2.

    ``brer_nm`` (共同受信人个数) is kept as written, so that a record whose count disagrees
    with its elements can be read and reported (ABE010); :func:`co_obligors` sets it right.
    """

    brer_nm: int
    ctrct_cert_rel: tuple[CoObligor, ...] = ()


CO_OBLIGORS = SegmentSpec(
    "CtrctCertRelSgmt",
    "C",
    "co_obligors",
    "共同受信人信息段",
    (item("BrerNm", "brer_nm", "共同受信人个数", "uInt..2"),),
    CoObligorsSegment,
    GroupSpec(
        "CtrctCertRel",
        "ctrct_cert_rel",
        "共同受信人信息",
        (
            item("BrerType", "brer_type", "共同受信人身份类别", IdentityCategory),
            item("CertRelName", "cert_rel_name", "共同受信人名称", "ANC..80"),
            # Which table applies depends on BrerType; a wrong type is BCE002, not ABE001.
            item(
                "CertRelIDType",
                "cert_rel_id_type",
                "共同受信人身份标识类型",
                "code",
                choices=PARTY_ID_TYPES,
                dict_check=False,
            ),
            item("CertRelIDNum", "cert_rel_id_num", "共同受信人身份标识号码", "ANC..40"),
        ),
        CoObligor,
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditLimitSegment:
    """CreditLimSgmt 额度信息段 (D), §6.3.

    ``credit_lim`` (授信额度) and ``credit_rest`` (授信限额) are whole yuan. ``credit_rest``
    and ``credit_rest_code`` (授信限额编号) come as a pair: both or neither (BCE004).
    """

    credit_lim_type: CreditLimitType
    lim_loop_flg: RevolvingFlag
    credit_lim: int
    cy: Currency
    con_eff_date: date
    con_exp_date: date
    con_status: AgreementStatus
    credit_rest: int | None = None
    credit_rest_code: str | None = None


CREDIT_LIMIT = SegmentSpec(
    "CreditLimSgmt",
    "D",
    "credit_limit",
    "额度信息段",
    (
        item("CreditLimType", "credit_lim_type", "授信额度类型", CreditLimitType),
        item("LimLoopFlg", "lim_loop_flg", "额度循环标志", RevolvingFlag),
        item("CreditLim", "credit_lim", "授信额度", "uInt..15"),
        item("Cy", "cy", "币种", Currency),
        item("ConEffDate", "con_eff_date", "额度生效日期", "Date"),
        item("ConExpDate", "con_exp_date", "额度到期日期", "Date"),
        item("ConStatus", "con_status", "额度状态", AgreementStatus),
        item("CreditRest", "credit_rest", "授信限额", "uInt..15", "OR"),
        item("CreditRestCode", "credit_rest_code", "授信限额编号", "AN..60", "OR"),
    ),
    CreditLimitSegment,
)

SEGMENTS_220: tuple[SegmentSpec, ...] = (AGREEMENT_BASE, CO_OBLIGORS, CREDIT_LIMIT)
"""Every segment of record 220 in canonical order (§6)."""
_REQUIRED = {AGREEMENT_BASE.tag: SEGMENT_MISSING_220, CREDIT_LIMIT.tag: SEGMENT_MISSING_220}


def parse_line_220(line: str) -> RawRecord:
    """Read one 220 body line into the raw value model of §1.1 (ABR000 when unreadable)."""
    return read(ROOT_220, SEGMENTS_220, line)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementRecord:
    """One record 220: the base and credit-limit segments, and the co-obligors if any."""

    base: AgreementBaseSegment
    credit_limit: CreditLimitSegment
    co_obligors: CoObligorsSegment | None = None

    def to_line(self) -> str:
        """The canonical body line, or :class:`~zhengxin.pboc.errors.RecordInvalid` listing
        every value that does not fit its field."""
        return to_line(ROOT_220, SEGMENTS_220, self)

    @classmethod
    def from_line(cls, line: str) -> AgreementRecord:
        """The typed record of a 220 body line.

        Raises :class:`~zhengxin.pboc.errors.RecordUnreadable` (ABR000) when the line cannot be
        parsed or its InfRecType is not ``220``, and
        :class:`~zhengxin.pboc.errors.RecordInvalid` listing every value that cannot be
        converted and every missing required segment (BCR000).
        """
        return cls.from_raw(parse_line_220(line))

    @classmethod
    def from_raw(cls, raw: RawRecord) -> AgreementRecord:
        """The typed record of a line already read by :func:`parse_line_220`."""
        return from_raw(cls, RECORD_TYPE_220, SEGMENTS_220, raw, _REQUIRED)


def co_obligors(parties: Sequence[CoObligor]) -> CoObligorsSegment:
    """Segment C holding ``parties``, with BrerNm set to their number."""
    return CoObligorsSegment(brer_nm=len(parties), ctrct_cert_rel=tuple(parties))


SAMPLE_LINE = (
    "<Document><InCtrctInf><CtrctBsSgmt><InfRecType>220</InfRecType>"
    "<ContractCode>B10211000H0001CTR0001</ContractCode><RptDate>2024-06-05</RptDate>"
    "<RptDateCode>10</RptDateCode><Name>张三</Name><IDType>10</IDType>"
    "<IDNum>110105199003071239</IDNum><MngmtOrgCode>B10211000H0001</MngmtOrgCode></CtrctBsSgmt>"
    "<CtrctCertRelSgmt><BrerNm>2</BrerNm><CtrctCertRel><BrerType>1</BrerType>"
    "<CertRelName>李梅</CertRelName><CertRelIDType>10</CertRelIDType>"
    "<CertRelIDNum>110108198511204020</CertRelIDNum></CtrctCertRel><CtrctCertRel>"
    "<BrerType>2</BrerType><CertRelName>深圳某某贸易有限公司</CertRelName>"
    "<CertRelIDType>20</CertRelIDType><CertRelIDNum>914403001922038216</CertRelIDNum>"
    "</CtrctCertRel></CtrctCertRelSgmt><CreditLimSgmt><CreditLimType>10</CreditLimType>"
    "<LimLoopFlg>1</LimLoopFlg><CreditLim>50000</CreditLim><Cy>CNY</Cy>"
    "<ConEffDate>2024-06-01</ConEffDate><ConExpDate>2027-05-31</ConExpDate>"
    "<ConStatus>1</ConStatus><CreditRest>20000</CreditRest>"
    "<CreditRestCode>B10211000H0001LIM0001</CreditRestCode></CreditLimSgmt>"
    "</InCtrctInf></Document>"
)
"""A revolving ¥50,000 agreement of 2024-06-01 with two co-obligors and a ¥20,000 sub-limit,
reported on 2024-06-05 (valid for a file of that day or later from ``B10211000H0001``)."""
