"""Generated records 110, 220 and 211-224: valid, round trip, mutations, and both walks agree.

The records come from :mod:`tests.pboc.strategies_more`, valid by construction. For every record
type these properties hold on them and on single random mutations of their lines:

* a generated record validates clean with its rule book;
* typed record → line → typed record is the identity, and so is line → record → line;
* a mutated line (one item's text replaced, taken from another item or blanked, one element
  deleted or repeated, or an unknown tag inserted) is either still valid or gets at least one
  error: ``book.check`` never raises, and what it accepts the typed reader reads;
* the compiled walk reports exactly what the walk read straight from the tables reports.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pboc.strategies_more import (
    VARIANT_TYPES,
    agreement_records,
    basic_info_records,
    context,
    variant_records,
)
from zhengxin.codes import AgreementReportCode, CreditLimitType
from zhengxin.kernel.errors import ZhengxinError
from zhengxin.pboc.errors import RecordError, RecordUnreadable
from zhengxin.pboc.record110 import BasicInfoRecord
from zhengxin.pboc.record220 import AgreementRecord
from zhengxin.pboc.rules import Record, RuleBook
from zhengxin.pboc.rules110 import BOOK as BOOK_110
from zhengxin.pboc.rules220 import BOOK as BOOK_220
from zhengxin.pboc.rules_variants import BOOKS_VARIANTS
from zhengxin.pboc.variants import VARIANTS


@dataclass(frozen=True)
class Kind:
    """One record type: its strategy, rule book and typed record class."""

    records: Callable[[], st.SearchStrategy[Any]]
    book: RuleBook
    cls: Any


KINDS: dict[str, Kind] = {
    "110": Kind(basic_info_records, BOOK_110, BasicInfoRecord),
    "220": Kind(agreement_records, BOOK_220, AgreementRecord),
    **{
        t: Kind(lambda t=t: variant_records(t), BOOKS_VARIANTS[t], VARIANTS[t])
        for t in VARIANT_TYPES
    },
}
RECORD_TYPES = tuple(KINDS)

FEW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(record_type: str, line: str) -> list[RecordError]:
    """The errors of ``line`` (at most 100); ``book.check`` must return them, never raise."""
    _, errors = KINDS[record_type].book.check(line, context(record_type), cap=100)
    assert isinstance(errors, list)
    assert all(isinstance(e, RecordError) for e in errors)
    return errors


def interpreted_and_compiled(
    record_type: str, line: str
) -> tuple[list[RecordError], list[RecordError]] | None:
    """The errors of the walk read from the tables and of the compiled walk, or ``None`` when
    the line is unreadable or its InfRecType is another record type's (no walk runs then)."""
    book, ctx = KINDS[record_type].book, context(record_type)
    try:
        raw = book.read(line)
    except RecordUnreadable:
        return None
    found = raw.value(book.segments[0].tag, "InfRecType")
    if found is not None and found != record_type:
        return None
    record = Record(book, raw, ctx, 100)
    try:
        book.walk_interpreted(record)
    except Exception as exc:  # only the cap may stop the walk
        if type(exc).__name__ != "CapReached":
            raise
    compiled = book.check_raw(book.read(line), ctx, 100)
    assert book.check(line, ctx, cap=100)[1] == compiled
    return record.errors, compiled


def assert_walks_agree(record_type: str, line: str) -> None:
    both = interpreted_and_compiled(record_type, line)
    if both is not None:
        interpreted, compiled = both
        assert compiled == interpreted, line


# --- (a) generated records validate clean ------------------------------------------------


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SOME
@given(data=st.data())
def test_generated_records_validate_clean(record_type: str, data: st.DataObject) -> None:
    record = data.draw(KINDS[record_type].records(), label="record")
    assert check(record_type, record.to_line()) == []


@pytest.mark.parametrize("timing", ["10", "20"])
@pytest.mark.parametrize("married", [True, False], ids=["married", "unmarried"])
@pytest.mark.parametrize("employed", [True, False], ids=["employed", "not-employed"])
@FEW
@given(data=st.data())
def test_every_kind_of_110_validates_clean(
    timing: str, married: bool, employed: bool, data: st.DataObject
) -> None:
    record = data.draw(basic_info_records(timing, married, employed), label="record")
    assert record.base.rpt_date_code == timing
    if timing == "10":
        assert record.spouse is not None and record.employment is not None
    if record.spouse is not None:
        assert (record.spouse.spo_name is not None) == married
    if record.employment is not None:
        assert (record.employment.cpn_name is not None) == employed
    assert check("110", record.to_line()) == []


@pytest.mark.parametrize("timing", [c.value for c in AgreementReportCode])
@pytest.mark.parametrize("limit_type", [c.value for c in CreditLimitType])
@FEW
@given(data=st.data())
def test_every_timing_and_limit_type_of_220_validates_clean(
    timing: str, limit_type: str, data: st.DataObject
) -> None:
    record = data.draw(agreement_records(timing, limit_type), label="record")
    assert (record.base.rpt_date_code, record.credit_limit.credit_lim_type) == (timing, limit_type)
    assert check("220", record.to_line()) == []


@pytest.mark.parametrize("parties", ["none", "empty", "1", "2", "both"])
@pytest.mark.parametrize("restriction", [True, False], ids=["rest", "no-rest"])
@FEW
@given(data=st.data())
def test_220_with_and_without_co_obligors_and_restriction_validates_clean(
    parties: str, restriction: bool, data: st.DataObject
) -> None:
    record = data.draw(agreement_records(parties=parties, restriction=restriction))
    segment = record.co_obligors
    assert (segment is None) == (parties == "none")
    if segment is not None:
        categories = {party.brer_type for party in segment.ctrct_cert_rel}
        assert {"1": {"1"}, "2": {"2"}, "both": {"1", "2"}}.get(parties, set()) <= categories
        assert segment.brer_nm == len(segment.ctrct_cert_rel)
    assert (record.credit_limit.credit_rest is not None) == restriction
    assert check("220", record.to_line()) == []


# --- (b) round trip ----------------------------------------------------------------------


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SOME
@given(data=st.data())
def test_record_line_record_is_the_identity(record_type: str, data: st.DataObject) -> None:
    kind = KINDS[record_type]
    record = data.draw(kind.records(), label="record")
    line = record.to_line()
    again = kind.cls.from_line(line)
    assert again == record
    assert again.to_line() == line


# --- (c) single mutations ----------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9_]*)>")
_BOUNDARY = re.compile(r"(?<=>)(?=<)")
_TRICKY = [
    *("\r", "\n", "\t", " ", "\u3000", "０", "Ａ", "&", "<", ">", "]]>", "'", '"'),
    *("&amp;", "&lt;", "&#0;", "&#13;", "&#x4E09;", "&nbsp;", "<![CDATA[1]]>", "<!-- c -->"),
    *("<X>", "</X>", "<Name>", "</BsSgmt>", "\ud800", "\ufffe", "\x00", "\x85", "9" * 20),
    *("-1", "+1", "1.5", "00", "2024-02-30", "2100-01-01", "1900-12-31", "NULL", "*", "C"),
    *("10", "20", "D", "110", "220", "B10211000H0001", "2035-12", "110105199003071239"),
]
junk = st.lists(st.one_of(st.characters(), st.sampled_from(_TRICKY)), max_size=8).map("".join)
_UNKNOWN_TAGS = ("Foo", "Document", "InBasInf", "InCtrctInf", "InAcctDel", "BsSgmt", "X_1", "IDRec")
MUTATIONS = ("replace", "escaped", "swap", "blank", "delete", "duplicate", "unknown")


@dataclass(frozen=True)
class Element:
    tag: str
    start: int
    end: int
    leaf: bool


def elements(line: str) -> list[Element]:
    """Every element of a line as written (no attributes, text escaped), outermost last."""
    found: list[Element] = []
    stack: list[tuple[str, int, int]] = []
    for match in _TAG.finditer(line):
        if not match.group(1):
            stack.append((match.group(2), match.start(), len(found)))
            continue
        tag, start, children = stack.pop()
        assert tag == match.group(2), line
        found.append(Element(tag, start, match.end(), leaf=children == len(found)))
    return found


@st.composite
def mutated_lines(draw: st.DrawFn, record_type: str) -> tuple[str, str, str]:
    """(kind of mutation, original line, mutated line): one random change to a valid line."""
    book = KINDS[record_type].book
    line = draw(KINDS[record_type].records()).to_line()
    kind = draw(st.sampled_from(MUTATIONS))
    if kind == "unknown":
        spot = draw(st.sampled_from([m.start() for m in _BOUNDARY.finditer(line)]))
        tag = draw(st.sampled_from(_UNKNOWN_TAGS))
        return kind, line, f"{line[:spot]}<{tag}>1</{tag}>{line[spot:]}"
    found = elements(line)
    inner = [e for e in found if e.tag not in ("Document", book.root)]
    if kind in ("delete", "duplicate"):
        target = draw(st.sampled_from(inner))
        whole = line[target.start : target.end]
        new = "" if kind == "delete" else whole + whole
        return kind, line, line[: target.start] + new + line[target.end :]
    leaves = [e for e in inner if e.leaf]
    target = draw(st.sampled_from(leaves))
    tag = target.tag
    if kind == "swap":  # another item's text: well formed, so the rules get to compare it
        donor = draw(st.sampled_from(leaves))
        text = line[donor.start + len(donor.tag) + 2 : donor.end - len(donor.tag) - 3]
        new = f"<{tag}>{text}</{tag}>"
    elif kind == "replace":
        new = f"<{tag}>{draw(junk)}</{tag}>"
    elif kind == "escaped":
        text = draw(junk).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        new = f"<{tag}>{text}</{tag}>"
    else:
        new = draw(st.sampled_from([f"<{tag}></{tag}>", f"<{tag}/>", f"<{tag}>  </{tag}>"]))
    return kind, line, line[: target.start] + new + line[target.end :]


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@MANY
@given(data=st.data())
def test_a_mutated_line_is_valid_or_gets_an_error(record_type: str, data: st.DataObject) -> None:
    kind, original, mutated = data.draw(mutated_lines(record_type), label="mutation")
    errors = check(record_type, mutated)
    if mutated == original:
        assert errors == []
    if kind == "unknown":
        assert errors, mutated
    cls = KINDS[record_type].cls
    if not errors:
        cls.from_line(mutated)  # what the rule book accepts, the typed reader reads
    else:
        with contextlib.suppress(ZhengxinError):  # nothing else may escape
            cls.from_line(mutated)


# --- (d) the compiled walk equals the interpreted walk ----------------------------------


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@SOME
@given(data=st.data())
def test_both_walks_agree_on_generated_lines(record_type: str, data: st.DataObject) -> None:
    line = data.draw(KINDS[record_type].records(), label="record").to_line()
    both = interpreted_and_compiled(record_type, line)
    assert both == ([], [])


@pytest.mark.parametrize("record_type", RECORD_TYPES)
@MANY
@given(data=st.data())
def test_both_walks_agree_on_mutated_lines(record_type: str, data: st.DataObject) -> None:
    _, _, mutated = data.draw(mutated_lines(record_type), label="mutation")
    assert_walks_agree(record_type, mutated)
