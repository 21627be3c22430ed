"""Synthetic people and how they use their credit line, month by month.

Each persona is a rule: given the day and the line's latest statement, what does the person
do today (spend, repay, close)? Amounts come from a seeded random generator, so a run is the
same every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from zhengxin.kernel.money import Money


@dataclass(frozen=True, slots=True)
class Bill:
    """What the person sees of their latest statement."""

    statement_date: date
    due_date: date
    balance: Money
    minimum: Money


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # "purchase" | "repay" | "close"
    amount: Money = field(default_factory=Money.zero)
    memo: str = ""


@dataclass(slots=True)
class Persona:
    """A synthetic person: who they are, when they open, and how they behave."""

    key: str
    name: str
    birth: date
    area: str
    sequence: int
    opens_on: date
    limit: Money
    style: str
    story: str
    spend_days: tuple[int, ...] = (6, 14, 23)
    closes_on: date | None = None
    overdue_from: date | None = None
    overdue_until: date | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def actions(self, day: date, bill: Bill | None, owed: Money, available: Money) -> list[Action]:
        """What this person does on ``day``."""
        if day < self.opens_on:
            return []
        if self.closes_on is not None:
            if day >= self.closes_on:
                if day != self.closes_on:
                    return []
                payoff = [Action("repay", owed, "payoff before closing")] if owed else []
                return [*payoff, Action("close")]
            if (self.closes_on - day).days < 40:
                return self._repay(day, bill, owed)
        out: list[Action] = []
        if self.style != "dormant" and day.day in self.spend_days:
            amount = Money.yuan(self.rng.randrange(30, 900)) + Money(self.rng.randrange(0, 100))
            if amount <= available:
                out.append(Action("purchase", amount, self.rng.choice(_MERCHANTS)))
        out += self._repay(day, bill, owed)
        return out

    def _repay(self, day: date, bill: Bill | None, owed: Money) -> list[Action]:
        if bill is None or not owed:
            return []
        if self.overdue_from and self.overdue_from <= day < (self.overdue_until or date.max):
            return []
        if self.overdue_until and day == self.overdue_until:
            return [Action("repay", owed, "catching up after a missed spell")]
        pay_day = bill.due_date.replace(day=max(1, bill.due_date.day - 2))
        if self.style == "late" and day == bill.due_date.replace(day=bill.due_date.day + 5):
            return [Action("repay", min(bill.balance, owed), "paid a few days late")]
        if day != pay_day or self.style == "late":
            return []
        if self.style == "minimum":
            return [Action("repay", min(bill.minimum, owed), "minimum payment")]
        return [Action("repay", min(bill.balance, owed), "statement paid in full")]


_MERCHANTS = (
    "超市 supermarket",
    "外卖 food delivery",
    "话费 phone bill",
    "服装 clothing",
    "电影 cinema",
    "打车 ride hailing",
    "书店 bookshop",
)


def cast(start: date, seed: int = 7) -> list[Persona]:
    """The demo's handful of people, each with a different story to tell in the report."""
    rng = random.Random(seed)

    def d(months: int, day: int) -> date:
        y, m = divmod(start.month - 1 + months, 12)
        return date(start.year + y, m + 1, day)

    people = [
        Persona(
            "full",
            "张伟",
            date(1990, 3, 7),
            "110105",
            123,
            d(0, 5),
            Money.yuan(20000),
            "full",
            "pays every bill in full before the due date",
        ),
        Persona(
            "minimum",
            "王芳",
            date(1995, 8, 19),
            "310115",
            246,
            d(0, 12),
            Money.yuan(8000),
            "minimum",
            "pays only the minimum and revolves the rest",
        ),
        Persona(
            "overdue",
            "李娜",
            date(1998, 11, 2),
            "440305",
            482,
            d(1, 3),
            Money.yuan(5000),
            "full",
            "misses three bills, then catches up",
            overdue_from=d(9, 1),
            overdue_until=d(12, 20),
        ),
        Persona(
            "late",
            "刘洋",
            date(1988, 1, 25),
            "330106",
            517,
            d(2, 8),
            Money.yuan(12000),
            "late",
            "always pays a few days after the due date, within the month",
        ),
        Persona(
            "closer",
            "陈静",
            date(1993, 6, 30),
            "510104",
            664,
            d(2, 20),
            Money.yuan(6000),
            "full",
            "uses the line for a year, pays it off and closes it",
            closes_on=d(17, 15),
        ),
        Persona(
            "dormant",
            "赵敏",
            date(2000, 4, 14),
            "320102",
            828,
            d(4, 2),
            Money.yuan(3000),
            "dormant",
            "signs up but never spends",
        ),
        Persona(
            "newcomer",
            "杨磊",
            date(2001, 9, 9),
            "420106",
            915,
            d(17, 11),
            Money.yuan(4000),
            "full",
            "opens late in the story: a short history",
        ),
    ]
    for person in people:
        person.rng = random.Random(rng.random())
    return people
