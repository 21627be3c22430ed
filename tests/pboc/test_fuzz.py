"""The reader and the validator never crash, whatever a line or a file holds.

"Never crash" means: :func:`~zhengxin.pboc.validator.check_line` always returns a list of
:class:`~zhengxin.pboc.errors.RecordError`, and every other entry point (the two readers,
:meth:`AccountRecord.from_line`, :func:`check_file` and the record stream behind it) raises
nothing but :class:`~zhengxin.kernel.errors.ZhengxinError` subclasses. Inputs: random bytes and
text, broken XML of every kind, a 200,000-character line, files in the wrong encoding, with
lying headers, with LF separators, empty, or holding only a header (``pboc-records.md`` §2).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pboc.strategies import CONTEXT, FILE_DATE, INSTITUTION
from zhengxin.codes import (
    AccountStatus,
    AccountType,
    AssetTransferFlag,
    BusinessDetail,
    BusinessLine,
    Currency,
    FiveCategory,
    FundSource,
    GuaranteeMode,
    IdType,
    LoanForm,
    OtherRepayGuarantee,
    RepaymentStatus,
    ReportTimingCode,
)
from zhengxin.kernel.errors import FileRejected, ZhengxinError
from zhengxin.pboc.errors import RecordError
from zhengxin.pboc.files import read_submission, write_submission
from zhengxin.pboc.header import FileName
from zhengxin.pboc.line import read_raw, read_raw_full
from zhengxin.pboc.record210 import ROOT_210, SAMPLE_LINE, SEGMENTS_210, AccountRecord
from zhengxin.pboc.segments import (
    BaseSegment,
    BasicInfoSegment,
    CreditLineSegment,
    MonthlySegment,
)
from zhengxin.pboc.segments_more import (
    RelatedParty,
    SpecialInstalmentSegment,
    SpecialTransaction,
    collateral,
    related_parties,
    special_transactions,
)
from zhengxin.pboc.validator import FileCheck, check_file, check_line

SEGMENTS = {s.tag: s for s in SEGMENTS_210}
CREATED = datetime(2035, 12, 31, 9, 30)
UNREADABLE = [("ABR000", "0000")]
HUGE = 200_000


def never_crash(line: object) -> list[tuple[str, str]]:
    """Run every line entry point on ``line``; return check_line's (code, tag) pairs."""
    errors = check_line(line, "210", CONTEXT, cap=100)  # type: ignore[arg-type]
    assert isinstance(errors, list)
    assert all(isinstance(e, RecordError) for e in errors)
    capped = check_line(line)  # type: ignore[arg-type]
    assert isinstance(capped, list)
    assert len(capped) <= 5
    for reader in (read_raw, read_raw_full):
        with contextlib.suppress(ZhengxinError):
            reader(line, ROOT_210, SEGMENTS)  # type: ignore[arg-type]
    with contextlib.suppress(ZhengxinError):
        AccountRecord.from_line(line)  # type: ignore[arg-type]
    return [(e.code, e.tag) for e in errors]


def rich_line() -> str:
    """A valid R2 monthly report carrying segments B, C, D, E, F, H, I and K."""
    record = AccountRecord(
        BaseSegment(
            acct_type=AccountType.R2,
            acct_code="B10211000H0001R2&<C>0001",
            rpt_date=date(2024, 8, 3),
            rpt_date_code=ReportTimingCode.MONTHLY,
            name="张三",
            id_type=IdType.RESIDENT_ID,
            id_num="110105199003071239",
            mngmt_org_code=INSTITUTION,
        ),
        basic_info=BasicInfoSegment(
            busi_lines=BusinessLine.CARD,
            busi_dtl_lines=BusinessDetail.CREDIT_CARD,
            open_date=date(2023, 1, 10),
            cy=Currency("CNY"),
            acct_cred_line=50000,
            due_date=date(2028, 1, 31),
            apply_busi_dist="110105",
            guar_mode=GuaranteeMode.GUARANTEE,
            oth_repy_guar_way=OtherRepayGuarantee.NONE,
            asset_trand_flag=AssetTransferFlag.NOT_TRANSFERRED,
            fund_sou=FundSource.OWN,
            loan_form=LoanForm.NEW,
            credit_id="1234",
        ),
        credit_line=CreditLineSegment(mcc="B10211000H0001CRL0001"),
        monthly=MonthlySegment(
            month=date(2024, 7, 1),
            sett_date=date(2024, 7, 25),
            acct_status=AccountStatus.NORMAL,
            acct_bal=8000,
            prid_acct_bal=3000,
            used_amt=8000,
            not_isu_bal=0,
            rem_rep_prd=0,
            five_cate=FiveCategory.SPECIAL_MENTION,
            five_cate_adj_date=date(2024, 7, 31),
            rpy_status=RepaymentStatus.OVERDUE_1_30,
            rpy_prct=20,
            overd_prd=1,
            tot_overd=300,
            cur_rpy_amt=300,
            act_rpy_amt=0,
            lat_rpy_date=date(2024, 6, 25),
        ),
        related_parties=related_parties(
            [
                RelatedParty(
                    info_id_type="1",
                    arlp_name="李四",
                    arlp_cert_type="10",
                    arlp_cert_num="310115198511204566",
                    arlp_type="2",
                    arlp_amt=50000,
                    warty_sign="0",
                    max_guar_mcc="B10211000H0001GC01",
                ),
                RelatedParty(
                    info_id_type="2",
                    arlp_name="某某有限公司",
                    arlp_cert_type="20",
                    arlp_cert_num="914403001922038216",
                    arlp_type="1",
                ),
            ]
        ),
        collateral=collateral(["B10211000H0001CC01", "B10211000H0001CC02"]),
        special_instalment=SpecialInstalmentSegment(
            spec_line=20000,
            spec_efct_date=date(2024, 3, 1),
            spec_end_date=date(2025, 3, 1),
            used_inst_amt=12000,
        ),
        special_transactions=special_transactions(
            [
                SpecialTransaction(
                    chan_tran_type="14",
                    tran_date=date(2024, 3, 1),
                    tran_amt=12000,
                    due_tran_mon=12,
                    det_info="分期 <12>",
                ),
                SpecialTransaction(
                    chan_tran_type="4", tran_date=date(2024, 5, 2), tran_amt=500, due_tran_mon=0
                ),
            ]
        ),
    )
    return record.to_line()


RICH = rich_line()


def test_the_rich_line_is_valid() -> None:
    assert never_crash(RICH) == []


# --- random input ------------------------------------------------------------------------

SOME = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SOME
@given(st.binary(max_size=400))
def test_random_bytes_as_a_line(data: bytes) -> None:
    assert never_crash(data) == UNREADABLE  # not text at all
    for text in (
        data.decode("latin-1"),
        data.decode("utf-8", "replace"),
        data.decode("utf-8", "surrogateescape"),  # lone surrogates: not encodable
    ):
        never_crash(text)
        never_crash(f"<Document><{ROOT_210}>{text}</{ROOT_210}></Document>")
        never_crash(
            f"<Document><{ROOT_210}><AcctBsSgmt>{text}</AcctBsSgmt></{ROOT_210}></Document>"
        )


@SOME
@given(st.text(max_size=400), st.integers(min_value=0, max_value=len(RICH)))
def test_random_text_spliced_into_a_valid_line(text: str, at: int) -> None:
    never_crash(text)
    never_crash(RICH[:at] + text + RICH[at:])
    never_crash(RICH[:at] + text)


_VALUES = [
    *("", " ", "0", "00", "1", "2", "3", "4", "5", "6", "7", "9", "10", "11", "20", "30", "31"),
    *("32", "40", "41", "42", "51", "52", "71", "81", "82", "90", "91", "A1", "B1", "D1", "R1"),
    *("R2", "R3", "R4", "C1", "N", "M", "*", "C", "G", "B", "#", "X", "-1", "+5", "１", "1.5"),
    *("2024-07-31", "2024-07-01", "2024-07", "2024-08-03", "2023-01-10", "2100-01-01"),
    *("1900-12-31", "2024-02-30", "B10211000H0001", "B10211000H0001X", "110105199003071239"),
    *("914403001922038216", "NULL", "MULT", "9" * 16, "张三", "a" * 61),
]
values = st.one_of(st.sampled_from(_VALUES), st.text(max_size=12)).map(
    lambda v: v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
)


@st.composite
def well_formed_records(draw: st.DrawFn) -> str:
    """A well-formed line of known segments and items with arbitrary values (some not even
    XML characters): every rule of the engine meets values it does not expect."""
    parts = [f"<Document><{ROOT_210}>"]
    for spec in draw(st.lists(st.sampled_from(SEGMENTS_210), max_size=10, unique=True)):
        parts.append(f"<{spec.tag}>")
        for field in draw(st.lists(st.sampled_from(spec.fields), max_size=25, unique=True)):
            parts.append(f"<{field.tag}>{draw(values)}</{field.tag}>")
        if spec.group is not None:
            for _ in range(draw(st.integers(min_value=0, max_value=3))):
                parts.append(f"<{spec.group.tag}>")
                for field in draw(st.lists(st.sampled_from(spec.group.fields), unique=True)):
                    parts.append(f"<{field.tag}>{draw(values)}</{field.tag}>")
                parts.append(f"</{spec.group.tag}>")
        parts.append(f"</{spec.tag}>")
    parts.append(f"</{ROOT_210}></Document>")
    return "".join(parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(well_formed_records())
def test_well_formed_records_with_arbitrary_values(line: str) -> None:
    never_crash(line)
    try:
        fast = read_raw(line, ROOT_210, SEGMENTS)
    except ZhengxinError:
        with pytest.raises(ZhengxinError):
            read_raw_full(line, ROOT_210, SEGMENTS)
    else:
        assert fast == read_raw_full(line, ROOT_210, SEGMENTS)


# --- broken XML --------------------------------------------------------------------------


def test_every_truncation_of_a_valid_line() -> None:
    for end in range(len(RICH)):
        assert never_crash(RICH[:end]) == UNREADABLE, end
        never_crash(RICH[:end] + f"</{ROOT_210}></Document>")
        never_crash(RICH[:end] + "</Document>")
    for start in range(1, len(RICH)):
        assert never_crash(RICH[start:]) == UNREADABLE, start


def _name(text: str) -> str:
    return SAMPLE_LINE.replace("<Name>张三</Name>", text)


_DOCTYPE = '<!DOCTYPE Document [<!ENTITY a "张三">]>'
_LAUGHS = (
    '<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)
_XXE = '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'

BROKEN = {
    # unbalanced and misplaced tags
    "unclosed item": _name("<Name>张三"),
    "unopened item": _name("张三</Name>"),
    "mismatched close": _name("<Name>张三</Nam>"),
    "crossed segments": SAMPLE_LINE.replace(
        "</AcctBsSgmt><AcctMthlyBlgInfSgmt>", "<AcctMthlyBlgInfSgmt></AcctBsSgmt>"
    ),
    "two records": SAMPLE_LINE.replace(
        f"</{ROOT_210}></Document>", f"</{ROOT_210}><{ROOT_210}></{ROOT_210}></Document>"
    ),
    "another record's root": SAMPLE_LINE.replace(ROOT_210, "InBasInf"),
    "empty document": "<Document></Document>",
    "document only opened": "<Document>",
    "document in document": "<Document><Document></Document></Document>",
    "element in an item": _name("<Name><b>张三</b></Name>"),
    "text between segments": SAMPLE_LINE.replace("</AcctBsSgmt><", "</AcctBsSgmt>x<"),
    "unknown item": _name("<Name>张三</Name><Foo>1</Foo>"),
    "duplicated item": _name("<Name>张三</Name><Name>张三</Name>"),
    "duplicated segment": SAMPLE_LINE.replace(
        "</AcctBsSgmt>", "</AcctBsSgmt><AcctCredSgmt><Mcc>B10211000H0001X</Mcc></AcctCredSgmt>" * 2
    ),
    "leading space": " " + SAMPLE_LINE,
    "trailing space": SAMPLE_LINE + " ",
    "byte-order mark": "\ufeff" + SAMPLE_LINE,
    "XML declaration first": "<?xml version='1.0' encoding='UTF-8'?>" + SAMPLE_LINE,
    "XML declaration inside": _name("<?xml version='1.0'?><Name>张三</Name>"),
    # attributes and namespaces
    "attribute on an item": _name('<Name a="1">张三</Name>'),
    "attribute on a segment": SAMPLE_LINE.replace("<AcctBsSgmt>", '<AcctBsSgmt a="1">'),
    "attribute on Document": SAMPLE_LINE.replace("<Document>", '<Document a="1">', 1),
    "default namespace": SAMPLE_LINE.replace(f"<{ROOT_210}>", f'<{ROOT_210} xmlns="urn:x">'),
    "prefixed item": _name('<p:Name xmlns:p="urn:x">张三</p:Name>'),
    # entities and character references
    "character reference 0": _name("<Name>&#0;</Name>"),
    "character reference 1": _name("<Name>&#1;</Name>"),
    "surrogate reference": _name("<Name>&#xD800;</Name>"),
    "non-character reference": _name("<Name>&#xFFFE;</Name>"),
    "huge reference": _name("<Name>&#99999999999;</Name>"),
    "undeclared entity": _name("<Name>&a;</Name>"),
    "HTML entity": _name("<Name>&nbsp;</Name>"),
    "bare ampersand": _name("<Name>张&三</Name>"),
    "raw NUL": _name("<Name>张\x00三</Name>"),
    "raw surrogate": _name("<Name>张\ud800三</Name>"),
    "raw U+FFFE": _name("<Name>张\ufffe三</Name>"),
    # a DTD can never come first (a line starts with <Document>) and is not allowed inside
    "DOCTYPE with an entity first": _DOCTYPE + _name("<Name>&a;</Name>"),
    "DOCTYPE with an entity inside": SAMPLE_LINE.replace("<Document>", "<Document>" + _DOCTYPE),
    "entity expansion bomb": _LAUGHS + _name("<Name>&c;</Name>"),
    "entity bomb inside": SAMPLE_LINE.replace("<Document>", "<Document>" + _LAUGHS, 1),
    "external entity": _XXE + _name("<Name>&x;</Name>"),
    "external entity inside": SAMPLE_LINE.replace("<Document>", "<Document>" + _XXE, 1),
}


@pytest.mark.parametrize("line", BROKEN.values(), ids=BROKEN.keys())
def test_broken_xml_is_unreadable(line: str) -> None:
    assert never_crash(line) == UNREADABLE


WELL_FORMED = {
    # XML the parser reads as plain text: the record is the sample, valid as it was
    "CDATA": (_name("<Name><![CDATA[张三]]></Name>"), []),
    "comment in an item": (_name("<Name>张<!-- x -->三</Name>"), []),
    "comment between segments": (
        SAMPLE_LINE.replace("</AcctBsSgmt>", "</AcctBsSgmt><!-- x -->"),
        [],
    ),
    "processing instruction": (_name("<Name>张<?pi x?>三</Name>"), []),
    "character references": (_name("<Name>&#24352;&#x4E09;</Name>"), []),
    "predefined entities": (_name("<Name>&lt;张&amp;三&gt;</Name>"), []),
    "astral character": (_name("<Name>&#x1F600;</Name>"), []),
    "whitespace between segments": (
        SAMPLE_LINE.replace("</AcctBsSgmt><", "</AcctBsSgmt>\n\t <"),
        [],
    ),
    "full-width digit": (SAMPLE_LINE.replace("<AcctBal>0<", "<AcctBal>０<"), []),
    # well formed, but the values are wrong
    "CR by reference": (_name("<Name>张&#13;三</Name>"), [("ABE001", "Name")]),
    "raw CR": (_name("<Name>张\r三</Name>"), [("ABE001", "Name")]),
    "CDATA with markup": (_name("<Name><![CDATA[<b>&amp;</b>]]></Name>"), []),
    "self-closed item": (_name("<Name/>"), [("ABE000", "Name")]),
    "self-closed segment": (
        SAMPLE_LINE.replace("</AcctBsSgmt>", "</AcctBsSgmt><AcctCredSgmt/>"),
        [("ABD000", "Mcc")],
    ),
    "another record type": (
        SAMPLE_LINE.replace("<InfRecType>210<", "<InfRecType>220<"),
        UNREADABLE,
    ),
}


@pytest.mark.parametrize(("line", "expected"), WELL_FORMED.values(), ids=WELL_FORMED.keys())
def test_well_formed_oddities_read_as_xml_reads_them(
    line: str, expected: list[tuple[str, str]]
) -> None:
    assert never_crash(line) == expected


# --- a huge line -------------------------------------------------------------------------

HUGE_LINES = {
    "plain text": ("a" * HUGE, UNREADABLE),
    "junk in a document": ("<Document>" + "a" * HUGE + "</Document>", UNREADABLE),
    "long name": (_name("<Name>" + "张" * HUGE + "</Name>"), [("ABE001", "Name")]),
    "long ASCII code": (
        SAMPLE_LINE.replace("R1A0001<", "R1A0001" + "A" * HUGE + "<"),
        [("ABE001", "AcctCode")],
    ),
    "many entities": (_name("<Name>" + "&amp;" * (HUGE // 5) + "</Name>"), [("ABE001", "Name")]),
    "deep nesting": (
        "<Document>" + "<x>" * (HUGE // 7) + "</x>" * (HUGE // 7) + "</Document>",
        UNREADABLE,
    ),
    "repeated item": (_name("<Name>张</Name>" * (HUGE // 14)), UNREADABLE),
    "unterminated items": (
        SAMPLE_LINE.replace("<AcctBsSgmt>", "<AcctBsSgmt>" + "<a>" * (HUGE // 3)),
        UNREADABLE,
    ),
    "unterminated tag": (
        SAMPLE_LINE.replace("<AcctBsSgmt>", "<AcctBsSgmt><" + "a" * HUGE),
        UNREADABLE,
    ),
}


@pytest.mark.parametrize(("line", "expected"), HUGE_LINES.values(), ids=HUGE_LINES.keys())
def test_a_huge_line(line: str, expected: list[tuple[str, str]]) -> None:
    assert len(line) >= HUGE
    assert never_crash(line)[: len(expected)] == expected


# --- files -------------------------------------------------------------------------------


@pytest.fixture
def directory() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _path(directory: Path, serial: str = "001") -> Path:
    return directory / FileName(INSTITUTION, FILE_DATE, "210", serial).render()


def _valid_file(directory: Path, lines: list[str], serial: str = "001") -> Path:
    name = FileName(INSTITUTION, FILE_DATE, "210", serial)
    return write_submission(directory, name, CREATED, lines)


def check(
    path: Path, verify_first: bool = True
) -> tuple[FileCheck, list[str], list[tuple[str, ...]]]:
    """check_file, then the whole record stream; only ZhengxinError may escape.

    Returns the check, the codes of its file errors once the stream has ended (a file error met
    while streaming is added to them) and each record's error codes.
    """
    found = check_file(path, verify_first=verify_first)
    assert isinstance(found.file_errors, list)
    results = [tuple(e.code for e in r.errors) for r in found.records()]
    assert found.ok == (not found.file_errors)
    return found, [e.code for e in found.file_errors], results


def test_a_valid_file_checks_clean(directory: Path) -> None:
    _, errors, results = check(_valid_file(directory, [SAMPLE_LINE, RICH]))
    assert (errors, results) == ([], [(), ()])


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "big5"])
def test_a_file_in_a_legacy_encoding_is_abf011(directory: Path, encoding: str) -> None:
    path = _valid_file(directory, [SAMPLE_LINE, RICH])
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(text.encode(encoding, "replace"))
    found, errors, results = check(path)
    assert errors == ["ABF011"]
    assert found.file_errors[0].line == 1
    assert results == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_wide_encoding_is_refused_cleanly(directory: Path, encoding: str) -> None:
    path = _valid_file(directory, [SAMPLE_LINE, RICH])
    path.write_bytes(path.read_bytes().decode("utf-8").encode(encoding))
    _, errors, results = check(path)
    assert len(errors) == 1
    assert results == []


def test_a_utf16_file_is_abf011(directory: Path) -> None:
    path = _valid_file(directory, [SAMPLE_LINE])
    path.write_bytes(path.read_bytes().decode("utf-8").encode("utf-16"))
    assert check(path)[1] == ["ABF011"]


def test_a_header_that_is_not_utf8_is_abf011(directory: Path) -> None:
    path = _valid_file(directory, [SAMPLE_LINE])
    data = bytearray(path.read_bytes())
    data[13] = 0xFF  # the second template character
    path.write_bytes(bytes(data))
    assert check(path)[1:] == (["ABF011"], [])


def _lie(path: Path, count: int) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:43] + f"{count:07d}".encode() + data[50:])


@pytest.mark.parametrize("count", [0, 2, 4, 9_999_999])
def test_a_header_that_lies_about_the_count(directory: Path, count: int) -> None:
    path = _valid_file(directory, [SAMPLE_LINE] * 3)
    _lie(path, count)
    lie = f"says {count} records but the file holds 3"
    # Checked first (the default): the file is refused as a whole, no record is checked.
    found, errors, results = check(path)
    assert (errors, results) == (["ABH005"], [])
    assert lie in found.file_errors[0].message
    # Checked while streaming: every record is checked, then the file is refused at the end.
    found, errors, results = check(path, verify_first=False)
    assert (errors, results) == (["ABH005"], [(), (), ()])
    assert lie in found.file_errors[0].message
    assert (found.accepted, found.rejected) == (3, 0)
    # The submission's own stream yields every line, then raises at the end.
    submission = read_submission(path)
    seen = []
    with pytest.raises(FileRejected) as refused:
        for number, text in submission.lines():
            seen.append((number, text))
    assert refused.value.code == "ABH005"
    assert lie in refused.value.message
    assert seen == [(1, SAMPLE_LINE), (2, SAMPLE_LINE), (3, SAMPLE_LINE)]
    with pytest.raises(FileRejected, match="ABH005"):
        submission.verify()


def test_a_line_added_after_the_check_ends_the_record_stream(directory: Path) -> None:
    path = _valid_file(directory, [SAMPLE_LINE] * 3)
    found = check_file(path)
    assert found.ok
    with path.open("ab") as stream:  # the file grows between the check and the stream
        stream.write(b"\r\n" + SAMPLE_LINE.encode())
    assert [r.line for r in found.records()] == [1, 2, 3, 4]
    assert [e.code for e in found.file_errors] == ["ABH005"]
    assert "says 3 records but the file holds 4" in found.file_errors[0].message
    assert not found.ok
    assert list(found.records()) == []  # a refused file streams nothing more


def test_a_header_rewritten_after_the_check_is_not_read_again(directory: Path) -> None:
    path = _valid_file(directory, [SAMPLE_LINE] * 3)
    found = check_file(path)
    _lie(path, 2)  # the count was read once, with the header, and checked then
    assert [r.line for r in found.records()] == [1, 2, 3]
    assert found.ok


@pytest.mark.parametrize(
    ("after_header", "between", "at_end", "expected"),
    [
        ("\n", "\n", "", "ABF010"),
        ("\r\n", "\n", "", "ABF010"),
        ("\r\n", "\r\n", "\n", "ABF010"),
        ("\r\n", "\r\n\r\n", "", "ABF010"),
        ("\r\n", "\r", "", "ABF010"),
        ("\r", "\r\n", "", "ABH005"),
        ("\r\n", "\r\n", "\r\n", None),
    ],
    ids=[
        "LF only",
        "LF between records",
        "LF at the end",
        "blank line",
        "CR between records",
        "CR after the header",
        "final CRLF",
    ],
)
def test_separators(
    directory: Path, after_header: str, between: str, at_end: str, expected: str | None
) -> None:
    path = _valid_file(directory, [SAMPLE_LINE, RICH])
    header = path.read_bytes().decode("utf-8")[:50]
    path.write_bytes((header + after_header + between.join([SAMPLE_LINE, RICH]) + at_end).encode())
    _, errors, results = check(path)
    if expected is None:
        assert (errors, results) == ([], [(), ()])
    else:
        assert (errors, results) == ([expected], [])
    _, streamed, _ = check(path, verify_first=False)
    assert streamed == errors


def test_an_empty_file(directory: Path) -> None:
    path = _path(directory)
    path.write_bytes(b"")
    found, errors, results = check(path)
    assert (errors, results) == (["ABH005"], [])
    assert found.header is None


@pytest.mark.parametrize("ending", [b"", b"\r\n"])
def test_a_file_with_only_a_header(directory: Path, ending: bytes) -> None:
    path = _valid_file(directory, [])
    path.write_bytes(path.read_bytes() + ending)
    found, errors, results = check(path)
    assert (errors, results) == ([], [])
    assert found.header is not None
    assert found.header.record_count == 0
    _lie(path, 1)
    assert check(path)[1:] == (["ABH005"], [])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.booleans())
def test_random_bytes_as_a_file(data: bytes, with_header: bool) -> None:
    with tempfile.TemporaryDirectory() as name:
        path = _path(Path(name))
        header = f"A0502102.0.0  {INSTITUTION}{CREATED:%Y%m%d%H%M%S}00000001\r\n".encode()
        path.write_bytes(header + data if with_header else data)
        for verify_first in (True, False):
            with contextlib.suppress(ZhengxinError):
                check(path, verify_first)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=60), max_size=4))
def test_random_text_lines_in_a_file(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as name:
        path = _path(Path(name))
        header = f"A0502102.0.0  {INSTITUTION}{CREATED:%Y%m%d%H%M%S}0{len(lines):07d}"
        body = "".join("\r\n" + line for line in lines)
        path.write_bytes((header + body).encode("utf-8", "surrogatepass"))
        found, _, results = check(path)
        if found.ok:
            assert len(results) == len(lines)
        streamed, _, results = check(path, verify_first=False)
        assert streamed.ok == found.ok
        if streamed.ok:
            assert len(results) == len(lines)


def test_a_huge_line_in_a_file_is_abf008(directory: Path) -> None:
    path = _valid_file(directory, [SAMPLE_LINE])
    huge = _name("<Name>" + "张" * HUGE + "</Name>")
    data = path.read_bytes()
    path.write_bytes(data[:43] + b"0000002" + data[50:] + b"\r\n" + huge.encode())
    found, errors, results = check(path)
    assert (errors, results) == (["ABF008"], [])
    assert found.file_errors[0].line == 2
