"""Record 110 (个人基本信息记录): who a subject is, as far as the lender knows.

A first report (RptDateCode 10) must carry six segments besides the base (§5): profile,
marriage, education, occupation, residence and mailing address. The lender holds little of
that, and reports no more than it holds:

* **base**: name and ID from the subject; the lender is the source (InfSurcCode) and keeper
  (Cimoc) of the data; customer type 11 (a loan customer: lines and cash loans);
* **profile**: sex and birth date read from the 18-digit resident ID number, nationality
  CHN (a resident ID is a citizen's); address, district, phone and e-mail left blank;
* **marriage, education, occupation, residence**: the "unknown" code of each table (99, 99/9,
  99, 9), so that no spouse or employer item is called for, every address item blank;
* **mailing**: the subject's mailing address and post code, which the interface requires
  (MailAddr must have a value). Without one no first report can be built: :func:`basic_record`
  returns ``None`` and the furnisher holds the record back until the lender has it.

Every segment's information date is the day the lender registered the subject. An update
(RptDateCode 20) re-states the base, profile and mailing segments, dated the day of the change.

:func:`digest_of` fingerprints the facts a record 110 reports, so that the furnisher sees when
they changed since the bureau was last told (a name correction, a new address).
"""

from __future__ import annotations

import hashlib
from datetime import date

from zhengxin.codes import (
    BasicInfoReportCode,
    Country,
    CustomerType,
    Degree,
    Education,
    EmploymentStatus,
    Gender,
    IdType,
    MaritalStatus,
    ResidenceStatus,
)
from zhengxin.kernel.clock import business_date, stored_instant
from zhengxin.kernel.identity import ResidentId, Sex
from zhengxin.lender.models import Subject
from zhengxin.pboc import BasicInfoRecord
from zhengxin.pboc.record110 import (
    EducationSegment,
    EmploymentSegment,
    MailingSegment,
    PersonBaseSegment,
    ProfileSegment,
    ResidenceSegment,
    SpouseSegment,
)


def subject_key(id_type: str, id_number: str) -> str:
    """How a subject is keyed in what the lender remembers it told a bureau.

    >>> subject_key("10", "110105199003071239")
    '10:110105199003071239'
    """
    return f"{id_type}:{id_number}"


def digest_of(
    name: str, id_type: str, id_number: str, mail_address: str | None, post_code: str | None
) -> str:
    """The SHA-256 of the facts a record 110 reports."""
    facts = "\x1f".join((name, id_type, id_number, mail_address or "", post_code or ""))
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()


def subject_digest(subject: Subject) -> str:
    """:func:`digest_of` the subject as the lender holds it now."""
    return digest_of(
        subject.name,
        subject.id_type,
        subject.id_number,
        subject.mail_address,
        subject.mail_post_code,
    )


def record_digest(record: BasicInfoRecord) -> str:
    """:func:`digest_of` a record 110 as it was written."""
    base, mailing = record.base, record.mailing
    return digest_of(
        base.name,
        base.id_type.value,
        base.id_num,
        mailing.mail_addr if mailing else None,
        mailing.mail_pc if mailing else None,
    )


def _profile(subject: Subject, on: date) -> ProfileSegment:
    if subject.id_type != IdType.RESIDENT_ID.value:
        return ProfileSegment(sex=Gender.UNKNOWN, nation=Country.CHN, fcs_info_up_date=on)
    resident = ResidentId.parse(subject.id_number)
    return ProfileSegment(
        sex=Gender.MALE if resident.sex is Sex.MALE else Gender.FEMALE,
        dob=resident.birth_date,
        nation=Country.CHN,
        fcs_info_up_date=on,
    )


def _mailing(subject: Subject, on: date) -> MailingSegment | None:
    if not subject.mail_address or not subject.mail_post_code:
        return None
    return MailingSegment(
        mail_addr=subject.mail_address, mail_pc=subject.mail_post_code, mlg_info_up_date=on
    )


def basic_record(
    subject: Subject,
    institution: str,
    report_date: date,
    timing: BasicInfoReportCode,
) -> BasicInfoRecord | None:
    """The subject's record 110 dated ``report_date``: a first report (10) or an update (20).

    ``None`` when a first report cannot be built because the lender holds no mailing address.
    """
    on = report_date
    if timing is BasicInfoReportCode.NEW_CUSTOMER:
        on = min(business_date(stored_instant(subject.created_at)), report_date)
    base = PersonBaseSegment(
        name=subject.name,
        id_type=IdType(subject.id_type),
        id_num=subject.id_number,
        inf_surc_code=institution,
        rpt_date=report_date,
        rpt_date_code=timing.value,
        cimoc=institution,
        customer_type=CustomerType.LOAN,
    )
    mailing = _mailing(subject, on)
    if timing is BasicInfoReportCode.UPDATE:
        return BasicInfoRecord(base, profile=_profile(subject, on), mailing=mailing)
    if mailing is None:
        return None
    return BasicInfoRecord(
        base,
        profile=_profile(subject, on),
        spouse=SpouseSegment(mari_status=MaritalStatus.UNKNOWN, sps_info_up_date=on),
        education=EducationSegment(
            edu_level=Education.UNKNOWN, aca_degree=Degree.UNKNOWN, edu_info_up_date=on
        ),
        employment=EmploymentSegment(emp_status=EmploymentStatus.UNKNOWN, octpn_info_up_date=on),
        residence=ResidenceSegment(resi_status=ResidenceStatus.UNKNOWN, resi_info_up_date=on),
        mailing=mailing,
    )
