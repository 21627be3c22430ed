"""The segments of record 210 that every monthly furnishing uses: B, C, F, H and J (§3).

Each segment is a frozen dataclass whose attributes are the snake case of the tags, and a
``SegmentSpec`` table that declares the items once, in the canonical order of §3, with the
specification's format notation and M/O, R/B columns. Amounts are whole yuan (``int``).

``None`` means the tag is absent (the item does not apply to the account type), except where
the tag is mandatory but may be blank (``SettDate``, ``CloseDate``): there ``None`` is written
as the blank element ``<SettDate></SettDate>``. Whether an item *should* be present for an
account type is the validator's business (§4.2), not the format's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from zhengxin.codes import (
    ACCOUNT_STATUSES,
    REPAYMENT_MODES,
    REPAYMENT_STATUSES,
    AccountStatus,
    AccountType,
    AssetTransferFlag,
    BusinessDetail,
    BusinessLine,
    Currency,
    FirstHomeLoanFlag,
    FiveCategory,
    FundSource,
    GuaranteeMode,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
    RepaymentFrequency,
    RepaymentMode,
    RepaymentStatus,
    ReportTimingCode,
    SplitDrawdownFlag,
)
from zhengxin.pboc.fields import item
from zhengxin.pboc.line import SegmentSpec
from zhengxin.pboc.when import acct_type_in, acct_type_not, item_in

RECORD_TYPE_210 = "210"

_D1 = acct_type_in("D1")
_R2 = acct_type_in("R2")
_R3 = acct_type_in("R3")
_R2_R3 = acct_type_in("R2", "R3")
_R123 = acct_type_in("R1", "R2", "R3")
_D1_R4 = acct_type_in("D1", "R4")
_D1_R1_R4 = acct_type_in("D1", "R1", "R4")
_D1_R4_C1 = acct_type_in("D1", "R4", "C1")
_PERIODS = acct_type_in("D1", "R1", "R2", "R4")
_NOT_C1 = acct_type_not("C1")
_MORTGAGE = item_in("AcctBsInfSgmt", "BusiDtlLines", "11")
"""LoanConCode and FirstHouLoanFlag belong to housing loans (BusiDtlLines 11) only (BLE050)."""


def repayment_modes(record: Any) -> frozenset[str] | None:
    """RepayMode's table for the account type: 9.7a for D1/R4, 9.7b for R1 (§3.3)."""
    return REPAYMENT_MODES.get(record.acct_type or "")


def account_statuses(record: Any) -> frozenset[str] | None:
    """AcctStatus's table for the account type (§9.4a-e)."""
    return ACCOUNT_STATUSES.get(record.acct_type or "")


def monthly_statuses(record: Any) -> frozenset[str] | None:
    """As :func:`account_statuses`, but C1's status is not checked in the monthly segment."""
    return None if record.acct_type == "C1" else account_statuses(record)


def repayment_statuses(record: Any) -> frozenset[str] | None:
    """RpyStatus's table for the account type (§9.5a-d); C1 has none."""
    return REPAYMENT_STATUSES.get(record.acct_type or "")


# Code tables that zhengxin.codes does not have yet (§9.10, §9.11c).
SPLIT_DRAWDOWN_FLAGS = tuple(c.value for c in SplitDrawdownFlag)
FIRST_HOME_LOAN_FLAGS = tuple(c.value for c in FirstHomeLoanFlag)


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseSegment:
    """AcctBsSgmt 基础段 (B), §3.2. ``InfRecType`` (``210``) is written automatically, first."""

    acct_type: AccountType
    acct_code: str
    rpt_date: date
    rpt_date_code: ReportTimingCode
    name: str
    id_type: IdType
    id_num: str
    mngmt_org_code: str


BASE = SegmentSpec(
    "AcctBsSgmt",
    "B",
    "base",
    "基础段",
    (
        item("InfRecType", "", "信息记录类型", "N3", const=RECORD_TYPE_210),
        item("AcctType", "acct_type", "账户类型", AccountType),
        item("AcctCode", "acct_code", "账户标识码", "AN..60"),
        item("RptDate", "rpt_date", "信息报告日期", "Date"),
        item("RptDateCode", "rpt_date_code", "报告时点说明代码", ReportTimingCode),
        item("Name", "name", "借款人姓名", "ANC..30"),
        item("IDType", "id_type", "借款人证件类型", IdType),
        item("IDNum", "id_num", "借款人证件号码", "ANC..20"),
        item("MngmtOrgCode", "mngmt_org_code", "业务管理机构代码", "AN14"),
    ),
    BaseSegment,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class BasicInfoSegment:
    """AcctBsInfSgmt 基本信息段 (C), §3.3.

    ``acct_cred_line`` for R1/R2/R3, ``loan_amt`` for D1/R4/C1 (yuan). ``apply_busi_dist`` is
    a six-digit division code; ``""`` is its allowed blank. ``flag`` is 分次放款标志
    (``0``/``1``/``2``, §9.10); ``first_hou_loan_flag`` 是否为首套住房贷款 (``01``-``04``, §9.11c).
    """

    busi_lines: BusinessLine
    busi_dtl_lines: BusinessDetail
    open_date: date
    cy: Currency
    acct_cred_line: int | None = None
    loan_amt: int | None = None
    flag: str | None = None
    due_date: date | None = None
    repay_mode: RepaymentMode | None = None
    repay_freqcy: RepaymentFrequency | None = None
    repay_prd: int | None = None
    apply_busi_dist: str | None = None
    guar_mode: GuaranteeMode | None = None
    oth_repy_guar_way: OtherRepayGuarantee | None = None
    asset_trand_flag: AssetTransferFlag | None = None
    fund_sou: FundSource | None = None
    loan_form: LoanForm | None = None
    credit_id: str | None = None
    loan_con_code: str | None = None
    first_hou_loan_flag: str | None = None


BASIC_INFO = SegmentSpec(
    "AcctBsInfSgmt",
    "C",
    "basic_info",
    "基本信息段",
    (
        item("BusiLines", "busi_lines", "借贷业务大类", BusinessLine),
        item(
            "BusiDtlLines", "busi_dtl_lines", "借贷业务种类细分", BusinessDetail, dict_check=False
        ),
        item("OpenDate", "open_date", "开户日期", "Date"),
        item("Cy", "cy", "币种", Currency),
        item("AcctCredLine", "acct_cred_line", "信用额度", "uInt..15", "OR", when=_R123),
        item("LoanAmt", "loan_amt", "借款金额", "uInt..15", "OR", when=_D1_R4_C1),
        item("Flag", "flag", "分次放款标志", SplitDrawdownFlag, "OR", when=_D1),
        item("DueDate", "due_date", "到期日期", "Date", "OR", when=_NOT_C1),
        item(
            "RepayMode",
            "repay_mode",
            "还款方式",
            RepaymentMode,
            "OR",
            when=_D1_R1_R4,
            table_by=repayment_modes,
        ),
        item("RepayFreqcy", "repay_freqcy", "还款频率", RepaymentFrequency, "OR", when=_D1_R1_R4),
        item("RepayPrd", "repay_prd", "还款期数", "uInt..3", "OR", when=_D1_R4),
        item(
            "ApplyBusiDist", "apply_busi_dist", "业务申请地行政区划代码", "N6", "OB", when=_NOT_C1
        ),
        item("GuarMode", "guar_mode", "担保方式", GuaranteeMode, "OR", when=_NOT_C1),
        item(
            "OthRepyGuarWay",
            "oth_repy_guar_way",
            "其他还款保证方式",
            OtherRepayGuarantee,
            "OR",
            when=_NOT_C1,
        ),
        item(
            "AssetTrandFlag",
            "asset_trand_flag",
            "资产转让标志",
            AssetTransferFlag,
            "OR",
            when=_NOT_C1,
        ),
        item("FundSou", "fund_sou", "业务经营类型", FundSource, "OR", when=_NOT_C1),
        item("LoanForm", "loan_form", "贷款发放形式", LoanForm, "OR", when=_NOT_C1),
        item("CreditID", "credit_id", "卡片标识号", "AN4", "OR", when=_R2_R3),
        item(
            "LoanConCode",
            "loan_con_code",
            "贷款合同编号",
            "ANC..200",
            "OR",
            when=_MORTGAGE,
            when_code="BLE050",
        ),
        item(
            "FirstHouLoanFlag",
            "first_hou_loan_flag",
            "是否为首套住房贷款",
            FirstHomeLoanFlag,
            "OR",
            when=_MORTGAGE,
            when_code="BLE050",
        ),
    ),
    BasicInfoSegment,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditLineSegment:
    """AcctCredSgmt 授信额度信息段 (F), §3.6: the credit agreement (record 220) the account uses."""

    mcc: str


CREDIT_LINE = SegmentSpec(
    "AcctCredSgmt",
    "F",
    "credit_line",
    "授信额度信息段",
    (item("Mcc", "mcc", "授信协议标识码", "AN..60"),),
    CreditLineSegment,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthlySegment:
    """AcctMthlyBlgInfSgmt 月度表现信息段 (H), §3.8. Amounts in whole yuan.

    ``month`` is the 1st of the month it reports (written ``YYYY-MM``). ``sett_date`` and
    ``close_date`` are mandatory tags that may be blank: ``None`` writes ``<SettDate></SettDate>``.
    ``prid_acct_bal``, ``used_amt``, ``not_isu_bal`` and ``rpy_prct`` are for R2 only
    (``rpy_prct = ""`` is its blank, required when RpyStatus is ``*``); ``ovedraw_ba_ove180`` is
    for R3 only; ``None`` leaves a tag out.
    """

    month: date
    sett_date: date | None = None
    acct_status: AccountStatus
    acct_bal: int
    prid_acct_bal: int | None = None
    used_amt: int | None = None
    not_isu_bal: int | None = None
    rem_rep_prd: int | None = None
    five_cate: FiveCategory
    five_cate_adj_date: date
    rpy_status: RepaymentStatus
    rpy_prct: int | Literal[""] | None = None
    overd_prd: int | None = None
    tot_overd: int | None = None
    overd_princ: int | None = None
    oved31_60_princ: int | None = None
    oved61_90_princ: int | None = None
    oved91_180_princ: int | None = None
    oved_princ180: int | None = None
    ovedraw_ba_ove180: int | None = None
    cur_rpy_amt: int | None = None
    act_rpy_amt: int | None = None
    lat_rpy_date: date
    close_date: date | None = None


MONTHLY = SegmentSpec(
    "AcctMthlyBlgInfSgmt",
    "H",
    "monthly",
    "月度表现信息段",
    (
        item("Month", "month", "月份", "Month"),
        item("SettDate", "sett_date", "结算/应还款日", "Date", "MB"),
        item("AcctStatus", "acct_status", "账户状态", AccountStatus, table_by=monthly_statuses),
        item("AcctBal", "acct_bal", "余额", "uInt..15"),
        item("PridAcctBal", "prid_acct_bal", "本期账单余额", "uInt..15", "OR", when=_R2),
        item("UsedAmt", "used_amt", "已使用额度", "uInt..15", "OR", when=_R2),
        item("NotIsuBal", "not_isu_bal", "未出单的大额专项分期余额", "uInt..15", "OR", when=_R2),
        item("RemRepPrd", "rem_rep_prd", "剩余还款期数", "uInt..3", "OR", when=_PERIODS),
        item("FiveCate", "five_cate", "五级分类", FiveCategory),
        item("FiveCateAdjDate", "five_cate_adj_date", "五级分类认定日期", "Date"),
        item(
            "RpyStatus", "rpy_status", "当前还款状态", RepaymentStatus, table_by=repayment_statuses
        ),
        item("RpyPrct", "rpy_prct", "实际还款比例", "uInt..3", "OB", when=_R2),
        item("OverdPrd", "overd_prd", "当前逾期期数", "uInt..3", "OR", when=_PERIODS),
        item("TotOverd", "tot_overd", "当前逾期总额", "uInt..15", "OR", when=_PERIODS),
        item("OverdPrinc", "overd_princ", "当前逾期本金", "uInt..15", "OR", when=_D1_R1_R4),
        item(
            "Oved31_60Princ",
            "oved31_60_princ",
            "逾期31-60天未还本金",
            "uInt..15",
            "OR",
            when=_D1_R1_R4,
        ),
        item(
            "Oved61_90Princ",
            "oved61_90_princ",
            "逾期61-90天未还本金",
            "uInt..15",
            "OR",
            when=_D1_R1_R4,
        ),
        item(
            "Oved91_180Princ",
            "oved91_180_princ",
            "逾期91-180天未还本金",
            "uInt..15",
            "OR",
            when=_D1_R1_R4,
        ),
        item(
            "OvedPrinc180",
            "oved_princ180",
            "逾期180天以上未还本金",
            "uInt..15",
            "OR",
            when=_D1_R1_R4,
        ),
        item(
            "OvedrawBaOve180",
            "ovedraw_ba_ove180",
            "透支180天以上未付余额",
            "uInt..15",
            "OR",
            when=_R3,
        ),
        item("CurRpyAmt", "cur_rpy_amt", "本月应还款金额", "uInt..15", "OR", when=_PERIODS),
        item(
            "ActRpyAmt",
            "act_rpy_amt",
            "本月实际还款金额",
            "uInt..15",
            "OR",
            when=_NOT_C1,
            when_code="ABD000",
        ),
        item("LatRpyDate", "lat_rpy_date", "最近一次实际还款日期", "Date"),
        item("CloseDate", "close_date", "账户关闭日期", "Date", "MB"),
    ),
    MonthlySegment,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NonMonthlySegment:
    """AcctDbtInfSgmt 非月度表现信息段 (J), §3.10: collection accounts (C1) and recoveries (40).

    ``five_cate``, ``five_cate_adj_date`` and ``rpy_status`` are absent for C1;
    ``rem_rep_prd``, ``overd_prd`` and ``tot_overd`` are for D1/R1/R2/R4. ``close_date`` is a
    mandatory tag that may be blank (``None``). Amounts in whole yuan.
    """

    acct_status: AccountStatus
    acct_bal: int
    five_cate: FiveCategory | None = None
    five_cate_adj_date: date | None = None
    rem_rep_prd: int | None = None
    rpy_status: RepaymentStatus | None = None
    overd_prd: int | None = None
    tot_overd: int | None = None
    lat_rpy_amt: int
    lat_rpy_date: date
    close_date: date | None = None


NON_MONTHLY = SegmentSpec(
    "AcctDbtInfSgmt",
    "J",
    "non_monthly",
    "非月度表现信息段",
    (
        item("AcctStatus", "acct_status", "账户状态", AccountStatus, table_by=account_statuses),
        item("AcctBal", "acct_bal", "余额", "uInt..15"),
        item("FiveCate", "five_cate", "五级分类", FiveCategory, "OR", when=_NOT_C1),
        item(
            "FiveCateAdjDate", "five_cate_adj_date", "五级分类认定日期", "Date", "OR", when=_NOT_C1
        ),
        item("RemRepPrd", "rem_rep_prd", "剩余还款期数", "uInt..3", "OR", when=_PERIODS),
        item(
            "RpyStatus",
            "rpy_status",
            "当前还款状态",
            RepaymentStatus,
            "OR",
            when=_NOT_C1,
            table_by=repayment_statuses,
        ),
        item("OverdPrd", "overd_prd", "当前逾期期数", "uInt..3", "OR", when=_PERIODS),
        item("TotOverd", "tot_overd", "当前逾期总额", "uInt..15", "OR", when=_PERIODS),
        item("LatRpyAmt", "lat_rpy_amt", "最近一次实际还款金额", "uInt..15"),
        item("LatRpyDate", "lat_rpy_date", "最近一次实际还款日期", "Date"),
        item("CloseDate", "close_date", "账户关闭日期", "Date", "MB"),
    ),
    NonMonthlySegment,
)
