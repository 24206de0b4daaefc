"""The one error type Skyulf raises on purpose.

Every layer raises :class:`SkyulfError` with an :class:`ErrorCode`; the platform maps the code to a
gRPC status and to an HTTP status with two tables (``skyulf_platform.errors``) and nothing else
decides a status. ``details`` names what is at fault (``node``, ``column``, ``field``, ``file``...)
so that a client can point at it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    RATE_LIMITED = "RATE_LIMITED"
    CANCELLED = "CANCELLED"
    UNAVAILABLE = "UNAVAILABLE"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    DATA_LOSS = "DATA_LOSS"
    INTERNAL = "INTERNAL"


class SkyulfError(Exception):
    """An error whose message is safe and useful to show to the user."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}, {self.message!r}, {self.details!r})"

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "details": self.details}


class InvalidArgument(SkyulfError):
    code = ErrorCode.INVALID_ARGUMENT


class UnsupportedMediaType(InvalidArgument):
    """A file of a kind that is never read (a pickle, an archive): refused by its type."""

    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class NotFound(SkyulfError):
    code = ErrorCode.NOT_FOUND


class AlreadyExists(SkyulfError):
    code = ErrorCode.ALREADY_EXISTS


class FailedPrecondition(SkyulfError):
    code = ErrorCode.FAILED_PRECONDITION


class Unauthenticated(SkyulfError):
    code = ErrorCode.UNAUTHENTICATED


class PermissionDenied(SkyulfError):
    code = ErrorCode.PERMISSION_DENIED


class RateLimited(SkyulfError):
    code = ErrorCode.RATE_LIMITED


class Cancelled(SkyulfError):
    code = ErrorCode.CANCELLED


class Unavailable(SkyulfError):
    code = ErrorCode.UNAVAILABLE


class DeadlineExceeded(SkyulfError):
    code = ErrorCode.DEADLINE_EXCEEDED


class DataLoss(SkyulfError):
    code = ErrorCode.DATA_LOSS


class NodeError(InvalidArgument):
    """A pipeline node was configured or used wrongly; names the node (and column if any)."""

    def __init__(
        self,
        message: str,
        *,
        node_id: str | None = None,
        node_type: str | None = None,
        column: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        d: dict[str, Any] = dict(details or {})
        if node_id is not None:
            d["node"] = node_id
        if node_type is not None:
            d["node_type"] = node_type
        if column is not None:
            d["column"] = column
        if field is not None:
            d["field"] = field
        super().__init__(message, details=d)
