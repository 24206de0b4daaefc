"""The two tables that turn an :class:`ErrorCode` into a gRPC status and an HTTP status.

Nothing else in Skyulf chooses a status. Errors cross gRPC as the mapped status code plus a
``skyulf-error-bin`` trailer carrying ``{"code", "message", "details"}``, so the receiving side
rebuilds the very same :class:`SkyulfError`.
"""

from __future__ import annotations

import json
from typing import Any

import grpc

from skyulf_errors import ErrorCode, SkyulfError

ERROR_TRAILER = "skyulf-error-bin"

GRPC_STATUS: dict[ErrorCode, grpc.StatusCode] = {
    ErrorCode.INVALID_ARGUMENT: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorCode.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorCode.ALREADY_EXISTS: grpc.StatusCode.ALREADY_EXISTS,
    ErrorCode.FAILED_PRECONDITION: grpc.StatusCode.FAILED_PRECONDITION,
    ErrorCode.PAYLOAD_TOO_LARGE: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorCode.UNAUTHENTICATED: grpc.StatusCode.UNAUTHENTICATED,
    ErrorCode.PERMISSION_DENIED: grpc.StatusCode.PERMISSION_DENIED,
    ErrorCode.RATE_LIMITED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorCode.CANCELLED: grpc.StatusCode.CANCELLED,
    ErrorCode.UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    ErrorCode.DEADLINE_EXCEEDED: grpc.StatusCode.DEADLINE_EXCEEDED,
    ErrorCode.DATA_LOSS: grpc.StatusCode.DATA_LOSS,
    ErrorCode.INTERNAL: grpc.StatusCode.INTERNAL,
}

HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID_ARGUMENT: 400,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.ALREADY_EXISTS: 409,
    ErrorCode.FAILED_PRECONDITION: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.CANCELLED: 409,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.DEADLINE_EXCEEDED: 504,
    ErrorCode.DATA_LOSS: 500,
    ErrorCode.INTERNAL: 500,
}

# For statuses raised by gRPC itself (no trailer): e.g. a service that is down.
_FROM_GRPC: dict[grpc.StatusCode, ErrorCode] = {v: k for k, v in GRPC_STATUS.items()}
_FROM_GRPC[grpc.StatusCode.UNAVAILABLE] = ErrorCode.UNAVAILABLE
_FROM_GRPC[grpc.StatusCode.RESOURCE_EXHAUSTED] = ErrorCode.PAYLOAD_TOO_LARGE
_FROM_GRPC[grpc.StatusCode.INVALID_ARGUMENT] = ErrorCode.INVALID_ARGUMENT
_FROM_GRPC[grpc.StatusCode.OUT_OF_RANGE] = ErrorCode.INVALID_ARGUMENT
_FROM_GRPC[grpc.StatusCode.UNIMPLEMENTED] = ErrorCode.INTERNAL


def error_trailer(err: SkyulfError) -> tuple[tuple[str, bytes], ...]:
    payload = json.dumps(err.to_dict(), default=str).encode()
    return ((ERROR_TRAILER, payload),)


def from_rpc_error(e: grpc.RpcError, *, service: str | None = None) -> SkyulfError:
    """Rebuild the SkyulfError a peer raised, or describe a transport failure."""
    trailers: Any = ()
    try:
        trailers = e.trailing_metadata() or ()  # type: ignore[attr-defined]
    except Exception:  # a channel-level failure may carry no call at all
        trailers = ()
    for key, value in trailers:
        if key == ERROR_TRAILER:
            data = json.loads(value)
            return SkyulfError(
                data.get("message", ""),
                code=ErrorCode(data.get("code", "INTERNAL")),
                details=data.get("details") or {},
            )
    status = e.code() if hasattr(e, "code") else grpc.StatusCode.UNKNOWN  # type: ignore[attr-defined]
    code = _FROM_GRPC.get(status, ErrorCode.INTERNAL)
    if code == ErrorCode.UNAVAILABLE or status == grpc.StatusCode.DEADLINE_EXCEEDED:
        name = service or "a platform service"
        return SkyulfError(
            f"{name} is not reachable",
            code=code,
            details={"service": name} if service else {},
        )
    return SkyulfError("internal error in a platform service", code=ErrorCode.INTERNAL)
