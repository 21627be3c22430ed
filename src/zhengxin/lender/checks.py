"""Input checks shared by the lender's services: each raises a ZhengxinError with a code."""

from __future__ import annotations

from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.money import Money

MAX_NAME = 30


def check_amount(amount: Money, currency: str, what: str) -> None:
    if not isinstance(amount, Money):
        raise InvalidInput("money.type", f"the {what} must be Money, not {type(amount).__name__}")
    if amount.currency != currency:
        raise InvalidInput(
            "money.currency", f"the {what} is in {amount.currency} but the line is in {currency}"
        )
    if amount.fen <= 0:
        raise InvalidInput("money.not_positive", f"the {what} must be positive; got {amount}")


def check_name(name: str) -> str:
    clean = (name or "").strip()
    if not clean or len(clean) > MAX_NAME:
        raise InvalidInput(
            "subject.name", f"a name must have 1-{MAX_NAME} characters; got {name!r}"
        )
    return clean
