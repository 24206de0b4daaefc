from __future__ import annotations

import grpc
import pytest

from skyulf_errors import ErrorCode, NotFound, SkyulfError
from skyulf_platform.errors import GRPC_STATUS, HTTP_STATUS, error_trailer, from_rpc_error


def test_every_code_has_a_grpc_and_an_http_status() -> None:
    for code in ErrorCode:
        assert code in GRPC_STATUS
        assert code in HTTP_STATUS


@pytest.mark.parametrize(
    ("code", "http"),
    [
        (ErrorCode.INVALID_ARGUMENT, 400),
        (ErrorCode.NOT_FOUND, 404),
        (ErrorCode.ALREADY_EXISTS, 409),
        (ErrorCode.PAYLOAD_TOO_LARGE, 413),
        (ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415),
        (ErrorCode.UNAVAILABLE, 503),
        (ErrorCode.INTERNAL, 500),
    ],
)
def test_http_statuses(code: ErrorCode, http: int) -> None:
    assert HTTP_STATUS[code] == http


class _FakeRpcError(grpc.RpcError):
    """What grpc raises on the client, reduced to the two accessors we read."""

    def __init__(self, status: grpc.StatusCode, trailers: tuple[tuple[str, bytes], ...]) -> None:
        self._status, self._trailers = status, trailers

    def code(self) -> grpc.StatusCode:
        return self._status

    def trailing_metadata(self) -> tuple[tuple[str, bytes], ...]:
        return self._trailers


def test_error_round_trips_through_the_trailer() -> None:
    err = NotFound("dataset 42 not found", details={"dataset_id": "42"})
    rebuilt = from_rpc_error(_FakeRpcError(grpc.StatusCode.NOT_FOUND, error_trailer(err)))
    assert rebuilt.code == ErrorCode.NOT_FOUND
    assert rebuilt.message == "dataset 42 not found"
    assert rebuilt.details == {"dataset_id": "42"}


def test_unreachable_peer_names_the_service() -> None:
    rebuilt = from_rpc_error(_FakeRpcError(grpc.StatusCode.UNAVAILABLE, ()), service="registry")
    assert rebuilt.code == ErrorCode.UNAVAILABLE
    assert "registry" in rebuilt.message


def test_unknown_failure_hides_internals() -> None:
    rebuilt = from_rpc_error(_FakeRpcError(grpc.StatusCode.UNKNOWN, ()))
    assert isinstance(rebuilt, SkyulfError)
    assert rebuilt.code == ErrorCode.INTERNAL
