"""The lender's inquiry client: asking a bureau for a subject's credit report (art. 18).

The lender reaches a bureau only through a :class:`BureauPort`, and only through
:meth:`InquiryClient.inquire`, which refuses unless the subject holds, at that instant, a
signature whose document covers querying that bureau. Every inquiry carries the signature's
reference (id, the signed text's hash, the signing date, the scope) and a purpose code, and is
recorded in the lender's own log whatever the bureau answers.

The port is a Protocol: the demo implements it in-process over the bureau's service; a later
adapter speaks HTTP. The lender never imports the bureau.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from zhengxin.codes import LENDER_QUERY_REASONS, Bureau, QueryReason
from zhengxin.kernel.errors import InvalidInput, Refused
from zhengxin.kernel.log import get_logger
from zhengxin.lender.consent import AuthorizationRef, Scope
from zhengxin.lender.models import Inquiry

if TYPE_CHECKING:
    from zhengxin.lender.service import LenderService

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class InquiryRequest:
    """What the lender sends a bureau."""

    institution: str
    bureau: str
    id_type: str
    id_number: str
    name: str
    purpose: QueryReason
    authorization: AuthorizationRef
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class InquiryAnswer:
    """The bureau's answer: the report, or its refusal code and reason."""

    answered: bool
    report: Mapping[str, Any] | None = None
    code: str = ""
    message: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


class BureauPort(Protocol):
    """One bureau, as the lender reaches it."""

    def inquire(self, request: InquiryRequest) -> InquiryAnswer: ...


class InquiryClient:
    """Asks bureaus for reports, only under a covering authorization."""

    def __init__(self, lender: LenderService, bureaus: Mapping[str, BureauPort]) -> None:
        self.lender = lender
        self._bureaus = dict(bureaus)

    def inquire(self, id_number: str, bureau: str, purpose: str) -> InquiryAnswer:
        """Ask ``bureau`` for the subject's report for ``purpose`` (a query-reason code)."""
        reason = QueryReason.parse(purpose)
        if reason not in LENDER_QUERY_REASONS:
            allowed = ", ".join(f"{p.value} {p.label}" for p in LENDER_QUERY_REASONS)
            raise InvalidInput(
                "inquiry.purpose", f"a lender may not query for {reason.value}; use {allowed}"
            )
        target = Bureau.parse(bureau).value
        port = self._bureaus.get(target)
        if port is None:
            raise InvalidInput("inquiry.bureau", f"no connection to bureau {target} is set up")
        consent = self.lender.consent
        subject = consent.subject(id_number)
        now = self.lender.clock.now()
        ref = consent.authorization(subject.id, Scope.QUERY, target, now)
        if ref is None:
            raise Refused(
                "consent.no_query_authorization",
                f"{subject.name} holds no signed authorization to query {target} now; "
                "no inquiry was sent",
            )
        request = InquiryRequest(
            institution=self.lender.institution.code,
            bureau=target,
            id_type=subject.id_type,
            id_number=subject.id_number,
            name=subject.name,
            purpose=reason,
            authorization=ref,
            asked_at=now,
        )
        answer = port.inquire(request)
        self.lender.session.add(
            Inquiry(
                subject_id=subject.id,
                bureau=target,
                purpose=reason.value,
                signature_id=ref.signature_id,
                asked_at=now,
                outcome="answered" if answer.answered else "refused",
                detail=(answer.code or "")[:200],
            )
        )
        self.lender.session.flush()
        log.info(
            "inquiry.sent",
            bureau=target,
            purpose=reason.value,
            id_number=subject.id_number,
            answered=answer.answered,
        )
        return answer
