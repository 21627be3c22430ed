"""What applying any record to the bureau's store needs: the file being applied, the people
records name, refusals as values, and the identifiers retired by a change (211/221).

A record the bureau cannot apply is refused with one :class:`~zhengxin.pboc.RecordError`
carrying the server check's code (§4.5, §5, §6, §7) and a message that tells the furnisher what
the bureau holds and what to send instead. Every check runs before anything is written, so a
refused record leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from zhengxin.bureau.models import CodeChange, Subject, Submission
from zhengxin.bureau.repository import BureauRepository
from zhengxin.kernel.clock import Clock
from zhengxin.pboc import RecordError
from zhengxin.pboc.errors import MULTI_ITEM_TAG
from zhengxin.pboc.variants import AccountIdChange, AgreementIdChange

ACCOUNT, AGREEMENT = "account", "agreement"
"""The kinds of identifier a change record retires (CodeChange.kind): 211 and 221."""
SUPERSEDED = "ABE012"
"""A record names an identifier that a 211/221 record has replaced (§4.5)."""


@dataclass(frozen=True, slots=True)
class Applying:
    """One submission file being applied: where to write, what time it is, and whose file."""

    session: Session
    clock: Clock
    repo: BureauRepository
    submission: Submission

    @property
    def institution(self) -> str:
        """The submitting institution: every identifier in the file is its own."""
        return self.submission.institution_code

    def subject(self, id_type: str, id_number: str, name: str) -> Subject:
        """The person with this identity, created when the bureau does not know them yet; the
        name is kept as last reported."""
        subject = self.repo.subject(id_type, id_number)
        if subject is None:
            subject = Subject(
                id_type=id_type, id_number=id_number, name=name, updated_at=self.clock.now()
            )
            self.session.add(subject)
            self.session.flush()
        elif subject.name != name:
            subject.name = name
            subject.updated_at = self.clock.now()
        return subject

    def superseded(self, kind: str, code: str, segment: str, tag: str) -> RecordError | None:
        """ABE012 when ``code`` was replaced by an identifier change, else ``None``."""
        change = self.repo.code_change(self.institution, kind, code)
        if change is None:
            return None
        return refuse(
            SUPERSEDED,
            segment,
            tag,
            code,
            f"{kind} code {code} was changed to {change.new_code} on {change.changed_on}; "
            f"report it as {change.new_code}",
        )

    def current_code(self, kind: str, code: str) -> str:
        """Where the identifier changes starting at ``code`` lead: ``code`` itself when it was
        never replaced, else the identifier it goes by now (or last went by, if deleted)."""
        seen = {code}
        change = self.repo.code_change(self.institution, kind, code)
        while change is not None and change.new_code not in seen:
            code = change.new_code
            seen.add(code)
            change = self.repo.code_change(self.institution, kind, code)
        return code

    def retire(self, kind: str, old_code: str, new_code: str) -> None:
        """Record that ``old_code`` became ``new_code``. A code taken back by the record that
        had it before is in use again, so its earlier retirement is forgotten."""
        earlier = self.repo.code_change(self.institution, kind, new_code)
        if earlier is not None:
            self.session.delete(earlier)
            self.session.flush()
        self.session.add(
            CodeChange(
                institution_code=self.institution,
                kind=kind,
                old_code=old_code,
                new_code=new_code,
                changed_on=self.submission.file_date,
                submission_id=self.submission.id,
            )
        )
        self.session.flush()


def refuse_code_change(
    work: Applying,
    kind: str,
    record: AccountIdChange | AgreementIdChange,
    held: Callable[[str], object | None],
    codes: tuple[str, str],
) -> RecordError | None:
    """The server checks of an identifier change (211 BIE001/BIE002, 221 BIE101/BIE102):
    the old code must be held; the new one must be free, or a code this very ``kind`` (account
    or agreement) had before. ``held`` finds what the institution holds under a code."""
    old, new = record.od_bnes_code, record.nw_bnes_code
    root = type(record).spec.tag
    unknown, taken = codes
    if held(old) is None:
        now = work.current_code(kind, old)
        why = f"; it was changed to {now}" if now != old else ""
        return refuse(
            unknown,
            root,
            "OdBnesCode",
            old,
            f"the bureau holds no {kind} {old} from {work.institution}{why}",
        )
    if held(new) is not None:
        return refuse(
            taken,
            root,
            "NwBnesCode",
            new,
            f"{new} is the code of another {kind} of {work.institution}",
        )
    retired = work.repo.code_change(work.institution, kind, new)
    if retired is not None and work.current_code(kind, new) != old:
        return refuse(
            taken,
            root,
            "NwBnesCode",
            new,
            f"{new} was the code of another {kind}; only the {kind} that had a code may "
            "take it back",
        )
    return None


def refuse(code: str, segment: str, tag: str, value: str | None, message: str) -> RecordError:
    """A server check's refusal of a record, as the feedback file reports it."""
    return RecordError(code, segment, tag, value, message)


def refuse_record(code: str, message: str) -> RecordError:
    """A refusal about the record as a whole (tag ``0000``, §1.5)."""
    return RecordError(code, MULTI_ITEM_TAG, MULTI_ITEM_TAG, None, message)


def in_range(day: date, start: date | None, end: date | None) -> bool:
    """Whether ``day`` lies in the inclusive range; a blank side is open.

    >>> in_range(date(2024, 7, 31), date(2024, 7, 1), None)
    True
    >>> in_range(date(2024, 6, 30), date(2024, 7, 1), date(2024, 8, 31))
    False
    """
    return (start is None or start <= day) and (end is None or day <= end)


def describe_range(start: date | None, end: date | None) -> str:
    """A date range as a furnisher reads it.

    >>> describe_range(date(2024, 7, 1), None)
    '2024-07-01 onwards'
    """
    if start is None:
        return f"up to {end}" if end is not None else "every date"
    if end is None:
        return f"{start} onwards"
    return f"{start} to {end}"
