"""Generated record-210 accounts: valid for every (type, timing) pair, round trip, mutations.

The records come from :mod:`tests.pboc.strategies`, valid by construction. Each property here is
checked on them and on single random mutations of their lines:

* every valid pair of account type and report-timing code validates clean (§4.1-§4.3);
* typed record → line → typed record is the identity, and so is line → record → line;
* a mutated line is either still valid or gets at least one error, never an exception;
* the fast reader and the XML reader read every line alike, and refuse the same lines.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pboc.strategies import (
    CONTEXT,
    FILE_DATE,
    INSTITUTION,
    VALID_COMBINATIONS,
    account_lines,
    account_records,
    pairs_for,
)
from zhengxin.codes import AccountType, ReportTimingCode
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.pboc.errors import RecordError, RecordUnreadable
from zhengxin.pboc.files import write_submission
from zhengxin.pboc.header import FileName
from zhengxin.pboc.line import read_raw, read_raw_full
from zhengxin.pboc.record210 import ROOT_210, SAMPLE_LINE, SEGMENTS_210, AccountRecord
from zhengxin.pboc.rules import Record
from zhengxin.pboc.rules210_perf import BOOK
from zhengxin.pboc.validator import check_file, check_line

SEGMENTS = {s.tag: s for s in SEGMENTS_210}
SEGMENT_TAGS = frozenset(SEGMENTS)
_ITEM = re.compile(r"<([A-Za-z][A-Za-z0-9_]*)>([^<]*)</\1>")
_SEGMENT = re.compile(r"<(" + "|".join(SEGMENTS) + r")>.*?</\1>")
_BOUNDARY = re.compile(r"(?<=>)(?=<)")

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(line: str) -> list[RecordError]:
    errors = check_line(line, "210", CONTEXT, cap=100)
    assert isinstance(errors, list)
    assert all(isinstance(e, RecordError) for e in errors)
    return errors


def _codes(line: str) -> list[tuple[str, str]]:
    return [(e.code, e.tag) for e in _check(line)]


# --- (a) every valid pair validates clean ------------------------------------------------


def test_the_interface_allows_38_pairs() -> None:
    pairs = {(k.value, t.value) for k, t in VALID_COMBINATIONS}
    assert len(pairs) == 38
    assert not pairs & {("C1", "30"), ("C1", "31"), ("C1", "32"), ("R3", "40")}


@pytest.mark.parametrize(
    ("acct_type", "timing"),
    VALID_COMBINATIONS,
    ids=[f"{k.value}-{t.value}" for k, t in VALID_COMBINATIONS],
)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_records_validate_clean(
    acct_type: AccountType, timing: ReportTimingCode, data: st.DataObject
) -> None:
    record = data.draw(account_records(acct_type, timing), label="record")
    assert record.base.acct_type == acct_type
    assert record.base.rpt_date_code == timing
    line = record.to_line()
    assert _codes(line) == []


@pytest.mark.parametrize(
    ("acct_type", "timing", "code"),
    [
        ("C1", "30", "BLR006"),
        ("C1", "31", "BLR002"),
        ("C1", "32", "BLR012"),
        ("R3", "40", "BLR008"),
    ],
)
def test_the_four_refused_pairs_are_reported_on_acct_type(
    acct_type: str, timing: str, code: str
) -> None:
    with pytest.raises(ValueError, match="no valid record 210"):
        pairs_for(acct_type, timing)
    line = SAMPLE_LINE.replace("<AcctType>R1<", f"<AcctType>{acct_type}<").replace(
        "<RptDateCode>20<", f"<RptDateCode>{timing}<"
    )
    assert (code, "AcctType") in _codes(line)


@FAST
@given(account_lines())
def test_generated_files_check_clean(line: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        name = FileName(INSTITUTION, FILE_DATE, "210", "001")
        path = write_submission(
            Path(directory), name, datetime.combine(FILE_DATE, datetime.min.time()), [line, line]
        )
        check = check_file(path)
        assert check.file_errors == []
        assert [r.errors for r in check.records()] == [(), ()]
        assert (check.accepted, check.rejected) == (2, 0)


# --- (b) round trip ----------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(account_records())
def test_record_line_record_is_the_identity(record: AccountRecord) -> None:
    line = record.to_line()
    again = AccountRecord.from_line(line)
    assert again == record
    assert again.to_line() == line


# --- (c) single mutations ----------------------------------------------------------------

_TRICKY = [
    *("\r", "\n", "\t", " ", "\u3000", "０", "Ａ", "&", "<", ">", "]]>", "'", '"'),
    *("&amp;", "&lt;", "&#0;", "&#13;", "&#x4E09;", "&nbsp;", "<![CDATA[1]]>", "<!-- c -->"),
    *("<X>", "</X>", "<Name>", "</AcctBsSgmt>", "\ud800", "\ufffe", "\x00", "\x85", "9" * 20),
    *("-1", "+1", "1.5", "00", "2024-02-30", "2100-01-01", "1900-12-31", "NULL", "*", "C"),
]
junk = st.lists(st.one_of(st.characters(), st.sampled_from(_TRICKY)), max_size=8).map("".join)
_PLAUSIBLE = [
    *("0", "00", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "20", "21", "30", "31"),
    *("32", "40", "41", "42", "51", "52", "71", "81", "82", "90", "A1", "B1", "D1", "R1", "R2"),
    *("R3", "R4", "C1", "N", "M", "*", "C", "G", "B", "#", "D", "Z", "X", "x", "+1", "999"),
    *("1000", "2000-01-01", "2024-07-31", "2035-12-31", "2036-01-01", "2099-12-31", "2024-07"),
    *("B10211000H0001", "B10211000H0002X", "110105199003071239", "NULL", "MULT", "CNY"),
]
plausible = st.sampled_from(_PLAUSIBLE)
MUTATIONS = (
    *("replace", "escaped", "plausible", "plausible", "blank", "delete", "duplicate"),
    *("unknown", "drop_segment"),
)


@st.composite
def mutated_lines(draw: st.DrawFn) -> tuple[str, str, str]:
    """(kind of mutation, original line, mutated line): one random change to a valid line."""
    line = draw(account_lines())
    kind = draw(st.sampled_from(MUTATIONS))
    items = [m for m in _ITEM.finditer(line) if m.group(1) not in SEGMENT_TAGS]
    if kind == "unknown":
        spots = [m.start() for m in _BOUNDARY.finditer(line)]
        spot = draw(st.sampled_from(spots))
        tag = draw(st.sampled_from(["Foo", "Document", "InAcctInf", "RltRepymtInf", "X_1"]))
        return kind, line, f"{line[:spot]}<{tag}>1</{tag}>{line[spot:]}"
    if kind == "drop_segment":
        found = draw(st.sampled_from(list(_SEGMENT.finditer(line))))
        return kind, line, line[: found.start()] + line[found.end() :]
    found = draw(st.sampled_from(items))
    start, end = found.span()
    tag, whole = found.group(1), found.group(0)
    if kind == "replace":
        new = f"<{tag}>{draw(junk)}</{tag}>"
    elif kind == "plausible":
        new = f"<{tag}>{draw(plausible)}</{tag}>"
    elif kind == "escaped":
        text = draw(junk).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        new = f"<{tag}>{text}</{tag}>"
    elif kind == "blank":
        new = draw(st.sampled_from([f"<{tag}></{tag}>", f"<{tag}/>", f"<{tag}>  </{tag}>"]))
    elif kind == "delete":
        new = ""
    else:
        new = whole + whole
    return kind, line, line[:start] + new + line[end:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_lines())
def test_a_mutated_line_is_valid_or_gets_an_error(case: tuple[str, str, str]) -> None:
    kind, original, mutated = case
    errors = _check(mutated)
    if mutated == original:
        assert errors == []
    if kind in ("duplicate", "unknown"):
        assert [(e.code, e.tag) for e in errors] == [("ABR000", "0000")]
    if not errors:
        AccountRecord.from_line(mutated)  # what the validator accepts, the reader reads
    else:
        with contextlib.suppress(ZhengxinError):  # nothing else may escape
            AccountRecord.from_line(mutated)


# --- (d) fast reader and XML reader agree ------------------------------------------------


def _read_both(line: str) -> None:
    try:
        fast = read_raw(line, ROOT_210, SEGMENTS)
    except RecordUnreadable:
        with pytest.raises(RecordUnreadable):
            read_raw_full(line, ROOT_210, SEGMENTS)
        return
    assert fast == read_raw_full(line, ROOT_210, SEGMENTS)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(account_lines())
def test_readers_agree_on_generated_lines(line: str) -> None:
    _read_both(line)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_lines())
def test_readers_agree_on_mutated_lines(case: tuple[str, str, str]) -> None:
    _read_both(case[2])


@pytest.mark.parametrize(
    "text",
    ["张\r三", "张\r\n三", "\r张三\r", "张\n三", "张\t三", " 张三 ", "张&amp;三", "张\x85三"],
)
def test_readers_agree_on_line_breaks_and_spaces_in_text(text: str) -> None:
    _read_both(SAMPLE_LINE.replace("<Name>张三</Name>", f"<Name>{text}</Name>"))


def _interpreted(line: str) -> list[RecordError] | None:
    """The errors of the walk read straight from the tables, or ``None`` when the line cannot
    be read (or is another record type's) and there is no walk to compare."""
    try:
        raw = BOOK.read(line)
    except RecordUnreadable:
        return None
    if raw.value("AcctBsSgmt", "InfRecType") not in (None, "210"):
        return None
    record = Record(BOOK, raw, CONTEXT, 100)
    BOOK.walk_interpreted(record)
    return record.errors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(account_lines())
def test_the_compiled_walk_equals_the_interpreted_walk_on_generated_lines(line: str) -> None:
    assert BOOK.check(line, CONTEXT, 100)[1] == _interpreted(line) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_lines())
def test_the_compiled_walk_equals_the_interpreted_walk_on_mutated_lines(
    case: tuple[str, str, str],
) -> None:
    mutated = case[2]
    interpreted = _interpreted(mutated)
    if interpreted is not None:
        assert BOOK.check(mutated, CONTEXT, 100)[1] == interpreted
