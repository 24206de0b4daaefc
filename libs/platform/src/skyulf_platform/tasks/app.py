"""The one Celery app. Queues: ``ingest``, ``train``, ``tune``.

The broker is Redis when ``SKYULF_BROKER_URL`` points at it; by default it is Kombu's SQLAlchemy
transport on a SQLite file in the data dir, which needs no separately installed server. Results
are not kept in Celery: tasks write them to the owning service's tables.
"""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from skyulf_platform.settings import PlatformSettings

QUEUES = ("ingest", "train", "tune")

# Task names are part of the contract between a service and the workers.
INGEST_DATASET = "skyulf.ingestion.ingest_dataset"
TRAIN_PIPELINE = "skyulf.pipeline.train"

TASK_MODULES = ["skyulf_ingestion.tasks", "skyulf_pipeline.tasks"]

# Redis hands an unacknowledged task back after this many seconds: every hard time limit sits
# below it, so a task is stopped (and its job finished) before it could be delivered twice.
VISIBILITY_TIMEOUT = 3600
# (soft, hard) seconds per queue. The soft limit stops the job with a DEADLINE_EXCEEDED error
# naming it; the hard limit ends the process still running past it.
QUEUE_TIME_LIMITS: dict[str, tuple[float, float]] = {
    "ingest": (1500.0, 1800.0),
    "train": (3000.0, 3300.0),
    "tune": (3000.0, 3300.0),
}
_TASK_QUEUES = {INGEST_DATASET: "ingest", TRAIN_PIPELINE: "train"}


def queue_time_limits(queue: str) -> tuple[float, float]:
    """The (soft, hard) time limits of a queue's tasks, in seconds."""
    soft, hard = QUEUE_TIME_LIMITS[queue]
    if not soft < hard < VISIBILITY_TIMEOUT:
        raise ValueError(
            f"queue {queue!r}: the soft limit ({soft:g}s) must be below the hard limit "
            f"({hard:g}s), and that below the broker's visibility timeout ({VISIBILITY_TIMEOUT}s)"
        )
    return soft, hard


def create_celery_app(settings: PlatformSettings, *, include_tasks: bool = True) -> Celery:
    broker = settings.resolved_broker_url()
    if broker.startswith("sqla+sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = Celery("skyulf", broker=broker, include=TASK_MODULES if include_tasks else [])
    app.conf.update(
        task_queues=[Queue(q, routing_key=q) for q in QUEUES],
        task_default_queue="train",
        task_routes={
            INGEST_DATASET: {"queue": "ingest"},
            TRAIN_PIPELINE: {"queue": "train"},
        },
        task_ignore_result=True,
        # Enforced by Celery in prefork pools; the training runner enforces them itself too
        # (the default solo pool has no time limits).
        task_annotations={
            name: dict(
                zip(("soft_time_limit", "time_limit"), queue_time_limits(queue), strict=True)
            )
            for name, queue in _TASK_QUEUES.items()
        },
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
        # for Redis only: an unacknowledged task comes back after an hour.
        app.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    return app
