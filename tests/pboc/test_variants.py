"""The request records 211, 213, 214, 215, 221, 223 and 224: lines, typed records and rules.

The stories: on 2024-09-30 ``B10211000H0001`` renames account ``…R1A0001`` (211), deletes its
July-August monthly reports (213), then the whole account (214), notes that card ``…R2C0001``
had no statement in August (215), renames agreement ``…CTR0001`` (221), deletes its limit segment
from June on (223), and deletes the agreement (224).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.codes import EffectFlag, SegmentMark210, SegmentMark220, SpecialEventType
from zhengxin.pboc.errors import RecordInvalid, RecordUnreadable
from zhengxin.pboc.line import dataclass_attributes, read_raw_full
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.rules_variants import BOOKS_VARIANTS
from zhengxin.pboc.variants import (
    SAMPLES,
    VARIANTS,
    AccountDeletion,
    AccountIdChange,
    AccountSegmentDeletion,
    AgreementDeletion,
    AgreementIdChange,
    AgreementSegmentDeletion,
    FlatRecord,
    SpecialEvent,
)

FILE_DATE = date(2024, 9, 30)
INSTITUTION = "B10211000H0001"

EXAMPLES: dict[str, tuple[FlatRecord, str]] = {
    "211": (
        AccountIdChange(od_bnes_code="B10211000H0001R1A0001", nw_bnes_code="B10211000H0001R1B0001"),
        "<Document><InAcctIDCagsInf><InfRecType>211</InfRecType>"
        "<OdBnesCode>B10211000H0001R1A0001</OdBnesCode>"
        "<NwBnesCode>B10211000H0001R1B0001</NwBnesCode></InAcctIDCagsInf></Document>",
    ),
    "213": (
        AccountSegmentDeletion(
            del_rec_code="B10211000H0001R1A0001",
            del_sgmt_code=SegmentMark210.MONTHLY,
            del_start_date=date(2024, 7, 1),
            del_end_date=date(2024, 8, 31),
        ),
        "<Document><InAcctDel><InfRecType>213</InfRecType>"
        "<DelRecCode>B10211000H0001R1A0001</DelRecCode><DelSgmtCode>H</DelSgmtCode>"
        "<DelStartDate>2024-07-01</DelStartDate><DelEndDate>2024-08-31</DelEndDate>"
        "</InAcctDel></Document>",
    ),
    "214": (
        AccountDeletion(del_rec_code="B10211000H0001R1A0001"),
        "<Document><InAcctEntDel><InfRecType>214</InfRecType>"
        "<DelRecCode>B10211000H0001R1A0001</DelRecCode></InAcctEntDel></Document>",
    ),
    "215": (
        SpecialEvent(
            acct_code="B10211000H0001R2C0001",
            opetn_type=SpecialEventType.NO_STATEMENT_BILLING_DATE_CHANGED,
            month=date(2024, 8, 1),
            flag=EffectFlag.VALID,
            rpt_date=date(2024, 8, 20),
        ),
        "<Document><InSpcEvtDscInf><InfRecType>215</InfRecType>"
        "<AcctCode>B10211000H0001R2C0001</AcctCode><OpetnType>11</OpetnType>"
        "<Month>2024-08</Month><Flag>1</Flag><RptDate>2024-08-20</RptDate>"
        "</InSpcEvtDscInf></Document>",
    ),
    "221": (
        AgreementIdChange(
            od_bnes_code="B10211000H0001CTR0001", nw_bnes_code="B10211000H0001CTR0002"
        ),
        "<Document><InCtrctIDCagsInf><InfRecType>221</InfRecType>"
        "<OdBnesCode>B10211000H0001CTR0001</OdBnesCode>"
        "<NwBnesCode>B10211000H0001CTR0002</NwBnesCode></InCtrctIDCagsInf></Document>",
    ),
    "223": (
        AgreementSegmentDeletion(
            del_rec_code="B10211000H0001CTR0001",
            del_sgmt_code=SegmentMark220.CREDIT_LIMIT,
            del_start_date=date(2024, 6, 1),
        ),
        "<Document><InCtrctDel><InfRecType>223</InfRecType>"
        "<DelRecCode>B10211000H0001CTR0001</DelRecCode><DelSgmtCode>D</DelSgmtCode>"
        "<DelStartDate>2024-06-01</DelStartDate><DelEndDate></DelEndDate>"
        "</InCtrctDel></Document>",
    ),
    "224": (
        AgreementDeletion(del_rec_code="B10211000H0001CTR0001"),
        "<Document><InCtrctEntDel><InfRecType>224</InfRecType>"
        "<DelRecCode>B10211000H0001CTR0001</DelRecCode></InCtrctEntDel></Document>",
    ),
}


# --- lines and typed records -------------------------------------------------------------


@pytest.mark.parametrize("record_type", EXAMPLES)
def test_typed_record_writes_the_canonical_line_byte_for_byte(record_type: str) -> None:
    record, line = EXAMPLES[record_type]
    assert record.to_line() == line


@pytest.mark.parametrize("record_type", EXAMPLES)
def test_canonical_line_reads_back_to_the_typed_record(record_type: str) -> None:
    record, line = EXAMPLES[record_type]
    cls = VARIANTS[record_type]
    assert type(record) is cls
    assert cls.from_line(line) == record
    assert cls.from_line(line).to_line() == line


@pytest.mark.parametrize("record_type", EXAMPLES)
def test_each_sample_is_the_canonical_line(record_type: str) -> None:
    assert SAMPLES[record_type] == EXAMPLES[record_type][1]


@pytest.mark.parametrize("record_type", EXAMPLES)
def test_each_table_drives_exactly_its_dataclass_fields_in_order(record_type: str) -> None:
    cls = VARIANTS[record_type]
    assert cls.spec.cls is cls
    assert cls.spec.fields[0].tag == "InfRecType"
    assert cls.spec.attribute_names() == dataclass_attributes(cls)


@pytest.mark.parametrize("record_type", EXAMPLES)
def test_the_fast_and_the_full_reader_agree(record_type: str) -> None:
    cls = VARIANTS[record_type]
    line = SAMPLES[record_type]
    assert cls.parse_line(line) == read_raw_full(line, cls.spec.tag, {cls.spec.tag: cls.spec})


def test_reader_accepts_any_item_order_full_width_and_self_closing_blanks() -> None:
    line = (
        "<Document><InCtrctDel><DelEndDate/><DelSgmtCode>Ｄ</DelSgmtCode>"
        "<DelStartDate> 2024-06-01 </DelStartDate><InfRecType>223</InfRecType>"
        "<DelRecCode>B10211000H0001CTR0001</DelRecCode></InCtrctDel></Document>"
    )
    assert AgreementSegmentDeletion.from_line(line) == EXAMPLES["223"][0]


@pytest.mark.parametrize(
    "line",
    [
        "<Document><InAcctEntDel></InAcctEntDel>",
        "<Document><InCtrctEntDel><DelRecCode>B10211000H0001R1A0001</DelRecCode>"
        "</InCtrctEntDel></Document>",
        SAMPLES["214"].replace("<DelRecCode>", "<AcctCode>x</AcctCode><DelRecCode>"),
        SAMPLES["214"].replace(
            "<InfRecType>214</InfRecType>", "<BsSgmt><InfRecType>214</InfRecType></BsSgmt>"
        ),
        SAMPLES["214"].replace("<DelRecCode>", "<DelRecCode>A</DelRecCode><DelRecCode>"),
        SAMPLES["214"].replace("<InfRecType>214", "<InfRecType>224"),
    ],
    ids=[
        "unterminated",
        "wrong-root",
        "unknown-item",
        "segment-element",
        "duplicate-item",
        "wrong-record-type",
    ],
)
def test_unparseable_lines_get_a_single_ABR000(line: str) -> None:
    with pytest.raises(RecordUnreadable) as caught:
        AccountDeletion.from_line(line)
    assert caught.value.code == "ABR000"


def test_every_conversion_error_of_a_line_is_collected() -> None:
    line = (
        SAMPLES["215"]
        .replace("<OpetnType>11<", "<OpetnType>13<")
        .replace("<Month>2024-08<", "<Month>2024-13<")
        .replace("<Flag>1</Flag>", "")
        .replace("<AcctCode>B10211000H0001R2C0001<", "<AcctCode><")
    )
    with pytest.raises(RecordInvalid) as caught:
        SpecialEvent.from_line(line)
    assert [(e.code, e.tag) for e in caught.value.errors] == [
        ("ABE000", "AcctCode"),
        ("ABE001", "OpetnType"),
        ("ABE001", "Month"),
        ("ABD000", "Flag"),
    ]


def test_writer_reports_every_value_that_does_not_fit() -> None:
    bad = SpecialEvent(
        acct_code="B10211000H0001" + "X" * 47,
        opetn_type=SpecialEventType.TRANSFERRED_OUT,
        month=date(2024, 8, 15),
        flag=EffectFlag.INVALID,
        rpt_date=date(1900, 8, 20),
    )
    with pytest.raises(RecordInvalid) as caught:
        bad.to_line()
    assert [(e.code, e.tag) for e in caught.value.errors] == [
        ("ABE001", "AcctCode"),
        ("ABE001", "Month"),
        ("ABE008", "RptDate"),
    ]


codes = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60
)
days = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))


@given(
    st.builds(AccountIdChange, od_bnes_code=codes, nw_bnes_code=codes)
    | st.builds(
        AgreementSegmentDeletion,
        del_rec_code=codes,
        del_sgmt_code=st.sampled_from(SegmentMark220),
        del_start_date=st.none() | days,
        del_end_date=st.none() | days,
    )
    | st.builds(
        SpecialEvent,
        acct_code=codes,
        opetn_type=st.sampled_from(SpecialEventType),
        month=days.map(lambda d: d.replace(day=1)),
        flag=st.sampled_from(EffectFlag),
        rpt_date=days,
    )
)
def test_every_well_formed_request_round_trips(record: FlatRecord) -> None:
    line = record.to_line()
    assert type(record).from_line(line) == record
    assert type(record).from_line(line).to_line() == line


# --- rules ------------------------------------------------------------------------------


def context(record_type: str) -> FileContext:
    return FileContext(record_type, FILE_DATE, INSTITUTION)


def errors_of(record_type: str, line: str) -> list[tuple[str, str]]:
    book = BOOKS_VARIANTS[record_type]
    return [(e.code, e.tag) for e in book.check(line, context(record_type), cap=100)[1]]


@dataclass(frozen=True)
class Case:
    record_type: str
    code: str
    story: str
    old: str
    new: str
    tag: str

    @property
    def id(self) -> str:
        return f"{self.record_type}-{self.code}-{self.tag}"


OTHER_INSTITUTION = "B10211000H0009"


def _id_change_cases(record_type: str, same_code: str) -> list[Case]:
    old = "B10211000H0001" + ("R1A0001" if record_type == "211" else "CTR0001")
    new = "B10211000H0001" + ("R1B0001" if record_type == "211" else "CTR0002")
    wrong_type = "221" if record_type == "211" else "211"
    return [
        Case(
            record_type,
            "ABR000",
            "another record type",
            f">{record_type}<",
            f">{wrong_type}<",
            "0000",
        ),
        Case(
            record_type,
            "ABD000",
            "no new code",
            f"<NwBnesCode>{new}</NwBnesCode>",
            "",
            "NwBnesCode",
        ),
        Case(record_type, "ABE000", "a blank old code", f">{old}<", "><", "OdBnesCode"),
        Case(
            record_type,
            "ABE001",
            "a new code in Chinese",
            f">{new}<",
            f">{INSTITUTION}新账户<",
            "NwBnesCode",
        ),
        Case(
            record_type,
            "ABE002",
            "an old code of another institution",
            f">{old}<",
            f">{OTHER_INSTITUTION}R1A0001<",
            "OdBnesCode",
        ),
        Case(
            record_type,
            same_code,
            "the new code is the old one",
            f">{new}<",
            f">{old}<",
            "NwBnesCode",
        ),
    ]


def _deletion_cases(record_type: str, range_code: str, order_code: str) -> list[Case]:
    """213 deletes July-August 2024 of segment H; 223 deletes segment D from June 2024 on."""
    account = record_type == "213"
    code = "B10211000H0001" + ("R1A0001" if account else "CTR0001")
    mark, other = ("H", "B") if account else ("D", "C")
    start = (
        "<DelStartDate>2024-07-01</DelStartDate>"
        if account
        else "<DelStartDate>2024-06-01</DelStartDate>"
    )
    end = "<DelEndDate>2024-08-31</DelEndDate>" if account else "<DelEndDate></DelEndDate>"
    blank = "<DelStartDate></DelStartDate><DelEndDate></DelEndDate>"
    backwards = (
        "<DelStartDate>2024-09-01</DelStartDate>" + end
        if account
        else start + "<DelEndDate>2024-05-31</DelEndDate>"
    )
    return [
        Case(record_type, "ABR000", "a whole deletion's type", f">{record_type}<", ">214<", "0000"),
        Case(record_type, "ABD000", "no end date tag", end, "", "DelEndDate"),
        Case(record_type, "ABE000", "a blank record code", f">{code}<", "><", "DelRecCode"),
        Case(
            record_type,
            "ABE001",
            "a segment that cannot be deleted",
            f">{mark}<",
            f">{other}<",
            "DelSgmtCode",
        ),
        Case(
            record_type,
            "ABE002",
            "a record of another institution",
            f">{code}<",
            f">{OTHER_INSTITUTION}X<",
            "DelRecCode",
        ),
        Case(
            record_type,
            "ABE008",
            "a range starting in 1900",
            "<DelStartDate>2024-",
            "<DelStartDate>1900-",
            "DelStartDate",
        ),
        Case(record_type, range_code, "no date at all", start + end, blank, "0000"),
        Case(
            record_type,
            order_code,
            "a range that ends before it starts",
            start + end,
            backwards,
            "DelStartDate",
        ),
    ]


def _whole_deletion_cases(record_type: str) -> list[Case]:
    code = "B10211000H0001" + ("R1A0001" if record_type == "214" else "CTR0001")
    return [
        Case(
            record_type, "ABR000", "a segment deletion's type", f">{record_type}<", ">213<", "0000"
        ),
        Case(
            record_type,
            "ABD000",
            "nothing to delete",
            f"<DelRecCode>{code}</DelRecCode>",
            "",
            "DelRecCode",
        ),
        Case(record_type, "ABE000", "a blank record code", f">{code}<", ">　<", "DelRecCode"),
        Case(
            record_type,
            "ABE001",
            "a 61-character code",
            f">{code}<",
            f">{code}{'0' * 40}<",
            "DelRecCode",
        ),
        Case(
            record_type,
            "ABE002",
            "a record of another institution",
            f">{code}<",
            f">{OTHER_INSTITUTION}R1A0001<",
            "DelRecCode",
        ),
    ]


SPECIAL_EVENT_CASES = [
    Case("215", "ABR000", "a deletion's type", ">215<", ">214<", "0000"),
    Case("215", "ABD000", "no effective flag", "<Flag>1</Flag>", "", "Flag"),
    Case("215", "ABE000", "a blank account code", ">B10211000H0001R2C0001<", "><", "AcctCode"),
    Case("215", "ABE001", "event type 13", "<OpetnType>11<", "<OpetnType>13<", "OpetnType"),
    Case(
        "215",
        "ABE002",
        "an account of another institution",
        ">B10211000H0001R2C0001<",
        f">{OTHER_INSTITUTION}R2C0001<",
        "AcctCode",
    ),
    Case("215", "ABE008", "an event in 1900", "<Month>2024-08<", "<Month>1900-08<", "Month"),
    Case(
        "215",
        "ABR001",
        "an October event reported after the file's date",
        "<Month>2024-08</Month><Flag>1</Flag><RptDate>2024-08-20<",
        "<Month>2024-10</Month><Flag>1</Flag><RptDate>2024-10-02<",
        "RptDate",
    ),
    Case(
        "215",
        "BQR000",
        "a July event reported in August",
        "<Month>2024-08<",
        "<Month>2024-07<",
        "0000",
    ),
]

CASES = [
    *_id_change_cases("211", "BIE000"),
    *_deletion_cases("213", "BSE000", "BSE001"),
    *_whole_deletion_cases("214"),
    *SPECIAL_EVENT_CASES,
    *_id_change_cases("221", "BIE100"),
    *_deletion_cases("223", "BSE100", "BSE101"),
    *_whole_deletion_cases("224"),
]


@pytest.mark.parametrize("record_type", EXAMPLES)
def test_each_sample_is_clean(record_type: str) -> None:
    book = BOOKS_VARIANTS[record_type]
    key = book.key_of(book.read(SAMPLES[record_type]))
    assert book.check(SAMPLES[record_type], context(record_type), cap=100) == (key, [])
    assert key.startswith(INSTITUTION)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_code_fires_alone(case: Case) -> None:
    line = SAMPLES[case.record_type]
    assert case.old in line, case.old
    broken = line.replace(case.old, case.new, 1)
    assert errors_of(case.record_type, broken) == [(case.code, case.tag)], case.story


@pytest.mark.parametrize("record_type", EXAMPLES)
def test_every_code_each_book_can_raise_has_its_case(record_type: str) -> None:
    covered = {case.code for case in CASES if case.record_type == record_type}
    assert covered == BOOKS_VARIANTS[record_type].codes()


def test_the_books_are_keyed_by_their_record_type_and_root() -> None:
    assert sorted(BOOKS_VARIANTS) == ["211", "213", "214", "215", "221", "223", "224"]
    for record_type, book in BOOKS_VARIANTS.items():
        assert book.record_type == record_type
        assert book.root == VARIANTS[record_type].spec.tag


def test_a_wrong_segment_mark_is_one_ABE001() -> None:
    line = SAMPLES["213"].replace("<DelSgmtCode>H<", "<DelSgmtCode>Z<")
    assert errors_of("213", line) == [("ABE001", "DelSgmtCode")]


@pytest.mark.parametrize("mark", ["C", "H", "I", "J", "K"])
def test_213_may_delete_segments_c_h_i_j_k(mark: str) -> None:
    line = SAMPLES["213"].replace("<DelSgmtCode>H<", f"<DelSgmtCode>{mark}<")
    assert errors_of("213", line) == []


def test_one_date_of_the_range_is_enough() -> None:
    line = SAMPLES["213"].replace("<DelStartDate>2024-07-01<", "<DelStartDate><")
    assert errors_of("213", line) == []


def test_an_identifier_change_to_the_same_code_after_preprocessing_is_BIE000() -> None:
    line = SAMPLES["211"].replace(
        "<NwBnesCode>B10211000H0001R1B0001<", "<NwBnesCode> B10211000H0001R1A0001 <"
    )
    assert errors_of("211", line) == [("BIE000", "NwBnesCode")]
