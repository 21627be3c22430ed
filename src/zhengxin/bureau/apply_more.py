"""Every record type other than 210 applied to the bureau's store: 110 basic information, 220
agreements, and the requests that change, correct, delete or annotate an account (211-215) or an
agreement (221-224).

Each line of a submission file is read with its record type's rule book, checked against every
rule of the interface with the file's context, and, when it passes, applied by the module of its
noun (:mod:`~zhengxin.bureau.apply_subjects`, :mod:`~zhengxin.bureau.apply_agreements`,
:mod:`~zhengxin.bureau.apply_accounts`, :mod:`~zhengxin.bureau.apply_corrections`). Applying
makes the checks only the bureau can make, against what it holds (§4.5, §5-§7); a record that
fails one is refused alone, with that check's code and a message the furnisher can act on, and
changes nothing. The caller owns the transaction: this module flushes and never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from zhengxin.bureau.apply_accounts import (
    apply_account_deletion,
    apply_account_id_change,
    apply_account_segment_deletion,
    apply_special_event,
)
from zhengxin.bureau.apply_agreements import (
    apply_agreement,
    apply_agreement_correction,
    apply_agreement_deletion,
    apply_agreement_id_change,
    apply_agreement_segment_deletion,
)
from zhengxin.bureau.apply_common import Applying
from zhengxin.bureau.apply_corrections import apply_account_correction
from zhengxin.bureau.apply_subjects import apply_basic_info
from zhengxin.bureau.models import Submission
from zhengxin.bureau.outcome import Rejection
from zhengxin.bureau.repository import BureauRepository
from zhengxin.kernel.clock import Clock
from zhengxin.kernel.errors import InvalidInput
from zhengxin.kernel.log import get_logger
from zhengxin.pboc import (
    AgreementRecord,
    BasicInfoRecord,
    RawRecord,
    RecordError,
    RecordInvalid,
    RecordUnreadable,
)
from zhengxin.pboc.corrections import AccountCorrection, AgreementCorrection
from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.line import to_segment
from zhengxin.pboc.rules import FileContext
from zhengxin.pboc.validator import book_for
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

log = get_logger(__name__)

Apply = Callable[[Applying, RawRecord], RecordError | None]
F = TypeVar("F", bound=FlatRecord)


def ingest_other(
    session: Session,
    clock: Clock,
    submission: Submission,
    lines: Iterable[tuple[int, str]],
    context: FileContext,
) -> tuple[int, list[Rejection]]:
    """Check and apply the records of one file of a type other than 210.

    ``submission`` is the file's flushed row, ``lines`` its body as (line number, text), and
    ``context`` the file's record type, date and institution for the record rules. Returns the
    number of records applied and a :class:`Rejection` for each of the others: one ABR000 for a
    line that cannot be read, every rule broken (at most five, §1.5) for a record that breaks
    any, or the one server check that refused it.
    """
    record_type = submission.record_type
    apply = _APPLY.get(record_type)
    if apply is None:
        known = ", ".join(sorted(_APPLY))
        raise InvalidInput(
            "ingest.record_type",
            f"record type {record_type} is not applied here; this takes {known}",
        )
    book = book_for(record_type)
    work = Applying(session, clock, BureauRepository(session), submission)
    accepted = 0
    rejections: list[Rejection] = []
    for number, text in lines:
        try:
            raw = book.read(text)
        except RecordUnreadable as exc:
            error = RecordError(exc.code, MULTI_ITEM_TAG, MULTI_ITEM_TAG, None, exc.message)
            rejections.append(Rejection(number, "", (error,), text))
            continue
        key = book.key_of(raw)
        errors = book.check_raw(raw, context)
        if not errors:
            errors = _applied(apply, work, raw)
        if errors:
            rejections.append(Rejection(number, key, tuple(errors), text))
        else:
            accepted += 1
    log.info(
        "ingest.records_applied",
        submission=submission.id,
        record_type=record_type,
        accepted=accepted,
        rejected=len(rejections),
    )
    return accepted, rejections


def _applied(apply: Apply, work: Applying, raw: RawRecord) -> list[RecordError]:
    """Apply a record that passed every rule: no errors, or why it was refused."""
    try:
        refusal = apply(work, raw)
    except RecordUnreadable as exc:
        return [RecordError(exc.code, MULTI_ITEM_TAG, MULTI_ITEM_TAG, None, exc.message)]
    except RecordInvalid as exc:
        return list(exc.errors)
    return [] if refusal is None else [refusal]


def _flat(cls: type[F], raw: RawRecord) -> F:
    """The typed request record (211, 213-215, 221, 223, 224) of a line already read."""
    errors: list[RecordError] = []
    segment = raw.segments.get(cls.spec.tag)
    record: Any = None if segment is None else to_segment(cls.spec, segment, errors)
    if not isinstance(record, cls):
        raise RecordInvalid(errors)
    return record


_APPLY: dict[str, Apply] = {
    "110": lambda w, raw: apply_basic_info(w, BasicInfoRecord.from_raw(raw)),
    "211": lambda w, raw: apply_account_id_change(w, _flat(AccountIdChange, raw)),
    "212": lambda w, raw: apply_account_correction(w, AccountCorrection.from_raw(raw)),
    "213": lambda w, raw: apply_account_segment_deletion(w, _flat(AccountSegmentDeletion, raw)),
    "214": lambda w, raw: apply_account_deletion(w, _flat(AccountDeletion, raw)),
    "215": lambda w, raw: apply_special_event(w, _flat(SpecialEvent, raw)),
    "220": lambda w, raw: apply_agreement(w, AgreementRecord.from_raw(raw)),
    "221": lambda w, raw: apply_agreement_id_change(w, _flat(AgreementIdChange, raw)),
    "222": lambda w, raw: apply_agreement_correction(w, AgreementCorrection.from_raw(raw)),
    "223": lambda w, raw: apply_agreement_segment_deletion(w, _flat(AgreementSegmentDeletion, raw)),
    "224": lambda w, raw: apply_agreement_deletion(w, _flat(AgreementDeletion, raw)),
}
"""How each record type other than 210 is typed and applied."""
