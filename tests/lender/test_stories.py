"""The lender's stories, each checked to the fen against a hand calculation in the test.

Terms are the default products (``products.toml``): bill day 1st, due 10th, minimum 10 % of
principal plus interest and fees in full, revolving and overdue rates 0.05 % a day; cash
loans at 0.04 % a day, overdue at 1.5 times that.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.lender.conftest import ZHANG_SAN, Lender
from zhengxin.codes import AccountStatus, RepaymentMode, RepaymentStatus
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.kernel.money import Money
from zhengxin.lender.books import WRITTEN_OFF

Y = Money.yuan


def open_line(lender: Lender, day: date, limit: str = "5000", cash: str | None = None) -> str:
    lender.on(day)
    with lender.service() as s:
        cash_limit = Y(cash) if cash else None
        return s.open_line(ZHANG_SAN, "张三", Y(limit), cash_limit=cash_limit).account_code


def status(lender: Lender, code: str, month: date) -> RepaymentStatus:
    with lender.service() as s:
        return s.month_facts(s.line(code), month).repayment_status


def test_a_minimum_payer_over_three_months(lender: Lender) -> None:
    # spent ¥2,000 on 01-15; pays exactly the minimum on each due date
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 15)).service() as s:
        s.purchase(code, Y(2000))
    with lender.on(date(2025, 2, 10)).service() as s:
        (feb,) = s.repo.statements(s.line(code).id)
        # bill 02-01: ¥2,000, minimum 10 % = ¥200, no interest on a first bill
        assert (feb.balance_fen, feb.minimum_fen, feb.interest_fen) == (200000, 20000, 0)
        s.repay(code, Y(200))
    with lender.on(date(2025, 3, 10)).service() as s:
        mar = s.repo.statements(s.line(code).id)[-1]
        # interest 02-01..02-09 on ¥2,000 = 9 × ¥1.00 = ¥9.00; 02-10..02-28 on ¥1,800
        # = 19 × ¥0.90 = ¥17.10; total ¥26.10. Minimum = 10 % × ¥1,800 + ¥26.10 = ¥206.10
        assert mar.interest_fen == 2610
        assert mar.balance_fen == 180000 + 2610
        assert mar.minimum_fen == 18000 + 2610
        s.repay(code, Y("206.10"))  # settles the interest first, then ¥180 of principal
    with lender.on(date(2025, 4, 10)).service() as s:
        apr = s.repo.statements(s.line(code).id)[-1]
        # interest 03-01..03-09 on ¥1,800 = 9 × ¥0.90 = ¥8.10; 03-10..03-31 on ¥1,620
        # = 22 × ¥0.81 = ¥17.82; total ¥25.92. Minimum = ¥162.00 + ¥25.92 = ¥187.92
        assert apr.interest_fen == 2592
        assert apr.balance_fen == 162000 + 2592
        assert apr.minimum_fen == 16200 + 2592
        s.repay(code, Y("187.92"))
        assert s.owed(s.line(code)) == Y("1458.00")  # ¥1,620 − ¥162 of principal
    lender.on(date(2025, 4, 30))
    for month in (2, 3, 4):
        assert status(lender, code, date(2025, month, 1)) is RepaymentStatus.PAID_AS_AGREED


def test_a_bill_spread_over_three_instalments(lender: Lender) -> None:
    # spent ¥1,200 on 01-15; the 02-01 bill is spread over 3 months on 02-05 (fee 2.5 %)
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 15)).service() as s:
        s.purchase(code, Y(1200))
    with lender.on(date(2025, 2, 5)).service() as s:
        plan = s.instalment_bill(code, 3)
        # fee ¥1,200 × 2.5 % = ¥30, ¥10 a month; principal ¥400 a month
        assert (plan.principal_fen, plan.fee_fen, plan.periods_billed) == (120000, 3000, 1)
        bill = s.repo.statements(s.line(code).id)[-1]
        # the minimum is restated: ¥120 (10 % of the principal) gives way to ¥400 + ¥10
        assert bill.minimum_fen == 41000
        assert s.owed(s.line(code)) == Y(1210)  # ¥1,200 + the first ¥10 of fee
    with lender.on(date(2025, 2, 10)).service() as s:
        s.repay(code, Y(410))
    with lender.on(date(2025, 3, 1)).service() as s:
        mar = s.repo.statements(s.line(code).id)[-1]
        # no interest: the restated bill was paid in full; part 2 = ¥400 + ¥10
        assert (mar.interest_fen, mar.instalment_fen, mar.fee_fen) == (0, 40000, 1000)
        assert mar.minimum_fen == 41000
    with lender.on(date(2025, 3, 10)).service() as s:
        s.repay(code, Y(410))
    with lender.on(date(2025, 4, 10)).service() as s:
        s.repay(code, Y(410))
        line = s.line(code)
        assert s.owed(line) == Money(0)
        assert line.used_fen == 0
    with lender.on(date(2025, 5, 1)).service() as s:
        assert len(s.repo.statements(s.line(code).id)) == 3  # nothing owed: no fourth bill
    for month in (2, 3, 4):
        assert status(lender, code, date(2025, month, 1)) is RepaymentStatus.PAID_AS_AGREED
    with pytest.raises(ZhengxinError) as err, lender.service() as s:
        s.instalment_bill(code, 4)
    assert err.value.code == "instalment.periods"


# A ¥10,000 loan at 0.04 %/day over 12 months, equal instalments (mode 11), drawn 01-15:
# r = 0.04 % × 30 = 1.2 % a month; A = 10000 × 0.012 × 1.012^12 / (1.012^12 − 1) = ¥899.75.
# Period 1 (02-15): interest ¥10,000 × 1.2 % = ¥120.00, principal ¥779.75.
# Period 2 (03-15): interest ¥9,220.25 × 1.2 % = ¥110.64, principal ¥789.11.
# After two periods ¥8,431.14 of principal is outstanding.


def draw(lender: Lender) -> tuple[str, str]:
    code = open_line(lender, date(2025, 1, 10), cash="20000")
    with lender.on(date(2025, 1, 15)).service() as s:
        loan = s.draw_loan(code, Y(10000), 12, RepaymentMode.EQUAL_INSTALMENTS)
        return code, loan.account_code


def test_a_cash_loan_repaid_on_time(lender: Lender) -> None:
    _, loan_code = draw(lender)
    with lender.on(date(2025, 2, 15)).service() as s:
        s.repay_loan(loan_code, Y("899.75"))
    with lender.on(date(2025, 3, 15)).service() as s:
        s.repay_loan(loan_code, Y("899.75"))
        loan = s.repo.loan_by_code(loan_code)
        assert loan is not None
        assert s.owed(s.repo.line_by_id(loan.line_id), loan.id) == Y("8431.14")
        feb = s.loan_facts(loan, date(2025, 2, 1))
        assert feb.repayment_status is RepaymentStatus.PAID_AS_AGREED
        assert feb.remaining_periods == 11
    # every later period, on its due date; the last one pays the rounding left over
    day = date(2025, 4, 15)
    for _ in range(9):
        with lender.on(day).service() as s:
            s.repay_loan(loan_code, Y("899.75"))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 15)
    with lender.on(date(2026, 1, 15)).service() as s:
        loan = s.repo.loan_by_code(loan_code)
        assert loan is not None
        last = s.owed(s.repo.line_by_id(loan.line_id), loan.id)
        assert last == Y("899.80")  # ¥889.13 principal + ¥10.67 interest
        s.repay_loan(loan_code, last)
        assert loan.settled_on == date(2026, 1, 15)
        total_interest = (
            sum(e.amount_fen for e in s.repo.entries(loan.line_id, ("loan_period",)))
            - loan.principal_fen
        )
        assert total_interest == 79705  # ¥797.05 over the year


def test_a_cash_loan_paid_off_early(lender: Lender) -> None:
    _, loan_code = draw(lender)
    with lender.on(date(2025, 2, 15)).service() as s:
        s.repay_loan(loan_code, Y("899.75"))
    with lender.on(date(2025, 3, 15)).service() as s:
        s.repay_loan(loan_code, Y("899.75"))
    with lender.on(date(2025, 4, 1)).service() as s:
        # ¥8,431.14 outstanding + 17 days (03-15..03-31) × 0.04 % = ¥57.33
        quote = s.payoff_quote(loan_code)
        assert quote == Y("8488.47")
        with pytest.raises(ZhengxinError) as err:
            s.repay_loan(loan_code, Y(5000))
        assert err.value.code == "loan.partial_prepayment"
    with lender.service() as s:
        s.repay_loan(loan_code, Y("8488.47"))
        loan = s.repo.loan_by_code(loan_code)
        assert loan is not None and loan.settled_on == date(2025, 4, 1)
        assert s.owed(s.repo.line_by_id(loan.line_id), loan.id) == Money(0)
    with lender.on(date(2025, 6, 30)).service() as s:
        loan = s.repo.loan_by_code(loan_code)
        assert loan is not None
        # the payoff ends the schedule: no later period falls due or goes overdue
        assert s.loan_facts(loan, date(2025, 4, 1)).repayment_status is RepaymentStatus.CLOSED


def test_a_cash_loan_repaid_late(lender: Lender) -> None:
    _, loan_code = draw(lender)
    with lender.on(date(2025, 2, 28)).service() as s:
        loan = s.repo.loan_by_code(loan_code)
        assert loan is not None
        feb = s.loan_facts(loan, date(2025, 2, 1))
        assert feb.repayment_status is RepaymentStatus.OVERDUE_1_30  # 13 days
        assert feb.past_due_fen == 89975
    with lender.on(date(2025, 3, 5)).service() as s:
        # overdue interest: ¥779.75 × 0.04 % × 1.5 × 18 days (02-15..03-04) = ¥8.42
        s.repay_loan(loan_code, Y("908.17"))
        loan = s.repo.loan_by_code(loan_code)
        assert loan is not None
        penalties = s.repo.entries(loan.line_id, ("loan_penalty",))
        assert [e.amount_fen for e in penalties] == [842]
    with lender.on(date(2025, 3, 15)).service() as s:
        s.repay_loan(loan_code, Y("899.75"))
    with lender.on(date(2025, 3, 31)).service() as s:
        loan = s.repo.loan_by_code(loan_code)
        assert loan is not None
        mar = s.loan_facts(loan, date(2025, 3, 1))
        assert mar.repayment_status is RepaymentStatus.PAID_AS_AGREED
        assert mar.past_due_fen == 0


def test_an_account_goes_from_1_to_7_is_written_off_and_recovers_part(lender: Lender) -> None:
    # spent ¥1,000 on 01-10 and never paid: the 02-10 minimum is the oldest unpaid
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.purchase(code, Y(1000))
    lender.on(date(2025, 9, 30))
    expected = {2: "1", 3: "2", 4: "3", 5: "4", 6: "5", 7: "6", 8: "7", 9: "B"}
    for month, code_ in expected.items():
        assert status(lender, code, date(2025, month, 1)).value == code_, month
    with lender.service() as s:
        line = s.line(code)
        aug = s.month_facts(line, date(2025, 8, 1))
        assert aug.account_status is AccountStatus.BAD_DEBT_PENDING  # 202 days, 41
        sep = s.month_facts(line, date(2025, 9, 1))
        assert sep.account_status is AccountStatus.WRITTEN_OFF  # 42
        assert line.written_off_on == date(2025, 9, 30)
        owed = s.owed(line)
        written_off = sum(v for (_, book, _), v in s.balances(line).items() if book == WRITTEN_OFF)
        assert written_off == owed.fen  # everything owed moved to the written-off book
        with pytest.raises(ZhengxinError) as err:
            s.purchase(code, Y(1))
        assert err.value.code == "line.written_off"
    with lender.on(date(2025, 10, 15)).service() as s:
        s.repay(code, Y(300))  # a recovery
        line = s.line(code)
        assert s.owed(line) == owed - Y(300)
        assert len(s.repo.statements(line.id)) == 8  # no bill after the write-off
    assert status(lender.on(date(2025, 10, 31)), code, date(2025, 10, 1)).value == "B"


def test_a_limit_cut_below_the_balance_stops_spending_and_nothing_else(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.purchase(code, Y(3000))
        s.change_limit(code, Y(2000))
        line = s.line(code)
        assert s.available(line) == Money(0)
        assert s.owed(line) == Y(3000)
    with pytest.raises(ZhengxinError) as err, lender.service() as s:
        s.purchase(code, Y(1))
    assert err.value.code == "line.insufficient_limit"
    with lender.on(date(2025, 2, 10)).service() as s:
        (bill,) = s.repo.statements(s.line(code).id)
        assert (bill.balance_fen, bill.minimum_fen) == (300000, 30000)  # billed as before
        s.repay(code, Y(1500))
        assert s.available(s.line(code)) == Y(500)  # ¥2,000 − ¥1,500 still used
        s.purchase(code, Y(500))
        assert s.available(s.line(code)) == Money(0)
    assert status(lender.on(date(2025, 2, 28)), code, date(2025, 2, 1)) is (
        RepaymentStatus.PAID_AS_AGREED
    )


def test_a_refund_after_the_bill(lender: Lender) -> None:
    # spent ¥500 on 01-10; bill 02-01 ¥500 (minimum ¥50); the merchant refunds ¥200 on 02-05
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.purchase(code, Y(500))
    with lender.on(date(2025, 2, 5)).service() as s:
        s.refund(code, Y(200), "returned a coat")
        line = s.line(code)
        assert s.owed(line) == Y(300)
        assert s.available(line) == Y(4700)
    with lender.on(date(2025, 2, 10)).service() as s:
        s.repay(code, Y(300))  # with the refund, the bill is paid in full by its due date
    with lender.on(date(2025, 3, 1)).service() as s:
        line = s.line(code)
        assert s.owed(line) == Money(0)  # no interest
        assert len(s.repo.statements(line.id)) == 1
    assert status(lender, code, date(2025, 2, 1)) is RepaymentStatus.PAID_AS_AGREED


def test_a_mistaken_purchase_is_reversed_not_edited(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        wrong = s.purchase(code, Y("88.80"), "charged twice")
        s.purchase(code, Y("88.80"), "the real one")
        reversal = s.reverse(wrong.id, "duplicate charge")
        line = s.line(code)
        assert reversal.reverses_id == wrong.id
        assert s.owed(line) == Y("88.80")
        assert line.used_fen == 8880
        assert len(s.repo.entries(line.id)) == 3  # both purchases stay, plus the reversal
    for again, expected in ((wrong.id, "entry.reversed"), (reversal.id, "entry.is_reversal")):
        with pytest.raises(ZhengxinError) as err, lender.service() as s:
            s.reverse(again)
        assert err.value.code == expected


def test_a_repayment_after_the_write_off_is_a_recovery(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.purchase(code, Y(100))
    with lender.on(date(2025, 9, 30)).service() as s:
        assert s.line(code).written_off_on == date(2025, 9, 30)
    with lender.on(date(2025, 10, 2)).service() as s:
        entry = s.repay(code, Y(40))
        assert entry.kind == "recovery"
        line = s.line(code)
        assert (
            s.month_facts(line, date(2025, 10, 1), as_of=date(2025, 10, 2)).repaid_this_month_fen
            == 4000
        )


def test_a_merchant_instalment_bills_a_part_each_month(lender: Lender) -> None:
    # bought a ¥600 phone on 01-10 in 3 merchant instalments, the buyer paying the 2.5 % fee
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.merchant_instalment(code, Y(600), 3, memo="phone")
        line = s.line(code)
        assert (line.used_fen, line.held_fen) == (60000, 0)
        assert s.available(line) == Y(4400)
        (plan,) = s.repo.plans(line.id)
        assert (plan.principal_fen, plan.fee_fen) == (60000, 1500)
    with lender.on(date(2025, 2, 1)).service() as s:
        (bill,) = s.repo.statements(s.line(code).id)
        # part 1: ¥200 of principal and ¥5 of fee; the rest is not billed yet
        assert (bill.instalment_fen, bill.fee_fen, bill.minimum_fen) == (20000, 500, 20500)
        assert s.owed(s.line(code)) == Y(605)
        s.repay(code, Y(205))
    with lender.on(date(2025, 3, 1)).service() as s:
        bill = s.repo.statements(s.line(code).id)[-1]
        assert (bill.instalment_fen, bill.fee_fen, bill.interest_fen) == (20000, 500, 0)


def test_a_seller_paid_instalment_costs_the_buyer_no_fee(lender: Lender) -> None:
    code = open_line(lender, date(2025, 1, 3))
    with lender.on(date(2025, 1, 10)).service() as s:
        s.merchant_instalment(code, Y(300), 3, seller_pays_fee=True)
    with lender.on(date(2025, 2, 1)).service() as s:
        (bill,) = s.repo.statements(s.line(code).id)
        assert (bill.instalment_fen, bill.fee_fen, bill.minimum_fen) == (10000, 0, 10000)
        assert s.owed(s.line(code)) == Y(300)
