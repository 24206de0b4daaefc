"""gRPC channels to other Skyulf services, and the one place their errors are rebuilt.

Every channel balances its calls round-robin over all the addresses its target resolves to.
Give a ``dns:///name:port`` target that resolves to every replica (a headless Kubernetes
Service) and calls spread over all pods; servers close connections after a maximum age
(:data:`skyulf_platform.grpc.server.MAX_CONNECTION_AGE_S`), so clients re-resolve and pick up
the replicas an autoscaler added. A plain ``host:port`` target works as before.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import grpc
from grpc import aio

from skyulf_platform.errors import from_rpc_error
from skyulf_platform.grpc.auth import SyncCredentialsInterceptor
from skyulf_platform.grpc.interceptors import REQUEST_ID_KEY, client_interceptors
from skyulf_platform.logs import request_id_var
from skyulf_platform.projects import PROJECT_KEY, project_var

MAX_MESSAGE_BYTES = 64 * 1024 * 1024

MESSAGE_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]

SERVICE_CONFIG: dict[str, object] = {"loadBalancingConfig": [{"round_robin": {}}]}

CHANNEL_OPTIONS = [
    *MESSAGE_OPTIONS,
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.service_config", json.dumps(SERVICE_CONFIG)),
    # Re-resolve the target at most this often when connections drop (new or gone replicas).
    ("grpc.dns_min_time_between_resolutions_ms", 5_000),
]


def aio_channel(address: str, *, service: str | None = None) -> aio.Channel:
    """A channel to a peer. With ``service``, failed unary-unary calls raise the SkyulfError the
    peer sent, or Unavailable naming ``service`` when it cannot be reached; wrap streaming calls
    in :func:`translated` for the same."""
    return aio.insecure_channel(
        address, options=CHANNEL_OPTIONS, interceptors=client_interceptors(service)
    )


def sync_channel(address: str) -> grpc.Channel:
    """A blocking channel, for Celery tasks and scripts. Its calls carry this process's service
    credential (:mod:`skyulf_platform.grpc.auth`) unless they set an ``authorization`` of their own."""
    return grpc.intercept_channel(
        grpc.insecure_channel(address, options=CHANNEL_OPTIONS), SyncCredentialsInterceptor()
    )


def call_metadata() -> tuple[tuple[str, str], ...]:
    """Metadata for blocking calls: the request id and the project (the aio channels add them
    themselves)."""
    rid = request_id_var.get()
    project = project_var.get()
    return ((REQUEST_ID_KEY, rid),) * bool(rid) + ((PROJECT_KEY, project),) * bool(project)


@contextlib.contextmanager
def translated(service: str) -> Iterator[None]:
    """Re-raise a failed call to `service` as the SkyulfError it carried."""
    try:
        yield
    except grpc.RpcError as e:
        raise from_rpc_error(e, service=service) from e
