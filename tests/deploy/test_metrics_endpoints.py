"""Every kind of Skyulf process serves Prometheus metrics: real processes, scraped over HTTP.

The gateway (HTTP requests, latency, errors), a gRPC service (calls by method and code,
latency) and a prefork Celery worker (tasks by outcome and duration, counted in its child
processes through PROMETHEUS_MULTIPROC_DIR as the chart runs it, and the depth of its queues).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client.parser import text_string_to_metric_families

from skyulf_platform.settings import PlatformSettings
from skyulf_platform.stack import free_port
from skyulf_platform.tasks.app import create_celery_app

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(port: int) -> Samples:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name`` over the samples carrying ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def wait_until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, grpc.RpcError):
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def process(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"proc-{len(procs)}.log").open("wb")
        full_env = {**os.environ, "SKYULF_DATA_DIR": str(tmp_path / "data"), **env}
        proc = subprocess.Popen(args, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_gateway_counts_requests_latency_and_errors(
    process: Callable[..., subprocess.Popen[bytes]],
) -> None:
    http, metrics = free_port(), free_port()
    process(
        [sys.executable, "-m", "skyulf_gateway", "serve", "--migrate"],
        SKYULF_BOOTSTRAP_API_KEY="sky_metrics-test-key-0123456789",
        SKYULF_HTTP_PORT=str(http),
        SKYULF_METRICS_PORT=str(metrics),
        # No backend runs: calls that need one fail with 503.
        SKYULF_INGESTION_ADDR=f"127.0.0.1:{free_port()}",
    )
    wait_until(lambda: httpx.get(f"http://127.0.0.1:{http}/healthz", timeout=5) is not None)
    for _ in range(3):
        httpx.get(
            f"http://127.0.0.1:{http}/api/v1/datasets/ds-1",
            headers={"Authorization": "Bearer sky_metrics-test-key-0123456789"},
            timeout=30,
        )
    samples = scrape(metrics)
    route = "/api/v1/datasets/{dataset_id}"
    assert value(samples, "skyulf_http_requests_total", app="gateway", route=route) == 3
    assert value(samples, "skyulf_http_errors_total", app="gateway", route=route) == 3
    count = value(samples, "skyulf_http_request_duration_seconds_count", app="gateway", route=route)
    assert count == 3
    # The raw path never becomes a label.
    assert not any("ds-1" in str(labels) for _, labels in samples)


def test_a_grpc_service_counts_calls_by_method_and_code(
    process: Callable[..., subprocess.Popen[bytes]],
) -> None:
    grpc_port, metrics = free_port(), free_port()
    process(
        [sys.executable, "-m", "skyulf_advisor", "serve"],
        SKYULF_GRPC_PORT=str(grpc_port),
        SKYULF_METRICS_PORT=str(metrics),
        SKYULF_INGESTION_ADDR=f"127.0.0.1:{free_port()}",
    )
    with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        wait_until(
            lambda: health.Check(health_pb2.HealthCheckRequest(service="liveness")).status == 1
        )
        for _ in range(4):
            health.Check(health_pb2.HealthCheckRequest(service="liveness"))
        with pytest.raises(grpc.RpcError):
            health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"))
    samples = scrape(metrics)
    health_calls = {"grpc_service": "grpc.health.v1.Health", "grpc_method": "Check"}
    assert value(samples, "skyulf_grpc_server_requests_total", grpc_code="OK", **health_calls) >= 5
    assert (
        value(samples, "skyulf_grpc_server_requests_total", grpc_code="NOT_FOUND", **health_calls)
        == 1
    )
    assert value(samples, "skyulf_grpc_server_request_duration_seconds_count", **health_calls) >= 6


WORKER_APP = textwrap.dedent(
    """
    from skyulf_platform.metrics.tasks import instrument_worker
    from skyulf_platform.settings import PlatformSettings
    from skyulf_platform.tasks.app import QUEUES, create_celery_app

    settings = PlatformSettings(service_name="worker")
    app = create_celery_app(settings, include_tasks=False)
    instrument_worker(app, settings, QUEUES)


    @app.task(name="test.add")
    def add(a: int, b: int) -> int:
        if a < 0:
            raise ValueError("negative")
        return a + b
    """
)


def test_a_prefork_worker_counts_tasks_and_reports_queue_depth(
    process: Callable[..., subprocess.Popen[bytes]], redis_url: str, tmp_path: Path
) -> None:
    (tmp_path / "metrics_tasks.py").write_text(WORKER_APP)
    metrics = free_port()
    process(
        [sys.executable, "-m", "celery", "-A", "metrics_tasks:app", "worker",
         "-Q", "ingest", "--concurrency", "2", "--loglevel", "INFO"],
        PYTHONPATH=str(tmp_path),
        SKYULF_BROKER_URL=redis_url,
        SKYULF_METRICS_PORT=str(metrics),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
    )  # fmt: skip
    producer = create_celery_app(PlatformSettings(broker_url=redis_url), include_tasks=False)
    for args in ([1, 2], [3, 4], [-1, 0]):
        producer.send_task("test.add", args=args, queue="ingest")
    for _ in range(3):  # nobody consumes "tune" here: it stays queued
        producer.send_task("test.add", args=[0, 0], queue="tune")

    def done() -> bool:
        samples = scrape(metrics)
        return value(samples, "skyulf_worker_tasks_total", task="test.add") >= 3

    wait_until(done, timeout=90)
    samples = scrape(metrics)
    ok = value(
        samples, "skyulf_worker_tasks_total", task="test.add", queue="ingest", state="SUCCESS"
    )
    failed = value(samples, "skyulf_worker_tasks_total", task="test.add", state="FAILURE")
    assert (ok, failed) == (2, 1)
    assert value(samples, "skyulf_worker_task_duration_seconds_count", task="test.add") == 3
    assert value(samples, "skyulf_queue_depth", queue="tune") == 3
    assert value(samples, "skyulf_queue_depth", queue="ingest") == 0
