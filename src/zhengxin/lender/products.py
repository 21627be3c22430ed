"""Product definitions: every commercial term of a line or loan lives here, never in code.

Products are data: :meth:`ProductCatalog.from_file` loads them from TOML, and the lender ships
its defaults in ``products.toml`` beside this module. Terms marked *unconfirmed* in
``law-and-products.md`` are parameters with that default.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zhengxin.codes import (
    AccountType,
    BusinessDetail,
    BusinessLine,
    GuaranteeMode,
    RepaymentFrequency,
    RepaymentMode,
)
from zhengxin.kernel.errors import InvalidInput, NotFound
from zhengxin.lender.books import FEE, INSTALMENT, INTEREST, PENALTY, PRINCIPAL, AllocationOrder


class InterestMethod(StrEnum):
    """How revolving interest is charged when a bill is not paid in full by its due date."""

    UNPAID_FROM_BILL_DAY = "unpaid_from_bill_day"
    """Daily interest on the part of the billed principal still unpaid each day, from the bill
    day on (the default)."""
    FULL_FROM_BILL_DAY = "full_from_bill_day"
    """Daily interest on the whole billed principal from the bill day until the due date, then
    on the unpaid part (the stricter card practice)."""


class ClosurePolicy(StrEnum):
    REFUSE = "refuse"
    """A request to close with a balance is refused with a clear error."""
    QUEUE = "queue"
    """A request to close with a balance is queued; the line closes at the day-end of payoff."""


_BOOK_NAMES = {PENALTY, FEE, INTEREST, INSTALMENT, PRINCIPAL}


class RevolvingProduct(BaseModel):
    """A Huabei-like revolving consumer credit line (R1 循环贷账户, business line 91)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="the product's code, stored on every account")
    name: str
    account_type: AccountType = AccountType.R1
    business_line: BusinessLine = BusinessLine.LOAN
    business_detail: BusinessDetail = BusinessDetail.OTHER_CONSUMER
    currency: str = "CNY"
    bill_day: int = Field(default=1, description="day of month the statement is cut")
    due_day: int = Field(default=10, description="day of month the statement falls due")
    minimum_rate: Decimal = Field(
        default=Decimal("0.10"),
        description="share of the bill's principal in the minimum (10 %, unconfirmed); "
        "interest, fees and instalment parts due are added in full",
    )
    revolving_daily_rate: Decimal = Field(
        default=Decimal("0.0005"), description="daily rate on revolved principal (0.05 %)"
    )
    overdue_daily_rate: Decimal = Field(
        default=Decimal("0.0005"), description="daily rate on amounts past due (0.05 %)"
    )
    late_fee_rate: Decimal = Field(
        default=Decimal(0), description="违约金 as a share of a missed minimum (default none)"
    )
    interest_method: InterestMethod = InterestMethod.UNPAID_FROM_BILL_DAY
    bill_instalment_fees: dict[int, Decimal] = Field(
        default_factory=lambda: {
            3: Decimal("0.025"),
            6: Decimal("0.045"),
            9: Decimal("0.065"),
            12: Decimal("0.088"),
        },
        description="total fee rate of a bill instalment by number of periods (unconfirmed)",
    )
    merchant_instalment_fees: dict[int, Decimal] = Field(
        default_factory=lambda: {
            3: Decimal("0.025"),
            6: Decimal("0.045"),
            12: Decimal("0.088"),
        },
        description="total fee rate of a merchant instalment by number of periods",
    )
    allocation_order: tuple[str, ...] = Field(
        default=(PENALTY, FEE, INTEREST, INSTALMENT, PRINCIPAL),
        description="books a payment settles, in order, within each tier (overdue first)",
    )
    hold_days: int = Field(default=7, description="days an authorization hold lives")
    write_off_after_days: int = Field(default=180, description="days past due before 核销")
    adverse_notice_days: int = Field(
        default=0,
        ge=0,
        le=60,
        description="days the art. 15 notice must precede a record with adverse information "
        "(0: any time before it); loans under the line follow the line's product",
    )
    closure_policy: ClosurePolicy = ClosurePolicy.REFUSE
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

    @field_validator("revolving_daily_rate", "overdue_daily_rate", "late_fee_rate")
    @classmethod
    def _small_rate(cls, value: Decimal) -> Decimal:
        if not Decimal(0) <= value < Decimal("0.01"):
            raise ValueError(f"a daily rate must be in [0, 0.01); got {value}")
        return value

    @field_validator("allocation_order")
    @classmethod
    def _books(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if set(value) != _BOOK_NAMES or len(value) != len(_BOOK_NAMES):
            raise ValueError(f"allocation_order must name each of {sorted(_BOOK_NAMES)} once")
        return value

    @property
    def allocation(self) -> AllocationOrder:
        return AllocationOrder(books=self.allocation_order)


class CashLoanProduct(BaseModel):
    """A Jiebei-like cash loan drawn under a line's cash limit (R4 循环额度下分账户)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    account_type: AccountType = AccountType.R4
    daily_rate: Decimal = Field(default=Decimal("0.0004"), description="contract daily rate")
    periods: tuple[int, ...] = (6, 12)
    methods: tuple[RepaymentMode, ...] = (
        RepaymentMode.EQUAL_INSTALMENTS,
        RepaymentMode.INTEREST_PERIODIC_PRINCIPAL_AT_END,
    )
    overdue_multiplier: Decimal = Field(
        default=Decimal("1.5"), description="overdue rate = contract rate × this (unconfirmed)"
    )
    days_per_month: int = Field(default=30, description="month length in the annuity formula")

    @field_validator("daily_rate")
    @classmethod
    def _small_rate(cls, value: Decimal) -> Decimal:
        if not Decimal(0) <= value < Decimal("0.01"):
            raise ValueError(f"a daily rate must be in [0, 0.01); got {value}")
        return value


class ProductCatalog:
    """The products a lender sells, looked up by code."""

    def __init__(
        self,
        lines: list[RevolvingProduct] | None = None,
        loans: list[CashLoanProduct] | None = None,
    ) -> None:
        if lines is None and loans is None:
            lines, loans = _read(DEFAULT_FILE)
        self._lines: dict[str, RevolvingProduct] = {p.code: p for p in lines or []}
        self._loans: dict[str, CashLoanProduct] = {p.code: p for p in loans or []}

    @classmethod
    def from_file(cls, path: Path | Any) -> ProductCatalog:
        """Load ``[[line]]`` and ``[[loan]]`` tables from a TOML file."""
        return cls(*_read(path))

    def get(self, code: str) -> RevolvingProduct:
        try:
            return self._lines[code]
        except KeyError:
            raise NotFound(
                "product.unknown",
                f"no line product {code!r}; known: {', '.join(sorted(self._lines))}",
            ) from None

    def loan(self, code: str) -> CashLoanProduct:
        try:
            return self._loans[code]
        except KeyError:
            raise NotFound(
                "product.unknown",
                f"no loan product {code!r}; known: {', '.join(sorted(self._loans))}",
            ) from None


def _read(path: Path | Any) -> tuple[list[RevolvingProduct], list[CashLoanProduct]]:
    try:
        data = tomllib.loads(Path(str(path)).read_text(encoding="utf-8"))
        lines = [RevolvingProduct(**item) for item in data.get("line", [])]
        loans = [CashLoanProduct(**item) for item in data.get("loan", [])]
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput("product.file", f"cannot read products from {path}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput("product.invalid", f"{path}: {where}: {first['msg']}") from exc
    return lines, loans


DEFAULT_FILE = importlib.resources.files("zhengxin.lender") / "products.toml"
