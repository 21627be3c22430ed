"""Record 110: typed records written to canonical lines, read back, and read when broken."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengxin.codes import (
    Country,
    CustomerType,
    Degree,
    Education,
    EmployerType,
    EmploymentStatus,
    Gender,
    IdType,
    Industry,
    JobTitle,
    MaritalStatus,
    Occupation,
    ResidenceStatus,
    TechnicalTitle,
)
from zhengxin.pboc.errors import RecordInvalid, RecordUnreadable
from zhengxin.pboc.line import dataclass_attributes
from zhengxin.pboc.record110 import (
    SAMPLE_LINE,
    SEGMENTS_110,
    BasicInfoRecord,
    EducationSegment,
    EmploymentSegment,
    IncomeSegment,
    MailingSegment,
    OtherIdentity,
    PersonBaseSegment,
    ProfileSegment,
    ResidenceSegment,
    SpouseSegment,
    other_identities,
)

UPDATED = date(2024, 9, 10)


def zhang_san(code: str) -> PersonBaseSegment:
    return PersonBaseSegment(
        name="张三",
        id_type=IdType.RESIDENT_ID,
        id_num="110105199003071239",
        inf_surc_code="B10211000H000101",
        rpt_date=date(2024, 9, 12),
        rpt_date_code=code,
        cimoc="B10211000H0001",
        customer_type=CustomerType.LOAN,
    )


# Zhang San, first reported on 2024-09-12: married to Li Si (whose phone is not known), a clerk
# at a private software company since 2015 (desk phone not known), paying off his flat.
FULL = BasicInfoRecord(
    base=zhang_san("10"),
    other_identities=other_identities(
        [OtherIdentity(alias="张山", oth_id_type=IdType.PASSPORT, oth_id_num="CHNE12345678")],
        UPDATED,
    ),
    profile=ProfileSegment(
        sex=Gender.MALE,
        dob=date(1990, 3, 7),
        nation=Country.CHN,
        house_add="北京市朝阳区建国路1号",
        hh_dist="110105",
        cell_phone="13800138000",
        email="",
        fcs_info_up_date=UPDATED,
    ),
    spouse=SpouseSegment(
        mari_status=MaritalStatus.MARRIED,
        spo_name="李四",
        spo_id_type=IdType.RESIDENT_ID,
        spo_id_num="110105199112152425",
        spo_tel="",
        sps_cmpy_nm="北京某某医院",
        sps_info_up_date=UPDATED,
    ),
    education=EducationSegment(
        edu_level=Education.BACHELOR, aca_degree=Degree.BACHELOR, edu_info_up_date=UPDATED
    ),
    employment=EmploymentSegment(
        emp_status=EmploymentStatus.CLERK,
        cpn_name="北京某某科技有限公司",
        cpn_type=EmployerType.PRIVATE,
        industry=Industry.INFORMATION_TECHNOLOGY,
        cpn_addr="北京市朝阳区光华路8号",
        cpn_pc="100020",
        cpn_dist="110105",
        cpn_tel="",
        occupation=Occupation.PROFESSIONALS,
        title=JobTitle.STAFF,
        tech_title=TechnicalTitle.INTERMEDIATE,
        work_start_date="2015",
        octpn_info_up_date=UPDATED,
    ),
    residence=ResidenceSegment(
        resi_status=ResidenceStatus.MORTGAGED,
        resi_addr="北京市朝阳区建国路1号",
        resi_pc="100022",
        resi_dist="110105",
        home_tel="010-65009876",
        resi_info_up_date=UPDATED,
    ),
    mailing=MailingSegment(
        mail_addr="北京市朝阳区建国路1号",
        mail_pc="100022",
        mail_dist="110105",
        mlg_info_up_date=UPDATED,
    ),
    income=IncomeSegment(annl_inc=240000, tax_income=200000, inc_info_up_date=UPDATED),
)

FULL_LINE = (
    "<Document><InBasInf>"
    "<BsSgmt><InfRecType>110</InfRecType><Name>张三</Name><IDType>10</IDType>"
    "<IDNum>110105199003071239</IDNum><InfSurcCode>B10211000H000101</InfSurcCode>"
    "<RptDate>2024-09-12</RptDate><RptDateCode>10</RptDateCode><Cimoc>B10211000H0001</Cimoc>"
    "<CustomerType>11</CustomerType></BsSgmt>"
    "<IDSgmt><IDNm>1</IDNm><IDRec><Alias>张山</Alias><OthIDType>2</OthIDType>"
    "<OthIDNum>CHNE12345678</OthIDNum></IDRec><IDInfoUpDate>2024-09-10</IDInfoUpDate></IDSgmt>"
    "<FcsInfSgmt><Sex>1</Sex><DOB>1990-03-07</DOB><Nation>CHN</Nation>"
    "<HouseAdd>北京市朝阳区建国路1号</HouseAdd><HhDist>110105</HhDist>"
    "<CellPhone>13800138000</CellPhone><Email></Email>"
    "<FcsInfoUpDate>2024-09-10</FcsInfoUpDate></FcsInfSgmt>"
    "<SpsInfSgmt><MariStatus>20</MariStatus><SpoName>李四</SpoName><SpoIDType>10</SpoIDType>"
    "<SpoIDNum>110105199112152425</SpoIDNum><SpoTel></SpoTel>"
    "<SpsCmpyNm>北京某某医院</SpsCmpyNm><SpsInfoUpDate>2024-09-10</SpsInfoUpDate></SpsInfSgmt>"
    "<EduInfSgmt><EduLevel>20</EduLevel><AcaDegree>4</AcaDegree>"
    "<EduInfoUpDate>2024-09-10</EduInfoUpDate></EduInfSgmt>"
    "<OctpnInfSgmt><EmpStatus>17</EmpStatus><CpnName>北京某某科技有限公司</CpnName>"
    "<CpnType>40</CpnType><Industry>I</Industry><CpnAddr>北京市朝阳区光华路8号</CpnAddr>"
    "<CpnPc>100020</CpnPc><CpnDist>110105</CpnDist><CpnTEL></CpnTEL>"
    "<Occupation>1</Occupation><Title>3</Title><TechTitle>2</TechTitle>"
    "<WorkStartDate>2015</WorkStartDate><OctpnInfoUpDate>2024-09-10</OctpnInfoUpDate>"
    "</OctpnInfSgmt>"
    "<RedncInfSgmt><ResiStatus>2</ResiStatus><ResiAddr>北京市朝阳区建国路1号</ResiAddr>"
    "<ResiPc>100022</ResiPc><ResiDist>110105</ResiDist><HomeTel>010-65009876</HomeTel>"
    "<ResiInfoUpDate>2024-09-10</ResiInfoUpDate></RedncInfSgmt>"
    "<MlgInfSgmt><MailAddr>北京市朝阳区建国路1号</MailAddr><MailPc>100022</MailPc>"
    "<MailDist>110105</MailDist><MlgInfoUpDate>2024-09-10</MlgInfoUpDate></MlgInfSgmt>"
    "<IncInfSgmt><AnnlInc>240000</AnnlInc><TaxIncome>200000</TaxIncome>"
    "<IncInfoUpDate>2024-09-10</IncInfoUpDate></IncInfSgmt>"
    "</InBasInf></Document>"
)

# An update of the same customer that carries only the base segment.
MINIMAL = BasicInfoRecord(base=zhang_san("20"))
MINIMAL_LINE = (
    "<Document><InBasInf><BsSgmt><InfRecType>110</InfRecType><Name>张三</Name>"
    "<IDType>10</IDType><IDNum>110105199003071239</IDNum>"
    "<InfSurcCode>B10211000H000101</InfSurcCode><RptDate>2024-09-12</RptDate>"
    "<RptDateCode>20</RptDateCode><Cimoc>B10211000H0001</Cimoc>"
    "<CustomerType>11</CustomerType></BsSgmt></InBasInf></Document>"
)

# A widowed student living in a dormitory with no known address: no spouse or employer items,
# blank birth date, no post code or district.
SINGLE = BasicInfoRecord(
    base=zhang_san("20"),
    profile=ProfileSegment(sex=Gender.FEMALE, nation=Country.CHN, fcs_info_up_date=UPDATED),
    spouse=SpouseSegment(mari_status=MaritalStatus.WIDOWED, sps_info_up_date=UPDATED),
    employment=EmploymentSegment(emp_status=EmploymentStatus.STUDENT, octpn_info_up_date=UPDATED),
    residence=ResidenceSegment(resi_status=ResidenceStatus.DORMITORY, resi_info_up_date=UPDATED),
)
SINGLE_SEGMENTS = (
    "<FcsInfSgmt><Sex>2</Sex><DOB></DOB><Nation>CHN</Nation><HouseAdd></HouseAdd>"
    "<HhDist></HhDist><CellPhone></CellPhone><Email></Email>"
    "<FcsInfoUpDate>2024-09-10</FcsInfoUpDate></FcsInfSgmt>"
    "<SpsInfSgmt><MariStatus>30</MariStatus><SpsInfoUpDate>2024-09-10</SpsInfoUpDate>"
    "</SpsInfSgmt>"
    "<OctpnInfSgmt><EmpStatus>31</EmpStatus><OctpnInfoUpDate>2024-09-10</OctpnInfoUpDate>"
    "</OctpnInfSgmt>"
    "<RedncInfSgmt><ResiStatus>4</ResiStatus><ResiAddr></ResiAddr><HomeTel></HomeTel>"
    "<ResiInfoUpDate>2024-09-10</ResiInfoUpDate></RedncInfSgmt>"
)
SINGLE_LINE = MINIMAL_LINE.replace("</BsSgmt>", "</BsSgmt>" + SINGLE_SEGMENTS)

GOLDEN = [
    pytest.param(FULL, FULL_LINE, id="full-married-employed"),
    pytest.param(MINIMAL, MINIMAL_LINE, id="minimal-base-only"),
    pytest.param(SINGLE, SINGLE_LINE, id="single-unemployed-blanks"),
]


@pytest.mark.parametrize(("record", "line"), GOLDEN)
def test_typed_record_writes_the_hand_written_line(record: BasicInfoRecord, line: str) -> None:
    assert record.to_line() == line


@pytest.mark.parametrize(("record", "line"), GOLDEN)
def test_line_reads_back_to_the_typed_record(record: BasicInfoRecord, line: str) -> None:
    assert BasicInfoRecord.from_line(line) == record


@pytest.mark.parametrize(("record", "line"), GOLDEN)
def test_round_trips_are_the_identity(record: BasicInfoRecord, line: str) -> None:
    assert BasicInfoRecord.from_line(record.to_line()) == record
    assert BasicInfoRecord.from_line(line).to_line() == line


def test_sample_line_is_the_full_record_with_every_item_filled() -> None:
    sample = BasicInfoRecord.from_line(SAMPLE_LINE)
    assert sample.to_line() == SAMPLE_LINE
    assert sample.profile is not None and sample.profile.email == "zhangsan@example.com"
    assert sample.spouse is not None and sample.spouse.spo_tel == "13900139000"


def test_update_date_follows_the_other_identities() -> None:
    line = FULL.to_line()
    assert line.index("</IDRec>") < line.index("<IDInfoUpDate>") < line.index("</IDSgmt>")


def test_other_identities_counts_its_entries() -> None:
    entries = [
        OtherIdentity(alias="张山", oth_id_type=IdType.PASSPORT, oth_id_num="CHNE12345678"),
        OtherIdentity(alias="张三", oth_id_type=IdType.HK_MACAU_PERMIT, oth_id_num="H12345678"),
    ]
    segment = other_identities(entries, UPDATED)
    assert segment.id_nm == 2
    record = replace(FULL, other_identities=segment)
    assert BasicInfoRecord.from_line(record.to_line()) == record


def test_every_table_matches_its_dataclass() -> None:
    for spec in SEGMENTS_110:
        assert spec.attribute_names() == dataclass_attributes(spec.cls)
        if spec.group is not None:
            group = spec.group
            assert [f.attr for f in group.fields] == dataclass_attributes(group.cls)
    assert [spec.attr for spec in SEGMENTS_110] == dataclass_attributes(BasicInfoRecord)


def test_reads_any_order_full_width_and_surrounding_spaces() -> None:
    shuffled = (
        FULL_LINE.replace(
            "<IncInfSgmt><AnnlInc>240000</AnnlInc><TaxIncome>200000</TaxIncome>",
            "<IncInfSgmt><TaxIncome> ２００００0 </TaxIncome><AnnlInc>240000</AnnlInc>",
        )
        .replace("<Name>张三</Name>", "<Name>　张三 </Name>")
        .replace("<IDInfoUpDate>2024-09-10</IDInfoUpDate></IDSgmt>", "</IDSgmt>")
        .replace(
            "<IDSgmt><IDNm>1</IDNm>",
            "<IDSgmt><IDInfoUpDate>2024-09-10</IDInfoUpDate><IDNm>1</IDNm>",
        )
    )
    assert BasicInfoRecord.from_line(shuffled) == FULL


def test_other_record_types_are_unreadable() -> None:
    with pytest.raises(RecordUnreadable):
        BasicInfoRecord.from_line(MINIMAL_LINE.replace(">110<", ">210<"))
    with pytest.raises(RecordUnreadable):
        BasicInfoRecord.from_line(MINIMAL_LINE.replace("InBasInf", "InAcctInf"))
    with pytest.raises(RecordUnreadable):
        BasicInfoRecord.from_line(MINIMAL_LINE.replace("</BsSgmt>", "<Alias>x</Alias></BsSgmt>"))


def test_every_unconvertible_value_is_listed() -> None:
    line = (
        FULL_LINE.replace("<IDType>10</IDType>", "<IDType>11</IDType>")
        .replace("<DOB>1990-03-07</DOB>", "<DOB>1990-02-30</DOB>")
        .replace("<AnnlInc>240000</AnnlInc>", "<AnnlInc></AnnlInc>")
        .replace("<Nation>CHN</Nation>", "")
    )
    with pytest.raises(RecordInvalid) as caught:
        BasicInfoRecord.from_line(line)
    found = [(e.code, e.segment, e.tag) for e in caught.value.errors]
    assert found == [
        ("ABE001", "BsSgmt", "IDType"),
        ("ABE001", "FcsInfSgmt", "DOB"),
        ("ABD000", "FcsInfSgmt", "Nation"),
        ("ABE000", "IncInfSgmt", "AnnlInc"),
    ]


def test_a_line_without_base_segment_is_invalid() -> None:
    line = re.sub("<BsSgmt>.*</BsSgmt>", "", SINGLE_LINE)
    with pytest.raises(RecordInvalid) as caught:
        BasicInfoRecord.from_line(line)
    assert [(e.code, e.segment) for e in caught.value.errors] == [("BBR000", "BsSgmt")]


def test_values_that_do_not_fit_are_refused_when_written() -> None:
    record = replace(
        FULL,
        base=replace(FULL.base, name="张" * 31),
        income=IncomeSegment(annl_inc=-1, tax_income=0, inc_info_up_date=UPDATED),
    )
    with pytest.raises(RecordInvalid) as caught:
        record.to_line()
    assert [(e.code, e.tag) for e in caught.value.errors] == [
        ("ABE001", "Name"),
        ("ABE001", "AnnlInc"),
    ]


def test_a_bad_item_inside_an_other_identity_is_reported_as_a_conversion_error() -> None:
    with pytest.raises(RecordInvalid) as caught:
        BasicInfoRecord.from_line(FULL_LINE.replace("<OthIDType>2<", "<OthIDType>77<"))
    assert [(e.code, e.tag, e.value) for e in caught.value.errors] == [
        ("ABE001", "OthIDType", "77")
    ]


texts = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), st.sampled_from("AZaz09&<>-#")
    ),
    min_size=1,
    max_size=30,
)


@given(
    name=texts,
    address=texts,
    born=st.one_of(st.none(), st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))),
    income=st.integers(min_value=0, max_value=10**15 - 1),
    married=st.booleans(),
)
def test_any_valid_record_round_trips(
    name: str, address: str, born: date | None, income: int, married: bool
) -> None:
    assert FULL.profile is not None and FULL.spouse is not None and FULL.income is not None
    spouse = (
        FULL.spouse
        if married
        else SpouseSegment(mari_status=MaritalStatus.UNMARRIED, sps_info_up_date=UPDATED)
    )
    record = replace(
        FULL,
        base=replace(FULL.base, name=name),
        profile=replace(FULL.profile, dob=born, house_add=address),
        spouse=spouse,
        income=replace(FULL.income, annl_inc=income),
    )
    line = record.to_line()
    assert BasicInfoRecord.from_line(line) == record
    assert BasicInfoRecord.from_line(line).to_line() == line
