"""Submission files: name, header, body, and every file-level error code of §2.4."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from zhengxin.kernel.errors import Conflict, FileRejected, InvalidInput
from zhengxin.pboc import AccountRecord, FileHeader, FileName, read_submission, write_submission

GOLDEN = Path(__file__).parent / "golden"
INSTITUTION = "B10211000H0001"
NAME = FileName(INSTITUTION, date(2024, 8, 1), "210", "001")
HEADER = "A0502102.0.0  B10211000H00012024080109300000000010"


def golden_lines() -> list[str]:
    return [p.read_text(encoding="utf-8").removesuffix("\n") for p in sorted(GOLDEN.glob("*.txt"))]


def craft(directory: Path, body: bytes, *, count: int = 2, name: str | None = None) -> Path:
    """A file written byte by byte, so that each test can break exactly one rule."""
    header = f"A0502102.0.0  {INSTITUTION}20240801093000{0}{count:07d}".encode()
    path = directory / (name or NAME.render())
    path.write_bytes(header + body)
    return path


def rejected(path: Path) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        read_submission(path).verify()
    return caught.value


def test_file_name_example_of_the_spec() -> None:
    assert NAME.render() == "B10211000H00012024080121000010.txt"
    parsed = FileName.parse("/incoming/B10211000H00012024080121000010.txt")
    assert parsed == NAME
    assert (parsed.institution, parsed.serial, parsed.feedback_flag) == (INSTITUTION, "001", "0")


@pytest.mark.parametrize(
    ("name", "position"),
    [
        ("B10211000H0001202408012100001.txt", "29 characters"),
        ("b10211000H00012024080121000010.txt", "positions 1-14"),
        ("B10211000H00012024023021000010.txt", "positions 15-22"),
        ("B10211000H000120240801X1000010.txt", "positions 23-25"),
        ("B10211000H00012024080121010010.txt", "position 26"),
        ("B10211000H00012024080121000017.txt", "position 30"),
    ],
)
def test_bad_file_names_are_ABN003_naming_the_position(name: str, position: str) -> None:
    with pytest.raises(FileRejected) as caught:
        FileName.parse(name)
    assert caught.value.code == "ABN003"
    assert position in caught.value.message


def test_header_example_of_the_spec() -> None:
    header = FileHeader("210", INSTITUTION, datetime(2024, 8, 1, 9, 30), 10)
    assert header.render() == HEADER
    assert len(header.render()) == 50
    assert FileHeader.parse(HEADER) == header
    assert (
        FileHeader("110", INSTITUTION, datetime(2024, 8, 1), 1, template="10").render()[12:14]
        == "10"
    )


def test_an_aware_creation_time_is_written_in_china_time() -> None:
    header = FileHeader("210", INSTITUTION, datetime(2024, 8, 1, 1, 30, tzinfo=UTC), 10)
    assert header.render() == HEADER


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (HEADER[:-1], "49 characters"),
        ("B" + HEADER[1:], "position 1"),
        (HEADER[:1] + "051" + HEADER[4:], "positions 2-4"),
        (HEADER[:4] + "999" + HEADER[7:], "positions 5-7"),
        (HEADER[:7] + "2.0.x" + HEADER[12:], "positions 8-12"),
        (HEADER[:28] + "20240801250000" + HEADER[42:], "positions 29-42"),
        (HEADER[:43] + "00001x0", "positions 44-50"),
    ],
)
def test_bad_headers_are_ABH005_naming_the_position(text: str, says: str) -> None:
    with pytest.raises(FileRejected) as caught:
        FileHeader.parse(text)
    assert caught.value.code == "ABH005"
    assert says in caught.value.message


def test_write_then_read_a_submission(tmp_path: Path) -> None:
    lines = golden_lines()
    path = write_submission(tmp_path, NAME, datetime(2024, 8, 1, 9, 30), iter(lines))
    assert path == tmp_path / "B10211000H00012024080121000010.txt"
    data = path.read_bytes()
    assert data == (HEADER[:-7] + "0000004\r\n" + "\r\n".join(lines)).encode("utf-8")
    assert list(tmp_path.iterdir()) == [path]
    submission = read_submission(path)
    assert submission.name == NAME
    assert submission.header.record_count == 4
    assert submission.verify() == 4
    assert [n for n, _ in submission.lines()] == [1, 2, 3, 4]
    assert [AccountRecord.from_line(t).to_line() for _, t in submission.lines()] == lines


def test_a_single_trailing_crlf_is_accepted(tmp_path: Path) -> None:
    path = craft(tmp_path, b"\r\n<Document>1</Document>\r\n<Document>2</Document>\r\n")
    assert read_submission(path).verify() == 2


def test_an_empty_submission_is_just_the_header(tmp_path: Path) -> None:
    path = write_submission(tmp_path, NAME, datetime(2024, 8, 1, 9, 30), [])
    assert path.read_bytes() == (HEADER[:-7] + "0000000").encode()
    assert read_submission(path).verify() == 0


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    write_submission(tmp_path, NAME, datetime(2024, 8, 1, 9, 30), ["<Document>1</Document>"])
    with pytest.raises(Conflict) as caught:
        write_submission(tmp_path, NAME, datetime(2024, 8, 1, 9, 30), [])
    assert caught.value.code == "ABF009"


def test_the_writer_leaves_nothing_behind_on_a_bad_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        write_submission(tmp_path, NAME, datetime(2024, 8, 1), ["<Document>1</Document>", "a\r\nb"])
    assert caught.value.code == "ABF010"
    assert list(tmp_path.iterdir()) == []


def test_the_writer_refuses_a_creation_date_other_than_the_name_date(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        write_submission(tmp_path, NAME, datetime(2024, 8, 2, 9, 30), [])
    assert caught.value.code == "ABF007"


def test_wrong_record_count_is_found_before_anything_is_applied(tmp_path: Path) -> None:
    path = craft(tmp_path, b"\r\n<Document>1</Document>\r\n<Document>2</Document>", count=3)
    error = rejected(path)
    assert error.code == "ABH005"
    assert error.message == "the header says 3 records but the file holds 2"


def test_name_error_is_ABN003(tmp_path: Path) -> None:
    path = craft(tmp_path, b"", count=0, name="B10211000H00012024080121X00010.txt")
    assert rejected(path).code == "ABN003"


def test_header_error_is_ABH005(tmp_path: Path) -> None:
    path = tmp_path / NAME.render()
    path.write_bytes(b"A050210 2.0.0" + HEADER[12:].encode())
    assert rejected(path).code == "ABH005"


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("B10211000H00022024080121000010.txt", "institution code"),
        ("B10211000H00012024080221000010.txt", "date"),
        ("B10211000H00012024080122000010.txt", "record type"),
    ],
)
def test_header_disagreeing_with_the_name_is_ABF007(tmp_path: Path, name: str, what: str) -> None:
    error = rejected(craft(tmp_path, b"", count=0, name=name))
    assert error.code == "ABF007"
    assert what in error.message


def test_a_line_that_is_not_utf8_is_ABF011(tmp_path: Path) -> None:
    path = craft(tmp_path, b"\r\n<Document>1</Document>\r\n<Document>\xe5\xbc</Document>")
    error = rejected(path)
    assert (error.code, error.details["line"]) == ("ABF011", 2)


@pytest.mark.parametrize(
    "body",
    [
        b"\n<Document>1</Document>\r\n<Document>2</Document>",
        b"\r\n<Document>1</Document>\n<Document>2</Document>",
        b"\r\n<Document>1</Document>\r\n\r\n<Document>2</Document>",
        b"\r\n<Document>1</Document>\r<Document>2</Document>",
        b"\r\n<Document>1</Document>\r\n<Document>2</Document>\r\n\r\n",
    ],
    ids=["lf-after-header", "lf-between-lines", "blank-line", "cr-alone", "two-trailing-crlf"],
)
def test_missing_or_extra_separators_are_ABF010(tmp_path: Path, body: bytes) -> None:
    assert rejected(craft(tmp_path, body)).code == "ABF010"


def test_a_line_over_100000_characters_is_ABF008(tmp_path: Path) -> None:
    long_line = b"<Document>" + b"x" * 100_000 + b"</Document>"
    path = craft(tmp_path, b"\r\n" + long_line + b"\r\n<Document>2</Document>")
    error = rejected(path)
    assert (error.code, error.details["line"]) == ("ABF008", 1)
    wide = "<Document>" + "张" * 100_000 + "</Document>"
    path.write_bytes(HEADER[:-7].encode() + b"0000001\r\n" + wide.encode())
    assert rejected(path).code == "ABF008"


def test_lines_stream_and_check_the_count_at_the_end(tmp_path: Path) -> None:
    path = craft(tmp_path, b"\r\n<Document>1</Document>", count=2)
    lines = read_submission(path).lines()
    assert next(lines) == (1, "<Document>1</Document>")
    with pytest.raises(FileRejected):
        next(lines)


def test_the_writer_creates_the_directory(tmp_path: Path) -> None:
    path = write_submission(tmp_path / "out" / "210", NAME, datetime(2024, 8, 1), [])
    assert path.parent == tmp_path / "out" / "210"
