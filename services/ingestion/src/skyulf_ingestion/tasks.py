"""Celery tasks of the ``ingest`` queue. Thin: the work is IngestionService.ingest."""

from __future__ import annotations

from functools import cache

from celery import Task, shared_task

from skyulf_errors import Unavailable
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import get_settings
from skyulf_ingestion.wiring import INGEST_DATASET, build_service
from skyulf_platform.tasks.app import declare_task_queue

declare_task_queue(INGEST_DATASET, "ingest")

MAX_RETRIES = 5


@cache
def worker_service() -> IngestionService:
    """One service (engine, store) per worker process."""
    return build_service(get_settings(), enqueue=None)


@shared_task(
    bind=True,
    name=INGEST_DATASET,
    autoretry_for=(Unavailable,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=MAX_RETRIES,
)
def ingest_dataset(self: Task, dataset_id: str) -> str:
    """Ingest one dataset; returns its final status.

    Retried with backoff while its database, S3 or a source is unavailable; the last attempt
    records the outage as the failure.
    """
    last = self.request.retries >= MAX_RETRIES
    return worker_service().ingest(dataset_id, retry_unavailable=not last).status.value
