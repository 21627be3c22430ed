"""Identity-number checks of the PBOC client (``pboc-records.md`` §1.8, error ABE004).

The client checks only a few ID types and lets every other type through unchecked, so each
function here answers ``True`` for a type it does not know. The makers (:func:`make_uscc`,
:func:`org_code_check_char`, :func:`credit_code_check`) build valid numbers for tests and for the
simulation's synthetic subjects.

Two lists the client reads are not distributed with the specification. For a passport's country
prefix the ISO 3166-1 alpha-3 list of :class:`zhengxin.codes.Country` stands in for the client's
own list (manage dictionary 40723); for the administrative division inside a unified social
credit code any code of the right shape is accepted (see :func:`organisation_id_ok`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date

from zhengxin.codes import Country, IdType, OrganisationIdType
from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.identity import check_character

# [0-9], never \d: \d also matches full-width and other Unicode digits.
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9Xx]")
_HK_MACAU_PERMIT = re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})")
_TAIWAN_PERMIT = re.compile(r"[0-9]{10,12}|[0-9]{10}\((?:[A-Za-z]|[0-9]{2})\)")
_PASSPORT_MAX_LENGTH = 12
_COUNTRY_CODES = frozenset(c.value for c in Country)

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")

_ORG_CODE = re.compile(r"[0-9A-Z]{9}")
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CREDIT_CODE = re.compile(r"[0-9A-Z]{14}[0-9]{2}")
_CREDIT_CODE_WEIGHTS = (1, 3, 5, 7, 11, 2, 13, 1, 1, 17, 19, 97, 23, 29)


def personal_id_ok(id_type: str, number: str) -> bool:
    """Whether ``number`` passes the client's check for personal ID type ``id_type``.

    Resident ID (``10``): 18 characters, a real birth date ``yyyyMMdd`` (1900-2099) at 7-14
    and the GB 11643 check character (lower-case ``x`` accepted); the area is not checked.

    >>> personal_id_ok("10", "110105199003071239"), personal_id_ok("10", "110105199003071238")
    (True, False)
    >>> personal_id_ok("10", "110105199002301230")  # 30 February
    False

    Passport (``2``): at most 12 characters, the first three an ISO 3166-1 alpha-3 code.

    >>> personal_id_ok("2", "CHN123456"), personal_id_ok("2", "ZZZ1")
    (True, False)

    HK/Macau permit (``5``): ``H`` or ``M`` and 8 or 10 digits.

    >>> personal_id_ok("5", "H12345678"), personal_id_ok("5", "H123456789")
    (True, False)

    Taiwan permit (``6``): 10-12 digits, or 10 digits and ``(letter)`` or ``(two digits)``.

    >>> personal_id_ok("6", "1234567890(B)"), personal_id_ok("6", "123456789")
    (True, False)

    Every other type passes unchecked:

    >>> personal_id_ok("X", "anything")
    True
    """
    check = _PERSONAL_CHECKS.get(id_type)
    return check is None or check(number)


def organisation_id_ok(id_type: str, number: str) -> bool:
    """Whether ``number`` passes the client's check for organisation ID type ``id_type``.

    Unified social credit code (``20``, GB 32100): 18 characters; 3-8 an administrative
    division; 9-17 a valid organisation code; 18 the GB 32100 check character. The client
    checks the division against its full GB/T 2260 list, which is not distributed; here any
    code of the right shape passes: six digits whose first two (the province) are 11-82.

    >>> organisation_id_ok("20", "914403001922038216")
    True
    >>> organisation_id_ok("20", "914403001922038217")  # last character changed
    False

    Organisation code (``30``, GB 11714): 8 digits or capitals and a check character.

    >>> organisation_id_ok("30", "192203821"), organisation_id_ok("30", "192203822")
    (True, False)

    中征码 (``10``): 14 digits or capitals and two check digits.

    >>> organisation_id_ok("10", "1101010012345607"), organisation_id_ok("10", "1101010012345670")
    (True, False)

    Every other type passes unchecked:

    >>> organisation_id_ok("41", "anything")
    True
    """
    check = _ORGANISATION_CHECKS.get(id_type)
    return check is None or check(number)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a social credit code.

    >>> uscc_check_char("91440300192203821")
    '6'
    """
    if len(first17) != 17 or any(ch not in _USCC_ALPHABET for ch in first17):
        raise InvalidInput(
            "uscc.characters",
            f"a social credit code's check needs 17 characters of {_USCC_ALPHABET}; "
            f"got {first17!r}",
        )
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(prefix17: str) -> str:
    """A unified social credit code: ``prefix17`` followed by its check character.

    >>> make_uscc("91440300192203821")
    '914403001922038216'
    """
    return prefix17 + uscc_check_char(prefix17)


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for the first 8 characters of an organisation code.

    >>> org_code_check_char("19220382")
    '1'
    """
    if not re.fullmatch(r"[0-9A-Z]{8}", first8):
        raise InvalidInput(
            "org_code.characters",
            f"an organisation code's check needs 8 digits or capitals; got {first8!r}",
        )
    total = sum(_BASE36.index(ch) * w for ch, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code_check(first14: str) -> str:
    """The two check digits of a 中征码 for its first 14 characters.

    >>> credit_code_check("11010100123456")
    '07'
    """
    if not re.fullmatch(r"[0-9A-Z]{14}", first14):
        raise InvalidInput(
            "credit_code.characters",
            f"a 中征码's check needs 14 digits or capitals; got {first14!r}",
        )
    total = sum(_BASE36.index(ch) * w for ch, w in zip(first14, _CREDIT_CODE_WEIGHTS, strict=True))
    return f"{total % 97 + 1:02d}"


def _resident_id_ok(number: str) -> bool:
    if not _RESIDENT_ID.fullmatch(number):
        return False
    if not _is_birth_date(number[6:14]):
        return False
    return number[17].upper() == check_character(number[:17])


@functools.lru_cache(maxsize=1 << 17)
def _is_birth_date(text: str) -> bool:
    """``yyyyMMdd`` (already known to be 8 digits) is a real date in 1900-2099.

    Remembered: there are only some 73,000 such dates, and a file repeats them endlessly.
    """
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return 1900 <= day.year <= 2099


def _passport_ok(number: str) -> bool:
    return len(number) <= _PASSPORT_MAX_LENGTH and number[:3] in _COUNTRY_CODES


def _hk_macau_permit_ok(number: str) -> bool:
    return _HK_MACAU_PERMIT.fullmatch(number) is not None


def _taiwan_permit_ok(number: str) -> bool:
    return _TAIWAN_PERMIT.fullmatch(number) is not None


def _uscc_ok(number: str) -> bool:
    return (
        _USCC.fullmatch(number) is not None
        and _division_shape_ok(number[2:8])
        and _org_code_ok(number[8:17])
        and number[17] == uscc_check_char(number[:17])
    )


def _division_shape_ok(code: str) -> bool:
    """Six digits whose province part is 11-82 (the GB/T 2260 list itself is not distributed)."""
    return re.fullmatch(r"[0-9]{6}", code) is not None and 11 <= int(code[:2]) <= 82


def _org_code_ok(number: str) -> bool:
    return _ORG_CODE.fullmatch(number) is not None and number[8] == org_code_check_char(number[:8])


def _credit_code_ok(number: str) -> bool:
    return _CREDIT_CODE.fullmatch(number) is not None and number[14:] == credit_code_check(
        number[:14]
    )


_PERSONAL_CHECKS: dict[str, Callable[[str], bool]] = {
    IdType.RESIDENT_ID: _resident_id_ok,
    IdType.PASSPORT: _passport_ok,
    IdType.HK_MACAU_PERMIT: _hk_macau_permit_ok,
    IdType.TAIWAN_PERMIT: _taiwan_permit_ok,
}

_ORGANISATION_CHECKS: dict[str, Callable[[str], bool]] = {
    OrganisationIdType.UNIFIED_SOCIAL_CREDIT_CODE: _uscc_ok,
    OrganisationIdType.ORGANISATION_CODE: _org_code_ok,
    OrganisationIdType.CREDIT_REFERENCE_CODE: _credit_code_ok,
}
