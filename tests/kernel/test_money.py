"""Money in whole fen, the one rounding function, and rates.

The rounding table is computed by hand, not by the ``decimal`` module: it is the specification
that :func:`round_fen` is checked against.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.money import FEN_PER_YUAN, Money, Rounding, rate, round_fen, total

fens = st.integers(min_value=-(10**20), max_value=10**20)
monies = fens.map(Money)
# amounts the yuan parser accepts: at most 15 digits of whole yuan
printable_fens = st.integers(min_value=-(10**17) + 1, max_value=10**17 - 1)
exact_decimals = st.decimals(
    min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=6
)
factors = st.decimals(
    min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=8
)


def code_of(exc: pytest.ExceptionInfo[InvalidInput]) -> str:
    return exc.value.code


# --- construction -----------------------------------------------------------------------------


def test_money_defaults_to_yuan_renminbi() -> None:
    m = Money(1230)
    assert m.fen == 1230
    assert m.currency == "CNY"


@pytest.mark.parametrize("fen", [1.0, 12.5, Decimal(1), Decimal("12.30"), "100", None, True, False])
def test_money_refuses_fen_that_is_not_a_plain_int(fen: object) -> None:
    # bool is an int subclass, but Money(True) is a mistake, not one fen
    with pytest.raises(InvalidInput) as exc:
        Money(fen)  # type: ignore[arg-type]
    assert code_of(exc) == "money.type"
    assert type(fen).__name__ in exc.value.message


@pytest.mark.parametrize("currency", ["cny", "CN", "CNYY", "", "C1Y", "¥", " CNY"])
def test_money_refuses_a_currency_that_is_not_an_iso_code(currency: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        Money(100, currency)
    assert code_of(exc) == "money.currency"


def test_money_is_immutable() -> None:
    m = Money(100)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.fen = 200  # type: ignore[misc]
    assert m.fen == 100


def test_money_equality_and_hash_include_the_currency() -> None:
    assert Money(100) == Money(100, "CNY")
    assert hash(Money(100)) == hash(Money(100, "CNY"))
    assert Money(100) != Money(100, "USD")
    assert Money(100) != Money(101)
    assert len({Money(1), Money(1), Money(1, "USD")}) == 2


def test_money_never_equals_a_bare_number() -> None:
    assert Money(0) != 0  # type: ignore[comparison-overlap]
    assert Money(100) != 100  # type: ignore[comparison-overlap]


def test_zero() -> None:
    assert Money.zero() == Money(0)
    assert Money.zero("USD") == Money(0, "USD")
    assert not Money.zero()


# --- arithmetic properties --------------------------------------------------------------------


@given(monies, monies)
def test_addition_is_commutative(a: Money, b: Money) -> None:
    assert a + b == b + a


@given(monies, monies, monies)
def test_addition_is_associative(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)


@given(monies)
def test_zero_is_the_identity(a: Money) -> None:
    assert a + Money.zero() == a
    assert Money.zero() + a == a
    assert a - Money.zero() == a


@given(monies, monies)
def test_adding_then_subtracting_gives_back_the_amount(a: Money, b: Money) -> None:
    assert a + b - b == a
    assert (a - b).fen == a.fen - b.fen
    assert (a + b).fen == a.fen + b.fen


@given(monies)
def test_negation(a: Money) -> None:
    negated = -a
    assert -negated == a
    assert a + (-a) == Money.zero()
    assert (-a).fen == -a.fen
    assert (-a).currency == a.currency
    assert Money.zero() - a == -a


@given(monies)
def test_abs_bool_and_sign_follow_fen(a: Money) -> None:
    assert abs(a).fen == abs(a.fen)
    assert bool(a) is (a.fen != 0)
    assert a.is_negative is (a.fen < 0)


@given(monies, monies)
def test_comparison_agrees_with_fen(a: Money, b: Money) -> None:
    assert (a < b) is (a.fen < b.fen)
    assert (a <= b) is (a.fen <= b.fen)
    assert (a > b) is (a.fen > b.fen)
    assert (a >= b) is (a.fen >= b.fen)
    assert (a == b) is (a.fen == b.fen)


@given(st.lists(fens, max_size=20))
def test_total_is_the_sum_of_fen(values: list[int]) -> None:
    amounts = [Money(v) for v in values]
    assert total(amounts) == Money(sum(values))
    assert total(tuple(amounts)) == Money(sum(values))
    assert sorted(amounts) == [Money(v) for v in sorted(values)]


def test_total_of_nothing_is_zero_in_the_asked_currency() -> None:
    assert total([]) == Money(0)
    assert total([], "USD") == Money(0, "USD")
    assert total([Money(150, "USD"), Money(50, "USD")], "USD") == Money(200, "USD")


@given(monies, st.integers(min_value=-(10**6), max_value=10**6))
def test_multiplying_by_an_int_is_exact(a: Money, k: int) -> None:
    assert (a * k).fen == a.fen * k
    assert k * a == a * k
    assert a.times(k, Rounding.UP) == a * k  # the rule is irrelevant for whole factors


@given(monies)
def test_multiplying_by_zero_and_one(a: Money) -> None:
    assert a * 0 == Money.zero()
    assert a * 1 == a
    assert a * -1 == -a
    assert a * Decimal(1) == a


@given(st.integers(min_value=-(10**15), max_value=10**15), factors, st.sampled_from(Rounding))
def test_multiplying_by_a_decimal_rounds_the_exact_product_once(
    fen: int, factor: Decimal, rule: Rounding
) -> None:
    with localcontext() as ctx:
        ctx.prec = 60  # wide enough for the exact product
        exact = Decimal(fen) * factor
    assert Money(fen).times(factor, rule) == Money(round_fen(exact, rule))
    if rule is Rounding.HALF_UP:
        assert Money(fen) * factor == Money(round_fen(exact))
        assert factor * Money(fen) == Money(fen) * factor


@pytest.mark.parametrize(
    ("fen", "factor", "rule", "expected"),
    [
        (250, "0.0005", Rounding.HALF_UP, 0),  # 0.125 fen
        (1000, "0.0005", Rounding.HALF_UP, 1),  # 0.5 fen, half away from zero
        (1000, "0.0005", Rounding.HALF_EVEN, 0),
        (1000, "0.0005", Rounding.DOWN, 0),
        (1000, "0.0005", Rounding.UP, 1),
        (-1000, "0.0005", Rounding.HALF_UP, -1),
        (-1000, "0.0005", Rounding.DOWN, 0),
        (100, "1.5", Rounding.HALF_UP, 150),
        (123456, "0.18", Rounding.HALF_UP, 22222),  # 22222.08
        (123456, "0.18", Rounding.UP, 22223),
        (3, "0.33333333333333333333333333333", Rounding.DOWN, 0),  # 29 digits: 0.999...9
        (3, "0.33333333333333333333333333333", Rounding.UP, 1),
        (10**20 + 1, "0.5", Rounding.HALF_UP, 5 * 10**19 + 1),  # product has 21+ digits
        (10**30 + 1, "0.5", Rounding.DOWN, 5 * 10**29),
    ],
)
def test_multiplying_by_a_decimal_examples(
    fen: int, factor: str, rule: Rounding, expected: int
) -> None:
    assert Money(fen).times(Decimal(factor), rule) == Money(expected)


@pytest.mark.parametrize("factor", [1.5, 2.0, True, "2", None])
def test_multiplying_by_anything_but_int_or_decimal_is_a_type_error(factor: object) -> None:
    with pytest.raises(TypeError):
        Money(100) * factor  # type: ignore[operator]


def test_multiplying_by_a_non_finite_decimal_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        Money(100) * Decimal("NaN")
    assert code_of(exc) == "money.rounding"


def test_multiplication_keeps_the_currency() -> None:
    assert (Money(100, "USD") * 3).currency == "USD"
    assert (Money(100, "USD") * Decimal("0.5")).currency == "USD"


# --- currency mismatch ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
        lambda a, b: total([a, b]),
    ],
    ids=["add", "sub", "lt", "le", "gt", "ge", "total"],
)
def test_different_currencies_never_combine(operation: object) -> None:
    with pytest.raises(InvalidInput) as exc:
        operation(Money(100), Money(100, "USD"))  # type: ignore[operator]
    assert code_of(exc) == "money.currency_mismatch"
    assert "CNY" in exc.value.message
    assert "USD" in exc.value.message
    assert exc.value.status == 422


def test_total_in_the_wrong_currency_is_a_mismatch() -> None:
    with pytest.raises(InvalidInput) as exc:
        total([Money(1, "USD")])
    assert code_of(exc) == "money.currency_mismatch"


@pytest.mark.parametrize(
    "operation",
    [lambda m: m + 1, lambda m: m - Decimal(1), lambda m: m < 5, lambda m: m >= 0],
    ids=["add", "sub", "lt", "ge"],
)
def test_combining_with_a_bare_number_is_a_type_error(operation: object) -> None:
    with pytest.raises(TypeError):
        operation(Money(100))  # type: ignore[operator]


# --- parsing yuan -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.3", 1230),
        ("12.30", 1230),
        ("12", 1200),
        ("0", 0),
        ("0.00", 0),
        ("-0", 0),
        ("0.01", 1),
        ("-0.05", -5),
        ("-5", -500),
        ("+5.5", 550),
        ("1,234.56", 123456),
        ("1,234,567", 123456700),
        ("  7.5 ", 750),
        ("007.05", 705),
        ("999999999999999.99", 99999999999999999),
        (12, 1200),
        (0, 0),
        (-3, -300),
        (10**20, 10**22),
    ],
)
def test_yuan_parses(text: str | int, fen: int) -> None:
    assert Money.yuan(text) == Money(fen)


def test_yuan_in_another_currency() -> None:
    assert Money.yuan("1.00", "USD") == Money(100, "USD")
    assert Money.yuan(2, "USD") == Money(200, "USD")


@pytest.mark.parametrize(
    "text",
    [
        "1.234",
        "0.001",
        "abc",
        "",
        "   ",
        "1e5",
        "1E5",
        "1.",
        ".5",
        "¥1.00",
        "1 000",
        "12.3.4",
        "--1",
        "+-1",
        "1-",
        "NaN",
        "Infinity",
        "1234567890123456",  # 16 digits of whole yuan
        True,
    ],
)
def test_yuan_refuses_anything_but_yuan_with_two_decimals(text: object) -> None:
    with pytest.raises(InvalidInput) as exc:
        Money.yuan(text)  # type: ignore[arg-type]
    assert code_of(exc) == "money.syntax"
    assert repr(text) in exc.value.message


@pytest.mark.parametrize("value", [0.1, 12.3, 1.0, -0.05])
def test_yuan_refuses_float(value: float) -> None:
    # amounts never pass through float, even ones whose repr looks exact
    with pytest.raises(InvalidInput) as exc:
        Money.yuan(value)  # type: ignore[arg-type]
    assert code_of(exc) == "money.type"


# --- formatting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(123456), "¥1,234.56"),
        (Money(-5), "-¥0.05"),
        (Money(0), "¥0.00"),
        (Money(1), "¥0.01"),
        (Money(10), "¥0.10"),
        (Money(100), "¥1.00"),
        (Money(-100), "-¥1.00"),
        (Money(99999), "¥999.99"),
        (Money(100000), "¥1,000.00"),
        (Money(123456789012), "¥1,234,567,890.12"),
        (Money(-100000000), "-¥1,000,000.00"),
        (Money(10**22), "¥100,000,000,000,000,000,000.00"),
        (Money(100, "USD"), "USD 1.00"),
        (Money(-12345, "EUR"), "-EUR 123.45"),
        (Money(123456, "USD"), "USD 1,234.56"),
    ],
)
def test_format(money: Money, text: str) -> None:
    assert money.format() == text
    assert str(money) == text
    assert f"{money}" == text


@given(printable_fens)
def test_yuan_reads_back_what_format_writes(fen: int) -> None:
    m = Money(fen)
    assert Money.yuan(m.format().replace("¥", "")) == m


@given(printable_fens)
def test_yuan_reads_back_other_currencies(fen: int) -> None:
    m = Money(fen, "USD")
    assert Money.yuan(m.format().replace("USD ", ""), "USD") == m


# --- whole yuan -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "half_up", "half_even", "down", "up"),
    [
        (0, 0, 0, 0, 0),
        (100, 1, 1, 1, 1),
        (-100, -1, -1, -1, -1),
        (1, 0, 0, 0, 1),
        (-1, 0, 0, 0, -1),
        (49, 0, 0, 0, 1),
        (50, 1, 0, 0, 1),
        (150, 2, 2, 1, 2),
        (250, 3, 2, 2, 3),
        (-250, -3, -2, -2, -3),
        (149, 1, 1, 1, 2),
        (151, 2, 2, 1, 2),
        (-151, -2, -2, -1, -2),
        (123456, 1235, 1235, 1234, 1235),
        (10**17 - 50, 10**15, 10**15, 10**15 - 1, 10**15),  # the largest parseable half
    ],
)
def test_whole_yuan_by_each_rule(
    fen: int, half_up: int, half_even: int, down: int, up: int
) -> None:
    m = Money(fen)
    assert m.whole_yuan() == half_up
    assert m.whole_yuan(Rounding.HALF_UP) == half_up
    assert m.whole_yuan(Rounding.HALF_EVEN) == half_even
    assert m.whole_yuan(Rounding.DOWN) == down
    assert m.whole_yuan(Rounding.UP) == up


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_yuan_of_whole_yuan_is_exact(yuan: int) -> None:
    for rule in Rounding:
        assert Money(yuan * FEN_PER_YUAN).whole_yuan(rule) == yuan


# --- round_fen --------------------------------------------------------------------------------

ROUNDING_TABLE = [
    # amount in fen, HALF_UP, HALF_EVEN, DOWN, UP (worked out by hand)
    ("2.5", 3, 2, 2, 3),
    ("-2.5", -3, -2, -2, -3),
    ("3.5", 4, 4, 3, 4),
    ("-3.5", -4, -4, -3, -4),
    ("2.4999", 2, 2, 2, 3),
    ("-2.4999", -2, -2, -2, -3),
    ("2.5001", 3, 3, 2, 3),
    ("-2.5001", -3, -3, -2, -3),
    ("0.5", 1, 0, 0, 1),
    ("-0.5", -1, 0, 0, -1),
    ("1.5", 2, 2, 1, 2),
    ("12.5", 13, 12, 12, 13),
    ("0.01", 0, 0, 0, 1),
    ("-0.01", 0, 0, 0, -1),
    ("0.99", 1, 1, 0, 1),
    ("-0.99", -1, -1, 0, -1),
    ("0.125", 0, 0, 0, 1),
    ("2.50", 3, 2, 2, 3),
    ("0", 0, 0, 0, 0),
    ("-0", 0, 0, 0, 0),
    ("7", 7, 7, 7, 7),
    ("-7", -7, -7, -7, -7),
    ("7.000", 7, 7, 7, 7),
    ("1E+2", 100, 100, 100, 100),
    ("99.5", 100, 100, 99, 100),
    ("99999999999999999999999999999.5", 10**29, 10**29, 10**29 - 1, 10**29),
    ("1E+30", 10**30, 10**30, 10**30, 10**30),
]


@pytest.mark.parametrize(("amount", "half_up", "half_even", "down", "up"), ROUNDING_TABLE)
def test_round_fen_table(amount: str, half_up: int, half_even: int, down: int, up: int) -> None:
    x = Decimal(amount)
    assert round_fen(x) == half_up  # HALF_UP is the default
    assert round_fen(x, Rounding.HALF_UP) == half_up
    assert round_fen(x, Rounding.HALF_EVEN) == half_even
    assert round_fen(x, Rounding.DOWN) == down
    assert round_fen(x, Rounding.UP) == up


def test_round_fen_does_not_depend_on_the_callers_decimal_precision() -> None:
    with localcontext() as ctx:
        ctx.prec = 3
        assert round_fen(Decimal("123456.5")) == 123457
        assert round_fen(Decimal("123456.5"), Rounding.DOWN) == 123456
        assert Money(123456).times(Decimal("1.5")) == Money(185184)


@given(exact_decimals, st.sampled_from(Rounding))
def test_round_fen_returns_an_int(x: Decimal, rule: Rounding) -> None:
    assert type(round_fen(x, rule)) is int


@given(exact_decimals, st.sampled_from([Rounding.HALF_UP, Rounding.HALF_EVEN]))
def test_half_rules_move_at_most_half_a_fen(x: Decimal, rule: Rounding) -> None:
    assert abs(round_fen(x, rule) - x) <= Decimal("0.5")


@given(exact_decimals, st.sampled_from([Rounding.DOWN, Rounding.UP]))
def test_directed_rules_move_less_than_a_fen(x: Decimal, rule: Rounding) -> None:
    assert abs(round_fen(x, rule) - x) < 1


@given(exact_decimals)
def test_down_never_increases_the_magnitude(x: Decimal) -> None:
    assert abs(round_fen(x, Rounding.DOWN)) <= abs(x)


@given(exact_decimals)
def test_up_never_decreases_the_magnitude(x: Decimal) -> None:
    assert abs(round_fen(x, Rounding.UP)) >= abs(x)


@given(exact_decimals, st.sampled_from(Rounding))
def test_every_rule_is_symmetric_about_zero(x: Decimal, rule: Rounding) -> None:
    assert round_fen(-x, rule) == -round_fen(x, rule)


@given(exact_decimals)
def test_half_rules_differ_only_on_exact_halves(x: Decimal) -> None:
    if round_fen(x, Rounding.HALF_UP) != round_fen(x, Rounding.HALF_EVEN):
        assert abs(x) % 1 == Decimal("0.5")
        assert round_fen(x, Rounding.HALF_EVEN) % 2 == 0


@given(st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from(Rounding))
def test_whole_numbers_are_unchanged(n: int, rule: Rounding) -> None:
    assert round_fen(Decimal(n), rule) == n


@pytest.mark.parametrize(
    "value",
    [
        Decimal("NaN"),
        Decimal("-NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        12,
        12.5,
        "12.5",
        None,
    ],
)
def test_round_fen_refuses_what_is_not_a_finite_decimal(value: object) -> None:
    with pytest.raises(InvalidInput) as exc:
        round_fen(value)  # type: ignore[arg-type]
    assert code_of(exc) == "money.rounding"


def test_rounding_rules_are_named_by_their_codes() -> None:
    assert {r.value for r in Rounding} == {"half_up", "half_even", "down", "up"}
    assert Rounding("half_even") is Rounding.HALF_EVEN
    assert Rounding.HALF_UP.decimal_mode == "ROUND_HALF_UP"
    assert Rounding.DOWN.decimal_mode == "ROUND_DOWN"


# --- rates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.0005", Decimal("0.0005")),
        ("0.18", Decimal("0.18")),
        ("-0.01", Decimal("-0.01")),
        ("1", Decimal(1)),
        (5, Decimal(5)),
        (0, Decimal(0)),
        (Decimal("0.035"), Decimal("0.035")),
    ],
)
def test_rate_is_exact(value: str | int | Decimal, expected: Decimal) -> None:
    result = rate(value)
    assert isinstance(result, Decimal)
    assert result == expected
    assert str(result) == str(expected)  # the digits kept, not merely an equal value


def test_rate_keeps_digits_a_float_would_lose() -> None:
    assert rate("0.1") * 3 == Decimal("0.3")
    assert rate("0.1") != Decimal(0.1)  # noqa: RUF032 - the float is the point


@pytest.mark.parametrize("value", [0.1, 0.0005, 1.0, float("nan")])
def test_rate_refuses_float(value: float) -> None:
    with pytest.raises(InvalidInput) as exc:
        rate(value)  # type: ignore[arg-type]
    assert code_of(exc) == "rate.float"


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "",
        "1.2.3",
        "5%",
        "0,5",
        "NaN",
        "sNaN",
        "Infinity",
        "-inf",
        Decimal("NaN"),
        Decimal("Infinity"),
    ],
)
def test_rate_refuses_junk(value: str | Decimal) -> None:
    with pytest.raises(InvalidInput) as exc:
        rate(value)
    assert code_of(exc) == "rate.syntax"
    assert exc.value.status == 422
