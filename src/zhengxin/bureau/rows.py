"""The plain values the steps of ingestion pass one another about the store.

:class:`Held` is what the store holds for one chunk's accounts (the load step asks, the decide
step reads), :class:`Target` where a file's rows go, and :class:`Plan` the rows one chunk
writes and the records it refuses. Rows are tuples in the column orders below, which the
decide step builds and the load step's statements name. Dates are ISO text throughout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from zhengxin.pboc import RecordError

BASIC_FIELDS = (
    "business_line",
    "business_detail",
    "open_date",
    "currency",
    "credit_limit_yuan",
    "loan_amount_yuan",
    "due_date",
    "repay_mode",
    "repay_frequency",
    "guarantee_mode",
)
"""The account's base facts from AcctBsInfSgmt, in the order of :attr:`Report.basic`."""
MONTHLY_FIELDS = (
    "month",
    "report_date",
    "report_timing",
    "settlement_date",
    "account_status",
    "balance_yuan",
    "remaining_periods",
    "five_category",
    "five_category_date",
    "repayment_status",
    "overdue_periods",
    "overdue_total_yuan",
    "overdue_principal_yuan",
    "overdue_31_60_yuan",
    "overdue_61_90_yuan",
    "overdue_91_180_yuan",
    "overdue_over_180_yuan",
    "due_yuan",
    "repaid_yuan",
    "last_repayment_date",
    "close_date",
)
"""A month's performance from AcctMthlyBlgInfSgmt, in the order of :attr:`Report.monthly`."""
EVENT_FIELDS = (
    "report_date",
    "report_timing",
    "account_status",
    "balance_yuan",
    "five_category",
    "five_category_date",
    "repayment_status",
    "remaining_periods",
    "overdue_periods",
    "overdue_total_yuan",
    "last_repayment_yuan",
    "last_repayment_date",
    "close_date",
)
"""A non-monthly report from AcctDbtInfSgmt, in the order of :attr:`Report.event`."""

SUBJECT_COLUMNS = ("id_type", "id_number", "name")
ACCOUNT_COLUMNS = (
    "institution_code",
    "account_code",
    "id_type",
    "id_number",
    "account_type",
    "business_line",
    "business_detail",
    "open_date",
    "currency",
    "credit_limit_yuan",
    "loan_amount_yuan",
    "due_date",
    "repay_mode",
    "repay_frequency",
    "guarantee_mode",
    "agreement_code",
    "close_date",
)
"""A new account: its key, its subject's key, its type, base facts, agreement and close date."""
UPDATE_COLUMNS = ("account_id", "has_basic", *ACCOUNT_COLUMNS[5:])
"""A known account's changes: base facts (when ``has_basic``), agreement and close date (each
when not ``None``)."""
MONTH_COLUMNS = ("institution_code", "account_code", *MONTHLY_FIELDS, "submission_id")
EVENT_COLUMNS = ("institution_code", "account_code", *EVENT_FIELDS, "submission_id")

Row = tuple[str | int | bool | None, ...]


class HeldAccount(NamedTuple):
    """An account the store holds: its id, its type, the report date of its latest record and
    whether that record shows it closed or ended."""

    id: int
    kind: str
    latest: str | None
    closed: bool


@dataclass(frozen=True, slots=True)
class Changed:
    """An account code changed by a 211 record."""

    new_code: str
    changed_on: str


@dataclass(frozen=True, slots=True)
class Held:
    """What the store holds for one chunk's accounts (ISO dates)."""

    accounts: Mapping[str, HeldAccount] = field(default_factory=dict)
    months: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(account code, first day of month) → report date of the record that month holds."""
    changed: Mapping[str, Changed] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Target:
    """Where the rows go: the submitting institution and the submission's row id."""

    institution: str
    submission_id: int


@dataclass(slots=True)
class Plan:
    """The rows one chunk writes (column orders: the ``*_COLUMNS`` tuples) and the records
    it refuses."""

    subjects: list[Row] = field(default_factory=list)
    accounts: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)
    months: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    refused: list[tuple[int, str, tuple[RecordError, ...]]] = field(default_factory=list)
    accepted: int = 0
