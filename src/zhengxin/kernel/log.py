"""Structured logs: events with keyword fields, and personal data masked on the way out.

>>> import logging, io
>>> stream = io.StringIO(); handler = logging.StreamHandler(stream)
>>> handler.setFormatter(EventFormatter()); base = logging.getLogger("doctest.log")
>>> base.addHandler(handler); base.setLevel(logging.INFO); base.propagate = False
>>> get_logger("doctest.log").info("ingest.record", id_number="110105199003071239", name="张三")
>>> stream.getvalue().split(" ", 2)[2].strip()
'ingest.record id_number=110***********1239 name=张*'
"""

from __future__ import annotations

import logging
import re
from typing import Any

from zhengxin.kernel.identity import mask_id, mask_name

_ID_KEYS = {"id_number", "idnum", "id_num", "id", "subject_id", "arlp_cert_num"}
_NAME_KEYS = {"name", "subject_name", "borrower_name"}
# Not \b: an ID run into Chinese text or an underscore ("证件110...9号", "q_110...9") has no
# word boundary, yet must be masked; any 18-character run not inside a longer number is.
_LOOKS_LIKE_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def mask_value(key: str, value: Any) -> str:
    """The text a log may show for ``key=value``: IDs and names masked wherever they appear."""
    text = str(value)
    if key in _ID_KEYS:
        return mask_id(text)
    if key in _NAME_KEYS:
        return mask_name(text)
    return _LOOKS_LIKE_ID.sub(lambda m: mask_id(m.group(0)), text)


class EventLogger:
    """A logger whose messages are event names and whose details are keyword fields."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def _log(self, level: int, event: str, fields: dict[str, Any]) -> None:
        if self._logger.isEnabledFor(level):
            self._logger.log(level, event, extra={"zx_fields": fields})

    def debug(self, event: str, **fields: Any) -> None:
        self._log(logging.DEBUG, event, fields)

    def info(self, event: str, **fields: Any) -> None:
        self._log(logging.INFO, event, fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._log(logging.WARNING, event, fields)

    def error(self, event: str, **fields: Any) -> None:
        self._log(logging.ERROR, event, fields)


class EventFormatter(logging.Formatter):
    """``2025-03-01T12:00:00 INFO event key=value ...`` with personal data masked."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, "zx_fields", {})
        parts = [self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), record.levelname]
        parts.append(_LOOKS_LIKE_ID.sub(lambda m: mask_id(m.group(0)), record.getMessage()))
        parts.extend(f"{key}={mask_value(key, value)}" for key, value in fields.items())
        return " ".join(parts)


def get_logger(name: str) -> EventLogger:
    """The event logger for a module: ``log = get_logger(__name__)``."""
    return EventLogger(logging.getLogger(name))


def configure(level: int = logging.WARNING) -> None:
    """Send Zhengxin's events to standard error in the masked event format."""
    handler = logging.StreamHandler()
    handler.setFormatter(EventFormatter())
    root = logging.getLogger("zhengxin")
    root.handlers[:] = [handler]
    root.setLevel(level)
