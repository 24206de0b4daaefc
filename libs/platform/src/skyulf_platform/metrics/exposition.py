"""The ``/metrics`` endpoint, on its own port so that probes and scrapes never queue behind
application traffic. Under ``PROMETHEUS_MULTIPROC_DIR`` (a prefork worker's child processes
write their samples there) it aggregates every process's files."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from skyulf_platform.settings import PlatformSettings

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir() -> None:
    """Create the multiprocess directory, emptied of a previous run's files. Call before any
    child process records a sample."""
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def serve_metrics(
    settings: PlatformSettings, *, collectors: tuple[Collector, ...] = ()
) -> int | None:
    """Serve ``/metrics`` on ``settings.metrics_port`` (0 picks a free port) in a daemon
    thread; returns the port, or None when metrics are off."""
    if settings.metrics_port is None:
        return None
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    for collector in collectors:
        registry.register(collector)
    server, _ = start_http_server(settings.metrics_port, addr=settings.host, registry=registry)
    port = int(server.server_port)
    log.info("metrics on %s:%d/metrics", settings.host, port)
    return port
