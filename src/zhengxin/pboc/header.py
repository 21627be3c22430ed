"""The name and the first line of a submission file (§2.1, §2.2).

:class:`FileName` is the 30-character name (institution, date, record type, serial, feedback
flag); :class:`FileHeader` is the 50-character header line. Each renders itself and parses
its text, and a text that breaks a rule raises :class:`~zhengxin.kernel.errors.FileRejected`
with the §2.4 code (ABN003 for the name, ABH005 for the header) and a message naming the
positions that are wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from zhengxin.kernel.clock import CHINA
from zhengxin.kernel.errors import FileRejected, InvalidInput
from zhengxin.kernel.identity import InstitutionCode
from zhengxin.pboc.fields import FIRST_YEAR, LAST_YEAR

HEADER_LENGTH = 50
BAD_NAME, BAD_HEADER = "ABN003", "ABH005"
_VERSION = re.compile(r"[0-9]\.[0-9]\.[0-9]")
_PRINTABLE = re.compile(r"[\x20-\x7e]*")
PERSONAL_RECORD_TYPES = frozenset(
    ["110", "114", "120", "130", "134", "140", "510", "511", "514"]
    + [str(n) for n in (*range(210, 216), *range(220, 225), *range(230, 235))]
)
"""Personal record types of the manage dictionary 信息记录类型 (§9.39)."""


def _known_record_type(text: str) -> bool:
    # Enterprise types (310-654) are accepted by shape: §9.39 does not list them one by one.
    return text in PERSONAL_RECORD_TYPES or (text.isdigit() and 310 <= int(text) <= 654)


def _institution_problem(text: str, where: str) -> str | None:
    try:
        InstitutionCode.parse(text)
    except InvalidInput as exc:
        return f"{where} (institution code) {exc.message}"
    return None


def china_wall_clock(moment: datetime) -> datetime:
    """A naive China wall-clock time: aware times are converted, seconds are the last unit."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _yyyymmdd(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


@dataclass(frozen=True, slots=True)
class FileName:
    """A report file name (§2.1), e.g. ``B10211000H00012024080121000010.txt``.

    >>> FileName("B10211000H0001", date(2024, 8, 1), "210", "001").render()
    'B10211000H00012024080121000010.txt'
    """

    institution: str
    file_date: date
    record_type: str
    serial: str
    feedback_flag: str = "0"
    """``0`` for a report file; ``1``-``3`` for the PBOC's feedback files (§2.5)."""

    def __post_init__(self) -> None:
        problems = _name_problems(self.stem)
        if problems:
            raise InvalidInput(BAD_NAME, "; ".join(problems))

    @property
    def stem(self) -> str:
        """The 30-character name without extension."""
        return (
            f"{self.institution}{_yyyymmdd(self.file_date)}{self.record_type}0"
            f"{self.serial}{self.feedback_flag}"
        )

    def render(self) -> str:
        """The file name with the ``.txt`` extension reference generators use."""
        return f"{self.stem}.txt"

    @classmethod
    def parse(cls, name: str) -> FileName:
        """Read a file name (any directory and extension are ignored), or raise
        :class:`FileRejected` ABN003 naming each position that is wrong.

        >>> FileName.parse("B10211000H00012024080121000010.txt").file_date
        datetime.date(2024, 8, 1)
        >>> FileName.parse("B10211000H00012024083221000010.txt")
        Traceback (most recent call last):
        ...
        zhengxin.kernel.errors.FileRejected: ABN003: positions 15-22 (file date) ...
        """
        stem = name.replace("\\", "/").rsplit("/", 1)[-1].partition(".")[0]
        problems = _name_problems(stem)
        if problems:
            raise FileRejected(BAD_NAME, "; ".join(problems), name=name)
        day = date(int(stem[14:18]), int(stem[18:20]), int(stem[20:22]))
        return cls(stem[:14], day, stem[22:25], stem[26:29], stem[29])


def _name_problems(stem: str) -> list[str]:
    if len(stem) != 30:
        return [f"the name {stem!r} has {len(stem)} characters before the extension; it needs 30"]
    problems = []
    institution = _institution_problem(stem[:14], "positions 1-14")
    if institution:
        problems.append(institution)
    day = _timestamp(stem[14:22])
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(f"positions 15-22 (file date) must be a date yyyyMMdd; got {stem[14:22]!r}")
    if not re.fullmatch(r"[0-9]{3}", stem[22:25]):
        problems.append(f"positions 23-25 (record type) must be 3 digits; got {stem[22:25]!r}")
    if stem[25] != "0":
        problems.append(f"position 26 (reserved) must be '0'; got {stem[25]!r}")
    if not re.fullmatch(r"[\x21-\x7e]{3}", stem[26:29]):
        problems.append(
            f"positions 27-29 (serial number) must be 3 characters; got {stem[26:29]!r}"
        )
    if stem[29] not in "0123":
        problems.append(f"position 30 (feedback flag) must be '0' for a report; got {stem[29]!r}")
    return problems


@dataclass(frozen=True, slots=True)
class FileHeader:
    """The 50-character first line of a submission file (§2.2).

    ``created`` is the naive wall-clock time in China (an aware time is converted to it).

    >>> FileHeader("210", "B10211000H0001", datetime(2024, 8, 1, 9, 30), 10).render()
    'A0502102.0.0  B10211000H00012024080109300000000010'
    """

    record_type: str
    institution: str
    created: datetime
    record_count: int
    version: str = "2.0.0"
    template: str = "  "
    """``10`` for record 110 (and enterprise 310), two spaces otherwise."""
    reserved: str = "0"

    def __post_init__(self) -> None:
        object.__setattr__(self, "created", china_wall_clock(self.created))
        problems = _header_field_problems(self)
        if problems:
            raise InvalidInput(BAD_HEADER, "; ".join(problems))

    def render(self) -> str:
        """The header line, exactly 50 characters, without line end."""
        return (
            f"A{HEADER_LENGTH:03d}{self.record_type}{self.version}{self.template}"
            f"{self.institution}{_yyyymmdd(self.created)}{self.created:%H%M%S}"
            f"{self.reserved}{self.record_count:07d}"
        )

    @classmethod
    def parse(cls, text: str) -> FileHeader:
        """Read a header line, or raise :class:`FileRejected` ABH005 naming what is wrong.

        >>> FileHeader.parse("A0502102.0.0  B10211000H00012024080109300000000010").created
        datetime.datetime(2024, 8, 1, 9, 30)
        """
        if len(text) != HEADER_LENGTH or "\r" in text or "\n" in text:
            extra = " and must not contain CR or LF" if ("\r" in text or "\n" in text) else ""
            raise FileRejected(
                BAD_HEADER,
                f"the header has {len(text)} characters; it must have exactly {HEADER_LENGTH}"
                + extra,
            )
        problems = []
        if text[0] != "A":
            problems.append(f"position 1 (start mark) must be 'A'; got {text[0]!r}")
        if text[1:4] != f"{HEADER_LENGTH:03d}":
            problems.append(f"positions 2-4 (header length) must be '050'; got {text[1:4]!r}")
        created = _timestamp(text[28:42])
        if created is None:
            problems.append(
                f"positions 29-42 (creation time) must be yyyyMMddHHmmss; got {text[28:42]!r}"
            )
        if not re.fullmatch(r"[0-9]{7}", text[43:50]):
            problems.append(f"positions 44-50 (record count) must be 7 digits; got {text[43:50]!r}")
        if problems or created is None:
            raise FileRejected(BAD_HEADER, "; ".join(problems))
        try:
            return cls(
                record_type=text[4:7],
                institution=text[14:28],
                created=created,
                record_count=int(text[43:50]),
                version=text[7:12],
                template=text[12:14],
                reserved=text[42],
            )
        except InvalidInput as exc:
            raise FileRejected(BAD_HEADER, exc.message) from None


def _timestamp(text: str) -> datetime | None:
    """``yyyyMMddHHmmss`` (or its date part ``yyyyMMdd``) as a naive datetime, if valid."""
    if not re.fullmatch(r"[0-9]{8}|[0-9]{14}", text):
        return None
    try:
        # The interface's times are China wall-clock times without a zone (§2.2).
        fmt = "%Y%m%d" if len(text) == 8 else "%Y%m%d%H%M%S"
        return datetime.strptime(text, fmt)  # noqa: DTZ007
    except ValueError:
        return None


def _header_field_problems(header: FileHeader) -> list[str]:
    problems = []
    if not _known_record_type(header.record_type):
        problems.append(f"positions 5-7 (record type) {header.record_type!r} is not a record type")
    if not _VERSION.fullmatch(header.version):
        problems.append(f"positions 8-12 (version) must look like 2.0.0; got {header.version!r}")
    if len(header.template) != 2 or not _PRINTABLE.fullmatch(header.template):
        problems.append(f"positions 13-14 (template) must be 2 characters; got {header.template!r}")
    institution = _institution_problem(header.institution, "positions 15-28")
    if institution:
        problems.append(institution)
    if not FIRST_YEAR <= header.created.year <= LAST_YEAR:
        problems.append(f"positions 29-42 (creation time) must lie in {FIRST_YEAR}-{LAST_YEAR}")
    if len(header.reserved) != 1 or not _PRINTABLE.fullmatch(header.reserved):
        problems.append(f"position 43 (reserved) must be 1 character; got {header.reserved!r}")
    if not 0 <= header.record_count <= 9_999_999:
        problems.append(f"the record count must be 0 to 9999999; got {header.record_count}")
    return problems
