"""The §9 code tables: each table's codes as the specification lists them."""

from __future__ import annotations

import pytest

from zhengxin import codes
from zhengxin.codes import (
    ACCOUNT_STATUSES,
    REPAYMENT_MODES,
    REPAYMENT_STATUSES,
    AccountStatus,
    Code,
    Country,
    Currency,
    EmploymentStatus,
    Industry,
    MaritalStatus,
    OrganisationIdType,
    RepaymentMode,
    RepaymentStatus,
    ResidenceStatus,
    SegmentMark210,
    SegmentMark220,
    SpecialTransactionType,
    TransferRepaymentStatus,
)

TABLES = [
    obj
    for name in codes.__all__
    if isinstance(obj := getattr(codes, name), type) and issubclass(obj, Code) and obj is not Code
]


def codes_of(table: type[Code]) -> set[str]:
    return {m.value for m in table}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (AccountStatus, {"1", "2", "3", "31", "4", "41", "42", "5", "51", "52", "6", "8"}),
        (
            RepaymentMode,
            {"11", "12", "13", "14", "15", "19", "21", "22", "23", "29", "31", "32", "33", "39"}
            | {"90"},
        ),
        (
            SpecialTransactionType,
            {"1", "2", "3", "4", "5", "8", "11", "12", "13", "14", "15", "16", "17"},
        ),
        (TransferRepaymentStatus, {"0", "1", "2", "3", "4", "5", "6", "7", "9"}),
        (
            OrganisationIdType,
            {"01", "02", "03", "04", "05", "06", "10", "20", "30", "41", "42"},
        ),
        (MaritalStatus, {"10", "20", "21", "22", "23", "30", "40", "90", "91", "99"}),
        (
            EmploymentStatus,
            {"11", "13", "17", "21", "24", "27", "31", "37", "51", "54", "70", "80", "90", "91"}
            | {"99"},
        ),
        (ResidenceStatus, {"1", "2", "3", "4", "5", "6", "7", "9", "11", "12"}),
        (Industry, set("ABCDEFGHIJKLMNOPQRST9")),
        (SegmentMark210, set("BCDEFGHIJK")),
        (SegmentMark220, set("BCD")),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_table_holds_exactly_the_specification_codes(table: type[Code], expected: set[str]) -> None:
    assert codes_of(table) == expected


def test_account_statuses_per_type_follow_9_4() -> None:
    assert ACCOUNT_STATUSES["D1"] == {"1", "2", "3", "41", "42", "6", "8"}
    assert ACCOUNT_STATUSES["R4"] == ACCOUNT_STATUSES["D1"]
    assert ACCOUNT_STATUSES["R1"] == ACCOUNT_STATUSES["D1"] | {"5"}
    assert ACCOUNT_STATUSES["R2"] == {"1", "31", "4", "51", "52", "6", "8"}
    assert ACCOUNT_STATUSES["R3"] == ACCOUNT_STATUSES["R2"]
    assert ACCOUNT_STATUSES["C1"] == {"1", "2"}


def test_cards_have_no_late_in_month_guarantor_or_asset_repayment_status() -> None:
    for card in ("R2", "R3"):
        assert REPAYMENT_STATUSES[card] == REPAYMENT_STATUSES["D1"] - {"M", "D", "Z"}
    assert REPAYMENT_STATUSES["R1"] == REPAYMENT_STATUSES["R4"] == codes_of(RepaymentStatus)
    assert "C1" not in REPAYMENT_STATUSES


def test_revolving_loans_have_their_own_repayment_modes() -> None:
    assert REPAYMENT_MODES["R1"] == {"31", "32", "33", "39", "90"}
    assert REPAYMENT_MODES["D1"] == REPAYMENT_MODES["R4"]
    assert REPAYMENT_MODES["D1"] | REPAYMENT_MODES["R1"] == codes_of(RepaymentMode)


@pytest.mark.parametrize(
    ("by_type", "table"),
    [
        (ACCOUNT_STATUSES, AccountStatus),
        (REPAYMENT_STATUSES, RepaymentStatus),
        (REPAYMENT_MODES, RepaymentMode),
    ],
    ids=["AcctStatus", "RpyStatus", "RepayMode"],
)
def test_each_account_types_codes_belong_to_the_table(
    by_type: dict[str, frozenset[str]], table: type[Code]
) -> None:
    assert set(by_type) <= {"D1", "R1", "R2", "R3", "R4", "C1"}
    for account_type, valid in by_type.items():
        assert valid <= codes_of(table), account_type


def test_existing_account_status_members_keep_their_codes() -> None:
    assert AccountStatus.NORMAL.value == "1"
    assert AccountStatus.OVERDUE.value == "2"
    assert AccountStatus.CLOSED.value == "3"
    assert AccountStatus.BAD_DEBT_PENDING.value == "41"
    assert AccountStatus.WRITTEN_OFF.value == "42"
    assert AccountStatus.STOPPED.value == "5"
    assert AccountStatus.COLLATERAL_SHORT.value == "6"
    assert AccountStatus.LEGAL_RECOVERY.value == "8"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.__name__)
def test_every_code_is_unique_and_labelled(table: type[Code]) -> None:
    # A repeated value would silently make the second name an alias of the first.
    aliases = [name for name, member in table.__members__.items() if member.name != name]
    assert aliases == []
    assert all(m.label for m in table)


def test_currency_holds_the_iso_codes_current_and_legacy() -> None:
    assert Currency("CNY") is Currency.CNY
    assert Currency.CNY.label == "人民币"
    assert {"USD", "HKD", "EUR", "JPY", "GBP", "ATS", "PTE", "DEM", "FRF"} <= codes_of(Currency)
    assert 180 <= len(Currency) <= 200
    assert {"XTS", "XXX"}.isdisjoint(codes_of(Currency))  # testing and "no currency"
    assert all(len(c) == 3 and c.isascii() and c.isupper() for c in codes_of(Currency))


def test_country_holds_the_iso_alpha_3_codes() -> None:
    assert Country("CHN").label == "中国"
    assert {"HKG", "MAC", "TWN", "USA", "GBR", "DEU"} <= codes_of(Country)
    assert len(Country) == 249
    assert all(len(c) == 3 and c.isascii() and c.isupper() for c in codes_of(Country))
