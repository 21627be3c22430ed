"""The PBOC second-generation (二代) personal interface: records, files, feedback and rules.

Records 110 (:class:`BasicInfoRecord`), 210 (:class:`AccountRecord`), 220
(:class:`AgreementRecord`) and the requests of :mod:`zhengxin.pboc.variants` and
:mod:`zhengxin.pboc.corrections` are typed values that write and read their one-line XML
form from their segment tables; :mod:`zhengxin.pboc.files` writes and reads whole submission
files (name, 50-character header, CRLF-separated body), :mod:`zhengxin.pboc.feedback` the
bureau's feedback files; :mod:`zhengxin.pboc.validator` applies every rule of the interface
(:func:`check_line`, :func:`check_file`). Source: ``pboc-records.md``.
"""

from zhengxin.pboc.errors import RecordError, RecordInvalid, RecordUnreadable
from zhengxin.pboc.feedback import (
    Feedback,
    FeedbackError,
    FeedbackFlag,
    RejectedRecord,
    read_feedback,
    write_feedback,
)
from zhengxin.pboc.fields import FieldSpec, Kind, item, preprocess
from zhengxin.pboc.files import Submission, read_submission, write_submission
from zhengxin.pboc.header import FileHeader, FileName
from zhengxin.pboc.line import GroupSpec, RawRecord, RawSegment, SegmentSpec
from zhengxin.pboc.record110 import BasicInfoRecord
from zhengxin.pboc.record210 import SEGMENTS_210, AccountRecord, parse_line
from zhengxin.pboc.record220 import AgreementRecord
from zhengxin.pboc.rules import FileContext, Registry, SameInstitution
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
from zhengxin.pboc.validator import (
    BOOKS,
    FileCheck,
    Finding,
    LineResult,
    check_file,
    check_line,
    feedback_for,
)

__all__ = [
    "BOOKS",
    "SEGMENTS_210",
    "AccountRecord",
    "AgreementRecord",
    "BaseSegment",
    "BasicInfoRecord",
    "BasicInfoSegment",
    "CollateralContract",
    "CollateralSegment",
    "CreditLineSegment",
    "Feedback",
    "FeedbackError",
    "FeedbackFlag",
    "FieldSpec",
    "FileCheck",
    "FileContext",
    "FileHeader",
    "FileName",
    "Finding",
    "GroupSpec",
    "Kind",
    "LineResult",
    "MonthlySegment",
    "NonMonthlySegment",
    "OriginalCreditorSegment",
    "RawRecord",
    "RawSegment",
    "RecordError",
    "RecordInvalid",
    "RecordUnreadable",
    "Registry",
    "RejectedRecord",
    "RelatedPartiesSegment",
    "RelatedParty",
    "SameInstitution",
    "SegmentSpec",
    "SpecialInstalmentSegment",
    "SpecialTransaction",
    "SpecialTransactionsSegment",
    "Submission",
    "check_file",
    "check_line",
    "collateral",
    "feedback_for",
    "item",
    "parse_line",
    "preprocess",
    "read_feedback",
    "read_submission",
    "related_parties",
    "special_transactions",
    "write_feedback",
    "write_submission",
]
