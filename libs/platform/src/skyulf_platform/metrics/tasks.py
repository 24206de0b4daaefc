"""Worker metrics: tasks by name, queue and outcome, and how long they ran."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from celery import Celery, signals
from prometheus_client import Counter, Histogram
from prometheus_client.registry import Collector

from skyulf_platform.metrics.exposition import prepare_multiprocess_dir, serve_metrics
from skyulf_platform.metrics.queues import QueueDepthCollector
from skyulf_platform.settings import PlatformSettings

TASKS = Counter(
    "skyulf_worker_tasks",
    "Tasks a worker finished, by task name, queue and state (SUCCESS, FAILURE, RETRY, ...).",
    ["task", "queue", "state"],
)
DURATION = Histogram(
    "skyulf_worker_task_duration_seconds",
    "How long tasks ran, by task name and queue.",
    ["task", "queue"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400),
)

_started: dict[str, float] = {}


def _queue(task: Any) -> str:
    info = getattr(task.request, "delivery_info", None) or {}
    return str(info.get("routing_key") or info.get("queue") or "unknown")


def _prerun(task_id: str, **_: Any) -> None:
    _started[task_id] = time.perf_counter()


def _postrun(task_id: str, task: Any, state: str | None = None, **_: Any) -> None:
    start = _started.pop(task_id, None)
    queue = _queue(task)
    TASKS.labels(task.name, queue, state or "UNKNOWN").inc()
    if start is not None:
        DURATION.labels(task.name, queue).observe(time.perf_counter() - start)


def instrument_worker(app: Celery, settings: PlatformSettings, queues: Sequence[str]) -> None:
    """Record every task the worker runs, and serve /metrics (with the depth of ``queues`` on a
    Redis broker) from the worker's main process once it starts; other commands that load the
    app, such as ``celery inspect ping``, serve nothing."""
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="skyulf-metrics-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="skyulf-metrics-postrun")

    def start(**_: Any) -> None:
        prepare_multiprocess_dir()
        broker = settings.resolved_broker_url()
        collectors: tuple[Collector, ...] = ()
        if broker.startswith(("redis://", "rediss://")):
            ssl_options = app.conf.broker_use_ssl if broker.startswith("rediss://") else None
            collectors = (QueueDepthCollector(broker, queues, ssl_options),)
        serve_metrics(settings, collectors=collectors)

    signals.worker_init.connect(start, weak=False, dispatch_uid="skyulf-metrics-serve")
