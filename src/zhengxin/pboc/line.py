"""One record line: segment declarations, the raw value model, and table-driven reading/writing.

A body line is ``<Document><Root>segments…</Root></Document>`` with no whitespace (§2.3). Each
segment is declared once as a :class:`SegmentSpec` (its items as :class:`FieldSpec` rows, plus at
most one repeated group); this module reads a line into the raw value model of §1.1
(:class:`RawRecord`: segment tag → item tag → preprocessed text) and converts between raw
segments and the typed frozen dataclasses, all driven by those declarations.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from zhengxin.pboc.errors import WRONG_TYPE, RecordError, RecordUnreadable
from zhengxin.pboc.fields import FieldSpec, ValueProblem, preprocess

DOCUMENT = "Document"
_START, _END = f"<{DOCUMENT}>", f"</{DOCUMENT}>"


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A repeated element written as consecutive siblings inside its segment (§2.3)."""

    tag: str
    attr: str
    """Attribute of the segment that holds the elements, as a tuple."""
    name: str
    fields: tuple[FieldSpec, ...]
    cls: type[Any]
    trailing: int = 0
    """How many of the segment's items come after the repeated elements in canonical order
    (IDSgmt's update date follows its IDRec elements, §5.2); 0 puts the elements last."""


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """A segment: its tag, its mark letter (B-K), its items in canonical order, its dataclass."""

    tag: str
    mark: str
    attr: str
    """Attribute of the record that holds the segment."""
    name: str
    fields: tuple[FieldSpec, ...]
    cls: type[Any]
    group: GroupSpec | None = None
    known: frozenset[str] = field(init=False, repr=False, compare=False)
    """The item tags of the segment (not those of its repeated element)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "known", frozenset(f.tag for f in self.fields))

    def item_spec(self, tag: str) -> FieldSpec | None:
        """The declaration of item ``tag``, or ``None`` when the segment has no such item."""
        return next((f for f in self.fields if f.tag == tag), None)

    def attribute_names(self) -> list[str]:
        """The dataclass attributes the table drives, in table order (a test checks them)."""
        names = [f.attr for f in self.fields if f.attr]
        return [*names, self.group.attr] if self.group else names


def dataclass_attributes(cls: type[Any]) -> list[str]:
    """The field names of a dataclass in declaration order (to check them against a table)."""
    return [f.name for f in fields(cls)]


class RawSegment(NamedTuple):
    """A segment as found in a line: item tag → preprocessed text (``""`` when blank).

    (Named tuples rather than frozen dataclasses: a file of a million lines builds three of
    these per line, and a tuple is built several times faster.)
    """

    items: Mapping[str, str]
    groups: tuple[Mapping[str, str], ...] = ()
    """The repeated elements (RltRepymtInf, CccInf, CagOfTrdInf) in line order."""


class RawRecord(NamedTuple):
    """A line in the value model of §1.1: present segments and items, blank as ``""``."""

    root: str
    segments: Mapping[str, RawSegment]

    def value(self, segment: str, tag: str) -> str | None:
        """The text of item ``tag`` of ``segment``, or ``None`` when either is absent."""
        raw = self.segments.get(segment)
        return None if raw is None else raw.items.get(tag)


# --- reading -----------------------------------------------------------------------------


def _text_of(element: ET.Element, where: str) -> str:
    if len(element):
        raise RecordUnreadable(f"{where} <{element.tag}> must hold text, not <{element[0].tag}>")
    return preprocess(element.text or "")


def check_plain(element: ET.Element, where: str) -> None:
    """No attributes and no stray text around children: the interface has neither."""
    if element.attrib:
        raise RecordUnreadable(f"{where} <{element.tag}> carries attributes, which are not allowed")
    if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
        raise RecordUnreadable(f"{where} <{element.tag}> holds text outside its items")


def _read_items(
    children: Iterable[ET.Element], known: Mapping[str, FieldSpec], where: str
) -> dict[str, str]:
    items: dict[str, str] = {}
    for child in children:
        if child.tag not in known:
            raise RecordUnreadable(f"unknown tag <{child.tag}> in {where}")
        if child.tag in items:
            raise RecordUnreadable(f"<{child.tag}> appears twice in {where}")
        if child.attrib:
            raise RecordUnreadable(f"<{child.tag}> in {where} carries attributes")
        items[child.tag] = _text_of(child, where)
    return items


def read_segment_element(element: ET.Element, spec: SegmentSpec) -> RawSegment:
    where = spec.tag
    check_plain(element, where)
    known = {f.tag: f for f in spec.fields}
    group = spec.group
    if group is None:
        return RawSegment(_read_items(element, known, where))
    items = _read_items((c for c in element if c.tag != group.tag), known, where)
    group_known = {f.tag: f for f in group.fields}
    groups: list[Mapping[str, str]] = []
    for child in element:
        if child.tag == group.tag:
            check_plain(child, where)
            groups.append(_read_items(child, group_known, f"{where}/{group.tag}"))
    return RawSegment(items, tuple(groups))


_TEXT = r"[^<&\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]*"
_ITEM = re.compile(rf"<([A-Za-z][A-Za-z0-9_]*)>({_TEXT})</\1>")
_ASCII_TRIM = "".join(chr(c) for c in range(0x21))
_UNCLEAN = re.compile("[ \t\r\n\u3000\uff01-\uff5e]")
"""Characters preprocessing changes (§1.1); text without any needs no cleaning."""


def _clean(text: str) -> str:
    return text.strip(_ASCII_TRIM) if text.isascii() else preprocess(text)


def _read_fast(line: str, root: str, segments: Mapping[str, SegmentSpec]) -> RawRecord | None:
    """The common shape of a line read with regular expressions, or ``None`` to fall back.

    It accepts only ``<Document><root>`` followed by segments whose children are plain items
    ``<Tag>text</Tag>`` with no markup, entity or forbidden character in the text: a subset of
    XML that this reading and :func:`read_raw_full` read identically (a test checks it on every
    example and on generated lines). Anything else, including repeated elements, goes to the
    full XML reader. A record type without segments (211, 213, 214 ...) declares one segment
    whose tag is the root itself; its items sit directly inside the root.
    """
    start = f"<{DOCUMENT}><{root}>"
    end = f"</{root}></{DOCUMENT}>"
    if not (line.startswith(start) and line.endswith(end)) or "]]>" in line or "\r" in line:
        return None  # (XML turns CR into LF in text: leave that to the XML reader)
    position, stop = len(start), len(line) - len(end)
    flat = segments.get(root)
    if flat is not None:
        items = _fast_items(line[position:stop], flat)
        return None if items is None else RawRecord(root, {root: RawSegment(items)})
    raw: dict[str, RawSegment] = {}
    while position < stop:
        if line[position] != "<":
            return None
        opened = line.find(">", position, stop)
        tag = line[position + 1 : opened]
        spec = segments.get(tag)
        if opened < 0 or spec is None or tag in raw:
            return None
        close = line.find(f"</{tag}>", opened, stop)
        if close < 0:
            return None
        items = _fast_items(line[opened + 1 : close], spec)
        if items is None:
            return None
        raw[tag] = RawSegment(items)
        position = close + len(tag) + 3
    return RawRecord(root, raw)


def _fast_items(content: str, spec: SegmentSpec) -> dict[str, str] | None:
    if spec.group is not None:
        return None
    # split() interleaves what lies between matches with the captured tag and text: the items
    # cover the content exactly when every in-between piece is empty.
    parts = _ITEM.split(content)
    if any(parts[::3]):
        return None
    tags, texts = parts[1::3], parts[2::3]
    if content.isascii():
        unclean = " " in content or "\t" in content or "\n" in content
    else:
        unclean = _UNCLEAN.search(content) is not None
    if unclean:
        texts = [_clean(text) for text in texts]
    items = dict(zip(tags, texts, strict=True))
    if len(items) != len(tags) or not items.keys() <= spec.known:
        return None
    return items


def read_raw(line: str, root: str, segments: Mapping[str, SegmentSpec]) -> RawRecord:
    """Parse one body line into the raw value model, or raise :class:`RecordUnreadable`.

    Lines of the common shape are read by a fast path; every other line by the XML parser.

    The line must start with ``<Document>`` and end with ``</Document>`` literally, hold exactly
    one ``root`` element, and use only declared tags, each segment and item at most once.
    """
    if isinstance(line, str):
        fast = _read_fast(line, root, segments)
        if fast is not None:
            return fast
    return read_raw_full(line, root, segments)


def record_element(line: str, root: str) -> ET.Element:
    """The ``root`` element of a body line, parsed by the XML parser, or
    :class:`RecordUnreadable` when the line is not ``<Document><root>…</root></Document>``."""
    if not isinstance(line, str):
        raise RecordUnreadable(f"a record line is text; got {type(line).__name__}")
    if not (line.startswith(_START) and line.endswith(_END)):
        raise RecordUnreadable(f"a record line must start with {_START} and end with {_END}")
    try:
        line.encode("utf-8")
        # The line starts with <Document>, so it cannot carry a DTD: no entity expansion, no
        # external entities, and expat refuses anything else that is not plain XML.
        document = ET.fromstring(line)  # noqa: S314
    except (ET.ParseError, UnicodeError, ValueError) as exc:
        raise RecordUnreadable(f"the line is not well-formed XML: {exc}") from None
    check_plain(document, "the line")
    if len(document) != 1 or document[0].tag != root:
        found = ", ".join(f"<{c.tag}>" for c in document) or "nothing"
        raise RecordUnreadable(f"<{DOCUMENT}> must hold exactly one <{root}>; found {found}")
    return document[0]


def read_raw_full(line: str, root: str, segments: Mapping[str, SegmentSpec]) -> RawRecord:
    """:func:`read_raw` with the XML parser only (the reference the fast path must match)."""
    record = record_element(line, root)
    flat = segments.get(root)
    if flat is not None:
        return RawRecord(root, {root: read_segment_element(record, flat)})
    check_plain(record, "the record")
    raw: dict[str, RawSegment] = {}
    for element in record:
        spec = segments.get(element.tag)
        if spec is None:
            raise RecordUnreadable(f"unknown segment <{element.tag}> in <{root}>")
        if element.tag in raw:
            raise RecordUnreadable(f"segment <{element.tag}> appears twice")
        raw[element.tag] = read_segment_element(element, spec)
    return RawRecord(root, raw)


def read_fields(
    specs: Sequence[FieldSpec], items: Mapping[str, str], segment: str, errors: list[RecordError]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in specs:
        text = items.get(spec.tag)
        try:
            value = spec.read(text)
        except ValueProblem as problem:
            errors.append(RecordError(problem.code, segment, spec.tag, text, problem.message))
            continue
        if spec.attr:
            values[spec.attr] = value
    return values


def to_segment(spec: SegmentSpec, raw: RawSegment, errors: list[RecordError]) -> Any:
    """The typed segment for ``raw``; conversion problems are appended to ``errors``.

    Returns ``None`` when any item of the segment could not be converted.
    """
    before = len(errors)
    values = read_fields(spec.fields, raw.items, spec.tag, errors)
    elements = []
    if spec.group is not None:
        elements = [read_fields(spec.group.fields, g, spec.tag, errors) for g in raw.groups]
    if len(errors) > before:
        return None
    if spec.group is not None:
        values[spec.group.attr] = tuple(spec.group.cls(**v) for v in elements)
    return spec.cls(**values)


# --- writing -----------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` for XML text (§2.3).

    >>> escape("A&B <1>")
    'A&amp;B &lt;1&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write_fields(
    specs: Sequence[FieldSpec],
    value_of: Any,
    segment: str,
    out: list[str],
    errors: list[RecordError],
) -> None:
    for spec in specs:
        value = getattr(value_of, spec.attr) if spec.attr else None
        try:
            text = spec.write(value)
        except ValueProblem as problem:
            shown = None if value is None else str(value)
            errors.append(RecordError(problem.code, segment, spec.tag, shown, problem.message))
            continue
        if text is not None:
            out.append(f"<{spec.tag}>{escape(text)}</{spec.tag}>")


def write_segment(
    spec: SegmentSpec, segment: Any, out: list[str], errors: list[RecordError]
) -> None:
    """Append the XML of ``segment`` to ``out`` in canonical order; problems go to ``errors``."""
    if not isinstance(segment, spec.cls):
        errors.append(
            RecordError(
                WRONG_TYPE,
                spec.tag,
                spec.tag,
                None,
                f"{spec.attr} must be a {spec.cls.__name__}; got {type(segment).__name__}",
            )
        )
        return
    out.append(f"<{spec.tag}>")
    group = spec.group
    split = len(spec.fields) - (group.trailing if group is not None else 0)
    _write_fields(spec.fields[:split], segment, spec.tag, out, errors)
    if group is not None:
        for element in getattr(segment, group.attr):
            if not isinstance(element, group.cls):
                errors.append(
                    RecordError(
                        WRONG_TYPE,
                        spec.tag,
                        group.tag,
                        None,
                        f"{group.attr} holds {group.cls.__name__} elements only",
                    )
                )
                continue
            out.append(f"<{group.tag}>")
            _write_fields(group.fields, element, spec.tag, out, errors)
            out.append(f"</{group.tag}>")
    _write_fields(spec.fields[split:], segment, spec.tag, out, errors)
    out.append(f"</{spec.tag}>")
