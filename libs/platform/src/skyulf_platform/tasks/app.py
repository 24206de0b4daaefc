"""The one Celery app. Queues: ``ingest``, ``train``, ``tune``.

Services register their own tasks: each names its task module under the ``skyulf.tasks`` entry
point group of its package, and a worker imports every module registered there. Task names and
the queue each is sent to belong to the service that sends them.

The broker is Redis when ``SKYULF_BROKER_URL`` points at it; by default it is Kombu's SQLAlchemy
transport on a SQLite file in the data dir, which needs no separately installed server. Results
are not kept in Celery: tasks write them to the owning service's tables.
"""

from __future__ import annotations

import ssl
from importlib.metadata import entry_points

from celery import Celery
from kombu import Queue

from skyulf_platform.settings import PlatformSettings

QUEUES = ("ingest", "train", "tune")

TASK_ENTRY_POINTS = "skyulf.tasks"


def task_modules() -> list[str]:
    """The task modules installed services registered (entry point group ``skyulf.tasks``)."""
    return sorted(ep.value for ep in entry_points(group=TASK_ENTRY_POINTS))


def create_celery_app(settings: PlatformSettings, *, include_tasks: bool = True) -> Celery:
    broker = settings.resolved_broker_url()
    if broker.startswith("sqla+sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = Celery("skyulf", broker=broker, include=task_modules() if include_tasks else [])
    app.conf.update(
        task_queues=[Queue(q, routing_key=q) for q in QUEUES],
        task_default_queue="train",
        task_ignore_result=True,
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
