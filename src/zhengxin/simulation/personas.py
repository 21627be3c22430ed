"""Synthetic people and how they use their credit line, month by month.

Each persona is a rule: given the day and the line's latest statement, what does the person
do today (spend, repay, close)? Amounts come from a seeded random generator, so a run is the
same every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhengxin.kernel.clock import add_months, month_end
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
    cash_limit: Money | None = None
    loan_on: date | None = None
    loan: Money | None = None
    loan_periods: int = 12
    consent: str = "at_opening"  # "at_opening" | "prompted" | "never" | "objects"
    sign_after: int = 0  # days after a campaign reaches them that they sign (or object)
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def busy(self, day: date) -> bool:
        """Whether the person might do anything on ``day`` (a cheap test before the work)."""
        if day < self.opens_on:
            return False
        return (
            day == self.opens_on
            or day.day in self.spend_days
            or day.day in _PAY_DAYS
            or day in (self.closes_on, self.overdue_until, self.loan_on)
            or (self.loan_on is not None and day.day == self.loan_on.day)
        )

    def pays_loans_on(self, day: date) -> bool:
        """Whether the person repays a loan period falling due on ``day``."""
        return not (
            self.overdue_from and self.overdue_from <= day < (self.overdue_until or date.max)
        )

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
        if self.style == "revolver":
            part = max(bill.minimum, bill.balance.times(Decimal("0.4")))
            return [Action("repay", min(part, owed), "part of the bill")]
        return [Action("repay", min(bill.balance, owed), "statement paid in full")]


_PAY_DAYS = (8, 15)  # two days before the due date (10th), and five days after it

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
        return _shift(start, months, day)

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


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "晓东",
    "婷婷",
    "浩然",
    "子涵",
    "欣怡",
    "宇轩",
    "梓萱",
]
_AREAS = ("110105", "310115", "440305", "330106", "510104", "320102", "420106", "500103")

# Behaviour mix of the crowd, as shares of people (most people pay in full; a few default).
_MIX = (
    ("full", 0.50),
    ("minimum", 0.15),
    ("revolver", 0.12),
    ("late", 0.07),
    ("spell", 0.06),
    ("dormant", 0.04),
    ("closer", 0.03),
    ("defaulter", 0.03),
)


def crowd(start: date, size: int, seed: int = 11) -> list[Persona]:
    """``size`` synthetic people opening lines over the first year, behaving per ``_MIX``.

    About one in five also has a cash limit and draws a loan some months after opening.
    """
    rng = random.Random(seed)
    people: list[Persona] = []
    styles = [style for style, _ in _MIX]
    weights = [share for _, share in _MIX]
    for i in range(size):
        style = rng.choices(styles, weights)[0]
        opens = _shift(start, rng.randrange(0, 12), rng.randrange(1, 29))
        person = Persona(
            key=f"crowd-{i:04d}",
            name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            birth=date(rng.randrange(1970, 2004), rng.randrange(1, 13), rng.randrange(1, 29)),
            area=rng.choice(_AREAS),
            sequence=i % 1000,
            opens_on=opens,
            limit=Money.yuan(rng.choice((2000, 3000, 5000, 8000, 10000, 20000, 50000))),
            style="full" if style in ("spell", "closer", "defaulter") else style,
            story=style,
            spend_days=tuple(sorted(rng.sample(range(2, 28), rng.randrange(1, 4)))),
            rng=random.Random(rng.random()),
        )
        if style == "spell":
            person.overdue_from = _shift(opens, rng.randrange(3, 8), 1)
            person.overdue_until = _shift(person.overdue_from, rng.randrange(1, 4), 20)
        elif style == "defaulter":
            person.overdue_from = _shift(opens, rng.randrange(2, 6), 1)
        elif style == "closer":
            person.closes_on = _shift(opens, rng.randrange(6, 14), 16)
            if i % 2:  # some close on the month's last day, reported once, as a 32
                person.closes_on = month_end(person.closes_on)
        if style not in ("closer", "dormant") and rng.random() < 0.2:
            person.cash_limit = Money.yuan(rng.choice((5000, 10000, 20000)))
            person.loan_on = _shift(opens, rng.randrange(1, 6), rng.randrange(1, 29))
            person.loan = Money.yuan(rng.choice((1000, 2000, 5000)))
            person.loan_periods = rng.choice((6, 12))
        people.append(person)
    _answer_the_upgrade(people, random.Random(seed + 1))
    return people


# How the crowd answers the service upgrade: most sign soon after the prompt, some late (after
# their deadline, once blocked), some never, and a few object by closing the line.
_CONSENT_MIX = (
    ("soon", 0.62),
    ("late", 0.14),
    ("never", 0.10),
    ("objects", 0.06),
    ("at_opening", 0.08),
)


def _answer_the_upgrade(people: list[Persona], rng: random.Random) -> None:
    answers = [answer for answer, _ in _CONSENT_MIX]
    weights = [share for _, share in _CONSENT_MIX]
    for person in people:
        answer = rng.choices(answers, weights)[0]
        if answer == "objects" and (person.loan is not None or person.closes_on is not None):
            answer = "never"
        if answer == "soon":
            person.consent, person.sign_after = "prompted", rng.randrange(0, 30)
        elif answer == "late":
            person.consent, person.sign_after = "prompted", rng.randrange(90, 200)
        elif answer == "objects":
            person.consent, person.sign_after = "objects", rng.randrange(3, 40)
        else:
            person.consent = answer


def _shift(day: date, months: int, day_of_month: int) -> date:
    """Day ``day_of_month`` (1-28) of the month ``months`` after ``day``'s."""
    return add_months(day.replace(day=1), months).replace(day=day_of_month)
