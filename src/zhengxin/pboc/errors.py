"""Errors of a record line, as values and as the exceptions that carry them.

A line that cannot be parsed at all gets one :class:`RecordUnreadable` (ABR000, §1.5). A line that
parses but holds values that cannot be converted gets one :class:`RecordInvalid` carrying *every*
conversion problem of the line as a :class:`RecordError` (``code``, ``segment``, ``tag``,
``value``, ``message``), so a furnisher can fix them all in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from zhengxin.kernel.errors import InvalidInput

UNREADABLE = "ABR000"
MISSING = "ABD000"
BLANK = "ABE000"
WRONG_TYPE = "ABE001"
OUT_OF_RANGE = "ABE008"
NO_BASE_SEGMENT = "BLR029"
MULTI_ITEM_TAG = "0000"
"""The tag the PBOC reports for rules about the whole record or several items (§1.5)."""


@dataclass(frozen=True, slots=True)
class RecordError:
    """One problem found in a record, with the official error code where one exists.

    >>> RecordError("ABE001", "AcctMthlyBlgInfSgmt", "AcctBal", "12a", "not a number").as_dict()
    {'code': 'ABE001', 'segment': 'AcctMthlyBlgInfSgmt', 'tag': 'AcctBal', 'value': '12a', \
'message': 'not a number'}
    """

    code: str
    segment: str
    """Segment tag, e.g. ``AcctBsSgmt``; ``0000`` for the record as a whole."""
    tag: str
    """Item tag, the segment tag itself for a segment-level problem, or ``0000``."""
    value: str | None
    """The offending text as found in the line (``None`` when the tag is absent)."""
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The error as plain data, for JSON output."""
        return asdict(self)


class RecordUnreadable(InvalidInput):
    """The line cannot be parsed as a record: code ABR000, no other check runs (§1.5)."""

    def __init__(self, message: str) -> None:
        super().__init__(UNREADABLE, message)


class RecordInvalid(InvalidInput):
    """The line parses but some of its values cannot be converted; ``errors`` lists them all."""

    def __init__(self, errors: Sequence[RecordError]) -> None:
        self.errors = tuple(errors)
        first = self.errors[0] if self.errors else None
        summary = (
            f"{len(self.errors)} problem(s); first: {first.code} {first.tag}: {first.message}"
            if first
            else "no problems"
        )
        super().__init__("pboc.record_invalid", summary, errors=[e.as_dict() for e in self.errors])
