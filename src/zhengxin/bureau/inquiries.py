"""Inquiries: who may read a person's credit report, for what, under whose signature.

An institution asks for a subject's report with a purpose (a query-reason code, §2) and the
reference of the subject's written authorization (art. 18), which the institution lodged with
the bureau when the subject signed. The bureau answers only when every check holds, in this
order, and otherwise refuses with the first failing check's code:

====================================  =========================================================
``inquiry.institution_unknown``       the institution is not registered
``inquiry.may_not_query``             its kind may not query at all (it does not lend)
``inquiry.purpose_not_allowed``       its kind may not use this purpose
``inquiry.no_authorization``          no authorization reference was given
``inquiry.no_authorization_hash``     no hash of the signed text was given with it
``inquiry.authorization_not_yours``   the reference belongs to another institution
``inquiry.authorization_unknown``     no such reference was lodged
``inquiry.authorization_other_subject``  it was signed by someone else
``inquiry.authorization_mismatch``    the signed text's hash is not the one lodged
``inquiry.authorization_scope``       it authorizes reporting, not querying
``inquiry.authorization_purpose``     it does not cover this purpose
``inquiry.authorization_not_yet``     it was signed after today
``inquiry.authorization_revoked``     it was revoked (the subject objected, or closed)
``inquiry.authorization_expired``     it ran out before today
====================================  =========================================================

Every inquiry, answered or refused, is recorded and leaves a line in the audit log: an answer
is a read of the subject's data, a refusal a write (the record of the attempt). Only answered
inquiries appear in the subject's query records; a refusal is a matter for the audit log.
The caller commits either way: a refusal is an outcome, not an error.

A subject may read their own report (本人查询): two a calendar year are free (art. 17), the
third and later are marked chargeable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhengxin.bureau.audit import Action, Actor, AuditLog
from zhengxin.bureau.models import Authorization, Inquiry, Institution, Subject
from zhengxin.bureau.people import identity, known_subject
from zhengxin.bureau.registry import InstitutionKind
from zhengxin.bureau.report import CreditReport, QueryHeader, ReportService, report_number
from zhengxin.bureau.repository import BureauRepository
from zhengxin.codes import IdType, QueryReason
from zhengxin.kernel.clock import Clock, business_date, stored_instant
from zhengxin.kernel.errors import Conflict, InvalidInput, NotFound
from zhengxin.kernel.identity import InstitutionCode, mask_id
from zhengxin.kernel.log import get_logger

log = get_logger(__name__)

FREE_SELF_QUERIES = 2
"""Self-queries a year that cost nothing (art. 17)."""

QUERY_SCOPES = frozenset({"query", "both"})
SCOPES = frozenset({"query", "report", "both"})


@dataclass(frozen=True, slots=True)
class AuthorizationFiling:
    """A signed authorization as the institution holding it lodges it with the bureau."""

    institution_code: str
    reference: str
    id_number: str
    name: str
    document: str
    document_sha256: str
    signed_on: date
    scope: str
    purposes: tuple[str, ...]
    valid_until: date | None = None
    id_type: str = IdType.RESIDENT_ID.value


@dataclass(frozen=True, slots=True)
class Ask:
    """An institution's request for a subject's report."""

    institution_code: str
    id_number: str
    purpose: str
    authorization_ref: str | None
    authorization_sha256: str | None = None
    id_type: str = IdType.RESIDENT_ID.value


@dataclass(frozen=True, slots=True)
class Answer:
    """The bureau's answer: the report, or the refusal's code and reason."""

    answered: bool
    inquiry_id: int
    report: CreditReport | None = None
    code: str = ""
    message: str = ""
    chargeable: bool = False


class _Refusal(Exception):
    def __init__(self, code: str, message: str, authorization: Authorization | None = None):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.authorization = authorization


class InquiryRepository:
    """The queries of this module."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def authorization(self, institution_code: str, reference: str) -> Authorization | None:
        return self.session.scalar(
            select(Authorization).where(
                Authorization.institution_code == institution_code,
                Authorization.reference == reference,
            )
        )

    def lodged_elsewhere(self, institution_code: str, reference: str) -> bool:
        return (
            self.session.scalar(
                select(Authorization.id)
                .where(
                    Authorization.reference == reference,
                    Authorization.institution_code != institution_code,
                )
                .limit(1)
            )
            is not None
        )

    def authorizations_of(self, id_type: str, id_number: str) -> Sequence[Authorization]:
        return self.session.scalars(
            select(Authorization)
            .where(Authorization.id_type == id_type, Authorization.id_number == id_number)
            .order_by(Authorization.signed_on, Authorization.id)
        ).all()

    def self_queries_in(self, subject_id: int, start: date, end: date) -> int:
        """Answered self-queries of a subject dated ``start`` to ``end`` inclusive."""
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(Inquiry)
                .where(
                    Inquiry.subject_id == subject_id,
                    Inquiry.self_query.is_(True),
                    Inquiry.outcome == "answered",
                    Inquiry.asked_on >= start,
                    Inquiry.asked_on <= end,
                )
            )
            or 0
        )

    def inquiries_of(self, id_type: str, id_number: str) -> Sequence[Inquiry]:
        """Every inquiry about a person, newest first, refusals included (also those made
        before the bureau held anything on them)."""
        return self.session.scalars(
            select(Inquiry)
            .where(Inquiry.id_type == id_type, Inquiry.id_number == id_number)
            .order_by(Inquiry.asked_at.desc(), Inquiry.id.desc())
        ).all()


class InquiryDesk:
    """Lodges authorizations and answers inquiries about subjects, each under the law's checks."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = BureauRepository(session)
        self.inquiries = InquiryRepository(session)
        self.audit = AuditLog(session, clock)

    # -- authorizations -----------------------------------------------------------------

    def lodge(self, filing: AuthorizationFiling) -> Authorization:
        """Keep a subject's signed authorization for the institution that holds it."""
        institution = self._institution(filing.institution_code)
        id_type, id_number = identity(filing.id_type, filing.id_number)
        reference = filing.reference.strip()
        if not reference or len(reference) > 40:
            raise InvalidInput(
                "authorization.reference", "an authorization reference is 1-40 characters"
            )
        if filing.scope not in SCOPES:
            raise InvalidInput(
                "authorization.scope",
                f"{filing.scope!r} is not a scope; use one of {', '.join(sorted(SCOPES))}",
            )
        sha = filing.document_sha256.strip().lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise InvalidInput(
                "authorization.sha256", "the signed text's hash is 64 hexadecimal digits"
            )
        purposes = tuple(dict.fromkeys(QueryReason.parse(p.strip()).value for p in filing.purposes))
        if filing.scope in QUERY_SCOPES and not purposes:
            raise InvalidInput(
                "authorization.purposes", "an authorization to query names at least one purpose"
            )
        if filing.valid_until is not None and filing.valid_until < filing.signed_on:
            raise InvalidInput(
                "authorization.valid_until",
                f"it cannot run out ({filing.valid_until}) before it was signed "
                f"({filing.signed_on})",
            )
        if filing.signed_on > self.clock.today():
            raise InvalidInput(
                "authorization.signed_on",
                f"it cannot be lodged before it is signed ({filing.signed_on})",
            )
        if self.inquiries.authorization(institution.code, reference) is not None:
            raise Conflict(
                "authorization.exists",
                f"{institution.code} already lodged an authorization {reference}",
            )
        name = filing.name.strip()
        if not name or len(name) > 30:
            raise InvalidInput("authorization.name", "the subject's name is 1-30 characters")
        row = Authorization(
            institution_code=institution.code,
            reference=reference,
            id_type=id_type,
            id_number=id_number,
            name=name,
            document=filing.document[:60],
            document_sha256=sha,
            signed_on=filing.signed_on,
            scope=filing.scope,
            purposes=",".join(purposes),
            valid_until=filing.valid_until,
            revoked_on=None,
            lodged_at=self.clock.now(),
        )
        self.session.add(row)
        self.session.flush()
        subject = self.repo.subject(id_type, id_number)
        self.audit.record(
            institution.code,
            Action.WRITE,
            f"authorization {reference} lodged ({filing.scope}, purposes {row.purposes or '-'})",
            "art. 18: written consent to query",
            subject.id if subject else None,
        )
        return row

    def revoke(self, institution_code: str, reference: str) -> Authorization:
        """The subject withdrew the authorization (objected, or closed the account): from
        today it covers nothing."""
        code = InstitutionCode.parse(institution_code).code
        row = self.inquiries.authorization(code, reference)
        if row is None:
            raise NotFound("authorization.unknown", f"{code} lodged no authorization {reference}")
        if row.revoked_on is not None:
            raise Conflict(
                "authorization.revoked",
                f"authorization {reference} was revoked on {row.revoked_on}",
            )
        row.revoked_on = self.clock.today()
        self.session.flush()
        subject = self.repo.subject(row.id_type, row.id_number)
        self.audit.record(
            code,
            Action.WRITE,
            f"authorization {reference} revoked",
            "the subject withdrew consent",
            subject.id if subject else None,
        )
        return row

    # -- inquiries ------------------------------------------------------------------------

    def ask(self, ask: Ask) -> Answer:
        """Answer an institution's inquiry, or refuse it; either way it is recorded.

        Malformed input (an ID number with a wrong check digit, an unknown purpose code)
        raises :class:`InvalidInput` and records nothing: it names no person.
        """
        id_type, id_number = identity(ask.id_type, ask.id_number)
        reason = QueryReason.parse(ask.purpose.strip())
        now = self.clock.now()
        institution_code = ask.institution_code.strip()[:14]
        try:
            institution, authorization = self._check(ask, id_type, id_number, reason)
        except _Refusal as refusal:
            return self._refuse(ask, id_type, id_number, reason, refusal, now)
        subject = self.repo.subject(id_type, id_number)
        if subject is None:
            # A person the bureau holds nothing on still gets a report (empty), and the
            # query is kept: it is the first thing the bureau knows of them.
            subject = Subject(
                id_type=id_type, id_number=id_number, name=authorization.name, updated_at=now
            )
            self.session.add(subject)
            self.session.flush()
        inquiry = self._record(
            now,
            subject.id,
            id_type,
            id_number,
            institution_code,
            reason.value,
            authorization,
            "answered",
        )
        header = QueryHeader(
            asked_at=now,
            institution_code=institution.code,
            institution_name=institution.name,
            institution_kind=institution.kind,
            reason=reason.value,
            reason_label=reason.label,
            self_query=False,
        )
        why = f"purpose {reason.value} {reason.label}; authorization {authorization.reference}"
        report = self._report(subject, inquiry, header, why)
        log.info(
            "inquiry.answered",
            institution=institution.code,
            purpose=reason.value,
            id_number=mask_id(id_number),
        )
        return Answer(True, inquiry.id, report)

    def self_query(self, id_number: str, id_type: str = IdType.RESIDENT_ID.value) -> Answer:
        """A subject reads their own report; the third and later of a calendar year are
        marked chargeable."""
        subject = known_subject(self.repo, id_type, id_number)
        id_type, id_number = subject.id_type, subject.id_number
        now = self.clock.now()
        today = business_date(now)
        earlier = self.inquiries.self_queries_in(subject.id, today.replace(month=1, day=1), today)
        chargeable = earlier >= FREE_SELF_QUERIES
        inquiry = self._record(
            now, subject.id, id_type, id_number, None, None, None, "answered", chargeable
        )
        header = QueryHeader(
            asked_at=now,
            institution_code=None,
            institution_name="本人",
            institution_kind=None,
            reason=None,
            reason_label="本人查询",
            self_query=True,
        )
        why = "art. 17: the subject's own report" + (", chargeable" if chargeable else "")
        report = self._report(subject, inquiry, header, why)
        log.info("inquiry.self", id_number=mask_id(id_number), chargeable=chargeable)
        return Answer(True, inquiry.id, report, chargeable=chargeable)

    def history(
        self, id_number: str, why: str, id_type: str = IdType.RESIDENT_ID.value
    ) -> list[Inquiry]:
        """Every inquiry about a person, refusals included, newest first: the operator's
        view, read for ``why`` and audited (a report shows only the answered ones)."""
        id_type, id_number = identity(id_type, id_number)
        if not why.strip():
            raise InvalidInput("inquiry.why", "say why the inquiry history is read")
        subject = self.repo.subject(id_type, id_number)
        found = list(self.inquiries.inquiries_of(id_type, id_number))
        self.audit.record(
            Actor.OPERATOR.value,
            Action.READ,
            f"inquiry history of {mask_id(id_number)}: {len(found)} inquiries",
            why[:200],
            subject.id if subject else None,
        )
        return found

    def _report(
        self, subject: Subject, inquiry: Inquiry, header: QueryHeader, why: str
    ) -> CreditReport:
        """The report an answered inquiry delivers, numbered after it (the read is audited
        by the report service)."""
        inquiry.report_number = report_number(header.asked_at, subject.id, inquiry.id)
        report = ReportService(self.session, self.clock).assemble(
            subject, header, inquiry.report_number, why, inquiry.id
        )
        self.session.flush()
        return report

    # -- the checks -----------------------------------------------------------------------

    def _institution(self, code: str) -> Institution:
        parsed = InstitutionCode.parse(code).code
        institution = self.repo.institution(parsed)
        if institution is None:
            raise NotFound(
                "institution.unknown", f"institution {parsed} is not registered with the bureau"
            )
        return institution

    def _check(
        self, ask: Ask, id_type: str, id_number: str, reason: QueryReason
    ) -> tuple[Institution, Authorization]:
        code = ask.institution_code.strip()
        institution = self.repo.institution(code) if len(code) == 14 else None
        if institution is None:
            raise _Refusal(
                "inquiry.institution_unknown",
                f"institution {code or '(none)'} is not registered with the bureau",
            )
        allowed = InstitutionKind(institution.kind).query_purposes
        if not allowed:
            raise _Refusal(
                "inquiry.may_not_query",
                f"{institution.name} is registered as {institution.kind}, which does not lend "
                "and may not query credit reports",
            )
        if reason not in allowed:
            names = ", ".join(f"{p.value} {p.label}" for p in sorted(allowed))
            raise _Refusal(
                "inquiry.purpose_not_allowed",
                f"a {institution.kind} institution may not query for {reason.value} "
                f"{reason.label}; it may query for {names}",
            )
        reference = (ask.authorization_ref or "").strip()
        if not reference:
            raise _Refusal(
                "inquiry.no_authorization",
                "an inquiry needs the subject's written authorization (art. 18); give its "
                "reference",
            )
        if not (ask.authorization_sha256 or "").strip():
            raise _Refusal(
                "inquiry.no_authorization_hash",
                f"give the SHA-256 of the text the subject signed with authorization {reference}, "
                "so the bureau can check it is the text lodged",
            )
        authorization = self.inquiries.authorization(institution.code, reference)
        if authorization is None:
            if self.inquiries.lodged_elsewhere(institution.code, reference):
                raise _Refusal(
                    "inquiry.authorization_not_yours",
                    f"authorization {reference} was given to another institution, not "
                    f"{institution.code}",
                )
            raise _Refusal(
                "inquiry.authorization_unknown",
                f"{institution.code} lodged no authorization {reference}; lodge it before querying",
            )
        return institution, self._covers(authorization, ask, id_type, id_number, reason)

    def _covers(
        self,
        authorization: Authorization,
        ask: Ask,
        id_type: str,
        id_number: str,
        reason: QueryReason,
    ) -> Authorization:
        ref = authorization.reference
        if (authorization.id_type, authorization.id_number) != (id_type, id_number):
            raise _Refusal(
                "inquiry.authorization_other_subject",
                f"authorization {ref} was signed by {mask_id(authorization.id_number)}, not by "
                f"{mask_id(id_number)}",
                authorization,
            )
        sha = (ask.authorization_sha256 or "").strip().lower()
        if sha != authorization.document_sha256:
            raise _Refusal(
                "inquiry.authorization_mismatch",
                f"the signed text's hash given ({sha[:12]}…) is not the one lodged for {ref} "
                f"({authorization.document_sha256[:12]}…)",
                authorization,
            )
        if authorization.scope not in QUERY_SCOPES:
            raise _Refusal(
                "inquiry.authorization_scope",
                f"authorization {ref} allows reporting, not querying",
                authorization,
            )
        purposes = authorization.purposes.split(",")
        if reason.value not in purposes:
            raise _Refusal(
                "inquiry.authorization_purpose",
                f"authorization {ref} covers purposes {', '.join(purposes)}, not {reason.value} "
                f"{reason.label}",
                authorization,
            )
        today = self.clock.today()
        if authorization.signed_on > today:
            raise _Refusal(
                "inquiry.authorization_not_yet",
                f"authorization {ref} is signed {authorization.signed_on}, after today ({today})",
                authorization,
            )
        if authorization.revoked_on is not None and authorization.revoked_on <= today:
            raise _Refusal(
                "inquiry.authorization_revoked",
                f"authorization {ref} was revoked on {authorization.revoked_on}",
                authorization,
            )
        if authorization.valid_until is not None and today > authorization.valid_until:
            raise _Refusal(
                "inquiry.authorization_expired",
                f"authorization {ref} ran out on {authorization.valid_until}",
                authorization,
            )
        return authorization

    # -- recording ------------------------------------------------------------------------

    def _refuse(
        self,
        ask: Ask,
        id_type: str,
        id_number: str,
        reason: QueryReason,
        refusal: _Refusal,
        now: datetime,
    ) -> Answer:
        subject = self.repo.subject(id_type, id_number)
        institution_code = ask.institution_code.strip().upper()[:14]
        reference = (ask.authorization_ref or "").strip()[:40] or None
        inquiry = self._record(
            now,
            subject.id if subject else None,
            id_type,
            id_number,
            institution_code,
            reason.value,
            refusal.authorization,
            "refused",
            reference=reference,
            refusal_code=refusal.code,
        )
        self.audit.record(
            institution_code or "(none)",
            Action.WRITE,
            f"inquiry {inquiry.id} refused: {refusal.code}",
            f"purpose {reason.value} {reason.label}; authorization {reference or '(none)'}",
            subject.id if subject else None,
        )
        self.session.flush()
        log.info(
            "inquiry.refused",
            institution=institution_code,
            purpose=reason.value,
            code=refusal.code,
            id_number=mask_id(id_number),
        )
        return Answer(False, inquiry.id, None, refusal.code, refusal.message)

    def _record(
        self,
        now: datetime,
        subject_id: int | None,
        id_type: str,
        id_number: str,
        institution_code: str | None,
        purpose: str | None,
        authorization: Authorization | None,
        outcome: str,
        chargeable: bool = False,
        reference: str | None = None,
        refusal_code: str | None = None,
    ) -> Inquiry:
        inquiry = Inquiry(
            asked_at=now,
            asked_on=business_date(stored_instant(now)),
            subject_id=subject_id,
            id_type=id_type,
            id_number=id_number,
            institution_code=institution_code,
            self_query=institution_code is None,
            purpose=purpose,
            authorization_ref=authorization.reference if authorization else reference,
            authorization_id=authorization.id if authorization else None,
            outcome=outcome,
            refusal_code=refusal_code,
            report_number=None,
            chargeable=chargeable,
        )
        self.session.add(inquiry)
        self.session.flush()
        return inquiry
