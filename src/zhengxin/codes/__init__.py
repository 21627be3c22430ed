"""The official code lists of the PBOC 二代 interface as ``StrEnum``s.

Each member's value is the official code and its ``label`` the official Chinese name, so that
``RepaymentStatus("1").label == "逾期1-30天"``. Codes are compared as exact strings, as the
interface does (``"01"`` is not ``"1"``). Source: ``pboc-records.md`` §9.
"""

from zhengxin.codes.base import Code
from zhengxin.codes.tables import (
    LENDER_QUERY_REASONS,
    AccountStatus,
    AccountType,
    AssetTransferFlag,
    Bureau,
    BusinessDetail,
    BusinessLine,
    Currency,
    FiveCategory,
    FundSource,
    GuaranteeMode,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
    QueryReason,
    RepaymentFrequency,
    RepaymentMode,
    RepaymentStatus,
    ReportTimingCode,
)

__all__ = [
    "LENDER_QUERY_REASONS",
    "AccountStatus",
    "AccountType",
    "AssetTransferFlag",
    "Bureau",
    "BusinessDetail",
    "BusinessLine",
    "Code",
    "Currency",
    "FiveCategory",
    "FundSource",
    "GuaranteeMode",
    "IdType",
    "LoanForm",
    "OtherRepayGuarantee",
    "QueryReason",
    "RepaymentFrequency",
    "RepaymentMode",
    "RepaymentStatus",
    "ReportTimingCode",
]
