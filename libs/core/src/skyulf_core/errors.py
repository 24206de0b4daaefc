"""The error vocabulary, as the ML core's modules import it; it lives in ``skyulf_errors`` (no
dependencies) so that processes without the ML stack, like the gateway, share it."""

from skyulf_errors import (
    AlreadyExists,
    Cancelled,
    DataLoss,
    DeadlineExceeded,
    ErrorCode,
    FailedPrecondition,
    InvalidArgument,
    NodeError,
    NotFound,
    SkyulfError,
    Unavailable,
)

__all__ = [
    "AlreadyExists",
    "Cancelled",
    "DataLoss",
    "DeadlineExceeded",
    "ErrorCode",
    "FailedPrecondition",
    "InvalidArgument",
    "NodeError",
    "NotFound",
    "SkyulfError",
    "Unavailable",
]
