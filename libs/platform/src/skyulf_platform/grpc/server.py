"""``serve()``: the one way a Skyulf gRPC service runs.

It adds health (``grpc.health.v1``) under two kinds of names. Readiness: ``""`` and each service's
full name are NOT_SERVING until the service's dependency checks pass, then re-checked
periodically. Liveness: :data:`LIVENESS_SERVICE` is SERVING as long as the process answers,
whatever its dependencies do, so a database blip takes pods out of rotation without restarting
them all. Also reflection, the request-id and error-mapping interceptors, and a graceful
stop on SIGTERM/SIGINT that lets in-flight calls finish.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from grpc import aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from skyulf_platform.grpc.auth import AuthInterceptor, BearerVerifier, installed
from skyulf_platform.grpc.client import MESSAGE_OPTIONS
from skyulf_platform.grpc.interceptors import ErrorMappingInterceptor
from skyulf_platform.metrics.grpc import MetricsInterceptor

log = logging.getLogger(__name__)

LIVENESS_SERVICE = "liveness"
"""The health service name a liveness probe asks for: process-only, never dependency-gated."""

MAX_CONNECTION_AGE_S = 60.0
"""After this long the server asks a client to stop using a connection (HTTP/2 GOAWAY), so
round-robin clients re-resolve and reach replicas added since. Calls in flight on it, such as a
long WatchJob stream, run to their end: no grace limit is set."""

SERVER_OPTIONS = [
    *MESSAGE_OPTIONS,
    ("grpc.max_connection_age_ms", int(MAX_CONNECTION_AGE_S * 1000)),
    # Clients ping every 30 s during calls (grpc.keepalive_time_ms); accept that.
    ("grpc.http2.min_ping_interval_without_data_ms", 20_000),
]

HealthCheck = Callable[[], Awaitable[None]]
"""Raises when a dependency does not answer."""


@dataclass
class ServiceBinding:
    """A servicer, the generated ``add_*_to_server`` function and its full service name."""

    servicer: object
    add_to_server: Callable[[object, aio.Server], None]
    service_name: str


@dataclass
class RunningServer:
    server: aio.Server
    port: int
    health: health.HealthServicer
    service_names: list[str]
    checks: Sequence[HealthCheck] = field(default_factory=list)
    _monitor: asyncio.Task[None] | None = None

    async def stop(self, grace: float = 10.0) -> None:
        if self._monitor is not None:
            self._monitor.cancel()
        self.health.enter_graceful_shutdown()
        await self.server.stop(grace)


async def _run_checks(checks: Sequence[HealthCheck]) -> str | None:
    for check in checks:
        try:
            await asyncio.wait_for(check(), timeout=5.0)
        except Exception as e:
            return f"{getattr(check, '__name__', 'check')}: {e}"
    return None


async def _monitor(running: RunningServer, interval: float) -> None:
    current: int | None = None
    while True:
        failure = await _run_checks(running.checks)
        status = (
            health_pb2.HealthCheckResponse.NOT_SERVING
            if failure
            else health_pb2.HealthCheckResponse.SERVING
        )
        if status != current:
            if failure:
                log.warning("not serving: %s", failure)
            else:
                log.info("serving")
            for name in ["", *running.service_names]:
                running.health.set(name, status)
            current = status
        await asyncio.sleep(interval if failure is None else min(interval, 1.0))


def _port_options(port: int) -> list[tuple[str, int]]:
    """A port the kernel picks (0) is this server's alone. gRPC sets SO_REUSEPORT by default,
    and with it a picked port may be one another server already listens on: their clients
    then reach each other's servers (grpc/grpc#10755). A configured port keeps SO_REUSEPORT,
    so that several processes can share it."""
    return [("grpc.so_reuseport", 0)] if port == 0 else []


async def start_server(
    bindings: Sequence[ServiceBinding],
    *,
    host: str,
    port: int,
    checks: Sequence[HealthCheck] = (),
    check_interval: float = 5.0,
    reflection_enabled: bool = True,
    bearer_verifier: BearerVerifier | None = None,
) -> RunningServer:
    """Starts a server whose every method but health (and reflection, when enabled) refuses a
    call without the service credential installed in this process (or a token
    ``bearer_verifier`` accepts). Refuses to start when no credential is installed."""
    credentials = installed()
    if credentials is None:
        raise RuntimeError(
            "no service credentials installed: call skyulf_platform.grpc.auth.install_from_settings"
            " in the composition root before starting a gRPC server"
        )
    server = aio.server(
        interceptors=[
            MetricsInterceptor(),
            AuthInterceptor(credentials, bearer_verifier=bearer_verifier),
            ErrorMappingInterceptor(),
        ],
        options=[*SERVER_OPTIONS, *_port_options(port)],
    )
    for b in bindings:
        b.add_to_server(b.servicer, server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [b.service_name for b in bindings]
    for name in ["", *names]:
        health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    health_servicer.set(LIVENESS_SERVICE, health_pb2.HealthCheckResponse.SERVING)
    if reflection_enabled:
        reflection.enable_server_reflection(
            [
                *names,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ],
            server,
        )
    bound = server.add_insecure_port(f"{host}:{port}")
    await server.start()
    running = RunningServer(server, bound, health_servicer, names, list(checks))
    running._monitor = asyncio.create_task(_monitor(running, check_interval))
    log.info("gRPC listening on %s:%d", host, bound)
    return running


async def serve_forever(
    bindings: Sequence[ServiceBinding],
    *,
    host: str,
    port: int,
    checks: Sequence[HealthCheck] = (),
    on_stop: Callable[[], Awaitable[None]] | None = None,
    reflection_enabled: bool = True,
) -> None:
    running = await start_server(
        bindings, host=host, port=port, checks=checks, reflection_enabled=reflection_enabled
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping: letting in-flight calls finish")
    await running.stop()
    if on_stop is not None:
        await on_stop()
