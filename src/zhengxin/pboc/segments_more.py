"""The less common segments of record 210: D, E, G, I and K (§3.4, 3.5, 3.7, 3.9, 3.11).

Same conventions as :mod:`zhengxin.pboc.segments`. Repeated elements (RltRepymtInf, CccInf,
CagOfTrdInf) are tuples of small frozen dataclasses; the count item (``RltRepymtNm`` ...) is
kept as written, so that a record whose count disagrees with its elements can be read and
reported (ABE010) rather than silently repaired. :func:`related_parties` and friends build a
segment with the right count.

Code items read as the members of their :mod:`zhengxin.codes` tables; the tuples of valid code
strings below are kept for callers that want the plain codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from zhengxin.codes import (
    IdentityCategory,
    IdType,
    JointGuaranteeFlag,
    OrganisationIdType,
    OriginalDebtType,
    ResponsibilityType,
    SpecialTransactionType,
    TransferRepaymentStatus,
)
from zhengxin.pboc.fields import item
from zhengxin.pboc.line import GroupSpec, SegmentSpec

IDENTITY_CATEGORIES = tuple(c.value for c in IdentityCategory)
"""§9.14 身份类别: 1 自然人, 2 组织机构."""
ORGANISATION_ID_TYPES = tuple(c.value for c in OrganisationIdType)
"""§9.14b 企业身份标识类型 (related parties may use only 10, 20, 30: the validator's rule)."""
PARTY_ID_TYPES = tuple(dict.fromkeys([*(t.value for t in IdType), *ORGANISATION_ID_TYPES]))
"""Personal (§9.13) and organisation (§9.14b) ID types: which applies depends on InfoIDType."""
RESPONSIBILITY_TYPES = tuple(c.value for c in ResponsibilityType)
"""§9.14c 还款责任人类型: 1 共同借款人, 2 保证人, 9 其他."""
JOINT_GUARANTEE_FLAGS = tuple(c.value for c in JointGuaranteeFlag)
"""§9.14d 联保标志: 0 单人保证/多人分保, 1 联保."""
ORIGINAL_DEBT_TYPES = tuple(c.value for c in OriginalDebtType)
"""§9.17 原债务种类."""
TRANSFER_REPAYMENT_STATUSES = tuple(c.value for c in TransferRepaymentStatus)
"""§9.18 债权转移时的还款状态."""
SPECIAL_TRANSACTION_TYPES = tuple(c.value for c in SpecialTransactionType)
"""§9.19 特殊交易类型."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RelatedParty:
    """RltRepymtInf 责任人信息: one co-borrower or guarantor (§3.4).

    ``arlp_amt`` (yuan) is a mandatory tag that may be blank (``None``); ``warty_sign`` and
    ``max_guar_mcc`` are required for guarantors (ArlpType ``2``), ``""`` is their blank and
    ``None`` leaves them out.
    """

    info_id_type: str
    arlp_name: str
    arlp_cert_type: str
    arlp_cert_num: str
    arlp_type: str
    arlp_amt: int | None = None
    warty_sign: str | None = None
    max_guar_mcc: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RelatedPartiesSegment:
    """RltRepymtInfSgmt 相关还款责任人段 (D), §3.4."""

    rlt_repymt_nm: int
    rlt_repymt_inf: tuple[RelatedParty, ...] = ()


RELATED_PARTIES = SegmentSpec(
    "RltRepymtInfSgmt",
    "D",
    "related_parties",
    "相关还款责任人段",
    (item("RltRepymtNm", "rlt_repymt_nm", "责任人个数", "uInt..2"),),
    RelatedPartiesSegment,
    GroupSpec(
        "RltRepymtInf",
        "rlt_repymt_inf",
        "责任人信息",
        (
            item("InfoIDType", "info_id_type", "身份类别", IdentityCategory),
            item("ArlpName", "arlp_name", "责任人名称", "ANC..80"),
            item(
                "ArlpCertType",
                "arlp_cert_type",
                "责任人身份标识类型",
                "code",
                choices=PARTY_ID_TYPES,
                dict_check=False,  # person or organisation table, by InfoIDType (a rule)
            ),
            item("ArlpCertNum", "arlp_cert_num", "责任人身份标识号码", "ANC..40"),
            item("ArlpType", "arlp_type", "还款责任人类型", ResponsibilityType),
            item("ArlpAmt", "arlp_amt", "还款责任金额", "uInt..15", "MB"),
            item("WartySign", "warty_sign", "联保标志", JointGuaranteeFlag, "OB"),
            item("MaxGuarMcc", "max_guar_mcc", "保证合同编号", "AN..60", "OB"),
        ),
        RelatedParty,
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralContract:
    """CccInf 抵（质）押合同信息: one collateral contract (§3.5)."""

    ccc: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CollateralSegment:
    """MotgaCltalCtrctInfSgmt 抵质押物信息段 (E), §3.5."""

    cc_nm: int
    ccc_inf: tuple[CollateralContract, ...] = ()


COLLATERAL = SegmentSpec(
    "MotgaCltalCtrctInfSgmt",
    "E",
    "collateral",
    "抵质押物信息段",
    (item("CcNm", "cc_nm", "抵（质）押合同个数", "uInt..2"),),
    CollateralSegment,
    GroupSpec(
        "CccInf",
        "ccc_inf",
        "抵（质）押合同信息",
        (item("Ccc", "ccc", "抵（质）押合同标识码", "AN..60"),),
        CollateralContract,
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class OriginalCreditorSegment:
    """OrigCreditorInfSgmt 初始债权说明段 (G), §3.7: collection accounts (C1) only.

    ``init_cred_org_nm`` is mandatory but may be blank (``""``).
    """

    init_cred_name: str
    init_cred_org_nm: str
    orig_dbt_cate: str
    init_rpy_sts: str


ORIGINAL_CREDITOR = SegmentSpec(
    "OrigCreditorInfSgmt",
    "G",
    "original_creditor",
    "初始债权说明段",
    (
        item("InitCredName", "init_cred_name", "初始债权人名称", "ANC..80"),
        item("InitCredOrgNm", "init_cred_org_nm", "初始债权人机构代码", "AN18", "MB"),
        item("OrigDbtCate", "orig_dbt_cate", "原债务种类", OriginalDebtType),
        item(
            "InitRpySts",
            "init_rpy_sts",
            "债权转移时的还款状态",
            TransferRepaymentStatus,
        ),
    ),
    OriginalCreditorSegment,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialInstalmentSegment:
    """SpecPrdSgmt 大额专项分期信息段 (I), §3.9: a credit card's large special instalment line."""

    spec_line: int
    spec_efct_date: date
    spec_end_date: date
    used_inst_amt: int


SPECIAL_INSTALMENT = SegmentSpec(
    "SpecPrdSgmt",
    "I",
    "special_instalment",
    "大额专项分期信息段",
    (
        item("SpecLine", "spec_line", "大额专项分期额度", "uInt..15"),
        item("SpecEfctDate", "spec_efct_date", "分期额度生效日期", "Date"),
        item("SpecEndDate", "spec_end_date", "分期额度到期日期", "Date"),
        item("UsedInstAmt", "used_inst_amt", "已用分期金额", "uInt..15"),
    ),
    SpecialInstalmentSegment,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialTransaction:
    """CagOfTrdInf 交易信息: one special transaction (§3.11). ``det_info`` may be ``""``."""

    chan_tran_type: str
    tran_date: date
    tran_amt: int
    due_tran_mon: int
    det_info: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialTransactionsSegment:
    """AcctSpecTrstDspnSgmt 特殊交易说明段 (K), §3.11."""

    cag_of_trd_nm: int
    cag_of_trd_inf: tuple[SpecialTransaction, ...] = ()


SPECIAL_TRANSACTIONS = SegmentSpec(
    "AcctSpecTrstDspnSgmt",
    "K",
    "special_transactions",
    "特殊交易说明段",
    (item("CagOfTrdNm", "cag_of_trd_nm", "交易个数", "uInt..2"),),
    SpecialTransactionsSegment,
    GroupSpec(
        "CagOfTrdInf",
        "cag_of_trd_inf",
        "交易信息",
        (
            item(
                "ChanTranType",
                "chan_tran_type",
                "交易类型",
                SpecialTransactionType,
            ),
            item("TranDate", "tran_date", "交易日期", "Date"),
            item("TranAmt", "tran_amt", "交易金额", "uInt..15"),
            item("DueTranMon", "due_tran_mon", "到期日期变更月数", "uInt..3"),
            item("DetInfo", "det_info", "交易明细信息", "ANC..200", "MB"),
        ),
        SpecialTransaction,
    ),
)


def related_parties(parties: Sequence[RelatedParty]) -> RelatedPartiesSegment:
    """Segment D holding ``parties``, with RltRepymtNm set to their number."""
    return RelatedPartiesSegment(rlt_repymt_nm=len(parties), rlt_repymt_inf=tuple(parties))


def collateral(contracts: Sequence[str]) -> CollateralSegment:
    """Segment E for these collateral contract codes, with CcNm set to their number."""
    return CollateralSegment(
        cc_nm=len(contracts), ccc_inf=tuple(CollateralContract(ccc=c) for c in contracts)
    )


def special_transactions(transactions: Sequence[SpecialTransaction]) -> SpecialTransactionsSegment:
    """Segment K holding ``transactions``, with CagOfTrdNm set to their number."""
    return SpecialTransactionsSegment(
        cag_of_trd_nm=len(transactions), cag_of_trd_inf=tuple(transactions)
    )
