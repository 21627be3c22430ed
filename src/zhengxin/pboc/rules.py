"""The rule engine: one record line checked against its record type's declarations and rules.

A :class:`RuleBook` holds, for one record type, the segment declarations (the same
:class:`~zhengxin.pboc.line.SegmentSpec` tables the reader and writer use) and the rules that
are not implied by them, each with its official error code. :meth:`RuleBook.check` reads a line
in the value model of §1.1 and walks it in the order of §1.5: record rules, then each segment
(its own rules first, then its items, then its repeated elements), collecting every failure as a
:class:`~zhengxin.pboc.errors.RecordError` up to the cap of five per record.

What the declarations imply is checked here, item by item and in this order (§1.2, §1.3, §1.6):

1. presence: an ``M`` tag missing from a present segment is ABD000; an ``iff`` tag missing or
   unexpected is BLD000 (or the code the table names), skipped when its condition is undecided;
2. value: a blank value where one is required is ABE000;
3. format: ABE001, and ABE008 for a date, month or year outside 1901-2099;
4. code table: ABE001 when the code is not in the item's table (or, for tables that depend on
   the account type, in that type's table).

Then the item's own rules run, in declaration order. A rule is a function of the record that
returns whether the record passes; it must pass vacuously when what it compares is absent, blank
or not a valid value (§1.3), which :meth:`Record.value` makes easy by returning ``None`` then.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from zhengxin.pboc.compiled import compile_walk, slow_item
from zhengxin.pboc.errors import (
    BLANK,
    MISSING,
    MULTI_ITEM_TAG,
    UNREADABLE,
    WRONG_TYPE,
    RecordError,
    RecordUnreadable,
)
from zhengxin.pboc.fields import FieldSpec, Kind, ValueProblem
from zhengxin.pboc.line import RawRecord, RawSegment, SegmentSpec, read_raw

ERROR_CAP = 5
"""The PBOC client stops after five errors per record (§1.5)."""
LATER_THAN_FILE = "ABR001"
PROVIDER_PREFIX, INSTITUTION = "ABE002", "ABE003"


class Registry(Protocol):
    """The institution registry behind ABE002 and ABE003 (§1.7)."""

    def provider_ok(self, prefix: str, institution: str) -> bool:
        """Whether ``prefix`` (14 characters) is a data provider under ``institution``'s head
        office."""

    def institution_ok(self, code: str, institution: str) -> bool:
        """Whether ``code`` is a registered institution under ``institution``'s head office."""


@dataclass(frozen=True, slots=True)
class SameInstitution:
    """The simplest registry of §1.7: an identifier's prefix must be the file's institution code,
    or one of ``also`` (other codes of the same head office).

    >>> SameInstitution().provider_ok("B10211000H0001", "B10211000H0001")
    True
    >>> SameInstitution(frozenset({"B10211000H0002"})).institution_ok("B10211000H0002",
    ...                                                                "B10211000H0001")
    True
    """

    also: frozenset[str] = frozenset()

    def provider_ok(self, prefix: str, institution: str) -> bool:
        return prefix == institution or prefix in self.also

    def institution_ok(self, code: str, institution: str) -> bool:
        return code == institution or code in self.also


@dataclass(frozen=True, slots=True)
class FileContext:
    """What the record rules take from the file (§2.4): REC_TYPE, FILE_CREATE_DATE, FINAN_CODE.

    ``institution`` ``None`` skips ABE002/ABE003 (a record checked on its own, outside a file).
    """

    record_type: str | None = None
    file_date: date | None = None
    institution: str | None = None
    registry: Registry = SameInstitution()


class CapReached(Exception):
    """Raised inside a check when the record has reached the error cap."""


_INVALID: Any = object()


class Record:
    """One record being checked: its raw segments, typed values on demand, its errors so far."""

    __slots__ = ("_typed", "acct_type", "book", "cap", "context", "errors", "raw")

    def __init__(self, book: RuleBook, raw: RawRecord, context: FileContext, cap: int) -> None:
        self.book = book
        self.raw = raw.segments
        self.context = context
        self.cap = cap
        self.errors: list[RecordError] = []
        self._typed: dict[tuple[str, str], Any] = {}
        self.acct_type: str | None = None
        kind = book.acct_type_item
        if kind is not None:
            text = self.text(*kind)
            if text is not None and text in book.acct_types:
                self.acct_type = text

    def has(self, segment: str) -> bool:
        """Whether the segment is in the record."""
        return segment in self.raw

    def text(self, segment: str, tag: str) -> str | None:
        """The preprocessed text of an item; ``None`` when the segment or tag is absent."""
        raw = self.raw.get(segment)
        return None if raw is None else raw.items.get(tag)

    def groups(self, segment: str) -> tuple[Mapping[str, str], ...]:
        """The repeated elements of a segment, in line order."""
        raw = self.raw.get(segment)
        return () if raw is None else raw.groups

    def value(self, segment: str, tag: str) -> Any:
        """The typed value of an item (``int``, ``date``, code text ...), or ``None`` when the
        item is absent, blank or not a valid value of its format."""
        key = (segment, tag)
        typed = self._typed.get(key, _INVALID)
        if typed is _INVALID:
            typed = None
            text = self.text(segment, tag)
            if text:
                spec = self.book.spec(segment, tag)
                try:
                    typed = parse_text(spec, text)
                except ValueProblem:
                    typed = None
            self._typed[key] = typed
        return typed

    def report(self, code: str, segment: str, tag: str, value: str | None, message: str) -> None:
        """Record one error; stops the check when the cap is reached."""
        self.errors.append(RecordError(code, segment, tag, value, message))
        if len(self.errors) >= self.cap:
            raise CapReached


Test = Callable[[Record], bool]
Scope = Callable[[str | None, str | None], bool]
ElementTest = Callable[[Record, Mapping[str, str]], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    """One check with its official code: ``test`` returns whether the record passes."""

    code: str
    segment: str
    item: str
    """The item whose value the error shows (the segment's tag for a segment rule)."""
    tag: str
    """The tag the error names (the item, ``0000``, or another item, §1.5)."""
    message: str
    test: Test
    scope: Scope | None = None
    """When the rule applies, as a function of (report-timing text, valid account type);
    ``None`` for always. Rules out of scope cost nothing: the book plans once per pair."""
    needs: frozenset[str] = frozenset()
    """Segments the rule compares with; without them it passes vacuously (§3.12), so it is
    left out of the plan of a record that lacks any of them."""


@dataclass(frozen=True, slots=True)
class ElementRule:
    """A check on each repeated element of a segment (``scope="local"``, §1.4)."""

    code: str
    segment: str
    item: str
    tag: str
    message: str
    test: ElementTest


_DAYS: dict[str, date] = {}
"""Dates and months already read: a monthly file repeats the same few hundred of them."""


def parse_text(spec: FieldSpec, text: str) -> Any:
    """The typed value of a non-blank text, or :class:`ValueProblem` (ABE001/ABE008).

    The common cases are answered without the general reader; anything unusual (a sign, a
    full-width digit, a wrong length) goes to :meth:`FieldSpec.read` for its exact message.
    """
    kind = spec.kind
    if kind is Kind.CODE:
        if spec.codes is not None:
            if text in spec.codes._value2member_map_:
                return text
        elif text in spec.choices:
            return text
        if spec.dict_check:
            raise ValueProblem(
                WRONG_TYPE, f"{spec.tag} ({spec.name}): {text!r} is not a valid code"
            )
        return text
    if kind is Kind.UINT:
        if text.isdigit() and text.isascii():
            digits = text.lstrip("0") or "0"
            if len(digits) <= spec.length:
                return int(digits)
    elif kind is Kind.DATE or kind is Kind.MONTH:
        day = _DAYS.get(text)
        if day is not None and len(text) == (10 if kind is Kind.DATE else 7):
            return day
        value = spec.read(text)
        if isinstance(value, date):
            if len(_DAYS) > 100_000:
                _DAYS.clear()
            _DAYS[text] = value
        return value
    elif kind is Kind.AN and text.isascii() and text.isprintable():
        size = len(text)
        if size == spec.length or (size < spec.length and not spec.exact):
            return text
    return spec.read(text)


@dataclass
class RuleBook:
    """The declarations and rules of one record type, and the walk that applies them."""

    record_type: str
    root: str
    segments: tuple[SegmentSpec, ...]
    """Segments in the rule file's order (§1.5), which is usually the canonical order."""
    key_item: tuple[str, str]
    """The item that identifies a record in messages and feedback (AcctCode for 210)."""
    acct_type_item: tuple[str, str] | None = None
    acct_types: frozenset[str] = frozenset()
    item_order: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Item evaluation order of a segment where the rule file differs from the tag order."""
    record_rules: list[Rule] = field(default_factory=list)
    segment_rules: dict[str, list[Rule]] = field(default_factory=dict)
    item_rules: dict[tuple[str, str], list[Rule]] = field(default_factory=dict)
    group_rules: dict[str, list[Rule]] = field(default_factory=dict)
    element_rules: dict[tuple[str, str], list[ElementRule]] = field(default_factory=dict)
    _specs: dict[tuple[str, str], FieldSpec] = field(default_factory=dict)
    _by_tag: dict[str, SegmentSpec] = field(default_factory=dict)
    _items: dict[str, tuple[FieldSpec, ...]] = field(default_factory=dict)
    timing_item: tuple[str, str] | None = None
    """The report-timing item rule scopes read (RptDateCode of the base segment)."""
    timings: frozenset[str] = frozenset()
    _plans: dict[tuple[str | None, str | None, frozenset[str]], _Plan] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for segment in self.segments:
            self._by_tag[segment.tag] = segment
            for spec in segment.fields:
                self._specs[(segment.tag, spec.tag)] = spec
            if segment.group is not None:
                for spec in segment.group.fields:
                    self._specs[(segment.tag, spec.tag)] = spec
            order = self.item_order.get(segment.tag)
            specs = segment.fields
            if order is not None:
                by_tag = {s.tag: s for s in specs}
                specs = tuple(by_tag[t] for t in order)
            self._items[segment.tag] = specs

    # --- declaring rules -----------------------------------------------------------------

    def spec(self, segment: str, tag: str) -> FieldSpec:
        """The declaration of an item (a rule naming an undeclared item is a programming error)."""
        return self._specs[(segment, tag)]

    def on_record(
        self, code: str, segment: str, tag: str = MULTI_ITEM_TAG, scope: Scope | None = None
    ) -> Callable[[Test], Test]:
        """Declare a record-level rule; the decorated function's docstring is its message."""
        return self._add(self.record_rules, code, segment, segment, tag, scope)

    def on_segment(
        self,
        segment: str,
        code: str,
        tag: str | None = None,
        scope: Scope | None = None,
        needs: Iterable[str] = (),
    ) -> Callable[[Test], Test]:
        """Declare a rule of a segment node (presence rules run whether or not it is present)."""
        rules = self.segment_rules.setdefault(segment, [])
        return self._add(rules, code, segment, segment, tag or segment, scope, needs)

    def on_item(
        self,
        segment: str,
        item: str,
        code: str,
        tag: str | None = None,
        scope: Scope | None = None,
        needs: Iterable[str] = (),
    ) -> Callable[[Test], Test]:
        """Declare a rule of an item; it runs after the item's declared checks."""
        self.spec(segment, item)
        rules = self.item_rules.setdefault((segment, item), [])
        return self._add(rules, code, segment, item, tag or item, scope, needs)

    def on_group(self, segment: str, code: str, tag: str) -> Callable[[Test], Test]:
        """Declare a rule of a segment's repeated elements as a whole (count, duplicates)."""
        rules = self.group_rules.setdefault(segment, [])
        return self._add(rules, code, segment, tag, tag)

    def on_element(
        self, segment: str, item: str, code: str, tag: str | None = None
    ) -> Callable[[ElementTest], ElementTest]:
        """Declare a rule run on each repeated element, after the element item's checks."""
        self.spec(segment, item)

        def register(test: ElementTest) -> ElementTest:
            rules = self.element_rules.setdefault((segment, item), [])
            message = (test.__doc__ or code).strip()
            rules.append(ElementRule(code, segment, item, tag or item, message, test))
            return test

        return register

    def _add(
        self,
        rules: list[Rule],
        code: str,
        segment: str,
        item: str,
        tag: str,
        scope: Scope | None = None,
        needs: Iterable[str] = (),
    ) -> Callable[[Test], Test]:
        def register(test: Test) -> Test:
            message = " ".join((test.__doc__ or code).split())
            rules.append(Rule(code, segment, item, tag, message, test, scope, frozenset(needs)))
            self._plans.clear()
            return test

        return register

    def codes(self) -> set[str]:
        """Every error code a rule of this book can report (the declared checks included)."""
        found = {UNREADABLE, MISSING, BLANK, WRONG_TYPE}
        if any(spec.kind in (Kind.DATE, Kind.MONTH) for spec in self._specs.values()):
            found.add("ABE008")  # a date or month outside 1901-2099
        for rules in (self.record_rules, *self.segment_rules.values(), *self.item_rules.values()):
            found.update(rule.code for rule in rules)
        for rules in self.group_rules.values():
            found.update(rule.code for rule in rules)
        for element_rules in self.element_rules.values():
            found.update(rule.code for rule in element_rules)
        found.update(spec.when_code for spec in self._specs.values() if spec.when is not None)
        return found

    # --- checking ------------------------------------------------------------------------

    def read(self, line: str) -> RawRecord:
        """The line in the value model of §1.1, or :class:`RecordUnreadable` (ABR000)."""
        return read_raw(line, self.root, self._by_tag)

    def key_of(self, raw: RawRecord) -> str:
        """The record's identifier (AcctCode, ContractCode ...), ``""`` when absent."""
        return raw.value(*self.key_item) or ""

    def check(
        self, line: str, context: FileContext | None = None, cap: int = ERROR_CAP
    ) -> tuple[str, list[RecordError]]:
        """Every error of one line (at most ``cap``), with the record's key."""
        try:
            raw = self.read(line)
        except RecordUnreadable as exc:
            return "", [RecordError(UNREADABLE, MULTI_ITEM_TAG, MULTI_ITEM_TAG, None, exc.message)]
        return self.key_of(raw), self.check_raw(raw, context or FileContext(), cap)

    def record_of(self, raw: RawRecord, context: FileContext, cap: int = ERROR_CAP) -> Record:
        """The record the walk checks (a book may see its lines through another view)."""
        return Record(self, raw, context, cap)

    def check_raw(
        self, raw: RawRecord, context: FileContext, cap: int = ERROR_CAP
    ) -> list[RecordError]:
        """Every error of a record already read (at most ``cap``).

        An InfRecType that is not the file's record type is the first error (ABR000, tag 0000,
        §2.4); like every other rule it does not stop the others.
        """
        record = self.record_of(raw, context, cap)
        record_type = raw.value(self.segments[0].tag, "InfRecType")
        expected = context.record_type or self.record_type
        with contextlib.suppress(CapReached):
            if record_type is not None and record_type != expected:
                record.report(
                    UNREADABLE,
                    MULTI_ITEM_TAG,
                    MULTI_ITEM_TAG,
                    record_type,
                    f"InfRecType is {record_type!r} but the file holds {expected} records",
                )
            self._walk(record)
        return record.errors

    def _plan(self, record: Record) -> _Plan:
        timing = record.text(*self.timing_item) if self.timing_item else None
        key = (timing if timing in self.timings else None, record.acct_type, frozenset(record.raw))
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) > 4096:
                self._plans.clear()
            plan = self._plans[key] = _Plan.of(self, *key)
        return plan

    def _walk(self, record: Record) -> None:
        plan = self._plan(record)
        walk = plan.walk
        if walk is None:
            walk = plan.walk = compile_walk(self, plan, plan.timing, plan.kind, _DAYS, parse_text)
        walk(record)

    def walk_interpreted(self, record: Record) -> None:
        """The walk of §1.5 read straight from the tables: what each compiled walk must do
        (tests compare the two)."""
        plan = self._plan(record)
        report = record.report
        for rule in plan.record_rules:
            if not rule.test(record):
                report(rule.code, rule.segment, rule.tag, None, rule.message)
        typed = record._typed
        raw_segments = record.raw
        segment_rules = plan.segment_rules
        for segment in self.segments:
            tag = segment.tag
            for rule in segment_rules.get(tag, ()):
                if not rule.test(record):
                    report(rule.code, tag, rule.tag, None, rule.message)
            raw = raw_segments.get(tag)
            if raw is None:
                continue
            items = raw.items
            planned = plan.items[tag]
            split = len(planned) - (segment.group.trailing if segment.group else 0)
            for position, (spec, key, rules, codes) in enumerate(planned):
                if position == split and segment.group is not None:
                    self._walk_group(record, plan, segment, raw)
                text = items.get(spec.tag)
                if codes is not None and text in codes:
                    typed[key] = text  # a valid code of a plain code item: nothing to check
                else:
                    typed[key] = self._check_item(record, tag, spec, text)
                for rule in rules:
                    if not rule.test(record):
                        report(rule.code, tag, rule.tag, items.get(rule.item), rule.message)
            if segment.group is not None and split == len(planned):
                self._walk_group(record, plan, segment, raw)

    def _walk_group(
        self, record: Record, plan: _Plan, segment: SegmentSpec, raw: RawSegment
    ) -> None:
        tag, group, report = segment.tag, segment.group, record.report
        assert group is not None
        items = raw.items
        for rule in plan.group_rules.get(tag, ()):
            if not rule.test(record):
                report(rule.code, tag, rule.tag, items.get(rule.item), rule.message)
        for element in raw.groups:
            for spec in group.fields:
                self._check_item(record, tag, spec, element.get(spec.tag), element)
                for element_rule in self.element_rules.get((tag, spec.tag), ()):
                    if not element_rule.test(record, element):
                        report(
                            element_rule.code,
                            tag,
                            element_rule.tag,
                            element.get(element_rule.item),
                            element_rule.message,
                        )

    def _check_item(
        self,
        record: Record,
        segment: str,
        spec: FieldSpec,
        text: str | None,
        element: Mapping[str, str] | None = None,
    ) -> Any:
        """Run the declared checks of one item; return its typed value (``None`` when absent,
        blank or invalid)."""
        when = spec.when
        if when is not None:
            must = when(_ElementView(record, element) if element is not None else record)
            if must is None:
                if text is None:
                    return
            elif must and text is None:
                record.report(
                    spec.when_code,
                    segment,
                    spec.tag,
                    None,
                    f"{spec.tag} ({spec.name}) is required when {when.text}",
                )
                return None
            elif not must and text is not None:
                record.report(
                    spec.when_code,
                    segment,
                    spec.tag,
                    text,
                    f"{spec.tag} ({spec.name}) must be left out unless {when.text}",
                )
                return None
        if text is None:
            if spec.mandatory:
                record.report(
                    MISSING, segment, spec.tag, None, f"{spec.tag} ({spec.name}) is missing"
                )
            return
        if text == "":
            if not spec.blank:
                record.report(
                    BLANK, segment, spec.tag, "", f"{spec.tag} ({spec.name}) must not be blank"
                )
            return None
        if spec.const is not None:
            return text
        valid = spec.table_by(record) if spec.table_by is not None else None
        if valid is None and spec.table_by is not None and spec.kind is Kind.CODE:
            return text  # the table depends on what is undecided: no table check (§1.4)
        return slow_item(record, segment, spec, text, valid, parse_text)


class _ElementView:
    """A record seen from inside one repeated element: local items resolve in the element."""

    __slots__ = ("element", "record")

    def __init__(self, record: Record, element: Mapping[str, str]) -> None:
        self.record = record
        self.element = element

    @property
    def acct_type(self) -> str | None:
        return self.record.acct_type

    def text(self, segment: str, tag: str) -> str | None:
        if tag in self.element or segment == "":
            return self.element.get(tag)
        return self.record.text(segment, tag)


@dataclass(slots=True)
class _Plan:
    """The rules of a book that apply to one (report-timing code, account type) pair, and the
    walk compiled from them on first use."""

    record_rules: tuple[Rule, ...]
    segment_rules: dict[str, tuple[Rule, ...]]
    items: dict[
        str, tuple[tuple[FieldSpec, tuple[str, str], tuple[Rule, ...], frozenset[str] | None], ...]
    ]
    """Per segment, in evaluation order: each item, its cache key, its rules, and — for a code
    item whose only declared check is its table — the valid codes, to skip the general path."""
    group_rules: dict[str, tuple[Rule, ...]]
    timing: str | None = None
    kind: str | None = None
    walk: Callable[[Record], None] | None = None

    @classmethod
    def of(
        cls, book: RuleBook, timing: str | None, kind: str | None, present: frozenset[str]
    ) -> _Plan:
        def keep(rules: Iterable[Rule]) -> tuple[Rule, ...]:
            return tuple(
                r
                for r in rules
                if (r.scope is None or r.scope(timing, kind)) and r.needs <= present
            )

        items = {
            segment.tag: tuple(
                (
                    spec,
                    (segment.tag, spec.tag),
                    keep(book.item_rules.get((segment.tag, spec.tag), ())),
                    _plain_codes(spec),
                )
                for spec in book._items[segment.tag]
            )
            for segment in book.segments
        }
        return cls(
            keep(book.record_rules),
            {k: kept for k, v in book.segment_rules.items() if (kept := keep(v))},
            items,
            {k: kept for k, v in book.group_rules.items() if (kept := keep(v))},
            timing,
            kind,
        )


def _plain_codes(spec: FieldSpec) -> frozenset[str] | None:
    if spec.kind is not Kind.CODE or spec.when is not None or spec.table_by is not None:
        return None
    if not spec.dict_check:
        return None
    if spec.codes is not None:
        return frozenset(spec.codes._value2member_map_)
    return frozenset(spec.choices)


def describe(book: RuleBook) -> Iterable[tuple[str, str, str, str]]:
    """Every rule of a book as (code, segment, tag, message), in evaluation order."""
    for rule in book.record_rules:
        yield rule.code, rule.segment, rule.tag, rule.message
    for segment in book.segments:
        for rule in book.segment_rules.get(segment.tag, ()):
            yield rule.code, rule.segment, rule.tag, rule.message
        for spec in book._items[segment.tag]:
            for rule in book.item_rules.get((segment.tag, spec.tag), ()):
                yield rule.code, rule.segment, rule.tag, rule.message
        for rule in book.group_rules.get(segment.tag, ()):
            yield rule.code, rule.segment, rule.tag, rule.message
        if segment.group is not None:
            for spec in segment.group.fields:
                for element_rule in book.element_rules.get((segment.tag, spec.tag), ()):
                    yield (
                        element_rule.code,
                        element_rule.segment,
                        element_rule.tag,
                        element_rule.message,
                    )
