"""A faulty export: what a furnisher's bug does to a file after the records were built.

The demo damages some lines of a month-end file the way real exports go wrong (a unit pasted
after an amount, a digit of an ID number dropped in transcription), keeps the header's count
true, and lets the bureau find the damage. The file is rewritten as bytes: only the furnishing
service writes submission files.
"""

from __future__ import annotations

import re
from pathlib import Path

_BALANCE = re.compile(r"<AcctBal>(\d+)</AcctBal>")
_ID = re.compile(r"<IDNum>(\d{17})([\dX])</IDNum>")


def _damage(line: str, n: int) -> str:
    if n % 2 == 0:
        return _BALANCE.sub(lambda m: f"<AcctBal>{m.group(1)}元</AcctBal>", line, count=1)
    return _ID.sub(lambda m: f"<IDNum>{m.group(1)[:-1]}{m.group(2)}</IDNum>", line, count=1)


def damage(path: Path, every: int) -> list[int]:
    """Damage every ``every``-th record of the submission file at ``path`` (the first one
    included); return the damaged records' line numbers (the header is line 1)."""
    if every < 1:
        raise ValueError("every must be at least 1")
    text = path.read_bytes().decode("utf-8")
    header, *body = text.split("\r\n")
    damaged: list[int] = []
    for i, line in enumerate(body):
        if i % every == 0 and line:
            changed = _damage(line, len(damaged))
            if changed != line:
                body[i] = changed
                damaged.append(i + 2)
    path.write_bytes("\r\n".join([header, *body]).encode("utf-8"))
    return damaged
