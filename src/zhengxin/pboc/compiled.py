"""The rule walk of one (report-timing code, account type) pair, compiled to a Python function.

:class:`~zhengxin.pboc.rules.RuleBook` plans once per pair which rules apply; this module turns
that plan and the segment tables into the source of one straight-line function — each item's
presence, blank, format and table checks written out for its declaration, each rule called in
order — and compiles it. The declarations stay the single source: the function is generated
from them, never written by hand, and does exactly what the general walk does (a test runs both
on generated and mutated records and compares the errors). What it saves is the interpretation:
at a million records a file, looking up how to check each item costs more than checking it.

Conditions and code tables that depend only on the account type (``Cond.by_type``,
``FieldSpec.table_by``) are decided here, once per pair, not once per record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from zhengxin.pboc.errors import BLANK, MISSING, WRONG_TYPE
from zhengxin.pboc.fields import FieldSpec, Kind, ValueProblem

_FORBIDDEN = re.compile("[\x00-\x1f\x7f\ufffd\ufffe\uffff\ud800-\udfff]")


def slow_item(
    record: Any,
    segment: str,
    spec: FieldSpec,
    text: str,
    valid: frozenset[str] | None,
    parse: Callable[[FieldSpec, str], Any],
) -> Any:
    """The general format and table checks of one non-blank value; its typed value or ``None``."""
    try:
        value = parse(spec, text)
    except ValueProblem as problem:
        record.report(problem.code, segment, spec.tag, text, problem.message)
        return None
    if valid is not None and text not in valid:
        record.report(
            WRONG_TYPE,
            segment,
            spec.tag,
            text,
            f"{spec.tag} ({spec.name}) {text!r} is not a code for this account type; "
            f"valid: {', '.join(sorted(valid))}",
        )
    return value


class _Source:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        name = f"_k{len(self.names)}"
        self.names[name] = value
        return name

    def add(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def _fast_test(out: _Source, spec: FieldSpec, valid: frozenset[str] | None) -> tuple[str, str]:
    """A cheap test that the text ``t`` is a valid value, and the expression of its value."""
    kind, length = spec.kind, spec.length
    if kind is Kind.CODE and spec.table_by is not None and valid is None:
        return "True", "t"  # the table depends on what is undecided: no table check (§1.4)
    if kind is Kind.CODE:
        codes = valid
        if codes is None:
            codes = (
                frozenset(spec.codes._value2member_map_)
                if spec.codes is not None
                else frozenset(spec.choices)
            )
        return f"t in {out.bind(codes)}", "t"
    if kind is Kind.UINT:
        return f"t.isdigit() and t.isascii() and len(t) <= {length}", "int(t)"
    if kind in (Kind.DATE, Kind.MONTH):
        size = 10 if kind is Kind.DATE else 7
        return f"len(t) == {size} and (v := _DAYS.get(t)) is not None", "v"
    compare = "==" if spec.exact else "<="
    if kind is Kind.AN:
        return f"t.isascii() and t.isprintable() and len(t) {compare} {length}", "t"
    if kind is Kind.N:
        return f"t.isdigit() and t.isascii() and len(t) {compare} {length}", "t"
    # ANC: a length in UTF-16 units is at most twice the length in characters.
    return (
        f"len(t) * 2 <= {length} and not _FORBIDDEN(t)" if not spec.exact else "False",
        "t",
    )


def compile_walk(
    book: Any,
    plan: Any,
    timing: str | None,
    kind: str | None,
    days: dict[str, Any],
    parse: Callable[[FieldSpec, str], Any],
) -> Callable[[Any], None]:
    """The compiled walk of ``book`` for records of report-timing ``timing`` and type ``kind``;
    ``days`` is the cache of dates already read and ``parse`` the general value reader."""
    out = _Source()
    fake = SimpleNamespace(acct_type=kind, text=lambda segment, tag: None)
    out.names.update(
        _DAYS=days,
        _FORBIDDEN=_FORBIDDEN.search,
        _slow=slow_item,
        _parse=parse,
        _MISSING=MISSING,
        _BLANK=BLANK,
    )
    out.add(0, "")  # the header, once every name is bound
    out.add(1, "report = record.report")
    out.add(1, "typed = record._typed")
    out.add(1, "raw = record.raw")
    _rules(out, 1, plan.record_rules, "None")
    for segment in book.segments:
        tag = segment.tag
        _rules(out, 1, plan.segment_rules.get(tag, ()), "None")
        out.add(1, f"found = raw.get({tag!r})")
        out.add(1, "if found is not None:")
        out.add(2, "items = found.items")
        planned = plan.items[tag]
        # A segment's repeated elements come after its items, except those declared to follow.
        split = len(planned) - (segment.group.trailing if segment.group is not None else 0)
        for position in range(len(planned) + 1):
            if position == split and segment.group is not None:
                out.add(2, f"_groups(record, {out.bind(plan)}, {out.bind(segment)}, found)")
                out.names["_groups"] = book._walk_group
            if position < len(planned):
                spec, key, rules, _codes = planned[position]
                _item(out, 2, tag, spec, key, fake)
                _rules(out, 2, rules, "items.get")
    out.add(1, "return None")
    namespace: dict[str, Any] = dict(out.names)
    out.lines[0] = "def walk(record):"
    source = "\n".join(out.lines)
    code = compile(source, f"<rules {book.record_type} {timing} {kind}>", "exec")
    exec(code, namespace)  # noqa: S102 (source generated from the declarations above)
    walk: Callable[[Any], None] = namespace["walk"]
    return walk


def _rules(out: _Source, depth: int, rules: Any, value_of: str) -> None:
    for rule in rules:
        test = out.bind(rule.test)
        message = out.bind(rule.message)
        value = "None" if value_of == "None" else f"{value_of}({rule.item!r})"
        out.add(depth, f"if not {test}(record):")
        out.add(
            depth + 1,
            f"report({rule.code!r}, {rule.segment!r}, {rule.tag!r}, {value}, {message})",
        )


def _item(
    out: _Source, depth: int, segment: str, spec: FieldSpec, key: tuple[str, str], fake: Any
) -> None:
    k = out.bind(key)
    s = out.bind(spec)
    out.add(depth, f"t = items.get({spec.tag!r})")
    valid = spec.table_by(fake) if spec.table_by is not None else None
    v = out.bind(valid)
    when = spec.when
    static = when(fake) if when is not None and when.by_type else None
    dynamic = when is not None and not when.by_type
    required = out.bind(f"{spec.tag} ({spec.name}) is required when {when.text}") if when else ""
    unwanted = (
        out.bind(f"{spec.tag} ({spec.name}) must be left out unless {when.text}") if when else ""
    )
    code = spec.when_code
    if when is not None and not dynamic and static is False:
        out.add(depth, "if t is not None:")
        out.add(depth + 1, f"report({code!r}, {segment!r}, {spec.tag!r}, t, {unwanted})")
        out.add(depth + 1, f"typed[{k}] = None")  # not checked, so not a value to compare
        return
    if dynamic:
        out.add(depth, f"must = {out.bind(when)}(record)")
        out.add(depth, "if must is True and t is None:")
        out.add(depth + 1, f"report({code!r}, {segment!r}, {spec.tag!r}, None, {required})")
        out.add(depth + 1, "pass")
        out.add(depth, "elif must is False and t is not None:")
        out.add(depth + 1, f"report({code!r}, {segment!r}, {spec.tag!r}, t, {unwanted})")
        out.add(depth + 1, f"typed[{k}] = None")  # not checked, so not a value to compare
        out.add(depth, "elif t is None:")
        if spec.mandatory:
            out.add(depth + 1, "if must is not None:")
            message = out.bind(f"{spec.tag} ({spec.name}) is missing")
            out.add(depth + 2, f"report(_MISSING, {segment!r}, {spec.tag!r}, None, {message})")
        out.add(depth + 1, "pass")
    else:
        # The common case first: a value is there.
        out.add(depth, "if t:")
        if spec.const is not None:
            out.add(depth + 1, f"typed[{k}] = t")
        else:
            test, value = _fast_test(out, spec, valid)
            out.add(depth + 1, f"if {test}:")
            out.add(depth + 2, f"typed[{k}] = {value}")
            out.add(depth + 1, "else:")
            out.add(depth + 2, f"typed[{k}] = _slow(record, {segment!r}, {s}, t, {v}, _parse)")
        out.add(depth, "elif t is None:")
        if when is not None and static is True:
            out.add(depth + 1, f"report({code!r}, {segment!r}, {spec.tag!r}, None, {required})")
        elif when is None and spec.mandatory:
            message = out.bind(f"{spec.tag} ({spec.name}) is missing")
            out.add(depth + 1, f"report(_MISSING, {segment!r}, {spec.tag!r}, None, {message})")
        out.add(depth + 1, "pass")
        out.add(depth, "else:")
        if not spec.blank:
            message = out.bind(f"{spec.tag} ({spec.name}) must not be blank")
            out.add(depth + 1, f'report(_BLANK, {segment!r}, {spec.tag!r}, "", {message})')
        out.add(depth + 1, "pass")
        return
    out.add(depth, 'elif t == "":')
    if not spec.blank:
        message = out.bind(f"{spec.tag} ({spec.name}) must not be blank")
        out.add(depth + 1, f'report(_BLANK, {segment!r}, {spec.tag!r}, "", {message})')
    out.add(depth + 1, "pass")
    if spec.const is not None:
        out.add(depth, "else:")
        out.add(depth + 1, f"typed[{k}] = t")
        return
    test, value = _fast_test(out, spec, valid)
    out.add(depth, f"elif {test}:")
    out.add(depth + 1, f"typed[{k}] = {value}")
    out.add(depth, "else:")
    out.add(depth + 1, f"typed[{k}] = _slow(record, {segment!r}, {s}, t, {v}, _parse)")
