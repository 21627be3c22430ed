"""What became of a submission file and of each record in it: plain values, shared by every
step of ingestion (the chunk steps may run in other processes, so these pickle)."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhengxin.pboc import RecordError


@dataclass(frozen=True, slots=True)
class Rejection:
    """A rejected record: its line in the file, every error found in it, and the line itself
    (the feedback file returns it verbatim)."""

    line: int
    account_code: str
    errors: tuple[RecordError, ...]
    text: str = ""


@dataclass(slots=True)
class IngestResult:
    """What became of a submission file."""

    file_name: str
    records: int = 0
    accepted: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    duplicate: bool = False

    @property
    def rejected(self) -> int:
        return len(self.rejections)
