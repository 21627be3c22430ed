"""Data items (数据项) of the PBOC records: how one field is declared and how its value converts.

A record's fields are declared once, as :class:`FieldSpec` rows built with :func:`item` in the
notation of the specification (``pboc-records.md`` §1.2): ``"AN..60"``, ``"AN14"``, ``"N6"``,
``"ANC..30"``, ``"uInt..15"``, ``"Date"``, ``"Month"``, or a code table. The reader, the writer
and the tests all work from these rows.

Typed values: ``uInt`` → ``int`` (amounts are whole yuan), ``Date`` → ``datetime.date``,
``Month`` → the ``date`` of the month's first day, codes → the ``StrEnum`` member of
:mod:`zhengxin.codes` (or the code string for tables not yet in that package), text → ``str``.

Absent and blank (§1.1) map to Python as follows:

* ``None`` means the tag is absent, except for a mandatory tag whose value may be blank
  (``SettDate``, ``CloseDate``, ``ArlpAmt``): there ``None`` is the blank value.
* ``""`` is the blank value of a text field, and of an optional non-text field that may be
  blank (``RpyPrct``).

Every value read from a record is first preprocessed (:func:`preprocess`): full-width characters
become half-width and the value is trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from zhengxin.codes import Code
from zhengxin.pboc.when import Cond

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_TRIMMED = "".join(chr(c) for c in range(0x21))  # Java's String.trim(): every char <= U+0020
_FORMAT = re.compile(r"(ANC|AN|N|uInt)(\.\.)?([1-9][0-9]*)")
_UINT = re.compile(r"\+?([0-9]+)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DIGITS = re.compile(r"[0-9]+")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
# A record is one line of XML text: no control character can travel in it, and U+FFFD marks
# text that was not valid UTF-8 (§1.2, ANC).
_FORBIDDEN_TEXT = re.compile("[\x00-\x1f\x7f\ufffd\ufffe\uffff\ud800-\udfff]")
FIRST_YEAR, LAST_YEAR = 1901, 2099


def preprocess(text: str) -> str:
    """Full-width to half-width, then trim, as the PBOC client does before any rule (§1.1).

    >>> preprocess("　８００００ ")
    '80000'
    >>> preprocess("   ")
    ''
    """
    return text.translate(_FULL_WIDTH).strip(_TRIMMED)


def utf16_length(text: str) -> int:
    """Length in Java UTF-16 units, the unit of every length in the specification (§1.2).

    >>> utf16_length("张三"), utf16_length("𠀀")
    (2, 2)
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Kind(StrEnum):
    """The data types of §1.2 that record 210 uses."""

    AN = "AN"
    """Printable ASCII (0x20-0x7E)."""
    ANC = "ANC"
    """Any Unicode text."""
    N = "N"
    """ASCII digits."""
    UINT = "uInt"
    """A non-negative whole number (amounts: whole yuan)."""
    DATE = "Date"
    """``YYYY-MM-DD``."""
    MONTH = "Month"
    """``YYYY-MM``."""
    CODE = "code"
    """A code of an official table."""


class ValueProblem(Exception):
    """One value that cannot be read or written; becomes a ``RecordError`` with its location."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One data item of a segment, as a row of the specification's field table."""

    tag: str
    """XML tag, e.g. ``AcctBal``."""
    attr: str
    """Attribute of the typed segment (snake case of the tag); empty for a constant item."""
    name: str
    """Official Chinese name, e.g. 余额."""
    kind: Kind
    length: int = 0
    """Maximum length (or exact length when ``exact``); 0 when the kind has no length."""
    exact: bool = False
    mandatory: bool = True
    """``M``: the tag must be present whenever the segment is (else ABD000)."""
    blank: bool = False
    """``B``: the value may be blank (else a blank value is ABE000)."""
    codes: type[Code] | None = None
    """The code table, when it is one of :mod:`zhengxin.codes`."""
    choices: tuple[str, ...] = ()
    """The valid codes of a table that :mod:`zhengxin.codes` does not have yet."""
    const: str | None = None
    """The fixed value of an item the writer fills in itself (``InfRecType``)."""
    when: Cond | None = None
    """``iff``: the tag is present exactly when this holds (§1.6); ``None`` for M and O."""
    when_code: str = "BLD000"
    """The code reported when an ``iff`` tag is missing or unexpected."""
    table_by: Callable[[Any], frozenset[str] | None] | None = None
    """The valid codes for this record (e.g. by account type), checked after the type."""
    dict_check: bool = True
    """Whether the code table is checked on its own (``False`` for a hierarchical child)."""

    @property
    def text_valued(self) -> bool:
        """Whether the typed value is a ``str`` (so ``""`` is its blank)."""
        return self.kind in (Kind.AN, Kind.ANC, Kind.N) or (
            self.kind is Kind.CODE and self.codes is None
        )

    @property
    def notation(self) -> str:
        """The format in the specification's notation, e.g. ``uInt..15`` or ``AN14``."""
        if self.kind is Kind.CODE:
            return self.codes.__name__ if self.codes is not None else "code"
        if not self.length:
            return str(self.kind)
        return f"{self.kind}{'' if self.exact else '..'}{self.length}"

    def read(self, text: str | None) -> object:
        """The typed value of one item as found in a record (already preprocessed).

        ``text`` is ``None`` when the tag is absent and ``""`` when it is blank. Raises
        :class:`ValueProblem` with ABD000, ABE000, ABE001 or ABE008.

        >>> item("AcctBal", "acct_bal", "余额", "uInt..15").read("080000")
        80000
        """
        if text is None:
            if self.mandatory:
                raise ValueProblem("ABD000", f"{self.tag} ({self.name}) is missing")
            return None
        if text == "":
            if not self.blank:
                raise ValueProblem("ABE000", f"{self.tag} ({self.name}) must not be blank")
            if self.text_valued:
                return ""
            return None if self.mandatory else ""
        if self.const is not None:
            return text
        return _PARSERS[self.kind](self, text)

    def write(self, value: object) -> str | None:
        """The text to put between the tags, ``""`` for a blank element, ``None`` to omit it.

        Text is written preprocessed, as the bureau will read it. Raises
        :class:`ValueProblem` when the value does not fit the field.

        >>> item("Month", "month", "月份", "Month").write(date(2024, 7, 1))
        '2024-07'
        """
        if self.const is not None:
            return self.const
        if value is None:
            if not self.mandatory:
                return None
            if self.blank:
                return ""
            raise ValueProblem("ABD000", f"{self.tag} ({self.name}) is required")
        if isinstance(value, str) and not isinstance(value, Code) and self.kind is not Kind.CODE:
            value = preprocess(value)
        if value == "":
            if self.blank:
                return ""
            raise ValueProblem("ABE000", f"{self.tag} ({self.name}) must not be blank")
        return _WRITERS[self.kind](self, value)


def item(
    tag: str,
    attr: str,
    name: str,
    fmt: str | type[Code],
    rule: str = "MR",
    *,
    choices: tuple[str, ...] = (),
    const: str | None = None,
    when: Cond | None = None,
    when_code: str = "BLD000",
    table_by: Callable[[Any], frozenset[str] | None] | None = None,
    dict_check: bool = True,
) -> FieldSpec:
    """Declare one data item in the specification's own notation.

    ``fmt`` is ``"AN..60"``, ``"AN14"``, ``"N6"``, ``"ANC..30"``, ``"uInt..15"``, ``"Date"``,
    ``"Month"``, a code table class, or ``"code"`` with ``choices``. ``rule`` gives the Tag and
    Val columns of the tables (§1.6): ``M`` (mandatory) or ``O`` (optional, or present only for
    some account types), then ``R`` (value required) or ``B`` (may be blank).

    >>> item("Mcc", "mcc", "授信协议标识码", "AN..60").notation
    'AN..60'
    """
    if rule not in ("MR", "MB", "OR", "OB"):
        raise ValueError(f"{tag}: rule must be MR, MB, OR or OB; got {rule!r}")
    kind, length, exact, codes = Kind.CODE, 0, False, None
    if isinstance(fmt, type):
        codes = fmt
    elif fmt == "code":
        if not choices:
            raise ValueError(f"{tag}: a code item needs a table or choices")
    elif fmt in ("Date", "Month"):
        kind = Kind(fmt)
    else:
        match = _FORMAT.fullmatch(fmt)
        if match is None:
            raise ValueError(f"{tag}: unknown format {fmt!r}")
        kind, length, exact = Kind(match.group(1)), int(match.group(3)), not match.group(2)
    if when is not None and rule[0] == "M":
        raise ValueError(f"{tag}: an item present only when {when.text} is declared O, not M")
    return FieldSpec(
        tag,
        attr,
        name,
        kind,
        length,
        exact,
        rule[0] == "M",
        rule[1] == "B",
        codes,
        choices,
        const,
        when,
        when_code,
        table_by,
        dict_check,
    )


# --- reading -----------------------------------------------------------------------------


def _type_error(spec: FieldSpec, text: str, expected: str) -> ValueProblem:
    return ValueProblem("ABE001", f"{spec.tag} ({spec.name}) must be {expected}; got {text!r}")


def _check_length(spec: FieldSpec, text: str, size: int) -> None:
    if size > spec.length or (spec.exact and size != spec.length):
        wanted = f"exactly {spec.length}" if spec.exact else f"at most {spec.length}"
        raise ValueProblem(
            "ABE001",
            f"{spec.tag} ({spec.name}) has {wanted} characters; {text[:40]!r} has {size}",
        )


def _read_an(spec: FieldSpec, text: str) -> str:
    if not _PRINTABLE_ASCII.fullmatch(text):
        raise _type_error(spec, text, "printable ASCII (AN)")
    _check_length(spec, text, len(text))
    return text


def _read_anc(spec: FieldSpec, text: str) -> str:
    bad = _FORBIDDEN_TEXT.search(text)
    if bad:
        raise ValueProblem(
            "ABE001",
            f"{spec.tag} ({spec.name}) contains the character U+{ord(bad.group()):04X}, "
            "which a record cannot carry",
        )
    _check_length(spec, text, utf16_length(text))
    return text


def _read_n(spec: FieldSpec, text: str) -> str:
    if not _DIGITS.fullmatch(text):
        raise _type_error(spec, text, f"{spec.length} digits")
    _check_length(spec, text, len(text))
    return text


def _read_uint(spec: FieldSpec, text: str) -> int:
    match = _UINT.fullmatch(text)
    if match is None:
        raise _type_error(spec, text, "a whole number without sign or decimal point")
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > spec.length:
        raise _type_error(spec, text[:40], f"below 10^{spec.length}")
    return int(digits)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _in_range(spec: FieldSpec, text: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueProblem(
            "ABE008", f"{spec.tag} ({spec.name}) must lie in {FIRST_YEAR}-{LAST_YEAR}; got {text}"
        )


def _read_date(spec: FieldSpec, text: str) -> date:
    match = _DATE.fullmatch(text)
    year, month, day = (int(g) for g in match.groups()) if match else (0, 0, 0)
    if match is None or not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        raise _type_error(spec, text, "a real date YYYY-MM-DD")
    _in_range(spec, text, year)
    return date(year, month, day)


def _read_month(spec: FieldSpec, text: str) -> date:
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise _type_error(spec, text, "a month YYYY-MM")
    _in_range(spec, text, int(match.group(1)))
    return date(int(match.group(1)), int(match.group(2)), 1)


def _read_code(spec: FieldSpec, text: str) -> str:
    if spec.codes is not None:
        try:
            return spec.codes(text)
        except ValueError:
            raise _type_error(spec, text, f"a code of {spec.codes.__name__}") from None
    if text not in spec.choices:
        raise _type_error(spec, text, f"one of {', '.join(spec.choices)}")
    return text


_TEXT_READERS: dict[Kind, Callable[[FieldSpec, str], str]] = {
    Kind.AN: _read_an,
    Kind.ANC: _read_anc,
    Kind.N: _read_n,
}
_PARSERS: dict[Kind, Callable[[FieldSpec, str], object]] = {
    **_TEXT_READERS,
    Kind.UINT: _read_uint,
    Kind.DATE: _read_date,
    Kind.MONTH: _read_month,
    Kind.CODE: _read_code,
}


# --- writing -----------------------------------------------------------------------------


def _wrong_type(spec: FieldSpec, value: object, expected: str) -> ValueProblem:
    return ValueProblem(
        "ABE001", f"{spec.tag} ({spec.name}) takes {expected}; got {type(value).__name__}"
    )


def _write_text(spec: FieldSpec, value: object) -> str:
    if not isinstance(value, str):
        raise _wrong_type(spec, value, "a str")
    return _TEXT_READERS[spec.kind](spec, value)


def _write_uint(spec: FieldSpec, value: object) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong_type(spec, value, "an int")
    if not 0 <= value < 10**spec.length:
        raise ValueProblem(
            "ABE001", f"{spec.tag} ({spec.name}) must be 0 to 10^{spec.length} - 1; got {value}"
        )
    return str(value)


def _plain_date(spec: FieldSpec, value: object) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _wrong_type(spec, value, "a datetime.date")
    _in_range(spec, value.isoformat(), value.year)
    return value


def _write_date(spec: FieldSpec, value: object) -> str:
    day = _plain_date(spec, value)
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _write_month(spec: FieldSpec, value: object) -> str:
    day = _plain_date(spec, value)
    if day.day != 1:
        raise ValueProblem(
            "ABE001", f"{spec.tag} ({spec.name}) is held as the 1st of the month; got {day}"
        )
    return f"{day.year:04d}-{day.month:02d}"


def _write_code(spec: FieldSpec, value: object) -> str:
    if not isinstance(value, str):
        raise _wrong_type(spec, value, "a code")
    return str(_read_code(spec, str(value)))


_WRITERS: dict[Kind, Callable[[FieldSpec, object], str]] = {
    Kind.AN: _write_text,
    Kind.ANC: _write_text,
    Kind.N: _write_text,
    Kind.UINT: _write_uint,
    Kind.DATE: _write_date,
    Kind.MONTH: _write_month,
    Kind.CODE: _write_code,
}
