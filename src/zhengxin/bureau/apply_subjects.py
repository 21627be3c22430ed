"""Record 110: who a person is, as each institution reports it (§5).

The person is found by IDType + IDNum and created when new, with the name as reported; the
facts go to the institution's :class:`~zhengxin.bureau.models.SubjectInfo` for that person,
segment by segment. A first report (RptDateCode 10) carries the six core segments; an update
(20) carries those that changed, so a segment that is absent leaves what the bureau holds as it
was, while a segment that is present replaces all of its facts (an employer is forgotten when
the person is no longer employed).

Server checks (§5):

* **BBR001** — the bureau holds nothing from this institution on this person yet, and the record
  lacks one of the six core segments (profile, spouse, education, employment, residence,
  mailing). The first report *to the bureau* must be complete, whatever its RptDateCode says.
* **BBR002** — the report date is older than that of the report held. A report of the same date
  replaces the one held (a corrected resend). The segments' own update dates are not kept, so
  the part of BBR002 that compares them cannot be checked and is not.

Segments the bureau does not keep (other identities; household address, e-mail, spouse and
employer details beyond those named below) are accepted and not stored.
"""

from __future__ import annotations

from zhengxin.bureau.apply_common import Applying, refuse, refuse_record
from zhengxin.bureau.models import SubjectInfo
from zhengxin.pboc import BasicInfoRecord, RecordError
from zhengxin.pboc.record110 import BASE_TAG, CORE_SEGMENTS_110, SEGMENTS_110

FIRST_REPORT_INCOMPLETE = "BBR001"
OLDER_THAN_HELD = "BBR002"

_ATTR = {spec.tag: spec.attr for spec in SEGMENTS_110}


def apply_basic_info(work: Applying, record: BasicInfoRecord) -> RecordError | None:
    """Apply one record 110; the refusal when a server check fails, else ``None``."""
    base = record.base
    subject = work.repo.subject(base.id_type.value, base.id_num)
    held = None if subject is None else work.repo.subject_info(subject.id, work.institution)
    if held is None:
        missing = [tag for tag in CORE_SEGMENTS_110 if getattr(record, _ATTR[tag]) is None]
        if missing:
            return refuse_record(
                FIRST_REPORT_INCOMPLETE,
                "the bureau holds no basic information on this person from "
                f"{work.institution}, so this first report must carry the six core segments; "
                f"missing: {', '.join(missing)}",
            )
    elif base.rpt_date < held.report_date:
        return refuse(
            OLDER_THAN_HELD,
            BASE_TAG,
            "RptDate",
            base.rpt_date.isoformat(),
            f"the bureau holds this person's basic information as reported on "
            f"{held.report_date}; a report dated {base.rpt_date} is older and cannot replace it",
        )

    subject = work.subject(base.id_type.value, base.id_num, base.name)
    if held is None:
        held = SubjectInfo(subject_id=subject.id, institution_code=work.institution)
        work.session.add(held)
    held.report_date = base.rpt_date
    held.report_timing = base.rpt_date_code
    held.submission_id = work.submission.id
    _store_segments(held, record)
    work.session.flush()
    return None


def _store_segments(held: SubjectInfo, record: BasicInfoRecord) -> None:
    if record.profile is not None:
        profile = record.profile
        held.sex = profile.sex.value
        held.birth_date = profile.dob
        held.nation = profile.nation.value
        held.cell_phone = profile.cell_phone or None
    if record.spouse is not None:
        held.marital_status = record.spouse.mari_status.value
    if record.education is not None:
        held.education = record.education.edu_level.value
        held.degree = record.education.aca_degree.value
    if record.employment is not None:
        job = record.employment
        held.employment_status = job.emp_status.value
        held.employer = job.cpn_name or None
        held.occupation = job.occupation.value if job.occupation is not None else None
    if record.residence is not None:
        held.residence_status = record.residence.resi_status.value
        held.residence_address = record.residence.resi_addr or None
    if record.mailing is not None:
        held.mailing_address = record.mailing.mail_addr or None
    if record.income is not None:
        held.annual_income_yuan = record.income.annl_inc
