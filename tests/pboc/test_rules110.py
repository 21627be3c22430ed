"""Record 110's rules: the sample is clean, and each rule, broken alone, reports its code and tag.

Every case starts from the valid sample (Zhang San's first report of 2024-09-12, married,
employed, every segment) and changes one thing, in a file of institution ``B10211000H0001``
created on 2024-09-30.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest

from zhengxin.pboc.record110 import SAMPLE_LINE
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.rules110 import BOOK

CONTEXT = FileContext("110", date(2024, 9, 30), "B10211000H0001")
SUBJECT_ID = "110105199003071239"
OTHER_ID = (
    "<IDRec><Alias>张山</Alias><OthIDType>2</OthIDType><OthIDNum>CHNE12345678</OthIDNum></IDRec>"
)


def errors_of(line: str, cap: int = 100) -> list[tuple[str, str]]:
    return [(e.code, e.tag) for e in BOOK.check(line, CONTEXT, cap=cap)[1]]


def changed(*swaps: tuple[str, str]) -> str:
    """The sample with each ``old`` text (found exactly once) replaced by ``new``."""
    line = SAMPLE_LINE
    for old, new in swaps:
        assert line.count(old) == 1, old
        line = line.replace(old, new)
    return line


def without(tag: str) -> str:
    """The sample without element ``tag`` (a segment or an item)."""
    line, found = re.subn(f"<{tag}>.*?</{tag}>", "", SAMPLE_LINE)
    assert found == 1, tag
    return line


@dataclass(frozen=True)
class Case:
    name: str
    line: str
    expected: tuple[tuple[str, str], ...]

    @property
    def codes(self) -> set[str]:
        return {code for code, _ in self.expected}


EMPLOYER_ITEMS = (
    *("CpnName", "CpnType", "Industry", "CpnAddr", "CpnPc", "CpnDist", "CpnTEL"),
    *("Occupation", "Title", "TechTitle", "WorkStartDate"),
)
SPOUSE_ITEMS = ("SpoName", "SpoIDType", "SpoIDNum", "SpoTel", "SpsCmpyNm")

CASES = [
    Case("BBR000-no-base-segment", without("BsSgmt"), (("BBR000", "BsSgmt"),)),
    Case(
        "BBR000-first-report-without-education",
        without("EduInfSgmt"),
        (("BBR000", "EduInfSgmt"),),
    ),
    Case(
        "BBD000-employed-without-employer-name",
        without("CpnName"),
        (("BBD000", "CpnName"),),
    ),
    Case(
        "BBD000-unemployed-with-employer-items",
        changed(("<EmpStatus>17<", "<EmpStatus>70<")),
        tuple(("BBD000", tag) for tag in EMPLOYER_ITEMS),
    ),
    Case("BBD001-married-without-spouse-name", without("SpoName"), (("BBD001", "SpoName"),)),
    Case(
        "BBD001-unmarried-with-spouse-items",
        changed(("<MariStatus>20<", "<MariStatus>10<")),
        tuple(("BBD001", tag) for tag in SPOUSE_ITEMS),
    ),
    Case(
        "BBD002-other-identity-is-the-subject",
        changed(
            (
                "<OthIDType>2</OthIDType><OthIDNum>CHNE12345678<",
                f"<OthIDType>10</OthIDType><OthIDNum>{SUBJECT_ID}<",
            ),
        ),
        (("BBD002", "0000"),),
    ),
    Case(
        "BBD003-spouse-is-the-subject",
        changed(("<SpoIDNum>110105199112152425<", f"<SpoIDNum>{SUBJECT_ID}<")),
        (("BBD003", "0000"),),
    ),
    Case(
        "BBE001-born-after-the-update",
        changed(("<DOB>1990-03-07<", "<DOB>2024-09-11<")),
        (("BBE001", "DOB"),),
    ),
    Case(
        "BBE002-spouse-number-without-type",
        changed(("<SpoIDType>10<", "<SpoIDType><")),
        (("BBE002", "SpoIDType"),),
    ),
    Case(
        "BBE002-spouse-type-without-number",
        changed(("<SpoIDNum>110105199112152425<", "<SpoIDNum> <")),
        (("BBE002", "SpoIDNum"),),
    ),
    Case(
        "BBE004-college-with-a-bachelor-degree",
        changed(("<EduLevel>20<", "<EduLevel>30<")),
        (("BBE004", "AcaDegree"),),
    ),
    Case(
        "BBE005-private-employer-head-of-organisation",
        changed(("<Occupation>1<", "<Occupation>0<")),
        (("BBE005", "Occupation"),),
    ),
    Case(
        "BBE006-no-other-identities-counted",
        changed(("<IDNm>1<", "<IDNm>0<")),
        (("BBE006", "IDNm"), ("ABE010", "IDNm")),
    ),
    Case("ABD000-missing-nation", without("Nation"), (("ABD000", "Nation"),)),
    Case("ABD000-address-without-post-code", without("ResiPc"), (("ABD000", "ResiPc"),)),
    Case("ABD000-post-code-without-district", without("ResiDist"), (("ABD000", "ResiDist"),)),
    Case("ABD000-mail-address-without-post-code", without("MailPc"), (("ABD000", "MailPc"),)),
    Case("ABD000-no-other-identity", without("IDRec"), (("ABD000", "IDRec"),)),
    Case("ABE000-blank-name", changed(("<Name>张三<", "<Name>　<")), (("ABE000", "Name"),)),
    Case(
        "ABE001-report-timing-code-30",
        changed(("<RptDateCode>10<", "<RptDateCode>30<")),
        (("ABE001", "RptDateCode"),),
    ),
    Case(
        "ABE002-information-source-of-another-institution",
        changed(("<InfSurcCode>B10211000H000101<", "<InfSurcCode>B10211000H999901<")),
        (("ABE002", "InfSurcCode"),),
    ),
    Case(
        "ABE003-maintained-by-another-institution",
        changed(("<Cimoc>B10211000H0001<", "<Cimoc>B10211000H9999<")),
        (("ABE003", "Cimoc"),),
    ),
    Case(
        "ABE004-subject-id-check-character",
        changed(("<IDNum>110105199003071239<", "<IDNum>110105199003071238<")),
        (("ABE004", "IDNum"),),
    ),
    Case(
        "ABE004-passport-without-country",
        changed(("<OthIDNum>CHNE12345678<", "<OthIDNum>E12345678<")),
        (("ABE004", "OthIDNum"),),
    ),
    Case(
        "ABE004-spouse-id-check-character",
        changed(("<SpoIDNum>110105199112152425<", "<SpoIDNum>110105199112152424<")),
        (("ABE004", "SpoIDNum"),),
    ),
    Case(
        "ABE007-profile-updated-after-the-report",
        changed(("<FcsInfoUpDate>2024-09-10<", "<FcsInfoUpDate>2024-09-13<")),
        (("ABE007", "FcsInfoUpDate"),),
    ),
    Case(
        "ABE007-income-updated-after-the-report",
        changed(("<IncInfoUpDate>2024-09-10<", "<IncInfoUpDate>2024-09-30<")),
        (("ABE007", "IncInfoUpDate"),),
    ),
    Case(
        "ABE008-work-started-in-1900",
        changed(("<WorkStartDate>2015<", "<WorkStartDate>1900<")),
        (("ABE008", "WorkStartDate"),),
    ),
    Case(
        "ABE008-born-in-1900",
        changed(("<DOB>1990-03-07<", "<DOB>1900-12-31<")),
        (("ABE008", "DOB"),),
    ),
    Case(
        "ABE010-two-counted-one-sent",
        changed(("<IDNm>1<", "<IDNm>2<")),
        (("ABE010", "IDNm"),),
    ),
    Case(
        "ABE011-the-same-identity-twice",
        changed(("<IDNm>1<", "<IDNm>2<"), (OTHER_ID, OTHER_ID * 2)),
        (("ABE011", "IDRec"),),
    ),
    Case(
        "ABR000-record-type-210",
        changed(("<InfRecType>110<", "<InfRecType>210<")),
        (("ABR000", "0000"),),
    ),
    Case(
        "ABR000-unknown-tag",
        changed(("<Title>3</Title>", "<Title>3</Title><Rank>1</Rank>")),
        (("ABR000", "0000"),),
    ),
    Case(
        "ABR001-reported-after-the-file-date",
        changed(("<RptDate>2024-09-12<", "<RptDate>2024-10-01<")),
        (("ABR001", "RptDate"),),
    ),
]


def test_the_sample_is_valid() -> None:
    key, errors = BOOK.check(SAMPLE_LINE, CONTEXT, cap=100)
    assert (key, errors) == (SUBJECT_ID, [])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_breaking_one_rule_reports_its_code_and_tag(case: Case) -> None:
    assert errors_of(case.line) == list(case.expected)


def test_every_code_of_the_book_is_tested() -> None:
    tested = set().union(*(case.codes for case in CASES))
    assert BOOK.codes() <= tested
    assert tested <= BOOK.codes()


def test_an_update_may_leave_out_the_core_segments() -> None:
    line = SAMPLE_LINE.replace("<RptDateCode>10<", "<RptDateCode>20<")
    for segment in ("FcsInfSgmt", "SpsInfSgmt", "EduInfSgmt", "OctpnInfSgmt", "RedncInfSgmt"):
        line = re.sub(f"<{segment}>.*?</{segment}>", "", line)
    line = re.sub("<(MlgInfSgmt|IDSgmt|IncInfSgmt)>.*?</\\1>", "", line)
    assert errors_of(line) == []


def test_a_blank_residence_address_needs_no_post_code_or_district() -> None:
    line = re.sub("<ResiAddr>.*?</ResiDist>", "<ResiAddr></ResiAddr>", SAMPLE_LINE)
    assert errors_of(line) == []


def test_an_invalid_mail_address_needs_no_post_code() -> None:
    line = changed(
        ("<MailAddr>北京市朝阳区建国路1号<", "<MailAddr>" + "长" * 101 + "<"),
        ("<MailPc>100022</MailPc>", ""),
    )
    assert errors_of(line) == [("ABE001", "MailAddr")]


def test_an_invalid_marital_status_reports_only_its_code() -> None:
    line = changed(("<MariStatus>20<", "<MariStatus>55<"))
    assert errors_of(line) == [("ABE001", "MariStatus")]


def test_update_dates_are_not_compared_with_a_late_report_date() -> None:
    line = changed(
        ("<RptDate>2024-09-12<", "<RptDate>2024-10-08<"),
        ("<FcsInfoUpDate>2024-09-10<", "<FcsInfoUpDate>2024-10-09<"),
    )
    assert errors_of(line) == [("ABR001", "RptDate")]


def test_base_items_are_checked_in_the_rule_file_order() -> None:
    line = changed(
        ("<Name>张三<", "<Name><"),
        ("<InfSurcCode>B10211000H000101<", "<InfSurcCode>B10211000H999901<"),
        ("<Cimoc>B10211000H0001<", "<Cimoc>B10211000H9999<"),
    )
    assert errors_of(line) == [("ABE002", "InfSurcCode"), ("ABE000", "Name"), ("ABE003", "Cimoc")]


def test_segments_are_checked_in_the_rule_file_order() -> None:
    line = changed(
        ("<SpoIDType>10<", "<SpoIDType><"),
        ("<EduLevel>20<", "<EduLevel>30<"),
        ("<MailDist>110105<", "<MailDist>1101<"),
    )
    assert errors_of(line) == [
        ("BBE004", "AcaDegree"),
        ("ABE001", "MailDist"),
        ("BBE002", "SpoIDType"),
    ]


def test_the_client_stops_at_five_errors() -> None:
    line = changed(("<EmpStatus>17<", "<EmpStatus>70<"))
    assert errors_of(line, cap=5) == [("BBD000", tag) for tag in EMPLOYER_ITEMS[:5]]


def test_outside_a_file_the_institution_checks_are_skipped() -> None:
    line = changed(("<Cimoc>B10211000H0001<", "<Cimoc>B10211000H9999<"))
    assert BOOK.check(line)[1] == []
