"""What every typed record shares: its line written from, and read into, its segment tables.

A record type is a frozen dataclass whose attributes are its segments (``None`` when the segment
is not in the line), plus the tuple of its :class:`~zhengxin.pboc.line.SegmentSpec` in canonical
order. :func:`to_line` and :func:`from_raw` do the work for every record type, so that 110, 210,
220 and the variants are written and read by the same code from their own tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from zhengxin.pboc.errors import MULTI_ITEM_TAG, RecordError, RecordInvalid, RecordUnreadable
from zhengxin.pboc.line import RawRecord, SegmentSpec, read_raw, to_segment, write_segment

T = TypeVar("T")


def to_line(root: str, specs: Sequence[SegmentSpec], record: Any) -> str:
    """The canonical body line of ``record``, or :class:`RecordInvalid` listing every value
    that does not fit its field."""
    out = [f"<Document><{root}>"]
    errors: list[RecordError] = []
    for spec in specs:
        segment = getattr(record, spec.attr)
        if segment is not None:
            write_segment(spec, segment, out, errors)
    if errors:
        raise RecordInvalid(errors)
    out.append(f"</{root}></Document>")
    return "".join(out)


def read(root: str, specs: Sequence[SegmentSpec], line: str) -> RawRecord:
    """Read a line of this record type into the raw value model (ABR000 when unreadable)."""
    return read_raw(line, root, {spec.tag: spec for spec in specs})


def from_raw(
    cls: type[T],
    record_type: str,
    specs: Sequence[SegmentSpec],
    raw: RawRecord,
    required: Mapping[str, str] | None = None,
) -> T:
    """The typed record of a raw line; :class:`RecordInvalid` lists every value that cannot be
    converted, and every segment of ``required`` (segment tag → code) that is missing."""
    first = specs[0]
    record_type_found = raw.value(first.tag, "InfRecType")
    if record_type_found and record_type_found != record_type:
        raise RecordUnreadable(
            f"InfRecType is {record_type_found!r} but this is a {record_type} record"
        )
    errors: list[RecordError] = []
    for tag, code in (required or {}).items():
        if tag not in raw.segments:
            errors.append(RecordError(code, tag, MULTI_ITEM_TAG, None, f"segment {tag} is missing"))
    values: dict[str, Any] = {}
    for spec in specs:
        segment = raw.segments.get(spec.tag)
        if segment is not None:
            values[spec.attr] = to_segment(spec, segment, errors)
    if errors:
        raise RecordInvalid(errors)
    return cls(**values)
