"""Readings of the rule model that reviews against the reference settled, one test each.

Every line here starts from a valid sample and changes one thing; the comment on each test
names the section of ``pboc-records.md`` that decides it.
"""

from datetime import date
from pathlib import Path

from zhengxin.codes import SegmentMark210, SegmentMark220
from zhengxin.pboc.record110 import SAMPLE_LINE as LINE_110
from zhengxin.pboc.record210 import SEGMENTS_210
from zhengxin.pboc.record220 import SAMPLE_LINE as LINE_220
from zhengxin.pboc.record220 import SEGMENTS_220
from zhengxin.pboc.rules import FileContext, Record
from zhengxin.pboc.validator import BOOKS, check_line
from zhengxin.pboc.variants import SAMPLES

INSTITUTION = "B10211000H0001"
LINE_210 = (Path(__file__).parents[1] / "data" / "section10.txt").read_text("utf-8").splitlines()[1]


def found(line: str, record_type: str) -> list[tuple[str, str]]:
    context = FileContext(record_type, date(2024, 9, 30), INSTITUTION)
    return [(e.code, e.tag) for e in check_line(line, record_type, context, cap=100)]


def interpreted(line: str, record_type: str) -> list[tuple[str, str]]:
    book = BOOKS[record_type]
    record = Record(book, book.read(line), FileContext(record_type, date(2024, 9, 30)), 100)
    book.walk_interpreted(record)
    return [(e.code, e.tag) for e in record.errors]


def test_a_wrong_record_type_is_one_error_among_the_others() -> None:
    # §2.4, §3.2: ABR000 on InfRecType is a rule like the others; only an unparseable line
    # stops at one ABR000 (§1.5).
    line = LINE_210.replace("<InfRecType>210<", "<InfRecType>211<").replace(
        "<Name>张三</Name>", "<Name></Name>"
    )
    assert found(line, "210") == [("ABR000", "0000"), ("ABE000", "Name")]
    line = LINE_220.replace("<InfRecType>220<", "<InfRecType>210<").replace(
        "<IDNum>110105199003071239<", "<IDNum>110105199003071230<"
    )
    assert found(line, "220") == [("ABR000", "0000"), ("ABE004", "IDNum")]


def test_other_identities_are_checked_before_the_update_date_that_follows_them() -> None:
    # §1.5 and §5.2: IDInfoUpDate comes after the IDRec elements, in the line and in the walk.
    line = LINE_110.replace("<IDNm>1</IDNm>", "<IDNm>2</IDNm>")
    line = line.replace("<IDInfoUpDate>2024-09-10<", "<IDInfoUpDate>2024-09-20<")
    assert found(line, "110") == [("ABE010", "IDNm"), ("ABE007", "IDInfoUpDate")]
    assert interpreted(line, "110") == found(line, "110")


def test_an_unexpected_employer_item_is_reported_once_by_both_walks() -> None:
    # §5.6: employer items are absent unless employed (BBD000); an unexpected item is not a
    # value the other rules compare, in the compiled walk as in the interpreted one.
    start = LINE_110.index("<OctpnInfSgmt>")
    end = LINE_110.index("</OctpnInfSgmt>") + len("</OctpnInfSgmt>")
    segment = (
        "<OctpnInfSgmt><EmpStatus>70</EmpStatus><CpnType>40</CpnType>"
        "<Occupation>0</Occupation><OctpnInfoUpDate>2024-09-10</OctpnInfoUpDate></OctpnInfSgmt>"
    )
    line = LINE_110[:start] + segment + LINE_110[end:]
    assert found(line, "110") == [("BBD000", "CpnType"), ("BBD000", "Occupation")]
    assert interpreted(line, "110") == found(line, "110")


def test_two_blank_identifiers_are_the_same_identifier() -> None:
    # §7.1 with §1.3: NotEquals compares a blank value as "".
    line = (
        SAMPLES["211"]
        .replace("<OdBnesCode>B10211000H0001R1A0001<", "<OdBnesCode><")
        .replace("<NwBnesCode>B10211000H0001R1B0001<", "<NwBnesCode><")
    )
    assert ("BIE000", "NwBnesCode") in found(line, "211")


def test_an_over_long_name_of_a_person_is_one_format_error() -> None:
    # §6.2 and §1.2: one format per identity category; the longest is the declared one.
    line = LINE_220.replace("<CertRelName>李梅<", f"<CertRelName>{'李' * 81}<")
    assert found(line, "220") == [("ABE001", "CertRelName")]
    line = LINE_220.replace("<CertRelName>李梅<", f"<CertRelName>{'李' * 31}<")
    assert found(line, "220") == [("ABE001", "CertRelName")]


def test_each_book_raises_as_many_distinct_codes_as_the_reference_counts() -> None:
    # §8.3, "Distinct codes" per client rule file.
    counted = {"110": 22, "210": 68, "220": 17, "212": 48, "222": 17}
    counted |= {"211": 6, "221": 6, "213": 8, "223": 8, "214": 5, "224": 5, "215": 8}
    assert {kind: len(book.codes()) for kind, book in BOOKS.items()} == counted


def test_the_segment_tables_carry_the_marks_and_names_of_the_manage_dictionaries() -> None:
    # §9.39: the segment marks a correction (212/222) or a deletion (213/223) names.
    assert {s.mark: s.name for s in SEGMENTS_210} == SegmentMark210.table()
    assert {s.mark: s.name for s in SEGMENTS_220} == SegmentMark220.table()
