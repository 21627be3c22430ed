"""The bureau's audit log (art. 22): every read and write of personal data leaves one line, and
an attacker with database access cannot edit, delete or reorder lines unseen.

The story, on Monday 2025-03-03 (times in China): the bureau holds data on 张三 (subject 1) and
李梅 (subject 2).

1. 09:00 示例银行北京分行 (B10211000H0001) reads 张三's report to approve a loan;
2. 09:05 the bureau's ingest writes 张三's February month of that bank's loan;
3. 09:30 示例消费金融 (Q10152900H0001) reads 李梅's report to approve a card;
4. 10:00 张三 reads his own report;
5. 10:20 operator 王芳 marks 张三's dispute on that loan;
6. 11:00 示例消费金融 reads 张三's report for post-loan management.

Each tampering below is done the way an attacker would: plain SQL on the tables.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, text, update
from sqlalchemy.orm import Session

from tests.conftest import Backend, row_counts
from zhengxin.bureau.audit import (
    GENESIS,
    Action,
    AuditLog,
    Problem,
    Reading,
    Verdict,
    entry_hash,
    verify,
)
from zhengxin.bureau.models import AuditEntry, AuditHead, BureauBase
from zhengxin.bureau.registry import InstitutionKind, register
from zhengxin.kernel.clock import CHINA, FixedClock, china_time, stored_instant
from zhengxin.kernel.db import migrate, unit_of_work
from zhengxin.kernel.errors import Conflict, InvalidInput

DAY = date(2025, 3, 3)
BANK, BANK_NAME = "B10211000H0001", "示例银行北京分行"
CONSUMER, CONSUMER_NAME = "Q10152900H0001", "示例消费金融有限公司"
ZHANG, LI = 1, 2
LOAN = f"{BANK}R1A0001"

STORY: list[tuple[time, str, Action, int, str, str]] = [
    (time(9, 0), BANK, Action.READ, ZHANG, "credit report", "02 loan approval; authorization A-17"),
    (time(9, 5), "ingest", Action.WRITE, ZHANG, f"{LOAN} month 2025-02", "record 210"),
    (
        time(9, 30),
        CONSUMER,
        Action.READ,
        LI,
        "credit report",
        "03 card approval; authorization C-9",
    ),
    (time(10, 0), "subject", Action.READ, ZHANG, "credit report", "art. 17: own report"),
    (time(10, 20), "王芳", Action.WRITE, ZHANG, f"dispute 1 on {LOAN}", "art. 25: marked"),
    (time(11, 0), CONSUMER, Action.READ, ZHANG, "credit report", "01 post-loan management"),
]


def bureau(backend: Backend) -> Engine:
    engine = backend.engine("audit")
    migrate(engine, "zhengxin.bureau.migrations")
    with unit_of_work(engine) as session:
        clock = FixedClock.on(date(2025, 1, 2))
        register(session, clock, BANK, BANK_NAME, InstitutionKind.BANK)
        register(session, clock, CONSUMER, CONSUMER_NAME, InstitutionKind.CONSUMER_FINANCE)
    return engine


def told(engine: Engine) -> Engine:
    """The story's six lines, each written in its own transaction, as the services do."""
    for at, actor, action, subject, what, why in STORY:
        with unit_of_work(engine) as session:
            AuditLog(session, FixedClock(china_time(DAY, at))).record(
                actor, action, what, why, subject
            )
    return engine


def checked(engine: Engine, batch: int = 10_000) -> Verdict:
    with Session(engine) as session:
        return verify(session, batch)


def found(verdict: Verdict) -> list[tuple[str, int | None]]:
    return [(p.kind, p.seq) for p in verdict.problems]


def attack(engine: Engine, *statements: str, **params: Any) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)


def stored(engine: Engine, seq: int) -> AuditEntry:
    with Session(engine) as session:
        entry = session.get(AuditEntry, seq)
        assert entry is not None
        return entry


def rehash(entry: AuditEntry) -> str:
    return entry_hash(
        entry.seq,
        entry.at,
        entry.actor,
        entry.action,
        entry.subject_id,
        entry.what,
        entry.why,
        entry.prev_hash,
    )


# --- the hash ----------------------------------------------------------------------------------


def test_the_hash_of_a_line_is_pinned() -> None:
    """The serialisation is part of every stored log: changing it would flag every line ever
    written. 张三 reading his own report at 09:00 in China on 2025-03-03 is the compact JSON
    ``[1,"2025-03-03T01:00:00.000000+00:00","subject","read",1,"credit report","本人查询","000…"]``
    in UTF-8, and hashes to this."""
    at = china_time(DAY, time(9, 0))
    digest = entry_hash(1, at, "subject", "read", 1, "credit report", "本人查询", GENESIS)
    assert digest == "2abef90bd7a04fe7249988236144acef9c7d8984427baef030dc88a411978df0"


def test_the_hash_is_the_same_however_the_instant_comes_back() -> None:
    """SQLite gives 01:00 UTC back without its zone, PostgreSQL with it; a clock might say
    09:00+08:00. All are one instant and one hash; a microsecond later is another."""
    aware = china_time(DAY, time(9, 0))
    args = ("subject", "read", 1, "credit report", "本人查询", GENESIS)
    digest = entry_hash(1, aware, *args)
    assert entry_hash(1, aware.replace(tzinfo=None), *args) == digest
    assert entry_hash(1, aware.astimezone(CHINA), *args) == digest
    assert entry_hash(1, aware + timedelta(microseconds=1), *args) != digest
    assert entry_hash(1, aware, "subject", "read", None, "credit report", "本人查询", GENESIS) != (
        digest
    )


# --- a sound log -------------------------------------------------------------------------------


@pytest.mark.storage
def test_a_clean_chain_verifies(backend: Backend) -> None:
    """The six lines of the day, read back in another transaction, verify: six lines, the head
    at line 6, each line linked to the one before, the first to the genesis hash."""
    engine = told(bureau(backend))
    assert checked(engine) == Verdict(ok=True, entries=6, head_seq=6, problems=())
    assert checked(engine, batch=4) == Verdict(ok=True, entries=6, head_seq=6, problems=())
    assert stored(engine, 1).prev_hash == GENESIS
    assert stored(engine, 4).prev_hash == stored(engine, 3).hash
    assert stored_instant(stored(engine, 4).at) == china_time(DAY, time(10, 0))


@pytest.mark.storage
def test_an_empty_log_verifies(backend: Backend) -> None:
    """Before the bureau has served anyone there is no line and no head: nothing is wrong."""
    assert checked(bureau(backend)) == Verdict(ok=True, entries=0, head_seq=0, problems=())


@pytest.mark.storage
def test_recording_appends_in_order(backend: Backend) -> None:
    """Two lines in one transaction: seq 1 then 2, the head following, and the entry returned
    is the line as stored."""
    engine = bureau(backend)
    clock = FixedClock(china_time(DAY, time(9, 0)))
    with unit_of_work(engine) as session:
        audit = AuditLog(session, clock)
        first = audit.record(BANK, Action.READ, "credit report", "02 loan approval", ZHANG)
        clock.advance(seconds=0.25)
        second = audit.record("ingest", Action.WRITE, f"{LOAN} month 2025-02", "record 210")
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert second.subject_id is None
    assert rehash(stored(engine, 2)) == second.hash
    with Session(engine) as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        assert (head.seq, head.hash) == (2, second.hash)


@pytest.mark.storage
def test_appenders_in_parallel_share_one_chain(backend: Backend) -> None:
    """Two desks record ten reads each at the same moment, starting from an empty log: the
    head row makes them queue, so the log is one unbroken chain of twenty lines."""
    engine = bureau(backend)
    clock = FixedClock(china_time(DAY, time(9, 0)))
    failures: list[BaseException] = []

    def desk(actor: str) -> None:
        try:
            for _ in range(10):
                with unit_of_work(engine) as session:
                    AuditLog(session, clock).record(actor, Action.READ, "credit report", "01", 1)
        except BaseException as exc:
            failures.append(exc)

    desks = [threading.Thread(target=desk, args=(code,)) for code in (BANK, CONSUMER)]
    for t in desks:
        t.start()
    for t in desks:
        t.join()
    assert failures == []
    assert checked(engine) == Verdict(ok=True, entries=20, head_seq=20, problems=())


@pytest.mark.storage
def test_two_first_lines_at_once_start_one_chain(backend: Backend) -> None:
    """The bank's read is the log's very first line and its transaction is still open when the
    consumer-finance company's read arrives. The second desk finds no head it can see, waits
    for the first to commit, and then follows it as line 2."""
    engine = bureau(backend)
    clock = FixedClock(china_time(DAY, time(9, 0)))
    second: list[int | BaseException] = []

    def consumer_desk() -> None:
        try:
            with unit_of_work(engine) as session:
                entry = AuditLog(session, clock).record(CONSUMER, Action.READ, "report", "03", LI)
                second.append(entry.seq)
        except BaseException as exc:
            second.append(exc)

    with unit_of_work(engine) as session:
        AuditLog(session, clock).record(BANK, Action.READ, "credit report", "02", ZHANG)
        desk = threading.Thread(target=consumer_desk)
        desk.start()
        desk.join(timeout=1.0)  # it must still be waiting: the first line is not committed
        assert desk.is_alive()
    desk.join()
    assert second == [2]
    assert checked(engine) == Verdict(ok=True, entries=2, head_seq=2, problems=())


class WallClock:
    """A clock that tells instants in China time (+08:00), or with no zone at all."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return DAY


@pytest.mark.storage
def test_a_clock_in_china_time_is_stored_as_utc(backend: Backend) -> None:
    """A desk's clock says 09:00+08:00. SQLite keeps only wall times, so the line is stored as
    01:00 UTC; it reads back as the same instant and verifies."""
    engine = bureau(backend)
    with unit_of_work(engine) as session:
        AuditLog(session, WallClock(china_time(DAY, time(9, 0)).astimezone(CHINA))).record(
            BANK, Action.READ, "credit report", "02 loan approval", ZHANG
        )
    assert stored_instant(stored(engine, 1).at) == datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    assert checked(engine).ok


@pytest.mark.storage
def test_a_clock_without_a_zone_is_refused(backend: Backend) -> None:
    """09:00 with no zone could be any of 24 instants: the line is refused, the log untouched."""
    engine = bureau(backend)
    with pytest.raises(InvalidInput) as refusal, unit_of_work(engine) as session:
        AuditLog(session, WallClock(datetime(2025, 3, 3, 9, 0))).record(
            BANK, Action.READ, "credit report", "02 loan approval", ZHANG
        )
    assert refusal.value.code == "clock.naive"
    assert checked(engine) == Verdict(ok=True, entries=0, head_seq=0, problems=())


# --- what the subject sees ---------------------------------------------------------------------


@pytest.mark.storage
def test_readers_lists_who_read_a_subjects_data_with_names(backend: Backend) -> None:
    """张三 asks who read his data: the bank at 09:00, himself at 10:00, the consumer-finance
    company at 11:00, with the institutions' registered names. Not the ingest's write, not the
    operator's dispute mark, not the read of 李梅."""
    engine = told(bureau(backend))
    with Session(engine) as session:
        audit = AuditLog(session, FixedClock(china_time(DAY, time(12, 0))))
        zhang = audit.readers(ZHANG)
        li = audit.readers(LI)
        nobody = audit.readers(3)
    assert zhang == [
        Reading(
            china_time(DAY, time(9, 0)),
            BANK,
            BANK_NAME,
            "credit report",
            "02 loan approval; authorization A-17",
        ),
        Reading(
            china_time(DAY, time(10, 0)),
            "subject",
            "subject",
            "credit report",
            "art. 17: own report",
        ),
        Reading(
            china_time(DAY, time(11, 0)),
            CONSUMER,
            CONSUMER_NAME,
            "credit report",
            "01 post-loan management",
        ),
    ]
    assert zhang[0].at.tzinfo is not None
    assert [r.actor_name for r in li] == [CONSUMER_NAME]
    assert nobody == []


@pytest.mark.storage
def test_entries_come_newest_first(backend: Backend) -> None:
    """The log's newest lines first; about 张三 only; at most two of them."""
    engine = told(bureau(backend))
    with Session(engine) as session:
        audit = AuditLog(session, FixedClock(china_time(DAY, time(12, 0))))
        assert [e.seq for e in audit.entries()] == [6, 5, 4, 3, 2, 1]
        assert [e.seq for e in audit.entries(subject_id=ZHANG)] == [6, 5, 4, 2, 1]
        assert [e.seq for e in audit.entries(subject_id=ZHANG, limit=2)] == [6, 5]
        assert [e.seq for e in audit.entries(subject_id=LI)] == [3]


# --- refusals leave nothing behind -------------------------------------------------------------


@pytest.mark.storage
@pytest.mark.parametrize(
    ("actor", "what", "why", "code", "limit"),
    [
        (BANK, "credit report " + "x" * 187, "02 loan approval", "audit.too_long", 200),
        (BANK, "credit report", "02 loan approval " + "y" * 184, "audit.too_long", 200),
        ("operator " + "王" * 32, "credit report", "02", "audit.too_long", 40),
        (BANK, "credit report", "  ", "audit.empty", None),
        ("", "credit report", "02", "audit.empty", None),
        (BANK, "credit\x00report", "02", "audit.bad_text", None),
    ],
)
def test_a_bad_line_is_refused_and_nothing_changes(
    backend: Backend, actor: str, what: str, why: str, code: str, limit: int | None
) -> None:
    """The bank's read with a 201-character `what`, a 201-character `why`, a 41-character
    actor, a blank reason, no actor or a NUL: refused with the column's limit where that is
    the trouble, and the log (head included) is as it was."""
    engine = told(bureau(backend))
    before = row_counts(engine, BureauBase.metadata)
    with pytest.raises(InvalidInput) as refusal, unit_of_work(engine) as session:
        AuditLog(session, FixedClock(china_time(DAY, time(12, 0)))).record(
            actor, Action.READ, what, why, ZHANG
        )
    assert refusal.value.code == code
    assert refusal.value.details.get("limit") == limit
    assert row_counts(engine, BureauBase.metadata) == before
    assert checked(engine).ok


@pytest.mark.storage
def test_a_line_at_the_column_limits_is_kept_whole(backend: Backend) -> None:
    """200 Chinese characters of `what` and `why` and a 40-character actor fit: the columns
    count characters on both backends, and the line verifies after the round trip."""
    engine = bureau(backend)
    with unit_of_work(engine) as session:
        AuditLog(session, FixedClock(china_time(DAY, time(9, 0)))).record(
            "王" * 40, Action.WRITE, "张" * 200, "因" * 200, ZHANG
        )
    assert stored(engine, 1).what == "张" * 200
    assert checked(engine).ok


# --- tampering ---------------------------------------------------------------------------------


@pytest.mark.storage
@pytest.mark.parametrize(
    ("column", "value"),
    [("why", "02 loan approval"), ("actor", BANK), ("subject_id", ZHANG), ("action", "write")],
)
def test_editing_a_field_of_a_line_is_caught(backend: Backend, column: str, value: Any) -> None:
    """Someone makes 李梅's card-approval read (line 3) look different: another reason,
    another institution, another subject, a write. Line 3 no longer gives its hash."""
    engine = told(bureau(backend))
    attack(engine, f"UPDATE audit_log SET {column} = :value WHERE seq = 3", value=value)
    verdict = checked(engine)
    assert not verdict.ok
    assert found(verdict) == [("edited", 3)]
    assert "line 3" in verdict.problems[0].message


@pytest.mark.storage
def test_editing_a_line_and_rehashing_it_breaks_the_next_link(backend: Backend) -> None:
    """Someone moves 李梅's read to the bank and recomputes line 3's own hash: line 3 is now
    self-consistent, but line 4 still names the old hash as its predecessor."""
    engine = told(bureau(backend))
    forged = stored(engine, 3)
    forged.actor = BANK
    attack(
        engine,
        "UPDATE audit_log SET actor = :actor, hash = :hash WHERE seq = 3",
        actor=BANK,
        hash=rehash(forged),
    )
    verdict = checked(engine)
    assert found(verdict) == [("broken_link", 4)]
    assert "line 3" in verdict.problems[0].message


@pytest.mark.storage
def test_rehashing_the_last_line_is_caught_by_the_head(backend: Backend) -> None:
    """Someone changes the 11:00 read's reason and rehashes line 6: no line follows it, but the
    head still holds the old hash."""
    engine = told(bureau(backend))
    forged = stored(engine, 6)
    forged.why = "02 loan approval"
    attack(
        engine,
        "UPDATE audit_log SET why = :why, hash = :hash WHERE seq = 6",
        why=forged.why,
        hash=rehash(forged),
    )
    assert found(checked(engine)) == [("head_mismatch", 6)]


@pytest.mark.storage
@pytest.mark.parametrize(("seq", "kind"), [(1, "missing"), (3, "missing"), (6, "head_mismatch")])
def test_deleting_a_line_is_caught(backend: Backend, seq: int, kind: str) -> None:
    """Someone deletes the bank's 09:00 read (the first line), 李梅's read (a middle line) or
    the 11:00 read (the last line, which only the head can show)."""
    engine = told(bureau(backend))
    attack(engine, "DELETE FROM audit_log WHERE seq = :seq", seq=seq)
    verdict = checked(engine)
    assert found(verdict) == [(kind, seq)]
    assert verdict.entries == 5


@pytest.mark.storage
def test_deleting_several_lines_is_one_gap(backend: Backend) -> None:
    """Lines 2 to 4 go: one gap, named from its first line, with its extent in the message."""
    engine = told(bureau(backend))
    attack(engine, "DELETE FROM audit_log WHERE seq BETWEEN 2 AND 4")
    verdict = checked(engine)
    assert found(verdict) == [("missing", 2)]
    assert "lines 2 to 4" in verdict.problems[0].message


@pytest.mark.storage
def test_deleting_every_line_is_caught_by_the_head(backend: Backend) -> None:
    """The whole day's log is deleted; the head still says six lines were written."""
    engine = told(bureau(backend))
    attack(engine, "DELETE FROM audit_log")
    verdict = checked(engine)
    assert (verdict.ok, verdict.entries, verdict.head_seq) == (False, 0, 6)
    assert verdict.problems == (
        Problem(
            6,
            "head_mismatch",
            "the head says the log ends at line 6, but there is no line 6: "
            "lines at the end were deleted",
        ),
    )


@pytest.mark.storage
def test_swapping_the_contents_of_two_lines_is_caught(backend: Backend) -> None:
    """Someone swaps who, what, why and when of lines 2 and 5 (the two writes), leaving each
    line's number and hashes in place: neither line gives its hash any more."""
    engine = told(bureau(backend))
    fields = ("at", "actor", "action", "subject_id", "what", "why")
    two, five = stored(engine, 2), stored(engine, 5)
    with engine.begin() as connection:
        for seq, source in ((2, five), (5, two)):
            connection.execute(
                update(AuditEntry)
                .where(AuditEntry.seq == seq)
                .values(
                    {
                        f: stored_instant(source.at) if f == "at" else getattr(source, f)
                        for f in fields
                    }
                )
            )
    assert found(checked(engine)) == [("edited", 2), ("edited", 5)]


@pytest.mark.storage
def test_swapping_the_numbers_of_two_lines_is_caught(backend: Backend) -> None:
    """Someone gives line 2 the number 5 and line 5 the number 2, so the operator's dispute
    mark appears before 李梅's read. Both lines fail their hash, and the chain breaks into
    and out of each."""
    engine = told(bureau(backend))
    attack(
        engine,
        "UPDATE audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 5",
        "UPDATE audit_log SET seq = 5 WHERE seq = -2",
    )
    assert found(checked(engine)) == [
        ("edited", 2),
        ("broken_link", 2),
        ("broken_link", 3),
        ("edited", 5),
        ("broken_link", 5),
        ("broken_link", 6),
    ]


@pytest.mark.storage
def test_editing_the_heads_hash_is_caught(backend: Backend) -> None:
    engine = told(bureau(backend))
    attack(engine, "UPDATE audit_head SET hash = :hash", hash="f" * 64)
    assert found(checked(engine)) == [("head_mismatch", 6)]


@pytest.mark.storage
def test_moving_the_head_back_shows_the_lines_beyond_it(backend: Backend) -> None:
    """Someone sets the head to line 5 (with line 5's true hash), as if the 11:00 read had
    never been written: line 6 now lies beyond the head."""
    engine = told(bureau(backend))
    attack(engine, "UPDATE audit_head SET seq = 5, hash = :hash", hash=stored(engine, 5).hash)
    verdict = checked(engine)
    assert found(verdict) == [("extra", 6)]
    assert verdict.head_seq == 5


@pytest.mark.storage
def test_a_line_added_behind_the_heads_back_is_caught(backend: Backend) -> None:
    """Someone forges a well-chained line 7 (a read of 李梅 by the bank) without moving the
    head."""
    engine = told(bureau(backend))
    prev = stored(engine, 6).hash
    at = china_time(DAY, time(11, 30))
    digest = entry_hash(7, at, BANK, "read", LI, "credit report", "02", prev)
    with engine.begin() as connection:
        connection.execute(
            insert(AuditEntry).values(
                seq=7,
                at=at,
                actor=BANK,
                action="read",
                subject_id=LI,
                what="credit report",
                why="02",
                prev_hash=prev,
                hash=digest,
            )
        )
    assert found(checked(engine)) == [("extra", 7)]


@pytest.mark.storage
def test_deleting_the_head_is_caught_and_stops_recording(backend: Backend) -> None:
    """Someone deletes the head row (then the last line could go unseen). Verify says so, and
    the next read is refused rather than starting the chain again, leaving the log as is."""
    engine = told(bureau(backend))
    attack(engine, "DELETE FROM audit_head")
    assert found(checked(engine)) == [("head_mismatch", None)]
    before = row_counts(engine, BureauBase.metadata)
    with pytest.raises(Conflict) as refusal, unit_of_work(engine) as session:
        AuditLog(session, FixedClock(china_time(DAY, time(12, 0)))).record(
            BANK, Action.READ, "credit report", "02", ZHANG
        )
    assert refusal.value.code == "audit.head_missing"
    assert row_counts(engine, BureauBase.metadata) == before


@pytest.mark.storage
def test_appending_after_an_edit_does_not_hide_it(backend: Backend) -> None:
    """Line 3's reason is edited; two more reads are then recorded at 14:00. The log grows to
    eight lines and line 3 is still flagged, and nothing else."""
    engine = told(bureau(backend))
    attack(engine, "UPDATE audit_log SET why = 'none' WHERE seq = 3")
    with unit_of_work(engine) as session:
        audit = AuditLog(session, FixedClock(china_time(DAY, time(14, 0))))
        audit.record(BANK, Action.READ, "credit report", "01 post-loan management", ZHANG)
        audit.record(BANK, Action.READ, "credit report", "01 post-loan management", LI)
    verdict = checked(engine)
    assert (verdict.entries, verdict.head_seq) == (8, 8)
    assert found(verdict) == [("edited", 3)]


@pytest.mark.storage
def test_appending_after_cutting_the_last_line_shows_the_gap(backend: Backend) -> None:
    """The 11:00 read (line 6) is deleted and the bank reads again at 14:00: the new line is
    number 7, linked to line 6's hash, so line 6 is now a gap in the middle."""
    engine = told(bureau(backend))
    attack(engine, "DELETE FROM audit_log WHERE seq = 6")
    with unit_of_work(engine) as session:
        entry = AuditLog(session, FixedClock(china_time(DAY, time(14, 0)))).record(
            BANK, Action.READ, "credit report", "01 post-loan management", ZHANG
        )
    assert entry.seq == 7
    assert found(checked(engine)) == [("missing", 6)]


# --- the invariant -----------------------------------------------------------------------------

TEXT = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1
).filter(str.strip)
LINES = st.lists(
    st.tuples(
        TEXT.map(lambda s: s[:40]),
        st.sampled_from(Action),
        TEXT.map(lambda s: s[:200]),
        TEXT.map(lambda s: s[:200]),
        st.none() | st.integers(1, 2**31 - 1),
        st.integers(0, 10**10),
    ),
    min_size=1,
    max_size=5,
)
COLUMNS = ("seq", "at", "actor", "action", "subject_id", "what", "why", "prev_hash", "hash")
HEX = st.text("0123456789abcdef", min_size=64, max_size=64)


def other_value(data: st.DataObject, column: str, old: Any, taken: range) -> Any:
    """A value for ``column`` unlike ``old``; a seq that no other line holds (the key)."""
    if column == "seq":
        return data.draw(st.integers(-3, 2**31 - 1).filter(lambda v: v not in taken))
    if column == "at":
        return stored_instant(old) + timedelta(microseconds=data.draw(st.integers(1, 10**12)))
    if column in ("prev_hash", "hash"):
        strategy: st.SearchStrategy[Any] = HEX
    elif column == "subject_id":
        strategy = st.none() | st.integers(1, 2**31 - 1)
    else:
        strategy = TEXT.map(lambda s: s[:10] if column == "action" else s[:40])
    return data.draw(strategy.filter(lambda v: v != old))


@pytest.mark.storage
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=LINES, data=st.data())
def test_any_log_verifies_and_any_one_change_is_caught(
    backend: Backend, lines: list[tuple[str, Action, str, str, int | None, int]], data: Any
) -> None:
    """Whatever people, reasons and subjects are recorded (any Unicode, any moment to the
    microsecond), the stored log verifies on both backends; then one stored field of one line
    changed by SQL, whichever it is, makes it fail."""
    engine = property_engine(backend)
    attack(engine, "DELETE FROM audit_log", "DELETE FROM audit_head")
    clock = FixedClock(datetime(2025, 3, 3, 1, 0, tzinfo=UTC))
    with unit_of_work(engine) as session:
        audit = AuditLog(session, clock)
        for actor, action, what, why, subject, step in lines:
            clock.advance(seconds=step / 10**6)
            audit.record(actor, action, what, why, subject)
    assert checked(engine) == Verdict(True, len(lines), len(lines), ())

    seq = data.draw(st.integers(1, len(lines)))
    column = data.draw(st.sampled_from(COLUMNS))
    value = other_value(
        data, column, getattr(stored(engine, seq), column), range(1, len(lines) + 1)
    )
    with engine.begin() as connection:
        connection.execute(update(AuditEntry).where(AuditEntry.seq == seq).values({column: value}))
    assert not checked(engine).ok


_ENGINES: dict[int, tuple[Backend, Engine]] = {}


def property_engine(backend: Backend) -> Engine:
    """One database per test run for all the property's examples (each empties the log):
    a fresh PostgreSQL database per example would cost seconds."""
    held = _ENGINES.get(id(backend))
    if held is None or held[0] is not backend:
        held = _ENGINES[id(backend)] = (backend, bureau(backend))
    return held[1]


def test_the_property_changes_every_stored_column() -> None:
    """A line is all of these columns; were one added, the property would have to change it
    too, and the hash to cover it."""
    assert {c.name for c in AuditEntry.__table__.c} == set(COLUMNS)
