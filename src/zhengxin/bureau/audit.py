"""The bureau's tamper-evident audit log (art. 22): one line for every read and every write of
personal data, chained by hashes.

Each line's hash covers its own fields and the hash of the line before it; a one-row head holds
the last line's number and hash. Editing a line, deleting one (the last included), inserting one
or reordering them then shows in :func:`verify`. A log rewritten consistently from some line
onwards, head included, does not: the chain proves the log agrees with its head, so a check
against an outside party needs a copy of the head kept outside the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhengxin.bureau.models import AuditEntry, AuditHead, Institution
from zhengxin.kernel.clock import Clock, stored_instant
from zhengxin.kernel.errors import Conflict, InvalidInput
from zhengxin.kernel.log import get_logger

log = get_logger(__name__)


class Action(StrEnum):
    READ = "read"
    WRITE = "write"


class Actor(StrEnum):
    """Who reads or writes, besides institutions (which appear by their code)."""

    SUBJECT = "subject"
    """the person the data is about"""
    OPERATOR = "operator"
    """the bureau's staff"""
    BUREAU = "bureau"
    """the bureau's own jobs: closing disputes, the retention purge"""


GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first line."""

HEAD_ID: Final = 1

_Line = tuple[int, datetime, str, str, int | None, str, str, str, str]
"""A stored line as the database gives it: seq, at, actor, action, subject_id, what, why,
prev_hash, hash."""


class AuditRepository:
    """The audit log's queries."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def head_for_update(self) -> AuditHead | None:
        # populate_existing: a head loaded earlier in this transaction may be stale by the time
        # the lock is granted (PostgreSQL, read committed), so take the row as the lock sees it.
        return self.session.scalar(
            select(AuditHead)
            .where(AuditHead.id == HEAD_ID)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def create_head(self) -> None:
        try:
            with self.session.begin_nested():
                self.session.add(AuditHead(id=HEAD_ID, seq=0, hash=GENESIS))
        except IntegrityError:
            # Another appender created it first and has committed; its row is locked next.
            pass

    def head(self) -> tuple[int, str] | None:
        row = self.session.execute(
            select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
        ).one_or_none()
        return None if row is None else (row[0], row[1])

    def last_seq(self) -> int | None:
        return self.session.scalar(select(func.max(AuditEntry.seq)))

    def lines_after(self, after: int | None, limit: int) -> Sequence[_Line]:
        # Plain columns, not entities: nothing piles up in the session's identity map, and a
        # line this session already holds is read as stored, not as remembered.
        query = select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.subject_id,
            AuditEntry.what,
            AuditEntry.why,
            AuditEntry.prev_hash,
            AuditEntry.hash,
        )
        if after is not None:
            query = query.where(AuditEntry.seq > after)
        return self.session.execute(query.order_by(AuditEntry.seq).limit(limit)).all()

    def reads_of(self, subject_id: int) -> Sequence[tuple[datetime, str, str | None, str, str]]:
        query = (
            select(
                AuditEntry.at, AuditEntry.actor, Institution.name, AuditEntry.what, AuditEntry.why
            )
            .outerjoin(Institution, Institution.code == AuditEntry.actor)
            .where(AuditEntry.subject_id == subject_id, AuditEntry.action == Action.READ)
            .order_by(AuditEntry.seq)
        )
        return self.session.execute(query).all()

    def newest(self, subject_id: int | None, limit: int | None) -> Sequence[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.seq.desc())
        if subject_id is not None:
            query = query.where(AuditEntry.subject_id == subject_id)
        if limit is not None:
            query = query.limit(limit)
        return self.session.scalars(query).all()


@dataclass(frozen=True, slots=True)
class Reading:
    """One read of a subject's data, as the subject sees it."""

    at: datetime
    actor: str
    """An institution code, ``subject`` (the person themself) or an operator's name."""
    actor_name: str
    """The institution's registered name where the actor is an institution, else the actor."""
    what: str
    why: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the log, at line ``seq`` (None where no line can be named)."""

    seq: int | None
    kind: str
    """``edited``, ``missing``, ``broken_link``, ``head_mismatch`` or ``extra``."""
    message: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """What :func:`verify` found: ``entries`` lines read, every problem among them."""

    ok: bool
    entries: int
    head_seq: int
    problems: tuple[Problem, ...]


def entry_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject_id: int | None,
    what: str,
    why: str,
    prev_hash: str,
) -> str:
    """The SHA-256 (hex) of a line's fields in canonical form: a compact JSON array, UTF-8,
    with the instant as UTC ISO-8601 to the microsecond. A naive ``at`` is UTC, as SQLite
    gives it back, so a line hashes the same before and after storage on either backend.

    >>> at = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    >>> h = entry_hash(1, at, "subject", "read", 7, "credit report", "本人查询", GENESIS)
    >>> h == entry_hash(1, at.replace(tzinfo=None), "subject", "read", 7, "credit report",
    ...                 "本人查询", GENESIS)
    True
    >>> h == entry_hash(2, at, "subject", "read", 7, "credit report", "本人查询", GENESIS)
    False
    """
    stamp = stored_instant(at).isoformat(timespec="microseconds")
    fields = [seq, stamp, actor, str(action), subject_id, what, why, prev_hash]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _column_length(name: str) -> int:
    column_type = AuditEntry.__table__.c[name].type
    assert isinstance(column_type, String) and column_type.length is not None
    return column_type.length


_LIMITS: Final = {name: _column_length(name) for name in ("actor", "what", "why")}
_MAX_SUBJECT_ID: Final = 2**31 - 1


class AuditLog:
    """Appends lines to the log and reads them back, in the caller's transaction."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = AuditRepository(session)

    def record(
        self, actor: str, action: Action, what: str, why: str, subject_id: int | None = None
    ) -> AuditEntry:
        """Append one line: ``actor`` did ``action`` on ``what`` (about ``subject_id``) for
        ``why``. Appenders queue on the head row, so the log has one order."""
        checked = _checked_action(action)
        for name, value in (("actor", actor), ("what", what), ("why", why)):
            _check_text(name, value)
        _check_subject(subject_id)
        at = _utc(self.clock.now())
        head = self.repo.head_for_update()
        if head is None:
            last = self.repo.last_seq()
            if last is not None:
                # Another desk may have written the first line, head and all, between the two
                # reads (PostgreSQL, read committed): its head is visible now if it exists.
                head = self.repo.head_for_update()
        if head is None:
            if last is not None:
                # Recreating the head from the last line would hide lines cut off the end.
                raise Conflict(
                    "audit.head_missing",
                    f"the audit log holds lines up to {last} but its head row is missing; "
                    "verify the log and restore the head from a trusted copy before "
                    "recording more",
                    last_seq=last,
                )
            self.repo.create_head()
            head = self.repo.head_for_update()
            assert head is not None
        seq = head.seq + 1
        digest = entry_hash(seq, at, actor, checked, subject_id, what, why, head.hash)
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor=actor,
            action=checked.value,
            subject_id=subject_id,
            what=what,
            why=why,
            prev_hash=head.hash,
            hash=digest,
        )
        self.session.add(entry)
        head.seq = seq
        head.hash = digest
        self.session.flush()
        return entry

    def readers(self, subject_id: int, shown_to: str | None = None) -> list[Reading]:
        """Every read of ``subject_id``'s data, oldest first, with institutions' names. When
        the list is ``shown_to`` someone (the subject, an operator), that is a read too, and
        is recorded after the list was taken."""
        found = [
            Reading(stored_instant(at), actor, name or actor, what, why)
            for at, actor, name, what, why in self.repo.reads_of(subject_id)
        ]
        if shown_to is not None:
            self.record(
                shown_to,
                Action.READ,
                f"who read this person's data: {len(found)} reads",
                "art. 22: a subject may see who read their data",
                subject_id,
            )
        return found

    def entries(self, subject_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
        """The lines, newest first: all of them or those about ``subject_id``, at most
        ``limit``. ``at`` is as stored (naive UTC on SQLite; see ``stored_instant``)."""
        if limit is not None and limit < 0:
            raise InvalidInput("audit.limit", f"a limit cannot be negative; got {limit}")
        return list(self.repo.newest(subject_id, limit))


def _checked_action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise InvalidInput(
            "audit.action",
            f"an audit line records a read or a write; got {action!r}",
        ) from None


def _check_text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            "audit.empty", f"an audit line needs its {name}; got {value!r}", field=name
        )
    limit = _LIMITS[name]
    if len(value) > limit:
        raise InvalidInput(
            "audit.too_long",
            f"an audit line's {name} may have at most {limit} characters; this one has "
            f"{len(value)}: shorten it",
            field=name,
            limit=limit,
            length=len(value),
        )
    # PostgreSQL stores no NUL, and a lone surrogate has no UTF-8 form to hash.
    if "\x00" in value or not _encodable(value):
        raise InvalidInput(
            "audit.bad_text",
            f"an audit line's {name} holds a NUL or an unpaired surrogate; remove it",
            field=name,
        )


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_subject(subject_id: int | None) -> None:
    if subject_id is None:
        return
    if (
        isinstance(subject_id, bool)
        or not isinstance(subject_id, int)
        or not 1 <= subject_id <= _MAX_SUBJECT_ID
    ):
        raise InvalidInput(
            "audit.subject", f"a subject is named by its positive id; got {subject_id!r}"
        )


def _utc(instant: datetime) -> datetime:
    # SQLite keeps the wall time and drops the zone, so only UTC survives the round trip.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput("clock.naive", f"instants must carry a time zone; got {instant!r}")
    return instant.astimezone(UTC)


@dataclass
class _Walk:
    """The state of one pass over the log, in seq order."""

    head: tuple[int, str] | None
    anchors: Mapping[int, str] = field(default_factory=dict)
    entries: int = 0
    prev_seq: int = 0
    prev_hash: str = GENESIS
    head_line_hash: str | None = None
    extra: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)

    def see(self, line: _Line) -> None:
        seq, at, actor, action, subject_id, what, why, prev_hash, stored = line
        self.entries += 1
        if seq < 1:
            self._problem(
                seq,
                "extra",
                f"line {seq} lies before line 1, where the log starts: look at who inserted it",
            )
            return
        if entry_hash(seq, at, actor, action, subject_id, what, why, prev_hash) != stored:
            self._problem(
                seq,
                "edited",
                f"line {seq}'s fields do not give its stored hash: one of them (when, who, "
                f"read or write, whose, what, why, the previous hash) or the hash itself was "
                f"changed after line {seq} was written",
            )
        if seq > self.prev_seq + 1:
            # The lines that would link across the gap are gone; the gap is the finding.
            first, last = self.prev_seq + 1, seq - 1
            lines = f"line {first} is" if first == last else f"lines {first} to {last} are"
            self._problem(
                first,
                "missing",
                f"{lines} missing from the log (it runs {self._before()} straight to line "
                f"{seq}): they were deleted",
            )
        elif prev_hash != self.prev_hash:
            self._problem(
                seq,
                "broken_link",
                f"line {seq} does not follow {self._before()}: it names {prev_hash[:12]}… as "
                f"the previous hash, where that is {self.prev_hash[:12]}…; "
                f"{self._before()} was edited and rehashed, replaced or moved",
            )
        anchor = self.anchors.get(seq)
        if anchor is not None and anchor != stored:
            self._problem(
                seq,
                "anchor_mismatch",
                f"line {seq}'s hash {stored[:12]}… is not the {anchor[:12]}… published for it: "
                f"the log was rewritten from line {seq} or before, head and all",
            )
        if self.head is not None:
            if seq == self.head[0]:
                self.head_line_hash = stored
            elif seq > self.head[0]:
                self.extra.append(seq)
        self.prev_seq, self.prev_hash = seq, stored
        self.seen.add(seq)

    def verdict(self) -> Verdict:
        for seq in sorted(set(self.anchors) - self.seen):
            self._problem(
                seq,
                "anchor_missing",
                f"line {seq}, whose hash was published, is not in the log: it was deleted",
            )
        if self.head is None:
            if self.entries:
                self._problem(
                    None,
                    "head_mismatch",
                    f"the log holds {self.entries} lines, up to line {self.prev_seq}, but no "
                    "head row: the head was deleted; compare with a copy of the head kept "
                    "outside the database",
                )
            return self._verdict(0)
        head_seq, head_hash = self.head
        expected = GENESIS if head_seq == 0 else self.head_line_hash
        if expected is None:
            self._problem(
                head_seq,
                "head_mismatch",
                f"the head says the log ends at line {head_seq}, but there is no line "
                f"{head_seq}: lines at the end were deleted",
            )
        elif expected != head_hash:
            self._problem(
                head_seq,
                "head_mismatch",
                f"the head's hash {head_hash[:12]}… is not line {head_seq}'s {expected[:12]}…: "
                f"line {head_seq} was edited and rehashed, or the head was changed",
            )
        if self.extra:
            first, last = self.extra[0], self.extra[-1]
            lines = f"line {first} lies" if first == last else f"lines {first} to {last} lie"
            self._problem(
                first,
                "extra",
                f"{lines} beyond the head at line {head_seq}: they were added without moving "
                "the head, or the head was moved back",
            )
        return self._verdict(head_seq)

    def _before(self) -> str:
        return "the start" if self.prev_seq == 0 else f"line {self.prev_seq}"

    def _problem(self, seq: int | None, kind: str, message: str) -> None:
        self.problems.append(Problem(seq, kind, message))

    def _verdict(self, head_seq: int) -> Verdict:
        return Verdict(not self.problems, self.entries, head_seq, tuple(self.problems))


def head(session: Session) -> tuple[int, str]:
    """The log's last line number and hash, ``(0, GENESIS)`` for an empty log: what an operator
    publishes (a newspaper, a regulator, another bureau) to anchor later verifications."""
    found = AuditRepository(session).head()
    return found if found is not None else (0, GENESIS)


def verify(
    session: Session, batch: int = 10_000, anchors: Mapping[int, str] | None = None
) -> Verdict:
    """Walk the whole log in seq order, ``batch`` lines at a time, and collect every problem:
    a line whose hash is not that of its fields (``edited``), a gap in the numbers
    (``missing``), a line not linked to the one before (``broken_link``), a head that is not
    the last line (``head_mismatch``) and lines beyond the head (``extra``). An empty log
    without a head is sound.

    The chain proves the log agrees with its own head; someone able to rewrite every line
    from some point on, head included, is caught only against a copy kept elsewhere. So the
    head can be published (:func:`head`) and checked later as an anchor: ``anchors`` maps line
    numbers to the hashes published for them (``anchor_mismatch``, ``anchor_missing``)."""
    if batch < 1:
        raise InvalidInput("audit.batch", f"verify reads at least one line a time; got {batch}")
    repo = AuditRepository(session)
    walk = _Walk(repo.head(), dict(anchors or {}))
    after: int | None = None
    while True:
        lines = repo.lines_after(after, batch)
        for line in lines:
            walk.see(line)
        if len(lines) < batch:
            break
        after = lines[-1][0]
    verdict = walk.verdict()
    if verdict.ok:
        log.info("audit.verified", entries=verdict.entries, head_seq=verdict.head_seq)
    else:
        log.warning(
            "audit.tampered",
            entries=verdict.entries,
            head_seq=verdict.head_seq,
            problems=len(verdict.problems),
            first=f"{verdict.problems[0].kind}@{verdict.problems[0].seq}",
        )
    return verdict
