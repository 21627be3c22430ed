"""The rejected records of one file, kept in constant memory however many there are.

A file of a million records may have a million rejected ones, each carrying its line for the
feedback file. :class:`RejectionSpool` keeps the first few in memory and writes the rest to
an anonymous temporary file, and reads them back, in order, whenever it is iterated. It *is* a
``list`` of :class:`~zhengxin.bureau.outcome.Rejection` (so it sits in
:attr:`IngestResult.rejections <zhengxin.bureau.outcome.IngestResult.rejections>` unchanged),
whose length, iteration, indexing and equality cover every record, spooled or not.

>>> spool = RejectionSpool(held=1)
>>> spool.extend(Rejection(n, "A", ()) for n in (3, 5, 8))
>>> len(spool), [r.line for r in spool], spool[2].line
(3, [3, 5, 8], 8)
"""

from __future__ import annotations

import os
import pickle
import struct
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from typing import IO, Any, SupportsIndex, overload

from zhengxin.bureau.outcome import Rejection

HELD_IN_MEMORY = 1_000
"""How many rejections stay in memory before the rest go to disk."""
_SIZE = struct.Struct("<I")
_READ_BLOCK = 1 << 16


class RejectionSpool(list[Rejection]):
    """Rejections in file order: the first ``held`` in memory, the rest in a temporary file."""

    def __init__(self, held: int = HELD_IN_MEMORY) -> None:
        super().__init__()
        self._held = held
        self._spilled = 0
        self._file: IO[bytes] | None = None

    def _disk(self) -> IO[bytes]:
        if self._file is None:
            # Anonymous: the file has no name once opened, so nothing is left behind even
            # when the process dies; it is closed when the spool goes.
            self._file = tempfile.TemporaryFile(prefix="zhengxin-rejections-")  # noqa: SIM115
            weakref.finalize(self, self._file.close)
        return self._file

    def append(self, rejection: Rejection) -> None:
        if super().__len__() < self._held:
            super().append(rejection)
            return
        data = pickle.dumps(rejection, pickle.HIGHEST_PROTOCOL)
        disk = self._disk()
        disk.seek(0, os.SEEK_END)
        disk.write(_SIZE.pack(len(data)) + data)
        self._spilled += 1

    def extend(self, rejections: Iterable[Rejection]) -> None:
        for rejection in rejections:
            self.append(rejection)

    def __iadd__(self, rejections: Iterable[Rejection]) -> RejectionSpool:  # type: ignore[override,misc]
        self.extend(rejections)
        return self

    def copy(self) -> list[Rejection]:
        return list(self)

    def __len__(self) -> int:
        return super().__len__() + self._spilled

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[Rejection]:
        yield from super().__iter__()
        if self._file is not None:
            yield from _read_back(self._file, self._spilled)

    @overload
    def __getitem__(self, index: SupportsIndex) -> Rejection: ...

    @overload
    def __getitem__(self, index: slice) -> list[Rejection]: ...

    def __getitem__(self, index: SupportsIndex | slice) -> Rejection | list[Rejection]:
        if isinstance(index, slice):
            return list(self)[index]
        position = index.__index__()
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError("rejection index out of range")
        if position < super().__len__():
            return super().__getitem__(position)
        for found, rejection in enumerate(self):
            if found == position:
                return rejection
        raise IndexError("rejection index out of range")  # pragma: no cover

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __repr__(self) -> str:
        return f"RejectionSpool({len(self)} rejections, {self._spilled} on disk)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))


def _read_back(file: IO[bytes], count: int) -> Iterator[Rejection]:
    """The spooled rejections, read with their own offset so that two iterations (or an
    append between two reads) do not disturb each other."""
    fd, offset, buffer = file.fileno(), 0, b""
    file.flush()
    for _ in range(count):
        buffer = _fill(fd, buffer, offset, _SIZE.size)
        (size,) = _SIZE.unpack_from(buffer)
        end = _SIZE.size + size
        buffer = _fill(fd, buffer, offset, end)
        rejection = pickle.loads(buffer[_SIZE.size : end])  # noqa: S301 - our own spool
        offset += end
        buffer = buffer[end:]
        yield rejection


def _fill(fd: int, buffer: bytes, offset: int, wanted: int) -> bytes:
    while len(buffer) < wanted:
        more = os.pread(fd, max(_READ_BLOCK, wanted - len(buffer)), offset + len(buffer))
        if not more:
            raise EOFError("the rejection spool ended early")
        buffer += more
    return buffer
