"""Stories of one revolving line, checked to the fen and to the status code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.lender.conftest import ZHANG_SAN, Lender
from zhengxin.codes import AccountStatus, FiveCategory, RepaymentStatus
from zhengxin.kernel.clock import FixedClock
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.money import Money
from zhengxin.lender.products import ProductCatalog

Y = Money.yuan


def open_line(lender: Lender, day: date, limit: str = "5000") -> str:
    lender.on(day)
    with lender.service() as s:
        return s.open_line(ZHANG_SAN, "张三", Y(limit)).account_code


def facts(lender: Lender, code: str, month: date):  # type: ignore[no-untyped-def]
    with lender.service() as s:
        return s.month_facts(s.line(code), month)


def test_a_full_payer_pays_no_interest_and_shows_N(lender: Lender) -> None:
    # opened 2025-01-03, limit ¥5,000; spent ¥1,200.50 on 01-15; bill 02-01; paid in full 02-08
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 15)).service() as s:
        s.purchase(code, Y("1200.50"))
    with lender.on(date(2025, 2, 1)).service() as s:
        line = s.line(code)
        (bill,) = s.repo.statements(line.id)
        assert (bill.balance_fen, bill.minimum_fen, bill.past_due_fen) == (120050, 12005, 0)
        assert bill.due_date == date(2025, 2, 10)
    with lender.on(date(2025, 2, 8)).service() as s:
        s.repay(code, Y("1200.50"))
    january = facts(lender.on(date(2025, 2, 28)), code, date(2025, 1, 1))
    assert january.repayment_status is RepaymentStatus.PAID_AS_AGREED  # spent, nothing due yet
    february = facts(lender, code, date(2025, 2, 1))
    assert february.repayment_status is RepaymentStatus.PAID_AS_AGREED
    assert february.balance_fen == 0
    assert february.due_this_month_fen == 12005
    assert february.repaid_this_month_fen == 120050
    assert february.last_repayment_on == date(2025, 2, 8)
    assert february.settlement_date == date(2025, 2, 10)


def test_a_line_never_used_shows_star(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    lender.on(date(2025, 3, 31))
    for month in (date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)):
        f = facts(lender, code, month)
        assert f.repayment_status is RepaymentStatus.NOTHING_DUE
        assert f.account_status is AccountStatus.NORMAL
        assert f.last_repayment_on == date(2025, 1, 3)  # no repayment yet: the open date


def test_missed_minimums_climb_the_overdue_bands_and_the_catch_up_shows_M(
    lender: Lender,
) -> None:
    # spent ¥1,000 on 01-10; the minimums of 02-10, 03-10 and 04-10 are never paid
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.purchase(code, Y(1000))
    feb = facts(lender.on(date(2025, 2, 28)), code, date(2025, 2, 1))
    # bill 02-01: ¥1,000, minimum ¥100, due 02-10; on 02-28 it is 18 days past due
    assert feb.repayment_status is RepaymentStatus.OVERDUE_1_30
    assert feb.account_status is AccountStatus.OVERDUE
    assert (feb.past_due_fen, feb.overdue_periods) == (10000, 1)
    assert feb.five_category is FiveCategory.SPECIAL_MENTION
    assert feb.five_category_since == date(2025, 2, 11)

    mar = facts(lender.on(date(2025, 3, 31)), code, date(2025, 3, 1))
    # bill 03-01: interest 02-01..02-28 on ¥1,000 unpaid = 28 × ¥0.50 = ¥14.00; the minimum is
    # 10 % of the principal not already past due (¥900 → ¥90) plus the interest, ¥104; with the
    # ¥100 past due, ¥204 is due on 03-10
    assert mar.due_this_month_fen == 10000 + 9000 + 1400
    assert mar.balance_fen == 100000 + 1400
    assert mar.repayment_status is RepaymentStatus.OVERDUE_31_60  # 02-10 → 03-31 is 49 days
    assert (mar.past_due_fen, mar.overdue_periods) == (20400, 2)
    assert mar.overdue_31_60_fen == 10000

    apr = facts(lender.on(date(2025, 4, 30)), code, date(2025, 4, 1))
    # bill 04-01: interest 03-01..03-31 = 31 × ¥0.50 = ¥15.50; minimum 10 % of
    # (¥1,000 − ¥204 past due) = ¥79.60 plus ¥15.50 = ¥95.10
    assert apr.balance_fen == 100000 + 1400 + 1550
    assert apr.due_this_month_fen == 20400 + 7960 + 1550
    assert apr.repayment_status is RepaymentStatus.OVERDUE_61_90  # 79 days
    assert apr.overdue_61_90_fen == 10000 and apr.overdue_31_60_fen == 10400

    # bill 05-01 adds April's interest, 30 × ¥0.50 = ¥15.00; 05-10 is due again; everything
    # owed is repaid on 05-20, after the due date but within the month
    with lender.on(date(2025, 5, 20)).service() as s:
        owed = s.owed(s.line(code))
        assert owed == Y("1044.50")
        s.repay(code, owed)
    may = facts(lender.on(date(2025, 5, 31)), code, date(2025, 5, 1))
    assert may.repayment_status is RepaymentStatus.PAID_LATE_IN_MONTH
    assert may.account_status is AccountStatus.NORMAL
    assert (may.past_due_fen, may.balance_fen) == (0, 0)
    assert may.five_category is FiveCategory.PASS
    assert may.five_category_since == date(2025, 5, 20)
    # bill 06-01 still charges May's interest: 05-01..05-19 on ¥1,000 = 19 × ¥0.50
    with lender.on(date(2025, 6, 1)).service() as s:
        assert s.owed(s.line(code)) == Y("9.50")


def test_closing_needs_a_zero_balance_and_then_shows_C(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.purchase(code, Y(300))
    with pytest.raises(ZhengxinError) as refused, lender.service() as s:
        s.close_line(code)
    assert refused.value.code == "line.balance_owed"
    with lender.on(date(2025, 2, 5)).service() as s:
        s.repay(code, Y(300))
        s.close_line(code)
    feb = facts(lender.on(date(2025, 2, 28)), code, date(2025, 2, 1))
    assert feb.repayment_status is RepaymentStatus.CLOSED
    assert feb.account_status is AccountStatus.CLOSED
    assert feb.closed_on == date(2025, 2, 5)
    assert feb.as_of == date(2025, 2, 5)


def test_the_same_idempotency_key_moves_money_once(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 5)).service() as s:
        first = s.purchase(code, Y(50), key="order-1")
        again = s.purchase(code, Y(50), key="order-1")
        assert first.id == again.id
        assert s.owed(s.line(code)) == Y(50)
    with pytest.raises(ZhengxinError) as conflict, lender.service() as s:
        s.purchase(code, Y(60), key="order-1")
    assert conflict.value.code == "posting.key_reused"


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (lambda s, c: s.purchase(c, Y(-5)), "money.not_positive"),
        (lambda s, c: s.purchase(c, Money(0)), "money.not_positive"),
        (lambda s, c: s.purchase(c, Money(500, "USD")), "money.currency"),
        (lambda s, c: s.purchase(c, Y(5001)), "line.insufficient_limit"),
        (lambda s, c: s.purchase("Q10152900H0001R19999999999", Y(5)), "line.unknown"),
        (lambda s, c: s.repay(c, Y(1)), "repayment.exceeds_balance"),
        (lambda s, c: s.open_line("110105199003071238", "张三", Y(100)), "id.check_digit"),
        (lambda s, c: s.open_line("11010519900307123", "张三", Y(100)), "id.length"),
        (lambda s, c: s.open_line(ZHANG_SAN, "", Y(100)), "subject.name"),
        (lambda s, c: s.open_line(ZHANG_SAN, "李四", Y(100)), "subject.name_mismatch"),
        (lambda s, c: s.open_line(ZHANG_SAN, "张三", Y(0)), "money.not_positive"),
        (lambda s, c: s.open_line(ZHANG_SAN, "张三", Y(100), "NOPE"), "product.unknown"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_writes_nothing(
    lender: Lender, action, code: str
) -> None:  # type: ignore[no-untyped-def]
    account = open_line(lender, date(2025, 1, 3))
    before = lender.row_counts()
    with pytest.raises(ZhengxinError) as err, lender.service() as s:
        action(s, account)
    assert err.value.code == code
    assert err.value.message
    assert lender.row_counts() == before


def test_a_closed_line_takes_no_more_spending(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    with lender.service() as s:
        s.close_line(code)
    before = lender.row_counts()
    with pytest.raises(ZhengxinError) as err, lender.service() as s:
        s.purchase(code, Y(5))
    assert err.value.code == "line.closed"
    assert lender.row_counts() == before


def test_nothing_can_be_dated_before_the_line_opened(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 10))
    before = lender.row_counts()
    earlier = Lender(lender.engine, FixedClock.on(date(2025, 1, 5)))
    for attempt in (
        lambda s: s.purchase(code, Y(5)),
        lambda s: s.authorize(code, Y(5)),
        lambda s: s.repay(code, Y(5)),
        lambda s: s.refund(code, Y(5)),
    ):
        with pytest.raises(ZhengxinError) as err, earlier.service() as s:
            attempt(s)
        assert err.value.code in ("date.before_opening", "repayment.exceeds_balance")
    with pytest.raises(ZhengxinError) as err, earlier.service() as s:
        s.purchase(code, Y(5))
    assert err.value.code == "date.before_opening"
    assert lender.row_counts() == before


def test_a_product_file_with_a_due_day_outside_1_to_28_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "products.toml"
    bad.write_text('[[line]]\ncode = "X1"\nname = "bad"\ndue_day = 31\n', encoding="utf-8")
    with pytest.raises(ZhengxinError) as err:
        ProductCatalog.from_file(bad)
    assert err.value.code == "product.invalid"
    assert "due_day" in err.value.message
    missing = tmp_path / "nope.toml"
    with pytest.raises(ZhengxinError) as err:
        ProductCatalog.from_file(missing)
    assert err.value.code == "product.file"
