"""Hypothesis strategies that build valid records 110, 220 and the request records of §7.

Every strategy draws a typed record that its rule book accepts without a single error, valid by
construction, never by filtering:

* :func:`basic_info_records`: record 110 (§5), first reports (RptDateCode ``10``, the six core
  segments) and updates (``20``, any segments), married or not, employed or not, with or
  without other identities and income, blank-allowed items sometimes blank;
* :func:`agreement_records`: record 220 (§6), every report code and limit type, with or without
  co-obligors (natural persons and organisations) and the CreditRest pair;
* :func:`variant_records`: one strategy per request record type 211, 213, 214, 215, 221, 223
  and 224 (§7).

Every date lies in ``[FIRST_DATE, FILE_DATE]`` (update dates and effective dates no later than
RptDate), every identifier starts with :data:`INSTITUTION` and every ID number is well formed
for its type (§1.8). Records are checked with :func:`context`, a file of :data:`INSTITUTION`
created on :data:`FILE_DATE`.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from tests.pboc.strategies import (
    borrower_ids as subject_ids,
)
from tests.pboc.strategies import (
    dates_between,
    organisation_ids,
    resident_ids,
)
from zhengxin.codes import (
    AgreementReportCode,
    AgreementStatus,
    Country,
    CreditLimitType,
    Currency,
    CustomerType,
    Degree,
    Education,
    EffectFlag,
    EmployerType,
    EmploymentStatus,
    Gender,
    IdentityCategory,
    IdType,
    Industry,
    JobTitle,
    MaritalStatus,
    Occupation,
    ResidenceStatus,
    RevolvingFlag,
    SegmentMark210,
    SegmentMark220,
    SpecialEventType,
    TechnicalTitle,
)
from zhengxin.pboc.record110 import (
    EMPLOYED,
    MARRIED,
    BasicInfoRecord,
    EducationSegment,
    EmploymentSegment,
    IncomeSegment,
    MailingSegment,
    OtherIdentitiesSegment,
    OtherIdentity,
    PersonBaseSegment,
    ProfileSegment,
    ResidenceSegment,
    SpouseSegment,
    other_identities,
)
from zhengxin.pboc.record220 import (
    AgreementBaseSegment,
    AgreementRecord,
    CoObligor,
    CreditLimitSegment,
    co_obligors,
)
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.variants import (
    AccountDeletion,
    AccountIdChange,
    AccountSegmentDeletion,
    AgreementDeletion,
    AgreementIdChange,
    AgreementSegmentDeletion,
    FlatRecord,
    SpecialEvent,
)

INSTITUTION = "B10211000H0001"
"""The submitting institution: every identifier's prefix (ABE002), Cimoc and MngmtOrgCode."""
FILE_DATE = date(2035, 12, 31)
"""The file's creation date: no RptDate is later (ABR001)."""
FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2099, 12, 31)

VARIANT_TYPES = ("211", "213", "214", "215", "221", "223", "224")


def context(record_type: str) -> FileContext:
    """The file the records of ``record_type`` would travel in (§2.4)."""
    return FileContext(record_type, FILE_DATE, INSTITUTION)


_OTHER_AREAS = ("320102", "330106", "420102", "610113")
_UNMARRIED = tuple(sorted(m.value for m in MaritalStatus if m.value not in MARRIED))
_NOT_EMPLOYED = tuple(sorted(e.value for e in EmploymentStatus if e.value not in EMPLOYED))
_NO_DEGREE_LEVELS = frozenset({"30", "40", "70", "80"})
_PRIVATE_EMPLOYERS = frozenset({"30", "40", "50"})
_DELETABLE_210 = ("C", "H", "I", "J", "K")


# --- small values ------------------------------------------------------------------------

_text_chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.sampled_from("ABCxyz019 ·-'&<>\"#@"),
)


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Non-blank ANC text that preprocessing leaves as it is (no full-width, no outer space)."""
    return (
        st.text(alphabet=_text_chars, min_size=1, max_size=max_size)
        .map(lambda s: s.strip(" "))
        .filter(bool)
    )


def maybe_blank(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``values``, or sometimes the blank value ``""``."""
    return st.one_of(st.just(""), values)


def digits(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


def identifier(max_suffix: int = 46) -> st.SearchStrategy[str]:
    """An identifier of the submitting institution (AN..60 by default; passes ABE002)."""
    alphabet = st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz-_&<>'\"")
    return st.text(alphabet=alphabet, min_size=1, max_size=max_suffix).map(
        lambda s: INSTITUTION + s
    )


amounts = st.one_of(
    st.integers(min_value=0, max_value=1_000_000),
    st.integers(min_value=0, max_value=10**15 - 1),
)


# --- identities ---------------------------------------------------------------------------


@st.composite
def other_person_ids(draw: st.DrawFn) -> tuple[IdType, str]:
    """A natural person's ID that can never be the customer's (other areas, prefixes, shapes)."""
    kind = draw(st.sampled_from(["10", "10", "2", "5", "6", "X", "1"]))
    if kind == "10":
        number = draw(resident_ids(_OTHER_AREAS))
    elif kind == "2":
        country = draw(st.sampled_from(["USA", "GBR", "FRA", "JPN"]))
        number = country + draw(st.from_regex(r"[0-9A-Z]{1,9}", fullmatch=True))
    elif kind == "5":
        number = "M" + draw(st.from_regex(r"[0-9]{8}|[0-9]{10}", fullmatch=True))
    elif kind == "6":
        number = draw(st.from_regex(r"[0-9]{11,12}", fullmatch=True))
    else:
        number = "P" + draw(st.from_regex(r"[0-9]{8}", fullmatch=True))
    return IdType(kind), number


# --- record 110 ---------------------------------------------------------------------------


@st.composite
def _other_identities(draw: st.DrawFn, updated: date) -> OtherIdentitiesSegment:
    entries = draw(
        st.lists(other_person_ids(), min_size=1, max_size=4, unique_by=lambda pair: pair)
    )
    records = [
        OtherIdentity(alias=draw(texts(30)), oth_id_type=kind, oth_id_num=number)
        for kind, number in entries
    ]
    return other_identities(records, updated)


@st.composite
def _profile(draw: st.DrawFn, updated: date) -> ProfileSegment:
    return ProfileSegment(
        sex=draw(st.sampled_from(list(Gender))),
        dob=draw(st.none() | dates_between(date(1901, 1, 1), updated)),
        nation=draw(st.sampled_from([Country.CHN, *Country])),
        house_add=draw(maybe_blank(texts(100))),
        hh_dist=draw(maybe_blank(digits(6))),
        cell_phone=draw(maybe_blank(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))),
        email=draw(maybe_blank(texts(60))),
        fcs_info_up_date=updated,
    )


@st.composite
def _spouse(draw: st.DrawFn, updated: date, married: bool) -> SpouseSegment:
    if not married:
        return SpouseSegment(
            mari_status=MaritalStatus(draw(st.sampled_from(_UNMARRIED))),
            sps_info_up_date=updated,
        )
    identified = draw(st.booleans())
    if identified:
        kind, number = draw(other_person_ids())
        spo_id_type: IdType | str = kind
    else:
        spo_id_type, number = "", ""
    return SpouseSegment(
        mari_status=MaritalStatus(draw(st.sampled_from(sorted(MARRIED)))),
        spo_name=draw(maybe_blank(texts(30))),
        spo_id_type=spo_id_type,  # type: ignore[arg-type]
        spo_id_num=number,
        spo_tel=draw(maybe_blank(texts(25))),
        sps_cmpy_nm=draw(maybe_blank(texts(80))),
        sps_info_up_date=updated,
    )


@st.composite
def _education(draw: st.DrawFn, updated: date) -> EducationSegment:
    level = draw(st.sampled_from(list(Education)))
    degrees = ("5", "9") if level.value in _NO_DEGREE_LEVELS else [d.value for d in Degree]
    return EducationSegment(
        edu_level=level,
        aca_degree=Degree(draw(st.sampled_from(degrees))),
        edu_info_up_date=updated,
    )


@st.composite
def _employment(draw: st.DrawFn, updated: date, employed: bool) -> EmploymentSegment:
    if not employed:
        return EmploymentSegment(
            emp_status=EmploymentStatus(draw(st.sampled_from(_NOT_EMPLOYED))),
            octpn_info_up_date=updated,
        )
    kind = draw(st.sampled_from(list(EmployerType)))
    occupations = [o for o in Occupation if o.value not in ("0", "X")]
    if kind.value not in _PRIVATE_EMPLOYERS:
        occupations = list(Occupation)
    years = st.integers(min_value=1901, max_value=2099).map(str)
    return EmploymentSegment(
        emp_status=EmploymentStatus(draw(st.sampled_from(sorted(EMPLOYED)))),
        cpn_name=draw(texts(80)),
        cpn_type=kind,
        industry=draw(st.sampled_from(list(Industry))),
        cpn_addr=draw(maybe_blank(texts(100))),
        cpn_pc=draw(maybe_blank(digits(6))),
        cpn_dist=draw(maybe_blank(digits(6))),
        cpn_tel=draw(maybe_blank(texts(25))),
        occupation=draw(st.sampled_from(occupations)),
        title=draw(st.sampled_from(list(JobTitle))),
        tech_title=draw(st.sampled_from(list(TechnicalTitle))),
        work_start_date=draw(maybe_blank(years)),
        octpn_info_up_date=updated,
    )


@st.composite
def _residence(draw: st.DrawFn, updated: date) -> ResidenceSegment:
    address = draw(maybe_blank(texts(100)))
    # ResiPc must be sent with a filled-in ResiAddr, ResiDist with a filled-in ResiPc.
    post_code = draw(maybe_blank(digits(6)) if address else st.none() | maybe_blank(digits(6)))
    district = draw(maybe_blank(digits(6)) if post_code else st.none() | maybe_blank(digits(6)))
    return ResidenceSegment(
        resi_status=draw(st.sampled_from(list(ResidenceStatus))),
        resi_addr=address,
        resi_pc=post_code,
        resi_dist=district,
        home_tel=draw(maybe_blank(texts(25))),
        resi_info_up_date=updated,
    )


@st.composite
def _mailing(draw: st.DrawFn, updated: date) -> MailingSegment:
    return MailingSegment(
        mail_addr=draw(texts(100)),
        mail_pc=draw(digits(6)),
        mail_dist=draw(maybe_blank(digits(6))),
        mlg_info_up_date=updated,
    )


@st.composite
def _income(draw: st.DrawFn, updated: date) -> IncomeSegment:
    return IncomeSegment(annl_inc=draw(amounts), tax_income=draw(amounts), inc_info_up_date=updated)


@st.composite
def basic_info_records(
    draw: st.DrawFn,
    timing: str | None = None,
    married: bool | None = None,
    employed: bool | None = None,
) -> BasicInfoRecord:
    """A valid record 110; ``timing`` (``10``/``20``), ``married`` and ``employed`` are drawn
    unless given. A first report (``10``) carries the six core segments, an update any."""
    timing = timing or draw(st.sampled_from(["10", "20"]))
    married = draw(st.booleans()) if married is None else married
    employed = draw(st.booleans()) if employed is None else employed
    reported = draw(dates_between(FIRST_DATE, FILE_DATE))
    id_type, id_num = draw(subject_ids())
    suffix = draw(st.from_regex(r"[0-9A-Za-z]{0,6}", fullmatch=True))
    base = PersonBaseSegment(
        name=draw(texts(30)),
        id_type=id_type,
        id_num=id_num,
        inf_surc_code=INSTITUTION + suffix,
        rpt_date=reported,
        rpt_date_code=timing,
        cimoc=INSTITUTION,
        customer_type=draw(st.sampled_from(list(CustomerType))),
    )

    def updated() -> date:
        return draw(dates_between(FIRST_DATE, reported))

    def sent(core: bool) -> bool:
        return (core and timing == "10") or draw(st.booleans())

    segments: dict[str, object] = {}
    if sent(core=False):
        segments["other_identities"] = draw(_other_identities(updated()))
    if sent(core=True):
        segments["profile"] = draw(_profile(updated()))
    if sent(core=True):
        segments["spouse"] = draw(_spouse(updated(), married))
    if sent(core=True):
        segments["education"] = draw(_education(updated()))
    if sent(core=True):
        segments["employment"] = draw(_employment(updated(), employed))
    if sent(core=True):
        segments["residence"] = draw(_residence(updated()))
    if sent(core=True):
        segments["mailing"] = draw(_mailing(updated()))
    if sent(core=False):
        segments["income"] = draw(_income(updated()))
    return BasicInfoRecord(base, **segments)  # type: ignore[arg-type]


# --- record 220 ---------------------------------------------------------------------------


@st.composite
def co_obligor(draw: st.DrawFn, category: str | None = None) -> CoObligor:
    """A natural person (never the borrower) or an organisation, per ``category`` (1/2)."""
    category = category or draw(st.sampled_from(["1", "2"]))
    if category == "1":
        kind, number = draw(other_person_ids())
        name = draw(texts(30))
    else:
        kind, number = draw(organisation_ids())
        name = draw(texts(80))
    return CoObligor(
        brer_type=IdentityCategory(category),
        cert_rel_name=name,
        cert_rel_id_type=str(kind),
        cert_rel_id_num=number,
    )


@st.composite
def agreement_records(
    draw: st.DrawFn,
    timing: str | None = None,
    limit_type: str | None = None,
    parties: str | None = None,
    restriction: bool | None = None,
) -> AgreementRecord:
    """A valid record 220. Drawn unless given: ``timing`` (10/20/30), ``limit_type``,
    ``parties`` (``none``: no segment C, ``empty``, ``1``, ``2`` or ``both`` categories) and
    ``restriction`` (whether the CreditRest pair is sent)."""
    timing = timing or draw(st.sampled_from([c.value for c in AgreementReportCode]))
    limit_type = limit_type or draw(st.sampled_from([c.value for c in CreditLimitType]))
    parties = parties or draw(st.sampled_from(["none", "empty", "1", "2", "both"]))
    restriction = draw(st.booleans()) if restriction is None else restriction
    reported = draw(dates_between(FIRST_DATE, FILE_DATE))
    effective = draw(dates_between(FIRST_DATE, reported))
    id_type, id_num = draw(subject_ids())
    base = AgreementBaseSegment(
        contract_code=draw(identifier()),
        rpt_date=reported,
        rpt_date_code=AgreementReportCode(timing),
        name=draw(texts(30)),
        id_type=id_type,
        id_num=id_num,
        mngmt_org_code=INSTITUTION,
    )
    limit = CreditLimitSegment(
        credit_lim_type=CreditLimitType(limit_type),
        lim_loop_flg=draw(st.sampled_from(list(RevolvingFlag))),
        credit_lim=draw(amounts),
        cy=draw(st.sampled_from([Currency("CNY"), *Currency])),
        con_eff_date=effective,
        con_exp_date=draw(dates_between(effective, LAST_DATE)),
        con_status=draw(st.sampled_from(list(AgreementStatus))),
        credit_rest=draw(amounts) if restriction else None,
        credit_rest_code=draw(identifier()) if restriction else None,
    )
    if parties == "none":
        return AgreementRecord(base=base, credit_limit=limit)
    if parties == "empty":
        members: list[CoObligor] = []
    else:
        categories = {"1": ["1"], "2": ["2"], "both": ["1", "2"]}[parties]
        members = [draw(co_obligor(c)) for c in categories]
        members += draw(st.lists(co_obligor(), max_size=3))
    unique: dict[tuple[str, str, str], CoObligor] = {}
    for member in members:
        key = (member.brer_type, member.cert_rel_id_type, member.cert_rel_id_num)
        unique.setdefault(key, member)
    return AgreementRecord(
        base=base, credit_limit=limit, co_obligors=co_obligors(list(unique.values()))
    )


# --- request records (§7) -----------------------------------------------------------------


@st.composite
def _id_change(draw: st.DrawFn, cls: type[AccountIdChange] | type[AgreementIdChange]) -> FlatRecord:
    old = draw(identifier())
    new = draw(identifier().filter(lambda code: code != old))
    return cls(od_bnes_code=old, nw_bnes_code=new)


@st.composite
def _date_range(draw: st.DrawFn) -> tuple[date | None, date | None]:
    """At least one date (BSE000/BSE100), start no later than end (BSE001/BSE101)."""
    start = draw(dates_between(date(1901, 1, 1), LAST_DATE))
    end = draw(dates_between(start, LAST_DATE))
    shape = draw(st.sampled_from(["both", "start", "end"]))
    return (None if shape == "end" else start), (None if shape == "start" else end)


@st.composite
def _segment_deletion(
    draw: st.DrawFn, cls: type[AccountSegmentDeletion] | type[AgreementSegmentDeletion]
) -> FlatRecord:
    start, end = draw(_date_range())
    if cls is AccountSegmentDeletion:
        mark: SegmentMark210 | SegmentMark220 = SegmentMark210(
            draw(st.sampled_from(_DELETABLE_210))
        )
    else:
        mark = SegmentMark220("D")
    return cls(
        del_rec_code=draw(identifier()),
        del_sgmt_code=mark,  # type: ignore[arg-type]
        del_start_date=start,
        del_end_date=end,
    )


@st.composite
def _special_event(draw: st.DrawFn) -> SpecialEvent:
    reported = draw(dates_between(FIRST_DATE, FILE_DATE))
    return SpecialEvent(
        acct_code=draw(identifier()),
        opetn_type=draw(st.sampled_from(list(SpecialEventType))),
        month=reported.replace(day=1),
        flag=draw(st.sampled_from(list(EffectFlag))),
        rpt_date=reported,
    )


def variant_records(record_type: str) -> st.SearchStrategy[FlatRecord]:
    """A valid request record of ``record_type`` (211, 213, 214, 215, 221, 223 or 224)."""
    if record_type == "211":
        return _id_change(AccountIdChange)
    if record_type == "221":
        return _id_change(AgreementIdChange)
    if record_type == "213":
        return _segment_deletion(AccountSegmentDeletion)
    if record_type == "223":
        return _segment_deletion(AgreementSegmentDeletion)
    if record_type == "214":
        return identifier().map(lambda code: AccountDeletion(del_rec_code=code))
    if record_type == "224":
        return identifier().map(lambda code: AgreementDeletion(del_rec_code=code))
    if record_type == "215":
        return _special_event()
    raise ValueError(f"no request record of type {record_type!r}")
