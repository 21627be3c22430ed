"""Record 220: a credit agreement written from its typed form, read back, and read when broken."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.codes import (
    AgreementReportCode,
    AgreementStatus,
    CreditLimitType,
    Currency,
    IdentityCategory,
    IdType,
    RevolvingFlag,
)
from zhengxin.pboc.errors import RecordInvalid, RecordUnreadable
from zhengxin.pboc.line import dataclass_attributes, read_raw_full
from zhengxin.pboc.record220 import (
    ROOT_220,
    SAMPLE_LINE,
    SEGMENTS_220,
    AgreementBaseSegment,
    AgreementRecord,
    CoObligor,
    CreditLimitSegment,
    co_obligors,
    parse_line_220,
)

# Zhang San signs a revolving ¥50,000 agreement on 2024-06-01 for three years, with his wife
# Li Mei and a trading company as co-obligors and a ¥20,000 sub-limit; reported on 06-05.
ZHANG_SAN = AgreementRecord(
    base=AgreementBaseSegment(
        contract_code="B10211000H0001CTR0001",
        rpt_date=date(2024, 6, 5),
        rpt_date_code=AgreementReportCode.STARTED,
        name="张三",
        id_type=IdType.RESIDENT_ID,
        id_num="110105199003071239",
        mngmt_org_code="B10211000H0001",
    ),
    co_obligors=co_obligors(
        [
            CoObligor(
                brer_type=IdentityCategory.NATURAL_PERSON,
                cert_rel_name="李梅",
                cert_rel_id_type="10",
                cert_rel_id_num="110108198511204020",
            ),
            CoObligor(
                brer_type=IdentityCategory.ORGANISATION,
                cert_rel_name="深圳某某贸易有限公司",
                cert_rel_id_type="20",
                cert_rel_id_num="914403001922038216",
            ),
        ]
    ),
    credit_limit=CreditLimitSegment(
        credit_lim_type=CreditLimitType.REVOLVING_LOAN,
        lim_loop_flg=RevolvingFlag.YES,
        credit_lim=50000,
        cy=Currency.CNY,
        con_eff_date=date(2024, 6, 1),
        con_exp_date=date(2027, 5, 31),
        con_status=AgreementStatus.VALID,
        credit_rest=20000,
        credit_rest_code="B10211000H0001LIM0001",
    ),
)

CANONICAL = (
    "<Document><InCtrctInf>"
    "<CtrctBsSgmt><InfRecType>220</InfRecType><ContractCode>B10211000H0001CTR0001</ContractCode>"
    "<RptDate>2024-06-05</RptDate><RptDateCode>10</RptDateCode><Name>张三</Name>"
    "<IDType>10</IDType><IDNum>110105199003071239</IDNum>"
    "<MngmtOrgCode>B10211000H0001</MngmtOrgCode></CtrctBsSgmt>"
    "<CtrctCertRelSgmt><BrerNm>2</BrerNm>"
    "<CtrctCertRel><BrerType>1</BrerType><CertRelName>李梅</CertRelName>"
    "<CertRelIDType>10</CertRelIDType><CertRelIDNum>110108198511204020</CertRelIDNum>"
    "</CtrctCertRel>"
    "<CtrctCertRel><BrerType>2</BrerType><CertRelName>深圳某某贸易有限公司</CertRelName>"
    "<CertRelIDType>20</CertRelIDType><CertRelIDNum>914403001922038216</CertRelIDNum>"
    "</CtrctCertRel></CtrctCertRelSgmt>"
    "<CreditLimSgmt><CreditLimType>10</CreditLimType><LimLoopFlg>1</LimLoopFlg>"
    "<CreditLim>50000</CreditLim><Cy>CNY</Cy><ConEffDate>2024-06-01</ConEffDate>"
    "<ConExpDate>2027-05-31</ConExpDate><ConStatus>1</ConStatus><CreditRest>20000</CreditRest>"
    "<CreditRestCode>B10211000H0001LIM0001</CreditRestCode></CreditLimSgmt>"
    "</InCtrctInf></Document>"
)

# Three years on the agreement lapses: no co-obligor segment, no sub-limit.
LAPSED = replace(
    ZHANG_SAN,
    base=replace(
        ZHANG_SAN.base, rpt_date=date(2027, 6, 1), rpt_date_code=AgreementReportCode.EXPIRED
    ),
    co_obligors=None,
    credit_limit=replace(
        ZHANG_SAN.credit_limit,
        con_status=AgreementStatus.EXPIRED,
        credit_rest=None,
        credit_rest_code=None,
    ),
)
LAPSED_LINE = (
    "<Document><InCtrctInf>"
    "<CtrctBsSgmt><InfRecType>220</InfRecType><ContractCode>B10211000H0001CTR0001</ContractCode>"
    "<RptDate>2027-06-01</RptDate><RptDateCode>20</RptDateCode><Name>张三</Name>"
    "<IDType>10</IDType><IDNum>110105199003071239</IDNum>"
    "<MngmtOrgCode>B10211000H0001</MngmtOrgCode></CtrctBsSgmt>"
    "<CreditLimSgmt><CreditLimType>10</CreditLimType><LimLoopFlg>1</LimLoopFlg>"
    "<CreditLim>50000</CreditLim><Cy>CNY</Cy><ConEffDate>2024-06-01</ConEffDate>"
    "<ConExpDate>2027-05-31</ConExpDate><ConStatus>2</ConStatus></CreditLimSgmt>"
    "</InCtrctInf></Document>"
)

EXAMPLES = {"started": (ZHANG_SAN, CANONICAL), "lapsed": (LAPSED, LAPSED_LINE)}


@pytest.mark.parametrize("name", EXAMPLES)
def test_typed_record_writes_the_canonical_line_byte_for_byte(name: str) -> None:
    record, line = EXAMPLES[name]
    assert record.to_line() == line


@pytest.mark.parametrize("name", EXAMPLES)
def test_canonical_line_reads_back_to_the_typed_record_and_the_same_line(name: str) -> None:
    record, line = EXAMPLES[name]
    assert AgreementRecord.from_line(line) == record
    assert AgreementRecord.from_line(line).to_line() == line


def test_the_sample_line_is_the_started_agreement() -> None:
    assert SAMPLE_LINE == CANONICAL


def test_segments_are_in_canonical_order() -> None:
    assert [s.tag for s in SEGMENTS_220] == ["CtrctBsSgmt", "CtrctCertRelSgmt", "CreditLimSgmt"]
    assert [s.mark for s in SEGMENTS_220] == ["B", "C", "D"]


@pytest.mark.parametrize("spec", SEGMENTS_220, ids=lambda s: s.tag)
def test_each_table_drives_exactly_its_dataclass_fields_in_order(spec: object) -> None:
    assert spec.attribute_names() == dataclass_attributes(spec.cls)  # type: ignore[attr-defined]
    group = spec.group  # type: ignore[attr-defined]
    if group is not None:
        assert [f.attr for f in group.fields] == dataclass_attributes(group.cls)


def test_the_fast_and_the_full_reader_agree() -> None:
    by_tag = {spec.tag: spec for spec in SEGMENTS_220}
    for line in (CANONICAL, LAPSED_LINE):
        assert parse_line_220(line) == read_raw_full(line, ROOT_220, by_tag)


def test_reader_accepts_any_segment_order_full_width_and_spaces() -> None:
    base = CANONICAL[CANONICAL.index("<CtrctBsSgmt>") : CANONICAL.index("</CtrctBsSgmt>") + 14]
    moved = CANONICAL.replace(base, "").replace("</InCtrctInf>", base + "</InCtrctInf>")
    moved = moved.replace("<CreditLim>50000<", "<CreditLim>５００００ <")
    assert AgreementRecord.from_line(moved) == ZHANG_SAN


def test_text_is_escaped_and_unescaped() -> None:
    record = replace(ZHANG_SAN, base=replace(ZHANG_SAN.base, name="A&B <C>"))
    line = record.to_line()
    assert "<Name>A&amp;B &lt;C&gt;</Name>" in line
    assert AgreementRecord.from_line(line) == record


@pytest.mark.parametrize(
    "line",
    [
        "<Document><InCtrctInf></InCtrctInf>",
        "<Document><InAcctInf></InAcctInf></Document>",
        CANONICAL.replace("<Name>", "<Nickname>x</Nickname><Name>"),
        CANONICAL.replace("</InCtrctInf>", "<AcctCredSgmt></AcctCredSgmt></InCtrctInf>"),
        CANONICAL.replace("<CtrctCertRel><BrerType>1", "<CtrctCertRel><Extra>1</Extra><BrerType>1"),
        CANONICAL.replace("<InfRecType>220", "<InfRecType>210"),
    ],
    ids=[
        "unterminated",
        "wrong-root",
        "unknown-item",
        "unknown-segment",
        "unknown-element-item",
        "wrong-record-type",
    ],
)
def test_unparseable_lines_get_a_single_ABR000(line: str) -> None:
    with pytest.raises(RecordUnreadable) as caught:
        AgreementRecord.from_line(line)
    assert caught.value.code == "ABR000"


@pytest.mark.parametrize("segment", ["CtrctBsSgmt", "CreditLimSgmt"])
def test_a_record_without_a_required_segment_is_BCR000(segment: str) -> None:
    start, end = CANONICAL.index(f"<{segment}>"), CANONICAL.index(f"</{segment}>")
    line = CANONICAL[:start] + CANONICAL[end + len(segment) + 3 :]
    with pytest.raises(RecordInvalid) as caught:
        AgreementRecord.from_line(line)
    assert [(e.code, e.segment) for e in caught.value.errors] == [("BCR000", segment)]


def test_every_conversion_error_of_a_line_is_collected() -> None:
    line = (
        CANONICAL.replace("<CreditLim>50000<", "<CreditLim>5万<")
        .replace("<ConStatus>1<", "<ConStatus>3<")
        .replace("<ConEffDate>2024-06-01<", "<ConEffDate>1899-06-01<")
        .replace("<Name>张三</Name>", "")
    )
    with pytest.raises(RecordInvalid) as caught:
        AgreementRecord.from_line(line)
    assert {(e.code, e.tag, e.value) for e in caught.value.errors} == {
        ("ABD000", "Name", None),
        ("ABE001", "CreditLim", "5万"),
        ("ABE008", "ConEffDate", "1899-06-01"),
        ("ABE001", "ConStatus", "3"),
    }


def test_a_bad_item_inside_a_co_obligor_is_reported_as_a_conversion_error() -> None:
    with pytest.raises(RecordInvalid) as caught:
        AgreementRecord.from_line(CANONICAL.replace("<BrerType>2<", "<BrerType>7<"))
    assert [(e.code, e.tag, e.value) for e in caught.value.errors] == [("ABE001", "BrerType", "7")]


def test_writer_reports_every_value_that_does_not_fit() -> None:
    bad = replace(
        ZHANG_SAN,
        base=replace(ZHANG_SAN.base, contract_code=""),
        credit_limit=replace(ZHANG_SAN.credit_limit, credit_lim=-1, con_exp_date=date(2100, 1, 1)),
    )
    with pytest.raises(RecordInvalid) as caught:
        bad.to_line()
    assert [(e.code, e.tag) for e in caught.value.errors] == [
        ("ABE000", "ContractCode"),
        ("ABE001", "CreditLim"),
        ("ABE008", "ConExpDate"),
    ]


days = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))
amounts = st.integers(min_value=0, max_value=10**15 - 1)
names = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=30
)
codes = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60
)


@st.composite
def agreements(draw: st.DrawFn) -> AgreementRecord:
    """Any well-formed agreement: random codes, names, dates, amounts and co-obligors."""
    parties = draw(
        st.lists(
            st.builds(
                CoObligor,
                brer_type=st.sampled_from(IdentityCategory),
                cert_rel_name=names,
                cert_rel_id_type=st.sampled_from(["10", "20", "30", "X"]),
                cert_rel_id_num=st.from_regex(r"[0-9A-Z]{1,40}", fullmatch=True),
            ),
            max_size=3,
        )
    )
    rest = draw(st.none() | st.tuples(amounts, codes))
    return AgreementRecord(
        base=AgreementBaseSegment(
            contract_code=draw(codes),
            rpt_date=draw(days),
            rpt_date_code=draw(st.sampled_from(AgreementReportCode)),
            name=draw(names),
            id_type=draw(st.sampled_from(IdType)),
            id_num=draw(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True)),
            mngmt_org_code=draw(st.from_regex(r"[0-9A-Z]{14}", fullmatch=True)),
        ),
        co_obligors=co_obligors(parties) if parties else None,
        credit_limit=CreditLimitSegment(
            credit_lim_type=draw(st.sampled_from(CreditLimitType)),
            lim_loop_flg=draw(st.sampled_from(RevolvingFlag)),
            credit_lim=draw(amounts),
            cy=draw(st.sampled_from([Currency.CNY, Currency.USD, Currency.HKD])),
            con_eff_date=draw(days),
            con_exp_date=draw(days),
            con_status=draw(st.sampled_from(AgreementStatus)),
            credit_rest=None if rest is None else rest[0],
            credit_rest_code=None if rest is None else rest[1],
        ),
    )


@given(agreements())
def test_every_well_formed_agreement_round_trips(record: AgreementRecord) -> None:
    line = record.to_line()
    assert AgreementRecord.from_line(line) == record
    assert AgreementRecord.from_line(line).to_line() == line
