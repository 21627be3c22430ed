"""Where the check step runs: in this process, or in worker processes while this one writes.

:class:`CheckStep` hands out the checked chunks of a file in file order. With ``workers`` 0 it
checks each chunk when asked. With more, it starts that many worker processes
(``python -m zhengxin.bureau.workers``) and keeps ``workers + 1`` chunks in flight: chunk *i*
goes to worker *i* mod *n*, each worker answers its chunks in the order it got them, so the
answers are read back in file order, while this process writes. A task is a chunk's byte span
(the worker reads the lines itself), an answer the pickled
:class:`~zhengxin.bureau.chunks.CheckedChunk`: memory stays flat whatever the file's size.

The workers are plain processes fed through their standard input, not a
:mod:`multiprocessing` pool: a spawned pool worker imports the caller's main module (the whole
command line, some 60 MB a worker, where checking needs 20 MB), needs the caller to guard its
entry point, and waits forever for its next task when the caller is killed. These workers
import only the check step, and end when their input closes, which it does when the caller
ends, killed or not. The file-level line checks
(:meth:`Submission.verify <zhengxin.pboc.files.Submission.verify>`) run in a worker too,
alongside the first reading of the file, and are awaited before anything is written.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import zhengxin
from zhengxin.bureau.chunks import CheckedChunk, Span, check_span
from zhengxin.kernel.errors import ConfigurationError
from zhengxin.pboc import FileContext, read_submission

_SIZE = struct.Struct("<Q")


def verify_file(path: Path) -> int:
    """Every file-level check of the file at ``path`` (§2); its record count."""
    return read_submission(path).verify()


_TASKS: dict[str, Callable[..., Any]] = {"check": check_span, "verify": verify_file}


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    stream.write(_SIZE.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message, or :class:`EOFError` when the other side has gone."""
    head = stream.read(_SIZE.size)
    if len(head) < _SIZE.size:
        raise EOFError
    (size,) = _SIZE.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - from a worker this process started


class _Worker:
    """One worker process and the tasks it owes answers for."""

    def __init__(self) -> None:
        package_root = str(Path(zhengxin.__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zhengxin.bureau.workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.owed = 0

    def ask(self, task: str, *args: object) -> None:
        assert self.process.stdin is not None
        _send(self.process.stdin, (task, args))
        self.owed += 1

    def answer(self) -> Any:
        assert self.process.stdout is not None
        try:
            ok, value = _receive(self.process.stdout)
        except EOFError:
            code = self.process.wait()
            raise ConfigurationError(
                "ingest.worker_lost",
                f"a check worker ended unexpectedly (exit status {code}); nothing was written: "
                "ingest the file again, or without workers",
            ) from None
        self.owed -= 1
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.owed:
            self.process.kill()  # its answers are no longer wanted
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process.wait()


class CheckStep:
    """The check step of one file, in-process (``workers`` 0) or in worker processes.

    :meth:`begin` names the chunks (and, with workers, sets the first ones going: checking
    writes nothing, so it need not wait for anything); :meth:`checked` hands them out in
    file order.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._crew = [_Worker() for _ in range(workers)]
        self._chunks: Iterator[tuple[int, Span]] = iter(())
        self._pending: deque[tuple[Span, _Worker]] = deque()
        self._spans: list[Span] = []
        self._task: tuple[Path, FileContext] | None = None

    def __enter__(self) -> CheckStep:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._crew:
            worker.stop()
        self._crew = []

    def verify(self, path: Path) -> Callable[[], int]:
        """Start the file-level checks of the file at ``path``; the function returned waits for
        them (raising :class:`~zhengxin.kernel.errors.FileRejected` when one fails)."""
        if not self._crew:
            return lambda: verify_file(path)
        worker = self._crew[-1]
        worker.ask("verify", path)
        return lambda: int(worker.answer())

    def begin(self, path: Path, spans: list[Span], context: FileContext) -> None:
        """The chunks to check: ``spans`` of the file at ``path``, in ``context``."""
        self._spans, self._task = spans, (path, context)
        self._chunks = enumerate(spans)
        if self._crew:
            self._keep_busy(len(self._crew) + 1)

    def _keep_busy(self, in_flight: int) -> None:
        assert self._task is not None
        while len(self._pending) < in_flight:
            found = next(self._chunks, None)
            if found is None:
                return
            number, span = found
            worker = self._crew[number % len(self._crew)]
            worker.ask("check", self._task[0], span, self._task[1])
            self._pending.append((span, worker))

    def checked(self) -> Iterator[tuple[Span, CheckedChunk]]:
        """Each chunk named by :meth:`begin` with its checked chunk, in file order."""
        assert self._task is not None
        path, context = self._task
        if not self._crew:
            for span in self._spans:
                yield span, check_span(path, span, context)
            return
        while self._pending:
            span, worker = self._pending.popleft()
            self._keep_busy(len(self._crew))
            yield span, worker.answer()


def serve(tasks: IO[bytes], answers: IO[bytes]) -> None:
    """A worker's life: answer each task until the input ends."""
    gc.freeze()  # what the worker imported lives as long as it does
    while True:
        try:
            task, args = _receive(tasks)
        except EOFError:
            return
        try:
            answer: tuple[bool, object] = (True, _TASKS[task](*args))
        except Exception as exc:
            answer = (False, exc)
        try:
            _send(answers, answer)
        except BrokenPipeError:
            return


def main() -> None:
    # The answers travel on the original standard output; anything else the worker prints
    # goes to standard error, where it cannot corrupt them.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
