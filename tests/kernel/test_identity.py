"""Resident ID numbers (GB 11643-1999) and institution codes."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.identity import (
    InstitutionCode,
    ResidentId,
    Sex,
    check_character,
    mask_id,
    mask_name,
)

# the two reference identities of the test data
ZHANG = "110105199003071239"  # 北京朝阳, born 1990-03-07, male
LI = "310115198511204566"  # 上海浦东, born 1985-11-20, female
WITH_X = "44030119951201009X"  # 深圳福田, born 1995-12-01, male; check character X

areas = st.from_regex(r"[1-6][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
resident_ids = st.builds(ResidentId.make, areas, births, sequences)


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def parse_error(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse(text)
    assert exc.value.status == 422
    return exc.value


# --- valid numbers ----------------------------------------------------------------------------


def test_a_valid_number_parses_into_its_parts() -> None:
    rid = ResidentId.parse(ZHANG)
    assert rid.number == ZHANG
    assert str(rid) == ZHANG
    assert rid.area_code == "110105"
    assert rid.birth_date == date(1990, 3, 7)
    assert rid.sex is Sex.MALE
    assert rid.sex.label == "男"
    assert rid.masked == "110***********1239"


def test_the_second_reference_identity_is_a_woman() -> None:
    rid = ResidentId.parse(LI)
    assert rid.area_code == "310115"
    assert rid.birth_date == date(1985, 11, 20)
    assert rid.sex is Sex.FEMALE
    assert rid.sex.label == "女"
    assert rid.masked == "310***********4566"


@pytest.mark.parametrize("number", [ZHANG, LI, WITH_X])
def test_reference_identities_carry_their_own_check_character(number: str) -> None:
    assert check_character(number[:17]) == number[17]
    assert ResidentId.parse(number).number == number


def test_lower_case_x_is_accepted_and_upper_cased() -> None:
    assert check_character(WITH_X[:17]) == "X"
    rid = ResidentId.parse(WITH_X.lower())
    assert rid.number == WITH_X
    assert rid == ResidentId.parse(WITH_X)


def test_surrounding_white_space_is_ignored() -> None:
    assert ResidentId.parse(f"  {ZHANG}\n").number == ZHANG


def test_resident_id_is_an_immutable_value() -> None:
    rid = ResidentId.parse(ZHANG)
    assert rid == ResidentId.parse(ZHANG)
    assert hash(rid) == hash(ResidentId.parse(ZHANG))
    with pytest.raises(dataclasses.FrozenInstanceError):
        rid.number = LI  # type: ignore[misc]


@pytest.mark.parametrize(
    "birth",
    [
        "19000101",
        "20991231",
        "20000229",  # divisible by 400: a leap year
        "20240229",
    ],
)
def test_birth_dates_at_the_edges_of_the_range(birth: str) -> None:
    rid = ResidentId.parse(with_check(f"110105{birth}123"))
    assert rid.birth_date == date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))


@pytest.mark.parametrize(
    ("seventeenth", "sex"),
    [("0", Sex.FEMALE), ("1", Sex.MALE), ("2", Sex.FEMALE), ("7", Sex.MALE), ("8", Sex.FEMALE)],
)
def test_sex_is_read_from_the_17th_digit(seventeenth: str, sex: Sex) -> None:
    assert ResidentId.parse(with_check(f"1101051990030712{seventeenth}")).sex is sex


def test_sex_codes() -> None:
    assert Sex.MALE.value == "1"
    assert Sex.FEMALE.value == "2"


# --- every error code -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "   \t\n"])
def test_an_empty_number(text: str) -> None:
    assert parse_error(text).code == "id.empty"


def test_something_that_is_not_text_is_empty() -> None:
    assert parse_error(None).code == "id.empty"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "length"),
    [
        (ZHANG[:17], 17),
        (ZHANG + "0", 19),
        ("110105900307123", 15),  # a first-generation, 15-digit number
        ("1", 1),
    ],
)
def test_a_number_of_the_wrong_length(text: str, length: int) -> None:
    err = parse_error(text)
    assert err.code == "id.length"
    assert f"has {length}" in err.message


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("1101051990A3071239", 11),  # a letter in the middle
        ("X10105199003071239", 1),  # X anywhere but last
        ("11010519900307123X"[:14] + "X239", 15),
        ("110105 99003071239", 7),
        ("110105-99003071239", 7),
        ("11010519900307123Y", 18),
        ("１１０１０５１９９００３０７１２３９", 1),  # full-width digits
        ("11010519900307123９", 18),  # a full-width check digit
        ("11010519900307123²", 18),  # a digit to str.isdigit, but not a decimal digit
    ],
)
def test_a_number_with_a_character_that_does_not_belong(text: str, position: int) -> None:
    err = parse_error(text)
    assert err.code == "id.characters"
    assert f"character {position} is {text[position - 1]!r}" in err.message


def test_full_width_digits_never_become_a_different_stored_number() -> None:
    # a valid check digit after 17 full-width digits must not slip through as a new number
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in ZHANG[:17]) + ZHANG[17]
    assert parse_error(full_width).code == "id.characters"


@pytest.mark.parametrize(
    "birth",
    [
        "19901301",  # month 13
        "19900001",  # month 0
        "19900230",  # Feb 30
        "20230229",  # Feb 29 of a common year
        "19000229",  # 1900 was not a leap year
        "19900431",  # April has 30 days
        "19900100",  # day 0
        "18991231",  # before 1900
        "21000101",  # after 2099
        "00000000",
    ],
)
def test_a_number_with_an_impossible_birth_date(birth: str) -> None:
    err = parse_error(with_check(f"110105{birth}123"))
    assert err.code == "id.birth_date"
    assert birth in err.message


@pytest.mark.parametrize("wrong", [c for c in "0123456789X" if c != "9"])
def test_a_wrong_check_character(wrong: str) -> None:
    err = parse_error(ZHANG[:17] + wrong)
    assert err.code == "id.check_digit"
    assert "'9'" in err.message
    assert repr(wrong) in err.message


def test_the_first_thing_wrong_is_reported() -> None:
    # wrong length beats bad characters; bad characters beat the date; the date beats the check
    assert parse_error("ABC").code == "id.length"
    assert parse_error("1101051990133A1239").code == "id.characters"
    assert parse_error("110105199013071230").code == "id.birth_date"


@given(resident_ids, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_error_is_caught(rid: ResidentId, position: int, shift: int) -> None:
    # GB 11643 (ISO 7064 MOD 11-2) detects every single substitution among the first 17 digits
    digits = list(rid.number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    typo = "".join(digits)
    assert typo != rid.number
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse(typo)
    assert exc.value.code in {"id.check_digit", "id.birth_date"}
    if exc.value.code == "id.birth_date":
        assert 6 <= position <= 13  # only the birth-date digits can make the date impossible


@given(resident_ids, st.integers(min_value=0, max_value=15))
def test_any_swap_of_neighbouring_digits_is_caught(rid: ResidentId, position: int) -> None:
    digits = list(rid.number)
    if digits[position] == digits[position + 1]:
        return
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse("".join(digits))
    assert exc.value.code in {"id.check_digit", "id.birth_date"}


@given(resident_ids, st.sampled_from("0123456789X"))
def test_any_other_check_character_is_caught(rid: ResidentId, check: str) -> None:
    if check == rid.number[17]:
        return
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse(rid.number[:17] + check)
    assert exc.value.code == "id.check_digit"


# --- making numbers ---------------------------------------------------------------------------


def test_make_builds_the_reference_identity() -> None:
    assert ResidentId.make("110105", date(1990, 3, 7), 123) == ResidentId.parse(ZHANG)
    assert ResidentId.make("440301", date(1995, 12, 1), 9).number == WITH_X


@given(areas, births, sequences)
def test_make_produces_numbers_that_parse_back_into_their_parts(
    area: str, birth: date, sequence: int
) -> None:
    rid = ResidentId.make(area, birth, sequence)
    assert ResidentId.parse(rid.number) == rid
    assert len(rid.number) == 18
    assert rid.area_code == area
    assert rid.birth_date == birth
    assert rid.number[14:17] == f"{sequence:03d}"
    assert rid.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)


@pytest.mark.parametrize(
    ("area", "sequence"),
    [
        ("11010", 123),
        ("1101050", 123),
        ("11010A", 123),
        ("", 123),
        ("１１０１０５", 123),
        ("110105", -1),
        ("110105", 1000),
    ],
)
def test_make_refuses_bad_parts(area: str, sequence: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        ResidentId.make(area, date(1990, 3, 7), sequence)
    assert exc.value.code == "id.parts"


def test_make_refuses_a_birth_date_outside_the_range() -> None:
    with pytest.raises(InvalidInput) as exc:
        ResidentId.make("110105", date(1899, 12, 31), 1)
    assert exc.value.code == "id.birth_date"


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519900307123", "9"),
        ("31011519851120456", "6"),
        ("44030119951201009", "X"),
        ("00000000000000000", "1"),  # sum 0 → "1"
    ],
)
def test_check_character(first17: str, check: str) -> None:
    assert check_character(first17) == check


@pytest.mark.parametrize(
    "first17", ["1101051990030712", "110105199003071239", "1101051990030712A", "", "１" * 17]
)
def test_check_character_needs_exactly_17_digits(first17: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_character(first17)
    assert exc.value.code == "id.characters"


@given(st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_the_check_character_balances_the_weighted_sum(first17: str) -> None:
    # ISO 7064 MOD 11-2: with the check character's value (X = 10) at weight 1, the sum is 1 mod 11
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    check = check_character(first17)
    value = 10 if check == "X" else int(check)
    assert (sum(int(d) * w for d, w in zip(first17, weights, strict=True)) + value) % 11 == 1


# --- masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("", ""),
        ("1", "*"),
        ("1234567", "*******"),
        ("12345678", "123*5678"),
        (ZHANG, "110***********1239"),
        (WITH_X, "440***********009X"),
        ("110105900307123", "110********7123"),
    ],
)
def test_mask_id(text: str, masked: str) -> None:
    assert mask_id(text) == masked


@given(st.text(max_size=40))
def test_mask_id_keeps_the_length_and_hides_the_middle(text: str) -> None:
    masked = mask_id(text)
    assert len(masked) == len(text)
    if len(text) > 7:
        assert masked[:3] == text[:3]
        assert masked[-4:] == text[-4:]
        assert set(masked[3:-4]) == {"*"}
    else:
        assert set(masked) <= {"*"}


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("", ""),
        ("张", "张"),
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧***"),
        ("Zhang San", "Z********"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


# --- institution codes ------------------------------------------------------------------------


def test_a_valid_institution_code() -> None:
    code = InstitutionCode.parse("B10211000H0001")
    assert code.code == "B10211000H0001"
    assert str(code) == "B10211000H0001"
    assert code == InstitutionCode.parse(" B10211000H0001 ")


@pytest.mark.parametrize(
    ("text", "length"),
    [("", 0), ("B10211000H000", 13), ("B10211000H00010", 15), ("   ", 0), ("B1021 ", 5)],
)
def test_an_institution_code_of_the_wrong_length(text: str, length: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        InstitutionCode.parse(text)
    assert exc.value.code == "institution.length"
    assert f"has {length}" in exc.value.message


def test_a_missing_institution_code_has_no_length() -> None:
    with pytest.raises(InvalidInput) as exc:
        InstitutionCode.parse(None)  # type: ignore[arg-type]
    assert exc.value.code == "institution.length"


@pytest.mark.parametrize(
    "text",
    [
        "b10211000h0001",  # lower case
        "B10211000h0001",
        "B10211000-0001",
        "B10211000.0001",
        "B1021100 H0001",
        "B10211000H000１",  # a full-width digit
        "B10211000H000É",
    ],
)
def test_an_institution_code_with_a_character_that_does_not_belong(text: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        InstitutionCode.parse(text)
    assert exc.value.code == "institution.characters"
    assert repr(text) in exc.value.message
