"""The client's identity-number checks (§1.8, ABE004)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.identity import ResidentId
from zhengxin.pboc.idcheck import (
    credit_code_check,
    make_uscc,
    org_code_check_char,
    organisation_id_ok,
    personal_id_ok,
    uscc_check_char,
)

ZHANG = "110105199003071239"  # 北京朝阳, born 1990-03-07
LI = "310115198511204566"  # 上海浦东, born 1985-11-20
WITH_X = "44030119951201009X"  # 深圳福田, born 1995-12-01; check character X

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# --- resident ID (type 10) ---


@pytest.mark.parametrize("number", [ZHANG, LI, WITH_X, WITH_X.lower()])
def test_resident_ids_with_the_right_check_character_pass(number: str) -> None:
    assert personal_id_ok("10", number)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("110105199003071238", "wrong check character"),
        ("310115198511204567", "wrong check character"),
        ("11010519900307123", "17 characters"),
        ("1101051990030712399", "19 characters"),
        ("11010519900230123X", "30 February"),
        ("110105189912311234", "born 1899"),
        ("11010519900307123Y", "check character not a digit or X"),
        ("１10105199003071239", "full-width digit"),
        ("", "empty"),
    ],
)
def test_resident_ids_that_fail(number: str, why: str) -> None:
    assert not personal_id_ok("10", number), why


def test_the_area_code_is_not_checked() -> None:
    number = ResidentId.make("000000", date(1990, 3, 7), 123).number
    assert number.startswith("000000")
    assert personal_id_ok("10", number)


@given(
    area=st.from_regex(r"[0-9]{6}", fullmatch=True),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_every_number_the_kernel_makes_passes(area: str, birth: date, sequence: int) -> None:
    number = ResidentId.make(area, birth, sequence).number
    assert personal_id_ok("10", number)
    wrong = next(c for c in "0123456789X" if c != number[17])
    assert not personal_id_ok("10", number[:17] + wrong)


# --- passport, HK/Macau and Taiwan permits (types 2, 5, 6) ---


@pytest.mark.parametrize(
    ("id_type", "number", "ok"),
    [
        ("2", "CHN123456", True),
        ("2", "USA12345678A", True),  # 12 characters
        ("2", "USA123456789A", False),  # 13 characters
        ("2", "ZZZ1", False),  # not a country code
        ("2", "chn123456", False),  # codes are compared exactly
        ("2", "CH", False),
        ("5", "H12345678", True),
        ("5", "M1234567890", True),
        ("5", "H123456789", False),  # 9 digits
        ("5", "X12345678", False),
        ("5", "h12345678", False),
        ("6", "1234567890", True),
        ("6", "12345678901", True),
        ("6", "123456789012", True),
        ("6", "1234567890(B)", True),
        ("6", "1234567890(12)", True),
        ("6", "123456789", False),
        ("6", "1234567890123", False),
        ("6", "1234567890(1)", False),
        ("6", "1234567890(AB)", False),
        ("6", "1234567890B", False),
    ],
)
def test_travel_documents(id_type: str, number: str, ok: bool) -> None:
    assert personal_id_ok(id_type, number) is ok


@pytest.mark.parametrize("id_type", ["1", "8", "9", "20", "A", "B", "C", "X"])
def test_unchecked_personal_types_pass(id_type: str) -> None:
    assert personal_id_ok(id_type, "whatever it is")


# --- organisation codes (types 20, 30, 10) ---


@pytest.mark.parametrize(
    "number",
    [
        "914403001922038216",  # 华为技术有限公司
        "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
        "91330100799655058B",  # 阿里巴巴（中国）有限公司
    ],
)
def test_published_social_credit_codes_pass(number: str) -> None:
    assert organisation_id_ok("20", number)
    assert organisation_id_ok("30", number[8:17])


def test_a_social_credit_code_built_by_the_maker_passes_and_any_change_fails() -> None:
    number = make_uscc("91110105" + "MA01ABCD" + org_code_check_char("MA01ABCD"))
    assert organisation_id_ok("20", number)
    assert not organisation_id_ok("20", number[:-1] + ("0" if number[-1] != "0" else "1"))
    assert not organisation_id_ok("20", number[:3] + "2" + number[4:])


@pytest.mark.parametrize(
    ("prefix17", "why"),
    [
        ("91990300192203821", "province 99 out of range"),
        ("91100300192203821", "province 10 out of range"),
        ("91440300192203822", "organisation code check wrong"),
        ("9144030019220382", "17 characters with the check"),
    ],
)
def test_social_credit_codes_that_fail_besides_the_check(prefix17: str, why: str) -> None:
    number = prefix17 + uscc_check_char(prefix17) if len(prefix17) == 17 else prefix17 + "6"
    assert not organisation_id_ok("20", number), why


def test_social_credit_code_alphabet_excludes_i_o_s_v_z() -> None:
    with pytest.raises(InvalidInput):
        uscc_check_char("9144030019220382I")
    assert not organisation_id_ok("20", "9144030019220382I0")


divisions = st.builds(
    lambda province, rest: f"{province}{rest}",
    st.integers(min_value=11, max_value=82),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)
org_first8 = st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8)
uscc_prefixes = st.builds(
    lambda head, division, first8: head + division + first8 + org_code_check_char(first8),
    st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
    divisions,
    org_first8,
)


@given(uscc_prefixes)
def test_made_social_credit_codes_pass_and_no_other_last_character_does(prefix17: str) -> None:
    number = make_uscc(prefix17)
    assert organisation_id_ok("20", number)
    for other in USCC_ALPHABET.replace(number[17], ""):
        assert not organisation_id_ok("20", prefix17 + other)


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_the_check_character_completes_the_weighted_sum_to_a_multiple_of_31(
    prefix17: str,
) -> None:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(prefix17, USCC_WEIGHTS, strict=True))
    assert (total + USCC_ALPHABET.index(uscc_check_char(prefix17))) % 31 == 0


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("192203821", True),
        ("708461136", True),
        ("192203822", False),
        ("19220382X", False),
        ("19220382", False),
        ("1922o3821", False),
    ],
)
def test_organisation_codes(number: str, ok: bool) -> None:
    assert organisation_id_ok("30", number) is ok


def test_organisation_code_check_maps_10_to_x_and_11_to_0() -> None:
    checks = {org_code_check_char(f"{n:08d}") for n in range(200)}
    assert {"X", "0"} <= checks
    for n in range(200):
        first8 = f"{n:08d}"
        total = sum(int(c) * w for c, w in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        expected = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
        assert org_code_check_char(first8) == expected


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=14, max_size=14))
def test_credit_reference_codes_made_with_their_check_pass(first14: str) -> None:
    check = credit_code_check(first14)
    assert len(check) == 2
    assert 1 <= int(check) <= 97
    assert organisation_id_ok("10", first14 + check)
    wrong = f"{int(check) % 97 + 1:02d}"
    assert not organisation_id_ok("10", first14 + wrong)


def test_credit_reference_code_shape() -> None:
    first14 = "11010100123456"
    assert credit_code_check(first14) == "07"
    assert organisation_id_ok("10", "1101010012345607")
    assert not organisation_id_ok("10", "110101001234560")  # 15 characters
    assert not organisation_id_ok("10", "11010100123456AB")  # check must be digits
    assert not organisation_id_ok("10", "a1010100123456" + credit_code_check("A1010100123456"))


@pytest.mark.parametrize("id_type", ["01", "02", "41", "42"])
def test_unchecked_organisation_types_pass(id_type: str) -> None:
    assert organisation_id_ok(id_type, "whatever it is")
