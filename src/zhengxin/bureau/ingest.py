"""Ingestion: a submission file in, accounts and their monthly history out.

A file is applied whole or not at all. The file-level checks run before anything is written:
the name and header (and their agreement), the institution (registered, a lender, permitted
this record type), the name against the files already received (the same name with the same
bytes is a duplicate that changes nothing; with other bytes it is refused, ABF009), and every
line and the header's record count. The caller's unit of work then commits the accepted records
together, or nothing at all if anything fails or the process dies half-way.

A record-210 file streams through a chunked pipeline whose every step is a function over one
chunk of lines, so that memory stays flat whatever the file's size:

1. :func:`survey` reads the file once for its SHA-256 and the byte spans of its chunks;
2. :func:`~zhengxin.bureau.chunks.check_chunk` reads and checks a chunk's lines against every
   rule of the interface (pure; with ``workers`` it runs in worker processes, a few chunks in
   flight, while this process writes, and results come back in file order);
3. :meth:`Loader.held <zhengxin.bureau.load.Loader.held>` asks the store, a few queries a chunk,
   what it holds for the chunk's accounts;
4. :func:`~zhengxin.bureau.decide.decide` makes the server's checks (§4.5) and the rows (pure);
5. :meth:`Loader.write <zhengxin.bureau.load.Loader.write>` writes them set-based.

Rejected records (rule errors and server-check errors alike) are kept in file order, in memory
up to a bound and on disk beyond it, for the feedback file :func:`answer` writes after the
commit. Other record types (110, 211-215, 220-224) go to ``zhengxin.bureau.apply_more``.
"""

from __future__ import annotations

import hashlib
import heapq
import importlib
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Protocol, cast

from sqlalchemy.orm import Session

from zhengxin.bureau.audit import Action, AuditLog
from zhengxin.bureau.chunks import Span, read_span
from zhengxin.bureau.decide import decide
from zhengxin.bureau.load import Loader
from zhengxin.bureau.models import Institution, Submission
from zhengxin.bureau.outcome import IngestResult, Rejection
from zhengxin.bureau.registry import RegistrySnapshot, permitted, snapshot
from zhengxin.bureau.repository import BureauRepository
from zhengxin.bureau.rows import Target
from zhengxin.bureau.spool import RejectionSpool
from zhengxin.bureau.workers import CheckStep
from zhengxin.kernel.clock import Clock
from zhengxin.kernel.errors import FileRejected, InvalidInput, ZhengxinError
from zhengxin.kernel.log import get_logger
from zhengxin.kernel.runtime import steady_collector
from zhengxin.pboc import (
    FeedbackError,
    FileContext,
    FileName,
    RejectedRecord,
    SameInstitution,
    read_submission,
    write_feedback,
)
from zhengxin.pboc.files import Submission as SubmissionFile

log = get_logger(__name__)

CHUNK_LINES = 5_000
"""Lines a chunk holds by default: large enough that a statement a table per chunk costs
little, small enough that the chunks in flight keep memory well under 300 MB (bench/ingest.py)."""
MAX_CHUNK_LINES = 20_000
"""The most a chunk may hold, which bounds the memory each chunk in flight takes."""
_BLOCK = 1 << 20
RecordsDone = Callable[[int], None]


class _IngestOther(Protocol):
    def __call__(
        self,
        session: Session,
        clock: Clock,
        submission: Submission,
        lines: Iterable[tuple[int, str]],
        context: FileContext,
    ) -> tuple[int, list[Rejection]]: ...


class Ingestor:
    """Applies submission files to one bureau's store.

    ``workers`` 0 checks the records in this process; more runs the check step in that many
    worker processes (:mod:`zhengxin.bureau.workers`) while this one writes: on a machine with
    two cores, ``workers=2`` is the fastest. ``chunk_lines`` is the size of a chunk.
    """

    def __init__(
        self, session: Session, clock: Clock, workers: int = 0, chunk_lines: int = CHUNK_LINES
    ) -> None:
        if workers < 0:
            raise InvalidInput("ingest.workers", f"workers must be 0 or more; got {workers}")
        if not 1 <= chunk_lines <= MAX_CHUNK_LINES:
            raise InvalidInput(
                "ingest.chunk_lines",
                f"chunk_lines must be from 1 to {MAX_CHUNK_LINES}; got {chunk_lines}",
            )
        self.session = session
        self.clock = clock
        self.workers = workers
        self.chunk_lines = chunk_lines
        self.repo = BureauRepository(session)

    def ingest(self, path: Path, progress: RecordsDone | None = None) -> IngestResult:
        """Check and apply one file; raises :class:`FileRejected` for file-level faults.

        ``progress`` is told the number of records done so far, after each chunk is written.
        """
        path = Path(path)
        submission = read_submission(path)
        name = submission.name
        self._may_submit(name)
        earlier = self.repo.submission_by_name(name.render())
        with steady_collector(), CheckStep(self.workers) as step:
            # The line checks start at once (in a worker, when there are workers) and run
            # alongside the survey, and so does the check step's first chunks: neither writes.
            verified = step.verify(path)
            digest, spans = survey(path, submission.body_offset, self.chunk_lines)
            if earlier is not None and self._received(earlier, digest):
                log.info("ingest.already_ingested", file=path.name)
                return IngestResult(file_name=path.name, duplicate=True)
            context = FileContext(
                name.record_type,
                name.file_date,
                name.institution,
                _for_file(snapshot(self.session), name.institution),
            )
            if name.record_type == "210":
                step.begin(path, spans, context)
            verified()  # every file-level check is through before anything is written
            return self._apply(path, submission, digest, context, step, progress)

    def _apply(
        self,
        path: Path,
        submission: SubmissionFile,
        digest: str,
        context: FileContext,
        step: CheckStep,
        progress: RecordsDone | None,
    ) -> IngestResult:
        name = submission.name
        row = Submission(
            file_name=name.render(),  # canonical: the extension it came with aside
            institution_code=name.institution,
            record_type=name.record_type,
            file_date=name.file_date,
            received_at=self.clock.now(),
            record_count=submission.header.record_count,
            accepted_count=0,
            rejected_count=0,
            sha256=digest,
        )
        self.session.add(row)
        self.session.flush()
        result = IngestResult(file_name=path.name, rejections=RejectionSpool())
        if name.record_type == "210":
            target = Target(name.institution, row.id)
            self._apply_210(path, step, target, result, progress)
        else:
            self._apply_other(row, submission, context, result, progress)
        row.accepted_count = result.accepted
        row.rejected_count = result.rejected
        self.session.flush()
        # One line per file, not per person: a month-end file writes millions of histories,
        # and the file (its name and hash) is what says which.
        AuditLog(self.session, self.clock).record(
            name.institution,
            Action.WRITE,
            f"submission {row.file_name} (record type {name.record_type}): "
            f"{result.accepted} records applied, {result.rejected} rejected",
            f"furnished under the subjects' authorizations; sha256 {digest[:16]}",
        )
        log.info(
            "ingest.file_applied",
            file=path.name,
            records=result.records,
            accepted=result.accepted,
            rejected=result.rejected,
        )
        return result

    # --- file-level checks ---------------------------------------------------------------

    def _may_submit(self, name: FileName) -> Institution:
        institution = self.repo.institution(name.institution)
        if institution is None:
            raise _refused(
                "ABN004", f"institution {name.institution} in the file name is not registered"
            )
        if not institution.may_submit:
            raise _refused(
                "ABN004", f"institution {name.institution} is not a lender and may not submit"
            )
        allowed = permitted(institution)
        if name.record_type not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise _refused(
                "ABH006",
                f"institution {name.institution} may not submit record type {name.record_type} "
                f"files; it is registered for: {listed}",
            )
        return institution

    def _received(self, earlier: Submission, digest: str) -> bool:
        """Whether the file received as ``earlier`` is this very file; :class:`FileRejected`
        (ABF009) when it had other content."""
        # A row stored before files were hashed has no digest: the name alone decides.
        if earlier.sha256 in ("", digest):
            return True
        raise _refused(
            "ABF009",
            f"a file named {earlier.file_name} was already received on "
            f"{earlier.received_at:%Y-%m-%d} with other content; send new content under a new "
            "serial number",
        )

    # --- record 210: the chunked pipeline ------------------------------------------------

    def _apply_210(
        self,
        path: Path,
        step: CheckStep,
        target: Target,
        result: IngestResult,
        progress: RecordsDone | None,
    ) -> None:
        loader = Loader(self.session, target, self.clock.now())
        try:
            for span, checked in step.checked():
                plan = decide(checked, loader.held(checked), target)
                loader.write(plan)
                result.records += checked.count
                result.accepted += plan.accepted
                refused: list[Rejection] = []
                if plan.refused:
                    wanted = {line for line, _, _ in plan.refused}
                    texts = {n: text for n, text in read_span(path, span) if n in wanted}
                    refused = [
                        Rejection(line, code, errors, texts[line])
                        for line, code, errors in plan.refused
                    ]
                result.rejections.extend(
                    heapq.merge(checked.rejections, refused, key=lambda r: r.line)
                )
                log.debug("ingest.chunk_written", file=path.name, records=result.records)
                if progress is not None:
                    progress(result.records)
        except BaseException:
            loader.close(failed=True)
            raise
        loader.close()

    # --- other record types --------------------------------------------------------------

    def _apply_other(
        self,
        row: Submission,
        submission: SubmissionFile,
        context: FileContext,
        result: IngestResult,
        progress: RecordsDone | None,
    ) -> None:
        record_type = submission.name.record_type
        try:
            module = importlib.import_module("zhengxin.bureau.apply_more")
        except ModuleNotFoundError as exc:
            if exc.name != "zhengxin.bureau.apply_more":
                raise
            raise _refused(
                "ABF007",
                f"this bureau does not apply record type {record_type} files yet; "
                "send record type 210",
            ) from None
        ingest_other = cast(_IngestOther, module.ingest_other)
        accepted, rejections = ingest_other(
            self.session, self.clock, row, submission.lines(), context
        )
        result.records = submission.header.record_count
        result.accepted = accepted
        result.rejections.extend(sorted(rejections, key=lambda r: r.line))
        if progress is not None:
            progress(result.records)


def _for_file(registry: RegistrySnapshot, institution: str) -> SameInstitution:
    """The registry as the record rules of one file ask it (ABE002, ABE003): is this code one
    of the codes under the head office of the file's institution? Those codes, taken from the
    snapshot, make a plain value of the interface package that a worker process can check
    with, without the bureau's storage layer behind the snapshot."""
    head = registry.head_offices.get(institution)
    return SameInstitution(
        frozenset(code for code, office in registry.head_offices.items() if office == head)
    )


def _refused(code: str, message: str) -> FileRejected:
    log.warning("ingest.file_rejected", code=code, reason=message)
    return FileRejected(code, message)


def survey(path: Path, body_offset: int, chunk_lines: int) -> tuple[str, list[Span]]:
    """One pass over the file: the SHA-256 of its bytes, and the spans of its chunks of
    ``chunk_lines`` body lines each (the last may hold fewer)."""
    digest = hashlib.sha256()
    spans: list[Span] = []
    first, start, count, position, last = 1, body_offset, 0, 0, b""
    with path.open("rb") as stream:
        while block := stream.read(_BLOCK):
            digest.update(block)
            at = max(0, body_offset - position)
            left = block.count(b"\n", at)
            while count + left >= chunk_lines:  # a chunk ends in this block
                for _ in range(chunk_lines - count):
                    at = block.index(b"\n", at) + 1
                left -= chunk_lines - count
                spans.append(Span(first, chunk_lines, start, position + at))
                first, start, count = first + chunk_lines, position + at, 0
            count += left
            position += len(block)
            last = block[-1:]
    if position > start:
        spans.append(Span(first, count + (last != b"\n"), start, position))
    return digest.hexdigest(), spans


def answer(result: IngestResult, folder: Path, created: datetime) -> Path:
    """Write the feedback file for an ingested submission (§2.5): flag 1 when every record
    was loaded, 3 with each rejected record, its errors (at most five) and its line.

    Call it after the ingestion's unit of work has committed, so that the answer never
    reports records the store does not hold. The rejected records are streamed.
    """
    original = FileName.parse(result.file_name)
    rejected = (RejectedRecord.of(r.line, r.errors, r.text) for r in result.rejections)
    return write_feedback(folder, original, created, result.accepted, rejected)


def refusal(path: Path, error: FileRejected, folder: Path, created: datetime) -> Path | None:
    """Write the flag-2 feedback for a file refused as a whole, or ``None`` when its name is
    itself unreadable (a feedback file is named after the file it answers)."""
    try:
        original = FileName.parse(path.name)
    except ZhengxinError:
        return None
    return write_feedback(
        folder, original, created, 0, (), [FeedbackError(error.code, error.message)]
    )
