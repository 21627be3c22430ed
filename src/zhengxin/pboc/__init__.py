"""The PBOC second-generation (二代) personal interface: record 210 and the submission file.

Record 210 (个人借贷账户信息记录) is a typed :class:`AccountRecord` that writes and reads its
one-line XML form; :mod:`zhengxin.pboc.files` writes and reads whole submission files (name,
50-character header, CRLF-separated body). Source: ``pboc-records.md`` §1-§3, §10.
"""

from zhengxin.pboc.errors import RecordError, RecordInvalid, RecordUnreadable
from zhengxin.pboc.fields import FieldSpec, Kind, item, preprocess
from zhengxin.pboc.files import Submission, read_submission, write_submission
from zhengxin.pboc.header import FileHeader, FileName
from zhengxin.pboc.line import GroupSpec, RawRecord, RawSegment, SegmentSpec
from zhengxin.pboc.record210 import SEGMENTS_210, AccountRecord, parse_line
from zhengxin.pboc.segments import (
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
    NonMonthlySegment,
)
from zhengxin.pboc.segments_more import (
    CollateralContract,
    CollateralSegment,
    OriginalCreditorSegment,
    RelatedPartiesSegment,
    RelatedParty,
    SpecialInstalmentSegment,
    SpecialTransaction,
    SpecialTransactionsSegment,
    collateral,
    related_parties,
    special_transactions,
)

__all__ = [
    "SEGMENTS_210",
    "AccountRecord",
    "BaseSegment",
    "BasicInfoSegment",
    "CollateralContract",
    "CollateralSegment",
    "CreditLineSegment",
    "FieldSpec",
    "FileHeader",
    "FileName",
    "GroupSpec",
    "Kind",
    "MonthlySegment",
    "NonMonthlySegment",
    "OriginalCreditorSegment",
    "RawRecord",
    "RawSegment",
    "RecordError",
    "RecordInvalid",
    "RecordUnreadable",
    "RelatedPartiesSegment",
    "RelatedParty",
    "SegmentSpec",
    "SpecialInstalmentSegment",
    "SpecialTransaction",
    "SpecialTransactionsSegment",
    "Submission",
    "collateral",
    "item",
    "parse_line",
    "preprocess",
    "read_submission",
    "related_parties",
    "special_transactions",
    "write_submission",
]
