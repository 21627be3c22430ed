"""Conditions of the rule model: when a tag must be present, when a rule applies (§1.4, §1.6).

A condition is a tri-state predicate over one record being checked: ``True`` (it holds),
``False`` (it does not) and ``None`` (it cannot be decided, because what it depends on is
missing or not a valid code). The PBOC engine expands a guard ``X`` into "X's own guard holds and
X's check is true", and ``!X`` into "X's own guard holds and X's check is false", so a condition
about an absent item is neither true nor false: every rule that depends on it is skipped (§1.4,
consequences 1 and 2). ``None`` is that third state.

>>> from types import SimpleNamespace
>>> record = SimpleNamespace(acct_type="R1", text=lambda segment, tag: None)
>>> acct_type_in("R1", "R2")(record), acct_type_not("R1")(record)
(True, False)
>>> item_in("AcctBsInfSgmt", "BusiDtlLines", "11")(record) is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Facts(Protocol):
    """What a condition may read of the record being checked."""

    @property
    def acct_type(self) -> str | None:
        """The account type when it is a valid code, else ``None`` (§1.4, consequence 2)."""

    def text(self, segment: str, tag: str) -> str | None:
        """An item's preprocessed text; ``None`` when the segment or the tag is absent."""


@dataclass(frozen=True, slots=True)
class Cond:
    """A named tri-state condition; ``text`` is its plain-language form for messages."""

    test: Callable[[Any], bool | None]
    text: str
    by_type: bool = False
    """Whether the condition reads nothing but the account type (so it can be decided once per
    account type rather than once per record)."""

    def __call__(self, record: Any) -> bool | None:
        return self.test(record)


def acct_type_in(*types: str) -> Cond:
    """The account type is one of ``types`` (undecided when AcctType is not a valid code)."""
    wanted = frozenset(types)

    def test(record: Any) -> bool | None:
        kind = record.acct_type
        return None if kind is None else kind in wanted

    return Cond(test, f"AcctType is {'/'.join(types)}", by_type=True)


def acct_type_not(*types: str) -> Cond:
    """The account type is none of ``types`` (undecided when AcctType is not a valid code)."""
    unwanted = frozenset(types)

    def test(record: Any) -> bool | None:
        kind = record.acct_type
        return None if kind is None else kind not in unwanted

    return Cond(test, f"AcctType is not {'/'.join(types)}", by_type=True)


def item_in(segment: str, tag: str, *values: str) -> Cond:
    """Item ``tag`` of ``segment`` holds one of ``values`` (undecided when the tag is absent;
    a blank value is compared as ``""``, as the client's equality checks do, §1.3)."""
    wanted = frozenset(values)

    def test(record: Any) -> bool | None:
        text = record.text(segment, tag)
        return None if text is None else text in wanted

    return Cond(test, f"{tag} is {'/'.join(values)}")


def item_filled(segment: str, tag: str) -> Cond:
    """Item ``tag`` of ``segment`` holds a non-blank value (undecided when the tag is absent)."""

    def test(record: Any) -> bool | None:
        text = record.text(segment, tag)
        return None if text is None else text != ""

    return Cond(test, f"{tag} is filled in")
