"""The validator: every rule of the interface applied to a line, a record or a whole file.

:func:`check_line` applies one record type's :class:`~zhengxin.pboc.rules.RuleBook` to one body
line. :func:`check_file` opens a submission file, applies the file-level rules of §2 (name,
header, separators, encoding, line length, record count) and then, streaming, every record rule
of the header's record type with the file's REC_TYPE, FILE_CREATE_DATE and FINAN_CODE (§2.4).
Errors are values: a :class:`Finding` is (line, record key, segment, tag, value, code, message).

>>> from zhengxin.pboc.record210 import SAMPLE_LINE
>>> check_line(SAMPLE_LINE)
[]
>>> [e.code for e in check_line(SAMPLE_LINE.replace("<RpyStatus>C<", "<RpyStatus>N<"))]
['BLE030']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from zhengxin.kernel.errors import FileRejected, InvalidInput, NotFound
from zhengxin.pboc.errors import RecordError
from zhengxin.pboc.feedback import FeedbackError, RejectedRecord, write_feedback
from zhengxin.pboc.files import Submission, read_submission
from zhengxin.pboc.header import FileHeader, FileName
from zhengxin.pboc.rules import ERROR_CAP, FileContext, Registry, RuleBook, SameInstitution
from zhengxin.pboc.rules110 import BOOK as BOOK_110
from zhengxin.pboc.rules210_perf import BOOK as BOOK_210
from zhengxin.pboc.rules220 import BOOK as BOOK_220
from zhengxin.pboc.rules_corrections import BOOKS_CORRECTIONS
from zhengxin.pboc.rules_variants import BOOKS_VARIANTS

BOOKS: dict[str, RuleBook] = {
    "110": BOOK_110,
    "210": BOOK_210,
    "220": BOOK_220,
    **BOOKS_VARIANTS,
    **BOOKS_CORRECTIONS,
}
"""The rule book of each record type this package validates."""


def book_for(record_type: str) -> RuleBook:
    """The rule book of a record type, or :class:`NotFound` naming the types there are."""
    book = BOOKS.get(record_type)
    if book is None:
        known = ", ".join(sorted(BOOKS))
        raise NotFound(
            "pboc.record_type", f"no rules for record type {record_type!r}; known: {known}"
        )
    return book


def check_line(
    line: str,
    record_type: str = "210",
    context: FileContext | None = None,
    cap: int = ERROR_CAP,
) -> list[RecordError]:
    """Every error of one body line (at most ``cap``, five by default as the client does)."""
    return book_for(record_type).check(line, context, cap)[1]


@dataclass(frozen=True, slots=True)
class Finding:
    """One error of one record of a file, with where it is."""

    line: int
    """1-based line number in the body (the header is line 0)."""
    key: str
    """The record's identifier (AcctCode, ContractCode ...), ``""`` when unreadable."""
    segment: str
    tag: str
    value: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The finding as plain data, for JSON output."""
        return asdict(self)


class LineResult(NamedTuple):
    """One body line and its errors (none when the record is accepted)."""

    line: int
    key: str
    text: str
    errors: tuple[RecordError, ...]

    def findings(self) -> list[Finding]:
        """The errors as :class:`Finding` values."""
        return [
            Finding(self.line, self.key, e.segment, e.tag, e.value, e.code, e.message)
            for e in self.errors
        ]


@dataclass(frozen=True, slots=True)
class FileError:
    """A file-level error (§2.4): the whole file is refused."""

    code: str
    message: str
    line: int | None = None


@dataclass
class FileCheck:
    """A submission file under check: file-level errors first, then its records, streamed."""

    path: Path
    name: FileName | None
    header: FileHeader | None
    file_errors: list[FileError]
    cap: int = ERROR_CAP
    registry: Registry = field(default_factory=SameInstitution)
    accepted: int = 0
    rejected: int = 0
    _submission: Submission | None = None

    @property
    def ok(self) -> bool:
        """Whether the file passed every file-level rule (records may still be rejected)."""
        return not self.file_errors

    def records(self) -> Iterator[LineResult]:
        """Each body line with its errors, in file order; nothing when the file is refused.

        Counts :attr:`accepted` and :attr:`rejected` as it goes. When the body was not read
        beforehand (``check_file(..., verify_first=False)``), a file-level error met on the way
        (a bad separator, a line too long, a record count the header got wrong) is added to
        :attr:`file_errors` and ends the iteration: the file is then refused as a whole.
        """
        submission = self._submission
        if submission is None or self.file_errors:
            return
        header = submission.header
        context = FileContext(
            header.record_type, header.created.date(), header.institution, self.registry
        )
        book = book_for(header.record_type)
        cap = self.cap
        lines = submission.lines()
        while True:
            try:
                number, text = next(lines)
            except StopIteration:
                return
            except FileRejected as exc:
                line = exc.details.get("line")
                self.file_errors.append(FileError(exc.code, exc.message, line))
                return
            key, errors = book.check(text, context, cap)
            if errors:
                self.rejected += 1
            else:
                self.accepted += 1
            yield LineResult(number, key, text, tuple(errors))


def check_file(
    path: Path,
    registry: Registry | None = None,
    cap: int = ERROR_CAP,
    verify_first: bool = True,
) -> FileCheck:
    """Open a submission and check every file-level rule; iterate ``records()`` for the rest.

    With ``verify_first`` the body is read once here to check separators, encoding, line
    lengths and the header's record count (§2.3, §2.4), so that a file refused as a whole is
    known before any record (what a bureau and its feedback need). Without it those checks are
    made while ``records()`` streams, in one pass (what a furnisher checking its own file
    needs); the name and header are checked here either way.
    """
    path = Path(path)
    registry = registry or SameInstitution()
    try:
        submission = read_submission(path)
    except FileRejected as exc:
        return FileCheck(path, None, None, [FileError(exc.code, exc.message)], cap, registry)
    check = FileCheck(path, submission.name, submission.header, [], cap, registry)
    if submission.header.record_type not in BOOKS:
        known = ", ".join(sorted(BOOKS))
        check.file_errors.append(
            FileError(
                "ABH005",
                f"record type {submission.header.record_type} is not one this system checks "
                f"({known})",
            )
        )
        return check
    try:
        if verify_first:
            submission.verify()
    except FileRejected as exc:
        line = exc.details.get("line") if isinstance(exc.details, dict) else None
        check.file_errors.append(FileError(exc.code, exc.message, line))
        return check
    check._submission = submission
    return check


def feedback_for(check: FileCheck, directory: Path, created: datetime) -> Path:
    """Write the feedback file the bureau returns for a checked submission (§2.5).

    Flag 2 with the file-level errors when the file was refused as a whole; otherwise every
    rejected record with its errors (at most five) and its line, flag 1 or 3. Iterates the
    records itself when they have not been checked yet; the body is streamed, never held.
    Raises :class:`~zhengxin.kernel.errors.InvalidInput` when the file name itself is unreadable,
    since a feedback file is named after the file it answers.
    """
    if check.name is None:
        first = check.file_errors[0] if check.file_errors else FileError("ABN003", "bad name")
        raise InvalidInput(
            "pboc.no_feedback_name",
            f"{check.path.name} is not a valid report file name ({first.code}: "
            f"{first.message}); a feedback file needs the name of the file it answers",
        )
    if check.file_errors:
        errors = [FeedbackError(e.code, e.message) for e in check.file_errors]
        return write_feedback(directory, check.name, created, 0, (), errors)
    rejected = (
        RejectedRecord.of(result.line, result.errors, result.text)
        for result in check.records()
        if result.errors
    )
    return write_feedback(directory, check.name, created, lambda: check.accepted, rejected)
