"""The bureau's registry of institutions: who may submit records (art. 28-29) and for which
purposes each may query (art. 18, 20)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from zhengxin.bureau.models import Institution
from zhengxin.bureau.repository import BureauRepository
from zhengxin.codes import LENDER_QUERY_REASONS, QueryReason
from zhengxin.kernel.clock import Clock
from zhengxin.kernel.errors import Conflict, InvalidInput
from zhengxin.kernel.identity import InstitutionCode


class InstitutionKind(StrEnum):
    BANK = "bank"
    CONSUMER_FINANCE = "consumer_finance"
    MICROLOAN = "microloan"
    OTHER = "other"

    @property
    def is_lender(self) -> bool:
        """Only lenders report into the database (art. 28-29)."""
        return self is not InstitutionKind.OTHER

    @property
    def query_purposes(self) -> frozenset[QueryReason]:
        """The purposes this kind of institution may query a report for: every lender those of
        lending (``codes.LENDER_QUERY_REASONS``); a bank also vets guarantors, borrowers'
        executives and financing; an institution that does not lend may not query at all.

        >>> sorted(InstitutionKind.BANK.query_purposes - InstitutionKind.MICROLOAN.query_purposes)
        [<QueryReason.GUARANTOR_VETTING: '08'>, <QueryReason.FINANCING_APPROVAL: '24'>, \
<QueryReason.CREDIT_VETTING: '25'>]
        >>> InstitutionKind.OTHER.query_purposes
        frozenset()
        """
        if not self.is_lender:
            return frozenset()
        purposes = set(LENDER_QUERY_REASONS)
        if self is InstitutionKind.BANK:
            purposes |= _BANK_ONLY
        return frozenset(purposes)


_BANK_ONLY = frozenset(
    {QueryReason.GUARANTOR_VETTING, QueryReason.FINANCING_APPROVAL, QueryReason.CREDIT_VETTING}
)


def register(
    session: Session,
    clock: Clock,
    code: str,
    name: str,
    kind: InstitutionKind,
    record_types: Sequence[str] | None = None,
    head_office: str | None = None,
) -> Institution:
    """Register an institution. Lenders may submit records: by default every record type
    (``record_types`` narrows that); other institutions may submit none. A branch names its
    ``head_office``, whose other branches' identifiers it may use (§1.7)."""
    parsed = InstitutionCode.parse(code)
    repo = BureauRepository(session)
    if repo.institution(parsed.code) is not None:
        raise Conflict("institution.exists", f"institution {parsed.code} is already registered")
    institution = Institution(
        code=parsed.code,
        name=name,
        kind=kind.value,
        may_submit=kind.is_lender,
        registered_at=clock.now(),
        record_types=",".join(_record_types(kind, record_types)),
        head_office=InstitutionCode.parse(head_office).code if head_office else None,
    )
    session.add(institution)
    session.flush()
    return institution


def _record_types(kind: InstitutionKind, asked: Sequence[str] | None) -> tuple[str, ...]:
    if not kind.is_lender:
        if asked:
            raise InvalidInput(
                "institution.may_not_submit",
                f"a {kind.value} institution does not report into the database; "
                "register it without record types",
            )
        return ()
    if asked is None:
        return ALL_RECORD_TYPES
    unknown = sorted(set(asked) - set(ALL_RECORD_TYPES))
    if unknown:
        raise InvalidInput(
            "institution.record_type",
            f"unknown record type(s) {', '.join(unknown)}; "
            f"choose from {', '.join(ALL_RECORD_TYPES)}",
        )
    return tuple(t for t in ALL_RECORD_TYPES if t in asked)


ALL_RECORD_TYPES: tuple[str, ...] = ("110", "210", "211", "212", "213", "214", "215")
ALL_RECORD_TYPES += ("220", "221", "222", "223", "224")


@dataclass(frozen=True, slots=True)
class RegistrySnapshot:
    """The registry as the record rules need it (ABE002, ABE003, §1.7): every registered code
    and its head office. A plain value, so a chunk of records can be checked in another process.

    >>> head, branch = "B10211000H0001", "B10211000H0002"
    >>> s = RegistrySnapshot({head: head, branch: head})
    >>> s.provider_ok(branch, head), s.institution_ok("Q10152900H0001", head)
    (True, False)
    """

    head_offices: Mapping[str, str]

    def _head(self, code: str) -> str | None:
        return self.head_offices.get(code)

    def provider_ok(self, prefix: str, institution: str) -> bool:
        head = self._head(prefix)
        return head is not None and head == self._head(institution)

    def institution_ok(self, code: str, institution: str) -> bool:
        return self.provider_ok(code, institution)


def snapshot(session: Session) -> RegistrySnapshot:
    """The registry now, for checking one file's records."""
    return RegistrySnapshot(
        {i.code: i.head_office or i.code for i in BureauRepository(session).institutions()}
    )


def permitted(institution: Institution) -> frozenset[str]:
    """The record types ``institution`` may submit."""
    return frozenset(t for t in institution.record_types.split(",") if t)
