"""Submission files: the 30-character name, the 50-character header and the body lines (§2).

A file is ``header CRLF line CRLF line … line``: UTF-8, one record per line, exactly one CRLF
between lines, no blank line. :func:`write_submission` writes no CRLF after the last line;
:func:`read_submission` also accepts one. Both stream: a file of millions of records is written
and read in constant memory.

A bureau checks a whole file before applying anything: ``read_submission(path).verify()`` reads
it once and raises :class:`~zhengxin.kernel.errors.FileRejected` with the §2.4 code (ABN003
name, ABH005 header or record count, ABF007 header vs name, ABF008 line too long, ABF010
separators, ABF011 not UTF-8); only then does it iterate :meth:`Submission.lines`.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zhengxin.kernel.errors import Conflict, FileRejected, InvalidInput, NotFound
from zhengxin.pboc.fields import utf16_length
from zhengxin.pboc.header import (
    BAD_HEADER,
    BAD_NAME,
    HEADER_LENGTH,
    FileHeader,
    FileName,
    china_wall_clock,
)

CRLF = "\r\n"
MAX_LINE = 100_000
"""Longest body line accepted, in characters (the loan-record catalogue's limit, §2.3)."""
_MAX_LINE_BYTES = 3 * MAX_LINE  # UTF-8 needs at most 3 bytes per UTF-16 unit

HEADER_VS_NAME = "ABF007"
LINE_TOO_LONG, BAD_SEPARATORS, NOT_UTF8 = "ABF008", "ABF010", "ABF011"


def write_submission(
    directory: Path, name: FileName, created: datetime, lines: Iterable[str]
) -> Path:
    """Write a report file ``directory/name`` holding ``lines`` and return its path.

    The body is streamed to a temporary file first, so the header can carry the true record
    count; header and body are then written to another temporary file that replaces the final
    path atomically. Nothing is left behind on error. No CRLF follows the last line. Raises
    :class:`InvalidInput` (ABF007 when ``created`` is not on the name's date, ABF008/ABF010/
    ABF011 for a bad line) and :class:`Conflict` (ABF009) when the file exists already, since a
    name must never repeat. ``directory`` is created when it does not exist.
    """
    created = china_wall_clock(created)
    if name.feedback_flag != "0":
        raise InvalidInput(BAD_NAME, "a report file's feedback flag (position 30) is '0'")
    if created.date() != name.file_date:
        raise InvalidInput(
            HEADER_VS_NAME, f"the file is dated {name.file_date} but created on {created.date()}"
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / name.render()
    if final.exists():
        raise Conflict("ABF009", f"{final.name} exists already; use another serial number")
    body_fd, body_name = tempfile.mkstemp(dir=directory, prefix=f".{name.stem}.", suffix=".body")
    whole_name = None
    try:
        count = 0
        with os.fdopen(body_fd, "wb") as body:
            for line in lines:
                data = _encode_line(line, count + 1)
                body.write(b"\r\n" + data if count else data)
                count += 1
        header = FileHeader(
            name.record_type,
            name.institution,
            created,
            count,
            template="10" if name.record_type in ("110", "310") else "  ",
        )
        whole_fd, whole_name = tempfile.mkstemp(dir=directory, prefix=f".{name.stem}.")
        with os.fdopen(whole_fd, "wb") as whole, open(body_name, "rb") as body:
            whole.write(header.render().encode("ascii"))
            if count:
                whole.write(b"\r\n")
                shutil.copyfileobj(body, whole, 1 << 20)
            whole.flush()
            os.fsync(whole.fileno())
        os.replace(whole_name, final)
    finally:
        for leftover in (body_name, whole_name):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(leftover)
    return final


def _encode_line(line: str, number: int) -> bytes:
    if "\r" in line or "\n" in line or not line:
        raise InvalidInput(BAD_SEPARATORS, f"body line {number} is empty or contains CR/LF")
    if len(line) > MAX_LINE // 2 and utf16_length(line) > MAX_LINE:
        raise InvalidInput(LINE_TOO_LONG, f"body line {number} is over {MAX_LINE} characters")
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(NOT_UTF8, f"body line {number} cannot be encoded as UTF-8") from None


@dataclass(frozen=True, slots=True)
class Submission:
    """A report file whose name and header passed their checks; the body is read lazily."""

    path: Path
    name: FileName
    header: FileHeader
    body_offset: int
    """Byte offset of the first body line."""

    def lines(self) -> Iterator[tuple[int, str]]:
        """``(line_number, text)`` for each body line (1-based), streamed from the file.

        Raises :class:`FileRejected` at the first bad line (ABF008, ABF010, ABF011) and, once
        the end is reached, ABH005 when the header's record count is not the real count.
        """
        number = 0
        with self.path.open("rb") as stream:
            stream.seek(self.body_offset)
            while raw := stream.readline(_MAX_LINE_BYTES + 2):
                number += 1
                yield number, _decode_line(raw, number)
        if number != self.header.record_count:
            raise FileRejected(
                BAD_HEADER,
                f"the header says {self.header.record_count} records but the file holds {number}",
            )

    def verify(self) -> int:
        """Read the whole file once, check every file-level rule, and return the record count."""
        return sum(1 for _ in self.lines())


def _decode_line(raw: bytes, number: int) -> str:
    if raw.endswith(b"\r\n"):
        data = raw[:-2]
    elif raw.endswith(b"\n"):
        raise FileRejected(
            BAD_SEPARATORS, f"line {number} ends with LF alone; lines end with CRLF", line=number
        )
    elif len(raw) > _MAX_LINE_BYTES:
        raise FileRejected(
            LINE_TOO_LONG, f"line {number} is over {MAX_LINE} characters", line=number
        )
    else:
        data = raw  # the last line, without a final CRLF
    if not data:
        raise FileRejected(BAD_SEPARATORS, f"line {number} is blank", line=number)
    if b"\r" in data:
        raise FileRejected(BAD_SEPARATORS, f"line {number} holds a CR without LF", line=number)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            NOT_UTF8, f"line {number} is not UTF-8 (byte {exc.start + 1})", line=number
        ) from None
    if len(text) > MAX_LINE // 2 and utf16_length(text) > MAX_LINE:
        raise FileRejected(
            LINE_TOO_LONG, f"line {number} is over {MAX_LINE} characters", line=number
        )
    return text


def _utf8_start(data: bytes) -> bool:
    """Whether ``data`` can begin a UTF-8 text: no NUL (UTF-16 and UTF-32 put one beside every
    ASCII character) and no invalid sequence (a character cut at the end is fine)."""
    if b"\x00" in data:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def read_submission(path: Path) -> Submission:
    """Open a report file: check its name and header and their agreement, then return it.

    The body is not read here; call :meth:`Submission.verify` to check every line and the
    record count before applying anything, then iterate :meth:`Submission.lines`.
    """
    path = Path(path)
    name = FileName.parse(path.name)
    if name.feedback_flag != "0":
        raise FileRejected(
            BAD_NAME, f"position 30 (feedback flag) is {name.feedback_flag!r}: not a report file"
        )
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise NotFound("pboc.file_missing", f"{path} does not exist") from None
    with stream:
        first = stream.readline(HEADER_LENGTH + 3)
        at_end = not stream.read(1)
    if not _utf8_start(first):
        raise FileRejected(NOT_UTF8, "the file is not UTF-8 (its first line is not UTF-8 text)")
    if first.endswith(b"\r\n"):
        header_bytes = first[:-2]
    elif first.endswith(b"\n"):
        raise FileRejected(BAD_SEPARATORS, "the header ends with LF alone; it must end with CRLF")
    elif at_end:
        header_bytes = first  # a file without records
    else:
        raise FileRejected(BAD_HEADER, f"the header line is longer than {HEADER_LENGTH} characters")
    try:
        header_text = header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRejected(NOT_UTF8, "the header is not UTF-8") from None
    header = FileHeader.parse(header_text)
    disagreements = [
        f"{what}: header {theirs!r}, name {ours!r}"
        for what, theirs, ours in (
            ("institution code", header.institution, name.institution),
            ("date", header.created.date().isoformat(), name.file_date.isoformat()),
            ("record type", header.record_type, name.record_type),
        )
        if theirs != ours
    ]
    if disagreements:
        raise FileRejected(
            HEADER_VS_NAME, "the header disagrees with the file name on " + "; ".join(disagreements)
        )
    return Submission(path, name, header, len(first))
