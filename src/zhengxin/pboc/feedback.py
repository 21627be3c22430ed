"""Feedback files: what the PBOC returns for a submission file (§2.5).

A feedback file is ``header CRLF line CRLF line … line`` in UTF-8, like a report file (§2.3).
Its name has the layout of §2.1 with the feedback flag (position 30) set to a
:class:`FeedbackFlag`; its first line is the 72-character :class:`FeedbackHeader`; every body
line is ``<Document><FbInf>…</FbInf></Document>``:

* flag ``1`` (every record loaded): no body line;
* flag ``2`` (name or header wrong, nothing loaded): one line listing the file-level errors;
* flag ``3`` (some or all records rejected): one line per rejected record, with its position
  in the original body, at most five errors, and the record line itself.

:func:`write_feedback` streams the rejected records (there may be millions) and replaces the
final path atomically; :func:`read_feedback` checks name and header and streams the records
back. A bad file raises :class:`~zhengxin.kernel.errors.FileRejected` with the code the
specification gives: ABN003 name, ABH005 header, ABF007 header vs name, ABF002 a body line that
is not the expected XML, ABF008/ABF010/ABF011 lines, and for the elements ABD000 (missing),
ABE000 (blank), ABE001 (wrong type), ABE010 (FbErrNum is not the number of ErrInf) and ABH005
(ErrRec too long).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from zhengxin.kernel.errors import Conflict, FileRejected, InvalidInput, NotFound
from zhengxin.pboc.errors import RecordError
from zhengxin.pboc.fields import FIRST_YEAR, LAST_YEAR, FieldSpec, ValueProblem, item, preprocess
from zhengxin.pboc.fields import utf16_length as _units
from zhengxin.pboc.header import BAD_HEADER, BAD_NAME, FileName, china_wall_clock
from zhengxin.pboc.line import escape

FEEDBACK_HEADER_LENGTH = 72
RECORD_VERSION = "2.0.0"
MAX_ERRORS_PER_RECORD = 5
"""The client stops after five errors per record (§1.5); later ones are dropped."""
UNPARSEABLE, HEADER_VS_NAME = "ABF002", "ABF007"
LINE_TOO_LONG, BAD_SEPARATORS, NOT_UTF8 = "ABF008", "ABF010", "ABF011"
MISSING, BLANK, WRONG_TYPE, COUNT_MISMATCH = "ABD000", "ABE000", "ABE001", "ABE010"

ERR_REC_ID = item("ErrRecId", "position", "position of the rejected record", "uInt..8")
FB_ERR_NUM = item("FbErrNum", "", "number of ErrInf that follow", "uInt..3")
FB_CODE = item("FbCode", "code", "error code", "AN6")
FB_MSG = item("FbMsg", "message", "explanation", "ANC..100")
ERR_REC = item("ErrRec", "line", "the rejected record line, verbatim", "ANC..100000")

_VERSION = re.compile(r"[0-9]\.[0-9]\.[0-9]")
_NAME_PART = re.compile(r"[\x20-\x7e]{29}")
_TIME = re.compile(r"[0-9]{14}")
_COUNT = re.compile(r"[0-9]{7}")
# The characters an ANC value cannot carry (§1.2); a message loses them to a space.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f\ufffd\ufffe\uffff\ud800-\udfff]")
# The characters XML 1.0 cannot carry at all; in ErrRec they become U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A body line holds at most 100,000 UTF-16 units of ErrRec, each at most 5 bytes once escaped
# (``&amp;``), plus up to 999 ErrInf of at most ~600 bytes each.
_MAX_LINE_BYTES = 2 << 20
_START, _END = "<Document>", "</Document>"


class FeedbackFlag(StrEnum):
    """The feedback flag: position 30 of the name and position 39 of the header (§2.5)."""

    ALL_LOADED = "1"
    """Every record of the original file was loaded."""
    NOTHING_LOADED = "2"
    """The original file's name or header was wrong; nothing was loaded."""
    PARTLY_LOADED = "3"
    """Some records were rejected (all of them, when the accepted count is 0)."""


@dataclass(frozen=True, slots=True)
class FeedbackError:
    """One ``ErrInf``: an error code (AN6) and its explanation (ANC..100).

    The message is kept as the bureau will read it: full-width characters become half-width,
    characters a text value cannot carry (line breaks, control characters) become spaces, and
    the ends are trimmed. Messages over 100 UTF-16 units are cut when written.

    >>> FeedbackError("ABE001", "　AcctBal must be a number\\n(got ＡＢＣ) ")
    FeedbackError(code='ABE001', message='AcctBal must be a number (got ABC)')
    """

    code: str
    message: str

    def __post_init__(self) -> None:
        try:
            code = FB_CODE.write(self.code)
        except ValueProblem as problem:
            raise InvalidInput(problem.code, problem.message) from None
        message = preprocess(_NOT_TEXT.sub(" ", preprocess(self.message)))
        if not message:
            raise InvalidInput(BLANK, f"the message of {code} must not be blank")
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "message", message)


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record the PBOC did not load: its position, why, and the line as submitted."""

    position: int
    """1-based line number of the record in the body of the original file (``ErrRecId``)."""
    errors: tuple[FeedbackError, ...]
    """The errors found, in the order found; only the first five are written."""
    line: str
    """The original body line, verbatim (``ErrRec``); cut to 100,000 UTF-16 units when written."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "errors", tuple(self.errors))
        if isinstance(self.position, bool) or not 1 <= self.position < 10**8:
            raise InvalidInput(
                WRONG_TYPE, f"ErrRecId is a line number from 1 to 99999999; got {self.position}"
            )
        if not self.errors:
            raise InvalidInput(MISSING, f"the rejected record {self.position} has no ErrInf")
        if not self.line:
            raise InvalidInput(BLANK, f"the rejected record {self.position} has an empty line")

    @classmethod
    def of(cls, position: int, errors: Iterable[RecordError], line: str) -> RejectedRecord:
        """The feedback entry of a record the validator rejected: each error as its code and
        ``tag: message``."""
        found = tuple(FeedbackError(e.code, f"{e.tag}: {e.message}") for e in errors)
        return cls(position, found, line)


@dataclass(frozen=True, slots=True)
class FeedbackHeader:
    """The 72-character first line of a feedback file (§2.5).

    ``created`` is the naive wall-clock time in China (an aware time is converted to it).

    >>> header = FeedbackHeader(
    ...     "B10211000H0001202408012100001", FeedbackFlag.PARTLY_LOADED, "2.0.0",
    ...     datetime(2024, 8, 2, 10, 30), accepted=8, rejected=2)
    >>> header.render()
    'A0722.0.0B10211000H000120240801210000132.0.02024080210300000000080000002'
    """

    original_name: str
    """The first 29 characters of the original file's name (without its feedback flag)."""
    flag: FeedbackFlag
    original_version: str
    """The record version of the original file, e.g. ``2.0.0``."""
    created: datetime
    accepted: int
    """Records of the original file that were loaded."""
    rejected: int
    """Records of the original file that were rejected: the body lines under flag 3."""
    version: str = RECORD_VERSION

    def __post_init__(self) -> None:
        object.__setattr__(self, "created", china_wall_clock(self.created))
        try:
            object.__setattr__(self, "flag", FeedbackFlag(self.flag))
        except ValueError:
            raise InvalidInput(
                BAD_HEADER, f"position 39 (feedback flag) must be 1, 2 or 3; got {self.flag!r}"
            ) from None
        problems = _header_field_problems(self)
        if problems:
            raise InvalidInput(BAD_HEADER, "; ".join(problems))

    def render(self) -> str:
        """The header line, exactly 72 characters, without line end."""
        return (
            f"A{FEEDBACK_HEADER_LENGTH:03d}{self.version}{self.original_name}{self.flag}"
            f"{self.original_version}{self.created:%Y%m%d%H%M%S}"
            f"{self.accepted:07d}{self.rejected:07d}"
        )

    @classmethod
    def parse(cls, text: str, name: FileName | None = None) -> FeedbackHeader:
        """Read a header line, or raise :class:`FileRejected`: ABH005 naming the positions that
        are wrong, ABF007 when it disagrees with the feedback file's ``name``.

        >>> FeedbackHeader.parse(
        ...     "A0722.0.0B10211000H000120240801210000112.0.02024080210300000000100000000").flag
        <FeedbackFlag.ALL_LOADED: '1'>
        """
        if len(text) != FEEDBACK_HEADER_LENGTH or "\r" in text or "\n" in text:
            raise FileRejected(
                BAD_HEADER,
                f"the feedback header has {len(text)} characters; it must have exactly "
                f"{FEEDBACK_HEADER_LENGTH} and no CR or LF",
            )
        problems = []
        if text[0] != "A":
            problems.append(f"position 1 (start mark) must be 'A'; got {text[0]!r}")
        if text[1:4] != f"{FEEDBACK_HEADER_LENGTH:03d}":
            problems.append(f"positions 2-4 (header length) must be '072'; got {text[1:4]!r}")
        if text[38] not in "123":
            problems.append(f"position 39 (feedback flag) must be 1, 2 or 3; got {text[38]!r}")
        created = None
        if _TIME.fullmatch(text[44:58]):
            with contextlib.suppress(ValueError):
                # The interface's times are China wall-clock times without a zone (§2.2).
                created = datetime.strptime(text[44:58], "%Y%m%d%H%M%S")  # noqa: DTZ007
        if created is None:
            problems.append(
                f"positions 45-58 (creation time) must be yyyyMMddHHmmss; got {text[44:58]!r}"
            )
        for where, what, part in (
            ("59-65", "accepted", text[58:65]),
            ("66-72", "rejected", text[65:]),
        ):
            if not _COUNT.fullmatch(part):
                problems.append(f"positions {where} ({what} count) must be 7 digits; got {part!r}")
        if problems or created is None:
            raise FileRejected(BAD_HEADER, "; ".join(problems))
        try:
            header = cls(
                original_name=text[9:38],
                flag=FeedbackFlag(text[38]),
                original_version=text[39:44],
                created=created,
                accepted=int(text[58:65]),
                rejected=int(text[65:]),
                version=text[4:9],
            )
        except InvalidInput as exc:
            raise FileRejected(BAD_HEADER, exc.message) from None
        if name is not None:
            header.check_name(name)
        return header

    def check_name(self, name: FileName) -> None:
        """Raise :class:`FileRejected` ABF007 when the header disagrees with the file name.

        The original name in the header must be the first 29 characters of the feedback
        file's name, since both come from the original file's name (§2.5, an inference).
        """
        disagreements = [
            f"{what}: header {theirs!r}, name {ours!r}"
            for what, theirs, ours in (
                ("feedback flag", str(self.flag), name.feedback_flag),
                ("original file name", self.original_name, name.stem[:29]),
            )
            if theirs != ours
        ]
        if disagreements:
            raise FileRejected(
                HEADER_VS_NAME,
                "the feedback header disagrees with the file name on " + "; ".join(disagreements),
            )


def _header_field_problems(header: FeedbackHeader) -> list[str]:
    problems = []
    if not _VERSION.fullmatch(header.version):
        problems.append(f"positions 5-9 (version) must look like 2.0.0; got {header.version!r}")
    if not _NAME_PART.fullmatch(header.original_name):
        problems.append(
            "positions 10-38 (original file name) must be 29 printable ASCII characters; "
            f"got {header.original_name!r}"
        )
    if not _VERSION.fullmatch(header.original_version):
        problems.append(
            "positions 40-44 (original file version) must look like 2.0.0; "
            f"got {header.original_version!r}"
        )
    if not FIRST_YEAR <= header.created.year <= LAST_YEAR:
        problems.append(f"positions 45-58 (creation time) must lie in {FIRST_YEAR}-{LAST_YEAR}")
    for what, count in (("accepted", header.accepted), ("rejected", header.rejected)):
        if isinstance(count, bool) or not 0 <= count <= 9_999_999:
            problems.append(f"the {what} count must be 0 to 9999999; got {count}")
    if header.flag is FeedbackFlag.ALL_LOADED and header.rejected:
        problems.append(f"flag 1 (every record loaded) with {header.rejected} rejected")
    if header.flag is FeedbackFlag.NOTHING_LOADED and header.accepted:
        problems.append(f"flag 2 (nothing loaded) with {header.accepted} accepted")
    if header.flag is FeedbackFlag.PARTLY_LOADED and not header.rejected:
        problems.append("flag 3 (records rejected) with 0 rejected")
    return problems


def feedback_name(original: FileName, flag: FeedbackFlag | str) -> FileName:
    """The name of the feedback file for the report file ``original``.

    >>> original = FileName.parse("B10211000H00012024080121000010.txt")
    >>> feedback_name(original, FeedbackFlag.PARTLY_LOADED).render()
    'B10211000H00012024080121000013.txt'
    """
    if original.feedback_flag != "0":
        raise InvalidInput(BAD_NAME, f"{original.stem} is not a report file's name (flag not 0)")
    try:
        checked = FeedbackFlag(flag)
    except ValueError:
        raise InvalidInput(BAD_NAME, f"a feedback flag is 1, 2 or 3; got {flag!r}") from None
    return dataclasses.replace(original, feedback_flag=str(checked))


# --- writing -----------------------------------------------------------------------------


def write_feedback(
    directory: Path,
    original: FileName,
    created: datetime,
    accepted: int | Callable[[], int],
    rejected: Iterable[RejectedRecord],
    file_errors: Sequence[FeedbackError] = (),
    *,
    original_version: str = RECORD_VERSION,
) -> Path:
    """Write the feedback file for the report file ``original`` and return its path.

    With ``file_errors`` the flag is 2 and the body is one line listing them (``accepted``
    must then be 0 and ``rejected`` empty); otherwise the flag is 1 when no record was
    rejected and 3 when some were, with one line per rejected record. The records are
    streamed to a temporary file, so the header carries the true rejected count, then header
    and body go to another temporary file that replaces the final path atomically; nothing is
    left behind on error. ``accepted`` may be a function, asked once the rejected records have
    been consumed, for a caller that counts the accepted ones as it streams. Raises
    :class:`InvalidInput` for bad arguments and :class:`Conflict` (ABF009) when a feedback
    for ``original`` exists already.
    """
    created = china_wall_clock(created)
    names = {flag: feedback_name(original, flag) for flag in FeedbackFlag}
    records = iter(rejected)
    if file_errors and ((not callable(accepted) and accepted) or next(records, None) is not None):
        raise InvalidInput(
            BAD_HEADER, "a file rejected as a whole (flag 2) has no accepted or rejected records"
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in names.values():
        if (directory / name.render()).exists():
            raise Conflict("ABF009", f"the feedback {name.render()} exists already")
    stem = original.stem
    body_fd, body_name = tempfile.mkstemp(dir=directory, prefix=f".{stem}.", suffix=".body")
    whole_name = None
    try:
        count = 0
        with os.fdopen(body_fd, "wb") as body:
            if file_errors:
                body.write(_file_errors_line(file_errors).encode("utf-8"))
            for record in records:
                data = _record_line(record).encode("utf-8")
                body.write(b"\r\n" + data if count else data)
                count += 1
        if file_errors:
            flag = FeedbackFlag.NOTHING_LOADED
        else:
            flag = FeedbackFlag.PARTLY_LOADED if count else FeedbackFlag.ALL_LOADED
        loaded = accepted() if callable(accepted) else accepted
        header = FeedbackHeader(stem[:29], flag, original_version, created, loaded, count)
        whole_fd, whole_name = tempfile.mkstemp(dir=directory, prefix=f".{stem}.")
        with os.fdopen(whole_fd, "wb") as whole, open(body_name, "rb") as body:
            whole.write(header.render().encode("ascii"))
            if flag is not FeedbackFlag.ALL_LOADED:
                whole.write(b"\r\n")
                shutil.copyfileobj(body, whole, 1 << 20)
            whole.flush()
            os.fsync(whole.fileno())
        final = directory / names[flag].render()
        os.replace(whole_name, final)
    finally:
        for leftover in (body_name, whole_name):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(leftover)
    return final


def _cut(text: str, units: int) -> str:
    """``text`` cut to at most ``units`` UTF-16 units, never inside a surrogate pair."""
    if len(text) <= units // 2 or _units(text) <= units:
        return text
    cut = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
    kept = cut.decode("utf-16-le", "surrogatepass")
    return kept[:-1] if "\ud800" <= kept[-1] <= "\udbff" else kept


def _element(spec: FieldSpec, value: object) -> str:
    try:
        text = spec.write(value)
    except ValueProblem as problem:
        raise InvalidInput(problem.code, problem.message) from None
    return f"<{spec.tag}>{escape(text or '')}</{spec.tag}>"


def _errors_xml(errors: Sequence[FeedbackError]) -> str:
    parts = [_element(FB_ERR_NUM, len(errors))]
    for error in errors:
        message = preprocess(_cut(error.message, FB_MSG.length))
        parts.append(f"<ErrInf>{_element(FB_CODE, error.code)}{_element(FB_MSG, message)}</ErrInf>")
    return "".join(parts)


def _file_errors_line(errors: Sequence[FeedbackError]) -> str:
    # FbErrNum is uInt..3: a file-level record names at most 999 errors.
    return f"{_START}<FbInf>{_errors_xml(errors[:999])}</FbInf>{_END}"


def _record_line(record: RejectedRecord) -> str:
    # Verbatim as far as XML allows: CR and LF travel as character references, characters
    # XML 1.0 cannot hold at all become U+FFFD.
    line = _NOT_XML.sub("\ufffd", _cut(record.line, ERR_REC.length))
    verbatim = escape(line).replace("\r", "&#13;").replace("\n", "&#10;")
    return (
        f"{_START}<FbInf>{_element(ERR_REC_ID, record.position)}"
        f"{_errors_xml(record.errors[:MAX_ERRORS_PER_RECORD])}"
        f"<ErrRec>{verbatim}</ErrRec></FbInf>{_END}"
    )


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feedback:
    """A feedback file whose name and header passed their checks; records are read lazily."""

    path: Path
    name: FileName
    header: FeedbackHeader
    file_errors: tuple[FeedbackError, ...]
    """The file-level errors (flag 2); empty under flags 1 and 3."""
    body_offset: int
    """Byte offset of the first body line."""

    def rejected(self) -> Iterator[RejectedRecord]:
        """The rejected records (flag 3), streamed from the file in constant memory.

        Raises :class:`FileRejected` at the first bad line, with ``line`` its 1-based number in
        the body, and once the end is reached ABH005 when the header's rejected count is not
        the number of lines.
        """
        if self.header.flag is not FeedbackFlag.PARTLY_LOADED:
            return
        number = 0
        with self.path.open("rb") as stream:
            stream.seek(self.body_offset)
            while raw := stream.readline(_MAX_LINE_BYTES + 2):
                number += 1
                yield _read_record(_decode(raw, number), number)
        if number != self.header.rejected:
            raise FileRejected(
                BAD_HEADER,
                f"the header says {self.header.rejected} records were rejected but the file "
                f"lists {number}",
            )

    def verify(self) -> int:
        """Read the whole file once, check every rule, and return the number of records."""
        return sum(1 for _ in self.rejected())


def read_feedback(path: Path) -> Feedback:
    """Open a feedback file: check its name, its header and their agreement, and read the
    file-level errors of a flag-2 file. The rejected records are read by
    :meth:`Feedback.rejected`.
    """
    path = Path(path)
    name = FileName.parse(path.name)
    if name.feedback_flag not in "123":
        raise FileRejected(
            BAD_NAME, f"position 30 (feedback flag) must be 1, 2 or 3; got {name.feedback_flag!r}"
        )
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise NotFound("pboc.file_missing", f"{path} does not exist") from None
    with stream:
        first = stream.readline(FEEDBACK_HEADER_LENGTH + 3)
        header = FeedbackHeader.parse(_decode_header(first, stream.peek(1) == b""), name)
        file_errors: tuple[FeedbackError, ...] = ()
        if header.flag is FeedbackFlag.ALL_LOADED and stream.read(1):
            raise FileRejected(BAD_HEADER, "flag 1 (every record loaded) but the file has a body")
        if header.flag is FeedbackFlag.NOTHING_LOADED:
            raw = stream.readline(_MAX_LINE_BYTES + 2)
            if not raw:
                raise FileRejected(MISSING, "flag 2 (nothing loaded) but no FbInf follows")
            file_errors = _read_errors_line(_decode(raw, 1), 1)
            if stream.read(1):
                raise FileRejected(
                    UNPARSEABLE, "a file rejected as a whole holds one FbInf line", line=2
                )
    return Feedback(path, name, header, file_errors, len(first))


def _decode_header(first: bytes, at_end: bool) -> str:
    if first.endswith(b"\r\n"):
        data = first[:-2]
    elif first.endswith(b"\n"):
        raise FileRejected(BAD_SEPARATORS, "the header ends with LF alone; it must end with CRLF")
    elif at_end:
        data = first  # a file without body lines
    else:
        raise FileRejected(
            BAD_HEADER, f"the header line is longer than {FEEDBACK_HEADER_LENGTH} characters"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRejected(NOT_UTF8, "the header is not UTF-8") from None


def _decode(raw: bytes, number: int) -> str:
    if raw.endswith(b"\r\n"):
        data = raw[:-2]
    elif raw.endswith(b"\n"):
        raise _at(BAD_SEPARATORS, "ends with LF alone; lines end with CRLF", number)
    elif len(raw) > _MAX_LINE_BYTES:
        raise _at(LINE_TOO_LONG, f"is over {_MAX_LINE_BYTES} bytes", number)
    else:
        data = raw  # the last line, without a final CRLF
    if not data:
        raise _at(BAD_SEPARATORS, "is blank", number)
    if b"\r" in data:
        raise _at(BAD_SEPARATORS, "holds a CR without LF", number)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _at(NOT_UTF8, f"is not UTF-8 (byte {exc.start + 1})", number) from None


def _at(code: str, problem: str, number: int) -> FileRejected:
    return FileRejected(code, f"body line {number} {problem}", line=number)


def _fb_inf(text: str, number: int) -> ET.Element:
    """The ``FbInf`` element of a body line, or :class:`FileRejected` ABF002/ABD000."""
    if not (text.startswith(_START) and text.endswith(_END)):
        raise _at(UNPARSEABLE, f"must start with {_START} and end with {_END}", number)
    try:
        # The line starts with <Document>, so it cannot carry a DTD: no entity expansion, no
        # external entities, and expat refuses anything else that is not plain XML.
        document = ET.fromstring(text)  # noqa: S314
    except (ET.ParseError, ValueError) as exc:
        raise _at(UNPARSEABLE, f"is not well-formed XML ({exc})", number) from None
    _check_plain(document, number)
    if not len(document):
        raise _at(MISSING, "has no <FbInf>", number)
    if len(document) > 1 or document[0].tag != "FbInf":
        raise _at(UNPARSEABLE, "must hold exactly one <FbInf> in <Document>", number)
    _check_plain(document[0], number)
    return document[0]


def _check_plain(element: ET.Element, number: int) -> None:
    if element.attrib:
        raise _at(UNPARSEABLE, f"<{element.tag}> carries attributes", number)
    if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
        raise _at(UNPARSEABLE, f"<{element.tag}> holds text outside its elements", number)


def _children(
    element: ET.Element, singles: Sequence[str], number: int, repeated: str = ""
) -> tuple[dict[str, ET.Element], list[ET.Element]]:
    found: dict[str, ET.Element] = {}
    group: list[ET.Element] = []
    for child in element:
        if child.tag == repeated:
            _check_plain(child, number)
            group.append(child)
            continue
        if child.tag not in singles:
            raise _at(UNPARSEABLE, f"has an unknown tag <{child.tag}> in <{element.tag}>", number)
        if child.tag in found:
            raise _at(UNPARSEABLE, f"has <{child.tag}> twice in <{element.tag}>", number)
        if child.attrib or len(child):
            raise _at(UNPARSEABLE, f"<{child.tag}> must hold text only", number)
        found[child.tag] = child
    return found, group


def _value(spec: FieldSpec, found: dict[str, ET.Element], number: int) -> object:
    element = found.get(spec.tag)
    try:
        return spec.read(None if element is None else preprocess(element.text or ""))
    except ValueProblem as problem:
        raise _at(problem.code, f"{spec.tag}: {problem.message}", number) from None


def _errors(
    found: dict[str, ET.Element], infos: list[ET.Element], number: int
) -> tuple[FeedbackError, ...]:
    count = _value(FB_ERR_NUM, found, number)
    errors = []
    for info in infos:
        parts, _ = _children(info, (FB_CODE.tag, FB_MSG.tag), number)
        code, message = _value(FB_CODE, parts, number), _value(FB_MSG, parts, number)
        try:
            errors.append(FeedbackError(str(code), str(message)))
        except InvalidInput as exc:
            raise _at(exc.code, exc.message, number) from None
    if count != len(errors):
        raise _at(COUNT_MISMATCH, f"FbErrNum is {count} but {len(errors)} ErrInf follow", number)
    return tuple(errors)


def _read_errors_line(text: str, number: int) -> tuple[FeedbackError, ...]:
    fb_inf = _fb_inf(text, number)
    found, infos = _children(fb_inf, (FB_ERR_NUM.tag,), number, "ErrInf")
    return _errors(found, infos, number)


def _read_record(text: str, number: int) -> RejectedRecord:
    fb_inf = _fb_inf(text, number)
    found, infos = _children(
        fb_inf, (ERR_REC_ID.tag, FB_ERR_NUM.tag, ERR_REC.tag), number, "ErrInf"
    )
    position = _value(ERR_REC_ID, found, number)
    errors = _errors(found, infos, number)
    element = found.get(ERR_REC.tag)
    if element is None:
        raise _at(MISSING, "ErrRec (the rejected record line) is missing", number)
    # ErrRec is the line verbatim, so only an empty one is blank; it is not preprocessed.
    line = element.text or ""
    if not line:
        raise _at(BLANK, "ErrRec must not be blank", number)
    if len(line) > ERR_REC.length // 2 and _units(line) > ERR_REC.length:
        raise _at(BAD_HEADER, f"ErrRec is over {ERR_REC.length} characters", number)
    assert isinstance(position, int)  # ErrRecId is uInt..8
    try:
        return RejectedRecord(position, errors, line)
    except InvalidInput as exc:
        raise _at(exc.code, exc.message, number) from None
