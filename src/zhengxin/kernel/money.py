"""Money as an integer number of fen (分), and the one way to round into fen.

Amounts never pass through ``float``. A :class:`Money` holds whole fen and a currency code;
rates and fractions are :class:`~decimal.Decimal` built with :func:`rate`; the only way from a
``Decimal`` amount back to fen is :func:`round_fen`, with a named :class:`Rounding` rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    InvalidOperation,
    localcontext,
)
from enum import StrEnum
from typing import Self

from zhengxin.kernel.errors import InvalidInput

FEN_PER_YUAN = 100
_YUAN_TEXT = re.compile(r"^([+-]?)(\d{1,15})(?:\.(\d{1,2}))?$")


class Rounding(StrEnum):
    """Named rounding rules; each maps to one :mod:`decimal` mode."""

    HALF_UP = "half_up"
    """四舍五入: halves go away from zero. The default for amounts a person sees."""
    HALF_EVEN = "half_even"
    """Banker's rounding: halves go to the even neighbour."""
    DOWN = "down"
    """Truncate toward zero (never charge more than accrued)."""
    UP = "up"
    """Away from zero (never report less than is owed)."""

    @property
    def decimal_mode(self) -> str:
        return _MODES[self]


_MODES = {
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.HALF_EVEN: ROUND_HALF_EVEN,
    Rounding.DOWN: ROUND_DOWN,
    Rounding.UP: ROUND_UP,
}


def rate(text: str | int | Decimal) -> Decimal:
    """Build a rate or fraction exactly: ``rate("0.0005")`` is 0.05 % a day.

    Floats are refused because they cannot hold most decimal fractions exactly.

    >>> rate("0.0005")
    Decimal('0.0005')
    """
    if isinstance(text, float):
        raise InvalidInput("rate.float", "rates are built from text or Decimal, never float")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput("rate.syntax", f"not a decimal number: {text!r}") from exc
    if not value.is_finite():
        raise InvalidInput("rate.syntax", f"not a finite decimal number: {text!r}")
    return value


def round_fen(amount_in_fen: Decimal, rule: Rounding = Rounding.HALF_UP) -> int:
    """Round an exact amount expressed in fen to whole fen by ``rule``.

    This is the only place a fractional amount becomes money.

    >>> round_fen(Decimal("12.5")), round_fen(Decimal("12.5"), Rounding.HALF_EVEN)
    (13, 12)
    >>> round_fen(Decimal("-0.5")), round_fen(Decimal("0.01"), Rounding.UP)
    (-1, 1)
    """
    if not isinstance(amount_in_fen, Decimal) or not amount_in_fen.is_finite():
        raise InvalidInput("money.rounding", f"cannot round {amount_in_fen!r} to fen")
    with localcontext() as ctx:
        # quantize fails outright when the whole number has more digits than the precision
        ctx.prec = max(ctx.prec, amount_in_fen.adjusted() + 2)
        return int(amount_in_fen.quantize(Decimal(1), rounding=rule.decimal_mode))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money in whole fen (1 yuan = 100 fen) of one currency.

    >>> a = Money.yuan("1234.56")
    >>> a.fen, str(a), str(a + Money(44))
    (123456, '¥1,234.56', '¥1,235.00')
    >>> (Money(250) * rate("0.0005")).fen    # 0.125 fen rounds half up to 0
    0
    """

    fen: int
    currency: str = "CNY"

    def __post_init__(self) -> None:
        if type(self.fen) is not int:
            raise InvalidInput(
                "money.type", f"fen must be a whole number; got {type(self.fen).__name__}"
            )
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise InvalidInput(
                "money.currency", f"currency must be a 3-letter ISO code; got {self.currency!r}"
            )

    @classmethod
    def zero(cls, currency: str = "CNY") -> Self:
        return cls(0, currency)

    @classmethod
    def yuan(cls, text: str | int, currency: str = "CNY") -> Self:
        """Parse an amount in yuan written with at most two decimals: ``"12.30"``, ``"-5"``."""
        if isinstance(text, float):
            raise InvalidInput(
                "money.type", f"amounts are text or whole yuan, never float: {text!r}"
            )
        if isinstance(text, int) and not isinstance(text, bool):
            return cls(text * FEN_PER_YUAN, currency)
        match = _YUAN_TEXT.match(str(text).strip().replace(",", ""))
        if match is None:
            raise InvalidInput(
                "money.syntax",
                f"not an amount in yuan with at most two decimals: {text!r}",
            )
        sign, whole, frac = match.groups()
        fen = int(whole) * FEN_PER_YUAN + int((frac or "0").ljust(2, "0"))
        return cls(-fen if sign == "-" else fen, currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise InvalidInput(
                "money.currency_mismatch",
                f"cannot combine {self.currency} with {other.currency}",
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.fen + other.fen, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.fen - other.fen, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.fen, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.fen), self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        """Multiply by a whole number exactly, or by a Decimal rounding half up."""
        return self.times(factor)

    __rmul__ = __mul__

    def times(self, factor: int | Decimal, rule: Rounding = Rounding.HALF_UP) -> Money:
        """Multiply by ``factor``; a fractional result is rounded to fen by ``rule``."""
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            raise TypeError(f"Money can be multiplied by int or Decimal, not {type(factor)}")
        if isinstance(factor, int):
            return Money(self.fen * factor, self.currency)
        with localcontext() as ctx:
            # exact product, so that ``rule`` is the only rounding (no context rounding first)
            ctx.prec = len(str(abs(self.fen))) + len(factor.as_tuple().digits)
            product = Decimal(self.fen) * factor
        return Money(round_fen(product, rule), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.fen < other.fen

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.fen <= other.fen

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.fen > other.fen

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.fen >= other.fen

    def __bool__(self) -> bool:
        return self.fen != 0

    @property
    def is_negative(self) -> bool:
        return self.fen < 0

    def whole_yuan(self, rule: Rounding = Rounding.HALF_UP) -> int:
        """The amount in whole yuan, rounded by ``rule`` (the interface reports whole yuan)."""
        return round_fen(Decimal(self.fen) / FEN_PER_YUAN, rule)

    def format(self) -> str:
        """Render as a person reads it: ``¥1,234.56``, ``-¥0.05``; other currencies by code."""
        sign = "-" if self.fen < 0 else ""
        whole, frac = divmod(abs(self.fen), FEN_PER_YUAN)
        symbol = "¥" if self.currency == "CNY" else f"{self.currency} "
        return f"{sign}{symbol}{whole:,}.{frac:02d}"

    def __str__(self) -> str:
        return self.format()


def total(amounts: list[Money] | tuple[Money, ...], currency: str = "CNY") -> Money:
    """Sum amounts of one currency; the empty sum is zero."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
