"""The base of every code list: a ``StrEnum`` whose members also carry their Chinese label."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from zhengxin.kernel.errors import InvalidInput


class Code(StrEnum):
    """A code of an official table. Members are declared as ``NAME = ("code", "中文名")``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member for ``text``, or an error naming the table and its valid codes."""
        try:
            return cls(text)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise InvalidInput(
                f"code.{cls.__name__}",
                f"{text!r} is not a code of {cls.__name__}; valid codes: {valid}",
            ) from None

    @classmethod
    def table(cls) -> dict[str, str]:
        """Every code with its label, in the official order."""
        return {m.value: m.label for m in cls}
