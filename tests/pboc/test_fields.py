"""Data items: the §1.2 types, blank and absent values, and preprocessing (§1.1)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from zhengxin.codes import RepaymentStatus
from zhengxin.pboc import Kind, item, preprocess
from zhengxin.pboc.fields import ValueProblem

AMOUNT = item("AcctBal", "acct_bal", "余额", "uInt..15")
DAY = item("RptDate", "rpt_date", "信息报告日期", "Date")
MONTH = item("Month", "month", "月份", "Month")
NAME = item("Name", "name", "借款人姓名", "ANC..30")
ORG = item("MngmtOrgCode", "mngmt_org_code", "业务管理机构代码", "AN14")
SETTLED = item("SettDate", "sett_date", "结算/应还款日", "Date", "MB")
RATIO = item("RpyPrct", "rpy_prct", "实际还款比例", "uInt..3", "OB")
STATUS = item("RpyStatus", "rpy_status", "当前还款状态", RepaymentStatus)


def problem(spec: object, text: str | None) -> str:
    with pytest.raises(ValueProblem) as caught:
        spec.read(text)  # type: ignore[attr-defined]
    return caught.value.code


def test_preprocessing_turns_full_width_into_half_width_and_trims() -> None:
    assert preprocess("８００００") == "80000"
    assert preprocess("　ＡＢ！～\u3000") == "AB!~"
    assert preprocess("\t张 三\r\n") == "张 三"


def test_the_notation_of_the_spec_is_kept() -> None:
    assert [s.notation for s in (AMOUNT, DAY, NAME, ORG, STATUS)] == [
        "uInt..15",
        "Date",
        "ANC..30",
        "AN14",
        "RepaymentStatus",
    ]
    assert ORG.kind is Kind.AN and ORG.exact and ORG.length == 14


def test_whole_numbers_accept_leading_zeros_and_plus_but_nothing_else() -> None:
    assert AMOUNT.read("000123") == 123
    assert AMOUNT.read("+5") == 5
    assert AMOUNT.read("0" * 5000 + "7") == 7
    for text in ("-1", "1.0", "1e3", "١٢", "1" * 16):
        assert problem(AMOUNT, text) == "ABE001"


def test_dates_must_be_real_and_in_1901_2099() -> None:
    assert DAY.read("2024-02-29") == date(2024, 2, 29)
    for text in ("2023-02-29", "2024-13-01", "2024-6-1", "20240601", "2024/06/01"):
        assert problem(DAY, text) == "ABE001"
    assert problem(DAY, "1900-12-31") == "ABE008"
    assert problem(DAY, "2100-01-01") == "ABE008"
    assert MONTH.read("2024-07") == date(2024, 7, 1)
    assert problem(MONTH, "2024-00") == "ABE001"
    assert problem(MONTH, "0000-01") == "ABE008"


def test_absent_and_blank_values() -> None:
    assert problem(AMOUNT, None) == "ABD000"
    assert problem(AMOUNT, "") == "ABE000"
    assert SETTLED.read("") is None
    assert RATIO.read(None) is None
    assert RATIO.read("") == ""
    assert SETTLED.write(None) == ""
    assert RATIO.write(None) is None
    assert RATIO.write("") == ""


def test_text_lengths_count_utf16_units_and_reject_control_characters() -> None:
    assert NAME.read("张" * 30) == "张" * 30
    assert problem(NAME, "张" * 31) == "ABE001"
    assert problem(NAME, "𠀀" * 16) == "ABE001"
    assert problem(NAME, "a\x01b") == "ABE001"
    assert problem(ORG, "B10211000H000") == "ABE001"
    assert problem(ORG, "B10211000H00０1".translate({0xFF10: 0x4E00})) == "ABE001"


def test_codes_compare_as_exact_strings() -> None:
    assert STATUS.read("*") is RepaymentStatus.NOTHING_DUE
    assert problem(STATUS, "01") == "ABE001"
    flag = item("Flag", "flag", "分次放款标志", "code", "OR", choices=("0", "1", "2"))
    assert flag.read("2") == "2"
    assert problem(flag, "3") == "ABE001"


def test_writer_refuses_values_of_the_wrong_kind() -> None:
    for spec, value in (
        (AMOUNT, True),
        (AMOUNT, 10**15),
        (AMOUNT, "5"),
        (DAY, datetime(2024, 1, 1, 12, 0)),
        (DAY, date(1900, 1, 1)),
        (MONTH, date(2024, 7, 2)),
        (STATUS, "X"),
    ):
        with pytest.raises(ValueProblem):
            spec.write(value)
    assert NAME.write("　张三 ") == "张三"
