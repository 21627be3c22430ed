"""The bureau's registry of institutions: who may submit records (art. 28-29)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from zhengxin.bureau.models import Institution
from zhengxin.bureau.repository import BureauRepository
from zhengxin.kernel.clock import Clock
from zhengxin.kernel.errors import Conflict
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


def register(
    session: Session, clock: Clock, code: str, name: str, kind: InstitutionKind
) -> Institution:
    """Register an institution; lenders may submit records."""
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
    )
    session.add(institution)
    session.flush()
    return institution
