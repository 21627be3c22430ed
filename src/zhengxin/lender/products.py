"""Product definitions: every commercial term of a line lives here, never in code.

Terms marked *unconfirmed* in ``law-and-products.md`` are parameters with that default.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhengxin.codes import (
    AccountType,
    BusinessDetail,
    BusinessLine,
    GuaranteeMode,
    RepaymentFrequency,
    RepaymentMode,
)
from zhengxin.kernel.errors import InvalidInput, NotFound


class RevolvingProduct(BaseModel):
    """A Huabei-like revolving consumer credit line (R1 循环贷账户, business line 91)."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="the product's code, stored on every account")
    name: str
    account_type: AccountType = AccountType.R1
    business_line: BusinessLine = BusinessLine.LOAN
    business_detail: BusinessDetail = BusinessDetail.OTHER_CONSUMER
    currency: str = "CNY"
    bill_day: int = Field(default=1, description="day of month the statement is cut (1st)")
    due_day: int = Field(default=10, description="day of month the statement falls due (10th)")
    minimum_rate: Decimal = Field(
        default=Decimal("0.10"),
        description="share of the statement balance due as the minimum (10 %, unconfirmed)",
    )
    line_term_months: int = Field(
        default=36, description="months from opening to the line's reported expiry (DueDate)"
    )
    repay_mode: RepaymentMode = RepaymentMode.REVOLVING_PERIODIC
    repay_frequency: RepaymentFrequency = RepaymentFrequency.MONTHLY
    guarantee_mode: GuaranteeMode = GuaranteeMode.UNSECURED

    @field_validator("bill_day", "due_day")
    @classmethod
    def _day_in_month(cls, day: int) -> int:
        if not 1 <= day <= 28:
            raise ValueError(f"a bill or due day must be 1-28 so every month has it; got {day}")
        return day

    @field_validator("minimum_rate")
    @classmethod
    def _fraction(cls, value: Decimal) -> Decimal:
        if not Decimal(0) < value <= Decimal(1):
            raise ValueError(f"minimum_rate must be in (0, 1]; got {value}")
        return value


HUABEI = RevolvingProduct(code="HB01", name="花呗 revolving consumer credit")


class ProductCatalog:
    """The products a lender sells, looked up by code."""

    def __init__(self, products: list[RevolvingProduct] | None = None) -> None:
        self._products = {p.code: p for p in (products or [HUABEI])}

    def get(self, code: str) -> RevolvingProduct:
        try:
            return self._products[code]
        except KeyError:
            raise NotFound(
                "product.unknown",
                f"no product {code!r}; known products: {', '.join(sorted(self._products))}",
            ) from None

    def add(self, product: RevolvingProduct) -> None:
        if product.code in self._products:
            raise InvalidInput("product.duplicate", f"product {product.code} is already defined")
        self._products[product.code] = product
