"""The check step of ingestion: a chunk of record-210 lines in, plain rows and rejections out.

:func:`check_chunk` is a pure function of its lines and the file's context: it reads each line,
applies every rule of the interface (the ``pboc`` validator) and turns each accepted record into
a :class:`Report`, a flat tuple of the facts the store keeps; a record that breaks a rule becomes
a :class:`~zhengxin.bureau.outcome.Rejection` with every error found. Everything it takes and
returns pickles, so the step runs the same in-process, in worker processes
(:func:`check_span` reads a chunk's lines from the file itself, so that only byte offsets travel
to a worker) or on a cluster engine.

Dates stay the ISO text the interface writes (``2024-06-01``), which is also how both stores
spell a date: the validator has already proved every one well-formed, and ISO text compares in
date order. A month becomes the first day of that month. Amounts are whole yuan, as reported.

>>> from zhengxin.pboc.record210 import SAMPLE_LINE
>>> checked = check_chunk([(1, SAMPLE_LINE), (2, "<Document/>")], FileContext("210"))
>>> [(r.line, r.account_code, r.timing, r.monthly[0]) for r in checked.reports]
[(1, 'B10211000H0001R1A0001', '20', '2024-09-01')]
>>> [(r.line, r.errors[0].code) for r in checked.rejections]
[(2, 'ABR000')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from zhengxin.bureau.outcome import Rejection
from zhengxin.pboc import SEGMENTS_210, FileContext, RawSegment, RecordError, RecordUnreadable
from zhengxin.pboc.errors import MULTI_ITEM_TAG, UNREADABLE
from zhengxin.pboc.rules210_perf import BOOK

BASE, BASIC, CREDIT, MONTHLY, EVENT = (
    "AcctBsSgmt",
    "AcctBsInfSgmt",
    "AcctCredSgmt",
    "AcctMthlyBlgInfSgmt",
    "AcctDbtInfSgmt",
)
MARKS: Mapping[str, str] = {spec.tag: spec.mark for spec in SEGMENTS_210}
"""Each segment's mark letter (B-K), as the opening-segment checks name them."""
SEGMENT_OF_MARK: Mapping[str, str] = {spec.mark: spec.tag for spec in SEGMENTS_210}


@dataclass(frozen=True, slots=True)
class Span:
    """Where consecutive body lines lie in a file: bytes ``start`` to ``end`` hold ``count``
    lines, the first of them line ``first``."""

    first: int
    count: int
    start: int
    end: int


Fields = tuple[str | int | None, ...]


class Report(NamedTuple):
    """An accepted record 210 as the facts the store keeps (``None`` for an absent segment).

    ``basic``, ``monthly`` and ``event`` follow ``BASIC_FIELDS``, ``MONTHLY_FIELDS`` and
    ``EVENT_FIELDS`` of :mod:`zhengxin.bureau.rows`: the column order of the store's tables.
    """

    line: int
    account_code: str
    kind: str
    report_date: str
    timing: str
    name: str
    id_type: str
    id_number: str
    marks: str
    """The marks of the segments present, in line order (``"BCFH"``)."""
    flag: str | None
    """The split-drawdown Flag of the basic segment (it decides whether D1 needs AcctCredSgmt)."""
    basic: Fields | None
    agreement: str | None
    monthly: Fields | None
    event: Fields | None


@dataclass(frozen=True, slots=True)
class CheckedChunk:
    """What the check step found in a chunk: the accepted records and the rejected ones, each
    in file order."""

    first: int
    count: int
    reports: Sequence[Report]
    rejections: Sequence[Rejection]

    def __reduce__(self) -> tuple[Any, ...]:
        # Plain tuples pickle several times faster than named ones; a chunk crosses a
        # process boundary once per chunk, with thousands of reports.
        rows = [tuple(report) for report in self.reports]
        return (_checked_chunk, (self.first, self.count, rows, tuple(self.rejections)))


def _checked_chunk(
    first: int, count: int, rows: list[tuple[Any, ...]], rejections: tuple[Rejection, ...]
) -> CheckedChunk:
    return CheckedChunk(first, count, list(map(Report._make, rows)), rejections)


def check_chunk(lines: Iterable[tuple[int, str]], context: FileContext) -> CheckedChunk:
    """Read and check each numbered line against the rules of record 210 in ``context``."""
    read, check, key_of = BOOK.read, BOOK.check_raw, BOOK.key_of
    reports: list[Report] = []
    rejections: list[Rejection] = []
    same: dict[str, str] = {}
    first = count = 0
    for number, text in lines:
        if not count:
            first = number
        count += 1
        try:
            raw = read(text)
        except RecordUnreadable as exc:
            error = RecordError(UNREADABLE, MULTI_ITEM_TAG, MULTI_ITEM_TAG, None, exc.message)
            rejections.append(Rejection(number, "", (error,), text))
            continue
        errors = check(raw, context)
        if errors:
            rejections.append(Rejection(number, key_of(raw), tuple(errors), text))
            continue
        reports.append(report_of(number, raw.segments, same))
    return CheckedChunk(first, count, reports, rejections)


def check_span(path: Path, span: Span, context: FileContext) -> CheckedChunk:
    """:func:`check_chunk` on the lines ``span`` locates in the file at ``path``, read one at
    a time (so a worker holds one line's text, not the chunk's)."""
    checked = check_chunk(read_span(path, span), context)
    if checked.count != span.count:
        raise ValueError(f"lines from {span.first}: expected {span.count}, read {checked.count}")
    return checked


def read_span(path: Path, span: Span) -> Iterator[tuple[int, str]]:
    """The numbered lines of ``span`` in the file at ``path``, which has passed its file-level
    checks: UTF-8 lines, each but perhaps the last ending in CRLF."""
    with path.open("rb", buffering=1 << 16) as stream:
        stream.seek(span.start)
        for number in range(span.first, span.first + span.count):
            raw = stream.readline()
            yield number, (raw[:-2] if raw.endswith(b"\r\n") else raw).decode("utf-8")


def _int(text: str | None) -> int | None:
    return int(text) if text else None


_MONTHLY_ITEMS = itemgetter(
    "Month",
    "SettDate",
    "AcctStatus",
    "AcctBal",
    "RemRepPrd",
    "FiveCate",
    "FiveCateAdjDate",
    "RpyStatus",
    "OverdPrd",
    "TotOverd",
    "OverdPrinc",
    "Oved31_60Princ",
    "Oved61_90Princ",
    "Oved91_180Princ",
    "OvedPrinc180",
    "CurRpyAmt",
    "ActRpyAmt",
    "LatRpyDate",
    "CloseDate",
)
"""The monthly segment's items of a loan (D1, R1, R4), all of them present."""


@cache
def _marks(tags: tuple[str, ...]) -> str:
    return "".join(MARKS[tag] for tag in tags)


def report_of(
    line: int, segments: Mapping[str, RawSegment], same: dict[str, str] | None = None
) -> Report:
    """The :class:`Report` of a record that passed every rule.

    Dates and codes equal to one ``same`` already holds are replaced by that one: the records
    of a chunk repeat them, and a chunk whose repeated values are one object each pickles in
    a fraction of the time and space (a worker sends it to the writer).
    """
    one = ({} if same is None else same).setdefault
    b = segments[BASE].items
    report_date, timing = one(b["RptDate"], b["RptDate"]), one(b["RptDateCode"], b["RptDateCode"])
    basic = flag = agreement = monthly = event = None
    found = segments.get(BASIC)
    if found is not None:
        c = found.items
        flag = c.get("Flag")
        detail, opened, currency = c["BusiDtlLines"], c["OpenDate"], c["Cy"]
        due, mode, frequency = c.get("DueDate") or None, c.get("RepayMode"), c.get("RepayFreqcy")
        basic = (
            c["BusiLines"],
            one(detail, detail),
            one(opened, opened),
            one(currency, currency),
            _int(c.get("AcctCredLine")),
            _int(c.get("LoanAmt")),
            None if due is None else one(due, due),
            one(mode, mode) if mode else None,
            one(frequency, frequency) if frequency else None,
            c.get("GuarMode") or None,
        )
    found = segments.get(CREDIT)
    if found is not None:
        agreement = found.items["Mcc"]
    found = segments.get(MONTHLY)
    if found is not None:
        monthly = _monthly(found.items, report_date, timing, one)
    found = segments.get(EVENT)
    if found is not None:
        j = found.items
        event = (
            report_date,
            timing,
            j["AcctStatus"],
            int(j["AcctBal"]),
            j.get("FiveCate") or None,
            j.get("FiveCateAdjDate") or None,
            j.get("RpyStatus") or None,
            _int(j.get("RemRepPrd")),
            _int(j.get("OverdPrd")),
            _int(j.get("TotOverd")),
            _int(j.get("LatRpyAmt")),
            j.get("LatRpyDate") or None,
            j.get("CloseDate") or None,
        )
    kind, name, id_type = b["AcctType"], b["Name"], b["IDType"]
    return Report(
        line,
        b["AcctCode"],
        one(kind, kind),
        report_date,
        timing,
        one(name, name),
        one(id_type, id_type),
        b["IDNum"],
        _marks(tuple(segments)),
        flag,
        basic,
        agreement,
        monthly,
        event,
    )


def _monthly(
    h: Mapping[str, str], report_date: str, timing: str, one: Callable[[str, str], str]
) -> Fields:
    try:
        (
            month,
            settled,
            status,
            balance,
            periods,
            category,
            categorised,
            repayment,
            overdue_periods,
            overdue,
            principal,
            days_31_60,
            days_61_90,
            days_91_180,
            days_over_180,
            due,
            repaid,
            last_repaid,
            closed,
        ) = _MONTHLY_ITEMS(h)
    except KeyError:  # a card, or a collection account: items that are not there
        return (
            h["Month"] + "-01",
            report_date,
            timing,
            h.get("SettDate") or None,
            h["AcctStatus"],
            int(h["AcctBal"]),
            _int(h.get("RemRepPrd")),
            h["FiveCate"],
            h["FiveCateAdjDate"],
            h["RpyStatus"],
            _int(h.get("OverdPrd")),
            _int(h.get("TotOverd")),
            _int(h.get("OverdPrinc")),
            _int(h.get("Oved31_60Princ")),
            _int(h.get("Oved61_90Princ")),
            _int(h.get("Oved91_180Princ")),
            _int(h.get("OvedPrinc180")),
            _int(h.get("CurRpyAmt")),
            _int(h.get("ActRpyAmt")),
            h["LatRpyDate"],
            h.get("CloseDate") or None,
        )
    # Every amount of a loan's monthly segment is required (never blank) once it passed.
    first = month + "-01"
    return (
        one(first, first),
        report_date,
        timing,
        one(settled, settled) if settled else None,
        one(status, status),
        int(balance),
        int(periods),
        category,
        one(categorised, categorised),
        repayment,
        int(overdue_periods),
        int(overdue),
        int(principal),
        int(days_31_60),
        int(days_61_90),
        int(days_91_180),
        int(days_over_180),
        int(due),
        int(repaid),
        one(last_repaid, last_repaid),
        one(closed, closed) if closed else None,
    )
