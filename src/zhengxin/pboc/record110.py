"""Record 110 个人基本信息记录 (personal basic information): typed segments and the line (§5).

The record tells the bureau who a customer is: name and identity (BsSgmt), other identities
(IDSgmt), profile, marriage, education, occupation, residence, mailing address and income. Each
segment is a frozen dataclass whose attributes are the snake case of the tags, declared once as
a :class:`~zhengxin.pboc.line.SegmentSpec` in the canonical order of §5; the writer, the reader
and the rule book (:mod:`zhengxin.pboc.rules110`) all work from these tables.

Value model (as for record 210): ``None`` leaves an optional tag out; ``""`` is the blank value
of a text item and of an optional code that may be blank (``spo_id_type``); a mandatory date
that may be blank (``dob``) is blank when ``None``. Incomes are whole yuan (``int``).
Administrative divisions (§9.16) are held as six-digit text: the division list is not
distributed, so any six digits are accepted. ``work_start_date`` is a year, held as its four
digits (the rule book checks 1901-2099, ABE008).

>>> BasicInfoRecord.from_line(SAMPLE_LINE).to_line() == SAMPLE_LINE
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import date
from typing import Any, Literal

from zhengxin.codes import (
    Code,
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
from zhengxin.pboc.fields import FieldSpec, item
from zhengxin.pboc.line import GroupSpec, RawRecord, SegmentSpec
from zhengxin.pboc.record import from_raw, read
from zhengxin.pboc.record import to_line as write_line
from zhengxin.pboc.when import Cond

RECORD_TYPE_110 = "110"
ROOT_110 = "InBasInf"
REPORT_TIMING_CODES_110 = ("10", "20")
"""§9.20: 10 新增客户资料/首次上报, 20 更新客户资料 (the rule checks this set directly)."""
MARRIED = frozenset({"20", "21", "22", "23"})
"""MariStatus codes that call for the five spouse items (§5.4)."""
EMPLOYED = frozenset({"11", "13", "17", "21", "24", "91"})
"""EmpStatus codes that call for the eleven employer items (§5.6)."""

BASE_TAG, OTHER_IDS_TAG, PROFILE_TAG = "BsSgmt", "IDSgmt", "FcsInfSgmt"
SPOUSE_TAG, EDUCATION_TAG, EMPLOYMENT_TAG = "SpsInfSgmt", "EduInfSgmt", "OctpnInfSgmt"
RESIDENCE_TAG, MAILING_TAG, INCOME_TAG = "RedncInfSgmt", "MlgInfSgmt", "IncInfSgmt"


def code_in(segment: str, tag: str, table: type[Code], codes: frozenset[str], what: str) -> Cond:
    """Item ``tag`` holds one of ``codes``; undecided when it is absent, blank or not a code of
    ``table``, so that an invalid MariStatus or EmpStatus reports only its ABE001 (§1.4)."""
    valid = frozenset(member.value for member in table)
    shown = "/".join(sorted(codes))

    def test(record: Any) -> bool | None:
        text = record.text(segment, tag)
        if not text or text not in valid:
            return None
        return text in codes

    return Cond(test, f"{tag} is {shown} ({what})")


_MARRIED = code_in(SPOUSE_TAG, "MariStatus", MaritalStatus, MARRIED, "married")
_EMPLOYED = code_in(EMPLOYMENT_TAG, "EmpStatus", EmploymentStatus, EMPLOYED, "employed")


# --- BsSgmt 基础段 (§5.1) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonBaseSegment:
    """BsSgmt 基础段, §5.1. ``InfRecType`` (``110``) is written automatically, first.

    ``inf_surc_code`` 信息来源编码 starts with the data provider's 14-character code;
    ``rpt_date_code`` is ``10`` (new customer, first report) or ``20`` (update);
    ``cimoc`` 客户资料维护机构代码 is the 14-character institution that keeps the data.
    """

    name: str
    id_type: IdType
    id_num: str
    inf_surc_code: str
    rpt_date: date
    rpt_date_code: str
    cimoc: str
    customer_type: CustomerType


PERSON_BASE = SegmentSpec(
    BASE_TAG,
    "B",
    "base",
    "基础段",
    (
        item("InfRecType", "", "信息记录类型", "N3", const=RECORD_TYPE_110),
        item("Name", "name", "姓名", "ANC..30"),
        item("IDType", "id_type", "证件类型", IdType),
        item("IDNum", "id_num", "证件号码", "ANC..20"),
        item("InfSurcCode", "inf_surc_code", "信息来源编码", "AN..20"),
        item("RptDate", "rpt_date", "信息报告日期", "Date"),
        item(
            "RptDateCode",
            "rpt_date_code",
            "报告时点说明代码",
            "code",
            choices=REPORT_TIMING_CODES_110,
        ),
        item("Cimoc", "cimoc", "客户资料维护机构代码", "AN14"),
        item("CustomerType", "customer_type", "客户资料类型", CustomerType),
    ),
    PersonBaseSegment,
)


# --- IDSgmt 其他标识段 (§5.2) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherIdentity:
    """IDRec 其他标识信息: a former name with another ID the customer holds (§5.2)."""

    alias: str
    oth_id_type: IdType
    oth_id_num: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherIdentitiesSegment:
    """IDSgmt 其他标识段, §5.2. ``id_nm`` is kept as written (ABE010 when it differs from the
    number of elements); :func:`other_identities` builds the segment with the right count."""

    id_nm: int
    id_info_up_date: date
    id_rec: tuple[OtherIdentity, ...] = ()


OTHER_IDENTITIES = SegmentSpec(
    OTHER_IDS_TAG,
    "C",
    "other_identities",
    "其他标识段",
    (
        item("IDNm", "id_nm", "其他标识个数", "uInt..2"),
        item("IDInfoUpDate", "id_info_up_date", "信息更新日期", "Date"),
    ),
    OtherIdentitiesSegment,
    GroupSpec(
        "IDRec",
        "id_rec",
        "其他标识信息",
        (
            item("Alias", "alias", "曾用名", "ANC..30"),
            item("OthIDType", "oth_id_type", "证件类型", IdType),
            item("OthIDNum", "oth_id_num", "证件号码", "ANC..20"),
        ),
        OtherIdentity,
        trailing=1,
    ),
)


def other_identities(
    entries: Sequence[OtherIdentity], info_up_date: date
) -> OtherIdentitiesSegment:
    """IDSgmt holding ``entries``, with IDNm set to their number."""
    return OtherIdentitiesSegment(
        id_nm=len(entries), id_info_up_date=info_up_date, id_rec=tuple(entries)
    )


# --- FcsInfSgmt 基本概况信息段 (§5.3) --------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileSegment:
    """FcsInfSgmt 基本概况信息段, §5.3.

    ``dob`` may be blank (``None`` writes ``<DOB></DOB>``); ``house_add``, ``hh_dist`` (six-digit
    division), ``cell_phone`` (11 digits) and ``email`` may be blank (``""``).
    """

    sex: Gender
    dob: date | None = None
    nation: Country
    house_add: str = ""
    hh_dist: str = ""
    cell_phone: str = ""
    email: str = ""
    fcs_info_up_date: date


PROFILE = SegmentSpec(
    PROFILE_TAG,
    "D",
    "profile",
    "基本概况信息段",
    (
        item("Sex", "sex", "性别", Gender),
        item("DOB", "dob", "出生日期", "Date", "MB"),
        item("Nation", "nation", "国籍", Country),
        item("HouseAdd", "house_add", "户籍地址", "ANC..100", "MB"),
        item("HhDist", "hh_dist", "户籍所在地行政区划", "N6", "MB"),
        item("CellPhone", "cell_phone", "手机号码", "N11", "MB"),
        item("Email", "email", "电子邮箱", "ANC..60", "MB"),
        item("FcsInfoUpDate", "fcs_info_up_date", "信息更新日期", "Date"),
    ),
    ProfileSegment,
)


# --- SpsInfSgmt 婚姻信息段 (§5.4) ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SpouseSegment:
    """SpsInfSgmt 婚姻信息段, §5.4.

    The five spouse items are present exactly when MariStatus is 20-23 (married, BBD001) and
    may then be blank (``""``); ``None`` leaves them out, as an unmarried customer's must be.
    """

    mari_status: MaritalStatus
    spo_name: str | None = None
    spo_id_type: IdType | Literal[""] | None = None
    spo_id_num: str | None = None
    spo_tel: str | None = None
    sps_cmpy_nm: str | None = None
    sps_info_up_date: date


SPOUSE = SegmentSpec(
    SPOUSE_TAG,
    "E",
    "spouse",
    "婚姻信息段",
    (
        item("MariStatus", "mari_status", "婚姻状况", MaritalStatus),
        item("SpoName", "spo_name", "配偶姓名", "ANC..30", "OB", when=_MARRIED, when_code="BBD001"),
        item(
            "SpoIDType",
            "spo_id_type",
            "配偶证件类型",
            IdType,
            "OB",
            when=_MARRIED,
            when_code="BBD001",
        ),
        item(
            "SpoIDNum",
            "spo_id_num",
            "配偶证件号码",
            "ANC..20",
            "OB",
            when=_MARRIED,
            when_code="BBD001",
        ),
        item(
            "SpoTel", "spo_tel", "配偶联系电话", "ANC..25", "OB", when=_MARRIED, when_code="BBD001"
        ),
        item(
            "SpsCmpyNm",
            "sps_cmpy_nm",
            "配偶工作单位",
            "ANC..80",
            "OB",
            when=_MARRIED,
            when_code="BBD001",
        ),
        item("SpsInfoUpDate", "sps_info_up_date", "信息更新日期", "Date"),
    ),
    SpouseSegment,
)


# --- EduInfSgmt 教育信息段 (§5.5) ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EducationSegment:
    """EduInfSgmt 教育信息段, §5.5."""

    edu_level: Education
    aca_degree: Degree
    edu_info_up_date: date


EDUCATION = SegmentSpec(
    EDUCATION_TAG,
    "F",
    "education",
    "教育信息段",
    (
        item("EduLevel", "edu_level", "学历", Education),
        item("AcaDegree", "aca_degree", "学位", Degree),
        item("EduInfoUpDate", "edu_info_up_date", "信息更新日期", "Date"),
    ),
    EducationSegment,
)


# --- OctpnInfSgmt 职业信息段 (§5.6) ----------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EmploymentSegment:
    """OctpnInfSgmt 职业信息段, §5.6.

    The eleven employer items are present exactly when EmpStatus is 11/13/17/21/24/91
    (employed, BBD000) and left out (``None``) otherwise. ``cpn_addr``, ``cpn_pc`` (six-digit
    post code), ``cpn_dist`` (six-digit division), ``cpn_tel`` and ``work_start_date`` (a year,
    four digits) may be blank (``""``).
    """

    emp_status: EmploymentStatus
    cpn_name: str | None = None
    cpn_type: EmployerType | None = None
    industry: Industry | None = None
    cpn_addr: str | None = None
    cpn_pc: str | None = None
    cpn_dist: str | None = None
    cpn_tel: str | None = None
    occupation: Occupation | None = None
    title: JobTitle | None = None
    tech_title: TechnicalTitle | None = None
    work_start_date: str | None = None
    octpn_info_up_date: date


def _employer(tag: str, attr: str, name: str, fmt: str | type[Code], rule: str) -> FieldSpec:
    return item(tag, attr, name, fmt, rule, when=_EMPLOYED, when_code="BBD000")


EMPLOYMENT = SegmentSpec(
    EMPLOYMENT_TAG,
    "G",
    "employment",
    "职业信息段",
    (
        item("EmpStatus", "emp_status", "就业状况", EmploymentStatus),
        _employer("CpnName", "cpn_name", "单位名称", "ANC..80", "OR"),
        _employer("CpnType", "cpn_type", "单位性质", EmployerType, "OR"),
        _employer("Industry", "industry", "单位所属行业", Industry, "OR"),
        _employer("CpnAddr", "cpn_addr", "单位详细地址", "ANC..100", "OB"),
        _employer("CpnPc", "cpn_pc", "单位所在地邮编", "N6", "OB"),
        _employer("CpnDist", "cpn_dist", "单位所在地行政区划", "N6", "OB"),
        _employer("CpnTEL", "cpn_tel", "单位电话", "ANC..25", "OB"),
        _employer("Occupation", "occupation", "职业", Occupation, "OR"),
        _employer("Title", "title", "职务", JobTitle, "OR"),
        _employer("TechTitle", "tech_title", "职称", TechnicalTitle, "OR"),
        _employer("WorkStartDate", "work_start_date", "本单位工作起始年份", "N4", "OB"),
        item("OctpnInfoUpDate", "octpn_info_up_date", "信息更新日期", "Date"),
    ),
    EmploymentSegment,
)


# --- RedncInfSgmt 居住地址段 (§5.7) ----------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ResidenceSegment:
    """RedncInfSgmt 居住地址段, §5.7.

    ``resi_pc`` (six-digit post code) must be sent when ``resi_addr`` is filled in, and
    ``resi_dist`` (six-digit division) when ``resi_pc`` is; otherwise ``None`` leaves them out.
    All four address items may be blank (``""``).
    """

    resi_status: ResidenceStatus
    resi_addr: str = ""
    resi_pc: str | None = None
    resi_dist: str | None = None
    home_tel: str = ""
    resi_info_up_date: date


RESIDENCE = SegmentSpec(
    RESIDENCE_TAG,
    "H",
    "residence",
    "居住地址段",
    (
        item("ResiStatus", "resi_status", "居住状况", ResidenceStatus),
        item("ResiAddr", "resi_addr", "居住地详细地址", "ANC..100", "MB"),
        item("ResiPc", "resi_pc", "居住地邮编", "N6", "OB"),
        item("ResiDist", "resi_dist", "居住地行政区划", "N6", "OB"),
        item("HomeTel", "home_tel", "住宅电话", "ANC..25", "MB"),
        item("ResiInfoUpDate", "resi_info_up_date", "信息更新日期", "Date"),
    ),
    ResidenceSegment,
)


# --- MlgInfSgmt 通讯地址段 (§5.8) ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MailingSegment:
    """MlgInfSgmt 通讯地址段, §5.8. ``mail_pc`` (six-digit post code) must be sent with a valid
    ``mail_addr``; ``mail_dist`` (six-digit division) may be blank."""

    mail_addr: str
    mail_pc: str | None = None
    mail_dist: str = ""
    mlg_info_up_date: date


MAILING = SegmentSpec(
    MAILING_TAG,
    "I",
    "mailing",
    "通讯地址段",
    (
        item("MailAddr", "mail_addr", "通讯地址", "ANC..100"),
        item("MailPc", "mail_pc", "通讯地邮编", "N6", "OR"),
        item("MailDist", "mail_dist", "通讯地行政区划", "N6", "MB"),
        item("MlgInfoUpDate", "mlg_info_up_date", "信息更新日期", "Date"),
    ),
    MailingSegment,
)


# --- IncInfSgmt 收入信息段 (§5.9) ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class IncomeSegment:
    """IncInfSgmt 收入信息段, §5.9: self-reported and taxed annual income, whole yuan."""

    annl_inc: int
    tax_income: int
    inc_info_up_date: date


INCOME = SegmentSpec(
    INCOME_TAG,
    "J",
    "income",
    "收入信息段",
    (
        item("AnnlInc", "annl_inc", "自报年收入", "uInt..15"),
        item("TaxIncome", "tax_income", "纳税年收入", "uInt..15"),
        item("IncInfoUpDate", "inc_info_up_date", "信息更新日期", "Date"),
    ),
    IncomeSegment,
)


# --- the record --------------------------------------------------------------------------

SEGMENTS_110: tuple[SegmentSpec, ...] = (
    PERSON_BASE,
    OTHER_IDENTITIES,
    PROFILE,
    SPOUSE,
    EDUCATION,
    EMPLOYMENT,
    RESIDENCE,
    MAILING,
    INCOME,
)
"""Every segment of record 110 in canonical order (§5). The marks B-J follow that order."""

CORE_SEGMENTS_110 = (
    PROFILE_TAG,
    SPOUSE_TAG,
    EDUCATION_TAG,
    EMPLOYMENT_TAG,
    RESIDENCE_TAG,
    MAILING_TAG,
)
"""The six segments a first report (RptDateCode 10) must carry (BBR000, §5)."""


@dataclass(frozen=True, slots=True)
class BasicInfoRecord:
    """One record 110: the base segment and whichever other segments the report carries.

    A segment that is ``None`` is not in the line. A first report (RptDateCode ``10``) must
    carry the six core segments (profile, spouse, education, employment, residence, mailing);
    an update (``20``) carries those that changed. That is the rule book's business.
    """

    base: PersonBaseSegment
    _: KW_ONLY
    other_identities: OtherIdentitiesSegment | None = None
    profile: ProfileSegment | None = None
    spouse: SpouseSegment | None = None
    education: EducationSegment | None = None
    employment: EmploymentSegment | None = None
    residence: ResidenceSegment | None = None
    mailing: MailingSegment | None = None
    income: IncomeSegment | None = None

    def to_line(self) -> str:
        """The canonical body line, or :class:`~zhengxin.pboc.errors.RecordInvalid` listing
        every value that does not fit its field (over-long text, unknown code, date outside
        1901-2099 ...)."""
        return write_line(ROOT_110, SEGMENTS_110, self)

    @classmethod
    def from_line(cls, line: str) -> BasicInfoRecord:
        """The typed record of a 110 body line, in any element order the client accepts.

        Raises :class:`~zhengxin.pboc.errors.RecordUnreadable` (ABR000) when the line cannot be
        parsed or its InfRecType is not ``110``, and
        :class:`~zhengxin.pboc.errors.RecordInvalid` listing every value that cannot be
        converted (ABD000, ABE000, ABE001, ABE008) and BBR000 when BsSgmt is missing.
        """
        return cls.from_raw(read(ROOT_110, SEGMENTS_110, line))

    @classmethod
    def from_raw(cls, raw: RawRecord) -> BasicInfoRecord:
        """The typed record of a line already read into the raw value model."""
        return from_raw(cls, RECORD_TYPE_110, SEGMENTS_110, raw, {BASE_TAG: "BBR000"})


SAMPLE_LINE = (
    "<Document><InBasInf>"
    "<BsSgmt><InfRecType>110</InfRecType><Name>张三</Name><IDType>10</IDType>"
    "<IDNum>110105199003071239</IDNum><InfSurcCode>B10211000H000101</InfSurcCode>"
    "<RptDate>2024-09-12</RptDate><RptDateCode>10</RptDateCode><Cimoc>B10211000H0001</Cimoc>"
    "<CustomerType>11</CustomerType></BsSgmt>"
    "<IDSgmt><IDNm>1</IDNm><IDRec><Alias>张山</Alias><OthIDType>2</OthIDType>"
    "<OthIDNum>CHNE12345678</OthIDNum></IDRec><IDInfoUpDate>2024-09-10</IDInfoUpDate></IDSgmt>"
    "<FcsInfSgmt><Sex>1</Sex><DOB>1990-03-07</DOB><Nation>CHN</Nation>"
    "<HouseAdd>北京市朝阳区建国路1号</HouseAdd><HhDist>110105</HhDist>"
    "<CellPhone>13800138000</CellPhone><Email>zhangsan@example.com</Email>"
    "<FcsInfoUpDate>2024-09-10</FcsInfoUpDate></FcsInfSgmt>"
    "<SpsInfSgmt><MariStatus>20</MariStatus><SpoName>李四</SpoName><SpoIDType>10</SpoIDType>"
    "<SpoIDNum>110105199112152425</SpoIDNum><SpoTel>13900139000</SpoTel>"
    "<SpsCmpyNm>北京某某医院</SpsCmpyNm><SpsInfoUpDate>2024-09-10</SpsInfoUpDate></SpsInfSgmt>"
    "<EduInfSgmt><EduLevel>20</EduLevel><AcaDegree>4</AcaDegree>"
    "<EduInfoUpDate>2024-09-10</EduInfoUpDate></EduInfSgmt>"
    "<OctpnInfSgmt><EmpStatus>17</EmpStatus><CpnName>北京某某科技有限公司</CpnName>"
    "<CpnType>40</CpnType><Industry>I</Industry><CpnAddr>北京市朝阳区光华路8号</CpnAddr>"
    "<CpnPc>100020</CpnPc><CpnDist>110105</CpnDist><CpnTEL>010-65001234</CpnTEL>"
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
"""A valid first report (RptDateCode 10) of a married, employed customer with every segment,
reported on 2024-09-12 by institution ``B10211000H0001``."""
