"""Who a request is about: an ID number made canonical, and the subject the bureau holds.

Every face of the bureau (inquiries, self-queries, disputes, statements, the audit log's
readers, the operator's view) takes a person's ID the same way, so ``11010519900307005x`` and
`` 11010519900307005X`` are one person everywhere.
"""

from __future__ import annotations

from zhengxin.bureau.models import Subject
from zhengxin.bureau.repository import BureauRepository
from zhengxin.codes import IdType
from zhengxin.kernel.errors import InvalidInput, NotFound
from zhengxin.kernel.identity import ResidentId, mask_id


def identity(id_type: str, id_number: str) -> tuple[str, str]:
    """The ID type's code and the ID number in canonical form: a resident ID checked (GB
    11643) with its check letter upper-case, any other ID trimmed.

    >>> identity("10", " 11010519900307005x ")
    ('10', '11010519900307005X')
    """
    kind = IdType.parse(id_type.strip())
    if kind is IdType.RESIDENT_ID:
        return kind.value, ResidentId.parse(id_number).number
    number = id_number.strip()
    if not number or len(number) > 20:
        raise InvalidInput("id.number", "an ID number is 1-20 characters")
    return kind.value, number


def known_subject(
    repo: BureauRepository, id_type: str, id_number: str, code: str = "subject.unknown"
) -> Subject:
    """The subject with that ID, or :class:`NotFound` (``code``) when the bureau holds no
    record of them."""
    kind, number = identity(id_type, id_number)
    subject = repo.subject(kind, number)
    if subject is None:
        raise NotFound(code, f"the bureau holds no credit record for {mask_id(number)}")
    return subject
