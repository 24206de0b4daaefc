"""The one Celery app. Queues: ``ingest``, ``train``, ``tune``.

Services register their own tasks: each names its task module under the ``skyulf.tasks`` entry
point group of its package, and a worker imports every module registered there. Task names and
the queue each is sent to belong to the service that sends them.

The broker is Redis when ``SKYULF_BROKER_URL`` points at it; by default it is Kombu's SQLAlchemy
transport on a SQLite file in the data dir, which needs no separately installed server (its
idle consumers are woken by each put: :mod:`skyulf_platform.tasks.sqlite_broker`). Results
are not kept in Celery: tasks write them to the owning service's tables.
"""

from __future__ import annotations

import ssl
from importlib.metadata import entry_points
from typing import Any

from celery import Celery
from kombu import Queue

from skyulf_platform.settings import DEFAULT_VISIBILITY_TIMEOUT, PlatformSettings
from skyulf_platform.tasks.context import install_project_propagation

QUEUES = ("ingest", "train", "tune")

TASK_ENTRY_POINTS = "skyulf.tasks"
SQLITE_TRANSPORT = "skyulf_platform.tasks.sqlite_broker:Transport"


def task_modules() -> list[str]:
    """The task modules installed services registered (entry point group ``skyulf.tasks``)."""
    return sorted(ep.value for ep in entry_points(group=TASK_ENTRY_POINTS))


# Redis hands an unacknowledged task back after this many seconds unless the deployment sets
# SKYULF_BROKER_VISIBILITY_TIMEOUT: every hard time limit sits below it, so a task is stopped (and
# its job finished) before it could be delivered twice.
VISIBILITY_TIMEOUT = DEFAULT_VISIBILITY_TIMEOUT
# Default (soft, hard) seconds per queue. The soft limit stops the job with a DEADLINE_EXCEEDED
# error naming it; the hard limit ends the process still running past it. A deployment running a
# worker per queue overrides them with SKYULF_TASK_SOFT_TIME_LIMIT / SKYULF_TASK_TIME_LIMIT.
QUEUE_TIME_LIMITS: dict[str, tuple[float, float]] = {
    "ingest": (1500.0, 1800.0),
    "train": (3000.0, 3300.0),
    "tune": (3000.0, 3300.0),
}


def queue_time_limits(queue: str, settings: PlatformSettings | None = None) -> tuple[float, float]:
    """The (soft, hard) time limits of a queue's tasks, in seconds: the deployment's settings
    where given, else the queue's defaults; refused unless soft < hard < visibility timeout."""
    soft, hard = QUEUE_TIME_LIMITS[queue]
    visibility = VISIBILITY_TIMEOUT
    if settings is not None:
        soft = float(settings.task_soft_time_limit or soft)
        hard = float(settings.task_time_limit or hard)
        visibility = settings.broker_visibility_timeout
    if not soft < hard < visibility:
        raise ValueError(
            f"queue {queue!r}: the soft limit ({soft:g}s) must be below the hard limit "
            f"({hard:g}s), and that below the broker's visibility timeout ({visibility}s)"
        )
    return soft, hard


# Task name -> queue, declared by each service for its own tasks (declare_task_queue).
_TASK_QUEUES: dict[str, str] = {}


def declare_task_queue(task_name: str, queue: str) -> None:
    """A service declares which queue its task runs on, so the task gets that queue's limits."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; the queues are {', '.join(QUEUES)}")
    _TASK_QUEUES[task_name] = queue


class QueueTimeLimits:
    """A Celery task annotation: each task declared on one of the queues gets that queue's
    limits (Celery enforces them in prefork pools; the training runner enforces them itself in
    the default solo pool)."""

    def __init__(self, settings: PlatformSettings) -> None:
        self.settings = settings

    def annotate(self, task: Any) -> dict[str, float] | None:
        queue = _TASK_QUEUES.get(getattr(task, "name", ""))
        if queue is None:
            return None
        soft, hard = queue_time_limits(queue, self.settings)
        return {"soft_time_limit": soft, "time_limit": hard}


def create_celery_app(settings: PlatformSettings, *, include_tasks: bool = True) -> Celery:
    broker = settings.resolved_broker_url()
    transport = None
    if broker.startswith("sqla+sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Kombu's SQLAlchemy transport, with consumers woken by each put (see sqlite_broker).
        broker, transport = broker.removeprefix("sqla+"), SQLITE_TRANSPORT
    app = Celery("skyulf", broker=broker, include=task_modules() if include_tasks else [])
    if transport is not None:
        app.conf.broker_transport = transport
    app.conf.update(
        task_queues=[Queue(q, routing_key=q) for q in QUEUES],
        task_default_queue="train",
        task_ignore_result=True,
        # Enforced by Celery in prefork pools; the training runner enforces them itself too
        # (the default solo pool has no time limits).
        task_annotations=[QueueTimeLimits(settings)],
        # A task is acknowledged after it ran, so a worker that dies mid-task hands it back;
        # tasks are idempotent on their ids.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        enable_utc=True,
    )
    if broker.startswith(("redis://", "rediss://")):
        # Kombu's SQLAlchemy transport hands transport options to create_engine(), so these are
        # for Redis only: an unacknowledged task comes back after the visibility timeout.
        app.conf.broker_transport_options = {
            "visibility_timeout": settings.broker_visibility_timeout
        }
    _apply_deployment_limits(app, settings)
    _apply_broker_tls(app, settings)
    install_project_propagation()
    return app


# --- What a deployment sets per worker: time limits (SKYULF_TASK_*_TIME_LIMIT), broker TLS ------


def _apply_broker_tls(app: Celery, settings: PlatformSettings) -> None:
    """rediss:// always verifies the server's certificate, against SKYULF_CA_BUNDLE when given
    (a private CA), else the system's trust store."""
    if settings.resolved_broker_url().startswith("rediss://"):
        tls: dict[str, object] = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
        if settings.ca_bundle is not None:
            tls["ssl_ca_certs"] = str(settings.ca_bundle)
        app.conf.broker_use_ssl = tls


def _apply_deployment_limits(app: Celery, settings: PlatformSettings) -> None:
    """The worker-wide time limits the deployment gives this worker's queue; a task's own
    ``time_limit``/``soft_time_limit`` still wins."""
    if settings.task_time_limit is not None:
        app.conf.task_time_limit = settings.task_time_limit
    if settings.task_soft_time_limit is not None:
        app.conf.task_soft_time_limit = settings.task_soft_time_limit
