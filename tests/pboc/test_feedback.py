"""Feedback files (§2.5): what the PBOC returns for a submission, written and read back."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengxin.kernel.errors import Conflict, FileRejected, InvalidInput
from zhengxin.pboc.feedback import (
    FeedbackError,
    FeedbackFlag,
    FeedbackHeader,
    RejectedRecord,
    feedback_name,
    read_feedback,
    write_feedback,
)
from zhengxin.pboc.header import FileName

ORIGINAL = FileName("B10211000H0001", date(2024, 8, 1), "210", "001")
RECEIVED = datetime(2024, 8, 2, 10, 30)
TRICKY_LINE = "<Document><InAcctInf><Name>张三 & 李四 <合伙></Name></InAcctInf></Document>"
BALANCE_NOT_A_NUMBER = FeedbackError("ABE001", "AcctBal (余额) must be a whole number; got '12a'")
NO_MONTHLY_SEGMENT = FeedbackError("BLD000", "the monthly segment is missing for R1")


def rejected(path: Path) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        read_feedback(path).verify()
    return caught.value


def feedback_file(directory: Path, flag: str, header_tail: str, body: str) -> Path:
    """A feedback file written by hand, so that each test can break exactly one rule."""
    header = f"A0722.0.0{ORIGINAL.stem[:29]}{flag}2.0.020240802103000{header_tail}"
    path = directory / feedback_name(ORIGINAL, flag).render()
    path.write_bytes((header + body).encode("utf-8"))
    return path


def test_every_record_loaded_is_flag_1_with_a_header_only() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_feedback(Path(tmp), ORIGINAL, RECEIVED, accepted=10, rejected=[])
        header_line = path.read_bytes().decode("ascii")
        feedback = read_feedback(path)

    assert path.name == "B10211000H00012024080121000011.txt"
    assert header_line == "A0722.0.0B10211000H000120240801210000112.0.02024080210300000000100000000"
    assert len(header_line) == 72
    assert feedback.header == FeedbackHeader(
        "B10211000H0001202408012100001", FeedbackFlag.ALL_LOADED, "2.0.0", RECEIVED, 10, 0
    )
    assert feedback.name.feedback_flag == "1"
    assert feedback.file_errors == ()
    assert list(feedback.rejected()) == []


def test_a_wrong_header_is_flag_2_with_one_line_of_file_errors(tmp_path: Path) -> None:
    errors = [
        FeedbackError("ABH005", "positions 2-4 (header length) must be '050'; got '049'"),
        FeedbackError("ABF007", "the header disagrees with the file name on date"),
    ]
    path = write_feedback(tmp_path, ORIGINAL, RECEIVED, 0, [], file_errors=errors)

    header_line, body = path.read_bytes().decode("utf-8").split("\r\n")
    assert path.name.endswith("2.txt")
    assert header_line.endswith("00000000000000")
    assert body == (
        "<Document><FbInf><FbErrNum>2</FbErrNum>"
        "<ErrInf><FbCode>ABH005</FbCode>"
        "<FbMsg>positions 2-4 (header length) must be '050'; got '049'</FbMsg></ErrInf>"
        "<ErrInf><FbCode>ABF007</FbCode>"
        "<FbMsg>the header disagrees with the file name on date</FbMsg></ErrInf>"
        "</FbInf></Document>"
    )
    feedback = read_feedback(path)
    assert feedback.header.flag is FeedbackFlag.NOTHING_LOADED
    assert feedback.file_errors == tuple(errors)
    assert list(feedback.rejected()) == []


def test_some_records_rejected_is_flag_3_with_each_record_verbatim(tmp_path: Path) -> None:
    records = [
        RejectedRecord(2, (BALANCE_NOT_A_NUMBER,), TRICKY_LINE),
        RejectedRecord(7, (NO_MONTHLY_SEGMENT, BALANCE_NOT_A_NUMBER), "not XML at all"),
    ]
    path = write_feedback(tmp_path, ORIGINAL, RECEIVED, accepted=8, rejected=iter(records))

    text = path.read_bytes().decode("utf-8")
    assert not text.endswith("\r\n")
    header_line, first, second = text.split("\r\n")
    assert header_line[-14:] == "00000080000002"
    assert first == (
        "<Document><FbInf><ErrRecId>2</ErrRecId><FbErrNum>1</FbErrNum>"
        "<ErrInf><FbCode>ABE001</FbCode>"
        "<FbMsg>AcctBal (余额) must be a whole number; got '12a'</FbMsg></ErrInf>"
        "<ErrRec>&lt;Document&gt;&lt;InAcctInf&gt;&lt;Name&gt;张三 &amp; 李四 &lt;合伙&gt;"
        "&lt;/Name&gt;&lt;/InAcctInf&gt;&lt;/Document&gt;</ErrRec></FbInf></Document>"
    )
    assert second.startswith("<Document><FbInf><ErrRecId>7</ErrRecId><FbErrNum>2</FbErrNum>")
    feedback = read_feedback(path)
    assert feedback.name == feedback_name(ORIGINAL, FeedbackFlag.PARTLY_LOADED)
    assert (feedback.header.accepted, feedback.header.rejected) == (8, 2)
    assert list(feedback.rejected()) == records
    assert feedback.verify() == 2


def test_every_record_rejected_is_flag_3_with_none_accepted(tmp_path: Path) -> None:
    record = RejectedRecord(1, (BALANCE_NOT_A_NUMBER,), TRICKY_LINE)
    path = write_feedback(tmp_path, ORIGINAL, RECEIVED, accepted=0, rejected=[record])

    header = read_feedback(path).header
    assert (header.flag, header.accepted, header.rejected) == (FeedbackFlag.PARTLY_LOADED, 0, 1)


def test_only_the_first_five_errors_of_a_record_are_written(tmp_path: Path) -> None:
    errors = tuple(FeedbackError(f"BLE{n:03d}", f"rule {n} failed") for n in range(1, 8))
    path = write_feedback(tmp_path, ORIGINAL, RECEIVED, 0, [RejectedRecord(3, errors, "x")])

    (record,) = read_feedback(path).rejected()
    assert record.errors == errors[:5]
    assert "<FbErrNum>5</FbErrNum>" in path.read_text(encoding="utf-8")


def test_messages_are_cut_to_100_characters(tmp_path: Path) -> None:
    errors = (
        FeedbackError("ABE001", "x" * 120),
        FeedbackError("ABE001", "名" * 120),
        FeedbackError("ABE001", "𠀀" * 60),  # two UTF-16 units each: 50 fit
    )
    path = write_feedback(tmp_path, ORIGINAL, RECEIVED, 0, [RejectedRecord(1, errors, "x")])

    (record,) = read_feedback(path).rejected()
    assert [e.message for e in record.errors] == ["x" * 100, "名" * 100, "𠀀" * 50]


def test_a_record_line_over_100000_characters_is_cut(tmp_path: Path) -> None:
    line = "<Document>" + "a" * 100_000 + "</Document>"
    path = write_feedback(
        tmp_path, ORIGINAL, RECEIVED, 0, [RejectedRecord(1, (BALANCE_NOT_A_NUMBER,), line)]
    )

    (record,) = read_feedback(path).rejected()
    assert record.line == line[:100_000]


def test_line_breaks_and_control_characters_in_a_rejected_line(tmp_path: Path) -> None:
    line = "<Document>\tA\r\nB\x01C</Document>"
    path = write_feedback(
        tmp_path, ORIGINAL, RECEIVED, 0, [RejectedRecord(1, (BALANCE_NOT_A_NUMBER,), line)]
    )

    (record,) = read_feedback(path).rejected()
    assert record.line == "<Document>\tA\r\nB\ufffdC</Document>"


def test_a_feedback_is_written_once(tmp_path: Path) -> None:
    write_feedback(tmp_path, ORIGINAL, RECEIVED, 10, [])
    with pytest.raises(Conflict) as caught:
        write_feedback(
            tmp_path, ORIGINAL, RECEIVED, 8, [RejectedRecord(1, (BALANCE_NOT_A_NUMBER,), "x")]
        )
    assert caught.value.code == "ABF009"
    assert len(list(tmp_path.iterdir())) == 1


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    def records() -> Iterator[RejectedRecord]:
        yield RejectedRecord(1, (BALANCE_NOT_A_NUMBER,), "x")
        raise InvalidInput("test.broken", "the source of rejected records failed")

    with pytest.raises(InvalidInput):
        write_feedback(tmp_path, ORIGINAL, RECEIVED, 0, records())
    assert list(tmp_path.iterdir()) == []


def test_file_errors_exclude_accepted_and_rejected_records(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        write_feedback(tmp_path, ORIGINAL, RECEIVED, 3, [], file_errors=[NO_MONTHLY_SEGMENT])


def test_feedback_values_are_checked_when_built() -> None:
    with pytest.raises(InvalidInput):
        FeedbackError("ABE01", "a code has six characters")
    with pytest.raises(InvalidInput):
        FeedbackError("ABE001", " \u3000 ")
    with pytest.raises(InvalidInput):
        RejectedRecord(0, (BALANCE_NOT_A_NUMBER,), "x")
    with pytest.raises(InvalidInput):
        RejectedRecord(1, (), "x")
    with pytest.raises(InvalidInput):
        feedback_name(ORIGINAL, "0")


def test_a_lying_FbErrNum_is_ABE010(tmp_path: Path) -> None:
    body = (
        "\r\n<Document><FbInf><ErrRecId>1</ErrRecId><FbErrNum>2</FbErrNum>"
        "<ErrInf><FbCode>ABE001</FbCode><FbMsg>bad</FbMsg></ErrInf>"
        "<ErrRec>x</ErrRec></FbInf></Document>"
    )
    error = rejected(feedback_file(tmp_path, "3", "00000000000001", body))
    assert (error.code, error.details["line"]) == ("ABE010", 1)


@pytest.mark.parametrize(
    ("fb_inf", "code"),
    [
        (
            "<FbErrNum>1</FbErrNum><ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf>"
            "<ErrRec>x</ErrRec>",
            "ABD000",
        ),
        (
            "<ErrRecId> </ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf><ErrRec>x</ErrRec>",
            "ABE000",
        ),
        (
            "<ErrRecId>12a</ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf><ErrRec>x</ErrRec>",
            "ABE001",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1000</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf><ErrRec>x</ErrRec>",
            "ABE001",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE01</FbCode><FbMsg>m</FbMsg></ErrInf><ErrRec>x</ErrRec>",
            "ABE001",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode></ErrInf><ErrRec>x</ErrRec>",
            "ABD000",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf>",
            "ABD000",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf><ErrRec></ErrRec>",
            "ABE000",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf>"
            f"<ErrRec>{'a' * 100_001}</ErrRec>",
            "ABH005",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum><Extra>1</Extra>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf><ErrRec>x</ErrRec>",
            "ABF002",
        ),
        (
            "<ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum>"
            "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf><ErrRec>a & b</ErrRec>",
            "ABF002",
        ),
    ],
)
def test_each_broken_element_has_its_code(tmp_path: Path, fb_inf: str, code: str) -> None:
    body = f"\r\n<Document><FbInf>{fb_inf}</FbInf></Document>"
    error = rejected(feedback_file(tmp_path, "3", "00000000000001", body))
    assert (error.code, error.details["line"]) == (code, 1)


def test_broken_xml_is_ABF002_with_its_line_number(tmp_path: Path) -> None:
    good = (
        "<Document><FbInf><ErrRecId>1</ErrRecId><FbErrNum>1</FbErrNum>"
        "<ErrInf><FbCode>ABE001</FbCode><FbMsg>m</FbMsg></ErrInf>"
        "<ErrRec>x</ErrRec></FbInf></Document>"
    )
    body = f"\r\n{good}\r\n<Document><FbInf><ErrRecId>2</FbInf></Document>"
    path = feedback_file(tmp_path, "3", "00000000000002", body)

    records = read_feedback(path).rejected()
    assert next(records).position == 1
    with pytest.raises(FileRejected) as caught:
        next(records)
    assert (caught.value.code, caught.value.details["line"]) == ("ABF002", 2)


def test_a_header_of_71_characters_is_ABH005(tmp_path: Path) -> None:
    error = rejected(feedback_file(tmp_path, "1", "0000010000000", ""))
    assert error.code == "ABH005"
    assert "71 characters" in error.message


def test_a_header_whose_flag_differs_from_the_name_is_ABF007(tmp_path: Path) -> None:
    path = feedback_file(tmp_path, "1", "00000100000000", "")
    header_line = path.read_text(encoding="ascii")
    with pytest.raises(FileRejected) as caught:
        FeedbackHeader.parse(header_line, feedback_name(ORIGINAL, "3"))
    assert caught.value.code == "ABF007"
    assert "feedback flag" in caught.value.message


def test_a_header_names_each_bad_position(tmp_path: Path) -> None:
    with pytest.raises(FileRejected) as caught:
        FeedbackHeader.parse(
            "B0712.0.0" + ORIGINAL.stem[:29] + "92.0.0202408021030000000010000000x"
        )
    assert caught.value.code == "ABH005"
    for position in ("position 1 ", "positions 2-4", "position 39", "positions 66-72"):
        assert position in caught.value.message


def test_a_rejected_count_that_lies_is_ABH005(tmp_path: Path) -> None:
    record = RejectedRecord(4, (BALANCE_NOT_A_NUMBER,), "x")
    path = write_feedback(tmp_path, ORIGINAL, RECEIVED, 0, [record])
    path.write_bytes(path.read_bytes().replace(b"0000001\r\n", b"0000002\r\n", 1))
    assert rejected(path).code == "ABH005"


FLAG_3_HEADER = f"A0722.0.0{ORIGINAL.stem[:29]}32.0.020240802103000{0:07d}{1:07d}".encode()


@pytest.mark.parametrize(
    ("garbage", "code"),
    [
        (b"\xff\xfe\x00garbage\r\n\x80\x81", "ABF011"),
        (b"\x00" * 500, "ABH005"),
        (FLAG_3_HEADER[:40] + b"\xe5\x90" + FLAG_3_HEADER[42:] + b"\r\n", "ABF011"),
        (FLAG_3_HEADER + b"\r\n\xc3\x28", "ABF011"),
        (FLAG_3_HEADER + b"\r\n<Doc", "ABF002"),
        (FLAG_3_HEADER + b"\r\n<Document>\xef\xbf\xbd\x00</Document>", "ABF002"),
        (FLAG_3_HEADER + b"\n\n", "ABF010"),
        (FLAG_3_HEADER + b"\r\n\r\n", "ABF010"),
        (FLAG_3_HEADER + b"\r\n" + b"<" * (3 << 20), "ABF008"),
    ],
)
def test_garbage_bytes_are_rejected_not_a_crash(tmp_path: Path, garbage: bytes, code: str) -> None:
    path = tmp_path / feedback_name(ORIGINAL, "3").render()
    path.write_bytes(garbage)
    assert rejected(path).code == code


codes = st.from_regex(r"[A-Z]{3}[0-9]{3}", fullmatch=True)
messages = st.text(max_size=40).filter(lambda text: any(c.isalnum() for c in text))
# Every character XML 1.0 can carry; the writer turns the others into U+FFFD.
xml_text = st.characters(
    codec="utf-8",
    exclude_characters="".join(map(chr, [*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])),
)


@st.composite
def rejected_records(draw: st.DrawFn) -> RejectedRecord:
    errors = draw(st.lists(st.builds(FeedbackError, codes, messages), min_size=1, max_size=7))
    return RejectedRecord(
        draw(st.integers(min_value=1, max_value=99_999_999)),
        tuple(errors),
        draw(st.text(alphabet=xml_text, min_size=1, max_size=200)),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(rejected_records(), max_size=8), st.integers(min_value=0, max_value=9_999_999))
def test_any_rejected_records_round_trip(records: list[RejectedRecord], accepted: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_feedback(Path(tmp), ORIGINAL, RECEIVED, accepted, records)
        feedback = read_feedback(path)
        back = list(feedback.rejected())

    assert feedback.header.accepted == accepted
    assert feedback.header.rejected == len(records)
    assert [(r.position, r.line) for r in back] == [(r.position, r.line) for r in records]
    assert [r.errors for r in back] == [r.errors[:5] for r in records]


TAGS = ["Document", "FbInf", "ErrRecId", "FbErrNum", "ErrInf", "FbCode", "FbMsg", "ErrRec", "X"]
fragments = st.sampled_from(
    [f"<{t}>" for t in TAGS]
    + [f"</{t}>" for t in TAGS]
    + ["<FbMsg/>", "1", "5", "ABE001", "名", " ", "&amp;", "&", "\r\n", "\t", "\x00", '<a b="c">']
)


@settings(max_examples=300, deadline=None)
@given(st.lists(fragments, max_size=30).map("".join) | st.binary(max_size=200).map(repr))
def test_no_body_makes_the_reader_crash(body: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / feedback_name(ORIGINAL, "3").render()
        path.write_bytes(FLAG_3_HEADER + b"\r\n" + body.encode("utf-8", "surrogatepass"))
        with contextlib.suppress(FileRejected):
            read_feedback(path).verify()
