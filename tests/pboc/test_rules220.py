"""Record 220's rule book: the sample is clean, and each error code fires on its own.

Every case takes the valid sample agreement (reported 2024-06-05 by ``B10211000H0001``, in a
file of that day), breaks exactly one rule by editing its text, and states the single error the
client reports: code and tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from zhengxin.pboc.record220 import SAMPLE_LINE
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.rules220 import BOOK

CONTEXT = FileContext("220", date(2024, 6, 5), "B10211000H0001")

PERSON = (
    "<CtrctCertRel><BrerType>1</BrerType><CertRelName>李梅</CertRelName>"
    "<CertRelIDType>10</CertRelIDType><CertRelIDNum>110108198511204020</CertRelIDNum>"
    "</CtrctCertRel>"
)
COMPANY = (
    "<CtrctCertRel><BrerType>2</BrerType><CertRelName>深圳某某贸易有限公司</CertRelName>"
    "<CertRelIDType>20</CertRelIDType><CertRelIDNum>914403001922038216</CertRelIDNum>"
    "</CtrctCertRel>"
)
LIMIT_SEGMENT = SAMPLE_LINE[
    SAMPLE_LINE.index("<CreditLimSgmt>") : SAMPLE_LINE.index("</CreditLimSgmt>") + 16
]


def errors_of(line: str, context: FileContext = CONTEXT) -> list[tuple[str, str]]:
    return [(e.code, e.tag) for e in BOOK.check(line, context, cap=100)[1]]


def edited(*changes: tuple[str, str]) -> str:
    line = SAMPLE_LINE
    for old, new in changes:
        assert old in line, old
        line = line.replace(old, new, 1)
    return line


@dataclass(frozen=True)
class Case:
    code: str
    story: str
    changes: tuple[tuple[str, str], ...]
    tag: str


CASES = [
    Case("ABR000", "a 221 record in a 220 file", (("<InfRecType>220", "<InfRecType>221"),), "0000"),
    Case("BCR000", "no credit-limit segment", ((LIMIT_SEGMENT, ""),), "CreditLimSgmt"),
    Case("ABD000", "the borrower's name left out", (("<Name>张三</Name>", ""),), "Name"),
    Case("ABE000", "a blank borrower name", (("<Name>张三</Name>", "<Name> </Name>"),), "Name"),
    Case(
        "ABE001",
        "report-timing code 40 (a 210 code)",
        (("<RptDateCode>10<", "<RptDateCode>40<"),),
        "RptDateCode",
    ),
    Case(
        "ABE002",
        "a ContractCode of another institution",
        (("<ContractCode>B10211000H0001", "<ContractCode>B10211000H0009"),),
        "ContractCode",
    ),
    Case(
        "ABE003",
        "managed by an unknown institution",
        (("<MngmtOrgCode>B10211000H0001<", "<MngmtOrgCode>B10211000H0009<"),),
        "MngmtOrgCode",
    ),
    Case(
        "ABE004",
        "a resident ID with a wrong check digit",
        (("<IDNum>110105199003071239<", "<IDNum>110105199003071238<"),),
        "IDNum",
    ),
    Case(
        "ABE007",
        "a limit effective after the report date",
        (("<ConEffDate>2024-06-01<", "<ConEffDate>2024-06-06<"),),
        "ConEffDate",
    ),
    Case(
        "ABE008",
        "a limit effective in 1900",
        (("<ConEffDate>2024-06-01<", "<ConEffDate>1900-06-01<"),),
        "ConEffDate",
    ),
    Case(
        "ABE010", "three co-obligors announced, two sent", (("<BrerNm>2<", "<BrerNm>3<"),), "BrerNm"
    ),
    Case("ABE011", "the same co-obligor sent twice", ((COMPANY, PERSON),), "BrerNm"),
    Case(
        "ABR001",
        "reported after the file's date",
        (("<RptDate>2024-06-05<", "<RptDate>2024-06-06<"),),
        "RptDate",
    ),
    Case(
        "BCE000",
        "a limit that expires before it starts",
        (("<ConExpDate>2027-05-31<", "<ConExpDate>2024-05-31<"),),
        "ConEffDate",
    ),
    Case(
        "BCE002",
        "a company identified by its business registration number (01)",
        (("<CertRelIDType>20<", "<CertRelIDType>01<"),),
        "0000",
    ),
    Case(
        "BCE003",
        "the borrower listed as his own co-obligor",
        (("<CertRelIDNum>110108198511204020<", "<CertRelIDNum>110105199003071239<"),),
        "0000",
    ),
    Case(
        "BCE004",
        "a sub-limit code without its amount",
        (("<CreditRest>20000</CreditRest>", ""),),
        "0000",
    ),
]


def test_the_sample_agreement_is_clean() -> None:
    assert BOOK.check(SAMPLE_LINE, CONTEXT, cap=100) == ("B10211000H0001CTR0001", [])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_each_code_fires_alone(case: Case) -> None:
    assert errors_of(edited(*case.changes)) == [(case.code, case.tag)], case.story


def test_every_code_the_book_can_raise_has_its_case() -> None:
    assert {case.code for case in CASES} == BOOK.codes()


def test_the_base_segment_missing_is_BCR000_on_that_segment() -> None:
    base = SAMPLE_LINE[
        SAMPLE_LINE.index("<CtrctBsSgmt>") : SAMPLE_LINE.index("</CtrctBsSgmt>") + 14
    ]
    assert errors_of(SAMPLE_LINE.replace(base, "")) == [("BCR000", "CtrctBsSgmt")]


def test_an_unparseable_line_is_ABR000_with_no_key() -> None:
    key, errors = BOOK.check(SAMPLE_LINE.replace("<Cy>", "<Cy>&"), CONTEXT)
    assert key == ""
    assert [(e.code, e.tag) for e in errors] == [("ABR000", "0000")]


def test_co_obligor_count_is_not_compared_when_no_element_is_sent() -> None:
    """The client compares BrerNm with the elements only when there is at least one (§6.2)."""
    assert errors_of(edited((PERSON, ""), (COMPANY, ""))) == []


def test_a_wrong_co_obligor_id_type_is_BCE002_not_ABE001() -> None:
    assert errors_of(edited(("<CertRelIDType>10<", "<CertRelIDType>ZZ<"))) == [("BCE002", "0000")]
    # 30 is an organisation type: a person using it gets BCE002, and no ID-number rule applies.
    assert errors_of(edited(("<CertRelIDType>10<", "<CertRelIDType>30<"))) == [("BCE002", "0000")]


def test_an_organisation_co_obligor_id_is_checked_by_the_organisation_rule() -> None:
    assert errors_of(
        edited(("<CertRelIDNum>914403001922038216<", "<CertRelIDNum>914403001922038217<"))
    ) == [("ABE004", "CertRelIDNum")]


def test_a_natural_persons_name_and_number_have_person_lengths() -> None:
    line = edited(
        ("<CertRelName>李梅<", f"<CertRelName>{'李' * 31}<"),
        ("<CertRelIDType>10<", "<CertRelIDType>X<"),
        ("<CertRelIDNum>110108198511204020<", f"<CertRelIDNum>{'9' * 21}<"),
    )
    assert errors_of(line) == [("ABE001", "CertRelName"), ("ABE001", "CertRelIDNum")]


def test_a_sub_limit_amount_without_its_code_is_BCE004_too() -> None:
    line = edited(("<CreditRestCode>B10211000H0001LIM0001</CreditRestCode>", ""))
    assert errors_of(line) == [("BCE004", "0000")]


def test_an_agreement_without_any_sub_limit_is_clean() -> None:
    line = edited(
        ("<CreditRest>20000</CreditRest>", ""),
        ("<CreditRestCode>B10211000H0001LIM0001</CreditRestCode>", ""),
    )
    assert errors_of(line) == []


def test_segments_and_limit_items_are_checked_in_rule_file_order() -> None:
    """CtrctBsSgmt, then CreditLimSgmt (CreditLim before LimLoopFlg), then CtrctCertRelSgmt."""
    line = edited(
        ("<Name>张三</Name>", ""),
        ("<BrerNm>2<", "<BrerNm>3<"),
        ("<LimLoopFlg>1<", "<LimLoopFlg>7<"),
        ("<CreditLim>50000<", "<CreditLim>-1<"),
    )
    assert errors_of(line) == [
        ("ABD000", "Name"),
        ("ABE001", "CreditLim"),
        ("ABE001", "LimLoopFlg"),
        ("ABE010", "BrerNm"),
    ]


def test_the_client_stops_after_five_errors() -> None:
    line = edited(
        ("<Name>张三</Name>", ""),
        ("<RptDateCode>10<", "<RptDateCode>40<"),
        ("<IDType>10<", "<IDType>99<"),
        ("<LimLoopFlg>1<", "<LimLoopFlg>7<"),
        ("<CreditLim>50000<", "<CreditLim>-1<"),
        ("<Cy>CNY<", "<Cy>XYZ<"),
    )
    assert len(BOOK.check(line, CONTEXT)[1]) == 5
    assert len(BOOK.check(line, CONTEXT, cap=100)[1]) == 6


def test_checked_outside_a_file_the_institution_rules_are_skipped() -> None:
    line = edited(("<MngmtOrgCode>B10211000H0001<", "<MngmtOrgCode>B10211000H0009<"))
    assert errors_of(line, FileContext()) == []
