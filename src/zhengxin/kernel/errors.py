"""One error hierarchy for the whole system.

Every error that crosses a boundary (CLI, file, service call) is a :class:`ZhengxinError` with a
stable, machine-readable ``code`` (``money.negative``, ``id.check_digit`` ...), a message a person
can act on, and an HTTP status for the later API face. Codes are part of the public interface:
once published they do not change meaning.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ZhengxinError(Exception):
    """Base of every error Zhengxin raises on purpose.

    >>> err = ZhengxinError("money.negative", "an amount cannot be negative; got -1 fen")
    >>> err.code, str(err)
    ('money.negative', 'money.negative: an amount cannot be negative; got -1 fen')
    """

    status: ClassVar[int] = 400

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The error as plain data, for JSON output."""
        return {"code": self.code, "message": self.message, **self.details}


class InvalidInput(ZhengxinError):
    """The caller sent something malformed or out of range."""

    status = 422


class NotFound(ZhengxinError):
    """The thing asked for does not exist."""

    status = 404


class Conflict(ZhengxinError):
    """The request is well formed but contradicts the state of the system."""

    status = 409


class Refused(ZhengxinError):
    """The request is well formed but a rule of the law or the product forbids it."""

    status = 403


class FileRejected(ZhengxinError):
    """A submission file failed a file-level check; nothing in it was applied."""

    status = 422


class ConfigurationError(ZhengxinError):
    """Settings or the environment are wrong; an operator must fix them."""

    status = 500
