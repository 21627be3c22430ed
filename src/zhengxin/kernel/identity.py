"""Resident identity numbers (公民身份号码, GB 11643-1999) and institution codes.

A resident ID number is 18 characters: a 6-digit area code, an 8-digit birth date
(``yyyyMMdd``), a 3-digit sequence whose last digit is odd for men and even for women, and a
check character computed over the first 17 digits. :meth:`ResidentId.parse` reports each way a
number can be wrong with its own error code, so a person can fix the right character.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhengxin.kernel.errors import InvalidInput

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_WEIGHT_SUM = sum(_WEIGHTS)
_CHECK_CHARS = "10X98765432"
_INSTITUTION = re.compile(r"[0-9A-Z]{14}")


def check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits.

    >>> check_character("11010519900307123")
    '9'
    """
    if len(first17) != 17 or not (first17.isdigit() and first17.isascii()):
        raise InvalidInput("id.characters", "the check character needs exactly 17 digits")
    # ASCII codes minus 48 are the digits: one pass in C instead of seventeen int() calls.
    total = sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - 48 * _WEIGHT_SUM
    return _CHECK_CHARS[total % 11]


class Sex(StrEnum):
    """Sex as read from the 17th character of a resident ID number."""

    MALE = "1"
    FEMALE = "2"

    @property
    def label(self) -> str:
        return "男" if self is Sex.MALE else "女"


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A well-formed 18-character resident identity number.

    >>> rid = ResidentId.parse("11010519900307123x".upper())
    Traceback (most recent call last):
    ...
    zhengxin.kernel.errors.InvalidInput: id.check_digit: ...
    >>> rid = ResidentId.parse("110105199003071239")
    >>> rid.birth_date, rid.sex, rid.masked
    (datetime.date(1990, 3, 7), <Sex.MALE: '1'>, '110***********1239')
    """

    number: str

    @classmethod
    def parse(cls, text: str) -> ResidentId:
        """Check ``text`` and return the number, or raise with the first thing wrong.

        Error codes: ``id.empty``, ``id.length``, ``id.characters``, ``id.birth_date``,
        ``id.check_digit``. A lower-case ``x`` check character is accepted and upper-cased.
        """
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("id.empty", "the ID number is empty")
        number = text.strip().upper()
        if len(number) != 18:
            raise InvalidInput(
                "id.length",
                f"a resident ID number has 18 characters; this one has {len(number)}",
            )
        # [0-9], not \d: \d also matches full-width ０-９, which would store a different number
        if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
            bad = next(
                (
                    i + 1
                    for i, ch in enumerate(number)
                    if not ("0" <= ch <= "9" or (i == 17 and ch == "X"))
                ),
                0,
            )
            raise InvalidInput(
                "id.characters",
                "the first 17 characters must be digits and the last a digit or X; "
                f"character {bad} is {number[bad - 1]!r}",
            )
        birth_text = number[6:14]
        try:
            birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
        except ValueError:
            birth = None
        if birth is None or not 1900 <= birth.year <= 2099:
            raise InvalidInput(
                "id.birth_date",
                f"characters 7-14 must be a real birth date yyyyMMdd (1900-2099); got {birth_text}",
            )
        expected = check_character(number[:17])
        if number[17] != expected:
            raise InvalidInput(
                "id.check_digit",
                f"the check character should be {expected!r} but is {number[17]!r}; "
                "a digit was probably mistyped",
            )
        return cls(number)

    @classmethod
    def make(cls, area: str, birth: date, sequence: int) -> ResidentId:
        """Build a valid number from its parts (synthetic subjects in tests and the demo)."""
        if not re.fullmatch(r"[0-9]{6}", area) or not 0 <= sequence <= 999:
            raise InvalidInput("id.parts", "area must be 6 digits and sequence 0-999")
        first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
        return cls.parse(first17 + check_character(first17))

    @property
    def area_code(self) -> str:
        return self.number[:6]

    @property
    def birth_date(self) -> date:
        n = self.number
        return date(int(n[6:10]), int(n[10:12]), int(n[12:14]))

    @property
    def sex(self) -> Sex:
        return Sex.MALE if int(self.number[16]) % 2 else Sex.FEMALE

    @property
    def masked(self) -> str:
        """The number with all but the first 3 and last 4 characters hidden."""
        return mask_id(self.number)

    def __str__(self) -> str:
        return self.number


def mask_id(text: str) -> str:
    """Hide the middle of an identity number for logs and screens.

    >>> mask_id("110105199003071239")
    '110***********1239'
    """
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(text: str) -> str:
    """Hide all but the first character of a name: 张三丰 → 张**."""
    return text[:1] + "*" * (len(text) - 1) if text else text


@dataclass(frozen=True, slots=True)
class InstitutionCode:
    """A 14-character financial-institution code (金融机构代码 / 区段码) as the interface uses it.

    >>> InstitutionCode.parse("B10211000H0001").code
    'B10211000H0001'
    """

    code: str

    @classmethod
    def parse(cls, text: str) -> InstitutionCode:
        """Check the shape: exactly 14 characters, digits and upper-case letters."""
        code = (text or "").strip()
        if len(code) != 14:
            raise InvalidInput(
                "institution.length",
                f"an institution code has 14 characters; {code!r} has {len(code)}",
            )
        if not _INSTITUTION.fullmatch(code):
            raise InvalidInput(
                "institution.characters",
                f"an institution code uses only digits and capital letters; got {code!r}",
            )
        return cls(code)

    def __str__(self) -> str:
        return self.code
