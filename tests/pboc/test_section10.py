"""The ten example lines of §10, each with exactly the result the reference states.

The reference ran them through the PBOC client's own engine with institution code
``B10211000H0001``, file creation date 2024-09-30 and no error cap.
"""

from datetime import date
from pathlib import Path

import pytest

from zhengxin.pboc.line import read_raw_full
from zhengxin.pboc.record210 import SEGMENTS_210, parse_line
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.validator import check_line

LINES = (Path(__file__).parents[1] / "data" / "section10.txt").read_text("utf-8").splitlines()
CONTEXT = FileContext("210", date(2024, 9, 30), "B10211000H0001")


def errors_of(number: int) -> list[tuple[str, str, str | None]]:
    found = check_line(LINES[number - 1], context=CONTEXT, cap=100)
    return [(e.code, e.tag, e.value) for e in found]


def test_there_are_ten_examples() -> None:
    assert len(LINES) == 10


def test_10_1_new_revolving_account_is_valid() -> None:
    assert errors_of(1) == []


def test_10_2_monthly_report_overdue_1_30_days_is_valid() -> None:
    assert errors_of(2) == []


def test_10_3_closure_is_valid() -> None:
    assert errors_of(3) == []


def test_10_4_monthly_report_of_an_instalment_loan_is_valid() -> None:
    assert errors_of(4) == []


def test_10_5_new_r1_without_credit_line_segment() -> None:
    assert errors_of(5) == [("BLR000", "AcctCredSgmt", None)]


def test_10_6_r1_carrying_loan_amount() -> None:
    assert errors_of(6) == [("BLD000", "LoanAmt", "20000")]


def test_10_7_new_account_reported_too_late() -> None:
    assert [(code, tag) for code, tag, _ in errors_of(7)] == [("BLE008", "RptDate")]


def test_10_8_overdue_status_without_overdue_amount() -> None:
    assert errors_of(8) == [("BLE019", "TotOverd", "0")]


def test_10_9_closed_account_with_repayment_status_n() -> None:
    assert errors_of(9) == [("BLE030", "RpyStatus", "N")]


def test_10_10_bullet_loan_with_twelve_periods() -> None:
    assert errors_of(10) == [("BLE038", "RepayPrd", "12")]


@pytest.mark.parametrize("number", range(1, 11))
def test_each_example_is_read_the_same_by_the_fast_and_the_full_reader(number: int) -> None:
    line = LINES[number - 1]
    segments = {spec.tag: spec for spec in SEGMENTS_210}
    assert parse_line(line) == read_raw_full(line, "InAcctInf", segments)
